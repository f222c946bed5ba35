//! The typed inventory: documents recognised as inventories or bare request bodies, their
//! entities (servers, backups, requests, operations) and the indexes cross-file rules use.
//! Building it runs the schema pass, which reports every problem in one go.

pub mod api;
pub mod facts;
pub mod schema;
pub mod synth;
pub mod terraform;
pub mod unknowns;

use crate::lang::pick;
use foldhash::HashMap;
use std::borrow::Cow;
use std::sync::Arc;

use crate::finding::ids;
use crate::finding::{Hit, Place};
use crate::input::source::SourceFile;
use crate::store::frozen::{Frozen, Kept, Shape, Str};
use crate::syntax::tree::{Entry, Kind, Node, Span, pointer_push};
use schema::{Field, Ty};
use synth::RawPointers;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Server,
    Backup,
    Request,
    Operation,
    /// An EVS volume from an API dump: joined to servers and backups by id.
    Volume,
}

impl EntityKind {
    /// How the run's language names the kind in a sentence ("server", "云服务器").
    pub fn word(self) -> &'static str {
        crate::lang::kind_word(self.name())
    }

    /// Every kind, in order.
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Server,
        EntityKind::Backup,
        EntityKind::Request,
        EntityKind::Operation,
        EntityKind::Volume,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Server => "server",
            EntityKind::Backup => "backup",
            EntityKind::Request => "request",
            EntityKind::Operation => "operation",
            EntityKind::Volume => "volume",
        }
    }

    /// The field that names an entity of this kind in findings (see `Entity::label`).
    pub fn label_key(self) -> &'static str {
        match self {
            EntityKind::Server | EntityKind::Backup | EntityKind::Volume => "id",
            EntityKind::Request => "name",
            EntityKind::Operation => "image",
        }
    }

    pub fn parse(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Where a description of an entity comes from. When several describe one entity, the lower
/// value wins: the user's own inventory, then cloud API dumps, then host facts (most precise
/// first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Native,
    Api,
    /// Host facts, ranked: LVM reports and Windows storage facts 0, lsblk 1, Ansible 2.
    Facts(u8),
    /// Terraform configuration or a plan: what will be sent, and what the configuration says
    /// of servers (which describes their intended disks, not what the guest holds).
    Terraform,
}

impl Origin {
    /// Servers, backups and volumes from this origin are judged only when a request or an
    /// operation uses them (a cloud list dump or an infrastructure repository describes many
    /// that no image is made from); requests and operations always are.
    pub fn judged_when_used(self) -> bool {
        matches!(self, Origin::Api | Origin::Terraform)
    }
}

/// A Terraform value the entity's tree holds at a span of the entity's file, but which is
/// written elsewhere: in a variable's value (findings sit where it is written, the attribute
/// that uses it related), or in another resource's block (an attached volume, a
/// vault's member list).
#[derive(Debug, Clone)]
pub struct Moved {
    pub span: Span,
    pub to: Place,
    /// The attribute that uses the value, and what to say of it.
    pub used: Option<(Place, String)>,
}

/// What a pruned entity of one kind keeps for the whole-inventory pass (besides `id` and the
/// field that names it): top-level fields, and lists of which only some items count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keep {
    pub fields: Vec<String>,
    pub items: Vec<ItemsWhere>,
}

impl Keep {
    /// It keeps this top-level field whole.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f == field)
    }
}

/// Of a list, the items with one of the `keys` `true`, with those keys and `fields`; the other
/// items are kept as holes that read as empty mappings, so positions (and pointers) stay as
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemsWhere {
    pub list: &'static str,
    pub keys: Vec<&'static str>,
    pub fields: Vec<&'static str>,
}

impl Keep {
    /// Read also these items of a list (merged with what is read of it already).
    pub fn add_items(&mut self, items: ItemsWhere) {
        match self.items.iter_mut().find(|i| i.list == items.list) {
            Some(known) => {
                for key in items.keys {
                    if !known.keys.contains(&key) {
                        known.keys.push(key);
                    }
                }
                for field in items.fields {
                    if !known.fields.contains(&field) {
                        known.fields.push(field);
                    }
                }
            }
            None => self.items.push(items),
        }
    }
}

/// One server, backup, request, operation or volume, with its subtree and where it came from.
#[derive(Debug)]
pub struct Entity {
    pub kind: EntityKind,
    pub origin: Origin,
    /// Its position among its file's entities: with the file's unit (see [`Entity::unit`]),
    /// ties the file's local findings to it.
    pub serial: u32,
    /// Everything else is behind one pointer, or is a pruned entity's frozen tree: a large
    /// run holds hundreds of thousands of entities, so this header is 32 bytes (a pruned
    /// Terraform entity's rare parts are behind a pointer beside its tree; in 24 bytes they
    /// were in front of it, one more cache miss at each lookup).
    body: Body,
}

// The header stays small: see `Entity::body`.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Entity>() == 32);

/// An entity's tree: whole while its local rules run (and for the entities judged again over
/// the whole inventory), frozen once pruned (see [`Entity::prune`]).
#[derive(Debug)]
enum Body {
    Whole(Box<Whole>),
    Pruned(Frozen),
    /// A Terraform entity pruned: its frozen tree, with the rare parts a frozen tree has no
    /// room for (see [`Entity::prune_with_rare`]). The tree is in the header, as a pruned
    /// inventory entity's is: every lookup reads it first, and behind a pointer of its own
    /// each would start with a cache miss.
    PrunedRare(Frozen, Box<Rare>),
}

/// What reading an entity's body sees (see [`Entity::view`]).
enum View<'a> {
    Whole(&'a Whole),
    Pruned(&'a Frozen),
}

#[derive(Debug)]
struct Whole {
    file: Arc<SourceFile>,
    unit: u32,
    /// JSON pointer of the entity's mapping inside its document.
    pointer: crate::syntax::tree::Text,
    node: Node,
    /// `region` of the entity's document, shared by the entities of one document.
    region: Option<Arc<str>>,
    /// The span of the first key of the entity's mapping (where "missing field" findings
    /// point).
    first_key: Span,
    /// What few entities have (see [`Rare`]). A frozen entity keeps its invalid spans in its
    /// frozen header; the rest only whole entities have (synthesized or merged ones).
    rare: Option<Box<Rare>>,
}

/// The parts of an entity most do not have.
#[derive(Debug, Default)]
struct Rare {
    /// Spans of values the schema pass rejected: rules do not judge them a second time.
    invalid: Vec<Span>,
    /// Pointers into the raw document of values synthesized from API dumps or host facts,
    /// whose shape differs from the inventory format.
    raw: RawPointers,
    /// Other descriptions of the same entity, most authoritative first.
    others: Vec<Entity>,
    /// Values not known before apply (Terraform): the argument, and why.
    unknown: Vec<(String, String)>,
    /// Values written elsewhere than the entity's file (Terraform).
    moved: Vec<Moved>,
    /// The Terraform address it comes from, and whether from a plan.
    address: Option<(String, bool)>,
    /// The Terraform address of the whole-image resource an operation works on (see
    /// [`Inventory::request_of`]).
    works_on: Option<String>,
    /// The position in the run's inventory of the request at `works_on`, linked once when the
    /// inventory is built (see [`ModelBuilder::finish`]): checks look it up for every
    /// operation, and hashing the address each time cost more than the rest of the lookup.
    request: Option<usize>,
    /// The Terraform address of the copy of a whole image an operation works on (see
    /// [`Entity::copy_of`]).
    copy_of: Option<String>,
    /// Judged whole with its root module, on the thread that read it (see
    /// [`Entity::mark_judged`]).
    judged: bool,
    /// A whole image that exists already (see [`Entity::mark_existing`]).
    existing: bool,
}

/// A value found under an entity, with the file it sits in and its pointer. Borrowed from a
/// whole tree; thawed (owned) from a pruned one.
pub struct Found<'a> {
    pub node: Cow<'a, Node>,
    /// The pointer the path makes; a synthesized value's raw pointer stands for it (see
    /// [`Found::pointer`]). Both are made only when asked: most values found are never
    /// reported.
    pointer: PathPointer<'a>,
    pub file: &'a Arc<SourceFile>,
    /// The rare parts of its description: raw pointers of synthesized values, values written
    /// in other files (Terraform). Read only to place a value: most values found are never
    /// reported, and reading them at each lookup was a cache miss there.
    rare: Option<&'a Rare>,
}

/// The JSON pointer of a found value: built by the walk of a path, or (for a top-level
/// member of a whole tree, what most lookups read) its entity's pointer and the member's key,
/// joined only when asked.
enum PathPointer<'a> {
    Built(String),
    Member(&'a str, &'a str),
}

impl PathPointer<'_> {
    fn build(&self) -> String {
        match self {
            PathPointer::Built(pointer) => pointer.clone(),
            PathPointer::Member(entity, key) => pointer_push(entity, key),
        }
    }
}

impl<'a> Found<'a> {
    /// Where the value is written (for a Terraform value from a variable or another
    /// resource's block, that place).
    pub fn place(&self) -> Place {
        let moved = self.rare.map_or(&[][..], |r| &r.moved);
        match moved.iter().find(|m| m.span == self.node.span) {
            Some(m) => m.to.clone(),
            None => Place::new(self.file.clone(), self.node.span, self.pointer()),
        }
    }

    /// Its JSON pointer: into the raw document for a value synthesized from an API dump,
    /// host facts or Terraform, else into the entity's own.
    pub fn pointer(&self) -> String {
        match self.rare.and_then(|r| r.raw.get(&self.node.span)) {
            Some(raw) => raw.to_string(),
            None => self.pointer.build(),
        }
    }

    /// A member of this mapping, in the same file.
    pub fn child(&self, key: &str) -> Option<Found<'a>> {
        let node = match &self.node {
            Cow::Borrowed(node) => Cow::Borrowed(node.get(key)?),
            Cow::Owned(node) => Cow::Owned(node.get(key)?.clone()),
        };
        Some(Found {
            node,
            pointer: PathPointer::Built(pointer_push(&self.pointer(), key)),
            file: self.file,
            rare: self.rare,
        })
    }
}

/// A top-level member of an entity's mapping, read in place from a whole or a frozen tree.
enum Member<'a> {
    Tree(&'a crate::syntax::tree::Entry),
    Frozen(crate::store::frozen::Member<'a>),
}

impl<'a> Member<'a> {
    fn key_span(&self) -> Span {
        match self {
            Member::Tree(e) => e.key_span,
            Member::Frozen(m) => m.key_span,
        }
    }

    fn span(&self) -> Span {
        match self {
            Member::Tree(e) => e.value.span,
            Member::Frozen(m) => m.span(),
        }
    }

    fn shape(&self) -> Shape<'a> {
        match self {
            Member::Tree(e) => match &e.value.kind {
                Kind::Scalar(s) => Shape::Scalar {
                    text: Str::Here(&s.text),
                    plain: s.plain,
                },
                Kind::Seq(_) => Shape::Seq,
                Kind::Map(_) => Shape::Map,
            },
            Member::Frozen(m) => m.shape(),
        }
    }

    /// The value when it is a string (as [`Node::as_str`] reads it).
    fn as_str(&self) -> Option<Str<'a>> {
        let shape = self.shape();
        let is_str = matches!(shape.value()?, crate::syntax::tree::Value::Str(_));
        match shape {
            Shape::Scalar { text, .. } if is_str => Some(text),
            _ => None,
        }
    }
}

impl Entity {
    pub fn new(
        kind: EntityKind,
        file: &Arc<SourceFile>,
        pointer: String,
        node: Node,
        origin: Origin,
    ) -> Entity {
        let first_key = match node.as_map().and_then(|m| m.first()) {
            Some(e) => e.key_span,
            None => node.span,
        };
        Entity {
            kind,
            origin,
            serial: 0,
            body: Body::Whole(Box::new(Whole {
                file: file.clone(),
                unit: 0,
                pointer: pointer.into(),
                node,
                region: None,
                first_key,
                rare: None,
            })),
        }
    }

    /// Which input file of the run it comes from (its position among the inputs).
    pub fn unit(&self) -> u32 {
        match self.view() {
            View::Whole(w) => w.unit,
            View::Pruned(f) => f.unit(),
        }
    }

    /// Name the server a description (host facts read from a folder named after the server's
    /// name, a Terraform server joined by name) is about, by its id.
    pub fn set_id(&mut self, id: &str) {
        self.set_text("id", id);
    }

    /// Replace the text of a top-level scalar of a whole description (a reference joined to
    /// what it names).
    pub fn set_text(&mut self, field: &str, text: &str) {
        // Judged as it was: judged again as it is now.
        if let Body::Whole(w) = &mut self.body
            && let Some(rare) = &mut w.rare
        {
            rare.judged = false;
        }
        if let Body::Whole(w) = &mut self.body
            && let Kind::Map(entries) = &mut w.node.kind
            && let Some(entry) = entries.iter_mut().find(|e| e.key == field)
            && let Kind::Scalar(scalar) = &mut entry.value.kind
        {
            scalar.text = text.into();
        }
    }

    /// Take what a plan of the same Terraform resource knows over what this (whole) module
    /// description says: the plan holds what `terraform apply` sends, with the values of
    /// `-var`, the environment and the defaults. Each top-level scalar the plan knows replaces
    /// this one's value (known or not), kept where the module writes it (its attribute: what a
    /// pull request can annotate), or is added at the resource block when the module does not
    /// state it. A list of values the module cannot tell (from a variable with no value) is
    /// the plan's, each item at the module's attribute; in a list of mappings (a server's
    /// disks) each item takes the plan's scalars the same way (a disk's `dss` when `-var`
    /// gives the pool a default left out), the items the module does not have added at its
    /// list. Other lists and maps stay the module's. Returns whether anything changed.
    pub fn take_planned(&mut self, plan: &Entity) -> bool {
        let plan_tree = plan.root();
        let withheld: Vec<&str> = plan
            .unknown_values()
            .iter()
            .map(|(a, _)| a.as_str())
            .collect();
        let Body::Whole(w) = &mut self.body else {
            return false;
        };
        let block = w.node.span;
        let key_span = w.first_key;
        let Kind::Map(entries) = &mut w.node.kind else {
            return false;
        };
        let mut changed = false;
        for planned in plan_tree.as_map().unwrap_or_default() {
            let arguments = crate::model::terraform::arguments_of(&planned.key);
            // Not known before apply: by its argument's name (a share's `projects` through
            // `target_project_ids`, of which the plan may know some items only), or where the
            // plan's value stands (an operation's `image` is unknown through `source_image_id`).
            let unknown = |a: &&str| *a == planned.key.as_str() || arguments.contains(a);
            if withheld.iter().any(unknown) || plan.is_invalid(planned.value.span) {
                continue;
            }
            let unknown_here = |rare: &Option<Box<Rare>>, span: Span| {
                rare.as_ref().is_some_and(|r| {
                    r.invalid.contains(&span)
                        || r.unknown.iter().any(|(a, _)| {
                            *a == planned.key.as_str() || arguments.contains(&a.as_str())
                        })
                })
            };
            let mine = entries.iter_mut().find(|e| e.key == planned.key);
            let stated = match (&planned.value.kind, mine) {
                (
                    Kind::Scalar(value),
                    Some(Entry {
                        value:
                            Node {
                                kind: Kind::Scalar(mine),
                                span,
                            },
                        ..
                    }),
                ) => {
                    if !unknown_here(&w.rare, *span) && mine == value {
                        continue;
                    }
                    *mine = value.clone();
                    Some(*span)
                }
                (Kind::Scalar(value), None) => {
                    entries.push(Entry {
                        key: planned.key.clone(),
                        key_span,
                        value: Node {
                            span: block,
                            kind: Kind::Scalar(value.clone()),
                        },
                    });
                    None
                }
                // A list the module cannot tell (from a variable with no value) is the plan's,
                // each item where the module writes the list.
                (Kind::Seq(items), Some(mine))
                    if items.iter().all(|i| i.as_scalar().is_some())
                        && unknown_here(&w.rare, mine.value.span) =>
                {
                    let span = mine.value.span;
                    let items = items.iter().map(|i| respanned(i, span)).collect();
                    mine.value.kind = Kind::Seq(items);
                    Some(span)
                }
                // A list of mappings the module does not state (the disks a data source found
                // while planning): the plan's, at the block.
                (Kind::Seq(items), None) if !items.is_empty() && all_maps(items) => {
                    let items = items.iter().map(|i| respanned(i, block)).collect();
                    entries.push(Entry {
                        key: planned.key.clone(),
                        key_span,
                        value: Node {
                            span: block,
                            kind: Kind::Seq(items),
                        },
                    });
                    if let Some(rare) = &mut w.rare {
                        rare.unknown.retain(|(a, _)| *a != planned.key.as_str());
                        // What the plan cannot tell of them stays unknown (a data disk's pool,
                        // which a data source's `volume_attached` does not give).
                        rare.unknown.extend(
                            plan.unknown_values()
                                .iter()
                                .filter(|(a, _)| a == "volume_attached")
                                .cloned(),
                        );
                    }
                    None
                }
                (Kind::Seq(items), Some(mine)) if all_maps(items) => {
                    let list = mine.value.span;
                    let Kind::Seq(my_items) = &mut mine.value.kind else {
                        continue;
                    };
                    if !all_maps(my_items) {
                        continue;
                    }
                    let mut taken = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match my_items.get_mut(i) {
                            Some(my_item) => take_scalars(my_item, item, &mut taken),
                            None => {
                                my_items.push(respanned(item, list));
                                taken.push(list);
                            }
                        }
                    }
                    if taken.is_empty() {
                        continue;
                    }
                    if let Some(rare) = &mut w.rare {
                        // Known now where the module could not tell (a flag from a variable
                        // with no value): by the argument its raw pointer ends with.
                        for span in &taken {
                            if rare.invalid.contains(span)
                                && let Some(argument) =
                                    rare.raw.get(span).and_then(|p| p.rsplit('/').next())
                            {
                                rare.unknown.retain(|(a, _)| a != argument);
                            }
                        }
                        rare.invalid.retain(|s| !taken.contains(s));
                        // Known now from the plan (a `-var` over a variable's default): the
                        // value is the attribute's, not the default's.
                        for m in rare.moved.iter_mut().filter(|m| taken.contains(&m.span)) {
                            if let Some((attribute, _)) = m.used.take() {
                                m.to = attribute;
                            }
                        }
                    }
                    None
                }
                _ => continue,
            };
            changed = true;
            if let Some(rare) = &mut w.rare {
                rare.judged = false;
                // Known now, and written here: not where a variable's default says otherwise.
                if let Some(span) = stated {
                    rare.unknown.retain(|(a, _)| {
                        *a != planned.key.as_str() && !arguments.contains(&a.as_str())
                    });
                    rare.invalid.retain(|s| *s != span);
                    rare.moved.retain(|m| m.span != span);
                    // An operation's image the module could not tell (an id of an image only
                    // the plan knows, which keeps it): the action on it is judged, as the
                    // plan's is.
                    if self.kind == EntityKind::Operation && planned.key == "image" {
                        rare.invalid.retain(|s| *s != block);
                    }
                }
            }
        }
        changed
    }

    /// Set the unit of a whole entity (a pruned one has its arena's).
    pub fn set_unit(&mut self, unit: u32) {
        if let Body::Whole(w) = &mut self.body {
            w.unit = unit;
        }
    }

    /// The file the entity is described in.
    pub fn file(&self) -> &Arc<SourceFile> {
        match self.view() {
            View::Whole(w) => &w.file,
            View::Pruned(f) => f.file(),
        }
    }

    /// JSON pointer of the entity's mapping inside its document.
    pub fn pointer(&self) -> Cow<'_, str> {
        match self.view() {
            View::Whole(w) => Cow::Borrowed(&w.pointer),
            View::Pruned(f) => f.header().pointer,
        }
    }

    /// `region` of the entity's document (once pruned, kept only when a rule reads it: see
    /// [`Entity::freeze`]).
    pub fn region(&self) -> Option<&str> {
        match self.view() {
            View::Whole(w) => w.region.as_deref(),
            View::Pruned(f) => {
                crate::store::declared::check(self.kind.name(), "region");
                f.header().region
            }
        }
    }

    /// Where findings about a value the entity does not state point (by default its first
    /// key): a Terraform resource's block.
    pub fn set_key_span(&mut self, span: Span) {
        if let Body::Whole(w) = &mut self.body {
            w.first_key = span;
        }
    }

    pub fn set_region(&mut self, region: Option<Arc<str>>) {
        if let Body::Whole(w) = &mut self.body {
            w.region = region;
        }
    }

    /// The span of the entity's mapping.
    pub fn span(&self) -> Span {
        match self.view() {
            View::Whole(w) => w.node.span,
            View::Pruned(f) => f.span(),
        }
    }

    fn first_key(&self) -> Span {
        match self.view() {
            View::Whole(w) => w.first_key,
            View::Pruned(f) => f.header().first_key,
        }
    }

    /// The whole tree; `None` once pruned. Local rules, which run before pruning and on the
    /// entities judged again whole, read it directly.
    pub fn tree(&self) -> Option<&Node> {
        match self.view() {
            View::Whole(w) => Some(&w.node),
            View::Pruned(_) => None,
        }
    }

    /// The tree as nodes: borrowed when whole, thawed when pruned.
    fn root(&self) -> Cow<'_, Node> {
        match self.view() {
            View::Whole(w) => Cow::Borrowed(&w.node),
            View::Pruned(f) => Cow::Owned(f.thaw()),
        }
    }

    /// The first top-level member with this key, read in place.
    fn member(&self, key: &str) -> Option<Member<'_>> {
        match self.view() {
            View::Whole(w) => w.node.entry(key).map(Member::Tree),
            View::Pruned(f) => {
                crate::store::declared::check(self.kind.name(), key);
                f.member(key).map(Member::Frozen)
            }
        }
    }

    /// Id (servers, backups), name (requests) or image (operations): how findings name it.
    /// Read from the tree (pruning keeps the field), not stored twice.
    pub fn label(&self) -> Str<'_> {
        match self.member(self.kind.label_key()).map(|m| m.shape()) {
            Some(Shape::Scalar { text, .. }) => text,
            Some(Shape::Seq) => Str::Here("a list"),
            Some(Shape::Map) => Str::Here("a mapping"),
            None => Str::Here(""),
        }
    }

    /// The label as a key for indexes: only a scalar that is not null names an entity (two
    /// servers with `id: ~`, or with a list for an id, are not one server described twice).
    fn key(&self) -> Option<Str<'_>> {
        let shape = self.member(self.kind.label_key())?.shape();
        let named = shape
            .value()
            .is_some_and(|v| v != crate::syntax::tree::Value::Null);
        match shape {
            Shape::Scalar { text, .. } if named => Some(text),
            _ => None,
        }
    }

    fn rare(&self) -> Option<&Rare> {
        match &self.body {
            Body::Whole(w) => w.rare.as_deref(),
            Body::Pruned(_) => None,
            Body::PrunedRare(_, rare) => Some(rare),
        }
    }

    /// The rare parts, to fill in: only whole entities take them (an entity is pruned in its
    /// own file's pass, before it is merged with others; nothing is synthesized into it).
    fn rare_mut(&mut self) -> Option<&mut Rare> {
        match &mut self.body {
            Body::Whole(w) => Some(w.rare.get_or_insert_with(Box::default)),
            Body::Pruned(_) | Body::PrunedRare(..) => None,
        }
    }

    /// The body as read: whole, or a frozen tree (with or without rare parts beside it).
    fn view(&self) -> View<'_> {
        match &self.body {
            Body::Whole(w) => View::Whole(w),
            Body::Pruned(f) | Body::PrunedRare(f, _) => View::Pruned(f),
        }
    }

    /// The schema pass rejected the value at `span`: rules do not judge it again.
    fn is_invalid(&self, span: Span) -> bool {
        match self.view() {
            View::Whole(w) => w.rare.as_ref().is_some_and(|r| r.invalid.contains(&span)),
            View::Pruned(f) => f.is_invalid(span),
        }
    }

    /// Write the part of the tree the whole-inventory pass reads (`id`, the field that names
    /// the entity and what `keep` names; the document's region when it names `region`) into
    /// its group's arena bytes, where its file is number `file` (see [`crate::store::frozen`]);
    /// returns where it starts, `None` when the entity is pruned already. [`Entity::prune`]
    /// swaps the tree for it once the arena is complete.
    pub fn freeze(&self, keep: &Keep, file: u32, out: &mut Vec<u8>) -> Option<u32> {
        let Body::Whole(w) = &self.body else {
            return None;
        };
        let label_key = self.kind.label_key();
        let header = crate::store::frozen::Header {
            // Only two descriptions in the user's inventories are told apart by it (see
            // `ModelBuilder::push`); a Terraform entity frozen is named by its own address.
            digest: match self.origin {
                Origin::Native => self.content_digest(),
                _ => 0,
            },
            file,
            first_key: w.first_key,
            pointer: Cow::Borrowed(&w.pointer),
            // A Terraform entity's findings in the whole-inventory pass say its provider's
            // region in their commands, as when it is judged whole.
            region: w
                .region
                .as_deref()
                .filter(|_| keep.has("region") || self.origin == Origin::Terraform),
        };
        let invalid = w.rare.as_ref().map_or(&[][..], |r| &r.invalid);
        let kept = |key: &str| {
            if key == "id" || key == label_key || keep.has(key) {
                return Some(Kept::Whole);
            }
            let items = keep.items.iter().find(|i| i.list == key)?;
            Some(Kept::Items {
                keys: &items.keys,
                fields: &items.fields,
            })
        };
        Some(Frozen::write(&w.node, &header, invalid, &kept, out))
    }

    /// Keep of the tree, in place, only the top-level fields the whole-inventory pass reads
    /// (`keep`: the fields, the lists whose items it reads, the fields it asks whether they
    /// are stated), for an entity judged already whose rare parts a frozen tree has no room
    /// for (a Terraform entity's unknown values, values written elsewhere and address).
    /// Only for kinds no other description can join (requests and operations): it is never
    /// read again.
    pub fn thin(&mut self, keep: &Keep) {
        let label_key = self.kind.label_key();
        if let Body::Whole(w) = &mut self.body
            && let Kind::Map(entries) = &mut w.node.kind
        {
            entries.retain(|e| kept_entry(label_key, keep, &e.key));
            entries.shrink_to_fit();
        }
        self.forget_places_not_kept(keep);
    }

    /// Forget the raw pointers and the places elsewhere of the values the whole-inventory
    /// pass does not read (`keep`): what locates them goes with them when the tree is thinned
    /// or frozen.
    pub fn forget_places_not_kept(&mut self, keep: &Keep) {
        let label_key = self.kind.label_key();
        if let Body::Whole(w) = &mut self.body
            && let Some(rare) = &mut w.rare
            && !(rare.raw.is_empty() && rare.moved.is_empty())
        {
            // A few dozen spans: a sorted list is found in faster than a set is built.
            let mut kept = Vec::new();
            for e in w.node.as_map().unwrap_or_default() {
                if kept_entry(label_key, keep, &e.key) {
                    spans_under(&e.value, &mut kept);
                }
            }
            kept.sort_unstable();
            let kept = |span: &Span| kept.binary_search(span).is_ok();
            rare.raw.retain(kept);
            rare.moved.retain(|m| kept(&m.span));
            rare.moved.shrink_to_fit();
        }
    }

    /// Drop the whole tree for its frozen part: all the whole-inventory pass reads of an
    /// entity nothing else describes (its local rules have run). Cuts what a large run holds.
    pub fn prune(&mut self, frozen: Frozen) {
        self.body = Body::Pruned(frozen);
    }

    /// Drop the whole tree for its frozen part, keeping the rare parts a Terraform entity has
    /// (its address, unknown values and values written elsewhere: what placing and wording
    /// the whole-inventory pass's findings reads). Only for an entity no other description
    /// can join, as a pruned one cannot take them.
    pub fn prune_with_rare(&mut self, frozen: Frozen) {
        let rare = match &mut self.body {
            // The frozen header holds the rejected spans; no other description is merged yet.
            Body::Whole(w) => w.rare.take().map(|mut rare| {
                debug_assert!(rare.others.is_empty());
                rare.invalid = Vec::new();
                rare
            }),
            // Pointed at its group's arena once that is made.
            Body::PrunedRare(f, _) => {
                *f = frozen;
                return;
            }
            Body::Pruned(_) => None,
        };
        self.body = match rare {
            Some(rare) => Body::PrunedRare(frozen, rare),
            None => Body::Pruned(frozen),
        };
    }

    /// The tree is whole (not pruned).
    pub fn is_whole(&self) -> bool {
        matches!(self.body, Body::Whole(_))
    }

    /// Put back the whole tree of a pruned description (read again from its file).
    pub fn restore(&mut self, whole: Entity) {
        // Findings keep pointing at the file as first read (whose text can be released).
        let (file, unit) = (self.file().clone(), self.unit());
        self.body = whole.body;
        if let Body::Whole(w) = &mut self.body {
            w.file = file;
            w.unit = unit;
        }
    }

    /// A digest of what the description says: the same for descriptions that say the same
    /// thing wherever they say it (spans, key order and the case of `id` aside). Taken before
    /// the tree is pruned, and kept with it.
    fn content_digest(&self) -> u32 {
        let node = match self.view() {
            View::Whole(w) => &w.node,
            View::Pruned(f) => return f.header().digest,
        };
        use std::hash::{Hash, Hasher};
        let mut total = 0u64;
        for e in node.as_map().unwrap_or_default() {
            let mut h = crate::syntax::tree::hasher();
            e.key.hash(&mut h);
            match (e.key.as_str(), e.value.as_str()) {
                ("id", Some(id)) => id.to_ascii_lowercase().hash(&mut h),
                _ => e.value.content_hash(&mut h),
            }
            total = total.wrapping_add(h.finish());
        }
        // 32 bits: held by every pruned entity; two different descriptions of one id
        // collide once in four billion.
        (total ^ (total >> 32)) as u32
    }

    /// Record the raw pointer of a synthesized value.
    pub fn set_raw(&mut self, mut raw: RawPointers) {
        if !raw.is_empty()
            && let Some(rare) = self.rare_mut()
        {
            raw.shrink_to_fit();
            rare.raw = raw;
        }
    }

    /// What Terraform does not know before apply, and values written in other files (see
    /// [`Moved`]). Unknown values are not judged (as rejected ones are not).
    pub fn set_terraform(
        &mut self,
        unknown: Vec<(String, String)>,
        invalid: Vec<Span>,
        moved: Vec<Moved>,
    ) {
        if unknown.is_empty() && invalid.is_empty() && moved.is_empty() {
            return;
        }
        if let Some(rare) = self.rare_mut() {
            rare.unknown = unknown;
            rare.invalid.extend(invalid);
            rare.moved = moved;
        }
    }

    /// The Terraform resource address the entity comes from, and whether it was read from a
    /// plan (a module and its plan in one run describe the same resources).
    pub fn set_address(&mut self, address: String, plan: bool) {
        if let Some(rare) = self.rare_mut() {
            rare.address = Some((address, plan));
        }
    }

    /// Rules that judge one entity at a time have judged this Terraform entity, whole, with
    /// its root module (as an inventory's entities are in their file's pass): the
    /// whole-inventory pass need not judge it again, unless it changes ([`Entity::set_text`])
    /// or is merged with another description.
    pub fn mark_judged(&mut self) {
        if let Some(rare) = self.rare_mut() {
            rare.judged = true;
        }
    }

    /// See [`Entity::mark_judged`].
    pub fn judged_with_module(&self) -> bool {
        self.rare().is_some_and(|r| r.judged)
    }

    /// The entity describes a whole image or a share that exists already (one a Terraform
    /// plan keeps): nothing is sent for it, so no rule judges it, and it uses no server or
    /// backup; but what is new is judged beside it: an operation on the image by where the
    /// image comes from, a new image from its backup, a new share of it with its projects.
    pub fn mark_existing(&mut self) {
        if let Some(rare) = self.rare_mut() {
            rare.existing = true;
        }
    }

    /// See [`Entity::mark_existing`].
    pub fn exists_already(&self) -> bool {
        self.rare().is_some_and(|r| r.existing)
    }

    /// Name the whole-image resource an operation works on by its Terraform address: two
    /// images of one name (a module called twice) are then told apart.
    pub fn set_works_on(&mut self, address: String) {
        if let Some(rare) = self.rare_mut() {
            rare.works_on = Some(address);
        }
    }

    /// Link an operation to the request at its `works_on` address, at this position in the
    /// run's inventory (pruned or not).
    fn link_request(&mut self, at: usize) {
        let rare = match &mut self.body {
            Body::Whole(w) => w.rare.as_deref_mut(),
            Body::PrunedRare(_, rare) => Some(&mut **rare),
            Body::Pruned(_) => None,
        };
        if let Some(rare) = rare {
            rare.request = Some(at);
        }
    }

    /// Name the copy of a whole image an operation works on by its Terraform address: the
    /// operation is on a replica, whatever the images are named.
    pub fn set_copy_of(&mut self, address: String) {
        if let Some(rare) = self.rare_mut() {
            rare.copy_of = Some(address);
        }
    }

    /// The Terraform address of the copy (`huaweicloud_images_image_copy`) of a whole image an
    /// operation works on, when it names one (see [`Entity::set_copy_of`]).
    pub fn copy_of(&self) -> Option<&str> {
        self.rare().and_then(|r| r.copy_of.as_deref())
    }

    /// The Terraform address of the whole-image resource an operation works on, when it names
    /// one (see [`Entity::set_works_on`]).
    pub fn works_on(&self) -> Option<&str> {
        self.rare().and_then(|r| r.works_on.as_deref())
    }

    pub fn terraform_address(&self) -> Option<(&str, bool)> {
        self.rare()?
            .address
            .as_ref()
            .map(|(a, plan)| (a.as_str(), *plan))
    }

    /// The arguments whose values are not known before apply, and why (Terraform).
    pub fn unknown_values(&self) -> &[(String, String)] {
        self.rare().map_or(&[][..], |r| &r.unknown)
    }

    /// Raw pointers of synthesized values (none for the user's own inventory).
    fn raw(&self) -> &RawPointers {
        static NONE: std::sync::LazyLock<RawPointers> = std::sync::LazyLock::new(Default::default);
        self.rare().map_or(&NONE, |r| &r.raw)
    }

    /// The pointer of a value at `span`: its raw pointer when synthesized, else `pointer`.
    /// (The span is only worked out for synthesized descriptions.)
    fn raw_or(&self, span: impl FnOnce() -> Span, pointer: impl FnOnce() -> String) -> String {
        let raw = self.raw();
        if raw.is_empty() {
            return pointer();
        }
        raw.get(&span()).map_or_else(pointer, str::to_string)
    }

    /// This description and the others, most authoritative first.
    pub fn descriptions(&self) -> impl Iterator<Item = &Entity> {
        std::iter::once(self).chain(self.others().iter())
    }

    /// The other descriptions of the same entity: a pruned one has none (it takes none, and
    /// a Terraform entity is pruned before any is merged, see [`Entity::prune_with_rare`]).
    fn others(&self) -> &[Entity] {
        match &self.body {
            Body::Whole(w) => w.rare.as_ref().map_or(&[][..], |r| &r.others),
            Body::Pruned(_) | Body::PrunedRare(..) => &[],
        }
    }

    /// One description alone, whole, without the others (`None` when pruned).
    fn description_alone(&self) -> Option<Entity> {
        let Body::Whole(w) = &self.body else {
            return None;
        };
        let rare = w.rare.as_ref().map(|r| {
            Box::new(Rare {
                invalid: r.invalid.clone(),
                raw: r.raw.clone(),
                others: Vec::new(),
                unknown: r.unknown.clone(),
                moved: r.moved.clone(),
                address: r.address.clone(),
                works_on: r.works_on.clone(),
                request: r.request,
                copy_of: r.copy_of.clone(),
                judged: false,
                existing: r.existing,
            })
        });
        Some(Entity {
            kind: self.kind,
            origin: self.origin,
            serial: self.serial,
            body: Body::Whole(Box::new(Whole {
                file: w.file.clone(),
                unit: w.unit,
                pointer: w.pointer.clone(),
                node: w.node.clone(),
                region: w.region.clone(),
                first_key: w.first_key,
                rare,
            })),
        })
    }

    /// The entity as each of its other descriptions says it (several sources
    /// disagree, the worst case wins): for each, the same descriptions with that one first, so
    /// its values are the ones read and a violation is found where it says so. Empty for an
    /// entity described once.
    pub fn views(&self) -> Vec<Entity> {
        let others = self.others();
        (0..others.len())
            .filter_map(|i| {
                let mut view = others[i].description_alone()?;
                let rest: Vec<Entity> = std::iter::once(self)
                    .chain(
                        others
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != i)
                            .map(|(_, o)| o),
                    )
                    .filter_map(Entity::description_alone)
                    .collect();
                view.rare_mut()?.others = rest;
                Some(view)
            })
            .collect()
    }

    pub fn place(&self, span: Span, pointer: String) -> Place {
        Place::new(self.file().clone(), span, pointer)
    }

    /// Where findings about a missing value point: the first key of the description the user
    /// writes (an inventory's, or a Terraform block, where a pull request is annotated), else
    /// of the first description (an API dump, host facts).
    pub fn key_place(&self) -> Place {
        let d = self
            .descriptions()
            .find(|d| matches!(d.origin, Origin::Native | Origin::Terraform))
            .unwrap_or(self);
        let pointer = d.raw_or(|| d.span(), || d.pointer().to_string());
        d.place(d.first_key(), pointer)
    }

    pub fn found_place(&self, found: &Found) -> Place {
        found.place()
    }

    /// Where a field's key sits (in the first description that has it).
    pub fn key_place_of(&self, field: &str) -> Option<Place> {
        self.descriptions().find_map(|d| {
            let m = d.member(field)?;
            let pointer = d.raw_or(|| m.span(), || pointer_push(&d.pointer(), field));
            Some(d.place(m.key_span(), pointer))
        })
    }

    pub fn hit(&self, rule: &str, variant: &'static str, place: Place) -> Hit {
        let anchor = self.raw_or(|| self.span(), || self.pointer().to_string());
        let key = place
            .pointer
            .strip_prefix(anchor.as_str())
            .and_then(|path| self.stable_path(path));
        // The place as the tree has it, or already where the value is written (by its pointer
        // too: the values a `dynamic` block makes share their place in the file).
        let moved = self.rare().and_then(|r| {
            r.moved.iter().find(|m| {
                (m.span == place.span && Arc::ptr_eq(&place.file, self.file()))
                    || (m.to.span == place.span
                        && m.to.pointer == place.pointer
                        && Arc::ptr_eq(&place.file, &m.to.file))
            })
        });
        let mut hit = match moved {
            Some(m) => {
                let hit = Hit::new(rule, variant, m.to.clone()).entity(&self.label());
                match &m.used {
                    Some((used, what)) => hit.related(used.clone(), what.clone()),
                    None => hit,
                }
            }
            None => Hit::new(rule, variant, place).entity(&self.label()),
        };
        // Its region, for the commands remediation gives (`--cli-region={region}`); a pruned
        // entity keeps its region only for the rules that read it, else leaves the placeholder.
        let region = match self.view() {
            View::Whole(w) => w.region.as_deref(),
            // Kept in the frozen header when a rule reads it (a request's is).
            View::Pruned(f) => f.header().region,
        };
        if let Some(region) = region {
            hit = hit.arg("region", region);
        }
        // How findings name it beyond its id: a server's `name`.
        hit = hit.arg("entity_kind", self.kind.name());
        if self.kind == EntityKind::Server
            && let Some(name) = self.str("name").filter(|n| !n.is_empty())
            && *name != *self.label()
        {
            hit = hit.arg("entity_name", name.to_string());
        }
        hit.subject = Some(self.serial);
        hit.anchor = Some(anchor.into());
        hit.key = key.map(Into::into);
        hit
    }

    /// A path inside the entity with each list position replaced by what the item is (its
    /// `name`, `id`, `key` or `device`: `/lvm/volume_groups/[name=vg_data]/physical_volumes`),
    /// so that adding an item above it does not change it. `None` when the path
    /// holds no list position, or an item has none of those keys (its position is all there
    /// is), or the path is not in this description's tree.
    fn stable_path(&self, path: &str) -> Option<String> {
        if !path
            .split('/')
            .any(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let root = self.root();
        let mut node: &Node = &root;
        let mut out = String::new();
        for segment in path.split('/').skip(1) {
            let key = segment.replace("~1", "/").replace("~0", "~");
            match &node.kind {
                Kind::Seq(items) => {
                    let item = items.get(segment.parse::<usize>().ok()?)?;
                    let (name, value) = ["name", "id", "key", "device"]
                        .iter()
                        .find_map(|k| Some((*k, item.get(k)?.as_str()?)))?;
                    let value = value.replace('~', "~0").replace('/', "~1");
                    out.push_str(&format!("/[{name}={value}]"));
                    node = item;
                }
                _ => {
                    out.push('/');
                    out.push_str(segment);
                    node = node.get(&key)?;
                }
            }
        }
        Some(out)
    }

    /// The keys of this description's mapping, with where each is written.
    pub fn keys(&self) -> Vec<(String, Span)> {
        self.root()
            .as_map()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.key.to_string(), e.key_span))
            .collect()
    }

    /// This description states the field, not as null (a collection counts).
    pub fn states(&self, field: &str) -> bool {
        self.member(field)
            .is_some_and(|m| m.shape().value() != Some(crate::syntax::tree::Value::Null))
    }

    /// Where this description's key for the field sits.
    pub fn key_span(&self, field: &str) -> Option<Span> {
        self.member(field).map(|m| m.key_span())
    }

    /// Some description stated this field (valid or not), kept or not: a pruned entity
    /// remembers which common keys it stated (see [`crate::store::frozen`]). What a check
    /// that only asks whether a fact is known needs (`Reads::stated`).
    pub fn knows(&self, field: &str) -> bool {
        self.descriptions().any(|d| d.knows_here(field))
    }

    /// This description itself (not the others merged into it) states the field.
    pub fn knows_here(&self, field: &str) -> bool {
        match self.view() {
            View::Whole(w) => w.node.entry(field).is_some(),
            View::Pruned(f) => {
                crate::store::declared::check_stated(self.kind.name(), field);
                f.stated(field).unwrap_or_else(|| f.member(field).is_some())
            }
        }
    }

    /// Some description states this field (valid or not).
    pub fn has(&self, field: &str) -> bool {
        self.descriptions().any(|d| d.member(field).is_some())
    }

    /// Values at a field path (`a.b`, `a[].b` walks a list), from the first description that
    /// has any. Values the schema pass rejected are left out.
    pub fn field(&self, path: &str) -> Vec<Found<'_>> {
        if is_plain(path) {
            return self.get(path).into_iter().collect();
        }
        for d in self.descriptions() {
            let found = d.field_here(path);
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// Values at a field path in every description, most authoritative first: what each says
    /// (a volume a Terraform module attaches is a disk of its description only, beside the
    /// disks an inventory lists).
    pub fn field_in_all(&self, path: &str) -> Vec<Found<'_>> {
        self.descriptions().flat_map(|d| d.field(path)).collect()
    }

    fn found<'a>(&'a self, node: Cow<'a, Node>, pointer: PathPointer<'a>) -> Found<'a> {
        Found {
            node,
            pointer,
            file: self.file(),
            rare: self.rare(),
        }
    }

    fn field_here(&self, path: &str) -> Vec<Found<'_>> {
        let found = |node, pointer| self.found(node, PathPointer::Built(pointer));
        let mut current: Vec<Found<'_>> = match self.view() {
            View::Whole(w) => walk(&w.node, &w.pointer, path)
                .into_iter()
                .map(|(node, pointer)| found(Cow::Borrowed(node), pointer))
                .collect(),
            View::Pruned(f) => {
                // Only the member the path starts with is thawed.
                let first = path.split('.').next().unwrap_or_default();
                let name = first.strip_suffix("[]").unwrap_or(first);
                crate::store::declared::check(self.kind.name(), name);
                let Some(member) = f.member(name) else {
                    return Vec::new();
                };
                let entry = crate::syntax::tree::Entry {
                    key: name.into(),
                    key_span: member.key_span,
                    value: member.thaw(),
                };
                let root = Node {
                    span: f.span(),
                    kind: Kind::Map(vec![entry]),
                };
                walk(&root, &f.header().pointer, path)
                    .into_iter()
                    .map(|(node, pointer)| found(Cow::Owned(node.clone()), pointer))
                    .collect()
            }
        };
        current.retain(|f| !self.is_invalid(f.node.span));
        current
    }

    /// The one value at a plain field name, if present and valid.
    pub fn get(&self, field: &str) -> Option<Found<'_>> {
        if !is_plain(field) {
            return self.field(field).into_iter().next();
        }
        self.descriptions().find_map(|d| match d.view() {
            // Read in place: no walk, and the pointer made only if asked.
            View::Whole(w) => w
                .node
                .entry(field)
                .filter(|e| !d.is_invalid(e.value.span))
                .map(|e| {
                    d.found(
                        Cow::Borrowed(&e.value),
                        PathPointer::Member(&w.pointer, &e.key),
                    )
                }),
            View::Pruned(_) => d.field_here(field).into_iter().next(),
        })
    }

    /// A string field's value (case as written), if present, valid and a string.
    pub fn str(&self, field: &str) -> Option<Str<'_>> {
        // Called for every condition and lookup: read in place, no pointer built.
        self.descriptions()
            .find_map(|d| d.member(field).filter(|m| !d.is_invalid(m.span())))?
            .as_str()
    }

    /// `true` when a string field equals `value`, ignoring case.
    pub fn is(&self, field: &str, value: &str) -> bool {
        self.str(field)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    }

    /// Take in another description of the same entity, keeping the most authoritative first;
    /// returns conflicts between the user's inventory and the other description.
    fn absorb(&mut self, mut other: Entity) -> Vec<Hit> {
        let swapped = other.origin < self.origin;
        if swapped {
            std::mem::swap(self, &mut other);
            let theirs = other.rare_mut().map(|r| std::mem::take(&mut r.others));
            if let (Some(mut theirs), Some(rare)) = (theirs, self.rare_mut()) {
                rare.others.append(&mut theirs);
            }
        }
        // The user's inventory is compared with every description it has not met yet: all of
        // them when it arrives last, else only the new one. File order does not matter.
        let mut hits = Vec::new();
        if self.origin == Origin::Native {
            hits.extend(self.conflicts(&other));
            if swapped {
                for d in self.descriptions().skip(1) {
                    hits.extend(self.conflicts(d));
                }
            }
        }
        // Descriptions are merged before any is pruned (see `restore_whole`).
        debug_assert!(
            self.is_whole(),
            "a pruned entity cannot take other descriptions"
        );
        if let Some(rare) = self.rare_mut() {
            rare.others.push(other);
            rare.others.sort_by_key(|d| d.origin);
        }
        hits
    }

    /// Scalar fields the user's inventory and another description both state, differently.
    fn conflicts(&self, other: &Entity) -> Vec<Hit> {
        let mut hits = Vec::new();
        let (mine, their_root) = (self.root(), other.root());
        for e in mine.as_map().unwrap_or_default() {
            let (Some(mine), Some(theirs)) = (e.value.as_scalar(), their_root.get(&e.key)) else {
                continue;
            };
            let Some(their_scalar) = theirs.as_scalar() else {
                continue;
            };
            let same = match (mine.value(), their_scalar.value()) {
                (crate::syntax::tree::Value::Str(a), crate::syntax::tree::Value::Str(b)) => {
                    a.eq_ignore_ascii_case(b)
                }
                (a, b) => a == b,
            };
            if same || e.key == "id" {
                continue;
            }
            let place = self.place(e.value.span, pointer_push(&self.pointer(), &e.key));
            let their_pointer =
                other.raw_or(|| theirs.span, || pointer_push(&other.pointer(), &e.key));
            let their_place = Place::new(other.file().clone(), theirs.span, their_pointer);
            hits.push(
                self.hit(ids::INVENTORY_CONFLICT, "main", place)
                    .arg("field", e.key.clone())
                    .arg("value", e.value.display())
                    .arg("other", theirs.display())
                    .related(
                        their_place,
                        pick(
                            || format!("{} says `{}`", other.file().name, theirs.display()),
                            || format!("{}中为`{}`", other.file().name, theirs.display()),
                        ),
                    ),
            );
        }
        hits
    }
}

/// The nodes at a field path under `root` (see [`Entity::field`]), with their pointers.
/// The spans of a node and of everything under it.
/// Every item of a list is a mapping.
fn all_maps(items: &[Node]) -> bool {
    items.iter().all(|i| i.as_map().is_some())
}

/// Each scalar of the plan's mapping `planned` that `mine` does not state, or states otherwise,
/// taken into `mine`: where `mine` writes it, else at `mine` itself (its block). An `id` names
/// the item, as each description names it: not a value sent. `taken`: where each went.
fn take_scalars(mine: &mut Node, planned: &Node, taken: &mut Vec<Span>) {
    let at = mine.span;
    let Kind::Map(entries) = &mut mine.kind else {
        return;
    };
    for p in planned.as_map().unwrap_or_default() {
        let Kind::Scalar(value) = &p.value.kind else {
            continue;
        };
        if p.key == "id" {
            continue;
        }
        match entries.iter_mut().find(|e| e.key == p.key) {
            Some(Entry {
                value:
                    Node {
                        kind: Kind::Scalar(mine),
                        span,
                    },
                ..
            }) => {
                // The plan's, changed or not: where the module would take it from a
                // variable's default, the plan's may be a `-var`'s.
                *mine = value.clone();
                taken.push(*span);
            }
            Some(_) => {}
            None => {
                entries.push(Entry {
                    key: p.key.clone(),
                    key_span: at,
                    value: Node {
                        span: at,
                        kind: Kind::Scalar(value.clone()),
                    },
                });
                taken.push(at);
            }
        }
    }
}

/// A node of another file placed at `span` of this one, all of it.
fn respanned(node: &Node, span: Span) -> Node {
    let kind = match &node.kind {
        Kind::Scalar(s) => Kind::Scalar(s.clone()),
        Kind::Seq(items) => Kind::Seq(items.iter().map(|i| respanned(i, span)).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: span,
                    value: respanned(&e.value, span),
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

/// A top-level entry a thinned or frozen entity keeps: its id, the field that names it, what
/// `keep` names, and the lists whose items it reads.
fn kept_entry(label_key: &str, keep: &Keep, key: &str) -> bool {
    key == "id" || key == label_key || keep.has(key) || keep.items.iter().any(|i| i.list == key)
}

fn spans_under(node: &Node, out: &mut Vec<Span>) {
    out.push(node.span);
    match &node.kind {
        Kind::Scalar(_) => {}
        Kind::Seq(items) => items.iter().for_each(|i| spans_under(i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| spans_under(&e.value, out)),
    }
}

/// A path that names one top-level field (no `.`, no `[]`).
fn is_plain(path: &str) -> bool {
    !path.contains(['.', '['])
}

fn walk<'r>(root: &'r Node, pointer: &str, path: &str) -> Vec<(&'r Node, String)> {
    let mut current = vec![(root, pointer.to_string())];
    for part in path.split('.') {
        let (name, each) = match part.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (part, false),
        };
        let mut next = Vec::new();
        for (node, pointer) in current {
            let Some(child) = node.get(name) else {
                continue;
            };
            let pointer = pointer_push(&pointer, name);
            if each {
                for (i, item) in child.as_seq().unwrap_or_default().iter().enumerate() {
                    next.push((item, pointer_push(&pointer, &i.to_string())));
                }
            } else {
                next.push((child, pointer));
            }
        }
        current = next;
    }
    current
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Inventory,
    Request,
}

/// Entities of one kind by id, case-insensitively. The table holds positions in
/// `Inventory::entities` and hashes the entities' own labels: no copy of a key per entity.
#[derive(Default)]
struct IdIndex(hashbrown::HashTable<u32>);

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdIndex({} ids)", self.0.len())
    }
}

/// Link each Terraform operation to the first request at the address it works on (see
/// [`Inventory::request_of`]). Reading an entity's address is a cache miss (its rare parts
/// were made on another thread, long before): the addresses are read and hashed, and the
/// operations looked up and linked, on the run's threads; only the table is filled on one,
/// from the hashes (an address is read again only to tell two requests of one hash apart).
fn link_operations(entities: &mut Entities) {
    use rayon::prelude::*;
    fn address(e: &Entity) -> Option<&str> {
        e.terraform_address().map(|(a, _)| a)
    }
    let requests: Vec<(usize, u64)> = entities
        .par_enumerate()
        .filter(|(_, e)| e.kind == EntityKind::Request)
        .filter_map(|(i, e)| Some((i, address_hash(address(e)?))))
        .collect();
    if requests.is_empty() {
        return;
    }
    let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(requests.len());
    let at = |j: &u32| &entities[*j as usize];
    for (i, hash) in requests {
        let mine = address(&entities[i]);
        if table.find(hash, |j| address(at(j)) == mine).is_none() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            table.insert_unique(hash, index, |j| address(at(j)).map_or(0, address_hash));
        }
    }
    let links: Vec<(usize, usize)> = entities
        .par_enumerate()
        .filter(|(_, e)| e.kind == EntityKind::Operation)
        .filter_map(|(i, op)| {
            let works_on = op.works_on()?;
            let found = table.find(address_hash(works_on), |j| address(at(j)) == Some(works_on))?;
            Some((i, *found as usize))
        })
        .collect();
    if links.is_empty() {
        return;
    }
    entities.par_chunks_mut().for_each(|(start, chunk)| {
        let first = links.partition_point(|&(i, _)| i < start);
        let end = start + chunk.len();
        for &(i, request) in links[first..].iter().take_while(|&&(i, _)| i < end) {
            chunk[i - start].link_request(request);
        }
    });
}

/// The hash of a Terraform address (compared as written).
fn address_hash(address: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::syntax::tree::hasher();
    h.write(address.as_bytes());
    h.finish()
}

/// The hash of an id whatever its case.
pub(crate) fn id_hash(id: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::syntax::tree::hasher();
    // Lowered a piece at a time into a buffer and hashed a piece at a time: a byte at a time
    // is a hash round per byte (Terraform's ids, a module's path and an address, are long).
    let mut buf = [0u8; 64];
    for piece in id.as_bytes().chunks(buf.len()) {
        let lower = &mut buf[..piece.len()];
        lower.copy_from_slice(piece);
        lower.make_ascii_lowercase();
        h.write(lower);
    }
    h.finish()
}

impl IdIndex {
    fn get(&self, entities: &Entities, id: &str) -> Option<usize> {
        self.find(entities, id, |label| label.eq_ignore_ascii_case(id))
    }

    /// The entity whose label `same` accepts, among those whose label hashes like `id`.
    fn find(&self, entities: &Entities, id: &str, same: impl Fn(&str) -> bool) -> Option<usize> {
        self.0
            .find(id_hash(id), |&i| same(&entities[i as usize].label()))
            .map(|&i| i as usize)
    }

    /// Add the entity about to be pushed at `index` (not yet in `entities`).
    fn insert(&mut self, entities: &Entities, id: &str, index: usize) {
        self.0.insert_unique(id_hash(id), index as u32, |&i| {
            id_hash(&entities[i as usize].label())
        });
    }
}

/// The first entity to use each value of a field (an id, compared whatever its case): a
/// table of entities hashed by the value, which is read again to compare (a large run has an
/// entity per value: a copy of every value with its place would take megabytes).
pub struct FirstUse<'a> {
    field: &'static str,
    table: hashbrown::HashTable<&'a Entity>,
}

impl<'a> FirstUse<'a> {
    /// For about `capacity` entities.
    pub fn new(field: &'static str, capacity: usize) -> FirstUse<'a> {
        FirstUse {
            field,
            table: hashbrown::HashTable::with_capacity(capacity),
        }
    }

    /// The earlier entity that used `value` (this entity's value of the field), or `None`
    /// after recording this one as its first user.
    pub fn earlier(&mut self, e: &'a Entity, value: &str) -> Option<&'a Entity> {
        let field = self.field;
        let hash = id_hash(value);
        let same = |earlier: &&Entity| {
            earlier.get(field).is_some_and(|f| {
                f.node
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
            })
        };
        if let Some(earlier) = self.table.find(hash, same) {
            return Some(earlier);
        }
        self.table.insert_unique(hash, e, |e| {
            e.get(field)
                .and_then(|f| f.node.as_str().map(id_hash))
                .unwrap_or_default()
        });
        None
    }
}

/// The entities of a run in chunks, one per document as it was read: moving hundreds of
/// thousands of entities into one list would hold them twice for a while. Positions count
/// across the chunks.
#[derive(Debug, Default)]
pub struct Entities {
    chunks: Vec<Vec<Entity>>,
    /// Position of each chunk's first entity.
    starts: Vec<usize>,
    len: usize,
}

impl Entities {
    pub fn len(&self) -> usize {
        self.len
    }

    /// The entities, a list per document (to free them a list at a time, in parallel).
    pub fn into_chunks(self) -> Vec<Vec<Entity>> {
        self.chunks
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entity> {
        self.chunks.iter().flatten()
    }

    /// The entities with their positions, on the run's threads.
    pub fn par_enumerate(&self) -> impl rayon::iter::ParallelIterator<Item = (usize, &Entity)> {
        use rayon::prelude::*;
        self.chunks
            .par_iter()
            .zip(self.starts.par_iter())
            .flat_map_iter(|(chunk, &start)| {
                chunk.iter().enumerate().map(move |(i, e)| (start + i, e))
            })
    }

    /// Each chunk with the position of its first entity, to change on the run's threads.
    fn par_chunks_mut(
        &mut self,
    ) -> impl rayon::iter::ParallelIterator<Item = (usize, &mut [Entity])> {
        use rayon::prelude::*;
        self.chunks
            .par_iter_mut()
            .zip(self.starts.par_iter())
            .map(|(chunk, &start)| (start, chunk.as_mut_slice()))
    }

    /// The entities on the run's threads, a document's at a time.
    pub fn par_iter(&self) -> impl rayon::iter::ParallelIterator<Item = &Entity> {
        use rayon::prelude::*;
        self.chunks.par_iter().flat_map_iter(|chunk| chunk.iter())
    }

    /// Start a chunk for the entities of one more document, in `storage` (empty).
    fn chunk(&mut self, storage: Vec<Entity>) {
        self.chunks.push(storage);
        self.starts.push(self.len);
    }

    fn push(&mut self, entity: Entity) {
        if self.chunks.is_empty() {
            self.chunk(Vec::with_capacity(1));
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(entity);
            self.len += 1;
        }
    }

    /// The chunk holding position `i`, and the position within it.
    fn locate(&self, i: usize) -> (usize, usize) {
        let chunk = self.starts.partition_point(|&s| s <= i).saturating_sub(1);
        (chunk, i - self.starts.get(chunk).copied().unwrap_or(0))
    }
}

impl std::ops::Index<usize> for Entities {
    type Output = Entity;

    fn index(&self, i: usize) -> &Entity {
        let (chunk, at) = self.locate(i);
        &self.chunks[chunk][at]
    }
}

impl std::ops::IndexMut<usize> for Entities {
    fn index_mut(&mut self, i: usize) -> &mut Entity {
        let (chunk, at) = self.locate(i);
        &mut self.chunks[chunk][at]
    }
}

impl IntoIterator for Entities {
    type Item = Entity;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Entity>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

/// All documents of one run, as one inventory.
#[derive(Debug, Default)]
pub struct Inventory {
    pub entities: Entities,
    pub documents: usize,
    servers: IdIndex,
    backups: IdIndex,
    volumes: IdIndex,
    /// The first request of each name (names compared exactly).
    requests: IdIndex,
    /// The entities rules judge when not all of them: `subjects[i]` for `entities[i]`.
    subjects: Option<Vec<bool>>,
    /// The replicas the judged operations make, indexed once for every check that reads them
    /// (see [`Inventory::replicas`]); made again when the judged entities change.
    replicas: std::sync::OnceLock<ReplicaIndex>,
}

/// The judged `replicate` operations, by position: by the name they give their copy, and by
/// their Terraform address.
#[derive(Debug, Default)]
struct ReplicaIndex {
    by_name: HashMap<String, Vec<usize>>,
    by_address: HashMap<String, usize>,
}

impl Inventory {
    /// The entities of one file, judged on their own by the local pass (no indexes: local
    /// rules look nothing up). `judge` picks the ones rules report on.
    pub fn of_file(entities: Vec<Entity>, judge: impl Fn(&Entity) -> bool) -> Inventory {
        let subjects = Some(entities.iter().map(&judge).collect());
        let len = entities.len();
        Inventory {
            entities: Entities {
                chunks: vec![entities],
                starts: vec![0],
                len,
            },
            subjects,
            ..Inventory::default()
        }
    }

    /// Judge only the entities `judge` picks (all again with `None`).
    pub fn set_subjects(&mut self, judge: Option<&(dyn Fn(&Entity) -> bool + Sync)>) {
        use rayon::prelude::*;
        // A whole run's entities are asked on the run's threads (each answer may read the
        // entity's rare parts or frozen tree: a cache miss); a root module's few on its own.
        const ON_THREADS: usize = 4096;
        self.subjects = judge.map(|j| match self.entities.len() {
            n if n < ON_THREADS => self.entities.iter().map(j).collect(),
            _ => self.entities.par_iter().map(j).collect(),
        });
        self.replicas = std::sync::OnceLock::new();
    }

    /// The entities rules judge.
    pub fn subjects(&self) -> impl Iterator<Item = &Entity> {
        self.entities
            .iter()
            .enumerate()
            .filter(|(i, _)| self.subjects.as_ref().is_none_or(|s| s[*i]))
            .map(|(_, e)| e)
    }

    /// Some entity of this kind is described, judged or not (volumes are looked up, never
    /// judged themselves).
    pub fn describes(&self, kind: EntityKind) -> bool {
        self.entities.iter().any(|e| e.kind == kind)
    }

    pub fn of_kind(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.subjects().filter(move |e| e.kind == kind)
    }

    /// The entities of this kind that describe what exists already (see
    /// [`Entity::mark_existing`]): never judged, but what new ones can collide with.
    pub fn existing(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.entities
            .iter()
            .filter(move |e| e.kind == kind && e.exists_already())
    }

    /// Backups by the server they were made from: sorted by the hash of the server id
    /// whatever its case (then by position), searched by halves; the id itself is read again
    /// to compare. 16 bytes a backup, no copy of an id.
    pub fn backups_by_server(&self) -> BackupsByServer<'_> {
        let mut sorted: Vec<(u64, u32)> = self
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntityKind::Backup)
            .filter_map(|(i, e)| Some((id_hash(&e.str("server_id")?), i as u32)))
            .collect();
        sorted.sort_unstable();
        BackupsByServer { inv: self, sorted }
    }

    pub fn server(&self, id: &str) -> Option<&Entity> {
        let i = self.servers.get(&self.entities, id)?;
        Some(&self.entities[i])
    }

    /// An EVS volume described by an API dump.
    pub fn volume(&self, id: &str) -> Option<&Entity> {
        let i = self.volumes.get(&self.entities, id)?;
        Some(&self.entities[i])
    }

    pub fn backup(&self, id: &str) -> Option<&Entity> {
        let i = self.backups.get(&self.entities, id)?;
        Some(&self.entities[i])
    }

    /// The first request with this name (what an operation's `image` refers to).
    pub fn request(&self, name: &str) -> Option<&Entity> {
        let i = self
            .requests
            .find(&self.entities, name, |label| label == name)?;
        Some(&self.entities[i])
    }

    /// The request making the image an operation works on: the one at the Terraform address
    /// it names (see [`Entity::works_on`], linked when the inventory is built), else the first
    /// of the name its `image` says.
    pub fn request_of(&self, op: &Entity) -> Option<&Entity> {
        match op.rare().and_then(|r| r.request) {
            Some(i) => Some(&self.entities[i]),
            // On a Terraform copy: a replica, whatever its name (see `Replicas::sources`).
            None if op.copy_of().is_some() => None,
            None => self.request(&op.str("image")?),
        }
    }

    /// The replicas the run's `replicate` operations make, indexed once for the checks that
    /// follow an image back through its copies (see [`Replicas`]).
    pub fn replicas(&self) -> Replicas<'_> {
        let index = self.replicas.get_or_init(|| {
            let mut index = ReplicaIndex::default();
            let judged = |i: &usize| self.subjects.as_ref().is_none_or(|s| s[*i]);
            for (i, op) in self.entities.iter().enumerate() {
                if op.kind != EntityKind::Operation || !judged(&i) || !op.is("action", "replicate")
                {
                    continue;
                }
                if let Some(name) = op.str("name") {
                    index.by_name.entry(name.to_string()).or_default().push(i);
                }
                if let Some((address, _)) = op.terraform_address() {
                    index.by_address.insert(address.to_string(), i);
                }
            }
            index
        });
        Replicas { inv: self, index }
    }

    /// What tells the image an operation works on from another of the same name: the
    /// Terraform address of the request that makes it (see [`Inventory::request_of`]), else
    /// its name. An inventory's operation naming a Terraform image by name works on the same
    /// image as the Terraform operations on it.
    pub fn image_of<'a>(&'a self, op: &'a Entity) -> Option<Str<'a>> {
        match self.request_of(op).and_then(Entity::terraform_address) {
            Some((address, _)) => Some(Str::Here(address)),
            None => op.str("image"),
        }
    }
}

/// The run's `replicate` operations by the name they give their copy and by their Terraform
/// address (see [`Inventory::replicas`]).
pub struct Replicas<'a> {
    inv: &'a Inventory,
    index: &'a ReplicaIndex,
}

impl<'a> Replicas<'a> {
    /// The operations that make a copy named `name`.
    pub fn makers(&self, name: &str) -> impl Iterator<Item = &'a Entity> + Clone + use<'a> {
        let inv = self.inv;
        self.index
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(move |&i| &inv.entities[i])
    }

    /// Some operation makes a replica named `name` of another image: an image of that name
    /// may be a replica (a copy named as its source is not a copy of itself).
    pub fn made(&self, name: &str) -> bool {
        self.makers(name)
            .any(|m| m.str("image").as_deref() != Some(name))
    }

    /// The operation that makes the Terraform copy at `address`.
    pub fn maker_of(&self, address: &str) -> Option<&'a Entity> {
        let inv = self.inv;
        self.index
            .by_address
            .get(address)
            .map(|&i| &inv.entities[i])
    }

    /// The requests that make the whole images a replica `op` works on may copy, when the run
    /// makes the replica: a Terraform copy the operation names by address, or each `replicate`
    /// operation whose `name` is the image (and not its own source's: an inventory names
    /// images by name, and two replicas may share one), through a chain of a few copies.
    pub fn sources(&self, op: &'a Entity) -> Vec<&'a Entity> {
        let mut out: Vec<&Entity> = Vec::new();
        let mut ops = vec![op];
        for _ in 0..8 {
            let mut next = Vec::new();
            for op in ops {
                let makers: Vec<&Entity> = match op.copy_of() {
                    Some(copy) => self.maker_of(copy).into_iter().collect(),
                    None => {
                        let Some(image) = op.str("image") else {
                            continue;
                        };
                        self.makers(&image)
                            .filter(|m| m.str("image").as_deref() != Some(&*image))
                            .collect()
                    }
                };
                for maker in makers {
                    match self.inv.request_of(maker) {
                        Some(r) if !out.iter().any(|o| std::ptr::eq(*o, r)) => out.push(r),
                        Some(_) => {}
                        None => next.push(maker),
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            ops = next;
        }
        out
    }
}

/// See [`Inventory::backups_by_server`].
pub struct BackupsByServer<'a> {
    inv: &'a Inventory,
    /// The hash of each backup's server id (see [`id_hash`]) and its position.
    sorted: Vec<(u64, u32)>,
}

impl<'a> BackupsByServer<'a> {
    /// The backups made from this server, in inventory order.
    pub fn of<'s>(&'s self, server: &'s str) -> impl Iterator<Item = &'a Entity> + 's {
        let hash = id_hash(server);
        let from = self.sorted.partition_point(|&(h, _)| h < hash);
        let inv = self.inv;
        self.sorted[from..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(move |&(_, i)| &inv.entities[i as usize])
            .filter(move |b| {
                b.str("server_id")
                    .is_some_and(|id| id.eq_ignore_ascii_case(server))
            })
    }
}

/// What a document is, judged from its top level.
pub fn classify(root: &Node) -> Option<DocKind> {
    let map = root.as_map()?;
    let has = |k: &str| map.iter().any(|e| e.key == k);
    if ["servers", "backups", "requests", "operations"]
        .iter()
        .any(|k| has(k))
    {
        Some(DocKind::Inventory)
    } else if has("name") && (has("instance_id") || has("backup_id")) {
        Some(DocKind::Request)
    } else {
        None
    }
}

/// One document read on its own: its entities and its schema problems. Reading documents is
/// independent work, done in parallel; adding them to the inventory is the ordered step.
pub struct DocModel {
    pub kind: DocKind,
    pub entities: Vec<Entity>,
    pub hits: Vec<Hit>,
    /// The Terraform addresses a plan destroys (and does not create again): what its
    /// module's configuration says of them is not sent (see `engine::terraform`).
    pub destroyed: Vec<String>,
    /// The root variables' values a plan was made with (its `variables`, the sensitive ones
    /// left out): what its module beside it is read with (see `engine::terraform`).
    pub variables: Vec<(String, hcl::Value)>,
}

/// Read one document: `None` when it is not an inventory (left alone).
pub fn read_document(file: &Arc<SourceFile>, root: Node) -> Option<DocModel> {
    let kind = classify(&root)?;
    let mut hits = Vec::new();
    let mut invalid = Vec::new();
    let mut ctx = Ctx {
        file,
        hits: &mut hits,
        invalid: &mut invalid,
    };
    let mut entities = Vec::new();
    match kind {
        DocKind::Request => {
            ctx.check_map(&root, schema::REQUEST, "", false);
            entities.push(entity(
                file,
                EntityKind::Request,
                String::new(),
                root,
                None,
                invalid,
            ));
        }
        DocKind::Inventory => {
            ctx.check_map(&root, schema::DOCUMENT, "", true);
            for (i, op) in root
                .get("operations")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                ctx.check_action_fields(op, &pointer_push("/operations", &i.to_string()));
            }
            let region = root
                .get("region")
                .filter(|n| !invalid.contains(&n.span))
                .and_then(|n| n.as_str())
                .map(std::sync::Arc::<str>::from);
            if let Kind::Map(entries) = root.kind {
                for entry in entries {
                    let kind = match entry.key.as_str() {
                        "servers" => EntityKind::Server,
                        "backups" => EntityKind::Backup,
                        "requests" => EntityKind::Request,
                        "operations" => EntityKind::Operation,
                        _ => continue,
                    };
                    let Kind::Seq(items) = entry.value.kind else {
                        continue;
                    };
                    let list = pointer_push("", &entry.key);
                    for (i, item) in items.into_iter().enumerate() {
                        if item.as_map().is_none() {
                            continue;
                        }
                        let pointer = pointer_push(&list, &i.to_string());
                        let mine = invalid
                            .iter()
                            .copied()
                            .filter(|s| {
                                s.start() >= item.span.start() && s.end() <= item.span.end()
                            })
                            .collect();
                        entities.push(entity(file, kind, pointer, item, region.clone(), mine));
                    }
                }
            }
        }
    }
    Some(DocModel {
        kind,
        entities,
        hits,
        destroyed: Vec::new(),
        variables: Vec::new(),
    })
}

fn entity(
    file: &Arc<SourceFile>,
    kind: EntityKind,
    pointer: String,
    mut node: Node,
    region: Option<std::sync::Arc<str>>,
    invalid: Vec<Span>,
) -> Entity {
    let implied = match kind {
        EntityKind::Server => windows_implied(&mut node, &pointer),
        _ => None,
    };
    let mut e = Entity::new(kind, file, pointer, node, Origin::Native);
    if let Some((span, pointer)) = implied {
        e.set_raw(RawPointers::from_iter([(span, pointer)]));
    }
    e.set_region(region);
    if !invalid.is_empty()
        && let Some(rare) = e.rare_mut()
    {
        rare.invalid = invalid;
    }
    e
}

/// Keys only a Windows server has: a server that states one and not its `os` is a Windows
/// server (facts imply facts), so the Windows rules judge it.
const WINDOWS_ONLY: [&str; 2] = ["san_policy", "volumes"];

/// Add `os: windows` to a server that states no `os` but a Windows-only key; returns the
/// span the added value stands at (the key that implies it) and that key's pointer.
fn windows_implied(node: &mut Node, pointer: &str) -> Option<(Span, String)> {
    let Kind::Map(entries) = &mut node.kind else {
        return None;
    };
    if entries.iter().any(|e| e.key == "os") {
        return None;
    }
    let by = entries.iter().find(|e| {
        WINDOWS_ONLY.contains(&e.key.as_str())
            && e.value.value() != Some(crate::syntax::tree::Value::Null)
    })?;
    let (span, implied_by) = (by.key_span, pointer_push(pointer, &by.key));
    entries.push(crate::syntax::tree::Entry {
        key: "os".into(),
        key_span: span,
        value: Node {
            span,
            kind: Kind::Scalar(crate::syntax::tree::Scalar {
                text: "windows".into(),
                plain: true,
            }),
        },
    });
    Some((span, implied_by))
}

/// Top-level keys of an inventory document.
const INVENTORY_KEYS: [&str; 4] = ["servers", "backups", "requests", "operations"];

/// A document that is no inventory because of a near miss in a top-level key (`servres`,
/// `Servers`, `server:` holding a list): an `inventory-schema` error with the key it was
/// meant to be, instead of a file skipped in silence.
pub fn near_miss(file: &Arc<SourceFile>, root: &Node) -> Option<Hit> {
    let entries = root.as_map()?;
    entries.iter().find_map(|e| {
        let key = e.key.as_str();
        let meant = INVENTORY_KEYS.iter().find(|k| {
            let lower = key.to_ascii_lowercase();
            let distance = strsim::osa_distance(&lower, k);
            lower == **k
                || distance == 1
                || (k.len() >= 9 && distance == 2)
                || (k.strip_suffix('s') == Some(lower.as_str()) && e.value.as_seq().is_some())
        })?;
        let place = Place::new(file.clone(), e.key_span, pointer_push("", key));
        Some(
            Hit::new(ids::INVENTORY_SCHEMA, "near_miss", place)
                .arg("field", key)
                .arg("suggestion", did_you_mean(meant)),
        )
    })
}

/// A cloud API error response saved as a dump (`{"error": {...}}`, `{"error_code": ...}`):
/// an `inventory-facts` error naming the code and message, not a dump skipped in silence
/// (the request that uses the server would then pass with less checked).
pub fn api_error(file: &Arc<SourceFile>, root: &Node) -> Option<Hit> {
    let (at, fields) = match root.get("error") {
        Some(error) if error.as_map().is_some() => (error, error),
        _ => (root.get("error_code")?, root),
    };
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| fields.get(k).map(Node::display))
            .unwrap_or_default()
    };
    let code = text(&["code", "error_code"]);
    let message = text(&["message", "error_msg"]);
    let place = Place::new(file.clone(), at.span, String::new());
    Some(
        Hit::new(ids::INVENTORY_FACTS, "api_error", place)
            .arg("value", file.name.clone())
            .arg(
                "detail",
                format!("{code}: {message}")
                    .trim_matches([':', ' '])
                    .to_string(),
            ),
    )
}

/// Builds the inventory in input order; schema problems come out as hits.
pub struct ModelBuilder {
    pub inventory: Inventory,
    hits: Vec<Hit>,
    /// The entities of the document being added (see [`ModelBuilder::add`]).
    incoming: Vec<Entity>,
}

impl ModelBuilder {
    pub fn new() -> ModelBuilder {
        ModelBuilder {
            inventory: Inventory::default(),
            hits: Vec::new(),
            incoming: Vec::new(),
        }
    }

    /// A builder for this many documents and these entities: its lists and indexes are made
    /// at their size once. Grown by doubling instead, a large run's freed smaller copies
    /// stayed in its peak memory.
    pub fn expecting<'e>(
        documents: usize,
        entities: impl Iterator<Item = &'e Entity>,
    ) -> ModelBuilder {
        let mut counts = [0usize; 5];
        for e in entities {
            counts[e.kind as usize] += 1;
        }
        let mut builder = ModelBuilder::new();
        let inv = &mut builder.inventory;
        inv.entities.chunks.reserve_exact(documents);
        inv.entities.starts.reserve_exact(documents);
        for (kind, index) in [
            (EntityKind::Server, &mut inv.servers),
            (EntityKind::Backup, &mut inv.backups),
            (EntityKind::Volume, &mut inv.volumes),
            (EntityKind::Request, &mut inv.requests),
        ] {
            index.0.reserve(counts[kind as usize], |_| 0);
        }
        builder
    }

    /// The inventory built, each Terraform operation linked to the request at the address it
    /// works on (see [`Inventory::request_of`]), and the findings building it made.
    pub fn finish(mut self) -> (Inventory, Vec<Hit>) {
        link_operations(&mut self.inventory.entities);
        (self.inventory, self.hits)
    }

    /// Add one more description (host facts) of a server.
    pub fn add_entity(&mut self, entity: Entity) {
        self.push(entity);
    }

    /// Add one document read by [`read_document`].
    pub fn add(&mut self, doc: DocModel) {
        self.inventory.documents += 1;
        self.hits.extend(doc.hits);
        // The document's own list becomes its chunk: its entities pass through a buffer
        // reused for every document. Copied into a fresh list instead, a large run's entity
        // headers (10 MB on 13 000 files) landed in new allocator pages while the old lists
        // left holes among the frozen trees: 11 MB more peak RSS.
        let mut incoming = std::mem::take(&mut self.incoming);
        let mut storage = doc.entities;
        incoming.append(&mut storage);
        self.inventory.entities.chunk(storage);
        for entity in incoming.drain(..) {
            self.push(entity);
        }
        self.incoming = incoming;
    }

    fn push(&mut self, entity: Entity) {
        let kind = entity.kind;
        let index = self.inventory.entities.len();
        let inv = &mut self.inventory;
        let table = match kind {
            EntityKind::Server => Some(&mut inv.servers),
            EntityKind::Backup => Some(&mut inv.backups),
            EntityKind::Volume => Some(&mut inv.volumes),
            EntityKind::Request => {
                if let Some(name) = entity.key()
                    && inv
                        .requests
                        .find(&inv.entities, &name, |label| label == &*name)
                        .is_none()
                {
                    inv.requests.insert(&inv.entities, &name, index);
                }
                None
            }
            EntityKind::Operation => None,
        };
        if let Some(table) = table {
            let Some(id) = entity.key() else {
                return; // the schema pass reported the missing or mistyped id
            };
            if let Some(first) = table.get(&inv.entities, &id) {
                let earlier = &mut inv.entities[first];
                if earlier.origin != Origin::Native || entity.origin != Origin::Native {
                    // A dump or host facts describe the same entity: merge the descriptions.
                    let hits = earlier.absorb(entity);
                    self.hits.extend(hits);
                    return;
                }
                // Compared by digest: the earlier description may be pruned by now.
                if earlier.content_digest() != entity.content_digest() {
                    let id = entity.member("id").map_or(entity.span(), |m| m.span());
                    let place = entity.place(id, pointer_push(&entity.pointer(), "id"));
                    let hit = entity
                        .hit(ids::INVENTORY_DUPLICATE_ID, "main", place)
                        .arg("kind", kind.name())
                        .arg("value", entity.label().to_string())
                        .related(
                            earlier.key_place(),
                            pick(
                                || format!("{} first described here", kind.name()),
                                || format!("{}首次在此描述", kind.word()),
                            ),
                        );
                    self.hits.push(hit);
                    // Described differently, it is judged on its own too (server
                    // rules apply to every described server); lookups find the first.
                    self.inventory.entities.push(entity);
                }
                return; // an identical repeat says nothing new
            }
            table.insert(&inv.entities, &id, index);
        }
        self.inventory.entities.push(entity);
    }
}

impl Default for ModelBuilder {
    fn default() -> Self {
        ModelBuilder::new()
    }
}

struct Ctx<'a> {
    file: &'a Arc<SourceFile>,
    hits: &'a mut Vec<Hit>,
    invalid: &'a mut Vec<Span>,
}

impl Ctx<'_> {
    fn hit(&mut self, variant: &'static str, span: Span, pointer: &str) -> &mut Hit {
        let place = Place::new(self.file.clone(), span, pointer.to_string());
        let field = pointer
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .replace("~1", "/")
            .replace("~0", "~");
        self.hits
            .push(Hit::new(ids::INVENTORY_SCHEMA, variant, place).arg("field", field));
        let last = self.hits.len() - 1;
        &mut self.hits[last]
    }

    fn check_map(&mut self, node: &Node, fields: &[Field], pointer: &str, closed: bool) {
        let Some(entries) = node.as_map() else {
            return;
        };
        for (i, e) in entries.iter().enumerate() {
            let at = At {
                parent: pointer,
                token: Token::Key(&e.key),
            };
            if entries[..i].iter().any(|x| x.key == e.key) {
                let h = self.hit("duplicate_key", e.key_span, &at.pointer());
                h.args.push(("value".into(), e.key.clone()));
                continue;
            }
            match fields.iter().find(|f| f.name == e.key) {
                Some(field) => self.check_value(&e.value, field.ty, at),
                None if closed => {
                    let suggestion = suggest(&e.key, fields.iter().map(|f| f.name))
                        .map(did_you_mean)
                        .unwrap_or_default();
                    let h = self.hit("unknown", e.key_span, &at.pointer());
                    h.args.push(("value".into(), e.key.clone()));
                    h.args.push(("suggestion".into(), suggestion.into()));
                    h.cap = Some(crate::finding::Severity::Warning);
                }
                None => {}
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if !entries.iter().any(|e| e.key == field.name) {
                let span = entries.first().map_or(node.span, |e| e.key_span);
                self.required(span, pointer, field.name);
            }
        }
    }

    fn check_value(&mut self, node: &Node, ty: Ty, at: At) {
        match (ty, &node.kind) {
            (Ty::Any, _) => {}
            (Ty::Strings, _) => self.check_strings(node, &at.pointer()),
            (Ty::Str | Ty::NullableStr | Ty::Enum(_) | Ty::Bool, Kind::Scalar(s))
                if s.yaml11_surprise().is_some() =>
            {
                self.yaml11(node, &at.pointer(), ty);
            }
            (Ty::Str | Ty::Enum(_), Kind::Scalar(_)) | (Ty::NullableStr, Kind::Scalar(_))
                if node.as_str().is_some() =>
            {
                if let (Ty::Enum(values), Some(v)) = (ty, node.as_str())
                    && !values.iter().any(|x| x.eq_ignore_ascii_case(v))
                {
                    let h = self.hit("invalid", node.span, &at.pointer());
                    h.args.push(("value".into(), v.to_string().into()));
                    h.args.push(("allowed".into(), values.join(", ").into()));
                    self.invalid.push(node.span);
                }
            }
            (Ty::NullableStr, Kind::Scalar(s)) if s.value() == crate::syntax::tree::Value::Null => {
            }
            (Ty::Bool, Kind::Scalar(s))
                if matches!(s.value(), crate::syntax::tree::Value::Bool(_)) => {}
            (Ty::StrList, Kind::Seq(items)) => {
                let here = at.pointer();
                for (i, item) in items.iter().enumerate() {
                    let item_at = At {
                        parent: &here,
                        token: Token::Index(i),
                    };
                    self.check_value(item, Ty::Str, item_at);
                }
            }
            (Ty::List(fields) | Ty::OpenList(fields), Kind::Seq(items)) => {
                let closed = matches!(ty, Ty::List(_));
                let here = at.pointer();
                for (i, item) in items.iter().enumerate() {
                    let item_pointer = pointer_push(&here, &i.to_string());
                    if item.as_map().is_some() {
                        self.check_map(item, fields, &item_pointer, closed);
                    } else {
                        self.type_error(item, "a mapping".into(), &item_pointer);
                    }
                }
            }
            (Ty::Obj(fields), Kind::Map(_)) => self.check_map(node, fields, &at.pointer(), true),
            _ => {
                self.type_error(node, schema::type_name(ty), &at.pointer());
            }
        }
    }

    /// The keys an operation needs for its action, at the operation's first key.
    /// A replication's `target_region` is image-replicate-cross-region's business.
    fn check_action_fields(&mut self, op: &Node, pointer: &str) {
        let (Some(entries), Some(action)) = (op.as_map(), op.get("action").and_then(Node::as_str))
        else {
            return;
        };
        let needed = schema::ACTION_KEYS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(action))
            .map_or(&[][..], |(_, keys)| keys);
        let span = entries.first().map_or(op.span, |e| e.key_span);
        for field in needed
            .iter()
            .filter(|f| !entries.iter().any(|e| e.key == **f))
        {
            self.required(span, pointer, field);
        }
    }

    /// A required key is missing (reported at `span`, the mapping's first key).
    fn required(&mut self, span: Span, pointer: &str, field: &str) {
        let h = self.hit("required", span, pointer);
        h.args.push(("field".into(), field.to_string().into()));
        h.args.push(("value".into(), field.to_string().into()));
    }

    /// A scalar that YAML 1.1 tools read differently, where a `ty` belongs: reported and left
    /// out of the rules' reach.
    fn yaml11(&mut self, node: &Node, pointer: &str, ty: Ty) {
        let Kind::Scalar(s) = &node.kind else { return };
        let Some(reading) = s.yaml11_surprise() else {
            return;
        };
        let h = self.hit("yaml11", node.span, pointer);
        h.args.push(("value".into(), s.text.to_string().into()));
        h.args
            .push(("reading".into(), crate::lang::type_words(reading).into()));
        h.args.push((
            "expected".into(),
            crate::lang::type_words(&schema::type_name(ty)).into(),
        ));
        self.invalid.push(node.span);
    }

    /// YAML 1.1 surprises anywhere in a value whose scalars are all strings.
    fn check_strings(&mut self, node: &Node, pointer: &str) {
        match &node.kind {
            Kind::Scalar(_) => self.yaml11(node, pointer, Ty::Str),
            Kind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_strings(item, &pointer_push(pointer, &i.to_string()));
                }
            }
            Kind::Map(entries) => {
                for e in entries {
                    self.check_strings(&e.value, &pointer_push(pointer, &e.key));
                }
            }
        }
    }

    fn type_error(&mut self, node: &Node, expected: String, pointer: &str) {
        let h = self.hit("type", node.span, pointer);
        h.args
            .push(("expected".into(), crate::lang::type_words(&expected).into()));
        h.args.push((
            "found".into(),
            crate::lang::type_words(node.type_name()).into(),
        ));
        h.args.push(("value".into(), node.display().into()));
        self.invalid.push(node.span);
    }
}

/// A value's JSON pointer, built only when a problem is reported or a collection is entered:
/// most values are fine, and the schema pass visits every one.
#[derive(Clone, Copy)]
struct At<'a> {
    parent: &'a str,
    token: Token<'a>,
}

#[derive(Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

impl At<'_> {
    fn pointer(&self) -> String {
        match self.token {
            Token::Key(key) => pointer_push(self.parent, key),
            Token::Index(i) => pointer_push(self.parent, &i.to_string()),
        }
    }
}

/// The closest known name to a misspelt one, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// What a message adds after a name it does not know: ", did you mean `x`?".
pub fn did_you_mean(meant: &str) -> String {
    crate::lang::did_you_mean([", ", "，"], meant)
}
