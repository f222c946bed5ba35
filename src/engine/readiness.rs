//! Readiness rows: per request, its source and what is unknown of it; per
//! server no request uses (with `--servers`), what is unknown of it. Which rules block a row
//! comes from the findings about the request, its server and its backup (see
//! [`RequestRow::keys`]).

use crate::model::unknowns::{request_unknowns, server_unknowns};
use crate::model::{Entity, EntityKind, Inventory};

/// The rows of a readiness report.
#[derive(Debug, Default)]
pub struct Rows {
    pub requests: Vec<RequestRow>,
    pub servers: Vec<ServerRow>,
}

#[derive(Debug)]
pub struct RequestRow {
    pub request: String,
    pub file: String,
    pub line: usize,
    pub source: Option<Source>,
    /// The entities whose findings concern this request (the request itself, its server,
    /// its backup), in lowercase.
    pub keys: Vec<String>,
    /// What is unknown of its source, and how to collect it.
    pub missing: Vec<String>,
}

/// What a request makes its image from.
#[derive(Debug)]
pub struct Source {
    /// `server` or `backup`.
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug)]
pub struct ServerRow {
    pub id: String,
    pub name: Option<String>,
    pub missing: Vec<String>,
}

fn name_of(e: &Entity) -> Option<String> {
    e.str("name").map(|n| n.to_string())
}

/// The rows of an inventory, requests in inventory order.
pub(super) fn rows(inv: &Inventory, servers: bool) -> Rows {
    let mut rows = Rows::default();
    for r in inv
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Request && !e.exists_already())
    {
        let place = r.key_place();
        let mut keys = vec![r.label().to_ascii_lowercase()];
        let source = if let Some(id) = r.str("instance_id") {
            let server = inv.server(&id);
            keys.push(id.to_ascii_lowercase());
            Some(Source {
                kind: "server",
                id: id.to_string(),
                name: server.and_then(name_of),
            })
        } else if let Some(id) = r.str("backup_id") {
            keys.push(id.to_ascii_lowercase());
            let backup = inv.backup(&id);
            if let Some(server) = backup.and_then(|b| b.str("server_id")) {
                keys.push(server.to_ascii_lowercase());
            }
            Some(Source {
                kind: "backup",
                id: id.to_string(),
                name: backup.and_then(name_of),
            })
        } else {
            // Stated but not known (a Terraform value known only after apply): the path is
            // known, its source is not.
            let stated = ["instance_id", "backup_id"]
                .into_iter()
                .zip(["server", "backup"])
                .find(|(field, _)| r.knows(field));
            stated.map(|(_, kind)| Source {
                kind,
                id: "(unknown)".to_string(),
                name: None,
            })
        };
        rows.requests.push(RequestRow {
            request: r.label().to_string(),
            file: place.file.name.clone(),
            line: place.position().line,
            source,
            keys,
            missing: request_unknowns(r, inv).unwrap_or_default(),
        });
    }
    if servers {
        let used = super::used::sources_of_requests(inv);
        for s in inv
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Server)
            .filter(|e| !used.contains(EntityKind::Server, &e.label()))
        {
            let mut missing = Vec::new();
            server_unknowns(s, &mut missing);
            rows.servers.push(ServerRow {
                id: s.label().to_string(),
                name: name_of(s),
                missing,
            });
        }
    }
    rows
}
