//! Usage errors (exit 2): bad flags, unreadable config or rule files, missing paths. When the
//! problem is inside a file, the error carries the file so it renders with a snippet.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::syntax::tree::Span;

#[derive(Debug, Clone)]
pub struct UsageError {
    pub message: String,
    pub file: Option<(String, String, Option<Span>)>,
}

impl UsageError {
    pub fn msg(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            file: None,
        }
    }

    pub fn in_file(
        name: &str,
        text: &str,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> UsageError {
        UsageError {
            message: message.into(),
            file: Some((name.to_string(), text.to_string(), span)),
        }
    }

    /// A serde-saphyr error, pointed at the byte it names.
    pub fn from_saphyr(name: &str, text: &str, e: &serde_saphyr::Error) -> UsageError {
        let span = e.location().and_then(|l| {
            let s = l.span();
            let start = usize::try_from(s.byte_offset()?).ok()?;
            let len = usize::try_from(s.byte_len().unwrap_or(0)).unwrap_or(0);
            Some(Span::new(start, start + len.max(1)))
        });
        let message = e.without_snippet().to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").to_string();
        UsageError::in_file(name, text, span, format!("{name}: {message}"))
    }

    /// Render for stderr (with a snippet when the error sits in a file).
    pub fn render(&self, color: bool) -> String {
        let Some((name, text, span)) = &self.file else {
            return format!("error: {}\n", self.message);
        };
        let diag = FileError {
            message: self.message.clone(),
            source: NamedSource::new(name, text.clone()),
            label: span.map(|s| {
                LabeledSpan::new_primary_with_span(
                    Some("here".into()),
                    (s.start(), s.end() - s.start()),
                )
            }),
        };
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut out = String::new();
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        if handler.render_report(&mut out, &diag).is_err() {
            return format!("error: {}\n", self.message);
        }
        out
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug)]
struct FileError {
    message: String,
    source: NamedSource<String>,
    label: Option<LabeledSpan>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FileError {}

impl Diagnostic for FileError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.label.clone()?;
        Some(Box::new(std::iter::once(label)))
    }
}
