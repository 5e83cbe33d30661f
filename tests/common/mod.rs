//! Helpers shared by the integration tests that build C programs against the system headers.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for `name` under Cargo's per-test tmp dir.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Compiles `shim-tests/<source>` with `cc` (warnings are errors), adding `-I include_dir`, and
/// returns the executable. Fails the test loudly when `cc` or the SCTP headers are missing.
pub fn compile_c(source: &str, include_dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("shim-tests")
        .join(source);
    let exe = include_dir.join(source.trim_end_matches(".c"));
    let out = Command::new("cc")
        .args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(include_dir)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("cc must be installed to check the SCTP ABI");
    assert!(
        out.status.success(),
        "compiling {} failed (are /usr/include/netinet/sctp.h and linux/sctp.h installed?):\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
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
