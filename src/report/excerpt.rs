//! The lines of a file a human report shows, cut to the width: a long line ends in `…` (after
//! the start of the last place marked on it, if that is further), a line whose marks start
//! past the width is shown from just before the first of them (after a `…`), and the file's
//! own line numbers and columns stay (output fits the terminal, even for a plan written on
//! one line).

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
    /// Per line of the excerpt, the bytes of the file's line left out at its start (a `…`
    /// stands for them).
    skips: Vec<usize>,
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
        let mut skips = Vec::with_capacity(last + 1 - first);
        for line in first..=last {
            let start = start_of(line);
            let end = starts.get(line + 1).map_or(full.len(), |&s| s as usize - 1);
            let content = masked(&full[start..end.max(start)], start, file.withheld());
            let content = content.as_ref();
            // Keep at least the start of every place marked on this line (a longer mark is
            // cut with the line).
            let marks = spans
                .iter()
                .filter(|s| line_of(s.start().min(full.len())) == line)
                .map(|s| s.start().min(full.len()) - start);
            let marked = marks.clone().map(|m| m + 1).max().unwrap_or(0);
            let skip = match marks.min() {
                // Two thirds of the room stay for what comes before the first mark.
                Some(m) if column_of(content, marked) > room => lead_in(content, m, room * 2 / 3),
                _ => 0,
            };
            let shown = &content[skip..];
            // At most twice the room: marks far apart on one line are cut with it.
            let wanted = column_of(shown, marked.saturating_sub(skip)).min(2 * room);
            let keep = cut(shown, room.max(wanted));
            moved.push(text.len());
            skips.push(skip);
            if skip > 0 {
                text.push('…');
            }
            text.push_str(&shown[..keep]);
            if keep < shown.len() {
                text.push('…');
            }
            if line < last {
                text.push('\n');
            }
        }
        let relocate = |offset: usize| {
            let offset = offset.min(full.len());
            let line = line_of(offset).clamp(first, last);
            let skip = skips[line - first];
            let within = offset.saturating_sub(start_of(line));
            let within = match skip {
                0 => within,
                _ => within.saturating_sub(skip) + '…'.len_utf8(),
            };
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
            skips,
        };
        (excerpt, spans)
    }
}

/// A line of the file (starting at byte `start`) with the withheld values on it masked, a `*`
/// for each byte (the places marked on the line keep their offsets).
fn masked<'t>(line: &'t str, start: usize, withheld: &[Span]) -> std::borrow::Cow<'t, str> {
    let end = start + line.len();
    let on_line: Vec<&Span> = withheld
        .iter()
        .filter(|s| s.start() < end && s.end() > start)
        .collect();
    if on_line.is_empty() {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let at = start + i;
        if on_line.iter().any(|s| s.start() <= at && at < s.end()) {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Where to start showing a line so that `lead` characters come before byte `mark`.
fn lead_in(content: &str, mark: usize, lead: usize) -> usize {
    let mut at = mark.min(content.len());
    while !content.is_char_boundary(at) {
        at -= 1;
    }
    content[..at]
        .char_indices()
        .rev()
        .nth(lead.saturating_sub(1))
        .map_or(0, |(i, _)| i)
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
        // Read alone (no context), a span gives the report's `file:line:column`: the
        // column the file has, whatever the excerpt left out before it.
        // miette counts columns in bytes, the `…` among them.
        let shift = match (before, after) {
            (0, 0) => self
                .skips
                .get(inner.line())
                .map_or(0, |skip| skip.saturating_sub('…'.len_utf8())),
            _ => 0,
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column() + shift,
            inner.line_count(),
        )))
    }
}
