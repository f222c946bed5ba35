//! `human`: miette's graphical reports (snippet, label, help with numbered remediation,
//! related places in other files), then a summary line.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity as MSeverity,
};

use super::excerpt::{CONTEXT, Excerpt};

use super::Report;
use crate::finding::{Finding, Severity};

struct Shown {
    code: String,
    message: String,
    severity: Severity,
    help: Option<String>,
    source: Excerpt,
    labels: Vec<LabeledSpan>,
    related: Vec<Shown>,
}

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<MSeverity> {
        Some(match self.severity {
            Severity::Error => MSeverity::Error,
            Severity::Warning => MSeverity::Warning,
            Severity::Note => MSeverity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn label(text: Option<String>, span: crate::syntax::tree::Span, primary: bool) -> LabeledSpan {
    let len = span.end().saturating_sub(span.start());
    if primary {
        LabeledSpan::new_primary_with_span(text, (span.start(), len))
    } else {
        LabeledSpan::new_with_span(text, (span.start(), len))
    }
}

/// A label's text, when it fits the width after the column it hangs from (the finding's own
/// message says the same, so a label is left bare rather than run past the edge).
fn fitting(text: &str, place: &crate::finding::Place, width: usize) -> Option<String> {
    let column = place.file.line_col(place.span.start()).column;
    // The label hangs from the middle of the marked text, after the gutter.
    let marked = place
        .span
        .end()
        .saturating_sub(place.span.start())
        .min(width)
        / 2;
    let needed = column + marked + 12 + textwrap::core::display_width(text);
    (needed <= width).then(|| text.to_string())
}

fn shown(f: &Finding, first_of_rule: bool, width: usize) -> Shown {
    let file = &f.place.file;
    // Places in this file: the finding's, then the related ones here (the others are shown
    // each with its own file).
    let here: Vec<(&crate::finding::Place, String, bool)> =
        std::iter::once((&f.place, f.title().to_string(), true))
            .chain(
                f.related
                    .iter()
                    .filter(|r| r.place.file.name == file.name)
                    .map(|r| (&r.place, r.message.clone(), false)),
            )
            .collect();
    let spans: Vec<crate::syntax::tree::Span> = here.iter().map(|(p, ..)| p.span).collect();
    let (source, spans) = Excerpt::new(file, &spans, width);
    let labels = here
        .iter()
        .zip(spans)
        .map(|((place, text, primary), span)| label(fitting(text, place, width), span, *primary))
        .collect();
    let related = f
        .related
        .iter()
        .filter(|r| r.place.file.name != file.name)
        .map(|r| {
            let (source, spans) = Excerpt::new(&r.place.file, &[r.place.span], width);
            Shown {
                code: String::new(),
                message: format!("{}{}", crate::rules::say("related: ", "相关："), r.message),
                severity: Severity::Note,
                help: None,
                source,
                labels: vec![label(fitting(&r.message, &r.place, width), spans[0], true)],
                related: Vec::new(),
            }
        })
        .collect();
    let mut help = String::new();
    if first_of_rule {
        help.push_str(f.help());
        for (i, step) in f.remediation().iter().enumerate() {
            help.push_str(&format!("\n  {}. {step}", i + 1));
        }
        for alternative in f.alternatives() {
            help.push_str(&format!(
                "\n  {}{alternative}",
                crate::rules::say("Alternatively: ", "或者：")
            ));
        }
    } else {
        let rule = &f.rule;
        // Where the steps differ by what findings say, the first one that says the same.
        let same = f.advice.by_variant();
        help.push_str(&crate::lang::pick(
            || {
                let same = if same { " that says the same" } else { "" };
                format!(
                    "as for the first `{rule}` finding above{same} (--verbose shows this finding's own steps; `ims-preflight explain {rule}`)"
                )
            },
            || {
                let same = if same { "说法相同的" } else { "" };
                format!(
                    "同上方第一个{same} `{rule}` 问题（--verbose 显示本问题自己的步骤；`ims-preflight explain {rule}`）"
                )
            },
        ));
    }
    if let Some(reason) = &f.suppressed {
        help.push_str(&format!(
            "\n({}{reason})",
            crate::rules::say("suppressed: ", "已抑制：")
        ));
    }
    Shown {
        code: f.rule.to_string(),
        message: f.message.clone(),
        severity: f.severity,
        help: Some(help),
        source,
        labels,
        related,
    }
}

pub fn render(report: &Report) -> String {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(report.width)
        .with_links(false)
        .with_context_lines(CONTEXT)
        .with_show_related_as_nested(true)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::Custom(
            super::wrap::words_outside_code,
        ));
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    for f in &report.findings {
        let mut one = String::new();
        // A rule whose steps depend on what the finding says (its message variant) shows them
        // again for each variant.
        let variant = if f.advice.by_variant() {
            f.variant.as_str()
        } else {
            ""
        };
        let first_of_rule = seen.insert((f.rule.as_str(), variant)) || report.verbose;
        if handler
            .render_report(&mut one, &shown(f, first_of_rule, report.width))
            .is_err()
        {
            one = format!(
                "{}: {}[{}] {}\n",
                f.place.file.name,
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        out.push_str(&one);
        out.push('\n');
    }
    if !report.quiet {
        out.push_str(&report.summary_line());
        out.push('\n');
    }
    out
}
