//! Which servers a CBR vault holds: each `resources` block's `server_id`, and a
//! `dynamic "resources"` block's, expanded over its `for_each` when that is known before
//! apply (a list of references or ids, a known collection, a splat over a resource's
//! instances). What cannot be told is said, never taken for "in no vault": a request naming
//! another vault would then fail with IMG.0183.

use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

use super::config::Attr;
use super::eval::Val;
use super::module::{Instance, Value2};

/// A server a vault holds, or servers it may hold that cannot be told before apply.
pub enum Member<'a> {
    /// By address or literal id, with the attribute that puts it in the vault.
    Server(String, Value2<'a>),
    /// Why the servers (some of) its `resources` name are not known.
    Unknown(String),
}

/// The servers a `huaweicloud_cbr_vault` instance holds. `instances`: every instance of the
/// root module (a splat names some of them).
pub fn members<'a>(vault: &'a Instance, instances: &'a [Instance]) -> Vec<Member<'a>> {
    let mut out = Vec::new();
    // A plan withholds its `resources` when a server in them is known only after apply.
    if let Some(attr) = vault.body.attr("resources")
        && let Val::Unknown(why) = vault.value_of(attr).val
    {
        out.push(Member::Unknown(format!(
            "its `resources` are not known before apply ({why})"
        )));
    }
    for block in vault.body.blocks("resources") {
        if let Some(attr) = block.body.attr("server_id") {
            out.extend(member(vault.value_of(attr)));
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
        let iterator = block
            .body
            .attr("iterator")
            .and_then(|a| match &a.expr {
                Expression::Variable(name) => Some(name.as_str()),
                Expression::String(name) => Some(name.as_str()), // JSON
                _ => None,
            })
            .unwrap_or("resources");
        if !is_each_value(&server.expr, iterator) {
            out.push(Member::Unknown(format!(
                "the `server_id` of its `dynamic \"resources\"` block is not `{iterator}.value`"
            )));
            continue;
        }
        match elements(vault, each, instances) {
            Ok(items) => out.extend(items.into_iter().filter_map(|val| {
                member(Value2 {
                    val,
                    attr: each,
                    written: None,
                })
            })),
            Err(why) => out.push(Member::Unknown(format!(
                "the `for_each` of its `dynamic \"resources\"` block is not known before apply ({why})"
            ))),
        }
    }
    out
}

/// The server a `server_id` names; none for `null`.
fn member(v: Value2<'_>) -> Option<Member<'_>> {
    Some(match &v.val {
        Val::Ref(address) => Member::Server(address.clone(), v),
        Val::Known(hcl::Value::String(id)) => Member::Server(id.clone(), v),
        Val::Known(hcl::Value::Null) => return None,
        Val::Unknown(why) => Member::Unknown(format!("a `server_id` is not known: {why}")),
        Val::Known(_) => Member::Unknown("a `server_id` is not a server's id".to_string()),
    })
}

/// `ITERATOR.value`.
fn is_each_value(expr: &Expression, iterator: &str) -> bool {
    match expr {
        Expression::Traversal(t) => {
            matches!(&t.expr, Expression::Variable(v) if v.as_str() == iterator)
                && matches!(t.operators.as_slice(), [Op::GetAttr(a)] if a.as_str() == "value")
        }
        _ => false,
    }
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
        let base = format!("{}{base}", vault.module.prefix);
        let indexed = format!("{base}[");
        return Ok(instances
            .iter()
            .filter(|i| i.address == base || i.address.starts_with(&indexed))
            .map(|i| Val::Ref(i.address.clone()))
            .collect());
    }
    match vault.value_of(each).val {
        Val::Known(hcl::Value::Array(items)) => Ok(items.into_iter().map(Val::Known).collect()),
        Val::Known(hcl::Value::Object(items)) => Ok(items.into_values().map(Val::Known).collect()),
        Val::Known(_) => Err("it is not a collection".to_string()),
        Val::Unknown(why) => Err(why),
        Val::Ref(address) => Err(format!("it reads {address}")),
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
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let resource = |expr: &Expression, ops: &[Op]| match (expr, ops) {
        (Expression::Variable(ty), [Op::GetAttr(name)]) => Some(format!("{}.{name}", ty.as_str())),
        _ => None,
    };
    let splat_id = |ops: &[Op]| matches!(ops, [Op::FullSplat | Op::AttrSplat, Op::GetAttr(id)] if id.as_str() == "id");
    match (&t.expr, t.operators.as_slice()) {
        (Expression::Variable(_), [first, rest @ ..]) if splat_id(rest) => {
            resource(&t.expr, std::slice::from_ref(first))
        }
        (Expression::FuncCall(call), ops)
            if splat_id(ops)
                && call.name.namespace.is_empty()
                && call.name.name.as_str() == "values"
                && call.args.len() == 1 =>
        {
            match &call.args[0] {
                Expression::Traversal(inner) => resource(&inner.expr, &inner.operators),
                _ => None,
            }
        }
        _ => None,
    }
}
