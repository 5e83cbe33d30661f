//! Issue #3: POLLOUT follows the send buffer. A C client fills a non-blocking SOCK_STREAM socket
//! until EAGAIN, checks it is not writable, and waits for writability with poll, select, epoll
//! and edge-triggered epoll in turn while a C server drains slowly and checks every byte.
//! (shim-tests/pollout_client.c, pollout_server.c; tcp = the harness's self-check.)

mod support;

use std::time::Duration;
use support::{compile_c, Family, Netns, Proto, TempDir};

const PORT: &str = "5301";
const ROUNDS: &str = "12";

fn pollout(proto: Proto, family: Family) {
    let dir = TempDir::new("pollout");
    let include = format!("-I{}", support::repo_root().join("shim-tests").display());
    let server_exe = compile_c("pollout_server.c", dir.path(), &[&include]);
    let client_exe = compile_c("pollout_client.c", dir.path(), &[&include]);
    let ns = Netns::new("pollout");

    let mut server = ns
        .cmd(&server_exe)
        .args([proto.name(), family.digit(), PORT, "65536", "5"])
        .preload(proto.preload())
        .timeout(Duration::from_secs(90))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(&client_exe)
        .args([proto.name(), family.digit(), PORT, ROUNDS])
        .preload(proto.preload())
        .timeout(Duration::from_secs(90))
        .run();
    client.assert_success();
    let server = server.wait();
    server.assert_success();

    let rounds = client
        .stdout
        .lines()
        .filter(|l| l.ends_with("blocked, writable again"))
        .count();
    assert_eq!(rounds.to_string(), ROUNDS, "client rounds\n{client}");
    for mode in ["(poll)", "(select)", "(epoll)", "(epoll-et)"] {
        assert!(client.stdout.contains(mode), "no {mode} round\n{client}");
    }
    let sent = number_before(&client.stdout, " bytes", "sent ");
    let received = number_before(&server.stdout, " bytes, pattern ok", "received ");
    assert!(sent > 0, "nothing sent\n{client}");
    assert_eq!(sent, received, "client sent {sent}, server got {received}");
}

/// The number between `prefix` and `suffix` on the line that has both.
fn number_before(text: &str, suffix: &str, prefix: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix)?.strip_suffix(suffix)?.parse().ok())
        .unwrap_or_else(|| panic!("no line `{prefix}N{suffix}` in:\n{text}"))
}

#[test]
fn pollout_tcp_ipv4() {
    pollout(Proto::Tcp, Family::V4);
}

#[test]
fn pollout_tcp_ipv6() {
    pollout(Proto::Tcp, Family::V6);
}

#[test]
fn pollout_sctp_ipv4() {
    pollout(Proto::Sctp, Family::V4);
}

#[test]
fn pollout_sctp_ipv6() {
    pollout(Proto::Sctp, Family::V6);
}
