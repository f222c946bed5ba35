//! `replicate-once`: a replica of a whole image cannot be replicated again
//! (`rules/image-replicate-once.yaml`). A `replicate` operation names its copy with `name`; a
//! later `replicate` of that name is a second hop.

use std::collections::HashMap;

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::finding::Place;
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicateOnce {}

impl Check for ReplicateOnce {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory().fields(EntityKind::Operation, &["action", "name"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        let replicate = |op: &&crate::model::Entity| op.is("action", "replicate");
        // The replicas the operations make, by name.
        let replicas: HashMap<String, Place> = inv
            .of_kind(EntityKind::Operation)
            .filter(replicate)
            .filter_map(|op| {
                let name = op.get("name")?;
                let text = name.node.as_str()?.to_string();
                Some((text, op.found_place(&name)))
            })
            .collect();
        for op in inv.of_kind(EntityKind::Operation).filter(replicate) {
            let Some(image) = op.get("image") else {
                continue;
            };
            let Some(text) = image.node.as_str() else {
                continue;
            };
            if let Some(made) = replicas.get(text) {
                cx.report(
                    cx.hit(op, "main", op.found_place(&image))
                        .arg("value", text)
                        .related(made.clone(), format!("`{text}` is a replica made here")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn a_replica_is_not_replicated_again() {
        let first =
            "  - {action: replicate, image: img, target_region: cn-south-1, name: img-south}\n";
        Tester::new("replicate-once", "{}", "operation")
            .pass(&format!(
                "operations:\n{first}  - {{action: replicate, image: img, target_region: ap-southeast-1}}\n"
            ))
            .fail(
                &format!(
                    "operations:\n{first}  - {{action: replicate, image: img-south, target_region: ap-southeast-1}}\n"
                ),
                &["main"],
            )
            .run();
    }
}
