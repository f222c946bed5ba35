//! Terraform: modules (`.tf`, `.tf.json` with their tfvars) and plans
//! (`terraform show -json`) read into the same entities as inventories, so every rule judges
//! what `terraform apply` will send.

pub mod config;
mod cycles;
mod dynamic;
pub mod eval;
mod functions;
mod map;
pub mod module;
pub mod overrides;
pub mod plan;
mod size;
mod types;
mod vaults;

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::input::source::SourceFile;
use crate::model::Entity;
use crate::syntax::parse::Problem;

/// Most directories of called modules one run reads besides its own (a guard against a
/// generated tree of calls; a call beyond it is an `inventory-limit` error where its `source`
/// is written). Every directory of the run's own Terraform files is read, however many.
pub const MAX_CALLED_DIRS: usize = 1024;

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

/// A file of a module's directory that Terraform does not read whatever its extension: a
/// hidden one (`.main.tf`, an editor's backup or lock file), as `IsIgnoredFile` of
/// Terraform's `configs/parser_config_dir.go` says (its other cases, `~` and `#…#`, have no
/// Terraform extension).
pub fn ignored_file(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// The resource type an older name stands for (the provider keeps `_v2` and `evsv3` names as
/// aliases of the same resources).
pub fn canonical(ty: &str) -> &str {
    match ty {
        "huaweicloud_compute_instance_v2" => "huaweicloud_compute_instance",
        "huaweicloud_compute_volume_attach_v2" => "huaweicloud_compute_volume_attach",
        "huaweicloud_images_image_v2" => "huaweicloud_images_image",
        "huaweicloud_evsv3_volume" | "huaweicloud_blockstorage_volume_v2" => {
            "huaweicloud_evs_volume"
        }
        other => other,
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
    /// How many of `var_files` come before each of `vars` on the command line: they are
    /// applied in that order, a later one winning (missing: after every file).
    pub files_before: Vec<usize>,
    /// `TF_VAR_name` variables of the environment, by name.
    pub env: Vec<(String, String)>,
    /// The root variables' values a plan of the root module was made with (its
    /// `variables`): what `terraform apply` of that plan uses, over every other source.
    pub planned: Vec<(String, hcl::Value)>,
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
        .filter_map(|call| {
            let name = call.labels.first()?;
            module::called_dir(dir, name, &call.body.attr("source")?.expr)
        })
        .collect()
}

/// `DIR:` for a root module, DIR as its files are shown.
fn root_label(sources: &[&Source], files: &[usize]) -> String {
    let shown = files
        .iter()
        .map(|&i| sources[i])
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

/// The address without the root module's directory (see [`Modules::read_root`]).
pub fn bare_address(address: &str) -> &str {
    address
        .match_indices(':')
        .map(|(i, _)| &address[i + 1..])
        .find(|rest| crate::values::is_terraform_address(rest))
        .unwrap_or(address)
}

/// An address without the instance keys of its modules and resources (`module.web[0].x.y["a"]`
/// is `module.web.x.y`): what a plan's `configuration` names it by, and the resource its
/// instances are of.
pub fn without_keys(address: &str) -> String {
    crate::values::address_chars(address)
        .filter(|&(_, _, outside)| outside)
        .map(|(_, c, _)| c)
        .collect()
}

/// One root module's entities and problems, each with the position of its source.
pub type RootRead = (Vec<(usize, Entity)>, Vec<(usize, Problem)>);

/// The modules of some parsed files: which directories are root modules, and each root
/// read (with the local modules it calls, found among the same files).
pub struct Modules<'s> {
    sources: &'s [&'s Source],
    /// The files of each directory, by position in `sources`.
    by_dir: HashMap<&'s Path, Vec<usize>>,
    /// Directories of called modules left unread (past [`MAX_CALLED_DIRS`]).
    cut: &'s BTreeSet<PathBuf>,
}

impl<'s> Modules<'s> {
    pub fn new(sources: &'s [&'s Source], cut: &'s BTreeSet<PathBuf>) -> Modules<'s> {
        let mut by_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (i, s) in sources.iter().enumerate() {
            if let Some(dir) = s.path.parent() {
                by_dir.entry(dir).or_default().push(i);
            }
        }
        Modules {
            sources,
            by_dir,
            cut,
        }
    }

    /// One root module's entities and problems (remote modules not fetched). `labelled`: the
    /// run has several root modules, whose addresses are unique within each only: each
    /// address then starts with its root's directory (`infra/prod:huaweicloud_…`).
    pub fn read_root(&self, dir: &Path, labelled: bool, options: &Options) -> RootRead {
        let label = if labelled {
            root_label(
                self.sources,
                self.by_dir.get(dir).map_or(&[][..], Vec::as_slice),
            )
        } else {
            String::new()
        };
        let mut reader = module::Reader::new(self.sources, &self.by_dir, self.cut);
        reader.read_module(dir, &label, module::Inputs::Root(options));
        (
            map::entities(&reader.instances, self.sources),
            reader.problems,
        )
    }
}

/// The arguments of the provider's resources that an entity's field of another name is read
/// from (what is unknown is said by its argument's name).
pub fn arguments_of(field: &str) -> &'static [&'static str] {
    match field {
        "image" => &["image_id", "source_image_id"],
        "projects" => &["target_project_ids"],
        _ => &[],
    }
}
