//! Locals that read each other round to themselves: Terraform refuses such a module
//! ("Cycle: local.b, local.a"), so the module reader reports it rather than leaving the
//! values unknown.

use hcl::expr::TraversalOperator as Op;

use super::config::{Attr, Name};

/// The cycles among locals left unknown (positions in `pending`, each cycle in the order it
/// reads: `a` reads `b` reads `a`), each once.
pub fn of_locals(pending: &[(usize, &Name, &Attr)]) -> Vec<Vec<usize>> {
    let reads: Vec<Vec<usize>> = pending
        .iter()
        .map(|(_, _, attr)| {
            let mut names = Vec::new();
            locals_read(&attr.expr, &mut names);
            pending
                .iter()
                .enumerate()
                .filter(|(_, (_, name, _))| names.iter().any(|n| n == name.as_str()))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for start in 0..pending.len() {
        if out.iter().any(|c| c.contains(&start)) {
            continue;
        }
        // The shortest way back to `start`, breadth first.
        let mut from: Vec<Option<usize>> = vec![None; pending.len()];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut back = None;
        while let Some(at) = queue.pop_front() {
            for &next in &reads[at] {
                if next == start {
                    back = Some(at);
                    break;
                }
                if from[next].is_none() {
                    from[next] = Some(at);
                    queue.push_back(next);
                }
            }
            if back.is_some() {
                break;
            }
        }
        if let Some(mut at) = back {
            let mut cycle = vec![at];
            while at != start {
                match from[at] {
                    Some(prev) => at = prev,
                    None => break,
                }
                cycle.push(at);
            }
            cycle.reverse();
            out.push(cycle);
        }
    }
    out
}

/// The names of the locals an expression reads (`local.NAME`), templates included.
fn locals_read(expr: &hcl::Expression, out: &mut Vec<String>) {
    use hcl::Expression as E;
    match expr {
        E::Traversal(t) => {
            if let (E::Variable(root), Some(Op::GetAttr(name))) = (&t.expr, t.operators.first())
                && root.as_str() == "local"
            {
                out.push(name.to_string());
            }
            locals_read(&t.expr, out);
            for op in &t.operators {
                if let Op::Index(index) = op {
                    locals_read(index, out);
                }
            }
        }
        E::Array(items) => items.iter().for_each(|i| locals_read(i, out)),
        E::Object(entries) => entries.iter().for_each(|(k, v)| {
            if let hcl::ObjectKey::Expression(k) = k {
                locals_read(k, out);
            }
            locals_read(v, out);
        }),
        E::FuncCall(call) => call.args.iter().for_each(|a| locals_read(a, out)),
        E::Parenthesis(inner) => locals_read(inner, out),
        E::Conditional(c) => {
            for e in [&c.cond_expr, &c.true_expr, &c.false_expr] {
                locals_read(e, out);
            }
        }
        E::Operation(op) => match op.as_ref() {
            hcl::expr::Operation::Unary(u) => locals_read(&u.expr, out),
            hcl::expr::Operation::Binary(b) => {
                locals_read(&b.lhs_expr, out);
                locals_read(&b.rhs_expr, out);
            }
        },
        E::ForExpr(f) => {
            for e in [
                Some(&f.collection_expr),
                f.key_expr.as_ref(),
                Some(&f.value_expr),
                f.cond_expr.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                locals_read(e, out);
            }
        }
        E::TemplateExpr(t) => {
            if let Ok(template) = t.to_string().parse::<hcl::Template>() {
                template_locals(&template, out);
            }
        }
        _ => {}
    }
}

fn template_locals(template: &hcl::Template, out: &mut Vec<String>) {
    use hcl::template::{Directive, Element};
    for element in template.elements() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => locals_read(&i.expr, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    locals_read(&d.cond_expr, out);
                    template_locals(&d.true_template, out);
                    if let Some(t) = &d.false_template {
                        template_locals(t, out);
                    }
                }
                Directive::For(d) => {
                    locals_read(&d.collection_expr, out);
                    template_locals(&d.template, out);
                }
            },
        }
    }
}
