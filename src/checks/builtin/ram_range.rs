//! `ram-range`: `min_ram`/`max_ram` are integers (MB), not negative, and min is not above
//! max (`rules/request-ram-range.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::Value;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RamRange {}

impl Check for RamRange {
    fn variants(&self) -> Vec<&'static str> {
        vec!["not_integer", "negative", "order"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Request])
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, r: &Entity, cx: &mut Cx) {
        let mut ints = [None, None];
        for (slot, field) in ["min_ram", "max_ram"].into_iter().enumerate() {
            let Some(f) = r.get(field) else { continue };
            let hit = |cx: &Cx, variant| {
                cx.hit(r, variant, r.found_place(&f))
                    .arg("field", field)
                    .arg("value", f.node.display())
            };
            match f.node.value() {
                Some(Value::Int(i)) if i < 0 => cx.report(hit(cx, "negative")),
                Some(Value::Int(i)) => ints[slot] = Some((i, r.found_place(&f))),
                _ => cx.report(hit(cx, "not_integer")),
            }
        }
        if let [Some((min, place)), Some((max, max_place))] = ints
            && min > max
        {
            cx.report(
                cx.hit(r, "order", place)
                    .arg("min", min.to_string())
                    .arg("max", max.to_string())
                    .related(
                        max_place,
                        pick(|| format!("max_ram is {max}"), || format!("max_ram为{max}")),
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn whole_megabytes_in_order() {
        let request = |ram: &str| format!("requests:\n  - {{name: a, instance_id: s1, {ram}}}\n");
        Tester::new("ram-range", "{}", "request")
            .pass(&request("min_ram: 1024, max_ram: 4096"))
            .fail(&request("min_ram: 4096, max_ram: 1024"), &["order"])
            .fail(&request("min_ram: -1"), &["negative"])
            .fail(&request("max_ram: 1.5"), &["not_integer"])
            .run();
    }
}
