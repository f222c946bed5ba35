//! `vault-required`: on the server path, `vault_id` is required when the server is backed up
//! by CBR (`rules/request-vault-id.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultRequired {}

impl Check for VaultRequired {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "unknown_service", "other_vault", "unsure_vault"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(
                EntityKind::Request,
                &["instance_id", "vault_id", "backup_id"],
            )
            .fields(EntityKind::Server, &["backup_service", "vault_id"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for r in inv.of_kind(EntityKind::Request) {
            let Some(instance) = r.get("instance_id") else {
                continue;
            };
            if let Some(vault) = r.get("vault_id") {
                other_vault(r, &instance, &vault, inv, cx);
                continue;
            }
            // A `vault_id` stated but not known before apply (Terraform) or rejected by the
            // schema is not a missing one: `request-unverified` or `inventory-schema` says so.
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
                    // `vault_id` is the missing value: at the request's first key.
                    let mut hit = cx
                        .hit(r, "main", r.key_place())
                        .id_arg("server_id", id)
                        .arg("value", id)
                        .related(place, made_from(id));
                    if let Some(s) = server
                        && let Some(at) = s.get("backup_service")
                    {
                        hit = hit.related(
                            s.found_place(&at),
                            pick(
                                || format!("server {id} is backed up by CBR"),
                                || format!("云服务器{id}由云备份（CBR）备份"),
                            ),
                        );
                    }
                    cx.report(hit);
                }
                Some(_) => {}
                // The server's backup service is the missing value: at the request's first
                // key.
                None => cx.report(
                    cx.hit(r, "unknown_service", r.key_place())
                        .id_arg("server_id", id)
                        .arg("value", id)
                        .related(place, made_from(id))
                        .warning(),
                ),
            }
        }
    }
}

/// A server is in one vault only: a request naming another is refused (IMG.0183). Ids are
/// compared when both are ids, or both Terraform addresses; an address and an id may be the
/// same vault (one applied before) or not: a warning says it cannot be told.
fn other_vault(
    r: &crate::model::Entity,
    instance: &crate::model::Found,
    vault: &crate::model::Found,
    inv: &Inventory,
    cx: &mut Cx,
) {
    use crate::values::is_terraform_address;
    let (Some(id), Some(named)) = (instance.node.as_str(), vault.node.as_str()) else {
        return;
    };
    let Some(server) = inv.server(id) else {
        return;
    };
    let Some(member) = server.get("vault_id") else {
        return;
    };
    let Some(actual) = member.node.as_str() else {
        return;
    };
    if actual.eq_ignore_ascii_case(named) {
        return;
    }
    let unsure = is_terraform_address(actual) != is_terraform_address(named);
    let hit = cx
        .hit(
            r,
            if unsure {
                "unsure_vault"
            } else {
                "other_vault"
            },
            r.found_place(vault),
        )
        .id_arg("server_id", id)
        .arg("value", named)
        .arg("server", id)
        .arg("vault", actual)
        .related(
            server.found_place(&member),
            pick(
                || format!("server {id} is in vault {actual}"),
                || format!("云服务器{id}在存储库{actual}中"),
            ),
        );
    cx.report(if unsure { hit.warning() } else { hit });
}

/// What is said beside the server a request makes its image from.
fn made_from(id: &str) -> String {
    pick(
        || format!("the image is made from server {id}"),
        || format!("镜像由云服务器{id}制作"),
    )
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

    #[test]
    fn a_server_is_in_one_vault_only() {
        let request = "requests:\n  - {name: img, instance_id: s1, vault_id: 6f1b7c2e-0000-4000-8000-000000000001}\n";
        let server = |vault: &str| {
            format!("servers:\n  - {{id: s1, backup_service: CBR, vault_id: {vault}}}\n")
        };
        Tester::new("vault-required", "{}", "request")
            .pass_files(&[request, &server("6F1B7C2E-0000-4000-8000-000000000001")])
            .fail_files(
                &[request, &server("huaweicloud_cbr_vault.v")],
                &["unsure_vault"],
            )
            .fail_files(
                &[request, &server("6f1b7c2e-0000-4000-8000-000000000002")],
                &["other_vault"],
            )
            .run();
    }
}
