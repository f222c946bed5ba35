//! The lines of a file a human report shows, cut to the width: a long line ends in `…` (after
//! the start of the last place marked on it, if that is further), and the file's own line
//! numbers stay (output fits the terminal).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::input::source::SourceFile;
use crate::syntax::tree::Span;

/// Lines of context shown around the marked places.
pub const CONTEXT: usize = 2;

pub struct Excerpt {
    name: String,
    text: String,
    /// Lines of the file before the excerpt.
    first_line: usize,
}

impl Excerpt {
    /// The excerpt of `file` around `spans`, each line cut to fit `width` columns after the
    /// gutter; returns it with the spans moved into it.
    pub fn new(file: &SourceFile, spans: &[Span], width: usize) -> (Excerpt, Vec<Span>) {
        let lines = file.lines();
        let full = lines.as_str();
        let starts = lines.line_starts();
        let start_of = |line: usize| starts[line] as usize;
        let line_of = |offset: usize| {
            starts
                .partition_point(|&s| s as usize <= offset)
                .saturating_sub(1)
        };
        let first = spans
            .iter()
            .map(|s| line_of(s.start().min(full.len())))
            .min()
            .unwrap_or(0)
            .saturating_sub(CONTEXT);
        let last = (spans
            .iter()
            .map(|s| line_of(s.end().min(full.len())))
            .max()
            .unwrap_or(0)
            + CONTEXT)
            .min(starts.len() - 1);
        let gutter = (last + 1).to_string().len() + 4;
        // Room for the gutter, a nested report's indent and the bar of a multi-line mark.
        let room = width.saturating_sub(gutter + 8).max(20);
        let mut text = String::new();
        // Where each line of the file starts in the excerpt.
        let mut moved = Vec::with_capacity(last + 1 - first);
        for line in first..=last {
            let start = start_of(line);
            let end = starts.get(line + 1).map_or(full.len(), |&s| s as usize - 1);
            let content = &full[start..end.max(start)];
            // Keep at least the start of every place marked on this line (a longer mark is
            // cut with the line).
            let marked = spans
                .iter()
                .filter(|s| line_of(s.start().min(full.len())) == line)
                .map(|s| s.start().min(full.len()) + 1 - start)
                .max()
                .unwrap_or(0);
            let keep = cut(content, room.max(column_of(content, marked)));
            moved.push(text.len());
            text.push_str(&content[..keep]);
            if keep < content.len() {
                text.push('…');
            }
            if line < last {
                text.push('\n');
            }
        }
        let relocate = |offset: usize| {
            let offset = offset.min(full.len());
            let line = line_of(offset).clamp(first, last);
            let within = offset.saturating_sub(start_of(line));
            let end_of_line = moved
                .get(line + 1 - first)
                .map_or(text.len(), |&s| s.saturating_sub(1));
            (moved[line - first] + within).min(end_of_line)
        };
        let spans = spans
            .iter()
            .map(|s| Span::new(relocate(s.start()), relocate(s.end())))
            .collect();
        let excerpt = Excerpt {
            name: file.name.clone(),
            text,
            first_line: first,
        };
        (excerpt, spans)
    }
}

/// Columns of `content[..bytes]`.
fn column_of(content: &str, bytes: usize) -> usize {
    let mut at = bytes.min(content.len());
    while !content.is_char_boundary(at) {
        at -= 1;
    }
    textwrap::core::display_width(&content[..at])
}

/// The bytes of `content` that fit in `columns`.
fn cut(content: &str, columns: usize) -> usize {
    let mut width = 0;
    for (i, c) in content.char_indices() {
        width += textwrap::core::display_width(c.encode_utf8(&mut [0; 4]));
        if width > columns {
            return i;
        }
    }
    content.len()
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}
