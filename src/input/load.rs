//! Reading one input: the size limit is checked before reading, byte-order marks are honoured
//! (PowerShell writes UTF-16), and bytes that are not text become a diagnostic, not a panic.

use std::io::Read;
use std::sync::Arc;

use crate::input::discover::{Input, Origin};
use crate::input::source::{SourceFile, decode};
use crate::syntax::parse::{Limits, Problem, ProblemKind};
use crate::syntax::tree::Span;

fn problem(kind: ProblemKind, message: String) -> Problem {
    Problem {
        kind,
        span: Span::default(),
        message,
    }
}

/// Read an input's text, or say why it could not be read (with the text lossily decoded when
/// it is not text, see [`decode`]).
pub fn read(
    input: &Input,
    limits: &Limits,
    stdin: Option<&[u8]>,
) -> Result<String, (Problem, String)> {
    read_bytes(input, limits, stdin)
        .map_err(|p| (p, String::new()))
        .and_then(|(bytes, _)| decode(bytes))
}

/// An input as a source file, with the problem that kept it from being read, if any. A
/// regular file's text can be released and read again (see [`SourceFile::on_disk`]); stdin's
/// and a pipe's cannot.
pub fn source(
    input: &Input,
    limits: &Limits,
    stdin: Option<&[u8]>,
) -> (Arc<SourceFile>, Option<Problem>) {
    let (text, regular, problem) = match read_bytes(input, limits, stdin) {
        Err(p) => (String::new(), false, Some(p)),
        Ok((bytes, regular)) => match decode(bytes) {
            Ok(text) => (text, regular, None),
            Err((p, lossy)) => (lossy, false, Some(p)),
        },
    };
    let name = input.name.clone();
    let file = match &input.origin {
        Origin::Path(path) if regular => SourceFile::on_disk(name, text, path.clone()),
        _ => SourceFile::new(name, text),
    };
    (file, problem)
}

/// The bytes of an input, and whether it is a regular file (one that can be read again).
fn read_bytes(
    input: &Input,
    limits: &Limits,
    stdin: Option<&[u8]>,
) -> Result<(Vec<u8>, bool), Problem> {
    let too_big = |size: u64| {
        problem(
            ProblemKind::Limit("max_file_bytes"),
            crate::lang::pick(
                || {
                    format!(
                        "the file is {size} bytes; the limit is {} bytes",
                        limits.max_file_bytes
                    )
                },
                || format!("文件大小为{size}字节；上限为{}字节", limits.max_file_bytes),
            ),
        )
    };
    let (bytes, regular) = match &input.origin {
        Origin::Special => {
            return Err(problem(
                ProblemKind::Skipped,
                crate::lang::say(
                    "not a regular file (a FIFO, socket or device met while walking); skipped",
                    "不是普通文件（遍历时遇到的FIFO、套接字或设备）；已跳过",
                )
                .into(),
            ));
        }
        Origin::Stdin => (stdin.unwrap_or_default().to_vec(), false),
        Origin::Path(path) => {
            let unreadable = |e: std::io::Error| {
                problem(
                    ProblemKind::Syntax,
                    crate::lang::pick(
                        || format!("cannot read the file: {e}"),
                        || format!("无法读取文件：{e}"),
                    ),
                )
            };
            let regular = std::fs::metadata(path).ok().filter(|meta| meta.is_file());
            if let Some(meta) = &regular
                && meta.len() > limits.max_file_bytes
            {
                return Err(too_big(meta.len()));
            }
            let file = std::fs::File::open(path).map_err(unreadable)?;
            // Sized from the metadata: `take` hides the file's size from `read_to_end`, which
            // would otherwise start from 32 bytes and read a typical file in a dozen calls.
            let expected = regular.as_ref().map_or(0, |meta| meta.len() + 1);
            let mut bytes = Vec::with_capacity(expected.min(limits.max_file_bytes + 1) as usize);
            // `take` bounds what a FIFO or a growing file can make us hold.
            file.take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(unreadable)?;
            (bytes, regular.is_some())
        }
    };
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok((bytes, regular))
}
