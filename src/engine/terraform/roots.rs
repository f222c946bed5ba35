//! One root module read on one thread: evaluated, its entities mapped, joined by name and
//! judged by the rules that judge one entity at a time, as an inventory file's pass does.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path, PathBuf};

use crate::finding::Hit;
use crate::input::discover::Input;
use crate::input::source::SourceFile;
use crate::model::terraform::{self, Kind, Source};
use crate::model::{Entity, EntityKind, Inventory, Keep};
use crate::store::frozen::Arena;
use crate::store::packed::Packed;
use crate::syntax::parse::Problem;
use std::sync::Arc;

use super::join::{ByName, Pair, Planned};
use super::parse::{ParsedFile, parse_file};
use crate::engine::files::{FileJob, Loaded};

/// A root module to read: parsed already (it calls local modules, or may), or not yet.
pub(super) enum Root<'a> {
    Parsed(&'a Path),
    Unparsed(&'a Path, &'a [(PathBuf, Kind)]),
}

/// What reading one root module gives, by `Loaded` entry.
pub(super) struct RootOut {
    pub(super) entities: Vec<(usize, Entity)>,
    pub(super) problems: Vec<(usize, Problem)>,
    /// Hits of the rules judging one entity at a time (see [`judge_root`]), placed.
    pub(super) hits: Vec<(usize, Packed)>,
    /// The files it parsed itself.
    pub(super) parsed: Vec<ParsedFile>,
    /// The plans' entities paired with its own (see [`Planned::apply`]).
    pub(super) paired: Vec<Pair>,
    /// The variables it declares (what `--var` may set); `None` when a file of it did not
    /// parse (it may declare any).
    pub(super) declared: Option<Vec<String>>,
}

/// What every root module's reading shares.
pub(super) struct RootTask<'a> {
    pub(super) loaded: &'a [Loaded],
    pub(super) at: &'a HashMap<PathBuf, usize>,
    pub(super) labelled: bool,
    pub(super) options: &'a terraform::Options,
    pub(super) job: &'a FileJob<'a>,
    pub(super) names: ByName,
    /// What the run's plans say of the resources (see [`Planned::apply`]).
    pub(super) planned: Planned<'a>,
    /// The `--var-file`s, parsed, with their `Loaded` entries.
    pub(super) var_files: Vec<(&'a Source, usize)>,
    pub(super) freezing: Freezing,
}

/// What tells whether a root module's judged entities may be frozen once judged (see
/// [`frozen_keep`]): a frozen entity cannot be read whole again (it would take evaluating
/// its module again), nor take other descriptions.
pub(super) struct Freezing {
    /// Host facts folders named after a server's name: they may describe a Terraform server
    /// once every root is read.
    pub(super) facts_by_name: bool,
    /// The kinds of entities the run's other inputs (inventories, API dumps, plans) hold.
    pub(super) elsewhere: HashSet<EntityKind>,
}

impl Freezing {
    pub(super) fn of(loaded: &[Loaded], inputs: &[Input]) -> Freezing {
        Freezing {
            facts_by_name: inputs
                .iter()
                .filter_map(crate::engine::files::role_of)
                .any(|owner| !crate::values::is_uuid(&owner)),
            elsewhere: loaded
                .iter()
                .flat_map(Loaded::entities)
                .map(|e| e.kind)
                .collect(),
        }
    }
}

impl RootTask<'_> {
    pub(super) fn read_parsed(
        &self,
        dir: &Path,
        modules: &terraform::Modules,
        sources: &[&Source],
        owners: &[usize],
        units: &[u32],
    ) -> RootOut {
        let options = self.planned.options_for(dir, self.options);
        let (mut found, problems) = modules.read_root(dir, self.labelled, &options);
        self.names.join(&mut found);
        let paired = self.planned.apply(dir, &mut found);
        let hits = judge_root(dir, &mut found, sources, units, self.job, &self.freezing);
        // Only a `--var` is checked against them.
        let declared = sources
            .iter()
            .filter(|_| !self.options.vars.is_empty())
            .filter(|s| s.kind == Kind::Config && s.path.parent() == Some(dir))
            .map(|s| s.body.as_ref())
            .collect::<Option<Vec<_>>>()
            .map(|bodies| {
                bodies
                    .into_iter()
                    .flat_map(|body| body.blocks("variable"))
                    .filter_map(|block| block.labels.first().map(|name| name.to_string()))
                    .collect()
            });
        RootOut {
            declared,
            entities: found.into_iter().map(|(i, e)| (owners[i], e)).collect(),
            problems: problems.into_iter().map(|(i, p)| (owners[i], p)).collect(),
            hits: hits
                .into_iter()
                .map(|(i, hits)| {
                    // Lines and columns worked out while the text is at hand, on this thread;
                    // then the text is let go, as an inventory's is (what reports need of it
                    // later is read again).
                    crate::engine::files::place_local(&sources[i].file, &hits);
                    sources[i].file.release();
                    (owners[i], Packed::new(hits))
                })
                .collect(),
            parsed: Vec::new(),
            paired,
        }
    }

    /// A root module that calls none, from its files' text to its judged entities, on one
    /// thread: what it parsed is freed where it was made, before the next root is read.
    pub(super) fn read_unparsed(&self, dir: &Path, files: &[(PathBuf, Kind)]) -> RootOut {
        let (mut own, parsed): (Vec<Source>, Vec<ParsedFile>) = files
            .iter()
            .map(|(path, kind)| {
                parse_file(
                    self.loaded,
                    self.at[path],
                    path.clone(),
                    *kind,
                    self.job.limits,
                )
            })
            .unzip();
        terraform::overrides::merge(&mut own);
        let mut sources: Vec<&Source> = own.iter().collect();
        let mut owners: Vec<usize> = parsed.iter().map(|f| f.owner).collect();
        for (source, owner) in &self.var_files {
            sources.push(source);
            owners.push(*owner);
        }
        let units: Vec<u32> = owners.iter().map(|&o| self.loaded[o].unit).collect();
        let none_cut = BTreeSet::new(); // it calls no module
        let modules = terraform::Modules::new(&sources, &none_cut);
        let mut out = self.read_parsed(dir, &modules, &sources, &owners, &units);
        out.parsed = parsed;
        out
    }
}

/// The hits, by source, of the rules that judge one entity at a time over a root module's own
/// entities (those of files in its directory: a called module's files may be read by other
/// roots too), on the thread that read them: what an inventory file's pass does for its
/// entities. Only those a request or an operation of the module uses among its servers and
/// volumes are judged (the others are judged when something elsewhere uses them, over the
/// whole inventory); each judged one is marked so (see [`Entity::mark_judged`]).
fn judge_root(
    dir: &Path,
    found: &mut Vec<(usize, Entity)>,
    sources: &[&Source],
    units: &[u32],
    job: &FileJob,
    freezing: &Freezing,
) -> Vec<(usize, Vec<Hit>)> {
    if !job.two_pass {
        return Vec::new(); // the reference mode judges everything once, over the whole inventory
    }
    // Numbered as the run numbers them: by position among their file's entities.
    let mut next: HashMap<usize, u32> = HashMap::new();
    let (at, entities): (Vec<usize>, Vec<Entity>) = std::mem::take(found)
        .into_iter()
        .map(|(i, mut e)| {
            let serial = next.entry(i).or_default();
            e.set_unit(units[i]);
            e.serial = *serial;
            *serial += 1;
            (i, e)
        })
        .unzip();
    let own: Vec<usize> = next
        .into_keys()
        .filter(|&i| sources[i].path.parent() == Some(dir))
        .collect::<BTreeSet<usize>>()
        .into_iter()
        .collect();
    let mut inv = Inventory::of_file(entities, |_| true);
    let used = crate::engine::used_by_requests(&inv);
    let mut out = Vec::with_capacity(own.len());
    for &i in &own {
        let subject = |e: &Entity| e.unit() == units[i] && crate::engine::in_scope(e, Some(&used));
        inv.set_subjects(Some(&subject));
        let mut hits = Vec::new();
        for rule in &job.plan.rules {
            rule.run_each(&inv, &mut hits);
        }
        out.push((i, hits));
    }
    let judged = |e: &Entity| {
        own.iter().any(|&i| units[i] == e.unit()) && crate::engine::in_scope(e, Some(&used))
    };
    let here: HashSet<EntityKind> = inv.entities.iter().map(|e| e.kind).collect();
    let mut freezer = RootFreezer::default();
    *found = at
        .into_iter()
        .zip(inv.entities)
        .enumerate()
        .map(|(position, (i, mut e))| {
            if judged(&e) {
                e.mark_judged();
                if let Some(keep) = frozen_keep(&e, job, freezing, &here) {
                    freezer.freeze(position, &mut e, keep);
                } else if let Some((_, keep)) = job
                    .keep
                    .and(job.plan.thin.iter().find(|(k, _)| *k == e.kind))
                {
                    e.thin(keep);
                }
            }
            (i, e)
        })
        .collect();
    freezer.finish(found);
    out
}

/// What of a judged entity the whole-inventory pass reads, when the entity may be frozen:
/// nothing can describe it but its module (a server, backup or volume is named by its own
/// address, which no other root and no other input can name, and no facts folder may name it
/// by its name), and no check reads it whole in this run (`whole_when`: its module and the
/// run's other inputs have none of the kind that asks for it).
fn frozen_keep<'k>(
    e: &Entity,
    job: &FileJob<'k>,
    freezing: &Freezing,
    here: &HashSet<EntityKind>,
) -> Option<&'k Keep> {
    let (_, keep) = job.keep?.iter().find(|(kind, _)| *kind == e.kind)?;
    if matches!(
        e.kind,
        EntityKind::Server | EntityKind::Backup | EntityKind::Volume
    ) {
        let (address, _) = e.terraform_address()?;
        let by_name = e.kind == EntityKind::Server && freezing.facts_by_name;
        if *e.label() != *address || by_name {
            return None;
        }
    }
    let read_whole = job.plan.whole_when.iter().any(|(kind, present)| {
        *kind == e.kind && (here.contains(present) || freezing.elsewhere.contains(present))
    });
    (!read_whole).then_some(keep)
}

/// The frozen trees of one root module's entities, in one arena (see
/// [`crate::engine::files::Freezer`], which does the same for a group of inventory files).
#[derive(Default)]
struct RootFreezer {
    bytes: Vec<u8>,
    /// The files the trees are in, with their units: the arena's file table.
    files: Vec<(Arc<SourceFile>, u32)>,
    /// Each frozen entity's position among the root's, and where its tree starts.
    frozen: Vec<(usize, u32)>,
}

impl RootFreezer {
    /// Freeze the entity at `position` among the root's, dropping its whole tree now, so that
    /// the next ones take the room it leaves.
    fn freeze(&mut self, position: usize, e: &mut Entity, keep: &Keep) {
        let file = match self
            .files
            .iter()
            .position(|(f, _)| Arc::ptr_eq(f, e.file()))
        {
            Some(file) => file,
            None => {
                self.files.push((e.file().clone(), e.unit()));
                self.files.len() - 1
            }
        };
        let file = u32::try_from(file).unwrap_or(u32::MAX);
        // What locates the values not kept goes with them (the tree is frozen whole: which
        // fields it stated is kept too).
        e.forget_places_not_kept(keep);
        if let Some(at) = e.freeze(keep, file, &mut self.bytes) {
            e.prune_with_rare(Arena::empty().at(0));
            self.frozen.push((position, at));
        }
    }

    /// Make the arena and point the frozen entities at their trees in it.
    fn finish(self, found: &mut [(usize, Entity)]) {
        if self.frozen.is_empty() {
            return;
        }
        let arena = Arena::new(self.files, &self.bytes);
        for (position, at) in self.frozen {
            if let Some((_, e)) = found.get_mut(position) {
                e.prune_with_rare(arena.at(at));
            }
        }
    }
}
