//! `required-tag`: every request carries a tag key, in `tags` (`key.value`) or in
//! `image_tags` (e.g. the `owner-tag` policy of `examples/policy`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads, When};
use crate::model::{Entity, EntityKind};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredTag {
    /// The tag key every request must carry.
    pub key: String,
    #[serde(default)]
    pub when: When,
}

impl Check for RequiredTag {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Request])
    }

    fn when(&self) -> Option<&When> {
        Some(&self.when)
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        let old = e
            .field("tags[]")
            .into_iter()
            .filter_map(|f| f.node.as_str().map(str::to_string));
        let new = e
            .field("image_tags[].key")
            .into_iter()
            .filter_map(|f| f.node.as_str().map(str::to_string));
        let has = old
            .map(|t| t.split_once('.').map_or(t.clone(), |(k, _)| k.to_string()))
            .chain(new)
            .any(|k| k == self.key);
        if !has {
            let place = ["image_tags", "tags"]
                .iter()
                .find_map(|f| e.key_place_of(f))
                .unwrap_or_else(|| e.key_place());
            cx.report(cx.hit(e, "main", place).arg("key", &self.key));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn the_key_is_found_in_either_tag_list() {
        Tester::new("required-tag", r#"{"key": "owner"}"#, "request")
            .pass("requests:\n  - name: a\n    instance_id: x\n    tags: [owner.ops]\n")
            .pass(
                "requests:\n  - name: a\n    instance_id: x\n    image_tags: [{key: owner, value: ops}]\n",
            )
            .fail("requests:\n  - name: a\n    instance_id: x\n    tags: [team.ops]\n", &["main"])
            .run();
    }
}
