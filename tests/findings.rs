//! Findings a person can act on (SPEC §12): remediation carries the finding's own values.

mod common;

use assert_cmd::Command;
use serde_json::Value;

/// The remediation (steps and alternatives) of the findings of `rule` on one inventory.
fn remediation_of(rule: &str, inventory: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("inventory.yaml"), inventory).expect("write");
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args([
            "check",
            &dir.path().display().to_string(),
            "--format",
            "json",
        ])
        .args(["--select", rule])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(
        !findings.is_empty(),
        "{rule} gives no finding on\n{inventory}"
    );
    findings
        .iter()
        .map(|f| format!("{}\n{}", f["remediation"], f["alternatives"]))
        .collect()
}

const LVM_A: &str = "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    os: linux\n    lvm:\n      volume_groups:\n        - name: vg0\n          physical_volumes: [/dev/sdb, /dev/sdc]\n";
const LVM_B: &str = "servers:\n  - id: 5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9\n    os: linux\n    lvm:\n      volume_groups:\n        - name: vg_data\n          physical_volumes: [/dev/vdd, /dev/vde]\n";
const SPAN_A: &str = "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    os: windows\n    volumes:\n      - {name: \"E:\", type: spanned}\n";
const SPAN_B: &str = "servers:\n  - id: 5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9\n    os: windows\n    volumes:\n      - {name: \"G:\", type: spanned}\n";

#[test]
fn each_templated_remediation_carries_its_findings_own_values_and_no_others() {
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a str, &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "linux-lvm-multi-pv",
            LVM_A,
            &["vgcfgbackup vg0", "vgreduce vg0", "/dev/sdb", "/dev/sdc"],
            LVM_B,
            &[
                "vgcfgbackup vg_data",
                "vgreduce vg_data",
                "/dev/vdd",
                "/dev/vde",
            ],
        ),
        (
            "windows-spanned-volume",
            SPAN_A,
            &["robocopy E:\\\\ <backup-location>", "volume E:"],
            SPAN_B,
            &["robocopy G:\\\\ <backup-location>", "volume G:"],
        ),
    ];
    // Every rule whose remediation takes values from its findings is in the table.
    for rule in &common::rules().rules {
        let templated = rule
            .remediation()
            .iter()
            .chain(rule.advice.alternatives.iter())
            .any(|s| s.contains('{') && !s.contains("{{"));
        if templated {
            assert!(
                cases.iter().any(|(id, ..)| *id == rule.id),
                "{} fills its remediation from findings: add two fixtures here",
                rule.id
            );
        }
    }
    for (rule, a, a_values, b, b_values) in cases {
        let (of_a, of_b) = (remediation_of(rule, a), remediation_of(rule, b));
        for value in *a_values {
            assert!(
                of_a.contains(value),
                "{rule}: `{value}` missing from\n{of_a}"
            );
            assert!(
                !of_b.contains(value),
                "{rule}: `{value}` leaks into\n{of_b}"
            );
        }
        for value in *b_values {
            assert!(
                of_b.contains(value),
                "{rule}: `{value}` missing from\n{of_b}"
            );
            assert!(
                !of_a.contains(value),
                "{rule}: `{value}` leaks into\n{of_a}"
            );
        }
    }
}

#[test]
fn steps_for_another_os_are_not_shown_and_alternatives_are_not_steps() {
    let linux = remediation_of(
        "server-optimized",
        "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    os: linux\n    optimization: {dhcp: false}\n",
    );
    assert!(
        linux.contains("Linux, DHCP") && !linux.contains("Windows,"),
        "{linux}"
    );
    let san = remediation_of(
        "windows-san-policy",
        "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    os: windows\n    san_policy: OfflineShared\n",
    );
    let (steps, alternatives) = san.split_once('\n').expect("two parts");
    assert!(!steps.contains("Set-StorageSetting"), "{steps}");
    assert!(
        alternatives.contains("Set-StorageSetting"),
        "{alternatives}"
    );
}
