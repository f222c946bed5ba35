//! What is not known about a request's source: the facts the restrictions on
//! its server and backup need that no description states. Read by the `unverified` check
//! and by `readiness`.

use crate::model::{Entity, EntityKind, Inventory};

use crate::lang::{Lang, pick, say};

/// What a server must state for its restrictions to be verified, and how to collect it:
/// (field, OS it applies to, what is missing, how to collect it), in English and Chinese.
/// A phrase in English and Chinese.
type Words = [&'static str; 2];

const SERVER_FACTS: [(&str, Option<&str>, Words, Words); 7] = [
    (
        "status",
        None,
        ["status", "状态"],
        [
            "`hcloud ECS ShowServer` output",
            "`hcloud ECS ShowServer`的输出",
        ],
    ),
    (
        "os",
        None,
        ["OS", "操作系统"],
        [
            "`os`, or `hcloud ECS ShowServer` output",
            "`os`，或`hcloud ECS ShowServer`的输出",
        ],
    ),
    (
        "disks",
        None,
        ["disks", "磁盘"],
        [
            "`hcloud ECS ShowServer` output",
            "`hcloud ECS ShowServer`的输出",
        ],
    ),
    (
        "optimization",
        None,
        ["optimisation checklist", "优化检查项"],
        [
            "`optimization`, or the collector in examples/collect",
            "`optimization`，或examples/collect中的采集脚本",
        ],
    ),
    (
        "san_policy",
        Some("windows"),
        ["SAN policy", "SAN策略"],
        [
            "diskpart `san` or `Get-StorageSetting` output",
            "diskpart `san`或`Get-StorageSetting`的输出",
        ],
    ),
    (
        "volumes",
        Some("windows"),
        ["volumes", "卷"],
        [
            "diskpart `list volume` output",
            "diskpart `list volume`的输出",
        ],
    ),
    (
        "lvm",
        Some("linux"),
        ["LVM layout", "LVM布局"],
        ["`vgs` and `lvs` reports", "`vgs`和`lvs`的报告"],
    ),
];

/// What a backup must state: (field, what is missing, how to collect it).
const BACKUP_FACTS: [(&str, Words, Words); 2] = [
    (
        "status",
        ["status", "状态"],
        [
            "`hcloud CBR ShowBackup` output",
            "`hcloud CBR ShowBackup`的输出",
        ],
    ),
    (
        "images",
        ["images made from it", "已由其制作的镜像"],
        [
            "`hcloud CBR ShowBackup` output",
            "`hcloud CBR ShowBackup`的输出",
        ],
    ),
];

/// "{what} of {kind} {label} ({collect})", worded in the run's language.
fn missing_of(what: &str, kind: EntityKind, label: &str, collect: &str) -> String {
    let kind = kind.word();
    match Lang::current() {
        Lang::En => format!("{what} of {kind} {label} ({collect})"),
        Lang::ZhCn => format!("{kind}{label}的{what}（{collect}）"),
    }
}

/// What a server must state that it does not, then what Terraform knows of it only after
/// apply: a disk's storage pool or key, the vault it is in. The restrictions on its disks and
/// vault read these; its name, which no restriction reads, is left out.
pub fn server_unknowns(server: &Entity, missing: &mut Vec<String>) {
    stated_unknowns(server, missing);
    missing.extend(unknowns_of(server, |arg, _| arg != "name"));
}

/// Why a server's vault is unknown: `vault` holds servers that are not known before apply.
pub fn may_be_in_vault(vault: &str, why: &str) -> String {
    pick(
        || format!("it may be in vault {vault}: {why}"),
        || format!("它可能在存储库{vault}中：{why}"),
    )
}

/// What is unknown of a request's source server. That it may be in the vault the request
/// names is not: in that vault or in none, the request's vault is the one it is added to.
fn source_server_unknowns(r: &Entity, server: &Entity, inv: &Inventory, missing: &mut Vec<String>) {
    stated_unknowns(server, missing);
    let named = r.str("vault_id").map(|v| may_be_in_vault(&v, ""));
    // Made from a backup, the image does not back the server up: its vault does not matter.
    let from_backup = r.str("instance_id").is_none();
    // A volume attached by its id is known when an API dump describes it.
    let described = |why: &str| attached_volume_id(why).is_some_and(|id| inv.volume(id).is_some());
    missing.extend(unknowns_of(server, |arg, why| {
        arg != "name"
            && !(arg == "vault_id"
                && (from_backup || named.as_ref().is_some_and(|n| why.starts_with(n))))
            && !(arg == ATTACHED_VOLUME && described(why))
    }));
    // A volume the run attaches is a change no description of the server as it is (an
    // inventory, an API dump) can know of: what Terraform does not know of it counts too.
    for other in server.descriptions().skip(1) {
        missing.extend(unknowns_of(other, |arg, why| {
            arg == ATTACHED_VOLUME && !described(why)
        }));
    }
}

/// The argument a Terraform server's volume attached by its id is unknown by, its why
/// starting with the volume's id and a colon (see [`attached_volume_unknown`]): known when an
/// API dump describes that volume.
pub const ATTACHED_VOLUME: &str = "volume_id";

/// Why a volume attached by its id is unknown: what it is is not in the run.
pub fn attached_volume_unknown(id: &str, attach: &str) -> String {
    pick(
        || {
            format!(
                "{id}: the volume {attach} attaches is not described (its pool and key: add `hcloud EVS ShowVolume` output)"
            )
        },
        || {
            format!(
                "{id}：{attach}挂载的卷未被描述（其存储池和密钥：添加`hcloud EVS ShowVolume`的输出）"
            )
        },
    )
}

/// The id of the volume that a why made by [`attached_volume_unknown`] is about, in either
/// language (each writes its own colon after the id).
fn attached_volume_id(why: &str) -> Option<&str> {
    why.split_once([':', '：']).map(|(id, _)| id.trim())
}

fn stated_unknowns(server: &Entity, missing: &mut Vec<String>) {
    let os = server.str("os").map(|os| os.to_ascii_lowercase());
    // Disks a description lists only in part (the volumes a run attaches to a server it reads
    // as it is) do not say what the server has: unknown unless another description lists
    // them. (Its own unknown says so when it is the only description.)
    let partial = |d: &Entity| d.unknown_values().iter().any(|(a, _)| a == "disks");
    let disks_in_part = server.descriptions().skip(1).any(partial)
        && !server
            .descriptions()
            .any(|d| !partial(d) && d.knows_here("disks"));
    for (field, only_on, what, collect) in SERVER_FACTS {
        let applies = match (only_on, os.as_deref()) {
            (None, _) => true,
            (Some(wanted), Some(os)) => wanted == os,
            // The OS is unknown (listed itself): so are the OS-specific facts.
            (Some(_), None) => false,
        };
        let known = server.knows(field) && !(field == "disks" && disks_in_part);
        if applies && !known {
            missing.push(missing_of(
                say(what[0], what[1]),
                EntityKind::Server,
                &server.label(),
                say(collect[0], collect[1]),
            ));
        }
    }
}

pub fn backup_unknowns(backup: &Entity, missing: &mut Vec<String>) {
    for (field, what, collect) in BACKUP_FACTS {
        if !backup.knows(field) {
            missing.push(missing_of(
                say(what[0], what[1]),
                EntityKind::Backup,
                &backup.label(),
                say(collect[0], collect[1]),
            ));
        }
    }
    if !backup.knows("volumes") && !backup.knows("contain_system_disk") {
        missing.push(missing_of(
            say("disks", "磁盘"),
            EntityKind::Backup,
            &backup.label(),
            say(
                "`hcloud CBR ShowBackup` output",
                "`hcloud CBR ShowBackup`的输出",
            ),
        ));
    }
}

/// "{kind} {id} is not described (add it, or {collect})".
fn undescribed(kind: EntityKind, id: &str, collect: &str) -> String {
    let kind = kind.word();
    match Lang::current() {
        Lang::En => format!("{kind} {id} is not described (add it, or {collect} output)"),
        Lang::ZhCn => format!("{kind}{id}未被描述（请补充描述，或提供{collect}的输出）"),
    }
}

/// The facts a request's source needs that nothing states, with how to collect them; `None`
/// when the request names no source (another rule's finding).
pub fn request_unknowns(r: &Entity, inv: &Inventory) -> Option<Vec<String>> {
    // What Terraform knows only after apply, first: the request's own values.
    let mut missing = own_unknowns(r);
    let server = if let Some(id) = r.str("instance_id") {
        let server = inv.server(&id);
        if server.is_none() {
            missing.push(undescribed(
                EntityKind::Server,
                &id,
                "`hcloud ECS ShowServer`",
            ));
        }
        server
    } else if let Some(id) = r.str("backup_id") {
        backup_source(&id, inv, &mut missing)
    } else {
        return (!missing.is_empty()).then_some(missing);
    };
    if let Some(server) = server {
        source_server_unknowns(r, server, inv, &mut missing);
    }
    Some(missing)
}

/// The entity's own values that are not known before apply (Terraform), and why.
pub fn own_unknowns(e: &Entity) -> Vec<String> {
    unknowns_of(e, |_, _| true).collect()
}

/// The entity's values not known before apply, of the arguments `wanted`, worded.
fn unknowns_of<'e>(
    e: &'e Entity,
    wanted: impl Fn(&str, &str) -> bool + 'e,
) -> impl Iterator<Item = String> + 'e {
    e.unknown_values()
        .iter()
        .filter(move |(arg, why)| wanted(arg, why))
        .map(|(arg, why)| match Lang::current() {
            Lang::En => format!("`{arg}` of {} ({why})", e.label()),
            Lang::ZhCn => format!("{}的`{arg}`（{why}）", e.label()),
        })
}

/// What is unknown of a request's backup, and the server it was made from, when described.
fn backup_source<'i>(
    id: &str,
    inv: &'i Inventory,
    missing: &mut Vec<String>,
) -> Option<&'i Entity> {
    let Some(backup) = inv.backup(id) else {
        missing.push(undescribed(
            EntityKind::Backup,
            id,
            "`hcloud CBR ShowBackup`",
        ));
        return None;
    };
    backup_unknowns(backup, missing);
    let Some(sid) = backup.str("server_id") else {
        missing.push(match Lang::current() {
            Lang::En => format!(
                "the server backup {} was made from (`server_id`)",
                backup.label()
            ),
            Lang::ZhCn => format!("备份{}所属的云服务器（`server_id`）", backup.label()),
        });
        return None;
    };
    let server = inv.server(&sid);
    if server.is_none() {
        missing.push(match Lang::current() {
            Lang::En => format!(
                "server {sid}, which backup {} was made from, is not described (add it, or `hcloud ECS ShowServer` output)",
                backup.label()
            ),
            Lang::ZhCn => format!(
                "备份{}所属的云服务器{sid}未被描述（请补充描述，或提供`hcloud ECS ShowServer`的输出）",
                backup.label()
            ),
        });
    }
    server
}
