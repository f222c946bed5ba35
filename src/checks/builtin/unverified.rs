//! `unverified`: unknown is not a pass (`rules/request-unverified.yaml`, SPEC §11.2). For each
//! request, the restrictions that apply to its source (the server, or the backup and the
//! server it was made from) need facts; one warning per request lists the facts that are
//! missing and how to collect them (`--strict` makes it an error).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unverified {}

/// What a server must state for its restrictions to be verified, and how to collect it:
/// (field, OS it applies to, what is missing, how to collect it).
const SERVER_FACTS: [(&str, Option<&str>, &str, &str); 7] = [
    ("status", None, "status", "`hcloud ECS ShowServer` output"),
    ("os", None, "OS", "`os`, or `hcloud ECS ShowServer` output"),
    ("disks", None, "disks", "`hcloud ECS ShowServer` output"),
    (
        "optimization",
        None,
        "optimisation checklist",
        "`optimization`, or the collector in examples/collect",
    ),
    (
        "san_policy",
        Some("windows"),
        "SAN policy",
        "diskpart `san` or `Get-StorageSetting` output",
    ),
    (
        "volumes",
        Some("windows"),
        "volumes",
        "diskpart `list volume` output",
    ),
    (
        "lvm",
        Some("linux"),
        "LVM layout",
        "`vgs` and `lvs` reports",
    ),
];

/// What a backup must state: (field, what is missing, how to collect it).
const BACKUP_FACTS: [(&str, &str, &str); 2] = [
    ("status", "status", "`hcloud CBR ShowBackup` output"),
    (
        "images",
        "images made from it",
        "`hcloud CBR ShowBackup` output",
    ),
];

fn server_unknowns(server: &Entity, missing: &mut Vec<String>) {
    let os = server.str("os").map(|os| os.to_ascii_lowercase());
    for (field, only_on, what, collect) in SERVER_FACTS {
        let applies = match (only_on, os.as_deref()) {
            (None, _) => true,
            (Some(wanted), Some(os)) => wanted == os,
            // The OS is unknown (listed itself): so are the OS-specific facts.
            (Some(_), None) => false,
        };
        if applies && !server.knows(field) {
            missing.push(format!("{what} of server {} ({collect})", server.label()));
        }
    }
}

fn backup_unknowns(backup: &Entity, missing: &mut Vec<String>) {
    for (field, what, collect) in BACKUP_FACTS {
        if !backup.knows(field) {
            missing.push(format!("{what} of backup {} ({collect})", backup.label()));
        }
    }
    if !backup.knows("volumes") && !backup.knows("contain_system_disk") {
        missing.push(format!(
            "disks in backup {} (`hcloud CBR ShowBackup` output)",
            backup.label()
        ));
    }
}

impl Check for Unverified {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(EntityKind::Request, &["instance_id", "backup_id"])
            .fields(EntityKind::Backup, &["server_id"])
            .fields(EntityKind::Server, &["os"])
            .stated(
                EntityKind::Server,
                &[
                    "status",
                    "os",
                    "disks",
                    "optimization",
                    "san_policy",
                    "volumes",
                    "lvm",
                ],
            )
            .stated(
                EntityKind::Backup,
                &["status", "images", "volumes", "contain_system_disk"],
            )
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for r in inv.of_kind(EntityKind::Request) {
            let mut missing = Vec::new();
            let server = if let Some(id) = r.str("instance_id") {
                let server = inv.server(&id);
                if server.is_none() {
                    missing.push(format!(
                        "server {id} is not described (add it, or `hcloud ECS ShowServer` output)"
                    ));
                }
                server
            } else if let Some(id) = r.str("backup_id") {
                match inv.backup(&id) {
                    None => {
                        missing.push(format!(
                            "backup {id} is not described (add it, or `hcloud CBR ShowBackup` output)"
                        ));
                        None
                    }
                    Some(backup) => {
                        backup_unknowns(backup, &mut missing);
                        match backup.str("server_id") {
                            None => {
                                missing.push(format!(
                                    "the server backup {} was made from (`server_id`)",
                                    backup.label()
                                ));
                                None
                            }
                            Some(sid) => {
                                let server = inv.server(&sid);
                                if server.is_none() {
                                    missing.push(format!(
                                        "server {sid}, which backup {} was made from, is not described (add it, or `hcloud ECS ShowServer` output)",
                                        backup.label()
                                    ));
                                }
                                server
                            }
                        }
                    }
                }
            } else {
                // No source at all is `request-source`'s finding.
                continue;
            };
            if let Some(server) = server {
                server_unknowns(server, &mut missing);
            }
            if missing.is_empty() {
                continue;
            }
            cx.report(
                cx.hit(r, "main", r.key_place())
                    .arg("count", missing.len().to_string())
                    .arg("missing", missing.join("; ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const REQUEST: &str = "requests:\n  - {name: img, instance_id: s1, vault_id: v1}\n";

    #[test]
    fn a_request_whose_source_facts_are_missing_is_unverified() {
        let full = "servers:\n  - id: s1\n    os: linux\n    status: SHUTOFF\n    disks: [{id: d1, system: true}]\n    optimization: {dhcp: true}\n    lvm: {volume_groups: []}\n";
        Tester::new("unverified", "{}", "request")
            .pass_files(&[REQUEST, full])
            .fail_files(
                &[
                    REQUEST,
                    "servers:\n  - {id: s1, os: linux, status: SHUTOFF}\n",
                ],
                &["main"],
            )
            .fail(REQUEST, &["main"])
            .fail("requests:\n  - {name: img, backup_id: b1}\n", &["main"])
            .run();
    }
}
