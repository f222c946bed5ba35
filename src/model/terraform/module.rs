//! A Terraform module read as `terraform plan` reads it: every configuration file of its
//! directory, its variables (defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file`,
//! `--var`, `TF_VAR_*`), locals, providers' regions, local modules with their inputs bound,
//! and `count`/`for_each` expanded when their values are known.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl::Value;
use hcl::expr::TraversalOperator as Op;

use super::config::{Attr, Body};
use super::eval::{Scope, Val, traversal};
use super::{Options, Source};
use crate::lang::{pick, say};
use crate::syntax::parse::{Problem, ProblemKind};
use crate::syntax::tree::Span;

/// Where a variable's value is written: findings on the value point there.
#[derive(Debug, Clone)]
pub struct Written {
    pub source: usize,
    pub span: Span,
    pub pointer: String,
    /// What the place is, for the attribute shown beside it ("value of variable `x`").
    pub what: String,
    /// Each entry's key and value, when the value is written as a map (`tags = { … }`).
    pub entries: Vec<super::config::Entry>,
}

impl Written {
    /// The value of `attr` (in the file `source`), found at `pointer`, which is `what`.
    fn at(source: usize, attr: &Attr, pointer: String, what: String) -> Written {
        Written {
            source,
            span: attr.span,
            pointer,
            what,
            entries: attr.entries.clone(),
        }
    }
}

/// A provider configuration's `default_tags`: their value, and where the map (and each entry
/// when it is written as a map) is written.
#[derive(Clone)]
pub struct DefaultTags {
    pub val: Val,
    pub at: Written,
}

/// What a module's expressions read, shared by its resources' instances.
#[derive(Default)]
pub struct ModuleScope {
    pub scope: Scope,
    /// Variables bound to another resource's id by the module's caller.
    pub refs: HashMap<String, String>,
    /// Locals that are another resource's id (`app_id = huaweicloud_compute_instance.app.id`):
    /// a use of one links as the reference itself does.
    pub local_refs: HashMap<String, String>,
    pub written: HashMap<String, Written>,
    /// Where each attribute of a variable's value written as an object is written, by the
    /// variable's name and the attribute's (`image = { name = " web" }`): a finding on
    /// `var.image.name` points at `" web"`.
    pub attrs_written: HashMap<String, HashMap<String, Written>>,
    /// Where each local's value is written: its attribute in `locals`, or where the variable
    /// it is (`x = var.y`) is written.
    pub locals_written: HashMap<String, Written>,
    /// Region of the default provider configuration and of each alias.
    pub regions: HashMap<String, Val>,
    /// Whether the module is created at all is not known before apply (a call of it, or of a
    /// module calling it, has a `count` or `for_each` not known): why.
    pub creation_unknown: Option<String>,
    /// The known ones of `regions` as entities hold them: one allocation per provider
    /// configuration, shared by every entity of its resources (made on first use).
    pub shared_regions: std::sync::OnceLock<HashMap<String, Arc<str>>>,
    /// `default_tags` of the default provider configuration and of each alias, and where
    /// they are written (the provider merges them into every image's tags).
    pub default_tags: HashMap<String, DefaultTags>,
    /// The module's address prefix (`module.app.`): references inside it name its resources.
    pub prefix: String,
    /// The outputs of the local modules it calls that are known before apply or a resource's
    /// id (`module.img.image_id`, `module.img["a"].image_id`), by how they are read: the value,
    /// or the resource's address.
    pub outputs: HashMap<String, Val>,
}

impl ModuleScope {
    /// An attribute's value in this module, for one instance's scope: a variable bound to
    /// another resource's id is that reference, and references name resources of this module.
    pub fn value_of<'a>(&'a self, scope: &Scope, attr: &'a Attr) -> Value2<'a> {
        let var = direct_var(&attr.expr);
        let bound = var
            .and_then(|v| self.refs.get(v))
            .map(|a| Val::Ref(a.clone()))
            .or_else(|| {
                let address = self.local_refs.get(direct_local(&attr.expr)?)?;
                Some(Val::Ref(format!("{}{address}", self.prefix)))
            });
        let output = || {
            self.outputs
                .get(&module_output(&attr.expr, scope)?)
                .cloned()
        };
        let val = match bound.or_else(output) {
            Some(val) => val,
            None => match scope.eval_expr(&attr.expr) {
                Val::Ref(address) if !self.prefix.is_empty() => {
                    Val::Ref(format!("{}{address}", self.prefix))
                }
                other => other,
            },
        };
        Value2 {
            val,
            attr,
            written: self
                .written_at(&attr.expr)
                .or_else(|| self.each_written(scope, &attr.expr)),
        }
    }

    /// Where `each.value.NAME…` is written, when `for_each` is a variable alone: at this
    /// instance's entry of the variable's object.
    fn each_written(&self, scope: &Scope, expr: &hcl::Expression) -> Option<&Written> {
        let ("each", [Op::GetAttr(value), rest @ ..]) = traversal(expr)? else {
            return None;
        };
        if value.as_str() != "value" {
            return None;
        }
        let (from, key) = scope.each_in()?;
        let path = std::iter::once(Some(key))
            .chain(rest.iter().map(path_part))
            .collect::<Option<Vec<&str>>>()?;
        self.attrs_written
            .get(from)?
            .get(&path.join(PATH_SEPARATOR))
    }

    /// Where the value of an expression that is a variable or a local alone (`var.x`,
    /// `local.y`) is written.
    pub fn written_at(&self, expr: &hcl::Expression) -> Option<&Written> {
        let local = || self.locals_written.get(direct_local(expr)?);
        let attribute = || match traversal(expr)? {
            ("var", [Op::GetAttr(name), rest @ ..]) if !rest.is_empty() => {
                let path = rest.iter().map(path_part).collect::<Option<Vec<&str>>>()?;
                self.attrs_written
                    .get(name.as_str())?
                    .get(&path.join(PATH_SEPARATOR))
            }
            _ => None,
        };
        direct_var(expr)
            .and_then(|v| self.written.get(v))
            .or_else(local)
            .or_else(attribute)
    }
}

/// One instance of a resource or data source.
pub struct Instance {
    pub address: String,
    pub ty: String,
    pub data: bool,
    pub body: Arc<Body>,
    /// Where the block's type is written.
    pub span: Span,
    pub source: usize,
    pub module: Arc<ModuleScope>,
    /// The module's scope, shared by every instance but those `count` or `for_each` make.
    pub scope: Arc<Scope>,
    /// Where its values are in its file, as a JSON pointer (see [`Instance::json_pointer`]):
    /// made once, as every value of its entity is placed under it.
    pub pointer: String,
    /// It is read from a plan (its values are at the plan's `change.after`).
    pub planned: bool,
    /// Whether it is created at all is not known before apply (its `count` or `for_each` is
    /// not, or its module's call's): why.
    pub creation_unknown: Option<String>,
}

/// An attribute of an instance, with its value and where that value is written when
/// elsewhere (a variable).
pub struct Value2<'a> {
    pub val: Val,
    pub attr: &'a Attr,
    pub written: Option<&'a Written>,
}

impl Instance {
    /// Where its values are in its file, as a JSON pointer: a plan's `change.after`, else
    /// `/resource/TYPE/NAME` (or `/data/…`), as a `.tf.json` file writes it.
    pub fn json_pointer(&self) -> &str {
        &self.pointer
    }

    /// `/resource/TYPE/NAME` (or `/data/…`) of a block's instance at `address`.
    pub fn block_pointer(data: bool, ty: &str, address: &str) -> String {
        let kind = if data { "/data" } else { "/resource" };
        // The name is the last part of the address, with its own index (`web["a.b"]` of
        // `module.app["x"].huaweicloud_compute_instance.web["a.b"]`): what follows the last
        // dot outside an index.
        // Most addresses have no keys: their last dot is the one (found without the scan).
        let last_dot = if address.contains('[') {
            crate::values::address_chars(address)
                .filter(|&(_, c, outside)| outside && c == '.')
                .last()
                .map(|(i, _, _)| i)
        } else {
            address.rfind('.')
        };
        let instance = last_dot.map_or(address, |i| &address[i + 1..]);
        crate::syntax::tree::pointer_push(&crate::syntax::tree::pointer_push(kind, ty), instance)
    }

    pub fn value(&self, name: &str) -> Option<Value2<'_>> {
        let attr = self.body.attr(name)?;
        Some(self.value_of(attr))
    }

    pub fn value_of<'a>(&'a self, attr: &'a Attr) -> Value2<'a> {
        self.module.value_of(&self.scope, attr)
    }

    /// The alias of the provider configuration it uses (empty: the default one).
    fn provider(&self) -> &str {
        self.body
            .attr("provider")
            .and_then(|a| provider_alias(&a.expr))
            .unwrap_or_default()
    }

    /// Its provider configuration's `default_tags`, and where they are written.
    pub fn default_tags(&self) -> Option<&DefaultTags> {
        self.module.default_tags.get(self.provider())
    }

    /// The region the resource is created in when it is known, as an entity holds it.
    pub fn known_region(&self) -> Option<Arc<str>> {
        if let Some(v) = self.value("region") {
            return match v.val {
                Val::Known(Value::String(region)) => Some(Arc::from(region)),
                _ => None,
            };
        }
        let shared = self.module.shared_regions.get_or_init(|| {
            let known = self
                .module
                .regions
                .iter()
                .filter_map(|(alias, region)| match region {
                    Val::Known(Value::String(region)) => {
                        Some((alias.clone(), Arc::from(region.as_str())))
                    }
                    _ => None,
                });
            known.collect()
        });
        shared.get(self.provider()).cloned()
    }
}

/// Where each attribute of the variables' values written as objects is written (see
/// [`ModuleScope::attrs_written`]).
fn attribute_places(
    written: &HashMap<String, Written>,
) -> HashMap<String, HashMap<String, Written>> {
    let mut out = HashMap::new();
    for (name, w) in written.iter().filter(|(_, w)| !w.entries.is_empty()) {
        let mut places = HashMap::new();
        let mut path = Vec::new();
        entry_places(w, &w.entries, &w.pointer, &mut path, &mut places);
        out.insert(name.clone(), places);
    }
    out
}

/// The place of each entry of `entries` (and of theirs), by its path of keys from the
/// variable's value (joined by [`PATH_SEPARATOR`]).
fn entry_places<'e>(
    w: &Written,
    entries: &'e [super::config::Entry],
    pointer: &str,
    path: &mut Vec<&'e str>,
    out: &mut HashMap<String, Written>,
) {
    for entry in entries {
        path.push(entry.key.as_str());
        let at = crate::syntax::tree::pointer_push(pointer, &entry.key);
        let shown = path.join(".");
        let what = pick(
            || format!("`{shown}` of the {}", w.what),
            || format!("{}的`{shown}`", w.what),
        );
        entry_places(w, &entry.entries, &at, path, out);
        out.insert(
            path.join(PATH_SEPARATOR),
            Written {
                source: w.source,
                span: entry.span,
                pointer: at,
                what,
                entries: entry.entries.clone(),
            },
        );
        path.pop();
    }
}

/// Joins the keys of a path into one map key (a character no key of a configuration holds).
const PATH_SEPARATOR: &str = "\u{0}";

/// One step of a path into a value: an attribute, or an index by a literal key.
fn path_part(op: &Op) -> Option<&str> {
    match op {
        Op::GetAttr(name) => Some(name.as_str()),
        Op::Index(hcl::Expression::String(key)) => Some(key.as_str()),
        _ => None,
    }
}

/// A variable's value as Terraform converts it to the variable's type (see
/// [`super::types`]): then exactly what Terraform reads, so a `try` passes over a missing
/// attribute of it as Terraform's does. A value Terraform refuses is unknown, said why.
fn convert_var(scope: &mut Scope, name: &str, ty: &hcl::Expression) {
    let Some(value) = scope.var(name).cloned() else {
        return;
    };
    match super::types::convert(value, ty) {
        Ok(Some(value)) => {
            scope.set_var(name, value);
            scope.plain_var(name);
        }
        Ok(None) => {}
        Err((en, zh)) => {
            let why = pick(
                || {
                    format!(
                        "the value of variable `{name}` is not of its type ({en}): Terraform refuses it"
                    )
                },
                || format!("变量`{name}`的值不符合其类型（{zh}）：Terraform拒绝该值"),
            );
            scope.unset_var(name, Some(why));
        }
    }
}

/// The blocks of a type in some files of the module, with the file each is in.
fn blocks<'a>(
    sources: &'a [&'a Source],
    files: &'a [usize],
    ty: &'a str,
) -> impl Iterator<Item = (usize, &'a super::config::Block)> + 'a {
    files.iter().flat_map(move |&i| {
        sources[i]
            .body
            .iter()
            .flat_map(move |b| b.blocks(ty).map(move |block| (i, block)))
    })
}

/// An expression of literals alone (functions of literals included): its value is as written,
/// converted by no type.
fn literals_only(expr: &hcl::Expression) -> bool {
    match expr {
        hcl::Expression::Null
        | hcl::Expression::Bool(_)
        | hcl::Expression::Number(_)
        | hcl::Expression::String(_) => true,
        hcl::Expression::Array(items) => items.iter().all(literals_only),
        hcl::Expression::Object(object) => object.iter().all(|(key, value)| {
            let key = match key {
                hcl::ObjectKey::Identifier(_) => true,
                hcl::ObjectKey::Expression(key) => literals_only(key),
                _ => false,
            };
            key && literals_only(value)
        }),
        hcl::Expression::FuncCall(call) => call.args.iter().all(literals_only),
        hcl::Expression::Parenthesis(inner) => literals_only(inner),
        _ => false,
    }
}

/// `var.NAME` alone: the variable it is.
fn direct_var(expr: &hcl::Expression) -> Option<&str> {
    match traversal(expr)? {
        ("var", [Op::GetAttr(name)]) => Some(name.as_str()),
        _ => None,
    }
}

/// `dir` as a path from `root` (both as the run names them): `.` for the root itself,
/// `modules/app` under it, `../../shared/img` beside it, as Terraform gives `path.module`.
fn relative_to(dir: &Path, root: &Path) -> String {
    let (dir, root): (Vec<_>, Vec<_>) = (dir.components().collect(), root.components().collect());
    let common = dir.iter().zip(&root).take_while(|(a, b)| a == b).count();
    let parts: Vec<String> = std::iter::repeat_n("..".to_string(), root.len() - common)
        .chain(
            dir[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `local.NAME` alone: the local's name.
fn direct_local(expr: &hcl::Expression) -> Option<&str> {
    match traversal(expr)? {
        ("local", [Op::GetAttr(name)]) => Some(name.as_str()),
        _ => None,
    }
}

/// `module.NAME.OUTPUT` alone, as written.
fn module_output(expr: &hcl::Expression, scope: &Scope) -> Option<String> {
    match traversal(expr)? {
        ("module", [Op::GetAttr(name), Op::GetAttr(output)]) => {
            Some(format!("module.{name}.{output}"))
        }
        // An instance of a call with `count` or `for_each`: `module.img["a"].image_id`.
        ("module", [Op::GetAttr(name), index, Op::GetAttr(output)]) => {
            let key = match index {
                Op::LegacyIndex(n) => Value::from(*n),
                Op::Index(key) => match scope.eval_expr(key) {
                    Val::Known(key) => key,
                    _ => return None,
                },
                _ => return None,
            };
            let key = match key {
                Value::String(s) => serde_json::to_string(&s).ok()?,
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some(format!("module.{name}[{key}].{output}"))
        }
        _ => None,
    }
}

/// `huaweicloud.ALIAS` in a `provider` argument.
fn provider_alias(expr: &hcl::Expression) -> Option<&str> {
    match traversal(expr)? {
        (_, [Op::GetAttr(alias)]) => Some(alias.as_str()),
        _ => None,
    }
}

/// The provider configurations a module call passes (`providers = { huaweicloud =
/// huaweicloud.south }`): each as the module knows it (empty: its default) and as the caller
/// does. The caller's default one is passed unless the map says what the default is.
fn passed_providers(call: &Body) -> Vec<(String, String)> {
    let mut passed = Vec::new();
    // `huaweicloud` (the default one) or `huaweicloud.south`.
    let alias = |e: &hcl::Expression| match e {
        hcl::Expression::Variable(_) => Some(String::new()),
        other => provider_alias(other).map(str::to_string),
    };
    if let Some(map) = call.attr("providers")
        && let hcl::Expression::Object(object) = &map.expr
    {
        for (key, value) in object.iter() {
            let child = match key {
                hcl::ObjectKey::Identifier(_) => Some(String::new()),
                hcl::ObjectKey::Expression(e) => alias(e),
                _ => None,
            };
            let mine = alias(value);
            if let (Some(child), Some(mine)) = (child, mine) {
                passed.push((child, mine));
            }
        }
    }
    if !passed.iter().any(|(child, _)| child.is_empty()) {
        passed.push((String::new(), String::new()));
    }
    passed
}

/// How a module gets its variables.
pub enum Inputs<'a> {
    /// The root module: tfvars files of its directory, `--var-file`, `--var`, `TF_VAR_*`.
    Root(&'a Options),
    /// A local module: the arguments of its call, evaluated in the caller, and the caller's
    /// default provider configuration, which it inherits unless it has its own.
    Call {
        values: HashMap<String, (Val, Option<Written>)>,
        provider: Box<Inherited>,
    },
}

/// What a module inherits of its caller's provider configurations, by the alias it knows each
/// by (empty: its default one).
pub struct Inherited {
    regions: Vec<(String, Val)>,
    default_tags: Vec<(String, DefaultTags)>,
    /// Whether the module (or one calling it) is created at all is not known before apply.
    creation_unknown: Option<String>,
}

pub struct Reader<'s> {
    pub sources: &'s [&'s Source],
    /// The files of each directory, by position in `sources`.
    by_dir: &'s HashMap<&'s Path, Vec<usize>>,
    /// Directories of called modules the run left unread (past `MAX_CALLED_DIRS`).
    cut: &'s std::collections::BTreeSet<PathBuf>,
    pub instances: Vec<Instance>,
    pub problems: Vec<(usize, Problem)>,
    /// Directories being read, outermost first: a module that calls itself stops here.
    stack: Vec<PathBuf>,
}

/// Deepest chain of local module calls followed.
const MAX_MODULE_DEPTH: usize = 16;

/// Most instances of one resource or module call read; a larger `count` is said where it is
/// written (the instances past it are not checked).
const MAX_COUNT: u64 = 1000;

impl<'s> Reader<'s> {
    pub fn new(
        sources: &'s [&'s Source],
        by_dir: &'s HashMap<&'s Path, Vec<usize>>,
        cut: &'s std::collections::BTreeSet<PathBuf>,
    ) -> Reader<'s> {
        Reader {
            sources,
            by_dir,
            cut,
            instances: Vec::new(),
            problems: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// The files of a kind in a directory.
    fn files(&self, dir: &Path, kind: super::Kind) -> Vec<usize> {
        self.by_dir
            .get(dir)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| self.sources[i].kind == kind)
            .collect()
    }

    /// What Terraform refuses to load a module with: a resource, data source, variable,
    /// output, local value or module call declared twice ("Duplicate resource configuration"
    /// and the like). Without this, both would be read and judged, and the run could pass a
    /// module `terraform plan` rejects. Reported at the second declaration, once however often
    /// the module is called.
    fn refuse_declared_twice(&mut self, files: &[usize]) {
        // What is declared: its kind, its name (a block's labels; a local's name), where. Read
        // for every module of the run: the names are borrowed, joined only to be reported.
        let blocks_declared = ["resource", "data", "variable", "output", "module"]
            .into_iter()
            .flat_map(|ty| {
                blocks(self.sources, files, ty)
                    .map(move |(source, block)| (ty, &block.labels[..], source, block.span))
            });
        let locals_declared = blocks(self.sources, files, "locals").flat_map(|(source, block)| {
            block.body.attrs.iter().map(move |(name, attr)| {
                ("local", std::slice::from_ref(name), source, attr.key_span)
            })
        });
        let mut first: HashMap<(&str, &[super::config::Name]), (usize, Span)> = HashMap::new();
        let mut twice = Vec::new();
        for (ty, names, source, span) in blocks_declared.chain(locals_declared) {
            match first.entry((ty, names)) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    twice.push((ty, names, source, span, *at.get()));
                }
                std::collections::hash_map::Entry::Vacant(at) => {
                    at.insert((source, span));
                }
            }
        }
        for (ty, names, source, span, (first_source, first_span)) in twice {
            let name = names
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if self
                .problems
                .iter()
                .any(|(s, p)| *s == source && p.span == span)
            {
                continue;
            }
            let what = match ty {
                "resource" => pick(|| format!("resource `{name}`"), || format!("资源`{name}`")),
                "data" => pick(
                    || format!("data source `data.{name}`"),
                    || format!("数据源`data.{name}`"),
                ),
                "variable" => pick(|| format!("variable `{name}`"), || format!("变量`{name}`")),
                "output" => pick(|| format!("output `{name}`"), || format!("输出`{name}`")),
                "local" => pick(
                    || format!("local value `{name}`"),
                    || format!("局部值`{name}`"),
                ),
                _ => pick(
                    || format!("module call `{name}`"),
                    || format!("模块调用`{name}`"),
                ),
            };
            let file = &self.sources[first_source].file;
            let at = format!("{}:{}", file.name, file.line_col(first_span.start()).line);
            self.problems.push((
                source,
                Problem {
                    kind: ProblemKind::Refused,
                    span,
                    message: pick(
                        || format!("{what} is declared twice (first at {at})"),
                        || format!("{what}被声明了两次（第一次在{at}）"),
                    ),
                },
            ));
        }
    }

    /// Read the module in `dir` (its resources' addresses start with `prefix`) and the local
    /// modules it calls, those first (what they output is read by its resources). Returns its
    /// outputs known before apply or that are a resource's id: name, value (the address).
    pub fn read_module(&mut self, dir: &Path, prefix: &str, inputs: Inputs) -> Vec<(String, Val)> {
        if self.stack.len() > MAX_MODULE_DEPTH || self.stack.iter().any(|d| d == dir) {
            return Vec::new();
        }
        self.stack.push(dir.to_path_buf());
        let files = self.files(dir, super::Kind::Config);
        self.refuse_declared_twice(&files);
        let mut module = self.module_scope(dir, &files, inputs);
        module.prefix = prefix.to_string();
        let calls: Vec<(usize, super::config::Block)> = blocks(self.sources, &files, "module")
            .map(|(i, b)| (i, b.clone()))
            .collect();
        for (source, call) in calls {
            let outputs = self.read_call(dir, prefix, source, &call, &module);
            module.outputs.extend(outputs);
        }
        let resources: Vec<(usize, &super::config::Block)> =
            blocks(self.sources, &files, "resource")
                .chain(blocks(self.sources, &files, "data"))
                .collect();
        // Where each entry of a `for_each` written as a map is (`each.value` is found there).
        for (source, block) in &resources {
            let (Some(each), Some(ty), Some(name)) = (
                block.body.attr("for_each"),
                block.labels.first(),
                block.labels.get(1),
            ) else {
                continue;
            };
            if each.entries.is_empty() {
                continue;
            }
            let data = block.ty == "data";
            let pointer = Instance::block_pointer(data, ty, &format!("{ty}.{name}"));
            let what = pick(
                || format!("`for_each` of {ty}.{name}"),
                || format!("{ty}.{name}的`for_each`"),
            );
            let pointer = crate::syntax::tree::pointer_push(&pointer, "for_each");
            let w = Written::at(*source, each, pointer, what);
            let mut places = HashMap::new();
            entry_places(&w, &w.entries, &w.pointer, &mut Vec::new(), &mut places);
            module.attrs_written.insert(literal_for_each(block), places);
        }
        let module = Arc::new(module);
        let shared = Arc::new(module.scope.clone());
        // Each block by its address in the module (what `for_each` may name): made only when
        // some block has a `for_each`.
        let for_each = resources
            .iter()
            .any(|(_, b)| b.body.attr("for_each").is_some());
        let by_address: HashMap<String, &Body> = resources
            .iter()
            .filter(|_| for_each)
            .filter_map(|(_, b)| {
                let (ty, name) = (b.labels.first()?, b.labels.get(1)?);
                let data = if b.ty == "data" { "data." } else { "" };
                Some((format!("{data}{ty}.{name}"), b.body.as_ref()))
            })
            .collect();
        for (source, block) in resources.iter().copied() {
            let (Some(ty), Some(name)) = (block.labels.first(), block.labels.get(1)) else {
                continue;
            };
            if !ty.starts_with("huaweicloud_") {
                continue;
            }
            // Addressed by the type as written; mapped by the resource it stands for.
            let base_ty = ty;
            let ty = super::canonical(ty).to_string();
            let data = block.ty == "data";
            let base = if data {
                format!("{prefix}data.{base_ty}.{name}")
            } else {
                format!("{prefix}{base_ty}.{name}")
            };
            // Named only for a block that has a `for_each` (a string a block; most have none).
            let literal = match block.body.attr("for_each") {
                Some(_) => literal_for_each(block),
                None => String::new(),
            };
            let expansion = expand(&block.body, &shared, &by_address, &literal);
            self.count_over_limit(source, expansion.over);
            let creation_unknown = match expansion.unknown {
                Some(arg) => Some(creation_not_known(&base, arg)),
                None => module.creation_unknown.clone(),
            };
            for (suffix, scope) in expansion.instances {
                let address = format!("{base}{suffix}");
                self.instances.push(Instance {
                    creation_unknown: creation_unknown.clone(),
                    pointer: Instance::block_pointer(data, &ty, &address),
                    address,
                    ty: ty.clone(),
                    data,
                    body: block.body.clone(),
                    span: block.span,
                    source,
                    module: module.clone(),
                    scope,
                    planned: false,
                });
            }
        }
        let outputs = blocks(self.sources, &files, "output")
            .filter_map(|(_, block)| {
                let name = block.labels.first()?;
                match module
                    .value_of(&module.scope, block.body.attr("value")?)
                    .val
                {
                    val @ (Val::Ref(_) | Val::Known(_)) => Some((name.to_string(), val)),
                    Val::Unknown(_) => None,
                }
            })
            .collect();
        self.stack.pop();
        outputs
    }

    fn read_call(
        &mut self,
        dir: &Path,
        prefix: &str,
        source: usize,
        call: &super::config::Block,
        module: &ModuleScope,
    ) -> Vec<(String, Val)> {
        let Some(name) = call.labels.first() else {
            return Vec::new();
        };
        let Some(from) = call.body.attr("source") else {
            return Vec::new();
        };
        let Some(child) = called_dir(dir, name, &from.expr) else {
            let shown = match &from.expr {
                hcl::Expression::String(s) => s.clone(),
                _ => say("a computed source", "计算得出的来源").to_string(),
            };
            self.problems.push((
                source,
                Problem {
                    kind: ProblemKind::Unread,
                    span: from.span,
                    message: pick(
                        || format!(
                            "module `{name}` comes from `{shown}`, which is not fetched: its resources are not checked (run `terraform init` in the root module, whose .terraform/modules is then read, or check a plan)"
                        ),
                        || format!(
                            "模块`{name}`来自`{shown}`，该来源不会被下载：其资源未被检查（请在根模块中运行`terraform init`，之后会读取.terraform/modules；或检查计划文件）"
                        ),
                    ),
                },
            ));
            return Vec::new();
        };
        if let Some(problem) = self.unread(name, &child, from.span) {
            self.problems.push((source, problem));
            return Vec::new();
        }
        let shared = Arc::new(module.scope.clone());
        let mut outputs = Vec::new();
        let expansion = expand(&call.body, &shared, &HashMap::new(), "");
        self.count_over_limit(source, expansion.over);
        // A call read once for a `count` or `for_each` not known: whether its resources are
        // created is not known.
        let creation_unknown = module.creation_unknown.clone().or_else(|| {
            let arg = expansion.unknown?;
            Some(creation_not_known(&format!("module `{name}`"), arg))
        });
        for (suffix, scope) in expansion.instances {
            let mut values = HashMap::new();
            for (key, attr) in &call.body.attrs {
                if [
                    "source",
                    "version",
                    "count",
                    "for_each",
                    "providers",
                    "depends_on",
                ]
                .contains(&key.as_str())
                {
                    continue;
                }
                let v = module.value_of(&scope, attr);
                let written = match v.written {
                    Some(w) => w.clone(),
                    None if let Some(entry) = each_entry(&call.body, attr, &scope) => Written {
                        source,
                        span: entry.span,
                        pointer: format!("/module/{name}/for_each/{}", entry.key),
                        what: pick(
                            || {
                                format!(
                                    "entry `{}` of the `for_each` of module `{name}`",
                                    entry.key
                                )
                            },
                            || format!("模块`{name}`的`for_each`的条目`{}`", entry.key),
                        ),
                        entries: entry.entries.clone(),
                    },
                    None => Written::at(
                        source,
                        attr,
                        format!("/module/{name}/{key}"),
                        pick(
                            || format!("input `{key}` of module `{name}`"),
                            || format!("模块`{name}`的输入`{key}`"),
                        ),
                    ),
                };
                values.insert(key.to_string(), (v.val, Some(written)));
            }
            let child_prefix = format!("{prefix}module.{name}{suffix}.");
            let passed = passed_providers(&call.body);
            let inputs = Inputs::Call {
                values,
                provider: Box::new(Inherited {
                    regions: passed
                        .iter()
                        .filter_map(|(child, mine)| {
                            Some((child.clone(), module.regions.get(mine)?.clone()))
                        })
                        .collect(),
                    default_tags: passed
                        .iter()
                        .filter_map(|(child, mine)| {
                            Some((child.clone(), module.default_tags.get(mine)?.clone()))
                        })
                        .collect(),
                    creation_unknown: creation_unknown.clone(),
                }),
            };
            let read = self.read_module(&child, &child_prefix, inputs);
            // Read as `module.NAME.OUTPUT`, or `module.NAME[KEY].OUTPUT` of a call with `count`
            // or `for_each`.
            outputs.extend(
                read.into_iter()
                    .map(|(output, val)| (format!("module.{name}{suffix}.{output}"), val)),
            );
        }
        outputs
    }

    /// A `count` over [`MAX_COUNT`] is said where it is written: only the first instances are
    /// read.
    fn count_over_limit(&mut self, source: usize, over: Option<(u64, Span)>) {
        let Some((n, span)) = over else {
            return;
        };
        self.problems.push((
            source,
            Problem {
                kind: ProblemKind::Limit("max_count"),
                span,
                message: pick(
                    || format!("`count` is {n}; the first {MAX_COUNT} instances are read and the other {} are not checked", n - MAX_COUNT),
                    || format!("`count`为{n}；只读取前{MAX_COUNT}个实例，其余{}个未被检查", n - MAX_COUNT),
                ),
            },
        ));
    }

    /// Why the module `name` calls in `child` cannot be read, if it cannot: its resources are
    /// then not checked, which is said where the call's `source` is written.
    fn unread(&self, name: &str, child: &Path, at: Span) -> Option<Problem> {
        let (kind, message) = if self.stack.iter().any(|d| d == child) {
            (
                ProblemKind::Skipped,
                pick(
                    || {
                        format!(
                            "module `{name}` calls a module it is called from (`{}`), which Terraform refuses: it is not read again",
                            child.display()
                        )
                    },
                    || {
                        format!(
                            "模块`{name}`调用了调用它的模块（`{}`），Terraform会拒绝这种调用：不再重复读取",
                            child.display()
                        )
                    },
                ),
            )
        } else if self.stack.len() > MAX_MODULE_DEPTH {
            (
                ProblemKind::Limit("max_module_depth"),
                pick(
                    || {
                        format!(
                            "module `{name}` is nested more than {MAX_MODULE_DEPTH} modules deep: its resources are not checked"
                        )
                    },
                    || format!("模块`{name}`的嵌套深度超过{MAX_MODULE_DEPTH}层：其资源未被检查"),
                ),
            )
        } else if self.cut.contains(child) {
            (
                ProblemKind::Limit("max_called_modules"),
                pick(
                    || {
                        format!(
                            "module `{name}` in `{}` is not read: the run reads at most {} directories of called modules besides its own, so its resources are not checked (check the called modules' directories too, or fewer at a time)",
                            child.display(),
                            super::MAX_CALLED_DIRS
                        )
                    },
                    || {
                        format!(
                            "未读取`{}`中的模块`{name}`：除自身目录外，一次运行最多读取{}个被调用模块的目录，因此其资源未被检查（请同时检查被调用模块的目录，或每次检查更少的目录）",
                            child.display(),
                            super::MAX_CALLED_DIRS
                        )
                    },
                ),
            )
        } else if self.files(child, super::Kind::Config).is_empty() {
            (
                ProblemKind::Skipped,
                pick(
                    || {
                        format!(
                            "module `{name}`: `{}` holds no Terraform configuration (`terraform init` would refuse the call)",
                            child.display()
                        )
                    },
                    || {
                        format!(
                            "模块`{name}`：`{}`中没有Terraform配置（`terraform init`会拒绝该调用）",
                            child.display()
                        )
                    },
                ),
            )
        } else {
            return None;
        };
        Some(Problem {
            kind,
            span: at,
            message,
        })
    }

    fn module_scope(&mut self, dir: &Path, files: &[usize], inputs: Inputs) -> ModuleScope {
        let mut m = ModuleScope::default();
        // As Terraform gives it: `.` in the root module, a called module's directory from the
        // root's.
        let root = self.stack.first().map_or(dir, PathBuf::as_path);
        m.scope.set_path_module(relative_to(dir, root));
        let mut declared = Vec::new();
        let mut sensitive = Vec::new();
        let variables: Vec<(usize, super::config::Block)> = blocks(self.sources, files, "variable")
            .map(|(i, b)| (i, b.clone()))
            .collect();
        for (source, block) in &variables {
            let Some(name) = block.labels.first() else {
                continue;
            };
            declared.push(name.to_string());
            // A root module's variable with no type: its value is as written.
            if block.body.attr("type").is_none() && matches!(inputs, Inputs::Root(_)) {
                m.scope.plain_var(name);
            }
            if block
                .body
                .attr("sensitive")
                .is_some_and(|a| matches!(a.expr, hcl::Expression::Bool(true)))
            {
                sensitive.push(name);
            }
            // `default = null` is a value (what optional inputs have): the argument it sets is
            // then not sent, as Terraform leaves it out, not "a variable without a value".
            if let Some(default) = block.body.attr("default")
                && let Val::Known(v) = m.scope.eval_expr(&default.expr)
            {
                m.scope.set_var(name, v);
                m.written.insert(
                    name.to_string(),
                    Written::at(
                        *source,
                        default,
                        format!("/variable/{name}/default"),
                        pick(
                            || format!("default of variable `{name}`"),
                            || format!("变量`{name}`的默认值"),
                        ),
                    ),
                );
            }
        }
        match inputs {
            Inputs::Root(options) => self.root_values(dir, options, &variables, &mut m),
            Inputs::Call { values, provider } => {
                let Inherited {
                    regions,
                    default_tags,
                    creation_unknown,
                } = *provider;
                m.creation_unknown = creation_unknown;
                m.regions.extend(regions);
                m.default_tags.extend(default_tags);
                for (name, (val, written)) in values {
                    match val {
                        Val::Known(v) => {
                            m.scope.set_var(&name, v);
                        }
                        Val::Ref(address) => {
                            m.refs.insert(name.clone(), address);
                        }
                        Val::Unknown(why) => {
                            let said = pick(
                                || {
                                    format!(
                                        "variable `{name}` is set by the module's caller to a value not known before apply ({why})"
                                    )
                                },
                                || {
                                    format!(
                                        "变量`{name}`由模块的调用方设为apply之前未知的值（{why}）"
                                    )
                                },
                            );
                            m.scope.unset_var(&name, Some(said));
                        }
                    }
                    if let Some(w) = written {
                        m.written.insert(name, w);
                    }
                }
            }
        }
        for (source, block) in &variables {
            if let Some(name) = block.labels.first() {
                self.not_nullable(&mut m, *source, name, &block.body);
            }
        }
        for (_, block) in &variables {
            if let (Some(name), Some(ty)) = (block.labels.first(), block.body.attr("type")) {
                convert_var(&mut m.scope, name, &ty.expr);
            }
        }
        for name in &declared {
            if !m.scope.knows_var(name) && !m.refs.contains_key(name.as_str()) {
                m.scope.unset_var(name, None);
            }
        }
        // As `terraform plan` hides them: a sensitive variable's value is never read, so never
        // printed (a finding would show it); what depends on it is unknown, said so.
        for name in sensitive {
            let said = pick(
                || format!("variable `{name}` is sensitive (not read)"),
                || format!("变量`{name}`是敏感值（未读取）"),
            );
            m.scope.unset_var(name, Some(said));
            m.refs.remove(name.as_str());
            m.written.remove(name.as_str());
        }
        m.attrs_written = attribute_places(&m.written);
        for (source, problem) in self.locals(files, &mut m) {
            // Once, however often the module is called.
            if !self
                .problems
                .iter()
                .any(|(s, p)| *s == source && p.span == problem.span)
            {
                self.problems.push((source, problem));
            }
        }
        self.providers(files, &mut m);
        m
    }

    /// A variable with `nullable = false` given `null` (by tfvars, `--var` or its module's
    /// call) takes its default, as Terraform does; with no default, Terraform refuses the
    /// value, and nothing of what depends on it is known.
    fn not_nullable(&self, m: &mut ModuleScope, source: usize, name: &str, variable: &Body) {
        let refuses_null = variable
            .attr("nullable")
            .is_some_and(|a| matches!(a.expr, hcl::Expression::Bool(false)));
        if !refuses_null || m.scope.var(name) != Some(&Value::Null) {
            return;
        }
        let default = variable
            .attr("default")
            .and_then(|d| match m.scope.eval_expr(&d.expr) {
                Val::Known(v) if v != Value::Null => Some((d, v)),
                _ => None,
            });
        match default {
            Some((attr, value)) => {
                m.scope.set_var(name, value);
                m.written.insert(
                    name.to_string(),
                    Written::at(
                        source,
                        attr,
                        format!("/variable/{name}/default"),
                        pick(
                            || format!("default of variable `{name}` (it is not nullable)"),
                            || format!("变量`{name}`的默认值（该变量不可为null）"),
                        ),
                    ),
                );
            }
            None => {
                let said = pick(
                    || {
                        format!(
                            "variable `{name}` is not nullable and is given null, which Terraform refuses"
                        )
                    },
                    || format!("变量`{name}`不可为null却被赋值为null，Terraform会拒绝"),
                );
                m.scope.unset_var(name, Some(said));
            }
        }
    }

    /// Values of the root module's variables, later ones winning as in Terraform: defaults,
    /// `TF_VAR_*`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
    /// name order, then `--var-file` and `--var` in the order given.
    fn root_values(
        &self,
        dir: &Path,
        options: &Options,
        variables: &[(usize, super::config::Block)],
        m: &mut ModuleScope,
    ) {
        let declared = |name: &str| {
            variables
                .iter()
                .find(|(_, b)| b.labels.first().is_some_and(|l| l == name))
        };
        let types = |name: &str| {
            declared(name)
                .and_then(|(_, b)| b.body.attr("type"))
                .map(|a| &a.expr)
        };
        for (name, text) in &options.env {
            if declared(name).is_some() {
                m.scope.set_var(name, cli_value(text, types(name)));
                m.written.remove(name);
            }
        }
        let mut tfvars = self.files(dir, super::Kind::Vars);
        tfvars.sort_by_key(|&i| {
            let name = self.sources[i]
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (!name.starts_with("terraform.tfvars"), name)
        });
        let var_files: Vec<usize> = options
            .var_files
            .iter()
            .filter_map(|p| {
                self.sources
                    .iter()
                    .position(|s| &s.path == p && s.kind == super::Kind::VarFile)
            })
            .collect();
        // Each `--var` comes after the `--var-file`s written before it on the command line.
        let files_before = |var: usize| {
            options
                .files_before
                .get(var)
                .copied()
                .unwrap_or(var_files.len())
        };
        let mut vars = options.vars.iter().enumerate().peekable();
        let mut set_vars = |m: &mut ModuleScope, files_read: usize| {
            while let Some((_, (name, text))) =
                vars.next_if(|(v, _)| files_before(*v) <= files_read)
            {
                m.scope.set_var(name, cli_value(text, types(name)));
                m.written.remove(name);
            }
        };
        let tfvars_count = tfvars.len();
        for (n, i) in tfvars
            .into_iter()
            .chain(var_files.iter().copied())
            .enumerate()
        {
            if n >= tfvars_count {
                set_vars(m, n - tfvars_count);
            }
            let Some(body) = &self.sources[i].body else {
                continue;
            };
            for (name, attr) in &body.attrs {
                if let Val::Known(v) = Scope::default().eval_expr(&attr.expr) {
                    m.scope.set_var(name, v);
                    m.written.insert(
                        name.to_string(),
                        Written::at(
                            i,
                            attr,
                            format!("/{name}"),
                            pick(
                                || format!("value of variable `{name}`"),
                                || format!("变量`{name}`的值"),
                            ),
                        ),
                    );
                }
            }
        }
        set_vars(m, var_files.len());
        for (name, value) in &options.planned {
            if declared(name).is_some() {
                m.scope.set_var(name, value.clone());
                m.written.remove(name);
            }
        }
    }

    /// Locals may read each other: evaluated until nothing more becomes known.
    fn locals(&self, files: &[usize], m: &mut ModuleScope) -> Vec<(usize, Problem)> {
        let mut pending: Vec<(usize, &super::config::Name, &Attr)> =
            blocks(self.sources, files, "locals")
                .flat_map(|(source, b)| b.body.attrs.iter().map(move |(k, a)| (source, k, a)))
                .collect();
        loop {
            let before = pending.len();
            pending.retain(
                |&(source, name, attr)| match m.scope.eval_expr(&attr.expr) {
                    Val::Known(v) => {
                        m.scope.set_local(name, v);
                        if literals_only(&attr.expr) {
                            m.scope.plain_local(name);
                        }
                        let written = m.written_at(&attr.expr).cloned().unwrap_or_else(|| {
                            let what = pick(
                                || format!("value of local `{name}`"),
                                || format!("局部值`{name}`的值"),
                            );
                            Written::at(source, attr, format!("/locals/{name}"), what)
                        });
                        m.locals_written.insert(name.to_string(), written);
                        false
                    }
                    // Another resource's id: not known before apply as a value, but what it
                    // names is (a volume attached through the local is attached to it).
                    Val::Ref(address) => {
                        let why = pick(
                            || format!("the id of {address}, known after apply"),
                            || format!("{address}的id，apply之后才知道"),
                        );
                        m.scope.unknown_local(name, why);
                        m.local_refs.insert(name.to_string(), address);
                        false
                    }
                    _ => true,
                },
            );
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        // Locals that read each other, round to themselves: Terraform refuses the module.
        let cycles = super::cycles::of_locals(&pending);
        // What is left is not known before apply: each says why (one reading another that is
        // left says that one's reason, found again until none changes: a chain is told whole).
        for &(_, name, _) in &pending {
            let why = say(
                "it depends on values known only after apply",
                "它取决于apply之后才可知的值",
            );
            m.scope.unknown_local(name, why.to_string());
        }
        for _ in 0..pending.len() {
            let mut changed = false;
            for &(_, name, attr) in &pending {
                if let Val::Unknown(why) = m.scope.eval_expr(&attr.expr)
                    && m.scope.why_local(name) != Some(why.as_str())
                {
                    m.scope.unknown_local(name, why);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut refused = Vec::new();
        for cycle in cycles {
            let names: Vec<String> = cycle
                .iter()
                .map(|&i| format!("local.{}", pending[i].1))
                .collect();
            let path = names.join(", ");
            for &i in &cycle {
                let why = pick(
                    || format!("it is in a cycle of locals ({path}), which Terraform refuses"),
                    || format!("它处于局部值的循环引用中（{path}），Terraform拒绝该模块"),
                );
                m.scope.unknown_local(pending[i].1, why);
            }
            let (source, _, attr) = pending[cycle[0]];
            refused.push((
                source,
                Problem {
                    kind: ProblemKind::Refused,
                    span: attr.key_span,
                    message: pick(
                        || format!("locals refer to each other in a cycle: {path}"),
                        || format!("局部值相互引用成环：{path}"),
                    ),
                },
            ));
        }
        refused
    }

    fn providers(&self, files: &[usize], m: &mut ModuleScope) {
        for (source, block) in blocks(self.sources, files, "provider") {
            if block.labels.first().map(|l| l.as_str()) != Some("huaweicloud") {
                continue;
            }
            let alias = match block.body.attr("alias").map(|a| m.scope.eval_expr(&a.expr)) {
                Some(Val::Known(Value::String(s))) => s,
                _ => String::new(),
            };
            if let Some(region) = block.body.attr("region") {
                let val = m.scope.eval_expr(&region.expr);
                m.regions.insert(alias.clone(), val);
            }
            if let Some(tags) = block.body.attr("default_tags") {
                let val = m.scope.eval_expr(&tags.expr);
                let written = Written::at(
                    source,
                    tags,
                    "/provider/huaweicloud/default_tags".to_string(),
                    say("the provider's `default_tags`", "provider的`default_tags`").to_string(),
                );
                let tags = DefaultTags { val, at: written };
                m.default_tags.insert(alias, tags);
            }
        }
    }
}

/// A `--var` or `TF_VAR_` value: for a variable of a list, set, map, object or tuple type, an
/// expression of literals, as Terraform parses it (`{name = "a", min_ram = 4096}`); else a
/// number or boolean when it reads as one, else the string.
fn cli_value(text: &str, ty: Option<&hcl::Expression>) -> Value {
    if ty.is_some_and(super::types::is_collection)
        && let Ok(body) = hcl::from_str::<hcl::Body>(&format!("v = {text}\n"))
        && let Some(attr) = body.attributes().next()
        && let Ok(value) = hcl::eval::Evaluate::evaluate(&attr.expr, &hcl::eval::Context::new())
    {
        return value;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::from(text),
    }
}

/// The directory of a module call whose `source` is a local path (`./x`, `../x`).
pub fn local_source(dir: &Path, expr: &hcl::Expression) -> Option<PathBuf> {
    let hcl::Expression::String(s) = expr else {
        return None;
    };
    (s.starts_with("./") || s.starts_with("../") || s == "." || s == "..")
        .then(|| crate::input::source::normalize(&dir.join(s)))
}

/// The directory a call named `name` in the module in `dir` reads: a local path, or where
/// `terraform init` downloaded a registry or Git module (`.terraform/modules/modules.json`
/// of the root module, keyed by the calls' names from the root: `app.db`).
pub fn called_dir(dir: &Path, name: &str, expr: &hcl::Expression) -> Option<PathBuf> {
    local_source(dir, expr).or_else(|| downloaded(dir, name))
}

/// A module's key in `modules.json`.
fn key(module: &serde_json::Value) -> Option<&str> {
    module.get("Key").and_then(serde_json::Value::as_str)
}

fn downloaded(dir: &Path, name: &str) -> Option<PathBuf> {
    let normalize = crate::input::source::normalize;
    let dir = normalize(dir);
    // The root module: the nearest directory, this one or above, that `terraform init` ran in.
    let (root, manifest) = dir.ancestors().find_map(|root| {
        let path = root.join(".terraform").join("modules").join("modules.json");
        let text = std::fs::read_to_string(path).ok()?;
        let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some((root.to_path_buf(), manifest))
    })?;
    let modules = manifest.get("Modules")?.as_array()?;
    let place = |m: &serde_json::Value| Some(normalize(&root.join(m.get("Dir")?.as_str()?)));
    // This module's key: the root module's is empty.
    let caller = if dir == normalize(&root) {
        String::new()
    } else {
        key(modules
            .iter()
            .find(|m| place(m).as_deref() == Some(dir.as_path()))?)?
        .to_string()
    };
    let wanted = if caller.is_empty() {
        name.to_string()
    } else {
        format!("{caller}.{name}")
    };
    modules
        .iter()
        .find(|m| key(m) == Some(wanted.as_str()))
        .and_then(place)
        .filter(|d| d.is_dir())
}

/// A `count` as Terraform takes it: a whole number, or a string of one (a tfvars value).
fn count_of(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The instances of a resource or module call, and what is not known of them.
struct Expansion {
    /// Each instance's index (`[0]`, `["a"]`, none) and scope.
    instances: Vec<(String, Arc<Scope>)>,
    /// The `count` or `for_each` not known before apply: one instance, without an index,
    /// stands for however many there are (none, maybe).
    unknown: Option<&'static str>,
    /// A `count` over [`MAX_COUNT`], and where it is written: the instances past it are not
    /// read.
    over: Option<(u64, Span)>,
}

/// Where the value `attr` reads is written when it is `each.value` (or an attribute of it,
/// `each.value.name`) of a `for_each` written as a map in `body` (`for_each = { a = " x" }`):
/// this instance's entry of that map.
fn each_entry<'b>(body: &'b Body, attr: &Attr, scope: &Scope) -> Option<&'b super::config::Entry> {
    let ("each", [Op::GetAttr(value), rest @ ..]) = traversal(&attr.expr)? else {
        return None;
    };
    if value.as_str() != "value" {
        return None;
    }
    let key = scope.each_key()?;
    let mut entry = body
        .attr("for_each")?
        .entries
        .iter()
        .find(|e| e.key.as_str() == key)?;
    for op in rest {
        let Op::GetAttr(name) = op else {
            return None;
        };
        entry = entry
            .entries
            .iter()
            .find(|e| e.key.as_str() == name.as_str())?;
    }
    Some(entry)
}

/// The name under which the places of a block's `for_each` written as a map are kept (see
/// [`ModuleScope::attrs_written`]): no variable can have it.
fn literal_for_each(block: &super::config::Block) -> String {
    format!("for_each of {}", block.labels.join("."))
}

/// `count` and `for_each` expanded when known (a `for_each` over another resource of the
/// module, `resources` by address, when that one's keys are); otherwise one instance standing
/// for them all. `literal`: where the places of a `for_each` written as a map are kept (see
/// [`literal_for_each`]).
fn expand(
    body: &Body,
    scope: &Arc<Scope>,
    resources: &HashMap<String, &Body>,
    literal: &str,
) -> Expansion {
    let one = |unknown| Expansion {
        instances: vec![(String::new(), scope.clone())],
        unknown,
        over: None,
    };
    if let Some(count) = body.attr("count") {
        return match scope.eval_expr(&count.expr) {
            Val::Known(v) if let Some(n) = count_of(&v) => Expansion {
                instances: (0..n.min(MAX_COUNT))
                    .map(|i| (format!("[{i}]"), Arc::new(scope.with_count(i as i64))))
                    .collect(),
                unknown: None,
                over: (n > MAX_COUNT).then_some((n, count.span)),
            },
            // Not known, or not a count Terraform would take.
            _ => one(Some("count")),
        };
    }
    if let Some(each) = body.attr("for_each") {
        // A set's elements are their own keys (`each.key` is `each.value`), a map's keyed.
        let pairs = super::eval::for_each_elements(scope.eval_expr(&each.expr)).ok();
        return match pairs {
            Some(pairs) => Expansion {
                instances: pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let k = k.map_or_else(|| v.clone(), Value::from);
                        let key = super::eval::text(&k).unwrap_or_default();
                        let from = direct_var(&each.expr).or(matches!(
                            each.expr,
                            hcl::Expression::Object(_)
                        )
                        .then_some(literal));
                        (
                            format!("[\"{key}\"]"),
                            Arc::new(scope.with_each(k, v, from)),
                        )
                    })
                    .collect(),
                unknown: None,
                over: None,
            },
            None => match instances_of(&each.expr, scope, resources, 0) {
                Some((address, keys)) => Expansion {
                    instances: keys
                        .into_iter()
                        .map(|key| {
                            let index = format!("[\"{key}\"]");
                            let instance = format!("{address}{index}");
                            (index, Arc::new(scope.with_instance(&key, instance)))
                        })
                        .collect(),
                    unknown: None,
                    over: None,
                },
                None => one(Some("for_each")),
            },
        };
    }
    one(None)
}

/// The address and keys of the instances of the module's resource `expr` names alone
/// (`for_each = huaweicloud_compute_instance.web`), when its own `for_each` is known: a map of
/// its instances by key, which Terraform knows before apply. `None` otherwise (a `count` makes
/// a list, which `for_each` does not take).
fn instances_of(
    expr: &hcl::Expression,
    scope: &Scope,
    resources: &HashMap<String, &Body>,
    depth: usize,
) -> Option<(String, Vec<String>)> {
    use hcl::expr::TraversalOperator as Op;
    let address = match traversal(expr)? {
        ("data", [Op::GetAttr(ty), Op::GetAttr(name)]) => format!("data.{ty}.{name}"),
        (ty, [Op::GetAttr(name)]) if scope.names_resource_type(ty) => format!("{ty}.{name}"),
        _ => return None,
    };
    let each = resources.get(&address)?.attr("for_each")?;
    let keys = match super::eval::for_each_elements(scope.eval_expr(&each.expr)) {
        Ok(pairs) => pairs
            .into_iter()
            .map(|(k, v)| k.or_else(|| super::eval::text(&v)))
            .collect::<Option<Vec<String>>>()?,
        // Over another resource's instances in turn (a chain of a few at most).
        Err(_) if depth < 4 => instances_of(&each.expr, scope, resources, depth + 1)?.1,
        Err(_) => return None,
    };
    Some((address, keys))
}

/// Why whether `what` (an address, "module `m`") is created is not known before apply: its
/// `arg` is not.
fn creation_not_known(what: &str, arg: &str) -> String {
    pick(
        || format!("whether {what} is created is not known before apply (its `{arg}` is not)"),
        || format!("{what}是否会被创建在apply之前未知（其`{arg}`未知）"),
    )
}

#[cfg(test)]
mod tests {
    use super::relative_to;
    use std::path::Path;

    #[test]
    fn path_module_is_the_modules_directory_from_the_roots() {
        let from = |dir: &str, root: &str| relative_to(Path::new(dir), Path::new(root));
        assert_eq!(from("envs/prod", "envs/prod"), ".");
        assert_eq!(from("envs/prod/modules/app", "envs/prod"), "modules/app");
        assert_eq!(from("shared/img", "envs/prod"), "../../shared/img");
        // Run from the root's directory (`check .`): the same.
        assert_eq!(from("../../shared/img", ""), "../../shared/img");
        assert_eq!(from("", ""), ".");
    }
}
