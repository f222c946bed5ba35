//! Checks whose logic is specific to one documented restriction: one file each, named after
//! the template its rule file gives.

mod backup_system_disk;
mod disk_flag;
mod duplicate_name;
mod encrypted_source;
mod engine_made;
mod lvm_multi_pv;
mod one_image_per_backup;
mod optimization_checklist;
mod ram_range;
mod replicate_once;
mod replicate_region;
mod server_state;
mod share_limit;
mod share_source;
mod system_disk;
mod tag_format;
mod unverified;
mod vault_required;
mod whole_image_type;
mod windows_intl;

pub use backup_system_disk::BackupSystemDisk;
pub use disk_flag::DiskFlag;
pub use duplicate_name::DuplicateName;
pub use encrypted_source::EncryptedSource;
pub use engine_made::EngineMade;
pub use lvm_multi_pv::LvmMultiPv;
pub use one_image_per_backup::OneImagePerBackup;
pub use optimization_checklist::OptimizationChecklist;
pub use ram_range::RamRange;
pub use replicate_once::ReplicateOnce;
pub use replicate_region::ReplicateRegion;
pub use server_state::ServerState;
pub use share_limit::ShareLimit;
pub use share_source::ShareSource;
pub use system_disk::SystemDisk;
pub use tag_format::TagFormat;
pub use unverified::Unverified;
pub use vault_required::VaultRequired;
pub use whole_image_type::WholeImageType;
pub use windows_intl::WindowsIntl;

use crate::model::Entity;
use crate::syntax::tree::{Node, Value};

fn is_true(node: &Node) -> bool {
    node.value() == Some(Value::Bool(true))
}

/// Some item of `list` states `key`, but the schema pass rejected the value (and reported
/// it): a check does not judge it a second time.
fn has_rejected(e: &Entity, list: &str, key: &str) -> bool {
    let stated = e
        .field(list)
        .iter()
        .filter(|d| d.node.get(key).is_some())
        .count();
    let valid = e.field(&format!("{list}.{key}")).len();
    stated > valid
}
