//! Plans (`terraform show -json PLANFILE`): what `terraform apply` will do, with every value
//! Terraform knows. `create` (and replace) actions are new requests; copies, shares and
//! exports being created or changed are operations; instances are servers. Values in
//! `after_unknown` are unknown (linked to the resource they reference when the plan's
//! configuration says which); sensitive values are never read.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use super::config::{Attr, json_body};
use super::eval::{Scope, Val};
use super::module::{Instance, ModuleScope};
use super::{Kind, Source};
use crate::input::source::SourceFile;
use crate::model::{DocKind, DocModel};
use crate::syntax::tree::{Node, Span, Value};

/// A plan has `format_version` and `resource_changes` or `planned_values`.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("resource_changes").is_some() || root.get("planned_values").is_some())
}

/// The resource types a plan's changes are read for.
const READ: [&str; 11] = [
    "huaweicloud_ims_ecs_whole_image",
    "huaweicloud_ims_cbr_whole_image",
    "huaweicloud_images_image",
    "huaweicloud_images_image_copy",
    "huaweicloud_images_image_share",
    "huaweicloud_ims_image_export",
    "huaweicloud_imsv21_image_export",
    "huaweicloud_compute_instance",
    "huaweicloud_evs_volume",
    "huaweicloud_compute_volume_attach",
    "huaweicloud_cbr_vault",
];

/// The resources that may make a whole image.
const IMAGES: [&str; 3] = [
    "huaweicloud_ims_ecs_whole_image",
    "huaweicloud_ims_cbr_whole_image",
    "huaweicloud_images_image",
];

/// The type of a share of an image.
const SHARE: &str = "huaweicloud_images_image_share";

pub fn read_document(file: &Arc<SourceFile>, root: &Node) -> Option<DocModel> {
    if !is_plan(root) {
        return None;
    }
    file.withhold(sensitive_spans(root));
    // A plan Terraform could not finish lists only some changes: what is left out is not
    // checked, which must not pass for a clean verdict.
    let errored = root
        .get("errored")
        .filter(|e| e.value() == Some(Value::Bool(true)))
        .map(|e| {
            let place = crate::finding::Place::new(file.clone(), e.span, "/errored".to_string());
            crate::finding::Hit::new(crate::finding::ids::INVENTORY_SYNTAX, "errored_plan", place)
        });
    let config = Config::new(root);
    let mut scopes: HashMap<String, Arc<ModuleScope>> = HashMap::new();
    let mut instances = Vec::new();
    let mut destroyed = Vec::new();
    for (i, rc) in root
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let (Some(ty), Some(address), Some(change)) = (
            rc.get("type").and_then(Node::as_str),
            rc.get("address"),
            rc.get("change"),
        ) else {
            continue;
        };
        let ty = super::canonical(ty);
        if !READ.contains(&ty) {
            continue;
        }
        let actions: Vec<&str> = change
            .get("actions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        let creates = actions.contains(&"create");
        // A deposed object (left by a `create_before_destroy` that failed) is an old one, which
        // the plan deletes beside the current one at the same address: it is neither.
        if rc.get("deposed").is_some() {
            continue;
        }
        if actions == ["delete"]
            && let Some(address) = address.as_str()
        {
            destroyed.push(address.to_string());
            continue;
        }
        // An image the plan keeps (made by an earlier apply) is read as what already exists,
        // as a data source is: no request, but what a new copy, share or export of it uses.
        let kept = !creates && actions != ["delete"];
        let updates = actions.contains(&"update");
        let image = IMAGES.contains(&ty);
        // A share the plan keeps (neither made nor changed) is read as what exists too: its
        // projects count towards the image's limit, as a new share's do.
        let kept_share = ty == SHARE && kept && !updates;
        let wanted = match ty {
            _ if image => creates || kept,
            _ if kept_share => true,
            "huaweicloud_images_image_copy"
            | "huaweicloud_images_image_share"
            | "huaweicloud_ims_image_export"
            | "huaweicloud_imsv21_image_export" => creates || updates,
            _ => actions != ["delete"],
        };
        // What `forget` leaves (Terraform drops it from its state, the cloud keeps it, a
        // share's members too) is what it was: its `before`.
        let forgotten = actions == ["forget"];
        let state = if forgotten { "before" } else { "after" };
        let Some(after) = change.get(state).filter(|a| a.as_map().is_some()) else {
            continue;
        };
        if !wanted {
            continue;
        }
        let module = rc
            .get("module_address")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let prefix = if module.is_empty() {
            String::new()
        } else {
            format!("{module}.")
        };
        let data_source = rc.get("mode").and_then(Node::as_str) == Some("data");
        // What the plan keeps is read as a data source is (what exists), under its own
        // address: a module's resource pairs with it, and the configuration describes it.
        let data = data_source || (kept && image) || kept_share;
        let name = rc.get("name").and_then(Node::as_str).unwrap_or_default();
        let local = if data_source {
            format!("data.{ty}.{name}")
        } else {
            format!("{ty}.{name}")
        };
        let mut body = json_body(after, false);
        for (key, why, marked) in withheld(change, state) {
            // An argument the configuration does not set is computed by the cloud, not sent
            // (a `region` not set is the provider configuration's, which counts then; one set
            // to what is known only after apply stays unknown). A nested block is not such an
            // argument: the plan's configuration leaves out the
            // blocks a `dynamic` block writes, whose values are unknown, not computed.
            if matches!(why, Withheld::Unknown)
                && !config.sets(&prefix, &local, &key)
                && !super::config::is_nested_block(&key)
            {
                body.attrs.retain(|(k, _)| *k != key);
                continue;
            }
            if matches!(why, Withheld::Unknown)
                && super::config::is_nested_block(&key)
                && nested_references(&mut body, &key, change, |arg| {
                    config.reference(&prefix, &local, arg, rc.get("index"))
                })
            {
                continue;
            }
            let expr = match (
                why,
                config.reference(&prefix, &local, &key, rc.get("index")),
            ) {
                // A list whose known items count (a new project's id among literal ones).
                (Withheld::Unknown, reference) => {
                    let unknown = reference.unwrap_or_else(|| marker("known_after_apply"));
                    partly_known(after.get(&key), change, &key, &unknown).unwrap_or(unknown)
                }
                (Withheld::Sensitive, _) => marker("sensitive_value"),
            };
            let span = after.get(&key).map_or(marked, |n| n.span);
            let attr = Attr::new(expr, span, span);
            match body.attrs.iter_mut().find(|(k, _)| *k == key) {
                Some((_, a)) => *a = attr,
                None => body.attrs.push((key.into(), attr)),
            }
        }
        if let Some(key) = config.providers.get(&configured(&prefix, &local))
            && key.contains('.')
            && let Ok(expr) = hcl::Expression::from_str(key)
        {
            body.attrs.push((
                "provider".into(),
                Attr::new(expr, address.span, address.span),
            ));
        }
        let scope = module_scope(&mut scopes, &config, &prefix);
        instances.push(Instance {
            address: address.as_str().unwrap_or_default().to_string(),
            ty: ty.to_string(),
            data,
            body: Arc::new(body),
            span: address.span,
            source: 0,
            module: scope,
            scope: Arc::default(),
            pointer: format!("/resource_changes/{i}/change/{state}"),
            planned: true,
            // A plan lists the instances it creates.
            creation_unknown: None,
        });
    }
    read_data_sources(root, &config, &mut scopes, &mut instances);
    let source = Source {
        file: file.clone(),
        path: PathBuf::new(),
        kind: Kind::Config,
        body: None,
    };
    let entities = super::map::entities(&instances, &[&source])
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Some(DocModel {
        kind: DocKind::Inventory,
        entities,
        hits: errored.into_iter().collect(),
        destroyed,
        variables: variables(root),
    })
}

/// The root variables' values the plan was made with, but those its configuration says are
/// sensitive: never read (a finding would show them), whatever a module declares.
fn variables(root: &Node) -> Vec<(String, hcl::Value)> {
    let scope = Scope::default();
    root.get("variables")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter(|v| !sensitive_variable(root, &v.key))
        .filter_map(|v| {
            let expr = super::config::json_expr(v.value.get("value")?, false);
            match scope.eval_expr(&expr) {
                Val::Known(value) => Some((v.key.to_string(), value)),
                _ => None,
            }
        })
        .collect()
}

/// The scope of the plan's module whose addresses start with `prefix` (`module.app.`), made
/// once: the configuration's provider regions, the prefix its references name resources by.
fn module_scope(
    scopes: &mut HashMap<String, Arc<ModuleScope>>,
    config: &Config,
    prefix: &str,
) -> Arc<ModuleScope> {
    scopes
        .entry(prefix.to_string())
        .or_insert_with(|| {
            Arc::new(ModuleScope {
                regions: config.regions_in(prefix),
                prefix: prefix.to_string(),
                ..ModuleScope::default()
            })
        })
        .clone()
}

/// The data sources Terraform read while planning, which only `prior_state` holds (the changes
/// list those deferred to apply, `read`): a server found by name, with its disks' pools and
/// keys, is what the requests that use it are judged by. Sensitive values are not read.
fn read_data_sources(
    root: &Node,
    config: &Config,
    scopes: &mut HashMap<String, Arc<ModuleScope>>,
    instances: &mut Vec<Instance>,
) {
    let listed: HashSet<String> = instances.iter().map(|i| i.address.clone()).collect();
    let state = root.get("prior_state").and_then(|p| p.get("values"));
    let mut modules: Vec<(&Node, String, String)> = state
        .and_then(|v| v.get("root_module"))
        .map(|m| {
            (
                m,
                "/prior_state/values/root_module".to_string(),
                String::new(),
            )
        })
        .into_iter()
        .collect();
    while let Some((module, at, prefix)) = modules.pop() {
        let children = module.get("child_modules").and_then(Node::as_seq);
        for (j, child) in children.unwrap_or_default().iter().enumerate() {
            let Some(address) = child.get("address").and_then(Node::as_str) else {
                continue;
            };
            modules.push((
                child,
                format!("{at}/child_modules/{j}"),
                format!("{address}."),
            ));
        }
        let resources = module.get("resources").and_then(Node::as_seq);
        for (i, r) in resources.unwrap_or_default().iter().enumerate() {
            let (Some("data"), Some(ty), Some(address), Some(values)) = (
                r.get("mode").and_then(Node::as_str),
                r.get("type").and_then(Node::as_str),
                r.get("address"),
                r.get("values").filter(|v| v.as_map().is_some()),
            ) else {
                continue;
            };
            let ty = super::canonical(ty);
            let Some(name) = address.as_str() else {
                continue;
            };
            if !READ.contains(&ty) || listed.contains(name) {
                continue;
            }
            let mut body = json_body(values, false);
            let sensitive = r.get("sensitive_values").and_then(Node::as_map);
            for entry in sensitive.unwrap_or_default() {
                if contains_true(&entry.value) {
                    let span = values.get(&entry.key).map_or(entry.key_span, |n| n.span);
                    let attr = Attr::new(marker("sensitive_value"), span, span);
                    match body.attrs.iter_mut().find(|(k, _)| *k == entry.key) {
                        Some((_, a)) => *a = attr,
                        None => body.attrs.push((entry.key.as_str().into(), attr)),
                    }
                }
            }
            let scope = module_scope(scopes, config, &prefix);
            instances.push(Instance {
                address: name.to_string(),
                ty: ty.to_string(),
                data: true,
                body: Arc::new(body),
                span: address.span,
                source: 0,
                module: scope,
                scope: Arc::default(),
                pointer: format!("{at}/resources/{i}/values"),
                planned: true,
                creation_unknown: None,
            });
        }
    }
}

/// An expression that evaluates to unknown, saying why.
/// A list of values some items of which are unknown until apply (`["p1", null]` with
/// `after_unknown` `[false, true]`): the list with those items `unknown` (the reference the
/// configuration makes, when it makes one), so that the known ones still count (see
/// `map::Draft::partly_known_list`). `None` for anything else.
fn partly_known(
    after: Option<&Node>,
    change: &Node,
    key: &str,
    unknown: &hcl::Expression,
) -> Option<hcl::Expression> {
    let items = after?.as_seq()?;
    let marks = change.get("after_unknown")?.get(key)?.as_seq()?;
    if marks.len() != items.len() {
        return None;
    }
    let mut list = Vec::with_capacity(items.len());
    for (item, mark) in items.iter().zip(marks) {
        list.push(match mark.value() {
            Some(Value::Bool(true)) => unknown.clone(),
            Some(Value::Bool(false)) => super::config::json_expr(item, false),
            // Something inside the item is unknown: not a list of plain values.
            _ => return None,
        });
    }
    Some(hcl::Expression::Array(list))
}

/// A resource's address as the plan's `configuration` names it: without the instance keys of
/// the modules it is in (a module called with `count` or `for_each` is configured once).
fn configured(prefix: &str, local: &str) -> String {
    super::without_keys(&format!("{prefix}{local}"))
}

/// After a resource's address in [`Config`]'s references: the instance of that resource a
/// `for_each` over it gives (see `Config::reference`).
const EACH_INSTANCE: &str = "[each.key].id";

fn marker(root: &str) -> hcl::Expression {
    hcl::Expression::Variable(hcl::expr::Variable::unchecked(root))
}

/// Where the plan writes a sensitive value: the values under `after_sensitive` and
/// `before_sensitive` of each change and of each output, and sensitive root variables, found
/// wherever the plan repeats them (`planned_values`, `prior_state`, `variables`).
fn sensitive_spans(root: &Node) -> Vec<Span> {
    let mut secrets: HashSet<&str> = HashSet::new();
    let changes = root
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|rc| rc.get("change"));
    let outputs = root
        .get("output_changes")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .map(|e| &e.value);
    for change in changes.chain(outputs) {
        for (value, mask) in [("after", "after_sensitive"), ("before", "before_sensitive")] {
            masked_texts(change.get(value), change.get(mask), &mut secrets);
        }
    }
    // A resource's state in `planned_values` and `prior_state` (data sources read while
    // planning too) marks its own: `sensitive_values` beside `values`.
    state_secrets(root, &mut secrets);
    let variables = root.get("variables").and_then(Node::as_map);
    for variable in variables.unwrap_or_default() {
        if sensitive_variable(root, &variable.key)
            && let Some(value) = variable.value.get("value")
        {
            texts(value, &mut secrets);
        }
    }
    let mut spans = Vec::new();
    if !secrets.is_empty() {
        written(root, &secrets, &mut spans);
    }
    spans
}

/// The plan's configuration declares the root variable `name` sensitive.
fn sensitive_variable(root: &Node, name: &str) -> bool {
    root.get("configuration")
        .and_then(|c| c.get("root_module"))
        .and_then(|m| m.get("variables"))
        .and_then(|v| v.get(name))
        .and_then(|v| v.get("sensitive"))
        .and_then(Node::value)
        == Some(Value::Bool(true))
}

/// The texts a resource's state marks sensitive (`sensitive_values` beside its `values`),
/// anywhere under `node`.
fn state_secrets<'a>(node: &'a Node, out: &mut HashSet<&'a str>) {
    use crate::syntax::tree::Kind;
    match &node.kind {
        Kind::Map(entries) => {
            masked_texts(node.get("values"), node.get("sensitive_values"), out);
            entries.iter().for_each(|e| state_secrets(&e.value, out));
        }
        Kind::Seq(items) => items.iter().for_each(|i| state_secrets(i, out)),
        Kind::Scalar(_) => {}
    }
}

/// The texts of `value` that `mask` (`true`, or a tree of them) says are sensitive.
fn masked_texts<'a>(value: Option<&'a Node>, mask: Option<&Node>, out: &mut HashSet<&'a str>) {
    use crate::syntax::tree::Kind;
    let (Some(value), Some(mask)) = (value, mask) else {
        return;
    };
    match (&value.kind, &mask.kind) {
        _ if mask.value() == Some(Value::Bool(true)) => texts(value, out),
        (Kind::Map(_), Kind::Map(marks)) => {
            for m in marks {
                masked_texts(value.get(&m.key), Some(&m.value), out);
            }
        }
        (Kind::Seq(items), Kind::Seq(marks)) => {
            for (item, m) in items.iter().zip(marks) {
                masked_texts(Some(item), Some(m), out);
            }
        }
        _ => {}
    }
}

/// Every string and number under `node` (`true`, `false` and `null` give nothing away), and
/// the keys of its maps (a sensitive map's keys are as secret as its values: `terraform plan`
/// shows neither).
fn texts<'a>(node: &'a Node, out: &mut HashSet<&'a str>) {
    use crate::syntax::tree::Kind;
    match &node.kind {
        Kind::Scalar(s) => {
            if matches!(
                node.value(),
                Some(Value::Str(_) | Value::Int(_) | Value::Float(_))
            ) {
                out.insert(s.text.as_str());
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| texts(i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| {
            out.insert(e.key.as_str());
            texts(&e.value, out);
        }),
    }
}

/// Some scalar under `node` says one of the `secrets`.
fn says_secret(node: &Node, secrets: &HashSet<&str>) -> bool {
    use crate::syntax::tree::Kind;
    match &node.kind {
        Kind::Scalar(s) => secrets.contains(s.text.as_str()),
        Kind::Seq(items) => items.iter().any(|i| says_secret(i, secrets)),
        Kind::Map(entries) => entries.iter().any(|e| says_secret(&e.value, secrets)),
    }
}

/// The spans of the scalars under `node` that say one of the `secrets`.
fn written(node: &Node, secrets: &HashSet<&str>, out: &mut Vec<Span>) {
    use crate::syntax::tree::Kind;
    match &node.kind {
        Kind::Scalar(s) => {
            if secrets.contains(s.text.as_str()) {
                out.push(node.span);
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| written(i, secrets, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| {
            // A key is masked where its value is secret too: a sensitive map's entries, not
            // every key of the plan that has the same name (`"name"`).
            if secrets.contains(e.key.as_str()) && says_secret(&e.value, secrets) {
                out.push(e.key_span);
            }
            written(&e.value, secrets, out);
        }),
    }
}

enum Withheld {
    Unknown,
    Sensitive,
}

/// The top-level values of `state` (`after`, or `before` for what the plan forgets) that are
/// unknown until apply, or sensitive.
/// Each with where it is marked (values left out of `after` have no place of their own; the
/// mark's key is where findings about them point, one place per value).
fn withheld(change: &Node, state: &str) -> Vec<(String, Withheld, Span)> {
    let mut out: Vec<(String, Withheld, Span)> = Vec::new();
    let sensitive_field = format!("{state}_sensitive");
    for (field, sensitive) in [("after_unknown", false), (sensitive_field.as_str(), true)] {
        for entry in change.get(field).and_then(Node::as_map).unwrap_or_default() {
            // A list or object with anything withheld inside: the whole value is.
            if contains_true(&entry.value) {
                out.retain(|(k, _, _)| k != entry.key.as_str());
                let why = if sensitive {
                    Withheld::Sensitive
                } else {
                    Withheld::Unknown
                };
                out.push((entry.key.to_string(), why, entry.key_span));
            }
        }
    }
    out
}

/// A nested block's arguments not known before apply that the configuration says are another
/// resource's id (a vault's `resources { server_id = huaweicloud_compute_instance.web.id }`):
/// each such argument of `body`'s `key` blocks made that reference. `true` when every argument
/// withheld in them is one (then nothing of the blocks is unknown); `reference` gives the one
/// of `key.POSITION.ARGUMENT`.
fn nested_references(
    body: &mut super::config::Body,
    key: &str,
    change: &Node,
    reference: impl Fn(&str) -> Option<hcl::Expression>,
) -> bool {
    let Some(marks) = change
        .get("after_unknown")
        .and_then(|u| u.get(key))
        .and_then(Node::as_seq)
    else {
        return false;
    };
    let mut blocks = body.blocks.iter_mut().filter(|b| b.ty == key);
    for (i, mark) in marks.iter().enumerate() {
        let Some(block) = blocks.next() else {
            return false;
        };
        for arg in mark.as_map().unwrap_or_default() {
            match arg.value.value() {
                Some(Value::Bool(false)) => continue,
                Some(Value::Bool(true)) => {}
                _ => return false,
            }
            let Some(expr) = reference(&format!("{key}.{i}.{}", arg.key)) else {
                return false;
            };
            let span = block.span;
            let inner = std::sync::Arc::make_mut(&mut block.body);
            let attr = Attr::new(expr, span, span);
            match inner.attrs.iter_mut().find(|(k, _)| *k == arg.key.as_str()) {
                Some((_, a)) => *a = attr,
                None => inner.attrs.push((arg.key.as_str().into(), attr)),
            }
        }
    }
    true
}

fn contains_true(node: &Node) -> bool {
    match node.value() {
        Some(Value::Bool(b)) => b,
        Some(_) => false,
        None => match &node.kind {
            crate::syntax::tree::Kind::Seq(items) => items.iter().any(contains_true),
            crate::syntax::tree::Kind::Map(entries) => {
                entries.iter().any(|e| contains_true(&e.value))
            }
            crate::syntax::tree::Kind::Scalar(_) => false,
        },
    }
}

/// What the plan's `configuration` says: the provider's region and which resource each
/// argument references.
struct Config {
    /// The provider configurations' regions, by the module that has them (the root's: empty)
    /// and their alias (the default one's: empty).
    regions: HashMap<String, HashMap<String, Val>>,
    /// (module prefix + resource address, argument) -> the `id` reference it makes.
    references: HashMap<(String, String), String>,
    /// Module prefix + resource address -> the provider configuration it uses
    /// (`huaweicloud.sharer`).
    providers: HashMap<String, String>,
    /// Module prefix + resource address -> the arguments its configuration sets.
    args: HashMap<String, Vec<String>>,
}

impl Config {
    fn new(root: &Node) -> Config {
        let config = root.get("configuration");
        let variables = root.get("variables");
        let mut regions = HashMap::new();
        for entry in config
            .and_then(|c| c.get("provider_config"))
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let p = &entry.value;
            if p.get("name").and_then(Node::as_str) != Some("huaweicloud") {
                continue;
            }
            let alias = p.get("alias").and_then(Node::as_str).unwrap_or_default();
            // A module's own provider configuration is its (`module.app`); the root's has none.
            let module = p
                .get("module_address")
                .and_then(Node::as_str)
                .unwrap_or_default();
            let Some(region) = p.get("expressions").and_then(|e| e.get("region")) else {
                continue;
            };
            // A constant, or a root variable (whose value the plan holds; a module's variables
            // it does not hold).
            let value = region.get("constant_value").or_else(|| {
                let reference = region.get("references")?.as_seq()?.first()?.as_str()?;
                let name = reference
                    .strip_prefix("var.")
                    .filter(|_| module.is_empty())?;
                variables?.get(name)?.get("value")
            });
            // Set to what cannot be read here, the region is unknown: not a caller's.
            let region = match value.and_then(Node::as_str) {
                Some(region) => Val::Known(hcl::Value::from(region)),
                None => Val::Unknown(
                    crate::lang::say(
                        "the region of its provider configuration is not known from the plan",
                        "其提供方配置的区域无法从计划中得知",
                    )
                    .to_string(),
                ),
            };
            regions
                .entry(module.to_string())
                .or_insert_with(HashMap::new)
                .insert(alias.to_string(), region);
        }
        let mut references = HashMap::new();
        let mut providers = HashMap::new();
        let mut args = HashMap::new();
        if let Some(root) = config.and_then(|c| c.get("root_module")) {
            let mut found = Found {
                references: &mut references,
                providers: &mut providers,
                args: &mut args,
            };
            found.collect(root, "", 0);
        }
        Config {
            regions,
            references,
            providers,
            args,
        }
    }

    /// The regions of the provider configurations the module whose addresses start with
    /// `prefix` uses: its own, else its callers' (the nearest one's), as a module without a
    /// provider block inherits its caller's.
    fn regions_in(&self, prefix: &str) -> HashMap<String, Val> {
        let module = super::without_keys(prefix.trim_end_matches('.'));
        // The root's (`""`) and each caller's: the nearest applied last.
        let mut scopes: Vec<(&String, &HashMap<String, Val>)> = self
            .regions
            .iter()
            .filter(|(m, _)| {
                m.is_empty()
                    || **m == module
                    || module
                        .strip_prefix(m.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
            .collect();
        scopes.sort_by_key(|(m, _)| m.len());
        scopes
            .into_iter()
            .flat_map(|(_, regions)| regions.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect()
    }

    /// The configuration sets the argument (or the resource's configuration is not in the
    /// plan: then it may).
    fn sets(&self, prefix: &str, local: &str, key: &str) -> bool {
        self.args
            .get(&configured(prefix, local))
            .is_none_or(|args| args.iter().any(|a| a == key))
    }

    fn reference(
        &self,
        prefix: &str,
        local: &str,
        key: &str,
        index: Option<&Node>,
    ) -> Option<hcl::Expression> {
        let text = self
            .references
            .get(&(configured(prefix, local), key.to_string()))?;
        // `each.value.id` of a `for_each` over another resource's instances: that resource's
        // instance of this one's key.
        let text = match (
            text.strip_suffix(EACH_INSTANCE),
            index.and_then(Node::as_str),
        ) {
            (Some(resource), Some(key)) => {
                format!("{resource}[{}].id", serde_json::to_string(key).ok()?)
            }
            (Some(_), None) => return None,
            (None, _) => text.clone(),
        };
        hcl::Expression::from_str(&text).ok()
    }
}

/// The reference to another resource's `id` an expression of the plan's configuration makes.
fn id_reference(expression: &Node) -> Option<&str> {
    expression
        .get("references")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .find(|r| r.ends_with(".id"))
}

/// A reference to a resource as a whole (`TYPE.NAME`, `data.TYPE.NAME`), no attribute; not
/// a local, variable or module output (`local.server_ids`).
fn names_resource(reference: &str) -> bool {
    let ty = reference.strip_prefix("data.").unwrap_or(reference);
    let root = ty.split('.').next().unwrap_or_default();
    ty.split('.').count() == 2
        && ty.contains('_')
        && !matches!(
            root,
            "local" | "var" | "module" | "each" | "count" | "path" | "self"
        )
}

/// What the configuration's modules say of their resources (see [`Config`]).
struct Found<'a> {
    references: &'a mut HashMap<(String, String), String>,
    providers: &'a mut HashMap<String, String>,
    args: &'a mut HashMap<String, Vec<String>>,
}

impl Found<'_> {
    fn collect(&mut self, module: &Node, prefix: &str, depth: usize) {
        if depth > 16 {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            let Some(address) = r.get("address").and_then(Node::as_str) else {
                continue;
            };
            let full = format!("{prefix}{address}");
            if let Some(key) = r.get("provider_config_key").and_then(Node::as_str) {
                // Keys of child modules carry the module's path before a colon.
                let key = key.rsplit(':').next().unwrap_or(key);
                self.providers.insert(full.clone(), key.to_string());
            }
            let expressions = r
                .get("expressions")
                .and_then(Node::as_map)
                .unwrap_or_default();
            // A `for_each` over another resource's instances (`for_each =
            // huaweicloud_compute_instance.web`): `each.value.id` is one of them.
            let over = r
                .get("for_each_expression")
                .and_then(|e| e.get("references"))
                .and_then(Node::as_seq)
                .and_then(|refs| refs.first())
                .and_then(Node::as_str)
                .filter(|r| names_resource(r));
            for e in expressions {
                // `huaweicloud_compute_instance.web[count.index].id` is listed as the resource
                // and `count.index` apart, as `web[count.index + 1].id` is: which instance it
                // names is not known (unknown, not the same key's).
                let id = id_reference(&e.value);
                let id = match (id, over) {
                    (Some("each.value.id"), Some(over)) => Some(format!("{over}{EACH_INSTANCE}")),
                    (id, _) => id.map(str::to_string),
                };
                if let Some(id) = id {
                    self.references
                        .insert((full.clone(), e.key.to_string()), id);
                }
                // A nested block's arguments (a vault's `resources { server_id = … }`): by
                // the block's position and the argument (`resources.0.server_id`).
                for (i, block) in e.value.as_seq().unwrap_or_default().iter().enumerate() {
                    for arg in block.as_map().unwrap_or_default() {
                        if let Some(id) = id_reference(&arg.value) {
                            let key = format!("{}.{i}.{}", e.key, arg.key);
                            self.references.insert((full.clone(), key), id.to_string());
                        }
                    }
                }
            }
            self.args.insert(
                full,
                expressions.iter().map(|e| e.key.to_string()).collect(),
            );
        }
        for call in module
            .get("module_calls")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            if let Some(child) = call.value.get("module") {
                self.collect(child, &format!("{prefix}module.{}.", call.key), depth + 1);
            }
        }
    }
}
