//! `required-field`: a field is stated (`a.b` under a mapping; `a[].b` on every item of a
//! list).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads, When};
use crate::model::Entity;
use crate::syntax::tree::{Node, Value};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredField {
    pub field: String,
    #[serde(default)]
    pub when: When,
}

impl Check for RequiredField {
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
        let stated = |n: &Node| n.value() != Some(Value::Null);
        // `a[].b`: every item of `a` must state `b`.
        if let Some((list, leaf)) = self.field.rsplit_once("[].") {
            for item in e.field(&format!("{list}[]")) {
                if !item.node.get(leaf).is_some_and(stated) {
                    cx.report(cx.hit(e, "main", item.place()).arg("field", &self.field));
                }
            }
            return;
        }
        let (parent, leaf) = self.field.rsplit_once('.').unwrap_or(("", &self.field));
        let present = if parent.is_empty() {
            e.descriptions().any(|d| d.states(leaf))
        } else {
            e.field(parent)
                .iter()
                .any(|p| p.node.get(leaf).is_some_and(stated))
        };
        if !present {
            cx.report(cx.hit(e, "main", e.key_place()).arg("field", &self.field));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn every_item_of_a_list_states_the_field() {
        Tester::new("required-field", r#"{"field": "disks[].id"}"#, "server")
            .pass("servers:\n  - id: a\n    disks:\n      - id: d1\n        system: true\n")
            .fail(
                "servers:\n  - id: a\n    disks:\n      - system: true\n      - id: d2\n",
                &["main"],
            )
            .run();
    }

    #[test]
    fn a_null_is_not_stated() {
        Tester::new("required-field", r#"{"field": "os"}"#, "server")
            .pass("servers:\n  - id: a\n    os: linux\n")
            .fail("servers:\n  - id: a\n    os: ~\n", &["main"])
            .run();
    }
}
