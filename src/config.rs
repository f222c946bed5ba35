//! `.ims-preflight.yaml`: severity overrides, excludes, the failure threshold, custom rule
//! paths, suppressions with reasons and limits. Found once, from the working directory upward.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UsageError;
use crate::finding::Severity;
use crate::finding::ids;
use crate::rules::RuleSet;
use crate::syntax::parse::Limits;
use crate::syntax::tree::Span;

pub const FILE_NAME: &str = ".ims-preflight.yaml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Note => Some(Severity::Note),
            Level::Off => None,
        }
    }
}

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub rule: String,
    /// Server/backup id or request name; absent = every entity.
    #[serde(default)]
    pub entity: Option<String>,
    /// Glob of file paths the entry is limited to.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    pub max_file_bytes: Option<u64>,
    pub max_depth: Option<usize>,
    pub max_nodes: Option<usize>,
    pub max_alias_nodes: Option<usize>,
    pub max_line_length: Option<usize>,
    pub max_files: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// Unknowns are errors (`request-unverified` at error severity), as `--strict`.
    #[serde(default)]
    pub strict: bool,
    #[serde(default)]
    pub rule_paths: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
    #[serde(default)]
    pub limits: LimitsFile,
}

/// A loaded config file and where it lives (relative paths in it are relative to its folder).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub file: ConfigFile,
    pub path: Option<PathBuf>,
    pub text: String,
}

impl Config {
    /// Find `.ims-preflight.yaml` in `start` or its parents.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    pub fn load(path: &Path, shown: &str) -> Result<Config, UsageError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError::msg(format!("cannot read config file {shown}: {e}")))?;
        let file = parse_config(shown, &text)?;
        Ok(Config {
            file,
            path: Some(path.to_path_buf()),
            text,
        })
    }

    pub fn shown(&self) -> String {
        self.path
            .as_deref()
            .map(|p| {
                crate::input::source::display_path(p, &std::env::current_dir().unwrap_or_default())
            })
            .unwrap_or_default()
    }

    /// The folder relative paths in the config are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// An error pointing at the first place `needle` occurs in the config file.
    pub fn error_at(&self, needle: &str, message: String) -> UsageError {
        let span = self
            .text
            .find(needle)
            .map(|i| Span::new(i, i + needle.len()));
        UsageError::in_file(&self.shown(), &self.text, span, message)
    }

    /// Rule ids in `rules:` and `ignore:` must exist; called once all rules are loaded.
    pub fn validate(&self, rules: &RuleSet) -> Result<(), UsageError> {
        for (id, level) in &self.file.rules {
            if rules.get(id).is_none() {
                return Err(self.error_at(id, unknown_rule(id, rules)));
            }
            if ALWAYS_ERRORS.contains(&id.as_str()) && *level != Level::Error {
                return Err(self.error_at(id, always_error(id)));
            }
        }
        // An `ignore:` entry naming an unknown rule is a suppression like an inline one: an
        // `invalid-suppression` finding, not a failed run.
        for entry in &self.file.ignore {
            if let Some(glob) = &entry.path
                && let Err(e) = globset::Glob::new(glob)
            {
                return Err(self.error_at(glob, format!("invalid `path` glob `{glob}`: {e}")));
            }
        }
        for glob in &self.file.exclude {
            if let Err(e) = globset::Glob::new(glob) {
                return Err(self.error_at(glob, format!("invalid `exclude` glob `{glob}`: {e}")));
            }
        }
        Ok(())
    }

    pub fn limits(&self, limits: Limits) -> Limits {
        self.file.limits.apply(limits)
    }
}

impl LimitsFile {
    /// Each limit by name, with the value this layer sets (config file or command line).
    pub fn entries(&self) -> [(&'static str, Option<u64>); 6] {
        let wide = |v: Option<usize>| v.map(|v| v as u64);
        [
            ("max_file_bytes", self.max_file_bytes),
            ("max_depth", wide(self.max_depth)),
            ("max_nodes", wide(self.max_nodes)),
            ("max_alias_nodes", wide(self.max_alias_nodes)),
            ("max_line_length", wide(self.max_line_length)),
            ("max_files", wide(self.max_files)),
        ]
    }

    /// The limits with this layer's values put over them.
    pub fn apply(&self, mut limits: Limits) -> Limits {
        let set = |slot: &mut usize, v: Option<usize>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        if let Some(v) = self.max_file_bytes {
            // Spans are 32-bit offsets (see `tree::Span`), and UTF-16 input grows by up to
            // half when decoded: 2 GiB of input stays within them.
            limits.max_file_bytes = v.min(u64::from(u32::MAX / 2));
        }
        set(&mut limits.max_depth, self.max_depth);
        set(&mut limits.max_nodes, self.max_nodes);
        set(&mut limits.max_alias_nodes, self.max_alias_nodes);
        set(&mut limits.max_line_length, self.max_line_length);
        set(&mut limits.max_files, self.max_files);
        limits
    }
}

/// Parse config text (strict booleans; unknown keys refused).
pub fn parse_config(shown: &str, text: &str) -> Result<ConfigFile, UsageError> {
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| UsageError::from_saphyr(shown, text, &e))
}

/// Findings that say a file could not be checked: they always fail the run, since a CI gate
/// must not pass because a file was skipped.
pub const ALWAYS_ERRORS: &[&str] = &[ids::INVENTORY_SYNTAX, ids::INVENTORY_LIMIT];

pub fn always_error(id: &str) -> String {
    format!(
        "`{id}` cannot be turned off or lowered: a file that cannot be read or parsed must fail the run"
    )
}

pub fn unknown_rule(id: &str, rules: &RuleSet) -> String {
    let hint = rules
        .suggest(id)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_else(|| "; `ims-preflight rules` lists them".into());
    format!("unknown rule `{id}`{hint}")
}
