//! Host facts read from what the guest prints: `lsblk --json`, LVM's JSON reports
//! (`pvs`/`vgs`/`lvs --reportformat json`), Ansible's fact cache, `Get-StorageSetting |
//! ConvertTo-Json`, and the text of diskpart's `san` and `list volume`. Each becomes a partial
//! description of one server whose values point into the facts file. What cannot be read is an
//! `inventory-facts` problem naming what was expected; nothing is guessed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::input::source::SourceFile;
use crate::model::synth::{Synth, map, seq};
use crate::model::{Entity, EntityKind, Origin};
use crate::syntax::parse::{Format, Limits, Problem, ProblemKind};
use crate::syntax::tree::{Node, Span, Value, pointer_push};

fn problem(span: Span, message: String) -> Problem {
    Problem {
        kind: ProblemKind::Facts,
        span,
        message,
    }
}

/// Read one facts file for server `server_id`.
pub fn read(file: &Arc<SourceFile>, server_id: &str, limits: &Limits) -> Result<Entity, Problem> {
    let text = file.text();
    let text = &*text;
    let trimmed = text.trim_start();
    let (node, rank, raw) = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let parsed = crate::syntax::parse::parse(text, Format::Json, limits);
        if let Some(p) = parsed.problems.into_iter().next() {
            return Err(problem(
                p.span,
                format!("facts file is not valid JSON: {}", p.message),
            ));
        }
        let Some(root) = parsed.docs.into_iter().next() else {
            return Err(problem(
                Span::default(),
                "facts file is empty; expected JSON or diskpart text".into(),
            ));
        };
        json_facts(&root)?
    } else {
        text_facts(text)?
    };
    let mut members = vec![(
        "id",
        Node {
            span: Span::default(),
            kind: crate::syntax::tree::Kind::Scalar(crate::syntax::tree::Scalar {
                text: server_id.into(),
                plain: false,
            }),
        },
    )];
    if let Some(entries) = node.as_map() {
        for e in entries {
            members.push((e.key.as_str(), e.value.clone()));
        }
    }
    let node = map(node.span, members);
    let mut entity = Entity::new(
        EntityKind::Server,
        file,
        String::new(),
        node,
        Origin::Facts(rank),
    );
    entity.set_raw(raw);
    Ok(entity)
}

type Facts = (Node, u8, crate::model::synth::RawPointers);

fn json_facts(root: &Node) -> Result<Facts, Problem> {
    let mut s = Synth::default();
    if let Some(devices) = root.get("blockdevices") {
        let lvm = lsblk(&mut s, devices)?;
        return Ok((map(root.span, vec![("lvm", lvm)]), 1, s.raw));
    }
    if let Some(report) = root.get("report") {
        let lvm = lvm_report(&mut s, report)?;
        return Ok((map(root.span, vec![("lvm", lvm)]), 0, s.raw));
    }
    let (ansible, base) = match root.get("ansible_facts") {
        Some(f) => (Some(f), "/ansible_facts"),
        None if root.get("ansible_lvm").is_some() || root.get("ansible_os_family").is_some() => {
            (Some(root), "")
        }
        None => (None, ""),
    };
    if let Some(facts) = ansible {
        let members = ansible_facts(&mut s, facts, base)?;
        return Ok((map(root.span, members), 2, s.raw));
    }
    let setting = match root.as_seq() {
        Some([one]) => Some((one, "/0")),
        _ => Some((root, "")),
    };
    if let Some((obj, base)) = setting
        && let Some(policy) = obj.get("NewDiskPolicy")
    {
        let name = match policy.value() {
            Some(Value::Int(1)) => "OnlineAll",
            Some(Value::Int(2)) => "OfflineShared",
            Some(Value::Int(3)) => "OfflineAll",
            Some(Value::Int(4)) => "OfflineInternal",
            Some(Value::Str(t))
                if crate::model::schema::SAN_POLICIES
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(t)) =>
            {
                t
            }
            _ => {
                return Err(problem(
                    policy.span,
                    format!(
                        "`NewDiskPolicy` is `{}`; expected OnlineAll, OfflineShared, OfflineAll, OfflineInternal or 1-4",
                        policy.display()
                    ),
                ));
            }
        };
        let pointer = pointer_push(base, "NewDiskPolicy");
        let node = s.text(name, policy.span, &pointer);
        let os = windows(&mut s, policy.span, &pointer);
        return Ok((
            map(root.span, vec![("san_policy", node), ("os", os)]),
            0,
            s.raw,
        ));
    }
    Err(problem(
        root.span,
        crate::lang::say(
            "unknown facts format: expected `lsblk --json`, an LVM JSON report (`report`), Ansible facts (`ansible_facts`), or `Get-StorageSetting | ConvertTo-Json` (`NewDiskPolicy`)",
            "无法识别的主机信息格式：应为`lsblk --json`、LVM JSON报告（`report`）、Ansible facts（`ansible_facts`）或`Get-StorageSetting | ConvertTo-Json`（`NewDiskPolicy`）",
        )
        .into(),
    ))
}

/// `lsblk --json`: an LVM device listed under two or more parents spans several PVs.
fn lsblk(s: &mut Synth, devices: &Node) -> Result<Node, Problem> {
    let Some(list) = devices.as_seq() else {
        return Err(problem(
            devices.span,
            "expected `blockdevices` to be a list".into(),
        ));
    };
    // lv name -> [(physical volume name node, pointer)]
    let mut parents: BTreeMap<String, Vec<(Node, String)>> = BTreeMap::new();
    /// `pv`: the nearest ancestor that is not itself an LVM device. Device-mapper layers of
    /// one LV (a thin pool's `_tmeta`/`_tdata`, a snapshot's `-real`/`-cow`, a cache's
    /// `_cdata`/`_cmeta`) are `lvm` parents too, but all sit on the same physical volume.
    fn walk(
        node: &Node,
        pointer: &str,
        pv: Option<(&Node, String)>,
        out: &mut BTreeMap<String, Vec<(Node, String)>>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        let name = node.get("name");
        let is_lvm = node.get("type").and_then(Node::as_str) == Some("lvm");
        if is_lvm
            && let (Some(name), Some((pname, ppointer))) = (name.and_then(Node::as_str), pv.clone())
            && !out
                .get(name)
                .is_some_and(|uses| uses.iter().any(|(n, _)| n.as_str() == pname.as_str()))
        {
            out.entry(name.to_string())
                .or_default()
                .push((pname.clone(), ppointer));
        }
        if let Some(children) = node.get("children").and_then(Node::as_seq) {
            let below = if is_lvm {
                pv
            } else {
                name.map(|n| (n, pointer_push(pointer, "name")))
            };
            for (i, child) in children.iter().enumerate() {
                let cp = pointer_push(&pointer_push(pointer, "children"), &i.to_string());
                walk(child, &cp, below.clone(), out, depth + 1);
            }
        }
    }
    for (i, dev) in list.iter().enumerate() {
        walk(dev, &format!("/blockdevices/{i}"), None, &mut parents, 0);
    }
    let mut lvs = Vec::new();
    for (lv, uses) in parents {
        let pvs: Vec<Node> = uses.iter().map(|(n, p)| s.copy(n, p)).collect();
        let anchor = uses.last().map_or(devices.span, |(n, _)| n.span);
        let name = s.text(
            &lv,
            anchor,
            uses.last().map_or("/blockdevices", |(_, p)| p.as_str()),
        );
        lvs.push(map(
            anchor,
            vec![("name", name), ("physical_volumes", seq(anchor, pvs))],
        ));
    }
    Ok(map(
        devices.span,
        vec![("logical_volumes", seq(devices.span, lvs))],
    ))
}

fn cell<'a>(row: &'a Node, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Node::as_str)
}

/// `pvs`/`vgs`/`lvs --reportformat json` (all values strings; `lvs` with segment columns gives
/// one row per segment).
fn lvm_report(s: &mut Synth, report: &Node) -> Result<Node, Problem> {
    let Some(parts) = report.as_seq() else {
        return Err(problem(
            report.span,
            "expected `report` to be a list".into(),
        ));
    };
    let mut vgs = Vec::new();
    let mut pv_groups: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    let mut lv_devices: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for (i, part) in parts.iter().enumerate() {
        let pp = format!("/report/{i}");
        for kind in ["vg", "pv", "lv", "seg"] {
            let Some(rows) = part.get(kind) else { continue };
            let Some(rows) = rows.as_seq() else {
                return Err(problem(
                    rows.span,
                    format!("expected `{kind}` to be a list of rows"),
                ));
            };
            for (r, row) in rows.iter().enumerate() {
                let rp = format!("{pp}/{kind}/{r}");
                if row.as_map().is_none() {
                    return Err(problem(
                        row.span,
                        "expected each report row to be an object".into(),
                    ));
                }
                match kind {
                    "vg" => {
                        let (Some(name), Some(count)) = (row.get("vg_name"), row.get("pv_count"))
                        else {
                            continue;
                        };
                        let name = s.copy(name, &pointer_push(&rp, "vg_name"));
                        let count = s.copy(count, &pointer_push(&rp, "pv_count"));
                        vgs.push(map(row.span, vec![("name", name), ("pv_count", count)]));
                    }
                    "pv" => {
                        let (Some(vg), Some(pv)) = (cell(row, "vg_name"), row.get("pv_name"))
                        else {
                            continue;
                        };
                        if !vg.is_empty() {
                            let pv = s.copy(pv, &pointer_push(&rp, "pv_name"));
                            pv_groups.entry(vg.to_string()).or_default().push(pv);
                        }
                    }
                    _ => {
                        let (Some(vg), Some(lv), Some(devices)) = (
                            cell(row, "vg_name"),
                            cell(row, "lv_name"),
                            row.get("devices"),
                        ) else {
                            continue;
                        };
                        let dp = pointer_push(&rp, "devices");
                        for device in devices.as_str().unwrap_or_default().split(',') {
                            let path = device.split('(').next().unwrap_or_default().trim();
                            if path.is_empty() {
                                continue;
                            }
                            let entry = lv_devices.entry(format!("{vg}/{lv}")).or_default();
                            if !entry.iter().any(|n| n.as_str() == Some(path)) {
                                entry.push(s.text(path, devices.span, &dp));
                            }
                        }
                    }
                }
            }
        }
    }
    if vgs.is_empty() {
        for (vg, pvs) in pv_groups {
            let anchor = pvs.last().map_or(report.span, |n| n.span);
            let name = s.text(&vg, anchor, "/report");
            vgs.push(map(
                anchor,
                vec![("name", name), ("physical_volumes", seq(anchor, pvs))],
            ));
        }
    }
    let lvs: Vec<Node> = lv_devices
        .into_iter()
        .map(|(lv, devices)| {
            let anchor = devices.last().map_or(report.span, |n| n.span);
            let name = s.text(&lv, anchor, "/report");
            map(
                anchor,
                vec![("name", name), ("physical_volumes", seq(anchor, devices))],
            )
        })
        .collect();
    let mut members = Vec::new();
    if !vgs.is_empty() {
        members.push(("volume_groups", seq(report.span, vgs)));
    }
    if !lvs.is_empty() {
        members.push(("logical_volumes", seq(report.span, lvs)));
    }
    if members.is_empty() {
        return Err(problem(
            report.span,
            "the LVM report has no usable rows: expected `vgs -o vg_name,pv_count`, `pvs -o pv_name,vg_name` or `lvs -o vg_name,lv_name,devices`".into(),
        ));
    }
    Ok(map(report.span, members))
}

/// Ansible fact cache: `ansible_lvm.vgs.<vg>.num_pvs` and `ansible_os_family`.
fn ansible_facts(
    s: &mut Synth,
    facts: &Node,
    base: &str,
) -> Result<Vec<(&'static str, Node)>, Problem> {
    let mut members = Vec::new();
    if let Some(family) = facts.get("ansible_os_family") {
        let Some(name) = family.as_str() else {
            return Err(problem(
                family.span,
                "expected `ansible_os_family` to be a string".into(),
            ));
        };
        let os = if name.eq_ignore_ascii_case("windows") {
            "windows"
        } else {
            "linux"
        };
        members.push((
            "os",
            s.text(os, family.span, &pointer_push(base, "ansible_os_family")),
        ));
    }
    if let Some(vgs) = facts
        .get("ansible_lvm")
        .and_then(|l| l.get("vgs"))
        .and_then(Node::as_map)
    {
        let vp = pointer_push(&pointer_push(base, "ansible_lvm"), "vgs");
        let mut groups = Vec::new();
        for e in vgs {
            let ep = pointer_push(&vp, &e.key);
            let Some(count) = e.value.get("num_pvs") else {
                continue;
            };
            let name = s.text(&e.key, e.key_span, &ep);
            let count = s.copy(count, &pointer_push(&ep, "num_pvs"));
            groups.push(map(e.value.span, vec![("name", name), ("pv_count", count)]));
        }
        if !groups.is_empty() {
            members.push((
                "lvm",
                map(facts.span, vec![("volume_groups", seq(facts.span, groups))]),
            ));
        }
    }
    if members.is_empty() {
        return Err(problem(
            facts.span,
            "the Ansible facts have neither of the expected `ansible_lvm` and `ansible_os_family`"
                .into(),
        ));
    }
    Ok(members)
}

/// Storage settings and diskpart exist only on Windows: such facts also say the guest's OS.
fn windows(s: &mut Synth, span: Span, pointer: &str) -> Node {
    s.text("windows", span, pointer)
}

/// The volume types diskpart's `list volume` prints, and what the inventory calls them
/// (`None`: not a volume the restriction is about).
const VOLUME_TYPES: &[(&str, Option<&str>)] = &[
    ("Spanned", Some("spanned")),
    ("Simple", Some("simple")),
    ("Partition", Some("simple")),
    ("Stripe", Some("striped")),
    ("Mirror", Some("mirror")),
    ("RAID-5", Some("raid5")),
    ("DVD-ROM", None),
    ("CD-ROM", None),
    ("Removable", None),
];

/// One `Volume N` row. Labels may hold wide characters, so columns are not cut by position:
/// the Type cell is the known type word nearest the header's `Type` column. A row whose type
/// cannot be found is a problem, not a row to skip.
fn volume_row(
    s: &mut Synth,
    body: &str,
    offset: usize,
    type_column: usize,
) -> Result<Node, Problem> {
    let words: Vec<(usize, usize, &str)> = body
        .split_whitespace()
        .map(|w| {
            let at = w.as_ptr() as usize - body.as_ptr() as usize;
            (at, body[..at].chars().count(), w)
        })
        .collect();
    let typed = words
        .iter()
        .filter_map(|(at, col, w)| {
            VOLUME_TYPES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(w))
                .map(|(_, normal)| (*at, *col, *w, *normal))
        })
        .min_by_key(|(_, col, _, _)| col.abs_diff(type_column));
    let Some((at, _, word, normal)) = typed else {
        let len = body.trim_end().len();
        return Err(problem(
            Span::new(offset, offset + len),
            format!(
                "cannot find the Type of `{}`: expected one of Spanned, Simple, Partition, Stripe, Mirror, RAID-5, DVD-ROM, CD-ROM, Removable",
                body.trim()
            ),
        ));
    };
    let span = Span::new(offset + at, offset + at + word.len());
    // `Volume N` then an optional one-letter drive.
    let number = words.get(1).map_or("", |w| w.2);
    let name = match words.get(2) {
        Some((_, _, l)) if l.len() == 1 && l.chars().all(|c| c.is_ascii_alphabetic()) => {
            format!("{l}:")
        }
        _ => format!("Volume {number}"),
    };
    let type_node = s.text(normal.unwrap_or("other"), span, "");
    let name_node = s.text(&name, span, "");
    Ok(map(span, vec![("name", name_node), ("type", type_node)]))
}

/// The text of diskpart's `san` (`SAN Policy  : Offline Shared`) or `list volume`.
fn text_facts(text: &str) -> Result<Facts, Problem> {
    let mut s = Synth::default();
    let mut offset = 0;
    // The character column where the header's `Type` starts.
    let mut header: Option<usize> = None;
    let mut volumes = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        if let Some(pos) = body.find("SAN Policy") {
            let Some(colon) = body[pos..].find(':').map(|c| pos + c) else {
                continue;
            };
            let value = body[colon + 1..].trim();
            let start = offset
                + colon
                + 1
                + (body[colon + 1..].len() - body[colon + 1..].trim_start().len());
            let joined: String = value.split_whitespace().collect();
            let Some(name) = crate::model::schema::SAN_POLICIES
                .iter()
                .find(|p| p.eq_ignore_ascii_case(&joined))
            else {
                return Err(problem(
                    Span::new(start, start + value.len()),
                    format!(
                        "SAN policy `{value}` is not one of Online All, Offline Shared, Offline All, Offline Internal"
                    ),
                ));
            };
            let node = s.text(name, Span::new(start, start + value.len()), "");
            let os = windows(&mut s, node.span, "");
            return Ok((
                map(node.span, vec![("san_policy", node), ("os", os)]),
                0,
                s.raw,
            ));
        }
        if body.contains("Volume ###") && body.contains("Type") {
            header = body[..body.find("Type").unwrap_or(0)]
                .chars()
                .count()
                .into();
        } else if let Some(type_column) = header
            && body.trim_start().starts_with("Volume ")
        {
            volumes.push(volume_row(&mut s, body, offset, type_column)?);
        }
        offset += line.len();
    }
    if header.is_some() {
        let span = volumes.first().map_or(Span::default(), |v: &Node| v.span);
        let os = windows(&mut s, span, "");
        return Ok((
            map(span, vec![("volumes", seq(span, volumes)), ("os", os)]),
            0,
            s.raw,
        ));
    }
    let first = text.lines().next().unwrap_or_default();
    if first.contains("MAJ:MIN") && first.trim_start().starts_with("NAME") {
        return Err(problem(
            Span::new(0, first.len()),
            "plain `lsblk` output is not read: save `lsblk --json` (or `lsblk -J`) instead, which says which device sits on which".into(),
        ));
    }
    Err(problem(
        Span::new(0, text.lines().next().map_or(0, str::len)),
        "unrecognised text: expected the English output of diskpart `san` (`SAN Policy  : ...`) or `list volume` (`Volume ###  Ltr ... Type`); localised output cannot be read (chcp does not change diskpart's language); collect `Get-StorageSetting | ConvertTo-Json` instead".into(),
    ))
}
