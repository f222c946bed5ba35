//! Regressions from a review of the finished checker: each test is one reported problem.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SERVER: &str = "877a2cda-ba63-4e1e-b95f-e67e48b6129a";

fn run(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .args(
            if args.contains(&"--format") || args.first() != Some(&"check") {
                &[][..]
            } else {
                &["--format", "json"][..]
            },
        )
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

use common::{rules_in as rules, write};

#[test]
fn facts_listed_by_a_server_are_read_even_when_the_walk_met_them_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inv/servers.yaml",
        &format!("servers:\n  - id: {SERVER}\n    os: linux\n    facts: [../collected/vgs.json]\n"),
    );
    write(
        dir.path(),
        "collected/vgs.json",
        r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": "2"}]}]}"#,
    );
    let (code, v, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1);
    let d = v["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .find(|d| d["rule"] == "linux-lvm-multi-pv")
        .cloned()
        .expect("finding");
    assert_eq!(d["file"], "collected/vgs.json");
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn an_api_looking_key_does_not_turn_an_inventory_into_a_dump() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inv.yaml",
        &format!(
            "servers:\n  - id: {SERVER}\n    os: windows\n    san_policy: OfflineShared\n    OS-EXT-STS:vm_state: active\nrequests:\n  - {{name: \"bad/name\", instance_id: {SERVER}}}\n"
        ),
    );
    let (_, v, _) = run(dir.path(), &["check", "inv.yaml"]);
    let r = rules(&v);
    for want in ["windows-san-policy", "request-name", "inventory-schema"] {
        assert!(r.contains(&want.to_string()), "{want}: {r:?}");
    }
}

#[test]
fn an_empty_task_state_is_idle() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "servers.json",
        &format!(
            r#"{{"servers": [{{"id": "{SERVER}", "status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": ""}}]}}"#
        ),
    );
    let (_, v, _) = run(dir.path(), &["check", "--select", "server-status"]);
    assert!(rules(&v).is_empty(), "{v}");
}

#[test]
fn diskpart_rows_with_wide_labels_are_read_and_unreadable_rows_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let header = "  Volume ###  Ltr  Label        Fs     Type        Size     Status     Info\r\n  ----------  ---  -----------  -----  ----------  -------  ---------  --------\r\n";
    // Facts describe a server of the run (a facts folder that matches none is an error).
    write(
        dir.path(),
        "inv.yaml",
        &format!("servers:\n  - id: {SERVER}\n    os: windows\n"),
    );
    write(
        dir.path(),
        &format!("facts/{SERVER}/lv.txt"),
        &format!(
            "{header}  Volume 1     E   数据盘          NTFS   Spanned     4121 MB  Healthy\r\n"
        ),
    );
    let (_, v, _) = run(dir.path(), &["check", "--select", "windows-spanned-volume"]);
    assert_eq!(rules(&v), ["windows-spanned-volume"]);
    write(
        dir.path(),
        &format!("facts/{SERVER}/lv.txt"),
        &format!("{header}  Volume 1数         Data         NTFS   Spanx     4121 MB  Healthy\n"),
    );
    let (code, v, stderr) = run(dir.path(), &["check"]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 1);
    assert!(rules(&v).contains(&"inventory-facts".to_string()));
}

#[test]
fn config_globs_are_relative_to_the_config_file_and_must_be_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "sub/fixtures/bad.yaml",
        &format!("servers:\n  - {{id: {SERVER}, status: ERROR}}\n"),
    );
    write(dir.path(), "sub/ok.yaml", "servers: []\n");
    write(
        dir.path(),
        ".ims-preflight.yaml",
        "exclude: [\"sub/fixtures/**\"]\n",
    );
    let (code, _, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&dir.path().join("sub"), &["check", "."]);
    assert_eq!(code, 0, "same verdict from a subfolder");
    write(
        dir.path(),
        ".ims-preflight.yaml",
        "ignore:\n  - rule: server-status\n    path: \"legacy/[old\"\n    reason: x\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains(".ims-preflight.yaml:3"), "{stderr}");
}

#[test]
fn conflicts_do_not_depend_on_file_names() {
    for dump in ["a.json", "z.json"] {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "m.yaml",
            &format!("servers:\n  - id: {SERVER}\n    os: linux\n    status: ACTIVE\n"),
        );
        write(
            dir.path(),
            &format!("facts/{SERVER}/storage.json"),
            r#"{"NewDiskPolicy": 1}"#,
        );
        write(
            dir.path(),
            dump,
            &format!(r#"{{"server": {{"id": "{SERVER}", "status": "ACTIVE"}}}}"#),
        );
        let (_, v, _) = run(dir.path(), &["check", "--select", "inventory-conflict"]);
        assert_eq!(rules(&v), ["inventory-conflict"], "{dump}");
    }
}

#[test]
fn a_rejected_system_flag_is_not_judged_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "s.yaml",
        &format!("servers:\n  - id: {SERVER}\n    disks:\n      - {{id: d1, system: yes}}\n"),
    );
    let (_, v, _) = run(
        dir.path(),
        &[
            "check",
            "s.yaml",
            "--select",
            "system-disk,inventory-schema",
        ],
    );
    assert_eq!(rules(&v), ["inventory-schema"]);
}

#[test]
fn sharing_an_image_no_request_makes_is_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "o.yaml",
        "operations:\n  - {action: share, image: typo-image, projects: [p1]}\n",
    );
    let (code, v, _) = run(dir.path(), &["check", "o.yaml"]);
    assert_eq!(code, 0);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["rule"].as_str(), d["severity"].as_str()),
        (Some("image-share-cbr-only"), Some("warning"))
    );
}

#[test]
fn the_schema_accepts_any_case_like_check() {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .arg("schema")
        .output()
        .expect("run");
    let schema: Value = serde_json::from_slice(&out.stdout).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let doc = serde_json::json!({"servers": [{"id": SERVER, "os": "Windows", "san_policy": "onlineall", "backup_service": "cbr"}]});
    assert!(validator.is_valid(&doc));
    let bad = serde_json::json!({"servers": [{"id": SERVER, "os": "beos"}]});
    assert!(!validator.is_valid(&bad));
    // An operation needs the keys of its action, as `check` says.
    let share = serde_json::json!({"operations": [{"action": "Share", "image": "img"}]});
    assert!(!validator.is_valid(&share));
    let share =
        serde_json::json!({"operations": [{"action": "share", "image": "img", "projects": ["p"]}]});
    assert!(validator.is_valid(&share));
}

#[test]
fn one_folder_named_twice_is_read_once_and_empty_json_is_a_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rel/a.yaml",
        "requests:\n  - {name: one, backup_id: 9b27efab-4a17-4c06-bfa2-3e0cf021d3c3}\n",
    );
    let name = dir
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_string();
    let other = format!("../{name}/rel");
    let (_, v, _) = run(dir.path(), &["check", "rel", &other]);
    assert_eq!(v["summary"]["files"], 1);
    assert!(!rules(&v).contains(&"backup-single-image".to_string()));
    write(dir.path(), "empty.json", "");
    let (code, v, _) = run(dir.path(), &["check", "empty.json"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v), ["inventory-syntax"]);
}

const SAN_SERVER: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: windows\n    status: ERROR\n    san_policy: OfflineShared\n";
const CLEAN_SERVER: &str =
    "  - {id: 11111111-ba63-4e1e-b95f-e67e48b6129a, os: linux, status: ACTIVE}\n";

#[test]
fn baselines_and_fingerprints_survive_an_entity_inserted_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "inv/web.yaml", SAN_SERVER);
    let (code, _, _) = run(dir.path(), &["check", "inv", "--write-baseline", "bl.json"]);
    assert_eq!(code, 0, "writing the baseline is the job: it succeeded");
    let (_, before, _) = run(dir.path(), &["check", "inv", "--format", "sarif"]);
    write(
        dir.path(),
        "inv/web.yaml",
        &SAN_SERVER.replace("servers:\n", &format!("servers:\n{CLEAN_SERVER}")),
    );
    let (code, v, stderr) = run(dir.path(), &["check", "inv", "--baseline", "bl.json"]);
    assert_eq!(code, 0, "{v} {stderr}");
    assert!(!stderr.contains("no longer match"), "{stderr}");
    // From another directory, with the same baseline file.
    let (code, _, _) = run(
        &dir.path().join("inv"),
        &["check", ".", "--baseline", "../bl.json"],
    );
    assert_eq!(code, 0);
    let (_, after, _) = run(dir.path(), &["check", "inv", "--format", "sarif"]);
    let prints = |v: &Value| {
        let mut p: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["ruleId"] != "server-optimized")
            .map(|r| {
                r["partialFingerprints"]["imsPreflight/v1"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        p.sort();
        p
    };
    assert_eq!(prints(&before), prints(&after));
}

#[test]
fn unreadable_files_cannot_be_switched_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bad.yaml", "servers: [\n");
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "bad.yaml", "--ignore", "inventory-syntax"],
    );
    assert_eq!(code, 2, "{stderr}");
    write(
        dir.path(),
        ".ims-preflight.yaml",
        "rules:\n  inventory-syntax: off\n",
    );
    let (code, _, _) = run(dir.path(), &["check", "bad.yaml"]);
    assert_eq!(code, 2);
    fs::remove_file(dir.path().join(".ims-preflight.yaml")).expect("rm");
    run(
        dir.path(),
        &["check", "bad.yaml", "--write-baseline", "bl.json"],
    );
    let (code, _, _) = run(dir.path(), &["check", "bad.yaml", "--baseline", "bl.json"]);
    assert_eq!(code, 1, "a broken file is never baselined");
}

#[test]
fn required_field_walks_nested_paths_and_rules_lists_config_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = |id: &str, field: &str| {
        format!(
            "id: {id}\ntitle: t\nseverity: error\napplies_to: [server]\nsource: {{document: d, quote: q}}\nrationale: r\nmessages: {{main: \"missing {{field}}\"}}\nhelp: h\nremediation: [x]\ncheck: {{template: required-field, params: {{field: \"{field}\"}}}}\nexamples: {{pass: \"servers: []\", fail: \"servers: []\"}}\n"
        )
    };
    write(
        dir.path(),
        "policy/dhcp-stated.yaml",
        &rule("dhcp-stated", "optimization.dhcp"),
    );
    write(
        dir.path(),
        "policy/device-stated.yaml",
        &rule("device-stated", "disks[].device"),
    );
    write(dir.path(), ".ims-preflight.yaml", "rule_paths: [policy]\n");
    write(
        dir.path(),
        "inv.yaml",
        &format!(
            "servers:\n  - id: {SERVER}\n    optimization: {{dhcp: true}}\n    disks:\n      - {{id: d1, device: /dev/vda, system: true}}\n      - {{id: d2, system: false}}\n"
        ),
    );
    let (_, v, _) = run(
        dir.path(),
        &["check", "inv.yaml", "--select", "dhcp-stated,device-stated"],
    );
    assert_eq!(rules(&v), ["device-stated"], "{v}");
    assert_eq!(v["diagnostics"][0]["line"], 6);
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir.path())
        .arg("rules")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("dhcp-stated"));
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir.path())
        .args(["explain", "device-stated"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn junit_case_names_do_not_carry_line_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "r.yaml",
        "requests:\n  - name: \" a/b\"\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n",
    );
    let junit = |dir: &Path| {
        let out = Command::cargo_bin("ims-preflight")
            .expect("binary")
            .current_dir(dir)
            .args([
                "check",
                "r.yaml",
                "--select",
                "request-name",
                "--format",
                "junit",
            ])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("<testcase"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let before = junit(dir.path());
    assert_eq!(before.len(), 2);
    assert_ne!(before[0], before[1], "names are unique");
    write(
        dir.path(),
        "r.yaml",
        "# moved\nrequests:\n  - name: \" a/b\"\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n",
    );
    assert_eq!(before, junit(dir.path()));
}

#[test]
fn servers_whose_id_is_null_or_a_list_are_not_duplicates_of_each_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.yaml",
        "servers:\n  - id: ~\n    os: linux\n  - id: ~\n    os: windows\n  - id: [a]\n    os: linux\n  - id: [b]\n    os: windows\nrequests:\n  - name: img\n    instance_id: a list\n",
    );
    let (code, v, _) = run(dir.path(), &["check", "a.yaml"]);
    assert_eq!(code, 1);
    let found = rules(&v);
    assert!(found.contains(&"inventory-schema".to_string()), "{found:?}");
    assert!(
        !found.contains(&"inventory-duplicate-id".to_string()),
        "{found:?}"
    );
    // `instance_id: a list` names no server (a list id names nothing).
    assert!(
        found.contains(&"request-unresolved-reference".to_string()),
        "{found:?}"
    );
}

/// Findings of one rule in a JSON report: (line, column, entity).
fn places_of(v: &Value, rule: &str) -> Vec<(u64, u64, Option<String>)> {
    common::diagnostics_of(v, rule)
        .into_iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap_or_default();
            (
                n("line"),
                n("column"),
                d["entity"].as_str().map(String::from),
            )
        })
        .collect()
}

#[test]
fn cases_from_an_acceptance_style_audit_of_the_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = "0b2f6c1e-6a2c-4a7b-9d54-0d1b5e0f7a11";
    write(
        dir.path(),
        "a.yaml",
        &format!(
            "region: cn-north-4
servers:
  - id: {SERVER}
    status: ACTIVE
    disks:
      - {{id: {disk}, system: true}}
  - id: {SERVER}
    status: BUILD
requests:
  - name: ok
    backup_id: 9b27efab-4a17-4c06-bfa2-3e0cf021d3c3
    instance_id: null
  - name: \"\u{20000}\u{4e00}\"
    instance_id: {SERVER}
  - description: no name
    instance_id: {SERVER}
operations:
  - {{action: replicate, image: ok, target_region: \"\"}}
  - {{action: detach-disk, server: {SERVER}, disk: {disk}}}
"
        ),
    );
    let (_, v, _) = run(dir.path(), &["check", "a.yaml"]);
    // A blank target names no region.
    assert_eq!(places_of(&v, "image-replicate-cross-region").len(), 1);
    // `instance_id: null` sets nothing: only the schema's finding, not "both set".
    assert!(places_of(&v, "request-source").is_empty(), "{v}");
    // CJK Extension B is Chinese.
    assert_eq!(
        places_of(&v, "request-name").len(),
        1,
        "only the nameless request"
    );
    // A nameless request has no entity in the report.
    assert_eq!(places_of(&v, "request-name")[0].2, None);
    // The second, different description of the server is judged too.
    assert_eq!(
        places_of(&v, "server-status"),
        [(8, 13, Some(SERVER.into()))]
    );
    // Detaching the system disk is about the server.
    assert_eq!(
        places_of(&v, "system-disk"),
        [(19, 79, Some(SERVER.into()))],
        "{v}"
    );
}
