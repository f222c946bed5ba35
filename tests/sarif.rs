//! SARIF output validates against the official SARIF 2.1.0 schema, for a multi-file failing
//! inventory with related locations across files.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    let out = Command::cargo_bin("ims-preflight")
        .expect("binary")
        .args(["check", "examples/failing", "--format", "sarif"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("sarif json");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    assert!(
        results.iter().all(
            |r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() >= Some(1)
        )
    );
}
