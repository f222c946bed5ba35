//! `json`: the versioned object of SPEC §6.

use serde_json::{Value, json};

use super::{Report, position};
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let diagnostics: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let p = position(&f.place.file, f.place.span);
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|r| {
                    let rp = position(&r.place.file, r.place.span);
                    json!({"file": r.place.file.name, "line": rp.line, "column": rp.column,
                           "end_line": rp.end_line, "end_column": rp.end_column,
                           "pointer": r.place.pointer, "message": r.message})
                })
                .collect();
            let mut d = json!({
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "file": f.place.file.name,
                "line": p.line,
                "column": p.column,
                "end_line": p.end_line,
                "end_column": p.end_column,
                "pointer": f.place.pointer,
                "entity": f.entity,
                "help": f.help,
                "remediation": f.remediation,
                "related": related,
            });
            if let Some(reason) = &f.suppressed {
                d["suppressed"] = json!({"reason": reason});
            }
            d
        })
        .collect();
    let out = json!({
        "version": 1,
        "summary": {
            "files": report.files,
            "documents": report.documents,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "notes": report.count(Severity::Note),
            "suppressed": report.suppressed,
            "baselined": report.baselined,
        },
        "diagnostics": diagnostics,
    });
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
