//! What keeps large runs fast and small must not change what users see: files are judged in
//! parallel, their texts released and read again, and cross-file facts added at the end.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{copy_dir, rules_in, write};
use serde_json::Value;

fn check(dir: &Path, threads: &str, format: &str) -> Vec<u8> {
    Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .args(["check", ".", "--format", format])
        .output()
        .expect("run")
        .stdout
}

#[test]
fn output_is_byte_identical_with_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Forty copies of the shipped examples: cross-file references, API dumps, host facts,
    // duplicates across copies, suppressions.
    for copy in 0..40 {
        copy_dir(
            Path::new("examples"),
            &dir.path().join(format!("copy-{copy:02}")),
        );
    }
    for format in ["json", "sarif", "human", "junit", "github"] {
        let one = check(dir.path(), "1", format);
        let many = check(dir.path(), "4", format);
        assert!(!one.is_empty(), "{format}: no output");
        assert!(
            one == many,
            "{format}: output differs between 1 and 4 threads"
        );
    }
}

#[test]
fn findings_point_at_backups_of_the_server_in_other_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = "877a2cda-ba63-4e1e-b95f-e67e48b6129a";
    fs::write(
        dir.path().join("a-servers.yaml"),
        format!(
            "servers:\n  - id: {server}\n    os: linux\n    status: SHUTOFF\n    optimization: {{virtio_drivers: false}}\n"
        ),
    )
    .expect("write");
    fs::write(
        dir.path().join("b-backups.yaml"),
        format!(
            "backups:\n  - id: 0a1b2c3d-0000-4000-8000-000000000001\n    service: CBR\n    status: available\n    server_id: {server}\n"
        ),
    )
    .expect("write");
    let out = check(dir.path(), "2", "json");
    let v: Value = serde_json::from_slice(&out).expect("json");
    let optimized: Vec<&Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "server-optimized")
        .collect();
    assert!(!optimized.is_empty(), "{v}");
    for d in optimized {
        let related = d["related"].as_array().expect("related");
        assert!(
            related.iter().any(|r| r["file"] == "b-backups.yaml"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("was made from this server"))),
            "{d}"
        );
    }
}

fn rules_of(out: &[u8]) -> Vec<String> {
    rules_in(&serde_json::from_slice(out).expect("json"))
}

#[test]
fn only_the_first_description_of_a_server_names_its_facts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = "877a2cda-ba63-4e1e-b95f-e67e48b6129a";
    write(
        dir.path(),
        "a.yaml",
        &format!("servers:\n  - id: {server}\n    os: linux\n    status: SHUTOFF\n"),
    );
    // A later duplicate is not checked, so neither are the facts it names; a server without
    // an id is a schema error, not a reader of facts.
    write(
        dir.path(),
        "b/b.yaml",
        &format!(
            "servers:\n  - id: {server}\n    os: linux\n    facts: [vgs.json]\n  - name: no-id\n    facts: [missing.json]\n"
        ),
    );
    write(
        dir.path(),
        "b/vgs.json",
        r#"{"report": [{"vg": [{"vg_name": "vg_data", "pv_count": "2"}]}]}"#,
    );
    let rules = rules_of(&check(dir.path(), "2", "json"));
    assert!(
        rules.contains(&"inventory-duplicate-id".to_string()),
        "{rules:?}"
    );
    assert!(
        !rules.contains(&"linux-lvm-multi-pv".to_string()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"inventory-facts".to_string()), "{rules:?}");
}

#[test]
fn a_backup_an_api_dump_also_describes_is_judged_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let backup = "9b27efab-4a17-4c06-bfa2-3e0cf021d3c3";
    // The user's inventory says `available`; the dump, read after it, says `error`: a
    // conflict, and (the worst case wins, SPEC §11.1) a backup-status finding where the dump
    // says it. Both need the inventory's `status`, which a large run drops from backups
    // nothing else describes.
    write(
        dir.path(),
        "a.yaml",
        &format!(
            "backups:\n  - id: {backup}\n    service: CBR\n    status: available\n    images: []\n"
        ),
    );
    write(
        dir.path(),
        "b-dump.json",
        &format!(
            r#"{{"backup": {{"id": "{backup}", "status": "error", "resource_type": "OS::Nova::Server", "resource_id": "877a2cda-ba63-4e1e-b95f-e67e48b6129a"}}}}"#
        ),
    );
    let rules = rules_of(&check(dir.path(), "2", "json"));
    assert!(
        rules.contains(&"inventory-conflict".to_string()),
        "{rules:?}"
    );
    assert!(rules.contains(&"backup-status".to_string()), "{rules:?}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_once_and_its_findings_keep_their_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pipe = dir.path().join("inv.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let text = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: linux\n    status: BUILD\n";
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || fs::write(pipe, text).expect("write pipe"))
    };
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir.path())
        .args(["check", "inv.yaml", "--format", "json"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    writer.join().expect("writer");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json output (no hang)");
    let found = common::diagnostics_of(&v, "server-status");
    let status = found.first().expect("server-status finding");
    assert_eq!(status["line"], 4, "{status}");
}

/// Run from a fixture folder with extra arguments, compact output.
fn compact(dir: &str, args: &[&str]) -> String {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(Path::new("tests/fixtures/two-pass").join(dir))
        .args(["check", "--format", "compact", "--color", "never"])
        .args(args)
        .output()
        .expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn facts_named_by_two_servers_go_to_the_first_in_inventory_order() {
    // The ECS dump (read first) describes server 2222…, so it stands before 1111… of `b.yaml`.
    let out = compact("shared-facts", &["."]);
    assert!(
        out.contains(
            "c.yaml:2:5: warning[windows-san-policy] SAN policy of Windows server first-in-inventory-order (22222222-…)"
        ),
        "{out}"
    );
    assert!(
        out.contains("hosts/diskpart-list-volume.txt:5:40: error[windows-spanned-volume]"),
        "{out}"
    );
    assert!(
        !out.contains("windows-san-policy] SAN policy of Windows server first-in-file-order"),
        "{out}"
    );
}

#[test]
fn custom_rules_that_judge_servers_across_files_see_whole_servers() {
    // `reference-lookup` on servers reads `name`; pruned servers would not have it.
    let out = compact("server-reference", &["inventory", "--rules", "rules"]);
    assert_eq!(out.matches("warning[srv-ref]").count(), 2, "{out}");
    // `source.` conditions on servers read the server's own `instance_id`.
    let out = compact("server-source", &["inventory", "--rules", "rules"]);
    assert_eq!(out.matches("error[src-dss]").count(), 2, "{out}");
    assert_eq!(out.matches("warning[srv-src]").count(), 1, "{out}");
}

#[test]
fn output_may_name_a_checked_file_and_still_quote_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(Path::new("examples/failing"), dir.path());
    let status = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .current_dir(dir.path())
        .args(["check", ".", "--color", "never", "--output", "servers.yaml"])
        .output()
        .expect("run")
        .status;
    assert_eq!(status.code(), Some(1));
    let report = fs::read_to_string(dir.path().join("servers.yaml")).expect("report");
    assert!(report.contains("╭─[servers.yaml:"), "{report}");
    assert!(!report.contains("Failed to read"), "{report}");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
}
