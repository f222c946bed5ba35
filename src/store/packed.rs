//! Hits packed into bytes while they wait to be worded. A large run keeps every hit from the
//! moment its file is checked to the end: as [`Hit`] values that is about 400 bytes each (a
//! 200-byte struct, its argument list, a heap string for an id or a long pointer), spread
//! over small blocks among the parser's short-lived ones. Packed, a file's hits are one block
//! of about 130 bytes each; they are unpacked one at a time, just before wording.
//!
//! Layout per hit: the rule, variant, entity, anchor, place, arguments, cap, related places,
//! whether to relate backups and the subject, as varints and length-prefixed strings. Rule
//! ids, variants and argument names are [`symbols`]: a number each. A place is its file (a
//! number in the batch's file table), span, pointer (past the anchor when it starts with it)
//! and, when worked out, its line and column.

use std::sync::Arc;

use crate::finding::{Hit, Place, Severity, Sink};
use crate::input::source::{Position, SourceFile};
use crate::store::bytes::{Cursor, Encoder};
use crate::syntax::tree::{Span, Text};

/// A batch of hits, packed (see the module documentation).
#[derive(Default)]
pub struct Packed {
    bytes: Box<[u8]>,
    files: Box<[Arc<SourceFile>]>,
    len: usize,
    /// Some hit asks to be related to its server's backups (see [`Hit::relate_backups`]).
    pub relates: bool,
}

impl Packed {
    pub fn new(hits: Vec<Hit>) -> Packed {
        let mut packer = Packer::default();
        for hit in hits {
            packer.push(hit);
        }
        packer.finish()
    }

    /// How many hits it holds.
    pub fn count(&self) -> usize {
        self.len
    }

    /// The hits, unpacked one at a time, in the order they were packed.
    pub fn hits(&self) -> impl Iterator<Item = Hit> + '_ {
        let mut r = Reader {
            cursor: Cursor {
                bytes: &self.bytes,
                at: 0,
            },
            files: &self.files,
        };
        (0..self.len).map(move |_| r.hit())
    }
}

/// Packs hits as they come (see [`crate::finding::Sink`]).
#[derive(Default)]
pub struct Packer {
    w: Writer,
    len: usize,
    relates: bool,
}

impl Packer {
    pub fn finish(self) -> Packed {
        Packed {
            bytes: exact(self.w.enc.out),
            files: exact(self.w.files),
            len: self.len,
            relates: self.relates,
        }
    }
}

impl Sink for Packer {
    fn push(&mut self, hit: Hit) {
        self.relates |= hit.relate_backups;
        self.len += 1;
        self.w.hit(hit);
    }
}

/// A list's items in a block of their size. Shrinking the list in place would not do: the
/// allocator keeps a block shrunk to half its size or more, and a large run holds one packed
/// batch per file (on 13 000 files, 1.7 MB of tails).
fn exact<T: Clone>(list: Vec<T>) -> Box<[T]> {
    if list.capacity() == list.len() {
        list.into_boxed_slice()
    } else {
        Box::from(list.as_slice())
    }
}

#[derive(Default)]
struct Writer {
    enc: Encoder,
    files: Vec<Arc<SourceFile>>,
}

impl Writer {
    /// A value (see [`Writer::value`]) that may be missing.
    fn optional(&mut self, value: Option<&str>) {
        match value {
            Some(v) => {
                self.enc.out.push(1);
                self.value(v);
            }
            None => self.enc.out.push(0),
        }
    }

    fn symbol(&mut self, name: &str) {
        self.enc.varint(u64::from(symbols::number(name)));
    }

    /// A value that is often an id: a UUID in its usual form takes 17 bytes instead of 37.
    fn value(&mut self, value: &str) {
        match crate::store::bytes::uuid::pack(value) {
            Some((case, bytes)) => {
                self.enc.varint(case);
                self.enc.out.extend_from_slice(&bytes);
            }
            None => {
                self.enc.varint((value.len() as u64) << 1);
                self.enc.out.extend_from_slice(value.as_bytes());
            }
        }
    }

    /// A place; its pointer past `anchor` when it starts with it.
    fn place(&mut self, place: &Place, anchor: Option<&str>) {
        let file = match self.files.iter().position(|f| Arc::ptr_eq(f, &place.file)) {
            Some(i) => i,
            None => {
                self.files.push(place.file.clone());
                self.files.len() - 1
            }
        };
        self.enc.varint(file as u64);
        self.enc.varint(place.span.start() as u64);
        self.enc
            .varint((place.span.end() - place.span.start()) as u64);
        match anchor.and_then(|a| place.pointer.strip_prefix(a)) {
            Some(rest) => {
                self.enc.out.push(1);
                self.enc.text(rest);
            }
            None => {
                self.enc.out.push(0);
                self.enc.text(&place.pointer);
            }
        }
        if place.is_placed() {
            let p = place.position();
            self.enc.out.push(1);
            for n in [p.line, p.column, p.end_line, p.end_column] {
                self.enc.varint(n as u64);
            }
        } else {
            self.enc.out.push(0);
        }
    }

    fn hit(&mut self, hit: Hit) {
        self.symbol(&hit.rule);
        self.symbol(&hit.variant);
        self.optional(hit.entity.as_deref());
        self.optional(hit.anchor.as_deref());
        self.place(&hit.place, hit.anchor.as_deref());
        self.enc.varint(hit.args.len() as u64);
        for (name, value) in &hit.args {
            self.symbol(name);
            self.value(value);
        }
        self.enc.out.push(match hit.cap {
            None => 0,
            Some(Severity::Note) => 1,
            Some(Severity::Warning) => 2,
            Some(Severity::Error) => 3,
        });
        self.enc.varint(hit.related.len() as u64);
        for (place, message) in &hit.related {
            self.place(place, None);
            self.enc.text(message);
        }
        self.enc.out.push(u8::from(hit.relate_backups));
        match hit.subject {
            Some(s) => {
                self.enc.out.push(1);
                self.enc.varint(u64::from(s));
            }
            None => self.enc.out.push(0),
        }
        self.optional(hit.key.as_deref());
    }
}

/// Reads what [`Writer`] wrote (see [`crate::store::bytes`] for malformed bytes).
struct Reader<'a> {
    cursor: Cursor<'a>,
    files: &'a [Arc<SourceFile>],
}

impl Reader<'_> {
    fn text(&mut self) -> Text {
        Text::from(self.cursor.text())
    }

    fn optional(&mut self) -> Option<Text> {
        (self.cursor.byte() == 1).then(|| self.value())
    }

    fn symbol(&mut self) -> Text {
        symbols::name(self.cursor.varint())
    }

    fn value(&mut self) -> Text {
        let head = self.cursor.varint();
        if head & 1 == 1 {
            let bytes = self.cursor.take(16);
            return Text::from(crate::store::bytes::uuid::unpack(head, bytes).as_str());
        }
        Text::from(self.cursor.str((head >> 1) as usize))
    }

    fn place(&mut self, anchor: Option<&str>) -> Place {
        let file = self.cursor.varint() as usize;
        let start = self.cursor.varint() as usize;
        let span = Span::new(start, start + self.cursor.varint() as usize);
        let pointer = match (self.cursor.byte(), anchor) {
            (1, Some(anchor)) => Text::from(format!("{anchor}{}", self.cursor.text())),
            _ => self.text(),
        };
        let file = match self.files.get(file).or(self.files.first()) {
            Some(f) => f.clone(),
            None => SourceFile::new(String::new(), String::new()),
        };
        let place = Place::new(file, span, pointer);
        if self.cursor.byte() == 1 {
            let mut n = || self.cursor.varint() as usize;
            place.set_position(Position {
                line: n(),
                column: n(),
                end_line: n(),
                end_column: n(),
            });
        }
        place
    }

    fn hit(&mut self) -> Hit {
        let rule = self.symbol();
        let variant = self.symbol();
        let entity = self.optional();
        let anchor = self.optional();
        let place = self.place(anchor.as_deref());
        let mut hit = Hit::new(&rule, variant, place);
        hit.entity = entity;
        hit.anchor = anchor;
        let args = self.cursor.varint() as usize;
        hit.args = (0..args).map(|_| (self.symbol(), self.value())).collect();
        hit.cap = match self.cursor.byte() {
            1 => Some(Severity::Note),
            2 => Some(Severity::Warning),
            3 => Some(Severity::Error),
            _ => None,
        };
        let related = self.cursor.varint() as usize;
        hit.related = (0..related)
            .map(|_| (self.place(None), self.text().into()))
            .collect();
        hit.relate_backups = self.cursor.byte() == 1;
        hit.subject = (self.cursor.byte() == 1).then(|| self.cursor.varint() as u32);
        hit.key = self.optional();
        hit
    }
}

/// Names many hits share (rule ids, variants, argument names), numbered once for the whole
/// run: a packed hit holds a number for each instead of its text (about 30 bytes a hit).
/// Only names made by rules and their templates are numbered, so there are few.
mod symbols {
    use std::collections::HashMap;
    use std::sync::{LazyLock, RwLock};

    use crate::syntax::tree::Text;

    #[derive(Default)]
    struct Symbols {
        names: Vec<Text>,
        numbers: HashMap<Text, u32>,
    }

    static SYMBOLS: LazyLock<RwLock<Symbols>> = LazyLock::new(RwLock::default);

    pub fn number(name: &str) -> u32 {
        if let Ok(symbols) = SYMBOLS.read()
            && let Some(&n) = symbols.numbers.get(name)
        {
            return n;
        }
        // A poisoned lock still holds every name given a number.
        let mut symbols = SYMBOLS.write().unwrap_or_else(|e| e.into_inner());
        let next = u32::try_from(symbols.names.len()).unwrap_or(u32::MAX);
        let name = Text::from(name);
        let n = *symbols.numbers.entry(name.clone()).or_insert(next);
        if n == next {
            symbols.names.push(name);
        }
        n
    }

    pub fn name(n: u64) -> Text {
        let symbols = SYMBOLS.read().unwrap_or_else(|e| e.into_inner());
        usize::try_from(n)
            .ok()
            .and_then(|n| symbols.names.get(n))
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_unpack_as_they_were_packed() {
        let a = SourceFile::new("a.yaml".into(), "servers:\n  - id: x\n".into());
        let b = SourceFile::new("b.yaml".into(), "backups: []\n".into());
        let placed = Place::new(a.clone(), Span::new(14, 15), "/servers/0/id");
        placed.set_position(Position {
            line: 2,
            column: 9,
            end_line: 2,
            end_column: 10,
        });
        // Its pointer under its anchor is stored past it; the second's is not under it.
        let mut first = Hit::new("server-status", "missing", placed)
            .entity("x")
            .arg("value", "a value longer than twenty-four bytes")
            .related(Place::new(b.clone(), Span::new(0, 7), ""), "über")
            .warning()
            .relate_backups();
        first.anchor = Some("/servers/0".into());
        first.key = Some("/lvm/volume_groups/[name=vg_data]/physical_volumes".into());
        let mut second = Hit::new(
            "inventory-syntax",
            "main",
            Place::new(b, Span::default(), ""),
        );
        second.subject = Some(70_000);
        // Values in the usual UUID form are stored as 16 bytes, in their case.
        second = second
            .entity("0f3c2a9e-6b1d-4c8e-9a7f-21d4e5b6c7a8")
            .arg("value", "0F3C2A9E-6B1D-4C8E-9A7F-21D4E5B6C7A8")
            .arg("mixed", "0f3c2a9e-6B1D-4c8e-9a7f-21d4e5b6c7a8")
            .arg("digits", "01234567-8901-2345-6789-012345678901")
            .arg("not", "0f3c2a9e_6b1d_4c8e_9a7f_21d4e5b6c7a8");
        second.anchor = Some("/servers/0".into());
        let hits = vec![first, second];
        let packed = Packed::new(hits.clone());
        assert_eq!(packed.hits().count(), 2);
        assert!(packed.relates);
        let shown = |h: &Hit| {
            let places = std::iter::once(&h.place).chain(h.related.iter().map(|(p, _)| p));
            let places: Vec<_> = places
                .map(|p| {
                    let pos = p.is_placed().then(|| p.position());
                    (p.file.name.clone(), p.span, p.pointer.clone(), pos)
                })
                .collect();
            format!(
                "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?}",
                h.rule,
                h.variant,
                places,
                h.entity,
                h.anchor,
                h.args,
                h.cap,
                h.related.iter().map(|(_, m)| m).collect::<Vec<_>>(),
                h.relate_backups,
                h.subject,
                h.key
            )
        };
        let unpacked: Vec<String> = packed.hits().map(|h| shown(&h)).collect();
        let original: Vec<String> = hits.iter().map(shown).collect();
        assert_eq!(unpacked, original);
    }
}
