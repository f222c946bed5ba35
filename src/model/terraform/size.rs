//! How large a value is, and how large an expression's value may be before it is evaluated:
//! a configuration can make a value that doubles with each local (`"${local.a}${local.a}"`)
//! or a `for` over a `for` over a large list, which would take the machine's memory. Such a
//! value is not evaluated; it is unknown, said why (see `Scope::attempt`).

use hcl::{Expression, Value};

/// The most bytes a value evaluated here may hold: far more than any name, description, tag
/// map or id list of a whole-image configuration.
pub const MAX_BYTES: u64 = 1 << 20;

/// The most an expression may be estimated to make, in bytes and in values, before it is
/// evaluated (an estimate is an upper bound, so a margin over [`MAX_BYTES`]).
const MAX_ESTIMATE: Estimate = Estimate {
    bytes: 16 << 20,
    values: 1 << 20,
    items: u64::MAX,
};

/// A size: bytes (strings and keys, and a few for every value), values (scalars) and items
/// (what a `for` over it goes through: a list's elements, a map's entries; 1 for a scalar).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimate {
    pub bytes: u64,
    pub values: u64,
    pub items: u64,
}

impl Estimate {
    fn add(self, other: Estimate) -> Estimate {
        Estimate {
            bytes: self.bytes.saturating_add(other.bytes),
            values: self.values.saturating_add(other.values),
            items: self.items.saturating_add(other.items),
        }
    }

    fn times(self, n: u64) -> Estimate {
        Estimate {
            bytes: self.bytes.saturating_mul(n),
            values: self.values.saturating_mul(n),
            items: self.items.saturating_mul(n),
        }
    }

    pub fn max(self, other: Estimate) -> Estimate {
        Estimate {
            bytes: self.bytes.max(other.bytes),
            values: self.values.max(other.values),
            items: self.items.max(other.items),
        }
    }

    /// The same size, as one item (a value that holds it: a list, a map, a string).
    fn one(self) -> Estimate {
        Estimate { items: 1, ..self }
    }

    /// Over what an expression may make.
    pub fn too_large(self) -> bool {
        self.bytes > MAX_ESTIMATE.bytes || self.values > MAX_ESTIMATE.values
    }
}

/// The size of a value.
pub fn of(value: &Value) -> Estimate {
    const ONE: Estimate = Estimate {
        bytes: 8,
        values: 1,
        items: 1,
    };
    match value {
        Value::String(s) => Estimate {
            bytes: 8 + s.len() as u64,
            ..ONE
        },
        Value::Array(items) => Estimate {
            items: items.len() as u64,
            ..items.iter().map(|i| of(i).one()).fold(ONE, Estimate::add)
        },
        Value::Object(entries) => Estimate {
            items: entries.len() as u64,
            ..entries.iter().fold(ONE, |sum, (k, v)| {
                sum.add(of(v).one()).add(Estimate {
                    bytes: k.len() as u64,
                    ..Estimate::default()
                })
            })
        },
        _ => ONE,
    }
}

/// The size of the largest element of a value: an upper bound of what an index or an
/// attribute of it reads (`var.servers[k].name`).
pub fn largest_in(value: &Value) -> Estimate {
    match value {
        Value::Array(items) => items
            .iter()
            .map(of)
            .fold(Estimate::default(), Estimate::max),
        Value::Object(entries) => entries
            .values()
            .map(of)
            .fold(Estimate::default(), Estimate::max),
        _ => of(value),
    }
}

/// What names stand for while an expression is estimated: a variable's or local's value
/// (`named`), an iterator of a `for` around it (each element, on average: over the whole loop,
/// the elements add up to the collection), or else as large as the largest value a name may
/// stand for (`largest`: an `each`, a `dynamic` block's iterator).
pub struct Names<'a> {
    named: &'a dyn Fn(&Expression) -> Option<Estimate>,
    largest: Estimate,
    iterators: Vec<(String, Estimate)>,
}

impl<'a> Names<'a> {
    pub fn new(named: &'a dyn Fn(&Expression) -> Option<Estimate>, largest: Estimate) -> Self {
        Names {
            named,
            largest,
            iterators: Vec::new(),
        }
    }

    fn of(&self, expr: &Expression) -> Estimate {
        let root = match expr {
            Expression::Variable(name) => Some(name.as_str()),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(name) => Some(name.as_str()),
                _ => None,
            },
            _ => None,
        };
        let iterator = root.and_then(|r| self.iterators.iter().rev().find(|(n, _)| n == r));
        match iterator {
            Some((_, each)) => *each,
            None => (self.named)(expr).unwrap_or(self.largest),
        }
    }

    /// The size of what `body` makes once for each element of `collection`, with the loop's
    /// iterators `vars` named.
    fn repeated(
        &mut self,
        collection: &Expression,
        vars: [Option<&str>; 2],
        body: &mut dyn FnMut(&mut Self) -> Estimate,
    ) -> Estimate {
        let whole = estimate(collection, self);
        let n = whole.items.max(1);
        let each = element(whole);
        let before = self.iterators.len();
        self.iterators
            .extend(vars.into_iter().flatten().map(|v| (v.to_string(), each)));
        let once = body(self);
        self.iterators.truncate(before);
        once.times(n)
    }
}

/// An upper bound of the size of `expr`'s value.
pub fn estimate(expr: &Expression, names: &mut Names<'_>) -> Estimate {
    let literal = |len: usize| Estimate {
        bytes: 8 + len as u64,
        values: 1,
        items: 1,
    };
    let all = |items: &mut dyn Iterator<Item = &Expression>, names: &mut Names<'_>| {
        items.fold(Estimate::default(), |sum, e| sum.add(estimate(e, names)))
    };
    // A list or map written out: one item for each of its elements.
    let each_one = |items: &mut dyn Iterator<Item = &Expression>, names: &mut Names<'_>| {
        items.fold(Estimate::default(), |sum, e| {
            sum.add(estimate(e, names).one())
        })
    };
    match expr {
        Expression::Null | Expression::Bool(_) | Expression::Number(_) => literal(0),
        Expression::String(s) => literal(s.len()),
        Expression::Array(items) => each_one(&mut items.iter(), names),
        Expression::Object(entries) => each_one(&mut entries.values(), names),
        Expression::TemplateExpr(template) => {
            let raw = template.to_string();
            match raw.parse::<hcl::Template>() {
                Ok(parsed) => of_template(&parsed, names),
                // Not parsed here: each interpolation as large as anything named, and each
                // directive repeating what it holds as often as the longest list.
                Err(_) => {
                    let interpolations = raw.matches("${").count() as u64;
                    let directives = raw.matches("%{").count() as u32;
                    let once = literal(raw.len()).add(names.largest.times(interpolations));
                    (0..directives).fold(once, |e, _| e.times(names.largest.values.max(1)))
                }
            }
            .one()
        }
        // An attribute or element of a value that is not a name (`lookup(m, k).name`): one
        // of its items, as large as they are on average (see `element`).
        Expression::Traversal(t) if !matches!(t.expr, Expression::Variable(_)) => {
            element(estimate(&t.expr, names))
        }
        Expression::Variable(_) | Expression::Traversal(_) => names.of(expr),
        Expression::FuncCall(call) => {
            let args = all(&mut call.args.iter(), names);
            match call.name.name.as_str() {
                // A number or a boolean, whatever the arguments.
                "length" | "contains" | "startswith" | "endswith" | "can" | "abs" | "ceil"
                | "floor" | "min" | "max" | "tonumber" | "index" => literal(8),
                // One element of the first argument (or the default given).
                "lookup" | "element" => {
                    let mut args = call.args.iter();
                    let first = args.next().map(|a| element(estimate(a, names)));
                    args.skip(1).fold(first.unwrap_or_default(), |most, a| {
                        most.max(estimate(a, names))
                    })
                }
                // One of the arguments.
                "coalesce" | "coalescelist" | "one" | "try" => call
                    .args
                    .iter()
                    .fold(Estimate::default(), |most, a| most.max(estimate(a, names))),
                // Built of the arguments: at most as large as they are together.
                _ => args,
            }
        }
        Expression::Parenthesis(inner) => estimate(inner, names),
        Expression::Conditional(c) => {
            let cond = estimate(&c.cond_expr, names);
            let yes = estimate(&c.true_expr, names);
            cond.add(yes.max(estimate(&c.false_expr, names)))
        }
        Expression::Operation(op) => match op.as_ref() {
            hcl::expr::Operation::Unary(u) => estimate(&u.expr, names),
            hcl::expr::Operation::Binary(b) => {
                estimate(&b.lhs_expr, names).add(estimate(&b.rhs_expr, names))
            }
        },
        Expression::ForExpr(f) => {
            let vars = [
                f.key_var.as_ref().map(|v| v.as_str()),
                Some(f.value_var.as_str()),
            ];
            names.repeated(&f.collection_expr, vars, &mut |names| {
                [
                    f.key_expr.as_ref(),
                    Some(&f.value_expr),
                    f.cond_expr.as_ref(),
                ]
                .into_iter()
                .flatten()
                .fold(Estimate::default(), |sum, e| sum.add(estimate(e, names)))
                .one()
            })
        }
        // A kind of expression added to the crate later: as large as anything named.
        _ => names.largest,
    }
}

/// One item of a collection of size `whole`, as large as its items are on average: in a loop
/// over the collection's keys, what such reads make adds up to the collection, as an
/// iterator's elements do.
fn element(whole: Estimate) -> Estimate {
    let n = whole.items.max(1);
    Estimate {
        bytes: whole.bytes / n + 8,
        values: whole.values / n + 1,
        items: (whole.values / n).max(1),
    }
}

/// A template's size: its text, what it interpolates, what its directives repeat.
fn of_template(template: &hcl::Template, names: &mut Names<'_>) -> Estimate {
    use hcl::template::{Directive, Element};
    let mut sum = Estimate::default();
    for element in template.elements() {
        let size = match element {
            Element::Literal(text) => Estimate {
                bytes: text.len() as u64,
                ..Estimate::default()
            },
            Element::Interpolation(i) => estimate(&i.expr, names),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    let cond = estimate(&d.cond_expr, names);
                    let yes = of_template(&d.true_template, names);
                    let no = d
                        .false_template
                        .as_ref()
                        .map(|t| of_template(t, names))
                        .unwrap_or_default();
                    cond.add(yes.max(no))
                }
                Directive::For(d) => {
                    let vars = [
                        d.key_var.as_ref().map(|v| v.as_str()),
                        Some(d.value_var.as_str()),
                    ];
                    names.repeated(&d.collection_expr, vars, &mut |names| {
                        of_template(&d.template, names)
                    })
                }
            },
        };
        sum = sum.add(size);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::{Estimate, Names, estimate, of};
    use hcl::{Expression, Value};

    fn expr(text: &str) -> Expression {
        let body: hcl::Body = hcl::from_str(&format!("x = {text}\n")).expect(text);
        body.attributes().next().expect(text).expr.clone()
    }

    /// The estimate of `text` where `local.list` holds `n` strings of 10 bytes.
    fn estimated(text: &str, n: usize) -> Estimate {
        let list = Value::Array(vec![Value::from("0123456789"); n]);
        let size = of(&list);
        let named = |e: &Expression| match e {
            Expression::Traversal(_) => Some(size),
            _ => None,
        };
        estimate(&expr(text), &mut Names::new(&named, size))
    }

    #[test]
    fn a_loop_adds_its_elements_up_and_a_loop_in_a_loop_multiplies() {
        let once = estimated(r#"[for s in local.list : "${s}-img"]"#, 1000);
        assert!(!once.too_large(), "{once:?}");
        assert!(once.bytes < 64 * 1000, "{once:?}");
        let square = estimated(
            r#"[for a in local.list : [for b in local.list : "${a}${b}"]]"#,
            2000,
        );
        assert!(square.too_large(), "{square:?}");
        let template = estimated(
            r#""%{for a in local.list}%{for b in local.list}${a}${b}%{endfor}%{endfor}""#,
            2000,
        );
        assert!(template.too_large(), "{template:?}");
        assert!(!estimated(r#"join(",", local.list)"#, 100_000).too_large());
    }
}
