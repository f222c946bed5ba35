//! The second stage: YAML and JSON text parsed into one located tree ([`tree`]) by
//! [`parse`], and Terraform's HCL parsed with its spans ([`terraform`]), with every problem
//! reported at its place.

pub mod parse;
pub mod terraform;
pub mod tree;
