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
    use crate::lang::{pick, say};
    let zh = r.lang == crate::rules::Lang::ZhCn;
    let mut out = format!("{}: {}\n\n", r.id, r.title());
    out.push_str(&format!(
        "{}{}\n{}{}\n",
        say("Default severity: ", "默认级别："),
        r.severity.as_str(),
        say("Applies to: ", "适用于："),
        r.applies_to.join(", ")
    ));
    if r.origin != "built-in" {
        out.push_str(&format!(
            "{}{}\n",
            say("Defined in: ", "定义于："),
            r.origin
        ));
    }
    out.push_str(say("\nRestriction\n", "\n限制\n"));
    out.push_str(&format!("  {}\n", r.source.document));
    if let Some(section) = &r.source.section {
        out.push_str(&format!("  {}{section}\n", say("Section: ", "章节：")));
    }
    // The source's own words: Huawei's Chinese sentence, with its English translation for
    // English readers.
    out.push_str(&format!("  \"{}\"\n", r.source.quote.trim()));
    if let Some(t) = r.source.translation.as_ref().filter(|_| !zh) {
        out.push_str(&format!("  ({})\n", t.trim()));
    }
    if let Some(reference) = &r.source.reference {
        out.push_str(&format!("  {}{reference}\n", say("See also: ", "另见：")));
    }
    out.push_str(&format!(
        "{}{}\n",
        say("\nWhy it matters\n", "\n为什么重要\n"),
        indent(r.rationale.trim())
    ));
    out.push_str(&format!(
        "{}  {}\n",
        say("\nHow to fix\n", "\n如何修复\n"),
        r.help()
    ));
    for (i, ((step, os), variants)) in r
        .remediation()
        .iter()
        .zip(r.advice.step_os.iter())
        .zip(r.advice.step_variants.iter())
        .enumerate()
    {
        let os = os
            .as_deref()
            .map(|os| format!("({os}) "))
            .unwrap_or_default();
        let step = crate::rules::as_template(step);
        out.push_str(&format!("  {}. {os}{step}\n", i + 1));
        // A step for some of the rule's faults only: which, by what their findings say.
        let said: Vec<String> = variants
            .iter()
            .filter_map(|v| r.messages.get(v))
            .map(|m| crate::rules::as_template(m))
            .collect();
        if !said.is_empty() {
            let said = said.join(say(" / ", "／"));
            out.push_str(&pick(
                || format!("     (for findings that say: {said})\n"),
                || format!("     （适用于这样的发现：{said}）\n"),
            ));
        }
    }
    for alternative in r.advice.alternatives.iter() {
        let alternative = crate::rules::as_template(alternative);
        out.push_str(&format!(
            "  {}{alternative}\n",
            say("Alternatively: ", "或者：")
        ));
    }
    out.push_str(&format!(
        "{}{}\n",
        say("\nFailing example\n", "\n不通过的示例\n"),
        indent(r.examples.fail.trim_end())
    ));
    out.push_str(&format!(
        "{}{}\n",
        say("\nPassing example\n", "\n通过的示例\n"),
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

/// The rules that read a key of the inventory: those whose check names it (in its rule
/// file's `check:` block, or in what a built-in check declares it reads), and those whose
/// texts name it as code (`` `san_policy` ``).
pub fn rules_reading(rules: &crate::rules::RuleSet, kind: Option<&str>, key: &str) -> Vec<String> {
    let kind = kind.and_then(crate::model::EntityKind::parse);
    let is_word = |text: &str| {
        text.match_indices(key).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + key.len()..].chars().next();
            let part = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            !part(before) && !part(after)
        })
    };
    let texts: std::collections::HashMap<&str, &str> = crate::rules::BUILTIN_RULES
        .iter()
        .map(|(name, text)| (name.trim_end_matches(".yaml"), *text))
        .collect();
    rules
        .rules
        .iter()
        .filter(|r| {
            let check_block = texts
                .get(r.id.as_str())
                .and_then(|t| t.split_once("\ncheck:"))
                .map(|(_, rest)| rest.split("\nexamples:").next().unwrap_or(rest))
                .is_some_and(is_word);
            let reads = r.check.reads();
            let of_kind = |k: &crate::model::EntityKind| kind.is_none_or(|kind| *k == kind);
            let declared = reads
                .fields
                .iter()
                .chain(reads.stated.iter())
                .any(|(k, f)| of_kind(k) && f.split(['.', '[']).next() == Some(key))
                || reads.items.iter().any(|(k, i)| of_kind(k) && i.list == key);
            // Named in the rule's texts or check: only for the kinds the rule judges.
            let judged = kind.is_none_or(|kind| r.judged_kinds().contains(&kind));
            let coded = format!("`{key}`");
            let said = r.messages.values().any(|m| m.contains(&coded))
                || r.help().contains(&coded)
                || r.remediation().iter().any(|s| s.contains(&coded));
            declared || (judged && (check_block || said))
        })
        .map(|r| r.id.clone())
        .collect()
}
