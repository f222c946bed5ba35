//! `tag-format`: tags in `tags` (`key.value`) and `image_tags` (`{key, value}`): shape,
//! lengths, characters, duplicates and count (`rules/request-tags.yaml`).

use crate::lang::{pick, say};
use std::collections::HashMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::finding::Place;
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::{Node, pointer_push};
use crate::values::is_chinese;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagFormat {
    pub max_key: usize,
    pub max_value: usize,
    pub max_tags: usize,
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || is_chinese(c)
}

impl Check for TagFormat {
    fn variants(&self) -> Vec<&'static str> {
        vec![
            "key_empty",
            "key_length",
            "value_length",
            "duplicate",
            "shape",
            "charset",
            "too_many",
        ]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Request])
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, r: &Entity, cx: &mut Cx) {
        for (field, expected) in [
            ("tags", say("a `key.value` string", "`key.value`字符串")),
            (
                "image_tags",
                say("a `{key, value}` mapping", "`{key, value}`映射"),
            ),
        ] {
            let Some(list) = r.get(field) else { continue };
            let Some(items) = list.node.as_seq() else {
                cx.report(
                    cx.hit(r, "shape", r.found_place(&list))
                        .arg(
                            "expected",
                            pick(
                                || format!("a list, each item {expected}"),
                                || format!("列表，每一项为{expected}"),
                            ),
                        )
                        .arg("value", list.node.display()),
                );
                continue;
            };
            if items.len() > self.max_tags {
                cx.report(
                    cx.hit(r, "too_many", r.found_place(&list))
                        .arg("count", items.len().to_string())
                        .warning(),
                );
            }
            let mut seen: HashMap<String, Place> = HashMap::new();
            for (i, item) in items.iter().enumerate() {
                let pointer = pointer_push(&list.pointer(), &i.to_string());
                let place = r.place(item.span, pointer.clone());
                let pair = match (field, item.as_str()) {
                    ("tags", Some(text)) => Some(match text.split_once('.') {
                        Some((k, v)) => (k.to_string(), v.to_string()),
                        None => (text.to_string(), String::new()),
                    }),
                    ("image_tags", _) => item
                        .get("key")
                        .and_then(Node::as_str)
                        .zip(item.get("value").and_then(Node::as_str))
                        .map(|(k, v)| (k.to_string(), v.to_string())),
                    _ => None,
                };
                let Some((key, value)) = pair else {
                    cx.report(
                        cx.hit(r, "shape", place)
                            .arg("expected", expected)
                            .arg("value", item.display()),
                    );
                    continue;
                };
                // An `image_tags` finding points at the offending `key` or `value`; a
                // `key.value` string is one value.
                let part = |name: &str| match (field, item.get(name)) {
                    ("image_tags", Some(n)) => r.place(n.span, pointer_push(&pointer, name)),
                    _ => place.clone(),
                };
                let (key_place, value_place) = (part("key"), part("value"));
                let hit = |cx: &Cx, variant, at: &Place| {
                    cx.hit(r, variant, at.clone())
                        .arg("key", &key)
                        .arg("value", item.display())
                };
                if key.is_empty() {
                    cx.report(hit(cx, "key_empty", &key_place));
                    continue;
                }
                let key_len = key.chars().count();
                if key_len > self.max_key {
                    cx.report(hit(cx, "key_length", &key_place).arg("length", key_len.to_string()));
                }
                let value_len = value.chars().count();
                if value_len > self.max_value {
                    cx.report(
                        hit(cx, "value_length", &value_place).arg("length", value_len.to_string()),
                    );
                }
                if !key.chars().all(key_char) {
                    cx.report(hit(cx, "charset", &key_place).warning());
                } else if !value.chars().all(|c| key_char(c) || c == '.') {
                    cx.report(hit(cx, "charset", &value_place).warning());
                }
                match seen.get(&key) {
                    Some(first) => cx.report(hit(cx, "duplicate", &key_place).related(
                        first.clone(),
                        pick(
                            || format!("tag key `{key}` first used here"),
                            || format!("标签键`{key}`首次在此使用"),
                        ),
                    )),
                    None => {
                        seen.insert(key.clone(), key_place.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn tags_have_a_shape_a_length_and_no_twins() {
        let request =
            |tags: &str| format!("requests:\n  - name: a\n    instance_id: s1\n    {tags}\n");
        Tester::new(
            "tag-format",
            r#"{"max_key": 8, "max_value": 8, "max_tags": 2}"#,
            "request",
        )
        .pass(&request("tags: [env.prod]"))
        .pass(&request("image_tags: [{key: env, value: prod}]"))
        .fail(&request("tags: [env.prod, env.test]"), &["duplicate"])
        .fail(&request("tags: [much-too-long-key.x]"), &["key_length"])
        .fail(&request("tags: [.x]"), &["key_empty"])
        .fail(&request("image_tags: [env]"), &["shape"])
        .fail(&request("tags: [a.1, b.2, c.3]"), &["too_many"])
        .fail(&request("tags: [\"e v.x\"]"), &["charset"])
        .run();
    }
}
