//! A pruned entity's tree, frozen into one compact byte string. A large run holds every entity
//! until the whole-inventory pass: as trees of nodes (40 bytes each, 72 per map entry, a heap
//! string per id) a pruned server took about 370 bytes, more than half the text it came from.
//! Frozen, it takes about 65: keys are one byte, values their text, and spans one or two
//! bytes. Readers look up top-level members in place (what index lookups and `when:`
//! conditions read) and thaw a member back into a [`Node`] when a rule walks it.
//!
//! The frozen trees of a group of files share one allocation (an [`Arena`]) with a table of
//! the files: a large run holds a few hundred of those instead of hundreds of thousands of
//! small blocks, which would pin allocator pages that the files' transient trees also used,
//! and lose a fifth of their size to the allocator's size classes.
//!
//! Layout: digest (4 bytes), then varints: the file (its number in the arena's table), which
//! of the common keys the tree stated (a bit each), the base offset, the first key's span, the pointer
//! (a list and a position, or text), the region, the spans the schema pass rejected, and the
//! root node. A node is a tag byte, its span, then a scalar's text, or a collection's item
//! count, byte size and items. A map entry is its key (a [`KEYS`] number, or 0 and the text)
//! with a flag for a key span as long as the key, its key span and its value.
//!
//! A scalar in the usual UUID form is stored as 16 bytes instead of its text (see
//! [`crate::store::bytes::uuid`]), and read back as a [`Str`].
//!
//! A span is its start's distance from where the previous one ended (zigzag: aliases may point
//! back), then its length unless the tag says it is the text's. Nodes are written in document
//! order, so distances are small (`: `, a line break and an indent). A collection's items start
//! from its own start; what follows it, from its end (so it can be skipped).

use std::borrow::Cow;
use std::sync::Arc;

use crate::input::source::SourceFile;
use crate::store::bytes::{Cursor, Encoder};
use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span, Text};

/// Keys pruned entities keep most often, stored as one byte (their position plus one).
const KEYS: [&str; 28] = [
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
    "system",
    "lvm",
    "optimization",
    "contain_system_disk",
];

/// Which of the [`KEYS`] a root map states (bit `i` for `KEYS[i]`): what a check that only
/// asks whether a fact is known needs, without keeping the fact.
fn stated_keys(root: &Node) -> u64 {
    root.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| key_index(&e.key))
        .fold(0, |bits, i| bits | 1 << i)
}

/// The position of a key in [`KEYS`] (every frozen entry's key is looked up: a `match` the
/// compiler turns into a length switch, not a scan of the table).
fn key_index(key: &str) -> Option<usize> {
    let i = match key {
        "id" => 0,
        "name" => 1,
        "image" => 2,
        "os" => 3,
        "status" => 4,
        "backup_service" => 5,
        "server_id" => 6,
        "service" => 7,
        "images" => 8,
        "shared_from_other_tenant" => 9,
        "instance_id" => 10,
        "backup_id" => 11,
        "vault_id" => 12,
        "whole_image_type" => 13,
        "action" => 14,
        "target_region" => 15,
        "server" => 16,
        "disk" => 17,
        "projects" => 18,
        "disks" => 19,
        "volumes" => 20,
        "facts" => 21,
        "san_policy" => 22,
        "task_state" => 23,
        "system" => 24,
        "lvm" => 25,
        "optimization" => 26,
        "contain_system_disk" => 27,
        _ => return None,
    };
    debug_assert_eq!(KEYS[i], key);
    Some(i)
}

/// The lists of an inventory document: an entity's pointer `/servers/3` is stored as the
/// list's number (plus one) and the position.
const LISTS: [&str; 4] = ["/servers/", "/backups/", "/requests/", "/operations/"];

/// The digest's size (see [`Header::digest`]).
const DIGEST: usize = 4;

const PLAIN: u8 = 0;
const QUOTED: u8 = 1;
const SEQ: u8 = 2;
const MAP: u8 = 3;
const KIND: u8 = 3;
/// In a tag: the node's span is as long as its text (scalars written as they read).
const TEXT_LONG: u8 = 4;
/// In a tag: the scalar is a UUID in its usual form, stored as 16 bytes (ids are about half
/// of what a large run freezes); with [`UPPER`], written in uppercase.
const UUID: u8 = 8;
const UPPER: u8 = 16;
/// A tag on its own: an item of a projected list that is not kept (see [`Kept::Items`]),
/// read back as an empty mapping where the previous node ended. It keeps the positions of the
/// kept items, and so their pointers.
const HOLE: u8 = 32;
/// A tag and a span: the `true` of the key that kept an item of a projected list (see
/// [`Kept::Items`]), read back as a plain `true` where it was written (findings point there:
/// "disk d1 is encrypted").
const TRUE: u8 = 64;

/// What a frozen tree keeps of one of its root's members.
#[derive(Debug, Clone, Copy)]
pub enum Kept<'k> {
    /// The whole value.
    Whole,
    /// Of a list, the items with one of the `keys` `true`, with those keys and `fields`; the
    /// others are holes.
    Items {
        keys: &'k [&'static str],
        fields: &'k [&'static str],
    },
}

/// The frozen trees of a group of files, one after the other, and the files (which their
/// entities then need not hold each).
#[derive(Debug, Clone)]
pub struct Arena(Arc<Trees>);

#[derive(Debug)]
struct Trees {
    /// Each file with its position among the run's inputs (its unit).
    files: Box<[(Arc<SourceFile>, u32)]>,
    bytes: Box<[u8]>,
}

impl Arena {
    /// An arena of exactly these bytes, for trees of these files (see [`Header::file`]).
    pub fn new(files: Vec<(Arc<SourceFile>, u32)>, bytes: &[u8]) -> Arena {
        Arena(Arc::new(Trees {
            files: Box::from(files.as_slice()),
            bytes: Box::from(bytes),
        }))
    }

    /// An arena of no trees and no files, shared by a thread: what a pruned entity points at
    /// for a moment, while its group's arena is made. One for the whole run would have every
    /// thread counting references on one cache line, once for each entity.
    pub fn empty() -> Arena {
        thread_local! {
            static EMPTY: Arena = Arena::new(Vec::new(), &[]);
        }
        EMPTY.with(Arena::clone)
    }

    /// The tree written at `at` (see [`Frozen::write`]).
    pub fn at(&self, at: u32) -> Frozen {
        let mut frozen = Frozen {
            arena: self.clone(),
            at,
            root: RootAt::Far,
        };
        if let Ok(near) = u16::try_from(frozen.past_header()) {
            frozen.root = RootAt::Near(near);
        }
        frozen
    }
}

/// A frozen tree with what an entity keeps beside it (see the module documentation).
#[derive(Debug)]
pub struct Frozen {
    arena: Arena,
    at: u32,
    /// Where the root node starts, past the header (found once: every lookup starts there).
    root: RootAt,
}

/// Where a frozen tree's root starts: past a header of the usual size, found once; past a
/// longer one (thousands of rejected spans), found at each lookup. Its tag leaves room for an
/// entity's body to tell its kinds apart within the size of a `Frozen` (see
/// `model::Entity`).
#[derive(Debug, Clone, Copy)]
enum RootAt {
    Near(u16),
    Far,
}

/// What a frozen entity says about itself, besides its tree.
pub struct Header<'a> {
    pub digest: u32,
    /// Its file's number in the arena's table.
    pub file: u32,
    pub first_key: Span,
    pub pointer: Cow<'a, str>,
    pub region: Option<&'a str>,
}

impl Frozen {
    /// Append a tree to a file's arena bytes, its root's entries limited to what `keep`
    /// says of each, with the spans of values the schema pass rejected (see
    /// [`Frozen::is_invalid`]); returns where it starts.
    pub fn write<'k>(
        root: &Node,
        header: &Header,
        invalid: &[Span],
        keep: &dyn Fn(&str) -> Option<Kept<'k>>,
        out: &mut Vec<u8>,
    ) -> u32 {
        let at = u32::try_from(out.len()).unwrap_or(u32::MAX);
        let base = root.span.start();
        let mut w = Writer {
            enc: Encoder {
                out: std::mem::take(out),
            },
            last: base,
        };
        w.out.extend_from_slice(&header.digest.to_le_bytes());
        w.varint(u64::from(header.file));
        w.varint(stated_keys(root));
        w.varint(base as u64);
        w.span_from(base, header.first_key);
        w.pointer(&header.pointer);
        match header.region {
            Some(region) => {
                w.varint(region.len() as u64 + 1);
                w.out.extend_from_slice(region.as_bytes());
            }
            None => w.varint(0),
        }
        w.varint(invalid.len() as u64);
        for &span in invalid {
            w.span_from(base, span);
        }
        w.root(root, keep);
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

    /// The entity's file, and its position among the run's inputs.
    fn file_entry(&self) -> &(Arc<SourceFile>, u32) {
        static NONE: std::sync::LazyLock<(Arc<SourceFile>, u32)> =
            std::sync::LazyLock::new(|| (SourceFile::new(String::new(), String::new()), 0));
        let files = &self.arena.0.files;
        let file = self.file_reader().varint();
        usize::try_from(file)
            .ok()
            .and_then(|i| files.get(i))
            .or(files.first())
            .unwrap_or(&NONE)
    }

    pub fn file(&self) -> &Arc<SourceFile> {
        &self.file_entry().0
    }

    pub fn unit(&self) -> u32 {
        self.file_entry().1
    }

    /// A reader past the digest, at the file number.
    fn file_reader(&self) -> Reader<'_> {
        let bytes = self.bytes();
        Reader {
            cursor: Cursor {
                bytes,
                at: DIGEST.min(bytes.len()),
            },
            last: 0,
        }
    }

    /// A reader past the file number, at the base offset.
    fn reader(&self) -> Reader<'_> {
        let mut r = self.file_reader();
        r.varint();
        r.varint();
        r.last = r.varint() as usize;
        r
    }

    /// Whether the tree stated `key` before it was pruned (kept or not), when `key` is one of
    /// the keys whose presence every frozen tree records ([`KEYS`]); `None` for another key.
    pub fn stated(&self, key: &str) -> Option<bool> {
        let bit = key_index(key)?;
        let mut r = self.file_reader();
        r.varint();
        Some(r.varint() & (1 << bit) != 0)
    }

    pub fn header(&self) -> Header<'_> {
        let digest = self
            .bytes()
            .get(..DIGEST)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes);
        let file = u32::try_from(self.file_reader().varint()).unwrap_or(0);
        let mut r = self.reader();
        let base = r.last;
        let first_key = r.span_from(base);
        let pointer = r.pointer();
        let region = match r.varint() {
            0 => None,
            n => Some(r.str(n as usize - 1)),
        };
        Header {
            digest,
            file,
            first_key,
            pointer,
            region,
        }
    }

    /// The header's reader at its invalid spans, past the pointer and the region.
    fn at_invalid(&self) -> Reader<'_> {
        let mut r = self.reader();
        let base = r.last;
        r.span_from(base);
        r.pointer();
        let region = r.varint() as usize;
        r.at += region.saturating_sub(1);
        r
    }

    /// The schema pass rejected the value at `span`.
    pub fn is_invalid(&self, span: Span) -> bool {
        let mut r = self.at_invalid();
        let base = r.last;
        (0..r.varint()).any(|_| r.span_from(base) == span)
    }

    /// The offset of the root node, past the header (skipped without decoding it).
    fn past_header(&self) -> usize {
        let mut r = self.at_invalid();
        let base = r.last;
        for _ in 0..r.varint() {
            r.span_from(base);
        }
        r.at
    }

    /// A reader at the root node.
    fn root(&self) -> Reader<'_> {
        let mut r = self.reader();
        r.at = match self.root {
            RootAt::Near(at) => usize::from(at),
            RootAt::Far => self.past_header(),
        };
        r
    }

    /// The root's span.
    pub fn span(&self) -> Span {
        let mut r = self.root();
        let tag = r.byte();
        r.span(tag)
    }

    /// The first top-level member with this key.
    pub fn member(&self, key: &str) -> Option<Member<'_>> {
        Self::member_of(self.root(), key)
    }

    /// The first member with this key of the map at `r`.
    fn member_of<'r>(mut r: Reader<'r>, key: &str) -> Option<Member<'r>> {
        let tag = r.byte();
        if tag & KIND != MAP {
            return None;
        }
        r.span(tag);
        let count = r.varint();
        r.varint();
        for _ in 0..count {
            let (here, key_span) = r.key();
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
    Scalar { text: Str<'a>, plain: bool },
    Seq,
    Map,
}

impl Shape<'_> {
    /// A scalar's typed value (as [`Node::value`] reads it); `None` for collections.
    pub fn value(&self) -> Option<crate::syntax::tree::Value<'_>> {
        match self {
            Shape::Scalar { text, plain } => Some(crate::syntax::tree::typed(text, *plain)),
            Shape::Seq | Shape::Map => None,
        }
    }
}

/// A scalar's text: in place, or unpacked from a frozen UUID.
#[derive(Clone, Copy)]
pub enum Str<'a> {
    Here(&'a str),
    Uuid(crate::store::bytes::uuid::Text36),
}

impl std::ops::Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Str::Here(text) => text,
            Str::Uuid(text) => text.as_str(),
        }
    }
}

impl std::fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl std::fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Str<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl PartialEq<&str> for Str<'_> {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

impl<'a> Member<'a> {
    pub fn span(&self) -> Span {
        let mut r = self.value.clone();
        let tag = r.byte();
        r.span(tag)
    }

    pub fn shape(&self) -> Shape<'a> {
        let mut r = self.value.clone();
        let tag = r.byte();
        r.span(tag);
        match tag & KIND {
            PLAIN | QUOTED => Shape::Scalar {
                text: r.scalar(tag),
                plain: tag & KIND == PLAIN,
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
    /// Where the last span written ended (see the module documentation).
    last: usize,
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

/// `n` as an unsigned number, small whatever its sign.
fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

impl Writer {
    /// A span after the previous one; its length unless `text_long` (see [`TEXT_LONG`]).
    fn span(&mut self, span: Span, text_long: bool) {
        let delta = span.start() as i64 - self.last as i64;
        self.varint(zigzag(delta));
        if !text_long {
            self.varint((span.end() - span.start()) as u64);
        }
        self.last = span.end();
    }

    /// A span of the header, from the base.
    fn span_from(&mut self, base: usize, span: Span) {
        let delta = span.start() as i64 - base as i64;
        self.varint(zigzag(delta));
        self.varint((span.end() - span.start()) as u64);
    }

    fn pointer(&mut self, pointer: &str) {
        for (i, list) in LISTS.iter().enumerate() {
            if let Some(n) = pointer.strip_prefix(list)
                && let Ok(position) = n.parse::<u64>()
                && position.to_string() == n
            {
                self.varint(i as u64 + 1);
                self.varint(position);
                return;
            }
        }
        self.varint(0);
        self.text(pointer);
    }

    fn node(&mut self, node: &Node) {
        self.node_keeping(node, &|_| true);
    }

    /// The root: a map keeps its entries as `keep` says (anything else is written whole).
    fn root<'k>(&mut self, root: &Node, keep: &dyn Fn(&str) -> Option<Kept<'k>>) {
        let Kind::Map(entries) = &root.kind else {
            self.node(root);
            return;
        };
        self.map_entries(
            root,
            entries,
            &|key| keep(key).is_some(),
            |w, e| match keep(&e.key) {
                Some(Kept::Items { keys, fields }) => w.items(&e.value, keys, fields),
                _ => w.node(&e.value),
            },
        );
    }

    /// A list of which only the items with one of the `keys` `true` are kept (with those keys
    /// and `fields`), the others written as holes; anything but a list is written whole.
    fn items(&mut self, list: &Node, keys: &[&str], fields: &[&str]) {
        let Kind::Seq(items) = &list.kind else {
            self.node(list);
            return;
        };
        self.out.push(SEQ);
        self.span(list.span, false);
        let is_true = |v: &Node| v.value() == Some(crate::syntax::tree::Value::Bool(true));
        let kept = |item: &Node| keys.iter().any(|k| item.get(k).is_some_and(is_true));
        self.collection(list.span, items.len(), |w| {
            for item in items {
                match &item.kind {
                    Kind::Map(entries) if kept(item) => {
                        w.map_entries(
                            item,
                            entries,
                            &|k| keys.contains(&k) || fields.contains(&k),
                            |w, e| {
                                if keys.contains(&e.key.as_str()) && is_true(&e.value) {
                                    w.out.push(TRUE);
                                    w.span(e.value.span, false);
                                } else {
                                    w.node(&e.value);
                                }
                            },
                        );
                    }
                    _ => w.out.push(HOLE),
                }
            }
        });
    }

    /// A node; a map keeps only the entries whose key `keep` accepts.
    fn node_keeping(&mut self, node: &Node, keep: &dyn Fn(&str) -> bool) {
        let (kind, text_long) = match &node.kind {
            Kind::Scalar(s) => (
                if s.plain { PLAIN } else { QUOTED },
                s.text.len() == node.span.end() - node.span.start(),
            ),
            Kind::Seq(_) => (SEQ, false),
            Kind::Map(_) => (MAP, false),
        };
        let uuid = match &node.kind {
            Kind::Scalar(s) => crate::store::bytes::uuid::pack(&s.text),
            _ => None,
        };
        let uuid_tag = match uuid {
            Some((crate::store::bytes::uuid::UPPER, _)) => UUID | UPPER,
            Some(_) => UUID,
            None => 0,
        };
        self.out
            .push(kind | uuid_tag | if text_long { TEXT_LONG } else { 0 });
        self.span(node.span, text_long);
        match &node.kind {
            Kind::Scalar(_) if let Some((_, bytes)) = uuid => self.out.extend_from_slice(&bytes),
            Kind::Scalar(s) => self.text(&s.text),
            Kind::Seq(items) => self.collection(node.span, items.len(), |w| {
                for item in items {
                    w.node(item);
                }
            }),
            Kind::Map(entries) => {
                self.map_entries_body(node, entries, keep, |w, e| w.node(&e.value))
            }
        }
    }

    /// A map node (tag, span, then its entries), keeping the entries whose key `keep`
    /// accepts and writing each value with `value`.
    fn map_entries(
        &mut self,
        node: &Node,
        entries: &[Entry],
        keep: &dyn Fn(&str) -> bool,
        value: impl Fn(&mut Writer, &Entry),
    ) {
        self.out.push(MAP);
        self.span(node.span, false);
        self.map_entries_body(node, entries, keep, value);
    }

    /// A map's entries (after its tag and span), those whose key `keep` accepts.
    fn map_entries_body(
        &mut self,
        node: &Node,
        entries: &[Entry],
        keep: &dyn Fn(&str) -> bool,
        value: impl Fn(&mut Writer, &Entry),
    ) {
        let kept = || entries.iter().filter(|e| keep(&e.key));
        self.collection(node.span, kept().count(), |w| {
            for e in kept() {
                let key_long = e.key.len() == e.key_span.end() - e.key_span.start();
                let flag = u64::from(key_long);
                match key_index(&e.key) {
                    Some(i) => w.varint(((i as u64 + 1) << 1) | flag),
                    None => {
                        w.varint(flag);
                        w.text(&e.key);
                    }
                }
                w.span(e.key_span, key_long);
                value(w, e);
            }
        });
    }

    /// A collection's count and byte size (so readers can skip it), then its items, which
    /// start from the collection's start; what follows starts from its end.
    fn collection(&mut self, span: Span, count: usize, items: impl FnOnce(&mut Writer)) {
        let mut inner = Writer {
            enc: Encoder::default(),
            last: span.start(),
        };
        items(&mut inner);
        self.varint(count as u64);
        self.varint(inner.out.len() as u64);
        self.out.extend_from_slice(&inner.out);
        self.last = span.end();
    }
}

/// Reads what [`Writer`] wrote (see [`crate::store::bytes`] for malformed bytes).
#[derive(Clone)]
struct Reader<'a> {
    cursor: Cursor<'a>,
    /// Where the last span read ended.
    last: usize,
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
    /// A node's span, after its tag. A scalar's length, when implied, is read from its text
    /// without moving past it.
    fn span(&mut self, tag: u8) -> Span {
        let start = self.start();
        let len = match (tag & TEXT_LONG != 0, tag & UUID != 0) {
            (true, true) => 36,
            (true, false) => self.clone().varint() as usize,
            (false, _) => self.varint() as usize,
        };
        self.end_span(start, len, tag & KIND)
    }

    /// A scalar's text, after its tag and span.
    fn scalar(&mut self, tag: u8) -> Str<'a> {
        if tag & UUID == 0 {
            return Str::Here(self.text());
        }
        let case = if tag & UPPER != 0 {
            crate::store::bytes::uuid::UPPER
        } else {
            crate::store::bytes::uuid::LOWER
        };
        Str::Uuid(crate::store::bytes::uuid::unpack(case, self.take(16)))
    }

    fn start(&mut self) -> usize {
        (self.last as i64 + unzigzag(self.varint())).max(0) as usize
    }

    /// Where the next span starts from: a collection's items from its start, anything else
    /// from its end.
    fn end_span(&mut self, start: usize, len: usize, kind: u8) -> Span {
        let span = Span::new(start, start.saturating_add(len));
        self.last = if kind == SEQ || kind == MAP {
            span.start()
        } else {
            span.end()
        };
        span
    }

    fn span_from(&mut self, base: usize) -> Span {
        let start = (base as i64 + unzigzag(self.varint())).max(0) as usize;
        let len = self.varint() as usize;
        Span::new(start, start.saturating_add(len))
    }

    fn pointer(&mut self) -> Cow<'a, str> {
        match self.varint() {
            0 => Cow::Borrowed(self.text()),
            list => {
                let position = self.varint();
                let list = LISTS.get(list as usize - 1).unwrap_or(&"/");
                Cow::Owned(format!("{list}{position}"))
            }
        }
    }

    /// A map entry's key and key span.
    fn key(&mut self) -> (&'a [u8], Span) {
        let code = self.varint();
        let key = match code >> 1 {
            0 => {
                let len = self.varint() as usize;
                self.take(len)
            }
            i => KEYS.get(i as usize - 1).map_or(&[][..], |k| k.as_bytes()),
        };
        let start = self.start();
        let len = if code & 1 == 1 {
            key.len()
        } else {
            self.varint() as usize
        };
        let span = Span::new(start, start.saturating_add(len));
        self.last = span.end();
        (key, span)
    }

    fn skip_node(&mut self) {
        let tag = self.byte();
        if tag == HOLE {
            return;
        }
        let span = self.span(tag);
        if tag == TRUE {
            return;
        }
        if tag & KIND == PLAIN || tag & KIND == QUOTED {
            let len = if tag & UUID != 0 {
                16
            } else {
                self.varint() as usize
            };
            self.at += len;
        } else {
            self.varint();
            let size = self.varint() as usize;
            self.at += size;
            self.last = span.end();
        }
    }

    fn node(&mut self) -> Node {
        let tag = self.byte();
        if tag == HOLE {
            let span = Span::new(self.last, self.last);
            let kind = Kind::Map(Vec::new());
            return Node { span, kind };
        }
        let span = self.span(tag);
        if tag == TRUE {
            let kind = Kind::Scalar(Scalar {
                text: Text::from("true"),
                plain: true,
            });
            return Node { span, kind };
        }
        let kind = match tag & KIND {
            PLAIN | QUOTED => Kind::Scalar(Scalar {
                text: Text::from(&*self.scalar(tag)),
                plain: tag & KIND == PLAIN,
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
                            let (key, key_span) = self.key();
                            let key = Text::from(std::str::from_utf8(key).unwrap_or_default());
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
        self.last = span.end();
        Node { span, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse::{Format, Limits};

    fn tree(text: &str) -> Node {
        let parsed = crate::syntax::parse::parse(text, Format::Yaml, &Limits::default());
        parsed.docs.into_iter().next().expect("one document")
    }

    #[test]
    fn a_projected_list_keeps_its_matching_items_in_place_and_holes_for_the_others() {
        let text = "id: s1\ndisks:\n  - {id: d0, device: /dev/vda, system: false}\n  - {id: d1, device: /dev/vdb, system: true}\n  - {id: d2}\nname: web\n";
        let root = tree(text);
        let keep = |key: &str| match key {
            "id" => Some(Kept::Whole),
            "disks" => Some(Kept::Items {
                keys: &["system"],
                fields: &["id"],
            }),
            _ => None,
        };
        let mut bytes = Vec::new();
        let header = Header {
            digest: 0,
            file: 0,
            first_key: Span::new(0, 2),
            pointer: Cow::Borrowed("/servers/0"),
            region: None,
        };
        let at = Frozen::write(&root, &header, &[], &keep, &mut bytes);
        let file = SourceFile::new("x.yaml".into(), text.into());
        let frozen = Arena::new(vec![(file, 0)], &bytes).at(at);
        assert!(frozen.member("name").is_none(), "a member not kept");
        let disks = frozen.member("disks").expect("disks").thaw();
        let items = disks.as_seq().expect("a list");
        assert_eq!(items.len(), 3, "positions are kept");
        assert_eq!(items[0].as_map().map(<[Entry]>::len), Some(0), "a hole");
        assert_eq!(items[2].as_map().map(<[Entry]>::len), Some(0), "a hole");
        let kept = &root.get("disks").and_then(Node::as_seq).expect("disks")[1];
        assert_eq!(items[1].span, kept.span);
        assert_eq!(items[1].get("id"), kept.get("id"));
        let system = items[1].get("system").expect("the key that kept it");
        assert_eq!(system.value(), Some(crate::syntax::tree::Value::Bool(true)));
        // Where it is written: a finding ("disk d1 is the system disk") points there.
        let written = kept.get("system").expect("system").span;
        assert_eq!(system.span, written);
        assert_eq!(&text[system.span.start()..system.span.end()], "true");
        assert!(items[1].get("device").is_none(), "a field not kept");
        // What follows the list is read where it is written too.
        let id = frozen.member("id").expect("id");
        assert_eq!(id.span(), root.get("id").expect("id").span);
    }

    #[test]
    fn a_frozen_tree_thaws_to_the_same_nodes_and_spans() {
        let text = "x: 1\nitem:\n  id: AB-1\n  weird key: [1, 'two', {k: ~}]\n  backup_service: CBR\n  images: []\n  server: 0F3C2A9E-6B1D-4C8E-9A7F-21D4E5B6C7A8\n  ref: \"0f3c2a9e-6b1d-4c8e-9a7f-21d4e5b6c7a8\"\n  digits: [01234567-8901-2345-6789-012345678901]\n";
        let root = tree(text);
        let item = root.get("item").expect("item").clone();
        // Another tree first: trees are found by their offset in the arena.
        let mut bytes = Vec::new();
        let header = |pointer| Header {
            digest: 42,
            file: 0,
            first_key: Span::new(14, 16),
            pointer: Cow::Borrowed(pointer),
            region: Some("eu-west-0"),
        };
        let id_span = item.get("id").expect("id").span;
        Frozen::write(&root, &header(""), &[], &|_| Some(Kept::Whole), &mut bytes);
        let at = Frozen::write(
            &item,
            &header("/item"),
            &[id_span],
            &|_| Some(Kept::Whole),
            &mut bytes,
        );
        let file = SourceFile::new("x.yaml".into(), text.into());
        let frozen = Arena::new(vec![(file.clone(), 0)], &bytes).at(at);
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
            (
                42,
                Span::new(14, 16),
                Cow::Borrowed("/item"),
                Some("eu-west-0")
            )
        );
        let id = frozen.member("id").expect("id");
        assert!(matches!(
            id.shape(),
            Shape::Scalar { text, plain: true } if *text == *"AB-1"
        ));
        assert_eq!(id.span(), item.get("id").expect("id").span);
        // UUIDs are stored as 16 bytes and read back as written, case and spans included.
        for key in ["server", "ref"] {
            let member = frozen.member(key).expect("a UUID");
            let node = item.get(key).expect("in the tree");
            assert!(matches!(
                member.shape(),
                Shape::Scalar { text, .. } if *text == *node.as_str().expect("a string")
            ));
            assert_eq!(member.span(), node.span);
        }
        let weird = frozen.member("weird key").expect("an unknown key");
        assert_eq!(weird.thaw(), *item.get("weird key").expect("weird"));
        assert!(matches!(weird.shape(), Shape::Seq));
        assert!(frozen.member("missing").is_none());
    }

    #[test]
    fn pointers_read_back_as_written() {
        let item = tree("id: a\n");
        let file = SourceFile::new("x.yaml".into(), String::new());
        for pointer in [
            "/servers/12",
            "/servers/012",
            "/operations/0",
            "/x/1",
            "",
            "/requests/",
        ] {
            let mut bytes = Vec::new();
            let header = Header {
                digest: 0,
                file: 0,
                first_key: Span::new(0, 2),
                pointer: Cow::Borrowed(pointer),
                region: None,
            };
            let at = Frozen::write(&item, &header, &[], &|_| Some(Kept::Whole), &mut bytes);
            let frozen = Arena::new(vec![(file.clone(), 0)], &bytes).at(at);
            assert_eq!(frozen.header().pointer, pointer);
            assert_eq!(frozen.thaw(), item);
        }
    }

    #[test]
    fn only_the_kept_top_level_entries_are_frozen() {
        let item = tree("id: a\nos: linux\ndisks: [{id: d, system: true}]\n");
        let mut bytes = Vec::new();
        let header = Header {
            digest: 0,
            file: 0,
            first_key: Span::new(0, 2),
            pointer: Cow::Borrowed(""),
            region: None,
        };
        let at = Frozen::write(
            &item,
            &header,
            &[],
            &|k| (k != "os").then_some(Kept::Whole),
            &mut bytes,
        );
        let file = SourceFile::new("x.yaml".into(), String::new());
        let frozen = Arena::new(vec![(file.clone(), 0)], &bytes).at(at);
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
