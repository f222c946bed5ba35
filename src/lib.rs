//! ims-preflight: a pre-flight checker for Huawei Cloud full-ECS ("whole") images.
//!
//! Data flows one way: [`discover`] -> [`load`]/[`parse`] -> [`model`] -> [`checks`] (driven
//! by [`rules`]) -> [`engine`] (configuration, suppressions) -> [`report`].

pub mod api;
pub mod baseline;
pub mod bytes;
pub mod checks;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod error;
pub mod facts;
pub mod finding;
pub mod frozen;
pub mod load;
pub mod model;
pub mod packed;
pub mod parse;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suppress;
pub mod synth;
pub mod tree;
