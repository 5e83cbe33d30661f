//! Helpers of the ABI tests, which build C programs against the system headers (compiled with
//! `support::compile_c`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for `name` under Cargo's per-test tmp dir.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs `exe` with `args`, asserting success, and returns its stdout.
pub fn run(exe: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(exe)
        .args(args)
        .output()
        .expect("run test program");
    assert!(
        out.status.success(),
        "{} {:?} failed: {}",
        exe.display(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
