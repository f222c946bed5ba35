//! `junit`: one test case per rule and checked entity; a failure per finding.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::finding::Finding;

pub fn render(report: &Report) -> String {
    // findings by (rule, entity-or-file)
    let mut failing: BTreeMap<(String, String), Vec<&Finding>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        let subject = f
            .entity
            .clone()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| f.place.file.name.clone());
        failing
            .entry((f.rule.to_string(), subject))
            .or_default()
            .push(f);
    }
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    let mut add = |rule: &str, case: TestCase| {
        suites
            .entry(rule.to_string())
            .or_insert_with(|| TestSuite::new(rule))
            .add_test_case(case);
    };
    for (rule, entity) in &(report.checked)() {
        if !failing.contains_key(&(rule.clone(), entity.clone())) {
            let mut case = TestCase::new(entity.as_str(), TestCaseStatus::success());
            case.set_classname(rule.as_str());
            add(rule, case);
        }
    }
    for ((rule, subject), findings) in &failing {
        // Case names are stable (no line numbers), so CI test history follows the entity: the
        // first failure has the passing case's name, later ones add where in the entity.
        for (i, f) in findings.iter().enumerate() {
            let p = f.place.position();
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(f.message.as_str());
            status.set_type(f.severity.as_str());
            status.set_description(format!(
                "{}:{}:{}: {}\n{}",
                f.place.file.name,
                p.line,
                p.column,
                f.message,
                f.help()
            ));
            let name = if i == 0 {
                subject.clone()
            } else {
                format!("{subject} #{} {}", i + 1, f.path)
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(rule.as_str());
            add(rule, case);
        }
    }
    let mut out = JReport::new("ims-preflight");
    out.add_test_suites(suites.into_values());
    let mut text = out.to_string().unwrap_or_default();
    text.push('\n');
    text
}
