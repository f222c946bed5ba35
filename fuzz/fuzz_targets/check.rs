//! The full check (model, schema pass, every rule, suppressions, every output format) on one
//! in-memory document, fed as stdin.
#![no_main]

use std::sync::OnceLock;

use ims_preflight::config::Config;
use ims_preflight::input::discover::{Input, Origin};
use ims_preflight::engine::{Engine, Selection};
use ims_preflight::syntax::parse::Limits;
use ims_preflight::report::{self, OutputFormat, Report};
use ims_preflight::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules"))
}

fuzz_target!(|data: &[u8]| {
    let rules = rules();
    let config = Config::default();
    let selection = Selection::default();
    let limits = Limits::default();
    let engine = Engine {
        rules,
        config: &config,
        selection: &selection,
        limits: &limits,
        prune: true,
        list_entities: true,
    };
    let input = Input { name: "<stdin>".into(), origin: Origin::Stdin, explicit: false };
    let Ok(outcome) = engine.check(&[input], Some(data)) else { return };
    let checked = || outcome.checked(rules, &|_| true);
    let report = Report {
        findings: outcome.findings.iter().collect(),
        suppressed: 0,
        baselined: 0,
        files: outcome.files,
        documents: outcome.documents,
        rules,
        checked: &checked,
        color: false,
        quiet: false,
    };
    for format in [
        OutputFormat::Human,
        OutputFormat::Compact,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Junit,
        OutputFormat::Github,
        OutputFormat::Gitlab,
    ] {
        let _ = report::write(format, &report, &mut std::io::sink());
    }
});
