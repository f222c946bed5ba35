//! Which servers a CBR vault holds: each `resources` block's `server_id`, and a
//! `dynamic "resources"` block's, expanded over its `for_each` when that is known before
//! apply (a list of references or ids, a known collection, a splat over a resource's
//! instances). What cannot be told is said, never taken for "in no vault": a request naming
//! another vault would then fail with IMG.0183.

use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

use super::config::Attr;
use super::eval::Val;
use super::eval::traversal;
use super::module::{Instance, Value2};
use crate::lang::pick;

/// What a vault holds: the servers known before apply, and why others cannot be told.
#[derive(Default)]
pub struct Members<'a> {
    /// By address or literal id, with the attribute that puts each in the vault.
    pub servers: Vec<(String, Value2<'a>)>,
    /// Why (some of) the servers it holds are not known: the first reason found.
    pub unknown: Option<String>,
}

impl<'a> Members<'a> {
    /// What a `server_id` adds: a server, a reason it is not known, or nothing (`null`).
    fn add(&mut self, v: Value2<'a>) {
        let key = match &v.val {
            Val::Ref(address) => address.clone(),
            Val::Known(hcl::Value::String(id)) => id.clone(),
            Val::Known(hcl::Value::Null) => return,
            Val::Unknown(why) => {
                return self.unsure(pick(
                    || format!("a `server_id` is not known: {why}"),
                    || format!("某个`server_id`未知：{why}"),
                ));
            }
            Val::Known(_) => {
                return self.unsure(pick(
                    || "a `server_id` is not a server's id".into(),
                    || "某个`server_id`不是云服务器的ID".into(),
                ));
            }
        };
        self.servers.push((key, v));
    }

    fn unsure(&mut self, why: String) {
        self.unknown.get_or_insert(why);
    }
}

/// The servers a `huaweicloud_cbr_vault` instance holds. `instances`: every instance of the
/// root module (a splat names some of them).
pub fn members<'a>(vault: &'a Instance, instances: &'a [Instance]) -> Members<'a> {
    let mut out = Members::default();
    // A plan withholds its `resources` when a server in them is known only after apply.
    if let Some(attr) = vault.body.attr("resources")
        && let Val::Unknown(why) = vault.value_of(attr).val
    {
        out.unsure(pick(
            || format!("its `resources` are not known before apply ({why})"),
            || format!("其`resources`在apply之前未知（{why}）"),
        ));
    }
    for block in vault.body.blocks("resources") {
        if let Some(attr) = block.body.attr("server_id") {
            out.add(vault.value_of(attr));
        }
    }
    let dynamic = vault
        .body
        .blocks("dynamic")
        .filter(|b| b.labels.first().is_some_and(|l| l == "resources"));
    for block in dynamic {
        let content = block.body.blocks("content").next();
        let (Some(each), Some(server)) = (
            block.body.attr("for_each"),
            content.and_then(|c| c.body.attr("server_id")),
        ) else {
            continue; // no server in it
        };
        let iterator = super::dynamic::iterator(block);
        // Over another resource's instances (`for_each = huaweicloud_compute_instance.web`),
        // each element is an instance: its `.id` is the server's.
        let is_value = |ops: &[Op], id: bool| match ops {
            [Op::GetAttr(a)] => !id && a.as_str() == "value",
            [Op::GetAttr(a), Op::GetAttr(b)] => id && a.as_str() == "value" && b.as_str() == "id",
            _ => false,
        };
        if let Some(base) = instances_named(&each.expr)
            && matches!(traversal(&server.expr), Some((root, ops)) if root == iterator && is_value(ops, true))
        {
            for address in instances_of(vault, instances, &base) {
                out.add(Value2 {
                    val: Val::Ref(address),
                    attr: each,
                    written: None,
                });
            }
            continue;
        }
        if !matches!(traversal(&server.expr), Some((root, ops)) if root == iterator && is_value(ops, false))
        {
            out.unsure(pick(
                || format!("the `server_id` of its `dynamic \"resources\"` block is not `{iterator}.value`"),
                || format!("其`dynamic \"resources\"`块的`server_id`不是`{iterator}.value`"),
            ));
            continue;
        }
        match elements(vault, each, instances) {
            Ok(items) => {
                for val in items {
                    out.add(Value2 {
                        val,
                        attr: each,
                        written: None,
                    });
                }
            }
            Err(why) => out.unsure(pick(
                || format!("the `for_each` of its `dynamic \"resources\"` block is not known before apply ({why})"),
                || format!("其`dynamic \"resources\"`块的`for_each`在apply之前未知（{why}）"),
            )),
        }
    }
    out
}

/// What a `for_each` goes over, each element's value (a reference, an id, or unknown).
fn elements(vault: &Instance, each: &Attr, instances: &[Instance]) -> Result<Vec<Val>, String> {
    let expr = without_conversion(&each.expr);
    if let Expression::Array(items) = expr {
        return Ok(items
            .iter()
            .map(|item| {
                let item = Attr::new(item.clone(), each.span, each.key_span);
                vault.value_of(&item).val
            })
            .collect());
    }
    if let Some(base) = splat_of_ids(expr) {
        return Ok(instances_of(vault, instances, &base)
            .into_iter()
            .map(Val::Ref)
            .collect());
    }
    let elements = super::eval::for_each_elements(vault.value_of(each).val)?;
    Ok(elements.into_iter().map(|(_, v)| Val::Known(v)).collect())
}

/// The addresses of the instances of the resource `base` (`TYPE.NAME`) in the vault's module.
fn instances_of(vault: &Instance, instances: &[Instance], base: &str) -> Vec<String> {
    let base = format!("{}{base}", vault.module.prefix);
    let indexed = format!("{base}[");
    instances
        .iter()
        .filter(|i| i.address == base || i.address.starts_with(&indexed))
        .map(|i| i.address.clone())
        .collect()
}

/// `TYPE.NAME` or `values(TYPE.NAME)` alone: a resource's instances, by its address.
fn instances_named(expr: &Expression) -> Option<String> {
    let expr = match without_conversion(expr) {
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && call.name.name.as_str() == "values"
                && call.args.len() == 1 =>
        {
            &call.args[0]
        }
        other => other,
    };
    match traversal(expr)? {
        (ty, [Op::GetAttr(name)]) if ty.contains('_') => Some(format!("{ty}.{name}")),
        _ => None,
    }
}

/// `toset(X)` and `tolist(X)` go over what X goes over.
fn without_conversion(expr: &Expression) -> &Expression {
    match expr {
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && matches!(call.name.name.as_str(), "toset" | "tolist")
                && call.args.len() == 1 =>
        {
            without_conversion(&call.args[0])
        }
        _ => expr,
    }
}

/// `TYPE.NAME[*].id`, `TYPE.NAME.*.id` or `values(TYPE.NAME)[*].id`: the ids of every
/// instance of a resource, by its address (`TYPE.NAME`).
fn splat_of_ids(expr: &Expression) -> Option<String> {
    let splat_id = |ops: &[Op]| matches!(ops, [Op::FullSplat | Op::AttrSplat, Op::GetAttr(id)] if id.as_str() == "id");
    let resource = |expr: &Expression, splat: &[Op]| match traversal(expr)? {
        (ty, [Op::GetAttr(name), rest @ ..]) if splat_id([rest, splat].concat().as_slice()) => {
            Some(format!("{ty}.{name}"))
        }
        _ => None,
    };
    let Expression::Traversal(t) = expr else {
        return None;
    };
    match &t.expr {
        Expression::Variable(_) => resource(expr, &[]),
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && call.name.name.as_str() == "values"
                && call.args.len() == 1 =>
        {
            resource(&call.args[0], &t.operators)
        }
        _ => None,
    }
}
