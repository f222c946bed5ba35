//! Languages (SPEC §13): every rule in English and Chinese, chosen with `--lang`,
//! `IMS_PREFLIGHT_LANG` or the locale; rule ids, JSON keys and exit codes unchanged.

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn has_chinese(text: &str) -> bool {
    text.chars().any(ims_preflight::values::is_chinese)
}

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::cargo_bin("ims-preflight").expect("binary");
    for key in ["IMS_PREFLIGHT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every built-in rule has its texts in both languages; loading checks that each message,
/// step and alternative has the same placeholders in both (a rule file where they differ
/// does not load).
#[test]
fn every_built_in_rule_speaks_both_languages() {
    for rule in &common::rules().rules {
        let zh = rule
            .zh
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no `zh`", rule.id));
        assert!(has_chinese(&zh.advice.title), "{}: title", rule.id);
        assert!(has_chinese(&zh.advice.help), "{}: help", rule.id);
        assert!(has_chinese(&zh.rationale), "{}: rationale", rule.id);
        for (variant, text) in &zh.messages {
            // A message that is only a placeholder (`{detail}`) has nothing to translate.
            let words = text.replace(|c: char| !c.is_alphanumeric(), "");
            let only_placeholders = text.trim().starts_with('{')
                && text.trim().ends_with('}')
                && text.matches('{').count() == 1;
            assert!(
                has_chinese(text) || only_placeholders || words.is_empty(),
                "{}: message {variant}",
                rule.id
            );
        }
    }
}

#[test]
fn a_translation_with_other_placeholders_does_not_load() {
    let text = std::fs::read_to_string("rules/request-ram.yaml").expect("rule");
    let zh = text.find("\nzh:\n").expect("zh block");
    let first = zh + text[zh..].find("  messages:\n").expect("zh messages") + "  messages:\n".len();
    let quote = first + text[first..].find('"').expect("a quoted message") + 1;
    let broken = format!("{}{{bogus}} {}", &text[..quote], &text[quote..]);
    let err =
        ims_preflight::rules::parse_rule("request-ram.yaml", &broken, "x").expect_err("refused");
    assert!(err.to_string().contains("placeholders"), "{err}");
    assert!(ims_preflight::rules::parse_rule("request-ram.yaml", &text, "x").is_ok());
}

#[test]
fn chinese_is_chosen_by_flag_variable_or_locale_and_english_comes_back() {
    let json = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "examples/failing", "--format", "json"];
        all.extend_from_slice(args);
        let (code, out) = run(&all, env);
        let v: Value = serde_json::from_str(&out).expect("json");
        (
            code,
            v["diagnostics"].as_array().cloned().unwrap_or_default(),
        )
    };
    let (code_en, en) = json(&[], &[]);
    for (args, env) in [
        (&["--lang", "zh-CN"][..], &[][..]),
        (&[][..], &[("LANG", "zh_CN.UTF-8")][..]),
        (
            &[][..],
            &[("IMS_PREFLIGHT_LANG", "zh-CN"), ("LANG", "en_US.UTF-8")][..],
        ),
    ] {
        let (code, zh) = json(args, env);
        assert_eq!(code, code_en, "exit codes do not change");
        assert_eq!(zh.len(), en.len());
        for (z, e) in zh.iter().zip(&en) {
            assert_eq!(z["rule"], e["rule"], "rule ids do not change");
            assert!(
                has_chinese(z["message"].as_str().unwrap_or_default()),
                "{z}"
            );
            assert!(has_chinese(z["help"].as_str().unwrap_or_default()), "{z}");
        }
    }
    let (_, back) = json(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(
        back.iter()
            .all(|f| !has_chinese(f["help"].as_str().unwrap_or_default()))
    );
}

#[test]
fn explain_in_chinese_quotes_the_seed() {
    let (_, out) = run(
        &[
            "explain",
            "windows-san-policy",
            "--lang",
            "zh-CN",
            "--width",
            "400",
        ],
        &[],
    );
    let rule = common::rules();
    let quote = rule
        .get("windows-san-policy")
        .expect("rule")
        .source
        .quote
        .trim()
        .to_string();
    assert!(has_chinese(&quote));
    assert!(out.contains(&quote), "{out}");
    assert!(out.contains("如何修复"), "{out}");
}

/// A line that holds one inline code span and punctuation only (it stands alone, unbroken).
fn stands_alone(line: &str) -> bool {
    let core = line
        .trim()
        .trim_start_matches(['(', '（'])
        .trim_end_matches(['.', ';', ',', ')', '，', '。', '；', '）']);
    core.starts_with('`') && core.ends_with('`') && core.matches('`').count() == 2
}

fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| {
            if ims_preflight::values::is_chinese(c) || "，。；：（）、".contains(c) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn chinese_output_fits_80_columns() {
    let (_, out) = run(
        &["check", "examples/failing", "--color", "never"],
        &[("LANG", "zh_CN.UTF-8"), ("COLUMNS", "80")],
    );
    let wide: Vec<&str> = out
        .lines()
        .filter(|l| columns(l) > 80 && !stands_alone(l))
        .collect();
    assert!(wide.is_empty(), "{}", wide.join("\n"));
}

#[test]
fn chinese_human_output_of_a_few_rules() {
    for rule in ["windows-san-policy", "linux-lvm-multi-pv", "request-name"] {
        let (_, out) = run(
            &[
                "check",
                "examples/failing",
                "--select",
                rule,
                "--color",
                "never",
                "--width",
                "100",
            ],
            &[("IMS_PREFLIGHT_LANG", "zh-CN")],
        );
        insta::assert_snapshot!(format!("zh-{rule}"), out);
    }
}

#[test]
fn sarif_fingerprints_do_not_depend_on_the_language() {
    let prints = |lang: &str| {
        let (_, out) = run(
            &[
                "check",
                "examples/failing",
                "--format",
                "sarif",
                "--lang",
                lang,
            ],
            &[],
        );
        let v: Value = serde_json::from_str(&out).expect("sarif");
        let results = v["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let prints: Vec<String> = results
            .iter()
            .map(|r| r["partialFingerprints"].to_string())
            .collect();
        let texts: Vec<String> = results
            .iter()
            .map(|r| r["message"]["text"].to_string())
            .collect();
        (prints, texts)
    };
    let (en, en_texts) = prints("en");
    let (zh, zh_texts) = prints("zh-CN");
    assert!(!en.is_empty());
    assert_eq!(en, zh);
    assert_ne!(en_texts, zh_texts, "the texts are translated");
}

/// English prose left in a Chinese text: three or more English words in a row, outside code
/// spans (`...`), which hold names, commands and values in both languages.
fn english_prose(text: &str) -> Option<String> {
    english_run(text, |c| c.is_ascii_alphabetic())
}

/// Three or more words of `letters` in a row, outside code spans, with only spaces and
/// punctuation between them: a name (`huaweicloud_compute_instance.s`, `a/b`), an id or a path
/// is not a word, and ends a run of them, as Chinese does (values a Chinese sentence lists,
/// `windows, linux之一`, are apart).
fn english_run(text: &str, letters: fn(char) -> bool) -> Option<String> {
    let outside_code: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" 。 ");
    let mut run = Vec::new();
    for token in outside_code.split_ascii_whitespace() {
        let word = token.trim_matches(|c: char| "()[],;:.!?\"'".contains(c));
        if word.is_empty() || !word.chars().all(letters) {
            run.clear();
            continue;
        }
        run.push(word);
        if run.len() >= 3 {
            return Some(run.join(" "));
        }
    }
    None
}

/// What the model says of Terraform (why a value is unknown before apply, where a value it
/// uses is written, why a module is not read) is worded in the run's language too.
#[test]
fn terraform_reasons_and_places_are_said_in_chinese() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"provider "huaweicloud" {
  region = "cn-north-4"
}
variable "pool" {}
variable "owner" {
  default = "team a"
}
module "remote" {
  source = "git::https://example.com/m.git"
}
data "huaweicloud_compute_instances" "found" {}
resource "huaweicloud_compute_instance" "s" {
  name                    = "srv"
  system_disk_dss_pool_id = var.pool
}
resource "huaweicloud_cbr_vault" "v" {
  name = "v"
  type = "server"
  dynamic "resources" {
    for_each = data.huaweicloud_compute_instances.found.ids
    content {
      server_id = resources.value
    }
  }
}
resource "huaweicloud_ims_ecs_whole_image" "i" {
  name        = data.huaweicloud_foo.x.name
  instance_id = huaweicloud_compute_instance.s.id
  vault_id    = "6b5e8f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
  description = module.remote.text
  tags = {
    owner = var.owner
  }
}
variable "image" {
  default = " img"
}
resource "huaweicloud_ims_ecs_whole_image" "j" {
  name        = var.image
  instance_id = huaweicloud_compute_instance.s.id
  vault_id    = "6b5e8f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
}
resource "huaweicloud_images_image_copy" "c" {
  source_image_id = "0b9a2e4c-3f1d-4a5b-9c8d-7e6f5a4b3c2d"
  name            = "copy"
  target_region   = "cn-south-1"
}
"#,
    )
    .expect("write");
    let path = dir.path().to_string_lossy().into_owned();
    let texts = |lang: &str| {
        let (_, out) = run(&["check", &path, "--format", "json", "--lang", lang], &[]);
        let v: Value = serde_json::from_str(&out).expect("json");
        let mut texts = Vec::new();
        for f in v["diagnostics"].as_array().cloned().unwrap_or_default() {
            texts.push(f["message"].as_str().unwrap_or_default().to_string());
            for r in f["related"].as_array().cloned().unwrap_or_default() {
                texts.push(r["message"].as_str().unwrap_or_default().to_string());
            }
        }
        texts.join("\n")
    };
    let en = texts("en");
    // What the fixture makes the model say, in English ...
    for said in [
        "it is read from a data source",
        "it is an output of a module",
        "variable `pool` has no value",
        "it may be in vault",
        "uses the default of variable `image`",
        "is not made in this run",
        "which is not fetched",
    ] {
        assert!(en.contains(said), "{said}: {en}");
    }
    // ... and in Chinese, with no English prose left.
    let zh = texts("zh-CN");
    for line in zh.lines() {
        assert!(
            english_prose(line).is_none(),
            "{:?} in {line}",
            english_prose(line)
        );
    }
    for said in [
        "它从数据源读取",
        "它是模块的输出",
        "变量`pool`没有值",
        "它可能在存储库",
        "使用了变量`image`的默认值",
        "不是本次运行所制作的",
        "该来源不会被下载",
    ] {
        assert!(zh.contains(said), "{said}: {zh}");
    }
}

/// A schema finding names types and YAML 1.1 readings in the run's language.
#[test]
fn schema_findings_name_types_in_chinese() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("inv.yaml"),
        "servers:\n  - id: 3f6a9c1d-2b8e-4d57-a0c4-7e1f92b6d835\n    status: [1]\n    os: no\n",
    )
    .expect("write");
    let path = dir.path().to_string_lossy().into_owned();
    let (_, out) = run(
        &[
            "check",
            &path,
            "--format",
            "json",
            "--lang",
            "zh-CN",
            "--select",
            "inventory-schema",
        ],
        &[],
    );
    let v: Value = serde_json::from_str(&out).expect("json");
    let messages: Vec<String> = v["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("应为 字符串，实际为 列表")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("读作 布尔值false")),
        "{messages:?}"
    );
    for m in &messages {
        assert!(
            !m.contains("a string") && !m.contains("a list") && !m.contains("the boolean"),
            "{m}"
        );
    }
}

/// What a finding shows beside it (`related`: the request that makes the image, the first
/// use of a tag key, the backup made from a server) is worded in the run's language too,
/// over every rule's fixtures, inventories and Terraform alike.
#[test]
fn related_places_are_said_in_chinese() {
    let (_, out) = run(
        &[
            "check",
            "examples",
            "tests/fixtures/rules",
            "tests/fixtures/terraform",
            "tests/fixtures/two-pass",
            "tests/fixtures/trust",
            "--format",
            "json",
            "-q",
        ],
        &[("IMS_PREFLIGHT_LANG", "zh-CN")],
    );
    let report: Value = serde_json::from_str(&out).expect("json");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let related: Vec<(&str, &str)> = diagnostics
        .iter()
        .flat_map(|d| {
            let rule = d["rule"].as_str().unwrap_or_default();
            d["related"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |r| (rule, r["message"].as_str().unwrap_or_default()))
        })
        .collect();
    assert!(related.len() > 100, "{} related places", related.len());
    let english: Vec<&(&str, &str)> = related
        .iter()
        .filter(|(_, message)| !has_chinese(message) || english_prose(message).is_some())
        .collect();
    assert!(english.is_empty(), "{english:?}");
    // The messages too, but for those that quote another program's words: a parser's error
    // (`inventory-syntax`) and a cloud API's error response.
    let english: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|d| {
            let rule = d["rule"].as_str().unwrap_or_default();
            (rule, d["message"].as_str().unwrap_or_default())
        })
        .filter(|(rule, message)| *rule != "inventory-syntax" && !message.contains("错误响应"))
        .filter(|(_, message)| english_words(message).is_some())
        .collect();
    assert!(english.is_empty(), "{english:?}");
}

/// Three or more lowercase English words in a row: words of a sentence (a name, an acronym
/// or a product, `LVM JSON`, `Ansible`, is capitalised).
fn english_words(text: &str) -> Option<String> {
    english_run(text, |c| c.is_ascii_lowercase())
}

/// The entity a finding is about is named in the run's language too (`云服务器 web-01 (…)`),
/// in the compact and human formats alike.
#[test]
fn the_entity_a_finding_is_about_is_named_in_chinese() {
    for format in ["compact", "human"] {
        let (_, out) = run(
            &["check", "examples", "--format", format, "--width", "200"],
            &[("IMS_PREFLIGHT_LANG", "zh-CN")],
        );
        if format == "compact" {
            assert!(out.contains("(备份 4af61b9f"), "{out}");
        }
        for kind in ["server", "backup", "request", "operation", "volume"] {
            let named = format!("({kind} ");
            assert!(!out.contains(&named), "{format}: `{named}` in\n{out}");
        }
    }
}
