//! `optimization-checklist`: the server was optimised for a whole image (Cloud-Init or
//! Cloudbase-Init, drivers, SAN policy, ...), per OS (`rules/server-optimized.yaml`).

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::finding::Hit;
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::Value;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerOs {
    #[serde(default)]
    pub linux: Vec<String>,
    #[serde(default)]
    pub windows: Vec<String>,
}

impl PerOs {
    fn for_os(&self, os: &str) -> &[String] {
        if os.eq_ignore_ascii_case("windows") {
            &self.windows
        } else {
            &self.linux
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizationChecklist {
    pub required: PerOs,
    #[serde(default)]
    pub recommended: PerOs,
}

impl Check for OptimizationChecklist {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "recommended", "unstated", "missing", "unknown_os"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Server])
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        // Findings point at the backups made from the server too; those may sit in any
        // file, so the engine relates them once the whole inventory is known.
        let with_backups = |hit: Hit| hit.relate_backups();
        let Some(os) = e.str("os") else {
            if !e.has("os") {
                cx.report(with_backups(
                    cx.hit(e, "unknown_os", e.key_place()).warning(),
                ));
            }
            return;
        };
        let Some(checklist) = e.get("optimization") else {
            if !e.has("optimization") {
                cx.report(with_backups(
                    cx.hit(e, "missing", e.key_place())
                        .arg("os", os.to_ascii_lowercase())
                        .warning(),
                ));
            }
            return;
        };
        let checklist_key = e.key_place_of("optimization");
        for item in self.required.for_os(&os) {
            match checklist.child(item) {
                // A missing value: at the entity's first key, the checklist
                // related.
                None => {
                    let mut hit = cx
                        .hit(e, "unstated", e.key_place())
                        .arg("os", os.to_ascii_lowercase())
                        .arg("item", item)
                        .warning();
                    if let Some(at) = &checklist_key {
                        hit = hit.related(
                            at.clone(),
                            pick(
                                || format!("the checklist does not state `{item}`"),
                                || format!("检查清单未说明`{item}`"),
                            ),
                        );
                    }
                    cx.report(with_backups(hit));
                }
                Some(v) if v.node.value() == Some(Value::Bool(false)) => {
                    let place = v.place();
                    cx.report(with_backups(
                        cx.hit(e, "main", place)
                            .arg("os", os.to_ascii_lowercase())
                            .arg("item", item),
                    ));
                }
                Some(_) => {}
            }
        }
        for item in self.recommended.for_os(&os) {
            if let Some(v) = checklist.child(item)
                && v.node.value() == Some(Value::Bool(false))
            {
                let place = v.place();
                cx.report(
                    cx.hit(e, "recommended", place)
                        .arg("os", os.to_ascii_lowercase())
                        .arg("item", item)
                        .warning(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    const CHECKLIST: &str = r#"{"required": {"linux": ["cloud_init"], "windows": ["cloudbase_init"]}, "recommended": {"linux": ["kvm_drivers"]}}"#;

    #[test]
    fn required_items_per_os() {
        Tester::new("optimization-checklist", CHECKLIST, "server")
            .pass("servers:\n  - id: a\n    os: linux\n    optimization: {cloud_init: true}\n")
            .fail(
                "servers:\n  - id: a\n    os: linux\n    optimization: {cloud_init: false}\n",
                &["main"],
            )
            .fail(
                "servers:\n  - id: a\n    os: windows\n    optimization: {cloud_init: true}\n",
                &["unstated"],
            )
            .fail(
                "servers:\n  - id: a\n    os: linux\n    optimization: {cloud_init: true, kvm_drivers: false}\n",
                &["recommended"],
            )
            .fail("servers:\n  - id: a\n    os: linux\n", &["missing"])
            .fail("servers:\n  - id: a\n", &["unknown_os"])
            .run();
    }
}
