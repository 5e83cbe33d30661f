//! Issue #6 (and the DESIGN's testing rule): every packet the shim sends decodes in tshark as SCTP
//! with a verified CRC32c and no malformed packet or error-level expert item. The traffic is a
//! socat transfer inside a private namespace, captured on its loopback. The tcp variant checks
//! the capture-and-decode harness itself on kernel TCP.

mod support;

use std::path::Path;
use std::time::Duration;
use support::{require, write_pattern_file, Cmd, Netns, Proto, TempDir};

const PORT: &str = "5451";

/// Runs tshark over a capture with a display filter; returns the matching packet lines.
fn tshark_lines(capture: &Path, filter: &str) -> Vec<String> {
    let out = Cmd::new(require("tshark"))
        .args(["-n", "-r"])
        .arg(capture)
        .args(["-o", "sctp.checksum:CRC 32c"])
        .args(["-d", &format!("udp.port=={PORT},sctp")])
        .args(["-Y", filter])
        .run();
    out.assert_success();
    out.stdout.lines().map(str::to_owned).collect()
}

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

    let bad = tshark_lines(&capture, "_ws.malformed || _ws.expert.severity == error");
    assert!(bad.is_empty(), "tshark found errors:\n{}", bad.join("\n"));
    match proto {
        Proto::Tcp => {
            assert!(!tshark_lines(&capture, "tcp").is_empty(), "no TCP captured");
        }
        Proto::Sctp => {
            let all = tshark_lines(&capture, "udp");
            let sctp = tshark_lines(&capture, "sctp");
            let good = tshark_lines(&capture, "sctp.checksum.status == 1");
            assert!(!sctp.is_empty(), "no SCTP packets captured");
            assert_eq!(sctp.len(), all.len(), "UDP packets that are not SCTP");
            assert_eq!(
                good.len(),
                sctp.len(),
                "SCTP packets without a verified CRC32c"
            );
            // RFC 9260 3.2 chunk types that every transfer must show.
            for (name, ty) in [
                ("DATA", 0),
                ("INIT", 1),
                ("INIT ACK", 2),
                ("SACK", 3),
                ("COOKIE ECHO", 10),
            ] {
                let filter = format!("sctp.chunk_type == {ty}");
                assert!(
                    !tshark_lines(&capture, &filter).is_empty(),
                    "no {name} chunk captured"
                );
            }
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
