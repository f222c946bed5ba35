//! `server-state`: the server is stopped or running (not resizing, migrating, ...) and no
//! task is in progress (`rules/server-status.yaml`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::{Entity, EntityKind};
use crate::syntax::tree::Value;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerState {
    pub statuses: Vec<String>,
}

impl Check for ServerState {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main", "task", "missing"]
    }

    fn kinds(&self) -> Option<&'static [EntityKind]> {
        Some(&[EntityKind::Server])
    }

    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        match e.get("status") {
            None if !e.has("status") => {
                cx.report(cx.hit(e, "missing", e.key_place()).warning());
            }
            None => {}
            Some(f) => {
                let status = f.node.display();
                if !self
                    .statuses
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&status))
                {
                    cx.report(
                        cx.hit(e, "main", e.found_place(&f))
                            .arg("value", status)
                            .arg("allowed", self.statuses.join(", ")),
                    );
                }
            }
        }
        // Idle is null; the ECS list API also writes an empty string.
        if let Some(f) = e.get("task_state")
            && !matches!(f.node.value(), Some(Value::Null | Value::Str("")))
        {
            cx.report(
                cx.hit(e, "task", e.found_place(&f))
                    .arg("value", f.node.display()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn stopped_or_running_with_no_task() {
        Tester::new(
            "server-state",
            r#"{"statuses": ["ACTIVE", "SHUTOFF"]}"#,
            "server",
        )
        .pass("servers:\n  - id: a\n    status: SHUTOFF\n    task_state: \"\"\n")
        .fail("servers:\n  - id: a\n    status: RESIZE\n", &["main"])
        .fail(
            "servers:\n  - id: a\n    status: ACTIVE\n    task_state: rebooting\n",
            &["task"],
        )
        .fail("servers:\n  - id: a\n", &["missing"])
        .run();
    }
}
