//! Building inventory-shaped nodes out of other shapes (cloud API dumps, host facts) while
//! keeping every value's place in the raw file: spans stay those of the raw values, and the
//! raw JSON pointer of each value is recorded for findings.

use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span, pointer_push};

/// The raw JSON pointers of synthesized values, by span. An entity has a few dozen at most,
/// made mostly in span order (every argument of every Terraform entity has one): a sorted
/// list of spans, one allocation of the size it needs, where a hash table grew three times and
/// then kept half its buckets empty for the rest of the run. The pointers are written one after
/// the other in one text (the items of a list share theirs): a pruned Terraform entity holds
/// them for the whole run, and a string each was most of what it held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawPointers {
    /// Each span, with where its pointer is in `text`.
    spans: Vec<(Span, u32, u32)>,
    text: String,
}

impl RawPointers {
    /// Records `pointer` for `span` (replacing what it had).
    pub fn insert(&mut self, span: Span, pointer: &str) {
        let at = self.written(pointer);
        match self.spans.last() {
            Some((last, ..)) if *last < span => self.spans.push((span, at.0, at.1)),
            None => self.spans.push((span, at.0, at.1)),
            Some(_) => match self.spans.binary_search_by(|(s, ..)| s.cmp(&span)) {
                Ok(i) => self.spans[i] = (span, at.0, at.1),
                Err(i) => self.spans.insert(i, (span, at.0, at.1)),
            },
        }
    }

    /// Where `pointer` is in the text: the last one written when it is the same.
    fn written(&mut self, pointer: &str) -> (u32, u32) {
        if let Some(&(_, start, end)) = self.spans.last()
            && self.text.get(start as usize..end as usize) == Some(pointer)
        {
            return (start, end);
        }
        let start = self.text.len();
        self.text.push_str(pointer);
        // The text holds a few pointers of one entity: far below 4 GiB.
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        (at(start), at(self.text.len()))
    }

    pub fn get(&self, span: &Span) -> Option<&str> {
        let at = self.spans.binary_search_by(|(s, ..)| s.cmp(span)).ok()?;
        let (_, start, end) = self.spans[at];
        self.text.get(start as usize..end as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Keeps the pointers of the spans `keep` says, in as little memory as they need.
    pub fn retain(&mut self, mut keep: impl FnMut(&Span) -> bool) {
        let before = std::mem::take(self);
        for (span, start, end) in before.spans {
            if keep(&span) {
                let pointer = &before.text[start as usize..end as usize];
                let at = self.written(pointer);
                self.spans.push((span, at.0, at.1));
            }
        }
        self.shrink_to_fit();
    }

    /// Done adding: no spare room is kept (an entity holds its pointers for the whole run).
    pub fn shrink_to_fit(&mut self) {
        self.spans.shrink_to_fit();
        self.text.shrink_to_fit();
    }
}

impl FromIterator<(Span, String)> for RawPointers {
    fn from_iter<I: IntoIterator<Item = (Span, String)>>(iter: I) -> RawPointers {
        let mut raw = RawPointers::default();
        for (span, pointer) in iter {
            raw.insert(span, &pointer);
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
        self.raw.insert(node.span, pointer);
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
        self.raw.insert(span, pointer);
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
        self.raw.insert(span, pointer);
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
