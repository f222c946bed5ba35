//! What keeps large runs fast and small must not change what users see: files are judged in
//! parallel, their texts released and read again, and cross-file facts added at the end.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
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

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
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
