//! Properties over generated inventories: spans slice back to what their pointer names,
//! findings do not depend on file order or thread count, and no input makes the tool panic.

mod common;

use std::fs;

use ims_preflight::parse::{self, Format, Limits};
use ims_preflight::report::OutputFormat;
use ims_preflight::tree::{Node, Span, resolve};
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
            prop_assert!(ok, "{} at {:?} is not the span of {} ({:?})", f.rule, f.place.span, f.place.pointer, &text[f.place.span.start..f.place.span.end]);
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
        if let Ok(text) = ims_preflight::load::decode(&bytes) {
            let _ = parse::parse(&text, Format::Yaml, &Limits::default());
            let _ = parse::parse(&text, Format::Json, &Limits::default());
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.yaml");
        fs::write(&path, &bytes).expect("write");
        let rules = common::rules();
        let cwd = std::env::current_dir().expect("cwd");
        let walk = ims_preflight::discover::Walk { cwd: &cwd, exclude: &[], exclude_base: &cwd, follow_links: false };
        let found = walk.run(&[path.display().to_string()]).expect("walk");
        let config = ims_preflight::config::Config::default();
        let selection = ims_preflight::engine::Selection::default();
        let limits = Limits::default();
        let engine = ims_preflight::engine::Engine { rules: &rules, config: &config, selection: &selection, limits: &limits };
        let _ = engine.check(&found.inputs, None);
    }

    #[test]
    fn yaml_structure_survives_arbitrary_text(text in "[a-z:\\[\\]{}, \\n-]{0,200}") {
        let _ = parse::parse(&text, Format::Yaml, &Limits::default());
    }
}
