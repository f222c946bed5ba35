//! Baselines: adopt the checker on a repository with existing findings. `--write-baseline`
//! records today's findings keyed by file, rule, entity and the path inside the entity (never
//! by line or list position, so edits elsewhere do not invalidate them); `--baseline` then
//! reports only new findings and lists entries that no longer match, so the file shrinks as
//! problems are fixed. Files are recorded relative to the baseline file, so the check can run
//! from any directory.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::UsageError;
use crate::finding::Finding;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub rule: String,
    #[serde(default)]
    pub entity: Option<String>,
    /// Where in the entity (`/disks/0/dss`), or the document pointer for file-level findings.
    pub path: String,
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.file,
            self.rule,
            self.entity.as_deref().unwrap_or("-"),
            self.path
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

/// Finding -> entry, with files relative to the baseline file's folder.
struct Keys {
    cwd: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Keys {
    fn new(baseline: &Path) -> Keys {
        Keys {
            cwd: std::env::current_dir().unwrap_or_default(),
            dir: baseline.parent().unwrap_or(Path::new("")).to_path_buf(),
        }
    }

    fn of(&self, f: &Finding) -> Entry {
        Entry {
            file: crate::input::source::relative_to(
                Path::new(&f.place.file.name),
                &self.cwd,
                &self.dir,
            ),
            rule: f.rule.to_string(),
            entity: f.entity.clone(),
            path: f.path.to_string(),
        }
    }
}

/// Write the unsuppressed findings as a baseline file. Unreadable files are never baselined:
/// they must keep failing until fixed.
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize, UsageError> {
    let keys = Keys::new(path);
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| {
            f.suppressed.is_none() && !crate::config::ALWAYS_ERRORS.contains(&f.rule.as_str())
        })
        .map(|f| keys.of(f))
        .collect();
    entries.sort();
    let count = entries.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        entries,
    })
    .unwrap_or_default();
    std::fs::write(path, format!("{text}\n"))
        .map_err(|e| UsageError::msg(format!("cannot write baseline {}: {e}", path.display())))?;
    Ok(count)
}

/// Mark findings recorded in the baseline; returns the entries that matched nothing.
pub fn apply(path: &Path, findings: &mut [Finding]) -> Result<Vec<Entry>, UsageError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::msg(format!("cannot read baseline {shown}: {e}")))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        let source = crate::input::source::SourceFile::new(shown.clone(), text.clone());
        let at = line_start(&source.text(), e.line()) + e.column().saturating_sub(1);
        let span = crate::syntax::tree::Span::new(at, at + 1);
        UsageError::in_file(
            &shown,
            &text,
            Some(span),
            format!("{shown} is not an ims-preflight baseline: {e}"),
        )
    })?;
    if file.version != 1 {
        return Err(UsageError::msg(format!(
            "{shown}: baseline version {} is not supported (expected 1)",
            file.version
        )));
    }
    let mut budget: BTreeMap<Entry, usize> = BTreeMap::new();
    for e in file.entries {
        *budget.entry(e).or_default() += 1;
    }
    let keys = Keys::new(path);
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        if let Some(n) = budget.get_mut(&keys.of(f))
            && *n > 0
        {
            *n -= 1;
            f.baselined = true;
        }
    }
    Ok(budget
        .into_iter()
        .flat_map(|(e, n)| std::iter::repeat_n(e, n))
        .collect())
}

/// Byte offset of a 1-based line.
fn line_start(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}
