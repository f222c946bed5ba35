//! A pruned entity's tree, frozen into one compact byte string. A large run holds every entity
//! until the whole-inventory pass: as trees of nodes (40 bytes each, 72 per map entry, a heap
//! string per id) a pruned server took about 370 bytes, more than half the text it came from.
//! Frozen, spans are small offsets from the entity's start, common keys one byte, and the
//! values their text: about a third of that. Readers look up top-level members in place
//! (what index lookups and `when:` conditions read) and thaw a member back into a [`Node`]
//! when a rule walks it.
//!
//! The frozen trees of one file's entities share one allocation (an [`Arena`]): a large run
//! holds a few thousand of those instead of hundreds of thousands of small blocks, which
//! would pin allocator pages that the file's transient trees also used.
//!
//! Layout: digest (8 bytes), base offset (4 bytes), then varints: the first key's span, the
//! pointer, the region, the spans the schema pass rejected, and the root node. A node is a tag byte, its span (offset from the
//! base, zigzag, and length), then a scalar's text, or a collection's item count, byte size and
//! items. A map entry is its key (a [`KEYS`] number, or 0 and the text), its key span and its
//! value.

use std::sync::Arc;

use crate::bytes::{Cursor, Encoder};
use crate::source::SourceFile;
use crate::tree::{Entry, Kind, Node, Scalar, Span, Text};

/// Keys pruned entities keep most often, stored as one byte (their position plus one).
const KEYS: [&str; 24] = [
    "id",
    "name",
    "image",
    "os",
    "status",
    "backup_service",
    "server_id",
    "service",
    "images",
    "shared_from_other_tenant",
    "instance_id",
    "backup_id",
    "vault_id",
    "whole_image_type",
    "action",
    "target_region",
    "server",
    "disk",
    "projects",
    "disks",
    "volumes",
    "facts",
    "san_policy",
    "task_state",
];

const PLAIN: u8 = 0;
const QUOTED: u8 = 1;
const SEQ: u8 = 2;
const MAP: u8 = 3;

/// The frozen trees of one file, one after the other, and the file (which their entities
/// then need not hold each).
#[derive(Debug, Clone)]
pub struct Arena(Arc<Trees>);

#[derive(Debug)]
struct Trees {
    file: Arc<SourceFile>,
    bytes: Box<[u8]>,
}

impl Arena {
    /// An arena of exactly these bytes.
    pub fn new(file: &Arc<SourceFile>, bytes: &[u8]) -> Arena {
        Arena(Arc::new(Trees {
            file: file.clone(),
            bytes: Box::from(bytes),
        }))
    }

    /// The tree written at `at` (see [`Frozen::write`]).
    pub fn at(&self, at: u32) -> Frozen {
        let mut frozen = Frozen {
            arena: self.clone(),
            at,
            root: 0,
        };
        frozen.root = u32::try_from(frozen.past_header()).unwrap_or(u32::MAX);
        frozen
    }
}

/// A frozen tree with what an entity keeps beside it (see the module documentation).
#[derive(Debug)]
pub struct Frozen {
    arena: Arena,
    at: u32,
    /// Where the root node starts, past the header (found once: every lookup starts there).
    root: u32,
}

/// What a frozen entity says about itself, besides its tree.
pub struct Header<'a> {
    pub digest: u64,
    pub first_key: Span,
    pub pointer: &'a str,
    pub region: Option<&'a str>,
}

impl Frozen {
    /// Append a tree to a file's arena bytes, its root's entries limited to those `keep`
    /// accepts, with the spans of values the schema pass rejected (see
    /// [`Frozen::is_invalid`]); returns where it starts.
    pub fn write(
        root: &Node,
        header: &Header,
        invalid: &[Span],
        keep: &dyn Fn(&str) -> bool,
        out: &mut Vec<u8>,
    ) -> u32 {
        let at = u32::try_from(out.len()).unwrap_or(u32::MAX);
        let base = root.span.start();
        let mut w = Writer {
            enc: Encoder {
                out: std::mem::take(out),
            },
            base,
        };
        w.out.extend_from_slice(&header.digest.to_le_bytes());
        w.out
            .extend_from_slice(&u32::try_from(base).unwrap_or(u32::MAX).to_le_bytes());
        w.span(header.first_key);
        w.text(header.pointer);
        match header.region {
            Some(region) => {
                w.varint(region.len() as u64 + 1);
                w.out.extend_from_slice(region.as_bytes());
            }
            None => w.varint(0),
        }
        w.varint(invalid.len() as u64);
        for &span in invalid {
            w.span(span);
        }
        w.node_keeping(root, keep);
        *out = w.enc.out;
        at
    }

    fn bytes(&self) -> &[u8] {
        self.arena
            .0
            .bytes
            .get(self.at as usize..)
            .unwrap_or_default()
    }

    pub fn file(&self) -> &Arc<SourceFile> {
        &self.arena.0.file
    }

    fn reader(&self) -> Reader<'_> {
        let bytes = self.bytes();
        let base = bytes
            .get(8..12)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes) as usize;
        Reader {
            cursor: Cursor {
                bytes,
                at: 12.min(bytes.len()),
            },
            base,
        }
    }

    pub fn header(&self) -> Header<'_> {
        let digest = self
            .bytes()
            .get(..8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_le_bytes);
        let mut r = self.reader();
        let first_key = r.span();
        let pointer = r.text();
        let region = match r.varint() {
            0 => None,
            n => Some(r.str(n as usize - 1)),
        };
        Header {
            digest,
            first_key,
            pointer,
            region,
        }
    }

    /// The header's reader at its invalid spans, past the pointer and the region.
    fn at_invalid(&self) -> Reader<'_> {
        let mut r = self.reader();
        r.span();
        let pointer = r.varint() as usize;
        r.at += pointer;
        let region = r.varint() as usize;
        r.at += region.saturating_sub(1);
        r
    }

    /// The schema pass rejected the value at `span`.
    pub fn is_invalid(&self, span: Span) -> bool {
        let mut r = self.at_invalid();
        (0..r.varint()).any(|_| r.span() == span)
    }

    /// The offset of the root node, past the header (skipped without decoding it).
    fn past_header(&self) -> usize {
        let mut r = self.at_invalid();
        for _ in 0..r.varint() {
            r.span();
        }
        r.at
    }

    /// A reader at the root node.
    fn root(&self) -> Reader<'_> {
        let mut r = self.reader();
        r.at = self.root as usize;
        r
    }

    /// The root's span.
    pub fn span(&self) -> Span {
        let mut r = self.root();
        r.byte();
        r.span()
    }

    /// The first top-level member with this key.
    pub fn member(&self, key: &str) -> Option<Member<'_>> {
        let mut r = self.root();
        if r.byte() != MAP {
            return None;
        }
        r.span();
        let count = r.varint();
        r.varint();
        for _ in 0..count {
            let here = r.key_bytes();
            let key_span = r.span();
            let value = r.clone();
            r.skip_node();
            if here == key.as_bytes() {
                return Some(Member { key_span, value });
            }
        }
        None
    }

    /// The whole (pruned) tree, as nodes again.
    pub fn thaw(&self) -> Node {
        self.root().node()
    }
}

/// A top-level member of a frozen map.
pub struct Member<'a> {
    pub key_span: Span,
    value: Reader<'a>,
}

/// What a value is, read without thawing it.
pub enum Shape<'a> {
    Scalar { text: &'a str, plain: bool },
    Seq,
    Map,
}

impl<'a> Shape<'a> {
    /// A scalar's typed value (as [`Node::value`] reads it); `None` for collections.
    pub fn value(&self) -> Option<crate::tree::Value<'a>> {
        match *self {
            Shape::Scalar { text, plain } => Some(crate::tree::typed(text, plain)),
            Shape::Seq | Shape::Map => None,
        }
    }
}

impl<'a> Member<'a> {
    pub fn span(&self) -> Span {
        let mut r = self.value.clone();
        r.byte();
        r.span()
    }

    pub fn shape(&self) -> Shape<'a> {
        let mut r = self.value.clone();
        let tag = r.byte();
        r.span();
        match tag {
            PLAIN | QUOTED => Shape::Scalar {
                text: r.text(),
                plain: tag == PLAIN,
            },
            SEQ => Shape::Seq,
            _ => Shape::Map,
        }
    }

    pub fn thaw(&self) -> Node {
        self.value.clone().node()
    }
}

struct Writer {
    enc: Encoder,
    base: usize,
}

impl std::ops::Deref for Writer {
    type Target = Encoder;

    fn deref(&self) -> &Encoder {
        &self.enc
    }
}

impl std::ops::DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut Encoder {
        &mut self.enc
    }
}

impl Writer {
    /// A span as its start's distance from the base (zigzag: aliases may point before it) and
    /// its length.
    fn span(&mut self, span: Span) {
        let delta = span.start() as i64 - self.base as i64;
        self.varint(((delta << 1) ^ (delta >> 63)) as u64);
        self.varint((span.end() - span.start()) as u64);
    }

    fn node(&mut self, node: &Node) {
        self.node_keeping(node, &|_| true);
    }

    /// A node; a map keeps only the entries whose key `keep` accepts.
    fn node_keeping(&mut self, node: &Node, keep: &dyn Fn(&str) -> bool) {
        let tag = match &node.kind {
            Kind::Scalar(s) if s.plain => PLAIN,
            Kind::Scalar(_) => QUOTED,
            Kind::Seq(_) => SEQ,
            Kind::Map(_) => MAP,
        };
        self.out.push(tag);
        self.span(node.span);
        match &node.kind {
            Kind::Scalar(s) => self.text(&s.text),
            Kind::Seq(items) => self.collection(items.len(), |w| {
                for item in items {
                    w.node(item);
                }
            }),
            Kind::Map(entries) => {
                let kept = || entries.iter().filter(|e| keep(&e.key));
                self.collection(kept().count(), |w| {
                    for e in kept() {
                        match KEYS.iter().position(|k| *k == e.key) {
                            Some(i) => w.varint(i as u64 + 1),
                            None => {
                                w.varint(0);
                                w.text(&e.key);
                            }
                        }
                        w.span(e.key_span);
                        w.node(&e.value);
                    }
                });
            }
        }
    }

    /// A collection's count and byte size (so readers can skip it), then its items.
    fn collection(&mut self, count: usize, items: impl FnOnce(&mut Writer)) {
        let mut inner = Writer {
            enc: Encoder::default(),
            base: self.base,
        };
        items(&mut inner);
        self.varint(count as u64);
        self.varint(inner.out.len() as u64);
        self.out.extend_from_slice(&inner.out);
    }
}

/// Reads what [`Writer`] wrote (see [`crate::bytes`] for malformed bytes).
#[derive(Clone)]
struct Reader<'a> {
    cursor: Cursor<'a>,
    base: usize,
}

impl<'a> std::ops::Deref for Reader<'a> {
    type Target = Cursor<'a>;

    fn deref(&self) -> &Cursor<'a> {
        &self.cursor
    }
}

impl std::ops::DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.cursor
    }
}

impl<'a> Reader<'a> {
    fn span(&mut self) -> Span {
        let z = self.varint();
        let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
        let start = (self.base as i64 + delta).max(0) as usize;
        let len = self.varint() as usize;
        Span::new(start, start + len)
    }

    fn key(&mut self) -> &'a str {
        std::str::from_utf8(self.key_bytes()).unwrap_or_default()
    }

    fn key_bytes(&mut self) -> &'a [u8] {
        match self.varint() {
            0 => {
                let len = self.varint() as usize;
                self.take(len)
            }
            i => KEYS.get(i as usize - 1).map_or(&[], |k| k.as_bytes()),
        }
    }

    fn skip_node(&mut self) {
        let tag = self.byte();
        self.span();
        if tag == PLAIN || tag == QUOTED {
            let len = self.varint() as usize;
            self.at += len;
        } else {
            self.varint();
            let size = self.varint() as usize;
            self.at += size;
        }
    }

    fn node(&mut self) -> Node {
        let tag = self.byte();
        let span = self.span();
        let kind = match tag {
            PLAIN | QUOTED => Kind::Scalar(Scalar {
                text: Text::from(self.text()),
                plain: tag == PLAIN,
            }),
            SEQ => {
                let count = self.varint();
                self.varint();
                Kind::Seq((0..count).map(|_| self.node()).collect())
            }
            _ => {
                let count = self.varint();
                self.varint();
                Kind::Map(
                    (0..count)
                        .map(|_| {
                            let key = Text::from(self.key());
                            let key_span = self.span();
                            let value = self.node();
                            Entry {
                                key,
                                key_span,
                                value,
                            }
                        })
                        .collect(),
                )
            }
        };
        Node { span, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, Limits};

    fn tree(text: &str) -> Node {
        let parsed = crate::parse::parse(text, Format::Yaml, &Limits::default());
        parsed.docs.into_iter().next().expect("one document")
    }

    #[test]
    fn a_frozen_tree_thaws_to_the_same_nodes_and_spans() {
        let text = "x: 1\nitem:\n  id: AB-1\n  weird key: [1, 'two', {k: ~}]\n  backup_service: CBR\n  images: []\n";
        let root = tree(text);
        let item = root.get("item").expect("item").clone();
        // Another tree first: trees are found by their offset in the arena.
        let mut bytes = Vec::new();
        let header = |pointer| Header {
            digest: 42,
            first_key: Span::new(14, 16),
            pointer,
            region: Some("eu-west-0"),
        };
        let id_span = item.get("id").expect("id").span;
        Frozen::write(&root, &header(""), &[], &|_| true, &mut bytes);
        let at = Frozen::write(&item, &header("/item"), &[id_span], &|_| true, &mut bytes);
        let file = SourceFile::new("x.yaml".into(), text.into());
        let frozen = Arena::new(&file, &bytes).at(at);
        assert!(Arc::ptr_eq(frozen.file(), &file));
        assert_eq!(frozen.thaw(), item);
        assert!(frozen.is_invalid(id_span));
        assert!(!frozen.is_invalid(item.span));
        assert_eq!(frozen.span(), item.span);
        let header = frozen.header();
        assert_eq!(
            (
                header.digest,
                header.first_key,
                header.pointer,
                header.region
            ),
            (42, Span::new(14, 16), "/item", Some("eu-west-0"))
        );
        let id = frozen.member("id").expect("id");
        assert!(matches!(
            id.shape(),
            Shape::Scalar {
                text: "AB-1",
                plain: true
            }
        ));
        assert_eq!(id.span(), item.get("id").expect("id").span);
        let weird = frozen.member("weird key").expect("an unknown key");
        assert_eq!(weird.thaw(), *item.get("weird key").expect("weird"));
        assert!(matches!(weird.shape(), Shape::Seq));
        assert!(frozen.member("missing").is_none());
    }

    #[test]
    fn only_the_kept_top_level_entries_are_frozen() {
        let item = tree("id: a\nos: linux\ndisks: [{id: d, system: true}]\n");
        let mut bytes = Vec::new();
        let header = Header {
            digest: 0,
            first_key: Span::new(0, 2),
            pointer: "",
            region: None,
        };
        let at = Frozen::write(&item, &header, &[], &|k| k != "os", &mut bytes);
        let file = SourceFile::new("x.yaml".into(), String::new());
        let frozen = Arena::new(&file, &bytes).at(at);
        let kept: Vec<String> = frozen
            .thaw()
            .as_map()
            .unwrap_or_default()
            .iter()
            .map(|e| e.key.to_string())
            .collect();
        assert_eq!(kept, ["id", "disks"]);
        assert_eq!(
            frozen.member("disks").map(|m| m.thaw()).as_ref(),
            item.get("disks")
        );
    }
}
