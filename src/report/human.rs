//! `human`: miette's graphical reports (snippet, label, help with numbered remediation,
//! related places in other files), then a summary line.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource,
    Severity as MSeverity,
};

use super::Report;
use crate::finding::{Finding, Severity};

struct Shown {
    code: String,
    message: String,
    severity: Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
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

fn shown(f: &Finding) -> Shown {
    let file = &f.place.file;
    let mut labels = vec![label(Some(f.title().to_string()), f.place.span, true)];
    let mut related = Vec::new();
    for r in &f.related {
        if r.place.file.name == file.name {
            labels.push(label(Some(r.message.clone()), r.place.span, false));
        } else {
            related.push(Shown {
                code: String::new(),
                message: format!("related: {}", r.message),
                severity: Severity::Note,
                help: None,
                source: NamedSource::new(&r.place.file.name, r.place.file.text())
                    .with_language("yaml"),
                labels: vec![label(Some(r.message.clone()), r.place.span, true)],
                related: Vec::new(),
            });
        }
    }
    let mut help = f.help().to_string();
    for (i, step) in f.remediation().iter().enumerate() {
        help.push_str(&format!("\n  {}. {step}", i + 1));
    }
    for alternative in f.alternatives() {
        help.push_str(&format!("\n  Alternatively: {alternative}"));
    }
    if let Some(reason) = &f.suppressed {
        help.push_str(&format!("\n(suppressed: {reason})"));
    }
    Shown {
        code: f.rule.to_string(),
        message: f.message.clone(),
        severity: f.severity,
        help: Some(help),
        source: NamedSource::new(&file.name, file.text()),
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
        .with_width(100)
        .with_links(false)
        .with_context_lines(2);
    let mut out = String::new();
    for f in &report.findings {
        let mut one = String::new();
        if handler.render_report(&mut one, &shown(f)).is_err() {
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
