//! `disk-flag`: a disk flag that blocks a whole image, stated on a server's disk (`dss`) or a
//! backup's volume (`shared`), or found on the EVS volume of an API dump that the disk names
//! (`rules/dss-disk.yaml`, `rules/backup-shared-volume.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use super::is_true;
use crate::checks::{Check, Cx, Reads, When};
use crate::model::{Entity, EntityKind, Inventory};
use crate::syntax::tree::Node;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// On a dedicated distributed storage pool (EVS `dedicated_storage_id`).
    Dss,
    /// Shared, multi-attach (EVS `multiattach`).
    Shared,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFlag {
    pub flag: Flag,
    #[serde(default)]
    pub when: When,
}

impl DiskFlag {
    /// The flag's key, on a disk and on an EVS volume.
    fn key(&self) -> &'static str {
        match self.flag {
            Flag::Dss => "dss",
            Flag::Shared => "shared",
        }
    }

    /// The list of disks the flag is looked for in.
    fn list(&self) -> &'static str {
        match self.flag {
            Flag::Dss => "disks[]",
            Flag::Shared => "volumes[]",
        }
    }
}

impl Check for DiskFlag {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "evs"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        match self.flag {
            Flag::Dss => Some(&[EntityKind::Server]),
            Flag::Shared => Some(&[EntityKind::Backup]),
        }
    }

    fn when(&self) -> Option<&When> {
        Some(&self.when)
    }

    fn reads(&self) -> Reads {
        // The flag stated on the disk itself is judged per entity. Joined to EVS volumes, the
        // disks are read whole, and only in runs that have volumes.
        let kinds = self.kinds().unwrap_or_default();
        Reads::both().whole_when_present(kinds, EntityKind::Volume)
    }

    /// The flag stated on the disk itself.
    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        for (i, disk) in e.field(self.list()).into_iter().enumerate() {
            if let Some(own) = disk.child(self.key())
                && is_true(&own.node)
            {
                // Named by its id, else its device, else its place in the list.
                let name = ["id", "device"]
                    .iter()
                    .find_map(|k| disk.node.get(k).and_then(Node::as_str).map(str::to_string))
                    .unwrap_or_else(|| format!("#{}", i + 1));
                let id = disk.node.get("id").and_then(Node::as_str);
                cx.report(
                    cx.hit(e, "main", own.place())
                        .id_arg("volume_id", id.unwrap_or_default())
                        .arg("disk", name)
                        .arg("value", own.node.display()),
                );
            }
        }
    }

    /// The flag found on the EVS volume a disk without its own flag names.
    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        if !inv.describes(EntityKind::Volume) {
            return;
        }
        let key = self.key();
        for e in cx.judged(inv) {
            for disk in e.field_in_all(self.list()) {
                if disk.child(key).is_some() {
                    continue;
                }
                let Some(id) = disk.node.get("id").and_then(Node::as_str) else {
                    continue;
                };
                let Some(volume) = inv.volume(id) else {
                    continue;
                };
                if let Some(flag) = volume.get(key)
                    && is_true(&flag.node)
                {
                    // Synthesized flags point at the raw value (e.g. the storage pool id).
                    let span = flag.node.span;
                    let shown = flag
                        .file
                        .text()
                        .get(span.start()..span.end())
                        .unwrap_or("true")
                        .to_string();
                    cx.report(
                        cx.hit(e, "evs", volume.found_place(&flag))
                            .id_arg("volume_id", id)
                            .arg("disk", id)
                            .arg("value", shown)
                            .related(
                                disk.place(),
                                pick(
                                    || format!("{} {} uses volume {id}", e.kind.name(), e.label()),
                                    || format!("{}{}使用卷{id}", e.kind.word(), e.label()),
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

    #[test]
    fn a_flag_on_the_disk_or_on_its_evs_volume() {
        let server = "servers:\n  - id: s1\n    disks:\n      - {id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301, system: true}\n";
        let evs = r#"{"volumes": [{"id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "dedicated_storage_id": "pool-1", "multiattach": false, "attachments": [{"server_id": "s1"}]}]}"#;
        Tester::new("disk-flag", r#"{"flag": "dss"}"#, "server")
            .pass(server)
            .fail(
                "servers:\n  - id: s1\n    disks:\n      - {id: d1, system: true, dss: true}\n",
                &["main"],
            )
            .fail_files(&[server, evs], &["evs"])
            .run();
    }
}
