//! Partial delivery (RFC 6458 8.1.20, 6.1.7): messages larger than the receive buffer go up
//! in pieces through hostile links, other streams wait or interleave by fragment interleave
//! level, the partial delivery point splits smaller messages, and an ABORT in the middle
//! reports SCTP_PARTIAL_DELIVERY_ABORTED.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{AssocConfig, AssocId, Event, Message, OutgoingMessage};

/// Sender: large send buffer, no Nagle. Receiver: a 64 KiB buffer, partial delivery point
/// `pd_point`, fragment interleave `level`.
fn pair(seed: u64, i_data: bool, pd_point: u32, level: u8) -> (Pair, AssocId) {
    let a = AssocConfig {
        nodelay: true,
        sndbuf: 32 << 20,
        intl_supported: i_data,
        ..AssocConfig::default()
    };
    let b = AssocConfig {
        rcvbuf: 65_536,
        intl_supported: i_data,
        pd_point,
        frag_interleave: level,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(seed, a, b, 1);
    let (a, _) = p.connected();
    (p, a)
}

fn send(p: &mut Pair, a: AssocId, stream_id: u16, payload: Vec<u8>) {
    let now = p.now;
    let msg = OutgoingMessage {
        stream_id,
        ppid: 7,
        payload,
        ..OutgoingMessage::default()
    };
    p.ep(Side::A).assoc_mut(a).unwrap().send(now, msg).unwrap();
}

fn pattern(len: usize, salt: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13 ^ salt) as u8)
        .collect()
}

/// B's deliveries so far.
fn received(p: &Pair) -> Vec<&Message> {
    p.inbox[1].iter().map(|(_, m)| m).collect()
}

/// The pieces of the message on `stream` (its deliveries up to the one without `more`),
/// and where the first and last of them are in the delivery order.
fn pieces_of(got: &[&Message], stream: u16) -> (Vec<u8>, usize, usize, usize) {
    let mut joined = Vec::new();
    let (mut first, mut last, mut count) = (None, 0, 0);
    for (i, m) in got
        .iter()
        .enumerate()
        .filter(|(_, m)| m.stream_id == stream)
    {
        first.get_or_insert(i);
        joined.extend_from_slice(&m.payload);
        count += 1;
        last = i;
        if !m.more {
            break;
        }
    }
    (joined, first.unwrap_or(0), last, count)
}

/// A 10 MB message through a 64 KiB buffer and a lossy, reordering link, with small messages
/// on stream 1 sent after it: it arrives byte-exact in many pieces, `more` on all but the
/// last. Returns how many stream 1 messages came between its first and last piece.
fn ten_megabytes(seed: u64, i_data: bool, level: u8) -> usize {
    const BIG: usize = 10 << 20;
    let (mut p, a) = pair(seed, i_data, 0, level);
    p.link.loss = 0.08;
    p.link.reorder = 0.1;
    let big = pattern(BIG, 0x5a);
    send(&mut p, a, 0, big.clone());
    for i in 0..20u8 {
        send(&mut p, a, 1, vec![i; 100]);
    }
    let done = p.run_until(Duration::from_secs(3600), |p| {
        p.inbox[1].len() > 20 && p.inbox[1].iter().filter(|(_, m)| !m.more).count() == 21
    });
    assert!(done, "seed {seed}: stalled");
    let got = received(&p);
    let (joined, first, last, count) = pieces_of(&got, 0);
    assert!(
        joined == big,
        "seed {seed}: the big message is not byte-exact"
    );
    assert!(count > 50, "seed {seed}: only {count} pieces");
    assert!(got[last..].iter().all(|m| !m.more) && got[first].more);
    let small: Vec<u8> = got
        .iter()
        .filter(|m| m.stream_id == 1)
        .map(|m| m.payload[0])
        .collect();
    assert_eq!(small, (0..20).collect::<Vec<u8>>(), "seed {seed}");
    assert!(!p.has_event(Side::B, |e| matches!(e, Event::Lost { .. })));
    got[first..last].iter().filter(|m| m.stream_id == 1).count()
}

#[test]
fn ten_megabytes_through_64k_in_pieces_others_wait_at_level_0() {
    for seed in [1, 2, 3] {
        assert_eq!(ten_megabytes(seed, false, 0), 0, "seed {seed}: level 0");
    }
}

#[test]
fn ten_megabytes_through_64k_others_interleave_at_level_2() {
    let between: usize = [1, 2, 3].iter().map(|&s| ten_megabytes(s, false, 2)).sum();
    assert!(between > 0, "stream 1 never came between the pieces");
}

#[test]
fn ten_megabytes_through_64k_with_i_data() {
    ten_megabytes(3, true, 0);
}

#[test]
fn partial_delivery_point_splits_a_message_the_buffer_holds() {
    let (mut p, a) = pair(4, false, 4096, 0);
    let msg = pattern(60_000, 3);
    send(&mut p, a, 2, msg.clone());
    send(&mut p, a, 2, b"after".to_vec());
    p.run_until(Duration::from_secs(30), |p| p.inbox[1].len() >= 3);
    p.run_for(Duration::from_secs(1));
    let got = received(&p);
    let (joined, _, last, count) = pieces_of(&got, 2);
    assert_eq!(joined, msg);
    assert!(count >= 2, "one piece");
    let after: Vec<&Message> = got[last + 1..].to_vec();
    assert_eq!(after.len(), 1);
    assert_eq!(
        (after[0].payload.as_slice(), after[0].more),
        (&b"after"[..], false)
    );
    assert_eq!((after[0].ssn, got[0].ssn, got[0].ppid), (1, 0, 7));
}

#[test]
fn abort_in_the_middle_reports_partial_delivery_aborted() {
    for i_data in [false, true] {
        let (mut p, a) = pair(5, i_data, 0, 0);
        send(&mut p, a, 3, pattern(1 << 20, 9));
        let started = p.run_until(Duration::from_secs(30), |p| {
            p.inbox[1].iter().filter(|(_, m)| m.more).count() >= 3
        });
        assert!(started, "no pieces");
        let now = p.now;
        p.ep(Side::A).assoc_mut(a).unwrap().abort(now, b"bye");
        p.run_for(Duration::from_secs(1));
        let events: Vec<&Event> = p.events[1].iter().map(|(_, e)| e).collect();
        let pd = events.iter().position(|e| {
            **e == Event::PartialDeliveryAborted {
                stream_id: 3,
                ssn: 0,
            }
        });
        let lost = events.iter().position(|e| matches!(e, Event::Lost { .. }));
        assert!(
            pd.is_some() && lost.is_some(),
            "i_data {i_data}: {events:?}"
        );
        assert!(pd < lost, "the partial delivery event comes first");
        assert!(received(&p).iter().all(|m| m.more), "no last piece");
    }
}

#[test]
fn whole_messages_are_not_split_while_the_buffer_has_room() {
    let (mut p, a) = pair(6, false, 0, 0);
    p.link.loss = 0.05;
    for i in 0..30u32 {
        send(&mut p, a, (i % 3) as u16, pattern(20_000, i));
    }
    p.run_until(Duration::from_secs(600), |p| p.inbox[1].len() >= 30);
    let got = received(&p);
    assert_eq!(got.len(), 30);
    assert!(got.iter().all(|m| !m.more && m.payload.len() == 20_000));
}

#[test]
fn abandoned_message_reports_partial_delivery_aborted_and_the_stream_goes_on() {
    for i_data in [false, true] {
        let (mut p, a) = pair(7, i_data, 0, 0);
        let now = p.now;
        let msg = OutgoingMessage {
            stream_id: 3,
            pr: crate::assoc::PrPolicy::Ttl(Duration::from_millis(150)),
            payload: pattern(4 << 20, 1),
            ..OutgoingMessage::default()
        };
        p.ep(Side::A).assoc_mut(a).unwrap().send(now, msg).unwrap();
        send(&mut p, a, 3, b"next".to_vec());
        p.run_until(Duration::from_secs(30), |p| {
            p.inbox[1].last().is_some_and(|(_, m)| m.payload == b"next")
        });
        let got = received(&p);
        assert!(
            got.len() >= 2 && got[0].more,
            "i_data {i_data}: pieces first"
        );
        let last = got[got.len() - 1];
        assert_eq!((last.ssn, last.more), (1, false), "i_data {i_data}");
        assert!(got[..got.len() - 1].iter().all(|m| m.more));
        let aborted = Event::PartialDeliveryAborted {
            stream_id: 3,
            ssn: 0,
        };
        assert!(p.has_event(Side::B, |e| *e == aborted), "i_data {i_data}");
        assert!(!p.has_event(Side::B, |e| matches!(e, Event::Lost { .. })));
    }
}

/// The runtime shrinks the window by what the application has not read and grows it back
/// as it reads (pieces included): the growth is announced at once with a SACK, not at the
/// sender's next zero window probe.
#[test]
fn window_reopened_by_the_application_is_announced_at_once() {
    let (mut p, a) = pair(9, false, 0, 0);
    let b = p.connected_id(Side::B).unwrap();
    p.ep(Side::B).assoc_mut(b).unwrap().set_rcvbuf(0);
    send(&mut p, a, 0, vec![7; 1000]);
    p.run_for(Duration::from_millis(500));
    assert!(p.inbox[1].is_empty(), "the closed window took nothing");
    p.start_trace();
    let reopened = p.now;
    p.ep(Side::B).assoc_mut(b).unwrap().set_rcvbuf(65_536);
    // As the runtime does after changing an association: what it has to send goes.
    p.flush();
    let sent = p.take_trace();
    let sack = crate::wire::chunk::kind::SACK;
    assert!(
        sent.iter()
            .any(|s| s.from == Side::B && s.at == reopened && s.chunks == [sack]),
        "no window update"
    );
    p.run_until(Duration::from_secs(5), |p| !p.inbox[1].is_empty());
    assert_eq!(p.inbox[1].len(), 1);
}
