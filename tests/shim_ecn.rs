//! ECN over UDP encapsulation (RFC 9260 Appendix A, RFC 3168), end to end: a socat transfer
//! on the namespace's loopback while nftables, as a congested router would, turns ECT(0) into
//! CE on one in ten packets towards the server. The capture must show the client's packets
//! ECN-capable, CE marks arriving, the server's ECNE chunks and the client's CWR chunks, all
//! decoding cleanly; the file arrives intact. With SCTPSHIM_ECN_ENABLE=0 on the client
//! nothing is ECN-capable and no ECNE is sent.

mod support;

use std::time::Duration;
use support::tshark;
use support::{require, write_pattern_file, Netns, TempDir};

const PORT: u16 = 5570;
const ECNE: u8 = 12;
const CWR: u8 = 13;

/// Runs the transfer with the client's environment `env`; returns the capture's packets and
/// how many IPv4 packets towards the server had ECN field ECT(0) and CE.
fn transfer(tag: &str, env: &[(&str, &str)]) -> (Vec<tshark::Packet>, usize, usize) {
    let socat = require("socat");
    let dir = TempDir::new(tag);
    let (sent, received, capture) = (
        dir.join("sent"),
        dir.join("received"),
        dir.join("lo.pcapng"),
    );
    write_pattern_file(&sent, 4 << 20, 0xec7);
    let ns = Netns::new(tag);
    let nft = require("nft");
    for rule in [
        "add table ip congested",
        "add chain ip congested out { type filter hook output priority 0 ; }",
        &format!(
            "add rule ip congested out udp dport {PORT} ip ecn ect0 numgen random mod 10 == 0 ip ecn set ce"
        ),
    ] {
        ns.cmd(&nft)
            .args(rule.split(' '))
            .timeout(Duration::from_secs(20))
            .run()
            .assert_success();
    }
    let tshark_run = ns.capture_lo(&capture);
    let mut server = ns
        .cmd(&socat)
        .args(["-d", "-d", "-u", &format!("SCTP4-LISTEN:{PORT},reuseaddr")])
        .arg(format!("CREATE:{}", received.display()))
        .preload(true)
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    let mut client = ns
        .cmd(&socat)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg(format!("SCTP4-CONNECT:127.0.0.1:{PORT}"))
        .preload(true)
        .timeout(Duration::from_secs(120));
    for (k, v) in env {
        client = client.env(k, v);
    }
    client.run().assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
    std::thread::sleep(Duration::from_millis(500));
    tshark_run.stop();
    let packets = tshark::assert_clean_sctp(&capture, &[PORT]);
    let towards = |ecn: u8| {
        tshark::lines(
            &capture,
            &[PORT],
            &format!("udp.dstport == {PORT} && ip.dsfield.ecn == {ecn}"),
        )
        .len()
    };
    (packets, towards(2), towards(3))
}

fn with_chunk(packets: &[tshark::Packet], from_server: bool, chunk: u8) -> usize {
    packets
        .iter()
        .filter(|p| (p.sctp_src == PORT) == from_server && p.chunks.contains(&chunk))
        .count()
}

#[test]
fn ce_marks_are_echoed_and_answered() {
    let (packets, ect, ce) = transfer("ecn", &[]);
    assert!(ect > 20, "client packets marked ECT(0): {ect}");
    assert!(ce > 0, "no CE mark arrived");
    assert!(
        with_chunk(&packets, true, ECNE) > 0,
        "the server sent no ECNE"
    );
    assert!(
        with_chunk(&packets, false, CWR) > 0,
        "the client sent no CWR"
    );
}

#[test]
fn no_ecn_when_one_side_turns_it_off() {
    let (packets, ect, ce) = transfer("noecn", &[("SCTPSHIM_ECN_ENABLE", "0")]);
    assert_eq!((ect, ce), (0, 0));
    assert_eq!(with_chunk(&packets, true, ECNE), 0);
    assert!(packets.len() > 100);
}
