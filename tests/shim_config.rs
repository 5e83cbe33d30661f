//! Issue #3: the SCTPSHIM_* environment. A bad value is a clear message and an error from the SCTP
//! call, never a crash; programs without SCTP sockets never notice it; SCTPSHIM_DISABLE passes
//! SCTP sockets to the kernel; SCTPSHIM_LOG/SCTPSHIM_LOG_FILE log what the stack does.

mod support;

use support::{require, Netns, TempDir};

/// Python that opens an IPv4 SCTP socket, binds and listens, and prints "ok" or "errno N".
const OPEN_SCTP: &str = r#"
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)
    s.bind(("127.0.0.1", 0)); s.listen(1); s.close()
    print("ok")
except OSError as e:
    print("errno", e.errno)
"#;

fn python_sctp(ns: &Netns, envs: &[(&str, &str)]) -> support::Output {
    let mut cmd = ns
        .cmd(require("python3"))
        .args(["-c", OPEN_SCTP])
        .preload(true);
    for (k, v) in envs {
        cmd = cmd.env(k, v);
    }
    let out = cmd.run();
    out.assert_success();
    out
}

#[test]
fn bad_values_do_not_disturb_programs_without_sctp_sockets() {
    let ns = Netns::new("cfg-foreign");
    let out = ns
        .cmd(require("bash"))
        .args(["-c", "echo $((20 + 22))"])
        .env("SCTPSHIM_UDP_PORT", "banana")
        .env("SCTPSHIM_RTO_MIN", "-1")
        .preload(true)
        .run();
    out.assert_success();
    assert_eq!(out.stdout.trim(), "42");
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", out.stderr);
}

#[test]
fn disable_passes_sctp_sockets_to_the_kernel() {
    let ns = Netns::new("cfg-disable");
    let out = python_sctp(&ns, &[("SCTPSHIM_DISABLE", "1")]);
    let want = if support::kernel_has_sctp() {
        "ok".to_owned()
    } else {
        format!("errno {}", libc::EPROTONOSUPPORT)
    };
    assert_eq!(out.stdout.trim(), want, "{out}");
}

#[test]
fn sctp_sockets_work_under_the_shim() {
    let ns = Netns::new("cfg-ok");
    let out = python_sctp(&ns, &[]);
    assert_eq!(out.stdout.trim(), "ok", "{out}");
}

#[test]
fn bad_value_is_a_clear_error_not_a_crash() {
    let ns = Netns::new("cfg-bad");
    for (var, value) in [
        ("SCTPSHIM_UDP_PORT", "70000"),
        ("SCTPSHIM_REMOTE_UDP_PORT", "x"),
        ("SCTPSHIM_RTO_MIN", "soon"),
        ("SCTPSHIM_DISABLE", "maybe"),
    ] {
        let out = python_sctp(&ns, &[(var, value)]);
        assert_eq!(
            out.stdout.trim(),
            format!("errno {}", libc::EINVAL),
            "{var}={value}\n{out}"
        );
        assert!(
            out.stderr.contains(var),
            "the message must name {var}\n{out}"
        );
    }
}

#[test]
fn log_goes_to_the_log_file() {
    let ns = Netns::new("cfg-log");
    let dir = TempDir::new("cfg-log");
    let log = dir.join("shim.log");
    let out = python_sctp(
        &ns,
        &[
            ("SCTPSHIM_LOG", "debug"),
            ("SCTPSHIM_LOG_FILE", log.to_str().expect("utf-8 path")),
        ],
    );
    assert_eq!(out.stdout.trim(), "ok", "{out}");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !text.trim().is_empty(),
        "SCTPSHIM_LOG=debug wrote nothing to the log file"
    );
    assert!(
        out.stderr.is_empty(),
        "with SCTPSHIM_LOG_FILE the log must not go to stderr: {}",
        out.stderr
    );
}
