//! `reference-lookup`: a field names a server or backup the inventory describes (e.g.
//! `request-unresolved-reference`). Looks across the inventory.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::Inventory;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    Server,
    Backup,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceLookup {
    pub references: BTreeMap<String, RefKind>,
}

impl Check for ReferenceLookup {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        // The fields are those of the rule's kinds: any kind may hold them.
        let fields: Vec<&str> = self.references.keys().map(String::as_str).collect();
        let mut reads = Reads::inventory();
        for kind in crate::model::EntityKind::ALL {
            reads = reads.fields(kind, &fields);
        }
        reads
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for e in cx.judged(inv) {
            for (field, kind) in &self.references {
                let Some(f) = e.get(field) else { continue };
                let Some(id) = f.node.as_str() else { continue };
                let known = match kind {
                    RefKind::Server => inv.server(id).is_some(),
                    RefKind::Backup => inv.backup(id).is_some(),
                };
                if !known {
                    let kind = match kind {
                        RefKind::Server => "server",
                        RefKind::Backup => "backup",
                    };
                    cx.report(
                        cx.hit(e, "main", e.found_place(&f))
                            .arg("field", field)
                            .arg("value", id)
                            .arg("kind", kind),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn a_reference_resolves_in_any_file() {
        Tester::new(
            "reference-lookup",
            r#"{"references": {"instance_id": "server"}}"#,
            "request",
        )
        .pass_files(&[
            "requests:\n  - name: a\n    instance_id: s1\n",
            "servers:\n  - id: S1\n",
        ])
        .fail("requests:\n  - name: a\n    instance_id: s1\n", &["main"])
        .run();
    }
}
