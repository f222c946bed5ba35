//! `whole-image-type`: on the backup path, `whole_image_type` is CBR or CSBS (default CSBS)
//! and matches the backup's service (`rules/request-whole-image-type.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WholeImageType {}

impl Check for WholeImageType {
    fn variants(&self) -> Vec<&'static str> {
        vec!["invalid", "mismatch", "server_path", "case"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(
                EntityKind::Request,
                &["whole_image_type", "backup_id", "instance_id"],
            )
            .fields(EntityKind::Backup, &["service"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for r in inv.of_kind(EntityKind::Request) {
            let given = r.get("whole_image_type");
            if !r.has("backup_id") {
                if let Some(f) = &given
                    && r.has("instance_id")
                {
                    cx.report(
                        cx.hit(r, "server_path", r.found_place(f))
                            .arg("value", f.node.display())
                            .warning(),
                    );
                }
                continue;
            }
            let value = match &given {
                Some(f) => match f.node.as_str() {
                    Some(v) if v.eq_ignore_ascii_case("CBR") || v.eq_ignore_ascii_case("CSBS") => {
                        // Every document and Terraform send it in capitals; whether the API
                        // takes other cases is not documented.
                        if v != v.to_ascii_uppercase() {
                            cx.report(
                                cx.hit(r, "case", r.found_place(f))
                                    .arg("value", v)
                                    .warning(),
                            );
                        }
                        v.to_ascii_uppercase()
                    }
                    _ => {
                        cx.report(
                            cx.hit(r, "invalid", r.found_place(f))
                                .arg("value", f.node.display()),
                        );
                        continue;
                    }
                },
                None => "CSBS".to_string(),
            };
            let Some(backup) = r.str("backup_id").and_then(|id| inv.backup(&id)) else {
                continue;
            };
            let Some(service) = backup.str("service") else {
                continue;
            };
            if !service.eq_ignore_ascii_case(&value) {
                // Not stated, the type is CSBS: a missing value, at the request's first key.
                let place = match &given {
                    Some(f) => r.found_place(f),
                    None => r.key_place(),
                };
                let mut hit = cx
                    .hit(r, "mismatch", place)
                    .arg("value", value)
                    .arg("service", service.to_ascii_uppercase());
                if let Some(at) = backup.get("service") {
                    hit = hit.related(
                        backup.found_place(&at),
                        pick(
                            || {
                                format!(
                                    "backup {} is a {} backup",
                                    backup.label(),
                                    service.to_ascii_uppercase()
                                )
                            },
                            || {
                                format!(
                                    "备份{}是{}备份",
                                    backup.label(),
                                    service.to_ascii_uppercase()
                                )
                            },
                        ),
                    );
                }
                cx.report(hit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn the_type_matches_the_backup() {
        let backup = "backups:\n  - {id: b1, service: CBR}\n";
        Tester::new("whole-image-type", "{}", "request")
            .pass_files(&[
                "requests:\n  - {name: a, backup_id: b1, whole_image_type: CBR}\n",
                backup,
            ])
            .fail_files(
                &[
                    "requests:\n  - {name: a, backup_id: b1, whole_image_type: cbr}\n",
                    backup,
                ],
                &["case"],
            )
            .fail_files(
                &["requests:\n  - {name: a, backup_id: b1}\n", backup],
                &["mismatch"],
            )
            .fail(
                "requests:\n  - {name: a, backup_id: b1, whole_image_type: ECS}\n",
                &["invalid"],
            )
            .fail(
                "requests:\n  - {name: a, instance_id: s1, whole_image_type: CBR}\n",
                &["server_path"],
            )
            .run();
    }
}
