//! Checks: the native code behind rule files. A rule file (`rules/<id>.yaml`) names a check
//! and its parameters; the check is one file here, with its message variants, what it reads
//! and its tests:
//!
//! - `templates/`: generic checks, parameterised entirely by the rule file (allowed values,
//!   required field, string format, reference lookup, ...);
//! - `builtin/`: checks whose logic is specific to one documented restriction (LVM spanning
//!   several PVs, the system disk, one image per backup, ...).
//!
//! A check implements [`Check`]: [`Check::check_entity`] judges one entity at a time on its
//! whole tree, [`Check::check_inventory`] looks across entities over the whole inventory and
//! reads only what [`Check::reads`] declares. The engine decides from those declarations when
//! each part runs and what a large run keeps of every entity; a check never sees how.
//! [`registry`] adds a check to the set with one line.

mod builtin;
pub mod registry;
mod templates;
#[cfg(test)]
pub(crate) mod testing;
mod when;

use crate::finding::{Hit, Place, Sink};
use crate::model::{Entity, EntityKind, Inventory, ItemsWhere};

pub use registry::{CheckError, parse_check};
pub use when::{When, source_server};
pub(crate) use when::{reads_source, when_matches};

/// One check: the logic behind a rule file's `check.template`, built from its `params`.
pub trait Check: std::fmt::Debug + Send + Sync {
    /// The message variants this check can emit with these parameters: the rule file must
    /// word each (checked when it loads), and reporting another one is a bug (asserted).
    fn variants(&self) -> Vec<&'static str>;

    /// The kinds of entity it judges whatever the rule's `applies_to` (`None`: the rule's).
    fn kinds(&self) -> Option<&'static [EntityKind]> {
        None
    }

    /// Its `when:` conditions: the engine judges only the entities they hold for. A
    /// `source.` condition reads the request's source server (see [`source_server`]).
    fn when(&self) -> Option<&When> {
        None
    }

    /// Whether it judges this entity at all, beyond kind and `when:` (what JUnit lists as a
    /// test case); reads only [`Check::applies_reads`].
    fn applies(&self, _e: &Entity) -> bool {
        true
    }

    /// The fields [`Check::applies`] reads.
    fn applies_reads(&self) -> &'static [&'static str] {
        &[]
    }

    /// What it reads, and so which of its parts run: see [`Reads`].
    fn reads(&self) -> Reads;

    /// Judge one entity on its own, on its whole tree (when [`Reads::each_entity`] says so).
    fn check_entity(&self, _e: &Entity, _cx: &mut Cx) {}

    /// Look across the whole inventory (when [`Reads::inventory`] says so). Entities hold
    /// what the declared reads name; in debug builds, reading anything else panics.
    fn check_inventory(&self, _inv: &Inventory, _cx: &mut Cx) {}
}

/// What a check reads. Per-entity judging needs no declaration (the entity is whole); the
/// inventory part names every field it reads of every kind, as tflint rules declare their
/// schema, so the engine keeps exactly that of each entity of a large run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    pub(crate) each_entity: bool,
    pub(crate) inventory: bool,
    /// Fields of each kind that [`Check::check_inventory`] reads: a top-level name, or a path
    /// (`a.b`, `a[].b`) whose top-level member it reads whole.
    pub(crate) fields: Vec<(EntityKind, String)>,
    /// Lists of which the inventory part reads only some items (see [`Reads::items_where`]).
    pub(crate) items: Vec<(EntityKind, ItemsWhere)>,
    /// Kinds read whole when the run has entities of another kind (see
    /// [`Reads::whole_when_present`]).
    pub(crate) whole_when: Vec<(EntityKind, EntityKind)>,
    /// Fields of which the inventory part only asks whether they are stated
    /// ([`Entity::knows`]): nothing of them is kept.
    pub(crate) stated: Vec<(EntityKind, String)>,
}

impl Reads {
    /// Judged one entity at a time ([`Check::check_entity`] only).
    pub fn each_entity() -> Reads {
        Reads {
            each_entity: true,
            ..Reads::default()
        }
    }

    /// Judged over the whole inventory ([`Check::check_inventory`] only).
    pub fn inventory() -> Reads {
        Reads {
            inventory: true,
            ..Reads::default()
        }
    }

    /// Both parts: each entity on its own, then the whole inventory.
    pub fn both() -> Reads {
        Reads {
            each_entity: true,
            inventory: true,
            ..Reads::default()
        }
    }

    /// The inventory part reads these fields of `kind` entities.
    pub fn fields(mut self, kind: EntityKind, fields: &[&str]) -> Reads {
        self.fields
            .extend(fields.iter().map(|f| (kind, (*f).to_string())));
        self
    }

    /// The inventory part reads, of each `kind` entity's `list`, only the items whose `key`
    /// is `true`, and of those only `fields` (and `key`). Other items read as empty
    /// mappings, so positions (and pointers) stay as written.
    pub fn items_where(
        mut self,
        kind: EntityKind,
        list: &'static str,
        key: &'static str,
        fields: &'static [&'static str],
    ) -> Reads {
        self.items.push((
            kind,
            ItemsWhere {
                list,
                keys: vec![key],
                fields: fields.to_vec(),
            },
        ));
        self
    }

    /// The inventory part only asks whether `kind` entities state these fields
    /// ([`Entity::knows`]), without reading them.
    pub fn stated(mut self, kind: EntityKind, fields: &[&str]) -> Reads {
        self.stated
            .extend(fields.iter().map(|f| (kind, (*f).to_string())));
        self
    }

    /// The inventory part reads `kinds` entities whole when the run has `present` entities
    /// (volumes of an API dump, joined to the disks that name them): rare, and then worth
    /// reading their files again rather than keeping every entity's lists in every run.
    pub fn whole_when_present(mut self, kinds: &[EntityKind], present: EntityKind) -> Reads {
        self.whole_when.extend(kinds.iter().map(|k| (*k, present)));
        self
    }
}

/// What a check reports to: its rule's id and kinds, and where hits go.
pub struct Cx<'a> {
    rule: &'a str,
    kinds: &'a [EntityKind],
    when: Option<&'a When>,
    variants: &'a [&'static str],
    out: &'a mut dyn Sink,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        rule: &'a str,
        kinds: &'a [EntityKind],
        when: Option<&'a When>,
        variants: &'a [&'static str],
        out: &'a mut dyn Sink,
    ) -> Cx<'a> {
        Cx {
            rule,
            kinds,
            when,
            variants,
            out,
        }
    }

    /// The rule's id.
    pub fn rule(&self) -> &'a str {
        self.rule
    }

    /// A hit about `e`, worded with the rule file's message `variant`.
    pub fn hit(&self, e: &Entity, variant: &'static str, place: Place) -> Hit {
        debug_assert!(
            self.variants.contains(&variant),
            "rule `{}` reported message variant `{variant}`, which its check does not declare ({:?})",
            self.rule,
            self.variants
        );
        e.hit(self.rule, variant, place)
    }

    /// Report a hit.
    pub fn report(&mut self, hit: Hit) {
        self.out.push(hit);
    }

    /// The entities the rule judges in the inventory: of its kinds, `when:` holding.
    pub fn judged<'i>(&self, inv: &'i Inventory) -> impl Iterator<Item = &'i Entity> + use<'i, 'a> {
        let (kinds, when) = (self.kinds, self.when);
        inv.subjects().filter(move |e| {
            kinds.contains(&e.kind) && when.is_none_or(|w| when_matches(w, e, inv))
        })
    }
}

/// Judge every entity the rule judges one at a time (see [`Check::check_entity`]). An
/// entity several sources describe is judged as each of them says it too (a
/// stale value in one never hides a violation another reports); the same finding reached
/// twice is shown once.
pub(crate) fn judge_each(check: &dyn Check, inv: &Inventory, cx: &mut Cx) {
    for e in cx.judged(inv) {
        let views = e.views();
        if views.is_empty() {
            if check.applies(e) {
                check.check_entity(e, cx);
            }
            continue;
        }
        // A view reports only what the entity as a whole does not (a missing value is missing
        // from every view alike, and said once).
        let mut seen: Vec<Hit> = Vec::new();
        for view in std::iter::once(e).chain(views.iter()) {
            let judged =
                std::ptr::eq(view, e) || cx.when.is_none_or(|w| when_matches(w, view, inv));
            if !judged || !check.applies(view) {
                continue;
            }
            let mut hits: Vec<Hit> = Vec::new();
            check.check_entity(
                view,
                &mut Cx {
                    out: &mut hits,
                    ..*cx
                },
            );
            for hit in hits {
                // The same finding, whatever region each description states (a dump has
                // none): the first one, the most authoritative, is reported.
                let same_args = |h: &Hit| unplaced(h).eq(unplaced(&hit));
                let said = seen
                    .iter()
                    .any(|h| h.variant == hit.variant && same_args(h));
                if !said {
                    seen.push(hit.clone());
                    cx.report(hit);
                }
            }
        }
    }
}

/// A hit's arguments but its entity's region (two descriptions of one entity may state
/// different ones, or none).
fn unplaced(
    hit: &Hit,
) -> impl Iterator<Item = &(crate::syntax::tree::Text, crate::syntax::tree::Text)> {
    hit.args.iter().filter(|(k, _)| k != "region")
}
