//! What is not known about a request's source (SPEC §11.2): the facts the restrictions on
//! its server and backup need that no description states. Read by the `unverified` check
//! and by `readiness`.

use crate::model::{Entity, Inventory};

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

pub fn server_unknowns(server: &Entity, missing: &mut Vec<String>) {
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

pub fn backup_unknowns(backup: &Entity, missing: &mut Vec<String>) {
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

/// The facts a request's source needs that nothing states, with how to collect them; `None`
/// when the request names no source (another rule's finding).
pub fn request_unknowns(r: &Entity, inv: &Inventory) -> Option<Vec<String>> {
    // What Terraform knows only after apply, first: the request's own values.
    let mut missing = own_unknowns(r);
    let server = if let Some(id) = r.str("instance_id") {
        let server = inv.server(&id);
        if server.is_none() {
            missing.push(format!(
                "server {id} is not described (add it, or `hcloud ECS ShowServer` output)"
            ));
        }
        server
    } else if let Some(id) = r.str("backup_id") {
        backup_source(&id, inv, &mut missing)
    } else {
        return (!missing.is_empty()).then_some(missing);
    };
    if let Some(server) = server {
        server_unknowns(server, &mut missing);
    }
    Some(missing)
}

/// The entity's own values that are not known before apply (Terraform), and why.
pub fn own_unknowns(e: &Entity) -> Vec<String> {
    e.unknown_values()
        .iter()
        .map(|(arg, why)| format!("`{arg}` of {} ({why})", e.label()))
        .collect()
}

/// What is unknown of a request's backup, and the server it was made from, when described.
fn backup_source<'i>(
    id: &str,
    inv: &'i Inventory,
    missing: &mut Vec<String>,
) -> Option<&'i Entity> {
    let Some(backup) = inv.backup(id) else {
        missing.push(format!(
            "backup {id} is not described (add it, or `hcloud CBR ShowBackup` output)"
        ));
        return None;
    };
    backup_unknowns(backup, missing);
    let Some(sid) = backup.str("server_id") else {
        missing.push(format!(
            "the server backup {} was made from (`server_id`)",
            backup.label()
        ));
        return None;
    };
    let server = inv.server(&sid);
    if server.is_none() {
        missing.push(format!(
            "server {sid}, which backup {} was made from, is not described (add it, or `hcloud ECS ShowServer` output)",
            backup.label()
        ));
    }
    server
}
