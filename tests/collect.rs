//! The host-facts collector `examples/collect/collect-linux.sh` must stay plain POSIX sh: it has
//! to parse with `sh -n`, and pass `shellcheck -s sh` where shellcheck is installed.

use std::path::PathBuf;
use std::process::Command;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/collect/collect-linux.sh")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn linux_collector_parses_as_posix_sh() {
    let out = Command::new("sh")
        .arg("-n")
        .arg(script())
        .output()
        .expect("run sh -n");
    assert!(
        out.status.success(),
        "sh -n rejected collect-linux.sh:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn linux_collector_passes_shellcheck() {
    if !on_path("shellcheck") {
        eprintln!("note: shellcheck is not on PATH; skipping `shellcheck -s sh collect-linux.sh`");
        return;
    }
    let out = Command::new("shellcheck")
        .args(["-s", "sh"])
        .arg(script())
        .output()
        .expect("run shellcheck");
    assert!(
        out.status.success(),
        "shellcheck -s sh reported:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
