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
    assert_eq!(assoc.send(now, msg(0, Vec::new())), Err(SendError::Empty));
    assoc.shutdown(now);
    assert_eq!(assoc.send(now, msg(0, vec![1])), Err(SendError::Closed));
}

/// FNV-1a over a payload.
fn digest(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, x| {
        (h ^ *x as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// What the receiver must see per stream: ordered digests in order, unordered as a multiset.
#[derive(Default)]
struct Expect {
    ordered: std::collections::VecDeque<u64>,
    unordered: std::collections::HashMap<u64, u32>,
}

#[test]
fn fifty_megabytes_through_a_hostile_link() {
    const TOTAL: usize = 50 << 20;
    const STREAMS: u16 = 6;
    let cfg = crate::assoc::AssocConfig {
        nodelay: true,
        ..crate::assoc::AssocConfig::default()
    };
    let mut p = Pair::with(13, cfg.clone(), cfg, 1);
    let (a, _b) = p.connected();
    p.link.loss = 0.10;
    p.link.reorder = 0.2;
    p.link.duplicate = 0.02;
    p.link.corrupt = 0.01;
    let mut gen = super::pair::TestRng::new(7);
    let mut expect: Vec<Expect> = (0..STREAMS).map(|_| Expect::default()).collect();
    let (mut sent, mut received, mut msgs) = (0usize, 0usize, 0usize);
    let start = p.now;
    while received < TOTAL {
        // Feed the sender while its buffer has room.
        while sent < TOTAL {
            let now = p.now;
            let assoc = p.ep(Side::A).assoc_mut(a).unwrap();
            if assoc.send_buffer_room() == 0 {
                break;
            }
            let len = if gen.below(4) == 0 {
                gen.below(64) + 1
            } else {
                gen.below(65536) + 1
            } as usize;
            let len = len.min(TOTAL - sent).max(1);
            let mut payload = vec![0u8; len];
            gen.fill_bytes(&mut payload);
            let stream_id = gen.below(STREAMS as u64) as u16;
            let unordered = gen.below(3) == 0;
            let d = digest(&payload);
            let msg = OutgoingMessage {
                stream_id,
                unordered,
                payload,
                ..OutgoingMessage::default()
            };
            match assoc.send(now, msg) {
                Ok(()) => {}
                Err(SendError::WouldBlock) => break,
                Err(e) => panic!("send: {e:?}"),
            }
            let ex = &mut expect[stream_id as usize];
            if unordered {
                *ex.unordered.entry(d).or_default() += 1;
            } else {
                ex.ordered.push_back(d);
            }
            sent += len;
        }
        assert!(p.step(), "stalled at {received} of {TOTAL} bytes");
        for (_, m) in p.inbox[1].drain(..) {
            let d = digest(&m.payload);
            let ex = &mut expect[m.stream_id as usize];
            if m.unordered {
                let n = ex
                    .unordered
                    .get_mut(&d)
                    .expect("unexpected unordered message");
                *n -= 1;
                if *n == 0 {
                    ex.unordered.remove(&d);
                }
            } else {
                assert_eq!(
                    ex.ordered.pop_front(),
                    Some(d),
                    "stream {} out of order",
                    m.stream_id
                );
            }
            received += m.payload.len();
            msgs += 1;
        }
        assert!(
            p.now - start < Duration::from_secs(3600),
            "too slow: {received} bytes"
        );
    }
    assert_eq!(received, TOTAL);
    assert!(expect
        .iter()
        .all(|e| e.ordered.is_empty() && e.unordered.is_empty()));
    assert!(msgs > 1000);
    assert!(
        p.dropped > 1000 && p.corrupted > 100,
        "the link was hostile"
    );
    assert!(!p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })));
}

#[test]
fn zero_window_probe_and_recovery() {
    let b_cfg = crate::assoc::AssocConfig {
        rcvbuf: 8000,
        ..crate::assoc::AssocConfig::default()
    };
    let a_cfg = crate::assoc::AssocConfig {
        nodelay: true,
        ..crate::assoc::AssocConfig::default()
    };
    let mut p = Pair::with(14, a_cfg, b_cfg, 1);
    let (a, b) = p.connected();
    p.read[1] = false;
    let now = p.now;
    for i in 0..40u8 {
        p.ep(Side::A)
            .assoc_mut(a)
            .unwrap()
            .send(now, msg(0, vec![i; 1000]))
            .unwrap();
    }
    // The receiver stops reading: its window closes and the sender probes.
    p.run_for(Duration::from_secs(20));
    assert_eq!(p.eps[1].assoc(b).unwrap().status().local_rwnd, 0);
    assert_eq!(p.eps[0].assoc(a).unwrap().status().peer_rwnd, 0);
    p.start_trace();
    p.run_for(Duration::from_secs(60));
    let probes: Vec<_> = p
        .take_trace()
        .into_iter()
        .filter(|s| s.from == Side::A && s.chunks.contains(&crate::wire::chunk::kind::DATA))
        .collect();
    assert!(!probes.is_empty(), "the sender probes the closed window");
    assert!(probes.iter().all(|s| s
        .chunks
        .iter()
        .filter(|k| **k == crate::wire::chunk::kind::DATA)
        .count()
        == 1));
    assert!(
        !p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })),
        "probing is not a failure"
    );
    // Reading resumes: the window update goes out at once (the T3 probe timer has backed
    // off to tens of seconds by now), and everything arrives, in order.
    p.read[1] = true;
    p.run_until(Duration::from_secs(2), |p| p.inbox[1].len() == 40);
    let got: Vec<u8> = p.inbox[1].iter().map(|(_, m)| m.payload[0]).collect();
    assert_eq!(got, (0..40).collect::<Vec<u8>>());
}

/// RFC 9260 6.2: a receive buffer that the runtime grows back (its app read the records that
/// had shrunk it, stack/rwnd.rs) sends the window update at once.
#[test]
fn grown_receive_buffer_sends_the_window_update() {
    let a_cfg = crate::assoc::AssocConfig {
        nodelay: true,
        ..crate::assoc::AssocConfig::default()
    };
    let mut p = Pair::with(15, a_cfg, crate::assoc::AssocConfig::default(), 1);
    let (a, b) = p.connected();
    let rcvbuf = p.eps[1].assoc(b).unwrap().config().rcvbuf;
    p.ep(Side::B).assoc_mut(b).unwrap().set_rcvbuf(0);
    let now = p.now;
    for i in 0..20u8 {
        p.ep(Side::A)
            .assoc_mut(a)
            .unwrap()
            .send(now, msg(0, vec![i; 1000]))
            .unwrap();
    }
    p.run_for(Duration::from_secs(10));
    assert_eq!(p.eps[0].assoc(a).unwrap().status().peer_rwnd, 0);
    p.ep(Side::B).assoc_mut(b).unwrap().set_rcvbuf(rcvbuf);
    // The update is due now, not at the sender's next probe (its T3 timer has backed off to
    // seconds by now).
    p.run_for(Duration::from_millis(10));
    assert!(p.eps[0].assoc(a).unwrap().status().peer_rwnd > 0);
}

/// Random messages both ways on four streams through a lossy link, then a graceful close:
/// every message arrives, in order per stream.
fn random_exchange(seed: u64, cfg: crate::assoc::AssocConfig, paths: usize) {
    let mut p = Pair::with(100 + seed, cfg.clone(), cfg, paths);
    let (a, b) = p.connected();
    p.link.loss = [0.0, 0.05, 0.2, 0.3, 0.1, 0.15][seed as usize % 6];
    p.link.reorder = 0.3;
    p.link.duplicate = 0.05;
    p.link.corrupt = 0.02;
    let mut gen = super::pair::TestRng::new(seed);
    // Expected digests per receiving side and stream.
    let mut expect: [Vec<Vec<u64>>; 2] = [vec![Vec::new(); 4], vec![Vec::new(); 4]];
    for round in 0..200 {
        for (side, id) in [(Side::A, a), (Side::B, b)] {
            if gen.below(2) == 0 {
                let len = gen.below(3000) as usize + 1;
                let mut payload = vec![0u8; len];
                gen.fill_bytes(&mut payload);
                let d = digest(&payload);
                let stream_id = gen.below(4) as u16;
                let now = p.now;
                let m = OutgoingMessage {
                    stream_id,
                    payload,
                    ..OutgoingMessage::default()
                };
                if p.ep(side).assoc_mut(id).unwrap().send(now, m).is_ok() {
                    expect[side.other().idx()][stream_id as usize].push(d);
                }
            }
        }
        p.run_for(Duration::from_millis(if round % 10 == 0 {
            500
        } else {
            20
        }));
    }
    let now = p.now;
    p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
    let closed = p.run_until(Duration::from_secs(3600), |p| {
        p.has_event(Side::A, |e| *e == Event::ShutdownComplete)
            && p.has_event(Side::B, |e| *e == Event::ShutdownComplete)
    });
    assert!(closed, "seed {seed}: no graceful close");
    for side in [Side::A, Side::B] {
        let mut got: Vec<Vec<u64>> = vec![Vec::new(); 4];
        for (_, m) in &p.inbox[side.idx()] {
            got[m.stream_id as usize].push(digest(&m.payload));
        }
        assert!(expect[side.idx()].iter().map(Vec::len).sum::<usize>() > 50);
        assert_eq!(got, expect[side.idx()], "seed {seed}: side {side:?}");
    }
}

#[test]
fn both_directions_random_links_then_graceful_close() {
    for seed in 0..24u64 {
        random_exchange(seed, crate::assoc::AssocConfig::default(), 1);
    }
}

#[test]
fn both_directions_random_links_flapping_paths() {
    for seed in 0..8u64 {
        random_exchange(seed, crate::assoc::AssocConfig::default(), 2);
    }
}

#[test]
fn both_directions_random_links_with_i_data() {
    let cfg = crate::assoc::AssocConfig {
        intl_supported: true,
        ..crate::assoc::AssocConfig::default()
    };
    for seed in 0..12u64 {
        random_exchange(seed, cfg.clone(), 1);
    }
}

#[test]
fn clean_link_throughput_reaches_the_window_limit() {
    // 20 ms RTT, rcvbuf 212992: the window allows about 10 MB/s; slow start and SACK
    // clocking must get close to it.
    let cfg = crate::assoc::AssocConfig {
        nodelay: true,
        ..crate::assoc::AssocConfig::default()
    };
    let mut p = Pair::with(15, cfg.clone(), cfg, 1);
    let (a, _b) = p.connected();
    const TOTAL: usize = 20 << 20;
    let (mut sent, mut got) = (0usize, 0usize);
    let t0 = p.now;
    while got < TOTAL {
        while sent < TOTAL {
            let now = p.now;
            let m = msg(0, vec![0x5a; 8192]);
            match p.ep(Side::A).assoc_mut(a).unwrap().send(now, m) {
                Ok(()) => sent += 8192,
                Err(_) => break,
            }
        }
        assert!(p.step());
        got += p.inbox[1]
            .drain(..)
            .map(|(_, m)| m.payload.len())
            .sum::<usize>();
    }
    let secs = (p.now - t0).as_secs_f64();
    let rate = TOTAL as f64 / secs;
    assert!(rate > 5e6, "{rate:.0} B/s over {secs:.2} s");
}
