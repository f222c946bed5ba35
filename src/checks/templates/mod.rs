//! Generic checks, parameterised entirely by the rule file: one file each.

mod allowed_values;
mod exclusive_fields;
mod forbidden_values;
mod id_format;
mod known_fields;
mod reference_lookup;
mod required_field;
mod required_tag;
mod string_format;

pub use allowed_values::AllowedValues;
pub use exclusive_fields::ExclusiveFields;
pub use forbidden_values::ForbiddenValues;
pub use id_format::IdFormat;
pub use known_fields::KnownFields;
pub use reference_lookup::ReferenceLookup;
pub use required_field::RequiredField;
pub use required_tag::RequiredTag;
pub use string_format::StringFormat;

use serde_json::Value as Json;

use crate::syntax::tree::{Node, Value};

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

/// Rule-file values as a message lists them.
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
