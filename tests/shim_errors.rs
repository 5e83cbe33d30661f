//! Issue #3: the error lifecycle of one-to-one sockets (shim-tests/nb_connect.c): a refused
//! non-blocking connect (and connect() again on the same fd after it), a same-host, a slow
//! and a timed-out one, and a peer's ABORT reported once, by recv or by SO_ERROR, as Linux's
//! sock_error does; poll, select and epoll agree at every step. The slow and timed-out setups
//! run across a veth pair, the server's namespace dropping INIT chunks with nftables (the chunk type is the first byte after the 12-byte SCTP common header that
//! follows the UDP header).

mod support;

use std::time::Duration;
use support::{compile_c, require, veth_pair, Netns, Proto, TempDir};

const PORT: &str = "5411";

fn client(ns: &Netns, exe: &std::path::Path, mode: &str, ip: &str) -> support::Running {
    ns.cmd(exe)
        .args([mode, ip, PORT])
        .preload(Proto::Sctp.preload())
        .timeout(Duration::from_secs(60))
        .spawn()
}

fn assert_ok(out: &support::Output, mode: &str) {
    out.assert_success();
    assert!(out.stdout.contains(&format!("ok {mode}")), "{out}");
}

fn server(ns: &Netns, exe: &std::path::Path) -> support::Running {
    let mut s = ns
        .cmd(exe)
        .args(["server", PORT])
        .preload(true)
        .timeout(Duration::from_secs(90))
        .spawn();
    s.wait_for_output("listening", Duration::from_secs(20));
    s
}

fn nft(ns: &Netns, rule: &str) {
    ns.cmd(require("nft"))
        .args(rule.split(' '))
        .timeout(Duration::from_secs(20))
        .run()
        .assert_success();
}

/// Client and server namespaces joined by a veth pair; the server's drops every INIT.
fn dropping_pair() -> (Netns, Netns) {
    let a = Netns::new("errc");
    let b = Netns::new("errs");
    veth_pair(&a, &["10.77.0.1/24"], &b, &["10.77.0.2/24"], 1500);
    nft(&b, "add table inet initdrop");
    nft(
        &b,
        "add chain inet initdrop in { type filter hook input priority 0 ; }",
    );
    nft(
        &b,
        &format!("add rule inet initdrop in udp dport {PORT} @th,160,8 1 drop"),
    );
    (a, b)
}

/// One client mode on loopback, with or without the server.
fn local(mode: &str, with_server: bool) {
    let dir = TempDir::new("errors");
    let exe = compile_c("nb_connect.c", dir.path(), &[]);
    let ns = Netns::new("errlo");
    let _server = with_server.then(|| server(&ns, &exe));
    assert_ok(&client(&ns, &exe, mode, "127.0.0.1").wait(), mode);
}

#[test]
fn nonblocking_connect_refused() {
    local("refused", false);
}

#[test]
fn connect_again_after_a_refused_nonblocking_connect() {
    local("retry", false);
}

#[test]
fn same_host_nonblocking_connect_is_writable_at_once() {
    local("local", true);
}

#[test]
fn abort_reported_once_by_recv() {
    local("reset-recv", true);
}

#[test]
fn abort_reported_once_by_so_error() {
    local("reset-soerr", true);
}

#[test]
fn slow_nonblocking_connect_keeps_pollout_low() {
    let dir = TempDir::new("errors");
    let exe = compile_c("nb_connect.c", dir.path(), &[]);
    let (a, b) = dropping_pair();
    let _server = server(&b, &exe);
    let mut c = client(&a, &exe, "slow", "10.77.0.2");
    c.wait_for_output("pending", Duration::from_secs(20));
    nft(&b, "delete table inet initdrop");
    assert_ok(&c.wait(), "slow");
}

/// A client in `mode` whose INITs all go unanswered (the server's namespace drops them).
fn unanswered(mode: &str) {
    let dir = TempDir::new("errors");
    let exe = compile_c("nb_connect.c", dir.path(), &[]);
    let (a, b) = dropping_pair();
    let _server = server(&b, &exe);
    assert_ok(&client(&a, &exe, mode, "10.77.0.2").wait(), mode);
}

#[test]
fn nonblocking_connect_timeout() {
    unanswered("timeout");
}

#[test]
fn blocking_connect_timeout() {
    unanswered("blocking-timeout");
}
