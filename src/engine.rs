//! One run of `check`: read and parse the inputs in parallel, build the inventory, run the
//! rules, apply configuration and suppressions. The result is sorted, so it is the same
//! whatever the number of threads.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::discover::Input;
use crate::error::UsageError;
use crate::finding::{Finding, Hit, Place, Related, Severity};
use crate::model::ModelBuilder;
use crate::parse::{self, Comment, Format, Limits, Problem, ProblemKind};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use crate::suppress;

/// Which rules run, at which severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only these rules (empty = all).
    pub select: Vec<String>,
    /// Skip these rules.
    pub ignore: Vec<String>,
}

pub struct Outcome {
    /// Every finding, suppressed ones included (marked), sorted.
    pub findings: Vec<Finding>,
    pub files: usize,
    pub documents: usize,
    /// Every entity checked, by kind and label.
    pub entities: Vec<(crate::model::EntityKind, String)>,
}

impl Outcome {
    /// `(rule, entity)` pairs that ran: what JUnit reports as test cases.
    pub fn checked(&self, rules: &RuleSet, active: &dyn Fn(&str) -> bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for rule in rules.rules.iter().filter(|r| active(&r.id)) {
            let kinds = rule.kinds();
            for (kind, label) in &self.entities {
                if kinds.contains(kind) {
                    out.push((rule.id.clone(), label.clone()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

struct Loaded {
    file: Arc<SourceFile>,
    explicit: bool,
    docs: Vec<crate::model::DocModel>,
    /// Host facts read from this file (a partial description of one server).
    facts: Option<crate::model::Entity>,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
}

/// What a file is read as: an inventory or API dump, or host facts of a server.
#[derive(Clone, Copy)]
enum Role<'a> {
    Inventory,
    FactsOf(&'a str),
}

fn load(input: &Input, role: Role, limits: &Limits, stdin: Option<&[u8]>) -> Loaded {
    let format = match &input.origin {
        crate::discover::Origin::Path(p) => Format::of(p),
        crate::discover::Origin::Stdin | crate::discover::Origin::Special => Format::Yaml,
    };
    let (text, problem) = match crate::load::read(input, limits, stdin) {
        Ok(text) => (text, None),
        Err((problem, text)) => (text, Some(problem)),
    };
    let file = SourceFile::new(input.name.clone(), text);
    let mut loaded = Loaded {
        file,
        explicit: input.explicit,
        docs: Vec::new(),
        facts: None,
        comments: Vec::new(),
        problems: problem.into_iter().collect(),
    };
    if !loaded.problems.is_empty() {
        return loaded;
    }
    if let Role::FactsOf(server) = role {
        match crate::facts::read(&loaded.file, server, limits) {
            Ok(entity) => loaded.facts = Some(entity),
            Err(p) => loaded.problems.push(p),
        }
        return loaded;
    }
    let parsed = parse::parse(&loaded.file.text, format, limits);
    let file = &loaded.file;
    loaded.docs = parsed
        .docs
        .into_iter()
        .filter_map(|root| {
            crate::api::read_document(file, &root)
                .or_else(|| crate::model::read_document(file, root))
        })
        .collect();
    loaded.comments = parsed.comments;
    loaded.problems = parsed.problems;
    loaded
}

fn role_of(input: &Input) -> Option<String> {
    match &input.origin {
        crate::discover::Origin::Path(p) => crate::discover::facts_owner(p),
        crate::discover::Origin::Stdin | crate::discover::Origin::Special => None,
    }
}

pub struct Engine<'a> {
    pub rules: &'a RuleSet,
    pub config: &'a Config,
    pub selection: &'a Selection,
    pub limits: &'a Limits,
}

impl Engine<'_> {
    /// The severity a rule is reported at, or `None` when it is not reported (configured
    /// `off`, or left out by `--select`/`--ignore`).
    pub fn level(&self, id: &str) -> Option<Severity> {
        if !self.selected(id) {
            return None;
        }
        self.configured(id)
    }

    /// `--select`/`--ignore` keep this rule's findings. Files that could not be read or parsed
    /// are reported whatever `--select` says (a run must not pass because a file was skipped);
    /// only `--ignore` or the config drop them.
    fn selected(&self, id: &str) -> bool {
        let s = self.selection;
        let always = crate::config::ALWAYS_ERRORS.contains(&id);
        (s.select.is_empty() || always || s.select.iter().any(|x| x == id))
            && !s.ignore.iter().any(|x| x == id)
    }

    /// The configured severity, `None` when the config turns the rule off. Every rule that is
    /// not off runs, so suppressions are judged against all findings even under `--select`.
    fn configured(&self, id: &str) -> Option<Severity> {
        let rule = self.rules.get(id)?;
        match self.config.file.rules.get(id) {
            Some(level) => level.severity(),
            None => Some(rule.severity),
        }
    }

    pub fn check(&self, inputs: &[Input], stdin: Option<&[u8]>) -> Result<Outcome, UsageError> {
        if inputs.len() > self.limits.max_files {
            return Err(UsageError::msg(format!(
                "{} files to check exceed the limit of {} (max_files)",
                inputs.len(),
                self.limits.max_files
            )));
        }
        let loaded: Vec<Loaded> = inputs
            .par_iter()
            .map(|i| {
                let owner = role_of(i);
                let role = owner.as_deref().map_or(Role::Inventory, Role::FactsOf);
                load(i, role, self.limits, stdin)
            })
            .collect();

        let mut model = ModelBuilder::new();
        let mut hits: Vec<Hit> = Vec::new();
        let mut suppressions = Vec::new();
        let mut read: HashSet<String> = inputs
            .iter()
            .filter(|i| i.origin != crate::discover::Origin::Special)
            .map(|i| i.name.clone())
            .collect();
        for l in loaded {
            for p in &l.problems {
                hits.push(problem_hit(&l.file, p));
            }
            let recognised = !l.docs.is_empty() || l.facts.is_some();
            for doc in l.docs {
                model.add(doc);
            }
            if let Some(facts) = l.facts {
                model.add_entity(facts);
            }
            if l.explicit && !recognised && l.problems.is_empty() {
                return Err(UsageError::msg(format!(
                    "{} is not an inventory: no document has `servers`, `backups`, `requests` or `operations`, and none is a request body (`name` with `instance_id` or `backup_id`) or a cloud API response",
                    l.file.name
                )));
            }
            if recognised {
                suppressions.extend(suppress::inline(&l.file, &l.comments));
            }
        }
        let mut as_facts: HashSet<String> = inputs
            .iter()
            .filter(|i| role_of(i).is_some())
            .map(|i| i.name.clone())
            .collect();
        let (facts, mut facts_hits) =
            self.referenced_facts(&model.inventory, &mut read, &mut as_facts);
        for entity in facts {
            model.add_entity(entity);
        }
        hits.append(&mut facts_hits);
        let files = read.len();
        let documents = model.inventory.documents;
        let only_notes = hits.iter().all(|h| h.variant == "skipped");
        if documents == 0 && only_notes && model.inventory.entities.is_empty() {
            return Err(UsageError::msg(
                "no inventory document found under the given paths",
            ));
        }
        hits.append(&mut model.hits);
        let inventory = model.inventory;

        let active: Vec<_> = self
            .rules
            .rules
            .iter()
            .filter(|r| self.configured(&r.id).is_some())
            .collect();
        let rule_hits: Vec<Vec<Hit>> = active
            .par_iter()
            .map(|rule| {
                let mut out = Vec::new();
                rule.template.run(rule, &inventory, &mut out);
                out
            })
            .collect();
        hits.extend(rule_hits.into_iter().flatten());

        let mut findings: Vec<Finding> = hits.iter().filter_map(|h| self.finding(h)).collect();
        if self.config.path.is_some() {
            let shown = self.config.shown();
            let config_src = SourceFile::new(shown, self.config.text.clone());
            let cwd = std::env::current_dir().unwrap_or_default();
            suppressions.extend(suppress::from_config(
                &self.config.file.ignore,
                &config_src,
                &cwd,
                &self.config.base_dir(),
            ));
        }
        let meta = suppress::apply(&mut findings, &mut suppressions, self.rules, &|id| {
            self.configured(id).is_some()
        });
        findings.extend(meta.iter().filter_map(|h| self.finding(h)));
        findings.retain(|f| self.selected(&f.rule));

        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut seen = HashSet::new();
        findings.retain(|f| {
            seen.insert((
                f.place.file.name.clone(),
                f.place.span,
                f.rule.clone(),
                f.message.clone(),
            ))
        });
        let entities = inventory
            .entities
            .iter()
            .map(|e| (e.kind, e.label.clone()))
            .collect();
        // Freeing millions of tree nodes takes a noticeable share of a large run; do it on
        // another thread while the report is rendered.
        std::thread::spawn(move || drop(inventory));
        Ok(Outcome {
            findings,
            files,
            documents,
            entities,
        })
    }

    /// Word a hit with its rule file and apply the configured severity.
    fn finding(&self, hit: &Hit) -> Option<Finding> {
        let rule = self.rules.get(&hit.rule)?;
        let level = self.configured(&hit.rule)?;
        let severity = hit.cap.map_or(level, |cap| cap.min(level));
        let mut args = hit.args.clone();
        if let Some(entity) = &hit.entity {
            args.push(("entity", entity.clone()));
        }
        Some(Finding {
            rule: rule.id.clone(),
            title: rule.title.clone(),
            severity,
            message: rule.message(hit.variant, &args),
            place: hit.place.clone(),
            entity: hit.entity.clone(),
            path: match (&hit.entity, &hit.anchor) {
                (Some(_), Some(anchor)) => hit
                    .place
                    .pointer
                    .strip_prefix(anchor.as_str())
                    .unwrap_or(&hit.place.pointer)
                    .to_string(),
                _ => hit.place.pointer.clone(),
            },
            help: rule.help.clone(),
            remediation: rule.remediation.clone(),
            related: hit
                .related
                .iter()
                .map(|(place, message)| Related {
                    place: place.clone(),
                    message: message.clone(),
                })
                .collect(),
            suppressed: None,
            suppressed_in_config: false,
            baselined: false,
        })
    }
}

impl Engine<'_> {
    /// Host facts files named by servers' `facts:` lists (relative to the inventory file),
    /// read in parallel; a missing one is an `inventory-facts` finding on its list entry.
    fn referenced_facts(
        &self,
        inv: &crate::model::Inventory,
        read: &mut HashSet<String>,
        as_facts: &mut HashSet<String>,
    ) -> (Vec<crate::model::Entity>, Vec<Hit>) {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut wanted = Vec::new();
        let mut hits = Vec::new();
        for server in inv.of_kind(crate::model::EntityKind::Server) {
            for entry in server.field("facts[]") {
                let Some(rel) = entry.node.as_str() else {
                    continue;
                };
                let base = std::path::Path::new(&entry.file.name)
                    .parent()
                    .unwrap_or(std::path::Path::new(""));
                let path = crate::source::normalize(&base.join(rel));
                let name = crate::source::display_path(&path, &cwd);
                if !path.is_file() {
                    hits.push(
                        Hit::new("inventory-facts", "main", entry.place())
                            .entity(&server.label)
                            .arg(
                                "detail",
                                format!("facts file `{rel}` does not exist ({name})"),
                            ),
                    );
                    continue;
                }
                // A file the walk already met as plain JSON is read again, as facts.
                read.insert(name.clone());
                if as_facts.insert(name.clone()) {
                    let input = Input {
                        name,
                        origin: crate::discover::Origin::Path(path),
                        explicit: false,
                    };
                    wanted.push((input, server.label.clone()));
                }
            }
        }
        let loaded: Vec<Loaded> = wanted
            .par_iter()
            .map(|(input, server)| load(input, Role::FactsOf(server), self.limits, None))
            .collect();
        let mut facts = Vec::new();
        for l in loaded {
            hits.extend(l.problems.iter().map(|p| problem_hit(&l.file, p)));
            facts.extend(l.facts);
        }
        (facts, hits)
    }
}

fn problem_hit(file: &Arc<SourceFile>, p: &Problem) -> Hit {
    let place = Place {
        file: file.clone(),
        span: p.span,
        pointer: String::new(),
    };
    match p.kind {
        ProblemKind::Syntax => {
            Hit::new("inventory-syntax", "main", place).arg("detail", p.message.clone())
        }
        ProblemKind::Skipped => Hit::new("inventory-limit", "skipped", place)
            .arg("limit", "special files")
            .arg("detail", p.message.clone())
            .cap(Severity::Note),
        ProblemKind::Facts => {
            Hit::new("inventory-facts", "main", place).arg("detail", p.message.clone())
        }
        ProblemKind::Limit(limit) => Hit::new("inventory-limit", "main", place)
            .arg("limit", limit)
            .arg("detail", p.message.clone()),
    }
}
