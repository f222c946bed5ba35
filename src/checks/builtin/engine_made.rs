//! `engine`: the rules whose findings the engine itself makes (unreadable files, schema
//! problems, conflicts, suppressions). Their rule files word the findings; the ids are
//! [`crate::finding::ids`].

use serde::Deserialize;

use crate::checks::{Check, Reads};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineMade {}

impl Check for EngineMade {
    fn variants(&self) -> Vec<&'static str> {
        Vec::new()
    }

    fn reads(&self) -> Reads {
        Reads::default()
    }
}
