//! The second stage: YAML and JSON text parsed into one located tree ([`tree`]) by
//! [`parse`], with every problem reported at its place.

pub mod parse;
pub mod tree;
