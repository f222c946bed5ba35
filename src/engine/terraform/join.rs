//! Terraform servers known only by their address, joined to the inventory's (or an API
//! dump's) server of the same name; and a module's resources joined to what a plan of the same
//! run says of them.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path, PathBuf};

use crate::input::discover::{Input, Origin};
use crate::input::source::normalize;

use crate::model::terraform::{bare_address, without_keys};
use crate::model::{Entity, EntityKind, Origin as ModelOrigin};
use crate::values::address_chars;

use crate::engine::files::Loaded;

/// The servers of the inventory and of API dumps by name, in lowercase: a Terraform server
/// known only by its address (a data source found by `name`, an instance whose id is known
/// after apply) is the one of the same name, when exactly one has it. Its id then stands for
/// the address, in the server and in the requests that use it, so the descriptions merge.
pub(super) struct ByName(HashMap<String, Vec<String>>);

impl ByName {
    pub(super) fn of(loaded: &[Loaded]) -> ByName {
        let mut named: HashMap<String, Vec<String>> = HashMap::new();
        for e in loaded.iter().flat_map(Loaded::entities) {
            if e.kind == EntityKind::Server
                && e.origin != ModelOrigin::Terraform
                && let Some(name) = e.str("name")
            {
                named
                    .entry(name.to_ascii_lowercase())
                    .or_default()
                    .push(e.label().to_string());
            }
        }
        ByName(named)
    }

    /// Join the servers of one root module and the requests that use them.
    pub(super) fn join(&self, found: &mut [(usize, Entity)]) {
        let joined = self.joined(found.iter().map(|(_, e)| e));
        if !joined.is_empty() {
            for (_, e) in found.iter_mut() {
                join_one(&joined, e);
            }
        }
    }

    /// Join the servers of the run's plans (files of their own, not read with a module) and
    /// the requests that use them.
    pub(super) fn join_plans(&self, loaded: &mut [Loaded]) {
        let plans = || loaded.iter().filter(|l| !l.terraform);
        let joined = self.joined(plans().flat_map(Loaded::entities));
        if joined.is_empty() {
            return;
        }
        for l in loaded.iter_mut().filter(|l| !l.terraform) {
            for e in l.docs.iter_mut().flat_map(|d| d.entities.iter_mut()) {
                join_one(&joined, e);
            }
        }
    }

    /// The id that stands for each Terraform server's address among `entities`.
    fn joined<'e>(&self, entities: impl Iterator<Item = &'e Entity>) -> HashMap<String, String> {
        if self.0.is_empty() {
            return HashMap::new();
        }
        entities
            .filter(|e| e.kind == EntityKind::Server && e.origin == ModelOrigin::Terraform)
            .filter(|e| crate::values::is_terraform_address(&e.label()))
            .filter_map(|e| {
                let name = e.str("name")?.to_ascii_lowercase();
                match self.0.get(&name).map(Vec::as_slice) {
                    Some([id]) => Some((e.label().to_string(), id.clone())),
                    _ => None,
                }
            })
            .collect()
    }
}

impl Planned<'_> {
    /// The options a root module in `dir` is read with: those of the run, and the variables'
    /// values its plan was made with (what `terraform apply` of it uses, also for resources a
    /// `-target` plan does not list).
    pub(super) fn options_for<'o>(
        &self,
        dir: &Path,
        options: &'o crate::model::terraform::Options,
    ) -> std::borrow::Cow<'o, crate::model::terraform::Options> {
        let dir = if self.lone { Path::new("") } else { dir };
        match self.by_dir.get(dir).map(|p| &p.variables) {
            Some(variables) if !variables.is_empty() => {
                let mut options = options.clone();
                options.planned.clone_from(variables);
                std::borrow::Cow::Owned(options)
            }
            _ => std::borrow::Cow::Borrowed(options),
        }
    }
}

/// The instance of a module call an address is in, when that call has `count` or `for_each`
/// (`module.img["a"]` of `module.img["a"].huaweicloud_ims_ecs_whole_image.this`): up to the
/// end of the first module's index.
fn module_instance(address: &str) -> Option<&str> {
    if !address.starts_with("module.") {
        return None;
    }
    // The first index ends where the address is outside a key again.
    let mut chars = address_chars(address).peekable();
    let end = loop {
        let (i, _, outside) = chars.next()?;
        if !outside && chars.peek().is_none_or(|&(_, _, next)| next) {
            break i;
        }
    };
    let upto = &address[..=end];
    // The index is a module's when what it follows is `module.NAME`.
    let before = &upto[..upto.rfind('[')?];
    let segments: Vec<&str> = before.rsplitn(3, '.').collect();
    (segments.get(1) == Some(&"module")).then_some(upto)
}

/// A Terraform server's id, or a request's `instance_id`, that is a joined address: the id.
fn join_one(joined: &HashMap<String, String>, e: &mut Entity) {
    if e.origin != ModelOrigin::Terraform {
        return;
    }
    let field = match e.kind {
        EntityKind::Server => "id",
        EntityKind::Request => "instance_id",
        _ => return,
    };
    if let Some(id) = e.str(field).and_then(|a| joined.get(&*a)).cloned() {
        e.set_text(field, &id);
    }
}

/// A plan's entity paired with a module's: its file's `Loaded`, its kind and its address
/// (without the module directory a run of several roots puts before it).
pub(super) type Pair = (usize, EntityKind, String);

/// The plans' entities of one directory, by kind and address, with their file's `Loaded`.
type PlansOf<'l> = HashMap<(EntityKind, &'l str), (usize, &'l Entity)>;

/// What the plans of one directory say of its module's resources.
#[derive(Default)]
struct DirPlans<'l> {
    planned: PlansOf<'l>,
    /// The addresses they destroy (and do not create again).
    destroyed: HashSet<&'l str>,
    /// The resources of which they list instances by index (`web[0]`, `web["a"]`, of a
    /// module's instance too, `module.db["a"].web`), by kind and address without the indexes.
    indexed: HashSet<(EntityKind, String)>,
    /// The instances of module calls they list resources of (`module.img["a"]`), and those
    /// calls (`module.img`).
    module_instances: HashSet<&'l str>,
    module_calls: HashSet<String>,
    /// The root variables' values they were made with.
    variables: Vec<(String, hcl::Value)>,
}

/// The entities of the run's plans, by the directory of the plan file, kind and address. A
/// plan is of the root module in its directory (where `terraform show -json` is run); in a
/// run of one root module, of that one wherever it is.
pub(super) struct Planned<'l> {
    by_dir: HashMap<PathBuf, DirPlans<'l>>,
    lone: bool,
}

impl<'l> Planned<'l> {
    pub(super) fn of(loaded: &'l [Loaded], inputs: &[Input], lone: bool) -> Planned<'l> {
        let mut by_dir: HashMap<PathBuf, DirPlans> = HashMap::new();
        for (at, l) in loaded.iter().enumerate().filter(|(_, l)| !l.terraform) {
            let dir = match (lone, inputs.get(l.unit as usize).map(|i| &i.origin)) {
                (true, _) => PathBuf::new(),
                (false, Some(Origin::Path(path))) => {
                    let path = normalize(path);
                    path.parent().map(Path::to_path_buf).unwrap_or_default()
                }
                (false, _) => continue,
            };
            for e in l.entities() {
                if let Some((address, true)) = e.terraform_address() {
                    let plans = by_dir.entry(dir.clone()).or_default();
                    let address = bare_address(address);
                    plans.planned.insert((e.kind, address), (at, e));
                    let resource = without_keys(address);
                    if resource.len() < address.len() {
                        plans.indexed.insert((e.kind, resource));
                    }
                    if let Some(instance) = module_instance(address) {
                        plans.module_instances.insert(instance);
                        plans.module_calls.insert(without_keys(instance));
                    }
                }
            }
            let is_plan = l
                .entities()
                .any(|e| e.terraform_address().is_some_and(|(_, plan)| plan));
            if is_plan {
                let plans = by_dir.entry(dir.clone()).or_default();
                let variables = l.docs.iter().flat_map(|d| d.variables.iter().cloned());
                plans.variables.extend(variables);
            }
            let destroyed = l.docs.iter().flat_map(|d| &d.destroyed);
            for address in destroyed {
                let plans = by_dir.entry(dir.clone()).or_default();
                plans.destroyed.insert(bare_address(address));
            }
        }
        Planned { by_dir, lone }
    }

    /// Each resource of the root module in `dir` takes what its plan knows of it (see
    /// [`Entity::take_planned`]), before it is judged: the findings are about the values
    /// `terraform apply` sends, at the attributes that write them. A resource the plan
    /// destroys is left out: `terraform apply` sends nothing of what the configuration says of
    /// it (a `plan -destroy` beside its module is no request). Returns the plan's entities so
    /// paired (dropped afterwards: the module's stand for them).
    pub(super) fn apply(&self, dir: &Path, found: &mut Vec<(usize, Entity)>) -> Vec<Pair> {
        let dir = if self.lone { Path::new("") } else { dir };
        let Some(DirPlans {
            planned,
            destroyed,
            indexed,
            module_instances,
            module_calls,
            ..
        }) = self.by_dir.get(dir)
        else {
            return Vec::new();
        };
        // The instances of a resource (or of a module) the plan lists are those `terraform
        // apply` makes: one the module reads that the plan does not list (a `for_each` over a
        // default the plan's `-var` overrode), or a resource standing for instances the module
        // cannot tell (a `count` from a variable with no value), is not a request.
        found.retain(|(_, e)| match e.terraform_address() {
            Some((address, false)) => {
                let address = bare_address(address);
                let listed = planned.contains_key(&(e.kind, address));
                let of_listed = indexed.contains(&(e.kind, without_keys(address)));
                // An instance of a module call the plan lists others of, and nothing of it.
                let unlisted_module = module_instance(address).is_some_and(|m| {
                    !module_instances.contains(m) && module_calls.contains(&without_keys(m))
                });
                !destroyed.contains(address) && (listed || !of_listed) && !unlisted_module
            }
            _ => true,
        });
        let mut paired = Vec::new();
        for (_, e) in found.iter_mut() {
            let Some((address, false)) = e.terraform_address() else {
                continue;
            };
            let address = bare_address(address);
            if let Some(&(at, plan)) = planned.get(&(e.kind, address)) {
                paired.push((at, e.kind, address.to_string()));
                e.take_planned(plan);
                // What the plan keeps (an image, a share) sends nothing from the module either.
                if plan.exists_already() {
                    e.mark_existing();
                }
            }
        }
        paired
    }
}
