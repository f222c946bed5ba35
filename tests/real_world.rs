//! Real-world inputs (SPEC §8): cloud API dumps and host facts give the same findings as the
//! equivalent hand-written inventory, every facts parser reads old and new shapes, and input
//! it cannot read is an `inventory-facts` error, never a guess.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{rules_in as rules, write};
use serde_json::Value;

const LINUX: &str = "5b1f6e52-3c0a-4d8e-9f1a-2b7c4d6e8a01";
const WINDOWS: &str = "877a2cda-ba63-4e1e-b95f-e67e48b6129a";

fn check(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .arg("check")
        .arg(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn diagnostics(v: &Value) -> Vec<Value> {
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// (rule, entity) -> count
fn by_rule_and_entity(v: &Value) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for d in diagnostics(v) {
        let key = (
            d["rule"].as_str().unwrap_or_default().to_string(),
            d["entity"].as_str().unwrap_or_default().to_string(),
        );
        *out.entry(key).or_default() += 1;
    }
    out
}

#[test]
fn api_dumps_and_host_facts_find_what_the_native_inventory_finds() {
    let (api_code, api) = check(Path::new("tests/fixtures/real-world/api"), &[]);
    let (native_code, native) = check(Path::new("tests/fixtures/real-world/native"), &[]);
    assert_eq!(api_code, 1);
    assert_eq!(native_code, 1);
    assert_eq!(by_rule_and_entity(&api), by_rule_and_entity(&native));
}

#[test]
fn findings_point_into_the_raw_files() {
    let (_, v) = check(Path::new("tests/fixtures/real-world/api"), &[]);
    let find = |rule: &str, file_part: &str| {
        diagnostics(&v)
            .into_iter()
            .find(|d| {
                d["rule"] == rule && d["file"].as_str().is_some_and(|f| f.contains(file_part))
            })
            .unwrap_or_else(|| panic!("{rule} in {file_part}"))
    };
    let vg = find("linux-lvm-multi-pv", "vgs.json");
    assert_eq!(vg["pointer"], "/report/0/vg/0/pv_count");
    assert_eq!(
        (vg["line"].as_u64(), vg["column"].as_u64()),
        (Some(5), Some(52))
    );
    assert_eq!(vg["entity"], LINUX);
    let dss = find("dss-disk", "evs-volumes.json");
    assert_eq!(dss["pointer"], "/volumes/0/dedicated_storage_id");
    assert!(
        dss["related"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("ecs-list-servers.json"))
    );
    let task = find("server-status", "ecs-list-servers.json");
    assert_eq!(task["pointer"], "/servers/0/OS-EXT-STS:task_state");
    let san = find("windows-san-policy", "storage-setting.json");
    assert_eq!(san["pointer"], "/NewDiskPolicy");
    let images = find("backup-single-image", "cbr-backup.json");
    assert_eq!(images["pointer"], "/backup/extend_info/os_images_data");
}

fn facts_dir(server: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inventory.yaml",
        &format!("servers:\n  - id: {server}\n    status: SHUTOFF\n    task_state: null\n"),
    );
    for (name, text) in files {
        write(dir.path(), &format!("facts/{server}/{name}"), text);
    }
    dir
}

#[test]
fn native_values_win_and_conflicts_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inv.yaml",
        &format!("servers:\n  - id: {LINUX}\n    status: ACTIVE\n    os: linux\n"),
    );
    fs::copy(
        "tests/fixtures/real-world/api/ecs-list-servers.json",
        dir.path().join("ecs.json"),
    )
    .expect("copy");
    let (_, v) = check(dir.path(), &[]);
    let conflict = diagnostics(&v)
        .into_iter()
        .find(|d| d["rule"] == "inventory-conflict")
        .expect("conflict");
    assert_eq!(conflict["severity"], "warning");
    assert!(
        conflict["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("inv.yaml"))
    );
    assert!(
        conflict["related"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("ecs.json"))
    );
    // The dump's task state still counts: the inventory did not state one.
    assert!(rules(&v).contains(&"server-status".to_string()));
    // The inventory's ACTIVE is used, so status itself is fine (only the task is reported).
    assert_eq!(
        diagnostics(&v)
            .iter()
            .filter(|d| d["rule"] == "server-status")
            .count(),
        1
    );
}

const LSBLK_OLD: &str = r#"{"blockdevices": [
  {"name": "vdb", "type": "disk", "ro": "0", "rm": "0", "children": [{"name": "vg_data-lv_data", "type": "lvm", "ro": "0"}]},
  {"name": "vdc", "type": "disk", "ro": "0", "rm": "0", "children": [{"name": "vg_data-lv_data", "type": "lvm", "ro": "0"}]}
]}"#;

#[test]
fn lsblk_old_and_new_shapes() {
    let new = LSBLK_OLD.replace("\"0\"", "false");
    for text in [LSBLK_OLD, new.as_str()] {
        let dir = facts_dir(LINUX, &[("lsblk.json", text)]);
        let (code, v) = check(dir.path(), &[]);
        assert_eq!(code, 1);
        let d = diagnostics(&v)
            .into_iter()
            .find(|d| d["rule"] == "linux-lvm-multi-pv")
            .expect("lv finding");
        assert_eq!(d["pointer"], "/blockdevices/1/name");
    }
    // The real capture from the build machine (no LVM) reads cleanly.
    let real = fs::read_to_string(format!(
        "tests/fixtures/real-world/api/facts/{LINUX}/lsblk-this-machine.json"
    ))
    .expect("capture");
    let dir = facts_dir(LINUX, &[("lsblk.json", &real)]);
    let (_, v) = check(dir.path(), &[]);
    assert!(
        !rules(&v)
            .iter()
            .any(|r| r == "inventory-facts" || r == "linux-lvm-multi-pv"),
        "{v}"
    );
}

#[test]
fn lvm_reports_string_and_typed_values() {
    let typed = r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": 3}]}]}"#;
    let strings = r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": "3"}]}]}"#;
    let pvs = r#"{"report": [{"pv": [{"pv_name": "/dev/vdb", "vg_name": "vg_data"}, {"pv_name": "/dev/vdc", "vg_name": "vg_data"}, {"pv_name": "/dev/vdd", "vg_name": ""}]}]}"#;
    for text in [typed, strings, pvs] {
        let dir = facts_dir(LINUX, &[("vgs.json", text)]);
        let (code, v) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{text}");
        assert!(
            rules(&v).contains(&"linux-lvm-multi-pv".to_string()),
            "{text}: {v}"
        );
    }
    let single = r#"{"report": [{"vg": [{"vg_name": "vg_root", "pv_count": "1"}]}]}"#;
    let dir = facts_dir(LINUX, &[("vgs.json", single)]);
    let (_, v) = check(dir.path(), &[]);
    assert!(
        !rules(&v)
            .iter()
            .any(|r| r == "linux-lvm-multi-pv" || r == "inventory-facts")
    );
}

#[test]
fn a_finding_seen_by_several_sources_is_reported_once_at_the_most_precise() {
    let vgs = r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": "2"}]}]}"#;
    let ansible = r#"{"ansible_facts": {"ansible_os_family": "RedHat", "ansible_lvm": {"vgs": {"vg_data": {"num_pvs": "2"}}}}}"#;
    let dir = facts_dir(LINUX, &[("ansible.json", ansible), ("vgs.json", vgs)]);
    let (_, v) = check(dir.path(), &[]);
    let vg: Vec<Value> = diagnostics(&v)
        .into_iter()
        .filter(|d| d["rule"] == "linux-lvm-multi-pv")
        .collect();
    assert_eq!(vg.len(), 1, "{v}");
    assert!(
        vg[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("vgs.json"))
    );
}

#[test]
fn ansible_facts_bare_or_wrapped_and_os_family() {
    let bare = r#"{"ansible_os_family": "Windows"}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inventory.yaml",
        &format!("servers:\n  - id: {WINDOWS}\n    status: SHUTOFF\n"),
    );
    write(dir.path(), &format!("facts/{WINDOWS}/ansible.json"), bare);
    let (_, v) = check(dir.path(), &[]);
    // os now known: the Windows SAN policy rule applies (not stated: warning).
    assert!(rules(&v).contains(&"windows-san-policy".to_string()), "{v}");
}

#[test]
fn windows_storage_facts_names_integers_and_diskpart_text() {
    for (name, text, expect) in [
        (
            "ss.json",
            r#"{"NewDiskPolicy": "OfflineShared"}"#,
            "windows-san-policy",
        ),
        ("ss.json", r#"[{"NewDiskPolicy": 4}]"#, "windows-san-policy"),
        (
            "san.txt",
            "\r\nSAN Policy  : Offline Shared\r\n",
            "windows-san-policy",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "inventory.yaml",
            &format!("servers:\n  - id: {WINDOWS}\n    os: windows\n    status: SHUTOFF\n"),
        );
        write(dir.path(), &format!("facts/{WINDOWS}/{name}"), text);
        let (code, v) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{text}");
        let d = diagnostics(&v)
            .into_iter()
            .find(|d| d["rule"] == expect && d["severity"] == "error")
            .unwrap_or_else(|| panic!("{text}: {v}"));
        assert!(d["file"].as_str().is_some_and(|f| f.contains("facts/")));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inventory.yaml",
        &format!("servers:\n  - id: {WINDOWS}\n    os: windows\n    status: SHUTOFF\n"),
    );
    write(
        dir.path(),
        &format!("facts/{WINDOWS}/san.txt"),
        "SAN Policy  : Online All\n",
    );
    let (_, v) = check(dir.path(), &[]);
    assert!(
        !rules(&v).contains(&"windows-san-policy".to_string()),
        "{v}"
    );
}

#[test]
fn unreadable_facts_are_inventory_facts_errors() {
    for (name, text) in [
        ("garbage.json", r#"{"foo": 1}"#),
        ("broken.json", r#"{"report": [ "#),
        ("localised.txt", "磁盘管理策略 : 全部联机\n"),
        ("policy.json", r#"{"NewDiskPolicy": 0}"#),
        ("rows.json", r#"{"report": [{"vg": "nope"}]}"#),
    ] {
        let dir = facts_dir(LINUX, &[(name, text)]);
        let (code, v) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{name}");
        let d = diagnostics(&v)
            .into_iter()
            .find(|d| d["rule"] == "inventory-facts")
            .unwrap_or_else(|| panic!("{name}: {v}"));
        assert!(d["file"].as_str().is_some_and(|f| f.ends_with(name)));
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("expected") || m.contains("not valid JSON")),
            "{name}: {}",
            d["message"]
        );
    }
}

#[test]
fn facts_named_by_the_inventory_and_missing_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "inv/servers.yaml",
        &format!(
            "servers:\n  - id: {LINUX}\n    os: linux\n    facts: [../hosts/db/vgs.json, ../hosts/db/missing.json]\n"
        ),
    );
    write(
        dir.path(),
        "hosts/db/vgs.json",
        r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": "2"}]}]}"#,
    );
    let (code, v) = check(&dir.path().join("inv"), &[]);
    assert_eq!(code, 1);
    let r = rules(&v);
    assert!(r.contains(&"linux-lvm-multi-pv".to_string()), "{v}");
    let missing = diagnostics(&v)
        .into_iter()
        .find(|d| d["rule"] == "inventory-facts")
        .expect("missing facts");
    assert_eq!(missing["pointer"], "/servers/0/facts/1");
}

#[test]
fn utf16_api_dumps_are_read() {
    let text =
        fs::read_to_string("tests/fixtures/real-world/api/ecs-list-servers.json").expect("read");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("servers.json"), bytes).expect("write");
    // A dump's servers are judged when a request uses them.
    let request = format!(
        "requests:\n  - {{name: lnx-whole, instance_id: {LINUX}, vault_id: de9fcf45-11b2-432c-8562-5c5428574600}}\n"
    );
    fs::write(dir.path().join("requests.yaml"), request).expect("write");
    let (code, v) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(rules(&v).contains(&"server-status".to_string()));
}
