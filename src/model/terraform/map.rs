//! Terraform resources to entities: whole-image resources become requests, image
//! copies, shares and exports operations, instances servers with their disks (attached
//! volumes included) and the CBR vault they are in. Every value keeps the span of the
//! attribute it comes from; a value written in a variable is found where it is written.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use hcl::Value;

use super::Source;
use super::config::{Attr, Entry};
use super::eval::{Val, text};
use super::module::{Instance, Value2, Written};
use crate::finding::Place;
use crate::input::source::SourceFile;
use crate::lang::{pick, say};
use crate::model::synth::{RawPointers, map, seq};
use crate::model::{Entity, EntityKind, Moved, Origin};
use crate::syntax::tree::{Kind, Node, Scalar, Span, pointer_push};

/// Instances by address (looked up for every reference: a fast hash, as for the trees), and
/// the whole images that exist already (a plan's kept ones, data sources) by their id too.
type Index<'a> = HashMap<&'a str, &'a Instance>;

/// The entities of every instance, with the source file their resource block is written in.
pub fn entities(instances: &[Instance], sources: &[&Source]) -> Vec<(usize, Entity)> {
    let mut out = Vec::new();
    let mut index: Index = instances.iter().map(|i| (i.address.as_str(), i)).collect();
    for inst in instances.iter().filter(|i| i.data && is_whole_image(i)) {
        if let Some(id) = inst.body.attr("id").and_then(|a| match &a.expr {
            hcl::Expression::String(id) => Some(id.as_str()),
            _ => None,
        }) {
            index.insert(id, inst);
        }
    }
    let links = Links::new(instances);
    for inst in instances {
        if inst.data && is_whole_image(inst) {
            // A whole image a plan keeps (made by an earlier apply): what operations on it
            // are judged by, never a request of its own (see `Entity::mark_existing`).
            if let Some(mut e) = request(inst, sources, &index, whole_image_path(inst)) {
                e.mark_existing();
                out.push((inst.source, e));
            }
            continue;
        }
        let entity = match (inst.data, inst.ty.as_str()) {
            (false, "huaweicloud_ims_ecs_whole_image") => {
                request(inst, sources, &index, Path::Server)
            }
            (false, "huaweicloud_ims_cbr_whole_image") => {
                request(inst, sources, &index, Path::Backup)
            }
            (false, "huaweicloud_images_image") if is_whole_image(inst) => {
                request(inst, sources, &index, whole_image_path(inst))
            }
            (false, "huaweicloud_images_image_copy") => {
                operation(inst, sources, &index, "replicate")
            }
            (false, "huaweicloud_images_image_share") => operation(inst, sources, &index, "share"),
            // A share a plan keeps: its projects count towards the image's limit.
            (true, "huaweicloud_images_image_share") => operation(inst, sources, &index, "share")
                .map(|mut e| {
                    e.mark_existing();
                    e
                }),
            (false, "huaweicloud_ims_image_export" | "huaweicloud_imsv21_image_export") => {
                operation(inst, sources, &index, "export")
            }
            (_, "huaweicloud_compute_instance") => Some(server(inst, sources, &index, &links)),
            _ => None,
        };
        if let Some(e) = entity {
            out.push((inst.source, e));
        }
    }
    out.extend(vault_members(instances, sources, &index, &links));
    out
}

/// The servers the run does not describe that a vault holds by their id (`resources {
/// server_id = "877a…" }`) or that it attaches volumes to by their id: each described by that
/// alone, which merges with what describes the server elsewhere (an inventory, an API dump),
/// so that a request naming another vault is IMG.0183 (`request-vault-id`), and a volume on a
/// DSS pool attached to it is judged, as for a server of the module.
fn vault_members(
    instances: &[Instance],
    sources: &[&Source],
    index: &Index,
    links: &Links,
) -> Vec<(usize, Entity)> {
    let described: foldhash::HashSet<String> = instances
        .iter()
        .filter(|i| i.ty == "huaweicloud_compute_instance")
        .flat_map(|i| {
            let id = i.value("id").and_then(|v| known_id(v.val));
            [Some(i.address.clone()), id]
        })
        .flatten()
        .collect();
    let held = |id: &&String| !crate::values::is_terraform_address(id) && !described.contains(*id);
    // A server an image names by its id may get a volume an attachment whose server is not
    // known before apply attaches: said of it too.
    let imaged: foldhash::HashMap<String, &Instance> = instances
        .iter()
        .filter(|_| !links.unsure_attached.is_empty())
        .filter(|i| !i.data && is_whole_image(i))
        .filter_map(|i| Some((known_id(i.value("instance_id")?.val)?, i)))
        .collect();
    // In the order of the ids: the same entities, in the same order, whatever the tables'.
    let ids: std::collections::BTreeSet<&String> = links
        .vaults
        .keys()
        .chain(links.volumes.keys())
        .chain(links.attached_by_id.keys())
        .chain(imaged.keys())
        .filter(held)
        .collect();
    ids.into_iter()
        .filter_map(|id| {
            let vault = links.vaults.get(id);
            let volumes = links.volumes_of(id, id);
            let by_id = links.attached_by_id.get(id).map_or(&[][..], Vec::as_slice);
            let base = vault
                .map(|(v, _)| *v)
                .or_else(|| volumes.first().copied())
                .or_else(|| by_id.first().map(|(_, attach)| *attach))
                .or_else(|| imaged.get(id).copied())?;
            let mut d = Draft::new(base, sources, index, EntityKind::Server);
            match vault {
                Some((vault, v)) => {
                    let at = pointer_push(vault.json_pointer(), "resources");
                    let node = d.scalar(id.clone(), false, v.attr.span, &at);
                    d.members.push(("id", node));
                    in_vault(&mut d, vault, v);
                }
                None => d.implied("id", id, false),
            }
            attached_to_existing(&mut d, links, id, id, base.span);
            may_be_attached(&mut d, links);
            Some((base.source, d.finish(EntityKind::Server)))
        })
        .collect()
}

/// Why a server's disks are not known when the run only attaches volumes to it.
fn disks_not_read(server: &str) -> String {
    pick(
        || {
            format!(
                "only the volumes the run attaches to {server} are read, not the disks it has now: add `hcloud ECS ShowServer` output"
            )
        },
        || {
            format!(
                "只读取了本次运行挂载到{server}的卷，未读取其现有磁盘：请添加`hcloud ECS ShowServer`的输出"
            )
        },
    )
}

/// A server's membership of `vault`, which holds it through the `server_id` value `v`: backed
/// up by CBR, in that vault (found where the vault's block writes them).
fn in_vault(d: &mut Draft, vault: &Instance, v: &Value2) {
    let vp = pointer_push(vault.json_pointer(), "resources");
    let service = d.scalar("CBR".into(), false, v.attr.span, &vp);
    let service = d.foreign(vault.source, v.attr.span, &vp, service);
    d.members.push(("backup_service", service));
    // A vault a plan keeps is named by its id, as the plan's requests name it.
    let vault_id = vault
        .value("id")
        .and_then(|v| known_id(v.val))
        .unwrap_or_else(|| vault.address.clone());
    let id = d.scalar(vault_id, false, vault.span, &vp);
    let id = d.foreign(vault.source, vault.span, &vp, id);
    d.members.push(("vault_id", id));
}

/// A value as the provider receives it: Terraform converts a string to the type the provider
/// declares for the argument, as `cty` does (`min_ram = "1024"` sends 1024, `multiattach =
/// "true"` is true). A string it cannot convert stays a string (Terraform refuses it, and so
/// do the rules).
fn typed(name: &str, val: Val) -> Val {
    let Val::Known(Value::String(text)) = &val else {
        return val;
    };
    let converted = match name {
        "min_ram" | "max_ram" => super::eval::number_of(text),
        "multiattach" => super::eval::bool_of(text).map(Value::Bool),
        _ => None,
    };
    converted.map_or(val, Val::Known)
}

/// The argument is set to something (an unknown or a reference counts): `null` and `""` are
/// not (the provider tests `GetOk`, so an empty `vault_id` makes a system-disk image).
fn sets(inst: &Instance, arg: &str) -> bool {
    match inst.value(arg).map(|v| v.val) {
        None | Some(Val::Known(Value::Null)) => false,
        Some(Val::Known(Value::String(s))) => !s.is_empty(),
        Some(_) => true,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Path {
    Server,
    Backup,
}

/// One entity being built from an instance.
struct Draft<'a> {
    inst: &'a Instance,
    sources: &'a [&'a Source],
    index: &'a Index<'a>,
    file: Arc<SourceFile>,
    pointer: String,
    members: Vec<(&'static str, Node)>,
    raw: RawPointers,
    unknown: Vec<(String, String)>,
    invalid: Vec<Span>,
    moved: Vec<Moved>,
    foreign: u32,
    /// The field that names the entity (see `EntityKind::label_key`).
    label_key: &'static str,
}

/// The fields whose value names another entity, which a reference to a resource stands for.
const REFERENCES: [&str; 3] = ["instance_id", "vault_id", "backup_id"];

/// Spans given to values written in another file than the entity's: far past any file's end,
/// each found again through `Moved`.
const FOREIGN_BASE: usize = 0xC000_0000;

impl<'a> Draft<'a> {
    fn new(
        inst: &'a Instance,
        sources: &'a [&'a Source],
        index: &'a Index<'a>,
        entity: EntityKind,
    ) -> Draft<'a> {
        let pointer = inst.json_pointer().to_string();
        Draft {
            inst,
            sources,
            index,
            file: sources[inst.source].file.clone(),
            pointer,
            members: Vec::with_capacity(10),
            raw: RawPointers::default(),
            unknown: Vec::new(),
            invalid: Vec::new(),
            moved: Vec::new(),
            foreign: 0,
            label_key: entity.label_key(),
        }
    }

    fn scalar(&mut self, text: String, plain: bool, span: Span, pointer: &str) -> Node {
        self.raw.insert(span, pointer);
        plain_scalar(text, plain, span)
    }

    /// A scalar whose raw pointer is the entity's block (a value the block implies).
    fn block_scalar(&mut self, text: String, plain: bool, span: Span) -> Node {
        self.raw.insert(span, &self.pointer);
        plain_scalar(text, plain, span)
    }

    /// A scalar for the field `key` from the argument `name`: a field named as its argument
    /// needs no raw pointer (the entity's pointer and the key make it, and every checked value
    /// is looked up there), and none is made.
    fn field_scalar(
        &mut self,
        text: String,
        plain: bool,
        span: Span,
        key: &str,
        name: &str,
    ) -> Node {
        if key == name {
            return plain_scalar(text, plain, span);
        }
        let pointer = pointer_push(&self.pointer, name);
        self.scalar(text, plain, span, &pointer)
    }

    /// A value the resource block implies (`whole_image_type: CBR`, `system: true`), at the
    /// block's type.
    fn implied(&mut self, key: &'static str, text: &str, plain: bool) {
        let node = self.block_scalar(text.to_string(), plain, self.inst.span);
        self.members.push((key, node));
    }

    /// An argument as the entity's field `key`; `None` when the argument is not set.
    fn arg(&mut self, key: &'static str, name: &str) -> Option<()> {
        let mut v = self.inst.value(name)?;
        v.val = typed(name, v.val);
        let node = self.node(key, name, v)?;
        self.members.push((key, node));
        Some(())
    }

    /// A list written item by item (`[\"p1\", \"p2\", var.extra]`) some of whose items are not
    /// known before apply: the known items, judged (eleven known projects are over the limit
    /// of ten whatever the twelfth is), and the argument said to be unknown, so that what the
    /// known items cannot tell is still reported as not verified. `None` when the value is
    /// known, not such a list, or none of its items is known.
    fn partly_known_list(&mut self, key: &'static str, name: &str) -> Option<()> {
        let v = self.inst.value(name)?;
        let Val::Unknown(why) = &v.val else {
            return None;
        };
        let mut known = Vec::new();
        known_items(&v.attr.expr, &self.inst.scope, 0, &mut known)?;
        if known.is_empty() {
            return None;
        }
        let (why, span) = (why.clone(), v.attr.span);
        let pointer = pointer_push(&self.pointer, name);
        let items = known
            .into_iter()
            .map(|text| self.scalar(text, false, span, &pointer))
            .collect();
        self.raw.insert(span, &pointer);
        self.unknown.push((name.to_string(), why));
        self.members.push((key, seq(span, items)));
        Some(())
    }

    /// The node for a value; `None` for `null` and the values the provider does not send
    /// (`0` RAM, an empty enterprise project: `ValueIgnoreEmpty`).
    fn node(&mut self, key: &str, name: &str, v: Value2) -> Option<Node> {
        let span = v.attr.span;
        if let Some(w) = v.written {
            let pointer = pointer_push(&self.pointer, name);
            self.moved.push(Moved {
                span,
                to: Place::new(
                    self.sources[w.source].file.clone(),
                    w.span,
                    w.pointer.clone(),
                ),
                used: Some((
                    Place::new(self.file.clone(), span, pointer),
                    self.uses(name, w),
                )),
            });
        }
        Some(match v.val {
            Val::Known(Value::Null) => return None,
            Val::Known(Value::Number(n)) if n.as_i64() == Some(0) && key.ends_with("_ram") => {
                return None;
            }
            Val::Known(Value::String(s)) if s.is_empty() && key == "enterprise_project_id" => {
                return None;
            }
            Val::Known(Value::String(s)) => self.field_scalar(s, false, span, key, name),
            Val::Known(value @ (Value::Number(_) | Value::Bool(_))) => {
                self.field_scalar(text(&value).unwrap_or_default(), true, span, key, name)
            }
            Val::Known(Value::Array(items)) => {
                let pointer = pointer_push(&self.pointer, name);
                let items = items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => self.scalar(s.clone(), false, span, &pointer),
                        other => self.scalar(text(other).unwrap_or_default(), true, span, &pointer),
                    })
                    .collect();
                self.raw.insert(span, &pointer);
                seq(span, items)
            }
            Val::Known(Value::Object(_)) => {
                return self.unknown_node(
                    key,
                    name,
                    span,
                    say(
                        "an object is not a value of this field",
                        "对象不能作为此字段的值",
                    )
                    .into(),
                );
            }
            Val::Unknown(why) => return self.unknown_node(key, name, span, why),
            // Another resource's id names the server, vault or backup a request uses; as a
            // name, a description or a number it is a value known after apply, not its address.
            Val::Ref(address) if !REFERENCES.contains(&key) => {
                let why = pick(
                    || format!("the id of {address}, known after apply"),
                    || format!("{address}的id，apply之后才知道"),
                );
                return self.unknown_node(key, name, span, why);
            }
            Val::Ref(address) => {
                let id = self.resolve(address);
                self.field_scalar(id, false, span, key, name)
            }
        })
    }

    fn unknown_node(&mut self, key: &str, name: &str, span: Span, why: String) -> Option<Node> {
        self.unknown.push((name.to_string(), why));
        self.invalid.push(span);
        // What names the entity in findings (a request's `name`): its address stands in.
        let text = if key == self.label_key {
            self.inst.address.clone()
        } else {
            "(known after apply)".to_string()
        };
        Some(self.field_scalar(text, false, span, key, name))
    }

    /// What another resource's `id` stands for: a data source's literal id when it has one,
    /// else the address (which joins entities of the run to each other).
    fn resolve(&self, address: String) -> String {
        match self.index.get(address.as_str()) {
            Some(inst) if inst.data => ["instance_id", "id"]
                .iter()
                .find_map(|a| match inst.value(a).map(|v| v.val) {
                    Some(Val::Known(Value::String(id))) => Some(id),
                    _ => None,
                })
                .unwrap_or(address),
            _ => address,
        }
    }

    /// `tags` (a map) as `image_tags` (`[{key, value}]`), as the provider sends them: with
    /// its provider configuration's `default_tags` merged in (a resource's own tag wins), each
    /// found where it is written.
    fn tags(&mut self) {
        let own = self.inst.value("tags");
        let defaults = match self.inst.default_tags() {
            Some(d) => match &d.val {
                Val::Known(Value::Object(tags)) if !tags.is_empty() => Some((tags, d)),
                _ => None,
            },
            None => None,
        };
        let own_tags = match own.as_ref().map(|v| &v.val) {
            Some(Val::Known(Value::Object(tags))) => Some(tags),
            None | Some(Val::Known(Value::Null)) => None,
            Some(_) => {
                // Unknown, or not a map: said so (the defaults cannot make it known).
                if let Some(v) = own
                    && let Some(node) = self.node("image_tags", "tags", v)
                {
                    self.members.push(("image_tags", node));
                }
                return;
            }
        };
        let mut items = Vec::new();
        if let Some(v) = &own
            && let Some(tags) = own_tags
        {
            let span = v.attr.span;
            let pointer = pointer_push(&self.pointer, "tags");
            // A map written elsewhere (a variable's value, a local): each tag is found there,
            // with the attribute that uses it.
            let (source, at, entries, whole) = match v.written {
                Some(w) => (w.source, w.pointer.clone(), &w.entries, w.span),
                None => (self.inst.source, pointer.clone(), &v.attr.entries, span),
            };
            let used = v.written.map(|w| {
                let place = Place::new(self.file.clone(), span, pointer.clone());
                (place, self.uses("tags", w))
            });
            for (k, value) in tags {
                let spans = entry_spans(entries, k, whole);
                let tag_pointer = pointer_push(&at, k);
                // A value that is a variable or a local alone, in a map written here, is
                // found where that value is written, with the entry that uses it.
                let value_at = match v.written {
                    None => self.entry_written(v.attr, k).map(|w| {
                        let said = self.uses(&format!("tags.{k}"), w);
                        (
                            w,
                            (
                                Place::new(self.file.clone(), spans.1, tag_pointer.clone()),
                                said,
                            ),
                        )
                    }),
                    Some(_) => None,
                };
                let at = TagAt {
                    source,
                    spans,
                    pointer: &tag_pointer,
                    used: used.as_ref(),
                };
                let item = self.tag(k, value, at, value_at);
                items.push(item);
            }
            self.raw.insert(span, &pointer);
        }
        if let Some((tags, defaults)) = defaults {
            let at = &defaults.at;
            for (k, value) in tags {
                if own_tags.is_some_and(|tags| tags.contains_key(k)) {
                    continue;
                }
                let spans = entry_spans(&at.entries, k, at.span);
                let tag_at = TagAt {
                    source: at.source,
                    spans,
                    pointer: &at.pointer,
                    used: None,
                };
                items.push(self.tag(k, value, tag_at, None));
            }
        }
        if items.is_empty() && own_tags.is_none() {
            return;
        }
        let span = own.as_ref().map_or(self.inst.span, |v| v.attr.span);
        self.members.push(("image_tags", seq(span, items)));
    }

    /// What is said beside a value written at `w` where the argument `arg` uses it.
    fn uses(&self, arg: &str, w: &Written) -> String {
        uses(&self.inst.address, arg, w)
    }

    /// Where the variable or local an entry of a map written here is alone is written.
    fn entry_written(&self, attr: &'a Attr, key: &str) -> Option<&'a Written> {
        let hcl::Expression::Object(object) = &attr.expr else {
            return None;
        };
        let (_, value) = object.iter().find(|(k, _)| match k {
            hcl::ObjectKey::Identifier(name) => name.as_str() == key,
            hcl::ObjectKey::Expression(hcl::Expression::String(name)) => name == key,
            _ => false,
        })?;
        self.inst.module.written_at(value)
    }

    /// One tag as the provider sends it, `{key, value}`, its key and value at `spans` of the
    /// file `source` (the value at `value_at` instead, when it is written there, with the
    /// entry that uses it).
    fn tag(
        &mut self,
        key: &str,
        value: &Value,
        at: TagAt,
        value_at: Option<(&Written, (Place, String))>,
    ) -> Node {
        let TagAt {
            source,
            spans: (key_span, value_span),
            pointer,
            used,
        } = at;
        let node = |d: &mut Self, text: String, span: Span| {
            let scalar = d.scalar(text, false, span, pointer);
            d.placed(source, span, pointer, scalar, used)
        };
        let key = node(self, key.to_string(), key_span);
        let text = text(value).unwrap_or_default();
        let value = match value_at {
            Some((w, used)) => {
                let scalar = self.scalar(text, false, w.span, &w.pointer);
                self.moved_to(w.source, w.span, &w.pointer, scalar, Some(used))
            }
            None => node(self, text, value_span),
        };
        let item = map(key_span, vec![("key", key), ("value", value)]);
        self.placed(source, key_span, pointer, item, used)
    }

    /// A node for a value written where another attribute uses it (`used`: that attribute,
    /// shown beside findings on it), or else in another file (see [`Draft::foreign`]).
    fn placed(
        &mut self,
        source: usize,
        span: Span,
        pointer: &str,
        node: Node,
        used: Option<&(Place, String)>,
    ) -> Node {
        match used {
            Some(used) => self.moved_to(source, span, pointer, node, Some(used.clone())),
            None => self.foreign(source, span, pointer, node),
        }
    }

    /// A node for a value written in another file (an attached volume, a vault): a span of
    /// its own that `Moved` leads back to the real place.
    fn foreign(&mut self, source: usize, span: Span, pointer: &str, node: Node) -> Node {
        if source == self.inst.source {
            return node;
        }
        self.moved_to(source, span, pointer, node, None)
    }

    /// A node for a value written in the file `source` at `span`: with a span of its own when
    /// that is another file, or when the span is `shared` by values of other blocks (those a
    /// `dynamic` block makes: each then has its own pointer, and an unknown one does not hide
    /// the others from the rules).
    fn apart(
        &mut self,
        source: usize,
        span: Span,
        pointer: &str,
        node: Node,
        shared: bool,
    ) -> Node {
        if shared {
            return self.moved_to(source, span, pointer, node, None);
        }
        self.foreign(source, span, pointer, node)
    }

    /// A node with a span of its own that `Moved` leads to `span` of the file `source` (with
    /// the attribute that uses the value, if any).
    fn moved_to(
        &mut self,
        source: usize,
        span: Span,
        pointer: &str,
        node: Node,
        used: Option<(Place, String)>,
    ) -> Node {
        let pointer = pointer.to_string();
        self.foreign += 1;
        let at = Span::new(
            FOREIGN_BASE + self.foreign as usize,
            FOREIGN_BASE + self.foreign as usize,
        );
        self.moved.push(Moved {
            span: at,
            to: Place::new(self.sources[source].file.clone(), span, pointer),
            used,
        });
        Node { span: at, ..node }
    }

    fn finish(self, kind: EntityKind) -> Entity {
        let span = self.inst.span;
        let node = map(span, self.members);
        let mut e = Entity::new(kind, &self.file, self.pointer, node, Origin::Terraform);
        e.set_raw(self.raw);
        e.set_key_span(span);
        e.set_address(self.inst.address.clone(), self.inst.planned);
        e.set_terraform(self.unknown, self.invalid, self.moved);
        if let Some(region) = self.inst.known_region() {
            e.set_region(Some(region));
        }
        e
    }
}

/// Where a tag is written: the file, its key's and value's spans there, its pointer, and the
/// attribute that uses it when that is elsewhere.
struct TagAt<'p> {
    source: usize,
    spans: (Span, Span),
    pointer: &'p str,
    used: Option<&'p (Place, String)>,
}

/// Where a tag of a map is written: its key and value when the map is written as one (its
/// `entries`), else the map (`span`).
fn entry_spans(entries: &[Entry], key: &str, span: Span) -> (Span, Span) {
    entries
        .iter()
        .find(|e| e.key == key)
        .map_or((span, span), |e| (e.key_span, e.span))
}

fn plain_scalar(text: String, plain: bool, span: Span) -> Node {
    Node {
        span,
        kind: Kind::Scalar(Scalar {
            text: text.into(),
            plain,
        }),
    }
}

fn request(inst: &Instance, sources: &[&Source], index: &Index, path: Path) -> Option<Entity> {
    let mut d = Draft::new(inst, sources, index, EntityKind::Request);
    d.arg("name", "name");
    d.arg("description", "description");
    match path {
        Path::Server => {
            d.arg("instance_id", "instance_id");
            d.arg("vault_id", "vault_id");
        }
        Path::Backup => {
            d.arg("backup_id", "backup_id");
            d.implied("whole_image_type", "CBR", false);
        }
    }
    d.arg("min_ram", "min_ram");
    d.arg("max_ram", "max_ram");
    d.arg("enterprise_project_id", "enterprise_project_id");
    d.tags();
    Some(d.finish(EntityKind::Request))
}

fn operation(inst: &Instance, sources: &[&Source], index: &Index, action: &str) -> Option<Entity> {
    let mut d = Draft::new(inst, sources, index, EntityKind::Operation);
    let image_arg = if action == "export" {
        "image_id"
    } else {
        "source_image_id"
    };
    let image = inst.value(image_arg);
    // An image the run makes that is not a whole image (`huaweicloud_images_image` from a
    // server without a vault: a system-disk image), or a copy of one: no whole image's
    // restriction applies.
    if let Some(Val::Ref(address)) = image.as_ref().map(|v| &v.val)
        && let Some(source) = index.get(address.as_str())
        && not_whole_image(source, index)
    {
        return None;
    }
    // The image's name when the run makes it; otherwise why it is unknown.
    let made = match image.as_ref().map(|v| &v.val) {
        Some(Val::Ref(address)) => image_made(address, index, 0),
        Some(Val::Known(Value::String(id))) => match index.get(id.as_str()) {
            Some(image) if image.data && is_whole_image(image) => image_made(id, index, 0),
            _ => Err(pick(
                || format!("image `{id}` is not made in this run"),
                || format!("镜像`{id}`不是本次运行所制作的"),
            )),
        },
        Some(Val::Unknown(why)) => Err(why.clone()),
        _ => Err(not_set(image_arg)),
    };
    // The whole-image resource it works on, by address: another image of the same name (the
    // same module called twice) is another image.
    let whole = match image.as_ref().map(|v| &v.val) {
        Some(Val::Ref(address)) => index.get(address.as_str()),
        Some(Val::Known(Value::String(id))) => index.get(id.as_str()).filter(|i| i.data),
        _ => None,
    }
    .filter(|i| is_whole_image(i));
    // A copy of a whole image the run makes (through copies, maybe): the operation is on a
    // replica.
    let copy = match image.as_ref().map(|v| &v.val) {
        Some(Val::Ref(address)) => index
            .get(address.as_str())
            .filter(|i| copies_whole_image(i, index)),
        _ => None,
    };
    // A whole image (or a copy of one) whose name is not known before apply is still one:
    // named by its address, as its request is (what is unknown of the name is the request's,
    // or the copy's, to say).
    let made = match (made, whole.or(copy)) {
        (Err(_), Some(resource)) => Ok(resource.address.clone()),
        (made, _) => made,
    };
    match (made, image.as_ref()) {
        (Ok(name), Some(v)) => {
            d.implied("action", action, false);
            let pointer = pointer_push(&d.pointer, image_arg);
            let node = d.scalar(name, false, v.attr.span, &pointer);
            d.members.push(("image", node));
        }
        (made, v) => {
            // Whether it is a whole image at all is unknown: no rule on operations judges
            // it; `request-unverified` says so.
            let why = made.err().unwrap_or_else(|| not_set(image_arg));
            let span = v.map_or(inst.span, |v| v.attr.span);
            let why = pick(
                || {
                    format!(
                        "{why}; it may be a whole image, whose restrictions on `{action}` were not checked"
                    )
                },
                || format!("{why}；它可能是整机镜像，而整机镜像对`{action}`的限制未被检查"),
            );
            d.unknown.push((image_arg.to_string(), why));
            d.invalid.push(span);
            let node = d.block_scalar(action.to_string(), false, inst.span);
            d.invalid.push(inst.span);
            d.members.push(("action", node));
            // Named by its own address: the image it works on is what is unknown (what else
            // it says is kept: a plan that knows the image makes the operation whole again).
            let pointer = pointer_push(&d.pointer, image_arg);
            let node = d.scalar(inst.address.clone(), false, span, &pointer);
            d.members.push(("image", node));
        }
    }
    match action {
        "replicate" => {
            d.arg("target_region", "target_region");
            d.arg("name", "name");
        }
        "share"
            if d.partly_known_list("projects", "target_project_ids")
                .is_none() =>
        {
            d.arg("projects", "target_project_ids");
        }
        _ => {}
    }
    let mut op = d.finish(EntityKind::Operation);
    if let Some(whole) = whole {
        op.set_works_on(whole.address.clone());
    }
    if let Some(copy) = copy {
        op.set_copy_of(copy.address.clone());
    }
    Some(op)
}

/// The known items of a list some of whose items are not known before apply, written as a
/// list (`["p1", x.id]`) or joined from lists (`concat(…)`, `flatten(…)`, `distinct(…)`,
/// `toset(…)`, `tolist(…)`, any of them known or written so). `None` for anything else: no
/// item of it is taken to be known.
fn known_items(
    expr: &hcl::Expression,
    scope: &super::eval::Scope,
    depth: usize,
    out: &mut Vec<String>,
) -> Option<()> {
    let item = |value: &Value| match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => text(value),
        _ => None,
    };
    if depth > 8 {
        return None;
    }
    match expr {
        hcl::Expression::Array(items) => {
            for i in items {
                match scope.eval_expr(i) {
                    Val::Known(Value::Array(inner)) if depth > 0 => {
                        out.extend(inner.iter().filter_map(item));
                    }
                    Val::Known(value) => out.extend(item(&value)),
                    Val::Unknown(_) | Val::Ref(_) if depth > 0 => {
                        // An item of `flatten`'s list may be a list written so.
                        let _ = known_items(i, scope, depth + 1, out);
                    }
                    _ => {}
                }
            }
            Some(())
        }
        hcl::Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && matches!(
                    call.name.name.as_str(),
                    "concat" | "flatten" | "distinct" | "toset" | "tolist"
                ) =>
        {
            for arg in &call.args {
                match scope.eval_expr(arg) {
                    Val::Known(Value::Array(items)) => out.extend(items.iter().filter_map(item)),
                    _ => {
                        let _ = known_items(arg, scope, depth + 1, out);
                    }
                }
            }
            Some(())
        }
        hcl::Expression::Parenthesis(inner) => known_items(inner, scope, depth, out),
        _ => None,
    }
}

/// An image resource of the run that is certainly not a whole image: a
/// `huaweicloud_images_image` that `is_whole_image` refuses (what it is made from is known:
/// an unknown argument counts as set), or a copy of one.
fn not_whole_image(inst: &Instance, index: &Index) -> bool {
    copied(inst, index).is_some_and(|image| {
        image.ty == "huaweicloud_images_image" && !image.data && !is_whole_image(image)
    })
}

/// The image a resource of the run is: itself, or for a copy (`huaweicloud_images_image_copy`)
/// the resource its chain of copies starts from, when each names its source by reference.
fn copied<'a>(inst: &'a Instance, index: &'a Index) -> Option<&'a Instance> {
    let mut image = inst;
    for _ in 0..8 {
        if image.ty != "huaweicloud_images_image_copy" {
            return Some(image);
        }
        image = match image.value("source_image_id").map(|v| v.val) {
            Some(Val::Ref(source)) => index.get(source.as_str())?,
            _ => return None,
        };
    }
    None
}

/// What is said beside a value written at `w` where the argument `arg` of the resource at
/// `address` uses it.
fn uses(address: &str, arg: &str, w: &Written) -> String {
    pick(
        || format!("`{arg}` of {address} uses the {}", w.what),
        || format!("{address}的`{arg}`使用了{}", w.what),
    )
}

/// A copy (`huaweicloud_images_image_copy`) whose source is a whole image the run makes,
/// directly or through other copies.
fn copies_whole_image(copy: &Instance, index: &Index) -> bool {
    copy.ty == "huaweicloud_images_image_copy" && copied(copy, index).is_some_and(is_whole_image)
}

/// The name of the whole image a resource of the run makes: a whole-image resource's, or a
/// copy's (of a whole image made in the run) by its own `name`, which later operations on the
/// copy name (a second hop is `image-replicate-once`).
fn image_made(address: &str, index: &Index, depth: usize) -> Result<String, String> {
    let name = |r: &Instance| match r.value("name").map(|v| v.val) {
        Some(Val::Known(Value::String(name))) => Ok(name),
        _ => Err(pick(
            || format!("the name of the image {address} makes is not known before apply"),
            || format!("{address}所制作镜像的名称在apply之前未知"),
        )),
    };
    match index.get(address) {
        Some(r) if is_whole_image(r) => name(r),
        Some(r) if r.ty == "huaweicloud_images_image_copy" && depth < 8 => {
            match r.value("source_image_id").map(|v| v.val) {
                Some(Val::Ref(source)) => {
                    image_made(&source, index, depth + 1).and_then(|_| name(r))
                }
                _ => Err(not_made(address)),
            }
        }
        _ => Err(not_made(address)),
    }
}

fn not_made(address: &str) -> String {
    pick(
        || format!("{address} is not a whole image made in this run"),
        || format!("{address}不是本次运行所制作的整机镜像"),
    )
}

fn not_set(arg: &str) -> String {
    pick(
        || format!("`{arg}` is not set"),
        || format!("未设置`{arg}`"),
    )
}

/// The path a whole image is made on (see [`is_whole_image`]): from a server through CBR, or
/// from a backup.
fn whole_image_path(inst: &Instance) -> Path {
    match inst.ty.as_str() {
        "huaweicloud_ims_cbr_whole_image" => Path::Backup,
        "huaweicloud_images_image" if !(sets(inst, "instance_id") && sets(inst, "vault_id")) => {
            Path::Backup
        }
        _ => Path::Server,
    }
}

/// The resource makes (or made) a whole image: the deprecated `huaweicloud_images_image` does
/// only from a server through CBR or from a backup (else it is a system-disk image, or one
/// from a file).
fn is_whole_image(inst: &Instance) -> bool {
    match inst.ty.as_str() {
        "huaweicloud_ims_ecs_whole_image" | "huaweicloud_ims_cbr_whole_image" => true,
        "huaweicloud_images_image" => {
            (sets(inst, "instance_id") && sets(inst, "vault_id")) || sets(inst, "backup_id")
        }
        _ => false,
    }
}

/// A volume a `huaweicloud_compute_volume_attach` attaches by its id (or why the id is not
/// known), with that resource.
type AttachedById<'a> = (Result<String, String>, &'a Instance);

/// What other resources say about servers: their attached volumes and the vault they are in.
struct Links<'a> {
    /// Server address -> volumes attached to it (the volume, and the attribute that attaches it).
    volumes: HashMap<String, Vec<&'a Instance>>,
    /// Server address -> volumes attached to it that the run does not make, by their id (an
    /// API dump may describe them), with the attaching resource; or why the id is not known.
    attached_by_id: HashMap<String, Vec<AttachedById<'a>>>,
    /// Server address (or literal id) -> the vault resource and its `server_id` attribute.
    vaults: HashMap<String, (&'a Instance, Value2<'a>)>,
    /// Vaults holding servers that cannot be told before apply, and why.
    unsure: Vec<(&'a Instance, String)>,
    /// Volume attachments (and volumes) whose server cannot be told before apply, and why:
    /// each server of the run may have the volume.
    unsure_attached: Vec<(&'a Instance, String)>,
    /// Server address (or literal id) -> vaults that hold it if they are created, which is
    /// not known before apply, and why.
    maybe: HashMap<String, Vec<(&'a Instance, String)>>,
}

impl<'a> Links<'a> {
    /// The volumes the run attaches to the server of this address, or else of this id.
    fn volumes_of(&self, address: &str, id: &str) -> &[&'a Instance] {
        self.volumes
            .get(address)
            .or_else(|| self.volumes.get(id))
            .map_or(&[][..], Vec::as_slice)
    }

    fn new(instances: &'a [Instance]) -> Links<'a> {
        let by_address: HashMap<&str, &Instance> =
            instances.iter().map(|i| (i.address.as_str(), i)).collect();
        // What a plan keeps is named by its id (known), what the run creates by its address.
        let volume_by_id: HashMap<String, &Instance> = instances
            .iter()
            .filter(|i| i.ty == "huaweicloud_evs_volume")
            .filter_map(|i| Some((known_id(i.value("id")?.val)?, i)))
            .collect();
        let named = |v: Val| match v {
            Val::Ref(address) => Some(address),
            other => known_id(other),
        };
        let mut volumes: HashMap<String, Vec<&Instance>> = HashMap::new();
        let mut attached_by_id: HashMap<String, Vec<_>> = HashMap::new();
        let mut vaults = HashMap::new();
        let mut unsure = Vec::new();
        let mut unsure_attached = Vec::new();
        let mut maybe: HashMap<String, Vec<(&Instance, String)>> = HashMap::new();
        for inst in instances.iter().filter(|i| !i.data) {
            match inst.ty.as_str() {
                "huaweicloud_compute_volume_attach" => {
                    let server = match inst.value("instance_id").map(|v| v.val) {
                        Some(Val::Unknown(why)) => {
                            unsure_attached.push((inst, why));
                            continue;
                        }
                        Some(v) => match named(v) {
                            Some(server) => server,
                            None => continue,
                        },
                        None => continue,
                    };
                    let volume = match inst.value("volume_id").map(|v| v.val) {
                        Some(Val::Unknown(why)) => Err(why),
                        Some(v) => match named(v) {
                            Some(volume) => Ok(volume),
                            None => continue,
                        },
                        None => continue,
                    };
                    match volume {
                        Ok(volume) => match by_address
                            .get(volume.as_str())
                            .or_else(|| volume_by_id.get(&volume))
                        {
                            Some(v) => volumes.entry(server).or_default().push(v),
                            // Not made by the run: by its id, which a dump may describe.
                            None => attached_by_id
                                .entry(server)
                                .or_default()
                                .push((Ok(volume), inst)),
                        },
                        Err(why) => attached_by_id
                            .entry(server)
                            .or_default()
                            .push((Err(why), inst)),
                    }
                }
                "huaweicloud_evs_volume" => match inst.value("server_id").map(|v| v.val) {
                    Some(Val::Unknown(why)) => unsure_attached.push((inst, why)),
                    Some(v) => {
                        if let Some(server) = named(v) {
                            volumes.entry(server).or_default().push(inst);
                        }
                    }
                    None => {}
                },
                "huaweicloud_cbr_vault" => {
                    let members = super::vaults::members(inst, instances);
                    // A vault that may not be created holds its servers only maybe.
                    for (key, v) in members.servers {
                        match &inst.creation_unknown {
                            None => {
                                vaults.insert(key, (inst, v));
                            }
                            Some(why) => maybe.entry(key).or_default().push((inst, why.clone())),
                        }
                    }
                    unsure.extend(members.unknown.map(|why| (inst, why)));
                }
                _ => {}
            }
        }
        Links {
            volumes,
            attached_by_id,
            vaults,
            unsure,
            unsure_attached,
            maybe,
        }
    }
}

/// A resource's id when a plan knows it (the resource exists already).
fn known_id(v: Val) -> Option<String> {
    match v {
        Val::Known(Value::String(id)) if !id.is_empty() => Some(id),
        _ => None,
    }
}

/// Whether an optional argument names something (a pool, a key): `true` when set to a
/// non-empty value, unknown when its value is.
fn set_flag(
    d: &mut Draft,
    inst: &Instance,
    key: &'static str,
    name: &str,
    (source, shared): (usize, bool),
) -> Option<(&'static str, Node)> {
    let v = inst.value(name)?;
    let span = v.attr.span;
    let pointer = pointer_push(inst.json_pointer(), name);
    let (text, unknown) = match &v.val {
        Val::Known(Value::Null) => return None,
        Val::Known(Value::String(s)) if s.is_empty() => ("false".to_string(), None),
        Val::Known(Value::Bool(b)) => (b.to_string(), None),
        // Another resource's attribute (`huaweicloud_kms_key.k.key_id`) is set once applied.
        Val::Unknown(_) if names_resource(&v.attr.expr, &inst.scope) => ("true".to_string(), None),
        Val::Unknown(why) => ("(unknown)".to_string(), Some(why.clone())),
        _ => ("true".to_string(), None),
    };
    let plain = unknown.is_none();
    let node = d.scalar(text, plain, span, &pointer);
    // From a variable or a local: found where it is written, with the attribute that uses it.
    let node = match v.written {
        Some(w) => {
            let at = Place::new(d.sources[source].file.clone(), span, pointer.clone());
            // The attribute is the volume's when the flag is an attached volume's.
            let used = Some((at, uses(&inst.address, name, w)));
            d.moved_to(w.source, w.span, &w.pointer, node, used)
        }
        None => d.apart(source, span, &pointer, node, shared),
    };
    if let Some(why) = unknown {
        // An attached volume's value is the volume's, said so.
        let why = if inst.address == d.inst.address {
            why
        } else {
            pick(
                || format!("of volume {}: {why}", inst.address),
                || format!("卷{}的值：{why}", inst.address),
            )
        };
        d.unknown.push((name.to_string(), why));
        d.invalid.push(node.span);
    }
    Some((key, node))
}

/// What a plan's data source found of a server (it read it while planning): its status, and
/// its disks from `volume_attached`, the system disk's pool and key from the server's own
/// attributes. A data disk's pool is not among what the data source gives: unknown.
fn read_server(d: &mut Draft, inst: &Instance, links: &Links, id: &str) {
    kept_status(inst, d);
    let Some(attached) = inst.value("volume_attached") else {
        return attached_to_existing(d, links, &inst.address, id, inst.span);
    };
    let Val::Known(Value::Array(volumes)) = attached.val else {
        return attached_to_existing(d, links, &inst.address, id, inst.span);
    };
    let span = attached.attr.span;
    let at = pointer_push(inst.json_pointer(), "volume_attached");
    let mut disks = Vec::new();
    for (i, volume) in volumes.iter().enumerate() {
        let Value::Object(volume) = volume else {
            continue;
        };
        let pointer = pointer_push(&at, &i.to_string());
        let text_of = |key: &str| match volume.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let system = matches!(volume.get("is_sys_volume"), Some(Value::Bool(true)));
        let mut disk = Vec::new();
        if let Some(id) = text_of("volume_id") {
            disk.push(("id", d.scalar(id, false, span, &pointer)));
        }
        disk.push(("system", d.scalar(system.to_string(), true, span, &pointer)));
        let key = if system {
            let source = (inst.source, false);
            disk.extend(set_flag(d, inst, "dss", "system_disk_dss_pool_id", source));
            set_flag(d, inst, "encrypted", "system_disk_kms_key_id", source)
        } else {
            // Not among what the data source gives: said, not taken for "not on a pool".
            let why = pick(
                || {
                    format!(
                        "the storage pool of data disk {i} of {} is not among what the data source reads",
                        inst.address
                    )
                },
                || {
                    format!(
                        "{}的数据盘{i}所在的存储池不在数据源读取的内容中",
                        inst.address
                    )
                },
            );
            d.unknown.push(("volume_attached".to_string(), why));
            None
        };
        let kms = text_of("kms_key_id").is_some_and(|k| !k.is_empty());
        match key {
            Some(flag) if !kms => disk.push(flag),
            _ => disk.push(("encrypted", d.scalar(kms.to_string(), true, span, &pointer))),
        }
        disks.push(map(span, disk));
    }
    // And the volumes the run attaches to it that its state does not list yet (an attachment
    // the plan keeps is in it already).
    let listed: foldhash::HashSet<&str> = volumes
        .iter()
        .filter_map(|v| match v {
            Value::Object(v) => v.get("volume_id").and_then(Value::as_str),
            _ => None,
        })
        .collect();
    let run: Vec<&Instance> = links
        .volumes_of(&inst.address, id)
        .iter()
        .copied()
        .filter(|v| {
            v.value("id")
                .and_then(|id| known_id(id.val))
                .is_none_or(|id| !listed.contains(id.as_str()))
        })
        .collect();
    for volume in run {
        disks.push(attached_disk(d, volume, true));
    }
    let by_id = attached_by_id(d, links, &inst.address, id, true);
    disks.extend(by_id.into_iter().filter(|disk| {
        disk.get("id")
            .and_then(Node::as_str)
            .is_none_or(|id| !listed.contains(id))
    }));
    d.members.push(("disks", seq(span, disks)));
}

/// The attachments (and volumes) whose server is not known before apply: each may attach its
/// volume to this server, whatever reads it (a resource or a data source).
fn may_be_attached(d: &mut Draft, links: &Links) {
    for (attach, why) in &links.unsure_attached {
        let arg = if attach.ty == "huaweicloud_evs_volume" {
            "server_id"
        } else {
            "instance_id"
        };
        d.unknown.push((
            crate::model::unknowns::ATTACHED_VOLUME.to_string(),
            pick(
                || {
                    format!(
                        "{} may attach a volume to it; its `{arg}` is not known before apply ({why})",
                        attach.address
                    )
                },
                || format!("{}可能将卷挂载到它；其`{arg}`在apply之前未知（{why}）", attach.address),
            ),
        ));
    }
}

/// The volumes the run attaches by their id (not volumes it makes) to the server of this
/// address, or else of this id, as its disks (`system: false` when its disks are all
/// `listed`): what an API dump of each says it is, else unknown.
fn attached_by_id(
    d: &mut Draft,
    links: &Links,
    address: &str,
    id: &str,
    listed: bool,
) -> Vec<Node> {
    let by_id = links
        .attached_by_id
        .get(address)
        .or_else(|| links.attached_by_id.get(id))
        .map_or(&[][..], Vec::as_slice);
    let mut disks = Vec::new();
    for (volume, attach) in by_id {
        let Some(v) = attach.value("volume_id") else {
            continue;
        };
        let vp = pointer_push(attach.json_pointer(), "volume_id");
        match volume {
            Ok(volume) => {
                // What it is, an API dump of the volume says; else it is unknown.
                d.unknown.push((
                    crate::model::unknowns::ATTACHED_VOLUME.to_string(),
                    crate::model::unknowns::attached_volume_unknown(volume, &attach.address),
                ));
                let id = d.scalar(volume.clone(), false, v.attr.span, &vp);
                let mut disk = vec![("id", d.foreign(attach.source, v.attr.span, &vp, id))];
                if listed {
                    let system = d.scalar("false".into(), true, v.attr.span, &vp);
                    disk.push(("system", d.foreign(attach.source, v.attr.span, &vp, system)));
                }
                disks.push(map(v.attr.span, disk));
            }
            Err(why) => d.unknown.push((
                crate::model::unknowns::ATTACHED_VOLUME.to_string(),
                pick(
                    || format!("a volume {} attaches: {why}", attach.address),
                    || format!("{}挂载的卷：{why}", attach.address),
                ),
            )),
        }
    }
    disks
}

/// A volume the run attaches to a server, as a disk of it: its id is its address, its pool
/// and key as the volume's block says; `system: false` when the server's disks are all listed
/// (`listed`), else not said (a server read as it is: which of its disks is the system disk is
/// not known here, see [`attached_to_existing`]).
fn attached_disk(d: &mut Draft, volume: &Instance, listed: bool) -> Node {
    let vp = volume.json_pointer().to_string();
    let id = d.scalar(volume.address.clone(), false, volume.span, &vp);
    let mut disk = vec![("id", d.foreign(volume.source, volume.span, &vp, id))];
    if listed {
        disk.push(("system", d.scalar("false".into(), true, volume.span, &vp)));
    }
    if let Some(v) = volume.value("multiattach")
        && let Val::Known(Value::Bool(shared)) = typed("multiattach", v.val)
    {
        let pointer = pointer_push(&vp, "multiattach");
        let node = d.scalar(shared.to_string(), true, v.attr.span, &pointer);
        disk.push((
            "shared",
            d.foreign(volume.source, v.attr.span, &pointer, node),
        ));
    }
    let source = (volume.source, false);
    disk.extend(set_flag(d, volume, "dss", "dedicated_storage_id", source));
    disk.extend(set_flag(d, volume, "encrypted", "kms_id", source));
    let at = disk[0].1.span;
    map(at, disk)
}

/// The volumes the run attaches to a server it reads as it is (a data source, or a server
/// named by its id that something else describes), the server of this address or else of
/// this id: its disks as they are now are not read (an inventory, an API dump or a plan says
/// them), but a volume on a DSS pool attached to it is judged.
fn attached_to_existing(d: &mut Draft, links: &Links, address: &str, id: &str, span: Span) {
    let mut disks: Vec<Node> = links
        .volumes_of(address, id)
        .iter()
        .map(|volume| attached_disk(d, volume, false))
        .collect();
    disks.extend(attached_by_id(d, links, address, id, false));
    if disks.is_empty() {
        return;
    }
    d.members.push(("disks", seq(span, disks)));
    d.unknown
        .push(("disks".to_string(), disks_not_read(address)));
}

/// The `status` a plan's state gives a server, as its status; `false` when it gives none.
fn kept_status(inst: &Instance, d: &mut Draft) -> bool {
    let Some(v) = inst.value("status") else {
        return false;
    };
    let Val::Known(Value::String(status)) = &v.val else {
        return false;
    };
    if status.is_empty() {
        return false;
    }
    let node = d.field_scalar(status.clone(), false, v.attr.span, "status", "status");
    d.members.push(("status", node));
    true
}

/// A reference to an attribute of a managed resource (`TYPE.NAME.ATTR`).
fn names_resource(expr: &hcl::Expression, scope: &super::eval::Scope) -> bool {
    use hcl::expr::TraversalOperator as Op;
    matches!(super::eval::traversal(expr), Some((root, [Op::GetAttr(_), ..]))
        if scope.names_resource_type(root))
}

fn server(inst: &Instance, sources: &[&Source], index: &Index, links: &Links) -> Entity {
    let mut d = Draft::new(inst, sources, index, EntityKind::Server);
    // A server a plan keeps (it exists) has its id in the plan, which the plan's other
    // resources name it by; a server the run creates is named by its address.
    let id = match inst.value("id").and_then(|v| known_id(v.val)) {
        Some(id) if !inst.data => id,
        _ if inst.data => d.resolve(inst.address.clone()),
        _ => inst.address.clone(),
    };
    d.implied("id", &id, false);
    d.arg("name", "name");
    // A server a plan keeps has its state as the plan refreshed it: its `status` is what it
    // is (a server in ERROR is not stopped because its `power_action` says "OFF").
    let refreshed = inst.planned && !inst.data && kept_status(inst, &mut d);
    if let Some(v) = inst.value("power_action").filter(|_| !refreshed)
        && let Val::Known(Value::String(action)) = &v.val
    {
        let status = match action.to_ascii_uppercase().as_str() {
            "OFF" | "FORCE-OFF" => Some("SHUTOFF"),
            "ON" | "REBOOT" | "FORCE-REBOOT" => Some("ACTIVE"),
            _ => None,
        };
        if let Some(status) = status {
            let pointer = pointer_push(&d.pointer, "power_action");
            let node = d.scalar(status.into(), false, v.attr.span, &pointer);
            d.members.push(("status", node));
        }
    }
    if inst.data && inst.planned {
        read_server(&mut d, inst, links, &id);
    }
    if inst.data && !inst.planned {
        attached_to_existing(&mut d, links, &inst.address, &id, inst.span);
    }
    if !inst.data {
        let mut disks = Vec::new();
        // Disks are named by the Terraform expression of their id (known after apply).
        let system_id = format!("{}.system_disk_id", inst.address);
        let mut system = vec![
            ("id", d.block_scalar(system_id, false, inst.span)),
            ("system", d.block_scalar("true".into(), true, inst.span)),
        ];
        system.extend(set_flag(
            &mut d,
            inst,
            "dss",
            "system_disk_dss_pool_id",
            (inst.source, false),
        ));
        system.extend(set_flag(
            &mut d,
            inst,
            "encrypted",
            "system_disk_kms_key_id",
            (inst.source, false),
        ));
        disks.push(map(inst.span, system));
        let data_disks = super::dynamic::nested(inst, "data_disks");
        if let Some(why) = data_disks.unknown {
            // How many data disks it has is not known: what they are is unknown, not "none".
            d.unknown.push(("data_disks".to_string(), why));
        }
        for (i, block) in data_disks.blocks.into_iter().enumerate() {
            let id = format!("{}.data_disks[{i}]", inst.address);
            let pointer = format!("{}/data_disks/{i}", inst.pointer);
            let shared = (inst.source, block.dynamic);
            let id = d.block_scalar(id, false, block.span);
            let system = d.block_scalar("false".into(), true, block.span);
            let mut disk = vec![
                (
                    "id",
                    d.apart(inst.source, block.span, &pointer, id, block.dynamic),
                ),
                (
                    "system",
                    d.apart(inst.source, block.span, &pointer, system, block.dynamic),
                ),
            ];
            let part = Instance {
                address: inst.address.clone(),
                ty: inst.ty.clone(),
                data: false,
                body: block.body,
                span: block.span,
                source: inst.source,
                module: inst.module.clone(),
                scope: block.scope,
                pointer,
                planned: inst.planned,
                creation_unknown: None,
            };
            disk.extend(set_flag(&mut d, &part, "dss", "dss_pool_id", shared));
            disk.extend(set_flag(&mut d, &part, "encrypted", "kms_key_id", shared));
            disks.push(map(block.span, disk));
        }
        disks.extend(attached_by_id(&mut d, links, &inst.address, &id, true));
        for volume in links.volumes_of(&inst.address, &id) {
            disks.push(attached_disk(&mut d, volume, true));
        }
        d.members.push(("disks", seq(inst.span, disks)));
    }
    may_be_attached(&mut d, links);
    let vault = links
        .vaults
        .get(&inst.address)
        .or_else(|| links.vaults.get(&id));
    if let Some((vault, v)) = vault {
        in_vault(&mut d, vault, v);
    } else {
        // In no vault the run shows, unless in one whose servers are not known before apply,
        // or in one that may not be created: then which vault it is in is unknown, not "none".
        let maybe = links
            .maybe
            .get(&inst.address)
            .or_else(|| links.maybe.get(&id))
            .into_iter()
            .flatten();
        for (vault, why) in links.unsure.iter().chain(maybe) {
            d.unknown.push((
                "vault_id".to_string(),
                crate::model::unknowns::may_be_in_vault(&vault.address, why),
            ));
        }
    }
    d.finish(EntityKind::Server)
}
