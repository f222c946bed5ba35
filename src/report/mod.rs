//! Output formats. Every format serializes the same [`Finding`]s; none knows any rule.

mod ci;
mod excerpt;
mod human;
mod json;
mod junit;
mod sarif;
pub mod wrap;

use crate::finding::{Finding, Severity};
use crate::rules::RuleSet;

pub use crate::HOMEPAGE;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Human,
    Compact,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
}

/// What a report is made of.
pub struct Report<'a> {
    /// The findings to show (suppressed ones only with `--show-suppressed`), sorted.
    pub findings: Vec<&'a Finding>,
    pub suppressed: usize,
    /// Findings recorded in the `--baseline` file (not shown, not counted).
    pub baselined: usize,
    pub files: usize,
    pub documents: usize,
    pub rules: &'a RuleSet,
    /// `(rule id, entity)` pairs that were checked, for JUnit test cases (computed only
    /// for that format).
    pub checked: &'a dyn Fn() -> Vec<(String, String)>,
    pub color: bool,
    pub quiet: bool,
    /// Columns human output fits in.
    pub width: usize,
    /// Human output repeats each rule's help and remediation for every finding.
    pub verbose: bool,
}

/// The width human output fits: `--width`, else `COLUMNS`, else the terminal's, else 100.
pub fn width(given: Option<usize>, to_terminal: bool) -> usize {
    given
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .or_else(|| {
            to_terminal
                .then(terminal_size::terminal_size)
                .flatten()
                .map(|(w, _)| usize::from(w.0))
        })
        .filter(|w| *w >= 20)
        .unwrap_or(100)
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity && f.is_active())
            .count()
    }

    pub fn summary_line(&self) -> String {
        if crate::rules::Lang::current() == crate::rules::Lang::ZhCn {
            let mut line = format!(
                "{} 个错误、{} 个警告、{} 个提示，共 {} 个文件（{} 个文档）",
                self.count(Severity::Error),
                self.count(Severity::Warning),
                self.count(Severity::Note),
                self.files,
                self.documents,
            );
            if self.suppressed > 0 {
                line.push_str(&format!("；{} 个已抑制", self.suppressed));
            }
            if self.baselined > 0 {
                line.push_str(&format!("；{} 个在基线中", self.baselined));
            }
            return line;
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "{}, {} and {} in {} ({})",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note"),
            plural(self.files, "file"),
            plural(self.documents, "document"),
        );
        if self.suppressed > 0 {
            line.push_str(&format!("; {} suppressed", self.suppressed));
        }
        if self.baselined > 0 {
            line.push_str(&format!("; {} in the baseline", self.baselined));
        }
        line
    }
}

/// Write a report. JSON is streamed (it is the format large CI runs ask for); the others are
/// rendered, then written.
pub fn write(
    format: OutputFormat,
    report: &Report,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = match format {
        OutputFormat::Json => return json::write(report, out),
        OutputFormat::Human => human::render(report),
        OutputFormat::Compact => compact(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Junit => junit::render(report),
        OutputFormat::Github => ci::github(report),
        OutputFormat::Gitlab => ci::gitlab(report),
    };
    out.write_all(text.as_bytes())
}

pub use crate::input::source::Position;

/// One line per finding, nothing else (the summary goes to stderr): what editors and `grep`
/// read.
fn compact(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let p = f.place.position();
        let suppressed = if f.suppressed.is_some() {
            crate::rules::say(" (suppressed)", "（已抑制）")
        } else {
            ""
        };
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}{}{}\n",
            f.place.file.name,
            p.line,
            p.column,
            f.severity.as_str(),
            f.rule,
            f.message,
            about(f),
            suppressed
        ));
    }
    out
}

/// ` (server web-01 (877a2cda-…))` after a message that does not name its entity (every
/// format names it), else nothing.
pub fn about(f: &Finding) -> String {
    let Some(named) = f.named() else {
        return String::new();
    };
    let entity = f.entity.as_deref().unwrap_or_default();
    let shown = f.entity_name.as_deref().unwrap_or(entity);
    if entity.is_empty() || f.message.contains(shown) {
        String::new()
    } else {
        format!(" ({named})")
    }
}

/// A stable 64-bit FNV-1a hash, the same on every platform and release (fingerprints must not
/// change between runs, or CI systems would close and reopen the same alert).
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Fingerprints that identify a finding by what it is about, not by its line, its entity's
/// position in a list or the language it is worded in: rule, file, entity, path inside the
/// entity and message variant, plus an occurrence number among identical ones.
pub fn fingerprints(findings: &[&Finding]) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    findings
        .iter()
        .map(|f| {
            let entity = f.entity.as_deref().unwrap_or_default();
            let base = stable_hash(&[&f.rule, &f.place.file.name, entity, &f.path, &f.variant]);
            let n = seen.entry(base.clone()).or_insert(0usize);
            *n += 1;
            if *n == 1 {
                base
            } else {
                stable_hash(&[&base, &n.to_string()])
            }
        })
        .collect()
}
