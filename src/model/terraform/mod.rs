//! Terraform (SPEC §10): modules (`.tf`, `.tf.json` with their tfvars) and plans
//! (`terraform show -json`) read into the same entities as inventories, so every rule judges
//! what `terraform apply` will send.

pub mod config;
pub mod eval;
mod map;
pub mod module;
pub mod plan;

use std::collections::BTreeSet;
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
    let called: BTreeSet<PathBuf> = dirs
        .iter()
        .flat_map(|dir| {
            let bodies: Vec<&config::Body> = sources
                .iter()
                .filter(|s| s.kind == Kind::Config && s.path.parent() == Some(dir))
                .filter_map(|s| s.body.as_ref())
                .collect();
            called_dirs(dir, &bodies)
        })
        .collect();
    let mut reader = module::Reader::new(sources);
    for dir in dirs.iter().filter(|d| !called.contains(**d)) {
        reader.read_module(dir, "", module::Inputs::Root(options));
    }
    Read {
        entities: map::entities(&reader.instances, sources),
        problems: reader.problems,
    }
}
