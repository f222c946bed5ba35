//! Terraform modules in a run: every directory holding `.tf` files is read as one
//! module, with its tfvars, the `--var-file`s and the local modules it calls (read from disk
//! even when outside the given paths); the model then evaluates them. Each file keeps its own
//! findings and suppressions, like any input.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::UsageError;
use crate::input::discover::{Input, Origin};
use crate::input::source::SourceFile;
use crate::model::terraform::{self, Kind, Source, config};
use crate::model::{DocKind, DocModel};
use crate::syntax::parse::{Format, Limits, Problem};

use rayon::prelude::*;

use super::files::Loaded;

/// Most module directories one run reads (local module calls included).
const MAX_DIRS: usize = 1024;

/// A Terraform input of the walk is only read here: `load` leaves it unparsed.
pub(super) fn is_config(input: &Input) -> bool {
    match &input.origin {
        Origin::Path(p) => Kind::of(p) == Some(Kind::Config),
        Origin::Stdin | Origin::Special => false,
    }
}

/// Read the modules of the run's Terraform inputs, fill in their `Loaded` entries, and add
/// one for each other file read (tfvars, var files, other files of a module, called
/// modules' files), numbered from `next_unit`.
pub(super) fn read_modules(
    loaded: &mut Vec<Loaded>,
    inputs: &[Input],
    options: &terraform::Options,
    limits: &Limits,
    cwd: &Path,
    next_unit: u32,
) -> Result<(), UsageError> {
    let mut at: HashMap<PathBuf, usize> = HashMap::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        if let Some(input) = inputs.get(l.unit as usize)
            && let Origin::Path(p) = &input.origin
            && Kind::of(p).is_some()
        {
            let p = crate::input::source::normalize(p);
            if is_config(input) {
                queue.extend(p.parent().map(Path::to_path_buf));
            }
            at.insert(p, i);
        }
    }
    if queue.is_empty() {
        return Ok(());
    }
    let mut sources: Vec<Source> = Vec::new();
    // Which `Loaded` each source is (an input of the run, or a file read here).
    let mut owners: Vec<usize> = Vec::new();
    let mut problems: Vec<Option<Problem>> = Vec::new();
    let mut comments = Vec::new();
    let mut unit = next_unit;
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    // Directory by directory, a level of local module calls at a time; each level's files
    // read and parsed in parallel.
    let mut level: Vec<PathBuf> = queue;
    loop {
        level.sort();
        level.dedup();
        level.retain(|d| seen.len() < MAX_DIRS && seen.insert(d.clone()));
        if level.is_empty() {
            break;
        }
        let batch: Vec<(PathBuf, Kind)> = level.iter().flat_map(|d| module_files(d)).collect();
        let first = sources.len();
        read_batch(&batch, loaded, &mut at, &mut unit, limits, cwd);
        let parsed: Vec<Parsed> = batch
            .par_iter()
            .map(|(path, kind)| {
                let l = &loaded[at[path]];
                if l.problems.is_empty() {
                    parse(&l.file, path, *kind, limits)
                } else {
                    (None, None, Vec::new())
                }
            })
            .collect();
        for ((path, kind), (body, problem, found)) in batch.into_iter().zip(parsed) {
            let owner = at[&path];
            sources.push(Source {
                file: loaded[owner].file.clone(),
                path,
                kind,
                body,
            });
            owners.push(owner);
            problems.push(problem);
            comments.push(found);
        }
        level = sources[first..]
            .iter()
            .filter(|s| s.kind == Kind::Config)
            .filter_map(|s| {
                let dir = s.path.parent()?;
                Some(terraform::called_dirs(dir, &[s.body.as_ref()?]))
            })
            .flatten()
            .collect();
    }
    for path in &options.var_files {
        if !path.is_file() {
            return Err(UsageError::msg(format!(
                "--var-file {}: no such file",
                crate::input::source::display_path(path, cwd)
            )));
        }
        let batch = [(path.clone(), Kind::VarFile)];
        read_batch(&batch, loaded, &mut at, &mut unit, limits, cwd);
        let owner = at[path];
        let (body, problem, found) = parse(&loaded[owner].file, path, Kind::VarFile, limits);
        sources.push(Source {
            file: loaded[owner].file.clone(),
            path: path.clone(),
            kind: Kind::VarFile,
            body,
        });
        owners.push(owner);
        problems.push(problem);
        comments.push(found);
    }
    let out = terraform::read(&sources, options);
    let mut entities = out.entities;
    for (i, owner) in owners.iter().enumerate() {
        let l = &mut loaded[*owner];
        l.problems.extend(problems[i].take());
        l.suppressions = crate::suppress::inline(&l.file, &comments[i]);
        let found = std::mem::take(&mut entities[i]);
        if !found.is_empty() {
            l.docs.push(DocModel {
                kind: DocKind::Inventory,
                entities: found,
                hits: Vec::new(),
            });
        }
        l.terraform = true;
        l.number_entities();
    }
    for (i, problem) in out.problems {
        loaded[owners[i]].problems.push(problem);
    }
    drop_planned_twice(loaded);
    join_by_name(loaded);
    Ok(())
}

/// A Terraform server known only by its address (a data source found by `name`, an instance
/// whose id is known after apply) is the server of the inventory or an API dump with the same
/// name, when exactly one has it: its id then stands for the address, in the server
/// and in the requests that use it, so the descriptions merge.
fn join_by_name(loaded: &mut [Loaded]) {
    use crate::model::{EntityKind, Origin};
    use crate::values::is_terraform_address;
    let servers = || {
        loaded
            .iter()
            .flat_map(Loaded::entities)
            .filter(|e| e.kind == EntityKind::Server)
    };
    let mut named: HashMap<String, Vec<String>> = HashMap::new();
    for e in servers().filter(|e| e.origin != Origin::Terraform) {
        if let Some(name) = e.str("name") {
            named
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push(e.label().to_string());
        }
    }
    let joined: HashMap<String, String> = servers()
        .filter(|e| e.origin == Origin::Terraform && is_terraform_address(&e.label()))
        .filter_map(|e| {
            let name = e.str("name")?.to_ascii_lowercase();
            match named.get(&name).map(Vec::as_slice) {
                Some([id]) => Some((e.label().to_string(), id.clone())),
                _ => None,
            }
        })
        .collect();
    if joined.is_empty() {
        return;
    }
    for l in loaded.iter_mut() {
        for e in l.docs.iter_mut().flat_map(|d| d.entities.iter_mut()) {
            if e.origin != Origin::Terraform {
                continue;
            }
            let field = match e.kind {
                EntityKind::Server => "id",
                EntityKind::Request => "instance_id",
                _ => continue,
            };
            if let Some(id) = e.str(field).and_then(|a| joined.get(&*a)).cloned() {
                e.set_text(field, &id);
            }
        }
    }
}

/// A module and its plan in one run describe the same resources: the module's entities are
/// kept (their findings point at the `.tf` attribute a pull request can annotate)
/// and the plan's of the same address dropped.
fn drop_planned_twice(loaded: &mut [Loaded]) {
    let from_modules: std::collections::HashSet<String> = loaded
        .iter()
        .flat_map(Loaded::entities)
        .filter_map(|e| match e.terraform_address() {
            Some((address, false)) => Some(terraform::bare_address(address).to_string()),
            _ => None,
        })
        .collect();
    if from_modules.is_empty() {
        return;
    }
    for l in loaded.iter_mut() {
        let mut changed = false;
        for doc in &mut l.docs {
            let before = doc.entities.len();
            doc.entities.retain(
                |e| !matches!(e.terraform_address(), Some((a, true)) if from_modules.contains(a)),
            );
            changed |= doc.entities.len() != before;
        }
        if changed {
            l.number_entities();
        }
    }
}

/// A parsed file of a module: its configuration, the problem that kept it from parsing, and
/// its suppression comments.
type Parsed = (
    Option<config::Body>,
    Option<Problem>,
    Vec<crate::syntax::parse::Comment>,
);

/// Read (in parallel) the files of a batch that no `Loaded` holds yet, each a new `Loaded`
/// numbered from `unit` in the batch's order.
fn read_batch(
    batch: &[(PathBuf, Kind)],
    loaded: &mut Vec<Loaded>,
    at: &mut HashMap<PathBuf, usize>,
    unit: &mut u32,
    limits: &Limits,
    cwd: &Path,
) {
    let fresh: Vec<&PathBuf> = batch
        .iter()
        .map(|(p, _)| p)
        .filter(|p| !at.contains_key(*p))
        .collect();
    let read: Vec<(Arc<SourceFile>, Option<Problem>)> = fresh
        .par_iter()
        .map(|path| {
            let input = Input {
                name: crate::input::source::display_path(path, cwd),
                origin: Origin::Path((*path).clone()),
                explicit: false,
            };
            crate::input::load::source(&input, limits, None)
        })
        .collect();
    for (path, (file, problem)) in fresh.into_iter().zip(read) {
        loaded.push(Loaded::new(*unit, file, problem));
        *unit += 1;
        at.insert(path.clone(), loaded.len() - 1);
    }
}

/// The files Terraform reads in a module's directory, in name order.
fn module_files(dir: &Path) -> Vec<(PathBuf, Kind)> {
    let mut files: Vec<(PathBuf, Kind)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let path = crate::input::source::normalize(&e.path());
            let kind = Kind::of(&path)?;
            Some((path, kind))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Parse one file of a module into the model's configuration shape.
fn parse(
    file: &Arc<SourceFile>,
    path: &Path,
    kind: Kind,
    limits: &Limits,
) -> (
    Option<config::Body>,
    Option<Problem>,
    Vec<crate::syntax::parse::Comment>,
) {
    let text = file.text();
    let json = path.extension().is_some_and(|e| e == "json");
    if json {
        let mut parsed = crate::syntax::parse::parse(&text, Format::Json, limits);
        let Some(root) = parsed.docs.pop() else {
            return (None, parsed.problems.into_iter().next(), Vec::new());
        };
        let body = match kind {
            Kind::Config => config::from_json(&root),
            Kind::Vars | Kind::VarFile => config::json_body(&root, false),
        };
        return (Some(body), None, Vec::new());
    }
    match crate::syntax::terraform::parse(&text, limits, crate::suppress::MARKER) {
        Ok(parsed) => (Some(config::from_hcl(parsed.body)), None, parsed.comments),
        Err(problem) => (None, Some(problem), Vec::new()),
    }
}
