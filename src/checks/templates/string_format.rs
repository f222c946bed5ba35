//! `string-format`: a string field's length, character set, forbidden characters and edge
//! spaces (e.g. `request-name`, `request-description`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::Entity;
use crate::values::is_chinese;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Charset {
    /// Letters, digits, Chinese characters, `-`, `_`, `.` and space (IMS image names).
    ImageName,
}

impl Charset {
    fn allows(self, c: char) -> bool {
        match self {
            Charset::ImageName => {
                c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ') || is_chinese(c)
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StringFormat {
    pub field: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub charset: Option<Charset>,
    #[serde(default)]
    pub forbidden_chars: Vec<String>,
    #[serde(default)]
    pub no_edge_spaces: bool,
}

/// Each character once, in order of first appearance.
fn distinct(chars: impl Iterator<Item = char>) -> Vec<char> {
    let mut out = Vec::new();
    for c in chars {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Characters as a user can read them in a message (`\n` instead of a line break).
fn visible(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| match c {
            '\n' => "`\\n`".to_string(),
            '\r' => "`\\r`".to_string(),
            '\t' => "`\\t`".to_string(),
            c => format!("`{c}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Check for StringFormat {
    fn variants(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.required {
            v.push("missing");
        }
        if self.min_length.is_some() || self.max_length.is_some() {
            v.push("length");
        }
        if self.charset.is_some() {
            v.push("charset");
        }
        if !self.forbidden_chars.is_empty() {
            v.push("forbidden");
        }
        if self.no_edge_spaces {
            v.push("edge_space");
        }
        v
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        let Some(f) = e.get(&self.field) else {
            if self.required && !e.has(&self.field) {
                cx.report(
                    cx.hit(e, "missing", e.key_place())
                        .arg("field", &self.field),
                );
            }
            return;
        };
        let Some(text) = f.node.as_str() else {
            return;
        };
        let hit = |cx: &Cx, variant| {
            cx.hit(e, variant, e.found_place(&f))
                .arg("field", &self.field)
                .arg("value", text)
        };
        let length = text.chars().count();
        if self.min_length.is_some_and(|m| length < m)
            || self.max_length.is_some_and(|m| length > m)
        {
            cx.report(
                hit(cx, "length")
                    .arg("length", length.to_string())
                    .arg("min", self.min_length.unwrap_or(0).to_string())
                    .arg("max", self.max_length.map_or("-".into(), |m| m.to_string())),
            );
        }
        if let Some(charset) = self.charset {
            let bad = distinct(text.chars().filter(|c| !charset.allows(*c)));
            if !bad.is_empty() {
                cx.report(hit(cx, "charset").arg("chars", visible(&bad)));
            }
        }
        let bad = distinct(
            text.chars()
                .filter(|c| self.forbidden_chars.iter().any(|f| f.contains(*c))),
        );
        if !bad.is_empty() {
            cx.report(hit(cx, "forbidden").arg("chars", visible(&bad)));
        }
        if self.no_edge_spaces && (text.starts_with(' ') || text.ends_with(' ')) {
            cx.report(hit(cx, "edge_space"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const NAME: &str = r#"{"field": "name", "required": true, "min_length": 1, "max_length": 8,
        "charset": "image-name", "no_edge_spaces": true}"#;

    #[test]
    fn names_follow_the_image_name_format() {
        Tester::new("string-format", NAME, "request")
            .pass("requests:\n  - name: web-01\n    instance_id: x\n")
            .pass("requests:\n  - name: 镜像.1\n    instance_id: x\n")
            .fail(
                "requests:\n  - name: web/01\n    instance_id: x\n",
                &["charset"],
            )
            .fail(
                "requests:\n  - name: \" web\"\n    instance_id: x\n",
                &["edge_space"],
            )
            .fail(
                "requests:\n  - name: much-too-long\n    instance_id: x\n",
                &["length"],
            )
            .fail("requests:\n  - instance_id: x\n", &["missing"])
            .run();
    }

    #[test]
    fn forbidden_characters_are_listed_once_each() {
        Tester::new(
            "string-format",
            r#"{"field": "description", "forbidden_chars": ["<>"]}"#,
            "request",
        )
        .fail(
            "requests:\n  - name: a\n    instance_id: x\n    description: \"<b><i>\"\n",
            &["forbidden"],
        )
        .run();
    }
}
