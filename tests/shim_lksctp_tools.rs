//! Issue #3: lksctp-tools' own programs through the shim. sctp_test (server -l; clients -s with
//! test cases 0-5) and sctp_darn (lines from stdin) exchange messages, and what the servers
//! print received matches what the clients sent. These tools only speak SCTP, so their
//! self-check shows instead that without the shim they fail cleanly on a kernel without SCTP
//! (and work on one that has it): the harness tells failure from success.

mod support;

use std::time::{Duration, Instant};
use support::{require, Cmd, Netns, TempDir};

/// A server under the shim with stdout unbuffered (these tools only flush at exit), so the test
/// sees what it has received so far.
fn unbuffered_server(ns: &Netns, program: &str, args: &[&str]) -> Cmd {
    ns.cmd(require("stdbuf"))
        .arg("-o0")
        .arg(require(program))
        .args(args)
        .preload(true)
}

/// Message sizes from lines `<prefix>N<suffix>` (sctp_test's "sendmsg(...) N bytes." and
/// "Data N bytes." lines), sorted: unordered delivery may reorder them.
fn sizes(text: &str, prefix: &str, suffix: &str) -> Vec<u64> {
    let mut v: Vec<u64> = text
        .lines()
        .filter_map(|l| {
            let start = l.find(prefix)? + prefix.len();
            let rest = &l[start..];
            rest[..rest.find(suffix)?].trim().parse().ok()
        })
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn sctp_test_cases_sctp() {
    let sctp_test = require("sctp_test");
    let ns = Netns::new("sctp-test");
    let mut server = unbuffered_server(
        &ns,
        "sctp_test",
        &["-H", "127.0.0.1", "-P", "5700", "-l", "-d", "1"],
    )
    .timeout(Duration::from_secs(120))
    .spawn();
    server.wait_for_output("recvmsg(sk=", Duration::from_secs(20));
    let mut sent = Vec::new();
    for case in 0..=5 {
        let client = ns
            .cmd(&sctp_test)
            .args(["-H", "127.0.0.1", "-P", &format!("{}", 5710 + case)])
            .args(["-h", "127.0.0.1", "-p", "5700", "-s", "-x", "1", "-d", "1"])
            .args(["-c", &case.to_string()])
            .preload(true)
            .run();
        client.assert_success();
        let s = sizes(&client.stdout, ") ", " bytes.");
        assert!(!s.is_empty(), "case {case} sent nothing\n{client}");
        sent.extend(s);
    }
    sent.sort_unstable();
    let deadline = Instant::now() + Duration::from_secs(30);
    let received = loop {
        let got = sizes(&server.output_so_far(), "Data ", " bytes.");
        if got.len() >= sent.len() || Instant::now() >= deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        received,
        sent,
        "the server's messages differ from the clients'\nserver:\n{}",
        server.output_so_far()
    );
    server.stop();
}

#[test]
fn sctp_darn_lines_sctp() {
    let sctp_darn = require("sctp_darn");
    let dir = TempDir::new("darn");
    let lines: Vec<String> = (1..=5)
        .map(|i| format!("sctpshim darn message {i} {}", "x".repeat(i * 40)))
        .collect();
    let input = dir.join("input");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write input");
    let ns = Netns::new("sctp-darn");
    let mut server =
        unbuffered_server(&ns, "sctp_darn", &["-H", "127.0.0.1", "-P", "5800", "-l"]).spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(&sctp_darn)
        .args([
            "-H",
            "127.0.0.1",
            "-P",
            "5801",
            "-h",
            "127.0.0.1",
            "-p",
            "5800",
            "-s",
        ])
        .stdin_file(&input)
        .preload(true)
        .run();
    // sctp_darn exits with the return value of its last sendmsg(): the last line's length with
    // its newline and NUL, modulo 256. Anything else means that send failed.
    let last_len = lines.last().map_or(0, |l| l.len() + 2);
    assert_eq!(
        client.status.code(),
        Some((last_len % 256) as i32),
        "sctp_darn's last send failed\n{client}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let received = loop {
        let out = server.output_so_far();
        let got: Vec<String> = out
            .lines()
            // "DATA(len):  text" with the line's newline printed as '.'.
            .filter_map(|l| l.split_once("):  ")?.1.strip_suffix('.').map(str::to_owned))
            .filter(|t| t.starts_with("sctpshim darn"))
            .collect();
        if got.len() >= lines.len() || Instant::now() >= deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        received,
        lines,
        "sctp_darn server output:\n{}",
        server.output_so_far()
    );
    server.stop();
}

/// Without the shim, the tools' outcome follows the kernel: a clean failure where the kernel
/// has no SCTP (this project's target), success where it has.
#[test]
fn lksctp_tools_without_shim_follow_the_kernel() {
    let ns = Netns::new("no-shim");
    let client = ns
        .cmd(require("sctp_darn"))
        .args([
            "-H",
            "127.0.0.1",
            "-P",
            "5901",
            "-h",
            "127.0.0.1",
            "-p",
            "5900",
            "-s",
        ])
        .timeout(Duration::from_secs(20))
        .run();
    if support::kernel_has_sctp() {
        client.assert_success();
    } else {
        client.assert_failure();
        assert!(
            client.stderr.contains("not supported"),
            "expected an unsupported-protocol error\n{client}"
        );
    }
}
