//! Findings a person can act on (SPEC §12): remediation carries the finding's own values.

mod common;

use assert_cmd::Command;
use serde_json::Value;

/// `ims-preflight ARGS` with the environment variables `env`.
fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run")
}

/// The findings (JSON) of `rule` on one inventory.
fn findings_of(rule: &str, inventory: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("inventory.yaml"), inventory).expect("write");
    findings_in(&dir.path().display().to_string(), rule)
}

/// The findings (JSON) of `rule` on the files at `path`.
fn findings_in(path: &str, rule: &str) -> Vec<Value> {
    let out = run(&["check", path, "--format", "json", "--select", rule], &[]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// Each finding's remediation steps (as JSON text) of `rule` on the files at `path`.
fn steps_in(path: &str, rule: &str) -> Vec<String> {
    let steps: Vec<String> = findings_in(path, rule)
        .iter()
        .map(|f| f["remediation"].to_string())
        .collect();
    assert!(!steps.is_empty(), "{rule} gives no finding on {path}");
    steps
}

/// The remediation (steps and alternatives) of the findings of `rule` on one inventory.
fn remediation_of(rule: &str, inventory: &str) -> String {
    let findings = findings_of(rule, inventory);
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
const NAME_A: &str = "requests:\n  - name: web/01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const NAME_B: &str = "requests:\n  - name: web@02\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const RAM_A: &str = "requests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n    min_ram: 8192\n    max_ram: 1024\n";
const RAM_B: &str = "requests:\n  - name: web-02\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n    min_ram: 4096\n    max_ram: 2048\n";
const DESC_A: &str = "requests:\n  - name: web-01\n    description: a<b\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const DESC_B: &str = "requests:\n  - name: web-02\n    description: a>b\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const SUPPRESS_A: &str = "requests:\n  - name: web/01 # ims-preflight: ignore[request-name]\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const SUPPRESS_B: &str = "requests:\n  - name: web-02\n    description: a<b # ims-preflight: ignore[request-description]\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const TAG_A: &str = "requests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n    image_tags:\n      - {key: x/y, value: v}\n";
const TAG_B: &str = "requests:\n  - name: web-02\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n    image_tags:\n      - {key: p@q, value: v}\n";
const VAULT_A: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    backup_service: CBR\n    vault_id: 11111111-1111-4111-8111-111111111111\nrequests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const VAULT_B: &str = "servers:\n  - id: 5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9\n    backup_service: CBR\n    vault_id: 22222222-2222-4222-8222-222222222222\nrequests:\n  - name: web-02\n    instance_id: 5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const REPLICA_A: &str = "region: cn-north-4\nrequests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\noperations:\n  - action: replicate\n    image: web-01\n    target_region: cn-north-4\n";
const REPLICA_B: &str = "region: ap-southeast-1\nrequests:\n  - name: web-02\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\noperations:\n  - action: replicate\n    image: web-02\n    target_region: ap-southeast-1\n";
const YAML11_A: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    status: off\n";
const YAML11_B: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: no\n";
const TASK_A: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    status: ACTIVE\n    task_state: image_snapshot\nrequests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const TASK_B: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    status: ACTIVE\n    task_state: resize_migrating\nrequests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\n";
const DETACH: &str = "servers:\n  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    os: linux\n    disks:\n      - {id: DISK, device: /dev/vda, system: true}\nrequests:\n  - name: web-01\n    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    vault_id: de9fcf45-11b2-432c-8562-5c5428574600\noperations:\n  - action: detach-disk\n    server: 877a2cda-ba63-4e1e-b95f-e67e48b6129a\n    disk: DISK\n";
const SHARE: &str = "operations:\n  - action: share\n    image: IMAGE\n    projects: [a2054e51df2e035431d9f866eb1f5c55]\n";
const REUSED: &str = "requests:\n  - name: a\n    backup_id: BACKUP\n    whole_image_type: CBR\n  - name: b\n    backup_id: BACKUP\n    whole_image_type: CBR\n";
const BACKUP_STATUS: &str = "backups:\n  - id: BACKUP\n    service: CBR\n    status: protecting\n";
const BACKUP_DATA_ONLY: &str = "backups:\n  - id: BACKUP\n    service: CBR\n    status: available\n    volumes:\n      - {id: 1dc359a9-5892-437a-bfb5-eda150bb6c4c, system: false}\n";
const DSS: &str =
    "servers:\n  - id: SERVER\n    disks:\n      - {id: DISK, system: true, dss: true}\n";
/// One server described twice, natively and by an API response, with other states.
const CONFLICT: &str = "servers:\n  - id: SERVER\n    status: ACTIVE\n---\nserver:\n  id: SERVER\n  status: SHUTOFF\n  OS-EXT-STS:vm_state: stopped\n";
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
            "request-name",
            NAME_A,
            &["Replace `/` with"],
            NAME_B,
            &["Replace `@` with"],
        ),
        (
            "request-ram",
            RAM_A,
            &["`min_ram` (8192 MB)", "`max_ram` (1024 MB)"],
            RAM_B,
            &["`min_ram` (4096 MB)", "`max_ram` (2048 MB)"],
        ),
        (
            "request-description",
            DESC_A,
            &["Remove `<` from"],
            DESC_B,
            &["Remove `>` from"],
        ),
        (
            "invalid-suppression",
            SUPPRESS_A,
            &["ignore[request-name] <reason>"],
            SUPPRESS_B,
            &["ignore[request-description] <reason>"],
        ),
        (
            "request-tag-format",
            TAG_A,
            &["Write tag `x/y`"],
            TAG_B,
            &["Write tag `p@q`"],
        ),
        (
            "request-vault-id",
            VAULT_A,
            &[
                "`vault_id` to `11111111-1111-4111-8111-111111111111`",
                "--resource_ids=877a2cda-ba63-4e1e-b95f-e67e48b6129a",
            ],
            VAULT_B,
            &[
                "`vault_id` to `22222222-2222-4222-8222-222222222222`",
                "--resource_ids=5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
            ],
        ),
        (
            "image-replicate-cross-region",
            REPLICA_A,
            &["image's own (`cn-north-4`)"],
            REPLICA_B,
            &["image's own (`ap-southeast-1`)"],
        ),
        (
            "inventory-schema",
            YAML11_A,
            &["Write `off` so"],
            YAML11_B,
            &["Write `no` so"],
        ),
        (
            "server-status",
            TASK_A,
            &["task `image_snapshot`"],
            TASK_B,
            &["task `resize_migrating`"],
        ),
        (
            "system-disk",
            &DETACH.replace("DISK", "0d8e4a2c-6b19-4f73-a5e8-9c1b7d3f6e20"),
            &["system disk `0d8e4a2c-6b19-4f73-a5e8-9c1b7d3f6e20`"],
            &DETACH.replace("DISK", "b3a7f1c9-5e28-4d64-8b0a-2f6e9d4c1a58"),
            &["system disk `b3a7f1c9-5e28-4d64-8b0a-2f6e9d4c1a58`"],
        ),
        (
            "image-share-cbr-only",
            &SHARE.replace("IMAGE", "0a1b2c3d-0000-4000-8000-000000000001"),
            &["image `0a1b2c3d-0000-4000-8000-000000000001`"],
            &SHARE.replace("IMAGE", "0a1b2c3d-0000-4000-8000-000000000002"),
            &["image `0a1b2c3d-0000-4000-8000-000000000002`"],
        ),
        (
            "backup-single-image",
            &REUSED.replace("BACKUP", "9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"),
            &["backup `9b27efab-4a17-4c06-bfa2-3e0cf021d3c3`"],
            &REUSED.replace("BACKUP", "1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01"),
            &["backup `1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01`"],
        ),
        (
            "backup-status",
            &BACKUP_STATUS.replace("BACKUP", "9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"),
            &[
                "--backup_id=9b27efab-4a17-4c06-bfa2-3e0cf021d3c3",
                "checkpoint_items/9b27efab-4a17-4c06-bfa2-3e0cf021d3c3",
            ],
            &BACKUP_STATUS.replace("BACKUP", "1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01"),
            &["--backup_id=1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01"],
        ),
        (
            "backup-system-disk",
            &BACKUP_DATA_ONLY.replace("BACKUP", "9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"),
            &["--backup_id=9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"],
            &BACKUP_DATA_ONLY.replace("BACKUP", "1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01"),
            &["--backup_id=1c9d2e7f-5b3a-4f8e-9d61-7a2b4c6e8f01"],
        ),
        (
            "dss-disk",
            &DSS.replace("SERVER", "877a2cda-ba63-4e1e-b95f-e67e48b6129a")
                .replace("DISK", "0d8e4a2c-6b19-4f73-a5e8-9c1b7d3f6e20"),
            &[
                "--server_id=877a2cda-ba63-4e1e-b95f-e67e48b6129a",
                "--volume_id=0d8e4a2c-6b19-4f73-a5e8-9c1b7d3f6e20",
            ],
            &DSS.replace("SERVER", "5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9")
                .replace("DISK", "b3a7f1c9-5e28-4d64-8b0a-2f6e9d4c1a58"),
            &[
                "--server_id=5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
                "--volume_id=b3a7f1c9-5e28-4d64-8b0a-2f6e9d4c1a58",
            ],
        ),
        (
            "inventory-conflict",
            &CONFLICT.replace("SERVER", "877a2cda-ba63-4e1e-b95f-e67e48b6129a"),
            &["--server_id=877a2cda-ba63-4e1e-b95f-e67e48b6129a"],
            &CONFLICT.replace("SERVER", "5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"),
            &["--server_id=5a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"],
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
            .any(|s| {
                // `{region}` is every finding's (see the test after this one).
                let s = s.replace("{region}", "");
                s.contains('{') && !s.contains("{{")
            });
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
        for (own, other, values) in [(&of_a, &of_b, a_values), (&of_b, &of_a, b_values)] {
            for value in *values {
                assert!(own.contains(value), "{rule}: `{value}` missing from\n{own}");
                assert!(
                    !other.contains(value),
                    "{rule}: `{value}` leaks into\n{other}"
                );
            }
        }
    }
}

/// A command in a remediation names the region of the finding's entity when its document
/// (or its Terraform provider) says it, and a placeholder otherwise; never another's.
#[test]
fn remediation_commands_name_the_entitys_own_region() {
    let server = "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    status: ERROR\n";
    let north = remediation_of("server-status", &format!("region: cn-north-4\n{server}"));
    let south = remediation_of("server-status", &format!("region: cn-south-1\n{server}"));
    let none = remediation_of("server-status", server);
    assert!(north.contains("--cli-region=cn-north-4"), "{north}");
    assert!(
        !north.contains("cn-south-1") && !north.contains("<region>"),
        "{north}"
    );
    assert!(south.contains("--cli-region=cn-south-1"), "{south}");
    assert!(none.contains("--cli-region=<region>"), "{none}");
}

/// A command on the finding's own server or backup takes its id; a Terraform server has no id
/// before apply (its address is not one): the step says `<server-id>`, never the address.
#[test]
fn remediation_commands_name_the_entitys_own_id_and_never_an_address() {
    // A backup that has made its image already: the command to check it names it.
    let used = "backups:\n  - id: 9b27efab-4a17-4c06-bfa2-3e0cf021d3c3\n    service: CBR\n    status: available\n    images: [0a1b2c3d-0000-4000-8000-000000000001]\n";
    let said = remediation_of("backup-single-image", used);
    assert!(
        said.contains("--backup_id=9b27efab-4a17-4c06-bfa2-3e0cf021d3c3"),
        "{said}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"huaweicloud_compute_instance\" \"web\" {\n  name = \"web-01\"\n}\n\nresource \"huaweicloud_ims_ecs_whole_image\" \"img\" {\n  name        = \"web-img\"\n  instance_id = huaweicloud_compute_instance.web.id\n  vault_id    = \"de9fcf45-11b2-432c-8562-5c5428574600\"\n}\n",
    )
    .expect("write");
    let said = steps_in(&dir.path().display().to_string(), "server-status");
    for steps in &said {
        assert!(steps.contains("--server_id=<server-id>"), "{steps}");
        assert!(!steps.contains("=huaweicloud_compute_instance"), "{steps}");
    }
    // A Terraform server's disk is named by its address too (its system disk by an argument
    // of it): no volume id before apply.
    let dss = steps_in("examples/terraform/failing", "dss-disk");
    for steps in &dss {
        assert!(steps.contains("--volume_id=<volume-id>"), "{steps}");
        assert!(!steps.contains("--volume_id=examples"), "{steps}");
    }
}

/// The same for a rule judged over the whole inventory, on pruned entities: a request keeps
/// its document's region.
#[test]
fn remediation_of_a_whole_inventory_rule_names_the_region_too() {
    let inventory = "region: ap-southeast-1\nservers:\n  - id: 3c5458b5-8ca9-421b-a5e7-739393aac083\n    backup_service: CBR\nrequests:\n  - name: img\n    instance_id: 3c5458b5-8ca9-421b-a5e7-739393aac083\n";
    let said = remediation_of("request-vault-id", inventory);
    assert!(said.contains("--cli-region=ap-southeast-1"), "{said}");
}

/// A rule judged over the whole inventory, on pruned entities, names where the flag it read
/// is written: the `true` of `encrypted` on the disk's line (it pointed two columns before it,
/// where the previous value ended).
#[test]
fn a_related_flag_of_a_pruned_server_points_at_the_flag() {
    let inventory = "region: cn-north-4\nservers:\n  - id: 4f1e5a0c-2d5b-4c1e-9a77-1b2c3d4e5f60\n    status: SHUTOFF\n    backup_service: CBR\n    vault_id: 53845412-7b09-4493-a000-000000000007\n    disks:\n      - {id: d1, system: true, dss: false, encrypted: true}\nrequests:\n  - name: img-web\n    instance_id: 4f1e5a0c-2d5b-4c1e-9a77-1b2c3d4e5f60\n    vault_id: 53845412-7b09-4493-a000-000000000007\noperations:\n  - image: img-web\n    action: share\n    projects: [8ff34785-799e-4cbc-a000-000000100009]\n";
    let findings = findings_of("image-encrypted", inventory);
    let finding = findings.first().expect("an image-encrypted finding");
    let related = finding["related"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["message"] == "disk d1 is encrypted"))
        .unwrap_or_else(|| panic!("a related place for the disk: {finding}"));
    let line = inventory.lines().nth(7).expect("the disk's line");
    let column = line.find("encrypted: true").expect("the flag") + "encrypted: ".len() + 1;
    assert_eq!(related["line"], 8, "{related}");
    assert_eq!(related["column"], column, "{related}");
    assert_eq!(related["end_column"], column + 4, "{related}");
    assert_eq!(related["pointer"], "/servers/0/disks/0/encrypted");
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

/// `check examples/failing --format F`.
fn output(format: &str) -> String {
    let out = run(&["check", "examples/failing", "--format", format], &[]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_format_names_the_server_a_finding_is_about() {
    let v: Value = serde_json::from_str(&output("json")).expect("json");
    let findings = v["diagnostics"].as_array().cloned().unwrap_or_default();
    let spanned = findings
        .iter()
        .find(|f| f["rule"] == "windows-spanned-volume")
        .expect("a spanned-volume finding");
    assert_eq!(spanned["entity_kind"], "server");
    assert_eq!(spanned["entity_name"], "win-web-01");
    assert_eq!(spanned["entity"], "3c5458b5-8ca9-421b-a5e7-739393aac083");
    let named = "server win-web-01 (3c5458b5-…)";
    let compact = output("compact");
    let line = compact
        .lines()
        .find(|l| l.contains("[windows-spanned-volume]"))
        .expect("compact line");
    assert!(line.contains(named), "{line}");
    let github = output("github");
    let line = github
        .lines()
        .find(|l| l.contains("windows-spanned-volume"))
        .expect("github line");
    assert!(line.contains(named), "{line}");
}

#[test]
fn human_output_prints_a_rules_remediation_once() {
    let mut inventory = String::from("servers:\n");
    for i in 0..5 {
        inventory.push_str(&format!(
            "  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d83{i}\n    os: linux\n    status: ERROR\n"
        ));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("inventory.yaml"), inventory).expect("write");
    let path = dir.path().display().to_string();
    let human = |extra: &[&str]| {
        let mut args = vec![
            "check",
            &path,
            "--select",
            "server-status",
            "--color",
            "never",
        ];
        args.extend(extra);
        String::from_utf8_lossy(&run(&args, &[]).stdout).into_owned()
    };
    let step = "  1. ";
    let once = human(&[]);
    assert_eq!(once.matches("× ").count(), 5, "{once}");
    assert_eq!(once.matches(step).count(), 1, "{once}");
    assert_eq!(human(&["--verbose"]).matches(step).count(), 5);
}

#[test]
fn with_80_columns_the_examples_keep_commands_and_uuids_whole() {
    let out = run(
        &["check", "examples/", "--color", "never"],
        &[("COLUMNS", "80")],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // A UUID or an inline command is never split across lines.
    for line in text.lines() {
        let trimmed = line.trim_end();
        let odd = trimmed.matches('`').count() % 2 == 1
            && !trimmed.contains("│")
            && !trimmed.contains("·");
        assert!(!odd, "inline code split at: {line}");
        assert!(
            !trimmed.ends_with('-')
                || trimmed.contains("│")
                || trimmed.contains("·")
                || trimmed.ends_with("--"),
            "hyphen split: {line}"
        );
    }
    let wide: Vec<&str> = text
        .lines()
        .filter(|l| textwidth(l) > 80)
        .filter(|l| !stands_alone(l))
        .collect();
    assert!(
        wide.is_empty(),
        "{} lines wider than 80:\n{}",
        wide.len(),
        wide.join("\n")
    );
}

/// A line that holds one inline code span longer than the width and nothing else (SPEC §12:
/// it stands alone, unbroken).
fn stands_alone(line: &str) -> bool {
    let core = line
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ';', ',', ')']);
    core.starts_with('`') && core.ends_with('`') && core.matches('`').count() == 2
}

fn textwidth(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn a_rule_named_without_its_prefix_is_suggested() {
    let out = run(&["explain", "san-policy"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `windows-san-policy`?"), "{err}");
}

#[test]
fn plain_lsblk_output_is_told_to_use_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let facts = dir
        .path()
        .join("facts/3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835");
    std::fs::create_dir_all(&facts).expect("mkdir");
    std::fs::write(
        facts.join("lsblk.txt"),
        "NAME   MAJ:MIN RM  SIZE RO TYPE MOUNTPOINT\nvda    252:0    0   40G  0 disk\n",
    )
    .expect("write");
    let path = dir.path().display().to_string();
    let out = run(&["check", &path, "--format", "compact"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("`lsblk --json`") && !text.contains("diskpart"),
        "{text}"
    );
}

/// An inventory with a region and an API dump of the same server without one both show its
/// status: one finding, at the inventory (the first description), not one for each.
#[test]
fn a_finding_both_descriptions_show_is_reported_once_whatever_region_each_states() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("inv.yaml"),
        "region: cn-north-4\nservers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    status: ERROR\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("web.json"),
        r#"{"server": {"id": "3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835", "name": "web", "status": "ERROR"}}"#,
    )
    .expect("write");
    let path = dir.path().display().to_string();
    let out = run(
        &[
            "check",
            &path,
            "--format",
            "json",
            "--select",
            "server-status",
        ],
        &[],
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap_or_default()
            .ends_with("inv.yaml")
    );
}
