//! RFC 9260 9: graceful shutdown with data queued, ABORT, and failure after
//! Association.Max.Retrans (8.1) with doubling RTOs (6.3.3).

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{AssocConfig, AssocState, CloseReason, Event, OutgoingMessage};
use crate::wire::chunk::kind;

fn send(p: &mut Pair, side: Side, id: i32, stream_id: u16, payload: Vec<u8>) {
    let now = p.now;
    let msg = OutgoingMessage {
        stream_id,
        payload,
        ..OutgoingMessage::default()
    };
    p.ep(side).assoc_mut(id).unwrap().send(now, msg).unwrap();
}

#[test]
fn graceful_shutdown_drains_queued_data() {
    let mut p = Pair::new(30);
    let (a, b) = p.connected();
    for i in 0..40u32 {
        send(&mut p, Side::A, a, (i % 3) as u16, vec![i as u8; 5000]);
    }
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
    assert_eq!(
        p.eps[0].assoc(a).unwrap().state(),
        AssocState::ShutdownPending
    );
    p.start_trace();
    p.run_until(Duration::from_secs(60), |p| {
        p.has_event(Side::A, |e| *e == Event::Closed)
            && p.has_event(Side::B, |e| *e == Event::Closed)
    });
    assert_eq!(p.inbox[1].len(), 40);
    for (i, (_, m)) in p.inbox[1]
        .iter()
        .filter(|(_, m)| m.stream_id == 0)
        .enumerate()
    {
        assert_eq!(m.payload, vec![(i * 3) as u8; 5000]);
    }
    let kinds: Vec<(Side, Vec<u8>)> = p
        .take_trace()
        .into_iter()
        .map(|s| (s.from, s.chunks))
        .collect();
    let pos = |side: Side, k: u8| {
        kinds
            .iter()
            .position(|(s, c)| *s == side && c.contains(&k))
            .unwrap()
    };
    let last_data = kinds
        .iter()
        .rposition(|(s, c)| *s == Side::A && c.contains(&kind::DATA))
        .unwrap();
    assert!(pos(Side::A, kind::SHUTDOWN) > last_data);
    assert!(pos(Side::B, kind::SHUTDOWN_ACK) > pos(Side::A, kind::SHUTDOWN));
    assert!(pos(Side::A, kind::SHUTDOWN_COMPLETE) > pos(Side::B, kind::SHUTDOWN_ACK));
    let ev_b: Vec<&Event> = p.events[1]
        .iter()
        .filter(|(id, _)| *id == b)
        .map(|(_, e)| e)
        .collect();
    let i_shut = ev_b
        .iter()
        .position(|e| **e == Event::PeerShutdown)
        .unwrap();
    let i_comp = ev_b
        .iter()
        .position(|e| **e == Event::ShutdownComplete)
        .unwrap();
    assert!(i_shut < i_comp);
    assert!(p.has_event(Side::A, |e| *e == Event::ShutdownComplete));
    assert_eq!(
        p.eps[0].assoc(a).unwrap().close_reason(),
        Some(CloseReason::Shutdown)
    );
    assert!(p.eps[0].remove(a).is_some());
    assert!(p.eps[1].remove(b).is_some());
}

#[test]
fn shutdown_from_both_sides_at_once() {
    let mut p = Pair::new(31);
    let (a, b) = p.connected();
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
    p.ep(Side::B).assoc_mut(b).unwrap().shutdown(now);
    p.run_until(Duration::from_secs(30), |p| {
        p.has_event(Side::A, |e| *e == Event::Closed)
            && p.has_event(Side::B, |e| *e == Event::Closed)
    });
    assert!(p.has_event(Side::A, |e| *e == Event::ShutdownComplete));
    assert!(p.has_event(Side::B, |e| *e == Event::ShutdownComplete));
}

#[test]
fn abort_reports_user_cause_to_peer() {
    let mut p = Pair::new(32);
    let (a, b) = p.connected();
    send(&mut p, Side::A, a, 0, vec![9; 100]);
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().abort(now, b"bye");
    p.run_until(Duration::from_secs(5), |p| {
        p.has_event(Side::B, |e| *e == Event::Closed)
    });
    let cause = vec![0, 12, 0, 7, b'b', b'y', b'e', 0];
    assert!(p.events[1].contains(&(
        b,
        Event::Lost {
            error: 12,
            causes: cause.clone()
        }
    )));
    assert!(p.events[0].contains(&(
        a,
        Event::Lost {
            error: 12,
            causes: cause
        }
    )));
    // The unsent message failed back to the sender.
    assert!(p.has_event(Side::A, |e| matches!(
        e,
        Event::SendFailed { sent: false, .. }
    )));
    assert_eq!(p.eps[0].assoc(a).unwrap().state(), AssocState::Closed);
    assert_eq!(
        p.eps[0].assoc(a).unwrap().close_reason(),
        Some(CloseReason::AbortSent)
    );
    assert_eq!(
        p.eps[1].assoc(b).unwrap().close_reason(),
        Some(CloseReason::AbortReceived)
    );
}

#[test]
fn rto_backoff_to_association_failure() {
    let cfg = AssocConfig {
        hb_interval: Duration::ZERO,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(33, cfg, AssocConfig::default(), 1);
    let (a, _b) = p.connected();
    p.alive[1] = false;
    p.start_trace();
    let t0 = p.now;
    send(&mut p, Side::A, a, 0, vec![1; 10]);
    p.run_until(Duration::from_secs(1000), |p| {
        p.has_event(Side::A, |e| matches!(e, Event::Lost { .. }))
    });
    let at: Vec<u64> = p
        .take_trace()
        .iter()
        .filter(|s| s.from == Side::A && s.chunks.contains(&kind::DATA))
        .map(|s| (s.at - t0).as_secs())
        .collect();
    // RTO 3 s doubling to RTO.Max 60 s: sent at 0, retransmitted after each of 10 T3 expiries.
    assert_eq!(at, vec![0, 3, 9, 21, 45, 93, 153, 213, 273, 333, 393]);
    // The 11th expiry exceeds Association.Max.Retrans (10).
    assert_eq!((p.now - t0).as_secs(), 453);
    let lost = p.events[0]
        .iter()
        .position(|(_, e)| matches!(e, Event::Lost { error: 0, .. }))
        .unwrap();
    let unreachable = p.events[0]
        .iter()
        .position(|(_, e)| {
            matches!(
                e,
                Event::PeerAddrChange {
                    change: crate::assoc::PathChange::Unreachable,
                    ..
                }
            )
        })
        .unwrap();
    assert!(unreachable < lost);
    assert_eq!(
        p.eps[0].assoc(a).unwrap().close_reason(),
        Some(CloseReason::Timeout)
    );
    assert!(p.has_event(Side::A, |e| matches!(
        e,
        Event::SendFailed { sent: true, .. }
    )));
}

#[test]
fn shutdown_retransmitted_then_peer_unreachable() {
    let cfg = AssocConfig {
        hb_interval: Duration::ZERO,
        assoc_max_retrans: 4,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(34, cfg, AssocConfig::default(), 1);
    let (a, _b) = p.connected();
    p.alive[1] = false;
    p.start_trace();
    let t0 = p.now;
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
    assert_eq!(p.eps[0].assoc(a).unwrap().state(), AssocState::ShutdownSent);
    p.run_until(Duration::from_secs(600), |p| {
        p.has_event(Side::A, |e| *e == Event::Closed)
    });
    let at: Vec<u64> = p
        .take_trace()
        .iter()
        .filter(|s| s.chunks == vec![kind::SHUTDOWN])
        .map(|s| (s.at - t0).as_secs())
        .collect();
    // T2-shutdown from RTO 3 s, doubling; the 5th expiry exceeds Association.Max.Retrans 4.
    assert_eq!(at, vec![0, 3, 9, 21, 45]);
    assert_eq!((p.now - t0).as_secs(), 93);
    assert!(p.events[0].contains(&(
        a,
        Event::Lost {
            error: 0,
            causes: Vec::new()
        }
    )));
}

#[test]
fn init_in_shutdown_ack_sent_repeats_shutdown_ack() {
    let mut p = Pair::new(35);
    let (a, b) = p.connected();
    // A shuts down; its SHUTDOWN COMPLETE is lost: A is closed, B waits in
    // SHUTDOWN-ACK-SENT. A (rebooted) connects again: 9.2 says B repeats the SHUTDOWN ACK.
    p.drop_next.push((Side::A, kind::SHUTDOWN_COMPLETE));
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
    p.run_until(Duration::from_secs(2), |p| {
        p.has_event(Side::A, |e| *e == Event::Closed)
    });
    assert_eq!(
        p.eps[1].assoc(b).unwrap().state(),
        AssocState::ShutdownAckSent
    );
    p.eps[0].remove(a);
    p.start_trace();
    let a2 = p.connect();
    p.step();
    p.step();
    let t = p.take_trace();
    assert_eq!(t[0].chunks, vec![kind::INIT]);
    assert!(t[1..]
        .iter()
        .any(|s| s.from == Side::B && s.chunks == vec![kind::SHUTDOWN_ACK]));
    // A, in COOKIE-WAIT, answers that SHUTDOWN ACK with a SHUTDOWN COMPLETE (T bit, 8.5.1 E),
    // which lets B close; A's INIT retransmission then reaches a fresh listener.
    p.run_until(Duration::from_secs(30), |p| {
        p.connected_id(Side::A) == Some(a2)
    });
    assert!(p.has_event(Side::B, |e| *e == Event::ShutdownComplete));
}
