//! `duplicate-name`: two requests with one `name` (`rules/request-duplicate-name.yaml`).
//! Names key operations (`image:`), suppressions and baselines: a second request with the same
//! name makes all of them ambiguous.

use crate::lang::pick;
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
    /// the order the files are read in. The inventory's index gives each name's first
    /// request: only the requests of duplicated names are gathered.
    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        let mut groups: HashMap<*const Entity, Vec<&Entity>> = HashMap::new();
        for r in inv.of_kind(EntityKind::Request) {
            let Some(first) = r.str("name").and_then(|name| inv.request(&name)) else {
                continue;
            };
            if !std::ptr::eq(first, r) {
                groups
                    .entry(first as *const Entity)
                    .or_insert_with(|| vec![first])
                    .push(r);
            }
        }
        if groups.is_empty() {
            return;
        }
        for r in inv.of_kind(EntityKind::Request) {
            let Some(first) = r.str("name").and_then(|name| inv.request(&name)) else {
                continue;
            };
            let Some(all) = groups.get(&(first as *const Entity)) else {
                continue;
            };
            let Some(name) = r.get("name") else { continue };
            let text = name.node.as_str().unwrap_or_default().to_string();
            let mut hit = cx
                .hit(r, "main", r.found_place(&name))
                .arg("value", text.clone())
                .arg("count", all.len().to_string());
            for other in all.iter().filter(|o| !std::ptr::eq(**o, r)) {
                hit = hit.related(
                    other.key_place(),
                    pick(
                        || format!("another request named `{text}`"),
                        || format!("另一个名为`{text}`的请求"),
                    ),
                );
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
