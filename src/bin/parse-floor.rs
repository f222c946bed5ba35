//! The parse floor for benchmarks: read the given files and run the same parser over them, on
//! one thread. `check` end to end is measured against this.
//!
//! `cargo run --release --features bench-tools --bin parse-floor -- DIR [--no-comments|--hcl]`
//!
//! YAML, events only: comment events are on by default (the parser's whole event stream);
//! `--no-comments` is the floor of a parse that skips them, as `check` does for files without
//! a suppression. `--hcl`: Terraform's HCL, parsed into `hcl-edit`'s tree (its parser builds
//! the tree as it goes: there is no lighter way to run it), which is then dropped.

use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse-floor DIR [--no-comments]");
        std::process::exit(2);
    };
    let mut files: Vec<_> = ignore::WalkBuilder::new(&dir)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mode = std::env::args().nth(2);
    let comments = mode.as_deref() != Some("--no-comments");
    let hcl = mode.as_deref() == Some("--hcl");
    let start = Instant::now();
    let (mut bytes, mut events) = (0usize, 0usize);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        bytes += text.len();
        if hcl {
            // Top-level structures stand for events: the tree has no event stream.
            if let Ok(body) = hcl::edit::parser::parse_body_spanned(&text) {
                events += body.len();
            }
            continue;
        }
        let options = granit_parser::options! { emit_comments: comments };
        for event in granit_parser::Parser::new_from_str_with_options(&text, options) {
            if event.is_err() {
                break;
            }
            events += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse-floor: {} files, {:.1} MB, {events} events in {secs:.3} s = {:.0} files/s, {:.1} MB/s",
        files.len(),
        bytes as f64 / 1e6,
        files.len() as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}
