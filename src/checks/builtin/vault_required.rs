//! `vault-required`: on the server path, `vault_id` is required when the server is backed up
//! by CBR (`rules/request-vault-id.yaml`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultRequired {}

impl Check for VaultRequired {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "unknown_service"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(
                EntityKind::Request,
                &["instance_id", "vault_id", "backup_id"],
            )
            .fields(EntityKind::Server, &["backup_service"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for r in inv.of_kind(EntityKind::Request) {
            let Some(instance) = r.get("instance_id") else {
                continue;
            };
            if r.has("vault_id") || r.has("backup_id") {
                continue;
            }
            let Some(id) = instance.node.as_str() else {
                continue;
            };
            let place = r.found_place(&instance);
            let server = inv.server(id);
            match server.and_then(|s| s.str("backup_service")) {
                Some(service) if service.eq_ignore_ascii_case("CBR") => {
                    // `vault_id` is the missing value: at the request's first key (SPEC §4).
                    let mut hit = cx
                        .hit(r, "main", r.key_place())
                        .arg("value", id)
                        .related(place, format!("the image is made from server {id}"));
                    if let Some(s) = server
                        && let Some(at) = s.get("backup_service")
                    {
                        hit = hit.related(
                            s.found_place(&at),
                            format!("server {id} is backed up by CBR"),
                        );
                    }
                    cx.report(hit);
                }
                Some(_) => {}
                // The server's backup service is the missing value: at the request's first
                // key.
                None => cx.report(
                    cx.hit(r, "unknown_service", r.key_place())
                        .arg("value", id)
                        .related(place, format!("the image is made from server {id}"))
                        .warning(),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const REQUEST: &str = "requests:\n  - {name: img, instance_id: s1}\n";

    #[test]
    fn a_cbr_backed_server_needs_a_vault() {
        Tester::new("vault-required", "{}", "request")
            .pass_files(&[REQUEST, "servers:\n  - {id: s1, backup_service: CSBS}\n"])
            .pass_files(&[
                "requests:\n  - {name: img, instance_id: s1, vault_id: v1}\n",
                "servers:\n  - {id: s1, backup_service: CBR}\n",
            ])
            .fail_files(
                &[REQUEST, "servers:\n  - {id: S1, backup_service: cbr}\n"],
                &["main"],
            )
            .fail(REQUEST, &["unknown_service"])
            .run();
    }
}
