//! Terraform values as `terraform plan` would know them: literals, variables, locals, string
//! templates, conditionals and the common functions are evaluated (by `hcl-rs`); a reference
//! to a resource's `id` links two entities; everything else that depends on a resource, a
//! data source, a module output or a variable without a value is *unknown*, never guessed.

use hcl::Value;
use hcl::eval::{Context, Evaluate};

use super::size;
use crate::lang::{pick, say};

/// What an attribute's value is before apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Known(Value),
    /// Known only after apply, or not given: why, in words.
    Unknown(String),
    /// The `id` of another resource or data source of the run, by address
    /// (`huaweicloud_compute_instance.web`, `data.huaweicloud_compute_instance.db`).
    Ref(String),
}

/// What an expression may read: the module's variables and locals, and per instance of a
/// resource `count.index` or `each.key`/`each.value`. The evaluation context is built once,
/// on first use, and dropped by any change.
#[derive(Default)]
pub struct Scope {
    vars: hcl::Map<String, Value>,
    /// Variables declared without a known value: reading one is unknown, for the reason
    /// given (none: no value was given at all).
    unset: Vec<(String, Option<String>)>,
    locals: hcl::Map<String, Value>,
    /// Locals whose value is not known before apply, and why.
    unknown_locals: Vec<(String, String)>,
    count_index: Option<i64>,
    each: Option<(Value, Value)>,
    /// The variable `for_each` is, when it is one alone (`for_each = var.images`): where
    /// `each.value` is written is found there.
    each_from: Option<String>,
    /// The resource instance `each.value` stands for, when `for_each` is another resource's
    /// instances (`for_each = huaweicloud_compute_instance.web`): its `id` is a reference to
    /// that instance; its other attributes are not read.
    each_instance: Option<String>,
    /// The iterators of the `dynamic` blocks it is inside (`data_disks.key`,
    /// `data_disks.value`), by name.
    iterators: Vec<(String, Value)>,
    /// The module's path (`path.module`), as Terraform gives it.
    path_module: String,
    /// Variables and locals whose value is exactly what Terraform reads: a variable of the
    /// root module with no `type` (read from its default, tfvars or `--var`), a variable whose
    /// value is converted to its `type` (see `module::convert_var`), a local written with
    /// literals alone. Only on these does a missing attribute fail in Terraform as it does
    /// here (see [`Scope::fails_on_known_data`]): a module's input with no type, or with one
    /// not understood, may hold attributes the value Terraform reads does not.
    plain_vars: Vec<String>,
    plain_locals: Vec<String>,
    context: std::sync::OnceLock<Context<'static>>,
    /// The size of the largest value a name may stand for (see [`Scope::too_large`]): worked
    /// out once per scope, not for every expression evaluated in it.
    largest: std::sync::OnceLock<size::Estimate>,
}

impl Clone for Scope {
    /// The values, not what is worked out of them (a clone is made to be changed).
    fn clone(&self) -> Scope {
        Scope {
            vars: self.vars.clone(),
            unset: self.unset.clone(),
            locals: self.locals.clone(),
            unknown_locals: self.unknown_locals.clone(),
            count_index: self.count_index,
            each: self.each.clone(),
            each_from: self.each_from.clone(),
            each_instance: self.each_instance.clone(),
            iterators: self.iterators.clone(),
            path_module: self.path_module.clone(),
            plain_vars: self.plain_vars.clone(),
            plain_locals: self.plain_locals.clone(),
            context: std::sync::OnceLock::new(),
            largest: std::sync::OnceLock::new(),
        }
    }
}

impl Scope {
    pub fn set_var(&mut self, name: &str, mut value: Value) {
        sort_maps(&mut value);
        self.unset.retain(|(u, _)| u != name);
        self.vars.insert(name.to_string(), value);
        self.changed();
    }

    /// A variable whose value is not known: not set (`why` is `None`), or for the reason
    /// given (a sensitive one, one its module's caller sets to something unknown).
    pub fn unset_var(&mut self, name: &str, why: Option<String>) {
        self.vars.shift_remove(name);
        self.unset.retain(|(u, _)| u != name);
        self.unset.push((name.to_string(), why));
        self.changed();
    }

    /// The variable's value is as written (see `plain_vars`).
    pub fn plain_var(&mut self, name: &str) {
        self.plain_vars.push(name.to_string());
    }

    /// The local's value is as written (see `plain_vars`).
    pub fn plain_local(&mut self, name: &str) {
        self.plain_locals.push(name.to_string());
    }

    /// The variable has a value or is known to have none.
    /// Its values changed: what was worked out of them is worked out again when asked for.
    fn changed(&mut self) {
        self.context = std::sync::OnceLock::new();
        self.largest = std::sync::OnceLock::new();
    }

    /// The variable's value, when it has one.
    pub fn var(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    pub fn knows_var(&self, name: &str) -> bool {
        self.vars.contains_key(name) || self.unset.iter().any(|(u, _)| u == name)
    }

    /// A local whose value is not known before apply, and why.
    pub fn unknown_local(&mut self, name: &str, why: String) {
        self.unknown_locals.retain(|(l, _)| l != name);
        self.unknown_locals.push((name.to_string(), why));
    }

    /// Why a local is not known before apply, when it is not.
    pub fn why_local(&self, name: &str) -> Option<&str> {
        self.unknown_locals
            .iter()
            .find(|(l, _)| l == name)
            .map(|(_, why)| why.as_str())
    }

    pub fn set_local(&mut self, name: &str, mut value: Value) {
        sort_maps(&mut value);
        self.locals.insert(name.to_string(), value);
        self.changed();
    }

    pub fn set_path_module(&mut self, path: String) {
        self.path_module = path;
        self.changed();
    }

    /// The scope of instance `index` of a resource with `count`.
    pub fn with_count(&self, index: i64) -> Scope {
        let mut s = self.clone();
        s.count_index = Some(index);
        s
    }

    /// The scope of the instance of a resource with `for_each` for one key.
    pub fn with_each(&self, key: Value, value: Value, from: Option<&str>) -> Scope {
        let mut s = self.clone();
        s.each = Some((key, value));
        s.each_from = from.map(str::to_string);
        s
    }

    /// The scope of one instance of a resource whose `for_each` is another resource's
    /// instances: `each.key` is `key`, `each.value` the instance at `address` (see
    /// `each_instance`).
    pub fn with_instance(&self, key: &str, address: String) -> Scope {
        let mut s = self.clone();
        s.each = Some((Value::from(key), Value::Null));
        s.each_from = None;
        s.each_instance = Some(address);
        s
    }

    /// This instance's `each.key`, when it is text.
    pub fn each_key(&self) -> Option<&str> {
        self.each.as_ref()?.0.as_str()
    }

    /// The variable `for_each` is, and this instance's key in it (see `each_from`).
    pub fn each_in(&self) -> Option<(&str, &str)> {
        let from = self.each_from.as_deref()?;
        let key = self.each.as_ref()?.0.as_str()?;
        Some((from, key))
    }

    /// `name`, the first name of a reference, is a resource type: it has an underscore (`var`,
    /// `local`, `each` do not), and is not the iterator of a `dynamic` block the scope is
    /// inside (`data_disks.value.pool` is the element's).
    pub fn names_resource_type(&self, name: &str) -> bool {
        name.contains('_') && !self.iterators.iter().any(|(n, _)| n == name)
    }

    /// The scope of one element of a `dynamic` block's `for_each`, read through its iterator
    /// (`name.key`, `name.value`).
    pub fn with_iterator(&self, name: &str, key: Value, value: Value) -> Scope {
        let mut s = self.clone();
        let object = hcl::Map::from_iter([("key".to_string(), key), ("value".to_string(), value)]);
        s.iterators.retain(|(n, _)| n != name);
        s.iterators.push((name.to_string(), Value::Object(object)));
        s
    }

    fn context(&self) -> &Context<'static> {
        self.context.get_or_init(|| self.build_context())
    }

    fn build_context(&self) -> Context<'static> {
        let mut ctx = FUNCTIONS.clone();
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        ctx.declare_var("local", Value::Object(self.locals.clone()));
        if let Some(i) = self.count_index {
            ctx.declare_var(
                "count",
                Value::Object(hcl::Map::from_iter([("index".to_string(), Value::from(i))])),
            );
        }
        if let Some((key, value)) = &self.each {
            let mut each = hcl::Map::from_iter([("key".to_string(), key.clone())]);
            // Another resource's instance is not a value here: reading it is not known.
            if self.each_instance.is_none() {
                each.insert("value".to_string(), value.clone());
            }
            ctx.declare_var("each", Value::Object(each));
        }
        for (name, value) in &self.iterators {
            ctx.declare_var(name.as_str(), value.clone());
        }
        ctx.declare_var(
            "path",
            Value::Object(hcl::Map::from_iter([
                ("module".to_string(), Value::from(self.path_module.clone())),
                ("root".to_string(), Value::from(".")),
                ("cwd".to_string(), Value::from(".")),
            ])),
        );
        ctx
    }

    /// The value of an expression, as a plan would know it.
    pub fn eval_expr(&self, expr: &hcl::Expression) -> Val {
        match self.attempt(expr) {
            Attempt::Val(val) => val,
            // `terraform plan` stops on it: nothing is known of the value.
            Attempt::Fails(why) => Val::Unknown(why),
        }
    }

    /// Evaluate an expression, telling a failure on known data (which `try` passes over)
    /// from a value not known before apply.
    fn attempt(&self, expr: &hcl::Expression) -> Attempt {
        // Most arguments are literals, variables or locals: their value without the
        // evaluator's context.
        if let Some(value) = self.without_context(expr) {
            return Attempt::Val(Val::Known(value));
        }
        if let Some(address) = reference(expr, self) {
            return Attempt::Val(Val::Ref(address));
        }
        // `hcl-rs` evaluates a function's arguments before calling it, and stops at the first
        // that fails: `try` and `can`, which exist to catch that, are evaluated here (as the
        // whole value; inside another expression, once the evaluator has stopped on them).
        if let Some(attempt) = self.try_or_can(expr) {
            return attempt;
        }
        // A condition known before apply chooses its branch, whatever that is (another
        // resource's id, which the evaluator cannot read: `var.encrypt ? k.id : null`).
        match expr {
            hcl::Expression::Parenthesis(inner) => return self.attempt(inner),
            hcl::Expression::Conditional(c) => {
                if let Attempt::Val(Val::Known(Value::Bool(yes))) = self.attempt(&c.cond_expr) {
                    return self.attempt(if yes { &c.true_expr } else { &c.false_expr });
                }
            }
            _ => {}
        }
        if let Some(why) = self.too_large(expr) {
            return Attempt::Val(Val::Unknown(why));
        }
        match expr.evaluate(self.context()) {
            Ok(value) if size::of(&value).bytes > size::MAX_BYTES => {
                Attempt::Val(Val::Unknown(too_large_said()))
            }
            Ok(value) => Attempt::Val(Val::Known(value)),
            // A `try` or `can` inside the expression: evaluated first, then the rest.
            Err(e)
                if matches!(e.kind(), hcl::eval::ErrorKind::UndefinedFunc(f)
                    if f.namespace.is_empty() && matches!(f.name.as_str(), "try" | "can")) =>
            {
                match self.resolve_tries(expr) {
                    Ok(Some(resolved)) => self.attempt(&resolved),
                    Ok(None) => Attempt::Val(Val::Unknown(self.why_unknown(e.kind(), e.expr()))),
                    Err(attempt) => attempt,
                }
            }
            Err(e) => {
                let why = self.why_unknown(e.kind(), e.expr());
                if self.fails_on_known_data(e.kind(), e.expr()) {
                    Attempt::Fails(why)
                } else {
                    Attempt::Val(Val::Unknown(why))
                }
            }
        }
    }

    /// `expr` with each `try(…)` and `can(…)` inside it (in a function's arguments, a
    /// conditional, an operation, a list, a map or a template) replaced by its value, for the evaluator,
    /// which cannot evaluate them: it evaluates a function's arguments before the call.
    /// `Ok(None)`: there are none there. `Err`: one is not known before apply, or fails, and
    /// so is the whole value (in a branch a conditional does not take too: not known, never
    /// a guess). One in a `for` expression or a template's directive is not resolved: the
    /// value is then not known.
    fn resolve_tries(&self, expr: &hcl::Expression) -> Result<Option<hcl::Expression>, Attempt> {
        use hcl::Expression as E;
        // Each part resolved, or kept as it is.
        let part = |e: &E| -> Result<(E, bool), Attempt> {
            Ok(match self.resolve_tries(e)? {
                Some(new) => (new, true),
                None => (e.clone(), false),
            })
        };
        let parts = |items: &mut dyn Iterator<Item = &E>| -> Result<Option<Vec<E>>, Attempt> {
            let mut changed = false;
            let mut out = Vec::new();
            for item in items {
                let (new, resolved) = part(item)?;
                changed |= resolved;
                out.push(new);
            }
            Ok(changed.then_some(out))
        };
        if let Some(attempt) = self.try_or_can(expr) {
            return match attempt {
                Attempt::Val(Val::Known(value)) => Ok(Some(E::from(value))),
                // Inside another expression, an id known only after apply.
                Attempt::Val(Val::Ref(address)) => Err(Attempt::Val(Val::Unknown(reads(&address)))),
                Attempt::Val(unknown) => Err(Attempt::Val(unknown)),
                // Maybe in a branch a conditional does not take: the whole is not known (not
                // a failure an enclosing `try` would pass over).
                Attempt::Fails(why) => Err(Attempt::Val(Val::Unknown(why))),
            };
        }
        Ok(match expr {
            E::FuncCall(call) => parts(&mut call.args.iter())?.map(|args| {
                let mut call = (**call).clone();
                call.args = args;
                E::FuncCall(Box::new(call))
            }),
            E::Array(items) => parts(&mut items.iter())?.map(E::Array),
            E::Object(object) => parts(&mut object.values())?
                .map(|values| E::Object(object.keys().cloned().zip(values).collect())),
            E::Parenthesis(inner) => self
                .resolve_tries(inner)?
                .map(|e| E::Parenthesis(Box::new(e))),
            E::TemplateExpr(template) => {
                use hcl::expr::TemplateExpr as T;
                let raw = match template.as_ref() {
                    T::QuotedString(raw) => raw,
                    T::Heredoc(heredoc) => &heredoc.template,
                };
                // Parsed as the evaluator parses it, and written back as it was, each
                // interpolation that is resolved replaced by its value (`${"web"}`).
                let Ok(parsed) = raw.parse::<hcl::Template>() else {
                    return Ok(None);
                };
                let mut changed = false;
                let mut elements = Vec::with_capacity(parsed.elements().len());
                for element in parsed.elements() {
                    let element = match element {
                        hcl::template::Element::Interpolation(i) => {
                            match self.resolve_tries(&i.expr)? {
                                Some(expr) => {
                                    changed = true;
                                    hcl::template::Element::Interpolation(
                                        hcl::template::Interpolation {
                                            expr,
                                            strip: i.strip,
                                        },
                                    )
                                }
                                None => element.clone(),
                            }
                        }
                        other => other.clone(),
                    };
                    elements.push(element);
                }
                changed.then(|| {
                    let text = hcl::Template::from_iter(elements).to_string();
                    let template = match template.as_ref() {
                        T::QuotedString(_) => T::QuotedString(text),
                        T::Heredoc(heredoc) => T::Heredoc(hcl::expr::Heredoc {
                            template: text,
                            ..heredoc.clone()
                        }),
                    };
                    E::TemplateExpr(Box::new(template))
                })
            }
            E::Conditional(c) => {
                let (cond_expr, in_cond) = part(&c.cond_expr)?;
                let (true_expr, in_true) = part(&c.true_expr)?;
                let (false_expr, in_false) = part(&c.false_expr)?;
                (in_cond || in_true || in_false).then(|| {
                    E::Conditional(Box::new(hcl::expr::Conditional {
                        cond_expr,
                        true_expr,
                        false_expr,
                    }))
                })
            }
            E::Operation(op) => match op.as_ref() {
                hcl::expr::Operation::Unary(u) => self.resolve_tries(&u.expr)?.map(|expr| {
                    E::Operation(Box::new(hcl::expr::Operation::Unary(hcl::expr::UnaryOp {
                        operator: u.operator,
                        expr,
                    })))
                }),
                hcl::expr::Operation::Binary(b) => {
                    let (lhs_expr, in_lhs) = part(&b.lhs_expr)?;
                    let (rhs_expr, in_rhs) = part(&b.rhs_expr)?;
                    (in_lhs || in_rhs).then(|| {
                        E::Operation(Box::new(hcl::expr::Operation::Binary(
                            hcl::expr::BinaryOp {
                                lhs_expr,
                                operator: b.operator,
                                rhs_expr,
                            },
                        )))
                    })
                }
            },
            _ => None,
        })
    }

    /// `try(…)` or `can(…)` evaluated, when `expr` is a call of one of them.
    fn try_or_can(&self, expr: &hcl::Expression) -> Option<Attempt> {
        let hcl::Expression::FuncCall(call) = expr else {
            return None;
        };
        if !call.name.namespace.is_empty() || call.expand_final {
            return None;
        }
        match call.name.name.as_str() {
            "try" => Some(self.first_that_succeeds(&call.args)),
            "can" => Some(self.succeeds(&call.args)),
            _ => None,
        }
    }

    /// `try(a, b, …)` as Terraform evaluates it: the first argument that does not fail. When
    /// that one is not known before apply, neither is the result (it might fail then).
    fn first_that_succeeds(&self, args: &[hcl::Expression]) -> Attempt {
        let mut last = None;
        for arg in args {
            match self.attempt(arg) {
                Attempt::Val(val) => return Attempt::Val(val),
                Attempt::Fails(why) => last = Some(why),
            }
        }
        let last = last.unwrap_or_default();
        Attempt::Fails(pick(
            || format!("no argument of `try` can be evaluated: the last one fails ({last})"),
            || format!("`try`的参数均无法求值：最后一个失败（{last}）"),
        ))
    }

    /// `can(a)` as Terraform evaluates it: whether `a` fails; not known when `a` is not.
    fn succeeds(&self, args: &[hcl::Expression]) -> Attempt {
        let [arg] = args else {
            return Attempt::Fails(say("`can` takes one argument", "`can`只接受一个参数").into());
        };
        match self.attempt(arg) {
            Attempt::Val(Val::Known(_)) => Attempt::Val(Val::Known(Value::Bool(true))),
            Attempt::Fails(_) => Attempt::Val(Val::Known(Value::Bool(false))),
            Attempt::Val(Val::Unknown(why)) => Attempt::Val(Val::Unknown(why)),
            // An id is known only after apply.
            Attempt::Val(Val::Ref(address)) => Attempt::Val(Val::Unknown(reads(&address))),
        }
    }

    /// The evaluator stopped on data that is known, where Terraform stops too: an attribute
    /// that a variable's or local's value as written (see `plain_vars`) does not have, read by
    /// name (`var.cfg.name`). Terraform then fails, and `try` goes on to its next argument.
    /// Anything else is not taken for a failure, and the value is then not known, never the
    /// next argument's: a value not converted to its type (attributes added or dropped), an
    /// index (Terraform converts `"0"` to `0`, this evaluator does not), a value of another
    /// type (`"true"` is a boolean to Terraform), a function's error (a function ims-preflight
    /// evaluates only in part says so the same way), `each` and `count`.
    fn fails_on_known_data(
        &self,
        kind: &hcl::eval::ErrorKind,
        expr: Option<&hcl::Expression>,
    ) -> bool {
        use hcl::expr::TraversalOperator as Op;
        if !matches!(kind, hcl::eval::ErrorKind::NoSuchKey(_)) {
            return false;
        }
        let by_name = |ops: &[Op]| ops.iter().all(|op| matches!(op, Op::GetAttr(_)));
        match expr.and_then(traversal) {
            Some(("var", [Op::GetAttr(name), rest @ ..])) => {
                self.vars.contains_key(name.as_str())
                    && self.plain_vars.iter().any(|v| v == name.as_str())
                    && by_name(rest)
            }
            Some(("local", [Op::GetAttr(name), rest @ ..])) => {
                self.locals.contains_key(name.as_str())
                    && self.plain_locals.iter().any(|l| l == name.as_str())
                    && by_name(rest)
            }
            // Inside a template the evaluator does not say where: not known.
            _ => false,
        }
    }

    /// The value of an expression made of literals, variables and locals (`var.x`,
    /// `local.y`, a map or list of them: most tags), as the evaluator would give it, without
    /// building its context (every function declared, every variable copied). `None` for
    /// anything else, or a name without a value: the evaluator then says what it is.
    fn without_context(&self, expr: &hcl::Expression) -> Option<Value> {
        use hcl::expr::TraversalOperator as Op;
        match expr {
            hcl::Expression::String(s) => Some(Value::String(s.clone())),
            hcl::Expression::Number(n) => Some(Value::Number(*n)),
            hcl::Expression::Bool(b) => Some(Value::Bool(*b)),
            hcl::Expression::Null => Some(Value::Null),
            hcl::Expression::Array(items) => items
                .iter()
                .map(|i| self.without_context(i))
                .collect::<Option<Vec<Value>>>()
                .map(Value::Array),
            hcl::Expression::Object(object) => object
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        hcl::ObjectKey::Identifier(name) => name.to_string(),
                        hcl::ObjectKey::Expression(hcl::Expression::String(name)) => name.clone(),
                        _ => return None,
                    };
                    Some((key, self.without_context(value)?))
                })
                .collect::<Option<hcl::Map<String, Value>>>()
                .map(Value::Object),
            _ => match traversal(expr)? {
                ("var", [Op::GetAttr(name)]) => self.vars.get(name.as_str()).cloned(),
                ("local", [Op::GetAttr(name)]) => self.locals.get(name.as_str()).cloned(),
                _ => None,
            },
        }
    }

    /// Why the expression is not evaluated, when what it may make is too large (see
    /// [`size`]): a variable's or local's value is as large as it is; an iterator, `each` or
    /// an interpolation may be as large as the largest of them.
    fn too_large(&self, expr: &hcl::Expression) -> Option<String> {
        let named = |e: &hcl::Expression| -> Option<size::Estimate> {
            use hcl::expr::TraversalOperator as Op;
            // What a traversal reads past the value's name (`var.servers[k].name`) is at most
            // as large as its largest element.
            let value = |v: &Value, deeper: bool| {
                if deeper {
                    size::largest_in(v)
                } else {
                    size::of(v)
                }
            };
            match traversal(e)? {
                ("var", [Op::GetAttr(name), rest @ ..]) => self
                    .vars
                    .get(name.as_str())
                    .map(|v| value(v, !rest.is_empty())),
                ("local", [Op::GetAttr(name), rest @ ..]) => self
                    .locals
                    .get(name.as_str())
                    .map(|v| value(v, !rest.is_empty())),
                ("count" | "path", _) => Some(size::Estimate {
                    bytes: 8 + self.path_module.len() as u64,
                    values: 1,
                    items: 1,
                }),
                _ => None,
            }
        };
        let largest = *self.largest.get_or_init(|| {
            self.vars
                .values()
                .chain(self.locals.values())
                .chain(self.each.iter().map(|(_, v)| v))
                .chain(self.iterators.iter().map(|(_, v)| v))
                .map(size::of)
                .fold(size::Estimate::default(), size::Estimate::max)
        });
        size::estimate(expr, &mut size::Names::new(&named, largest))
            .too_large()
            .then(too_large_said)
    }

    /// Why a value is not known, in the run's language (it is shown in findings as is).
    /// `expr`: the expression the evaluator stopped at (`var.x`, `local.y`), when it says.
    fn why_unknown(&self, kind: &hcl::eval::ErrorKind, expr: Option<&hcl::Expression>) -> String {
        use hcl::eval::ErrorKind;
        let said = |en: &'static str, zh: &'static str| say(en, zh).to_string();
        match kind {
            ErrorKind::NoSuchKey(key)
                if key == "value"
                    && let Some(address) = &self.each_instance =>
            {
                pick(
                    || {
                        format!(
                            "it reads `each.value`, the instance {address}, which is not read statically"
                        )
                    },
                    || format!("它读取`each.value`，即实例{address}，无法静态读取"),
                )
            }
            ErrorKind::UndefinedVar(root) => match root.as_str() {
                "data" => said("it is read from a data source", "它从数据源读取"),
                "module" => said("it is an output of a module", "它是模块的输出"),
                "count" | "each" => pick(
                    || format!("`{root}` is not known statically"),
                    || format!("`{root}`无法静态确定"),
                ),
                "terraform" => said(
                    "it depends on `terraform.workspace`",
                    "它取决于`terraform.workspace`",
                ),
                "known_after_apply" => said(
                    "the plan says it is known only after apply",
                    "计划表明它在apply之后才可知",
                ),
                "sensitive_value" => said("it is sensitive (not read)", "它是敏感值（未读取）"),
                other => pick(
                    || format!("it is known only after apply (it reads `{other}`)"),
                    || format!("它在apply之后才可知（它读取`{other}`）"),
                ),
            },
            // The evaluator names the traversal it stopped at, but not inside a template: then
            // a local that is not known is told by its name.
            ErrorKind::NoSuchKey(key)
                if match expr.and_then(traversal) {
                    Some((root, _)) => root == "local",
                    None => self.unknown_locals.iter().any(|(l, _)| l == key),
                } =>
            {
                match self.unknown_locals.iter().find(|(l, _)| l == key) {
                    // A local reading one that is not known says which, once: a chain of
                    // locals names the first of them, not each.
                    Some((_, why)) if why.starts_with("local `") || why.starts_with("局部值`") => {
                        why.clone()
                    }
                    Some((_, why)) => pick(
                        || format!("local `{key}` is not known: {why}"),
                        || format!("局部值`{key}`未知：{why}"),
                    ),
                    None => pick(
                        || format!("local `{key}` is not declared"),
                        || format!("局部值`{key}`未声明"),
                    ),
                }
            }
            ErrorKind::NoSuchKey(key)
                if let Some((_, Some(why))) = self.unset.iter().find(|(v, _)| v == key) =>
            {
                why.clone()
            }
            ErrorKind::NoSuchKey(key) if self.unset.iter().any(|(v, _)| v == key) => pick(
                || {
                    format!(
                        "variable `{key}` has no value: set it in terraform.tfvars, with --var-file or with --var {key}=..."
                    )
                },
                || {
                    format!(
                        "变量`{key}`没有值：请在terraform.tfvars中、用--var-file或用--var {key}=...设置"
                    )
                },
            ),
            ErrorKind::NoSuchKey(key) => pick(
                || format!("`{key}` is not declared"),
                || format!("`{key}`未声明"),
            ),
            ErrorKind::UndefinedFunc(name) => pick(
                || format!("the function `{name}` is not evaluated by ims-preflight"),
                || format!("ims-preflight不对函数`{name}`求值"),
            ),
            // The evaluator's own words, quoted as code in Chinese.
            other => pick(
                || format!("it cannot be evaluated statically ({other})"),
                || {
                    format!(
                        "它无法静态求值（`{}`）",
                        other.to_string().replace('`', "'")
                    )
                },
            ),
        }
    }
}

/// What evaluating an expression gives: a value (known, a reference, or not known before
/// apply), or a failure on known data, which `try` passes over (see
/// [`Scope::fails_on_known_data`]).
enum Attempt {
    Val(Val),
    Fails(String),
}

/// What a `for_each` goes over, when that is known before apply: each element, with its key
/// when the collection is a map; else why it is not known (a value that is not a collection is
/// not gone over either).
pub fn for_each_elements(val: Val) -> Result<Vec<(Option<String>, Value)>, String> {
    match val {
        Val::Known(Value::Array(items)) => Ok(items.into_iter().map(|v| (None, v)).collect()),
        Val::Known(Value::Object(map)) => {
            // Terraform goes through a map in its keys' order, not as written: the second
            // disk of `{ z = …, a = … }` is `z`'s.
            let mut entries: Vec<(Option<String>, Value)> =
                map.into_iter().map(|(k, v)| (Some(k), v)).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(entries)
        }
        Val::Known(_) => Err(say("it is not a collection", "它不是集合").to_string()),
        Val::Unknown(why) => Err(why),
        Val::Ref(address) => Err(reads(&address)),
    }
}

/// The value's maps in their keys' order, as Terraform holds them: a `for` over a variable or
/// a local then goes through them as Terraform's does (`[for k, v in { b = 1, a = 2 } : k]`
/// is `["a", "b"]`).
fn sort_maps(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_maps);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_maps),
        _ => {}
    }
}

/// Why a value that is another resource's id is not known before apply.
fn reads(address: &str) -> String {
    pick(
        || format!("it reads {address}"),
        || format!("它读取{address}"),
    )
}

/// Why a value too large to evaluate is unknown.
fn too_large_said() -> String {
    say(
        "it would be larger than ims-preflight evaluates (1 MiB): not evaluated",
        "它将大于ims-preflight所求值的上限（1 MiB）：未求值",
    )
    .into()
}

/// A traversal from a name (`var.x`, `module.a.b`): the name and what follows it.
pub(super) fn traversal(expr: &hcl::Expression) -> Option<(&str, &[hcl::expr::TraversalOperator])> {
    let hcl::Expression::Traversal(t) = expr else {
        return None;
    };
    let hcl::Expression::Variable(root) = &t.expr else {
        return None;
    };
    Some((root.as_str(), &t.operators))
}

/// `T.N.id`, `T.N[0].id`, `T.N["k"].id` or `data.T.N.id` of a resource type (`a_b`):
/// the address of what it names. An index that is an expression (`T.N[count.index]` in a
/// resource with `count`) is known when `scope` evaluates it.
fn reference(expr: &hcl::Expression, scope: &Scope) -> Option<String> {
    use hcl::expr::TraversalOperator as Op;
    let (root, ops) = traversal(expr)?;
    if root == "each" {
        // `each.value.id` of a `for_each` over another resource's instances.
        return match (ops, &scope.each_instance) {
            ([Op::GetAttr(value), Op::GetAttr(id)], Some(address))
                if value.as_str() == "value" && id.as_str() == "id" =>
            {
                Some(address.clone())
            }
            _ => None,
        };
    }
    let mut ops = ops.iter();
    let data = root == "data";
    let ty = if data {
        let Some(Op::GetAttr(ty)) = ops.next() else {
            return None;
        };
        ty.as_str()
    } else {
        root
    };
    if !scope.names_resource_type(ty) {
        return None;
    }
    let Some(Op::GetAttr(name)) = ops.next() else {
        return None;
    };
    // One string, grown in place: references are many (every `server_id`, `instance_id`...).
    let mut address = String::with_capacity(64);
    if data {
        address.push_str("data.");
    }
    address.push_str(ty);
    address.push('.');
    address.push_str(name.as_str());
    let mut next = ops.next()?;
    let index = match next {
        Op::Index(hcl::Expression::Number(n)) => Some(n.to_string()),
        Op::LegacyIndex(n) => Some(n.to_string()),
        Op::Index(hcl::Expression::String(s)) => Some(format!("\"{s}\"")),
        Op::Index(expr) => match scope.eval_expr(expr) {
            Val::Known(Value::Number(n)) => Some(n.to_string()),
            Val::Known(Value::String(s)) => Some(format!("\"{s}\"")),
            _ => return None,
        },
        _ => None,
    };
    if let Some(index) = index {
        address.push('[');
        address.push_str(&index);
        address.push(']');
        next = ops.next()?;
    }
    match (next, ops.next()) {
        (Op::GetAttr(id), None) if id.as_str() == "id" => Some(address),
        _ => None,
    }
}

/// A string as Terraform converts it to a number (`"1024"`, `"1.5"`), as `cty` does.
pub fn number_of(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    hcl::Number::from_f64(text.parse::<f64>().ok()?).map(Value::Number)
}

/// A string as Terraform converts it to a boolean: `true`/`1` and `false`/`0`, as `cty` does.
pub fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// The value as text (strings as they are, numbers and booleans as written).
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The common functions of Terraform's language that a whole-image configuration uses to
/// build names, descriptions and tags, declared once (a context declares a function by a
/// search of those it has) and cloned for each scope. A call to any other is unknown, not
/// guessed.
static FUNCTIONS: std::sync::LazyLock<Context<'static>> = std::sync::LazyLock::new(|| {
    let mut ctx = Context::new();
    for (name, func) in super::functions::all() {
        ctx.declare_func(name, func);
    }
    ctx
});

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(scope: &Scope, text: &str) -> Val {
        eval_parsed(scope, text, hcl::edit::parser::parse_body_spanned)
    }

    /// The value of `text` as `parse` parses it.
    fn eval_parsed(
        scope: &Scope,
        text: &str,
        parse: fn(&str) -> Result<hcl::edit::structure::Body, hcl::edit::parser::Error>,
    ) -> Val {
        let body = parse(&format!("x = {text}\n")).expect("parses");
        let attr = body.get_attribute("x").expect("attribute");
        scope.eval_expr(&hcl::Expression::from(attr.value.clone()))
    }

    /// Templates are read as the parser gives them (which copies the whitespace and comments
    /// of templates alone, see `syntax::terraform`): what they make is what they make when the
    /// parser copies all of it.
    #[test]
    fn templates_make_the_same_text_whatever_their_whitespace_and_comments() {
        let mut scope = Scope::default();
        scope.set_var("env", Value::from("prod"));
        scope.set_var("names", Value::from_iter(["a", "b"]));
        for text in [
            r#""${ var.env /* c */ }-x $${kept} %%{kept}""#,
            r#""%{ for n in var.names ~} ${ upper( n ) } %{~ endfor }""#,
            r#""%{ if var.env == "prod" }p%{ else }o%{ endif }""#,
            // Decor left as a span here would be encoded as its default: `for sin`.
            r#""${ join(",", [for s in var.names : "<${s}>"]) }""#,
            r#""${join(",", [for k, v in { a = "1" } : "${k}=${v}" if v != ""])}""#,
            // A key written as a template is read the same way.
            r#"{ "${ join("-", [for s in var.names : s]) }" = 1 }"#,
            "<<-EOT\n    ${ var.env }\n  %{ if true ~}\n    x\n  %{~ endif }\n    EOT\n",
        ] {
            let copied = eval_parsed(&scope, text, hcl::edit::parser::parse_body);
            assert!(matches!(copied, Val::Known(_)), "{text}: {copied:?}");
            assert_eq!(eval(&scope, text), copied, "{text}");
        }
    }

    #[test]
    fn literals_variables_templates_and_functions_are_evaluated() {
        let mut scope = Scope::default();
        scope.set_var("env", Value::from("prod"));
        scope.unset_var("later", None);
        scope.set_local("prefix", Value::from(" web"));
        assert_eq!(
            eval(&scope, "\"${local.prefix}-${var.env}\""),
            Val::Known(Value::from(" web-prod"))
        );
        assert_eq!(
            eval(&scope, "var.env == \"prod\" ? 4096 : 1024"),
            Val::Known(Value::from(4096))
        );
        assert_eq!(
            eval(&scope, "upper(format(\"%s-%d\", var.env, 2))"),
            Val::Known(Value::from("PROD-2"))
        );
        assert_eq!(
            eval(&scope, "join(\"-\", [\"a\", var.env])"),
            Val::Known(Value::from("a-prod"))
        );
    }

    #[test]
    fn format_pads_as_go_does_and_collection_functions_are_evaluated() {
        let scope = Scope::default();
        let known = |text: &str| match eval(&scope, text) {
            Val::Known(v) => v,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(
            known(r#"format("%s-%03d", "web", 7)"#),
            Value::from("web-007")
        );
        assert_eq!(
            known(r#"format("%-5s|%5s|", "ab", "cd")"#),
            Value::from("ab   |   cd|")
        );
        assert_eq!(
            known(r#"format("%04d %+d %%", -12, 3)"#),
            Value::from("-012 +3 %")
        );
        assert!(matches!(
            eval(&scope, r#"format("%.2f", 1.5)"#),
            Val::Unknown(_)
        ));
        // A space before a positive number, and a negative offset from the end, as Terraform
        // has them; a negative index Terraform refuses (found by a review probe).
        assert_eq!(known(r#"format("% d-app", 7)"#), Value::from(" 7-app"));
        assert_eq!(
            known(r#"substr("release-2024/06", -7, 7)"#),
            Value::from("2024/06")
        );
        assert_eq!(known(r#"substr("hello", -3, 2)"#), Value::from("ll"));
        assert_eq!(known(r#"substr("hello", -9, 2)"#), Value::from("he"));
        assert!(matches!(
            eval(&scope, r#"element(["a", "b"], -1)"#),
            Val::Unknown(_)
        ));
        assert_eq!(
            known(r#"join("", [for k, v in merge({z = "app"}, {a = "/"}) : v])"#),
            Value::from("/app")
        );
        assert_eq!(
            known(r#"keys({b = 1, a = 2})"#),
            Value::Array(vec![Value::from("a"), Value::from("b")])
        );
        assert_eq!(
            known(r#"values({b = 1, a = 2})"#),
            Value::Array(vec![Value::from(2), Value::from(1)])
        );
        assert_eq!(
            known(r#"flatten([["a"], [["b"]], "c"])"#),
            Value::Array(vec![Value::from("a"), Value::from("b"), Value::from("c")])
        );
        assert_eq!(
            known(r#"compact(distinct(["a", "", "a", null]))"#),
            Value::Array(vec![Value::from("a")])
        );
        assert_eq!(
            known(r#"split(",", "a,b")"#),
            Value::Array(vec![Value::from("a"), Value::from("b")])
        );
        assert_eq!(
            known(r#"trimsuffix(trimprefix("app-web-img", "app-"), "-img")"#),
            Value::from("web")
        );
        assert_eq!(known("max(1024, 4096, 2048)"), Value::from(4096));
        assert_eq!(known("min(1024, 4096)"), Value::from(1024));
        assert_eq!(known(r#"one(["x"])"#), Value::from("x"));
        assert_eq!(known("one([])"), Value::Null);
    }

    #[test]
    fn what_is_read_without_the_context_is_what_the_evaluator_gives() {
        let mut scope = Scope::default();
        scope.set_var("owner", Value::from("team-a"));
        scope.set_var(
            "sizes",
            Value::Array(vec![Value::from(40), Value::from(100)]),
        );
        scope.set_local("app", Value::from("web"));
        scope.unset_var("later", None);
        let parse = |text: &str| {
            let body = hcl::edit::parser::parse_body_spanned(&format!("x = {text}\n")).ok()?;
            let attr = body.get_attribute("x")?;
            Some(hcl::Expression::from(attr.value.clone()))
        };
        for text in [
            r#""plain""#,
            "1024",
            "true",
            "null",
            "var.owner",
            "var.sizes",
            "local.app",
            r#"{ env = "prod", app = local.app, "owner" = var.owner, n = 2 }"#,
            r#"[var.owner, local.app, ["x", 1], { k = var.sizes }]"#,
        ] {
            let expr = parse(text).expect(text);
            let direct = scope.without_context(&expr);
            let evaluated = expr.evaluate(scope.context()).ok();
            assert!(direct.is_some(), "{text}: read without the context");
            assert_eq!(direct, evaluated, "{text}");
        }
        // A name without a value, a reference, or anything computed: the evaluator says.
        for text in [
            "var.later",
            "var.missing",
            "local.missing",
            "var.sizes[0]",
            "{ a = var.later }",
            "[huaweicloud_compute_instance.web.id]",
            r#""${local.app}-img""#,
            "{ (local.app) = 1 }",
        ] {
            let expr = parse(text).expect(text);
            assert_eq!(scope.without_context(&expr), None, "{text}");
        }
    }

    #[test]
    fn try_passes_over_what_fails_on_known_data_and_never_over_what_is_not_known() {
        let mut scope = Scope::default();
        let cfg = hcl::Map::from_iter([("name".to_string(), Value::from("app"))]);
        scope.set_var("cfg", Value::Object(cfg.clone()));
        scope.set_var("list", Value::Array(vec![Value::from("a")]));
        // As a root module's variables with no `type` are: their values as written.
        scope.plain_var("cfg");
        scope.plain_var("list");
        // A value not converted to its type may lack attributes Terraform adds, or hold ones
        // it drops.
        scope.set_var("typed", Value::Object(cfg));
        scope.set_var(
            "flags",
            Value::Object(hcl::Map::from_iter([(
                "flag".to_string(),
                Value::from("true"),
            )])),
        );
        scope.plain_var("flags");
        scope.unset_var("later", None);
        scope.unknown_local("img", "it is read from a data source".into());
        let known = |text: &str| match eval(&scope, text) {
            Val::Known(v) => v,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(known(r#"try(var.cfg.name, "d")"#), Value::from("app"));
        assert_eq!(known(r#"try(var.cfg.missing, "d")"#), Value::from("d"));
        assert_eq!(
            known(r#"try(try(var.cfg.x, var.cfg.y), "z")"#),
            Value::from("z")
        );
        assert_eq!(known("can(var.cfg.name)"), Value::Bool(true));
        // A known condition takes its branch; the other's failure is not Terraform's error
        // (checked with `terraform plan`).
        assert_eq!(
            known(r#"try(can(var.cfg.name) ? "good" : try(var.cfg.a, var.cfg.b), "d")"#),
            Value::from("good")
        );
        assert_eq!(
            known(r#"can(var.cfg.name) ? "good" : var.cfg.missing"#),
            Value::from("good")
        );
        assert_eq!(known("can(var.cfg.missing)"), Value::Bool(false));

        assert_eq!(
            eval(&scope, r#"try(huaweicloud_compute_instance.web.id, "")"#),
            Val::Ref("huaweicloud_compute_instance.web".into())
        );
        // Not known before apply: it might fail then, or not; the next argument is no stand-in.
        for unknown in [
            r#"try(var.later, "d")"#,
            r#"try(var.later.name, "d")"#,
            r#"try(local.img, "d")"#,
            r#"try(data.huaweicloud_images_image.x.name, "d")"#,
            // An index not known: the lookup might succeed.
            r#"try(var.cfg[local.img], "d")"#,
            r#"try(var.list[var.later], "d")"#,
            // Terraform converts an index ("0" is 0) and a value's type ("true" is true), and a
            // value to its variable's type (with `optional(…)`, a missing attribute is null):
            // what fails here on a value not converted may not fail there.
            r#"try(var.list[5], "d")"#,
            r#"try(var.typed.missing, "d")"#,
            r#"try(var.flags.flag ? " bad " : "ok", "d")"#,
            r#"try("${var.cfg.name}-${var.later}", "d")"#,
            // A function ims-preflight does not evaluate in full is not a failure either.
            r#"try(format("%.2f", 1.5), "d")"#,
            "can(var.later)",
            "can(huaweicloud_compute_instance.web.id)",
        ] {
            assert!(
                matches!(eval(&scope, unknown), Val::Unknown(_)),
                "{unknown}: {:?}",
                eval(&scope, unknown)
            );
        }
        // Inside a function's arguments, a conditional, an operation, a list or a map.
        assert_eq!(
            known(r#"upper(try(var.cfg.missing, "web"))"#),
            Value::from("WEB")
        );
        assert_eq!(
            known(r#"can(var.cfg.name) ? var.cfg.name : "d""#),
            Value::from("app")
        );
        assert_eq!(
            known(r#"join("-", [try(var.cfg.name, "x"), try(var.cfg.tier, "gold")])"#),
            Value::from("app-gold")
        );
        assert_eq!(known(r#"!can(var.cfg.missing)"#), Value::Bool(true));
        assert_eq!(
            known(r#""${var.cfg.name}-${try(var.cfg.missing, "web")}-img""#),
            Value::from("app-web-img")
        );
        // Escapes survive the template being written back.
        assert_eq!(
            known(r#""say \"${try(var.cfg.missing, "hi")}\" $${keep}""#),
            Value::from("say \"hi\" ${keep}")
        );
        assert_eq!(
            known("<<EOT\n${try(var.cfg.missing, \"web\")}-img\nEOT"),
            Value::from("web-img\n")
        );
        assert_eq!(
            known(r#"merge(try(var.cfg.tags, {}), { env = "prod" })"#),
            Value::Object(hcl::Map::from_iter([(
                "env".to_string(),
                Value::from("prod")
            )]))
        );
        for unknown in [
            r#"upper(try(var.later, "web"))"#,
            r#"upper(try(huaweicloud_compute_instance.web.id, "x"))"#,
            r#""${try(var.later, "web")}-img""#,
        ] {
            assert!(
                matches!(eval(&scope, unknown), Val::Unknown(_)),
                "{unknown}: {:?}",
                eval(&scope, unknown)
            );
        }
        match eval(&scope, "try(var.cfg.x, var.cfg.y)") {
            Val::Unknown(why) => assert!(why.contains("no argument of `try`"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn functions_give_what_terraform_plan_gives() {
        // Each expected value is what `terraform plan` (1.11) shows for the expression.
        let scope = Scope::default();
        let cases = [
            (r#"trim("?!hello?!", "!?")"#, r#""hello""#),
            (r#"chomp("hello\n\r\n")"#, r#""hello""#),
            (
                r#"title("hello world-foo_bar 9x")"#,
                r#""Hello World-Foo_bar 9x""#,
            ),
            (r#"strrev("abc")"#, r#""cba""#),
            (r#"startswith("hello", "he")"#, "true"),
            (r#"endswith("hello", "lo")"#, "true"),
            (r#"sort(["b", "a", "c"])"#, r#"["a", "b", "c"]"#),
            ("reverse([1, 2, 3])", "[3, 2, 1]"),
            (r#"coalescelist([], ["a"], ["b"])"#, r#"["a"]"#),
            ("range(3)", "[0, 1, 2]"),
            ("range(1, 4)", "[1, 2, 3]"),
            ("range(5, 1, -2)", "[5, 3]"),
            ("range(0, 1, 0.5)", "[0, 0.5]"),
            ("range(3, 1)", "[3, 2]"),
            ("range(-3)", "[0, -1, -2]"),
            (r#"ceil("2.1")"#, "3"),
            (r#"abs("-3")"#, "3"),
            ("abs(-1.5)", "1.5"),
            ("ceil(1.2)", "2"),
            ("floor(-1.2)", "-2"),
            (r#"toset(["b", "a", "b"])"#, r#"["a", "b"]"#),
        ];
        for (text, expected) in cases {
            let Val::Known(expected) = eval(&scope, expected) else {
                panic!("{expected}");
            };
            assert_eq!(eval(&scope, text), Val::Known(expected), "{text}");
        }
        // Terraform refuses more than 1 024 values (checked): not known, never cut short.
        // Text beyond ASCII that `strrev` and `title` would treat by grapheme or title case:
        // not known either.
        for unknown in ["range(5000)", r#"strrev("a👍🏽b")"#, r#"title("ǆemal")"#] {
            assert!(
                matches!(eval(&scope, unknown), Val::Unknown(_)),
                "{unknown}"
            );
        }
    }

    #[test]
    fn references_link_and_the_rest_stays_unknown() {
        let mut scope = Scope::default();
        scope.unset_var("later", None);
        assert_eq!(
            eval(&scope, "huaweicloud_compute_instance.web.id"),
            Val::Ref("huaweicloud_compute_instance.web".into())
        );
        assert_eq!(
            eval(&scope, "huaweicloud_compute_instance.web[0].id"),
            Val::Ref("huaweicloud_compute_instance.web[0]".into())
        );
        assert_eq!(
            eval(&scope, "data.huaweicloud_compute_instance.db.id"),
            Val::Ref("data.huaweicloud_compute_instance.db".into())
        );
        // A condition known before apply chooses the branch, a reference included.
        scope.set_var("encrypt", Value::Bool(true));
        assert_eq!(
            eval(&scope, "var.encrypt ? (huaweicloud_kms_key.k.id) : null"),
            Val::Ref("huaweicloud_kms_key.k".into())
        );
        assert_eq!(
            eval(&scope, "!var.encrypt ? huaweicloud_kms_key.k.id : null"),
            Val::Known(Value::Null)
        );
        for unknown in [
            "var.later ? huaweicloud_kms_key.k.id : null",
            "huaweicloud_compute_instance.web.name",
            "\"${huaweicloud_compute_instance.web.name}-img\"",
            "var.later",
            "data.huaweicloud_images_image.x.min_ram",
            "module.app.id",
            "regex(\"a\", \"b\")",
        ] {
            assert!(
                matches!(eval(&scope, unknown), Val::Unknown(_)),
                "{unknown}"
            );
        }
    }
}
