//! `exclusive-fields`: at most one of the fields is stated (and, `required`, at least one).

use crate::lang::{pick, say};
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::Entity;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusiveFields {
    pub fields: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// Field names as a message lists them: `` `a` and `b` ``.
fn listed(fields: &[&str], joined_by: &str) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(joined_by)
}

impl Check for ExclusiveFields {
    fn variants(&self) -> Vec<&'static str> {
        if self.required {
            vec!["main", "missing"]
        } else {
            vec!["main"]
        }
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        let mut given: Vec<&str> = self
            .fields
            .iter()
            .map(String::as_str)
            // `instance_id: null` sets nothing (the schema reports the null).
            .filter(|f| e.states(f))
            .collect();
        given.sort_by_key(|f| e.key_span(f).map(crate::syntax::tree::Span::start));
        if given.is_empty() && self.required {
            let all: Vec<&str> = self.fields.iter().map(String::as_str).collect();
            cx.report(
                cx.hit(e, "missing", e.key_place())
                    .arg("fields", listed(&all, say(" or ", "或"))),
            );
        }
        if given.len() > 1
            && let Some(place) = e.key_place_of(given[1])
        {
            let mut hit = cx
                .hit(e, "main", place)
                .arg("fields", listed(&given, say(" and ", "和")));
            if let Some(first) = e.key_place_of(given[0]) {
                hit = hit.related(
                    first,
                    pick(
                        || format!("`{}` is also set here", given[0]),
                        || format!("`{}`也在此处设置", given[0]),
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
    fn one_source_and_only_one() {
        Tester::new(
            "exclusive-fields",
            r#"{"fields": ["instance_id", "backup_id"], "required": true}"#,
            "request",
        )
        .pass("requests:\n  - name: a\n    backup_id: b\n")
        .fail(
            "requests:\n  - name: a\n    instance_id: s\n    backup_id: b\n",
            &["main"],
        )
        .fail("requests:\n  - name: a\n", &["missing"])
        .run();
    }
}
