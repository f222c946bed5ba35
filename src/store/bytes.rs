//! The byte encoding shared by frozen trees ([`crate::store::frozen`]) and packed hits
//! ([`crate::store::packed`]): LEB128 varints and length-prefixed strings. Each of those modules
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

/// UUIDs in their usual form (`8-4-4-4-12` hex digits, all lowercase or all uppercase) as 16
/// bytes, with the case they were written in (an odd number: see their writers).
pub mod uuid {
    const DASHES: [usize; 4] = [8, 13, 18, 23];
    pub const LOWER: u64 = 1;
    pub const UPPER: u64 = 3;

    pub fn pack(text: &str) -> Option<(u64, [u8; 16])> {
        let b = text.as_bytes();
        if b.len() != 36 || DASHES.iter().any(|&i| b[i] != b'-') {
            return None;
        }
        let digits = b.iter().enumerate().filter(|(i, _)| !DASHES.contains(i));
        let (mut lower, mut upper) = (false, false);
        let mut out = [0u8; 16];
        for (n, (_, &c)) in digits.enumerate() {
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => {
                    lower = true;
                    c - b'a' + 10
                }
                b'A'..=b'F' => {
                    upper = true;
                    c - b'A' + 10
                }
                _ => return None,
            };
            out[n / 2] |= if n % 2 == 0 { v << 4 } else { v };
        }
        match (lower, upper) {
            (true, true) => None,
            (false, true) => Some((UPPER, out)),
            _ => Some((LOWER, out)),
        }
    }

    /// The text of a packed UUID (fewer than 16 bytes read as zeros).
    pub fn unpack(case: u64, bytes: &[u8]) -> Text36 {
        let hex: &[u8; 16] = if case == UPPER {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let mut out = [b'-'; 36];
        let mut at = 0;
        for n in 0..16 {
            if matches!(n, 4 | 6 | 8 | 10) {
                at += 1;
            }
            let b = bytes.get(n).copied().unwrap_or(0);
            out[at] = hex[usize::from(b >> 4)];
            out[at + 1] = hex[usize::from(b & 15)];
            at += 2;
        }
        Text36(out)
    }

    /// A UUID's text, held inline.
    #[derive(Clone, Copy)]
    pub struct Text36([u8; 36]);

    impl Text36 {
        pub fn as_str(&self) -> &str {
            // Only ASCII hex digits and dashes are written.
            std::str::from_utf8(&self.0).unwrap_or_default()
        }
    }
}
