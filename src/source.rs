//! Source files as read from disk: their display path, their text, and the mapping from byte
//! offsets to the 1-based line and character column that every output format reports.

use std::sync::Arc;

/// One input file, read once and shared (by `Arc`) between the documents and findings that
/// point into it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to users: relative to the working directory when under it, `/` separators.
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Arc<SourceFile> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Arc::new(SourceFile {
            name,
            text,
            line_starts,
        })
    }

    /// Line and character column of a byte offset (clamped to the text and to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// The 1-based line a byte offset sits on.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
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
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
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
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a".into(), "name: 网站\nos: x\n".into());
        assert_eq!(f.line_col(6), LineCol { line: 1, column: 7 });
        assert_eq!(f.line_col(12), LineCol { line: 1, column: 9 });
        assert_eq!(f.line_col(17), LineCol { line: 2, column: 5 });
    }
}
