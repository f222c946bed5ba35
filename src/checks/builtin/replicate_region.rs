//! `replicate-region`: a whole image is replicated only to another region
//! (`rules/image-replicate-cross-region.yaml`).

use crate::lang::{pick, say};
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicateRegion {}

impl Check for ReplicateRegion {
    fn variants(&self) -> Vec<&'static str> {
        vec!["missing_target", "same_region", "unknown_region"]
    }

    fn reads(&self) -> Reads {
        // `region` of a request is its document's.
        Reads::inventory()
            .fields(EntityKind::Operation, &["action", "target_region", "name"])
            .fields(EntityKind::Request, &["region"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        // Replicating a replica the run makes is `image-replicate-once`'s error, not an image
        // of unknown region.
        let replicas = inv.replicas();
        for op in inv.of_kind(EntityKind::Operation) {
            if !op.is("action", "replicate") {
                continue;
            }
            let Some(target) = op.get("target_region") else {
                if !op.has("target_region") {
                    cx.report(cx.hit(op, "missing_target", op.key_place()));
                }
                continue;
            };
            // A blank target names no region: as good as none.
            if target.node.as_str().is_some_and(|t| t.trim().is_empty()) {
                cx.report(cx.hit(op, "missing_target", op.found_place(&target)));
                continue;
            }
            let request = inv.request_of(op);
            match request.and_then(|r| r.region().map(|region| (r, region))) {
                // The image's region is the missing value: at the operation's first key
                //, the request that makes the image related.
                None if op.copy_of().is_some()
                    || op.str("image").is_some_and(|i| replicas.made(&i)) => {}
                None => {
                    let mut hit = cx.hit(op, "unknown_region", op.key_place()).warning();
                    if let Some(r) = request {
                        hit = hit.related(
                            r.key_place(),
                            say(
                                "the image is made by this request, in a document without `region`",
                                "镜像由此请求制作，其所在文档没有`region`",
                            ),
                        );
                    }
                    cx.report(hit);
                }
                Some((r, region)) => {
                    if target
                        .node
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case(region))
                    {
                        cx.report(
                            cx.hit(op, "same_region", op.found_place(&target))
                                .arg("region", region)
                                .arg("value", target.node.display())
                                .related(
                                    r.key_place(),
                                    pick(
                                        || format!("the image is made in {region} by this request"),
                                        || format!("镜像由此请求在{region}制作"),
                                    ),
                                ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const REQUEST: &str = "region: cn-north-4\nrequests:\n  - {name: img, instance_id: s1}\n";

    #[test]
    fn replication_goes_to_another_region() {
        let op = |target: &str| {
            format!("operations:\n  - {{action: replicate, image: img, target_region: {target}}}\n")
        };
        Tester::new("replicate-region", "{}", "operation")
            .pass_files(&[REQUEST, &op("cn-south-1")])
            .fail_files(&[REQUEST, &op("CN-NORTH-4")], &["same_region"])
            .fail_files(
                &[
                    "requests:\n  - {name: img, instance_id: s1}\n",
                    &op("cn-south-1"),
                ],
                &["unknown_region"],
            )
            .fail(
                "operations:\n  - {action: replicate, image: img}\n",
                &["missing_target"],
            )
            .run();
    }
}
