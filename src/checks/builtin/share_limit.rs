//! `share-limit`: a whole image is shared with at most `max` projects, across all the `share`
//! operations of the image (`rules/image-share-limit.yaml`).

use std::collections::HashMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::finding::Place;
use crate::model::{EntityKind, Inventory};

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
        // Per image: the projects it is shared with so far, and where.
        let mut shared: HashMap<String, (Vec<String>, Vec<Place>)> = HashMap::new();
        for op in inv.of_kind(EntityKind::Operation) {
            if !op.is("action", "share") {
                continue;
            }
            let (Some(image), Some(projects)) = (op.str("image"), op.get("projects")) else {
                continue;
            };
            let (known, places) = shared.entry(image.to_string()).or_default();
            let before = known.len();
            for p in projects.node.as_seq().unwrap_or_default() {
                if let Some(id) = p.as_str().map(str::to_ascii_lowercase)
                    && !known.contains(&id)
                {
                    known.push(id);
                }
            }
            let place = op.found_place(&projects);
            if known.len() > self.max && known.len() > before {
                let mut hit = cx
                    .hit(op, "main", place.clone())
                    .arg("value", image.to_string())
                    .arg("count", known.len().to_string())
                    .arg("max", self.max.to_string());
                for earlier in places.iter() {
                    hit = hit.related(earlier.clone(), "the image is also shared here");
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
            .run();
    }
}
