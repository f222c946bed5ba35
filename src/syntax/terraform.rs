//! Terraform's HCL: parsed with `hcl-edit` (through `hcl-rs`), which keeps the byte span of
//! every attribute, block and expression, so findings on Terraform point at the exact value.
//! The whitespace and comments around them are left as spans too, except in templates and in
//! objects with a key written as an expression (`parse_body_spanned`, a patch of ours, see
//! `vendor/hcl-edit/PATCHED.md`): only those are read (`hcl-rs` evaluates a template by
//! encoding it), and copying the others out of the text was work thrown away.
//! Evaluation is the model's business (`model::terraform`); this stage only parses.

use hcl::edit::structure::Body;

use super::parse::{Comment, Limits, Problem, ProblemKind};
use super::tree::Span;

/// A `.tf` or `.tfvars` file parsed: what `take` made of each piece's body (see [`parse`]),
/// and the comments that may hold suppressions.
pub struct Parsed<T> {
    pub pieces: Vec<T>,
    pub comments: Vec<Comment>,
}

/// A large file is parsed in pieces of about this many bytes, cut between top-level blocks, and
/// each piece's tree is taken apart before the next is parsed, while it is still in the CPU's
/// caches: a file's whole tree is taken apart after the parser has filled the caches with the
/// rest of it (at 100 modules of 90 KB, parsing each whole cost Terraform's run 5 % more).
const PIECE: usize = 8 * 1024;

/// Parse one HCL file, giving each piece's body, with the piece's offset in the file, to
/// `take` (the spans of a piece's tree are the piece's), and keeping the line comments that
/// hold `marker` (the suppression marker: the only comments read). A file is parsed whole when
/// it is small, or when a piece does not parse (then the error is placed in the whole file).
/// Nesting deeper than `max_depth` is refused before the parser (which recurses) sees it.
pub fn parse<T>(
    text: &str,
    limits: &Limits,
    marker: &str,
    mut take: impl FnMut(Body, usize) -> T,
) -> Result<Parsed<T>, Problem> {
    if let Some(offset) = too_deep(text, limits.max_depth) {
        return Err(Problem {
            kind: ProblemKind::Limit("max_depth"),
            span: Span::new(offset, offset),
            message: crate::lang::pick(
                || {
                    format!(
                        "nesting deeper than {} levels of brackets and braces",
                        limits.max_depth
                    )
                },
                || format!("方括号和花括号嵌套超过{}层", limits.max_depth),
            ),
        });
    }
    let comments = comments(text, marker);
    if let Some(pieces) = in_pieces(text, &mut take) {
        return Ok(Parsed { pieces, comments });
    }
    let body = hcl::edit::parser::parse_body_spanned(text).map_err(|e| {
        let offset = e.location().offset().min(text.len());
        Problem {
            kind: ProblemKind::Syntax,
            span: Span::new(offset, offset),
            message: format!("invalid HCL: {}", e.message()),
        }
    })?;
    Ok(Parsed {
        pieces: vec![take(body, 0)],
        comments,
    })
}

/// The file parsed piece by piece, when it is large and every piece parses.
fn in_pieces<T>(text: &str, take: &mut impl FnMut(Body, usize) -> T) -> Option<Vec<T>> {
    let cuts = cuts(text);
    if cuts.is_empty() {
        return None;
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    // The parser refuses an attribute written twice in one body; across pieces, it is seen
    // here (a tfvars file's top level is attributes), and the file parsed whole.
    let mut attributes = std::collections::HashSet::new();
    let mut start = 0;
    for end in cuts.into_iter().chain([text.len()]) {
        let body = hcl::edit::parser::parse_body_spanned(&text[start..end]).ok()?;
        for attribute in body.attributes() {
            if !attributes.insert(attribute.key.as_str().to_string()) {
                return None;
            }
        }
        pieces.push(take(body, start));
        start = end;
    }
    Some(pieces)
}

/// Where a large file is cut: after a line that is `}` alone (a top-level block's end, as
/// `terraform fmt` writes it) when the next line that is not empty starts with a letter (the
/// next block's type), about every `PIECE` bytes, leaving at least that much to the last piece.
/// A cut in the middle of something (a heredoc or a comment holding such lines, a block whose
/// braces are not so laid out) leaves a piece that does not parse on its own: the file is then
/// parsed whole. A piece that parses on its own ends where the whole file's parse ends a
/// top-level structure, as the tests check.
fn cuts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    if bytes.len() < 2 * PIECE {
        return out;
    }
    let mut last = 0;
    for at in memchr::memmem::find_iter(bytes, b"\n}\n") {
        let end = at + 3;
        if end - last < PIECE || bytes.len() - end < PIECE {
            continue;
        }
        let next = bytes[end..].iter().find(|&&b| b != b'\n');
        if next.is_some_and(u8::is_ascii_alphabetic) {
            out.push(end);
            last = end;
        }
    }
    out
}

/// The offset where bracket nesting first exceeds `max` (strings and comments included: a
/// conservative count that never lets a deep input reach the recursive parser).
fn too_deep(text: &str, max: usize) -> Option<usize> {
    // This runs over every byte of every file: only the brackets are visited, found by
    // `memchr` (openers and closers apart, merged in order), not byte by byte.
    let bytes = text.as_bytes();
    let mut opens = memchr::memchr3_iter(b'{', b'[', b'(', bytes).peekable();
    let mut closes = memchr::memchr3_iter(b'}', b']', b')', bytes).peekable();
    let mut depth = 0usize;
    while let Some(&open) = opens.peek() {
        match closes.peek() {
            Some(&close) if close < open => {
                depth = depth.saturating_sub(1);
                closes.next();
            }
            _ => {
                depth += 1;
                if depth > max {
                    return Some(open);
                }
                opens.next();
            }
        }
    }
    None
}

/// Line comments (`#` or `//`) that mention the suppression marker; the text after the
/// comment sign, as the YAML reader gives it.
fn comments(text: &str, marker: &str) -> Vec<Comment> {
    if !text.contains(marker) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        if let Some(at) = line.find(marker) {
            let before = &line[..at];
            let sign = before
                .rfind('#')
                .map(|i| (i, 1))
                .or_else(|| before.rfind("//").map(|i| (i, 2)));
            if let Some((i, len)) = sign {
                out.push(Comment {
                    span: Span::new(start + i, start + line.len()),
                    text: line[i + len..].to_string(),
                });
            }
        }
        start += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = "ims-preflight:";

    #[test]
    fn a_syntax_error_has_a_place_and_deep_nesting_is_refused() {
        let limits = Limits::default();
        let whole = |body: Body, _| body;
        let bad = parse(
            "resource \"a\" \"b\" {\n  name = \n}\n",
            &limits,
            MARKER,
            whole,
        );
        assert!(matches!(
            bad,
            Err(Problem {
                kind: ProblemKind::Syntax,
                ..
            })
        ));
        let deep = format!("x = {}{}\n", "[".repeat(100), "]".repeat(100));
        let deep = parse(&deep, &limits, MARKER, whole);
        assert!(matches!(
            deep,
            Err(Problem {
                kind: ProblemKind::Limit("max_depth"),
                ..
            })
        ));
        let ok = parse(
            "a = 1 # ims-preflight: ignore[request-name] ok\n",
            &limits,
            MARKER,
            whole,
        );
        let ok = ok.map(|p| p.comments.len()).ok();
        assert_eq!(ok, Some(1));
    }

    #[test]
    fn depth_counts_what_is_open_and_closing_brings_it_back() {
        assert_eq!(too_deep("a({[x]})", 3), None);
        assert_eq!(too_deep("a({[x]})", 2), Some(3));
        // Many blocks one after the other are never deep; a stray closer is not negative.
        assert_eq!(too_deep(&"b { c = [f(1)] }\n".repeat(100), 3), None);
        assert_eq!(too_deep(")))]]}}{{(", 2), Some(9));
    }
}
