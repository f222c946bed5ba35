//! One run of `check`: read and parse the inputs in parallel, build the inventory, run the
//! rules, apply configuration and suppressions. The result is sorted, so it is the same
//! whatever the number of threads.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::UsageError;
use crate::finding::ids;
use crate::finding::{Finding, Hit, Place, Related, Severity};
use crate::input::discover::Input;
use crate::input::source::SourceFile;
use crate::model::ModelBuilder;
use crate::model::{Entity, EntityKind, Inventory};
use crate::rules::{Rule, RuleSet};
use crate::store::packed::Packed;
use crate::suppress;
use crate::syntax::parse::{Limits, Problem, ProblemKind};

mod files;
mod plan;
pub mod readiness;
mod terraform;
mod used;

use files::{FileJob, Loaded, Role, named_facts, restore_whole, role_of};
use plan::Plan;
use used::{api_in_scope, in_scope, used_by_requests};

/// Which rules run, at which severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only these rules (empty = all).
    pub select: Vec<String>,
    /// Skip these rules.
    pub ignore: Vec<String>,
    /// Unknowns are errors: `request-unverified` at error severity (unless turned off).
    pub strict: bool,
}

pub struct Outcome {
    /// Every finding, suppressed ones included (marked), sorted.
    pub findings: Vec<Finding>,
    /// Readiness rows, for `readiness` runs.
    pub rows: Option<readiness::Rows>,
    /// Files read and skipped: no inventory document, API dump or host facts in them (a
    /// Kubernetes manifest, an Ansible playbook); `--verbose` lists them.
    pub skipped: Vec<String>,
    pub files: usize,
    pub documents: usize,
    /// Every entity checked (when `Engine::list_entities` asks for it).
    pub entities: Vec<Listed>,
    /// The run's whole entities (Terraform's, API dumps', host facts'), handed back instead
    /// of freed: each is dozens of small allocations, and freeing those of a large
    /// Terraform run one by one costs a tenth of its time. A caller that ends the process
    /// next leaves them to the exit, which frees them at once (as `cli` does, and as
    /// compilers do with their trees); any other caller drops them.
    pub whole: Vec<Vec<Entity>>,
}

/// An entity as JUnit lists it.
pub struct Listed {
    pub kind: EntityKind,
    pub label: String,
    /// Rules of its kind that do not check it (their `when:` conditions do not hold), by
    /// position in the rule set.
    pub not_checked_by: Vec<usize>,
}

impl Outcome {
    /// `(rule, entity)` pairs that ran: what JUnit reports as test cases.
    pub fn checked(&self, rules: &RuleSet, active: &dyn Fn(&str) -> bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            if !active(&rule.id) {
                continue;
            }
            let kinds = rule.kinds();
            for e in &self.entities {
                if kinds.contains(&e.kind) && !e.not_checked_by.contains(&i) {
                    out.push((rule.id.clone(), e.label.clone()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
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
    /// List every entity in the outcome, for reports with a test case per rule and entity
    /// (JUnit); others leave it out, which spares a large run a copy of every label.
    pub list_entities: bool,
    /// `--var-file`, `--var` and `TF_VAR_*` for Terraform root modules.
    pub terraform: &'a crate::model::terraform::Options,
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
        let level = match self.config.file.rules.get(id) {
            Some(level) => level.severity(),
            None => Some(rule.severity),
        };
        match level {
            Some(_) if self.selection.strict && id == crate::finding::ids::REQUEST_UNVERIFIED => {
                Some(Severity::Error)
            }
            level => level,
        }
    }

    pub fn check(&self, inputs: &[Input], stdin: Option<&[u8]>) -> Result<Outcome, UsageError> {
        self.run(inputs, stdin, None)
    }

    /// A run for `readiness`: the outcome, with a row per request (and, with
    /// `servers`, per described server no request uses, every one of them judged).
    pub fn readiness(
        &self,
        inputs: &[Input],
        stdin: Option<&[u8]>,
        servers: bool,
    ) -> Result<Outcome, UsageError> {
        self.run(inputs, stdin, Some(servers))
    }

    fn run(
        &self,
        inputs: &[Input],
        stdin: Option<&[u8]>,
        readiness: Option<bool>,
    ) -> Result<Outcome, UsageError> {
        // Over `max_files`, the first files (in path order) are checked and the first one left
        // out carries an `inventory-limit` finding: the run fails, visibly.
        let (inputs, left_out) = inputs.split_at(inputs.len().min(self.limits.max_files));
        if inputs.is_empty() && !left_out.is_empty() {
            return Err(UsageError::msg(
                "max_files is 0: no file can be checked".to_string(),
            ));
        }
        let too_many = left_out.first().map(|first| {
            let file = Arc::new(SourceFile::new(first.name.clone(), String::new()));
            let problem = Problem {
                kind: ProblemKind::Limit("max_files"),
                span: crate::syntax::tree::Span::default(),
                message: format!(
                    "{} files to check, the limit is {}; this file and the {} after it were not checked",
                    inputs.len() + left_out.len(),
                    self.limits.max_files,
                    left_out.len() - 1
                ),
            };
            problem_hit(&file, &problem, self.selection.strict)
        });
        let active: Vec<&Rule> = self
            .rules
            .rules
            .iter()
            .filter(|r| self.configured(&r.id).is_some())
            .collect();
        let cwd = std::env::current_dir().unwrap_or_default();
        // A readiness report names each request's server and reads what is unknown of it;
        // facts folders named after a server's name are matched by it.
        let mut server_fields = Vec::new();
        if readiness.is_some() {
            server_fields.extend(["name", "os"]);
        }
        let by_name = inputs
            .iter()
            .filter_map(role_of)
            .any(|owner| !crate::values::is_uuid(&owner));
        // Terraform servers join those of the inventory by name.
        if by_name || inputs.iter().any(files::is_config) {
            server_fields.push("name");
        }
        let plan = Plan::new(&active, self.list_entities, &server_fields);
        let job = FileJob {
            limits: self.limits,
            two_pass: self.prune,
            keep: Some(plan.keep.as_slice()).filter(|_| self.prune),
            plan: &plan,
            cwd: &cwd,
            stdin,
        };
        let Read {
            mut loaded,
            files,
            mut hits,
        } = self.read_files(inputs, &job)?;
        hits.extend(too_many);
        hits.extend(files::attach_facts(&mut loaded));
        // Descriptions of one entity in several places are judged together, on whole trees:
        // read those files again where their entities were pruned.
        restore_whole(&mut loaded, inputs, &job, &plan.whole_when);

        let mut model = ModelBuilder::expecting(
            loaded.iter().map(|l| l.docs.len()).sum(),
            loaded.iter().flat_map(|l| l.entities()),
        );
        // A Terraform module was read even when it makes no whole image: that is its verdict.
        let noticed = loaded.iter().any(|l| l.noticed || l.terraform);
        let skipped: Vec<String> = loaded
            .iter()
            .filter(|l| !l.recognised() && !l.noticed && !l.terraform && l.problems.is_empty())
            .map(|l| l.file.name.clone())
            .collect();
        let mut suppressions = Vec::new();
        let mut local = Vec::with_capacity(loaded.len());
        for l in &mut loaded {
            hits.extend(
                l.problems
                    .iter()
                    .map(|p| problem_hit(&l.file, p, self.selection.strict)),
            );
            for doc in std::mem::take(&mut l.docs) {
                model.add(doc);
            }
            if let Some(facts) = l.facts.take() {
                model.add_entity(facts);
            }
            suppressions.append(&mut l.suppressions);
            local.push((l.unit, std::mem::take(&mut l.local)));
        }
        drop(loaded);
        let documents = model.inventory.documents;
        let only_notes = hits.iter().all(|h| h.variant == "skipped");
        if documents == 0 && only_notes && !noticed && model.inventory.entities.is_empty() {
            return Err(UsageError::msg(
                "no inventory document found under the given paths",
            ));
        }
        let (mut inventory, mut built) = model.finish();
        hits.append(&mut built);
        let every_server = readiness == Some(true);
        let judged = self.judge(&mut inventory, &plan, hits, local, every_server);
        let rows = readiness.map(|servers| readiness::rows(&inventory, servers));
        let entities = if self.list_entities {
            self.listed(&inventory)
        } else {
            Vec::new()
        };
        // Findings hold no reference into the inventory: its pruned entities are let go
        // before findings are worded, so the two are never held at once (the findings of a
        // large run are its largest part at the end), a document at a time, in parallel.
        // The whole ones go back to the caller (see `Outcome::whole`).
        let described = std::mem::take(&mut inventory.entities);
        drop(inventory);
        let whole: Vec<Vec<Entity>> = described
            .into_chunks()
            .into_par_iter()
            .filter_map(|mut chunk| {
                chunk.retain(Entity::is_whole);
                (!chunk.is_empty()).then_some(chunk)
            })
            .collect();
        let findings = self.word(judged, suppressions, &cwd);
        Ok(Outcome {
            rows,
            skipped,
            findings,
            files,
            documents,
            entities,
            whole,
        })
    }

    /// The per-file phase over every input, in parallel, then the host facts files that
    /// servers name.
    fn read_files(&self, inputs: &[Input], job: &FileJob) -> Result<Read, UsageError> {
        // Files are read in groups, one after the other within a group (whose frozen trees
        // share an arena), groups in parallel: a few dozen per thread keep the threads busy.
        let group = (inputs.len() / (rayon::current_num_threads() * 24)).clamp(1, 32);
        let mut loaded: Vec<Loaded> = inputs
            .par_chunks(group)
            .enumerate()
            .flat_map_iter(|(n, chunk)| job.load_group(n * group, chunk))
            .collect();
        terraform::read_modules(
            &mut loaded,
            inputs,
            self.terraform,
            job,
            inputs.len() as u32,
        )?;
        if let Some(l) = loaded.iter().find(|l| {
            l.explicit && !l.recognised() && !l.noticed && !l.terraform && l.problems.is_empty()
        }) {
            return Err(UsageError::msg(format!(
                "{} is not an inventory: no document has `servers`, `backups`, `requests` or `operations`, and none is a request body (`name` with `instance_id` or `backup_id`) or a cloud API response",
                l.file.name
            )));
        }
        let mut names: HashSet<String> = inputs
            .iter()
            .filter(|i| i.origin != crate::input::discover::Origin::Special)
            .map(|i| i.name.clone())
            .chain(
                loaded
                    .iter()
                    .filter(|l| l.unit as usize >= inputs.len())
                    .map(|l| l.file.name.clone()),
            )
            .collect();
        // A file the walk already met as plain JSON is read again, as facts.
        let mut as_facts: HashSet<String> = inputs
            .iter()
            .filter(|i| role_of(i).is_some())
            .map(|i| i.name.clone())
            .collect();
        let mut wanted = Vec::new();
        let mut hits = Vec::new();
        for r in named_facts(&mut loaded) {
            match r.file {
                Err(hit) => hits.push(hit),
                Ok(input) => {
                    names.insert(input.name.clone());
                    if as_facts.insert(input.name.clone()) {
                        wanted.push((input, r.server));
                    }
                }
            }
        }
        // Units past the inputs: the files Terraform modules read, then these.
        let first_unit = inputs.len().max(
            loaded
                .iter()
                .map(|l| l.unit as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let facts: Vec<Loaded> = wanted
            .par_iter()
            .enumerate()
            .map(|(n, (input, server))| {
                job.load_one((first_unit + n) as u32, input, Role::FactsOf(server))
            })
            .collect();
        loaded.extend(facts);
        Ok(Read {
            loaded,
            files: names.len(),
            hits,
        })
    }

    /// The rules over the whole inventory. A file's local findings stand for entities
    /// described there alone; the others (API dumps, host facts, descriptions merged across
    /// files) are judged again, whole; then the global pass follows references. Every hit,
    /// `found` first, stays packed in batches (one per file, one per rule) until it is
    /// worded; what wording needs of the inventory is taken now (see [`Judged`]).
    fn judge(
        &self,
        inventory: &mut Inventory,
        plan: &Plan,
        found: Vec<Hit>,
        local: Vec<(u32, Packed)>,
        every_server: bool,
    ) -> Judged {
        let alone = Alone::new(&inventory.entities, |e| self.judged_alone(e));
        let mut batches = Vec::with_capacity(local.len() + 2 * plan.rules.len() + 1);
        batches.push(Batch {
            hits: Packed::new(found),
            unit: None,
        });
        batches.extend(local.into_iter().map(|(unit, hits)| Batch {
            hits,
            unit: Some(unit),
        }));
        let unfiltered = |hits| Batch { hits, unit: None };
        let used = api_in_scope(inventory);
        let in_scope = |e: &crate::model::Entity| {
            (every_server && e.kind == EntityKind::Server) || in_scope(e, used.as_ref())
        };
        // Most large runs describe every entity once, natively: nothing to judge again.
        if alone.count != inventory.entities.len() {
            let rejudge: &(dyn Fn(&crate::model::Entity) -> bool + Sync) =
                &|e| !self.judged_alone(e) && in_scope(e);
            inventory.set_subjects(Some(rejudge));
            batches.extend(
                run_pass(plan, inventory, Part::EachEntity)
                    .into_iter()
                    .map(unfiltered),
            );
            inventory.set_subjects(None);
        }
        // A lookup per Terraform server (judged when used): on the run's threads.
        let unused = inventory.entities.par_iter().any(|e| !in_scope(e));
        if unused {
            inventory.set_subjects(Some(&in_scope));
        }
        batches.extend(
            run_pass(plan, inventory, Part::Inventory)
                .into_iter()
                .map(unfiltered),
        );
        inventory.set_subjects(None);
        let backups = backup_links(&batches, inventory);
        Judged {
            batches,
            alone,
            backups,
        }
    }

    /// Hits worded as findings, placed, suppressed, selected, sorted and freed of twins.
    fn word(
        &self,
        judged: Judged,
        mut suppressions: Vec<suppress::Suppression>,
        cwd: &std::path::Path,
    ) -> Vec<Finding> {
        let Judged {
            batches,
            alone,
            backups,
        } = judged;
        // A file's local hits about an entity judged again (or not kept) are left out.
        let stands = |unit: Option<u32>, hit: &Hit| match (unit, hit.subject) {
            (Some(unit), Some(s)) => alone.contains(unit, s),
            _ => true,
        };
        let word_batch = |batch: &Batch, out: &mut Vec<Finding>| {
            let worded = batch
                .hits
                .hits()
                .filter(|h| stands(batch.unit, h))
                .filter_map(|mut hit| {
                    if hit.relate_backups
                        && let Some(links) = hit
                            .entity
                            .as_ref()
                            .and_then(|e| backups.get(&e.as_str().to_ascii_lowercase()))
                    {
                        hit.related.extend(links.iter().cloned());
                    }
                    self.finding(hit)
                });
            out.extend(worded);
        };
        // In order, whatever the threads; each batch is freed once worded. The findings go
        // straight into one list made at its size: small batches (a file's) a few dozen at a
        // time in parallel, large ones (a rule's, over the whole inventory) one at a time.
        // Worded all at once and then gathered, a large run held its findings twice for a
        // moment (15 MB more peak memory on 13 000 files).
        let mut findings: Vec<Finding> =
            Vec::with_capacity(batches.iter().map(|b| b.hits.count()).sum());
        let mut batches = batches.into_iter().peekable();
        while let Some(first) = batches.peek() {
            if first.hits.count() > 256 {
                if let Some(batch) = batches.next() {
                    word_batch(&batch, &mut findings);
                }
                continue;
            }
            let mut small = Vec::new();
            while small.len() < 64
                && let Some(batch) = batches.next_if(|b| b.hits.count() <= 256)
            {
                small.push(batch);
            }
            let worded: Vec<Vec<Finding>> = small
                .into_par_iter()
                .map(|batch| {
                    let mut worded = Vec::new();
                    word_batch(&batch, &mut worded);
                    worded
                })
                .collect();
            for mut w in worded {
                findings.append(&mut w);
            }
        }
        for file in place_findings(&findings) {
            findings.extend(self.finding(problem_hit(&file, &changed(), self.selection.strict)));
        }
        if self.config.path.is_some() {
            let shown = self.config.shown();
            let config_src = SourceFile::new(shown, self.config.text.clone());
            suppressions.extend(suppress::from_config(
                &self.config.file.ignore,
                &config_src,
                cwd,
                &self.config.base_dir(),
            ));
        }
        let meta = suppress::apply(&mut findings, &mut suppressions, self.rules, &|id| {
            self.configured(id).is_some()
        });
        findings.extend(meta.into_iter().filter_map(|h| self.finding(h)));
        findings.retain(|f| self.selected(&f.rule));
        sort_findings(&mut findings);
        // The same finding reached twice (one value of one entity judged through two paths) is
        // shown once; sorting made such twins neighbours.
        findings.dedup_by(|later, first| later.sort_key() == first.sort_key());
        findings
    }

    /// Every entity with the rules of its kind that do not check it.
    fn listed(&self, inventory: &Inventory) -> Vec<Listed> {
        let kinds: Vec<Vec<EntityKind>> = self.rules.rules.iter().map(Rule::kinds).collect();
        let listed = |e: &crate::model::Entity| Listed {
            kind: e.kind,
            label: e.label().to_string(),
            not_checked_by: self
                .rules
                .rules
                .iter()
                .enumerate()
                .filter(|(i, r)| kinds[*i].contains(&e.kind) && !judges(r, e, inventory))
                .map(|(i, _)| i)
                .collect(),
        };
        // Entities of API dumps that nothing uses are not judged: not test cases either.
        let used = api_in_scope(inventory);
        inventory
            .entities
            .iter()
            .filter(|e| in_scope(e, used.as_ref()))
            .map(listed)
            .collect()
    }

    /// Described in one place alone, and judged there: by the local rules that ran on its
    /// file (the user's inventory) or with its Terraform module. Without pruning (the
    /// reference mode) nothing is judged per file.
    fn judged_alone(&self, e: &crate::model::Entity) -> bool {
        let judged = match e.origin {
            crate::model::Origin::Native => true,
            crate::model::Origin::Terraform => e.judged_with_module(),
            _ => false,
        };
        self.prune && judged && e.descriptions().count() == 1
    }
}

/// What the per-file phase gives the rest of the run.
struct Read {
    loaded: Vec<Loaded>,
    /// How many distinct files were read (for the summary).
    files: usize,
    /// Findings about `facts:` entries naming files that do not exist.
    hits: Vec<Hit>,
}

/// Which part of the rules' checks a pass runs.
#[derive(Clone, Copy)]
enum Part {
    /// Each entity on its own (entities described in several places, judged again whole).
    EachEntity,
    /// The whole-inventory part.
    Inventory,
}

/// One part of every active rule over the inventory, rules in parallel: a batch of hits per
/// rule, in rule order whatever the threads.
fn run_pass(plan: &Plan, inventory: &Inventory, part: Part) -> Vec<Packed> {
    plan.rules
        .par_iter()
        .map(|p| {
            let mut out = crate::store::packed::Packer::default();
            match part {
                Part::EachEntity => p.run_each(inventory, &mut out),
                Part::Inventory => p.run_inventory(inventory, &mut out),
            }
            out.finish()
        })
        .collect()
}

/// The rule judges this entity at all (its kind aside): its `when:` conditions hold and its
/// check applies. What JUnit lists as test cases.
fn judges(rule: &Rule, e: &crate::model::Entity, inv: &Inventory) -> bool {
    let when = rule.check.when();
    when.is_none_or(|w| crate::checks::when_matches(w, e, inv)) && rule.check.applies(e)
}

/// Sort findings by [`Finding::sort_key`], in parallel, stably (equal keys keep their order,
/// whatever the threads). The order is worked out on positions, then the findings are moved
/// into it: a stable sort of the findings themselves would copy them all into a buffer, a
/// spike of several megabytes at the end of a large run.
fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        findings[a]
            .sort_key()
            .cmp(&findings[b].sort_key())
            .then(a.cmp(&b))
    });
    move_into_order(findings, order);
}

/// Move `items[order[i]]` to `i` for every `i`, in place (`order` is a permutation).
fn move_into_order<T>(items: &mut [T], mut order: Vec<usize>) {
    // Follow each cycle of the permutation, carrying the item that started it.
    for i in 0..order.len() {
        let mut at = i;
        while order[at] != i {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Work out every finding's line and column, a file at a time and files in parallel: a
/// released text is read once for all the findings in it, and let go again. Returns the files
/// that changed since they were checked (their positions fall back to the file's start).
fn place_findings(findings: &[Finding]) -> Vec<Arc<SourceFile>> {
    place_all(
        findings
            .iter()
            .flat_map(|f| std::iter::once(&f.place).chain(f.related.iter().map(|r| &r.place))),
    )
}

/// Work out the line and column of places not placed yet, a file at a time and files in
/// parallel (see [`place_findings`]); returns the files that changed.
fn place_all<'p>(places: impl Iterator<Item = &'p Place>) -> Vec<Arc<SourceFile>> {
    use std::collections::HashMap;
    let mut by_file: HashMap<*const SourceFile, Vec<&Place>> = HashMap::new();
    for place in places.filter(|place| !place.is_placed()) {
        by_file
            .entry(Arc::as_ptr(&place.file))
            .or_default()
            .push(place);
    }
    let groups: Vec<Vec<&Place>> = by_file.into_values().collect();
    let mut changed: Vec<Arc<SourceFile>> = groups
        .par_iter()
        .filter(|places| !place_in(&places[0].file, places))
        .map(|places| places[0].file.clone())
        .collect();
    changed.sort_by(|a, b| a.name.cmp(&b.name));
    changed
}

/// Set the line and column of places in one file, reading its text once (again, if it was
/// released). `false` when the file changed since it was checked.
fn place_in(file: &SourceFile, places: &[&Place]) -> bool {
    let spans: Vec<_> = places.iter().map(|p| p.span).collect();
    let Some(positions) = file.positions(&spans) else {
        return false;
    };
    for (place, pos) in places.iter().zip(positions) {
        place.set_position(pos);
    }
    true
}

/// A file was edited (or replaced) during the run: its findings cannot be trusted.
fn changed() -> Problem {
    Problem {
        kind: ProblemKind::Syntax,
        span: crate::syntax::tree::Span::default(),
        message: "the file changed while it was being checked; check it again".into(),
    }
}

/// What the run keeps of the inventory to word its hits (the inventory itself is let go).
struct Judged {
    batches: Vec<Batch>,
    /// The entities judged in their own file.
    alone: Alone,
    /// Related places of the backups made from each server a hit asks to relate to (see
    /// [`Hit::relate_backups`]), by server id in lowercase.
    backups: HashMap<String, Vec<(Place, String)>>,
}

/// A set of entities by `(unit, serial)`: a bit each, numbered file by file. A large run has
/// hundreds of thousands (as sorted pairs, 1.7 MB on 13 000 files; as bits, 60 KB).
struct Alone {
    /// The number of the first bit of each unit; units past the end have none.
    starts: Vec<u32>,
    bits: Vec<u64>,
    count: usize,
}

impl Alone {
    /// The entities `member` accepts.
    fn new(
        entities: &crate::model::Entities,
        member: impl Fn(&crate::model::Entity) -> bool + Sync,
    ) -> Alone {
        // Each entity's file, position and answer, read on the run's threads (a pruned
        // entity's file is in its frozen tree: a cache miss each), then counted on one.
        let read: Vec<(u32, u32, bool)> = entities
            .par_iter()
            .map(|e| (e.unit(), e.serial, member(e)))
            .collect();
        let mut widths: Vec<u32> = Vec::new();
        for &(unit, serial, _) in &read {
            let unit = unit as usize;
            if widths.len() <= unit {
                widths.resize(unit + 1, 0);
            }
            widths[unit] = widths[unit].max(serial + 1);
        }
        let mut starts = Vec::with_capacity(widths.len() + 1);
        let mut total = 0u32;
        for w in widths {
            starts.push(total);
            total += w;
        }
        starts.push(total);
        let mut set = Alone {
            starts,
            bits: vec![0; (total as usize).div_ceil(64)],
            count: 0,
        };
        for &(unit, serial, _) in read.iter().filter(|(.., member)| *member) {
            if let Some(bit) = set.bit(unit, serial) {
                set.bits[bit / 64] |= 1 << (bit % 64);
                set.count += 1;
            }
        }
        set
    }

    fn bit(&self, unit: u32, serial: u32) -> Option<usize> {
        let start = *self.starts.get(unit as usize)?;
        let end = *self.starts.get(unit as usize + 1)?;
        (start + serial < end).then_some((start + serial) as usize)
    }

    fn contains(&self, unit: u32, serial: u32) -> bool {
        self.bit(unit, serial)
            .is_some_and(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// Hits waiting to be worded, with the input file whose local pass made them, if any.
struct Batch {
    hits: Packed,
    unit: Option<u32>,
}

/// The backups made from each server some hit asks to relate to.
fn backup_links(
    batches: &[Batch],
    inv: &crate::model::Inventory,
) -> HashMap<String, Vec<(Place, String)>> {
    let servers: HashSet<String> = batches
        .par_iter()
        .filter(|b| b.hits.relates)
        .flat_map_iter(|b| {
            b.hits
                .hits()
                .filter(|h| h.relate_backups)
                .filter_map(|h| h.entity.map(|e| e.as_str().to_ascii_lowercase()))
                .collect::<Vec<_>>()
        })
        .collect();
    if servers.is_empty() {
        return HashMap::new();
    }
    let backups = inv.backups_by_server();
    servers
        .into_iter()
        .map(|server| {
            let links: Vec<(Place, String)> = backups
                .of(&server)
                .map(|b| {
                    let message = crate::lang::pick(
                        || format!("backup {} was made from this server", b.label()),
                        || format!("备份{}由此云服务器制作", b.label()),
                    );
                    (b.key_place(), message)
                })
                .collect();
            (server, links)
        })
        .filter(|(_, links)| !links.is_empty())
        .collect()
}

impl Engine<'_> {
    /// Word a hit with its rule file and apply the configured severity.
    fn finding(&self, hit: Hit) -> Option<Finding> {
        debug_assert!(
            self.rules.get(&hit.rule).is_some(),
            "a hit names rule `{}`, which has no rule file",
            hit.rule
        );
        let rule = self.rules.get(&hit.rule)?;
        let level = self.configured(&hit.rule)?;
        let severity = hit.cap.map_or(level, |cap| cap.min(level));
        let Hit {
            variant,
            place,
            entity,
            anchor,
            mut args,
            related,
            key,
            ..
        } = hit;
        let take = |args: &mut Vec<(crate::syntax::tree::Text, crate::syntax::tree::Text)>,
                    key: &str| {
            let at = args.iter().position(|(k, _)| k == key)?;
            Some(args.remove(at).1.to_string())
        };
        let entity_kind = take(&mut args, "entity_kind")
            .and_then(|k| crate::model::EntityKind::parse(&k))
            .map(crate::model::EntityKind::name);
        let entity_name = take(&mut args, "entity_name");
        if let Some(entity) = &entity {
            // A request without a name (the schema says so) is still one request.
            let shown = match (&entity_name, entity.is_empty()) {
                (_, true) => "(unnamed)".to_string(),
                (Some(name), false) => {
                    format!("{name} ({})", crate::finding::short_id(entity))
                }
                (None, false) => entity.to_string(),
            };
            args.push(("entity".into(), shown.into()));
            // A remediation step's command on the entity itself takes its id (`--server_id=`,
            // `--backup_id=`) when the finding knows it: a UUID, as the cloud's ids are, not a
            // Terraform address, which has none before apply (the step then says
            // `<server-id>`).
            let id_arg = match entity_kind {
                Some("server") => Some("server_id"),
                Some("backup") => Some("backup_id"),
                Some("volume") => Some("volume_id"),
                _ => None,
            };
            if let Some(name) = id_arg
                && crate::values::is_uuid(entity)
                && !args.iter().any(|(k, _)| k == name)
            {
                args.push((name.into(), entity.as_str().into()));
            }
        }
        let path = match (&entity, &anchor, key) {
            (Some(_), _, Some(key)) => key.to_string(),
            (Some(_), Some(anchor), None) => place
                .pointer
                .strip_prefix(anchor.as_str())
                .unwrap_or(&place.pointer)
                .to_string(),
            _ => place.pointer.to_string(),
        };
        // No id or name: no entity to report (nor to suppress by).
        let entity = entity.filter(|e| !e.is_empty()).map(String::from);
        Some(Finding {
            rule: crate::syntax::tree::Text::from(rule.id.as_str()),
            advice: rule.advice.clone(),
            filled: rule.remediation_for(&variant, &args),
            variant: variant.clone(),
            severity,
            message: rule.message(&variant, &args),
            place,
            entity,
            entity_kind,
            entity_name,
            path: crate::syntax::tree::Text::from(path),
            related: related
                .into_iter()
                .map(|(place, message)| Related { place, message })
                .collect(),
            suppressed: None,
            suppressed_in_config: false,
            baselined: false,
        })
    }
}

/// Limits of what a run reads of Terraform modules (how deep, how many called, how many
/// instances), not of one file: said as the run's, where the file's own are "file exceeds".
const RUN_LIMITS: [&str; 3] = ["max_module_depth", "max_called_modules", "max_count"];

/// The finding a problem of a file makes; `strict`: what is not known fails (`--strict`).
fn problem_hit(file: &Arc<SourceFile>, p: &Problem, strict: bool) -> Hit {
    let place = Place::new(file.clone(), p.span, String::new());
    match p.kind {
        ProblemKind::Syntax => {
            Hit::new(ids::INVENTORY_SYNTAX, "main", place).arg("detail", p.message.clone())
        }
        ProblemKind::Refused => {
            Hit::new(ids::INVENTORY_SYNTAX, "refused", place).arg("detail", p.message.clone())
        }
        ProblemKind::Skipped | ProblemKind::Unread => {
            let hit = Hit::new(ids::INVENTORY_LIMIT, "skipped", place)
                .arg("limit", "special files")
                .arg("detail", p.message.clone());
            // A module not read fails where what is not known fails; a special file never.
            if strict && p.kind == ProblemKind::Unread {
                hit
            } else {
                hit.cap(Severity::Note)
            }
        }
        ProblemKind::Facts => {
            Hit::new(ids::INVENTORY_FACTS, "main", place).arg("detail", p.message.clone())
        }
        ProblemKind::Limit(limit) => {
            let variant = if RUN_LIMITS.contains(&limit) {
                "run"
            } else {
                "main"
            };
            Hit::new(ids::INVENTORY_LIMIT, variant, place)
                .arg("limit", limit)
                .arg("detail", p.message.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn items_move_into_any_order(order in Just((0..40).collect::<Vec<usize>>()).prop_shuffle()) {
            let mut items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            super::move_into_order(&mut items, order);
            prop_assert_eq!(items, expected);
        }
    }
}
