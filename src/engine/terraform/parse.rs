//! One file of a module parsed into the model's configuration shape (`.tf` by `hcl-edit`,
//! `.tf.json` and tfvars JSON by the JSON reader), with its suppression comments.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::files::Loaded;
use crate::input::source::SourceFile;
use crate::model::terraform::{Kind, Source, config};
use crate::syntax::parse::{Format, Limits, Problem};

/// A file of a module parsed: its `Loaded` entry, the problem that kept it from parsing, and
/// its suppression comments.
pub(super) struct ParsedFile {
    pub(super) owner: usize,
    pub(super) problem: Option<Problem>,
    pub(super) comments: Vec<crate::syntax::parse::Comment>,
}

/// Parse the file `loaded[owner]` (unless reading it failed).
pub(super) fn parse_file(
    loaded: &[Loaded],
    owner: usize,
    path: PathBuf,
    kind: Kind,
    limits: &Limits,
) -> (Source, ParsedFile) {
    let l = &loaded[owner];
    let (body, problem, comments) = if l.problems.is_empty() {
        parse(&l.file, &path, kind, limits)
    } else {
        (None, None, Vec::new())
    };
    let source = Source {
        file: l.file.clone(),
        path,
        kind,
        body,
    };
    let file = ParsedFile {
        owner,
        problem,
        comments,
    };
    (source, file)
}

/// Parse one file of a module into the model's configuration shape.
fn parse(
    file: &Arc<SourceFile>,
    path: &Path,
    kind: Kind,
    limits: &Limits,
) -> (
    Option<config::Body>,
    Option<Problem>,
    Vec<crate::syntax::parse::Comment>,
) {
    let text = file.text();
    let json = path.extension().is_some_and(|e| e == "json");
    if json {
        let mut parsed = crate::syntax::parse::parse(&text, Format::Json, limits);
        let Some(root) = parsed.docs.pop() else {
            return (None, parsed.problems.into_iter().next(), Vec::new());
        };
        let body = match kind {
            Kind::Config => config::from_json(&root),
            Kind::Vars | Kind::VarFile => config::json_body(&root, false),
        };
        return (Some(body), None, Vec::new());
    }
    match crate::syntax::terraform::parse(&text, limits, crate::suppress::MARKER, config::from_hcl)
    {
        Ok(parsed) => (
            Some(config::Body::joined(parsed.pieces)),
            None,
            parsed.comments,
        ),
        Err(problem) => (None, Some(problem), Vec::new()),
    }
}
