//! `duplicate-name`: two requests with one `name` (`rules/request-duplicate-name.yaml`).
//! Names key operations (`image:`), suppressions and baselines: a second request with the same
//! name makes all of them ambiguous.

use std::collections::HashMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateName {}

impl Check for DuplicateName {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        // The name names the request: every pruned request keeps it.
        Reads::inventory()
    }

    /// Every request of a name used twice is reported (with the others related), whatever
    /// the order the files are read in.
    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        let mut by_name: HashMap<String, Vec<&Entity>> = HashMap::new();
        for r in inv.of_kind(EntityKind::Request) {
            if let Some(name) = r.str("name") {
                by_name.entry(name.to_string()).or_default().push(r);
            }
        }
        for r in inv.of_kind(EntityKind::Request) {
            let Some(name) = r.get("name") else { continue };
            let Some(text) = name.node.as_str() else {
                continue;
            };
            let Some(all) = by_name.get(text).filter(|all| all.len() > 1) else {
                continue;
            };
            let mut hit = cx
                .hit(r, "main", r.found_place(&name))
                .arg("value", text)
                .arg("count", all.len().to_string());
            for other in all.iter().filter(|o| !std::ptr::eq(**o, r)) {
                hit = hit.related(other.key_place(), format!("another request named `{text}`"));
            }
            cx.report(hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn every_request_of_a_name_used_twice_is_reported() {
        Tester::new("duplicate-name", "{}", "request")
            .pass("requests:\n  - {name: a, instance_id: s1}\n  - {name: b, instance_id: s2}\n")
            .fail_files(
                &[
                    "requests:\n  - {name: a, instance_id: s1}\n",
                    "requests:\n  - {name: a, instance_id: s2}\n",
                ],
                &["main", "main"],
            )
            .run();
    }
}
