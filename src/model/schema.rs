//! The inventory format as data: one table drives the schema pass (types, unknown
//! keys, enum values, YAML 1.1 surprises) and the `schema` subcommand's JSON Schema.

use serde_json::{Value as Json, json};

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    /// A string from a fixed set, matched case-insensitively.
    Enum(&'static [&'static str]),
    Bool,
    /// A string or null (`task_state`).
    NullableStr,
    StrList,
    /// Any value: checked by a rule, not by the schema (request RAM fields).
    Any,
    /// Any shape (a rule checks it), but every scalar in it is read as a string: YAML 1.1
    /// surprises are reported (`tags: [no]`; request tag fields).
    Strings,
    List(&'static [Field]),
    /// A list of mappings whose unknown keys are a rule's business, not the schema's.
    OpenList(&'static [Field]),
    Obj(&'static [Field]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

const fn f(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc,
    }
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        doc,
    }
}

pub const OS: &[&str] = &["windows", "linux"];
pub const SERVICES: &[&str] = &["CBR", "CSBS"];
pub const SAN_POLICIES: &[&str] = &[
    "OnlineAll",
    "OfflineShared",
    "OfflineInternal",
    "OfflineAll",
];
pub const VOLUME_TYPES: &[&str] = &["simple", "spanned", "striped", "mirror", "raid5"];
pub const ACTIONS: &[&str] = &[
    "publish-marketplace",
    "export",
    "replicate",
    "share",
    "change-os",
    "detach-disk",
];

const OPTIMIZATION: &[Field] = &[
    f("dhcp", Ty::Bool, "NICs get their address by DHCP"),
    f(
        "virtio_drivers",
        Ty::Bool,
        "KVM virtio drivers in the initrd / Windows VirtIO drivers",
    ),
    f(
        "persistent_net_rules_removed",
        Ty::Bool,
        "linux: persistent network udev rules deleted",
    ),
    f("fstab_uuid", Ty::Bool, "linux: /etc/fstab mounts by UUID"),
    f(
        "grub_uuid",
        Ty::Bool,
        "linux: GRUB names the root disk by UUID",
    ),
    f(
        "cloud_init",
        Ty::Bool,
        "linux: Cloud-Init installed (recommended)",
    ),
    f(
        "cloudbase_init",
        Ty::Bool,
        "windows: Cloudbase-Init installed (recommended)",
    ),
    f(
        "remote_desktop",
        Ty::Bool,
        "windows: Remote Desktop enabled",
    ),
];

const DISK: &[Field] = &[
    f("id", Ty::Str, "EVS volume id"),
    f("device", Ty::Str, "device name, e.g. /dev/vda"),
    f("system", Ty::Bool, "the system (boot) disk"),
    f("dss", Ty::Bool, "on a dedicated distributed storage pool"),
    f("shared", Ty::Bool, "shared (multi-attach) disk"),
    f("encrypted", Ty::Bool, "encrypted with a KMS key"),
];

const VOLUME: &[Field] = &[
    f("name", Ty::Str, "volume letter or label, e.g. \"D:\""),
    f(
        "type",
        Ty::Enum(VOLUME_TYPES),
        "diskpart `list volume` Type column",
    ),
];

const VG: &[Field] = &[
    req("name", Ty::Str, "volume group name"),
    f("physical_volumes", Ty::StrList, "PVs of the group"),
];

const LV: &[Field] = &[
    req("name", Ty::Str, "logical volume name"),
    f("volume_group", Ty::Str, "its volume group"),
    f("physical_volumes", Ty::StrList, "PVs its extents sit on"),
];

const LVM: &[Field] = &[
    f("volume_groups", Ty::List(VG), "LVM volume groups"),
    f("logical_volumes", Ty::List(LV), "LVM logical volumes"),
];

pub const SERVER: &[Field] = &[
    req("id", Ty::Str, "ECS id (UUID)"),
    f("name", Ty::Str, "label"),
    f("os", Ty::Enum(OS), "windows | linux"),
    f(
        "status",
        Ty::Str,
        "ECS status: ACTIVE, SHUTOFF, BUILD, RESIZE, ERROR, ...",
    ),
    f(
        "task_state",
        Ty::NullableStr,
        "OS-EXT-STS:task_state; non-null = a task is running",
    ),
    f(
        "backup_service",
        Ty::Enum(SERVICES),
        "CBR | CSBS: which service backs the server up",
    ),
    f(
        "vault_id",
        Ty::Str,
        "CBR vault the server is in (a server is in one vault only)",
    ),
    f("san_policy", Ty::Enum(SAN_POLICIES), "windows SAN policy"),
    f(
        "optimization",
        Ty::Obj(OPTIMIZATION),
        "guest preparation checklist",
    ),
    f("disks", Ty::List(DISK), "attached EVS disks"),
    f("volumes", Ty::List(VOLUME), "windows logical volumes"),
    f("lvm", Ty::Obj(LVM), "linux LVM layout"),
    f(
        "facts",
        Ty::StrList,
        "host facts files (lsblk, LVM reports, Ansible, Get-StorageSetting, diskpart), relative to this file",
    ),
];

const BACKUP_VOLUME: &[Field] = &[
    f("id", Ty::Str, "EVS volume id"),
    f("system", Ty::Bool, "the system disk"),
    f("shared", Ty::Bool, "shared volume"),
    f("encrypted", Ty::Bool, "encrypted with a KMS key"),
];

pub const BACKUP: &[Field] = &[
    req("id", Ty::Str, "backup id (UUID)"),
    f(
        "service",
        Ty::Enum(SERVICES),
        "CBR (cloud backup) | CSBS (cloud server backup)",
    ),
    f("status", Ty::Str, "available, protecting, error, ..."),
    f("server_id", Ty::Str, "the ECS it was made from"),
    f(
        "shared_from_other_tenant",
        Ty::Bool,
        "CBR: shared to us by another tenant",
    ),
    f("volumes", Ty::List(BACKUP_VOLUME), "volumes in the backup"),
    f(
        "images",
        Ty::StrList,
        "ids of images already created from this backup",
    ),
];

/// The request body fields the API defines. Unknown fields are the `request-unknown-field`
/// rule's business, so requests are not checked for unknown keys here.
pub const REQUEST: &[Field] = &[
    f("name", Ty::Str, "image name"),
    f("description", Ty::Str, "image description"),
    f("tags", Ty::Strings, "old-style tags, `key.value` strings"),
    f(
        "image_tags",
        Ty::Strings,
        "new-style tags, {key, value} objects",
    ),
    f("instance_id", Ty::Str, "source ECS id (server path)"),
    f("backup_id", Ty::Str, "source backup id (backup path)"),
    f("whole_image_type", Ty::Str, "CBR | CSBS (backup path)"),
    f("enterprise_project_id", Ty::Str, "\"0\" or a UUID"),
    f("max_ram", Ty::Any, "maximum memory, MB"),
    f("min_ram", Ty::Any, "minimum memory, MB"),
    f("vault_id", Ty::Str, "CBR vault id (server path)"),
];

/// The keys each planned action needs besides `action`: what the schema pass
/// requires and what `ims-preflight schema` says. A replication's `target_region` is left to
/// image-replicate-cross-region, which explains why it matters.
pub const ACTION_KEYS: &[(&str, &[&str])] = &[
    ("publish-marketplace", &["image"]),
    ("export", &["image"]),
    ("replicate", &["image"]),
    ("share", &["image", "projects"]),
    ("change-os", &["image", "server"]),
    ("detach-disk", &["server", "disk"]),
];

pub const OPERATION: &[Field] = &[
    req("action", Ty::Enum(ACTIONS), "what is planned for the image"),
    f("image", Ty::Str, "a request's name"),
    f("target_region", Ty::Str, "replicate: destination region"),
    f("projects", Ty::StrList, "share: project ids"),
    f("server", Ty::Str, "change-os / detach-disk: server id"),
    f("disk", Ty::Str, "detach-disk: disk id"),
    f(
        "name",
        Ty::Str,
        "replicate: the copy's name, for later operations on the replica",
    ),
];

pub const DOCUMENT: &[Field] = &[
    f("region", Ty::Str, "region of everything in this document"),
    f("servers", Ty::List(SERVER), "source ECSs"),
    f("backups", Ty::List(BACKUP), "CBR/CSBS backups"),
    f(
        "requests",
        Ty::OpenList(REQUEST),
        "POST bodies, exactly as they will be sent",
    ),
    f(
        "operations",
        Ty::List(OPERATION),
        "what is planned for the resulting images",
    ),
];

/// A field name a `when:` condition may test: a top-level field of a server, backup, request
/// or operation, or `source.<server field>`.
pub fn is_known_field(name: &str) -> bool {
    match name.strip_prefix("source.") {
        Some(server_field) => SERVER.iter().any(|f| f.name == server_field),
        None => [SERVER, BACKUP, REQUEST, OPERATION]
            .iter()
            .any(|fields| fields.iter().any(|f| f.name == name)),
    }
}

pub fn type_name(ty: Ty) -> String {
    match ty {
        Ty::Str => "a string".into(),
        Ty::Enum(values) => format!("one of {}", values.join(", ")),
        Ty::Bool => "a boolean (true or false)".into(),
        Ty::NullableStr => "a string or null".into(),
        Ty::StrList => "a list of strings".into(),
        Ty::Any | Ty::Strings => "any value".into(),
        Ty::List(_) | Ty::OpenList(_) => "a list of mappings".into(),
        Ty::Obj(_) => "a mapping".into(),
    }
}

/// What an editor is told of a field whose value a rule checks (the schema pass leaves those
/// to the rules, but yaml-language-server should flag what `check` would).
fn editor_type(name: &str) -> Option<Json> {
    Some(match name {
        "tags" => json!({"type": "array", "items": {"type": "string", "pattern": "^[^.]+\\."}}),
        "image_tags" => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
                "required": ["key", "value"],
                "additionalProperties": false
            }
        }),
        "max_ram" | "min_ram" => json!({"type": "integer", "minimum": 0}),
        "whole_image_type" => enumeration(&["CBR", "CSBS"]),
        _ => return None,
    })
}

/// An enum editors can complete (the canonical spellings), which still accepts the other
/// cases `check` accepts.
fn enumeration(values: &[&str]) -> Json {
    json!({"anyOf": [{"enum": values}, {"type": "string", "pattern": case_insensitive(values)}]})
}

fn json_type(ty: Ty) -> Json {
    match ty {
        Ty::Str => json!({"type": "string"}),
        Ty::Enum(values) => enumeration(values),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::NullableStr => json!({"type": ["string", "null"]}),
        Ty::StrList => json!({"type": "array", "items": {"type": "string"}}),
        Ty::Any | Ty::Strings => json!({}),
        Ty::List(fields) => json!({"type": "array", "items": object(fields, true)}),
        Ty::OpenList(fields) => json!({"type": "array", "items": object(fields, false)}),
        Ty::Obj(fields) => object(fields, true),
    }
}

/// A pattern accepting the values in any case (JSON Schema regexes have no `(?i)`).
fn case_insensitive(values: &[&str]) -> String {
    let alternatives: Vec<String> = values
        .iter()
        .map(|v| {
            v.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else if c.is_ascii_alphanumeric() {
                        c.to_string()
                    } else {
                        format!("[{c}]")
                    }
                })
                .collect()
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn object(fields: &[Field], closed: bool) -> Json {
    let mut props = serde_json::Map::new();
    // The request table (a `const` has no one address to compare with).
    let request = fields.iter().any(|f| f.name == "whole_image_type");
    for field in fields {
        let mut t = editor_type(field.name)
            .filter(|_| request)
            .unwrap_or_else(|| json_type(field.ty));
        if let Some(o) = t.as_object_mut() {
            o.insert("description".into(), json!(field.doc));
        }
        props.insert(field.name.into(), t);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": !closed})
}

/// JSON Schema (draft 2020-12) of an inventory document or a bare request document.
pub fn json_schema() -> Json {
    // Unknown request fields are refused, as `check` refuses them (request-unknown-field).
    let mut request = object(REQUEST, true);
    request["required"] = json!(["name"]);
    let mut document = object(DOCUMENT, true);
    document["properties"]["requests"]["items"]["additionalProperties"] = json!(false);
    document["properties"]["operations"]["items"]["allOf"] = ACTION_KEYS
        .iter()
        .map(|(action, keys)| {
            json!({
                "if": {"properties": {"action": {"pattern": case_insensitive(&[action])}}, "required": ["action"]},
                "then": {"required": keys},
            })
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/ims-preflight/ims-preflight/schema/inventory.json",
        "title": "ims-preflight inventory",
        "description": "An inventory document (servers, backups, requests, operations) or a bare CreateWholeImage request body.",
        "anyOf": [document, request]
    })
}

/// The inventory format as a reference page (`docs/inventory.md`, `ims-preflight schema
/// --format markdown`): every key with its type, values and meaning, from the same table as
/// the schema pass and the JSON Schema; `rules` says which rules read each key.
pub fn markdown(rules: &dyn Fn(Option<&str>, &str) -> Vec<String>) -> String {
    let mut out = String::from(
        "# Inventory format\n\n\
         Generated by `ims-preflight schema --format markdown` from the table the checker itself\n\
         uses (a test keeps this page equal to it). A document is an inventory when its top level\n\
         has `servers`, `backups`, `requests` or `operations`; a bare request body (`name` plus\n\
         `instance_id` or `backup_id`) is one too. Enum values are matched in any case.\n\n\
         Editors: `ims-preflight schema > inventory.schema.json`, then start a YAML file with\n\
         `# yaml-language-server: $schema=./inventory.schema.json` for completion and checks as\n\
         you type.\n",
    );
    let parts: [(&str, &str, Option<&str>, &[Field]); 5] = [
        ("Document", "", None, DOCUMENT),
        ("Server (`servers[]`)", "servers[].", Some("server"), SERVER),
        ("Backup (`backups[]`)", "backups[].", Some("backup"), BACKUP),
        (
            "Request (`requests[]`, or a bare request body)",
            "requests[].",
            Some("request"),
            REQUEST,
        ),
        (
            "Operation (`operations[]`)",
            "operations[].",
            Some("operation"),
            OPERATION,
        ),
    ];
    for (title, path, kind, fields) in parts {
        section(&mut out, title, path, "", kind, fields, rules);
    }
    out.push_str("\n## What each action needs\n\n| action | keys |\n|---|---|\n");
    for (action, keys) in ACTION_KEYS {
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("| `{action}` | {} |\n", keys.join(", ")));
    }
    out
}

fn section(
    out: &mut String,
    title: &str,
    path: &str,
    prefix: &str,
    kind: Option<&str>,
    fields: &[Field],
    rules: &dyn Fn(Option<&str>, &str) -> Vec<String>,
) {
    out.push_str(&format!(
        "\n## {title}\n\n| key | type | meaning | read by |\n|---|---|---|---|\n"
    ));
    let mut nested = Vec::new();
    for field in fields {
        let key = format!("{prefix}{}", field.name);
        let required = if field.required { " (required)" } else { "" };
        let read_by: Vec<String> = rules(kind, field.name)
            .iter()
            .map(|r| format!("`{r}`"))
            .collect();
        out.push_str(&format!(
            "| `{key}`{required} | {} | {} | {} |\n",
            type_name(field.ty),
            field.doc.replace('|', "\\|"),
            read_by.join(", ")
        ));
        match field.ty {
            Ty::List(inner) | Ty::Obj(inner) if !is_entity_list(field.name) => {
                nested.push((key, inner));
            }
            _ => {}
        }
    }
    for (key, inner) in nested {
        let sub = match fields.iter().find(|f| key.ends_with(f.name)).map(|f| f.ty) {
            Some(Ty::List(_)) => format!("{key}[]."),
            _ => format!("{key}."),
        };
        section(
            out,
            &format!("`{path}{key}`"),
            path,
            &sub,
            kind,
            inner,
            rules,
        );
    }
}

fn is_entity_list(name: &str) -> bool {
    matches!(name, "servers" | "backups" | "requests" | "operations")
}
