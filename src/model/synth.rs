//! Building inventory-shaped nodes out of other shapes (cloud API dumps, host facts) while
//! keeping every value's place in the raw file: spans stay those of the raw values, and the
//! raw JSON pointer of each value is recorded for findings.

use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span, pointer_push};

/// The raw JSON pointers of synthesized values, by span. Filled for every argument of every
/// Terraform entity: hashed with a fast fixed hasher (spans come from our own parsers).
pub type RawPointers = std::collections::HashMap<Span, String, foldhash::fast::FixedState>;

#[derive(Default)]
pub struct Synth {
    pub raw: RawPointers,
}

impl Synth {
    /// A raw value used as-is, remembering where it sits.
    pub fn copy(&mut self, node: &Node, pointer: &str) -> Node {
        self.raw.insert(node.span, pointer.to_string());
        node.clone()
    }

    /// A raw member `key` of `parent` used as-is.
    pub fn member(&mut self, parent: &Node, parent_pointer: &str, key: &str) -> Option<Node> {
        let node = parent.get(key)?;
        Some(self.copy(node, &pointer_push(parent_pointer, key)))
    }

    /// The raw members `(inventory name, raw name)` that `parent` has, renamed.
    pub fn members<'k>(
        &mut self,
        parent: &Node,
        parent_pointer: &str,
        names: &[(&'k str, &str)],
    ) -> Vec<(&'k str, Node)> {
        names
            .iter()
            .filter_map(|(native, raw)| Some((*native, self.member(parent, parent_pointer, raw)?)))
            .collect()
    }

    /// A new scalar standing for a raw value (e.g. `true` for a non-empty storage pool id).
    pub fn scalar(&mut self, text: &str, span: Span, pointer: &str) -> Node {
        self.raw.insert(span, pointer.to_string());
        Node {
            span,
            kind: Kind::Scalar(Scalar {
                text: text.into(),
                plain: text == "true" || text == "false",
            }),
        }
    }

    /// A new string scalar at a span (host facts in plain text have no pointer but a line).
    pub fn text(&mut self, text: &str, span: Span, pointer: &str) -> Node {
        self.raw.insert(span, pointer.to_string());
        Node {
            span,
            kind: Kind::Scalar(Scalar {
                text: text.into(),
                plain: false,
            }),
        }
    }
}

/// A mapping of synthesized members; each key "sits" where its value does.
pub fn map(span: Span, members: Vec<(&str, Node)>) -> Node {
    Node {
        span,
        kind: Kind::Map(
            members
                .into_iter()
                .map(|(key, value)| Entry {
                    key: key.into(),
                    key_span: value.span,
                    value,
                })
                .collect(),
        ),
    }
}

pub fn seq(span: Span, items: Vec<Node>) -> Node {
    Node {
        span,
        kind: Kind::Seq(items),
    }
}
