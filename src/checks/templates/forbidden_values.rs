//! `forbidden-values`: a field must not take any of the listed values.

use serde::Deserialize;
use serde_json::Value as Json;

use super::equals;
use crate::checks::{Check, Cx, Reads, When};
use crate::model::Entity;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbiddenValues {
    pub field: String,
    pub values: Vec<Json>,
    #[serde(default)]
    pub when: When,
}

impl Check for ForbiddenValues {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn when(&self) -> Option<&When> {
        Some(&self.when)
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        // In a list (`volumes[].type`), the item is named too (its `name` or `id`): the
        // remediation acts on that item.
        let items: Vec<(Option<String>, crate::model::Found)> = match self.field.rsplit_once("[].")
        {
            Some((list, key)) => e
                .field(&format!("{list}[]"))
                .into_iter()
                .filter_map(|item| {
                    let name = ["name", "id"]
                        .iter()
                        .find_map(|k| item.node.get(k))
                        .map(crate::syntax::tree::Node::display);
                    Some((name, item.child(key)?))
                })
                .collect(),
            None => e
                .field(&self.field)
                .into_iter()
                .map(|f| (None, f))
                .collect(),
        };
        for (item, f) in items {
            if self.values.iter().any(|v| equals(&f.node, v)) {
                let mut hit = cx
                    .hit(e, "main", e.found_place(&f))
                    .arg("field", &self.field)
                    .arg("value", f.node.display());
                if let Some(item) = item {
                    hit = hit.arg("item", item);
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
    fn a_listed_value_fails_whatever_its_case() {
        Tester::new(
            "forbidden-values",
            r#"{"field": "enterprise_project_id", "values": ["default"]}"#,
            "request",
        )
        .pass("requests:\n  - name: a\n    instance_id: x\n    enterprise_project_id: \"0\"\n")
        .fail(
            "requests:\n  - name: a\n    instance_id: x\n    enterprise_project_id: DEFAULT\n",
            &["main"],
        )
        .run();
    }
}
