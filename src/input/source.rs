//! Source files as read from disk: their display path, their text, and the mapping from byte
//! offsets to the 1-based line and character column that every output format reports.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use crate::syntax::parse::{Problem, ProblemKind};
use crate::syntax::tree::Span;

/// One input file, shared (by `Arc`) between the documents and findings that point into it.
///
/// A large run cannot hold every file's text: once a file's entities are built, its text is
/// released ([`SourceFile::release`]) and read again from disk only if a report needs it
/// (positions, snippets). A file that changed in between is noticed by its digest.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to users: relative to the working directory when under it, `/` separators.
    pub name: String,
    text: RwLock<Option<Text>>,
    /// Where the text can be read again.
    source: Reread,
    digest: u64,
    /// Size of the text when first read: reading again stops just past it.
    len: usize,
    /// Values never shown (a plan's sensitive values), masked in every excerpt.
    withheld: OnceLock<Box<[Span]>>,
}

/// Where a file's text can be read again.
#[derive(Debug)]
enum Reread {
    /// Nowhere: the text is kept for the whole run (stdin, pipes, config).
    Never,
    /// At the path it is shown as (most files: a large run names each once, not twice).
    AtName,
    At(PathBuf),
}

/// A file's text with the offsets of its lines (found on first use: most files never need
/// them, their findings being placed after the text was released and read again).
#[derive(Debug, Clone)]
pub struct Text {
    text: Arc<str>,
    line_starts: Arc<OnceLock<Vec<u32>>>,
}

/// 1-based start and exclusive end, in lines and character columns. An empty span is widened
/// to the character it sits on, so every region has a visible extent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Text {
    fn position(&self, span: Span) -> Position {
        let start = self.line_col(span.start());
        let mut end = self.line_col(span.end());
        if span.end() <= span.start() {
            let next = self.text.get(span.start()..).and_then(|t| t.chars().next());
            end = start;
            if next.is_some_and(|c| c != '\n' && c != '\r') {
                end.column += 1;
            }
        }
        Position {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    fn line_col(&self, offset: usize) -> LineCol {
        let text = &self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s as usize <= offset);
        let start = starts[line - 1] as usize;
        let column = text[start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    fn new(text: Arc<str>) -> Text {
        Text {
            text,
            line_starts: Arc::default(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The byte offset where each line starts (the first is 0).
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            // `memchr` finds the newlines a word at a time (a `char` search goes byte by byte):
            // this runs over every file a finding is placed in.
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| (i + 1) as u32));
            starts
        })
    }
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::syntax::tree::hasher();
    text.hash(&mut h);
    h.finish()
}

impl SourceFile {
    /// A text that stays in memory for the whole run.
    pub fn new(name: String, text: String) -> Arc<SourceFile> {
        SourceFile::build(name, text, None)
    }

    /// A regular file read from `path`: its text can be released and read again (the caller,
    /// `load::source`, knows it is regular; a pipe or `/dev/stdin` cannot be read twice).
    pub fn on_disk(name: String, text: String, path: PathBuf) -> Arc<SourceFile> {
        SourceFile::build(name, text, Some(path))
    }

    fn build(name: String, text: String, path: Option<PathBuf>) -> Arc<SourceFile> {
        let source = match path {
            None => Reread::Never,
            Some(path) if path.as_os_str() == name.as_str() => Reread::AtName,
            Some(path) => Reread::At(path),
        };
        Arc::new(SourceFile {
            digest: if matches!(source, Reread::Never) {
                0
            } else {
                digest(&text)
            },
            name,
            len: text.len(),
            text: RwLock::new(Some(Text::new(text.into()))),
            source,
            withheld: OnceLock::new(),
        })
    }

    /// Never show the text at these spans (set once, by the reader that knows them).
    pub fn withhold(&self, spans: Vec<Span>) {
        if !spans.is_empty() {
            let _ = self.withheld.set(spans.into_boxed_slice());
        }
    }

    /// The spans never shown (see [`SourceFile::withhold`]).
    pub fn withheld(&self) -> &[Span] {
        self.withheld.get().map_or(&[], |s| s)
    }

    /// Where the text can be read again, if anywhere.
    fn path(&self) -> Option<&std::path::Path> {
        match &self.source {
            Reread::Never => None,
            Reread::AtName => Some(std::path::Path::new(&self.name)),
            Reread::At(path) => Some(path),
        }
    }

    /// The text can be released and read again (a regular file).
    pub fn rereadable(&self) -> bool {
        self.path().is_some()
    }

    /// Free the text until something asks for it again (regular files only).
    pub fn release(&self) {
        if self.path().is_some()
            && let Ok(mut text) = self.text.write()
        {
            *text = None;
        }
    }

    /// `other` is the text this file had when it was first read.
    pub fn same_text(&self, other: &str) -> bool {
        self.path().is_none() || digest(other) == self.digest
    }

    fn loaded(&self) -> Text {
        if let Ok(held) = self.text.read()
            && let Some(t) = held.as_ref()
        {
            return t.clone();
        }
        // A changed file has no usable text: positions fall back to the start of the file
        // (and the engine reports the change, see `positions`).
        let text = Text::new(self.read_again().unwrap_or_default().into());
        if let Ok(mut held) = self.text.write() {
            *held = Some(text.clone());
        }
        text
    }

    /// Read a released text again: `None` if the file changed or vanished meanwhile (its
    /// positions would point at the wrong text).
    fn read_again(&self) -> Option<String> {
        use std::io::Read;
        let file = std::fs::File::open(self.path()?).ok()?;
        // A BOM or UTF-16 makes the bytes longer than the text; a file that grew is caught
        // by the digest.
        let cap = 2 * self.len as u64 + 4;
        let mut bytes = Vec::with_capacity(self.len + 1);
        file.take(cap).read_to_end(&mut bytes).ok()?;
        decode(bytes).ok().filter(|t| self.same_text(t))
    }

    /// The file's text (read again from disk if it was released).
    pub fn text(&self) -> Arc<str> {
        self.loaded().text
    }

    /// The file's text with where its lines start, found once for the file.
    pub fn lines(&self) -> Text {
        self.loaded()
    }

    /// Line and character column of a byte offset (clamped to the text and to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.loaded().line_col(offset)
    }

    /// Where a span is, in lines and columns.
    pub fn position(&self, span: Span) -> Position {
        self.loaded().position(span)
    }

    /// Positions of many spans, reading a released text once and without keeping it: how
    /// reports place thousands of findings without holding every file in memory again.
    /// `None` when the file changed since it was checked.
    pub fn positions(&self, spans: &[Span]) -> Option<Vec<Position>> {
        let held = self.text.read().ok().and_then(|t| t.clone());
        let text = match held {
            Some(text) => text,
            None => Text::new(self.read_again()?.into()),
        };
        Some(spans.iter().map(|&s| text.position(s)).collect())
    }

    /// The 1-based line a byte offset sits on.
    pub fn line_of(&self, offset: usize) -> usize {
        let text = self.loaded();
        let offset = offset.min(text.text.len());
        text.line_starts()
            .partition_point(|&s| s as usize <= offset)
    }
}

/// Resolve `.` and `..` without touching the file system (`inv/../hosts/a.json` ->
/// `hosts/a.json`), so one file has one name in reports.
pub fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            // `..` cancels a name before it; at the start it stays (`../../x` is not `x`),
            // and above the root there is nothing.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// A path (relative to `cwd`, or absolute) as seen from `base`, with `/`: how config globs
/// (`exclude`, `ignore[].path`) match, relative to the config file's folder.
pub fn relative_to(
    path: &std::path::Path,
    cwd: &std::path::Path,
    base: &std::path::Path,
) -> String {
    let abs = normalize(&cwd.join(path));
    let base = normalize(&cwd.join(base));
    let shown = abs.strip_prefix(&base).unwrap_or(&abs);
    shown.to_string_lossy().replace('\\', "/")
}

/// Turn a path into the form users see: relative to `cwd` when it lies under it, with `/`.
pub fn display_path(path: &std::path::Path, cwd: &std::path::Path) -> String {
    // `../here/inv.yaml` and `sub/../inv.yaml`, seen from `here`, are `inv.yaml`.
    let cwd = normalize(cwd);
    let absolute = normalize(&cwd.join(path));
    let shown = match absolute.strip_prefix(&cwd) {
        Ok(inside) => inside.to_path_buf(),
        Err(_) => normalize(path),
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".into() } else { text }
}

/// UTF-8 (with or without BOM) or UTF-16 with a BOM. Text that fails to decode comes back
/// lossily decoded with the problem, so a diagnostic can still show the line. The bytes are
/// taken: UTF-8 without a BOM, nearly every file, becomes the text without a copy.
pub fn decode(bytes: Vec<u8>) -> Result<String, (Problem, String)> {
    let lossy = |p: Problem, bytes: &[u8]| (p, String::from_utf8_lossy(bytes).into_owned());
    let utf16 = |rest: &[u8], big_endian: bool| {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| Problem {
            kind: ProblemKind::Syntax,
            span: Span::default(),
            message: "invalid UTF-16 text".into(),
        })
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|e| lossy(utf8_error(&e), rest))
        }
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false).map_err(|p| lossy(p, &bytes)),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true).map_err(|p| lossy(p, &bytes)),
        _ => String::from_utf8(bytes).map_err(|e| {
            let p = utf8_error(&e);
            lossy(p, e.as_bytes())
        }),
    }
}

fn utf8_error(e: &std::string::FromUtf8Error) -> Problem {
    let at = e.utf8_error().valid_up_to();
    Problem {
        kind: ProblemKind::Syntax,
        span: Span::new(at, at),
        message: crate::lang::pick(
            || format!("the file is not UTF-8 text (invalid byte at offset {at})"),
            || format!("文件不是UTF-8文本（偏移{at}处的字节无效）"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_current_directory_when_inside_it() {
        let cwd = std::path::Path::new("/work/repo");
        let shown = |p: &str| display_path(std::path::Path::new(p), cwd);
        assert_eq!(shown("../repo/inv.yaml"), "inv.yaml");
        assert_eq!(shown("sub/../inv.yaml"), "inv.yaml");
        assert_eq!(shown("./inv.yaml"), "inv.yaml");
        assert_eq!(shown("/work/repo/a/b.yaml"), "a/b.yaml");
        // Outside it, the path keeps every `..` it needs.
        assert_eq!(shown("../../other/inv.yaml"), "../../other/inv.yaml");
        assert_eq!(shown("../other/x/../inv.yaml"), "../other/inv.yaml");
        assert_eq!(shown("/elsewhere/inv.yaml"), "/elsewhere/inv.yaml");
        assert_eq!(
            normalize(std::path::Path::new("/../x")),
            std::path::Path::new("/x")
        );
    }

    #[test]
    fn a_released_text_is_read_again_but_not_if_the_file_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inv.yaml");
        let text = "a: 1\nbé: 2\n";
        std::fs::write(&path, text).expect("write");
        let file = SourceFile::on_disk("inv.yaml".into(), text.into(), path.clone());
        file.release();
        let pos = file.position(Span::new(5, 8));
        assert_eq!((pos.line, pos.column, pos.end_column), (2, 1, 3));
        assert_eq!(&*file.text(), text);

        let file = SourceFile::on_disk("inv.yaml".into(), text.into(), path.clone());
        file.release();
        std::fs::write(&path, "changed: true\n").expect("write");
        assert_eq!(
            &*file.text(),
            "",
            "a changed file must not be used for positions"
        );
        assert_eq!(file.position(Span::new(5, 8)).line, 1);
    }

    #[test]
    fn bytes_that_are_not_text_come_back_lossily_with_where_they_went_wrong() {
        assert_eq!(decode(b"a: 1\n".to_vec()).ok().as_deref(), Some("a: 1\n"));
        assert_eq!(
            decode(b"\xEF\xBB\xBFa: 1\n".to_vec()).ok().as_deref(),
            Some("a: 1\n")
        );
        let (problem, lossy) = decode(b"a: \xFF\n".to_vec()).expect_err("not UTF-8");
        assert_eq!(problem.span, Span::new(3, 3));
        assert!(problem.message.contains("offset 3"), "{}", problem.message);
        assert_eq!(lossy, "a: \u{FFFD}\n");
        // After a BOM, the offset and the text both start after it.
        let (problem, lossy) = decode(b"\xEF\xBB\xBFa: \xFF\n".to_vec()).expect_err("not UTF-8");
        assert_eq!(
            (problem.span, lossy.as_str()),
            (Span::new(3, 3), "a: \u{FFFD}\n")
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a".into(), "name: 网站\nos: x\n".into());
        assert_eq!(f.line_col(6), LineCol { line: 1, column: 7 });
        assert_eq!(f.line_col(12), LineCol { line: 1, column: 9 });
        assert_eq!(f.line_col(17), LineCol { line: 2, column: 5 });
    }
}
