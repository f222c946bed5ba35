//! Generic templates, parameterised entirely by the rule file.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

use super::{When, is_uuid, when_matches};
use crate::finding::Sink;
use crate::model::{Entity, EntityKind, Inventory, suggest};
use crate::syntax::tree::{Node, Value, pointer_push};

fn entities<'a>(kinds: &'a [EntityKind], inv: &'a Inventory) -> impl Iterator<Item = &'a Entity> {
    inv.subjects().filter(move |e| kinds.contains(&e.kind))
}

/// Does a scalar node equal a rule-file value (strings case-insensitively)?
fn equals(node: &Node, want: &Json) -> bool {
    match (node.value(), want) {
        (Some(Value::Str(s)), Json::String(w)) => s.eq_ignore_ascii_case(w),
        (Some(Value::Bool(b)), Json::Bool(w)) => b == *w,
        (Some(Value::Int(i)), Json::Number(w)) => w.as_i64() == Some(i),
        (Some(Value::Null), Json::Null) => true,
        _ => false,
    }
}

fn show(values: &[Json]) -> String {
    values
        .iter()
        .map(|v| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum IfMissing {
    #[default]
    Ignore,
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

impl AllowedValues {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv).filter(|e| when_matches(&self.when, e, inv)) {
            let found = e.field(&self.field);
            if found.is_empty() && self.if_missing == IfMissing::Warn && !e.has(leaf(&self.field)) {
                out.push(
                    e.hit(rule, "missing", e.key_place())
                        .arg("field", &self.field)
                        .warning(),
                );
            }
            for f in found {
                if f.node.as_scalar().is_some() && !self.values.iter().any(|v| equals(&f.node, v)) {
                    out.push(
                        e.hit(rule, "main", e.found_place(&f))
                            .arg("field", &self.field)
                            .arg("value", f.node.display())
                            .arg("allowed", show(&self.values)),
                    );
                }
            }
        }
    }
}

/// The last segment of a field path (`volumes[].type` -> `type`, `status` -> `status`).
fn leaf(path: &str) -> &str {
    path.split('.')
        .next_back()
        .unwrap_or(path)
        .trim_end_matches("[]")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbiddenValues {
    pub field: String,
    pub values: Vec<Json>,
    #[serde(default)]
    pub when: When,
}

impl ForbiddenValues {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv).filter(|e| when_matches(&self.when, e, inv)) {
            for f in e.field(&self.field) {
                if self.values.iter().any(|v| equals(&f.node, v)) {
                    out.push(
                        e.hit(rule, "main", e.found_place(&f))
                            .arg("field", &self.field)
                            .arg("value", f.node.display()),
                    );
                }
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredField {
    pub field: String,
    #[serde(default)]
    pub when: When,
}

impl RequiredField {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        let stated = |n: &Node| n.value() != Some(Value::Null);
        for e in entities(kinds, inv).filter(|e| when_matches(&self.when, e, inv)) {
            // `a[].b`: every item of `a` must state `b`.
            if let Some((list, leaf)) = self.field.rsplit_once("[].") {
                for item in e.field(&format!("{list}[]")) {
                    if !item.node.get(leaf).is_some_and(stated) {
                        out.push(e.hit(rule, "main", item.place()).arg("field", &self.field));
                    }
                }
                continue;
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
                out.push(e.hit(rule, "main", e.key_place()).arg("field", &self.field));
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusiveFields {
    pub fields: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

impl ExclusiveFields {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv) {
            let mut given: Vec<&str> = self
                .fields
                .iter()
                .map(String::as_str)
                // `instance_id: null` sets nothing (the schema reports the null).
                .filter(|f| e.states(f))
                .collect();
            given.sort_by_key(|f| e.key_span(f).map(crate::syntax::tree::Span::start));
            if given.is_empty() && self.required {
                out.push(
                    e.hit(rule, "missing", e.key_place()).arg(
                        "fields",
                        self.fields
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(" or "),
                    ),
                );
            }
            if given.len() > 1
                && let Some(place) = e.key_place_of(given[1])
            {
                let mut hit = e.hit(rule, "main", place).arg(
                    "fields",
                    given
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(" and "),
                );
                if let Some(first) = e.key_place_of(given[0]) {
                    hit = hit.related(first, format!("`{}` is also set here", given[0]));
                }
                out.push(hit);
            }
        }
    }
}

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

pub fn is_chinese(c: char) -> bool {
    // CJK Unified Ideographs, Extension A, compatibility ideographs, and Extensions B to H.
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{323af}')
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
pub fn visible(chars: &[char]) -> String {
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

impl StringFormat {
    pub fn variants(&self) -> Vec<&'static str> {
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

    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv) {
            let Some(f) = e.get(&self.field) else {
                if self.required && !e.has(&self.field) {
                    out.push(
                        e.hit(rule, "missing", e.key_place())
                            .arg("field", &self.field),
                    );
                }
                continue;
            };
            let Some(text) = f.node.as_str() else {
                continue;
            };
            let hit = |variant| {
                e.hit(rule, variant, e.found_place(&f))
                    .arg("field", &self.field)
                    .arg("value", text)
            };
            let length = text.chars().count();
            if self.min_length.is_some_and(|m| length < m)
                || self.max_length.is_some_and(|m| length > m)
            {
                out.push(
                    hit("length")
                        .arg("length", length.to_string())
                        .arg("min", self.min_length.unwrap_or(0).to_string())
                        .arg("max", self.max_length.map_or("-".into(), |m| m.to_string())),
                );
            }
            if let Some(charset) = self.charset {
                let bad = distinct(text.chars().filter(|c| !charset.allows(*c)));
                if !bad.is_empty() {
                    out.push(hit("charset").arg("chars", visible(&bad)));
                }
            }
            let bad = distinct(
                text.chars()
                    .filter(|c| self.forbidden_chars.iter().any(|f| f.contains(*c))),
            );
            if !bad.is_empty() {
                out.push(hit("forbidden").arg("chars", visible(&bad)));
            }
            if self.no_edge_spaces && (text.starts_with(' ') || text.ends_with(' ')) {
                out.push(hit("edge_space"));
            }
        }
    }
}

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

impl IdFormat {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv) {
            for (field, kind) in &self.fields {
                let Some(f) = e.get(field) else { continue };
                let ok = match (f.node.as_str(), kind) {
                    (Some(s), IdKind::Uuid) => is_uuid(s),
                    (Some(s), IdKind::UuidOrZero) => s == "0" || is_uuid(s),
                    (None, _) => false,
                };
                if !ok {
                    let format = match kind {
                        IdKind::Uuid => "a UUID",
                        IdKind::UuidOrZero => "\"0\" or a UUID",
                    };
                    out.push(
                        e.hit(rule, "main", e.found_place(&f))
                            .arg("field", field)
                            .arg("value", f.node.display())
                            .arg("format", format),
                    );
                }
            }
        }
    }
}

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

impl ReferenceLookup {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        for e in entities(kinds, inv) {
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
                    out.push(
                        e.hit(rule, "main", e.found_place(&f))
                            .arg("field", field)
                            .arg("value", id)
                            .arg("kind", kind),
                    );
                }
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownFields {
    pub fields: Vec<String>,
}

impl KnownFields {
    pub fn run(&self, rule: &str, kinds: &[EntityKind], inv: &Inventory, out: &mut dyn Sink) {
        // Local: judged on whole trees, before pruning.
        for e in entities(kinds, inv) {
            let Some(tree) = e.tree() else { continue };
            for entry in tree.as_map().unwrap_or_default() {
                if self.fields.iter().any(|f| *f == entry.key) {
                    continue;
                }
                let suggestion = suggest(&entry.key, self.fields.iter().map(String::as_str))
                    .map(|s| format!(", did you mean `{s}`?"))
                    .unwrap_or_default();
                let place = e.place(entry.key_span, pointer_push(&e.pointer(), &entry.key));
                out.push(
                    e.hit(rule, "main", place)
                        .arg("field", entry.key.as_str())
                        .arg("value", entry.key.as_str())
                        .arg("suggestion", suggestion),
                );
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredTag {
    /// The tag key every request must carry (in `tags` as `key.value` or in `image_tags`).
    pub key: String,
    #[serde(default)]
    pub when: When,
}

impl RequiredTag {
    pub fn run(&self, rule: &str, inv: &Inventory, out: &mut dyn Sink) {
        for e in inv
            .of_kind(EntityKind::Request)
            .filter(|e| when_matches(&self.when, e, inv))
        {
            let old = e
                .field("tags[]")
                .into_iter()
                .filter_map(|f| f.node.as_str().map(str::to_string));
            let new = e
                .field("image_tags[].key")
                .into_iter()
                .filter_map(|f| f.node.as_str().map(str::to_string));
            let has = old
                .map(|t| t.split_once('.').map_or(t.clone(), |(k, _)| k.to_string()))
                .chain(new)
                .any(|k| k == self.key);
            if !has {
                let place = ["image_tags", "tags"]
                    .iter()
                    .find_map(|f| e.key_place_of(f))
                    .unwrap_or_else(|| e.key_place());
                out.push(e.hit(rule, "main", place).arg("key", &self.key));
            }
        }
    }
}
