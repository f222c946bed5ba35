//! Override files (`override.tf`, `*_override.tf` and their `.tf.json`): Terraform merges
//! each of their blocks into the block of the same type and labels in the module's other
//! files: an argument replaces the block's, nested blocks of a type replace the block's of
//! that type. So are they here, not read as blocks of their own (a partial resource would be
//! judged as a request of its own). A merged value is judged as Terraform sends it; a block
//! has one file, so it is found at the block it overrides (its type keyword), not in the
//! override file.

use foldhash::{HashMap, HashMapExt};
use std::path::Path;
use std::sync::Arc;

use super::Source;
use super::config::{Attr, Block, Body};

/// Whether Terraform reads the file as an override file.
pub fn is_override(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".tf.json"))
        .unwrap_or_default();
    stem == "override" || stem.ends_with("_override")
}

/// Merge the override files of each directory among `sources` into the blocks they override.
pub fn merge(sources: &mut [Source]) {
    let mut by_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        if let Some(dir) = s.path.parent() {
            by_dir.entry(dir).or_default().push(i);
        }
    }
    let mut overrides: Vec<(usize, Vec<usize>)> = Vec::new();
    for files in by_dir.values() {
        let (over, base): (Vec<usize>, Vec<usize>) =
            files.iter().partition(|&&i| is_override(&sources[i].path));
        for i in over {
            overrides.push((i, base.clone()));
        }
    }
    overrides.sort();
    for (over, base) in overrides {
        let Some(body) = sources[over].body.take() else {
            continue;
        };
        let mut kept = Body {
            attrs: body.attrs,
            blocks: Vec::new(),
        };
        for block in body.blocks {
            let target = base.iter().find_map(|&i| {
                let blocks = &sources[i].body.as_ref()?.blocks;
                let at = blocks
                    .iter()
                    .position(|b| b.ty == block.ty && b.labels == block.labels)?;
                Some((i, at))
            });
            match target {
                Some((i, at)) => {
                    if let Some(base_body) = &mut sources[i].body {
                        overridden(&mut base_body.blocks[at], &block.body);
                    }
                }
                // Terraform refuses an override of nothing: read as written.
                None => kept.blocks.push(block),
            }
        }
        sources[over].body = Some(kept);
    }
}

/// Merge `over` into `block`, each merged value placed at the block's type keyword.
fn overridden(block: &mut Block, over: &Body) {
    let span = block.span;
    let body = Arc::make_mut(&mut block.body);
    for (name, attr) in &over.attrs {
        let merged = Attr::new(attr.expr.clone(), span, span);
        match body.attrs.iter_mut().find(|(k, _)| k == name) {
            Some((_, a)) => *a = merged,
            None => body.attrs.push((name.clone(), merged)),
        }
    }
    let types: Vec<&str> = over.blocks.iter().map(|b| b.ty.as_str()).collect();
    body.blocks.retain(|b| !types.contains(&b.ty.as_str()));
    body.blocks
        .extend(over.blocks.iter().map(|b| placed(b, span)));
}

/// A copy of `block` with every span at `span`.
fn placed(block: &Block, span: crate::syntax::tree::Span) -> Block {
    let body = Body {
        attrs: block
            .body
            .attrs
            .iter()
            .map(|(name, a)| (name.clone(), Attr::new(a.expr.clone(), span, span)))
            .collect(),
        blocks: block.body.blocks.iter().map(|b| placed(b, span)).collect(),
    };
    Block {
        ty: block.ty.clone(),
        labels: block.labels.clone(),
        body: Arc::new(body),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::is_override;
    use std::path::Path;

    #[test]
    fn override_files_are_known_by_name() {
        for name in [
            "override.tf",
            "x_override.tf",
            "override.tf.json",
            "a_override.tf.json",
        ] {
            assert!(is_override(Path::new(name)), "{name}");
        }
        for name in [
            "main.tf",
            "overrides.tf",
            "my-override.tf",
            "override.tfvars",
        ] {
            assert!(!is_override(Path::new(name)), "{name}");
        }
    }
}
