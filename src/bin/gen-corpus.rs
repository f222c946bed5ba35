//! Writes a deterministic corpus of realistic inventory files for benchmarks:
//! servers with disks, checklists and LVM or volumes; backups; requests; operations; references
//! across files; and a share of violations. Same seed, same bytes.
//!
//! `cargo run --release --features bench-tools --bin gen-corpus -- OUT_DIR FILES [SERVERS_PER_FILE] [SEED] [yaml|json] [--detach] [--multi-doc]`
//!
//! `--detach`: the heavier shape of a real estate: servers of 5 disks, Linux ones with 5 VGs
//! and 10 LVs; 5 backups, 10 requests and 6 operations a file, one of them a `detach-disk` of
//! a server described in the next file (now and then its system disk). `--multi-doc`: one file
//! in ten holds two YAML documents (servers, then the rest; YAML only).
//!
//! `--terraform`: the same entities twice, as YAML inventories under `OUT_DIR/yaml/` and as
//! one Terraform module a file under `OUT_DIR/tf/` (instances with data disks, a CBR vault,
//! whole-image resources from variables and locals, copies and shares), to measure what
//! reading Terraform adds to a run (`benches/terraform.sh`).

use std::fmt::Write as _;
use std::path::PathBuf;

/// xorshift64*: tiny, deterministic, good enough to vary a corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True about `percent` % of the time: how violations are sprinkled.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn uuid(kind: u64, a: u64, b: u64) -> String {
    let x = kind.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ a.wrapping_mul(0xc2b2_ae3d_27d4_eb4f) ^ b;
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (x >> 32) as u32,
        (x >> 16) as u16,
        (x & 0xfff) as u16,
        (a & 0xfff) as u16,
        (b << 20 | (kind & 0xfffff)) & 0xffff_ffff_ffff
    )
}

/// Which corpus to write (see the module documentation).
#[derive(Clone, Copy, Default)]
struct Shape {
    detach: bool,
    multi_doc: bool,
}

fn file_yaml(rng: &mut Rng, file: u64, files: u64, servers: u64, shape: Shape) -> String {
    let mut s = String::new();
    let regions = ["cn-north-4", "cn-south-1", "ap-southeast-1", "eu-west-0"];
    let region = regions[rng.below(4) as usize];
    let _ = writeln!(
        s,
        "# generated inventory {file}\nregion: {region}\nservers:"
    );
    for i in 0..servers {
        let windows = rng.chance(40);
        let status = if rng.chance(5) {
            "RESIZE"
        } else if rng.chance(50) {
            "ACTIVE"
        } else {
            "SHUTOFF"
        };
        let _ = writeln!(s, "  - id: {}", uuid(1, file, i));
        let _ = writeln!(s, "    name: srv-{file}-{i}");
        let _ = writeln!(s, "    os: {}", if windows { "windows" } else { "linux" });
        let _ = writeln!(s, "    status: {status}");
        let _ = writeln!(
            s,
            "    task_state: {}",
            if rng.chance(3) {
                "image_snapshot"
            } else {
                "null"
            }
        );
        let _ = writeln!(
            s,
            "    backup_service: {}",
            if rng.chance(70) { "CBR" } else { "CSBS" }
        );
        if windows {
            let _ = writeln!(
                s,
                "    san_policy: {}",
                if rng.chance(8) {
                    "OfflineShared"
                } else {
                    "OnlineAll"
                }
            );
        }
        let _ = writeln!(s, "    optimization:");
        let items: &[&str] = if windows {
            &["dhcp", "virtio_drivers", "remote_desktop", "cloudbase_init"]
        } else {
            &[
                "dhcp",
                "virtio_drivers",
                "persistent_net_rules_removed",
                "fstab_uuid",
                "grub_uuid",
                "cloud_init",
            ]
        };
        for item in items {
            let _ = writeln!(s, "      {item}: {}", !rng.chance(2));
        }
        let _ = writeln!(s, "    disks:");
        let disks = if shape.detach { 5 } else { 1 + rng.below(3) };
        for d in 0..disks {
            let _ = writeln!(
                s,
                "      - {{id: {}, device: /dev/vd{}, system: {}, dss: {}, shared: false}}",
                uuid(2, file * 100 + i, d),
                (b'a' + d as u8) as char,
                d == 0,
                rng.chance(1)
            );
        }
        if windows {
            let _ = writeln!(
                s,
                "    volumes:\n      - {{name: \"C:\", type: simple}}\n      - {{name: \"D:\", type: {}}}",
                if rng.chance(5) { "spanned" } else { "simple" }
            );
        } else if shape.detach {
            let _ = writeln!(s, "    lvm:\n      volume_groups:");
            for g in 0..5 {
                let pvs = if rng.chance(2) {
                    format!("[/dev/vd{0}, /dev/vd{0}1]", (b'b' + g as u8) as char)
                } else {
                    format!("[/dev/vd{}]", (b'b' + g as u8) as char)
                };
                let _ = writeln!(s, "        - {{name: vg_{g}, physical_volumes: {pvs}}}");
            }
            let _ = writeln!(s, "      logical_volumes:");
            for l in 0..10 {
                let _ = writeln!(
                    s,
                    "        - {{name: lv_{l}, volume_group: vg_{}, physical_volumes: [/dev/vd{}]}}",
                    l / 2,
                    (b'b' + (l / 2) as u8) as char
                );
            }
        } else {
            let pvs = if rng.chance(5) {
                "[/dev/vdb, /dev/vdc]"
            } else {
                "[/dev/vdb]"
            };
            let _ = writeln!(
                s,
                "    lvm:\n      volume_groups:\n        - name: vg_data\n          physical_volumes: {pvs}\n      logical_volumes:\n        - name: lv_data\n          volume_group: vg_data\n          physical_volumes: {pvs}"
            );
        }
    }
    if shape.multi_doc && file % 10 == 5 {
        let _ = writeln!(s, "---\nregion: {region}");
    }
    let _ = writeln!(s, "backups:");
    let backups = if shape.detach { 5 } else { 2 };
    for b in 0..backups {
        let cbr = rng.chance(60);
        let _ = writeln!(s, "  - id: {}", uuid(3, file, b));
        let _ = writeln!(s, "    service: {}", if cbr { "CBR" } else { "CSBS" });
        let _ = writeln!(
            s,
            "    status: {}",
            if rng.chance(5) {
                "protecting"
            } else {
                "available"
            }
        );
        let _ = writeln!(s, "    server_id: {}", uuid(1, file, b));
        let _ = writeln!(
            s,
            "    volumes:\n      - {{id: {}, system: true, shared: {}}}",
            uuid(2, file * 100 + b, 0),
            rng.chance(2)
        );
        let _ = writeln!(s, "    images: []");
    }
    let _ = writeln!(s, "requests:");
    let next = (file + 1) % files;
    let _ = writeln!(
        s,
        "  - name: img-{file}-a\n    description: whole image of srv-{next}-0\n    instance_id: {}\n    vault_id: {}\n    image_tags: [{{key: env, value: prod}}, {{key: owner, value: team-{}}}]",
        uuid(1, next, 0),
        uuid(4, file, 0),
        file % 17
    );
    let reused = if rng.chance(3) { next } else { file };
    let _ = writeln!(
        s,
        "  - name: img-{file}-b\n    backup_id: {}\n    whole_image_type: CBR\n    min_ram: {}\n    max_ram: 8192\n    tags: [\"env.prod\", \"app.web\"]",
        uuid(3, reused, 0),
        if rng.chance(3) { 16384 } else { 1024 }
    );
    if shape.detach {
        for r in 0..8 {
            let server = uuid(1, file, r % servers);
            let _ = writeln!(
                s,
                "  - name: img-{file}-r{r}\n    description: nightly image {r}\n    instance_id: {server}\n    vault_id: {}\n    image_tags: [{{key: env, value: prod}}]",
                uuid(4, file, r + 1)
            );
        }
    }
    let _ = writeln!(s, "operations:");
    let target = if rng.chance(5) { region } else { "la-south-2" };
    let _ = writeln!(
        s,
        "  - {{action: replicate, image: img-{file}-a, target_region: {target}}}"
    );
    let _ = writeln!(
        s,
        "  - {{action: {}, image: img-{file}-b, projects: [p1]}}",
        if rng.chance(4) { "export" } else { "share" }
    );
    if shape.detach {
        for r in 0..3 {
            let _ = writeln!(
                s,
                "  - {{action: replicate, image: img-{file}-r{r}, target_region: la-south-2}}"
            );
        }
        // The system disk is the first: now and then the plan detaches it.
        let disk = if rng.chance(3) { 0 } else { 1 + rng.below(4) };
        let _ = writeln!(
            s,
            "  - {{action: detach-disk, server: {}, disk: {}}}",
            uuid(1, next, 0),
            uuid(2, next * 100, disk)
        );
    }
    s
}

/// One file's entities as a YAML inventory and as a Terraform module (see `--terraform`).
fn terraform_pair(rng: &mut Rng, file: u64, servers: u64) -> (String, String) {
    let vault = uuid(7, file, 0);
    let mut y = format!("# generated inventory {file}\nregion: cn-north-4\nservers:\n");
    let mut t = format!(
        "# generated module {file}\nprovider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n}}\n\nvariable \"owner\" {{\n  type    = string\n  default = \"team-{file}\"\n}}\n\nlocals {{\n  app = \"app-{file}\"\n}}\n\nresource \"huaweicloud_cbr_vault\" \"v\" {{\n  name            = \"vault-{file}\"\n  type            = \"server\"\n  protection_type = \"backup\"\n  size            = 1000\n"
    );
    for i in 0..servers {
        let _ = write!(
            t,
            "  resources {{\n    server_id = huaweicloud_compute_instance.s{i}.id\n  }}\n"
        );
    }
    t.push_str("}\n");
    let mut requests = String::from("requests:\n");
    let mut operations = String::from("operations:\n");
    for i in 0..servers {
        let id = uuid(1, file, i);
        let address = format!("huaweicloud_compute_instance.s{i}");
        let dss = rng.chance(3);
        let _ = write!(
            y,
            "  - id: {id}\n    name: srv-{file}-{i}\n    status: SHUTOFF\n    backup_service: CBR\n    vault_id: {vault}\n    disks:\n      - {{id: \"{address}.system_disk_id\", system: true, dss: {dss}}}\n      - {{id: \"{address}.data_disks[0]\", system: false}}\n"
        );
        let _ = write!(
            t,
            "\nresource \"huaweicloud_compute_instance\" \"s{i}\" {{\n  name         = \"srv-{file}-{i}\"\n  image_id     = \"{}\"\n  flavor_id    = \"s6.large.2\"\n  power_action = \"OFF\"\n{}\n  data_disks {{\n    type = \"SSD\"\n    size = 100\n  }}\n}}\n",
            uuid(8, file, i),
            if dss {
                "  system_disk_dss_pool_id = \"pool-1\""
            } else {
                ""
            }
        );
        let name = if rng.chance(2) {
            format!("img-{file}-{i} ")
        } else {
            format!("img-{file}-{i}")
        };
        let (min, max) = if rng.chance(2) {
            (8192, 1024)
        } else {
            (1024, 8192)
        };
        let _ = write!(
            requests,
            "  - name: \"{name}\"\n    description: whole image of srv-{file}-{i}\n    instance_id: {id}\n    vault_id: {vault}\n    min_ram: {min}\n    max_ram: {max}\n    image_tags:\n      - {{key: env, value: prod}}\n      - {{key: app, value: app-{file}}}\n      - {{key: owner, value: team-{file}}}\n"
        );
        let _ = write!(
            t,
            "\nresource \"huaweicloud_ims_ecs_whole_image\" \"i{i}\" {{\n  name        = \"{name}\"\n  description = format(\"whole image of %s\", \"srv-{file}-{i}\")\n  instance_id = huaweicloud_compute_instance.s{i}.id\n  vault_id    = huaweicloud_cbr_vault.v.id\n  min_ram     = {min}\n  max_ram     = {max}\n  tags = {{\n    env   = \"prod\"\n    app   = local.app\n    owner = var.owner\n  }}\n}}\n"
        );
        if i % 2 == 0 {
            let _ = writeln!(
                operations,
                "  - {{action: replicate, image: \"{name}\", target_region: cn-south-1, name: img-{file}-{i}-south}}"
            );
            let _ = write!(
                t,
                "\nresource \"huaweicloud_images_image_copy\" \"c{i}\" {{\n  source_image_id = huaweicloud_ims_ecs_whole_image.i{i}.id\n  name            = \"img-{file}-{i}-south\"\n  target_region   = \"cn-south-1\"\n}}\n"
            );
        } else {
            let (a, b) = (uuid(9, file, i), uuid(10, file, i));
            let _ = writeln!(
                operations,
                "  - {{action: share, image: \"{name}\", projects: [{a}, {b}]}}"
            );
            let _ = write!(
                t,
                "\nresource \"huaweicloud_images_image_share\" \"h{i}\" {{\n  source_image_id    = huaweicloud_ims_ecs_whole_image.i{i}.id\n  target_project_ids = [\"{a}\", \"{b}\"]\n}}\n"
            );
        }
    }
    y.push_str(&requests);
    y.push_str(&operations);
    (y, t)
}

fn write_or_exit(path: &std::path::Path, text: &str) {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(path, text)) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

fn main() {
    let (flags, args): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let shape = Shape {
        detach: flags.iter().any(|f| f == "--detach"),
        multi_doc: flags.iter().any(|f| f == "--multi-doc"),
    };
    if let Some(unknown) = flags
        .iter()
        .find(|f| !matches!(f.as_str(), "--detach" | "--multi-doc" | "--terraform"))
    {
        eprintln!("unknown option {unknown}");
        std::process::exit(2);
    }
    if args.len() < 2 {
        eprintln!(
            "usage: gen-corpus OUT_DIR FILES [SERVERS_PER_FILE=10] [SEED=1] [yaml|json] [--detach] [--multi-doc] [--terraform]"
        );
        std::process::exit(2);
    }
    let out = PathBuf::from(&args[0]);
    let parse =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (files, servers, seed) = (parse(1, 100), parse(2, 10), parse(3, 1));
    let json = args.get(4).is_some_and(|f| f == "json");
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut bytes = 0usize;
    if flags.iter().any(|f| f == "--terraform") {
        let mut tf_bytes = 0usize;
        for file in 0..files {
            let (yaml, tf) = terraform_pair(&mut rng, file, servers);
            write_or_exit(&out.join("yaml").join(format!("inv-{file:05}.yaml")), &yaml);
            write_or_exit(
                &out.join("tf")
                    .join(format!("mod-{file:05}"))
                    .join("main.tf"),
                &tf,
            );
            bytes += yaml.len();
            tf_bytes += tf.len();
        }
        println!(
            "{files} files each: {bytes} bytes of YAML, {tf_bytes} bytes of Terraform in {}",
            out.display()
        );
        return;
    }
    for file in 0..files {
        let yaml = file_yaml(&mut rng, file, files, servers, shape);
        let dir = out.join(format!("{:03}", file / 1000));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("cannot create {}: {e}", dir.display());
            std::process::exit(1);
        }
        let (name, text) = if json {
            (format!("inv-{file:05}.json"), to_json(&yaml))
        } else {
            (format!("inv-{file:05}.yaml"), yaml)
        };
        bytes += text.len();
        if let Err(e) = std::fs::write(dir.join(name), text) {
            eprintln!("cannot write: {e}");
            std::process::exit(1);
        }
    }
    println!("{files} files, {bytes} bytes in {}", out.display());
}

/// The same document as JSON, through the checker's own YAML reader.
fn to_json(yaml: &str) -> String {
    use ims_preflight::syntax::tree::{Kind, Node, Value};
    fn conv(n: &Node) -> serde_json::Value {
        match &n.kind {
            Kind::Scalar(s) => match s.value() {
                Value::Null => serde_json::Value::Null,
                Value::Bool(b) => b.into(),
                Value::Int(i) => i.into(),
                Value::Float(f) => f.into(),
                Value::Str(t) => t.into(),
            },
            Kind::Seq(items) => items.iter().map(conv).collect(),
            Kind::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), conv(&e.value)))
                .collect(),
        }
    }
    let parsed = ims_preflight::syntax::parse::parse(
        yaml,
        ims_preflight::syntax::parse::Format::Yaml,
        &Default::default(),
    );
    let value = parsed.docs.first().map(conv).unwrap_or_default();
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
