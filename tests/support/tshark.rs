//! Decoding captures with tshark: every UDP packet must be SCTP (RFC 6951 encapsulation) with
//! its CRC32c verified (RFC 9260 6.8) and without a malformed-packet or error-level expert item.

use super::{require, Cmd};
use std::path::Path;

/// SCTP chunk types (RFC 9260 3.2) the tests look for.
pub mod chunk {
    pub const DATA: u8 = 0;
    pub const INIT: u8 = 1;
    pub const INIT_ACK: u8 = 2;
    pub const SACK: u8 = 3;
    pub const ABORT: u8 = 6;
    pub const SHUTDOWN: u8 = 7;
    pub const SHUTDOWN_ACK: u8 = 8;
    pub const COOKIE_ECHO: u8 = 10;
    pub const COOKIE_ACK: u8 = 11;
    pub const SHUTDOWN_COMPLETE: u8 = 14;
}

/// One captured SCTP-over-UDP packet as tshark decoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub udp_src: u16,
    pub udp_dst: u16,
    pub sctp_src: u16,
    pub sctp_dst: u16,
    /// The chunk types it bundles, in order.
    pub chunks: Vec<u8>,
}

/// tshark's arguments for reading `capture` with SCTP decoded on `ports` (9899 is decoded as
/// SCTP by default) and the CRC32c checked.
fn reader(capture: &Path, ports: &[u16]) -> Cmd {
    let mut cmd = Cmd::new(require("tshark"))
        .args(["-n", "-r"])
        .arg(capture)
        // One of None, Adler 32, CRC 32c, Automatic; an unknown value silently means None,
        // which the `sctp.checksum.status == 1` checks below would catch.
        .args(["-o", "sctp.checksum:CRC 32c"]);
    for port in ports {
        cmd = cmd.args(["-d", &format!("udp.port=={port},sctp")]);
    }
    cmd
}

/// The packet lines of `capture` that match a display filter.
pub fn lines(capture: &Path, ports: &[u16], filter: &str) -> Vec<String> {
    let out = reader(capture, ports).args(["-Y", filter]).run();
    out.assert_success();
    out.stdout.lines().map(str::to_owned).collect()
}

/// Asserts that the capture holds SCTP and nothing wrong: no malformed packet, no error-level
/// expert item, no UDP packet that is not SCTP, no SCTP packet without a verified CRC32c, no
/// ICMP (a packet sent to a port nobody listens on). Returns the SCTP packets in order.
pub fn assert_clean_sctp(capture: &Path, ports: &[u16]) -> Vec<Packet> {
    let bad = lines(
        capture,
        ports,
        "_ws.malformed || _ws.expert.severity >= error || icmp || icmpv6.type < 128",
    );
    assert!(
        bad.is_empty(),
        "{}: tshark found errors:\n{}",
        capture.display(),
        bad.join("\n")
    );
    let udp = lines(capture, ports, "udp");
    let not_sctp = lines(capture, ports, "udp && !sctp");
    assert!(
        not_sctp.is_empty(),
        "{}: UDP packets that do not decode as SCTP:\n{}",
        capture.display(),
        not_sctp.join("\n")
    );
    let unverified = lines(capture, ports, "sctp && sctp.checksum.status != 1");
    assert!(
        unverified.is_empty(),
        "{}: SCTP packets without a verified CRC32c:\n{}",
        capture.display(),
        unverified.join("\n")
    );
    let packets = packets(capture, ports);
    assert_eq!(packets.len(), udp.len(), "{}", capture.display());
    assert!(
        !packets.is_empty(),
        "{}: no SCTP captured",
        capture.display()
    );
    packets
}

/// Every SCTP packet of the capture, in order.
pub fn packets(capture: &Path, ports: &[u16]) -> Vec<Packet> {
    let out = reader(capture, ports)
        .args(["-Y", "sctp", "-T", "fields", "-E", "separator=/t"])
        .args(["-e", "udp.srcport", "-e", "udp.dstport"])
        .args([
            "-e",
            "sctp.srcport",
            "-e",
            "sctp.dstport",
            "-e",
            "sctp.chunk_type",
        ])
        .run();
    out.assert_success();
    out.stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| -> u16 {
                f.get(i)
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or_else(|| panic!("bad tshark field {i} in {line:?}"))
            };
            Packet {
                udp_src: num(0),
                udp_dst: num(1),
                sctp_src: num(2),
                sctp_dst: num(3),
                chunks: f
                    .get(4)
                    .map(|s| s.split(',').filter_map(|c| c.trim().parse().ok()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Asserts that a graceful shutdown (RFC 9260 9.2) started by the endpoint on SCTP port
/// `closer` ran to completion: its SHUTDOWN, the peer's SHUTDOWN ACK, its SHUTDOWN COMPLETE,
/// in that order, and no ABORT anywhere.
pub fn assert_graceful_shutdown(packets: &[Packet], closer: u16) {
    let find = |from: usize, ty: u8, by_closer: bool| {
        packets[from..]
            .iter()
            .position(|p| p.chunks.contains(&ty) && (p.sctp_src == closer) == by_closer)
            .map(|i| i + from)
    };
    assert!(
        !packets.iter().any(|p| p.chunks.contains(&chunk::ABORT)),
        "an ABORT was captured: {}",
        tail(packets)
    );
    let shutdown = find(0, chunk::SHUTDOWN, true)
        .unwrap_or_else(|| panic!("no SHUTDOWN from port {closer}: {}", tail(packets)));
    let ack = find(shutdown, chunk::SHUTDOWN_ACK, false)
        .unwrap_or_else(|| panic!("no SHUTDOWN ACK to port {closer}: {}", tail(packets)));
    find(ack, chunk::SHUTDOWN_COMPLETE, true)
        .unwrap_or_else(|| panic!("no SHUTDOWN COMPLETE from port {closer}: {}", tail(packets)));
}

/// The last packets of a capture, for failure messages.
fn tail(packets: &[Packet]) -> String {
    let from = packets.len().saturating_sub(12);
    let mut s = format!("{} packets, the last ones:", packets.len());
    for p in &packets[from..] {
        s.push_str(&format!(
            "\n  udp {}->{} sctp {}->{} chunks {:?}",
            p.udp_src, p.udp_dst, p.sctp_src, p.sctp_dst, p.chunks
        ));
    }
    s
}
