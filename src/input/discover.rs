//! Which files to read: explicit paths as given, directories walked with the `ignore` crate
//! (hidden directories, `.gitignore` inside a git work tree, the config's `exclude` globs,
//! symlinks not followed unless asked). The result is sorted, so output order never depends
//! on the file system or on threads.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::error::UsageError;
use crate::input::source::display_path;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Stdin,
    Path(PathBuf),
    /// A special file (FIFO, socket, device) met while walking: not read, reported as a note.
    Special,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Path as shown in reports.
    pub name: String,
    pub origin: Origin,
    /// Named on the command line (a non-inventory file is then a usage error).
    pub explicit: bool,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    /// Things skipped with a reason (special files, unreadable directories).
    pub notes: Vec<String>,
}

pub struct Walk<'a> {
    pub cwd: &'a Path,
    pub exclude: &'a [String],
    /// The folder `exclude` globs are relative to: the config file's.
    pub exclude_base: &'a Path,
    pub follow_links: bool,
}

/// The server a facts file belongs to by the layout convention `facts/<server>/<file>`: the
/// server's id or its (unique) name, matched once every file is read.
pub fn facts_owner(path: &Path) -> Option<String> {
    let dir = path.parent()?;
    let owner = dir.file_name()?.to_str()?;
    let facts = dir.parent()?.file_name()?.to_str()?;
    (facts == "facts" && !owner.starts_with('.')).then(|| owner.to_string())
}

fn is_candidate(path: &Path) -> bool {
    facts_owner(path).is_some()
        || path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["yaml", "yml", "json", "tf"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
}

impl Walk<'_> {
    fn excludes(&self) -> Result<GlobSet, UsageError> {
        let mut set = GlobSetBuilder::new();
        for pattern in self.exclude {
            let glob = Glob::new(pattern)
                .map_err(|e| UsageError::msg(format!("invalid exclude glob `{pattern}`: {e}")))?;
            set.add(glob);
        }
        set.build()
            .map_err(|e| UsageError::msg(format!("invalid exclude globs: {e}")))
    }

    pub fn run(&self, paths: &[String]) -> Result<Discovered, UsageError> {
        let excludes = std::sync::Arc::new(self.excludes()?);
        let cwd = self.cwd.to_path_buf();
        let mut out = Discovered::default();
        for arg in paths {
            if arg == "-" {
                out.inputs.push(Input {
                    name: "<stdin>".into(),
                    origin: Origin::Stdin,
                    explicit: true,
                });
                continue;
            }
            let path = PathBuf::from(arg);
            let meta = std::fs::metadata(&path)
                .map_err(|e| UsageError::msg(format!("cannot read `{arg}`: {e}")))?;
            if !meta.is_dir() {
                out.inputs.push(Input {
                    name: display_path(&path, self.cwd),
                    origin: Origin::Path(path),
                    explicit: true,
                });
                continue;
            }
            let mut walker = ignore::WalkBuilder::new(&path);
            walker
                .hidden(true)
                .parents(true)
                .git_ignore(true)
                .git_exclude(true)
                .git_global(false)
                .require_git(true)
                .ignore(false)
                .follow_links(self.follow_links);
            let walk_root = path.clone();
            let (excludes, cwd) = (excludes.clone(), cwd.clone());
            let base = self.exclude_base.to_path_buf();
            walker.filter_entry(move |entry| {
                let p = entry.path();
                p == walk_root
                    || !excludes.is_match(crate::input::source::relative_to(p, &cwd, &base))
            });
            // Directories are listed on the run's threads (a tree of many module directories
            // costs several syscalls each); the sort below makes the order the same every time.
            walker.threads(rayon::current_num_threads());
            let found = Mutex::new(Discovered::default());
            walker.build_parallel().visit(&mut Collectors {
                walk: self,
                found: &found,
            });
            let found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
            out.inputs.extend(found.inputs);
            out.notes.extend(found.notes);
        }
        out.inputs.sort();
        out.notes.sort();
        // One file given twice (`inv` and `../x/inv`) is read once. Resolving a path is a
        // syscall per component: done on the run's threads.
        let real: Vec<PathBuf> = out
            .inputs
            .par_iter()
            .map(|i| match &i.origin {
                Origin::Path(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                Origin::Stdin | Origin::Special => PathBuf::from(&i.name),
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut real = real.into_iter();
        out.inputs
            .retain(|_| real.next().is_some_and(|path| seen.insert(path)));
        Ok(out)
    }

    /// What one entry of a walk adds: an input, a special file, or a note saying why not.
    fn take(&self, entry: Result<ignore::DirEntry, ignore::Error>, out: &mut Discovered) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.notes.push(format!("skipped: {e}"));
                return;
            }
        };
        let Some(file_type) = entry.file_type() else {
            return;
        };
        let p = entry.path();
        if file_type.is_dir() || !is_candidate(p) {
            return;
        }
        if file_type.is_symlink() {
            // Not followed: a symlink met while walking is skipped unless --follow-links.
            out.notes.push(format!(
                "skipped {}: symbolic link (use --follow-links)",
                display_path(p, self.cwd)
            ));
            return;
        }
        let origin = if file_type.is_file() {
            Origin::Path(p.to_path_buf())
        } else {
            Origin::Special
        };
        out.inputs.push(Input {
            name: display_path(p, self.cwd),
            origin,
            explicit: false,
        });
    }
}

/// One collector per thread of a parallel walk, all adding to `found`.
struct Collectors<'s> {
    walk: &'s Walk<'s>,
    found: &'s Mutex<Discovered>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for Collectors<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Collector {
            walk: self.walk,
            found: self.found,
            mine: Discovered::default(),
        })
    }
}

/// What one thread of a walk found, handed over when the thread is done with it.
struct Collector<'s> {
    walk: &'s Walk<'s>,
    found: &'s Mutex<Discovered>,
    mine: Discovered,
}

impl ignore::ParallelVisitor for Collector<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> ignore::WalkState {
        self.walk.take(entry, &mut self.mine);
        ignore::WalkState::Continue
    }
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        found.inputs.append(&mut self.mine.inputs);
        found.notes.append(&mut self.mine.notes);
    }
}
