//! YAML loading: decoding plus the located-tree builder, on arbitrary bytes.
#![no_main]

use ims_preflight::syntax::parse::{Format, Limits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = ims_preflight::input::source::decode(data) {
        let parsed = parse(&text, Format::Yaml, &Limits::default());
        for doc in &parsed.docs {
            // Spans must slice the text.
            assert!(doc.span.end() <= text.len());
        }
    }
});
