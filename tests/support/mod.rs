//! Harness for the shim-tests: real programs run inside private network namespaces, either on the
//! kernel's own transport (the harness's self-check, `Proto::Tcp`) or with `libsctpshim.so`
//! preloaded (`Proto::Sctp`), each under a hard timeout that kills its whole process group.
//!
//! Every test binary under tests/ includes this module and uses a different part of it, hence the
//! `dead_code` allowance. Missing tools or privileges are a loud panic, never a silent skip.
#![allow(dead_code)]

pub mod json;
mod netns;
mod process;
pub mod tshark;

#[allow(unused_imports)]
pub use netns::{veth_pair, Netns};
#[allow(unused_imports)]
pub use process::{Cmd, Output, Running};

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Which transport a test runs over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// The kernel's TCP (or UDP where the test needs messages without connections), no preload:
    /// proves the harness and the test programs themselves.
    Tcp,
    /// IPPROTO_SCTP with libsctpshim.so preloaded.
    Sctp,
}

impl Proto {
    /// The protocol name the test programs take on their command line.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Sctp => "sctp",
        }
    }

    /// Whether commands of this protocol run with the shim preloaded.
    pub fn preload(self) -> bool {
        self == Proto::Sctp
    }
}

/// IP version of a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// The loopback address of this family.
    pub fn loopback(self) -> &'static str {
        match self {
            Family::V4 => "127.0.0.1",
            Family::V6 => "::1",
        }
    }

    /// "4" or "6", as the test programs and socat's address names take it.
    pub fn digit(self) -> &'static str {
        match self {
            Family::V4 => "4",
            Family::V6 => "6",
        }
    }
}

/// Default time budget of one command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository root (the crate's manifest directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under shim-tests/.
pub fn shim_test_file(name: &str) -> PathBuf {
    let path = repo_root().join("shim-tests").join(name);
    assert!(path.is_file(), "missing test source {}", path.display());
    path
}

/// The preloadable library: $SCTPSHIM_LIB, else libsctpshim.so of the profile this test was built
/// with (target/<profile>/, two levels above target/<profile>/deps/<test>).
pub fn shim_lib() -> PathBuf {
    let path = match std::env::var_os("SCTPSHIM_LIB") {
        Some(p) => PathBuf::from(p),
        None => {
            let exe = std::env::current_exe().expect("current_exe");
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("test binary lives in target/<profile>/deps");
            profile_dir.join("libsctpshim.so")
        }
    };
    assert!(
        path.is_file(),
        "{} is missing: build the library first (cargo build --release, or set SCTPSHIM_LIB)",
        path.display()
    );
    path
}

/// The absolute path of `tool` on PATH; panics if it is not installed.
pub fn require(tool: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| panic!("required tool `{tool}` is not installed (see .ci/run)"))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Panics unless the test runs as root (network namespaces need it).
pub fn require_root() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "shim-tests make network namespaces and must run as root"
    );
}

/// Whether the running kernel itself offers SCTP sockets (this project's target kernels do not).
pub fn kernel_has_sctp() -> bool {
    // SAFETY: plain socket(2) call; the fd is closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_SCTP) };
    if fd >= 0 {
        // SAFETY: fd was just returned by socket(2).
        unsafe { libc::close(fd) };
    }
    fd >= 0
}

/// A directory removed (with its contents) when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sctpshim-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Compiles shim-tests/`source` (a program printing one "ok"/"FAIL" line per check, see
/// shim-tests/checks.h) with `-lsctp`, runs it with `args` and `env` under the shim in a
/// private namespace, and asserts that none failed and `expected` passed.
pub fn run_checks(source: &str, tag: &str, args: &[&str], env: &[(&str, &str)], expected: usize) {
    let dir = TempDir::new(tag);
    let exe = compile_c(source, dir.path(), &["-lsctp"]);
    run_checks_in(&Netns::new(tag), &exe, args, env, expected);
}

/// [`run_checks`] of the compiled check program `exe` in namespace `ns`.
pub fn run_checks_in(ns: &Netns, exe: &Path, args: &[&str], env: &[(&str, &str)], expected: usize) {
    let mut cmd = ns.cmd(exe).args(args);
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let out = cmd
        .preload(true)
        .timeout(std::time::Duration::from_secs(60))
        .run();
    assert!(!out.stdout.contains("FAIL"), "{out}");
    out.assert_success();
    let checks = out.stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(checks, expected, "every check ran\n{out}");
}

/// Compiles shim-tests/`source` with the system C compiler into `dir`; returns the executable.
pub fn compile_c(source: &str, dir: &Path, extra: &[&str]) -> PathBuf {
    let cc = require("cc");
    let src = shim_test_file(source);
    let exe = dir.join(source.trim_end_matches(".c"));
    let out = std::process::Command::new(cc)
        .args(["-O2", "-g", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(&src)
        .args(extra)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "cc {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Writes `len` deterministic pseudo-random bytes (xorshift64* from `seed`) to `path`.
pub fn write_pattern_file(path: &Path, len: usize, seed: u64) {
    let file = File::create(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let mut state = seed | 1;
    let mut left = len;
    while left > 0 {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let word = state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
        let take = left.min(8);
        w.write_all(&word[..take]).expect("write pattern");
        left -= take;
    }
    w.flush().expect("flush pattern");
}

/// The SHA-256 of a file's contents, in hex.
pub fn sha256_file(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut file = File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).expect("read for sha256");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Asserts that two files have the same length and SHA-256.
pub fn assert_same_file(sent: &Path, received: &Path) {
    let sent_len = std::fs::metadata(sent).map(|m| m.len()).unwrap_or(0);
    let recv_len = std::fs::metadata(received).map(|m| m.len()).unwrap_or(0);
    assert_eq!(
        recv_len,
        sent_len,
        "{} has {recv_len} bytes, {} has {sent_len}",
        received.display(),
        sent.display()
    );
    assert_eq!(
        sha256_file(received),
        sha256_file(sent),
        "{} differs from {}",
        received.display(),
        sent.display()
    );
}
