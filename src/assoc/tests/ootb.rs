//! RFC 9260 8.4 (out-of-the-blue packets) and 8.5 (verification tags); hostile input.

use std::time::Duration;

use super::pair::{addr, packet, Pair, Side, TestRng, PORT_A, PORT_B};
use crate::assoc::{AssocState, Event, OutgoingMessage};
use crate::wire::chunk::{kind, AbortChunk, DataChunk, GapBlock, SackChunk, ShutdownChunk};
use crate::wire::{Chunk, Packet};

/// Replies `side`'s endpoint queued, parsed as (vtag, chunk type, flags).
fn replies(p: &mut Pair, side: Side) -> Vec<(u32, u8, u8)> {
    let mut out = Vec::new();
    for (_, bytes) in p.take_packets(side) {
        let pkt = Packet::parse(&bytes).unwrap();
        for c in pkt.raw_chunks() {
            let c = c.unwrap();
            out.push((pkt.header.verification_tag, c.chunk_type, c.flags));
        }
    }
    out
}

fn data(tsn: u32) -> Chunk<'static> {
    Chunk::Data(DataChunk {
        tsn,
        stream_id: 0,
        mid: 0,
        fsn: 0,
        ppid: 0,
        unordered: false,
        begin: true,
        end: true,
        immediate: false,
        payload: b"x",
    })
}

#[test]
fn ootb_rules() {
    let mut p = Pair::new(20);
    let peer = addr("10.9.9.9");
    // Rule 8: anything else gets ABORT with the T bit and the packet's tag.
    p.inject(Side::B, peer, &packet(PORT_A, PORT_B, 77, &[data(1)]));
    assert_eq!(replies(&mut p, Side::B), vec![(77, kind::ABORT, 1)]);
    // Rule 2: ABORT is never answered.
    let abort = Chunk::Abort(AbortChunk {
        t_bit: false,
        causes: Vec::new(),
    });
    p.inject(Side::B, peer, &packet(PORT_A, PORT_B, 77, &[abort]));
    assert_eq!(replies(&mut p, Side::B), vec![]);
    // Rule 5: SHUTDOWN ACK gets SHUTDOWN COMPLETE with the T bit.
    p.inject(
        Side::B,
        peer,
        &packet(PORT_A, PORT_B, 78, &[Chunk::ShutdownAck]),
    );
    assert_eq!(
        replies(&mut p, Side::B),
        vec![(78, kind::SHUTDOWN_COMPLETE, 1)]
    );
    // Rules 6 and 7.
    p.inject(
        Side::B,
        peer,
        &packet(
            PORT_A,
            PORT_B,
            79,
            &[Chunk::ShutdownComplete { t_bit: false }],
        ),
    );
    p.inject(
        Side::B,
        peer,
        &packet(PORT_A, PORT_B, 79, &[Chunk::CookieAck]),
    );
    assert_eq!(replies(&mut p, Side::B), vec![]);
    // A packet for another port is not ours at all.
    p.inject(Side::B, peer, &packet(PORT_A, 9, 80, &[data(1)]));
    assert_eq!(replies(&mut p, Side::B), vec![]);
    // Not listening: INIT gets ABORT tagged with its Initiate Tag.
    p.ep(Side::B).stop_listening();
    let init = Chunk::Init(crate::wire::chunk::InitChunk {
        initiate_tag: 0x1234,
        a_rwnd: 100_000,
        num_outbound_streams: 1,
        num_inbound_streams: 1,
        initial_tsn: 5,
        params: Vec::new(),
    });
    p.inject(
        Side::B,
        peer,
        &packet(PORT_A, PORT_B, 0, std::slice::from_ref(&init)),
    );
    assert_eq!(replies(&mut p, Side::B), vec![(0x1234, kind::ABORT, 0)]);
    // 8.5.1 A: an INIT with a non-zero tag is dropped.
    p.ep(Side::B).set_listening(None);
    p.inject(
        Side::B,
        peer,
        &packet(PORT_A, PORT_B, 5, std::slice::from_ref(&init)),
    );
    assert_eq!(replies(&mut p, Side::B), vec![]);
    p.inject(Side::B, peer, &packet(PORT_A, PORT_B, 0, &[init]));
    assert_eq!(replies(&mut p, Side::B), vec![(0x1234, kind::INIT_ACK, 0)]);
    assert_eq!(p.eps[1].assoc_ids().count(), 0);
}

#[test]
fn wrong_tag_dropped_and_abort_tag_rules() {
    let mut p = Pair::new(21);
    let (a, b) = p.connected();
    let b_tag = p.eps[1].assoc(b).unwrap().local_tag;
    let a_tag = p.eps[0].assoc(a).unwrap().local_tag;
    let a_addr = p.addrs[0][0];
    // SHUTDOWN with a wrong tag: silently dropped (8.5).
    p.inject(
        Side::B,
        a_addr,
        &packet(
            PORT_A,
            PORT_B,
            b_tag ^ 1,
            &[Chunk::Shutdown(ShutdownChunk { cum_tsn_ack: 0 })],
        ),
    );
    assert_eq!(p.eps[1].assoc(b).unwrap().state(), AssocState::Established);
    // ABORT with T bit must carry the receiver's peer tag (8.5.1 B): wrong one ignored.
    let t_abort = Chunk::Abort(AbortChunk {
        t_bit: true,
        causes: Vec::new(),
    });
    p.inject(
        Side::B,
        a_addr,
        &packet(PORT_A, PORT_B, b_tag, std::slice::from_ref(&t_abort)),
    );
    assert_eq!(p.eps[1].assoc(b).unwrap().state(), AssocState::Established);
    p.inject(Side::B, a_addr, &packet(PORT_A, PORT_B, a_tag, &[t_abort]));
    assert_eq!(p.eps[1].assoc(b).unwrap().state(), AssocState::Closed);
    p.flush();
    assert!(p.has_event(Side::B, |e| matches!(e, Event::Lost { .. })));
    assert!(p.has_event(Side::B, |e| *e == Event::Closed));
    // Closed: the peer's packets are out of the blue now.
    assert_eq!(p.ep(Side::B).find_assoc_by_peer(a_addr, PORT_A), None);
}

#[test]
fn hostile_input_never_panics() {
    let mut p = Pair::new(22);
    let (a, b) = p.connected();
    let b_tag = p.eps[1].assoc(b).unwrap().local_tag;
    let a_addr = p.addrs[0][0];
    let now = p.now;
    p.eps[0]
        .assoc_mut(a)
        .unwrap()
        .send(
            now,
            OutgoingMessage {
                payload: vec![1; 3000],
                ..Default::default()
            },
        )
        .unwrap();
    p.flush();
    let mut rng = TestRng::new(99);
    // Random garbage with a valid CRC and our tag, truncations, huge gap blocks.
    for i in 0..3000 {
        let len = rng.below(200) as usize + 1;
        let mut body = vec![0u8; len];
        rng.fill_bytes(&mut body);
        if i % 3 == 0 {
            // Plausible chunk header: a real type and a length that may lie.
            body[0] = [
                0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 64, 0xC0, 0xC2, 0x3F, 0x7F,
            ][i % 18];
        }
        let mut pkt = vec![0u8; 12];
        pkt[0..2].copy_from_slice(&PORT_A.to_be_bytes());
        pkt[2..4].copy_from_slice(&PORT_B.to_be_bytes());
        pkt[4..8].copy_from_slice(&b_tag.to_be_bytes());
        pkt.extend_from_slice(&body);
        let crc = crate::wire::packet::checksum(&pkt);
        pkt[8..12].copy_from_slice(&crc.to_le_bytes());
        p.inject(Side::B, a_addr, &pkt);
        p.inject(
            Side::B,
            a_addr,
            &pkt[..rng.below(pkt.len() as u64) as usize],
        );
    }
    let sack = Chunk::Sack(SackChunk {
        cum_tsn_ack: 0,
        a_rwnd: u32::MAX,
        gap_blocks: (0..300)
            .map(|i| GapBlock {
                start: 65535 - i,
                end: i,
            })
            .collect(),
        dup_tsns: vec![1; 100],
    });
    p.inject(
        Side::A,
        p.addrs[1][0],
        &packet(
            PORT_B,
            PORT_A,
            p.eps[0].assoc(a).unwrap().local_tag,
            &[sack],
        ),
    );
    p.run_for(Duration::from_secs(5));
}

#[test]
fn random_setup_chunks_to_a_listener_never_panic() {
    let mut p = Pair::new(23);
    let mut rng = TestRng::new(5);
    let peer = addr("10.7.7.7");
    let mut answered = 0;
    for i in 0..4000u32 {
        // INIT / COOKIE ECHO / INIT ACK headers with random bodies and lengths.
        let ty = [1u8, 10, 2, 6, 8][(i % 5) as usize];
        let len = rng.below(300) as usize;
        let mut value = vec![0u8; len];
        rng.fill_bytes(&mut value);
        if ty == 1 && i % 2 == 0 {
            // A well-formed INIT: sane fixed fields, then random parameter TLVs (known and
            // unknown types, all four action bit patterns) with valid framing.
            value = vec![0, 0, 0, 9, 0, 1, 0, 0, 0, 5, 0, 5, 0, 0, 0, 1];
            for _ in 0..rng.below(6) {
                let types = [
                    5u16, 6, 7, 9, 11, 12, 0x8008, 0xC000, 0xC006, 0x0099, 0x4099, 0x8099, 0xC099,
                ];
                let t = types[rng.below(types.len() as u64) as usize];
                let plen = [4usize, 8, 20, 6][rng.below(4) as usize];
                value.extend_from_slice(&t.to_be_bytes());
                value.extend_from_slice(&(plen as u16).to_be_bytes());
                let mut body = vec![0u8; plen - 4];
                rng.fill_bytes(&mut body);
                value.extend_from_slice(&body);
                value.resize(value.len().next_multiple_of(4), 0);
            }
        }
        let chunk = Chunk::Unknown {
            chunk_type: ty,
            flags: 0,
            value: &value,
        };
        let vtag = if i % 2 == 0 { 0 } else { rng.next_u64() as u32 };
        let mut bytes = packet(PORT_A, PORT_B, vtag, &[chunk]);
        // The Unknown variant encodes the bytes as given; fix the type byte only.
        bytes[12] = ty;
        let crc = crate::wire::packet::checksum(&{
            let mut z = bytes.clone();
            z[8..12].copy_from_slice(&[0; 4]);
            z
        });
        bytes[8..12].copy_from_slice(&crc.to_le_bytes());
        p.inject(Side::B, peer, &bytes);
        answered += p.take_packets(Side::B).len();
    }
    // Some were well-formed enough to be answered (INIT ACK, ABORT).
    assert!(answered > 150, "{answered}");
    p.flush();
    // No garbage created a TCB.
    assert_eq!(p.eps[1].assoc_ids().count(), 0);
}

#[test]
fn unrecognized_init_parameters_reported_in_init_ack() {
    let mut p = Pair::new(24);
    let init = Chunk::Init(crate::wire::chunk::InitChunk {
        initiate_tag: 0x55,
        a_rwnd: 100_000,
        num_outbound_streams: 1,
        num_inbound_streams: 1,
        initial_tsn: 5,
        params: vec![
            crate::wire::Param::Unknown {
                param_type: 0x8099,
                value: b"skip",
            },
            crate::wire::Param::Unknown {
                param_type: 0xC099,
                value: b"tell",
            },
            crate::wire::Param::Unknown {
                param_type: 0x4099,
                value: b"stop",
            },
            crate::wire::Param::Unknown {
                param_type: 0xC098,
                value: b"late",
            },
        ],
    });
    p.inject(
        Side::B,
        addr("10.9.9.8"),
        &packet(PORT_A, PORT_B, 0, &[init]),
    );
    let (_, bytes) = p.take_packets(Side::B).pop().unwrap();
    let pkt = Packet::parse(&bytes).unwrap();
    let Some(Ok(Chunk::InitAck(ack))) = pkt.chunks().next() else {
        panic!("INIT ACK expected")
    };
    let reported: Vec<&[u8]> = ack
        .params
        .iter()
        .filter_map(|p| match p {
            crate::wire::Param::UnrecognizedParameter(tlv) => Some(*tlv),
            _ => None,
        })
        .collect();
    // 0xC099 (skip, report) and 0x4099 (stop, report); nothing after the stop.
    let all: Vec<u8> = reported.concat();
    assert!(all.windows(4).any(|w| w == [0xC0, 0x99, 0, 8]));
    assert!(all.windows(4).any(|w| w == [0x40, 0x99, 0, 8]));
    assert!(!all
        .windows(2)
        .any(|w| w == [0x80, 0x99] || w == [0xC0, 0x98]));
}

/// One random but well-framed chunk.
/// `near_rx`: the receiver's cumulative TSN (for DATA, FORWARD TSN); `near_tx`: its own
/// cumulative ack point (for SACK, SHUTDOWN).
fn random_chunk<'a>(rng: &mut TestRng, near_rx: u32, near_tx: u32, buf: &'a [u8]) -> Chunk<'a> {
    use crate::wire::chunk::{ForwardTsnChunk, HeartbeatChunk, SkippedStream};
    let tsn = near_rx.wrapping_add(rng.below(64) as u32).wrapping_sub(16);
    // Never ahead of what was sent: that is a protocol violation ending the association.
    let ack = near_tx.wrapping_sub(rng.below(4) as u32);
    let len = rng.below(buf.len() as u64) as usize;
    match rng.below(10) {
        0 | 1 => Chunk::Data(DataChunk {
            tsn,
            stream_id: rng.below(12) as u16,
            mid: rng.below(8) as u32,
            fsn: 0,
            ppid: 0,
            unordered: rng.below(4) == 0,
            begin: rng.below(2) == 0,
            end: rng.below(2) == 0,
            immediate: rng.below(2) == 0,
            payload: &buf[..len.max(1)],
        }),
        2 => Chunk::Sack(SackChunk {
            cum_tsn_ack: ack,
            a_rwnd: rng.next_u64() as u32,
            gap_blocks: (0..rng.below(6))
                .map(|_| GapBlock {
                    start: rng.below(40) as u16,
                    end: rng.below(40) as u16,
                })
                .collect(),
            dup_tsns: (0..rng.below(3)).map(|_| rng.next_u64() as u32).collect(),
        }),
        3 => Chunk::ForwardTsn(ForwardTsnChunk {
            new_cum_tsn: tsn,
            streams: (0..rng.below(3))
                .map(|_| SkippedStream {
                    stream_id: rng.below(12) as u16,
                    unordered: false,
                    mid: rng.below(8) as u32,
                })
                .collect(),
        }),
        4 => Chunk::HeartbeatAck(HeartbeatChunk { info: &buf[..len] }),
        5 => Chunk::Heartbeat(HeartbeatChunk { info: &buf[..len] }),
        6 if rng.below(10) == 0 => Chunk::Shutdown(ShutdownChunk { cum_tsn_ack: ack }),
        7 => Chunk::Error(crate::wire::chunk::ErrorChunk {
            causes: vec![crate::wire::ErrorCause::StaleCookie {
                staleness_us: rng.next_u64() as u32,
            }],
        }),
        8 => {
            // Unknown types (known ones here would be parsed as such).
            let t = [0x3Fu8, 0x7F, 0xBF, 0xFF, 0x50, 0x90][rng.below(6) as usize];
            Chunk::Unknown {
                chunk_type: t,
                flags: 0,
                value: &buf[..len],
            }
        }
        _ => Chunk::Pad(crate::wire::chunk::PadChunk { len }),
    }
}

#[test]
fn well_framed_hostile_chunks_never_panic() {
    let mut rng = TestRng::new(77);
    let mut payload = vec![0u8; 64];
    rng.fill_bytes(&mut payload);
    let mut injected = 0;
    for round in 0..60 {
        let mut p = Pair::new(400 + round);
        let (a, b) = p.connected();
        let a_addr = p.addrs[0][0];
        for i in 0..200 {
            let Some(assoc) = p.eps[1].assoc(b) else {
                break;
            };
            if assoc.state() == AssocState::Closed {
                break;
            }
            let (tag, rx, tx) = (
                assoc.local_tag,
                assoc.tracker.cum_tsn_ack(),
                assoc.outstanding.cum_ack(),
            );
            let n = 1 + rng.below(3) as usize;
            let chunks: Vec<Chunk<'_>> = (0..n)
                .map(|_| random_chunk(&mut rng, rx, tx, &payload))
                .collect();
            injected += 1;
            p.inject(Side::B, a_addr, &packet(PORT_A, PORT_B, tag, &chunks));
            if i % 10 == 0 {
                let now = p.now;
                let m = OutgoingMessage {
                    payload: vec![1; 2000],
                    ..Default::default()
                };
                let _ = p.ep(Side::A).assoc_mut(a).unwrap().send(now, m);
                let _ = p.ep(Side::B).assoc_mut(b).map(|x| {
                    x.send(
                        now,
                        OutgoingMessage {
                            payload: vec![2; 3000],
                            ..Default::default()
                        },
                    )
                });
            }
            p.run_for(Duration::from_millis(50));
        }
        p.run_for(Duration::from_secs(5));
    }
    // Forged DATA makes B acknowledge TSNs A never sent, and A rightly aborts (6.2.1): each
    // round ends early, so many rounds.
    assert!(injected > 1000, "{injected}");
}
