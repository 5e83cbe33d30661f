//! The `sctpshim PROGRAM ARGS...` launcher (man/sctpshim.1): it runs PROGRAM with the library
//! preloaded, so PROGRAM's SCTP sockets work; it keeps an existing LD_PRELOAD, passes the exit
//! status through, and reports a missing program with status 127.

mod support;

use support::{require, Cmd, Netns};

const LAUNCHER: &str = env!("CARGO_BIN_EXE_sctpshim");

/// Without SCTPSHIM_LIB the launcher finds the library next to itself (target/<profile>/).
#[test]
fn launcher_gives_programs_sctp_sockets() {
    let lib = support::shim_lib();
    assert_eq!(
        lib.parent(),
        std::path::Path::new(LAUNCHER).parent(),
        "the test expects the library beside the launcher"
    );
    let ns = Netns::new("launcher");
    let out = ns
        .cmd(LAUNCHER)
        .arg(require("python3"))
        .args([
            "-c",
            "import os, socket\n\
             s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)\n\
             s.bind(('127.0.0.1', 0)); s.listen(1)\n\
             print('sctp ok', 'libsctpshim.so' in os.environ['LD_PRELOAD'])",
        ])
        .run();
    out.assert_success();
    assert_eq!(out.stdout.trim(), "sctp ok True");
}

#[test]
fn launcher_keeps_an_existing_preload_and_the_exit_status() {
    // libc.so.6 is already loaded by every program: preloading it again changes nothing.
    let out = Cmd::new(LAUNCHER)
        .args(["bash", "-c", "echo \"$LD_PRELOAD\"; exit 7"])
        .env("SCTPSHIM_LIB", support::shim_lib())
        .env("LD_PRELOAD", "libc.so.6")
        .run();
    assert_eq!(out.status.code(), Some(7), "{out}");
    let preload = out.stdout.trim();
    assert!(
        preload.contains("libsctpshim.so") && preload.ends_with("libc.so.6"),
        "LD_PRELOAD was {preload:?}"
    );
}

#[test]
fn launcher_reports_a_missing_program() {
    let out = Cmd::new(LAUNCHER)
        .arg("/nonexistent/sctpshim-no-such-program")
        .env("SCTPSHIM_LIB", support::shim_lib())
        .run();
    assert_eq!(out.status.code(), Some(127), "{out}");
    assert!(out.stderr.contains("sctpshim-no-such-program"), "{out}");
}
