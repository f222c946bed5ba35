//! Reading one input: the size limit is checked before reading, byte-order marks are honoured
//! (PowerShell writes UTF-16), and bytes that are not text become a diagnostic, not a panic.

use std::io::Read;

use crate::discover::{Input, Origin};
use crate::parse::{Limits, Problem, ProblemKind};
use crate::tree::Span;

fn problem(kind: ProblemKind, message: String) -> Problem {
    Problem {
        kind,
        span: Span::default(),
        message,
    }
}

/// Read an input's text, or say why it could not be read. Text that fails to decode comes
/// back lossily decoded with the problem, so the diagnostic can still show the line.
pub fn read(
    input: &Input,
    limits: &Limits,
    stdin: Option<&[u8]>,
) -> Result<String, (Problem, String)> {
    read_bytes(input, limits, stdin)
        .map_err(|p| (p, String::new()))
        .and_then(|bytes| {
            decode(&bytes).map_err(|p| (p, String::from_utf8_lossy(&bytes).into_owned()))
        })
}

fn read_bytes(input: &Input, limits: &Limits, stdin: Option<&[u8]>) -> Result<Vec<u8>, Problem> {
    let too_big = |size: u64| {
        problem(
            ProblemKind::Limit("max_file_bytes"),
            format!(
                "the file is {size} bytes; the limit is {} bytes",
                limits.max_file_bytes
            ),
        )
    };
    let bytes = match &input.origin {
        Origin::Special => {
            return Err(problem(
                ProblemKind::Skipped,
                "not a regular file (a FIFO, socket or device met while walking); skipped".into(),
            ));
        }
        Origin::Stdin => stdin.unwrap_or_default().to_vec(),
        Origin::Path(path) => {
            let unreadable = |e: std::io::Error| {
                problem(ProblemKind::Syntax, format!("cannot read the file: {e}"))
            };
            if let Ok(meta) = std::fs::metadata(path)
                && meta.is_file()
                && meta.len() > limits.max_file_bytes
            {
                return Err(too_big(meta.len()));
            }
            let file = std::fs::File::open(path).map_err(unreadable)?;
            let mut bytes = Vec::new();
            // `take` bounds what a FIFO or a growing file can make us hold.
            file.take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(unreadable)?;
            bytes
        }
    };
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// UTF-8 (with or without BOM) or UTF-16 with a BOM.
pub fn decode(bytes: &[u8]) -> Result<String, Problem> {
    let utf16 = |rest: &[u8], big_endian: bool| {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units)
            .map_err(|_| problem(ProblemKind::Syntax, "invalid UTF-16 text".into()))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).map_err(utf8_error),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
        _ => String::from_utf8(bytes.to_vec()).map_err(utf8_error),
    }
}

fn utf8_error(e: std::string::FromUtf8Error) -> Problem {
    let at = e.utf8_error().valid_up_to();
    Problem {
        kind: ProblemKind::Syntax,
        span: Span::new(at, at),
        message: format!("the file is not UTF-8 text (invalid byte at offset {at})"),
    }
}
