//! Randomized robustness test: thousands of mutated valid packets (bit flips, truncation,
//! length-field tampering, random bytes, splices), with the CRC32c recomputed after mutation
//! so the chunk parsers are reached. Nothing may panic and everything that parses must
//! round-trip ([`check_packet`]). Deterministic: a fixed-seed xorshift generator.

use super::check::{check_packet, check_tlvs, fix_checksum};
use super::packet::Packet;
use super::{captures, test_packets, ParseError};
use crate::test_rng::TestRng;

fn mutate(rng: &mut TestRng, packet: &mut Vec<u8>, other: &[u8]) {
    let len = packet.len();
    match rng.index(8) {
        0 => {
            if len > 0 {
                let i = rng.index(len);
                packet[i] ^= 1 << rng.index(8);
            }
        }
        1 => packet.truncate(rng.index(len + 1)),
        2 | 3 => {
            // Tamper with a length field: chunk lengths sit at 12 + 4k + 2 when chunks are
            // aligned, parameter and cause lengths at any 4-aligned offset + 2.
            if len >= 16 {
                let at = 12 + 4 * rng.index((len - 12) / 4) + 2;
                let old =
                    u16::from_be_bytes([packet[at], packet.get(at + 1).copied().unwrap_or(0)]);
                let new = match rng.index(6) {
                    0 => rng.index(8) as u16,
                    1 => old.wrapping_add(1),
                    2 => old.wrapping_sub(1),
                    3 => old.wrapping_add(4),
                    4 => u16::MAX - rng.index(4) as u16,
                    _ => rng.next() as u16,
                };
                let b = new.to_be_bytes();
                packet[at] = b[0];
                if at + 1 < len {
                    packet[at + 1] = b[1];
                }
            }
        }
        4 => {
            let i = rng.index(len + 1);
            let n = 1 + rng.index(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            packet.splice(i..i, bytes);
        }
        5 => {
            if len > 0 {
                let i = rng.index(len);
                let n = rng.index(len - i + 1);
                packet.drain(i..i + n);
            }
        }
        6 => {
            // Splice in a piece of another packet's chunks.
            if other.len() > 12 && len >= 12 {
                let from = 12 + rng.index(other.len() - 12);
                let n = rng.index(other.len() - from + 1);
                let at = 12 + rng.index(len - 12 + 1);
                packet.splice(at..at, other[from..from + n].iter().copied());
            }
        }
        _ => {
            if len > 0 {
                let i = rng.index(len);
                packet[i] = rng.byte();
            }
        }
    }
}

#[test]
fn mutated_packets_never_panic_and_round_trip() {
    let mut seeds = test_packets::every_type();
    seeds.extend(captures::seeds());
    for s in &seeds {
        assert!(check_packet(s) > 0, "seed does not parse");
    }
    let mut rng = TestRng::new(0x9E37_79B9_7F4A_7C15);
    let (mut parsed_chunks, mut bad_checksum, mut malformed) = (0usize, 0usize, 0usize);
    for _ in 0..100_000 {
        let mut p = seeds[rng.index(seeds.len())].clone();
        let other = &seeds[rng.index(seeds.len())];
        for _ in 0..1 + rng.index(4) {
            mutate(&mut rng, &mut p, other);
        }
        if rng.index(16) != 0 {
            fix_checksum(&mut p);
        }
        parsed_chunks += check_packet(&p);
        match Packet::parse(&p) {
            Err(ParseError::BadChecksum) => bad_checksum += 1,
            Ok(packet) => malformed += usize::from(packet.chunks().any(|c| c.is_err())),
            Err(_) => {}
        }
    }
    // The mutations reach both outcomes often: the test is not only exercising one path.
    assert!(parsed_chunks > 20_000, "only {parsed_chunks} chunks parsed");
    assert!(
        bad_checksum > 2_000,
        "only {bad_checksum} checksum failures"
    );
    assert!(malformed > 30_000, "only {malformed} malformed packets");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = TestRng::new(42);
    for _ in 0..20_000 {
        let n = rng.index(200);
        let mut p: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
        fix_checksum(&mut p);
        check_packet(&p);
        // The other parser entry points, on the same bytes.
        check_tlvs(p.get(12..).unwrap_or_default());
    }
}
