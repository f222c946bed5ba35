//! Host facts parsers (lsblk, LVM reports, Ansible, Get-StorageSetting, diskpart text) on
//! arbitrary text: a facts file from a guest is as untrusted as an inventory.
#![no_main]

use ims_preflight::model::facts;
use ims_preflight::syntax::parse::Limits;
use ims_preflight::input::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = ims_preflight::input::source::decode(data) {
        let file = SourceFile::new("facts.txt".into(), text);
        let _ = facts::read(&file, "877a2cda-ba63-4e1e-b95f-e67e48b6129a", &Limits::default());
    }
});
