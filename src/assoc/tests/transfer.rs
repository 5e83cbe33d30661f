//! RFC 9260 6: data transfer, ordered and unordered, through a hostile link; zero window.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{Event, OutgoingMessage, SendError};

fn msg(stream_id: u16, payload: Vec<u8>) -> OutgoingMessage {
    OutgoingMessage {
        stream_id,
        ppid: 42,
        payload,
        ..OutgoingMessage::default()
    }
}

#[test]
fn small_messages_arrive_in_order() {
    let mut p = Pair::new(10);
    let (a, _b) = p.connected();
    let now = p.now;
    for i in 0..20u8 {
        p.eps[0]
            .assoc_mut(a)
            .unwrap()
            .send(now, msg(1, vec![i; 100 + i as usize]))
            .unwrap();
    }
    p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() == 20);
    let got: Vec<u8> = p.inbox[1].iter().map(|(_, m)| m.payload[0]).collect();
    assert_eq!(got, (0..20).collect::<Vec<u8>>());
    let m = &p.inbox[1][3].1;
    assert_eq!(
        (m.stream_id, m.ssn, m.ppid, m.payload.len()),
        (1, 3, 42, 103)
    );
    p.run_for(Duration::from_secs(1));
    assert!(p.has_event(Side::A, |e| *e == Event::SenderDry));
}

#[test]
fn large_message_fragmented_and_reassembled() {
    let mut p = Pair::new(11);
    let (a, _b) = p.connected();
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let now = p.now;
    p.eps[0]
        .assoc_mut(a)
        .unwrap()
        .send(now, msg(0, payload.clone()))
        .unwrap();
    p.run_until(Duration::from_secs(30), |p| !p.inbox[1].is_empty());
    assert_eq!(p.inbox[1][0].1.payload, payload);
}

#[test]
fn send_checks_stream_and_state() {
    let mut p = Pair::new(12);
    let (a, _b) = p.connected();
    let now = p.now;
    let assoc = p.eps[0].assoc_mut(a).unwrap();
    assert_eq!(
        assoc.send(now, msg(10, vec![1])),
        Err(SendError::InvalidStream)
    );
    assoc.shutdown(now);
    assert_eq!(assoc.send(now, msg(0, vec![1])), Err(SendError::Closed));
}
