//! `system-disk`: a server that lists its disks has exactly one system disk, and no planned
//! `detach-disk` detaches it (`rules/system-disk.yaml`).

use crate::lang::{pick, say};
use serde::Deserialize;

use super::{has_rejected, is_true};
use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind, Inventory};
use crate::syntax::tree::Node;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemDisk {}

impl Check for SystemDisk {
    fn variants(&self) -> Vec<&'static str> {
        vec!["none", "many", "detach"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Server])
    }

    fn reads(&self) -> Reads {
        // A detach names its server by id, in any file: of every server, only its system
        // disks' ids are kept for it.
        Reads::both()
            .fields(EntityKind::Operation, &["action", "server", "disk"])
            .items_where(EntityKind::Server, "disks", "system", &["id"])
    }

    /// Exactly one system disk when disks are listed.
    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        if e.get("disks").is_none() {
            return;
        }
        let system: Vec<_> = e
            .field("disks[].system")
            .into_iter()
            .filter(|f| is_true(&f.node))
            .collect();
        // Disks listed, none saying whether it is the system disk (the native `/v2.1` server
        // API gives neither `bootIndex` nor `device`): unknown, not a violation. No disk at
        // all is a server without a system disk (IMG.0119).
        let disks = e.field("disks[]");
        let stated = disks.is_empty() || disks.iter().any(|d| d.node.get("system").is_some());
        match system.len() {
            0 if !stated => {}
            // A `system` value the schema pass rejected is already reported.
            0 if has_rejected(e, "disks[]", "system") => {}
            0 => {
                let place = e.key_place_of("disks").unwrap_or_else(|| e.key_place());
                cx.report(cx.hit(e, "none", place));
            }
            1 => {}
            n => {
                let first = e.found_place(&system[0]);
                for extra in &system[1..] {
                    cx.report(
                        cx.hit(e, "many", e.found_place(extra))
                            .arg("count", n.to_string())
                            .related(first.clone(), say("the first system disk", "第一个系统盘")),
                    );
                }
            }
        }
    }

    /// No planned `detach-disk` operation detaches a server's system disk.
    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for op in inv.of_kind(EntityKind::Operation) {
            if !op.is("action", "detach-disk") {
                continue;
            }
            let (Some(server_id), Some(disk)) = (op.str("server"), op.get("disk")) else {
                continue;
            };
            let Some(disk_id) = disk.node.as_str() else {
                continue;
            };
            let Some(server) = inv.server(&server_id) else {
                continue;
            };
            for d in server.field("disks[]") {
                let same = d
                    .node
                    .get("id")
                    .and_then(Node::as_str)
                    .is_some_and(|id| id.eq_ignore_ascii_case(disk_id));
                if same && d.node.get("system").is_some_and(is_true) {
                    let place = d.place();
                    cx.report(
                        // The server is what the finding is about (a detach-disk names no
                        // image).
                        cx.hit(op, "detach", op.found_place(&disk))
                            .entity(&server.label())
                            .arg("disk", disk_id)
                            .related(
                                place,
                                pick(
                                    || {
                                        format!(
                                            "disk {disk_id} is the system disk of server {}",
                                            server.label()
                                        )
                                    },
                                    || format!("磁盘{disk_id}是云服务器{}的系统盘", server.label()),
                                ),
                            ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const SERVER: &str = "servers:\n  - id: s1\n    disks:\n      - id: d0\n        system: false\n      - id: d1\n        system: true\n";

    #[test]
    fn exactly_one_system_disk() {
        Tester::new("system-disk", "{}", "server")
            .pass(SERVER)
            .pass("servers:\n  - id: s1\n    disks:\n      - id: d1\n")
            .fail("servers:\n  - id: s1\n    disks:\n      - {id: d1, system: false}\n", &["none"])
            .fail(
                "servers:\n  - id: s1\n    disks:\n      - {id: d1, system: true}\n      - {id: d2, system: true}\n",
                &["many"],
            )
            .run();
    }

    #[test]
    fn a_detach_of_the_system_disk_in_another_file_fails() {
        let detach = |disk: &str| {
            format!("operations:\n  - action: detach-disk\n    server: S1\n    disk: {disk}\n")
        };
        Tester::new("system-disk", "{}", "server")
            .pass_files(&[SERVER, &detach("d0")])
            .fail_files(&[SERVER, &detach("D1")], &["detach"])
            .run();
    }
}
