//! The one result type. Rules produce [`Hit`]s (what is wrong and where); the engine turns them
//! into [`Finding`]s (with the message text, severity, help and remediation from the rule file)
//! and every output format serializes findings.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::input::source::{Position, SourceFile};
use crate::syntax::tree::{Span, Text};

/// The ids of the rules whose findings the engine makes itself (their rule files name the
/// `engine` check): typed, so a misspelt id is a compile error, not a dropped finding.
pub mod ids {
    pub const INVENTORY_SYNTAX: &str = "inventory-syntax";
    pub const INVENTORY_SCHEMA: &str = "inventory-schema";
    pub const INVENTORY_DUPLICATE_ID: &str = "inventory-duplicate-id";
    pub const INVENTORY_LIMIT: &str = "inventory-limit";
    pub const INVENTORY_CONFLICT: &str = "inventory-conflict";
    pub const INVENTORY_FACTS: &str = "inventory-facts";
    pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
    pub const INVALID_SUPPRESSION: &str = "invalid-suppression";
    /// Made by a check, not the engine, but raised to an error by `--strict`.
    pub const REQUEST_UNVERIFIED: &str = "request-unverified";

    /// Every one of them (a test checks each has a rule file naming the `engine` check).
    pub const ALL: [&str; 8] = [
        INVENTORY_SYNTAX,
        INVENTORY_SCHEMA,
        INVENTORY_DUPLICATE_ID,
        INVENTORY_LIMIT,
        INVENTORY_CONFLICT,
        INVENTORY_FACTS,
        UNUSED_SUPPRESSION,
        INVALID_SUPPRESSION,
    ];
}

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
    pub pointer: Text,
    /// Line and column, worked out once for every finding of a file together (see
    /// [`crate::engine`]), or on first use. Held as 32-bit numbers (spans are 32-bit too):
    /// every hit and finding carries a place.
    pos: OnceLock<[u32; 4]>,
}

impl Place {
    pub fn new(file: Arc<SourceFile>, span: Span, pointer: impl Into<Text>) -> Place {
        Place {
            file,
            span,
            pointer: pointer.into(),
            pos: OnceLock::new(),
        }
    }

    pub fn position(&self) -> Position {
        let [line, column, end_line, end_column] = *self
            .pos
            .get_or_init(|| compact(self.file.position(self.span)));
        Position {
            line: line as usize,
            column: column as usize,
            end_line: end_line as usize,
            end_column: end_column as usize,
        }
    }

    /// Record the position worked out elsewhere.
    pub fn set_position(&self, pos: Position) {
        let _ = self.pos.set(compact(pos));
    }

    /// The position is known already.
    pub fn is_placed(&self) -> bool {
        self.pos.get().is_some()
    }
}

/// A position as four 32-bit numbers (lines and columns of a text under 4 GiB fit).
fn compact(p: Position) -> [u32; 4] {
    [p.line, p.column, p.end_line, p.end_column].map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Where a rule puts its hits: a list (a file's local pass places them before packing), or a
/// [`crate::store::packed::Packer`] that packs each as it comes (the global pass, where one rule may
/// find thousands).
pub trait Sink {
    fn push(&mut self, hit: Hit);
}

impl Sink for Vec<Hit> {
    fn push(&mut self, hit: Hit) {
        Vec::push(self, hit);
    }
}

/// What a check found, before the rule file's wording and the configuration are applied.
/// A large run holds every hit until the end, packed (see [`crate::store::packed`]); short strings
/// are kept inline.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: Text,
    /// Which of the rule's message templates to use.
    pub variant: Text,
    pub place: Place,
    pub entity: Option<Text>,
    /// The entity's own pointer: findings are identified relative to it (see `Finding::path`).
    pub anchor: Option<Text>,
    /// Values for the message placeholders.
    pub args: Vec<(Text, Text)>,
    /// `Some(Warning)` for "cannot verify" hits: capped at warning whatever the rule's level.
    pub cap: Option<Severity>,
    pub related: Vec<(Place, String)>,
    /// Relate the finding to every backup made from its entity (a server): filled in by the
    /// engine once all files are read.
    pub relate_backups: bool,
    /// Which entity of its file the hit judges (see `Entity::serial`): the engine keeps or
    /// redoes a file's local findings per entity.
    pub subject: Option<u32>,
    /// Where in its entity the hit is, list items named by what they are (`[name=vg_data]`)
    /// instead of their position, when the place is inside a list item: what baselines and
    /// fingerprints key on.
    pub key: Option<Text>,
}

impl Hit {
    pub fn new(rule: &str, variant: impl Into<Text>, place: Place) -> Hit {
        Hit {
            rule: rule.into(),
            variant: variant.into(),
            place,
            entity: None,
            anchor: None,
            args: Vec::new(),
            cap: None,
            related: Vec::new(),
            relate_backups: false,
            subject: None,
            key: None,
        }
    }

    pub fn relate_backups(mut self) -> Hit {
        self.relate_backups = true;
        self
    }

    pub fn entity(mut self, entity: &str) -> Hit {
        self.entity = Some(entity.into());
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Text>) -> Hit {
        self.args.push((name.into(), value.into()));
        self
    }

    /// An id for the remediation's commands (`--server_id=`), when it is one: a UUID, as the
    /// cloud's ids are. A Terraform server or disk is named by its address (or an argument of
    /// it) before apply, and the step then says `<server-id>`.
    pub fn id_arg(self, name: &'static str, id: &str) -> Hit {
        if crate::values::is_uuid(id) {
            self.arg(name, id)
        } else {
            self
        }
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
    /// Inline when short, as most rule ids are: a large run words tens of thousands.
    pub rule: Text,
    /// The rule's title, help and remediation, shared: thousands of findings of one rule hold
    /// one pointer each.
    pub advice: Arc<Advice>,
    pub severity: Severity,
    pub message: String,
    pub place: Place,
    pub entity: Option<String>,
    /// What the entity is (`server`, `request`, ...) and, for a server with a name, its name.
    pub entity_kind: Option<&'static str>,
    pub entity_name: Option<String>,
    /// Where in its entity the finding is (`/disks/1/dss`), or the pointer when it has no
    /// entity. With the file, rule and entity, this identifies a finding whatever its line or
    /// the entity's position in its list: baselines and fingerprints are keyed on it.
    pub path: Text,
    pub related: Vec<Related>,
    /// The reason given by the suppression that silenced this finding, if any.
    pub suppressed: Option<String>,
    /// The suppression came from the config's `ignore:` (SARIF kind `external`), not a comment.
    pub suppressed_in_config: bool,
    /// Recorded in the `--baseline` file: known, not new.
    pub baselined: bool,
    /// Its own remediation, when it differs from the rule's.
    pub filled: Option<Arc<Filled>>,
    /// Which of the rule's messages it is, whatever the language (fingerprints key on it).
    pub variant: Text,
}

/// What a rule tells about every finding of it (see [`Finding::advice`]).
#[derive(Debug)]
pub struct Advice {
    pub title: Arc<str>,
    pub help: Arc<str>,
    /// The finding's values its steps and alternatives take, by name (found once, at load;
    /// none: the same remediation for every finding).
    pub uses: Arc<[String]>,
    /// Numbered steps, in order; with `step_os`, the OS each is for (`None`: any).
    pub remediation: Arc<[String]>,
    pub step_os: Arc<[Option<String>]>,
    /// With `remediation`, the message variants each step is for (none: any).
    pub step_variants: Arc<[Vec<String>]>,
    /// Other ways to the same end, shown as alternatives, not as steps.
    pub alternatives: Arc<[String]>,
}

impl Advice {
    /// Some steps are only for some of what the rule's findings say (`variants:`).
    pub fn by_variant(&self) -> bool {
        self.step_variants.iter().any(|v| !v.is_empty())
    }
}

/// A finding's own remediation: the rule's with the finding's values filled in and the steps
/// for another OS left out (see `Rule::remediation_for`).
#[derive(Debug, Clone)]
pub struct Filled {
    pub steps: Vec<String>,
    pub alternatives: Vec<String>,
}

impl Finding {
    pub fn title(&self) -> &str {
        &self.advice.title
    }

    pub fn help(&self) -> &str {
        &self.advice.help
    }

    pub fn remediation(&self) -> &[String] {
        match &self.filled {
            Some(f) => &f.steps,
            None => &self.advice.remediation,
        }
    }

    /// How the finding names its entity: `server web-01 (877a2cda-…)`, `request web-01-whole`.
    pub fn named(&self) -> Option<String> {
        let entity = self.entity.as_deref()?;
        let kind = crate::lang::kind_word(self.entity_kind.unwrap_or("entity"));
        Some(match &self.entity_name {
            Some(name) => format!("{kind} {name} ({})", short_id(entity)),
            None => format!("{kind} {entity}"),
        })
    }

    pub fn alternatives(&self) -> &[String] {
        match &self.filled {
            Some(f) => &f.alternatives,
            None => &self.advice.alternatives,
        }
    }

    /// Shown and counted: neither suppressed nor in the baseline.
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none() && !self.baselined
    }
}

impl Finding {
    /// The order every output uses: file, position, rule.
    /// Order of findings in reports; equal keys are one finding reached twice. The entity is
    /// part of it: one value that breaks a rule for two entities (a `for_each` resource's
    /// instances, a variable two requests use) is a finding on each, each blocking its own.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str, Option<&str>) {
        (
            &self.place.file.name,
            self.place.span.start(),
            self.place.span.end(),
            &self.rule,
            &self.message,
            self.entity.as_deref(),
        )
    }
}

/// A UUID shortened to its first group (`877a2cda-…`) where a name stands beside it; any
/// other id as it is.
pub fn short_id(id: &str) -> String {
    if crate::values::is_uuid(id) {
        format!("{}-…", &id[..8])
    } else {
        id.to_string()
    }
}
