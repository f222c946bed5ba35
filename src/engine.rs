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
use crate::parse::{self, Format, Limits, Problem, ProblemKind};
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

/// One input file after the parallel phase: its documents (servers pruned once their local
/// rules have run), the local findings, and what the whole-inventory phase still needs.
struct Loaded {
    /// Position of the file among the run's inputs.
    unit: u32,
    file: Arc<SourceFile>,
    explicit: bool,
    docs: Vec<crate::model::DocModel>,
    /// Host facts read from this file (a partial description of one server).
    facts: Option<crate::model::Entity>,
    problems: Vec<Problem>,
    suppressions: Vec<suppress::Suppression>,
    /// Findings of the local rules about this file's own entities.
    local: Vec<Hit>,
    /// Host facts files named by this file's servers (`facts:`).
    facts_refs: Vec<FactsRef>,
}

/// One entry of a server's `facts:` list: the file to read as facts of the server, or the
/// finding that it does not exist. Only the server's first description names facts (later
/// duplicates are not checked), which the engine knows once all files are read.
struct FactsRef {
    serial: u32,
    server: String,
    file: Result<Input, Hit>,
}

impl Loaded {
    fn recognised(&self) -> bool {
        !self.docs.is_empty() || self.facts.is_some()
    }

    fn entities(&self) -> impl Iterator<Item = &crate::model::Entity> {
        self.docs
            .iter()
            .flat_map(|d| d.entities.iter().map(|e| &**e))
    }
}

/// What a file is read as: an inventory or API dump, or host facts of a server.
#[derive(Clone, Copy)]
enum Role<'a> {
    Inventory,
    FactsOf(&'a str),
}

/// What every file's parallel phase shares.
struct FileJob<'a> {
    limits: &'a Limits,
    /// Run the local pass per file (off in the reference mode, see `Engine::prune`).
    two_pass: bool,
    /// Prune servers once their local rules ran.
    prune_servers: bool,
    /// The fields pruned servers keep (see `Template::server_fields`).
    server_fields: &'a [&'a str],
    /// The rules that run (configured, not `off`).
    active: &'a [&'a crate::rules::Rule],
    cwd: &'a std::path::Path,
    stdin: Option<&'a [u8]>,
}

fn format_of(input: &Input) -> Format {
    match &input.origin {
        crate::discover::Origin::Path(p) => Format::of(p),
        crate::discover::Origin::Stdin | crate::discover::Origin::Special => Format::Yaml,
    }
}

impl FileJob<'_> {
    fn load(&self, unit: u32, input: &Input, role: Role) -> Loaded {
        let (text, problem) = match crate::load::read(input, self.limits, self.stdin) {
            Ok(text) => (text, None),
            Err((problem, text)) => (text, Some(problem)),
        };
        let file = match &input.origin {
            crate::discover::Origin::Path(path) => {
                SourceFile::on_disk(input.name.clone(), text, path.clone())
            }
            _ => SourceFile::new(input.name.clone(), text),
        };
        let mut loaded = Loaded {
            unit,
            file,
            explicit: input.explicit,
            docs: Vec::new(),
            facts: None,
            problems: problem.into_iter().collect(),
            suppressions: Vec::new(),
            local: Vec::new(),
            facts_refs: Vec::new(),
        };
        if !loaded.problems.is_empty() {
            return loaded;
        }
        if let Role::FactsOf(server) = role {
            match crate::facts::read(&loaded.file, server, self.limits) {
                Ok(mut entity) => {
                    entity.unit = unit;
                    loaded.facts = Some(entity);
                }
                Err(p) => loaded.problems.push(p),
            }
            return loaded;
        }
        let parsed = parse::parse(&loaded.file.text(), format_of(input), self.limits);
        loaded.docs = read_documents(&loaded.file, parsed.docs, unit);
        loaded.problems = parsed.problems;
        if loaded.recognised() {
            loaded.suppressions = suppress::inline(&loaded.file, &parsed.comments);
        }
        loaded.facts_refs = self.facts_refs(&loaded);
        self.judge_locally(&mut loaded);
        // API dumps are kept: rules quote their raw values.
        if loaded
            .entities()
            .all(|e| e.origin == crate::model::Origin::Native)
        {
            loaded.file.release();
        }
        loaded
    }

    /// Run the local rules over the file's own entities (those of the user's inventory; API
    /// dumps and host facts may describe an entity together with other files, and are judged
    /// once the whole inventory is built), then prune its servers.
    fn judge_locally(&self, loaded: &mut Loaded) {
        use crate::model::{EntityKind, Inventory, Origin};
        if !self.two_pass {
            return; // the reference mode judges everything once, over the whole inventory
        }
        let counts: Vec<usize> = loaded.docs.iter().map(|d| d.entities.len()).collect();
        let all = loaded
            .docs
            .iter_mut()
            .flat_map(|d| std::mem::take(&mut d.entities))
            .collect();
        let inv = Inventory::of_file(all, |e| e.origin == Origin::Native);
        for rule in self.active {
            rule.template
                .run(rule, &inv, crate::checks::Pass::Local, &mut loaded.local);
        }
        let mut entities = inv.entities.into_iter();
        for (doc, n) in loaded.docs.iter_mut().zip(counts) {
            doc.entities = entities.by_ref().take(n).collect();
            for e in &mut doc.entities {
                // A pruned server may have to be read again whole (see `restore_whole`).
                if self.prune_servers
                    && loaded.file.rereadable()
                    && e.kind == EntityKind::Server
                    && e.origin == Origin::Native
                {
                    e.prune(self.server_fields);
                }
            }
        }
    }

    /// Host facts files named by servers' `facts:` lists (relative to the inventory file); a
    /// missing one is an `inventory-facts` finding on its list entry.
    fn facts_refs(&self, loaded: &Loaded) -> Vec<FactsRef> {
        let mut refs = Vec::new();
        for server in loaded
            .entities()
            .filter(|e| e.kind == crate::model::EntityKind::Server)
        {
            for entry in server.field("facts[]") {
                let Some(rel) = entry.node.as_str() else {
                    continue;
                };
                let base = std::path::Path::new(&entry.file.name)
                    .parent()
                    .unwrap_or(std::path::Path::new(""));
                let path = crate::source::normalize(&base.join(rel));
                let name = crate::source::display_path(&path, self.cwd);
                let file = if path.is_file() {
                    Ok(Input {
                        name,
                        origin: crate::discover::Origin::Path(path),
                        explicit: false,
                    })
                } else {
                    Err(Hit::new("inventory-facts", "main", entry.place())
                        .entity(&server.label)
                        .arg(
                            "detail",
                            format!("facts file `{rel}` does not exist ({name})"),
                        ))
                };
                refs.push(FactsRef {
                    serial: server.serial,
                    server: server.label.clone(),
                    file,
                });
            }
        }
        refs
    }
}

/// The inventory documents of a parsed file, their entities numbered in file order.
fn read_documents(
    file: &Arc<SourceFile>,
    roots: Vec<crate::tree::Node>,
    unit: u32,
) -> Vec<crate::model::DocModel> {
    let mut docs: Vec<crate::model::DocModel> = roots
        .into_iter()
        .filter_map(|root| {
            crate::api::read_document(file, &root)
                .or_else(|| crate::model::read_document(file, root))
        })
        .collect();
    for (serial, e) in docs
        .iter_mut()
        .flat_map(|d| d.entities.iter_mut())
        .enumerate()
    {
        e.unit = unit;
        e.serial = serial as u32;
    }
    docs
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
    /// Prune entities once their local rules ran (what keeps a large run's memory small).
    /// Off, every tree is kept whole: the reference tests compare the two.
    pub prune: bool,
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
        let active: Vec<&crate::rules::Rule> = self
            .rules
            .rules
            .iter()
            .filter(|r| self.configured(&r.id).is_some())
            .collect();
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut server_fields: Vec<&str> = active
            .iter()
            .flat_map(|r| r.template.server_fields())
            .collect();
        server_fields.sort_unstable();
        server_fields.dedup();
        let judge_servers = active
            .iter()
            .any(|r| r.template.judges_servers_globally(&r.kinds()));
        let job = FileJob {
            limits: self.limits,
            two_pass: self.prune,
            prune_servers: self.prune && !judge_servers,
            server_fields: &server_fields,
            active: &active,
            cwd: &cwd,
            stdin,
        };
        // Phase 1, per file and in parallel: parse, read entities, run the local rules,
        // prune. Each file's tree is dropped here.
        let mut loaded: Vec<Loaded> = inputs
            .par_iter()
            .enumerate()
            .map(|(unit, i)| {
                let owner = role_of(i);
                let role = owner.as_deref().map_or(Role::Inventory, Role::FactsOf);
                job.load(unit as u32, i, role)
            })
            .collect();
        let mut read: HashSet<String> = inputs
            .iter()
            .filter(|i| i.origin != crate::discover::Origin::Special)
            .map(|i| i.name.clone())
            .collect();
        for l in &loaded {
            if l.explicit && !l.recognised() && l.problems.is_empty() {
                return Err(UsageError::msg(format!(
                    "{} is not an inventory: no document has `servers`, `backups`, `requests` or `operations`, and none is a request body (`name` with `instance_id` or `backup_id`) or a cloud API response",
                    l.file.name
                )));
            }
        }
        // Host facts named by servers, read in parallel (a file the walk already met as plain
        // JSON is read again, as facts).
        let mut as_facts: HashSet<String> = inputs
            .iter()
            .filter(|i| role_of(i).is_some())
            .map(|i| i.name.clone())
            .collect();
        let mut wanted = Vec::new();
        let mut facts_hits = Vec::new();
        for r in named_facts(&mut loaded) {
            match r.file {
                Err(hit) => facts_hits.push(hit),
                Ok(input) => {
                    read.insert(input.name.clone());
                    if as_facts.insert(input.name.clone()) {
                        wanted.push((input, r.server));
                    }
                }
            }
        }
        let first_unit = inputs.len();
        let facts: Vec<Loaded> = wanted
            .par_iter()
            .enumerate()
            .map(|(n, (input, server))| {
                job.load((first_unit + n) as u32, input, Role::FactsOf(server))
            })
            .collect();
        loaded.extend(facts);

        // Phase 2: descriptions of one entity in several places are judged together, on
        // whole trees: read those files again where their servers were pruned.
        self.restore_whole(&mut loaded, inputs, &job);

        let mut model = ModelBuilder::new();
        let mut hits: Vec<Hit> = facts_hits;
        let mut suppressions = Vec::new();
        let mut local = Vec::new();
        for l in &mut loaded {
            for p in &l.problems {
                hits.push(problem_hit(&l.file, p));
            }
            for doc in std::mem::take(&mut l.docs) {
                model.add(doc);
            }
            if let Some(facts) = l.facts.take() {
                model.add_entity(Box::new(facts));
            }
            suppressions.append(&mut l.suppressions);
            local.push((l.unit, std::mem::take(&mut l.local)));
        }
        let files = read.len();
        let documents = model.inventory.documents;
        let only_notes = hits.iter().all(|h| h.variant == "skipped");
        if documents == 0 && only_notes && model.inventory.entities.is_empty() {
            return Err(UsageError::msg(
                "no inventory document found under the given paths",
            ));
        }
        hits.append(&mut model.hits);
        let mut inventory = model.inventory;

        // A file's local findings stand for entities described there alone; the others (API
        // dumps, host facts, descriptions merged across files) are judged again, whole.
        let alone: HashSet<(u32, u32)> = inventory
            .entities
            .iter()
            .filter(|e| self.judged_alone(e))
            .map(|e| (e.unit, e.serial))
            .collect();
        for (unit, found) in local {
            hits.extend(
                found
                    .into_iter()
                    .filter(|h| h.subject.is_none_or(|s| alone.contains(&(unit, s)))),
            );
        }
        let rejudge: &dyn Fn(&crate::model::Entity) -> bool = &|e| !self.judged_alone(e);
        inventory.set_subjects(Some(rejudge));
        let rejudged: Vec<Vec<Hit>> = active
            .par_iter()
            .map(|rule| {
                let mut out = Vec::new();
                rule.template
                    .run(rule, &inventory, crate::checks::Pass::Local, &mut out);
                out
            })
            .collect();
        inventory.set_subjects(None);
        hits.extend(rejudged.into_iter().flatten());
        let global: Vec<Vec<Hit>> = active
            .par_iter()
            .map(|rule| {
                let mut out = Vec::new();
                rule.template
                    .run(rule, &inventory, crate::checks::Pass::Global, &mut out);
                out
            })
            .collect();
        hits.extend(global.into_iter().flatten());
        relate_backups(&mut hits, &inventory);

        let mut findings: Vec<Finding> = hits.par_iter().filter_map(|h| self.finding(h)).collect();
        drop(hits);
        for file in place_findings(&findings) {
            let problem = Problem {
                kind: ProblemKind::Syntax,
                span: crate::tree::Span::default(),
                message: CHANGED.to_string(),
            };
            findings.extend(self.finding(&problem_hit(&file, &problem)));
        }
        if self.config.path.is_some() {
            let shown = self.config.shown();
            let config_src = SourceFile::new(shown, self.config.text.clone());
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
        // The same finding reached twice (one value judged through two paths) is shown once;
        // sorting made such twins neighbours.
        findings.dedup_by(|later, first| later.sort_key() == first.sort_key());
        let entities = inventory
            .entities
            .iter_mut()
            .map(|e| (e.kind, std::mem::take(&mut e.label)))
            .collect();
        // Freeing many small allocations takes a noticeable share of a large run; do it on
        // another thread while the report is rendered.
        std::thread::spawn(move || drop(inventory));
        Ok(Outcome {
            findings,
            files,
            documents,
            entities,
        })
    }

    /// Described by the user's inventory alone: the local rules that ran on its file judged
    /// it. Without pruning (the reference mode) nothing is judged per file.
    fn judged_alone(&self, e: &crate::model::Entity) -> bool {
        self.prune && e.origin == crate::model::Origin::Native && e.descriptions().count() == 1
    }

    /// Read again the files whose pruned servers must be whole: servers described elsewhere
    /// too (API dumps, host facts), servers a planned `detach-disk` names, and every server
    /// when API dumps describe EVS volumes (their disks are joined to the volumes).
    fn restore_whole(&self, loaded: &mut [Loaded], inputs: &[Input], job: &FileJob) {
        use crate::model::{EntityKind, Origin};
        use std::collections::HashMap;
        let key = |e: &crate::model::Entity| (e.kind, e.label.to_ascii_lowercase());
        let all = || {
            loaded
                .iter()
                .flat_map(|l| l.entities().chain(l.facts.iter()))
        };
        let mut foreign: HashMap<(EntityKind, String), usize> = HashMap::new();
        let mut volumes = false;
        let mut detached = HashSet::new();
        for e in all() {
            if e.origin != Origin::Native {
                *foreign.entry(key(e)).or_default() += 1;
                volumes |= e.kind == EntityKind::Volume;
            }
            if e.kind == EntityKind::Operation
                && e.is("action", "detach-disk")
                && let Some(server) = e.str("server")
            {
                detached.insert(server.to_ascii_lowercase());
            }
        }
        let needed = |e: &crate::model::Entity| {
            !e.is_whole()
                && (volumes
                    || foreign.contains_key(&key(e))
                    || detached.contains(&e.label.to_ascii_lowercase()))
        };
        let units: Vec<usize> = loaded
            .iter()
            .enumerate()
            .filter(|(_, l)| l.entities().any(needed))
            .map(|(i, _)| i)
            .collect();
        if units.is_empty() {
            return;
        }
        let whole: Vec<(usize, Vec<crate::model::Entity>, Option<Problem>)> = units
            .par_iter()
            .map(|&i| {
                let input = &inputs[loaded[i].unit as usize];
                let (entities, problem) = job.reread(input, &loaded[i].file);
                (i, entities, problem)
            })
            .collect();
        for (i, entities, problem) in whole {
            let l = &mut loaded[i];
            let mut entities = entities.into_iter();
            for e in l.docs.iter_mut().flat_map(|d| d.entities.iter_mut()) {
                match entities.next() {
                    Some(w) if needed(e) && w.kind == e.kind && w.label == e.label => e.restore(w),
                    _ => {}
                }
            }
            l.problems.extend(problem);
        }
    }
}

impl FileJob<'_> {
    /// A file's entities, whole, read again from disk. A file that changed since the first
    /// read is reported: its findings could point at the wrong places.
    fn reread(
        &self,
        input: &Input,
        first: &SourceFile,
    ) -> (Vec<crate::model::Entity>, Option<Problem>) {
        let changed = || Problem {
            kind: ProblemKind::Syntax,
            span: crate::tree::Span::default(),
            message: CHANGED.to_string(),
        };
        let text = match crate::load::read(input, self.limits, self.stdin) {
            Ok(text) => text,
            Err((p, _)) => return (Vec::new(), Some(p)),
        };
        if !first.same_text(&text) {
            return (Vec::new(), Some(changed()));
        }
        let file = SourceFile::new(first.name.clone(), text);
        let parsed = parse::parse(&file.text(), format_of(input), self.limits);
        let docs = read_documents(&file, parsed.docs, 0);
        let entities = docs
            .into_iter()
            .flat_map(|d| d.entities)
            .map(|e| *e)
            .collect();
        (entities, None)
    }
}

/// Work out every finding's line and column, a file at a time and files in parallel: a
/// released text is read once for all the findings in it, and let go again. Returns the files
/// that changed since they were checked (their positions fall back to the file's start).
fn place_findings(findings: &[Finding]) -> Vec<Arc<SourceFile>> {
    use std::collections::HashMap;
    let mut by_file: HashMap<*const SourceFile, Vec<&Place>> = HashMap::new();
    let places = findings
        .iter()
        .flat_map(|f| std::iter::once(&f.place).chain(f.related.iter().map(|r| &r.place)));
    for place in places {
        by_file
            .entry(Arc::as_ptr(&place.file))
            .or_default()
            .push(place);
    }
    let groups: Vec<Vec<&Place>> = by_file.into_values().collect();
    let mut changed: Vec<Arc<SourceFile>> = groups
        .par_iter()
        .filter_map(|places| {
            let file = &places[0].file;
            let spans: Vec<_> = places.iter().map(|p| p.span).collect();
            let Some(positions) = file.positions(&spans) else {
                return Some(file.clone());
            };
            for (place, pos) in places.iter().zip(positions) {
                place.set_position(pos);
            }
            None
        })
        .collect();
    changed.sort_by(|a, b| a.name.cmp(&b.name));
    changed
}

/// The `facts:` entries that count, in the order the inventory lists its servers: a server's
/// entries come from its first native description (later duplicates are not checked), and a
/// server stands where any description of it came first (an API dump read before the inventory
/// puts it first). When two servers name one file, the first in that order reads it.
fn named_facts(loaded: &mut [Loaded]) -> Vec<FactsRef> {
    use crate::model::{EntityKind, Origin};
    use std::collections::HashMap;
    let mut order: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut native: HashMap<String, (usize, u32)> = HashMap::new();
    for (i, l) in loaded.iter().enumerate() {
        let servers = l
            .entities()
            .chain(l.facts.iter())
            .filter(|e| e.kind == EntityKind::Server && !e.label.is_empty());
        for e in servers {
            let key = e.label.to_ascii_lowercase();
            if seen.insert(key.clone()) {
                order.push(key.clone());
            }
            if e.origin == Origin::Native {
                native.entry(key).or_insert((i, e.serial));
            }
        }
    }
    let mut refs: HashMap<(usize, u32), Vec<FactsRef>> = HashMap::new();
    for (i, l) in loaded.iter_mut().enumerate() {
        for r in std::mem::take(&mut l.facts_refs) {
            refs.entry((i, r.serial)).or_default().push(r);
        }
    }
    order
        .iter()
        .filter_map(|key| native.get(key))
        .flat_map(|at| refs.remove(at).unwrap_or_default())
        .collect()
}

/// Why a file's findings cannot be trusted: it was edited (or replaced) during the run.
const CHANGED: &str = "the file changed while it was being checked; check it again";

/// Point findings that ask for it at the backups made from their server.
fn relate_backups(hits: &mut [Hit], inv: &crate::model::Inventory) {
    if !hits.iter().any(|h| h.relate_backups) {
        return;
    }
    let backups = inv.backups_by_server();
    for hit in hits.iter_mut().filter(|h| h.relate_backups) {
        let Some(server) = &hit.entity else { continue };
        for b in backups
            .get(&server.to_ascii_lowercase())
            .into_iter()
            .flatten()
        {
            hit.related.push((
                b.key_place(),
                format!("backup {} was made from this server", b.label),
            ));
        }
    }
}

impl Engine<'_> {
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

fn problem_hit(file: &Arc<SourceFile>, p: &Problem) -> Hit {
    let place = Place::new(file.clone(), p.span, String::new());
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
