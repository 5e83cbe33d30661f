//! PR-SCTP (RFC 3758), I-DATA (RFC 8260), ERROR chunks (RFC 9260 3.2, 3.3.10, 6.5) and the
//! listen backlog.

use std::net::IpAddr;
use std::time::Duration;

use super::pair::{addr, packet, Pair, Side, PORT_B};
use crate::assoc::{AssocConfig, Event, OutgoingMessage, PrPolicy};
use crate::wire::chunk::{kind, CookieEchoChunk, DataChunk, InitChunk};
use crate::wire::{Chunk, Packet, Param};

fn send(p: &mut Pair, side: Side, id: i32, m: OutgoingMessage) {
    let now = p.now;
    p.ep(side).assoc_mut(id).unwrap().send(now, m).unwrap();
}

#[test]
fn pr_sctp_ttl_expiry_sends_forward_tsn() {
    let mut p = Pair::new(60);
    let (a, b) = p.connected();
    assert!(p.eps[0].assoc(a).unwrap().neg.pr);
    p.start_trace();
    // The first message is lost for good (the peer is unreachable past its lifetime).
    p.alive[1] = false;
    let ttl = OutgoingMessage {
        stream_id: 1,
        pr: PrPolicy::Ttl(Duration::from_millis(500)),
        payload: vec![1; 300],
        ..OutgoingMessage::default()
    };
    send(&mut p, Side::A, a, ttl);
    p.run_for(Duration::from_secs(2));
    assert!(p.has_event(Side::A, |e| matches!(
        e,
        Event::SendFailed {
            sent: true,
            stream_id: 1,
            ..
        }
    )));
    p.alive[1] = true;
    let reliable = OutgoingMessage {
        stream_id: 1,
        payload: vec![2; 300],
        ..OutgoingMessage::default()
    };
    send(&mut p, Side::A, a, reliable);
    p.run_until(Duration::from_secs(30), |p| !p.inbox[1].is_empty());
    // Only the reliable message arrives; the stream skipped the abandoned one (SSN 0).
    assert_eq!(p.inbox[1].len(), 1);
    assert_eq!((p.inbox[1][0].1.payload[0], p.inbox[1][0].1.ssn), (2, 1));
    let x = p.eps[0].assoc(a).unwrap();
    assert_eq!(x.pr_counts(None).abandoned_sent, [1, 0, 0]);
    assert_eq!(x.pr_counts(Some(1)).abandoned_sent, [1, 0, 0]);
    assert!(x.tx_stats().isacks > 0 && x.tx_stats().oodchunks == 2);
    assert!(p
        .take_trace()
        .iter()
        .any(|s| s.from == Side::A && s.chunks.contains(&kind::FORWARD_TSN)));
    let _ = b;
}

#[test]
fn i_data_when_both_enable_it() {
    let on = AssocConfig {
        intl_supported: true,
        ..AssocConfig::default()
    };
    for (a_cfg, b_cfg, expect) in [
        (on.clone(), on.clone(), kind::I_DATA),
        (on.clone(), AssocConfig::default(), kind::DATA),
    ] {
        let mut p = Pair::with(61, a_cfg, b_cfg, 1);
        let (a, _b) = p.connected();
        p.start_trace();
        for s in 0..3u16 {
            send(
                &mut p,
                Side::A,
                a,
                OutgoingMessage {
                    stream_id: s,
                    payload: vec![s as u8; 4000],
                    ..Default::default()
                },
            );
        }
        p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() == 3);
        let t = p.take_trace();
        assert!(t
            .iter()
            .any(|s| s.from == Side::A && s.chunks.contains(&expect)));
        assert!(!t
            .iter()
            .any(|s| s.chunks.contains(&if expect == kind::DATA {
                kind::I_DATA
            } else {
                kind::DATA
            })));
        assert_eq!(
            p.inbox[1]
                .iter()
                .map(|(_, m)| m.payload.len())
                .sum::<usize>(),
            12000
        );
    }
}

fn data(tsn: u32, stream_id: u16) -> Chunk<'static> {
    Chunk::Data(DataChunk {
        tsn,
        stream_id,
        mid: 0,
        fsn: 0,
        ppid: 0,
        unordered: false,
        begin: true,
        end: true,
        immediate: true,
        payload: b"data",
    })
}

#[test]
fn unrecognized_chunks_and_invalid_stream_reported() {
    let mut p = Pair::new(62);
    let (a, b) = p.connected();
    let (b_tag, peer_tsn) = {
        let x = p.eps[1].assoc(b).unwrap();
        (x.local_tag, x.tracker.cum_tsn_ack().wrapping_add(1))
    };
    let a_addr = p.addrs[0][0];
    let port = super::pair::PORT_A;
    // 0x7F: stop and report; the DATA after it is not processed.
    let stop = Chunk::Unknown {
        chunk_type: 0x7F,
        flags: 0,
        value: b"abcd",
    };
    p.inject(
        Side::B,
        a_addr,
        &packet(port, PORT_B, b_tag, &[stop, data(peer_tsn, 0)]),
    );
    // 0xBF: skip silently; the DATA after it is processed. Stream 99 does not exist (6.5).
    let skip = Chunk::Unknown {
        chunk_type: 0xBF,
        flags: 0,
        value: b"",
    };
    p.inject(
        Side::B,
        a_addr,
        &packet(port, PORT_B, b_tag, &[skip, data(peer_tsn, 99)]),
    );
    let mut errors = Vec::new();
    for (_, bytes) in p.take_packets(Side::B) {
        let pkt = Packet::parse(&bytes).unwrap();
        for c in pkt.chunks() {
            match c.unwrap() {
                Chunk::Error(e) => errors.extend(e.causes.iter().map(|c| c.code())),
                Chunk::Sack(s) => assert_eq!(
                    s.cum_tsn_ack, peer_tsn,
                    "the invalid-stream TSN is acknowledged"
                ),
                _ => {}
            }
        }
    }
    assert_eq!(errors, vec![6, 1]);
    assert!(p.inbox[1].is_empty());
    // A received ERROR chunk becomes RemoteError events.
    let err = Chunk::Error(crate::wire::chunk::ErrorChunk {
        causes: vec![crate::wire::ErrorCause::InvalidStreamId { stream_id: 7 }],
    });
    let a_tag = p.eps[0].assoc(a).unwrap().local_tag;
    p.inject(Side::A, p.addrs[1][0], &packet(PORT_B, port, a_tag, &[err]));
    p.flush();
    assert!(p.events[0].contains(&(
        a,
        Event::RemoteError {
            code: 1,
            data: vec![0, 7, 0, 0]
        }
    )));
}

/// Runs a handshake from a fake peer at `src` against B by hand; returns B's answer to the
/// COOKIE ECHO (COOKIE ACK) or to the INIT (ABORT).
fn fake_peer(p: &mut Pair, src: IpAddr, port: u16) -> u8 {
    let init = Chunk::Init(InitChunk {
        initiate_tag: 0xABCD,
        a_rwnd: 65536,
        num_outbound_streams: 2,
        num_inbound_streams: 2,
        initial_tsn: 1,
        params: Vec::new(),
    });
    p.inject(Side::B, src, &packet(port, PORT_B, 0, &[init]));
    let (_, bytes) = p.take_packets(Side::B).pop().expect("an answer to INIT");
    let pkt = Packet::parse(&bytes).unwrap();
    let Some(Ok(Chunk::InitAck(ack))) = pkt.chunks().next() else {
        return pkt.raw_chunks().next().unwrap().unwrap().chunk_type;
    };
    let cookie: Vec<u8> = ack
        .params
        .iter()
        .find_map(|p| {
            if let Param::StateCookie(c) = p {
                Some(c.to_vec())
            } else {
                None
            }
        })
        .unwrap();
    let echo = Chunk::CookieEcho(CookieEchoChunk { cookie: &cookie });
    p.inject(
        Side::B,
        src,
        &packet(port, PORT_B, ack.initiate_tag, &[echo]),
    );
    let (_, bytes) = p
        .take_packets(Side::B)
        .pop()
        .expect("an answer to COOKIE ECHO");
    let pkt = Packet::parse(&bytes).unwrap();
    pkt.raw_chunks().next().unwrap().unwrap().chunk_type
}

#[test]
fn listen_backlog_admits_backlog_plus_one() {
    let mut p = Pair::new(63);
    p.ep(Side::B).set_listening(Some(1));
    assert_eq!(fake_peer(&mut p, addr("10.1.0.1"), 1000), kind::COOKIE_ACK);
    assert_eq!(fake_peer(&mut p, addr("10.1.0.2"), 1000), kind::COOKIE_ACK);
    assert_eq!(fake_peer(&mut p, addr("10.1.0.3"), 1000), kind::ABORT);
    assert_eq!(p.eps[1].unaccepted(), 2);
    let first = p.eps[1].assoc_ids().next().unwrap();
    p.ep(Side::B).accepted(first);
    assert_eq!(fake_peer(&mut p, addr("10.1.0.3"), 1000), kind::COOKIE_ACK);
    p.flush();
    assert_eq!(
        p.events[1]
            .iter()
            .filter(|(_, e)| matches!(e, Event::Connected { .. }))
            .count(),
        3
    );
}

#[test]
fn pr_sctp_random_policies_through_loss() {
    for seed in 0..16u64 {
        let on = AssocConfig {
            intl_supported: seed % 2 == 0,
            ..AssocConfig::default()
        };
        let mut p = Pair::with(300 + seed, on.clone(), on, 1);
        let (a, _b) = p.connected();
        p.link.loss = 0.2;
        p.link.reorder = 0.2;
        let mut gen = super::pair::TestRng::new(seed);
        let mut reliable = std::collections::HashSet::new();
        let mut all = std::collections::HashSet::new();
        for seq in 0..300u32 {
            let pr = match gen.below(3) {
                0 => PrPolicy::Reliable,
                1 => PrPolicy::Ttl(Duration::from_millis(50 + gen.below(450))),
                _ => PrPolicy::Rtx(gen.below(3) as u32),
            };
            let len = 4 + gen.below(4000) as usize;
            let mut payload = seq.to_be_bytes().to_vec();
            payload.resize(len, seq as u8);
            let stream_id = gen.below(3) as u16;
            let m = OutgoingMessage {
                stream_id,
                pr,
                context: seq,
                payload,
                ..OutgoingMessage::default()
            };
            let now = p.now;
            if p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).is_ok() {
                all.insert(seq);
                if pr == PrPolicy::Reliable {
                    reliable.insert(seq);
                }
            }
            p.run_for(Duration::from_millis(30));
        }
        // Until every TSN is acknowledged or skipped by an acknowledged FORWARD TSN.
        let done = p.run_until(Duration::from_secs(900), |p| {
            let x = p.eps[0].assoc(a).unwrap();
            x.send_queue.is_empty() && x.outstanding.is_empty()
        });
        assert!(
            done,
            "seed {seed}: the sender never got everything acknowledged or skipped"
        );
        p.run_for(Duration::from_secs(5));
        let delivered: Vec<(u16, u32)> = p.inbox[1]
            .iter()
            .map(|(_, m)| {
                (
                    m.stream_id,
                    u32::from_be_bytes([m.payload[0], m.payload[1], m.payload[2], m.payload[3]]),
                )
            })
            .collect();
        for s in 0..3u16 {
            let seqs: Vec<u32> = delivered
                .iter()
                .filter(|(x, _)| *x == s)
                .map(|(_, q)| *q)
                .collect();
            assert!(
                seqs.windows(2).all(|w| w[0] < w[1]),
                "seed {seed}: stream {s} out of order"
            );
        }
        let got: std::collections::HashSet<u32> = delivered.iter().map(|(_, q)| *q).collect();
        assert!(
            reliable.is_subset(&got),
            "seed {seed}: a reliable message was lost"
        );
        let failed: std::collections::HashSet<u32> = p.events[0]
            .iter()
            .filter_map(|(_, e)| match e {
                Event::SendFailed { context, .. } => Some(*context),
                _ => None,
            })
            .collect();
        assert!(failed.is_disjoint(&reliable), "seed {seed}");
        let accounted: std::collections::HashSet<u32> = got.union(&failed).copied().collect();
        assert!(
            accounted == all,
            "seed {seed}: not delivered nor reported failed: {:?}",
            all.difference(&accounted).collect::<Vec<_>>()
        );
        assert!(
            !failed.is_empty(),
            "seed {seed}: the loss made some policy give up"
        );
        assert!(!p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })));
    }
}
