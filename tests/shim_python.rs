//! Issue #3: Python's socket module with IPPROTO_SCTP: SOCK_STREAM and SOCK_SEQPACKET echo over
//! IPv4 and IPv6 (shim-tests/echo.py). tcp = the harness's self-check (SOCK_STREAM on TCP,
//! "seqpacket" on UDP datagrams).

mod support;

use std::time::Duration;
use support::{require, shim_test_file, Family, Netns, Proto};

const COUNT: &str = "44";

fn echo(kind: &str, proto: Proto, family: Family) {
    let python = require("python3");
    let script = shim_test_file("echo.py");
    let ns = Netns::new("pyecho");
    let args = |role: &str| {
        vec![
            script.display().to_string(),
            role.to_owned(),
            kind.to_owned(),
            proto.name().to_owned(),
            family.digit().to_owned(),
            "5601".to_owned(),
            COUNT.to_owned(),
        ]
    };
    let mut server = ns
        .cmd(&python)
        .args(args("server"))
        .preload(proto.preload())
        .spawn();
    server.wait_for_output("ready", Duration::from_secs(20));
    let client = ns
        .cmd(&python)
        .args(args("client"))
        .preload(proto.preload())
        .run();
    client.assert_success();
    let server = server.wait();
    server.assert_success();
    let done = format!("ok {COUNT} messages");
    assert!(client.stdout.contains(&done), "{client}");
    assert!(server.stdout.contains(&done), "{server}");
}

#[test]
fn python_stream_tcp_ipv4() {
    echo("stream", Proto::Tcp, Family::V4);
}

#[test]
fn python_stream_tcp_ipv6() {
    echo("stream", Proto::Tcp, Family::V6);
}

#[test]
fn python_seqpacket_tcp_ipv4() {
    echo("seqpacket", Proto::Tcp, Family::V4);
}

#[test]
fn python_seqpacket_tcp_ipv6() {
    echo("seqpacket", Proto::Tcp, Family::V6);
}

#[test]
fn python_stream_sctp_ipv4() {
    echo("stream", Proto::Sctp, Family::V4);
}

#[test]
fn python_stream_sctp_ipv6() {
    echo("stream", Proto::Sctp, Family::V6);
}

#[test]
fn python_seqpacket_sctp_ipv4() {
    echo("seqpacket", Proto::Sctp, Family::V4);
}

#[test]
fn python_seqpacket_sctp_ipv6() {
    echo("seqpacket", Proto::Sctp, Family::V6);
}
