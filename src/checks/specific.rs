//! Templates whose logic is specific to one documented restriction.

use std::collections::HashMap;

use serde::Deserialize;

use super::generic::is_chinese;
use crate::finding::{Hit, Sink};
use crate::model::{EntityKind, Inventory};
use crate::syntax::tree::{Node, Value, pointer_push};

fn is_true(node: &Node) -> bool {
    node.value() == Some(Value::Bool(true))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerState {
    pub statuses: Vec<String>,
}

impl ServerState {
    pub fn run(&self, rule: &str, inv: &Inventory, out: &mut dyn Sink) {
        for e in inv.of_kind(EntityKind::Server) {
            match e.get("status") {
                None if !e.has("status") => {
                    out.push(e.hit(rule, "missing", e.key_place()).warning());
                }
                None => {}
                Some(f) => {
                    let status = f.node.display();
                    if !self
                        .statuses
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(&status))
                    {
                        out.push(
                            e.hit(rule, "main", e.found_place(&f))
                                .arg("value", status)
                                .arg("allowed", self.statuses.join(", ")),
                        );
                    }
                }
            }
            // Idle is null; the ECS list API also writes an empty string.
            if let Some(f) = e.get("task_state")
                && !matches!(f.node.value(), Some(Value::Null | Value::Str("")))
            {
                out.push(
                    e.hit(rule, "task", e.found_place(&f))
                        .arg("value", f.node.display()),
                );
            }
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerOs {
    #[serde(default)]
    pub linux: Vec<String>,
    #[serde(default)]
    pub windows: Vec<String>,
}

impl PerOs {
    fn for_os(&self, os: &str) -> &[String] {
        if os.eq_ignore_ascii_case("windows") {
            &self.windows
        } else {
            &self.linux
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizationChecklist {
    pub required: PerOs,
    #[serde(default)]
    pub recommended: PerOs,
}

impl OptimizationChecklist {
    pub fn run(&self, rule: &str, inv: &Inventory, out: &mut dyn Sink) {
        for e in inv.of_kind(EntityKind::Server) {
            // Findings point at the backups made from the server too; those may sit in any
            // file, so the engine adds them once the whole inventory is known.
            let with_backups = |hit: Hit| hit.relate_backups();
            let Some(os) = e.str("os") else {
                if !e.has("os") {
                    out.push(with_backups(
                        e.hit(rule, "unknown_os", e.key_place()).warning(),
                    ));
                }
                continue;
            };
            let Some(checklist) = e.get("optimization") else {
                if !e.has("optimization") {
                    out.push(with_backups(
                        e.hit(rule, "missing", e.key_place()).warning(),
                    ));
                }
                continue;
            };
            let checklist_key = e.key_place_of("optimization");
            for item in self.required.for_os(&os) {
                match checklist.child(item) {
                    // A missing value: at the entity's first key (SPEC §4), the checklist
                    // related.
                    None => {
                        let mut hit = e
                            .hit(rule, "unstated", e.key_place())
                            .arg("item", item)
                            .warning();
                        if let Some(at) = &checklist_key {
                            hit = hit.related(
                                at.clone(),
                                format!("the checklist does not state `{item}`"),
                            );
                        }
                        out.push(with_backups(hit));
                    }
                    Some(v) if v.node.value() == Some(Value::Bool(false)) => {
                        let place = v.place();
                        out.push(with_backups(e.hit(rule, "main", place).arg("item", item)));
                    }
                    Some(_) => {}
                }
            }
            for item in self.recommended.for_os(&os) {
                if let Some(v) = checklist.child(item)
                    && v.node.value() == Some(Value::Bool(false))
                {
                    let place = v.place();
                    out.push(
                        e.hit(rule, "recommended", place)
                            .arg("item", item)
                            .warning(),
                    );
                }
            }
        }
    }
}

/// Linux: no VG and no LV made of several PVs.
pub fn lvm_multi_pv(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for e in inv.of_kind(EntityKind::Server) {
        if e.is("os", "windows") {
            continue;
        }
        for (list, variant) in [
            ("lvm.volume_groups[]", "vg"),
            ("lvm.logical_volumes[]", "lv"),
        ] {
            for group in e.field(list) {
                let name = group
                    .node
                    .get("name")
                    .map(Node::display)
                    .unwrap_or_default();
                let Some(pvs) = group.node.get("physical_volumes") else {
                    // Reports (vgs, Ansible) give a count instead of the list.
                    if let Some(count) = group.child("pv_count")
                        && let Some(n) = count_of(&count.node)
                        && n > 1
                    {
                        out.push(
                            e.hit(rule, "pv_count", count.place())
                                .arg("name", name)
                                .arg("count", n.to_string()),
                        );
                    }
                    continue;
                };
                let mut names: Vec<String> = pvs
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .map(Node::display)
                    .collect();
                names.sort();
                names.dedup();
                if names.len() > 1 {
                    let place = group
                        .child("physical_volumes")
                        .map_or_else(|| group.place(), |f| f.place());
                    out.push(
                        e.hit(rule, variant, place)
                            .arg("name", name)
                            .arg("count", names.len().to_string())
                            .arg("pvs", names.join(", ")),
                    );
                }
            }
        }
    }
}

/// Some item of `list` states `key`, but the schema pass rejected the value.
fn has_rejected(e: &crate::model::Entity, list: &str, key: &str) -> bool {
    let stated = e
        .field(list)
        .iter()
        .filter(|d| d.node.get(key).is_some())
        .count();
    let valid = e.field(&format!("{list}.{key}")).len();
    stated > valid
}

/// A count written as a number or, as LVM and Ansible reports do, as a string.
fn count_of(node: &Node) -> Option<i64> {
    match node.value()? {
        Value::Int(n) => Some(n),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Exactly one system disk when disks are listed; no detach of the system disk planned.
pub fn system_disk(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for e in inv.of_kind(EntityKind::Server) {
        if e.get("disks").is_none() {
            continue;
        }
        let system: Vec<_> = e
            .field("disks[].system")
            .into_iter()
            .filter(|f| is_true(&f.node))
            .collect();
        match system.len() {
            // A `system` value the schema pass rejected is already reported.
            0 if has_rejected(e, "disks[]", "system") => {}
            0 => {
                let place = e.key_place_of("disks").unwrap_or_else(|| e.key_place());
                out.push(e.hit(rule, "none", place));
            }
            1 => {}
            n => {
                let first = e.found_place(&system[0]);
                for extra in &system[1..] {
                    out.push(
                        e.hit(rule, "many", e.found_place(extra))
                            .arg("count", n.to_string())
                            .related(first.clone(), "the first system disk"),
                    );
                }
            }
        }
    }
}

/// A planned `detach-disk` operation must not detach a server's system disk. Global: the
/// server is looked up by id (and read whole, see `Engine`).
pub fn detach_system_disk(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for op in inv.of_kind(EntityKind::Operation) {
        if !op.is("action", "detach-disk") {
            continue;
        }
        let (Some(server_id), Some(disk)) = (op.str("server"), op.get("disk")) else {
            continue;
        };
        let Some(disk_id) = disk.node.as_str() else {
            continue;
        };
        let Some(server) = inv.server(&server_id) else {
            continue;
        };
        for d in server.field("disks[]") {
            let same = d
                .node
                .get("id")
                .and_then(Node::as_str)
                .is_some_and(|id| id.eq_ignore_ascii_case(disk_id));
            if same && d.node.get("system").is_some_and(is_true) {
                let place = d.place();
                out.push(
                    // The server is what the finding is about (a detach-disk names no image).
                    op.hit(rule, "detach", op.found_place(&disk))
                        .entity(&server.label())
                        .arg("disk", disk_id)
                        .related(
                            place,
                            format!(
                                "disk {disk_id} is the system disk of server {}",
                                server.label()
                            ),
                        ),
                );
            }
        }
    }
}

/// A backup that lists its volumes must contain the system disk; a CBR backup from an API dump
/// must be a server backup that contains it.
pub fn backup_system_disk(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for e in inv.of_kind(EntityKind::Backup) {
        if let Some(t) = e.get("resource_type")
            && t.node
                .as_str()
                .is_some_and(|t| !t.eq_ignore_ascii_case("OS::Nova::Server"))
        {
            out.push(
                e.hit(rule, "not_server", t.place())
                    .arg("value", t.node.display()),
            );
            continue;
        }
        if let Some(c) = e.get("contain_system_disk")
            && c.node.value() == Some(Value::Bool(false))
        {
            out.push(e.hit(rule, "no_system", c.place()));
            continue;
        }
        if e.get("volumes").is_none() {
            continue;
        }
        if !e.field("volumes[].system").iter().any(|f| is_true(&f.node))
            && !has_rejected(e, "volumes[]", "system")
        {
            let place = e.key_place_of("volumes").unwrap_or_else(|| e.key_place());
            out.push(e.hit(rule, "main", place));
        }
    }
}

/// One whole image per backup: no images made from it yet, and no two requests using it.
pub fn one_image_per_backup(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for e in inv.of_kind(EntityKind::Backup) {
        if let Some(images) = e.get("images") {
            let count = images.node.as_seq().map_or(0, <[Node]>::len);
            if count > 0 {
                out.push(
                    e.hit(rule, "images", e.found_place(&images))
                        .arg("count", count.to_string()),
                );
            }
        }
    }
    // The first request using each backup, hashed by the id whatever its case; the id is
    // read again to compare (a large run has a request per backup: a copy of every id with
    // its place took megabytes).
    fn backup_id(r: &crate::model::Entity) -> Option<crate::model::Found<'_>> {
        r.get("backup_id")
    }
    let requests = inv.of_kind(EntityKind::Request);
    let mut first_use: hashbrown::HashTable<&crate::model::Entity> =
        hashbrown::HashTable::with_capacity(inv.of_kind(EntityKind::Request).count());
    for r in requests {
        let Some(f) = backup_id(r) else {
            continue;
        };
        let Some(id) = f.node.as_str() else { continue };
        let same = |earlier: &&crate::model::Entity| {
            backup_id(earlier)
                .is_some_and(|e| e.node.as_str().is_some_and(|e| e.eq_ignore_ascii_case(id)))
        };
        let hash = crate::model::id_hash(id);
        let Some(earlier) = first_use.find(hash, same) else {
            first_use.insert_unique(hash, r, |e| {
                backup_id(e)
                    .and_then(|f| f.node.as_str().map(crate::model::id_hash))
                    .unwrap_or_default()
            });
            continue;
        };
        let Some(earlier_place) = backup_id(earlier).map(|f| earlier.found_place(&f)) else {
            continue;
        };
        out.push(
            r.hit(rule, "reused", r.found_place(&f))
                .arg("value", id)
                .related(
                    earlier_place,
                    format!(
                        "request `{}` already makes a whole image from this backup",
                        earlier.label()
                    ),
                ),
        )
    }
}

/// Replication only to another region.
pub fn replicate_region(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for op in inv.of_kind(EntityKind::Operation) {
        if !op.is("action", "replicate") {
            continue;
        }
        let Some(target) = op.get("target_region") else {
            if !op.has("target_region") {
                out.push(op.hit(rule, "missing_target", op.key_place()));
            }
            continue;
        };
        // A blank target names no region: as good as none.
        if target.node.as_str().is_some_and(|t| t.trim().is_empty()) {
            out.push(op.hit(rule, "missing_target", op.found_place(&target)));
            continue;
        }
        let request = op.str("image").and_then(|name| inv.request(&name));
        match request.and_then(|r| r.region().map(|region| (r, region))) {
            // The image's region is the missing value: at the operation's first key (SPEC §4),
            // the request that makes the image related.
            None => {
                let mut hit = op.hit(rule, "unknown_region", op.key_place()).warning();
                if let Some(r) = request {
                    hit = hit.related(
                        r.key_place(),
                        "the image is made by this request, in a document without `region`",
                    );
                }
                out.push(hit);
            }
            Some((r, region)) => {
                if target
                    .node
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(region))
                {
                    out.push(
                        op.hit(rule, "same_region", op.found_place(&target))
                            .arg("region", region)
                            .arg("value", target.node.display())
                            .related(
                                r.key_place(),
                                format!("the image is made in {region} by this request"),
                            ),
                    );
                }
            }
        }
    }
}

/// Only whole images made from the tenant's own CBR backups can be shared.
pub fn share_source(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for op in inv.of_kind(EntityKind::Operation) {
        if !op.is("action", "share") {
            continue;
        }
        let place = op
            .get("action")
            .map_or_else(|| op.key_place(), |f| op.found_place(&f));
        // No `image` at all is the schema's finding (a required key of `share`).
        let Some(image) = op.str("image") else {
            continue;
        };
        let Some(request) = inv.request(&image) else {
            let image = image.to_string();
            out.push(
                op.hit(rule, "unknown_image", place)
                    .arg("value", image)
                    .warning(),
            );
            continue;
        };
        let made_by = format!("image `{}` is made by this request", request.label());
        if request.has("instance_id") && !request.has("backup_id") {
            out.push(
                op.hit(rule, "server", place)
                    .related(request.key_place(), made_by)
                    .warning(),
            );
            continue;
        }
        let Some(backup_id) = request.str("backup_id") else {
            continue;
        };
        let backup = inv.backup(&backup_id);
        let service = backup
            .and_then(|b| b.str("service"))
            .or_else(|| request.str("whole_image_type"))
            .unwrap_or(crate::store::frozen::Str::Here("CSBS"));
        // Related: the request that makes the image, and the backup it is made from.
        let with_sources = |hit: Hit| {
            let hit = hit.related(request.key_place(), made_by.clone());
            match backup {
                Some(b) => {
                    hit.related(b.key_place(), format!("backup {} is its source", b.label()))
                }
                None => hit,
            }
        };
        if service.eq_ignore_ascii_case("CSBS") {
            out.push(with_sources(op.hit(rule, "csbs", place)));
        } else if backup.is_some_and(|b| {
            b.get("shared_from_other_tenant")
                .is_some_and(|f| is_true(&f.node))
        }) {
            out.push(with_sources(op.hit(rule, "shared_in", place)));
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagFormat {
    pub max_key: usize,
    pub max_value: usize,
    pub max_tags: usize,
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || is_chinese(c)
}

impl TagFormat {
    pub fn run(&self, rule: &str, inv: &Inventory, out: &mut dyn Sink) {
        for r in inv.of_kind(EntityKind::Request) {
            for (field, expected) in [
                ("tags", "a `key.value` string"),
                ("image_tags", "a `{key, value}` mapping"),
            ] {
                let Some(list) = r.get(field) else { continue };
                let Some(items) = list.node.as_seq() else {
                    out.push(
                        r.hit(rule, "shape", r.found_place(&list))
                            .arg("expected", format!("a list, each item {expected}"))
                            .arg("value", list.node.display()),
                    );
                    continue;
                };
                if items.len() > self.max_tags {
                    out.push(
                        r.hit(rule, "too_many", r.found_place(&list))
                            .arg("count", items.len().to_string())
                            .warning(),
                    );
                }
                let mut seen: HashMap<String, crate::finding::Place> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    let pointer = pointer_push(&list.pointer, &i.to_string());
                    let place = r.place(item.span, pointer.clone());
                    let (key, value) = match (field, item.as_str()) {
                        ("tags", Some(text)) => match text.split_once('.') {
                            Some((k, v)) => (k.to_string(), v.to_string()),
                            None => (text.to_string(), String::new()),
                        },
                        ("image_tags", _) => match (
                            item.get("key").and_then(Node::as_str),
                            item.get("value").and_then(Node::as_str),
                        ) {
                            (Some(k), Some(v)) => (k.to_string(), v.to_string()),
                            _ => {
                                out.push(
                                    r.hit(rule, "shape", place)
                                        .arg("expected", expected)
                                        .arg("value", item.display()),
                                );
                                continue;
                            }
                        },
                        _ => {
                            out.push(
                                r.hit(rule, "shape", place)
                                    .arg("expected", expected)
                                    .arg("value", item.display()),
                            );
                            continue;
                        }
                    };
                    // An `image_tags` finding points at the offending `key` or `value`; a
                    // `key.value` string is one value.
                    let part = |name: &str| match (field, item.get(name)) {
                        ("image_tags", Some(n)) => r.place(n.span, pointer_push(&pointer, name)),
                        _ => place.clone(),
                    };
                    let (key_place, value_place) = (part("key"), part("value"));
                    let hit = |variant, at: &crate::finding::Place| {
                        r.hit(rule, variant, at.clone())
                            .arg("key", &key)
                            .arg("value", item.display())
                    };
                    if key.is_empty() {
                        out.push(hit("key_empty", &key_place));
                        continue;
                    }
                    let key_len = key.chars().count();
                    if key_len > self.max_key {
                        out.push(hit("key_length", &key_place).arg("length", key_len.to_string()));
                    }
                    let value_len = value.chars().count();
                    if value_len > self.max_value {
                        out.push(
                            hit("value_length", &value_place).arg("length", value_len.to_string()),
                        );
                    }
                    if !key.chars().all(key_char) {
                        out.push(hit("charset", &key_place).warning());
                    } else if !value.chars().all(|c| key_char(c) || c == '.') {
                        out.push(hit("charset", &value_place).warning());
                    }
                    match seen.get(&key) {
                        Some(first) => out.push(
                            hit("duplicate", &key_place)
                                .related(first.clone(), format!("tag key `{key}` first used here")),
                        ),
                        None => {
                            seen.insert(key.clone(), key_place.clone());
                        }
                    }
                }
            }
        }
    }
}

/// `min_ram`/`max_ram`: integers (MB), not negative, min not above max.
pub fn ram_range(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for r in inv.of_kind(EntityKind::Request) {
        let mut ints = [None, None];
        for (slot, field) in ["min_ram", "max_ram"].into_iter().enumerate() {
            let Some(f) = r.get(field) else { continue };
            let hit = |variant| {
                r.hit(rule, variant, r.found_place(&f))
                    .arg("field", field)
                    .arg("value", f.node.display())
            };
            match f.node.value() {
                Some(Value::Int(i)) if i < 0 => out.push(hit("negative")),
                Some(Value::Int(i)) => ints[slot] = Some((i, r.found_place(&f))),
                _ => out.push(hit("not_integer")),
            }
        }
        if let [Some((min, place)), Some((max, max_place))] = ints
            && min > max
        {
            out.push(
                r.hit(rule, "order", place)
                    .arg("min", min.to_string())
                    .arg("max", max.to_string())
                    .related(max_place, format!("max_ram is {max}")),
            );
        }
    }
}

/// Server path: `vault_id` is required when the server is backed up by CBR.
pub fn vault_required(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for r in inv.of_kind(EntityKind::Request) {
        let Some(instance) = r.get("instance_id") else {
            continue;
        };
        if r.has("vault_id") || r.has("backup_id") {
            continue;
        }
        let Some(id) = instance.node.as_str() else {
            continue;
        };
        let place = r.found_place(&instance);
        let server = inv.server(id);
        match server.and_then(|s| s.str("backup_service")) {
            Some(service) if service.eq_ignore_ascii_case("CBR") => {
                // `vault_id` is the missing value: at the request's first key (SPEC §4).
                let mut hit = r
                    .hit(rule, "main", r.key_place())
                    .arg("value", id)
                    .related(place, format!("the image is made from server {id}"));
                if let Some(s) = server
                    && let Some(at) = s.get("backup_service")
                {
                    hit = hit.related(
                        s.found_place(&at),
                        format!("server {id} is backed up by CBR"),
                    );
                }
                out.push(hit);
            }
            Some(_) => {}
            // The server's backup service is the missing value: at the request's first key.
            None => out.push(
                r.hit(rule, "unknown_service", r.key_place())
                    .arg("value", id)
                    .related(place, format!("the image is made from server {id}"))
                    .warning(),
            ),
        }
    }
}

/// Backup path: `whole_image_type` is CBR or CSBS (default CSBS) and matches the backup.
pub fn whole_image_type(rule: &str, inv: &Inventory, out: &mut dyn Sink) {
    for r in inv.of_kind(EntityKind::Request) {
        let given = r.get("whole_image_type");
        if !r.has("backup_id") {
            if let Some(f) = &given
                && r.has("instance_id")
            {
                out.push(
                    r.hit(rule, "server_path", r.found_place(f))
                        .arg("value", f.node.display())
                        .warning(),
                );
            }
            continue;
        }
        let value = match &given {
            Some(f) => match f.node.as_str() {
                Some(v) if v.eq_ignore_ascii_case("CBR") || v.eq_ignore_ascii_case("CSBS") => {
                    v.to_ascii_uppercase()
                }
                _ => {
                    out.push(
                        r.hit(rule, "invalid", r.found_place(f))
                            .arg("value", f.node.display()),
                    );
                    continue;
                }
            },
            None => "CSBS".to_string(),
        };
        let Some(backup) = r.str("backup_id").and_then(|id| inv.backup(&id)) else {
            continue;
        };
        let Some(service) = backup.str("service") else {
            continue;
        };
        if !service.eq_ignore_ascii_case(&value) {
            // Not stated, the type is CSBS: a missing value, at the request's first key.
            let place = match &given {
                Some(f) => r.found_place(f),
                None => r.key_place(),
            };
            let mut hit = r
                .hit(rule, "mismatch", place)
                .arg("value", value)
                .arg("service", service.to_ascii_uppercase());
            if let Some(at) = backup.get("service") {
                hit = hit.related(
                    backup.found_place(&at),
                    format!(
                        "backup {} is a {} backup",
                        backup.label(),
                        service.to_ascii_uppercase()
                    ),
                );
            }
            out.push(hit);
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// On a dedicated distributed storage pool (EVS `dedicated_storage_id`).
    Dss,
    /// Shared, multi-attach (EVS `multiattach`).
    Shared,
}

/// A disk flag that blocks a whole image, stated on the server's disk or backup volume, or
/// found on the EVS volume of an API dump joined by volume id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFlag {
    pub flag: Flag,
    #[serde(default)]
    pub when: super::When,
}

/// Which half of [`DiskFlag`] runs: the flag stated on the disk itself needs only the entity;
/// the flag found on an EVS volume needs the volumes of every file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskFlagPart {
    Stated,
    Joined,
    Both,
}

impl DiskFlag {
    pub fn run(&self, rule: &str, inv: &Inventory, part: DiskFlagPart, out: &mut dyn Sink) {
        let stated = part != DiskFlagPart::Joined;
        let joined = part != DiskFlagPart::Stated;
        let key = match self.flag {
            Flag::Dss => "dss",
            Flag::Shared => "shared",
        };
        for e in inv
            .subjects()
            .filter(|e| super::when_matches(&self.when, e, inv))
        {
            let list = match e.kind {
                EntityKind::Server if self.flag == Flag::Dss => "disks[]",
                EntityKind::Backup if self.flag == Flag::Shared => "volumes[]",
                _ => continue,
            };
            for disk in e.field(list) {
                if let Some(own) = disk.child(key) {
                    if stated && is_true(&own.node) {
                        out.push(
                            e.hit(rule, "main", own.place())
                                .arg("value", own.node.display()),
                        );
                    }
                    continue;
                }
                if !joined {
                    continue;
                }
                let Some(id) = disk.node.get("id").and_then(Node::as_str) else {
                    continue;
                };
                let Some(volume) = inv.volume(id) else {
                    continue;
                };
                if let Some(flag) = volume.get(key)
                    && is_true(&flag.node)
                {
                    // Synthesized flags point at the raw value (e.g. the storage pool id).
                    let span = flag.node.span;
                    let shown = flag
                        .file
                        .text()
                        .get(span.start()..span.end())
                        .unwrap_or("true")
                        .to_string();
                    out.push(
                        e.hit(rule, "evs", volume.found_place(&flag))
                            .arg("disk", id)
                            .arg("value", shown)
                            .related(
                                disk.place(),
                                format!("{} {} uses volume {id}", e.kind.name(), e.label()),
                            ),
                    );
                }
            }
        }
    }
}
