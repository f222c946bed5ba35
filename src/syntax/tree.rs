//! The located tree: what both the YAML and the JSON parser produce. Every key and value keeps
//! its byte span, scalars keep their style (plain or quoted, which is what tells `os: no` from
//! `os: "no"`), and mappings keep every entry in order, duplicates included, so the schema pass
//! can report them.

/// A byte range in the source text, end exclusive. Offsets are 32-bit: every node of every
/// tree carries a span, and files are far below 4 GiB (`max_file_bytes` is capped at 2 GiB,
/// which UTF-16 input decodes to at most 3 GiB of text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: offset(start),
            end: offset(end.max(start)),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// Scalars and keys are mostly short (`ACTIVE`, `status`): stored inline, without a heap
/// allocation each, which matters for inventories of millions of nodes.
pub type Text = compact_str::CompactString;

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: Text,
    /// Plain scalars are typed by the YAML 1.2 core schema; quoted and block ones are strings.
    pub plain: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Text,
    pub key_span: Span,
    pub value: Node,
}

/// The typed reading of a scalar under the YAML 1.2 core schema (which JSON is a subset of).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Value<'_> {
    /// The name used in "expected a string, found a boolean" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
        }
    }
}

impl Scalar {
    pub fn value(&self) -> Value<'_> {
        typed(&self.text, self.plain)
    }

    /// What YAML 1.1 (PyYAML, Ansible, older tools) would make of this plain scalar, when that
    /// differs from the YAML 1.2 reading: `no` is false there, `0755` is octal, `1:20` is 80.
    pub fn yaml11_surprise(&self) -> Option<&'static str> {
        if !self.plain {
            return None;
        }
        let t = self.text.as_str();
        match t {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some("the boolean true"),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some("the boolean false"),
            _ if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit()) => {
                Some("an octal number")
            }
            _ if t.contains(':')
                && t.split(':')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                Some("a base-60 number")
            }
            _ => None,
        }
    }
}

/// The typed reading of a scalar's text: plain scalars by the YAML 1.2 core schema, quoted
/// and block ones as strings.
pub fn typed(t: &str, plain: bool) -> Value<'_> {
    if !plain {
        return Value::Str(t);
    }
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(i) = parse_int(t) {
        return Value::Int(i);
    }
    if looks_like_float(t)
        && let Ok(f) = t.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(t)
}

fn parse_int(t: &str) -> Option<i64> {
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .map(|v| if neg { -v } else { v });
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8)
            .ok()
            .map(|v| if neg { -v } else { v });
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn looks_like_float(t: &str) -> bool {
    let body = t.trim_start_matches(['-', '+']);
    matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
        || (body.bytes().any(|b| b.is_ascii_digit())
            && body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')))
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's typed value; `None` for collections.
    pub fn value(&self) -> Option<Value<'_>> {
        self.as_scalar().map(Scalar::value)
    }

    /// The scalar's string value when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.value()? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The first entry with this key (later duplicates are reported by the schema pass).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Text of a scalar for messages: strings as written, other scalars by their source text.
    pub fn display(&self) -> String {
        match &self.kind {
            Kind::Scalar(s) => s.text.to_string(),
            Kind::Seq(_) => "a list".into(),
            Kind::Map(_) => "a mapping".into(),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(s) => s.value().type_name(),
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Number of nodes in this subtree (used to budget alias expansion).
    pub fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar(_) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Kind::Map(entries) => 1 + entries.iter().map(|e| 1 + e.value.count()).sum::<usize>(),
        }
    }

    /// Hash what [`Node::same_content`] compares: scalar values, list order, and map entries
    /// in any order (every entry, repeated keys included).
    pub fn content_hash<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        match &self.kind {
            Kind::Scalar(s) => match s.value() {
                Value::Null => 0u8.hash(h),
                Value::Bool(b) => (1u8, b).hash(h),
                Value::Int(i) => (2u8, i).hash(h),
                // `-0.0 == 0.0`, as `same_content` has it.
                Value::Float(f) => (3u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(h),
                Value::Str(t) => (4u8, t).hash(h),
            },
            Kind::Seq(items) => {
                (5u8, items.len()).hash(h);
                for item in items {
                    item.content_hash(h);
                }
            }
            Kind::Map(entries) => {
                let mut total = 0u64;
                for e in entries {
                    let mut eh = hasher();
                    e.key.hash(&mut eh);
                    e.value.content_hash(&mut eh);
                    total = total.wrapping_add(std::hash::Hasher::finish(&eh));
                }
                (6u8, entries.len(), total).hash(h);
            }
        }
    }

    /// Structural equality ignoring spans: two descriptions of the same entity are the same
    /// when they say the same thing, wherever they say it.
    pub fn same_content(&self, other: &Node) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Scalar(a), Kind::Scalar(b)) => a.value() == b.value(),
            (Kind::Seq(a), Kind::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_content(y))
            }
            (Kind::Map(a), Kind::Map(b)) => {
                a.len() == b.len()
                    && a.iter().all(|e| {
                        b.iter()
                            .find(|f| f.key == e.key)
                            .is_some_and(|f| f.value.same_content(&e.value))
                    })
            }
            _ => false,
        }
    }
}

/// A fast hasher, seeded at random once per run: digests and id hashes are compared within
/// one run and never stored, and ids come from files anyone can write, so the seed must not be
/// known in advance (no crafted collisions that make an index quadratic).
pub fn hasher() -> impl std::hash::Hasher {
    use std::hash::BuildHasher;
    static SEED: std::sync::LazyLock<foldhash::fast::RandomState> =
        std::sync::LazyLock::new(foldhash::fast::RandomState::default);
    SEED.build_hasher()
}

/// Append one RFC 6901 reference token to a JSON pointer.
pub fn pointer_push(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    // Called for every value placed: a byte search, not a search for either of two chars.
    if memchr::memchr2(b'~', b'/', token.as_bytes()).is_some() {
        out.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(token);
    }
    out
}

/// Resolve an RFC 6901 pointer against a tree; returns the node and, for map members, the key
/// span (findings about a missing or unknown key point at the key).
pub fn resolve<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        node = match &node.kind {
            Kind::Map(_) => node.get(&token)?,
            Kind::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            Kind::Scalar(_) => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &str) -> Scalar {
        Scalar {
            text: t.into(),
            plain: true,
        }
    }

    #[test]
    fn core_schema_typing() {
        assert_eq!(plain("no").value(), Value::Str("no"));
        assert_eq!(plain("true").value(), Value::Bool(true));
        assert_eq!(plain("~").value(), Value::Null);
        assert_eq!(plain("-12").value(), Value::Int(-12));
        assert_eq!(plain("1.5").value(), Value::Float(1.5));
        assert_eq!(plain("1.2.3").value(), Value::Str("1.2.3"));
        assert_eq!(plain("-").value(), Value::Str("-"));
    }

    #[test]
    fn yaml11_surprises() {
        assert_eq!(plain("no").yaml11_surprise(), Some("the boolean false"));
        assert_eq!(plain("0755").yaml11_surprise(), Some("an octal number"));
        assert_eq!(plain("1:20").yaml11_surprise(), Some("a base-60 number"));
        assert_eq!(plain("linux").yaml11_surprise(), None);
    }

    #[test]
    fn pointer_escaping_round_trips() {
        assert_eq!(pointer_push("/a", "x/y~z"), "/a/x~1y~0z");
    }
}
