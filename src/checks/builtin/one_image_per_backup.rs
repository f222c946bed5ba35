//! `one-image-per-backup`: a backup makes one whole image: none made from it yet, and no
//! two requests use it (`rules/backup-single-image.yaml`).

use crate::lang::say;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{EntityKind, FirstUse, Inventory};
use crate::syntax::tree::Node;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneImagePerBackup {}

impl Check for OneImagePerBackup {
    fn variants(&self) -> Vec<&'static str> {
        vec!["images", "reused", "made"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(EntityKind::Backup, &["images"])
            .fields(EntityKind::Request, &["backup_id"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for e in inv.of_kind(EntityKind::Backup) {
            if let Some(images) = e.get("images") {
                let count = images.node.as_seq().map_or(0, <[Node]>::len);
                if count > 0 {
                    cx.report(
                        cx.hit(e, "images", e.found_place(&images))
                            .arg("count", count.to_string()),
                    );
                }
            }
        }
        let mut first_use = FirstUse::new("backup_id", inv.of_kind(EntityKind::Request).count());
        // Images that exist already (a plan keeps them) were made first: a new request from
        // their backup is refused.
        for image in inv.existing(EntityKind::Request) {
            if let Some(id) = image.str("backup_id") {
                first_use.earlier(image, &id);
            }
        }
        for r in inv.of_kind(EntityKind::Request) {
            let Some(f) = r.get("backup_id") else {
                continue;
            };
            let Some(id) = f.node.as_str() else { continue };
            let Some(earlier) = first_use.earlier(r, id) else {
                continue;
            };
            let Some(earlier_place) = earlier.get("backup_id").map(|f| earlier.found_place(&f))
            else {
                continue;
            };
            // An image that exists already was made from it; else another request asks too.
            let (variant, said) = if earlier.exists_already() {
                (
                    "made",
                    say(
                        "whole image `{}` is made from this backup",
                        "整机镜像`{}`由此备份制作",
                    ),
                )
            } else {
                (
                    "reused",
                    say(
                        "request `{}` already makes a whole image from this backup",
                        "请求`{}`已用此备份制作整机镜像",
                    ),
                )
            };
            cx.report(
                cx.hit(r, variant, r.found_place(&f))
                    .arg("value", id)
                    .arg("image", earlier.label().to_string())
                    .related(earlier_place, said.replace("{}", &earlier.label())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn one_request_per_backup_whatever_the_case_of_its_id() {
        Tester::new("one-image-per-backup", "{}", "backup,request")
            .pass("requests:\n  - {name: a, backup_id: b1}\n  - {name: b, backup_id: b2}\n")
            .fail_files(
                &[
                    "requests:\n  - {name: a, backup_id: b1}\n",
                    "requests:\n  - {name: b, backup_id: B1}\n",
                ],
                &["reused"],
            )
            .fail(
                "backups:\n  - id: b1\n    images: [{id: i1}]\n",
                &["images"],
            )
            .run();
    }
}
