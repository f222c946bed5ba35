//! JSON text -> located trees, through `jsonc-parser` with every leniency off (strict JSON).

use jsonc_parser::ast::{ObjectPropName, Value as J};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};

use super::{Limits, Parsed, Problem, ProblemKind};
use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span};

pub fn parse(text: &str, limits: &Limits) -> Parsed {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let mut out = Parsed::default();
    // RFC 8259: a control character (U+0000 to U+001F) may appear only escaped in a string,
    // and outside strings only tab, line feed and carriage return separate tokens. The parser
    // lets raw ones through in strings.
    if let Some(at) = text
        .bytes()
        .position(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        out.problems.push(Problem {
            kind: ProblemKind::Syntax,
            span: Span::new(at, at + 1),
            message: format!(
                "raw control character U+{:04X} in the text; JSON (RFC 8259) allows it only escaped in a string (\\u{:04x})",
                text.as_bytes()[at],
                text.as_bytes()[at]
            ),
        });
        return out;
    }
    match parse_to_ast(text, &collect, &strict) {
        Err(e) => {
            let r = e.range();
            let kind = if matches!(
                e.kind(),
                jsonc_parser::errors::ParseErrorKind::NestingDepthExceeded
            ) {
                ProblemKind::Limit("max_depth")
            } else {
                ProblemKind::Syntax
            };
            out.problems.push(Problem {
                kind,
                span: Span::new(r.start, r.end),
                message: e.kind().to_string(),
            });
        }
        Ok(result) if result.value.is_none() => out.problems.push(Problem {
            kind: ProblemKind::Syntax,
            span: Span::new(0, 0),
            message: "the file holds no JSON value (empty JSON is not valid JSON)".into(),
        }),
        Ok(result) => {
            if let Some(value) = result.value {
                let mut nodes = 0;
                match convert(value, 0, limits, &mut nodes) {
                    Ok(node) => out.docs.push(node),
                    Err(p) => out.problems.push(p),
                }
            }
        }
    }
    out
}

fn convert(v: J, depth: usize, limits: &Limits, nodes: &mut usize) -> Result<Node, Problem> {
    *nodes += 1;
    let range = match &v {
        J::StringLit(s) => s.range,
        J::NumberLit(n) => n.range,
        J::BooleanLit(b) => b.range,
        J::NullKeyword(n) => n.range,
        J::Object(o) => o.range,
        J::Array(a) => a.range,
    };
    let span = Span::new(range.start, range.end);
    if *nodes > limits.max_nodes {
        return Err(limit(
            "max_nodes",
            span,
            format!("more than {} nodes in one file", limits.max_nodes),
        ));
    }
    if depth >= limits.max_depth && matches!(v, J::Object(_) | J::Array(_)) {
        return Err(limit(
            "max_depth",
            span,
            crate::lang::nesting_deeper_than(limits.max_depth),
        ));
    }
    let scalar = |text: String, plain: bool| {
        Kind::Scalar(Scalar {
            text: text.into(),
            plain,
        })
    };
    let kind = match v {
        J::StringLit(s) => scalar(s.value.into_owned(), false),
        J::NumberLit(n) => scalar(n.value.to_string(), true),
        J::BooleanLit(b) => scalar(b.value.to_string(), true),
        J::NullKeyword(_) => scalar("null".into(), true),
        J::Array(a) => Kind::Seq(
            a.elements
                .into_iter()
                .map(|e| convert(e, depth + 1, limits, nodes))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(o) => {
            let mut entries = Vec::with_capacity(o.properties.len());
            for p in o.properties {
                let (key, r) = match p.name {
                    ObjectPropName::String(s) => (s.value.into_owned(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                entries.push(Entry {
                    key: key.into(),
                    key_span: Span::new(r.start, r.end),
                    value: convert(p.value, depth + 1, limits, nodes)?,
                });
            }
            Kind::Map(entries)
        }
    };
    Ok(Node { span, kind })
}

fn limit(name: &'static str, span: Span, message: String) -> Problem {
    Problem {
        kind: ProblemKind::Limit(name),
        span,
        message,
    }
}
