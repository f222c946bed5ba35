//! Terraform: modules (`.tf`, `.tf.json` with their tfvars) and plans
//! (`terraform show -json`) read into the same entities as inventories, so every rule judges
//! what `terraform apply` will send.

pub mod config;
pub mod eval;
mod map;
pub mod module;
pub mod plan;

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::input::source::SourceFile;
use crate::model::Entity;
use crate::syntax::parse::Problem;

/// What a file of a module is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.tf` or `.tf.json`: configuration.
    Config,
    /// `terraform.tfvars(.json)` or `*.auto.tfvars(.json)` of a root module's directory.
    Vars,
    /// A file given with `--var-file`.
    VarFile,
}

impl Kind {
    /// What a file is by its name; `None` for a file Terraform does not read by itself.
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            Some(Kind::Config)
        } else if name == "terraform.tfvars"
            || name == "terraform.tfvars.json"
            || name.ends_with(".auto.tfvars")
            || name.ends_with(".auto.tfvars.json")
        {
            Some(Kind::Vars)
        } else {
            None
        }
    }
}

/// One file of a module, parsed (`body` is `None` when it did not parse: its problem is
/// reported by the caller).
pub struct Source {
    pub file: Arc<SourceFile>,
    pub path: PathBuf,
    pub kind: Kind,
    pub body: Option<config::Body>,
}

/// What the command line adds, as `terraform plan` takes it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_name` variables of the environment, by name.
    pub env: Vec<(String, String)>,
}

impl Options {
    /// `NAME=VALUE` of `--var`.
    pub fn parse_var(text: &str) -> Result<(String, String), String> {
        match text.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_string(), value.to_string()))
            }
            _ => Err(format!("`{text}` is not NAME=VALUE")),
        }
    }

    /// `TF_VAR_*` from the environment.
    pub fn from_env() -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
            .collect();
        env.sort();
        env
    }
}

/// The directories of local modules that a module's files call.
pub fn called_dirs(dir: &Path, bodies: &[&config::Body]) -> Vec<PathBuf> {
    bodies
        .iter()
        .flat_map(|b| b.blocks("module"))
        .filter_map(|call| module::local_source(dir, &call.body.attr("source")?.expr))
        .collect()
}

/// `DIR:` for a root module, DIR as its files are shown.
fn root_label(sources: &[Source], files: &[usize]) -> String {
    let shown = files
        .iter()
        .map(|&i| &sources[i])
        .find(|s| s.kind == Kind::Config)
        .and_then(|s| {
            Path::new(&s.file.name)
                .parent()
                .map(|p| p.display().to_string())
        })
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    format!("{shown}:")
}

/// The address without the root module's directory (see [`read`]).
pub fn bare_address(address: &str) -> &str {
    address
        .match_indices(':')
        .map(|(i, _)| &address[i + 1..])
        .find(|rest| crate::values::is_terraform_address(rest))
        .unwrap_or(address)
}

/// One root module's entities and problems, each with the position of its source.
type RootRead = (Vec<(usize, Entity)>, Vec<(usize, Problem)>);

/// What reading the modules gives: the entities of each source (by position) and problems
/// worth a finding (remote modules not fetched).
pub struct Read {
    pub entities: Vec<Vec<Entity>>,
    pub problems: Vec<(usize, Problem)>,
}

/// Read every module whose directory holds configuration among `sources`, except those only
/// used as local modules of another (read through their calls, with inputs bound).
pub fn read(sources: &[Source], options: &Options) -> Read {
    let dirs: BTreeSet<&Path> = sources
        .iter()
        .filter(|s| s.kind == Kind::Config)
        .filter_map(|s| s.path.parent())
        .collect();
    let called: BTreeSet<PathBuf> = sources
        .iter()
        .filter(|s| s.kind == Kind::Config)
        .filter_map(|s| Some(called_dirs(s.path.parent()?, &[s.body.as_ref()?])))
        .flatten()
        .collect();
    let mut by_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        if let Some(dir) = s.path.parent() {
            by_dir.entry(dir).or_default().push(i);
        }
    }
    let roots: Vec<&Path> = dirs
        .iter()
        .copied()
        .filter(|d| !called.contains(*d))
        .collect();
    // Root modules are independent: read in parallel, gathered in order.
    let read: Vec<RootRead> = roots
        .par_iter()
        .map(|dir| {
            // Addresses are unique within a root module only: with several in the run, each
            // address starts with its root's directory (`infra/prod:huaweicloud_…`).
            let label = if roots.len() > 1 {
                root_label(sources, by_dir.get(*dir).map_or(&[][..], Vec::as_slice))
            } else {
                String::new()
            };
            let mut reader = module::Reader::new(sources, &by_dir);
            reader.read_module(dir, &label, module::Inputs::Root(options));
            (map::entities(&reader.instances, sources), reader.problems)
        })
        .collect();
    let mut entities: Vec<Vec<Entity>> = (0..sources.len()).map(|_| Vec::new()).collect();
    let mut problems = Vec::new();
    for (found, mut p) in read {
        for (source, e) in found {
            entities[source].push(e);
        }
        problems.append(&mut p);
    }
    Read { entities, problems }
}
