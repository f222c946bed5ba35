//! Hits packed into bytes while they wait to be worded. A large run keeps every hit from the
//! moment its file is checked to the end: as [`Hit`] values that is about 400 bytes each (a
//! 200-byte struct, its argument list, a heap string for an id or a long pointer), spread
//! over small blocks among the parser's short-lived ones. Packed, a file's hits are one block
//! of about 130 bytes each; they are unpacked one at a time, just before wording.
//!
//! Layout per hit: the rule, variant, place, entity, anchor, arguments, cap, related places,
//! whether to relate backups and the subject, as varints and length-prefixed strings. A place
//! is its file (a number in the batch's file table), span, pointer and, when worked out, its
//! line and column.

use std::sync::Arc;

use crate::finding::{Hit, Place, Severity};
use crate::source::{Position, SourceFile};
use crate::tree::{Span, Text};

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
        let mut w = Writer {
            out: Vec::new(),
            files: Vec::new(),
        };
        let relates = hits.iter().any(|h| h.relate_backups);
        let len = hits.len();
        for hit in hits {
            w.hit(hit);
        }
        Packed {
            bytes: w.out.into_boxed_slice(),
            files: w.files.into_boxed_slice(),
            len,
            relates,
        }
    }

    /// The hits, unpacked one at a time, in the order they were packed.
    pub fn hits(&self) -> impl Iterator<Item = Hit> + '_ {
        let mut r = Reader {
            bytes: &self.bytes,
            at: 0,
            files: &self.files,
        };
        (0..self.len).map(move |_| r.hit())
    }
}

struct Writer {
    out: Vec<u8>,
    files: Vec<Arc<SourceFile>>,
}

impl Writer {
    fn varint(&mut self, mut n: u64) {
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.out.push(low);
                return;
            }
            self.out.push(low | 0x80);
        }
    }

    fn text(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }

    fn optional(&mut self, text: Option<&str>) {
        match text {
            Some(t) => {
                self.out.push(1);
                self.text(t);
            }
            None => self.out.push(0),
        }
    }

    fn place(&mut self, place: &Place) {
        let file = match self.files.iter().position(|f| Arc::ptr_eq(f, &place.file)) {
            Some(i) => i,
            None => {
                self.files.push(place.file.clone());
                self.files.len() - 1
            }
        };
        self.varint(file as u64);
        self.varint(place.span.start() as u64);
        self.varint((place.span.end() - place.span.start()) as u64);
        self.text(&place.pointer);
        if place.is_placed() {
            let p = place.position();
            self.out.push(1);
            for n in [p.line, p.column, p.end_line, p.end_column] {
                self.varint(n as u64);
            }
        } else {
            self.out.push(0);
        }
    }

    fn hit(&mut self, hit: Hit) {
        self.text(&hit.rule);
        self.text(&hit.variant);
        self.place(&hit.place);
        self.optional(hit.entity.as_deref());
        self.optional(hit.anchor.as_deref());
        self.varint(hit.args.len() as u64);
        for (name, value) in &hit.args {
            self.text(name);
            self.text(value);
        }
        self.out.push(match hit.cap {
            None => 0,
            Some(Severity::Note) => 1,
            Some(Severity::Warning) => 2,
            Some(Severity::Error) => 3,
        });
        self.varint(hit.related.len() as u64);
        for (place, message) in &hit.related {
            self.place(place);
            self.text(message);
        }
        self.out.push(u8::from(hit.relate_backups));
        match hit.subject {
            Some(s) => {
                self.out.push(1);
                self.varint(u64::from(s));
            }
            None => self.out.push(0),
        }
    }
}

/// Reads what [`Writer`] wrote. The bytes never leave this module, so they are well formed;
/// should they not be, reading yields empty values instead of panicking.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    files: &'a [Arc<SourceFile>],
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn varint(&mut self) -> u64 {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte();
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        n
    }

    fn text(&mut self) -> Text {
        let len = self.varint() as usize;
        let end = (self.at + len).min(self.bytes.len());
        let start = self.at.min(end);
        self.at = end;
        Text::from(std::str::from_utf8(&self.bytes[start..end]).unwrap_or_default())
    }

    fn optional(&mut self) -> Option<Text> {
        (self.byte() == 1).then(|| self.text())
    }

    fn place(&mut self) -> Place {
        let file = self.varint() as usize;
        let start = self.varint() as usize;
        let span = Span::new(start, start + self.varint() as usize);
        let pointer = self.text();
        let file = match self.files.get(file).or(self.files.first()) {
            Some(f) => f.clone(),
            None => SourceFile::new(String::new(), String::new()),
        };
        let place = Place::new(file, span, pointer);
        if self.byte() == 1 {
            let mut n = || self.varint() as usize;
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
        let rule = self.text();
        let variant = self.text();
        let place = self.place();
        let mut hit = Hit::new(&rule, variant, place);
        hit.entity = self.optional();
        hit.anchor = self.optional();
        let args = self.varint() as usize;
        hit.args = (0..args).map(|_| (self.text(), self.text())).collect();
        hit.cap = match self.byte() {
            1 => Some(Severity::Note),
            2 => Some(Severity::Warning),
            3 => Some(Severity::Error),
            _ => None,
        };
        let related = self.varint() as usize;
        hit.related = (0..related)
            .map(|_| (self.place(), self.text().into()))
            .collect();
        hit.relate_backups = self.byte() == 1;
        hit.subject = (self.byte() == 1).then(|| self.varint() as u32);
        hit
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
        let first = Hit::new("server-status", "missing", placed)
            .entity("x")
            .arg("value", "a value longer than twenty-four bytes")
            .related(Place::new(b.clone(), Span::new(0, 7), ""), "über")
            .warning()
            .relate_backups();
        let mut second = Hit::new(
            "inventory-syntax",
            "main",
            Place::new(b, Span::default(), ""),
        );
        second.subject = Some(70_000);
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
                "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?}",
                h.rule,
                h.variant,
                places,
                h.entity,
                h.anchor,
                h.args,
                h.cap,
                h.related.iter().map(|(_, m)| m).collect::<Vec<_>>(),
                h.relate_backups,
                h.subject
            )
        };
        let unpacked: Vec<String> = packed.hits().map(|h| shown(&h)).collect();
        let original: Vec<String> = hits.iter().map(shown).collect();
        assert_eq!(unpacked, original);
    }
}
