//! Issue #3: ncat --sctp moves a file intact; iperf3 --sctp runs with 1 stream, with -P 4 and
//! with -R (2-second runs; the -J report must show bytes moved and no error, and every process,
//! keepers included, is gone within 10 s after). Through the shim
//! for sctp; the same commands without --sctp on the kernel's TCP are the harness's self-check.

mod support;

use std::time::Duration;
use support::json::Json;
use support::{require, write_pattern_file, Family, Netns, Proto, TempDir};

fn proto_flag(proto: Proto) -> &'static [&'static str] {
    match proto {
        Proto::Tcp => &[],
        Proto::Sctp => &["--sctp"],
    }
}

fn ncat_file(proto: Proto, family: Family) {
    let ncat = require("ncat");
    let dir = TempDir::new("ncat");
    let (sent, received) = (dir.join("sent"), dir.join("received"));
    write_pattern_file(&sent, 8 << 20, 0x0ca7);
    let ns = Netns::new("ncat");
    let addr = family.loopback();

    let mut server = ns
        .cmd(&ncat)
        .args(proto_flag(proto))
        // Not --recv-only: that shuts the write side down at once, which on SCTP is a graceful
        // SHUTDOWN of the whole association (RFC 9260 9.2), so the sender would get EPIPE. And
        // stdin must not reach EOF: in SCTP mode ncat then quits, as it has nothing to send.
        .args(["-l", "-v", addr, "5501"])
        .stdin_open()
        .stdout_file(&received)
        .preload(proto.preload())
        .spawn();
    server.wait_for_output("Listening on", Duration::from_secs(20));
    ns.cmd(&ncat)
        .args(proto_flag(proto))
        .args(["--send-only", addr, "5501"])
        .stdin_file(&sent)
        .preload(proto.preload())
        .run()
        .assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
}

/// One iperf3 run, checked from its -J report.
fn iperf3(proto: Proto, extra: &[&str]) {
    let iperf3 = require("iperf3");
    let ns = Netns::new("iperf3");
    let mut server = ns
        .cmd(&iperf3)
        .args(["-s", "-1", "-p", "5201", "--forceflush"])
        .preload(proto.preload())
        .spawn();
    server.wait_for_output("Server listening", Duration::from_secs(20));
    let client = ns
        .cmd(&iperf3)
        .args(proto_flag(proto))
        .args(["-c", "127.0.0.1", "-p", "5201", "-t", "2", "-J"])
        .args(extra)
        .preload(proto.preload())
        .run();
    let report = match Json::parse(&client.stdout) {
        Ok(report) if report.get("error").is_none() && client.status.success() => report,
        parsed => {
            let why = match parsed {
                Ok(report) => format!("error in the report: {:?}", report.get("error")),
                Err(e) => format!("the -J report is not JSON: {e}"),
            };
            panic!(
                "iperf3 failed ({why})\nclient: {client}\nserver: {}",
                server.stop()
            );
        }
    };
    server.wait().assert_success();
    let bytes = |side: &str| {
        report
            .at(&["end", side, "bytes"])
            .and_then(Json::as_f64)
            .unwrap_or_else(|| panic!("no end.{side}.bytes in the report\n{client}"))
    };
    let (sent, received) = (bytes("sum_sent"), bytes("sum_received"));
    assert!(
        sent > 0.0 && received > 0.0,
        "sent {sent}, received {received}"
    );
    let want_streams = if extra.contains(&"-P") { 4 } else { 1 };
    match report.at(&["end", "streams"]) {
        Some(Json::Arr(streams)) => {
            assert_eq!(streams.len(), want_streams, "streams in the report")
        }
        other => panic!("no end.streams array in the report: {other:?}"),
    }
    // Both programs have exited: their associations end too (the keepers' graceful
    // shutdowns; data still arriving for a closed socket must not stall them).
    ns.wait_empty(Duration::from_secs(10));
}

#[test]
fn ncat_file_tcp_ipv4() {
    ncat_file(Proto::Tcp, Family::V4);
}

#[test]
fn ncat_file_tcp_ipv6() {
    ncat_file(Proto::Tcp, Family::V6);
}

#[test]
fn iperf3_tcp_one_stream() {
    iperf3(Proto::Tcp, &[]);
}

#[test]
fn iperf3_tcp_four_streams() {
    iperf3(Proto::Tcp, &["-P", "4"]);
}

#[test]
fn iperf3_tcp_reverse() {
    iperf3(Proto::Tcp, &["-R"]);
}

#[test]
fn ncat_file_sctp_ipv4() {
    ncat_file(Proto::Sctp, Family::V4);
}

#[test]
fn ncat_file_sctp_ipv6() {
    ncat_file(Proto::Sctp, Family::V6);
}

#[test]
fn iperf3_sctp_one_stream() {
    iperf3(Proto::Sctp, &[]);
}

#[test]
fn iperf3_sctp_four_streams() {
    iperf3(Proto::Sctp, &["-P", "4"]);
}

#[test]
fn iperf3_sctp_reverse() {
    iperf3(Proto::Sctp, &["-R"]);
}
