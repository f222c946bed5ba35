//! Parsing: source text -> located trees. The YAML and JSON parsers are hidden behind this
//! module; everything downstream sees only [`crate::syntax::tree::Node`].

mod json;
mod yaml;

use crate::syntax::tree::{Node, Span};

/// Resource limits that keep hostile input bounded in time and memory.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Limits {
    /// Largest file read, in bytes (checked before reading).
    pub max_file_bytes: u64,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes in one file, counting alias expansions.
    pub max_nodes: usize,
    /// Most nodes that aliases may copy in one file (alias bombs).
    pub max_alias_nodes: usize,
    /// Longest line of a YAML file, in bytes. JSON is not held to it: machine-written JSON
    /// is one line (`terraform show -json`, API responses), and its parser is linear.
    pub max_line_length: usize,
    /// Most files one run reads.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 1_000_000,
            max_alias_nodes: 100_000,
            max_line_length: 64 * 1024,
            max_files: 100_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    pub fn of(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    /// Text after the `#`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not valid YAML/JSON.
    Syntax,
    /// A configured limit was exceeded; names the limit.
    Limit(&'static str),
    /// A host facts file that cannot be read as any known format.
    Facts,
    /// A special file (FIFO, socket, device) skipped while walking: a note, not an error.
    Skipped,
    /// A Terraform module the run does not read (from a registry or Git, not downloaded):
    /// what its resources would send is not known, a note, an error under `--strict`.
    Unread,
    /// Parsed, but its tool refuses to load it (a Terraform module declaring a resource
    /// twice): an error, as a syntax error is.
    Refused,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    /// Documents that parsed completely (a broken document is dropped, its problem kept).
    pub docs: Vec<Node>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
}

pub fn parse(text: &str, format: Format, limits: &Limits) -> Parsed {
    parse_keeping(text, format, limits, Comments::Keep)
}

/// Whether a parse collects the YAML comments (JSON has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comments {
    Keep,
    /// Nobody will read them: the parser skips the work of reporting them.
    Skip,
}

pub fn parse_keeping(text: &str, format: Format, limits: &Limits, comments: Comments) -> Parsed {
    if format == Format::Yaml
        && let Some(problem) = long_line(text, limits.max_line_length)
    {
        return Parsed {
            problems: vec![problem],
            ..Parsed::default()
        };
    }
    match format {
        Format::Yaml => yaml::parse(text, limits, comments),
        Format::Json => json::parse(text, limits),
    }
}

fn long_line(text: &str, max: usize) -> Option<Problem> {
    let mut start = 0;
    for line in text.split('\n') {
        if line.len() > max {
            return Some(Problem {
                kind: ProblemKind::Limit("max_line_length"),
                span: Span::new(start, start),
                message: format!("a line of {} bytes exceeds the limit of {max}", line.len()),
            });
        }
        start += line.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_tree_shape() {
        let y = parse("a: [1, \"x\"]\n", Format::Yaml, &Limits::default());
        let j = parse("{\"a\": [1, \"x\"]}", Format::Json, &Limits::default());
        assert!(y.problems.is_empty() && j.problems.is_empty());
        assert!(y.docs[0].same_content(&j.docs[0]));
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let limits = Limits {
            max_line_length: usize::MAX,
            ..Limits::default()
        };
        let text = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let p = parse(&text, Format::Yaml, &limits);
        assert!(
            p.problems
                .iter()
                .any(|p| p.kind == ProblemKind::Limit("max_depth"))
        );
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let p = parse(&text, Format::Json, &limits);
        assert!(
            p.problems
                .iter()
                .any(|p| p.kind == ProblemKind::Limit("max_depth"))
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let p = parse(&text, Format::Yaml, &Limits::default());
        assert!(
            p.problems
                .iter()
                .any(|p| p.kind == ProblemKind::Limit("max_alias_nodes"))
        );
    }
}
