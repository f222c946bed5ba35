//! Properties over generated inventories: spans slice back to what their pointer names,
//! findings do not depend on file order or thread count, and no input makes the tool panic.

mod common;

use std::fs;

use ims_preflight::report::OutputFormat;
use ims_preflight::syntax::parse::{self, Format, Limits};
use ims_preflight::syntax::tree::{Node, Span, resolve};
use proptest::prelude::*;

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ACTIVE".to_string()),
        Just("shutoff".to_string()),
        Just("no".to_string()),
        Just("OfflineShared".to_string()),
        Just("onlineall".to_string()),
        Just("windows".to_string()),
        Just("linux".to_string()),
        Just("true".to_string()),
        Just("12".to_string()),
        "[a-z网站 ._-]{0,12}",
    ]
}

fn style(text: &str, quoted: bool) -> String {
    if quoted {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

const KEYS: &[&str] = &[
    "name",
    "os",
    "status",
    "task_state",
    "san_policy",
    "backup_service",
    "sanpolicy",
    "disks",
];

prop_compose! {
    fn server()(id in "[0-9a-f]{8}", fields in prop::collection::vec((0..KEYS.len(), scalar(), any::<bool>()), 0..6)) -> String {
        let mut out = format!("  - id: {id}-ba63-4e1e-b95f-e67e48b6129a\n");
        let mut seen = Vec::new();
        for (k, v, quoted) in fields {
            let key = KEYS[k];
            if seen.contains(&key) { continue; }
            seen.push(key);
            if key == "disks" {
                out.push_str(&format!("    disks: [{{id: d1, system: {}}}, {{id: d2, dss: true}}]\n", style(&v, quoted)));
            } else {
                out.push_str(&format!("    {key}: {}\n", style(&v, quoted)));
            }
        }
        out
    }
}

prop_compose! {
    fn request()(name in scalar(), tags in prop::collection::vec("[a-z.]{0,40}", 0..4), min in -5i64..5000, source in any::<bool>()) -> String {
        let source = if source { "instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a" } else { "backup_id: not-a-uuid" };
        format!("  - name: \"{name}\"\n    {source}\n    min_ram: {min}\n    max_ram: 1024\n    tags: [{}]\n", tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", "))
    }
}

prop_compose! {
    fn inventory()(servers in prop::collection::vec(server(), 0..4), requests in prop::collection::vec(request(), 0..3)) -> String {
        let mut text = String::from("# generated\nregion: cn-north-4\n");
        if !servers.is_empty() { text.push_str("servers:\n"); text.push_str(&servers.concat()); }
        if !requests.is_empty() { text.push_str("requests:\n"); text.push_str(&requests.concat()); }
        if servers.is_empty() && requests.is_empty() { text.push_str("servers: []\n"); }
        text
    }
}

/// The key span of the last token of `pointer`, if it names a mapping member.
fn key_span(root: &Node, pointer: &str) -> Option<Span> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    resolve(root, parent)?.entry(&key).map(|e| e.key_span)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn spans_slice_back_to_what_the_pointer_names(text in inventory()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inv.yaml");
        fs::write(&path, &text).expect("write");
        let (_, outcome) = common::check(&[&path], &[]);
        let parsed = parse::parse(&text, Format::Yaml, &Limits::default());
        // Generated plain scalars can be invalid YAML (`- x`); those runs are syntax findings only.
        prop_assume!(!parsed.docs.is_empty());
        let root = &parsed.docs[0];
        for f in &outcome.findings {
            if f.place.pointer.is_empty() { continue; }
            let node = resolve(root, &f.place.pointer);
            prop_assert!(node.is_some(), "{} does not resolve ({})", f.place.pointer, f.rule);
            let node = node.expect("resolved");
            let first_key = node.as_map().and_then(|m| m.first()).map(|e| e.key_span);
            let ok = f.place.span == node.span
                || Some(f.place.span) == key_span(root, &f.place.pointer)
                || Some(f.place.span) == first_key;
            prop_assert!(ok, "{} at {:?} is not the span of {} ({:?})", f.rule, f.place.span, f.place.pointer, &text[f.place.span.range()]);
        }
    }

    #[test]
    fn findings_do_not_depend_on_file_order_or_threads(a in inventory(), b in inventory()) {
        let one = tempfile::tempdir().expect("tempdir");
        fs::write(one.path().join("a.yaml"), &a).expect("write");
        fs::write(one.path().join("b.yaml"), &b).expect("write");
        let two = tempfile::tempdir().expect("tempdir");
        fs::write(two.path().join("a.yaml"), &b).expect("write");
        fs::write(two.path().join("b.yaml"), &a).expect("write");
        let facts = |dir: &std::path::Path| {
            let (_, outcome) = common::check(&[dir], &[]);
            let mut v: Vec<_> = outcome.findings.iter()
                .filter(|f| !matches!(f.rule.as_str(), "backup-single-image" | "inventory-duplicate-id"))
                .map(|f| (f.rule.clone(), f.entity.clone(), f.place.pointer.clone(), f.message.clone()))
                .collect();
            v.sort();
            v
        };
        prop_assert_eq!(facts(one.path()), facts(two.path()));
        let render = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| {
                let (rules, outcome) = common::check(&[one.path()], &[]);
                common::render(&rules, &outcome, OutputFormat::Json)
            })
        };
        prop_assert_eq!(render(1), render(4));
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(text) = ims_preflight::input::source::decode(bytes.clone()) {
            let _ = parse::parse(&text, Format::Yaml, &Limits::default());
            let _ = parse::parse(&text, Format::Json, &Limits::default());
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.yaml");
        fs::write(&path, &bytes).expect("write");
        let rules = common::rules();
        let cwd = std::env::current_dir().expect("cwd");
        let walk = ims_preflight::input::discover::Walk { cwd: &cwd, exclude: &[], exclude_base: &cwd, follow_links: false };
        let found = walk.run(&[path.display().to_string()]).expect("walk");
        let config = ims_preflight::config::Config::default();
        let selection = ims_preflight::engine::Selection::default();
        let limits = Limits::default();
        let engine = ims_preflight::engine::Engine { rules: &rules, config: &config, selection: &selection, limits: &limits, prune: true, list_entities: false, terraform: &Default::default() };
        let _ = engine.check(&found.inputs, None);
    }

    #[test]
    fn yaml_structure_survives_arbitrary_text(text in "[a-z:\\[\\]{}, \\n-]{0,200}") {
        let _ = parse::parse(&text, Format::Yaml, &Limits::default());
    }
}

// One inventory written as one file, or as one file per entity, with pruned entities or whole
// trees: the local rules run per file and the whole-inventory rules over pruned entities, so
// this is what keeps the two passes honest (references, duplicates, `source.` conditions,
// detach-disk, backups of a server).

const IDS: &[&str] = &[
    "0a1b2c3d-0000-4000-8000-000000000001",
    "0a1b2c3d-0000-4000-8000-000000000002",
    "0A1B2C3D-0000-4000-8000-000000000002",
];
const BACKUPS: &[&str] = &[
    "b0000000-0000-4000-8000-000000000001",
    "b0000000-0000-4000-8000-000000000002",
];
const DISKS: &[&str] = &["d1", "d2"];

fn pick(from: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(from)
}

prop_compose! {
    fn linked_server()(id in pick(IDS), os in pick(&["windows", "linux"]), status in pick(&["ACTIVE", "SHUTOFF", "BUILD"]),
                       service in pick(&["CBR", "CSBS"]), system in pick(DISKS), dss in any::<bool>(), san in pick(&["OnlineAll", "OfflineShared"]),
                       dhcp in any::<bool>()) -> String {
        format!("  - id: {id}\n    os: {os}\n    status: {status}\n    backup_service: {service}\n    san_policy: {san}\n    optimization: {{dhcp: {dhcp}, virtio_drivers: true}}\n    disks:\n      - {{id: d1, system: {}, dss: {dss}}}\n      - {{id: d2, system: {}}}\n",
            system == "d1", system == "d2")
    }
}

prop_compose! {
    fn linked_backup()(id in pick(BACKUPS), server in pick(IDS), service in pick(&["CBR", "CSBS"]), status in pick(&["available", "protecting"]),
                       shared in any::<bool>(), images in 0usize..2) -> String {
        format!("  - id: {id}\n    service: {service}\n    status: {status}\n    server_id: {server}\n    volumes: [{{id: v1, system: true, shared: {shared}}}]\n    images: [{}]\n",
            vec!["i1"; images].join(", "))
    }
}

prop_compose! {
    fn linked_request()(name in pick(&["img-a", "img-b"]), by_server in any::<bool>(), server in pick(IDS), backup in pick(BACKUPS),
                        kind in pick(&["CBR", "CSBS"]), vault in any::<bool>()) -> String {
        let source = if by_server { format!("instance_id: {server}") } else { format!("backup_id: {backup}\n    whole_image_type: {kind}") };
        let vault = if vault { "\n    vault_id: 0a1b2c3d-0000-4000-8000-0000000000ff" } else { "" };
        format!("  - name: {name}\n    {source}{vault}\n    image_tags: [{{key: env, value: prod}}]\n")
    }
}

prop_compose! {
    fn linked_operation()(action in pick(&["replicate", "share", "export", "detach-disk"]), image in pick(&["img-a", "img-b", "img-c"]),
                          server in pick(IDS), disk in pick(DISKS), target in pick(&["cn-north-4", "la-south-2"])) -> String {
        format!("  - {{action: {action}, image: {image}, server: {server}, disk: {disk}, target_region: {target}}}\n")
    }
}

prop_compose! {
    fn linked_lists()(servers in prop::collection::vec(linked_server(), 0..4), backups in prop::collection::vec(linked_backup(), 0..3),
                      requests in prop::collection::vec(linked_request(), 0..3), operations in prop::collection::vec(linked_operation(), 0..3))
                      -> Vec<(&'static str, Vec<String>)> {
        vec![("servers", servers), ("backups", backups), ("requests", requests), ("operations", operations)]
    }
}

/// What a finding says, wherever its entity sits.
fn said(dir: &std::path::Path, prune: bool) -> Vec<String> {
    let (_, outcome) = if prune {
        common::check(&[dir], &[])
    } else {
        common::check_whole(&[dir])
    };
    let mut v: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            let mut related: Vec<&str> = f.related.iter().map(|r| r.message.as_str()).collect();
            related.sort();
            let path = if f.entity.is_some() {
                f.path.as_str()
            } else {
                ""
            };
            format!(
                "{} {:?} {:?} {path} {} {:?}",
                f.rule, f.severity, f.entity, f.message, related
            )
        })
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn one_file_or_a_file_per_entity_says_the_same(lists in linked_lists()) {
        let one = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("region: cn-north-4\n");
        for (list, items) in &lists {
            if !items.is_empty() {
                text.push_str(&format!("{list}:\n{}", items.concat()));
            }
        }
        prop_assume!(lists.iter().any(|(_, items)| !items.is_empty()));
        fs::write(one.path().join("all.yaml"), &text).expect("write");
        let many = tempfile::tempdir().expect("tempdir");
        let mut n = 0;
        for (list, items) in &lists {
            for item in items {
                fs::write(many.path().join(format!("{n:03}.yaml")), format!("region: cn-north-4\n{list}:\n{item}")).expect("write");
                n += 1;
            }
        }
        let reference = said(one.path(), false);
        prop_assert_eq!(&said(one.path(), true), &reference, "{}", text);
        prop_assert_eq!(&said(many.path(), true), &reference, "{}", text);
    }
}

/// Terraform entities are judged with their root module, on the thread that read it (the
/// per-entity rules), and are then frozen (or thinned) to what the whole-inventory pass reads:
/// every Terraform fixture and example says what judging every entity whole, over the whole
/// inventory, says. So does a module whose server joins an inventory's by name, one whose
/// server has host facts, and one beside an API dump of EVS volumes (with volumes in the run,
/// servers are read whole).
#[test]
fn terraform_judged_with_its_module_or_whole_says_the_same() {
    let joined = tempfile::tempdir().expect("tempdir");
    fs::write(
        joined.path().join("inventory.yaml"),
        "region: cn-north-4\nservers:\n  - id: 4f1e5a0c-2d5b-4c1e-9a77-1b2c3d4e5f60\n    name: web-01\n    status: ACTIVE\n    disks: [{id: d1, system: true, dss: true}]\n",
    )
    .expect("write");
    fs::write(
        joined.path().join("main.tf"),
        "data \"huaweicloud_compute_instance\" \"web\" {\n  name = \"web-01\"\n}\n\nresource \"huaweicloud_ims_ecs_whole_image\" \"img\" {\n  name        = \" img-web\"\n  instance_id = data.huaweicloud_compute_instance.web.id\n}\n",
    )
    .expect("write");
    // Host facts of a Terraform server, in a folder named after it: two descriptions, merged.
    let with_facts = tempfile::tempdir().expect("tempdir");
    let facts = with_facts.path().join("facts/web-01");
    fs::create_dir_all(&facts).expect("mkdir");
    let collected =
        "tests/fixtures/rules/inventory-facts/pass/facts/5b1f6e52-3c0a-4d8e-9f1a-2b7c4d6e8a01";
    for name in ["lsblk.json", "vgs.json"] {
        fs::copy(format!("{collected}/{name}"), facts.join(name)).expect("copy");
    }
    for name in ["main.tf", "terraform.tfvars"] {
        fs::copy(
            format!("examples/terraform/failing/{name}"),
            with_facts.path().join(name),
        )
        .expect("copy");
    }
    let with_volumes = tempfile::tempdir().expect("tempdir");
    for (from, name) in [
        ("examples/terraform/failing/main.tf", "main.tf"),
        (
            "examples/terraform/failing/terraform.tfvars",
            "terraform.tfvars",
        ),
        (
            "tests/fixtures/real-world/api/evs-volumes.json",
            "evs-volumes.json",
        ),
    ] {
        fs::copy(from, with_volumes.path().join(name)).expect("copy");
    }
    let dirs = [
        std::path::Path::new("tests/fixtures/terraform"),
        std::path::Path::new("examples/terraform"),
        joined.path(),
        with_facts.path(),
        with_volumes.path(),
    ];
    for dir in dirs {
        let pruned = said(dir, true);
        assert!(!pruned.is_empty(), "{}", dir.display());
        assert_eq!(pruned, said(dir, false), "{}", dir.display());
    }
}
