//! What the engine derives from the active rules' checks (their `reads()`, `kinds()` and
//! `when:`), in one place: where each part of a check runs, what a pruned entity of each kind
//! keeps for the whole-inventory pass, and which kinds are read whole when.
//!
//! A check judged one entity at a time runs in each file's pass, on whole trees, unless its
//! `when:` reads the request's source server (a lookup): then it runs in the whole-inventory
//! pass, on entities of its kinds kept whole. A check's inventory part runs in the
//! whole-inventory pass, on entities that keep what it declared.

use crate::checks::{Cx, Reads, judge_each, reads_source};
use crate::finding::Sink;
use crate::model::{EntityKind, Inventory, Keep};
use crate::rules::Rule;
use crate::store::declared::{self, Declared};

/// The kinds pruned once their file's pass ran (volumes come from API dumps: never pruned).
const PRUNED: [EntityKind; 4] = [
    EntityKind::Server,
    EntityKind::Backup,
    EntityKind::Request,
    EntityKind::Operation,
];

/// The active rules, each with how its check runs.
pub(super) struct Plan<'r> {
    pub(super) rules: Vec<Planned<'r>>,
    /// What a pruned entity of each kind keeps; a kind left out is kept whole.
    pub(super) keep: Vec<(EntityKind, Keep)>,
    /// Kinds read whole when the run has entities of another kind.
    pub(super) whole_when: Vec<(EntityKind, EntityKind)>,
    /// What a Terraform request or operation judged with its module keeps of its tree (see
    /// `Entity::thin`): what a pruned one keeps, and the fields checks ask only whether they
    /// are stated (which a frozen tree remembers apart).
    pub(super) thin: Vec<(EntityKind, Keep)>,
}

/// One active rule and how its check runs.
pub(super) struct Planned<'r> {
    pub(super) rule: &'r Rule,
    kinds: Vec<EntityKind>,
    variants: Vec<&'static str>,
    reads: Reads,
    /// Its per-entity part runs in the whole-inventory pass (its `when:` reads the source
    /// server), not per file.
    each_entity_globally: bool,
    /// What its whole-inventory part may read of pruned entities (checked in debug builds).
    declared: Declared,
}

impl<'r> Plan<'r> {
    /// The plan for these rules; `listed`: entities also keep what tells whether a rule
    /// judges them at all (for a JUnit report, see `Engine::listed`).
    /// `server_fields`: what the engine itself reads of servers in this run (see
    /// `Engine::run`).
    pub(super) fn new(active: &[&'r Rule], listed: bool, server_fields: &[&str]) -> Plan<'r> {
        let rules: Vec<Planned> = active.iter().map(|r| Planned::new(r)).collect();
        let mut keep = Vec::new();
        'kinds: for kind in PRUNED {
            let mut kept = Keep::default();
            // What the engine itself reads: a backup's server, to relate findings about a
            // server to the backups made from it; what requests and operations use, to judge
            // the entities of API dumps that something uses.
            if kind == EntityKind::Server {
                kept.fields
                    .extend(server_fields.iter().map(|f| f.to_string()));
                kept.fields.push("name".to_string());
            }
            kept.fields.extend(
                match kind {
                    EntityKind::Backup => &["server_id"][..],
                    EntityKind::Request => &["instance_id", "backup_id"],
                    EntityKind::Operation => &["server"],
                    _ => &[],
                }
                .iter()
                .map(|f| f.to_string()),
            );
            for p in &rules {
                match p.needs(kind) {
                    None => continue 'kinds,
                    Some(needs) => {
                        kept.fields.extend(needs.fields);
                        for items in needs.items {
                            kept.add_items(items);
                        }
                    }
                }
                if listed && p.kinds.contains(&kind) {
                    let when = p.rule.check.when().into_iter().flat_map(|w| w.keys());
                    kept.fields.extend(
                        when.filter(|f| !f.starts_with("source."))
                            .cloned()
                            .chain(p.rule.check.applies_reads().iter().map(|f| f.to_string())),
                    );
                }
            }
            kept.fields.sort_unstable();
            kept.fields.dedup();
            keep.push((kind, kept));
        }
        let mut whole_when: Vec<(EntityKind, EntityKind)> = rules
            .iter()
            .flat_map(|p| p.reads.whole_when.iter().copied())
            .collect();
        whole_when.sort_unstable();
        whole_when.dedup();
        let thin = keep
            .iter()
            .filter(|(kind, _)| matches!(kind, EntityKind::Request | EntityKind::Operation))
            .map(|(kind, kept)| {
                let mut kept = kept.clone();
                kept.fields.extend(
                    rules
                        .iter()
                        .flat_map(|p| &p.reads.stated)
                        .filter(|(k, _)| k == kind)
                        .map(|(_, f)| f.clone()),
                );
                (*kind, kept)
            })
            .collect();
        Plan {
            rules,
            keep,
            whole_when,
            thin,
        }
    }
}

impl<'r> Planned<'r> {
    fn new(rule: &'r Rule) -> Planned<'r> {
        let check = rule.check.as_ref();
        let reads = check.reads();
        let each_entity_globally = reads.each_entity && check.when().is_some_and(reads_source);
        let mut planned = Planned {
            rule,
            kinds: rule.judged_kinds(),
            variants: check.variants(),
            reads,
            each_entity_globally,
            declared: Vec::new(),
        };
        planned.declared = EntityKind::ALL
            .into_iter()
            .map(|kind| {
                let fields = planned.needs(kind).map(|needs| {
                    let mut fields = needs.fields;
                    fields.extend(needs.items.iter().map(|i| i.list.to_string()));
                    fields.extend(
                        planned
                            .reads
                            .stated
                            .iter()
                            .filter(|(k, _)| *k == kind)
                            .map(|(_, f)| format!("?{f}")),
                    );
                    fields.push("id".into());
                    fields.push(kind.label_key().into());
                    // Findings name servers by their name too (see `Entity::hit`).
                    if kind == EntityKind::Server {
                        fields.push("name".into());
                    }
                    fields
                });
                (kind.name(), fields)
            })
            .collect();
        planned
    }

    /// What its whole-inventory pass reads of `kind` entities: `None`, the whole tree.
    fn needs(&self, kind: EntityKind) -> Option<Keep> {
        let mut needs = Keep::default();
        let when = self.rule.check.when().filter(|w| reads_source(w));
        if let Some(when) = when {
            if self.kinds.contains(&kind) {
                return None;
            }
            // What `source_server` follows, and the server fields the conditions name.
            needs.fields.extend(match kind {
                EntityKind::Server => when
                    .keys()
                    .filter_map(|f| f.strip_prefix("source."))
                    .map(String::from)
                    .collect(),
                EntityKind::Backup => vec!["server_id".to_string()],
                EntityKind::Request => vec!["instance_id".into(), "backup_id".into()],
                _ => Vec::new(),
            });
        }
        if self.reads.inventory {
            // `Cx::judged` applies the rule's other conditions to the entities it judges.
            if self.kinds.contains(&kind) {
                let when = self.rule.check.when().into_iter().flat_map(|w| w.keys());
                needs
                    .fields
                    .extend(when.filter(|f| !f.starts_with("source.")).cloned());
            }
            // A path (`a.b`, `a[].b`) is read through its top-level member.
            needs.fields.extend(
                self.reads
                    .fields
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .filter_map(|(_, path)| path.split(['.', '[']).next())
                    .map(String::from),
            );
            needs.items.extend(
                self.reads
                    .items
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, items)| items.clone()),
            );
        }
        Some(needs)
    }

    fn cx<'a>(&'a self, out: &'a mut dyn Sink) -> Cx<'a> {
        Cx::new(
            &self.rule.id,
            &self.kinds,
            self.rule.check.when(),
            &self.variants,
            out,
        )
    }

    /// Its part of a file's pass (or of judging again, over the whole inventory, the
    /// entities described in several places): each entity on its own, on whole trees.
    pub(super) fn run_each(&self, inv: &Inventory, out: &mut dyn Sink) {
        if self.reads.each_entity && !self.each_entity_globally {
            judge_each(self.rule.check.as_ref(), inv, &mut self.cx(out));
        }
    }

    /// Its part of the whole-inventory pass.
    pub(super) fn run_inventory(&self, inv: &Inventory, out: &mut dyn Sink) {
        if !self.each_entity_globally && !self.reads.inventory {
            return;
        }
        let check = self.rule.check.as_ref();
        let mut cx = self.cx(out);
        declared::while_declared(&self.rule.id, &self.declared, || {
            if self.each_entity_globally {
                judge_each(check, inv, &mut cx);
            }
            if self.reads.inventory {
                check.check_inventory(inv, &mut cx);
            }
        });
    }
}
