//! `readiness`: one row per request (and, with `--servers`, per server no request
//! uses): its source, `ready` / `blocked` / `unverified`, the rules that block it and the facts
//! that are missing. Exit codes as `check`.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::json;

use super::{CheckArgs, run_engine};
use crate::config::FailOn;
use crate::engine::readiness::Rows;
use crate::error::UsageError;
use crate::finding::{Finding, Severity};

#[derive(Debug, clap::Args)]
pub struct ReadinessArgs {
    /// Files or directories to read (`-` reads stdin).
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// `table`, `markdown` (for a pull-request comment), `csv` or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReadinessFormat,
    /// Also list every described server that no request uses.
    #[arg(long)]
    pub servers: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Config file (default: .ims-preflight.yaml in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Load extra rule files from DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Unknowns are errors (config `strict: true`).
    #[arg(long)]
    pub strict: bool,
    /// Lowest severity that makes the exit code 1 (default: error, or the config's fail_on).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Follow symbolic links while walking directories.
    #[arg(long)]
    pub follow_links: bool,
    #[command(flatten)]
    pub terraform: super::TerraformArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadinessFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

/// One row as printed.
struct Row {
    request: String,
    file: String,
    line: usize,
    kind: &'static str,
    id: String,
    name: Option<String>,
    verdict: &'static str,
    blocking: Vec<String>,
    missing: Vec<String>,
}

/// The rules at error severity (after configuration) of the active findings, by entity in
/// lowercase: looked up per row instead of scanning every finding for each row.
fn errors_by_entity(findings: &[Finding]) -> HashMap<String, BTreeSet<String>> {
    let mut by_entity: HashMap<String, BTreeSet<String>> = HashMap::new();
    for f in findings
        .iter()
        .filter(|f| f.is_active() && f.severity == Severity::Error)
    {
        if let Some(entity) = &f.entity {
            by_entity
                .entry(entity.to_ascii_lowercase())
                .or_default()
                .insert(f.rule.to_string());
        }
    }
    by_entity
}

/// The rules whose errors concern `keys` (a request, its server, its backup).
fn blocking(errors: &HashMap<String, BTreeSet<String>>, keys: &[String]) -> Vec<String> {
    let rules: BTreeSet<&String> = keys
        .iter()
        .filter_map(|k| errors.get(k))
        .flatten()
        .collect();
    rules.into_iter().cloned().collect()
}

fn verdict(blocking: &[String], missing: &[String]) -> &'static str {
    if !blocking.is_empty() {
        "blocked"
    } else if !missing.is_empty() {
        "unverified"
    } else {
        "ready"
    }
}

fn rows(rows: &Rows, findings: &[Finding]) -> (Vec<Row>, Vec<Row>) {
    let errors = errors_by_entity(findings);
    let requests = rows
        .requests
        .iter()
        .map(|r| {
            let blocking = blocking(&errors, &r.keys);
            let source = r.source.as_ref();
            Row {
                request: r.request.clone(),
                file: r.file.clone(),
                line: r.line,
                kind: source.map_or("", |s| s.kind),
                id: source.map(|s| s.id.clone()).unwrap_or_default(),
                name: source.and_then(|s| s.name.clone()),
                verdict: verdict(&blocking, &r.missing),
                blocking,
                missing: r.missing.clone(),
            }
        })
        .collect();
    let servers = rows
        .servers
        .iter()
        .map(|s| {
            let blocking = blocking(&errors, &[s.id.to_ascii_lowercase()]);
            Row {
                request: String::new(),
                file: String::new(),
                line: 0,
                kind: "server",
                id: s.id.clone(),
                name: s.name.clone(),
                verdict: verdict(&blocking, &s.missing),
                blocking,
                missing: s.missing.clone(),
            }
        })
        .collect();
    (requests, servers)
}

pub(super) fn readiness(args: ReadinessArgs) -> Result<i32, UsageError> {
    let check = CheckArgs {
        paths: args.paths.clone(),
        config: args.config.clone(),
        rule_dirs: args.rule_dirs.clone(),
        strict: args.strict,
        fail_on: args.fail_on,
        follow_links: args.follow_links,
        terraform: args.terraform.clone(),
        quiet: true,
        ..CheckArgs::default()
    };
    let ran = match run_engine(&check, Some(args.servers)) {
        Ok(ran) => ran,
        Err(end) => return end,
    };
    let findings = &ran.outcome.findings;
    let (requests, servers) = rows(
        ran.outcome.rows.as_ref().unwrap_or(&Rows::default()),
        findings,
    );
    let text = match args.format {
        ReadinessFormat::Json => json_text(&requests, &servers),
        ReadinessFormat::Csv => csv_text(&requests, &servers),
        ReadinessFormat::Markdown => markdown_text(&requests, &servers),
        ReadinessFormat::Table => table_text(&requests, &servers),
    };
    if super::emit(&text, args.output.as_ref()) == super::EXIT_USAGE {
        return Ok(super::EXIT_USAGE);
    }
    let fail_on = args
        .fail_on
        .or(ran.config.file.fail_on)
        .unwrap_or(FailOn::Error);
    let failed = findings
        .iter()
        .any(|f| f.is_active() && fail_on.fails(f.severity));
    Ok(if failed {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_OK
    })
}

fn json_text(requests: &[Row], servers: &[Row]) -> String {
    let requests: Vec<_> = requests
        .iter()
        .map(|r| {
            let source =
                (!r.kind.is_empty()).then(|| json!({"kind": r.kind, "id": r.id, "name": r.name}));
            json!({"request": r.request, "file": r.file, "line": r.line, "source": source,
                   "verdict": r.verdict, "blocking": r.blocking, "missing": r.missing})
        })
        .collect();
    let servers: Vec<_> = servers
        .iter()
        .map(|s| {
            json!({"id": s.id, "name": s.name, "verdict": s.verdict, "blocking": s.blocking,
                   "missing": s.missing})
        })
        .collect();
    let doc = json!({"version": 1, "requests": requests, "servers": servers});
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_text(requests: &[Row], servers: &[Row]) -> String {
    let mut out =
        String::from("request,source_kind,source_id,source_name,verdict,blocking,missing\n");
    for r in requests.iter().chain(servers) {
        let fields = [
            r.request.clone(),
            r.kind.to_string(),
            r.id.clone(),
            r.name.clone().unwrap_or_default(),
            r.verdict.to_string(),
            r.blocking.join(";"),
            r.missing.join(";"),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// How a row's source reads: `server web-01 (877a2cda-…)`.
fn source(r: &Row) -> String {
    match &r.name {
        Some(name) => format!("{} {name} ({})", r.kind, r.id),
        None if r.kind.is_empty() => "-".to_string(),
        None => format!("{} {}", r.kind, r.id),
    }
}

fn markdown_text(requests: &[Row], servers: &[Row]) -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let list = |items: &[String]| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items
                .iter()
                .map(|i| cell(i))
                .collect::<Vec<_>>()
                .join("<br>")
        }
    };
    let mut out = String::from(
        "| request | source | verdict | blocking | missing |\n|---|---|---|---|---|\n",
    );
    for r in requests.iter().chain(servers) {
        let request = if r.request.is_empty() {
            "-".to_string()
        } else {
            format!("`{}`", cell(&r.request))
        };
        out.push_str(&format!(
            "| {request} | {} | **{}** | {} | {} |\n",
            cell(&source(r)),
            r.verdict,
            list(&r.blocking),
            list(&r.missing)
        ));
    }
    out
}

fn table_text(requests: &[Row], servers: &[Row]) -> String {
    let rows: Vec<[String; 4]> = requests
        .iter()
        .chain(servers)
        .map(|r| {
            [
                if r.request.is_empty() {
                    "-".to_string()
                } else {
                    r.request.clone()
                },
                source(r),
                r.verdict.to_string(),
                r.blocking.join(", "),
            ]
        })
        .collect();
    let header = ["REQUEST", "SOURCE", "VERDICT", "BLOCKING"];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 4]| {
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 3 {
                text.push_str(c);
            } else {
                text.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for (r, row) in rows.iter().zip(requests.iter().chain(servers)) {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
        for missing in &row.missing {
            out.push_str(&format!("    missing: {missing}\n"));
        }
    }
    let count = |v: &str| {
        requests
            .iter()
            .chain(servers)
            .filter(|r| r.verdict == v)
            .count()
    };
    out.push_str(&format!(
        "{} ready, {} blocked, {} unverified\n",
        count("ready"),
        count("blocked"),
        count("unverified")
    ));
    out
}
