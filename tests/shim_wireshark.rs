//! Issue #6 (and the DESIGN's testing rule): every packet the shim sends decodes in tshark as SCTP
//! with a verified CRC32c and no malformed packet or error-level expert item. The traffic is a
//! socat transfer inside a private namespace, captured on its loopback. The tcp variant checks
//! the capture-and-decode harness itself on kernel TCP. The server's `SCTPSHIM_PCAP` file must
//! decode the same way and hold the same packets.

mod support;

use std::time::Duration;
use support::tshark::{self, chunk};
use support::{require, write_pattern_file, Netns, Proto, TempDir};

const PORT: u16 = 5451;

fn capture_decodes_cleanly(proto: Proto) {
    let socat = require("socat");
    let dir = TempDir::new("wireshark");
    let (sent, received, capture) = (
        dir.join("sent"),
        dir.join("received"),
        dir.join("lo.pcapng"),
    );
    write_pattern_file(&sent, 4 << 20, 0x3e5);
    let ns = Netns::new("wireshark");
    let tshark = ns.capture_lo(&capture);
    let kind = match proto {
        Proto::Tcp => "TCP4",
        Proto::Sctp => "SCTP4",
    };
    let mut server = ns
        .cmd(&socat)
        .args(["-d", "-d", "-u", &format!("{kind}-LISTEN:{PORT},reuseaddr")])
        .arg(format!("CREATE:{}", received.display()))
        .preload(proto.preload())
        .env("SCTPSHIM_PCAP", dir.join("server.pcap"))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    ns.cmd(&socat)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg(format!("{kind}-CONNECT:127.0.0.1:{PORT}"))
        .preload(proto.preload())
        .run()
        .assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
    // Let the shutdown exchange reach the capture before stopping it.
    std::thread::sleep(Duration::from_millis(500));
    tshark.stop();

    match proto {
        Proto::Tcp => {
            let bad = tshark::lines(
                &capture,
                &[],
                "_ws.malformed || _ws.expert.severity >= error",
            );
            assert!(bad.is_empty(), "tshark found errors:\n{}", bad.join("\n"));
            assert!(
                !tshark::lines(&capture, &[], "tcp").is_empty(),
                "no TCP captured"
            );
        }
        Proto::Sctp => {
            let packets = tshark::assert_clean_sctp(&capture, &[PORT]);
            // RFC 9260 3.2 chunk types that every transfer must show, and the client's
            // graceful shutdown (9.2) at the end.
            for (name, ty) in [
                ("DATA", chunk::DATA),
                ("INIT", chunk::INIT),
                ("INIT ACK", chunk::INIT_ACK),
                ("SACK", chunk::SACK),
                ("COOKIE ECHO", chunk::COOKIE_ECHO),
                ("COOKIE ACK", chunk::COOKIE_ACK),
            ] {
                assert!(
                    packets.iter().any(|p| p.chunks.contains(&ty)),
                    "no {name} chunk captured"
                );
            }
            let client = packets
                .iter()
                .find(|p| p.chunks.contains(&chunk::INIT))
                .map(|p| p.sctp_src)
                .expect("INIT captured");
            tshark::assert_graceful_shutdown(&packets, client);
            // SCTPSHIM_PCAP: the server's own record of the same packets decodes the same way.
            let own = tshark::assert_clean_sctp(&dir.join("server.pcap"), &[PORT]);
            tshark::assert_graceful_shutdown(&own, client);
            assert_eq!(own.len(), packets.len(), "SCTPSHIM_PCAP vs the wire");
        }
    }
}

#[test]
fn capture_decodes_cleanly_tcp() {
    capture_decodes_cleanly(Proto::Tcp);
}

#[test]
fn capture_decodes_cleanly_sctp() {
    capture_decodes_cleanly(Proto::Sctp);
}
