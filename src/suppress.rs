//! Suppressions: inline `# ims-preflight: ignore[RULE] reason` comments (on the offending line,
//! or alone on the line above) and config `ignore:` entries. Each must give a reason and must
//! suppress something; otherwise it is reported.

use std::sync::Arc;

use globset::Glob;

use crate::config::IgnoreEntry;
use crate::finding::ids;
use crate::finding::{Finding, Hit, Place};
use crate::input::source::SourceFile;
use crate::rules::RuleSet;
use crate::syntax::parse::Comment;
use crate::syntax::tree::Span;

pub const MARKER: &str = "ims-preflight:";

#[derive(Debug, Clone)]
enum Scope {
    /// Findings on these lines of this file.
    Lines {
        file: String,
        first: usize,
        last: usize,
    },
    /// Findings of an entity (any entity when `None`), in files matching the glob.
    Config {
        entity: Option<String>,
        /// Matched against the finding's file relative to `base`, the config file's folder.
        path: Option<globset::GlobMatcher>,
        cwd: std::path::PathBuf,
        base: std::path::PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct Suppression {
    place: Place,
    rules: Vec<String>,
    reason: Option<String>,
    scope: Scope,
    /// Which of `rules` suppressed something.
    used: Vec<bool>,
}

/// Parse the suppression comments of one file. Malformed markers are returned as suppressions
/// with no rules, so they are reported rather than silently ignored.
pub fn inline(file: &Arc<SourceFile>, comments: &[Comment]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in comments {
        let text = c.text.trim_start();
        let Some(rest) = text.strip_prefix(MARKER) else {
            continue;
        };
        let rest = rest.trim_start();
        let (rules, reason) = match rest.strip_prefix("ignore[").and_then(|r| r.split_once(']')) {
            Some((list, reason)) => (
                list.split(',')
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect(),
                reason.trim(),
            ),
            None => (Vec::new(), rest),
        };
        let line = file.line_of(c.span.start());
        let text = file.text();
        let line_start = text[..c.span.start()].rfind('\n').map_or(0, |i| i + 1);
        let own_line = text[line_start..c.span.start()].trim().is_empty();
        let used = vec![false; rules.len()];
        out.push(Suppression {
            place: Place::new(file.clone(), c.span, String::new()),
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            scope: Scope::Lines {
                file: file.name.clone(),
                first: line,
                last: if own_line { line + 1 } else { line },
            },
            used,
        });
    }
    out
}

/// Config `ignore:` entries; `config` is the config file as a source, for pointing at entries.
/// Globs were validated with the config, so a bad one cannot reach here.
pub fn from_config(
    entries: &[IgnoreEntry],
    config: &Arc<SourceFile>,
    cwd: &std::path::Path,
    base: &std::path::Path,
) -> Vec<Suppression> {
    let mut from = 0;
    entries
        .iter()
        .map(|entry| {
            // Point at the entry's `rule:` value, searching forward so repeated ids map in order.
            let at = config.text()[from..].find(&entry.rule).map(|i| i + from);
            let span = at.map_or(Span::default(), |i| Span::new(i, i + entry.rule.len()));
            if let Some(i) = at {
                from = i + entry.rule.len();
            }
            Suppression {
                place: Place::new(config.clone(), span, String::new()),
                rules: vec![entry.rule.clone()],
                reason: entry.reason.clone().filter(|r| !r.trim().is_empty()),
                scope: Scope::Config {
                    entity: entry.entity.clone(),
                    path: entry
                        .path
                        .as_deref()
                        .and_then(|p| Glob::new(p).ok())
                        .map(|g| g.compile_matcher()),
                    cwd: cwd.to_path_buf(),
                    base: base.to_path_buf(),
                },
                used: vec![false],
            }
        })
        .collect()
}

impl Suppression {
    /// The index in `rules` of the rule this suppression silences for `f`, if any.
    fn covers(&self, f: &Finding) -> Option<usize> {
        let index = self.rules.iter().position(|r| *r == f.rule)?;
        self.in_scope(f).then_some(index)
    }

    fn in_scope(&self, f: &Finding) -> bool {
        match &self.scope {
            Scope::Lines { file, first, last } => {
                *file == f.place.file.name && (*first..=*last).contains(&f.place.position().line)
            }
            Scope::Config {
                entity,
                path,
                cwd,
                base,
            } => {
                let file = std::path::Path::new(&f.place.file.name);
                entity.as_deref().is_none_or(|e| {
                    f.entity
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(e))
                }) && path
                    .as_ref()
                    .is_none_or(|g| g.is_match(crate::input::source::relative_to(file, cwd, base)))
            }
        }
    }
}

/// Mark suppressed findings, then report suppressions that are invalid or unused.
/// `active` tells whether a rule ran (a suppression of a rule that is off is not "unused").
pub fn apply(
    findings: &mut [Finding],
    suppressions: &mut [Suppression],
    rules: &RuleSet,
    active: &dyn Fn(&str) -> bool,
) -> Vec<Hit> {
    for f in findings.iter_mut() {
        for s in suppressions.iter_mut() {
            if let Some(index) = s.covers(f) {
                s.used[index] = true;
                if f.suppressed.is_none() {
                    f.suppressed = Some(s.reason.clone().unwrap_or_default());
                    f.suppressed_in_config = matches!(s.scope, Scope::Config { .. });
                }
            }
        }
    }
    let mut hits = Vec::new();
    for s in suppressions.iter() {
        let rule_list = s.rules.join(", ");
        if s.rules.is_empty() {
            hits.push(Hit::new(
                ids::INVALID_SUPPRESSION,
                "malformed",
                s.place.clone(),
            ));
            continue;
        }
        let unknown: Vec<&String> = s.rules.iter().filter(|r| rules.get(r).is_none()).collect();
        for r in &unknown {
            let hint = rules
                .suggest(r)
                .map(|x| crate::lang::did_you_mean(["; ", "；"], x))
                .unwrap_or_default();
            hits.push(
                Hit::new(ids::INVALID_SUPPRESSION, "unknown_rule", s.place.clone())
                    .arg("rule", r.as_str())
                    .arg("suggestion", hint),
            );
        }
        if s.reason.is_none() {
            hits.push(
                Hit::new(ids::INVALID_SUPPRESSION, "no_reason", s.place.clone())
                    .arg("rule", rule_list.clone()),
            );
        }
        // Each rule of a suppression must earn its place (a rule that did not run is not judged).
        for (rule, used) in s.rules.iter().zip(&s.used) {
            if !used && rules.get(rule).is_some() && active(rule) {
                hits.push(
                    Hit::new(ids::UNUSED_SUPPRESSION, "main", s.place.clone())
                        .arg("rule", rule.as_str()),
                );
            }
        }
    }
    hits
}
