//! `allowed-values`: a field takes one of the listed values (e.g. `san-policy`,
//! `server-status`). Rule files: `rules/*.yaml` with `template: allowed-values`.

use serde::Deserialize;
use serde_json::Value as Json;

use super::{equals, show};
use crate::checks::{Check, Cx, Reads, When};
use crate::model::Entity;

/// What to do when the entity does not state the field at all.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum IfMissing {
    #[default]
    Ignore,
    /// A warning: the value cannot be verified.
    Warn,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedValues {
    pub field: String,
    pub values: Vec<Json>,
    #[serde(default)]
    pub when: When,
    #[serde(default)]
    pub if_missing: IfMissing,
}

/// The last segment of a field path (`volumes[].type` -> `type`, `status` -> `status`).
fn leaf(path: &str) -> &str {
    path.split('.')
        .next_back()
        .unwrap_or(path)
        .trim_end_matches("[]")
}

impl Check for AllowedValues {
    fn variants(&self) -> Vec<&'static str> {
        match self.if_missing {
            IfMissing::Warn => vec!["main", "missing"],
            IfMissing::Ignore => vec!["main"],
        }
    }

    fn when(&self) -> Option<&When> {
        Some(&self.when)
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        let found = e.field(&self.field);
        if found.is_empty() && self.if_missing == IfMissing::Warn && !e.has(leaf(&self.field)) {
            cx.report(
                cx.hit(e, "missing", e.key_place())
                    .arg("field", &self.field)
                    .warning(),
            );
        }
        for f in found {
            if f.node.as_scalar().is_some() && !self.values.iter().any(|v| equals(&f.node, v)) {
                cx.report(
                    cx.hit(e, "main", e.found_place(&f))
                        .arg("field", &self.field)
                        .arg("value", f.node.display())
                        .arg("allowed", show(&self.values)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn a_value_outside_the_list_fails_and_a_missing_one_warns() {
        Tester::new(
            "allowed-values",
            r#"{"field": "status", "values": ["ACTIVE", "SHUTOFF"], "if_missing": "warn"}"#,
            "server",
        )
        .pass("servers:\n  - id: a\n    status: active\n")
        .fail("servers:\n  - id: a\n    status: RESIZE\n", &["main"])
        .fail("servers:\n  - id: a\n", &["missing"])
        .run();
    }
}
