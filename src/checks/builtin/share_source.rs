//! `share-source`: only whole images made from the tenant's own CBR backups can be shared
//! (`rules/image-share-cbr-only.yaml`).

use serde::Deserialize;

use super::is_true;
use crate::checks::{Check, Cx, Reads};
use crate::finding::Hit;
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareSource {}

impl Check for ShareSource {
    fn variants(&self) -> Vec<&'static str> {
        vec![
            "csbs",
            "shared_in",
            "server",
            "unknown_image",
            "backup_unknown",
        ]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(EntityKind::Operation, &["action", "name"])
            .fields(
                EntityKind::Request,
                &["instance_id", "backup_id", "vault_id", "whole_image_type"],
            )
            .fields(EntityKind::Backup, &["service", "shared_from_other_tenant"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for op in inv.of_kind(EntityKind::Operation) {
            if !op.is("action", "share") {
                continue;
            }
            let place = op
                .get("action")
                .map_or_else(|| op.key_place(), |f| op.found_place(&f));
            // No `image` at all is the schema's finding (a required key of `share`).
            let Some(image) = op.str("image") else {
                continue;
            };
            // A replica made in the run is shared as the whole image it copies.
            let Some(request) = inv.request_of(op).or_else(|| inv.replica_source(op)) else {
                let image = image.to_string();
                cx.report(
                    cx.hit(op, "unknown_image", place)
                        .arg("value", image)
                        .warning(),
                );
                continue;
            };
            let made_by = if request.exists_already() {
                format!("image `{}` was made by this resource", request.label())
            } else {
                format!("image `{}` is made by this request", request.label())
            };
            if request.has("instance_id") && !request.has("backup_id") {
                // With `vault_id` the image is made through CBR (as every Terraform
                // `huaweicloud_ims_ecs_whole_image` is): shareable.
                if request.has("vault_id") {
                    continue;
                }
                cx.report(
                    cx.hit(op, "server", place)
                        .related(request.key_place(), made_by)
                        .warning(),
                );
                continue;
            }
            let Some(backup_id) = request.str("backup_id") else {
                continue;
            };
            let backup = inv.backup(&backup_id);
            // A new request's undescribed backup is `request-unverified`'s finding; an image
            // that exists is judged by nothing else.
            if backup.is_none() && request.exists_already() {
                cx.report(
                    cx.hit(op, "backup_unknown", place)
                        .arg("value", backup_id.to_string())
                        .related(request.key_place(), made_by)
                        .warning(),
                );
                continue;
            }
            // The backup's service, else the request's type, else the API's default: CSBS.
            let csbs = backup
                .and_then(|b| b.str("service"))
                .or_else(|| request.str("whole_image_type"))
                .is_none_or(|service| service.eq_ignore_ascii_case("CSBS"));
            // Related: the request that makes the image, and the backup it is made from.
            let with_sources = |hit: Hit| {
                let hit = hit.related(request.key_place(), made_by.clone());
                match backup {
                    Some(b) => {
                        hit.related(b.key_place(), format!("backup {} is its source", b.label()))
                    }
                    None => hit,
                }
            };
            if csbs {
                cx.report(with_sources(cx.hit(op, "csbs", place)));
            } else if backup.is_some_and(|b| {
                b.get("shared_from_other_tenant")
                    .is_some_and(|f| is_true(&f.node))
            }) {
                cx.report(with_sources(cx.hit(op, "shared_in", place)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const SHARE: &str = "operations:\n  - {action: share, image: img, projects: [p1]}\n";

    #[test]
    fn only_images_from_own_cbr_backups_are_shared() {
        Tester::new("share-source", "{}", "operation")
            .pass_files(&[
                "requests:\n  - {name: img, backup_id: b1, whole_image_type: CBR}\n",
                "backups:\n  - {id: b1, service: CBR}\n",
                SHARE,
            ])
            .fail_files(
                &["requests:\n  - {name: img, backup_id: b1}\n", SHARE],
                &["csbs"],
            )
            .fail_files(
                &[
                    "requests:\n  - {name: img, backup_id: b1, whole_image_type: CBR}\n",
                    "backups:\n  - {id: b1, service: CBR, shared_from_other_tenant: true}\n",
                    SHARE,
                ],
                &["shared_in"],
            )
            .fail_files(
                &["requests:\n  - {name: img, instance_id: s1}\n", SHARE],
                &["server"],
            )
            .fail(SHARE, &["unknown_image"])
            .run();
    }
}
