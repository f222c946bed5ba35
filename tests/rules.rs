//! Every rule: it exists as a file in `rules/`, its own examples pass and fail as documented,
//! its fixtures produce exactly the findings their `# expect:` markers name, and its human
//! output is snapshotted.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ims_preflight::report::OutputFormat;

/// The rule ids of SPEC §4 (the table and the inventory diagnostics).
const SPEC_RULES: &[&str] = &[
    "server-status",
    "server-optimized",
    "windows-san-policy",
    "windows-spanned-volume",
    "linux-lvm-multi-pv",
    "dss-disk",
    "system-disk",
    "backup-status",
    "backup-shared-volume",
    "backup-single-image",
    "backup-system-disk",
    "image-no-marketplace",
    "image-no-export",
    "image-replicate-cross-region",
    "image-share-cbr-only",
    "image-data-restore-new-server",
    "request-source",
    "request-name",
    "request-description",
    "request-tags-exclusive",
    "request-tag-format",
    "request-id-format",
    "request-ram",
    "request-vault-id",
    "request-whole-image-type",
    "request-unknown-field",
    "request-unresolved-reference",
    "request-duplicate-name",
    "image-share-limit",
    "image-encrypted",
    "image-replicate-once",
    "image-windows-intl",
    "request-unverified",
    "unused-suppression",
    "invalid-suppression",
    "inventory-syntax",
    "inventory-schema",
    "inventory-duplicate-id",
    "inventory-limit",
    "inventory-conflict",
    "inventory-facts",
];

#[test]
fn every_spec_rule_has_a_rule_file_with_default_severity() {
    let rules = common::rules();
    for id in SPEC_RULES {
        assert!(
            Path::new(&format!("rules/{id}.yaml")).is_file(),
            "rules/{id}.yaml is missing"
        );
        let rule = rules
            .get(id)
            .unwrap_or_else(|| panic!("rule {id} is not loaded"));
        let expected = if matches!(
            *id,
            "request-unknown-field"
                | "request-unresolved-reference"
                | "image-data-restore-new-server"
                | "request-duplicate-name"
                | "image-windows-intl"
                | "request-unverified"
                | "unused-suppression"
                | "invalid-suppression"
                | "inventory-conflict"
        ) {
            "warning"
        } else {
            "error"
        };
        assert_eq!(rule.severity.as_str(), expected, "default severity of {id}");
        assert!(
            rule.remediation().len() >= 2,
            "{id} needs concrete remediation steps"
        );
        assert!(
            !rule.source.quote.trim().is_empty(),
            "{id} must quote its source"
        );
    }
    for rule in &rules.rules {
        assert!(
            SPEC_RULES.contains(&rule.id.as_str()),
            "{} is not in SPEC §4",
            rule.id
        );
        assert!(
            Path::new(&format!("rules/{}.yaml", rule.id)).is_file(),
            "rule {} must live in rules/{}.yaml",
            rule.id,
            rule.id
        );
    }
}

/// The rules to run for a rule's tests: suppression rules judge other rules' findings, so they
/// need every rule running.
fn select(rule: &ims_preflight::rules::Rule) -> Vec<&str> {
    if rule.applies_to.iter().any(|a| a == "suppression") {
        vec![]
    } else {
        vec![rule.id.as_str()]
    }
}

fn write_example(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("example.yaml");
    fs::write(&path, text).expect("write example");
    path
}

#[test]
fn rule_examples_behave_as_documented() {
    let rules = common::rules();
    for rule in &rules.rules {
        let dir = tempfile::tempdir().expect("tempdir");
        let fail = write_example(dir.path(), &rule.examples.fail);
        let (_, outcome) = common::check(&[&fail], &select(rule));
        assert!(
            outcome.findings.iter().any(|f| f.rule == rule.id),
            "the failing example of {} does not fail",
            rule.id
        );
        let pass = write_example(dir.path(), &rule.examples.pass);
        let (_, outcome) = common::check(&[&pass], &select(rule));
        let wrong: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule == rule.id)
            .map(|f| &f.message)
            .collect();
        assert!(
            wrong.is_empty(),
            "the passing example of {} fails: {wrong:?}",
            rule.id
        );
    }
}

/// `(file, line, rule)` triples from `# expect: a, b x2` markers and `expect.txt` sidecars.
fn expected(dir: &Path) -> BTreeSet<(String, usize, String, usize)> {
    let mut out = BTreeSet::new();
    let mut add = |file: String, line: usize, spec: &str| {
        for item in spec.split(',') {
            let item = item.trim();
            let (id, n) = match item.rsplit_once(" x") {
                Some((id, n)) if n.parse::<usize>().is_ok() => (id.trim(), n.parse().unwrap_or(1)),
                _ => (item, 1),
            };
            if !id.is_empty() {
                out.insert((file.clone(), line, id.to_string(), n));
            }
        }
    };
    for entry in fs::read_dir(dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        let name = path.display().to_string();
        let text = fs::read_to_string(&path).unwrap_or_default();
        if path.file_name().is_some_and(|n| n == "expect.txt") {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let (loc, id) = line
                    .split_once(' ')
                    .expect("`file:line rule` in expect.txt");
                let (file, n) = loc.rsplit_once(':').expect("file:line");
                add(
                    dir.join(file).display().to_string(),
                    n.parse().expect("line number"),
                    id,
                );
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some((_, spec)) = line.split_once("# expect:") {
                add(name.clone(), i + 1, spec);
            }
        }
    }
    out
}

fn fixture(id: &str, kind: &str) -> PathBuf {
    let dir = PathBuf::from(format!("tests/fixtures/rules/{id}/{kind}"));
    assert!(
        dir.is_dir(),
        "{} is missing: every rule needs a failing and a passing fixture",
        dir.display()
    );
    dir
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let rules = common::rules();
    let mut problems = Vec::new();
    for rule in &rules.rules {
        let fail = fixture(&rule.id, "fail");
        let (_, outcome) = common::check(&[&fail], &select(rule));
        let mut actual: std::collections::BTreeMap<(String, usize, String), usize> =
            Default::default();
        for f in outcome
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.suppressed.is_none())
        {
            let line = f.place.file.line_of(f.place.span.start());
            *actual
                .entry((f.place.file.name.clone(), line, f.rule.to_string()))
                .or_default() += 1;
        }
        let actual: BTreeSet<_> = actual
            .into_iter()
            .map(|((f, l, r), n)| (f, l, r, n))
            .collect();
        let want: BTreeSet<_> = expected(&fail)
            .into_iter()
            .filter(|(_, _, r, _)| *r == rule.id)
            .collect();
        assert!(
            !want.is_empty(),
            "{} has no `# expect: {}` marker",
            fail.display(),
            rule.id
        );
        if actual != want {
            problems.push(format!(
                "{}:\n  expected {want:?}\n  got      {actual:?}",
                rule.id
            ));
        }
        let pass = fixture(&rule.id, "pass");
        let (_, outcome) = common::check(&[&pass], &select(rule));
        let wrong: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule == rule.id)
            .map(|f| {
                format!(
                    "{}:{} {}",
                    f.place.file.name,
                    f.place.file.line_of(f.place.span.start()),
                    f.message
                )
            })
            .collect();
        if !wrong.is_empty() {
            problems.push(format!("{} pass fixture fails: {wrong:?}", rule.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn human_output_of_each_failing_fixture() {
    let rules = common::rules();
    for rule in &rules.rules {
        let fail = fixture(&rule.id, "fail");
        let (rules, outcome) = common::check(&[&fail], &select(rule));
        let text = common::render(&rules, &outcome, OutputFormat::Human);
        insta::assert_snapshot!(rule.id.as_str(), text);
    }
}

#[test]
fn readme_rule_table_matches_the_rule_files() {
    let readme = fs::read_to_string("README.md").expect("README.md");
    let table = ims_preflight::docs::markdown_table(&common::rules());
    assert!(
        readme.contains(&format!(
            "<!-- rules-table:start -->\n{table}<!-- rules-table:end -->"
        )),
        "README rule table is stale: regenerate with `cargo run -- rules --format markdown`"
    );
}

#[test]
fn the_engine_makes_findings_of_exactly_the_rules_that_name_the_engine_check() {
    let rules = common::rules();
    let mut engine: Vec<&str> = rules
        .rules
        .iter()
        .filter(|r| r.template_name == "engine")
        .map(|r| r.id.as_str())
        .collect();
    engine.sort_unstable();
    let mut ids = ims_preflight::finding::ids::ALL.to_vec();
    ids.sort_unstable();
    assert_eq!(engine, ids);
}

#[test]
fn shipped_text_cites_only_what_ships() {
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "rules/README.md",
        "examples/README.md",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    for dir in ["rules", "examples/collect", "docs"] {
        for entry in fs::read_dir(dir).expect("dir") {
            files.push(entry.expect("entry").path());
        }
    }
    // The sources ship too: their comments are read.
    let mut dirs = vec![PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in files.iter().filter(|f| f.is_file()) {
        let text = fs::read_to_string(file).unwrap_or_default();
        for cited in [
            "huawei-ims-facts",
            "domain-review",
            "newcomer-trial",
            "SPEC §",
        ] {
            assert!(
                !text.contains(cited),
                "{} cites `{cited}`, which does not ship",
                file.display()
            );
        }
    }
}
