//! Issue #5, ASCONF with AUTH against another stack: a C client under the shim (AUTH and ASCONF
//! on through SCTPSHIM_AUTH_ENABLE / SCTPSHIM_ADDIP_ENABLE) talks to usrsctp's echo_server (AUTH
//! and ASCONF on by default) and adds an address with sctp_bindx on the live association.
//! usrsctp only accepts an ASCONF with a valid AUTH chunk (RFC 5061 6), and the shim only
//! accepts usrsctp's ASCONF ACK with one: exactly one ASCONF and one ASCONF ACK on the wire (no
//! retransmission), both authenticated, and usrsctp then probes the new address with a
//! HEARTBEAT, which the shim answers. Mirror mode, in a private network namespace. (The client
//! binds 127.0.0.1, the server's address: usrsctp leaves a COOKIE ECHO from another loopback
//! address unanswered, with or without AUTH.)

mod support;

use std::path::Path;
use std::time::Duration;
use support::tshark::{self, Packet};
use support::{compile_c, Netns, TempDir};

const AUTH: u8 = 15;
const HEARTBEAT: u8 = 4;
const HEARTBEAT_ACK: u8 = 5;
const ASCONF: u8 = 0xC1;
const ASCONF_ACK: u8 = 0x80;
const CLIENT_PORT: u16 = 5017;

#[test]
fn asconf_to_usrsctp_echo_server() {
    let echo_server = Path::new("/usr/lib/usrsctp/echo_server");
    assert!(
        echo_server.is_file(),
        "{} is missing: install libusrsctp-examples",
        echo_server.display()
    );
    let dir = TempDir::new("asconf-usrsctp");
    let exe = compile_c("usrsctp_asconf_client.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("asconfusr");
    let file = dir.join("lo.pcapng");
    let capture = ns.capture_lo(&file);
    // echo_server LOCAL_UDP REMOTE_UDP: SCTP port 7 on UDP port 7, sending to UDP 5017.
    let _server = ns
        .cmd(echo_server)
        .args(["7", &CLIENT_PORT.to_string()])
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    let out = ns
        .cmd(&exe)
        .args([
            "127.0.0.1",
            "7",
            "127.0.0.1",
            "127.0.0.3",
            &CLIENT_PORT.to_string(),
        ])
        .env("SCTPSHIM_AUTH_ENABLE", "1")
        .env("SCTPSHIM_ADDIP_ENABLE", "1")
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    std::thread::sleep(Duration::from_millis(500));
    capture.stop();
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
