//! The per-file phase of a run: read, parse, judge locally and prune one file; and reading a
//! file again when the whole-inventory phase needs its entities whole.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::finding::Hit;
use crate::finding::ids;
use crate::input::discover::Input;
use crate::input::source::SourceFile;
use crate::suppress;
use crate::syntax::parse::{self, Format, Limits, Problem};

use super::changed;
use super::plan::Plan;
use crate::model::{EntityKind, Keep};
use crate::syntax::parse::Comments;

/// One input file after the parallel phase: its documents (entities pruned once their local
/// rules have run), the local findings, and what the whole-inventory phase still needs.
pub(super) struct Loaded {
    /// Position of the file among the run's inputs.
    pub(super) unit: u32,
    pub(super) file: Arc<SourceFile>,
    pub(super) explicit: bool,
    pub(super) docs: Vec<crate::model::DocModel>,
    /// Host facts read from this file (a partial description of one server).
    pub(super) facts: Option<crate::model::Entity>,
    pub(super) problems: Vec<Problem>,
    pub(super) suppressions: Vec<suppress::Suppression>,
    /// Findings of the local rules about this file's own entities (packed: held to the end).
    pub(super) local: crate::store::packed::Packed,
    /// Host facts files named by this file's servers (`facts:`).
    pub(super) facts_refs: Vec<FactsRef>,
    /// A document of the file is no inventory for a reason worth a finding (a near miss in a
    /// top-level key, a cloud API error response): the file is reported, not skipped.
    pub(super) noticed: bool,
    /// A file of a Terraform module: read with its module (see [`super::terraform`]).
    pub(super) terraform: bool,
}

/// One entry of a server's `facts:` list: the file to read as facts of the server, or the
/// finding that it does not exist. Only the server's first description names facts (later
/// duplicates are not checked), which the engine knows once all files are read.
pub(super) struct FactsRef {
    pub(super) serial: u32,
    pub(super) server: String,
    pub(super) file: Result<Input, Hit>,
}

impl Loaded {
    /// A file read as it is, before its documents are known.
    pub(super) fn new(unit: u32, file: Arc<SourceFile>, problem: Option<Problem>) -> Loaded {
        Loaded {
            unit,
            file,
            explicit: false,
            docs: Vec::new(),
            facts: None,
            problems: problem.into_iter().collect(),
            suppressions: Vec::new(),
            local: crate::store::packed::Packed::default(),
            facts_refs: Vec::new(),
            noticed: false,
            terraform: false,
        }
    }

    /// Give the file's entities its unit and their positions in it.
    pub(super) fn number_entities(&mut self) {
        for (serial, e) in self
            .docs
            .iter_mut()
            .flat_map(|d| d.entities.iter_mut())
            .enumerate()
        {
            e.set_unit(self.unit);
            e.serial = serial as u32;
        }
    }

    pub(super) fn recognised(&self) -> bool {
        !self.docs.is_empty() || self.facts.is_some()
    }

    pub(super) fn entities(&self) -> impl Iterator<Item = &crate::model::Entity> {
        self.docs.iter().flat_map(|d| d.entities.iter())
    }
}

/// A Terraform input of the walk is only read here: `load` leaves it unparsed.
pub(super) fn is_config(input: &Input) -> bool {
    match &input.origin {
        crate::input::discover::Origin::Path(p) => {
            crate::model::terraform::Kind::of(p) == Some(crate::model::terraform::Kind::Config)
        }
        crate::input::discover::Origin::Stdin | crate::input::discover::Origin::Special => false,
    }
}

/// What a file is read as: an inventory or API dump, or host facts of a server.
#[derive(Clone, Copy)]
pub(super) enum Role<'a> {
    Inventory,
    FactsOf(&'a str),
}

/// The frozen trees of a group of files, written as each file is judged, then made into
/// one arena once the group is read.
#[derive(Default)]
pub(super) struct Freezer {
    bytes: Vec<u8>,
    /// Each frozen entity: its file's position in the group (its number in the arena's file
    /// table), its position among the file's entities, and where its tree starts.
    frozen: Vec<(usize, usize, u32)>,
    /// The position in the group of the file being loaded.
    position: usize,
}

impl Freezer {
    /// Freeze a file's entities (the `kept` fields of each kind), pointing them at an empty
    /// arena until the group's is made. Their whole trees are dropped now: the arena then
    /// takes room they leave, instead of pinning fresh allocator pages among them.
    fn freeze(&mut self, entities: &mut [crate::model::Entity], kept: &[(EntityKind, Keep)]) {
        let file = u32::try_from(self.position).unwrap_or(u32::MAX);
        for (i, e) in entities.iter_mut().enumerate() {
            let fields = kept.iter().find(|(kind, _)| *kind == e.kind);
            if let Some((_, fields)) = fields.filter(|_| e.origin == crate::model::Origin::Native)
                && let Some(at) = e.freeze(fields, file, &mut self.bytes)
            {
                e.prune(crate::store::frozen::Arena::empty().at(0));
                self.frozen.push((self.position, i, at));
            }
        }
    }

    /// Make the group's arena (its file table: the group's files, in order) and point the
    /// frozen entities at their trees in it.
    fn finish(self, loaded: &mut [Loaded]) {
        if self.frozen.is_empty() {
            return;
        }
        let files = loaded.iter().map(|l| (l.file.clone(), l.unit)).collect();
        let arena = crate::store::frozen::Arena::new(files, &self.bytes);
        let mut frozen = self.frozen.iter().peekable();
        for (position, l) in loaded.iter_mut().enumerate() {
            let mut entities = l
                .docs
                .iter_mut()
                .flat_map(|d| d.entities.iter_mut())
                .enumerate();
            while let Some(&&(file, entity, at)) = frozen.peek() {
                if file != position {
                    break;
                }
                frozen.next();
                // Positions ascend: each search starts where the last one stopped.
                if let Some((_, e)) = entities.find(|(i, _)| *i == entity) {
                    e.prune(arena.at(at));
                }
            }
        }
    }
}

/// What every file's parallel phase shares.
pub(super) struct FileJob<'a> {
    pub(super) limits: &'a Limits,
    /// Run the local pass per file (off in the reference mode, see `Engine::prune`).
    pub(super) two_pass: bool,
    /// Prune entities once their file's pass ran, to what each kind keeps (see
    /// [`Plan::keep`]; a kind left out stays whole); `None` keeps all whole.
    pub(super) keep: Option<&'a [(EntityKind, Keep)]>,
    /// The rules that run (configured, not `off`), and how.
    pub(super) plan: &'a Plan<'a>,
    pub(super) cwd: &'a std::path::Path,
    pub(super) stdin: Option<&'a [u8]>,
}

fn format_of(input: &Input) -> Format {
    match &input.origin {
        crate::input::discover::Origin::Path(p) => Format::of(p),
        crate::input::discover::Origin::Stdin | crate::input::discover::Origin::Special => {
            Format::Yaml
        }
    }
}

impl FileJob<'_> {
    /// Load a group of inputs, the first at position `first`, one after the other: their
    /// frozen trees share one arena (see [`crate::store::frozen`]).
    pub(super) fn load_group(&self, first: usize, inputs: &[Input]) -> Vec<Loaded> {
        let mut freezer = Freezer::default();
        let mut loaded: Vec<Loaded> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                let owner = role_of(input);
                let role = owner.as_deref().map_or(Role::Inventory, Role::FactsOf);
                freezer.position = i;
                self.load((first + i) as u32, input, role, &mut freezer)
            })
            .collect();
        freezer.finish(&mut loaded);
        loaded
    }

    /// Load one input on its own.
    pub(super) fn load_one(&self, unit: u32, input: &Input, role: Role) -> Loaded {
        let mut freezer = Freezer::default();
        let mut loaded = self.load(unit, input, role, &mut freezer);
        freezer.finish(std::slice::from_mut(&mut loaded));
        loaded
    }

    fn load(&self, unit: u32, input: &Input, role: Role, freezer: &mut Freezer) -> Loaded {
        let (file, problem) = crate::input::load::source(input, self.limits, self.stdin);
        let mut loaded = Loaded::new(unit, file, problem);
        loaded.explicit = input.explicit;
        // Terraform configuration is read with the rest of its module, once all files are.
        if !loaded.problems.is_empty() || is_config(input) {
            return loaded;
        }
        if let Role::FactsOf(server) = role {
            match crate::model::facts::read(&loaded.file, server, self.limits) {
                Ok(mut entity) => {
                    entity.set_unit(unit);
                    loaded.facts = Some(entity);
                }
                Err(p) => loaded.problems.push(p),
            }
            return loaded;
        }
        // Suppressions are the only comments read: a file that cannot hold one is parsed
        // without reporting comments, which saves a fifth of the parser's time (as ruff looks
        // for `noqa` before parsing its comments).
        let text = loaded.file.text();
        let comments = if text.contains(suppress::MARKER) {
            Comments::Keep
        } else {
            Comments::Skip
        };
        let parsed = parse::parse_keeping(&text, format_of(input), self.limits, comments);
        drop(text);
        let (docs, notices) = read_documents(&loaded.file, parsed.docs, unit);
        loaded.docs = docs;
        loaded.noticed = !notices.is_empty();
        loaded.problems = parsed.problems;
        if loaded.recognised() {
            loaded.suppressions = suppress::inline(&loaded.file, &parsed.comments);
        }
        loaded.facts_refs = self.facts_refs(&loaded);
        let mut local = self.judge_locally(&mut loaded, freezer);
        local.extend(notices);
        place_local(&loaded.file, &local);
        loaded.local = crate::store::packed::Packed::new(local);
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
    /// once the whole inventory is built), then prune its entities. Returns their hits.
    fn judge_locally(&self, loaded: &mut Loaded, freezer: &mut Freezer) -> Vec<Hit> {
        use crate::model::{Inventory, Origin};
        let mut hits = Vec::new();
        if !self.two_pass {
            return hits; // the reference mode judges everything once, over the whole inventory
        }
        let counts: Vec<usize> = loaded.docs.iter().map(|d| d.entities.len()).collect();
        let all = loaded
            .docs
            .iter_mut()
            .flat_map(|d| std::mem::take(&mut d.entities))
            .collect();
        let inv = Inventory::of_file(all, |e| e.origin == Origin::Native);
        for rule in &self.plan.rules {
            rule.run_each(&inv, &mut hits);
        }
        // A pruned entity may have to be read again whole (see `restore_whole`).
        let kept = self
            .keep
            .filter(|_| loaded.file.rereadable())
            .unwrap_or(&[]);
        let mut entities: Vec<crate::model::Entity> = inv.entities.into_iter().collect();
        freezer.freeze(&mut entities, kept);
        let mut entities = entities.into_iter();
        for (doc, n) in loaded.docs.iter_mut().zip(counts) {
            doc.entities = Vec::with_capacity(n);
            doc.entities.extend(entities.by_ref().take(n));
        }
        hits
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
                let path = crate::input::source::normalize(&base.join(rel));
                let name = crate::input::source::display_path(&path, self.cwd);
                let file = if path.is_file() {
                    Ok(Input {
                        name,
                        origin: crate::input::discover::Origin::Path(path),
                        explicit: false,
                    })
                } else {
                    Err(Hit::new(ids::INVENTORY_FACTS, "main", entry.place())
                        .entity(&server.label())
                        .arg(
                            "detail",
                            format!("facts file `{rel}` does not exist ({name})"),
                        ))
                };
                refs.push(FactsRef {
                    serial: server.serial,
                    server: server.label().to_string(),
                    file,
                });
            }
        }
        refs
    }
}

/// Work out the line and column of the file's local findings while its text is at hand: the
/// file is read again at the end only if a cross-file finding or a related place points into
/// it.
pub(super) fn place_local(file: &Arc<SourceFile>, hits: &[Hit]) {
    let places: Vec<&crate::finding::Place> = hits
        .iter()
        .flat_map(|h| std::iter::once(&h.place).chain(h.related.iter().map(|(p, _)| p)))
        .filter(|p| Arc::ptr_eq(&p.file, file))
        .collect();
    if !places.is_empty() {
        // The text is at hand: it cannot have changed.
        super::place_in(file, &places);
    }
}

/// The inventory documents of a parsed file, their entities numbered in file order, and the
/// findings about documents that are no inventory for a reason worth saying (see
/// [`crate::model::near_miss`], [`crate::model::api_error`]).
fn read_documents(
    file: &Arc<SourceFile>,
    roots: Vec<crate::syntax::tree::Node>,
    unit: u32,
) -> (Vec<crate::model::DocModel>, Vec<Hit>) {
    let mut notices = Vec::new();
    let mut docs: Vec<crate::model::DocModel> = roots
        .into_iter()
        .filter_map(|root| {
            if let Some(doc) = crate::model::terraform::plan::read_document(file, &root) {
                return Some(doc);
            }
            if let Some(doc) = crate::model::api::read_document(file, &root) {
                return Some(doc);
            }
            if crate::model::classify(&root).is_none() {
                notices.extend(
                    crate::model::api_error(file, &root)
                        .or_else(|| crate::model::near_miss(file, &root)),
                );
                return None;
            }
            crate::model::read_document(file, root)
        })
        .collect();
    for (serial, e) in docs
        .iter_mut()
        .flat_map(|d| d.entities.iter_mut())
        .enumerate()
    {
        e.set_unit(unit);
        e.serial = serial as u32;
    }
    (docs, notices)
}

pub(super) fn role_of(input: &Input) -> Option<String> {
    match &input.origin {
        crate::input::discover::Origin::Path(p) => crate::input::discover::facts_owner(p),
        crate::input::discover::Origin::Stdin | crate::input::discover::Origin::Special => None,
    }
}

/// Match host facts to the servers they describe: a facts folder names a server by its id, or
/// by its name when exactly one server has it. A folder that matches no server of
/// the run is an `inventory-facts` error; facts under a server id are still judged.
pub(super) fn attach_facts(loaded: &mut [Loaded]) -> Vec<Hit> {
    use std::collections::HashMap;
    if loaded.iter().all(|l| l.facts.is_none()) {
        return Vec::new();
    }
    let mut ids = HashSet::new();
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    let servers = loaded
        .iter()
        .flat_map(|l| l.entities())
        .filter(|e| e.kind == EntityKind::Server);
    for e in servers {
        ids.insert(e.label().to_ascii_lowercase());
        if let Some(name) = e.str("name") {
            names
                .entry(name.to_string())
                .or_default()
                .push(e.label().to_string());
        }
    }
    let mut hits = Vec::new();
    for l in loaded.iter_mut() {
        let Some(facts) = &mut l.facts else { continue };
        let owner = facts.label().to_string();
        if ids.contains(&owner.to_ascii_lowercase()) {
            continue;
        }
        let detail = match names.get(&owner).map(Vec::as_slice) {
            Some([id]) => {
                facts.set_id(id);
                continue;
            }
            Some(several) => crate::lang::pick(
                || {
                    format!(
                        "facts folder `{owner}` names {} servers ({}); name the folder after the server's id",
                        several.len(),
                        several.join(", ")
                    )
                },
                || {
                    format!(
                        "主机信息文件夹`{owner}`对应{}台云服务器（{}）；请以云服务器的ID命名该文件夹",
                        several.len(),
                        several.join("、")
                    )
                },
            ),
            None => crate::lang::pick(
                || {
                    format!(
                        "facts folder `{owner}` matches no server id or server name; describe the server (inventory or `hcloud ECS ShowServer` output) or name the folder after its id"
                    )
                },
                || {
                    format!(
                        "主机信息文件夹`{owner}`与任何云服务器的ID或名称都不匹配；请描述该云服务器（清单或`hcloud ECS ShowServer`的输出），或以其ID命名该文件夹"
                    )
                },
            ),
        };
        let place =
            crate::finding::Place::new(l.file.clone(), crate::syntax::tree::Span::default(), "");
        hits.push(
            Hit::new(crate::finding::ids::INVENTORY_FACTS, "unmatched", place)
                .arg("detail", detail),
        );
        // Facts under a server id describe that server even when nothing else does: they are
        // still judged (dropping them would pass what they show). A name that matches no
        // server names nothing.
        if !crate::values::is_uuid(&owner) {
            l.facts = None;
        }
    }
    hits
}

/// Read again the files whose pruned entities must be whole: servers and backups described
/// elsewhere too (API dumps, host facts: descriptions of one entity are merged, and judged
/// together, whole), and the kinds checks read whole when the run has entities of another
/// kind (`whole_when`, see `checks::Reads::whole_when_present`). Files are read again in
/// parallel, each restored as soon as it is read.
pub(super) fn restore_whole(
    loaded: &mut [Loaded],
    inputs: &[Input],
    job: &FileJob,
    whole_when: &[(EntityKind, EntityKind)],
) {
    use crate::model::Origin;
    // Only pruned entities of the user's inventories are ever read again (a Terraform
    // entity is pruned only when nothing needs it whole: see `terraform::roots`).
    let pruned = |l: &Loaded| {
        l.entities()
            .any(|e| !e.is_whole() && e.origin == Origin::Native)
    };
    if !loaded.iter().any(pruned) {
        return;
    }
    let mut ids = HashSet::new();
    let mut present = HashSet::new();
    for e in loaded
        .iter()
        .flat_map(|l| l.entities().chain(l.facts.iter()))
    {
        present.insert(e.kind);
        if matches!(e.kind, EntityKind::Server | EntityKind::Backup) && e.origin != Origin::Native {
            ids.insert((e.kind, e.label().to_ascii_lowercase()));
        }
    }
    let whole_kinds: Vec<EntityKind> = whole_when
        .iter()
        .filter(|(_, other)| present.contains(other))
        .map(|(kind, _)| *kind)
        .collect();
    if ids.is_empty() && whole_kinds.is_empty() {
        return;
    }
    let needed = |e: &crate::model::Entity| {
        !e.is_whole()
            && e.origin == Origin::Native
            && (whole_kinds.contains(&e.kind)
                || ids.contains(&(e.kind, e.label().to_ascii_lowercase())))
    };
    loaded
        .par_iter_mut()
        .filter(|l| l.entities().any(needed))
        .for_each(|l| {
            let input = &inputs[l.unit as usize];
            let (entities, problem) = job.reread(input, &l.file);
            let mut entities = entities.into_iter();
            for e in l.docs.iter_mut().flat_map(|d| d.entities.iter_mut()) {
                match entities.next() {
                    Some(w) if needed(e) && w.kind == e.kind && w.label() == e.label() => {
                        e.restore(w)
                    }
                    _ => {}
                }
            }
            l.problems.extend(problem);
        });
}

impl FileJob<'_> {
    /// A file's entities, whole, read again from disk. A file that changed since the first
    /// read is reported: its findings could point at the wrong places.
    fn reread(
        &self,
        input: &Input,
        first: &SourceFile,
    ) -> (Vec<crate::model::Entity>, Option<Problem>) {
        let text = match crate::input::load::read(input, self.limits, self.stdin) {
            Ok(text) => text,
            Err((p, _)) => return (Vec::new(), Some(p)),
        };
        if !first.same_text(&text) {
            return (Vec::new(), Some(changed()));
        }
        let file = SourceFile::new(first.name.clone(), text);
        // Suppressions were taken at the first read.
        let parsed =
            parse::parse_keeping(&file.text(), format_of(input), self.limits, Comments::Skip);
        let (docs, _) = read_documents(&file, parsed.docs, 0);
        let entities = docs.into_iter().flat_map(|d| d.entities).collect();
        (entities, None)
    }
}

/// The `facts:` entries that count, in the order the inventory lists its servers: a server's
/// entries come from its first native description (later duplicates are not checked), and a
/// server stands where any description of it came first (an API dump read before the inventory
/// puts it first). When two servers name one file, the first in that order reads it.
pub(super) fn named_facts(loaded: &mut [Loaded]) -> Vec<FactsRef> {
    use crate::model::{EntityKind, Origin};
    use std::collections::HashMap;
    if loaded.iter().all(|l| l.facts_refs.is_empty()) {
        return Vec::new(); // no server names facts: no need to list them all
    }
    // Servers in inventory order, each with its first native description (file, serial).
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut first_native: Vec<Option<(usize, u32)>> = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        let servers = l
            .entities()
            .chain(l.facts.iter())
            .filter(|e| e.kind == EntityKind::Server && !e.label().is_empty());
        for e in servers {
            let at = *slot
                .entry(e.label().to_ascii_lowercase())
                .or_insert_with(|| {
                    first_native.push(None);
                    first_native.len() - 1
                });
            if e.origin == Origin::Native && first_native[at].is_none() {
                first_native[at] = Some((i, e.serial));
            }
        }
    }
    let mut refs: HashMap<(usize, u32), Vec<FactsRef>> = HashMap::new();
    for (i, l) in loaded.iter_mut().enumerate() {
        for r in std::mem::take(&mut l.facts_refs) {
            refs.entry((i, r.serial)).or_default().push(r);
        }
    }
    first_native
        .into_iter()
        .flatten()
        .flat_map(|at| refs.remove(&at).unwrap_or_default())
        .collect()
}
