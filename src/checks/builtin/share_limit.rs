//! `share-limit`: a whole image is shared with at most `max` projects, across all the `share`
//! operations of the image (`rules/image-share-limit.yaml`).

use crate::lang::say;
use std::collections::HashMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::finding::Place;
use crate::model::{Entity, EntityKind, Inventory};
use crate::syntax::tree::Node;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareLimit {
    pub max: usize,
}

impl Check for ShareLimit {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory().fields(EntityKind::Operation, &["action", "projects"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        // The shares that exist already (a plan keeps them) first: their projects count, but
        // they are not judged again.
        let shares = || {
            inv.existing(EntityKind::Operation)
                .chain(inv.of_kind(EntityKind::Operation))
                .filter(|op| op.is("action", "share"))
        };
        let projects = |op: &Entity| {
            op.get("projects")
                .and_then(|p| p.node.as_seq().map(<[Node]>::len))
                .unwrap_or(0)
        };
        // Most images are shared once, with few projects: only the others are looked at
        // closely (a large plan shares thousands of images).
        // Counted by the name's hash: a collision only makes two images looked at closely.
        let state = std::collections::hash_map::RandomState::new();
        let hash = |name: &str| {
            use std::hash::BuildHasher;
            state.hash_one(name)
        };
        let mut shares_of: HashMap<u64, u32> = HashMap::new();
        for op in shares() {
            if let Some(image) = op.str("image") {
                *shares_of.entry(hash(&image)).or_default() += 1;
            }
        }
        let mut shared: HashMap<String, (Vec<String>, Vec<Place>)> = HashMap::new();
        for op in shares() {
            let Some(image) = op.str("image") else {
                continue;
            };
            let once = shares_of.get(&hash(&image)).is_some_and(|n| *n == 1);
            if once && projects(op) <= self.max {
                continue;
            }
            let Some(projects) = op.get("projects") else {
                continue;
            };
            // Two images of one name (a module called twice) are two images.
            let key = inv
                .image_of(op)
                .map_or_else(|| image.to_string(), |i| i.to_string());
            let (known, places) = shared.entry(key).or_default();
            let before = known.len();
            for p in projects.node.as_seq().unwrap_or_default() {
                // An empty string names no project.
                if let Some(id) = p.as_str().map(str::to_ascii_lowercase)
                    && !id.is_empty()
                    && !known.contains(&id)
                {
                    known.push(id);
                }
            }
            let place = op.found_place(&projects);
            if known.len() > self.max && known.len() > before && !op.exists_already() {
                let mut hit = cx
                    .hit(op, "main", place.clone())
                    .arg("value", image.to_string())
                    .arg("count", known.len().to_string())
                    .arg("max", self.max.to_string());
                for earlier in places.iter() {
                    hit = hit.related(
                        earlier.clone(),
                        say("the image is also shared here", "镜像也在此处共享"),
                    );
                }
                cx.report(hit);
            }
            places.push(place);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    fn share(projects: &[&str]) -> String {
        format!(
            "  - {{action: share, image: img, projects: [{}]}}\n",
            projects.join(", ")
        )
    }

    #[test]
    fn at_most_the_limit_across_all_shares_of_an_image() {
        let ops = |shares: &[&[&str]]| {
            let mut text = String::from("operations:\n");
            for s in shares {
                text.push_str(&share(s));
            }
            text
        };
        Tester::new("share-limit", r#"{"max": 3}"#, "operation")
            .pass(&ops(&[&["p1", "p2"], &["p2", "p3"]]))
            .fail(&ops(&[&["p1", "p2"], &["p3", "p4"]]), &["main"])
            .fail(&ops(&[&["p1", "p2", "p3", "p4"]]), &["main"])
            // An empty string names no project.
            .pass(&ops(&[&["p1", "p2", "p3", "''"]]))
            .run();
    }
}
