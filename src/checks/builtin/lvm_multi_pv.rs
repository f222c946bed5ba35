//! `lvm-multi-pv`: on Linux, no volume group and no logical volume spans several physical
//! volumes (`rules/lvm-multi-pv.yaml`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::{Node, Value};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LvmMultiPv {}

/// A count written as a number or, as LVM and Ansible reports do, as a string.
fn count_of(node: &Node) -> Option<i64> {
    match node.value()? {
        Value::Int(n) => Some(n),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Check for LvmMultiPv {
    fn variants(&self) -> Vec<&'static str> {
        vec!["vg", "lv", "pv_count"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Server])
    }

    /// Windows servers have no LVM.
    fn applies(&self, e: &Entity) -> bool {
        !e.is("os", "windows")
    }

    fn applies_reads(&self) -> &'static [&'static str] {
        &["os"]
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        for (list, variant) in [
            ("lvm.volume_groups[]", "vg"),
            ("lvm.logical_volumes[]", "lv"),
        ] {
            for group in e.field(list) {
                let name = group
                    .node
                    .get("name")
                    .map(Node::display)
                    .unwrap_or_default();
                // The volume group the remediation works on: the group, or the LV's group.
                let vg = match variant {
                    "vg" => Some(name.clone()),
                    _ => group.node.get("volume_group").map(Node::display),
                };
                let with_vg = |hit: crate::finding::Hit| match &vg {
                    Some(vg) => hit.arg("vg", vg),
                    None => hit,
                };
                let Some(pvs) = group.node.get("physical_volumes") else {
                    // Reports (vgs, Ansible) give a count instead of the list.
                    if let Some(count) = group.child("pv_count")
                        && let Some(n) = count_of(&count.node)
                        && n > 1
                    {
                        cx.report(with_vg(
                            cx.hit(e, "pv_count", count.place())
                                .arg("name", name)
                                .arg("count", n.to_string()),
                        ));
                    }
                    continue;
                };
                let mut names: Vec<String> = pvs
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .map(Node::display)
                    .collect();
                names.sort();
                names.dedup();
                if names.len() > 1 {
                    let place = group
                        .child("physical_volumes")
                        .map_or_else(|| group.place(), |f| f.place());
                    cx.report(with_vg(
                        cx.hit(e, variant, place)
                            .arg("name", name)
                            .arg("count", names.len().to_string())
                            .arg("pvs", names.join(", ")),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn a_group_on_two_pvs_fails_on_linux_only() {
        let two = "    lvm:\n      volume_groups:\n        - name: vg0\n          physical_volumes: [/dev/sdb, /dev/sdc]\n";
        Tester::new("lvm-multi-pv", "{}", "server")
            .pass(&format!("servers:\n  - id: a\n    os: windows\n{two}"))
            .pass("servers:\n  - id: a\n    os: linux\n    lvm:\n      volume_groups:\n        - name: vg0\n          physical_volumes: [/dev/sdb]\n")
            .fail(&format!("servers:\n  - id: a\n    os: linux\n{two}"), &["vg"])
            .fail(
                "servers:\n  - id: a\n    lvm:\n      logical_volumes:\n        - name: lv0\n          pv_count: \"2\"\n",
                &["pv_count"],
            )
            .run();
    }
}
