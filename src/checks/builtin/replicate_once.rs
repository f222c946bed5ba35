//! `replicate-once`: a replica of a whole image cannot be replicated again
//! (`rules/image-replicate-once.yaml`). A `replicate` operation names its copy with `name`; a
//! later `replicate` of that name is a second hop.

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
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
        let replicas = inv.replicas();
        let replicate = |op: &&crate::model::Entity| op.is("action", "replicate");
        // Where a replica is named: the `name` of the operation that makes it.
        let named = |by: &crate::model::Entity| {
            by.get("name")
                .map_or_else(|| by.key_place(), |n| by.found_place(&n))
        };
        for op in inv.of_kind(EntityKind::Operation).filter(replicate) {
            let Some(image) = op.get("image") else {
                continue;
            };
            let Some(text) = image.node.as_str() else {
                continue;
            };
            let made = match (op.works_on(), op.copy_of()) {
                // A Terraform copy of the whole-image resource it names copies a whole image,
                // whatever the images are named.
                (Some(_), _) => continue,
                // A Terraform copy of a copy of a whole image is a second hop, whatever the
                // images are named: the copy it names made the replica.
                (None, Some(copy)) => replicas.maker_of(copy).map(|by| by.key_place()),
                // An inventory names images by name. An image of this name that a request of
                // the run makes, or that a copy named as it copies, is a whole image (a copy
                // named as its source is not a copy of itself).
                (None, None) => {
                    let mut makers = replicas.makers(text);
                    let original = inv.request(text).is_some()
                        || makers
                            .clone()
                            .any(|by| by.str("image").as_deref() == Some(text));
                    if original {
                        continue;
                    }
                    makers.next().map(named)
                }
            };
            if let Some(made) = made {
                cx.report(
                    cx.hit(op, "main", op.found_place(&image))
                        .arg("value", text)
                        .related(
                            made,
                            pick(
                                || format!("`{text}` is a replica made here"),
                                || format!("`{text}`是在此制作的副本"),
                            ),
                        ),
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

    #[test]
    fn a_copy_named_as_its_source_is_not_a_replica_of_itself() {
        let copy = |region: &str| {
            format!("  - {{action: replicate, image: img, target_region: {region}, name: img}}\n")
        };
        Tester::new("replicate-once", "{}", "operation")
            .pass(&format!("operations:\n{}", copy("cn-south-1")))
            .run();
        // The first copy is named as its source: `img` names the original, copied twice.
        Tester::new("replicate-once", "{}", "operation")
            .pass(&format!(
                "operations:\n{}  - {{action: replicate, image: img, target_region: ap-southeast-1}}\n",
                copy("cn-south-1")
            ))
            .run();
        // Two copies of the whole image `img`, both named `img`: copies of the whole image.
        let request =
            "requests:\n  - {name: img, instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a}\n";
        Tester::new("replicate-once", "{}", "operation")
            .pass(&format!(
                "{request}operations:\n{}{}",
                copy("cn-south-1"),
                copy("ap-southeast-1")
            ))
            .run();
    }
}
