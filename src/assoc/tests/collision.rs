//! RFC 9260 5.2: setup collisions, duplicate COOKIE ECHO and restart.

use std::time::Duration;

use super::pair::{Pair, Side, PORT_A};
use crate::assoc::{AssocState, Event, OutgoingMessage};
use crate::wire::chunk::kind;

fn connected_count(p: &Pair, side: Side) -> usize {
    p.events[side.idx()]
        .iter()
        .filter(|(_, e)| matches!(e, Event::Connected { .. }))
        .count()
}

#[test]
fn init_collision_both_connect_at_once() {
    let mut p = Pair::new(40);
    p.ep(Side::A).set_listening(None);
    p.start_trace();
    let a = p.connect();
    let b = p.alloc_id();
    let now = p.now;
    let a_addrs = p.addrs[0].clone();
    p.ep(Side::B).connect(now, b, &a_addrs, PORT_A).unwrap();
    p.run_until(Duration::from_secs(30), |p| {
        connected_count(p, Side::A) == 1 && connected_count(p, Side::B) == 1
    });
    p.run_for(Duration::from_secs(5));
    // One association each, the ones the users created, each reported up once (5.2.1).
    assert_eq!(p.eps[0].assoc_ids().collect::<Vec<_>>(), vec![a]);
    assert_eq!(p.eps[1].assoc_ids().collect::<Vec<_>>(), vec![b]);
    assert_eq!(connected_count(&p, Side::A), 1);
    assert_eq!(connected_count(&p, Side::B), 1);
    let t = p.take_trace();
    // Each side answered the other's INIT with an INIT ACK while in COOKIE-WAIT.
    assert!(t
        .iter()
        .any(|s| s.from == Side::A && s.chunks == vec![kind::INIT_ACK]));
    assert!(t
        .iter()
        .any(|s| s.from == Side::B && s.chunks == vec![kind::INIT_ACK]));
    // Tags agree: the association works both ways.
    let (ta, tb) = (p.eps[0].assoc(a).unwrap(), p.eps[1].assoc(b).unwrap());
    assert_eq!((ta.local_tag, ta.peer_tag), (tb.peer_tag, tb.local_tag));
    let now = p.now;
    let m = OutgoingMessage {
        payload: b"hello".to_vec(),
        ..Default::default()
    };
    p.ep(Side::A)
        .assoc_mut(a)
        .unwrap()
        .send(now, m.clone())
        .unwrap();
    p.ep(Side::B).assoc_mut(b).unwrap().send(now, m).unwrap();
    p.run_until(Duration::from_secs(5), |p| {
        p.inbox[0].len() == 1 && p.inbox[1].len() == 1
    });
}

#[test]
fn lost_cookie_ack_duplicate_cookie_echo_case_d() {
    let mut p = Pair::new(41);
    p.drop_next.push((Side::B, kind::COOKIE_ACK));
    p.start_trace();
    let a = p.connect();
    p.run_until(Duration::from_secs(30), |p| {
        connected_count(p, Side::A) == 1
    });
    let t = p.take_trace();
    let echoes = t
        .iter()
        .filter(|s| s.chunks == vec![kind::COOKIE_ECHO])
        .count();
    let acks = t
        .iter()
        .filter(|s| s.chunks == vec![kind::COOKIE_ACK])
        .count();
    assert_eq!((echoes, acks), (2, 2));
    // B's association was reported once; the duplicate only got another COOKIE ACK.
    assert_eq!(connected_count(&p, Side::B), 1);
    assert_eq!(p.eps[1].assoc_ids().count(), 1);
    assert_eq!(p.eps[0].assoc(a).unwrap().state(), AssocState::Established);
}

#[test]
fn peer_restart_with_tie_tags_case_a() {
    let mut p = Pair::new(42);
    let (a, b) = p.connected();
    let old_b_tag = p.eps[1].assoc(b).unwrap().local_tag;
    // A loses its state (reboot) and connects again from the same address and port.
    p.eps[0].remove(a);
    p.start_trace();
    let a2 = p.connect();
    p.run_until(Duration::from_secs(30), |p| {
        p.has_event(Side::B, |e| matches!(e, Event::Restarted { .. }))
    });
    assert!(p.events[1].contains(&(
        b,
        Event::Restarted {
            outbound_streams: 10,
            inbound_streams: 10
        }
    )));
    p.run_until(Duration::from_secs(5), |p| {
        p.connected_id(Side::A) == Some(a2) || connected_count(p, Side::A) == 2
    });
    // B kept its association id; the tags are new (5.2.2: fresh tag, old ones as tie-tags).
    assert_eq!(p.eps[1].assoc_ids().collect::<Vec<_>>(), vec![b]);
    let tb = p.eps[1].assoc(b).unwrap();
    assert_ne!(tb.local_tag, old_b_tag);
    assert_eq!(tb.peer_tag, p.eps[0].assoc(a2).unwrap().local_tag);
    let t = p.take_trace();
    assert!(t
        .iter()
        .any(|s| s.from == Side::B && s.chunks == vec![kind::INIT_ACK] && s.vtag != 0));
    // Data flows on the restarted association, stream sequence numbers from 0.
    let now = p.now;
    let m = OutgoingMessage {
        stream_id: 2,
        payload: b"again".to_vec(),
        ..Default::default()
    };
    p.ep(Side::B).assoc_mut(b).unwrap().send(now, m).unwrap();
    p.run_until(Duration::from_secs(5), |p| !p.inbox[0].is_empty());
    assert_eq!((p.inbox[0][0].0, p.inbox[0][0].1.ssn), (a2, 0));
}

#[test]
fn cookie_echo_in_cookie_wait_case_b() {
    let mut p = Pair::new(43);
    p.ep(Side::A).set_listening(None);
    // A's INIT is lost: B's INIT finds A in COOKIE-WAIT (5.2.1), B echoes A's cookie, which
    // carries A's own tag and a peer tag A does not know yet: case B.
    p.drop_next.push((Side::A, kind::INIT));
    let a = p.connect();
    let b = p.alloc_id();
    let now = p.now;
    let a_addrs = p.addrs[0].clone();
    p.ep(Side::B).connect(now, b, &a_addrs, PORT_A).unwrap();
    p.run_until(Duration::from_secs(10), |p| {
        connected_count(p, Side::A) == 1 && connected_count(p, Side::B) == 1
    });
    assert_eq!(p.eps[0].assoc(a).unwrap().state(), AssocState::Established);
    assert_eq!(p.eps[1].assoc(b).unwrap().state(), AssocState::Established);
    // Well before A's T1-init (3 s) would have resent the INIT.
    assert!(p.now - now < Duration::from_secs(1));
    let (ta, tb) = (p.eps[0].assoc(a).unwrap(), p.eps[1].assoc(b).unwrap());
    assert_eq!((ta.local_tag, ta.peer_tag), (tb.peer_tag, tb.local_tag));
    p.run_for(Duration::from_secs(10));
    assert_eq!(connected_count(&p, Side::A), 1);
    assert_eq!(connected_count(&p, Side::B), 1);
}

/// The State Cookie of an INIT ACK packet and the packet's Initiate Tag.
fn cookie_of(init_ack: &[u8]) -> (u32, Vec<u8>) {
    let pkt = crate::wire::Packet::parse(init_ack).unwrap();
    let Some(Ok(crate::wire::Chunk::InitAck(ack))) = pkt.chunks().next() else {
        panic!("INIT ACK expected")
    };
    let cookie = ack
        .params
        .iter()
        .find_map(|p| match p {
            crate::wire::Param::StateCookie(c) => Some(c.to_vec()),
            _ => None,
        })
        .unwrap();
    (ack.initiate_tag, cookie)
}

#[test]
fn late_cookie_echo_case_c_discarded() {
    let mut p = Pair::new(44);
    let a = p.connect();
    let (_, init) = p.take_packets(Side::A).pop().unwrap();
    let a_addr = p.addrs[0][0];
    // B answers the INIT twice (a retransmission): two cookies, two different B tags.
    p.inject(Side::B, a_addr, &init);
    let (_, ack1) = p.take_packets(Side::B).pop().unwrap();
    p.inject(Side::B, a_addr, &init);
    let (_, ack2) = p.take_packets(Side::B).pop().unwrap();
    let (tag2, cookie2) = cookie_of(&ack2);
    p.inject(Side::A, p.addrs[1][0], &ack1);
    p.run_until(Duration::from_secs(5), |p| {
        p.connected_id(Side::A) == Some(a)
    });
    let b = p.connected_id(Side::B).unwrap();
    let before = (
        p.eps[1].assoc(b).unwrap().local_tag,
        p.eps[1].assoc(b).unwrap().peer_tag,
    );
    assert_ne!(before.0, tag2);
    // The second cookie arrives late: our tag differs, the peer's matches, no tie-tags.
    let echo =
        crate::wire::Chunk::CookieEcho(crate::wire::chunk::CookieEchoChunk { cookie: &cookie2 });
    let pkt = super::pair::packet(PORT_A, super::pair::PORT_B, tag2, &[echo]);
    p.inject(Side::B, a_addr, &pkt);
    assert!(
        p.take_packets(Side::B).is_empty(),
        "case C is silently discarded"
    );
    let after = (
        p.eps[1].assoc(b).unwrap().local_tag,
        p.eps[1].assoc(b).unwrap().peer_tag,
    );
    assert_eq!(before, after);
    assert_eq!(p.eps[1].assoc_ids().count(), 1);
    assert_eq!(connected_count(&p, Side::B), 1);
}

#[test]
fn random_setup_and_teardown_under_loss() {
    use crate::assoc::AssocConfig;
    for seed in 0..60u64 {
        let mut gen = super::pair::TestRng::new(seed);
        let cfg = AssocConfig {
            hb_interval: Duration::from_secs(5),
            ..AssocConfig::default()
        };
        let mut p = Pair::with(500 + seed, cfg.clone(), cfg, 1 + gen.below(2) as usize);
        p.link.loss = [0.0, 0.1, 0.25][gen.below(3) as usize];
        p.link.reorder = 0.3;
        p.link.duplicate = 0.1;
        p.ep(Side::A).set_listening(None);
        // Setup through a milder link (a 25% loss can legitimately exhaust the INIT and
        // COOKIE ECHO retransmissions); teardown through the chosen one.
        let loss = p.link.loss;
        p.link.loss = loss.min(0.1);
        let a = p.connect();
        let both = gen.below(2) == 0;
        let mut b_own = None;
        if both {
            let id = p.alloc_id();
            let now = p.now;
            let peer = p.addrs[0].clone();
            p.ep(Side::B).connect(now, id, &peer, PORT_A).unwrap();
            b_own = Some(id);
        }
        let up = p.run_until(Duration::from_secs(300), |p| {
            connected_count(p, Side::A) >= 1 && connected_count(p, Side::B) >= 1
        });
        assert!(up, "seed {seed}: no setup");
        assert_eq!(connected_count(&p, Side::A), 1, "seed {seed}");
        assert_eq!(connected_count(&p, Side::B), 1, "seed {seed}");
        p.link.loss = loss;
        let b = p.connected_id(Side::B).unwrap();
        if let Some(id) = b_own {
            assert_eq!(
                b, id,
                "seed {seed}: the collision keeps B's own association"
            );
        }
        for i in 0..20u8 {
            let now = p.now;
            let m = OutgoingMessage {
                payload: vec![i; 500],
                ..OutgoingMessage::default()
            };
            p.ep(Side::A)
                .assoc_mut(a)
                .unwrap()
                .send(now, m.clone())
                .unwrap();
            p.ep(Side::B).assoc_mut(b).unwrap().send(now, m).unwrap();
        }
        let now = p.now;
        let how = gen.below(4);
        match how {
            0 => p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now),
            1 => p.ep(Side::B).assoc_mut(b).unwrap().shutdown(now),
            2 => {
                p.ep(Side::A).assoc_mut(a).unwrap().shutdown(now);
                p.ep(Side::B).assoc_mut(b).unwrap().shutdown(now);
            }
            _ => p.ep(Side::A).assoc_mut(a).unwrap().abort(now, b"x"),
        }
        let closed = p.run_until(Duration::from_secs(900), |p| {
            p.has_event(Side::A, |e| *e == Event::Closed)
                && p.has_event(Side::B, |e| *e == Event::Closed)
        });
        assert!(closed, "seed {seed} how {how}: not closed on both sides");
        if how < 3 {
            // Graceful: everything delivered both ways, ShutdownComplete on both.
            assert_eq!(p.inbox[0].len(), 20, "seed {seed} how {how}");
            assert_eq!(p.inbox[1].len(), 20, "seed {seed} how {how}");
            assert!(
                p.has_event(Side::A, |e| *e == Event::ShutdownComplete),
                "seed {seed} how {how}"
            );
            assert!(
                p.has_event(Side::B, |e| *e == Event::ShutdownComplete),
                "seed {seed} how {how}"
            );
        } else {
            assert!(
                p.has_event(Side::B, |e| matches!(e, Event::Lost { .. })),
                "seed {seed}"
            );
        }
    }
}
