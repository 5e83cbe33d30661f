//! Issue #3: SCTPSHIM_WITHSCTP=1 turns TCP stream sockets into SCTP ones, as lksctp-tools'
//! withsctp does (whose own library cannot be stacked on this one: it finds socket() in libc
//! past every preload). socat TCP4-LISTEN / TCP4 then move a file over SCTP (the library's
//! packet capture holds the association's packets); TCP_NODELAY is SCTP_NODELAY; other socket
//! kinds stay what they are; without the variable TCP stays TCP.

mod support;

use std::time::Duration;
use support::{require, write_pattern_file, Netns, TempDir};

/// Moves a 4 MiB file with socat TCP4 under the library (`with_sctp`: SCTPSHIM_WITHSCTP=1),
/// the server capturing its SCTP packets; returns the capture's size.
fn socat_tcp(with_sctp: bool) -> u64 {
    let socat = require("socat");
    let dir = TempDir::new("withsctp");
    let (sent, received, pcap) = (dir.join("sent"), dir.join("received"), dir.join("cap"));
    write_pattern_file(&sent, 4 << 20, 0x7c9);
    let ns = Netns::new("withsctp");
    let flag = if with_sctp { "1" } else { "0" };
    let mut server = ns
        .cmd(&socat)
        .args(["-d", "-d", "-u", "TCP4-LISTEN:5520,reuseaddr"])
        .arg(format!("CREATE:{}", received.display()))
        .env("SCTPSHIM_WITHSCTP", flag)
        .env("SCTPSHIM_PCAP", &pcap)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    ns.cmd(&socat)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg("TCP4:127.0.0.1:5520")
        .env("SCTPSHIM_WITHSCTP", flag)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run()
        .assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
    std::fs::metadata(&pcap).map_or(0, |m| m.len())
}

#[test]
fn socat_tcp_goes_over_sctp() {
    let captured = socat_tcp(true);
    assert!(
        captured > 4 << 20,
        "the capture holds the file's SCTP packets: {captured} bytes"
    );
}

#[test]
fn without_the_variable_tcp_stays_tcp() {
    assert_eq!(socat_tcp(false), 0, "no SCTP socket, no capture");
}

const PY: &str = r#"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 132, "stream socket is SCTP"
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
assert s.getsockopt(132, 3) == 1, "TCP_NODELAY set SCTP_NODELAY"
assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
try:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 5)
    raise SystemExit("TCP_KEEPIDLE accepted")
except OSError as e:
    assert e.errno == 92, e  # ENOPROTOOPT, as on any SCTP socket
t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP)
assert t.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 132, "IPv6, IPPROTO_TCP too"
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 17, "UDP stays UDP"
x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
assert x.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM
print("ok")
"#;

#[test]
fn socket_kinds_and_tcp_nodelay() {
    let python = require("python3");
    let ns = Netns::new("withsctp-py");
    let out = ns
        .cmd(&python)
        .args(["-c", PY])
        .env("SCTPSHIM_WITHSCTP", "1")
        .preload(true)
        .timeout(Duration::from_secs(30))
        .run();
    out.assert_success();
    assert_eq!(out.stdout.trim(), "ok", "{out}");
}
