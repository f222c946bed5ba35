//! A resource's nested blocks as Terraform makes them: each block written as such, and one
//! per element of a `dynamic` block's `for_each` when that is known before apply (its
//! `content`, read with the iterator bound). When the `for_each` is not known, neither is how
//! many blocks there are: that is said, never taken for none (a data disk on DSS written in a
//! `dynamic "data_disks"` block would otherwise pass unseen).

use std::sync::Arc;

use hcl::{Expression, Value};

use super::config::{Block, Body};
use super::eval::{Scope, Val, for_each_elements};
use super::module::Instance;
use crate::lang::pick;
use crate::syntax::tree::Span;

/// One nested block: its body, where it is written, and the scope its values are read in.
pub struct Nested {
    pub body: Arc<Body>,
    pub span: Span,
    pub scope: Arc<Scope>,
    /// Made by a `dynamic` block: its values share their spans (the `content`'s attributes)
    /// with the other blocks it makes.
    pub dynamic: bool,
}

/// The nested blocks of one type, and why (some of) them are not known before apply.
pub struct Expanded {
    pub blocks: Vec<Nested>,
    pub unknown: Option<String>,
}

/// The name a `dynamic` block's `content` reads each element through: its `iterator`, else
/// its label (the type of the blocks it makes).
pub fn iterator(block: &Block) -> &str {
    let label = block.labels.first().map_or("", |l| l.as_str());
    block
        .body
        .attr("iterator")
        .and_then(|a| match &a.expr {
            Expression::Variable(name) => Some(name.as_str()),
            Expression::String(name) => Some(name.as_str()), // JSON
            _ => None,
        })
        .unwrap_or(label)
}

/// The blocks of type `ty` nested in an instance's body, written ones and dynamic ones, in
/// the order they are written.
pub fn nested(inst: &Instance, ty: &str) -> Expanded {
    let mut out = Expanded {
        blocks: Vec::new(),
        unknown: None,
    };
    for block in &inst.body.blocks {
        if block.ty == ty {
            out.blocks.push(Nested {
                body: block.body.clone(),
                span: block.span,
                scope: inst.scope.clone(),
                dynamic: false,
            });
            continue;
        }
        if block.ty != "dynamic" || block.labels.first().is_none_or(|l| l != ty) {
            continue;
        }
        let Some(content) = block.body.blocks("content").next() else {
            continue; // nothing to make
        };
        let iterator = iterator(block);
        // A list's elements are keyed by their index, a map's by their key.
        let elements = match block.body.attr("for_each").map(|a| inst.value_of(a).val) {
            Some(Val::Known(Value::Null)) | None => Ok(Vec::new()),
            Some(val) => for_each_elements(val).map(|elements| {
                elements
                    .into_iter()
                    .enumerate()
                    .map(|(i, (k, v))| (k.map_or_else(|| Value::from(i as u64), Value::String), v))
                    .collect()
            }),
        };
        match elements {
            Ok(elements) => out
                .blocks
                .extend(elements.into_iter().map(|(key, value)| Nested {
                    body: content.body.clone(),
                    span: content.span,
                    scope: Arc::new(inst.scope.with_iterator(iterator, key, value)),
                    dynamic: true,
                })),
            Err(why) => {
                out.unknown.get_or_insert_with(|| {
                    pick(
                        || format!("the `for_each` of its `dynamic \"{ty}\"` block is not known before apply ({why})"),
                        || format!("其`dynamic \"{ty}\"`块的`for_each`在apply之前未知（{why}）"),
                    )
                });
            }
        }
    }
    out
}
