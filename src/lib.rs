//! ims-preflight: a pre-flight checker for Huawei Cloud full-ECS ("whole") images.
//!
//! Data flows one way, stage by stage; no stage reaches back upstream:
//! [`input`] (which files, their bytes and text) -> [`syntax`] (YAML/JSON/HCL into a located
//! tree) -> [`model`] (entities from inventories, API dumps, host facts and Terraform, every
//! value with its span) -> [`checks`] (one file per check, driven by [`rules`]) -> [`engine`] (passes,
//! configuration, suppressions) -> [`report`]. How entities and hits are held compactly in a
//! large run is the private `store`, which checks cannot name; the run's language is [`lang`],
//! which every stage that words something reads.

pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod docs;
pub mod engine;
pub mod error;
pub mod finding;
pub mod input;
pub mod lang;
pub mod model;
pub mod report;
pub mod rules;
mod store;
pub mod suppress;
pub mod syntax;
pub mod values;

/// The project's home page (SARIF `informationUri`, rule documentation links).
pub const HOMEPAGE: &str = "https://github.com/ims-preflight/ims-preflight";
