//! One shape for Terraform's two syntaxes: a `.tf` file (HCL) and a `.tf.json` file become
//! the same tree of blocks and attributes, each attribute an expression with the span of its
//! value in its file.

use hcl::edit::Span as _;

use crate::syntax::tree::{Kind, Node, Span};

/// A name in a configuration (an argument, a block's type or label, an object's key): short
/// and many, stored inline (no allocation each).
pub type Name = crate::syntax::tree::Text;

/// An attribute: its expression and where its key and value are written.
#[derive(Debug, Clone)]
pub struct Attr {
    pub expr: hcl::Expression,
    pub span: Span,
    pub key_span: Span,
    /// For an object written as such (`tags = { env = "prod" }`), each entry's key and where
    /// its key and value are written: findings on one tag point at it.
    pub entries: Vec<Entry>,
}

/// An entry of an object written as such: its key, where the key and the value are.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Name,
    pub key_span: Span,
    pub span: Span,
    /// The entries of the value when it is an object written as such too (`web = { name =
    /// "x" }`): a value read deeper (`each.value.name`) is found where it is written.
    pub entries: Vec<Entry>,
}

impl Attr {
    /// An attribute whose value has no entries of its own to locate.
    pub fn new(expr: hcl::Expression, span: Span, key_span: Span) -> Attr {
        Attr {
            expr,
            span,
            key_span,
            entries: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<(Name, Attr)>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub ty: Name,
    pub labels: Vec<Name>,
    /// Shared by the instances `count` and `for_each` make of it.
    pub body: std::sync::Arc<Body>,
    /// Where the block's type keyword (or JSON key) is written: findings about a value the
    /// block does not state point here.
    pub span: Span,
}

impl Body {
    /// The bodies of a file's pieces, in order, as one.
    pub fn joined(pieces: Vec<Body>) -> Body {
        let mut pieces = pieces.into_iter();
        let mut whole = pieces.next().unwrap_or_default();
        for piece in pieces {
            whole.attrs.extend(piece.attrs);
            whole.blocks.extend(piece.blocks);
        }
        whole
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, a)| a)
    }

    pub fn blocks<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ty == ty)
    }
}

/// A span of a piece of the file that starts at `offset` (see `syntax::terraform::parse`), in
/// the file.
fn span_of(s: Option<std::ops::Range<usize>>, offset: usize) -> Span {
    s.map_or_else(Span::default, |r| {
        Span::new(r.start + offset, r.end + offset)
    })
}

/// A `.tf` file's body, parsed from the piece of it that starts at `offset` (taken apart, not
/// copied: a module's files are read once).
pub fn from_hcl(body: hcl::edit::structure::Body, offset: usize) -> Body {
    // Made at their size: grown by doubling, the lists took three allocations where one does.
    let attrs = body.attributes().count();
    let mut out = Body {
        attrs: Vec::with_capacity(attrs),
        blocks: Vec::with_capacity(body.len() - attrs),
    };
    for structure in body {
        match structure {
            hcl::edit::structure::Structure::Attribute(a) => {
                let span = span_of(a.value.span(), offset);
                let key_span = span_of(a.key.span(), offset);
                let entries = hcl_entries(&a.value, offset);
                out.attrs.push((
                    Name::from(a.key.as_str()),
                    Attr {
                        expr: interpolation_only(hcl::Expression::from(a.value)),
                        span,
                        key_span,
                        entries,
                    },
                ));
            }
            hcl::edit::structure::Structure::Block(b) => {
                let span = span_of(b.ident.span(), offset);
                let labels = b
                    .labels
                    .iter()
                    .map(|l| match l {
                        hcl::edit::structure::BlockLabel::String(s) => Name::from(s.as_str()),
                        hcl::edit::structure::BlockLabel::Ident(i) => Name::from(i.as_str()),
                    })
                    .collect();
                out.blocks.push(Block {
                    ty: Name::from(b.ident.as_str()),
                    labels,
                    body: std::sync::Arc::new(from_hcl(b.body, offset)),
                    span,
                });
            }
        }
    }
    out
}

/// The entries of an object literal with a name or string for a key.
fn hcl_entries(value: &hcl::edit::expr::Expression, offset: usize) -> Vec<Entry> {
    use hcl::edit::expr::{Expression, ObjectKey};
    let Expression::Object(object) = value else {
        return Vec::new();
    };
    object
        .iter()
        .filter_map(|(key, value)| {
            let (text, key_span) = match key {
                ObjectKey::Ident(ident) => (ident.as_str(), ident.span()),
                ObjectKey::Expression(Expression::String(s)) => (s.as_str(), s.span()),
                ObjectKey::Expression(_) => return None,
            };
            Some(Entry {
                key: Name::from(text),
                key_span: span_of(key_span, offset),
                span: span_of(value.expr().span(), offset),
                entries: hcl_entries(value.expr(), offset),
            })
        })
        .collect()
}

/// Nested blocks of the resources read here, which JSON writes as objects (or lists of
/// objects) like any attribute.
const NESTED_BLOCKS: [&str; 3] = ["data_disks", "resources", "lifecycle"];

/// `key` names a nested block of the resources read here (`resources` of a vault).
pub fn is_nested_block(key: &str) -> bool {
    NESTED_BLOCKS.contains(&key)
}

/// The top-level block types of a module and how many labels each has in JSON nesting.
const TOP_LEVEL: [(&str, usize); 7] = [
    ("resource", 2),
    ("data", 2),
    ("variable", 1),
    ("module", 1),
    ("provider", 1),
    ("output", 1),
    ("locals", 0),
];

/// A `.tf.json` file's top-level object.
pub fn from_json(root: &Node) -> Body {
    let mut out = Body::default();
    for entry in root.as_map().unwrap_or_default() {
        let Some(&(ty, depth)) = TOP_LEVEL.iter().find(|(t, _)| *t == entry.key.as_str()) else {
            continue;
        };
        json_blocks(
            ty,
            depth,
            Vec::new(),
            &entry.value,
            entry.key_span,
            &mut out.blocks,
        );
    }
    out
}

fn json_blocks(
    ty: &str,
    depth: usize,
    labels: Vec<Name>,
    node: &Node,
    span: Span,
    out: &mut Vec<Block>,
) {
    if depth == 0 {
        for body in objects(node) {
            let mut read = json_body(body, true);
            if ty == "variable" {
                json_variable(&mut read, body);
            }
            out.push(Block {
                ty: Name::from(ty),
                labels: labels.clone(),
                body: std::sync::Arc::new(read),
                span,
            });
        }
        return;
    }
    for entry in node.as_map().unwrap_or_default() {
        let mut labels = labels.clone();
        labels.push(Name::from(entry.key.as_str()));
        json_blocks(ty, depth - 1, labels, &entry.value, entry.key_span, out);
    }
}

/// A variable block as Terraform's JSON syntax has it: its `default` is a literal value (no
/// template in it is evaluated), and its `type` a type expression written as a string.
fn json_variable(body: &mut Body, node: &Node) {
    for (key, attr) in &mut body.attrs {
        match (key.as_str(), node.get(key.as_str())) {
            ("default", Some(value)) => attr.expr = json_expr(value, false),
            ("type", Some(value)) => {
                if let Some(ty) = value.as_str().and_then(|t| t.parse().ok()) {
                    attr.expr = ty;
                }
            }
            _ => {}
        }
    }
}

/// A JSON object as a block body: `templates` when strings are Terraform templates (a
/// `.tf.json` file), not when they are values already (a plan).
pub fn json_body(node: &Node, templates: bool) -> Body {
    let mut out = Body::default();
    for entry in node.as_map().unwrap_or_default() {
        let key = entry.key.as_str();
        if templates && key == "dynamic" {
            dynamic_blocks(&entry.value, &mut out.blocks);
            continue;
        }
        if NESTED_BLOCKS.contains(&key) && !matches!(entry.value.kind, Kind::Scalar(_)) {
            if templates {
                json_blocks(
                    key,
                    0,
                    Vec::new(),
                    &entry.value,
                    entry.key_span,
                    &mut out.blocks,
                );
            } else {
                for item in entry.value.as_seq().unwrap_or_default() {
                    out.blocks.push(Block {
                        ty: Name::from(key),
                        labels: Vec::new(),
                        body: std::sync::Arc::new(json_body(item, false)),
                        span: item.span,
                    });
                }
            }
            continue;
        }
        // JSON writes provider configurations as plain strings (a resource's `"provider":
        // "huaweicloud.south"`, a module call's `"providers": {"huaweicloud":
        // "huaweicloud.south"}`), which HCL writes as references.
        let reference = match key {
            "provider" if templates => provider_reference(&entry.value),
            "providers" if templates => entry.value.as_map().map(|map| {
                hcl::Expression::Object(
                    map.iter()
                        .filter_map(|e| {
                            let key = e.key.parse::<hcl::Expression>().ok()?;
                            let value = provider_reference(&e.value)?;
                            Some((hcl::ObjectKey::Expression(key), value))
                        })
                        .collect(),
                )
            }),
            _ => None,
        };
        out.attrs.push((
            Name::from(key),
            Attr {
                expr: reference.unwrap_or_else(|| json_expr(&entry.value, templates)),
                span: entry.value.span,
                key_span: entry.key_span,
                entries: json_entries(&entry.value),
            },
        ));
    }
    out
}

/// A provider configuration JSON names by a string (`"huaweicloud.south"`), as HCL's
/// reference to it.
fn provider_reference(value: &Node) -> Option<hcl::Expression> {
    value.as_str()?.parse().ok()
}

/// The entries of a JSON object, and of the objects in it.
fn json_entries(value: &Node) -> Vec<Entry> {
    value
        .as_map()
        .unwrap_or_default()
        .iter()
        .map(|e| Entry {
            key: Name::from(e.key.as_str()),
            key_span: e.key_span,
            span: e.value.span,
            entries: json_entries(&e.value),
        })
        .collect()
}

/// `"dynamic": {"LABEL": {"for_each": …, "content": {…}}}` (at each level an object or a list
/// of them): each a `dynamic "LABEL"` block whose `content` is a block, as HCL writes it.
fn dynamic_blocks(node: &Node, out: &mut Vec<Block>) {
    let entries = objects(node).flat_map(|o| o.as_map().unwrap_or_default());
    for entry in entries {
        for body in objects(&entry.value) {
            let mut parsed = json_body(body, true);
            parsed.attrs.retain(|(k, _)| k != "content");
            let content = body
                .as_map()
                .unwrap_or_default()
                .iter()
                .find(|e| e.key == "content");
            for (content, at) in content
                .into_iter()
                .flat_map(|c| objects(&c.value).map(move |o| (o, c.key_span)))
            {
                parsed.blocks.push(Block {
                    ty: Name::from("content"),
                    labels: Vec::new(),
                    body: std::sync::Arc::new(json_body(content, true)),
                    span: at,
                });
            }
            out.push(Block {
                ty: Name::from("dynamic"),
                labels: vec![Name::from(entry.key.as_str())],
                body: std::sync::Arc::new(parsed),
                span: entry.key_span,
            });
        }
    }
}

/// An object, or each object of a list of them: how JSON writes one block or several at
/// every level of a block.
fn objects(node: &Node) -> impl Iterator<Item = &Node> {
    let items: Vec<&Node> = match &node.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    items.into_iter()
}

/// `"${X}"` is `X`, as Terraform reads an interpolation-only string (the same value, of its
/// own type): a reference so written links its resource as a bare one does.
fn interpolation_only(expr: hcl::Expression) -> hcl::Expression {
    let hcl::Expression::TemplateExpr(template) = &expr else {
        return expr;
    };
    let Ok(parsed) = hcl::Template::from_expr(template) else {
        return expr;
    };
    match parsed.elements() {
        [hcl::template::Element::Interpolation(only)] => only.expr.clone(),
        _ => expr,
    }
}

/// A JSON value as Terraform reads it: strings are templates (`"${var.name}"`).
pub fn json_expr(node: &Node, templates: bool) -> hcl::Expression {
    match &node.kind {
        Kind::Scalar(_) => match node.value() {
            Some(crate::syntax::tree::Value::Str(text)) => {
                if templates && (text.contains("${") || text.contains("%{")) {
                    interpolation_only(hcl::Expression::TemplateExpr(Box::new(
                        hcl::expr::TemplateExpr::QuotedString(text.to_string()),
                    )))
                } else {
                    hcl::Expression::String(text.to_string())
                }
            }
            Some(crate::syntax::tree::Value::Bool(b)) => hcl::Expression::Bool(b),
            Some(crate::syntax::tree::Value::Int(i)) => hcl::Expression::from(i),
            Some(crate::syntax::tree::Value::Float(f)) => hcl::Expression::from(f),
            Some(crate::syntax::tree::Value::Null) | None => hcl::Expression::Null,
        },
        Kind::Seq(items) => {
            hcl::Expression::Array(items.iter().map(|i| json_expr(i, templates)).collect())
        }
        Kind::Map(entries) => hcl::Expression::Object(
            entries
                .iter()
                .map(|e| {
                    // A key is a template too (`"${var.team}": "owner"`).
                    let key = if templates && e.key.contains("${") {
                        interpolation_only(hcl::Expression::TemplateExpr(Box::new(
                            hcl::expr::TemplateExpr::QuotedString(e.key.to_string()),
                        )))
                    } else {
                        hcl::Expression::String(e.key.to_string())
                    };
                    (
                        hcl::ObjectKey::Expression(key),
                        json_expr(&e.value, templates),
                    )
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file parsed in pieces (see `syntax::terraform::parse`) and whole, as the model has it.
    fn pieces_and_whole(text: &str) -> (usize, String, String) {
        let limits = crate::syntax::parse::Limits::default();
        let parsed = crate::syntax::terraform::parse(text, &limits, "ims-preflight:", from_hcl)
            .expect("parses");
        let pieces = parsed.pieces.len();
        let whole = from_hcl(
            hcl::edit::parser::parse_body_spanned(text).expect("parses"),
            0,
        );
        let joined = format!("{:?}", Body::joined(parsed.pieces));
        (pieces, joined, format!("{whole:?}"))
    }

    #[test]
    fn a_large_file_parsed_in_pieces_is_what_it_is_parsed_whole() {
        let block = |i: usize| {
            format!(
                "# image {i}\nresource \"huaweicloud_ims_ecs_whole_image\" \"i{i}\" {{\n  name        = format(\"img-%03d\", {i})\n  description = \"}}\\n{{ ${{var.x}}\"\n  instance_id = huaweicloud_compute_instance.s{i}.id\n  tags = {{\n    env = \"prod\" /* }} */\n  }}\n  dynamic \"data_disks\" {{\n    for_each = var.disks\n    content {{\n      size = data_disks.value\n    }}\n  }}\n}}\n\nvariable \"v{i}\" {{\n  default = [1, 2]\n}}\n\n"
            )
        };
        let text: String = (0..120).map(block).collect();
        let (pieces, joined, whole) = pieces_and_whole(&text);
        assert!(pieces > 2, "{pieces} pieces");
        assert_eq!(joined, whole);
        // Blocks whose closing braces are not alone on their line are not cut: parsed whole.
        let packed = |n: usize| {
            (0..n)
                .map(|i| format!("variable \"p{i}\" {{ default = \"{i}\" }}\n"))
                .collect::<String>()
        };
        let (pieces, joined, whole) = pieces_and_whole(&packed(600));
        assert_eq!((pieces, joined), (1, whole));
        // A heredoc holding what looks like the end of a block and the start of the next, where
        // the first cut falls: the piece cut there does not parse, and the file is parsed whole.
        let heredoc = format!(
            "{}locals {{\n  script = <<EOT\n}}\nresource \"a\" \"b\" {{\nEOT\n}}\n\n{}",
            packed(300),
            (0..60).map(block).collect::<String>()
        );
        let (pieces, joined, whole) = pieces_and_whole(&heredoc);
        assert_eq!((pieces, joined), (1, whole));
        // An attribute written twice, in two pieces (a tfvars file's top level): refused, as
        // the parser refuses it in one body.
        let pad = (0..500)
            .map(|i| format!("    k{i} = \"v{i}\"\n"))
            .collect::<String>();
        let twice = format!(
            "cfg = {{\n  name = \" bad \"\n  pad = {{\n{pad}  }}\n}}\n\ncfg = {{\n  name = \"good\"\n  pad = {{\n{pad}  }}\n}}\n"
        );
        let limits = crate::syntax::parse::Limits::default();
        let parsed = crate::syntax::terraform::parse(&twice, &limits, "ims-preflight:", from_hcl);
        assert!(parsed.is_err(), "an attribute written twice was read");
    }

    /// Every `.tf` file of the tests and examples (the provider's published examples among
    /// them) reads the same whether the parser copies all the whitespace and comments or
    /// leaves them as spans where nothing reads them (`parse_body_spanned`): a conversion into
    /// `hcl-rs` that read decor elsewhere, as it reads a template's, would differ here.
    #[test]
    fn every_tf_file_reads_the_same_with_its_decor_copied_or_not() {
        fn tf_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    tf_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "tf") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        tf_files(&root.join("tests/fixtures"), &mut files);
        tf_files(&root.join("examples"), &mut files);
        assert!(files.len() > 50, "{} files", files.len());
        let mut read = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).expect("readable");
            let (Ok(copied), Ok(spanned)) = (
                hcl::edit::parser::parse_body(&text),
                hcl::edit::parser::parse_body_spanned(&text),
            ) else {
                continue; // the fixtures of syntax errors
            };
            let copied = format!("{:?}", from_hcl(copied, 0));
            assert_eq!(copied, format!("{:?}", from_hcl(spanned, 0)), "{path:?}");
            read += 1;
        }
        assert!(read > 50, "{read} files read");
    }

    #[test]
    fn hcl_and_json_give_the_same_blocks() {
        let hcl = hcl::edit::parser::parse_body_spanned(
            "resource \"huaweicloud_ims_ecs_whole_image\" \"web\" {\n  name = \"img\"\n}\n",
        )
        .expect("parses");
        let from_hcl = from_hcl(hcl, 0);
        let json = crate::syntax::parse::parse(
            r#"{"resource": {"huaweicloud_ims_ecs_whole_image": {"web": {"name": "img"}}}}"#,
            crate::syntax::parse::Format::Json,
            &crate::syntax::parse::Limits::default(),
        );
        let from_json = from_json(&json.docs[0]);
        for body in [from_hcl, from_json] {
            let block = &body.blocks[0];
            assert_eq!(block.ty, "resource");
            assert_eq!(block.labels, ["huaweicloud_ims_ecs_whole_image", "web"]);
            let name = block.body.attr("name").map(|a| a.expr.clone());
            assert_eq!(name, Some(hcl::Expression::String("img".into())));
        }
    }
}
