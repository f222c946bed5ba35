//! Hostile input: each case gets a diagnostic or a skip with a reason, the exit code of SPEC §2,
//! within 2 s and 200 MB (peak RSS measured with wait4), and never a panic.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    max_rss_kb: i64,
}

/// Run the binary and measure its time and peak memory (reaped with `wait4`, which also
/// returns its resource usage).
#[allow(clippy::zombie_processes)]
fn run(cwd: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempdir().expect("tempdir");
    let (so, se) = (out.path().join("stdout"), out.path().join("stderr"));
    let start = Instant::now();
    let child = Command::new(assert_cmd::cargo::cargo_bin("ims-preflight"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&so).expect("stdout file"))
        .stderr(fs::File::create(&se).expect("stderr file"))
        .spawn()
        .expect("spawn");
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: plain wait4 on our own child; rusage is a plain C struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4");
    let elapsed = start.elapsed();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Run {
        code,
        stdout: fs::read_to_string(&so).unwrap_or_default(),
        stderr: fs::read_to_string(&se).unwrap_or_default(),
        elapsed,
        max_rss_kb: usage.ru_maxrss,
    }
}

fn bounded(r: &Run, what: &str) {
    assert!(
        !r.stderr.contains("panicked"),
        "{what}: panic: {}",
        r.stderr
    );
    assert!(
        r.elapsed < Duration::from_secs(2),
        "{what}: took {:?}",
        r.elapsed
    );
    assert!(
        r.max_rss_kb < 200 * 1024,
        "{what}: peak RSS {} kB",
        r.max_rss_kb
    );
}

fn rules_of(r: &Run) -> Vec<String> {
    let v: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("json ({e}): {}", r.stdout));
    common::rules_in(&v)
}

/// A file that is one finding of `rule` (exit 1).
fn expect_rule(name: &str, bytes: &[u8], rule: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(name), bytes).expect("write");
    let r = run(dir.path(), &["check", name, "--format", "json"]);
    bounded(&r, name);
    assert_eq!(r.code, 1, "{name}: {}", r.stderr);
    assert!(
        rules_of(&r).contains(&rule.to_string()),
        "{name}: expected {rule}, got {:?}",
        rules_of(&r)
    );
}

const SERVER: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: windows\n    san_policy: OfflineShared\n";

#[test]
fn alias_bombs() {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    bomb.push_str("servers: [*a11]\n");
    expect_rule("bomb.yaml", bomb.as_bytes(), "inventory-limit");
}

#[test]
fn deep_flow_and_block_nesting() {
    let n = 100_000;
    expect_rule(
        "flow.yaml",
        format!("servers: {}{}", "[".repeat(n), "]".repeat(n)).as_bytes(),
        "inventory-limit",
    );
    let mut block = String::from("servers:\n");
    block.push_str(&"- ".repeat(n));
    block.push_str("x\n");
    expect_rule("block.yaml", block.as_bytes(), "inventory-limit");
    let mut nested = String::from("servers:\n");
    for depth in 0..2000 {
        nested.push_str(&" ".repeat(depth));
        nested.push_str("k:\n");
    }
    expect_rule("mapping.yaml", nested.as_bytes(), "inventory-limit");
    expect_rule(
        "flow.json",
        format!("{{\"servers\": {}{}}}", "[".repeat(n), "]".repeat(n)).as_bytes(),
        "inventory-limit",
    );
}

#[test]
fn a_1gb_sparse_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = fs::File::create(dir.path().join("huge.yaml")).expect("create");
    f.set_len(1 << 30).expect("sparse");
    let r = run(dir.path(), &["check", "huge.yaml", "--format", "json"]);
    bounded(&r, "sparse");
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("max_file_bytes"), "{}", r.stdout);
    assert_eq!(rules_of(&r), ["inventory-limit"]);
}

#[test]
fn encodings_nul_bytes_crlf_and_tabs() {
    expect_rule(
        "latin1.yaml",
        b"servers:\n  - id: caf\xe9\n",
        "inventory-syntax",
    );
    expect_rule("nul.yaml", b"servers:\n  - id: a\0b\n", "inventory-syntax");
    expect_rule("tabs.yaml", b"servers:\n\t- id: x\n", "inventory-syntax");
    // UTF-16 with a BOM (PowerShell's default) and CRLF line ends are read like UTF-8.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in SERVER.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    expect_rule("utf16.yaml", &utf16, "windows-san-policy");
    let crlf = SERVER.replace('\n', "\r\n");
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("crlf.yaml"), crlf).expect("write");
    let r = run(dir.path(), &["check", "crlf.yaml", "--format", "json"]);
    bounded(&r, "crlf");
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let d = *common::diagnostics_of(&v, "windows-san-policy")
        .first()
        .expect("san finding");
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_column"].as_u64()
        ),
        (Some(4), Some(17), Some(30))
    );
}

#[test]
fn duplicate_keys_and_enormous_scalars() {
    expect_rule(
        "dup.yaml",
        b"servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: linux\n    os: windows\n",
        "inventory-schema",
    );
    let long = format!("servers:\n  - id: {}\n", "x".repeat(10 << 20));
    expect_rule("long.yaml", long.as_bytes(), "inventory-limit");
}

#[test]
fn symlink_loops_and_links_out_of_the_tree() {
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("secret.yaml"), SERVER).expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join("inv")).expect("mkdir");
    fs::write(root.join("inv/ok.yaml"), "servers: []\n").expect("write");
    symlink(root.join("inv"), root.join("inv/loop")).expect("symlink");
    symlink(
        outside.path().join("secret.yaml"),
        root.join("inv/outside.yaml"),
    )
    .expect("symlink");
    symlink(outside.path(), root.join("inv/outdir")).expect("symlink");
    let r = run(root, &["check", "inv", "--format", "json"]);
    bounded(&r, "links");
    assert_eq!(r.code, 0, "links are not followed: {}", r.stdout);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    let r = run(
        root,
        &["check", "inv", "--format", "json", "--follow-links"],
    );
    bounded(&r, "follow");
    assert_eq!(r.code, 1, "followed links reach the outside file");
    assert!(
        r.stderr.contains("loop") || r.stderr.contains("skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn unreadable_files_fifos_devices_and_directories_named_yaml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(root.join("ok.yaml"), "servers: []\n").expect("write");
    fs::create_dir(root.join("x.yaml")).expect("mkdir");
    fs::write(root.join("x.yaml/inner.yaml"), "servers: []\n").expect("write");
    let fifo = root.join("pipe.yaml");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("cstring");
    // SAFETY: mkfifo on a path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let locked = root.join("locked.yaml");
    fs::write(&locked, SERVER).expect("write");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let root_can_read = fs::read(&locked).is_ok();
    let r = run(root, &["check", ".", "--format", "json"]);
    bounded(&r, "special files");
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let fifo = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["file"] == "pipe.yaml")
        .expect("the FIFO is reported")
        .clone();
    assert_eq!(
        (fifo["rule"].as_str(), fifo["severity"].as_str()),
        (Some("inventory-limit"), Some("note"))
    );
    if root_can_read {
        assert_eq!(r.code, 1); // running as root: the file is read and checked
    } else {
        assert_eq!(r.code, 1);
        assert!(
            rules_of(&r).contains(&"inventory-syntax".to_string()),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("ermission denied"), "{}", r.stdout);
    }
    // A device named on the command line is read whatever it is: /dev/null is empty, no inventory.
    let r = run(root, &["check", "/dev/null"]);
    bounded(&r, "/dev/null");
    assert_eq!(r.code, 2);
}

#[test]
fn paths_with_spaces_and_non_ascii_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("my inventories")).expect("mkdir");
    fs::write(dir.path().join("my inventories/服务器 web.yaml"), SERVER).expect("write");
    let r = run(dir.path(), &["check", "my inventories", "--format", "json"]);
    bounded(&r, "names");
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .all(|d| d["file"] == "my inventories/服务器 web.yaml")
    );
    let r = run(
        dir.path(),
        &["check", "my inventories", "--format", "sarif"],
    );
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let uri =
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    assert_eq!(
        uri,
        "my%20inventories/%E6%9C%8D%E5%8A%A1%E5%99%A8%20web.yaml"
    );
}

#[test]
fn the_tool_never_writes_to_checked_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("web.yaml"), SERVER).expect("write");
    let before = fs::metadata(dir.path().join("web.yaml"))
        .expect("meta")
        .modified()
        .expect("mtime");
    run(dir.path(), &["check", "."]);
    assert_eq!(
        fs::read_to_string(dir.path().join("web.yaml")).expect("read"),
        SERVER
    );
    assert_eq!(
        fs::metadata(dir.path().join("web.yaml"))
            .expect("meta")
            .modified()
            .expect("mtime"),
        before
    );
}

#[test]
fn every_limit_can_be_lowered_and_names_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("a.yaml"), SERVER).expect("write");
    fs::write(dir.path().join("b.yaml"), SERVER).expect("write");
    for (flag, value, limit) in [
        ("--max-file-bytes", "10", "max_file_bytes"),
        ("--max-depth", "1", "max_depth"),
        ("--max-nodes", "5", "max_nodes"),
        ("--max-line-length", "20", "max_line_length"),
    ] {
        let r = run(
            dir.path(),
            &["check", "a.yaml", "--format", "json", flag, value],
        );
        bounded(&r, limit);
        assert_eq!(r.code, 1, "{limit}: {}", r.stderr);
        assert_eq!(rules_of(&r), ["inventory-limit"], "{limit}");
        assert!(r.stdout.contains(limit), "{limit}: {}", r.stdout);
    }
    // Too many files: the first are checked, the first left out carries the finding.
    let r = run(
        dir.path(),
        &["check", ".", "--max-files", "1", "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(rules_of(&r).contains(&"inventory-limit".to_string()));
    assert!(
        r.stdout.contains("2 files to check, the limit is 1"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\"file\": \"b.yaml\""), "{}", r.stdout);
    // The same limits from the config file.
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "limits:\n  max_depth: 1\n",
    )
    .expect("write");
    let r = run(dir.path(), &["check", "a.yaml", "--format", "json"]);
    assert_eq!(rules_of(&r), ["inventory-limit"]);
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "limits:\n  max_depht: 1\n",
    )
    .expect("write");
    let r = run(dir.path(), &["check", "a.yaml"]);
    assert_eq!(r.code, 2, "a misspelt limit is a config error");
}

#[test]
fn terraform_values_that_grow_without_bound_are_not_evaluated() {
    // Each local doubles the last (2^40 × 10 bytes at the end); five `for`s, one in another,
    // over 12 values (248 832 strings), then a `for` over a `for` over those. Both are
    // unknown, said why, within the time and memory bounds.
    let mut doubling = String::from("locals {\n  s0 = \"xxxxxxxxxx\"\n");
    for i in 1..=40 {
        doubling.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n",
            i - 1,
            i - 1
        ));
    }
    doubling.push_str("}\n");
    let square = r#"locals {
  l    = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]
  deep = [for a in local.l : [for b in local.l : [for c in local.l : [for d in local.l : [for e in local.l : "${a}${b}${c}${d}${e}"]]]]]
  flat = flatten(local.deep)
  sq   = [for x in local.flat : [for y in local.flat : "${x}${y}"]]
}
"#;
    for (name, locals, used) in [
        ("doubling", doubling.as_str(), "local.s40"),
        ("square", square, "local.sq[0][0]"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let image = format!(
            "resource \"huaweicloud_ims_ecs_whole_image\" \"x\" {{\n  name        = {used}\n  instance_id = \"877a2cda-ba63-4e1e-b95f-e67e48b6129a\"\n  vault_id    = \"de9fcf45-11b2-432c-8562-5c5428574600\"\n}}\n"
        );
        fs::write(dir.path().join("main.tf"), format!("{locals}{image}")).expect("write");
        let r = run(dir.path(), &["check", ".", "--format", "json"]);
        bounded(&r, name);
        assert!(
            r.stdout.contains("larger than ims-preflight evaluates"),
            "{name}: {}",
            r.stdout
        );
    }
}
