//! RFC 9260 5.1: the four-way handshake, INIT / COOKIE ECHO retransmission, stale cookies.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{AssocConfig, AssocState, Event};
use crate::wire::chunk::kind;
use crate::wire::{Chunk, Packet};

#[test]
fn handshake_step_by_step() {
    let mut p = Pair::new(1);
    p.start_trace();
    let a = p.connect();
    assert_eq!(
        p.eps[0].assoc(a).map(|x| x.state()),
        Some(AssocState::CookieWait)
    );

    p.flush();
    let t = p.take_trace();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].to, p.addrs[1][0]);
    assert_eq!(
        (t[0].from, t[0].vtag, t[0].chunks.clone()),
        (Side::A, 0, vec![kind::INIT])
    );
    let pkt = Packet::parse(&t[0].bytes).unwrap();
    let Some(Ok(Chunk::Init(init))) = pkt.chunks().next() else {
        panic!("not an INIT")
    };
    let a_tag = init.initiate_tag;
    assert_ne!(a_tag, 0);
    assert_eq!(init.num_outbound_streams, 10);
    // B keeps no state for an INIT (5.1.3).
    p.step();
    assert_eq!(p.eps[1].assoc_ids().count(), 0);
    let t = p.take_trace();
    assert_eq!(
        (t[0].from, t[0].vtag, t[0].chunks.clone()),
        (Side::B, a_tag, vec![kind::INIT_ACK])
    );
    let pkt = Packet::parse(&t[0].bytes).unwrap();
    let Some(Ok(Chunk::InitAck(ack))) = pkt.chunks().next() else {
        panic!("not an INIT ACK")
    };
    let b_tag = ack.initiate_tag;

    p.step();
    let t = p.take_trace();
    assert_eq!(
        (t[0].from, t[0].vtag, t[0].chunks.clone()),
        (Side::A, b_tag, vec![kind::COOKIE_ECHO])
    );
    assert_eq!(
        p.eps[0].assoc(a).map(|x| x.state()),
        Some(AssocState::CookieEchoed)
    );

    p.step();
    let t = p.take_trace();
    assert_eq!(
        (t[0].from, t[0].vtag, t[0].chunks.clone()),
        (Side::B, a_tag, vec![kind::COOKIE_ACK])
    );
    let b = p.connected_id(Side::B).expect("B up on COOKIE ECHO");
    assert_eq!(
        p.eps[1].assoc(b).map(|x| x.state()),
        Some(AssocState::Established)
    );
    assert_eq!(p.eps[1].unaccepted(), 1);

    p.step();
    assert_eq!(
        p.eps[0].assoc(a).map(|x| x.state()),
        Some(AssocState::Established)
    );
    let up = Event::Connected {
        outbound_streams: 10,
        inbound_streams: 10,
    };
    // Without AUTH, Linux follows COMM_UP with SCTP_AUTH_NO_AUTH.
    let no_auth = Event::AuthKey {
        key_id: 0,
        indication: crate::assoc::AuthIndication::NoAuth,
    };
    assert_eq!(p.events[0], vec![(a, up.clone()), (a, no_auth.clone())]);
    assert_eq!(p.events[1], vec![(b, up), (b, no_auth)]);
    // RFC 6951 5.4: the UDP port of the peer address was learned from its packets.
    let b_addr = p.addrs[1][0];
    assert_eq!(
        p.eps[0]
            .assoc(a)
            .unwrap()
            .path_info(b_addr)
            .unwrap()
            .udp_port,
        super::pair::PORT_B
    );
    let st = p.eps[0].assoc(a).unwrap().status();
    assert_eq!(
        (st.outbound_streams, st.inbound_streams, st.peer_port),
        (10, 10, super::pair::PORT_B)
    );
}

#[test]
fn stream_counts_are_negotiated_down() {
    let a = AssocConfig {
        outbound_streams: 100,
        max_inbound_streams: 3,
        ..AssocConfig::default()
    };
    let b = AssocConfig {
        outbound_streams: 7,
        max_inbound_streams: 50,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(2, a, b, 1);
    let (ia, ib) = p.connected();
    assert!(p.events[0].contains(&(
        ia,
        Event::Connected {
            outbound_streams: 50,
            inbound_streams: 3
        }
    )));
    assert!(p.events[1].contains(&(
        ib,
        Event::Connected {
            outbound_streams: 3,
            inbound_streams: 50
        }
    )));
}

#[test]
fn adaptation_indication_reported_after_comm_up() {
    let a = AssocConfig {
        adaptation_indication: Some(0x1234),
        ..AssocConfig::default()
    };
    let b = AssocConfig {
        adaptation_indication: Some(0x5678),
        ..AssocConfig::default()
    };
    let mut p = Pair::with(3, a, b, 1);
    let (ia, ib) = p.connected();
    p.run_for(Duration::from_millis(100));
    let ev_a: Vec<&Event> = p.events[0]
        .iter()
        .filter(|(id, _)| *id == ia)
        .map(|(_, e)| e)
        .collect();
    assert!(matches!(ev_a[0], Event::Connected { .. }));
    assert_eq!(ev_a[1], &Event::AdaptationIndication(0x5678));
    assert!(p.events[1].contains(&(ib, Event::AdaptationIndication(0x1234))));
}

#[test]
fn init_retransmitted_with_backoff_then_cant_start() {
    let cfg = AssocConfig {
        max_init_retransmits: 3,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(4, cfg, AssocConfig::default(), 1);
    p.alive[1] = false;
    p.start_trace();
    let a = p.connect();
    let (inits, end) = inits_until_cant_start(&mut p);
    // RTO.Initial 3 s doubling: 0, 3, 9, 21; CantStart at 45.
    assert_eq!(inits, secs(&[0, 3, 9, 21]));
    assert_eq!(end, Duration::from_secs(45));
    assert!(p.events[0].contains(&(
        a,
        Event::CantStart {
            error: 0,
            causes: Vec::new()
        }
    )));
    assert!(p.events[0].contains(&(a, Event::Closed)));
}

#[test]
fn init_backoff_stops_at_max_init_timeo() {
    let cfg = AssocConfig {
        max_init_retransmits: 3,
        max_init_timeo: Duration::from_secs(4),
        ..AssocConfig::default()
    };
    let mut p = Pair::with(4, cfg, AssocConfig::default(), 1);
    p.alive[1] = false;
    p.start_trace();
    p.connect();
    let (inits, end) = inits_until_cant_start(&mut p);
    // RTO.Initial 3 s, then doubling capped at sinit_max_init_timeo 4 s: 0, 3, 7, 11.
    assert_eq!(inits, secs(&[0, 3, 7, 11]));
    assert_eq!(end, Duration::from_secs(15));
}

/// Runs a traced pair whose A just connected to a dead B until A reports CantStart: the
/// times of A's INITs and of the CantStart, from the connect.
fn inits_until_cant_start(p: &mut Pair) -> (Vec<Duration>, Duration) {
    let t0 = p.now;
    p.run_until(Duration::from_secs(120), |p| {
        p.has_event(Side::A, |e| matches!(e, Event::CantStart { .. }))
    });
    let inits = p
        .take_trace()
        .iter()
        .filter(|s| s.chunks == vec![kind::INIT])
        .map(|s| s.at - t0)
        .collect();
    (inits, p.now - t0)
}

fn secs(v: &[u64]) -> Vec<Duration> {
    v.iter().map(|s| Duration::from_secs(*s)).collect()
}

#[test]
fn cookie_echo_retransmitted_then_cant_start() {
    let cfg = AssocConfig {
        max_init_retransmits: 2,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(5, cfg, AssocConfig::default(), 1);
    p.start_trace();
    let a = p.connect();
    // Let INIT / INIT ACK through, then B goes silent.
    p.step();
    p.step();
    p.alive[1] = false;
    p.run_until(Duration::from_secs(60), |p| {
        p.has_event(Side::A, |e| matches!(e, Event::CantStart { .. }))
    });
    let echoes: Vec<_> = p
        .take_trace()
        .into_iter()
        .filter(|s| s.chunks == vec![kind::COOKIE_ECHO])
        .collect();
    assert_eq!(echoes.len(), 3);
    // T1-cookie starts at the path's RTO (3 s, no measurement yet) and doubles.
    assert_eq!(echoes[1].at - echoes[0].at, Duration::from_secs(3));
    assert_eq!(echoes[2].at - echoes[1].at, Duration::from_secs(6));
    assert_eq!(p.now - echoes[2].at, Duration::from_secs(12));
    assert!(p.events[0].contains(&(
        a,
        Event::CantStart {
            error: 0,
            causes: Vec::new()
        }
    )));
    // B never created a TCB (the cookie never arrived).
    assert_eq!(p.eps[1].assoc_ids().count(), 0);
}

#[test]
fn stale_cookie_then_retry_with_preservative() {
    // B's cookies live 1 s; the link takes 1.5 s each way: the first COOKIE ECHO is stale.
    let b = AssocConfig {
        valid_cookie_life: Duration::from_secs(1),
        ..AssocConfig::default()
    };
    let a = AssocConfig {
        rto_initial: Duration::from_secs(10),
        ..AssocConfig::default()
    };
    let mut p = Pair::with(6, a, b, 1);
    p.link.latency = Duration::from_millis(1500);
    p.start_trace();
    let ia = p.connect();
    p.run_until(Duration::from_secs(60), |p| {
        p.connected_id(Side::A).is_some()
    });
    let t = p.take_trace();
    let kinds: Vec<(Side, Vec<u8>)> = t.iter().map(|s| (s.from, s.chunks.clone())).collect();
    assert_eq!(kinds[0], (Side::A, vec![kind::INIT]));
    assert_eq!(kinds[1], (Side::B, vec![kind::INIT_ACK]));
    assert_eq!(kinds[2], (Side::A, vec![kind::COOKIE_ECHO]));
    assert_eq!(kinds[3], (Side::B, vec![kind::ERROR]));
    // 5.2.6: a new INIT with a Cookie Preservative, then success.
    assert_eq!(kinds[4], (Side::A, vec![kind::INIT]));
    let pkt = Packet::parse(&t[4].bytes).unwrap();
    let Some(Ok(Chunk::Init(init))) = pkt.chunks().next() else {
        panic!()
    };
    assert!(init
        .params
        .iter()
        .any(|p| matches!(p, crate::wire::Param::CookiePreservative(ms) if *ms >= 1000)));
    assert_eq!(p.connected_id(Side::A), Some(ia));
    assert!(!p.has_event(Side::A, |e| matches!(e, Event::RemoteError { .. })));
}

#[test]
fn data_rides_along_the_cookie_echo() {
    let mut p = Pair::new(7);
    p.start_trace();
    let a = p.connect();
    let now = p.now;
    let m = crate::assoc::OutgoingMessage {
        payload: b"early".to_vec(),
        ..Default::default()
    };
    p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).unwrap();
    p.run_until(Duration::from_secs(5), |p| !p.inbox[1].is_empty());
    let t = p.take_trace();
    let echo = t
        .iter()
        .find(|s| s.chunks.first() == Some(&kind::COOKIE_ECHO))
        .unwrap();
    assert_eq!(echo.chunks, vec![kind::COOKIE_ECHO, kind::DATA]);
    assert_eq!(p.inbox[1][0].1.payload, b"early");
    // Delivered one round trip after the COOKIE ECHO left.
    assert!(p.now - echo.at <= p.link.latency);
}

#[test]
fn icmp_unreachable_for_our_init_fails_the_setup() {
    let mut p = Pair::new(8);
    let a = p.connect();
    let (t, init) = p.take_packets(Side::A).pop().unwrap();
    let now = p.now;
    // A quote of some other packet (wrong Initiate Tag) is ignored.
    let mut forged = init.clone();
    forged[16] ^= 0xff;
    p.ep(Side::A).handle_unreachable(now, t.remote, &forged);
    p.ep(Side::A).handle_unreachable(now, t.remote, &init[..14]);
    assert_eq!(p.eps[0].assoc(a).unwrap().state(), AssocState::CookieWait);
    p.ep(Side::A).handle_unreachable(now, t.remote, &init[..28]);
    p.flush();
    assert!(p.events[0].contains(&(
        a,
        Event::CantStart {
            error: 0,
            causes: Vec::new()
        }
    )));
    assert_eq!(
        p.eps[0].assoc(a).unwrap().close_reason(),
        Some(crate::assoc::CloseReason::AbortReceived)
    );
}
