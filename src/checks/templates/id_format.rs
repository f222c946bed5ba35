//! `id-format`: id fields are UUIDs (or `"0"` where the API accepts it).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::Entity;
use crate::values::{is_terraform_address, is_uuid};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum IdKind {
    Uuid,
    UuidOrZero,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdFormat {
    pub fields: BTreeMap<String, IdKind>,
}

impl Check for IdFormat {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        for (field, kind) in &self.fields {
            let Some(f) = e.get(field) else { continue };
            // A Terraform reference to a resource created in the same run: its id is known
            // only after apply, and it will be a real one.
            let reference = e.origin == crate::model::Origin::Terraform
                && f.node.as_str().is_some_and(is_terraform_address);
            let ok = reference
                || match (f.node.as_str(), kind) {
                    (Some(s), IdKind::Uuid) => is_uuid(s),
                    (Some(s), IdKind::UuidOrZero) => s == "0" || is_uuid(s),
                    (None, _) => false,
                };
            if !ok {
                let format = match kind {
                    IdKind::Uuid => crate::lang::say("a UUID", "UUID"),
                    IdKind::UuidOrZero => crate::lang::say("\"0\" or a UUID", "\"0\"或UUID"),
                };
                cx.report(
                    cx.hit(e, "main", e.found_place(&f))
                        .arg("field", field)
                        .arg("value", f.node.display())
                        .arg("format", format),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn ids_are_uuids_or_zero_where_allowed() {
        Tester::new(
            "id-format",
            r#"{"fields": {"vault_id": "uuid", "enterprise_project_id": "uuid-or-zero"}}"#,
            "request",
        )
        .pass("requests:\n  - name: a\n    instance_id: x\n    enterprise_project_id: \"0\"\n")
        .pass(
            "requests:\n  - name: a\n    instance_id: x\n    vault_id: 3F2504E0-4F89-11D3-9A0C-0305E82C3301\n",
        )
        .fail("requests:\n  - name: a\n    instance_id: x\n    vault_id: vault-1\n", &["main"])
        .run();
    }
}
