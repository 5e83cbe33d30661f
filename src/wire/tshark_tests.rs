//! Interoperability with Wireshark's SCTP dissector: the packets this codec builds are written
//! to a pcap (IPv4/UDP encapsulation, RFC 6951) and decoded by `tshark`, which must find a good
//! CRC32c, the same chunk types, and nothing malformed. Needs `tshark` on the PATH (Debian
//! package tshark); the test fails if it cannot run it.

use std::process::Command;

use super::packet::Packet;
use super::{captures, test_packets};

const UDP_PORT: u16 = 9899;

/// A classic pcap file, link type LINKTYPE_IPV4 (228), each SCTP packet in IPv4/UDP.
fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    for v in [0u32, 0, 65535, 228] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for (i, sctp) in packets.iter().enumerate() {
        let udp_len = u16::try_from(8 + sctp.len()).expect("small packet");
        let ip_len = 20 + udp_len;
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ];
        ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
        let sum = ip
            .chunks(2)
            .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
            .sum::<u32>();
        let sum = !(((sum & 0xFFFF) + (sum >> 16)) as u16);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let mut udp = Vec::with_capacity(8);
        udp.extend_from_slice(&UDP_PORT.to_be_bytes());
        udp.extend_from_slice(&UDP_PORT.to_be_bytes());
        udp.extend_from_slice(&udp_len.to_be_bytes());
        udp.extend_from_slice(&[0, 0]);
        let len = u32::from(ip_len);
        for v in [i as u32, 0, len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&ip);
        out.extend_from_slice(&udp);
        out.extend_from_slice(sctp);
    }
    out
}

#[test]
fn tshark_decodes_every_packet_cleanly() {
    let mut packets = test_packets::every_type();
    packets.extend(captures::seeds());
    let path = std::env::temp_dir().join(format!("sctpshim-wire-{}.pcap", std::process::id()));
    std::fs::write(&path, pcap(&packets)).expect("write pcap");
    let output = Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args([
            "-d",
            &format!("udp.port=={UDP_PORT},sctp"),
            "-o",
            "sctp.checksum:CRC-32C",
        ])
        .args([
            "-T",
            "fields",
            "-E",
            "separator=;",
            "-e",
            "frame.number",
            "-e",
            "sctp.checksum.status",
        ])
        .args([
            "-e",
            "sctp.chunk_type",
            "-e",
            "_ws.malformed",
            "-e",
            "_ws.expert.severity",
        ])
        .output();
    let _ = std::fs::remove_file(&path);
    let output = output.expect("run tshark (Debian package tshark)");
    assert!(
        output.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), packets.len());
    for (line, bytes) in lines.iter().zip(&packets) {
        let fields: Vec<_> = line.split(';').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert_eq!(fields[1], "1", "checksum not good: {line}");
        let ours: Vec<String> = Packet::parse(bytes)
            .expect("packet")
            .chunks()
            .map(|c| c.expect("chunk").chunk_type().to_string())
            .collect();
        // tshark also lists chunks nested in error causes: ours must be a subsequence.
        let mut theirs = fields[2].split(',');
        assert!(
            ours.iter().all(|t| theirs.any(|x| x == t)),
            "chunk types differ: {line} vs {ours:?}"
        );
        assert!(fields[3].is_empty(), "malformed: {line}");
        // Notes (e.g. "retransmitted TSN" across unrelated test packets) are fine; warnings
        // (0x600000) and errors are not.
        let worst = fields[4]
            .split(',')
            .filter_map(|s| s.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        assert!(worst < 0x60_0000, "expert warning or error: {line}");
    }
}
