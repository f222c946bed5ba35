//! `sarif`: SARIF 2.1.0 as GitHub code scanning wants it: one run, full `rules[]` with help and
//! an absolute `helpUri`, regions with start/end line and column, related locations, and
//! fingerprints that survive line shifts. Suppressed findings are left out unless shown.

use serde_json::{Value, json};

use super::{HOMEPAGE, Report, fingerprints};
use crate::finding::{Place, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(place: &Place) -> Value {
    let p = place.position();
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&place.file.name)},
            "region": {"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column}
        }
    })
}

/// A relative path as a URI reference: `/` kept, everything outside RFC 3986's unreserved
/// characters percent-encoded (spaces, non-ASCII names).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .rules
        .rules
        .iter()
        .map(|r| {
            let steps: Vec<String> = r
                .remediation()
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, crate::rules::as_template(s)))
                .chain(r.advice.alternatives.iter().map(|a| {
                    format!("Alternatively: {}", crate::rules::as_template(a))
                }))
                .collect();
            let text = format!("{}\n\n{}\n\n{}", r.rationale.trim(), r.help(), steps.join("\n"));
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title()},
                "fullDescription": {"text": r.rationale.trim()},
                "help": {"text": text, "markdown": format!("**{}**\n\n{}\n\n{}\n\n{}", r.title(), r.rationale.trim(), r.help(), steps.join("\n"))},
                "helpUri": r.help_uri,
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": r.applies_to},
            })
        })
        .collect();
    let prints = fingerprints(&report.findings);
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(prints)
        .map(|(f, print)| {
            let index = report
                .rules
                .rules
                .iter()
                .position(|r| r.id == f.rule)
                .unwrap_or(0);
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(&r.place);
                    l["id"] = json!(i + 1);
                    l["message"] = json!({"text": r.message});
                    l
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule.as_str(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location(&f.place)],
                "partialFingerprints": {"imsPreflight/v1": print},
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if let Some(reason) = &f.suppressed {
                let kind = if f.suppressed_in_config {
                    "external"
                } else {
                    "inSource"
                };
                result["suppressions"] = json!([{"kind": kind, "justification": reason}]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ims-preflight",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": HOMEPAGE,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
