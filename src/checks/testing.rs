//! An in-memory harness for a check's own tests, as oxc's `Tester`: build the check from its
//! template name and parameters, read snippets of inventory (one file each, YAML or JSON),
//! judge them as the engine does (each entity, then the inventory), and compare the message
//! variants it reports. The rule files' fixtures run the same checks through the whole engine,
//! pruning included.

use std::sync::Arc;

use super::{Check, Cx, judge_each, parse_check};
use crate::finding::Hit;
use crate::input::source::SourceFile;
use crate::model::{EntityKind, ModelBuilder};
use crate::syntax::parse::{Format, Limits, parse};

/// One check, and the cases it must pass and fail.
pub(crate) struct Tester {
    check: Arc<dyn Check>,
    kinds: Vec<EntityKind>,
    /// Files of inventory, and the variants they must make the check report (none: a pass).
    cases: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl Tester {
    /// The check named `template` with `params` (JSON), for a rule that applies to
    /// `applies_to` (kinds, comma-separated).
    pub(crate) fn new(template: &str, params: &str, applies_to: &str) -> Tester {
        let params = serde_json::from_str(params).expect("params are JSON");
        let check = parse_check(template, params).expect("the check builds");
        let kinds = applies_to
            .split(',')
            .map(|k| EntityKind::parse(k.trim()).expect("a kind of entity"))
            .collect();
        Tester {
            check,
            kinds,
            cases: Vec::new(),
        }
    }

    /// One file the check passes.
    pub(crate) fn pass(self, file: &str) -> Tester {
        self.pass_files(&[file])
    }

    /// Files (one inventory) the check passes.
    pub(crate) fn pass_files(mut self, files: &[&str]) -> Tester {
        self.cases
            .push((files.iter().map(|f| f.to_string()).collect(), Vec::new()));
        self
    }

    /// One file the check fails, reporting exactly these variants (in any order).
    pub(crate) fn fail(self, file: &str, variants: &[&'static str]) -> Tester {
        self.fail_files(&[file], variants)
    }

    /// Files (one inventory) the check fails, reporting exactly these variants.
    pub(crate) fn fail_files(mut self, files: &[&str], variants: &[&'static str]) -> Tester {
        assert!(!variants.is_empty(), "a failing case names what it reports");
        self.cases.push((
            files.iter().map(|f| f.to_string()).collect(),
            variants.to_vec(),
        ));
        self
    }

    /// Judge every case; panics with the case and what was reported on a mismatch.
    pub(crate) fn run(self) {
        for (files, expected) in &self.cases {
            let hits = judge(self.check.as_ref(), &self.kinds, files);
            let mut got: Vec<&str> = hits.iter().map(|h| h.variant.as_str()).collect();
            got.sort_unstable();
            let mut want = expected.clone();
            want.sort_unstable();
            assert_eq!(
                got, want,
                "\ncheck {:?}\nfiles {files:#?}\nreported {hits:#?}",
                self.check
            );
        }
    }
}

/// The hits of one check over an inventory made of `files`.
fn judge(check: &dyn Check, kinds: &[EntityKind], files: &[String]) -> Vec<Hit> {
    let mut model = ModelBuilder::new();
    for (i, text) in files.iter().enumerate() {
        let (format, ext) = if text.trim_start().starts_with('{') {
            (Format::Json, "json")
        } else {
            (Format::Yaml, "yaml")
        };
        let file = SourceFile::new(format!("input-{i}.{ext}"), text.clone());
        let parsed = parse(text, format, &Limits::default());
        assert!(
            parsed.problems.is_empty(),
            "file {i} does not parse: {:?}",
            parsed.problems
        );
        for root in parsed.docs {
            let doc = crate::model::api::read_document(&file, &root)
                .or_else(|| crate::model::read_document(&file, root));
            model.add(doc.expect("an inventory document"));
        }
    }
    let (inventory, _) = model.finish();
    let kinds = check.kinds().unwrap_or(kinds);
    let variants = check.variants();
    let mut hits: Vec<Hit> = Vec::new();
    let mut cx = Cx::new("under-test", kinds, check.when(), &variants, &mut hits);
    let reads = check.reads();
    if reads.each_entity {
        judge_each(check, &inventory, &mut cx);
    }
    if reads.inventory {
        check.check_inventory(&inventory, &mut cx);
    }
    hits
}
