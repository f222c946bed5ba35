//! Terraform's HCL: parsed with `hcl-edit` (through `hcl-rs`), which keeps the byte span of
//! every attribute, block and expression, so findings on Terraform point at the exact value.
//! Evaluation is the model's business (`model::terraform`); this stage only parses.

use hcl::edit::structure::Body;

use super::parse::{Comment, Limits, Problem, ProblemKind};
use super::tree::Span;

/// A parsed `.tf` or `.tfvars` file, with the comments that may hold suppressions.
pub struct Parsed {
    pub body: Body,
    pub comments: Vec<Comment>,
}

/// Parse one HCL file, keeping the line comments that hold `marker` (the suppression
/// marker: the only comments read). Nesting deeper than `max_depth` is refused before the
/// parser (which recurses) sees it.
pub fn parse(text: &str, limits: &Limits, marker: &str) -> Result<Parsed, Problem> {
    if let Some(offset) = too_deep(text, limits.max_depth) {
        return Err(Problem {
            kind: ProblemKind::Limit("max_depth"),
            span: Span::new(offset, offset),
            message: format!(
                "nesting deeper than {} levels of brackets and braces",
                limits.max_depth
            ),
        });
    }
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let offset = e.location().offset().min(text.len());
        Problem {
            kind: ProblemKind::Syntax,
            span: Span::new(offset, offset),
            message: format!("invalid HCL: {}", e.message()),
        }
    })?;
    Ok(Parsed {
        body,
        comments: comments(text, marker),
    })
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
        let bad = parse("resource \"a\" \"b\" {\n  name = \n}\n", &limits, MARKER);
        assert!(matches!(
            bad,
            Err(Problem {
                kind: ProblemKind::Syntax,
                ..
            })
        ));
        let deep = format!("x = {}{}\n", "[".repeat(100), "]".repeat(100));
        let deep = parse(&deep, &limits, MARKER);
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
