//! `unverified`: unknown is not a pass (`rules/request-unverified.yaml`). For each
//! request, the restrictions that apply to its source (the server, or the backup and the
//! server it was made from) need facts; one warning per request lists the facts that are
//! missing and how to collect them (`--strict` makes it an error).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::unknowns::{own_unknowns, request_unknowns};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unverified {}

impl Check for Unverified {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "operation"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            // `vault_id`: a server that may be in the vault the request names is not unknown.
            .fields(
                EntityKind::Request,
                &["instance_id", "backup_id", "vault_id"],
            )
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
            let Some(missing) = request_unknowns(r, inv) else {
                continue;
            };
            if missing.is_empty() {
                continue;
            }
            cx.report(
                cx.hit(r, "main", r.key_place())
                    .arg("count", missing.len().to_string())
                    .arg("missing", missing.join(crate::lang::say("; ", "；"))),
            );
        }
        // An operation (Terraform) on an image whose source is unknown: it may be a whole
        // image, so its restrictions are unknown, not passed.
        for op in inv.of_kind(EntityKind::Operation) {
            let missing = own_unknowns(op);
            if !missing.is_empty() {
                cx.report(
                    cx.hit(op, "operation", op.key_place())
                        .arg("count", missing.len().to_string())
                        .arg("missing", missing.join(crate::lang::say("; ", "；"))),
                );
            }
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
