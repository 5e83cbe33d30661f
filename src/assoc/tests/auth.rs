//! RFC 4895 AUTH on the pair: negotiation, signed chunks accepted, unsigned or tampered ones
//! dropped, an unsupported HMAC identifier reported.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{AssocConfig, Event, OutgoingMessage};
use crate::wire::chunk::kind;
use crate::wire::{Chunk, Packet};

fn auth_on(extra: &[u8]) -> AssocConfig {
    AssocConfig {
        auth_supported: true,
        auth_chunks: extra.to_vec(),
        ..AssocConfig::default()
    }
}

fn msg(b: u8) -> OutgoingMessage {
    OutgoingMessage {
        payload: vec![b; 100],
        ..OutgoingMessage::default()
    }
}

fn resum(bytes: &mut [u8]) {
    let crc = crate::wire::packet::checksum(bytes);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn negotiated_only_when_both_enable_it() {
    for (a_cfg, b_cfg, expect) in [
        (auth_on(&[]), auth_on(&[]), true),
        (auth_on(&[]), AssocConfig::default(), false),
        (AssocConfig::default(), auth_on(&[]), false),
    ] {
        let mut p = Pair::with(90, a_cfg, b_cfg, 1);
        let (a, b) = p.connected();
        let x = p.eps[0].assoc(a).unwrap().auth.clone();
        let y = p.eps[1].assoc(b).unwrap().auth.clone();
        assert_eq!((x.is_some(), y.is_some()), (expect, expect));
        if let (Some(x), Some(y)) = (x, y) {
            // ASCONF and ASCONF ACK are always in both chunk lists (RFC 5061 6).
            assert_eq!(x.local_chunks(), vec![kind::ASCONF_ACK, kind::ASCONF]);
            assert_eq!(x.peer_chunks(), y.local_chunks());
        }
    }
}

#[test]
fn chunks_the_peer_requires_are_signed_and_accepted() {
    // A requires DATA authenticated: B's DATA goes after an AUTH chunk; A's does not.
    let mut p = Pair::with(91, auth_on(&[kind::DATA]), auth_on(&[]), 1);
    let (a, b) = p.connected();
    p.start_trace();
    let now = p.now;
    for i in 0..5 {
        p.ep(Side::B)
            .assoc_mut(b)
            .unwrap()
            .send(now, msg(i))
            .unwrap();
        p.ep(Side::A)
            .assoc_mut(a)
            .unwrap()
            .send(now, msg(i))
            .unwrap();
    }
    p.run_until(Duration::from_secs(10), |p| {
        p.inbox[0].len() == 5 && p.inbox[1].len() == 5
    });
    assert_eq!((p.inbox[0].len(), p.inbox[1].len()), (5, 5));
    let trace = p.take_trace();
    let data_from = |s: Side| {
        trace
            .iter()
            .filter(move |t| t.from == s && t.chunks.contains(&kind::DATA))
    };
    for t in data_from(Side::B) {
        let auth = t.chunks.iter().position(|c| *c == kind::AUTH);
        let data = t.chunks.iter().position(|c| *c == kind::DATA);
        assert!(auth.is_some() && auth < data, "{:?}", t.chunks);
    }
    assert!(data_from(Side::A).all(|t| !t.chunks.contains(&kind::AUTH)));
    assert!(data_from(Side::B).count() > 0);
}

#[test]
fn unsigned_and_tampered_chunks_are_dropped() {
    let mut p = Pair::with(92, auth_on(&[kind::DATA]), auth_on(&[]), 1);
    let (_a, b) = p.connected();
    p.flush();
    let now = p.now;
    p.ep(Side::B)
        .assoc_mut(b)
        .unwrap()
        .send(now, msg(7))
        .unwrap();
    let pkts = p.take_packets(Side::B);
    let (t, good) = pkts
        .into_iter()
        .find(|(_, bytes)| {
            let pkt = Packet::parse(bytes).unwrap();
            pkt.chunks().any(|c| matches!(c, Ok(Chunk::Data(_))))
        })
        .expect("B sent its DATA");
    // One payload bit flipped: the HMAC no longer matches.
    let mut tampered = good.clone();
    let last = tampered.len() - 1;
    tampered[last - 4] ^= 1;
    resum(&mut tampered);
    let src = t.local.unwrap_or(p.addrs[1][0]);
    p.inject(Side::A, src, &tampered);
    // The AUTH chunk stripped: DATA arrives unauthenticated.
    let pkt = Packet::parse(&good).unwrap();
    let auth = pkt
        .raw_chunks()
        .map(Result::unwrap)
        .find(|c| c.chunk_type == kind::AUTH)
        .unwrap();
    let mut stripped = good[..12].to_vec();
    stripped.extend_from_slice(&pkt.chunk_bytes[..auth.offset]);
    stripped.extend_from_slice(&pkt.chunk_bytes[auth.offset + auth.bytes.len()..]);
    resum(&mut stripped);
    p.inject(Side::A, src, &stripped);
    p.flush();
    assert!(p.inbox[0].is_empty());
    // The intact packet is accepted.
    p.inject(Side::A, src, &good);
    p.flush();
    assert_eq!(p.inbox[0].len(), 1);
    assert_eq!(p.inbox[0][0].1.payload, vec![7; 100]);
}

#[test]
fn unsupported_hmac_identifier_is_reported() {
    let mut p = Pair::with(93, auth_on(&[kind::DATA]), auth_on(&[]), 1);
    let (_a, b) = p.connected();
    p.flush();
    let now = p.now;
    p.ep(Side::B)
        .assoc_mut(b)
        .unwrap()
        .send(now, msg(1))
        .unwrap();
    let (_, mut bytes) = p
        .take_packets(Side::B)
        .into_iter()
        .find(|(_, b)| b.len() > 100)
        .expect("DATA packet");
    let pkt = Packet::parse(&bytes).unwrap();
    let at = 12
        + pkt
            .raw_chunks()
            .map(Result::unwrap)
            .find(|c| c.chunk_type == kind::AUTH)
            .unwrap()
            .offset;
    // HMAC identifier 2 is not defined.
    bytes[at + 6..at + 8].copy_from_slice(&2u16.to_be_bytes());
    resum(&mut bytes);
    p.start_trace();
    let src = p.addrs[1][0];
    p.inject(Side::A, src, &bytes);
    p.run_for(Duration::from_millis(300));
    assert!(p.has_event(Side::B, |e| matches!(
        e,
        Event::RemoteError { code: 0x0105, .. }
    )));
    // The DATA behind the refused AUTH was not delivered.
    assert!(p.inbox[0].is_empty());
}

#[test]
fn an_abort_the_peer_listed_is_signed() {
    // A requires ABORT authenticated: B's ABORT carries an AUTH chunk and A accepts it.
    let mut p = Pair::with(94, auth_on(&[kind::ABORT]), auth_on(&[]), 1);
    let (_a, b) = p.connected();
    p.start_trace();
    let now = p.now;
    p.ep(Side::B).assoc_mut(b).unwrap().abort(now, b"bye");
    p.run_for(Duration::from_millis(100));
    let trace = p.take_trace();
    let abort = trace
        .iter()
        .find(|t| t.from == Side::B && t.chunks.contains(&kind::ABORT))
        .expect("ABORT sent");
    assert_eq!(abort.chunks, vec![kind::AUTH, kind::ABORT]);
    assert!(p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })));
}
