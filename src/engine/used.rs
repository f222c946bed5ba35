//! What the requests and operations of a run use: the servers and backups judged when
//! something uses them (those of API dumps and Terraform) are judged only then.

use foldhash::HashSet;

use rayon::prelude::*;

use crate::model::{Entity, EntityKind, Inventory};
use crate::store::frozen::Str;

/// The sources of one request: its server, or its backup and the server the backup was made
/// from (each as the request or backup names it).
pub(crate) fn sources_of<'i>(
    inv: &'i Inventory,
    request: &'i Entity,
    mut add: impl FnMut(EntityKind, Str<'i>),
) {
    if let Some(id) = request.str("instance_id") {
        add(EntityKind::Server, id);
    }
    if let Some(backup) = request.str("backup_id").and_then(|id| inv.backup(&id)) {
        add(EntityKind::Backup, backup.label());
        if let Some(server) = backup.str("server_id") {
            add(EntityKind::Server, server);
        }
    } else if let Some(id) = request.str("backup_id") {
        add(EntityKind::Backup, id);
    }
}

/// The servers and backups that requests and operations use, by id in lowercase (see
/// [`sources_of`]; an operation's server too).
#[derive(Default)]
pub(crate) struct Used {
    servers: HashSet<String>,
    backups: HashSet<String>,
}

impl Used {
    /// Add an id, in lowercase.
    fn insert(&mut self, kind: EntityKind, id: String) {
        let ids = match kind {
            EntityKind::Server => &mut self.servers,
            EntityKind::Backup => &mut self.backups,
            _ => return,
        };
        ids.insert(id);
    }

    /// A server or backup of this id (in any case) is used.
    pub(crate) fn contains(&self, kind: EntityKind, id: &str) -> bool {
        let ids = match kind {
            EntityKind::Server => &self.servers,
            EntityKind::Backup => &self.backups,
            _ => return false,
        };
        // Ids are mostly written in lowercase: looked up as they are, without a copy.
        if id.bytes().any(|b| b.is_ascii_uppercase()) {
            ids.contains(&id.to_ascii_lowercase())
        } else {
            ids.contains(id)
        }
    }
}

/// What every request and operation of the inventory uses, found on the run's threads.
pub(crate) fn used_by_requests(inv: &Inventory) -> Used {
    used_by(inv, true)
}

/// What the inventory's requests use (what they make images from), operations aside.
pub(crate) fn sources_of_requests(inv: &Inventory) -> Used {
    used_by(inv, false)
}

fn used_by(inv: &Inventory, operations: bool) -> Used {
    // The ids are read on the run's threads (each a lookup in a frozen tree), as lists joined
    // end to end; the sets are filled once, on one thread (sets made per piece of work and
    // merged hashed each id again at each merge).
    let found: Vec<(EntityKind, String)> = inv
        .entities
        .par_iter()
        .fold(Vec::new, |mut found, e| {
            let mut add = |kind, id: &str| found.push((kind, id.to_ascii_lowercase()));
            match e.kind {
                EntityKind::Request if !e.exists_already() => {
                    sources_of(inv, e, |kind, id| add(kind, &id))
                }
                EntityKind::Operation if operations => {
                    if let Some(server) = e.str("server") {
                        add(EntityKind::Server, &server);
                    }
                }
                _ => {}
            }
            found
        })
        .reduce(Vec::new, |mut all, mut more| {
            all.append(&mut more);
            all
        });
    let mut used = Used::default();
    for (kind, id) in found {
        used.insert(kind, id);
    }
    used
}

/// The entities of API dumps are judged when something uses them (a list dump
/// holds unrelated servers and disk-level backups); every other entity always. `None`: the run
/// has no API entity, all are judged.
pub(crate) fn api_in_scope(inv: &Inventory) -> Option<Used> {
    let api = inv.entities.iter().any(when_used);
    api.then(|| used_by_requests(inv))
}

/// A server, backup or volume of an API dump or of Terraform: judged when used.
fn when_used(e: &Entity) -> bool {
    e.origin.judged_when_used()
        && matches!(
            e.kind,
            EntityKind::Server | EntityKind::Backup | EntityKind::Volume
        )
}

/// Rules judge this entity: an image that exists already is only looked up (see
/// [`Entity::mark_existing`]).
pub(crate) fn in_scope(e: &Entity, used: Option<&Used>) -> bool {
    !e.exists_already()
        && (!when_used(e) || used.is_none_or(|used| used.contains(e.kind, &e.label())))
}
