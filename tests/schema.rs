//! The reference of the inventory format (SPEC §12): `docs/inventory.md` is what `schema
//! --format markdown` prints, and the JSON Schema editors use is as strict as `check`.

use assert_cmd::Command;
use serde_json::{Value, json};

fn schema(format: &str) -> String {
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args(["schema", "--format", format])
        .output()
        .expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn docs_inventory_md_is_the_schema() {
    let shipped = std::fs::read_to_string("docs/inventory.md").expect("docs/inventory.md");
    assert_eq!(
        shipped,
        schema("markdown"),
        "docs/inventory.md is stale: run `cargo run -q -- schema --format markdown > docs/inventory.md`"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&schema("json")).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn the_json_schema_rejects_what_check_rejects_and_accepts_the_examples() {
    let v = validator();
    let request = json!({"name": "img", "instnace_id": "877a2cda-ba63-4e1e-b95f-e67e48b6129a"});
    assert!(!v.is_valid(&request), "a misspelt field in a bare request");
    assert!(
        !v.is_valid(&json!({"requests": [request]})),
        "… and in a document"
    );
    for bad in [
        json!({"requests": [{"name": "a", "instance_id": "x", "min_ram": "2048"}]}),
        json!({"requests": [{"name": "a", "instance_id": "x", "image_tags": [{"key": "k"}]}]}),
        json!({"servers": [{"id": "x", "os": "solaris"}]}),
    ] {
        assert!(!v.is_valid(&bad), "{bad}");
    }
    for good in [
        json!({"servers": [{"id": "x", "os": "Windows", "san_policy": "onlineall"}]}),
        json!({"requests": [{"name": "a", "instance_id": "x", "min_ram": 2048,
                             "image_tags": [{"key": "k", "value": "v"}], "tags": ["a.b"]}]}),
    ] {
        assert!(v.is_valid(&good), "{good}");
    }
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string("examples/seed-server-tags/request.json").expect("example"),
    )
    .expect("json");
    assert!(v.is_valid(&example), "Huawei's own request example");
}

#[test]
fn enums_are_offered_to_editors_as_enums() {
    let schema: Value = serde_json::from_str(&schema("json")).expect("json");
    let text = schema.to_string();
    assert!(text.contains(r#"{"enum":["windows","linux"]}"#), "{text}");
    assert!(
        text.contains(r#"{"enum":["OnlineAll","OfflineShared","OfflineInternal","OfflineAll"]}"#)
    );
}
