//! `github` workflow commands and `gitlab` Code Quality JSON.

use serde_json::json;

use super::{Report, fingerprints, stable_hash};
use crate::finding::Severity;

/// Escaping of workflow-command data (actions/toolkit `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of workflow-command properties (actions/toolkit `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        let p = f.place.position();
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = format!(
            "file={},line={},endLine={}",
            escape_property(&f.place.file.name),
            p.line,
            p.end_line
        );
        if p.line == p.end_line {
            props.push_str(&format!(",col={},endColumn={}", p.column, p.end_column));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&match f.named() {
                Some(named) => format!("{} ({}): {named}", f.title(), f.rule),
                None => format!("{} ({})", f.title(), f.rule),
            })
        ));
        out.push_str(&format!(
            "::{command} {props}::{}\n",
            escape_data(&f.message)
        ));
    }
    out
}

pub fn gitlab(report: &Report) -> String {
    let visible: Vec<_> = report
        .findings
        .iter()
        .copied()
        .filter(|f| f.is_active())
        .collect();
    let mut used = std::collections::HashSet::new();
    let issues: Vec<_> = visible
        .iter()
        .zip(fingerprints(&visible))
        .map(|(f, mut print)| {
            // GitLab shows one issue per fingerprint, so they must be unique.
            while !used.insert(print.clone()) {
                print = stable_hash(&[&print]);
            }
            let p = f.place.position();
            let severity = match f.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Note => "info",
            };
            json!({
                "description": format!("{} ({})", f.message, f.rule),
                "check_name": f.rule.as_str(),
                "fingerprint": print,
                "severity": severity,
                "location": {"path": f.place.file.name, "lines": {"begin": p.line, "end": p.end_line}},
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
