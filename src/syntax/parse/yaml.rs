//! YAML text -> located trees, from `granit-parser` events. Aliases are expanded here under the
//! `max_alias_nodes` budget and `<<` merge keys are applied; nothing downstream sees either.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

use super::{Comment, Limits, Parsed, Problem, ProblemKind};
use crate::syntax::tree::{Entry, Kind, Node, Scalar, Span};

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        merges: Vec<Node>,
        key: Option<(crate::syntax::tree::Text, Span, bool)>,
    },
}

struct Builder<'l> {
    text: &'l str,
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    alias_nodes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn reset(&mut self) {
        self.stack.clear();
        self.root = None;
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), Problem> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(limit(
                "max_nodes",
                span,
                format!("more than {} nodes in one file", self.limits.max_nodes),
            ));
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), Problem> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(limit(
                "max_depth",
                span,
                crate::lang::nesting_deeper_than(self.limits.max_depth),
            ));
        }
        self.count(1, span)?;
        self.stack.push(frame);
        Ok(())
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn attach(&mut self, node: Node, anchor: usize) -> Result<(), Problem> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merges,
                key,
                ..
            }) => match key.take() {
                None => match node.kind {
                    Kind::Scalar(s) => *key = Some((s.text, node.span, s.plain)),
                    _ => {
                        return Err(Problem {
                            kind: ProblemKind::Syntax,
                            span: node.span,
                            message: "a mapping key must be a plain string, not a list or mapping"
                                .into(),
                        });
                    }
                },
                Some((k, _, plain)) if plain && k == "<<" => merges.push(node),
                Some((k, key_span, _)) => entries.push(Entry {
                    key: k,
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }

    fn close(&mut self, end: usize) -> Result<(), Problem> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::Seq {
                start,
                anchor,
                mut items,
            } => {
                // Some trees live until the whole-inventory pass: no growth slack kept.
                items.shrink_to_fit();
                let end = items.last().map_or(end, |n| n.span.end());
                let node = Node {
                    span: Span::new(start, end),
                    kind: Kind::Seq(items),
                };
                self.attach(node, anchor)
            }
            Frame::Map {
                start,
                anchor,
                mut entries,
                merges,
                ..
            } => {
                merge_into(&mut entries, merges);
                entries.shrink_to_fit();
                let end = entries
                    .last()
                    .map_or(end, |e| e.value.span.end().max(e.key_span.end()));
                let node = Node {
                    span: Span::new(start, end),
                    kind: Kind::Map(entries),
                };
                self.attach(node, anchor)
            }
        }
    }
}

/// YAML merge keys: entries of the merged mappings that the mapping does not set itself.
fn merge_into(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for source in merges {
        let maps: Vec<Node> = match source.kind {
            Kind::Seq(items) => items,
            _ => vec![source],
        };
        for map in maps {
            if let Kind::Map(extra) = map.kind {
                for e in extra {
                    if !entries.iter().any(|x| x.key == e.key) {
                        entries.push(e);
                    }
                }
            }
        }
    }
}

/// A block scalar's span from its `|`/`>` header to its last non-blank character (the parser's
/// span starts at the content and runs on to the next token).
fn block_scalar_span(text: &str, span: Span) -> Span {
    let start = text
        .get(..span.start())
        .and_then(|before| before.rfind(['|', '>']))
        .unwrap_or(span.start());
    let body = text
        .get(start..span.end().min(text.len()))
        .unwrap_or_default();
    Span::new(start, start + body.trim_end().len())
}

fn limit(name: &'static str, span: Span, message: String) -> Problem {
    Problem {
        kind: ProblemKind::Limit(name),
        span,
        message,
    }
}

fn syntax(err: &ScanError, text: &str, max_depth: usize) -> Problem {
    let at = err.marker().byte_offset().unwrap_or(0).min(text.len());
    let mut message = err.info();
    let kind = if message.to_ascii_lowercase().contains("recursion limit") {
        message = crate::lang::nesting_deeper_than(max_depth);
        ProblemKind::Limit("max_depth")
    } else {
        ProblemKind::Syntax
    };
    Problem {
        kind,
        span: Span::new(at, at),
        message,
    }
}

fn span_of(s: &granit_parser::Span) -> Span {
    Span::new(
        s.start.byte_offset().unwrap_or(0),
        s.end.byte_offset().unwrap_or(0),
    )
}

pub fn parse(text: &str, limits: &Limits, comments: super::Comments) -> Parsed {
    let nesting = limits.max_depth.saturating_add(1);
    let options = granit_parser::options! {
        emit_comments: comments == super::Comments::Keep,
        flow_nesting_limit: nesting,
        block_nesting_limit: nesting,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut out = Parsed::default();
    let mut b = Builder {
        text,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        alias_nodes: 0,
        root: None,
    };
    while let Some(next) = parser.next_event() {
        let step = match next {
            Err(e) => Err(syntax(&e, text, limits.max_depth)),
            Ok((event, span)) => handle(&mut b, &mut out, event, span_of(&span)),
        };
        if let Err(problem) = step {
            let fatal = matches!(problem.kind, ProblemKind::Limit(_));
            out.problems.push(problem);
            b.reset();
            // A limit ends the file: recovering would only spend the budget again.
            if fatal || !matches!(parser.proceed_next_document(), Ok(true)) {
                break;
            }
        }
    }
    out
}

fn handle(b: &mut Builder, out: &mut Parsed, event: Event, span: Span) -> Result<(), Problem> {
    match event {
        Event::Comment(text, _) => out.comments.push(Comment {
            span,
            text: text.into_owned(),
        }),
        Event::DocumentStart(..) => b.reset(),
        Event::DocumentEnd => {
            if let Some(root) = b.root.take() {
                out.docs.push(root);
            }
            b.stack.clear();
        }
        Event::Scalar(value, style, anchor, _) => {
            b.count(1, span)?;
            let span = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                block_scalar_span(b.text, span)
            } else {
                span
            };
            let node = Node {
                span,
                kind: Kind::Scalar(Scalar {
                    text: crate::syntax::tree::Text::from(value.as_ref()),
                    plain: style == ScalarStyle::Plain,
                }),
            };
            b.attach(node, anchor)?;
        }
        Event::SequenceStart(_, anchor, _) => b.open(
            Frame::Seq {
                start: span.start(),
                anchor,
                items: Vec::new(),
            },
            span,
        )?,
        Event::MappingStart(_, anchor, _) => b.open(
            Frame::Map {
                start: span.start(),
                anchor,
                entries: Vec::new(),
                merges: Vec::new(),
                key: None,
            },
            span,
        )?,
        Event::SequenceEnd | Event::MappingEnd => b.close(span.end())?,
        Event::Alias(id) => {
            let Some(target) = b.anchors.get(&id).cloned() else {
                return Ok(());
            };
            let n = target.count();
            b.alias_nodes += n;
            if b.alias_nodes > b.limits.max_alias_nodes {
                return Err(limit(
                    "max_alias_nodes",
                    span,
                    crate::lang::pick(
                        || {
                            format!(
                                "aliases expand to more than {} nodes (an alias bomb?)",
                                b.limits.max_alias_nodes
                            )
                        },
                        || {
                            format!(
                                "别名展开后超过{}个节点（别名炸弹？）",
                                b.limits.max_alias_nodes
                            )
                        },
                    ),
                ));
            }
            b.count(n, span)?;
            let mut copy = target;
            copy.span = span;
            b.attach(copy, 0)?;
        }
        _ => {}
    }
    Ok(())
}
