//! Terraform modules in a run: every directory holding `.tf` files is read as one
//! module, with its tfvars, the `--var-file`s and the local modules it calls (read from disk
//! even when outside the given paths); the model then evaluates them, each root module on one
//! thread ([`roots`]). Each file keeps its own findings and suppressions, like any input.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::UsageError;
use crate::input::discover::{Input, Origin};
use crate::input::source::SourceFile;
use crate::model::terraform::{self, Kind, Source};
use crate::model::{DocKind, DocModel, Entity};
use crate::store::packed::Packed;
use crate::syntax::parse::{Limits, Problem};

use rayon::prelude::*;

use super::files::{FileJob, Loaded};

mod join;
mod parse;
mod roots;

use join::{ByName, Pair, Planned};
use parse::{ParsedFile, parse_file};
use roots::{Freezing, Root, RootOut, RootTask};

use terraform::MAX_CALLED_DIRS;

/// Read the modules of the run's Terraform inputs, fill in their `Loaded` entries, and add
/// one for each other file read (tfvars, var files, other files of a module, called
/// modules' files), numbered from `next_unit`.
pub(super) fn read_modules(
    loaded: &mut Vec<Loaded>,
    inputs: &[Input],
    options: &terraform::Options,
    job: &FileJob,
    next_unit: u32,
) -> Result<(), UsageError> {
    let (limits, cwd) = (job.limits, job.cwd);
    let mut at: HashMap<PathBuf, usize> = HashMap::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        if let Some(input) = inputs.get(l.unit as usize)
            && let Origin::Path(p) = &input.origin
            && Kind::of(p).is_some()
        {
            if input.explicit && p.file_name().is_some_and(terraform::ignored_file) {
                return Err(UsageError::msg(format!(
                    "{}: Terraform does not read a file whose name starts with `.`, so neither does ims-preflight; rename it to check it",
                    input.name
                )));
            }
            let p = crate::input::source::normalize(p);
            if super::files::is_config(input) {
                queue.extend(p.parent().map(Path::to_path_buf));
            }
            at.insert(p, i);
        }
    }
    // A `--var-file` that cannot be read is a usage error whatever the run holds (a run of
    // plans alone too: a typo in a CI template's path is said, not passed over).
    for path in &options.var_files {
        // Any file Terraform would read: `/dev/null`, a shell's `<(…)` too, not a directory.
        let problem = if !path.exists() {
            Some("no such file")
        } else if path.is_dir() {
            Some("a directory, not a file")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(UsageError::msg(format!(
                "--var-file {}: {problem}",
                crate::input::source::display_path(path, cwd)
            )));
        }
    }
    if queue.is_empty() {
        return Ok(());
    }
    let mut unit = next_unit;
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    queue.sort();
    queue.dedup();
    queue.retain(|d| seen.insert(d.clone()));
    let mut called_read = 0;
    // The called modules' directories past `MAX_CALLED_DIRS`, not read.
    let mut cut: BTreeSet<PathBuf> = BTreeSet::new();
    // The directories of the run's configuration, their files read (not yet parsed).
    let listed: Vec<(PathBuf, Vec<(PathBuf, Kind)>)> = queue
        .into_par_iter()
        .map(|dir| {
            let files = module_files(&dir);
            (dir, files)
        })
        .collect();
    let mut listed: BTreeMap<PathBuf, Vec<(PathBuf, Kind)>> = listed.into_iter().collect();
    let all: Vec<(PathBuf, Kind)> = listed.values().flatten().cloned().collect();
    read_batch(&all, loaded, &mut at, &mut unit, limits, cwd);
    // A directory none of whose configuration says `module` calls no module: unless another
    // calls it, it is a root module read from start to end on one thread (parsed, evaluated,
    // judged and let go, see `Root::Unparsed`). The others, and the modules they call, are
    // parsed first, a level of local module calls at a time, each level in parallel.
    let shared: &[Loaded] = loaded;
    let mut level: Vec<PathBuf> = listed
        .par_iter()
        .filter(|(_, files)| {
            files.iter().any(|(path, kind)| {
                let json = path.extension().is_some_and(|e| e == "json");
                *kind == Kind::Config && may_call_modules(&shared[at[path]].file.text(), json)
            })
        })
        .map(|(dir, _)| dir.clone())
        .collect();
    let eager = level.clone();
    let mut sources: Vec<Source> = Vec::new();
    // Which `Loaded` each source is (an input of the run, or a file read here).
    let mut owners: Vec<usize> = Vec::new();
    let mut parsed: Vec<ParsedFile> = Vec::new();
    // Which directories each module directory calls.
    let mut calls: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    loop {
        level.sort();
        level.dedup();
        let mut batch: Vec<(PathBuf, Kind)> = Vec::new();
        for dir in &level {
            if let Some(files) = listed.remove(dir) {
                batch.extend(files);
            } else if !seen.contains(dir) {
                if called_read < MAX_CALLED_DIRS {
                    seen.insert(dir.clone());
                    called_read += 1;
                    batch.extend(module_files(dir));
                } else {
                    cut.insert(dir.clone());
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        let first = sources.len();
        read_batch(&batch, loaded, &mut at, &mut unit, limits, cwd);
        let shared: &[Loaded] = loaded;
        let level_parsed: Vec<(Source, ParsedFile)> = batch
            .into_par_iter()
            .map(|(path, kind)| parse_file(shared, at[&path], path, kind, limits))
            .collect();
        for (source, file) in level_parsed {
            owners.push(file.owner);
            sources.push(source);
            parsed.push(file);
        }
        level = sources[first..]
            .iter()
            .filter(|s| s.kind == Kind::Config)
            .filter_map(|s| {
                let dir = s.path.parent()?;
                let called = terraform::called_dirs(dir, &[s.body.as_ref()?]);
                calls
                    .entry(dir.to_path_buf())
                    .or_default()
                    .extend(called.iter().cloned());
                Some(called)
            })
            .flatten()
            .collect();
    }
    for path in &options.var_files {
        let batch = [(path.clone(), Kind::VarFile)];
        read_batch(&batch, loaded, &mut at, &mut unit, limits, cwd);
        let (source, file) = parse_file(loaded, at[path], path.clone(), Kind::VarFile, limits);
        owners.push(file.owner);
        sources.push(source);
        parsed.push(file);
    }
    terraform::overrides::merge(&mut sources);
    let units: Vec<u32> = owners.iter().map(|&owner| loaded[owner].unit).collect();
    let refs: Vec<&Source> = sources.iter().collect();
    let modules = terraform::Modules::new(&refs, &cut);
    // Every module called is not a root, whether or not the run names its directory; but a
    // directory called only from modules it calls itself (a cycle through it) is a root too,
    // the first of the cycle in path order: else none of it would be read.
    let called: BTreeSet<&PathBuf> = calls.values().flatten().collect();
    let mut root_dirs: Vec<&PathBuf> = eager.iter().filter(|d| !called.contains(*d)).collect();
    let mut reached = reachable(&root_dirs, &calls);
    for dir in &eager {
        if !reached.contains(dir) {
            root_dirs.push(dir);
            reached.extend(reachable(&[dir], &calls));
        }
    }
    let mut roots: Vec<Root> = root_dirs.into_iter().map(|dir| Root::Parsed(dir)).collect();
    roots.extend(listed.iter().map(|(dir, files)| Root::Unparsed(dir, files)));
    let task = RootTask {
        loaded,
        at: &at,
        labelled: roots.len() > 1,
        options,
        job,
        names: ByName::of(loaded),
        planned: Planned::of(loaded, inputs, roots.len() == 1),
        var_files: sources
            .iter()
            .zip(&owners)
            .filter(|(s, _)| s.kind == Kind::VarFile)
            .map(|(s, &owner)| (s, owner))
            .collect(),
        freezing: Freezing::of(loaded, inputs),
    };
    let read: Vec<RootOut> = roots
        .par_iter()
        .map(|root| match root {
            Root::Parsed(dir) => task.read_parsed(dir, &modules, &refs, &owners, &units),
            Root::Unparsed(dir, files) => task.read_unparsed(dir, files),
        })
        .collect();
    let names = task.names;
    drop(modules);
    drop(refs);
    // The parsed files are many small allocations, made on the threads that parsed them:
    // freed there too, in parallel.
    sources.into_par_iter().for_each(drop);
    let mut entities: HashMap<usize, Vec<Entity>> = HashMap::new();
    let mut local: HashMap<usize, Packed> = HashMap::new();
    let mut paired: HashSet<Pair> = HashSet::new();
    // As `terraform plan` does: a value for a variable no root module declares is a mistake
    // (a misspelt name would leave the intended variable at its default, unseen).
    let declared: Option<HashSet<&String>> = read
        .iter()
        .map(|out| out.declared.as_ref())
        .collect::<Option<Vec<_>>>()
        .map(|all| all.into_iter().flatten().collect());
    let undeclared = declared.and_then(|declared| {
        options
            .vars
            .iter()
            .find(|(name, _)| !declared.contains(name))
    });
    if let Some((name, _)) = undeclared {
        return Err(UsageError::msg(format!(
            "--var {name}: no root module of the run declares a variable `{name}`"
        )));
    }
    for out in read {
        paired.extend(out.paired);
        parsed.extend(out.parsed);
        for (owner, e) in out.entities {
            entities.entry(owner).or_default().push(e);
        }
        for (owner, problem) in out.problems {
            loaded[owner].problems.push(problem);
        }
        local.extend(out.hits);
    }
    for file in parsed {
        let l = &mut loaded[file.owner];
        l.problems.extend(file.problem);
        l.suppressions = crate::suppress::inline(&l.file, &file.comments);
        if let Some(found) = entities.remove(&file.owner) {
            l.docs.push(DocModel {
                kind: DocKind::Inventory,
                entities: found,
                hits: Vec::new(),
                destroyed: Vec::new(),
                variables: Vec::new(),
            });
        }
        if let Some(hits) = local.remove(&file.owner) {
            l.local = hits;
        }
        l.terraform = true;
        l.number_entities();
    }
    drop_planned_twice(loaded, &paired);
    names.join_plans(loaded);
    Ok(())
}

/// The directories `from` and those they call, directly or not.
fn reachable<'a>(
    from: &[&'a PathBuf],
    calls: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
) -> HashSet<&'a PathBuf> {
    let mut seen: HashSet<&PathBuf> = HashSet::new();
    let mut stack: Vec<&PathBuf> = from.to_vec();
    while let Some(dir) = stack.pop() {
        if seen.insert(dir) {
            stack.extend(calls.get(dir).into_iter().flatten());
        }
    }
    seen
}

/// Whether a configuration file may hold a `module` block: a line that starts with the word
/// `module` (HCL writes each block of a body on a line of its own; a comment may come before
/// it), or a `"module"` key (JSON). A yes may be wrong (a heredoc's line), a no never is.
fn may_call_modules(text: &str, json: bool) -> bool {
    // `memmem` looks for the word with SIMD: every configuration file of the run is scanned.
    if json {
        return memchr::memmem::find(text.as_bytes(), b"\"module\"").is_some();
    }
    let word = "module";
    memchr::memmem::find_iter(text.as_bytes(), word).any(|at| {
        let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1);
        let before = text[line_start..at].trim();
        let after = text[at + word.len()..].chars().next();
        (before.is_empty() || before.ends_with("*/"))
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// A module and its plan in one run describe the same resources: the module's entities,
/// which took the plan's values (see [`Planned::apply`]), are kept (their findings point at
/// the `.tf` attribute a pull request can annotate) and the plan's so paired dropped.
fn drop_planned_twice(loaded: &mut [Loaded], paired: &HashSet<Pair>) {
    if paired.is_empty() {
        return;
    }
    for (at, l) in loaded.iter_mut().enumerate() {
        let mut changed = false;
        for doc in &mut l.docs {
            let before = doc.entities.len();
            doc.entities.retain(|e| match e.terraform_address() {
                Some((address, true)) => {
                    !paired.contains(&(at, e.kind, terraform::bare_address(address).to_string()))
                }
                _ => true,
            });
            changed |= doc.entities.len() != before;
        }
        if changed {
            l.number_entities();
        }
    }
}

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
    // The directory of `main.tf` (`check .` in a module's directory) is the empty path.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut files: Vec<(PathBuf, Kind)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !terraform::ignored_file(&e.file_name()))
        .filter_map(|e| {
            let path = crate::input::source::normalize(&e.path());
            let kind = Kind::of(&path)?;
            Some((path, kind))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod tests {
    use super::may_call_modules;

    #[test]
    fn a_module_block_is_seen_wherever_it_may_be_and_the_word_elsewhere_is_not() {
        let hcl = |text: &str| may_call_modules(text, false);
        assert!(hcl("module \"app\" {\n  source = \"./app\"\n}\n"));
        assert!(hcl("locals {}\n  module \"app\" {}\n"));
        assert!(hcl("/* app */ module \"app\" {}\n"));
        assert!(!hcl("# generated module 0\nlocals { modules = 1 }\n"));
        assert!(!hcl("resource \"a\" \"b\" {\n  name = \"module\"\n}\n"));
        let json = |text: &str| may_call_modules(text, true);
        assert!(json(r#"{"module": {"app": {"source": "./app"}}}"#));
        assert!(!json(r#"{"resource": {}}"#));
    }
}
