//! Check templates: the native code behind rule files. Generic templates (allowed values,
//! required field, exclusive fields, string format, id format, reference lookup, known fields)
//! are parameterised by the rule file; specific ones hold logic that is specific to one
//! restriction (LVM multi-PV, system disk, one image per backup, ...).

mod generic;
mod specific;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::Sink;
use crate::model::{EntityKind, Inventory};
use crate::rules::Rule;

pub use generic::*;
pub use specific::*;

/// A template with no parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "template", content = "params", rename_all = "kebab-case")]
pub enum Template {
    AllowedValues(AllowedValues),
    ForbiddenValues(ForbiddenValues),
    RequiredField(RequiredField),
    ExclusiveFields(ExclusiveFields),
    StringFormat(StringFormat),
    IdFormat(IdFormat),
    ReferenceLookup(ReferenceLookup),
    KnownFields(KnownFields),
    RequiredTag(RequiredTag),
    ServerState(ServerState),
    OptimizationChecklist(OptimizationChecklist),
    LvmMultiPv(NoParams),
    DiskFlag(DiskFlag),
    SystemDisk(NoParams),
    BackupSystemDisk(NoParams),
    OneImagePerBackup(NoParams),
    ReplicateRegion(NoParams),
    ShareSource(NoParams),
    TagFormat(TagFormat),
    RamRange(NoParams),
    VaultRequired(NoParams),
    WholeImageType(NoParams),
    /// Findings made by the engine itself (inventory problems, suppressions).
    Engine(NoParams),
}

impl Template {
    /// The message variants this template (with these parameters) can emit; the rule file must
    /// have a message for each.
    pub fn variants(&self) -> Vec<&'static str> {
        match self {
            Template::AllowedValues(p) => match p.if_missing {
                IfMissing::Warn => vec!["main", "missing"],
                IfMissing::Ignore => vec!["main"],
            },
            Template::ForbiddenValues(_)
            | Template::RequiredField(_)
            | Template::IdFormat(_)
            | Template::ReferenceLookup(_)
            | Template::KnownFields(_)
            | Template::RequiredTag(_) => vec!["main"],
            Template::BackupSystemDisk(_) => vec!["main", "not_server", "no_system"],
            Template::DiskFlag(_) => vec!["main", "evs"],
            Template::ExclusiveFields(p) if p.required => vec!["main", "missing"],
            Template::ExclusiveFields(_) => vec!["main"],
            Template::StringFormat(p) => p.variants(),
            Template::ServerState(_) => vec!["main", "task", "missing"],
            Template::OptimizationChecklist(_) => {
                vec!["main", "recommended", "unstated", "missing", "unknown_os"]
            }
            Template::LvmMultiPv(_) => vec!["vg", "lv", "pv_count"],
            Template::SystemDisk(_) => vec!["none", "many", "detach"],
            Template::OneImagePerBackup(_) => vec!["images", "reused"],
            Template::ReplicateRegion(_) => vec!["missing_target", "same_region", "unknown_region"],
            Template::ShareSource(_) => vec!["csbs", "shared_in", "server", "unknown_image"],
            Template::TagFormat(_) => vec![
                "key_empty",
                "key_length",
                "value_length",
                "duplicate",
                "shape",
                "charset",
                "too_many",
            ],
            Template::RamRange(_) => vec!["not_integer", "negative", "order"],
            Template::VaultRequired(_) => vec!["main", "unknown_service"],
            Template::WholeImageType(_) => vec!["invalid", "mismatch", "server_path"],
            Template::Engine(_) => vec![],
        }
    }

    /// The fields named by the template's `when:` conditions (checked when a rule file loads).
    pub fn when_fields(&self) -> Vec<&str> {
        self.when()
            .map(|when| when.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Fields of a `kind` entity that this rule's global pass reads (a path such as `a.b` or
    /// `a[].b` stands for its top-level field; `region` is also the region of the entity's
    /// document). Entities keep only these (with `id` and the field that names them) once
    /// their local rules ran.
    /// `None` when the global pass judges such entities themselves and may read any field (a
    /// rule with `source.` conditions, on its `kinds`): they are kept whole.
    pub fn kept_fields(&self, kinds: &[EntityKind], kind: EntityKind) -> Option<Vec<&str>> {
        use EntityKind::{Backup, Operation, Request, Server};
        if let Some(when) = self.when().filter(|w| reads_source(w)) {
            // The entities the template walks (some walk fixed kinds whatever the rule's
            // `applies_to`): judged in the global pass, on any field.
            let judged = match self {
                Template::RequiredTag(_) => kind == Request,
                Template::DiskFlag(_) => matches!(kind, Server | Backup),
                _ => kinds.contains(&kind),
            };
            if judged {
                return None;
            }
            // What `source_server` follows, and the server fields the conditions name.
            return Some(match kind {
                Server => when
                    .keys()
                    .filter_map(|f| f.strip_prefix("source."))
                    .collect(),
                Backup => vec!["server_id"],
                Request => vec!["instance_id", "backup_id"],
                _ => Vec::new(),
            });
        }
        let fields: &[&str] = match (self, kind) {
            (Template::ReferenceLookup(p), k) if kinds.contains(&k) => {
                return Some(p.references.keys().map(String::as_str).collect());
            }
            (Template::OneImagePerBackup(_), Backup) => &["images"],
            (Template::OneImagePerBackup(_), Request) => &["backup_id"],
            (Template::ReplicateRegion(_), Operation) => &["action", "target_region"],
            // The request's document `region` (see `Entity::region`).
            (Template::ReplicateRegion(_), Request) => &["region"],
            (Template::ShareSource(_), Operation) => &["action"],
            (Template::ShareSource(_), Request) => {
                &["instance_id", "backup_id", "whole_image_type"]
            }
            (Template::ShareSource(_), Backup) => &["service", "shared_from_other_tenant"],
            (Template::VaultRequired(_), Request) => &["instance_id", "vault_id", "backup_id"],
            (Template::VaultRequired(_), Server) => &["backup_service"],
            (Template::WholeImageType(_), Request) => {
                &["whole_image_type", "backup_id", "instance_id"]
            }
            (Template::WholeImageType(_), Backup) => &["service"],
            (Template::SystemDisk(_), Operation) => &["action", "server", "disk"],
            _ => &[],
        };
        Some(fields.to_vec())
    }

    /// The rule checks this entity at all (its kind aside): its `when:` conditions hold, and
    /// for the LVM template it is not a Windows server. What JUnit lists as test cases.
    pub fn applies(&self, e: &crate::model::Entity, inv: &Inventory) -> bool {
        match self {
            Template::LvmMultiPv(_) => !e.is("os", "windows"),
            _ => self.when().is_none_or(|when| when_matches(when, e, inv)),
        }
    }

    /// The template's `when:` conditions, if it has any.
    fn when(&self) -> Option<&When> {
        match self {
            Template::AllowedValues(p) => Some(&p.when),
            Template::ForbiddenValues(p) => Some(&p.when),
            Template::RequiredField(p) => Some(&p.when),
            Template::RequiredTag(p) => Some(&p.when),
            Template::DiskFlag(p) => Some(&p.when),
            _ => None,
        }
    }

    /// Run the part of this template that belongs to `pass`. The local pass judges each entity
    /// on its own and runs per file while the file's tree is at hand; the global pass follows
    /// references between entities (request -> server, operation -> request, ...) over the
    /// whole inventory, whose entities keep only the fields [`Template::kept_fields`] names.
    pub fn run(&self, rule: &Rule, inv: &Inventory, pass: Pass, out: &mut dyn Sink) {
        let kinds = rule.kinds();
        let id = rule.id.as_str();
        let local = pass == Pass::Local;
        // Conditions on the request's source server are lookups: such rules are global.
        let by_when = |when: &When| local != reads_source(when);
        match self {
            Template::AllowedValues(p) if by_when(&p.when) => p.run(id, &kinds, inv, out),
            Template::ForbiddenValues(p) if by_when(&p.when) => p.run(id, &kinds, inv, out),
            Template::RequiredField(p) if by_when(&p.when) => p.run(id, &kinds, inv, out),
            Template::RequiredTag(p) if by_when(&p.when) => p.run(id, inv, out),
            Template::ExclusiveFields(p) if local => p.run(id, &kinds, inv, out),
            Template::StringFormat(p) if local => p.run(id, &kinds, inv, out),
            Template::IdFormat(p) if local => p.run(id, &kinds, inv, out),
            Template::KnownFields(p) if local => p.run(id, &kinds, inv, out),
            Template::ServerState(p) if local => p.run(id, inv, out),
            Template::OptimizationChecklist(p) if local => p.run(id, inv, out),
            Template::LvmMultiPv(_) if local => lvm_multi_pv(id, inv, out),
            Template::BackupSystemDisk(_) if local => backup_system_disk(id, inv, out),
            Template::TagFormat(p) if local => p.run(id, inv, out),
            Template::RamRange(_) if local => ram_range(id, inv, out),
            Template::DiskFlag(p) => {
                let part = match (reads_source(&p.when), local) {
                    (true, true) => return,
                    (true, false) => DiskFlagPart::Both,
                    (false, true) => DiskFlagPart::Stated,
                    (false, false) => DiskFlagPart::Joined,
                };
                p.run(id, inv, part, out);
            }
            Template::SystemDisk(_) if local => system_disk(id, inv, out),
            Template::SystemDisk(_) => detach_system_disk(id, inv, out),
            Template::ReferenceLookup(p) if !local => p.run(id, &kinds, inv, out),
            Template::OneImagePerBackup(_) if !local => one_image_per_backup(id, inv, out),
            Template::ReplicateRegion(_) if !local => replicate_region(id, inv, out),
            Template::ShareSource(_) if !local => share_source(id, inv, out),
            Template::VaultRequired(_) if !local => vault_required(id, inv, out),
            Template::WholeImageType(_) if !local => whole_image_type(id, inv, out),
            _ => {}
        }
    }
}

/// The two passes of a check (see [`Template::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Local,
    Global,
}

/// Some condition reads the request's source server (`source.` prefix).
fn reads_source(when: &When) -> bool {
    when.keys().any(|k| k.starts_with("source."))
}

/// `when:` conditions: every listed field must equal the value (case-insensitive).
pub type When = BTreeMap<String, String>;

/// `when:` conditions hold for an entity. A `source.` prefix reads the field on the request's
/// source server (through `instance_id`, or `backup_id` and the backup's `server_id`).
fn when_matches(when: &When, e: &crate::model::Entity, inv: &Inventory) -> bool {
    when.iter()
        .all(|(field, value)| match field.strip_prefix("source.") {
            Some(rest) => source_server(e, inv).is_some_and(|s| s.is(rest, value)),
            None => e.is(field, value),
        })
}

/// The server a request's image is made from, when the inventory describes it.
pub fn source_server<'a>(
    e: &crate::model::Entity,
    inv: &'a Inventory,
) -> Option<&'a crate::model::Entity> {
    if let Some(id) = e.str("instance_id") {
        return inv.server(&id);
    }
    let backup = inv.backup(&e.str("backup_id")?)?;
    inv.server(&backup.str("server_id")?)
}

/// `true` for a canonical UUID (8-4-4-4-12 hex digits, any case).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(json: &str) -> Template {
        serde_json::from_str(json).expect("template")
    }

    #[test]
    fn templates_that_walk_fixed_kinds_keep_those_whole_under_source_conditions() {
        use EntityKind::{Backup, Request, Server};
        // `required-tag` judges requests whatever the rule's `applies_to`.
        let tag = template(
            r#"{"template": "required-tag", "params": {"key": "env", "when": {"source.os": "windows"}}}"#,
        );
        assert_eq!(tag.kept_fields(&[], Request), None);
        assert_eq!(tag.kept_fields(&[], Server), Some(vec!["os"]));
        // `disk-flag` walks servers' disks and backups' volumes.
        let flag = template(
            r#"{"template": "disk-flag", "params": {"flag": "shared", "when": {"source.os": "linux"}}}"#,
        );
        assert_eq!(flag.kept_fields(&[Server], Backup), None);
        // Without `source.` conditions both run per file: nothing to keep for them.
        let plain = template(r#"{"template": "disk-flag", "params": {"flag": "dss"}}"#);
        assert_eq!(plain.kept_fields(&[Server], Server), Some(vec![]));
    }
}
