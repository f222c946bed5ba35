//! Config and rule-file parsing (serde-saphyr, strict booleans), on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ims_preflight::config::parse_config("fuzz.yaml", text);
        let _ = ims_preflight::rules::parse_rule("fuzz-rule.yaml", text, "fuzz");
    }
});
