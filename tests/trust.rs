//! Trust (SPEC §11): real-world input that is correct gives no error (no false fail), and
//! what matters is never skipped silently (no false pass). Each fixture directory under
//! `tests/fixtures/trust/` reproduces one case; its comments cite where the input comes from.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `check DIR --format json`: the exit code and the findings' `(rule, severity)`.
fn check(dir: &str) -> (i32, Vec<(String, String)>) {
    check_with(dir, &[])
}

/// `check DIR --format json ARGS`: the exit code and `(rule, severity)` of the findings.
fn check_with(dir: &str, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args(["check", dir, "--format", "json"])
        .args(args)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let findings = v["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), findings)
}

fn fixture(name: &str) -> String {
    let dir = format!("tests/fixtures/trust/{name}");
    assert!(Path::new(&dir).is_dir(), "{dir} is missing");
    dir
}

fn errors(findings: &[(String, String)]) -> Vec<&str> {
    findings
        .iter()
        .filter(|(_, severity)| severity == "error")
        .map(|(rule, _)| rule.as_str())
        .collect()
}

#[test]
fn a_cbr_list_backups_dump_with_empty_children_is_not_missing_its_system_disk() {
    let (code, findings) = check(&fixture("cbr-list-backups"));
    assert_eq!(errors(&findings), Vec::<&str>::new(), "{findings:?}");
    assert_eq!(code, 0);
}

#[test]
fn a_native_nova_server_without_boot_index_has_an_unknown_system_disk_not_none() {
    let (_, findings) = check(&fixture("native-nova-server"));
    assert!(
        !findings.iter().any(|(rule, _)| rule == "system-disk"),
        "{findings:?}"
    );
}

#[test]
fn a_diskpart_cd_rom_row_is_read() {
    let (code, findings) = check(&fixture("diskpart-cd-rom"));
    assert!(
        !findings.iter().any(|(rule, _)| rule == "inventory-facts"),
        "{findings:?}"
    );
    assert_eq!(code, 0);
}

#[test]
fn an_lsblk_thin_pool_on_one_disk_is_not_several_physical_volumes() {
    let (code, findings) = check(&fixture("lsblk-thin-pool"));
    assert!(
        !findings
            .iter()
            .any(|(rule, _)| rule == "linux-lvm-multi-pv"),
        "{findings:?}"
    );
    assert_eq!(code, 0);
}

#[test]
fn an_unrelated_error_server_in_a_list_dump_is_no_finding() {
    let (code, findings) = check(&fixture("unrelated-error-server"));
    assert_eq!(errors(&findings), Vec::<&str>::new(), "{findings:?}");
    assert_eq!(code, 0);
}

#[test]
fn a_near_miss_in_a_top_level_key_is_an_error_not_a_skipped_file() {
    let (code, findings) = check(&fixture("near-miss-key"));
    assert_eq!(code, 1);
    let schema: Vec<_> = findings
        .iter()
        .filter(|(rule, _)| rule == "inventory-schema")
        .collect();
    assert_eq!(
        schema.len(),
        1,
        "the Compose file stays skipped: {findings:?}"
    );
    assert_eq!(schema[0].1, "error");
}

#[test]
fn windows_only_keys_make_a_server_without_os_a_windows_server() {
    let (code, findings) = check(&fixture("windows-without-os"));
    assert_eq!(code, 1);
    for rule in ["windows-san-policy", "windows-spanned-volume"] {
        assert!(
            findings.iter().any(|(r, s)| r == rule && s == "error"),
            "{rule}: {findings:?}"
        );
    }
}

#[test]
fn an_api_error_response_saved_as_a_dump_is_an_error() {
    let (code, findings) = check(&fixture("api-error-response"));
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, s)| r == "inventory-facts" && s == "error"),
        "{findings:?}"
    );
}

#[test]
fn unknown_is_a_warning_and_strict_makes_it_an_error() {
    let dir = fixture("unverified");
    let (code, findings) = check_with(&dir, &["--select", "request-unverified"]);
    assert_eq!(code, 0, "{findings:?}");
    assert_eq!(
        findings,
        vec![("request-unverified".to_string(), "warning".to_string())]
    );
    let (code, findings) = check_with(&dir, &["--select", "request-unverified", "--strict"]);
    assert_eq!(code, 1, "{findings:?}");
    assert_eq!(
        findings,
        vec![("request-unverified".to_string(), "error".to_string())]
    );
}

fn readiness(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .arg("readiness")
        .arg(fixture("readiness"))
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn readiness_gives_a_verdict_per_request_and_per_unused_server() {
    let (code, text) = readiness(&["--format", "json", "--servers"]);
    assert_eq!(code, 1, "a blocked request fails as `check` does");
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["version"], 1);
    let requests = v["requests"].as_array().expect("requests");
    let verdict = |name: &str| {
        requests
            .iter()
            .find(|r| r["request"] == name)
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    let blocked = verdict("win-web-01-whole");
    assert_eq!(blocked["verdict"], "blocked");
    assert_eq!(
        blocked["blocking"],
        serde_json::json!(["windows-san-policy"])
    );
    assert_eq!(blocked["source"]["kind"], "server");
    assert_eq!(blocked["source"]["name"], "win-web-01");
    assert_eq!(blocked["line"], 26);
    assert_eq!(verdict("lnx-db-01-whole")["verdict"], "ready");
    let unverified = verdict("ghost-whole");
    assert_eq!(unverified["verdict"], "unverified");
    assert!(
        unverified["missing"][0]
            .as_str()
            .is_some_and(|m| m.contains("7de3ded2-7c15-4dc3-bf8d-75760010c215 is not described")),
        "{unverified}"
    );
    let servers = v["servers"].as_array().expect("servers");
    assert_eq!(
        servers.len(),
        1,
        "only the server no request uses: {servers:?}"
    );
    assert_eq!(servers[0]["name"], "spare-01");
    assert_eq!(servers[0]["verdict"], "unverified");
}

#[test]
fn readiness_csv_has_the_documented_columns() {
    let (_, text) = readiness(&["--format", "csv"]);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("request,source_kind,source_id,source_name,verdict,blocking,missing")
    );
    assert!(
        lines.any(|l| l.starts_with(
            "win-web-01-whole,server,877a2cda-ba63-4e1e-b95f-e67e48b6129a,win-web-01,blocked,windows-san-policy,"
        )),
        "{text}"
    );
}

#[test]
fn a_stale_inventory_value_never_hides_what_the_host_facts_say() {
    let (code, findings) = check(&fixture("stale-inventory"));
    assert_eq!(code, 1);
    for rule in ["windows-san-policy", "linux-lvm-multi-pv"] {
        assert!(
            findings.iter().any(|(r, s)| r == rule && s == "error"),
            "{rule}: {findings:?}"
        );
    }
    let warned_twice = findings
        .iter()
        .filter(|(r, _)| r == "server-optimized")
        .count();
    assert_eq!(
        warned_twice, 2,
        "one missing checklist per server: {findings:?}"
    );
}

#[test]
fn a_raw_control_character_in_json_is_a_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("servers.json");
    std::fs::write(
        &path,
        "{\"servers\": [{\"id\": \"a\u{0}b\", \"os\": \"linux\"}]}",
    )
    .expect("write");
    let (code, findings) = check(path.to_str().expect("utf-8 path"));
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![("inventory-syntax".to_string(), "error".to_string())]
    );
}

#[test]
fn a_baselined_finding_in_a_list_stays_baselined_when_an_item_is_added_above_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inventory = dir.path().join("s.yaml");
    let baseline = dir.path().join("baseline.json");
    let server = |groups: &str| {
        format!(
            "servers:\n  - id: 5b1f6e52-3c0a-4d8e-9f1a-2b7c4d6e8a01\n    os: linux\n    lvm:\n      volume_groups:\n{groups}"
        )
    };
    let spanning = "        - {name: vg_data, physical_volumes: [/dev/vdb, /dev/vdc]}\n";
    std::fs::write(&inventory, server(spanning)).expect("write");
    let run = |extra: &[&str]| {
        Command::cargo_bin("ims-preflight")
            .expect("binary")
            .arg("check")
            .arg(&inventory)
            .args(["--select", "linux-lvm-multi-pv", "--format", "compact"])
            .args(extra)
            .output()
            .expect("run")
    };
    let wrote = run(&["--write-baseline", baseline.to_str().expect("path")]);
    assert!(
        baseline.is_file(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    // A realistic edit: another (single-PV) volume group above it.
    let above = "        - {name: vg_logs, physical_volumes: [/dev/vdd]}\n";
    std::fs::write(&inventory, server(&format!("{above}{spanning}"))).expect("write");
    let again = run(&["--baseline", baseline.to_str().expect("path")]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_facts_folder_is_matched_by_server_name_and_an_unmatched_one_is_an_error() {
    let (code, findings) = check(&fixture("facts-by-name"));
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, s)| r == "linux-lvm-multi-pv" && s == "error"),
        "the facts of folder lnx-db-01 are the server's: {findings:?}"
    );
    assert_eq!(
        findings
            .iter()
            .filter(|(r, _)| r == "inventory-facts")
            .count(),
        1,
        "{findings:?}"
    );
}

#[test]
fn verbose_lists_the_files_it_skipped() {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args([
            "check",
            &fixture("near-miss-key"),
            "--verbose",
            "--format",
            "compact",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: skipped") && stderr.contains("docker-compose.yaml"),
        "{stderr}"
    );
}
