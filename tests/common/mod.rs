//! Shared test helpers: run the checker in-process on paths, the way `check` does.

#![allow(dead_code)]

use std::path::Path;

use ims_preflight::config::Config;
use ims_preflight::engine::{Engine, Outcome, Selection};
use ims_preflight::input::discover::Walk;
use ims_preflight::report::{self, OutputFormat, Report};
use ims_preflight::rules::RuleSet;
use ims_preflight::syntax::parse::Limits;

pub fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in rules load")
}

/// Run `check` on paths with only `select` rules (all when empty).
pub fn check(paths: &[&Path], select: &[&str]) -> (RuleSet, Outcome) {
    check_with(paths, select, true)
}

/// Run `check` keeping every tree whole (`prune: false`): the reference for pruned runs.
pub fn check_whole(paths: &[&Path]) -> (RuleSet, Outcome) {
    check_with(paths, &[], false)
}

fn check_with(paths: &[&Path], select: &[&str], prune: bool) -> (RuleSet, Outcome) {
    let rules = rules();
    let config = Config::default();
    let cwd = std::env::current_dir().expect("cwd");
    let walk = Walk {
        cwd: &cwd,
        exclude: &[],
        exclude_base: &cwd,
        follow_links: false,
    };
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let found = walk.run(&args).expect("paths exist");
    let selection = Selection {
        select: select.iter().map(|s| s.to_string()).collect(),
        ignore: Vec::new(),
        strict: false,
    };
    let limits = Limits::default();
    let engine = Engine {
        rules: &rules,
        config: &config,
        selection: &selection,
        limits: &limits,
        prune,
        list_entities: true,
        terraform: &Default::default(),
    };
    let outcome = engine.check(&found.inputs, None).expect("check runs");
    (rules, outcome)
}

pub fn render(rules: &RuleSet, outcome: &Outcome, format: OutputFormat) -> String {
    let report = Report {
        findings: outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .collect(),
        suppressed: outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count(),
        baselined: 0,
        files: outcome.files,
        documents: outcome.documents,
        rules,
        checked: &|| outcome.checked(rules, &|_| true),
        color: false,
        quiet: false,
        width: 100,
        verbose: false,
    };
    let mut out = Vec::new();
    report::write(format, &report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Write `text` at `rel` under `dir`, making the folders on the way.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The diagnostics of one rule in a JSON report, in report order.
pub fn diagnostics_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["rule"] == rule)
        .collect()
}

/// The rule ids of a JSON report's diagnostics, in report order (none if it has none).
pub fn rules_in(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|d| d["rule"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
