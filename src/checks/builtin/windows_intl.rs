//! `windows-intl`: Huawei Cloud's international site no longer makes whole images of Windows
//! servers (`rules/image-windows-intl.yaml`): a warning for a request whose document's region
//! is not a Chinese-mainland one (`cn-…`) and whose source server runs Windows.

use crate::lang::pick;
use serde::Deserialize;

use crate::checks::{Check, Cx, Reads, source_server};
use crate::model::{EntityKind, Inventory};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsIntl {}

impl Check for WindowsIntl {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    fn reads(&self) -> Reads {
        Reads::inventory()
            .fields(EntityKind::Request, &["region", "instance_id", "backup_id"])
            .fields(EntityKind::Backup, &["server_id"])
            .fields(EntityKind::Server, &["os"])
    }

    fn check_inventory(&self, inv: &Inventory, cx: &mut Cx) {
        for r in inv.of_kind(EntityKind::Request) {
            let Some(region) = r.region() else { continue };
            if region.to_ascii_lowercase().starts_with("cn-") {
                continue;
            }
            let Some(server) = source_server(r, inv) else {
                continue;
            };
            if !server.is("os", "windows") {
                continue;
            }
            let mut hit = cx
                .hit(r, "main", r.key_place())
                .arg("value", server.label().to_string())
                .arg("region", region.to_string());
            if let Some(os) = server.get("os") {
                hit = hit.related(
                    server.found_place(&os),
                    pick(
                        || format!("server {} runs Windows", server.label()),
                        || format!("云服务器{}运行Windows", server.label()),
                    ),
                );
            }
            cx.report(hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn windows_sources_outside_the_chinese_mainland_warn() {
        let request = |region: &str| {
            format!(
                "region: {region}\nrequests:\n  - {{name: img, instance_id: s1, vault_id: v1}}\n"
            )
        };
        let windows = "servers:\n  - {id: s1, os: windows}\n";
        Tester::new("windows-intl", "{}", "request")
            .pass_files(&[&request("cn-north-4"), windows])
            .pass_files(&[
                &request("ap-southeast-1"),
                "servers:\n  - {id: s1, os: linux}\n",
            ])
            .fail_files(&[&request("ap-southeast-1"), windows], &["main"])
            .run();
    }
}
