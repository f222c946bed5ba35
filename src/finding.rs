//! The one result type. Rules produce [`Hit`]s (what is wrong and where); the engine turns them
//! into [`Finding`]s (with the message text, severity, help and remediation from the rule file)
//! and every output format serializes findings.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::source::{Position, SourceFile};
use crate::tree::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a source file.
#[derive(Debug, Clone)]
pub struct Place {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub pointer: String,
    /// Line and column, worked out once for every finding of a file together (see
    /// [`crate::engine`]), or on first use.
    pos: OnceLock<Position>,
}

impl Place {
    pub fn new(file: Arc<SourceFile>, span: Span, pointer: String) -> Place {
        Place {
            file,
            span,
            pointer,
            pos: OnceLock::new(),
        }
    }

    pub fn position(&self) -> Position {
        *self.pos.get_or_init(|| self.file.position(self.span))
    }

    /// Record the position worked out elsewhere.
    pub fn set_position(&self, pos: Position) {
        let _ = self.pos.set(pos);
    }

    /// The position is known already.
    pub fn is_placed(&self) -> bool {
        self.pos.get().is_some()
    }
}

/// What a check found, before the rule file's wording and the configuration are applied.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: String,
    /// Which of the rule's message templates to use.
    pub variant: &'static str,
    pub place: Place,
    pub entity: Option<String>,
    /// The entity's own pointer: findings are identified relative to it (see `Finding::path`).
    pub anchor: Option<String>,
    /// Values for the message placeholders.
    pub args: Vec<(&'static str, String)>,
    /// `Some(Warning)` for "cannot verify" hits: capped at warning whatever the rule's level.
    pub cap: Option<Severity>,
    pub related: Vec<(Place, String)>,
    /// Relate the finding to every backup made from its entity (a server): filled in by the
    /// engine once all files are read.
    pub relate_backups: bool,
    /// Which entity of its file the hit judges (see `Entity::serial`): the engine keeps or
    /// redoes a file's local findings per entity.
    pub subject: Option<u32>,
}

impl Hit {
    pub fn new(rule: &str, variant: &'static str, place: Place) -> Hit {
        Hit {
            rule: rule.to_string(),
            variant,
            place,
            entity: None,
            anchor: None,
            args: Vec::new(),
            cap: None,
            related: Vec::new(),
            relate_backups: false,
            subject: None,
        }
    }

    pub fn relate_backups(mut self) -> Hit {
        self.relate_backups = true;
        self
    }

    pub fn entity(mut self, entity: &str) -> Hit {
        self.entity = Some(entity.to_string());
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Hit {
        self.args.push((name, value.into()));
        self
    }

    pub fn warning(self) -> Hit {
        self.cap(Severity::Warning)
    }

    /// Report at most at this severity, whatever the rule's level.
    pub fn cap(mut self, severity: Severity) -> Hit {
        self.cap = Some(severity);
        self
    }

    pub fn related(mut self, place: Place, message: impl Into<String>) -> Hit {
        self.related.push((place, message.into()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Related {
    pub place: Place,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    /// Shared with the rule: thousands of findings of one rule hold one copy.
    pub title: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub place: Place,
    pub entity: Option<String>,
    /// Where in its entity the finding is (`/disks/1/dss`), or the pointer when it has no
    /// entity. With the file, rule and entity, this identifies a finding whatever its line or
    /// the entity's position in its list: baselines and fingerprints are keyed on it.
    pub path: String,
    pub help: Arc<str>,
    pub remediation: Arc<[String]>,
    pub related: Vec<Related>,
    /// The reason given by the suppression that silenced this finding, if any.
    pub suppressed: Option<String>,
    /// The suppression came from the config's `ignore:` (SARIF kind `external`), not a comment.
    pub suppressed_in_config: bool,
    /// Recorded in the `--baseline` file: known, not new.
    pub baselined: bool,
}

impl Finding {
    /// Shown and counted: neither suppressed nor in the baseline.
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none() && !self.baselined
    }
}

impl Finding {
    /// The order every output uses: file, position, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.place.file.name,
            self.place.span.start(),
            self.place.span.end(),
            &self.rule,
            &self.message,
        )
    }
}
