//! `json`: the versioned report object, written as it is serialized: a run with tens of
//! thousands of findings never holds the whole document in memory.

use std::io::Write;

use serde::{Serialize, Serializer};

use super::Report;
use crate::finding::{Finding, Place, Severity};

// Fields are in alphabetical order: the order the format has always had (and tests pin).

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Diagnostics<'a>,
    summary: Summary,
    version: u32,
}

#[derive(Serialize)]
struct Summary {
    baselined: usize,
    documents: usize,
    errors: usize,
    files: usize,
    notes: usize,
    suppressed: usize,
    warnings: usize,
}

struct Diagnostics<'a>(&'a [&'a Finding]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|f| Diagnostic::of(f)))
    }
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    entity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_name: Option<&'a str>,
    file: &'a str,
    help: &'a str,
    line: usize,
    message: &'a str,
    pointer: &'a str,
    related: Vec<Related<'a>>,
    remediation: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    alternatives: &'a [String],
    rule: &'a str,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Reason<'a>>,
}

#[derive(Serialize)]
struct Reason<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    file: &'a str,
    line: usize,
    message: &'a str,
    pointer: &'a str,
}

impl<'a> Related<'a> {
    fn of(place: &'a Place, message: &'a str) -> Related<'a> {
        let p = place.position();
        Related {
            column: p.column,
            end_column: p.end_column,
            end_line: p.end_line,
            file: &place.file.name,
            line: p.line,
            message,
            pointer: &place.pointer,
        }
    }
}

impl<'a> Diagnostic<'a> {
    fn of(f: &'a Finding) -> Diagnostic<'a> {
        let p = f.place.position();
        Diagnostic {
            column: p.column,
            end_column: p.end_column,
            end_line: p.end_line,
            entity: f.entity.as_deref(),
            entity_kind: f.entity.as_ref().and(f.entity_kind),
            entity_name: f.entity_name.as_deref(),
            file: &f.place.file.name,
            help: f.help(),
            line: p.line,
            message: &f.message,
            pointer: &f.place.pointer,
            related: f
                .related
                .iter()
                .map(|r| Related::of(&r.place, &r.message))
                .collect(),
            remediation: f.remediation(),
            alternatives: f.alternatives(),
            rule: &f.rule,
            severity: f.severity,
            suppressed: f.suppressed.as_deref().map(|reason| Reason { reason }),
        }
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let document = Document {
        diagnostics: Diagnostics(&report.findings),
        summary: Summary {
            baselined: report.baselined,
            documents: report.documents,
            errors: report.count(Severity::Error),
            files: report.files,
            notes: report.count(Severity::Note),
            suppressed: report.suppressed,
            warnings: report.count(Severity::Warning),
        },
        version: 1,
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
