//! Rule documentation rendered from the rule files: the `rules` table, `explain`, and the
//! README's rule table (checked against `rules/` by a test).

use serde_json::json;

use crate::rules::{Rule, RuleSet};

pub fn rule_list(rules: &RuleSet, as_json: bool) -> String {
    if as_json {
        let list: Vec<_> = rules
            .rules
            .iter()
            .map(|r| json!({"id": r.id, "severity": r.severity, "applies_to": r.applies_to, "title": r.title(), "template": r.template_name, "origin": r.origin}))
            .collect();
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    }
    let width = rules.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rules.rules {
        out.push_str(&format!(
            "{:<width$}  {:<7}  {:<22}  {}\n",
            r.id,
            r.severity.as_str(),
            r.applies_to.join(", "),
            r.title()
        ));
    }
    out
}

pub fn explain(r: &Rule) -> String {
    let mut out = format!("{}: {}\n\n", r.id, r.title());
    out.push_str(&format!(
        "Default severity: {}\nApplies to: {}\n",
        r.severity.as_str(),
        r.applies_to.join(", ")
    ));
    if r.origin != "built-in" {
        out.push_str(&format!("Defined in: {}\n", r.origin));
    }
    out.push_str("\nRestriction\n");
    out.push_str(&format!("  {}\n", r.source.document));
    if let Some(section) = &r.source.section {
        out.push_str(&format!("  Section: {section}\n"));
    }
    out.push_str(&format!("  \"{}\"\n", r.source.quote.trim()));
    if let Some(t) = &r.source.translation {
        out.push_str(&format!("  ({})\n", t.trim()));
    }
    if let Some(reference) = &r.source.reference {
        out.push_str(&format!("  See also: {reference}\n"));
    }
    out.push_str(&format!(
        "\nWhy it matters\n{}\n",
        indent(r.rationale.trim())
    ));
    out.push_str(&format!("\nHow to fix\n  {}\n", r.help()));
    for (i, (step, os)) in r
        .remediation()
        .iter()
        .zip(r.advice.step_os.iter())
        .enumerate()
    {
        let os = os
            .as_deref()
            .map(|os| format!("({os}) "))
            .unwrap_or_default();
        let step = crate::rules::as_template(step);
        out.push_str(&format!("  {}. {os}{step}\n", i + 1));
    }
    for alternative in r.advice.alternatives.iter() {
        let alternative = crate::rules::as_template(alternative);
        out.push_str(&format!("  Alternatively: {alternative}\n"));
    }
    out.push_str(&format!(
        "\nFailing example\n{}\n",
        indent(r.examples.fail.trim_end())
    ));
    out.push_str(&format!(
        "\nPassing example\n{}\n",
        indent(r.examples.pass.trim_end())
    ));
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The README's rule table (Markdown), generated from the rule files.
pub fn markdown_table(rules: &RuleSet) -> String {
    let mut out = String::from("| id | default | applies to | title |\n|---|---|---|---|\n");
    for r in &rules.rules {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id,
            r.severity.as_str(),
            r.applies_to.join(", "),
            r.title()
        ));
    }
    out
}
