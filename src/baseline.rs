//! Baselines: adopt the checker on a repository with existing findings. `--write-baseline`
//! records today's findings keyed by file, rule, entity and JSON pointer (never by line, so
//! edits above a finding do not invalidate it); `--baseline` then reports only new findings
//! and lists entries that no longer match, so the file shrinks as problems are fixed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::UsageError;
use crate::finding::Finding;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub file: String,
    pub rule: String,
    #[serde(default)]
    pub entity: Option<String>,
    pub pointer: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

fn key(f: &Finding) -> Entry {
    Entry {
        file: f.place.file.name.clone(),
        rule: f.rule.clone(),
        entity: f.entity.clone(),
        pointer: f.place.pointer.clone(),
    }
}

/// Write the unsuppressed findings as a baseline file.
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize, UsageError> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(key)
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
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::msg(format!("cannot read baseline {shown}: {e}")))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        let at = crate::tree::Span::new(0, 0);
        UsageError::in_file(
            &shown.to_string(),
            &text,
            Some(at),
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
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        if let Some(n) = budget.get_mut(&key(f))
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
