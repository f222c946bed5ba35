//! `when:` conditions of rule files, which the engine applies before a check judges an
//! entity: every listed field must equal the value (case-insensitively); a `source.` prefix
//! reads the field on the request's source server.

use std::collections::BTreeMap;

use crate::model::{Entity, Inventory};

/// `when:` conditions: field (or `source.` field) to value.
pub type When = BTreeMap<String, String>;

/// Some condition reads the request's source server (`source.` prefix): a lookup in the
/// whole inventory.
pub(crate) fn reads_source(when: &When) -> bool {
    when.keys().any(|k| k.starts_with("source."))
}

/// The conditions hold for an entity.
pub(crate) fn when_matches(when: &When, e: &Entity, inv: &Inventory) -> bool {
    when.iter()
        .all(|(field, value)| match field.strip_prefix("source.") {
            Some(rest) => source_server(e, inv).is_some_and(|s| s.is(rest, value)),
            None => e.is(field, value),
        })
}

/// The server a request's image is made from, when the inventory describes it: through
/// `instance_id`, or `backup_id` and the backup's `server_id`.
pub fn source_server<'a>(e: &Entity, inv: &'a Inventory) -> Option<&'a Entity> {
    if let Some(id) = e.str("instance_id") {
        return inv.server(&id);
    }
    let backup = inv.backup(&e.str("backup_id")?)?;
    inv.server(&backup.str("server_id")?)
}
