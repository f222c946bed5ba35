//! How a large run holds its entities and hits compactly: frozen trees in shared arenas
//! ([`frozen`]), packed hits with a run's symbol table ([`packed`]) and the byte codec both use
//! ([`bytes`]). Private to the crate: the model and the engine use it, checks never name it;
//! they see entities and report hits.

pub(crate) mod bytes;
pub(crate) mod declared;
pub(crate) mod frozen;
pub(crate) mod packed;
