//! The command line as users see it: exit codes, formats, config discovery, selection, stdin,
//! walking rules, closed pipes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("ims-preflight").expect("binary");
    cmd.env_remove("NO_COLOR").env_remove("FORCE_COLOR");
    cmd
}

fn json_of(args: &[&str]) -> Value {
    let out = bin()
        .args(args)
        .arg("--format")
        .arg("json")
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("json output")
}

const CLEAN: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: linux\n    status: SHUTOFF\n    task_state: null\n    optimization: {dhcp: true, virtio_drivers: true, persistent_net_rules_removed: true, fstab_uuid: true, grub_uuid: true, cloud_init: true}\n";
const WINDOWS_OFFLINE: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: windows\n    status: ACTIVE\n    san_policy: OfflineShared\n    optimization: {dhcp: true, virtio_drivers: true, remote_desktop: true}\n";

#[test]
fn clean_examples_exit_0_and_failing_exits_1() {
    for dir in [
        "examples/linux-ecs",
        "examples/windows-ecs",
        "examples/cbr-backup",
        "examples/csbs-backup",
    ] {
        bin().args(["check", dir]).assert().code(0);
    }
    bin()
        .args(["check", "examples/failing", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("san policy=onlineall"))
        .stdout(predicate::str::contains(
            "╭─[examples/failing/servers.yaml:19:17]",
        ));
}

#[test]
fn usage_problems_exit_2() {
    bin()
        .args(["check", "does/not/exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist"));
    bin()
        .args(["check", "examples", "--select", "no-such-rule"])
        .assert()
        .code(2);
    bin()
        .args(["check", "examples", "--select", "windows-san-polcy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `windows-san-policy`",
        ));
    bin().args(["explain", "nope"]).assert().code(2);
    bin().args(["check", "--format", "xml"]).assert().code(2);
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("k8s.yaml"),
        "apiVersion: v1\nkind: ConfigMap\n",
    )
    .expect("write");
    // A named non-inventory file is a usage error; a walked one is skipped, leaving nothing.
    bin()
        .arg("check")
        .arg(dir.path().join("k8s.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an inventory"));
    bin()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no inventory document"));
}

#[test]
fn bad_config_exits_2_pointing_into_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("inv.yaml"), CLEAN).expect("write");
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rules:\n  windows-san-polcy: off\n",
    )
    .expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "inv.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".ims-preflight.yaml:2:3"))
        .stderr(predicate::str::contains(
            "did you mean `windows-san-policy`",
        ));
    fs::write(dir.path().join(".ims-preflight.yaml"), "fail_on: yes\n").expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "inv.yaml"])
        .assert()
        .code(2);
    fs::write(dir.path().join(".ims-preflight.yaml"), "unknown_key: 1\n").expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "inv.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown_key"));
}

#[test]
fn config_is_found_from_a_subdirectory_and_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("inv");
    fs::create_dir(&sub).expect("mkdir");
    fs::write(sub.join("web.yaml"), WINDOWS_OFFLINE).expect("write");
    bin()
        .current_dir(&sub)
        .args(["check", "web.yaml"])
        .assert()
        .code(1);
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rules:\n  windows-san-policy: warning\n",
    )
    .expect("write");
    bin()
        .current_dir(&sub)
        .args(["check", "web.yaml"])
        .assert()
        .code(0);
    bin()
        .current_dir(&sub)
        .args(["check", "web.yaml", "--fail-on", "warning"])
        .assert()
        .code(1);
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rules:\n  windows-san-policy: off\n",
    )
    .expect("write");
    let out = bin()
        .current_dir(&sub)
        .args(["check", "web.yaml", "--format", "json"])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn select_ignore_and_fail_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("web.yaml");
    fs::write(&file, WINDOWS_OFFLINE).expect("write");
    let f = file.to_str().expect("utf-8 path");
    bin()
        .args(["check", f, "--ignore", "windows-san-policy"])
        .assert()
        .code(0);
    bin()
        .args(["check", f, "--select", "server-status"])
        .assert()
        .code(0);
    bin()
        .args(["check", f, "--select", "windows-san-policy"])
        .assert()
        .code(1);
    // A list written with spaces after the commas.
    bin()
        .args(["check", f, "--select", "server-status, windows-san-policy"])
        .assert()
        .code(1);
    bin()
        .args(["check", f, "--fail-on", "never"])
        .assert()
        .code(0);
}

#[test]
fn json_matches_the_contract() {
    let v = json_of(&["check", "examples/failing/servers.yaml"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["documents"], 1);
    let d = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "windows-san-policy" && d["severity"] == "error")
        .expect("san finding")
        .clone();
    assert_eq!(d["file"], "examples/failing/servers.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(19), Some(17))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(19), Some(30))
    );
    assert_eq!(d["pointer"], "/servers/0/san_policy");
    assert_eq!(d["entity"], "3c5458b5-8ca9-421b-a5e7-739393aac083");
    let steps: Vec<&str> = d["remediation"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(steps.iter().any(|s| s.contains("san policy=onlineall")));
    for key in ["message", "help", "related"] {
        assert!(d.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn related_points_at_the_earlier_request_across_files() {
    let v = json_of(&["check", "examples/failing"]);
    let d = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| {
            d["rule"] == "backup-single-image" && d["file"] == "examples/failing/requests.yaml"
        })
        .expect("reuse finding")
        .clone();
    assert_eq!(d["related"][0]["file"], "examples/failing/requests.json");
    assert_eq!(d["related"][0]["line"], 4);
}

#[test]
fn stdin_is_read_with_dash() {
    bin()
        .args(["check", "-"])
        .write_stdin(WINDOWS_OFFLINE)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>"));
    bin()
        .args(["check", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0);
}

#[test]
fn compact_and_github_and_gitlab_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("web.yaml");
    fs::write(&file, WINDOWS_OFFLINE).expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--format", "compact"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::is_match(r"(?m)^web\.yaml:5:17: error\[windows-san-policy\] ")
                .expect("regex"),
        );
    // Nothing but finding lines on stdout (the summary goes to stderr), and a path that
    // leaves the folder and comes back in is shown as the plain relative path.
    let dir_name = dir.path().file_name().expect("name").to_string_lossy();
    fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "check",
            &format!("../{dir_name}/sub/../web.yaml"),
            "--format",
            "compact",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = line_pattern(r"^web\.yaml:\d+:\d+: (error|warning|note)\[[a-z-]+\] .+$");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.is_empty() && stdout.lines().all(|l| line.eval(l)),
        "{stdout}{stderr}"
    );
    assert!(
        stderr.contains("1 error, 0 warnings and 0 notes in 1 file"),
        "summary on stderr: {stderr}"
    );
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_match(r"(?m)^::error file=web\.yaml,line=5,endLine=5,col=17,endColumn=30,title=[^:]*::SAN policy").expect("regex"));
    let out = bin()
        .args(["check", "examples/failing", "--format", "gitlab"])
        .output()
        .expect("run");
    let issues: Vec<Value> = serde_json::from_slice(&out.stdout).expect("gitlab json");
    let prints: std::collections::HashSet<_> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(prints.len(), issues.len(), "fingerprints must be unique");
}

#[test]
fn junit_failures_equal_findings() {
    let out = bin()
        .args(["check", "examples/failing", "--format", "junit"])
        .output()
        .expect("run");
    let xml = String::from_utf8(out.stdout).expect("utf-8");
    let v = json_of(&["check", "examples/failing"]);
    let findings = v["diagnostics"].as_array().expect("diagnostics").len();
    assert_eq!(xml.matches("<failure").count(), findings);
    assert!(xml.starts_with("<?xml"));
}

#[test]
fn junit_lists_a_rule_only_for_the_entities_it_checks() {
    // A Windows rule checks Windows servers, the LVM rule Linux ones, backup-shared-volume
    // CSBS backups: in a large run too, where entities are pruned before the list is made.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("inv.yaml"),
        "servers:\n  - {id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a, os: windows, status: ACTIVE}\n  - {id: 3c5458b5-8ca9-421b-a5e7-739393aac083, os: linux, status: ACTIVE}\nbackups:\n  - {id: 9b27efab-4a17-4c06-bfa2-3e0cf021d3c3, service: CBR, status: available}\n",
    )
    .expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "inv.yaml", "--format", "junit"])
        .output()
        .expect("run");
    let xml = String::from_utf8(out.stdout).expect("utf-8");
    let case = |rule: &str, entity: &str| {
        xml.contains(&format!("name=\"{entity}\" classname=\"{rule}\""))
            || xml.contains(&format!("classname=\"{rule}\" name=\"{entity}\""))
    };
    let windows = "877a2cda-ba63-4e1e-b95f-e67e48b6129a";
    let linux = "3c5458b5-8ca9-421b-a5e7-739393aac083";
    assert!(case("windows-san-policy", windows), "{xml}");
    assert!(!case("windows-san-policy", linux), "{xml}");
    assert!(case("linux-lvm-multi-pv", linux), "{xml}");
    assert!(!case("linux-lvm-multi-pv", windows), "{xml}");
    assert!(
        case("server-status", linux) && case("server-status", windows),
        "{xml}"
    );
    assert!(
        !case(
            "backup-shared-volume",
            "9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"
        ),
        "{xml}"
    );
}

#[test]
fn sarif_has_rules_and_stable_fingerprints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("web.yaml");
    fs::write(&file, WINDOWS_OFFLINE).expect("write");
    let sarif = |dir: &Path| -> Value {
        let out = bin()
            .current_dir(dir)
            .args(["check", "web.yaml", "--format", "sarif"])
            .output()
            .expect("run");
        serde_json::from_slice(&out.stdout).expect("sarif json")
    };
    let before = sarif(dir.path());
    assert_eq!(before["version"], "2.1.0");
    let run = &before["runs"][0];
    assert!(
        run["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .all(|r| r["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")))
    );
    let result = &run["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "web.yaml"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    fs::write(
        &file,
        format!("# moved down\n# by two lines\n{WINDOWS_OFFLINE}"),
    )
    .expect("write");
    let after = sarif(dir.path());
    assert_eq!(
        after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert_eq!(
        result["partialFingerprints"],
        after["runs"][0]["results"][0]["partialFingerprints"]
    );
}

#[test]
fn walking_skips_hidden_gitignored_and_excluded_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("mkdir");
    fs::create_dir_all(root.join(".hidden")).expect("mkdir");
    fs::create_dir_all(root.join("build")).expect("mkdir");
    fs::create_dir_all(root.join("fixtures")).expect("mkdir");
    fs::write(root.join("ok.yaml"), CLEAN).expect("write");
    for bad in [".hidden/bad.yaml", "build/bad.yaml", "fixtures/bad.yml"] {
        fs::write(root.join(bad), WINDOWS_OFFLINE).expect("write");
    }
    fs::write(root.join("notes.txt"), "servers: [").expect("write");
    fs::write(root.join(".gitignore"), "build/\n").expect("write");
    fs::write(
        root.join(".ims-preflight.yaml"),
        "exclude: [\"fixtures/**\"]\n",
    )
    .expect("write");
    let out = bin()
        .current_dir(root)
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn findings_are_sorted_and_independent_of_threads() {
    let run = |threads: &str| {
        bin()
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "examples", "--format", "json"])
            .output()
            .expect("run")
            .stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
}

#[test]
fn closed_stdout_is_a_quiet_exit() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("ims-preflight"))
        .args(["check", "examples", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(out.status.code(), Some(0..=2)));
}

#[test]
fn closed_stdout_and_stderr_are_a_quiet_exit() {
    // `check ... 2>&1 | head -1`: the summary and notes go to a closed stderr too. Nothing
    // can be read from a closed stream, so the exit code is the only witness: 101 is a panic.
    use std::process::{Command as Std, Stdio};
    for format in ["compact", "human"] {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("ims-preflight"))
            .args(["check", "examples", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().expect("wait");
        assert!(matches!(status.code(), Some(0..=2)), "{format}: {status:?}");
    }
}

#[test]
fn hostile_input_gets_a_diagnostic_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!("servers: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    bomb.push_str("servers: []\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deep.yaml", deep.into_bytes(), "inventory-limit"),
        (
            "deep.json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            "inventory-limit",
        ),
        ("bomb.yaml", bomb.into_bytes(), "inventory-limit"),
        (
            "broken.yaml",
            b"servers: [\n  - id: x\n".to_vec(),
            "inventory-syntax",
        ),
        (
            "latin1.yaml",
            b"servers:\n  - id: caf\xe9\n".to_vec(),
            "inventory-syntax",
        ),
    ];
    for (name, bytes, rule) in cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).expect("write");
        let start = std::time::Instant::now();
        let out = bin()
            .arg("check")
            .arg(&path)
            .args(["--format", "json"])
            .output()
            .expect("run");
        assert!(start.elapsed().as_secs() < 5, "{name} took too long");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["diagnostics"][0]["rule"], rule, "{name}");
    }
}

#[test]
fn rules_explain_and_schema() {
    bin()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("windows-san-policy"))
        .stdout(predicate::str::contains("error"));
    bin()
        .args(["explain", "windows-san-policy"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("san policy=onlineall"))
        .stdout(predicate::str::contains("OnlineAll"));
    let out = bin().arg("schema").output().expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("schema json");
    assert!(v["anyOf"][0]["properties"]["servers"].is_object());
}

#[test]
fn explain_says_which_fault_each_step_is_for() {
    // request-ram has a step per fault: each is followed by what its findings say.
    let out = bin()
        .args(["explain", "request-ram", "--lang", "en"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let step = text
        .find("3. Make `min_ram` (<min> MB) at most `max_ram` (<max> MB)")
        .expect("the step");
    let label =
        "(for findings that say: `min_ram` (<min> MB) is greater than `max_ram` (<max> MB))";
    assert!(
        text[step..]
            .trim_start_matches(|c| c != '\n')
            .trim_start()
            .starts_with(label),
        "{text}"
    );
    // A step for every fault has no such line.
    let out = bin()
        .args(["explain", "windows-san-policy", "--lang", "en"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("(for findings that say"));
}

#[test]
fn inline_suppression_with_reason_silences_and_is_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = WINDOWS_OFFLINE.replace(
        "    san_policy: OfflineShared\n",
        "    # ims-preflight: ignore[windows-san-policy] set to OnlineAll by GPO at first boot\n    san_policy: OfflineShared\n",
    );
    fs::write(dir.path().join("web.yaml"), text).expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
    // Without a reason it still applies, but is reported.
    let text = WINDOWS_OFFLINE.replace(
        "    san_policy: OfflineShared\n",
        "    san_policy: OfflineShared  # ims-preflight: ignore[windows-san-policy]\n",
    );
    fs::write(dir.path().join("web.yaml"), text).expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--format", "compact"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[invalid-suppression]"));
}

#[test]
fn custom_rules_load_and_broken_ones_exit_2() {
    bin()
        .args([
            "check",
            "examples/policy-demo",
            "--rules",
            "examples/policy",
            "--format",
            "compact",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[owner-tag]"))
        .stdout(predicate::str::contains("warning[windows-max-ram]"));
    bin()
        .args(["rules", "--rules", "examples/policy"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("owner-tag"));
    bin()
        .args(["explain", "owner-tag", "--rules", "examples/policy"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("cost allocation"));

    let dir = tempfile::tempdir().expect("tempdir");
    let good = fs::read_to_string("examples/policy/owner-tag.yaml").expect("read");
    let cases = [
        (
            "unknown template",
            good.replace("template: required-tag", "template: required-tags"),
            "unknown template `required-tags`",
        ),
        (
            "bad params",
            good.replace("params: { key: owner }", "params: { keys: owner }"),
            "keys",
        ),
        (
            "missing message",
            good.replace(
                "  main: \"request {entity} has no `{key}` tag\"\n",
                "  other: x\n",
            ),
            "`main`",
        ),
        (
            "yaml syntax",
            good.replace("severity: error", "severity: [error"),
            "owner-tag.yaml",
        ),
        (
            "strict boolean",
            good.replace("severity: error", "severity: error\nexamples_ok: yes"),
            "examples_ok",
        ),
        (
            "id not the file name",
            good.replace("id: owner-tag", "id: dss-disk"),
            "must match the file name",
        ),
        (
            "typo in a message variant",
            good.replace("  main: ", "  mian: \"x\"\n  main: "),
            "`mian` is never used",
        ),
        (
            "typo in a when field",
            good.replace(
                "params: { key: owner }",
                "params: { key: owner, when: { sourc.os: windows } }",
            ),
            "`sourc.os`",
        ),
    ];
    // Also: an id already defined (a custom file named like a built-in rule).
    let clash = good.replace("id: owner-tag", "id: dss-disk");
    fs::write(dir.path().join("dss-disk.yaml"), clash).expect("write");
    bin()
        .args(["check", "examples/linux-ecs", "--rules"])
        .arg(dir.path().join("dss-disk.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already defined"))
        .stderr(predicate::str::contains("dss-disk.yaml:1:1"));
    fs::remove_file(dir.path().join("dss-disk.yaml")).expect("rm");
    for (what, text, needle) in cases {
        fs::write(dir.path().join("owner-tag.yaml"), text).expect("write");
        bin()
            .args(["check", "examples/linux-ecs", "--rules"])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle).from_utf8())
            .stderr(predicate::str::contains("panicked").not());
        let _ = what;
    }
}

#[test]
fn config_rule_paths_load_custom_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("policy")).expect("mkdir");
    fs::copy(
        "examples/policy/owner-tag.yaml",
        dir.path().join("policy/owner-tag.yaml"),
    )
    .expect("copy");
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rule_paths: [policy/]\n",
    )
    .expect("write");
    fs::write(dir.path().join("r.yaml"), "requests:\n  - name: web\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n").expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "r.yaml", "--format", "compact"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[owner-tag]"));
}

#[test]
fn baseline_reports_only_new_findings_and_stale_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = dir.path().join("web.yaml");
    fs::write(&inv, WINDOWS_OFFLINE).expect("write");
    let base = dir.path().join("baseline.json");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--write-baseline", "baseline.json"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(
            "wrote 1 finding to the baseline baseline.json",
        ));
    assert!(base.is_file());
    // Lines shift, the finding stays the same: still baselined.
    fs::write(&inv, format!("# a comment\n{WINDOWS_OFFLINE}")).expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--baseline", "baseline.json"])
        .assert()
        .code(0);
    // A new problem is reported.
    fs::write(
        &inv,
        WINDOWS_OFFLINE.replace("status: ACTIVE", "status: ERROR"),
    )
    .expect("write");
    bin()
        .current_dir(dir.path())
        .args([
            "check",
            "web.yaml",
            "--baseline",
            "baseline.json",
            "--format",
            "compact",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("server-status"))
        .stdout(predicate::str::contains("windows-san-policy").not());
    // Fixed: the entry is stale and reported.
    fs::write(&inv, WINDOWS_OFFLINE.replace("OfflineShared", "OnlineAll")).expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--baseline", "baseline.json"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no longer match"));
    fs::write(&base, "{not json").expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--baseline", "baseline.json"])
        .assert()
        .code(2);
}

#[test]
fn several_reports_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("web.yaml"), WINDOWS_OFFLINE).expect("write");
    bin()
        .current_dir(dir.path())
        .args([
            "check",
            "web.yaml",
            "--color",
            "never",
            "--report",
            "sarif=out.sarif",
            "--report",
            "junit=out.xml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("windows-san-policy"));
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.sarif")).expect("sarif"))
            .expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        fs::read_to_string(dir.path().join("out.xml"))
            .expect("junit")
            .contains("<failure")
    );
    bin()
        .current_dir(dir.path())
        .args(["check", "web.yaml", "--report", "xml=x"])
        .assert()
        .code(2);
}

#[test]
fn show_config_names_origins() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rules:\n  image-no-export: off\nfail_on: warning\n",
    )
    .expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "--show-config", "--max-depth", "32"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "image-no-export: off  # config .ims-preflight.yaml",
        ))
        .stdout(predicate::str::contains("fail_on: warning  # config"))
        .stdout(predicate::str::contains("max_depth: 32  # command line"))
        .stdout(predicate::str::contains("dss-disk: error  # default"));
}

#[test]
fn completions_and_man_page() {
    bin()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ims-preflight"));
    bin()
        .arg("manpage")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH"));
}

#[test]
fn config_ignore_entries_by_entity_and_path_with_reasons() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("web.yaml"), WINDOWS_OFFLINE).expect("write");
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "ignore:\n  - rule: windows-san-policy\n    entity: 877A2CDA-ba63-4e1e-b95f-e67e48b6129a\n    reason: GPO sets OnlineAll at first boot\n  - rule: dss-disk\n    entity: nope\n    reason: stale\n  - rule: backup-status\n    path: \"other/**\"\n",
    )
    .expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "compact"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(".ims-preflight.yaml:5:11: warning[unused-suppression]"),
        "{text}"
    );
    assert!(
        text.contains(".ims-preflight.yaml:8:11: warning[invalid-suppression]"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 suppressed"),
        "summary on stderr"
    );
    assert!(!text.contains("error[windows-san-policy]"), "{text}");
    // Shown on request, marked.
    bin()
        .current_dir(dir.path())
        .args(["check", "--format", "compact", "--show-suppressed"])
        .assert()
        .stdout(predicate::str::contains("(suppressed)"));
    // An `ignore:` entry naming an unknown rule is an invalid suppression (SPEC §4); the
    // finding it meant to silence stays.
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "ignore:\n  - rule: windows-san-polcy\n    reason: x\n",
    )
    .expect("write");
    bin()
        .current_dir(dir.path())
        .args(["check", "--format", "compact"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            ".ims-preflight.yaml:2:11: warning[invalid-suppression] suppression names unknown rule `windows-san-polcy`",
        ))
        .stdout(predicate::str::contains("error[windows-san-policy]"));
    // An unknown rule in the config's `rules:` is a usage error pointing into it.
    fs::write(
        dir.path().join(".ims-preflight.yaml"),
        "rules:\n  windows-san-polcy: warning\n",
    )
    .expect("write");
    bin()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".ims-preflight.yaml:2:3"));
}

fn line_pattern(pattern: &str) -> predicates::str::RegexPredicate {
    predicate::str::is_match(pattern).expect("regex")
}
