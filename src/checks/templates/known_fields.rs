//! `known-fields`: every key of an entity is one the format knows, with a did-you-mean for
//! near misses (e.g. `request-unknown-field`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, suggest};
use crate::syntax::tree::pointer_push;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownFields {
    pub fields: Vec<String>,
}

impl Check for KnownFields {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        for (key, key_span) in e.keys() {
            if self.fields.contains(&key) {
                continue;
            }
            let suggestion = suggest(&key, self.fields.iter().map(String::as_str))
                .map(crate::model::did_you_mean)
                .unwrap_or_default();
            let place = e.place(key_span, pointer_push(&e.pointer(), &key));
            cx.report(
                cx.hit(e, "main", place)
                    .arg("field", key.as_str())
                    .arg("value", key.as_str())
                    .arg("suggestion", suggestion),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn an_unknown_key_gets_a_suggestion() {
        Tester::new(
            "known-fields",
            r#"{"fields": ["name", "instance_id", "description"]}"#,
            "request",
        )
        .pass("requests:\n  - name: a\n    instance_id: x\n")
        .fail(
            "requests:\n  - name: a\n    instance_id: x\n    descripton: y\n",
            &["main"],
        )
        .run();
    }
}
