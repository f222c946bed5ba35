//! The byte encoding shared by frozen trees ([`crate::frozen`]) and packed hits
//! ([`crate::packed`]): LEB128 varints and length-prefixed strings. Each of those modules
//! reads only what it wrote itself; should the bytes still be malformed, reading yields zeros
//! and empty strings instead of panicking.

/// Bytes being written.
#[derive(Default)]
pub struct Encoder {
    pub out: Vec<u8>,
}

impl Encoder {
    pub fn varint(&mut self, mut n: u64) {
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

    /// A string, after its length.
    pub fn text(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }
}

/// Bytes being read, from `at`.
#[derive(Clone)]
pub struct Cursor<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Cursor<'a> {
    pub fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    pub fn varint(&mut self) -> u64 {
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

    /// The next `len` bytes (fewer at the end).
    pub fn take(&mut self, len: usize) -> &'a [u8] {
        let end = self.at.saturating_add(len).min(self.bytes.len());
        let start = self.at.min(end);
        self.at = end;
        &self.bytes[start..end]
    }

    /// The next `len` bytes as a string.
    pub fn str(&mut self, len: usize) -> &'a str {
        std::str::from_utf8(self.take(len)).unwrap_or_default()
    }

    /// A string written by [`Encoder::text`].
    pub fn text(&mut self) -> &'a str {
        let len = self.varint() as usize;
        self.str(len)
    }
}
