//! Every check a rule file can name: one line each, `"template-name" => Type`. The type
//! implements [`Check`] and deserializes from the rule file's `params` (unknown parameters
//! are errors).

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::Check;
use super::builtin::*;
use super::templates::*;

/// Builds a check from a rule file's `params`.
type Make = fn(serde_json::Value) -> Result<Arc<dyn Check>, serde_json::Error>;

macro_rules! checks {
    ($($name:literal => $check:ty,)*) => {
        /// (template name, how to build it) of every check.
        pub const CHECKS: &[(&str, Make)] = &[$(($name, make::<$check>),)*];
    };
}

checks! {
    "allowed-values" => AllowedValues,
    "forbidden-values" => ForbiddenValues,
    "required-field" => RequiredField,
    "exclusive-fields" => ExclusiveFields,
    "string-format" => StringFormat,
    "id-format" => IdFormat,
    "reference-lookup" => ReferenceLookup,
    "known-fields" => KnownFields,
    "required-tag" => RequiredTag,
    "server-state" => ServerState,
    "optimization-checklist" => OptimizationChecklist,
    "lvm-multi-pv" => LvmMultiPv,
    "disk-flag" => DiskFlag,
    "system-disk" => SystemDisk,
    "backup-system-disk" => BackupSystemDisk,
    "one-image-per-backup" => OneImagePerBackup,
    "replicate-region" => ReplicateRegion,
    "share-source" => ShareSource,
    "tag-format" => TagFormat,
    "ram-range" => RamRange,
    "vault-required" => VaultRequired,
    "whole-image-type" => WholeImageType,
    "duplicate-name" => DuplicateName,
    "share-limit" => ShareLimit,
    "encrypted-source" => EncryptedSource,
    "replicate-once" => ReplicateOnce,
    "windows-intl" => WindowsIntl,
    "unverified" => Unverified,
    "engine" => EngineMade,
}

fn make<C: Check + DeserializeOwned + 'static>(
    params: serde_json::Value,
) -> Result<Arc<dyn Check>, serde_json::Error> {
    Ok(Arc::new(serde_json::from_value::<C>(params)?))
}

/// Why a rule file's `check` does not build.
#[derive(Debug)]
pub enum CheckError {
    /// No check has this template name.
    UnknownTemplate(String),
    /// The parameters do not fit the check.
    Params(serde_json::Error),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::UnknownTemplate(name) => {
                let known: Vec<String> =
                    CHECKS.iter().map(|(name, _)| format!("`{name}`")).collect();
                write!(
                    f,
                    "unknown template `{name}`, expected one of {}",
                    known.join(", ")
                )
            }
            CheckError::Params(e) => write!(f, "{e}"),
        }
    }
}

/// The check a rule file names, built from its parameters (`{}` when it has none).
pub fn parse_check(
    template: &str,
    params: serde_json::Value,
) -> Result<Arc<dyn Check>, CheckError> {
    let (_, make) = CHECKS
        .iter()
        .find(|(name, _)| *name == template)
        .ok_or_else(|| CheckError::UnknownTemplate(template.to_string()))?;
    make(params).map_err(CheckError::Params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = CHECKS.iter().map(|(name, _)| *name).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a template name is registered twice");
    }

    #[test]
    fn an_unknown_template_lists_the_known_ones() {
        let e = parse_check("required-tags", serde_json::json!({})).expect_err("unknown");
        let text = e.to_string();
        assert!(text.contains("unknown template `required-tags`"), "{text}");
        assert!(text.contains("`required-tag`"), "{text}");
    }
}
