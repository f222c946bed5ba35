//! Rule files: the built-in ones embedded from `rules/`, and custom ones loaded from disk. A
//! rule file names a check template and its parameters; both are validated at load time.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::checks::{Check, CheckError};
use crate::error::UsageError;
use crate::finding::Severity;
use crate::model::EntityKind;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

pub use crate::lang::{Lang, say};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub document: String,
    #[serde(default)]
    pub section: Option<String>,
    pub quote: String,
    #[serde(default)]
    pub translation: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub pass: String,
    pub fail: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckSpec {
    template: String,
    #[serde(default)]
    params: serde_json::Value,
}

/// A remediation step as a rule file writes it: a plain step, a step for one OS only, or an
/// alternative to the steps (shown as such, not numbered).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum StepSpec {
    Plain(String),
    Tagged(TaggedStep),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaggedStep {
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    alternative: Option<String>,
    /// `linux` or `windows`: shown only for a finding about a server of that OS (or of an
    /// unknown one).
    #[serde(default)]
    os: Option<String>,
    /// Message variants of the rule: shown only for findings said with one of them (the step
    /// that trims spaces is for a name with spaces around it, not for one too long).
    #[serde(default)]
    variants: Vec<String>,
}

/// The rule's texts in Chinese: the same messages, placeholders and remediation
/// structure as the English ones.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Translation {
    title: String,
    messages: BTreeMap<String, String>,
    help: String,
    remediation: Vec<StepSpec>,
    rationale: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    title: String,
    severity: Severity,
    applies_to: Vec<String>,
    source: SourceRef,
    rationale: String,
    messages: BTreeMap<String, String>,
    help: String,
    remediation: Vec<StepSpec>,
    check: CheckSpec,
    examples: Examples,
    #[serde(default)]
    zh: Option<Translation>,
    /// Absolute URL of the rule's documentation (SARIF `helpUri`).
    #[serde(default)]
    help_uri: Option<String>,
}

/// One rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub applies_to: Vec<String>,
    pub source: SourceRef,
    pub rationale: String,
    pub messages: BTreeMap<String, String>,
    /// Title, help and remediation, shared with the rule's findings.
    pub advice: Arc<crate::finding::Advice>,
    /// The check behind it, built from the rule file's `check`.
    pub check: Arc<dyn Check>,
    pub template_name: String,
    pub examples: Examples,
    /// Absolute documentation URL: the rule file's `help_uri`, else the built-in rule's file in
    /// the repository, else the tool's home page (a custom rule has no page of ours).
    pub help_uri: String,
    /// Where the rule came from: `built-in` or the custom rule file's path.
    pub origin: String,
    /// Its texts in Chinese, when the rule file has them (every built-in rule does).
    pub zh: Option<Localized>,
    /// The language its texts are in now (see [`Rule::localize`]).
    pub lang: Lang,
    /// The remediations filled so far, by the values they took: shared by the findings with
    /// the same ones (see [`Rule::remediation_for`]).
    filled: Arc<std::sync::Mutex<FilledByValues>>,
}

type Text = crate::syntax::tree::Text;

/// Filled remediations by the OS and the values they took (`None`: the finding has none).
type FilledByValues = HashMap<Vec<Option<Text>>, Arc<crate::finding::Filled>>;

/// How many filled remediations a rule keeps to share: past it, findings whose values all
/// differ (a volume group each) get their own.
const MAX_SHARED_REMEDIATIONS: usize = 4096;

/// The texts of a rule in another language.
#[derive(Debug, Clone)]
pub struct Localized {
    pub messages: BTreeMap<String, String>,
    pub advice: Arc<crate::finding::Advice>,
    pub rationale: String,
}

impl Rule {
    /// Use the rule's texts in `lang` (English where the rule has no translation).
    pub fn localize(&mut self, lang: Lang) {
        if lang == Lang::ZhCn
            && self.lang == Lang::En
            && let Some(zh) = self.zh.take()
        {
            let english = Localized {
                messages: std::mem::replace(&mut self.messages, zh.messages),
                advice: std::mem::replace(&mut self.advice, zh.advice),
                rationale: std::mem::replace(&mut self.rationale, zh.rationale),
            };
            self.zh = Some(english);
            self.lang = Lang::ZhCn;
            self.filled = Arc::default();
        }
    }

    pub fn title(&self) -> &str {
        &self.advice.title
    }

    pub fn help(&self) -> &str {
        &self.advice.help
    }

    pub fn remediation(&self) -> &[String] {
        &self.advice.remediation
    }

    /// The kinds of entity the rule applies to (its file's `applies_to`).
    pub fn kinds(&self) -> Vec<EntityKind> {
        self.applies_to
            .iter()
            .filter_map(|a| EntityKind::parse(a))
            .collect()
    }

    /// The kinds of entity its check judges: the check's own, else the rule's.
    pub fn judged_kinds(&self) -> Vec<EntityKind> {
        match self.check.kinds() {
            Some(kinds) => kinds.to_vec(),
            None => self.kinds(),
        }
    }

    /// Fill a message template's `{placeholders}`.
    pub fn message(
        &self,
        variant: &str,
        args: &[(crate::syntax::tree::Text, crate::syntax::tree::Text)],
    ) -> String {
        let template = self
            .messages
            .get(variant)
            .or_else(|| self.messages.get("main"))
            .or_else(|| self.messages.values().next())
            .map_or(self.title(), String::as_str);
        fill(template, args, |name| format!("{{{name}}}"))
    }

    /// The remediation of one finding: its steps and alternatives with the finding's own
    /// values (a value it does not have stays a `<placeholder>`), the steps for another OS
    /// left out. `None` when the rule's remediation is the same for every finding.
    pub fn remediation_for(
        &self,
        variant: &str,
        args: &[(crate::syntax::tree::Text, crate::syntax::tree::Text)],
    ) -> Option<Arc<crate::finding::Filled>> {
        let advice = &self.advice;
        let templated = !advice.uses.is_empty();
        let os = args
            .iter()
            .rev()
            .find(|(k, _)| k == "os")
            .map(|(_, v)| v.to_ascii_lowercase());
        let filtered = os.is_some() && advice.step_os.iter().any(Option::is_some);
        let by_variant = advice.by_variant();
        if !templated && !filtered && !by_variant {
            return None;
        }
        // Findings with the same OS and values share one: most differ only by their entity's
        // region, or only by their OS.
        let value = |name: &String| {
            args.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let key: Vec<Option<Text>> = std::iter::once(os.as_deref().map(Text::from))
            .chain(std::iter::once(by_variant.then(|| Text::from(variant))))
            .chain(advice.uses.iter().map(value))
            .collect();
        let mut filled = self.filled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(shared) = filled.get(&key) {
            return Some(shared.clone());
        }
        let one = Arc::new(self.fill_remediation(variant, args, os.as_deref()));
        if filled.len() < MAX_SHARED_REMEDIATIONS {
            filled.insert(key, one.clone());
        }
        Some(one)
    }

    /// The remediation with `args` filled in, and the steps for another OS than `os` or
    /// another message variant than `variant` left out.
    fn fill_remediation(
        &self,
        variant: &str,
        args: &[(crate::syntax::tree::Text, crate::syntax::tree::Text)],
        os: Option<&str>,
    ) -> crate::finding::Filled {
        let advice = &self.advice;
        // A variant no step names (the rule's `main` message) is shown them all.
        let named = advice.step_variants.iter().flatten().any(|v| v == variant);
        let steps = advice
            .remediation
            .iter()
            .zip(advice.step_os.iter())
            .zip(advice.step_variants.iter())
            .filter(|((_, step_os), _)| match (step_os, os) {
                (Some(wanted), Some(os)) => wanted == os,
                _ => true,
            })
            .filter(|(_, only)| !named || only.is_empty() || only.iter().any(|v| v == variant))
            .map(|((step, _), _)| fill(step, args, unfilled))
            .collect();
        let alternatives = advice
            .alternatives
            .iter()
            .map(|a| fill(a, args, unfilled))
            .collect();
        crate::finding::Filled {
            steps,
            alternatives,
        }
    }
}

/// A remediation template as the rule documents it (`explain`, SARIF rules): each value it
/// takes from a finding shown as `<name>`.
pub fn as_template(text: &str) -> String {
    fill(text, &[], unfilled)
}

/// What a placeholder the finding has no value for reads as: `<server-id>`.
fn unfilled(name: &str) -> String {
    format!("<{}>", name.replace('_', "-"))
}

/// A `{name}` that is a placeholder (other braces are text).
fn is_placeholder(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `{placeholders}` of a template.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|after| {
        let close = after.find('}')?;
        let name = &after[..close];
        (!name.is_empty() && is_placeholder(name)).then_some(name)
    })
}

/// Fill a template's `{placeholders}` from `args` (later ones override earlier ones of the
/// same name); `missing` says what an absent one becomes.
fn fill(
    template: &str,
    args: &[(crate::syntax::tree::Text, crate::syntax::tree::Text)],
    missing: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder(&after[..close]) => {
                let name = &after[..close];
                match args.iter().rev().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&missing(name)),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// All rules of a run, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

const KINDS: &[&str] = &[
    "server",
    "backup",
    "request",
    "operation",
    "suppression",
    "file",
];

impl RuleSet {
    pub fn builtin() -> Result<RuleSet, UsageError> {
        let mut set = RuleSet::default();
        for (name, text) in BUILTIN_RULES {
            set.add(
                parse_rule(&format!("rules/{name}"), text, "built-in")?,
                text,
            )?;
        }
        set.sort();
        Ok(set)
    }

    /// Load every `*.yaml`/`*.yml` rule file of a directory (or one file).
    pub fn load_custom(&mut self, path: &Path, shown: &str) -> Result<(), UsageError> {
        let mut files = Vec::new();
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| UsageError::msg(format!("cannot read rule directory {shown}: {e}")))?;
            for entry in entries.flatten() {
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    files.push(p);
                }
            }
            files.sort();
        } else if path.is_file() {
            files.push(path.to_path_buf());
        } else {
            return Err(UsageError::msg(format!("rule path {shown} does not exist")));
        }
        for file in files {
            let name = crate::input::source::display_path(
                &file,
                &std::env::current_dir().unwrap_or_default(),
            );
            let text = std::fs::read_to_string(&file)
                .map_err(|e| UsageError::msg(format!("cannot read rule file {name}: {e}")))?;
            let rule = parse_rule(&name, &text, &name)?;
            self.add(rule, &text)?;
        }
        self.sort();
        Ok(())
    }

    fn add(&mut self, rule: Rule, text: &str) -> Result<(), UsageError> {
        if let Some(other) = self.get(&rule.id) {
            return Err(UsageError::in_file(
                &rule.origin,
                text,
                line_of_key(text, "id"),
                format!("rule `{}` is already defined ({})", rule.id, other.origin),
            ));
        }
        self.rules.push(rule);
        Ok(())
    }

    fn sort(&mut self) {
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// The rule a mistyped id most likely means: one whose id contains it (`san-policy` for
    /// `windows-san-policy`), else the closest spelling.
    pub fn suggest(&self, id: &str) -> Option<&str> {
        self.ids()
            .find(|r| id.len() >= 4 && r.contains(id))
            .or_else(|| crate::model::suggest(id, self.ids()))
    }

    /// Every rule's texts in `lang`.
    pub fn localize(&mut self, lang: Lang) {
        for rule in &mut self.rules {
            rule.localize(lang);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

/// The span of the first line whose key (after indentation) is `key`, so errors point at it.
fn line_of_key(text: &str, key: &str) -> Option<crate::syntax::tree::Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.trim_start_matches(['-', ' ', '{']);
        let found = bare
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
            .then(|| trimmed.len() - bare.len());
        if let Some(skip) = found {
            let start = offset + indent + skip;
            return Some(crate::syntax::tree::Span::new(start, start + key.len()));
        }
        if let Some(i) = line
            .find(&format!("{key}:"))
            .filter(|&i| i > 0 && !line.as_bytes()[i - 1].is_ascii_alphanumeric())
        {
            return Some(crate::syntax::tree::Span::new(
                offset + i,
                offset + i + key.len(),
            ));
        }
        offset += line.len();
    }
    None
}

/// Parse and validate one rule file (`name` is how errors name it).
pub fn parse_rule(name: &str, text: &str, origin: &str) -> Result<Rule, UsageError> {
    let options = serde_saphyr::options! { strict_booleans: true };
    let file: RuleFile = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| UsageError::from_saphyr(name, text, &e))?;
    let at = |key: &str| line_of_key(text, key);
    let problem = |key: &str, message: String| UsageError::in_file(name, text, at(key), message);
    if file.id.is_empty()
        || !file
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(problem(
            "id",
            format!("rule id `{}` must be kebab-case (a-z, 0-9, -)", file.id),
        ));
    }
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str());
    if stem.is_some_and(|s| s != file.id) {
        return Err(problem(
            "id",
            format!(
                "rule id `{}` must match the file name (`{}.yaml`)",
                file.id, file.id
            ),
        ));
    }
    for kind in &file.applies_to {
        if !KINDS.contains(&kind.as_str()) {
            return Err(problem(
                "applies_to",
                format!(
                    "unknown `applies_to` value `{kind}`; expected one of {}",
                    KINDS.join(", ")
                ),
            ));
        }
    }
    let params = match file.check.params {
        serde_json::Value::Null => serde_json::json!({}),
        p => p,
    };
    let check = crate::checks::parse_check(&file.check.template, params).map_err(|e| {
        let key = match e {
            CheckError::UnknownTemplate(_) => "template",
            CheckError::Params(_) => "params",
        };
        problem(key, format!("invalid check: {e}"))
    })?;
    let variants = check.variants();
    for variant in &variants {
        if !file.messages.contains_key(*variant) {
            return Err(problem(
                "messages",
                format!(
                    "template `{}` emits the message variant `{variant}`, but `messages` has no `{variant}` entry",
                    file.check.template
                ),
            ));
        }
    }
    // A message the template never uses is a typo (`mian`), except the general `main`.
    if !variants.is_empty()
        && let Some(extra) = file
            .messages
            .keys()
            .find(|k| *k != "main" && !variants.contains(&k.as_str()))
    {
        return Err(problem(
            extra,
            format!(
                "message variant `{extra}` is never used by template `{}` (it emits {})",
                file.check.template,
                variants.join(", ")
            ),
        ));
    }
    if let Some(field) = check
        .when()
        .into_iter()
        .flat_map(|when| when.keys())
        .find(|f| !crate::model::schema::is_known_field(f))
    {
        return Err(problem(
            field,
            format!(
                "`when` names `{field}`, which is not a field of the inventory format (a `source.` prefix reads the request's source server)"
            ),
        ));
    }
    let help_uri = file.help_uri.unwrap_or_else(|| {
        if origin == "built-in" {
            format!("{}/blob/main/rules/{}.yaml", crate::HOMEPAGE, file.id)
        } else {
            crate::HOMEPAGE.to_string()
        }
    });
    let advice = advice_of(
        file.title,
        file.help,
        file.remediation,
        &file.messages,
        &problem,
    )?;
    let zh = match file.zh {
        None => None,
        Some(t) => {
            let zh_advice = advice_of(t.title, t.help, t.remediation, &t.messages, &problem)?;
            same_shape(&file.messages, &advice, &t.messages, &zh_advice)
                .map_err(|e| problem("zh", e))?;
            Some(Localized {
                messages: t.messages,
                advice: zh_advice,
                rationale: t.rationale,
            })
        }
    };
    Ok(Rule {
        id: file.id,
        severity: file.severity,
        applies_to: file.applies_to,
        source: file.source,
        rationale: file.rationale,
        messages: file.messages,
        advice,
        check,
        template_name: file.check.template,
        help_uri,
        examples: file.examples,
        origin: origin.to_string(),
        zh,
        lang: Lang::En,
        filled: Arc::default(),
    })
}

/// A rule's title, help and remediation in one language: steps, the OS of each, and
/// alternatives, each placeholder one its messages know.
fn advice_of(
    title: String,
    help: String,
    remediation: Vec<StepSpec>,
    messages: &BTreeMap<String, String>,
    problem: &dyn Fn(&str, String) -> UsageError,
) -> Result<Arc<crate::finding::Advice>, UsageError> {
    let mut steps = Vec::new();
    let mut step_os = Vec::new();
    let mut step_variants = Vec::new();
    let mut alternatives = Vec::new();
    for spec in remediation {
        match spec {
            StepSpec::Plain(text) => {
                steps.push(text);
                step_os.push(None);
                step_variants.push(Vec::new());
            }
            StepSpec::Tagged(TaggedStep {
                step: Some(text),
                alternative: None,
                os,
                variants,
            }) => {
                if let Some(variant) = variants.iter().find(|v| !messages.contains_key(*v)) {
                    return Err(problem(
                        "remediation",
                        format!("a step's `variants` are among `messages`, not `{variant}`"),
                    ));
                }
                if let Some(os) = os
                    .as_deref()
                    .filter(|os| !["linux", "windows"].contains(os))
                {
                    return Err(problem(
                        "remediation",
                        format!("a step's `os` is `linux` or `windows`, not `{os}`"),
                    ));
                }
                steps.push(text);
                step_os.push(os);
                step_variants.push(variants);
            }
            StepSpec::Tagged(TaggedStep {
                step: None,
                alternative: Some(text),
                os: None,
                variants,
            }) if variants.is_empty() => alternatives.push(text),
            StepSpec::Tagged(_) => {
                return Err(problem(
                    "remediation",
                    "a remediation item is a string, `{step: ..., os: ..., variants: [...]}` or `{alternative: ...}`"
                        .to_string(),
                ));
            }
        }
    }
    // A placeholder in a step that no message has is a typo: it would stay unfilled. Every
    // finding names its entity, its region when the entity's is known, and the id of the
    // server, backup or volume it is about when that is known (not a Terraform address).
    let known: Vec<&str> = messages
        .values()
        .flat_map(|m| placeholders(m))
        .chain(["entity", "region", "server_id", "backup_id", "volume_id"])
        .collect();
    if let Some(unknown) = steps
        .iter()
        .chain(&alternatives)
        .flat_map(|s| placeholders(s))
        .find(|p| !known.contains(p))
    {
        return Err(problem(
            "remediation",
            format!(
                "remediation uses `{{{unknown}}}`, which no message of the rule has (known: {})",
                known.join(", ")
            ),
        ));
    }
    let mut uses: Vec<String> = steps
        .iter()
        .chain(&alternatives)
        .flat_map(|s| placeholders(s))
        .map(String::from)
        .collect();
    uses.sort();
    uses.dedup();
    let advice = Arc::new(crate::finding::Advice {
        title: title.into(),
        help: help.into(),
        uses: uses.into(),
        remediation: steps.into(),
        step_os: step_os.into(),
        step_variants: step_variants.into(),
        alternatives: alternatives.into(),
    });
    Ok(advice)
}

/// The translation says the same things: the same message variants with the same
/// placeholders, and the same remediation (steps, their OS, alternatives) with the same
/// placeholders in each.
fn same_shape(
    messages: &BTreeMap<String, String>,
    advice: &crate::finding::Advice,
    other_messages: &BTreeMap<String, String>,
    other: &crate::finding::Advice,
) -> Result<(), String> {
    let sorted = |text: &str| {
        let mut p: Vec<&str> = placeholders(text).collect();
        p.sort_unstable();
        p.dedup();
        p.join(", ")
    };
    if messages.keys().ne(other_messages.keys()) {
        return Err("`zh.messages` must have the same variants as `messages`".to_string());
    }
    for (variant, text) in messages {
        if sorted(text) != sorted(&other_messages[variant]) {
            return Err(format!(
                "message `{variant}` has placeholders {{{}}} in English but {{{}}} in Chinese",
                sorted(text),
                sorted(&other_messages[variant])
            ));
        }
    }
    if advice.remediation.len() != other.remediation.len()
        || advice.alternatives.len() != other.alternatives.len()
        || advice.step_os != other.step_os
        || advice.step_variants != other.step_variants
    {
        return Err(
            "`zh.remediation` must have the same steps (and OS and variant of each) and alternatives as `remediation`"
                .to_string(),
        );
    }
    let pairs = advice
        .remediation
        .iter()
        .zip(other.remediation.iter())
        .chain(advice.alternatives.iter().zip(other.alternatives.iter()));
    for (i, (en, zh)) in pairs.enumerate() {
        if sorted(en) != sorted(zh) {
            return Err(format!(
                "remediation item {} has placeholders {{{}}} in English but {{{}}} in Chinese",
                i + 1,
                sorted(en),
                sorted(zh)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_shown_the_steps_for_what_it_says_and_not_those_for_other_faults() {
        let rules = RuleSet::builtin().expect("built-in rules");
        let rule = rules.get("request-name").expect("rule");
        let steps = |variant: &str| {
            rule.remediation_for(variant, &[])
                .expect("by variant")
                .steps
                .clone()
        };
        let spaces = steps("edge_space");
        assert!(spaces.iter().any(|s| s.contains("Trim")), "{spaces:?}");
        assert!(!spaces.iter().any(|s| s.contains("Replace")), "{spaces:?}");
        let chars = steps("charset");
        assert!(chars.iter().any(|s| s.contains("Replace")), "{chars:?}");
        assert!(!chars.iter().any(|s| s.contains("Trim")), "{chars:?}");
    }

    #[test]
    fn findings_with_the_same_values_share_a_remediation_and_others_get_their_own() {
        let rules = RuleSet::builtin().expect("built-in rules");
        let rule = rules.get("server-status").expect("rule");
        let with = |region: &str| -> Vec<(Text, Text)> {
            vec![
                ("region".into(), region.into()),
                ("value".into(), "ERROR".into()),
            ]
        };
        let north = rule
            .remediation_for("main", &with("cn-north-4"))
            .expect("templated");
        let again = rule
            .remediation_for("main", &with("cn-north-4"))
            .expect("templated");
        let south = rule
            .remediation_for("main", &with("cn-south-1"))
            .expect("templated");
        let none = rule.remediation_for("main", &[]).expect("templated");
        assert!(Arc::ptr_eq(&north, &again));
        assert!(
            north
                .steps
                .iter()
                .any(|s| s.contains("--cli-region=cn-north-4"))
        );
        assert!(!south.steps.iter().any(|s| s.contains("cn-north-4")));
        assert!(
            south
                .steps
                .iter()
                .any(|s| s.contains("--cli-region=cn-south-1"))
        );
        assert!(
            none.steps
                .iter()
                .any(|s| s.contains("--cli-region=<region>"))
        );
    }
}
