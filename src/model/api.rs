//! Huawei Cloud API responses recognised by shape and read as inventory entities:
//! ECS `ShowServer`/`ListServersDetails`, EVS volume details, CBR backups and CSBS checkpoint
//! items. Every synthesized value keeps the span and pointer of the raw value it came from.

use std::sync::Arc;

use crate::input::source::SourceFile;
use crate::model::synth::{Synth, map, seq};
use crate::model::{DocKind, DocModel, Entity, EntityKind, Origin};
use crate::syntax::tree::{Node, Value, pointer_push};

#[derive(Clone, Copy)]
enum Shape {
    Server,
    Volume,
    Cbr,
    Csbs,
}

fn has_any(item: &Node, keys: &[&str]) -> bool {
    keys.iter().any(|k| item.get(k).is_some())
}

/// Which API shape a document is, and where its items are.
fn recognise(root: &Node) -> Option<(Shape, Vec<(String, &Node)>)> {
    let map = root.as_map()?;
    let single = [
        ("server", Shape::Server),
        ("volume", Shape::Volume),
        ("backup", Shape::Cbr),
        ("checkpoint_item", Shape::Csbs),
    ];
    for (key, shape) in single {
        if let Some(obj) = root.get(key).filter(|n| n.as_map().is_some()) {
            return Some((shape, vec![(pointer_push("", key), obj)]));
        }
    }
    let lists: [(&str, Shape, &[&str]); 4] = [
        (
            "servers",
            Shape::Server,
            &[
                "OS-EXT-STS:vm_state",
                "os-extended-volumes:volumes_attached",
            ],
        ),
        (
            "volumes",
            Shape::Volume,
            &["volume_type", "attachments", "multiattach"],
        ),
        ("backups", Shape::Cbr, &["resource_type", "extend_info"]),
        ("checkpoint_items", Shape::Csbs, &[]),
    ];
    // A document that also plans requests or operations is the user's own inventory: an
    // API-looking key in it is an unknown key to report, not a reason to read it as a dump.
    if map
        .iter()
        .any(|e| e.key == "requests" || e.key == "operations")
    {
        return None;
    }
    for (key, shape, marks) in lists {
        let Some(items) = map
            .iter()
            .find(|e| e.key == key)
            .and_then(|e| e.value.as_seq())
        else {
            continue;
        };
        // Every item must carry the API's own keys; one native item keeps the list native.
        let api =
            !items.is_empty() && (marks.is_empty() || items.iter().all(|i| has_any(i, marks)));
        if api {
            let base = pointer_push("", key);
            let found = items
                .iter()
                .enumerate()
                .filter(|(_, n)| n.as_map().is_some())
                .map(|(i, n)| (pointer_push(&base, &i.to_string()), n))
                .collect();
            return Some((shape, found));
        }
    }
    None
}

/// Read an API document, or `None` when the document is not one.
pub fn read_document(file: &Arc<SourceFile>, root: &Node) -> Option<DocModel> {
    let (shape, items) = recognise(root)?;
    let entities = items
        .into_iter()
        .filter_map(|(pointer, item)| {
            let mut s = Synth::default();
            s.raw.insert(item.span, &pointer);
            let (kind, node) = match shape {
                Shape::Server => (EntityKind::Server, server(&mut s, item, &pointer)),
                Shape::Volume => (EntityKind::Volume, volume(&mut s, item, &pointer)),
                Shape::Cbr => (EntityKind::Backup, cbr_backup(&mut s, item, &pointer)),
                Shape::Csbs => (EntityKind::Backup, csbs_backup(&mut s, item, &pointer)),
            };
            node.get("id")?;
            let mut e = Entity::new(kind, file, pointer, node, Origin::Api);
            e.set_raw(s.raw);
            Some(e)
        })
        .collect();
    Some(DocModel {
        kind: DocKind::Inventory,
        entities,
        hits: Vec::new(),
        destroyed: Vec::new(),
        variables: Vec::new(),
    })
}

fn truthy(node: &Node) -> bool {
    match node.value() {
        Some(Value::Bool(b)) => b,
        Some(Value::Str(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// ECS server detail -> server (status, task, OS, attached volumes; bootIndex "0" = system).
fn server(s: &mut Synth, obj: &Node, p: &str) -> Node {
    let mut members = s.members(
        obj,
        p,
        &[
            ("id", "id"),
            ("name", "name"),
            ("status", "status"),
            ("task_state", "OS-EXT-STS:task_state"),
        ],
    );
    if let Some(meta) = obj.get("metadata")
        && let Some(os) = s.member(meta, &pointer_push(p, "metadata"), "os_type")
    {
        members.push(("os", os));
    }
    let root_device = obj
        .get("OS-EXT-SRV-ATTR:root_device_name")
        .and_then(Node::as_str);
    let key = "os-extended-volumes:volumes_attached";
    if let Some(list) = obj.get(key).filter(|n| n.as_seq().is_some()) {
        let lp = pointer_push(p, key);
        let mut disks = Vec::new();
        for (i, v) in list.as_seq().unwrap_or_default().iter().enumerate() {
            let vp = pointer_push(&lp, &i.to_string());
            let mut d = Vec::new();
            if let Some(id) = s.member(v, &vp, "id") {
                d.push(("id", id));
            }
            if let Some(dev) = s.member(v, &vp, "device") {
                d.push(("device", dev));
            }
            if let Some(boot) = v.get("bootIndex") {
                let system = boot.display() == "0";
                d.push((
                    "system",
                    s.scalar(
                        if system { "true" } else { "false" },
                        boot.span,
                        &pointer_push(&vp, "bootIndex"),
                    ),
                ));
            } else if let (Some(root), Some(dev)) = (root_device, v.get("device")) {
                let system = dev.as_str() == Some(root);
                d.push((
                    "system",
                    s.scalar(
                        if system { "true" } else { "false" },
                        dev.span,
                        &pointer_push(&vp, "device"),
                    ),
                ));
            }
            disks.push(map(v.span, d));
        }
        members.push(("disks", seq(list.span, disks)));
        s.raw.insert(list.span, &lp);
    }
    map(obj.span, members)
}

/// EVS volume detail -> volume (DSS from `dedicated_storage_id`, shared from `multiattach`).
fn volume(s: &mut Synth, obj: &Node, p: &str) -> Node {
    let mut members = Vec::new();
    if let Some(id) = s.member(obj, p, "id") {
        members.push(("id", id));
    }
    if let Some(pool) = obj.get("dedicated_storage_id") {
        let dss = pool.as_str().is_some_and(|v| !v.is_empty());
        members.push((
            "dss",
            s.scalar(
                if dss { "true" } else { "false" },
                pool.span,
                &pointer_push(p, "dedicated_storage_id"),
            ),
        ));
    }
    if let Some(flag) = obj.get("encrypted") {
        members.push((
            "encrypted",
            s.scalar(
                if truthy(flag) { "true" } else { "false" },
                flag.span,
                &pointer_push(p, "encrypted"),
            ),
        ));
    }
    for key in ["multiattach", "shareable"] {
        if let Some(flag) = obj.get(key) {
            let shared = truthy(flag);
            members.push((
                "shared",
                s.scalar(
                    if shared { "true" } else { "false" },
                    flag.span,
                    &pointer_push(p, key),
                ),
            ));
            break;
        }
    }
    map(obj.span, members)
}

fn images(s: &mut Synth, obj: &Node, p: &str, members: &mut Vec<(&'static str, Node)>) {
    if let Some(info) = obj.get("extend_info")
        && let Some(used) = s.member(info, &pointer_push(p, "extend_info"), "os_images_data")
        && used.as_seq().is_some()
    {
        members.push(("images", used));
    }
}

/// CBR backup -> backup (service CBR; children are the disk backups).
fn cbr_backup(s: &mut Synth, obj: &Node, p: &str) -> Node {
    let mut members = s.members(
        obj,
        p,
        &[
            ("id", "id"),
            ("status", "status"),
            ("resource_type", "resource_type"),
        ],
    );
    let anchor = obj
        .get("resource_type")
        .or_else(|| obj.get("id"))
        .map_or(obj.span, |n| n.span);
    members.push(("service", s.text("CBR", anchor, p)));
    if obj.get("resource_type").and_then(Node::as_str) == Some("OS::Nova::Server")
        && let Some(server) = s.member(obj, p, "resource_id")
    {
        members.push(("server_id", server));
    }
    if let Some(info) = obj.get("extend_info")
        && let Some(c) = s.member(info, &pointer_push(p, "extend_info"), "contain_system_disk")
    {
        members.push(("contain_system_disk", c));
    }
    // List responses (ListBackups, the backup metadata API) give `children: []` for server
    // backups: an empty list says nothing about the disks (only ShowBackup fills it in).
    let children = obj
        .get("children")
        .filter(|n| n.as_seq().is_some_and(|items| !items.is_empty()));
    if let Some(children) = children {
        let cp = pointer_push(p, "children");
        let mut vols = Vec::new();
        for (i, child) in children.as_seq().unwrap_or_default().iter().enumerate() {
            let chp = pointer_push(&cp, &i.to_string());
            let mut v = Vec::new();
            if let Some(id) = s.member(child, &chp, "resource_id") {
                v.push(("id", id));
            }
            if let Some(info) = child.get("extend_info") {
                let ip = pointer_push(&chp, "extend_info");
                if let Some(b) = s
                    .member(info, &ip, "bootable")
                    .or_else(|| s.member(info, &ip, "system_disk"))
                {
                    v.push(("system", b));
                }
            }
            vols.push(map(child.span, v));
        }
        s.raw.insert(children.span, &cp);
        members.push(("volumes", seq(children.span, vols)));
    }
    images(s, obj, p, &mut members);
    map(obj.span, members)
}

/// CSBS checkpoint item -> backup (service CSBS; volume backups carry `bootable`).
fn csbs_backup(s: &mut Synth, obj: &Node, p: &str) -> Node {
    let mut members = s.members(
        obj,
        p,
        &[
            ("id", "id"),
            ("status", "status"),
            ("server_id", "resource_id"),
        ],
    );
    let anchor = obj.get("id").map_or(obj.span, |n| n.span);
    members.push(("service", s.text("CSBS", anchor, p)));
    if let Some(info) = obj.get("extend_info") {
        let ip = pointer_push(p, "extend_info");
        if let Some(list) = info.get("volume_backups").filter(|n| n.as_seq().is_some()) {
            let lp = pointer_push(&ip, "volume_backups");
            let mut vols = Vec::new();
            for (i, vb) in list.as_seq().unwrap_or_default().iter().enumerate() {
                let vp = pointer_push(&lp, &i.to_string());
                let mut v = Vec::new();
                if let Some(id) = s.member(vb, &vp, "source_volume_id") {
                    v.push(("id", id));
                }
                if let Some(b) = vb.get("bootable") {
                    v.push((
                        "system",
                        s.scalar(
                            if truthy(b) { "true" } else { "false" },
                            b.span,
                            &pointer_push(&vp, "bootable"),
                        ),
                    ));
                }
                vols.push(map(vb.span, v));
            }
            s.raw.insert(list.span, &lp);
            members.push(("volumes", seq(list.span, vols)));
        }
    }
    images(s, obj, p, &mut members);
    map(obj.span, members)
}
