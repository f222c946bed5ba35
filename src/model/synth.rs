//! Building inventory-shaped nodes out of other shapes (cloud API dumps, host facts) while
//! keeping every value's place in the raw file: spans stay those of the raw values, and the
//! raw JSON pointer of each value is recorded for findings.

use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span, pointer_push};

/// The raw JSON pointers of synthesized values, by span. An entity has a few dozen at most,
/// made mostly in span order (every argument of every Terraform entity has one): a sorted
/// list, one allocation of the size it needs, where a hash table grew three times and then
/// kept half its buckets empty for the rest of the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawPointers(Vec<(Span, String)>);

impl RawPointers {
    /// Records `pointer` for `span` (replacing what it had).
    pub fn insert(&mut self, span: Span, pointer: String) {
        match self.0.last() {
            Some((last, _)) if *last < span => self.0.push((span, pointer)),
            None => self.0.push((span, pointer)),
            Some(_) => match self.0.binary_search_by(|(s, _)| s.cmp(&span)) {
                Ok(at) => self.0[at].1 = pointer,
                Err(at) => self.0.insert(at, (span, pointer)),
            },
        }
    }

    pub fn get(&self, span: &Span) -> Option<&String> {
        let at = self.0.binary_search_by(|(s, _)| s.cmp(span)).ok()?;
        Some(&self.0[at].1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the pointers of the spans `keep` says, in as little memory as they need.
    pub fn retain(&mut self, mut keep: impl FnMut(&Span) -> bool) {
        self.0.retain(|(span, _)| keep(span));
        self.0.shrink_to_fit();
    }

    /// Done adding: no spare room is kept (an entity holds its pointers for the whole run).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl FromIterator<(Span, String)> for RawPointers {
    fn from_iter<I: IntoIterator<Item = (Span, String)>>(iter: I) -> RawPointers {
        let mut raw = RawPointers::default();
        for (span, pointer) in iter {
            raw.insert(span, pointer);
        }
        raw
    }
}

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
