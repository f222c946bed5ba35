//! `backup-system-disk`: a backup that lists its volumes contains the system disk; a CBR
//! backup from an API dump is a server backup that contains it.

use serde::Deserialize;

use super::{has_rejected, is_true};
use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::Value;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupSystemDisk {}

impl Check for BackupSystemDisk {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "not_server", "no_system"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Backup])
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        if let Some(t) = e.get("resource_type")
            && t.node
                .as_str()
                .is_some_and(|t| !t.eq_ignore_ascii_case("OS::Nova::Server"))
        {
            cx.report(
                cx.hit(e, "not_server", t.place())
                    .arg("value", t.node.display()),
            );
            return;
        }
        if let Some(c) = e.get("contain_system_disk") {
            match c.node.value() {
                Some(Value::Bool(false)) => {
                    cx.report(cx.hit(e, "no_system", c.place()));
                    return;
                }
                // CBR says so itself: no need for the disk list.
                Some(Value::Bool(true)) => return,
                _ => {}
            }
        }
        if e.get("volumes").is_none() {
            return;
        }
        if !e.field("volumes[].system").iter().any(|f| is_true(&f.node))
            && !has_rejected(e, "volumes[]", "system")
        {
            let place = e.key_place_of("volumes").unwrap_or_else(|| e.key_place());
            cx.report(cx.hit(e, "main", place));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    /// Huawei's ListBackups example (CBR API reference, "Querying All Backups"): a server
    /// backup lists `children: []` although it contains the system disk.
    const LIST_BACKUPS: &str = r#"{"backups": [{"id": "b1c4afd9-9f2b-4b6c-8a6f-6a2e8a4f7a10", "resource_type": "OS::Nova::Server", "resource_id": "1b4b5a2e-2f4c-4b8f-9b1e-7d9a1c2e3f40", "status": "available", "children": [], "extend_info": {"contain_system_disk": true, "os_images_data": []}}]}"#;

    #[test]
    fn the_system_disk_is_in_the_backup() {
        Tester::new("backup-system-disk", "{}", "backup")
            .pass("backups:\n  - id: b1\n    volumes:\n      - {id: v1, system: true}\n")
            .pass(LIST_BACKUPS)
            .pass("backups:\n  - id: b1\n    contain_system_disk: true\n    volumes:\n      - {id: v1}\n")
            .fail(
                "backups:\n  - id: b1\n    volumes:\n      - {id: v1, system: false}\n",
                &["main"],
            )
            .run();
    }
}
