//! JSON loading in strict mode, on arbitrary bytes.
#![no_main]

use ims_preflight::syntax::parse::{Format, Limits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = ims_preflight::input::source::decode(data) {
        let parsed = parse(&text, Format::Json, &Limits::default());
        for doc in &parsed.docs {
            assert!(doc.span.end() <= text.len());
        }
    }
});
