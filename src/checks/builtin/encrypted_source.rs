//! `encrypted-source`: an image made from a source with an encrypted (KMS) disk is encrypted,
//! and an encrypted image can be neither shared nor replicated to another region
//! (`rules/image-encrypted.yaml`). The source is the request's server, or its backup (and the
//! server the backup was made from); a disk is encrypted when it says so or when the EVS
//! volume of an API dump with its id does.

use crate::lang::pick;
use serde::Deserialize;

use super::is_true;
use crate::checks::{Check, Cx, Reads};
use crate::finding::Place;
use crate::model::{Entity, EntityKind, Inventory};
use crate::syntax::tree::Node;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedSource {}

/// The first encrypted disk of an entity's `list`, in any of its descriptions (a volume a
/// Terraform module attaches to a server an inventory describes): where it says so, and its
/// id.
fn encrypted_disk(e: &Entity, list: &str, inv: &Inventory) -> Option<(Place, String)> {
    for disk in e.field_in_all(list) {
        let id = disk
            .node
            .get("id")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(own) = disk.child("encrypted") {
            if is_true(&own.node) {
                return Some((own.place(), id));
            }
            continue;
        }
        if let Some(flag) = inv
            .volume(&id)
            .and_then(|v| v.get("encrypted").map(|f| (v, f)))
            && is_true(&flag.1.node)
        {
            return Some((flag.0.found_place(&flag.1), id));
        }
    }
    None
}

impl Check for EncryptedSource {
    fn variants(&self) -> Vec<&'static str> {
        vec!["share", "replicate"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(EntityKind::Operation, &["action", "target_region"])
            .fields(EntityKind::Request, &["instance_id", "backup_id"])
            .fields(EntityKind::Backup, &["server_id"])
            .items_where(EntityKind::Server, "disks", "encrypted", &["id"])
            .items_where(EntityKind::Backup, "volumes", "encrypted", &["id"])
            .whole_when_present(
                &[EntityKind::Server, EntityKind::Backup],
                EntityKind::Volume,
            )
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for op in inv.of_kind(EntityKind::Operation) {
            let variant = match op.str("action") {
                Some(a) if a.eq_ignore_ascii_case("share") => "share",
                // A copy without a target region stays in the region: that is
                // `image-replicate-cross-region`'s finding, not this one.
                Some(a) if a.eq_ignore_ascii_case("replicate") && op.has("target_region") => {
                    "replicate"
                }
                _ => continue,
            };
            let Some(request) = inv.request_of(op) else {
                continue;
            };
            let backup = request.str("backup_id").and_then(|id| inv.backup(&id));
            let server = match request.str("instance_id") {
                Some(id) => inv.server(&id),
                None => backup
                    .and_then(|b| b.str("server_id"))
                    .and_then(|id| inv.server(&id)),
            };
            let found = backup
                .and_then(|b| encrypted_disk(b, "volumes[]", inv))
                .or_else(|| server.and_then(|s| encrypted_disk(s, "disks[]", inv)));
            let Some((disk_place, disk)) = found else {
                continue;
            };
            let place = op
                .get("action")
                .map_or_else(|| op.key_place(), |f| op.found_place(&f));
            cx.report(
                cx.hit(op, variant, place)
                    .arg("value", request.label().to_string())
                    .arg("disk", disk.clone())
                    .related(
                        disk_place,
                        pick(
                            || format!("disk {disk} is encrypted"),
                            || format!("磁盘{disk}已加密"),
                        ),
                    )
                    .related(
                        request.key_place(),
                        pick(
                            || format!("image `{}` is made by this request", request.label()),
                            || format!("镜像`{}`由此请求制作", request.label()),
                        ),
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const REQUEST: &str = "requests:\n  - {name: img, instance_id: s1, vault_id: v1}\n";

    #[test]
    fn an_image_of_an_encrypted_disk_is_not_shared_or_replicated() {
        let server = |encrypted: bool| {
            format!(
                "servers:\n  - id: s1\n    disks:\n      - {{id: d1, system: true, encrypted: {encrypted}}}\n"
            )
        };
        let share = "operations:\n  - {action: share, image: img, projects: [p1]}\n";
        let copy = "operations:\n  - {action: replicate, image: img, target_region: cn-south-1}\n";
        let evs = r#"{"volumes": [{"id": "d1", "encrypted": true, "multiattach": false, "attachments": []}]}"#;
        Tester::new("encrypted-source", "{}", "operation")
            .pass_files(&[REQUEST, &server(false), share])
            .fail_files(&[REQUEST, &server(true), share], &["share"])
            .fail_files(&[REQUEST, &server(true), copy], &["replicate"])
            .fail_files(
                &[
                    REQUEST,
                    "servers:\n  - id: s1\n    disks:\n      - {id: d1, system: true}\n",
                    evs,
                    copy,
                ],
                &["replicate"],
            )
            .run();
    }
}
