//! Issue #5, ASCONF with AUTH against another stack: a C client under the shim (AUTH and ASCONF
//! on through SCTPSHIM_AUTH_ENABLE / SCTPSHIM_ADDIP_ENABLE) talks to usrsctp's echo_server (AUTH
//! and ASCONF on by default) and adds an address with sctp_bindx on the live association.
//! usrsctp only accepts an ASCONF with a valid AUTH chunk (RFC 5061 6), and the shim only
//! accepts usrsctp's ASCONF ACK with one: exactly one ASCONF and one ASCONF ACK on the wire (no
//! retransmission), both authenticated, and usrsctp then probes the new address with a
//! HEARTBEAT, which the shim answers. Mirror mode, in a private network namespace.
//!
//! Why a client on 127.0.0.2 gets no COOKIE ACK from usrsctp (unless 127.0.0.2 is assigned to
//! an interface): usrsctp's INIT ACK carries a loopback scope only when the INIT's source is
//! one of the host's own addresses (`sctp_is_address_on_local_host`, from the interface list
//! it reads with getifaddrs; its `IN4_ISLOOPBACK_ADDRESS` is 127.0.0.1 only). 127.0.0.2 is
//! reachable through 127.0.0.0/8 on `lo` without being assigned, so the association made from
//! the COOKIE ECHO has no loopback scope, and usrsctp's source address selection then skips
//! every address of the loopback interface: the COOKIE ACK has no source and is never sent
//! (the INIT ACK went out because it is answered statelessly from the INIT's destination).
//! The capture of `cookie_ack_needs_the_client_address_assigned` shows it: INIT, INIT ACK,
//! COOKIE ECHO retransmitted, nothing back; with `ip addr add 127.0.0.2/8 dev lo` the same
//! run completes. Nothing in the shim's packets differs between the two runs.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use support::tshark::{self, Packet};
use support::{compile_c, Netns, Output, TempDir};

const INIT_ACK: u8 = 2;
const COOKIE_ECHO: u8 = 10;
const COOKIE_ACK: u8 = 11;
const AUTH: u8 = 15;
const HEARTBEAT: u8 = 4;
const HEARTBEAT_ACK: u8 = 5;
const ASCONF: u8 = 0xC1;
const ASCONF_ACK: u8 = 0x80;
const CLIENT_PORT: u16 = 5017;

fn echo_server() -> &'static Path {
    let echo_server = Path::new("/usr/lib/usrsctp/echo_server");
    assert!(
        echo_server.is_file(),
        "{} is missing: install libusrsctp-examples",
        echo_server.display()
    );
    echo_server
}

/// usrsctp_asconf_client bound to `local` against echo_server on 127.0.0.1:7, captured: the
/// client's output and the capture file.
fn run_client(ns: &Netns, dir: &TempDir, local: &str, limit: Duration) -> (Output, PathBuf) {
    let exe = compile_c("usrsctp_asconf_client.c", dir.path(), &["-lsctp"]);
    let file = dir.join("lo.pcapng");
    let capture = ns.capture_lo(&file);
    // echo_server LOCAL_UDP REMOTE_UDP: SCTP port 7 on UDP port 7, sending to UDP 5017.
    let _server = ns
        .cmd(echo_server())
        .args(["7", &CLIENT_PORT.to_string()])
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    // coreutils' timeout ends a client that waits for ever (it makes no SCTP socket itself).
    let out = ns
        .cmd(support::require("timeout"))
        .arg(limit.as_secs().to_string())
        .arg(&exe)
        .args([
            "127.0.0.1",
            "7",
            local,
            "127.0.0.3",
            &CLIENT_PORT.to_string(),
        ])
        .env("SCTPSHIM_AUTH_ENABLE", "1")
        .env("SCTPSHIM_ADDIP_ENABLE", "1")
        .preload(true)
        .timeout(limit + Duration::from_secs(20))
        .run();
    std::thread::sleep(Duration::from_millis(500));
    capture.stop();
    (out, file)
}

#[test]
fn asconf_to_usrsctp_echo_server() {
    let dir = TempDir::new("asconf-usrsctp");
    let ns = Netns::new("asconfusr");
    let (out, file) = run_client(&ns, &dir, "127.0.0.1", Duration::from_secs(60));
    out.assert_success();
    for line in ["socket asconf 1", "echo 1 ok", "added", "echo 2 ok"] {
        assert!(out.stdout.contains(line), "{line}\n{out}");
    }
    let ports = [7, CLIENT_PORT];
    let packets = tshark::packets(&file, &ports);
    let bad = tshark::lines(&file, &ports, "_ws.malformed || sctp.checksum.status != 1");
    assert!(bad.is_empty(), "{bad:?}");
    let with =
        |c: u8| -> Vec<&Packet> { packets.iter().filter(|p| p.chunks.contains(&c)).collect() };
    let (asconf, ack) = (with(ASCONF), with(ASCONF_ACK));
    assert_eq!((asconf.len(), ack.len()), (1, 1), "{packets:?}");
    assert_eq!(asconf[0].sctp_src, CLIENT_PORT);
    assert_eq!(ack[0].sctp_src, 7);
    for p in [asconf[0], ack[0]] {
        assert_eq!(p.chunks.first(), Some(&AUTH), "{p:?}");
    }
    // usrsctp's error indications would be Error Cause Indication parameters (0xC002).
    let refused = tshark::lines(&file, &ports, "sctp.parameter_type == 0xc002");
    assert!(refused.is_empty(), "{refused:?}");
    // The new address was probed by usrsctp and answered.
    let probes = tshark::lines(&file, &ports, "ip.dst == 127.0.0.3 && sctp.chunk_type == 4");
    assert!(!probes.is_empty(), "{packets:?}");
    assert!(packets
        .iter()
        .any(|p| p.sctp_src == CLIENT_PORT && p.chunks.contains(&HEARTBEAT_ACK)));
    let _ = HEARTBEAT;
}

/// The COOKIE ACK that never comes (see the module documentation): from 127.0.0.2, not
/// assigned to `lo`, usrsctp answers INIT and ignores every COOKIE ECHO; once 127.0.0.2 is
/// one of the namespace's addresses the same client completes, ASCONF included.
#[test]
fn cookie_ack_needs_the_client_address_assigned() {
    let ports = [7, CLIENT_PORT];
    let dir = TempDir::new("usrsctp-lo2");
    let ns = Netns::new("usrlo2");
    let (out, file) = run_client(&ns, &dir, "127.0.0.2", Duration::from_secs(4));
    assert!(!out.status.success(), "{out}");
    assert!(!out.stdout.contains("echo 1 ok"), "{out}");
    let packets = tshark::packets(&file, &ports);
    let count = |c: u8| packets.iter().filter(|p| p.chunks.contains(&c)).count();
    assert_eq!(count(INIT_ACK), 1, "{packets:?}");
    assert!(
        count(COOKIE_ECHO) >= 2,
        "COOKIE ECHO retransmitted\n{packets:?}"
    );
    assert_eq!(count(COOKIE_ACK), 0, "{packets:?}");

    let dir = TempDir::new("usrsctp-lo2-assigned");
    let ns = Netns::new("usrlo2a");
    ns.add_addr("lo", "127.0.0.2/8");
    let (out, file) = run_client(&ns, &dir, "127.0.0.2", Duration::from_secs(60));
    out.assert_success();
    assert!(out.stdout.contains("echo 2 ok"), "{out}");
    let packets = tshark::packets(&file, &ports);
    assert!(
        packets.iter().any(|p| p.chunks.contains(&COOKIE_ACK)),
        "{packets:?}"
    );
}
