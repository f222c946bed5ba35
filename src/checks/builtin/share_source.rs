//! `share-source`: only whole images made from the tenant's own CBR backups can be shared
//! (`rules/image-share-cbr-only.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use super::is_true;
use crate::checks::{Check, Cx, Reads};
use crate::finding::{Hit, Place};
use crate::model::{Entity, EntityKind, Inventory};

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
        let replicas = inv.replicas();
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
            // A replica made in the run is shared as the whole image it copies; a name that
            // may be several images is judged as the worst of them.
            let candidates: Vec<&Entity> = inv
                .request_of(op)
                .into_iter()
                .chain(replicas.sources(op))
                .collect();
            if candidates.is_empty() {
                let image = image.to_string();
                cx.report(
                    cx.hit(op, "unknown_image", place)
                        .arg("value", image)
                        .warning(),
                );
                continue;
            }
            let mut judged: Vec<Hit> = candidates
                .into_iter()
                .filter_map(|request| judge(inv, cx, op, request, &place))
                .collect();
            // An error before a warning.
            judged.sort_by_key(|h| h.cap.is_some());
            if let Some(hit) = judged.into_iter().next() {
                cx.report(hit);
            }
        }
    }
}

/// The finding, if any, of sharing the image `request` makes.
fn judge(inv: &Inventory, cx: &Cx, op: &Entity, request: &Entity, place: &Place) -> Option<Hit> {
    let image = request.label();
    let made_by = if request.exists_already() {
        pick(
            || format!("image `{image}` was made by this resource"),
            || format!("镜像`{image}`由此资源制作"),
        )
    } else {
        pick(
            || format!("image `{image}` is made by this request"),
            || format!("镜像`{image}`由此请求制作"),
        )
    };
    if request.has("instance_id") && !request.has("backup_id") {
        // With `vault_id` the image is made through CBR (as every Terraform
        // `huaweicloud_ims_ecs_whole_image` is): shareable.
        if request.has("vault_id") {
            return None;
        }
        return Some(
            cx.hit(op, "server", place.clone())
                .related(request.key_place(), made_by)
                .warning(),
        );
    }
    let backup_id = request.str("backup_id")?;
    let backup = inv.backup(&backup_id);
    // A new request's undescribed backup is `request-unverified`'s finding; an image that
    // exists is judged by nothing else.
    if backup.is_none() && request.exists_already() {
        return Some(
            cx.hit(op, "backup_unknown", place.clone())
                .arg("value", backup_id.to_string())
                .related(request.key_place(), made_by)
                .warning(),
        );
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
            Some(b) => hit.related(
                b.key_place(),
                pick(
                    || format!("backup {} is its source", b.label()),
                    || format!("备份{}是其来源", b.label()),
                ),
            ),
            None => hit,
        }
    };
    if csbs {
        Some(with_sources(cx.hit(op, "csbs", place.clone())))
    } else if backup.is_some_and(|b| {
        b.get("shared_from_other_tenant")
            .is_some_and(|f| is_true(&f.node))
    }) {
        Some(with_sources(cx.hit(op, "shared_in", place.clone())))
    } else {
        None
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

    #[test]
    fn a_replica_is_shared_as_the_worst_image_its_name_may_be() {
        let requests = "requests:\n  - {name: img, backup_id: b1, whole_image_type: CBR}\n  - {name: old, backup_id: b2}\n";
        let backups = "backups:\n  - {id: b1, service: CBR}\n  - {id: b2, service: CSBS}\n";
        let copy = |of: &str| {
            format!(
                "operations:\n  - {{action: replicate, image: {of}, target_region: cn-south-1, name: img}}\n  - {{action: share, image: img, projects: [p1]}}\n"
            )
        };
        Tester::new("share-source", "{}", "operation")
            // `img` is the CBR image, or its copy: both own CBR.
            .pass_files(&[requests, backups, &copy("img")])
            // `img` may be the copy of the CSBS image `old`.
            .fail_files(&[requests, backups, &copy("old")], &["csbs"])
            .run();
    }
}
