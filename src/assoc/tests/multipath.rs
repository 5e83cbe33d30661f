//! RFC 9260 6.4 / 8.2 / 8.3 / 5.4: two addresses per side, path confirmation, path failure
//! and failover, path recovery.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::{AssocConfig, Event, OutgoingMessage, PathChange, PathState, PfExpose};

fn change(p: &Pair, side: Side, addr: std::net::IpAddr, c: PathChange) -> Option<usize> {
    p.events[side.idx()].iter().position(|(_, e)| {
        *e == Event::PeerAddrChange {
            addr,
            change: c,
            error: 0,
        }
    })
}

#[test]
fn blackholed_primary_fails_over_and_recovers() {
    let cfg = AssocConfig {
        hb_interval: Duration::from_secs(5),
        nodelay: true,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(50, cfg.clone(), cfg, 2);
    let (a, b) = p.connected();
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    // 5.4: the second address, listed in the INIT ACK, is confirmed by a heartbeat.
    p.run_until(Duration::from_secs(10), |p| {
        change(p, Side::A, b2, PathChange::Confirmed).is_some()
    });
    assert!(change(&p, Side::B, p.addrs[0][1], PathChange::Confirmed).is_some());
    let paths = p.eps[0].assoc(a).unwrap().paths();
    assert_eq!(paths.len(), 2);
    assert!(paths.iter().all(|i| i.state == PathState::Active));
    assert_eq!(p.eps[0].assoc(a).unwrap().primary(), b1);

    // The primary goes dark while data flows.
    p.blackhole.insert(b1);
    let mut next = 0u32;
    let mut feed = |p: &mut Pair, n: u32| {
        let now = p.now;
        for _ in 0..n {
            let m = OutgoingMessage {
                payload: next.to_be_bytes().repeat(100),
                ..OutgoingMessage::default()
            };
            if p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).is_ok() {
                next += 1;
            }
        }
    };
    let mut t = 0;
    while change(&p, Side::A, b1, PathChange::Unreachable).is_none() && t < 400 {
        feed(&mut p, 2);
        p.run_for(Duration::from_secs(1));
        t += 1;
    }
    assert!(
        change(&p, Side::A, b1, PathChange::Unreachable).is_some(),
        "path failure detected"
    );
    assert_eq!(
        p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().state,
        PathState::Inactive
    );
    // Data continues on the other path, without association failure.
    let before = p.inbox[1].len();
    feed(&mut p, 20);
    p.run_for(Duration::from_secs(3));
    assert!(
        p.inbox[1].len() >= before + 20,
        "data flows on the alternate path"
    );
    assert!(!p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })));

    // The path comes back: a heartbeat finds it (8.3) and it is Available again.
    p.blackhole.clear();
    p.run_until(Duration::from_secs(120), |p| {
        change(p, Side::A, b1, PathChange::Available).is_some()
    });
    assert!(change(&p, Side::A, b1, PathChange::Available).is_some());
    assert_eq!(
        p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().state,
        PathState::Active
    );
    // Everything sent arrived, in order.
    p.run_until(Duration::from_secs(60), |p| {
        p.inbox[1].len() == next as usize
    });
    let got: Vec<u32> = p.inbox[1]
        .iter()
        .map(|(_, m)| u32::from_be_bytes([m.payload[0], m.payload[1], m.payload[2], m.payload[3]]))
        .collect();
    assert_eq!(got, (0..next).collect::<Vec<u32>>());
    let _ = b;
}

#[test]
fn init_ack_from_another_peer_address_is_accepted() {
    let mut p = Pair::with(51, AssocConfig::default(), AssocConfig::default(), 2);
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    let id = p.alloc_id();
    let now = p.now;
    p.ep(Side::A)
        .connect(now, id, &[b1], super::pair::PORT_B)
        .unwrap();
    let (_, init) = p.take_packets(Side::A).pop().unwrap();
    let a1 = p.addrs[0][0];
    p.inject(Side::B, a1, &init);
    let (_, init_ack) = p.take_packets(Side::B).pop().unwrap();
    // The INIT ACK arrives from B's second address, which A never heard of.
    p.inject(Side::A, b2, &init_ack);
    let assoc = p.eps[0].assoc(id).unwrap();
    assert_eq!(assoc.state(), crate::assoc::AssocState::CookieEchoed);
    assert_eq!(assoc.primary(), b2);
    assert!(assoc.path_info(b1).is_some());
    assert_eq!(
        p.ep(Side::A).find_assoc_by_peer(b2, super::pair::PORT_B),
        Some(id)
    );
    p.run_until(Duration::from_secs(5), |p| {
        p.connected_id(Side::A) == Some(id)
    });
    assert_eq!(p.connected_id(Side::A), Some(id));
}

#[test]
fn flapping_paths_with_loss_deliver_everything_in_order() {
    let mut changes = 0;
    for seed in 0..4u64 {
        let cfg = AssocConfig {
            hb_interval: Duration::from_secs(2),
            nodelay: true,
            ..AssocConfig::default()
        };
        let mut p = Pair::with(200 + seed, cfg.clone(), cfg, 2);
        let (a, _b) = p.connected();
        p.link.loss = 0.1;
        p.link.reorder = 0.2;
        let mut gen = super::pair::TestRng::new(seed);
        let mut next = 0u32;
        for round in 0..300 {
            if round % 20 == 0 {
                // One of the two paths (both sides' addresses k) goes dark, or none.
                p.blackhole.clear();
                let k = gen.below(3) as usize;
                if k < 2 {
                    p.blackhole.insert(p.addrs[0][k]);
                    p.blackhole.insert(p.addrs[1][k]);
                }
            }
            let now = p.now;
            let m = OutgoingMessage {
                payload: next.to_be_bytes().repeat(50),
                ..OutgoingMessage::default()
            };
            if p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).is_ok() {
                next += 1;
            }
            p.run_for(Duration::from_millis(500));
        }
        p.blackhole.clear();
        p.run_until(Duration::from_secs(600), |p| {
            p.inbox[1].len() == next as usize
        });
        let got: Vec<u32> = p.inbox[1]
            .iter()
            .map(|(_, m)| {
                u32::from_be_bytes([m.payload[0], m.payload[1], m.payload[2], m.payload[3]])
            })
            .collect();
        assert_eq!(got, (0..next).collect::<Vec<u32>>(), "seed {seed}");
        assert!(
            !p.has_event(Side::A, |e| matches!(e, Event::Lost { .. })),
            "seed {seed}"
        );
        changes += p.events[0]
            .iter()
            .filter(|(_, e)| matches!(e, Event::PeerAddrChange { .. }))
            .count();
    }
    // Paths did fail and come back along the way.
    assert!(changes >= 4, "{changes}");
}

#[test]
fn potentially_failed_state_moves_data_early() {
    // RFC 7829: with pf_retrans 1 the primary is abandoned after two strikes, long before
    // Path.Max.Retrans (5) declares it unreachable; exposed, PF and its end are reported.
    let cfg = AssocConfig {
        pf_retrans: 1,
        pf_expose: PfExpose::Enable,
        nodelay: true,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(52, cfg.clone(), cfg, 2);
    let (a, _b) = p.connected();
    let b1 = p.addrs[1][0];
    p.run_until(Duration::from_secs(10), |p| {
        change(p, Side::A, p.addrs[1][1], PathChange::Confirmed).is_some()
    });
    p.blackhole.insert(b1);
    let mut sent = 0;
    let t0 = p.now;
    while change(&p, Side::A, b1, PathChange::PotentiallyFailed).is_none()
        && p.now - t0 < Duration::from_secs(60)
    {
        let now = p.now;
        let m = OutgoingMessage {
            payload: vec![7; 200],
            ..OutgoingMessage::default()
        };
        if p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).is_ok() {
            sent += 1;
        }
        p.run_for(Duration::from_millis(500));
    }
    let pf = change(&p, Side::A, b1, PathChange::PotentiallyFailed).expect("PF reported");
    assert!(change(&p, Side::A, b1, PathChange::Unreachable).is_none_or(|u| u > pf));
    assert_eq!(
        p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().state,
        PathState::PotentiallyFailed
    );
    // New data already flows on the other path.
    p.run_until(Duration::from_secs(5), |p| p.inbox[1].len() == sent);
    assert_eq!(p.inbox[1].len(), sent);
    // Back: the PF path is probed every RTO and becomes active again.
    p.blackhole.clear();
    p.run_until(Duration::from_secs(30), |p| {
        change(p, Side::A, b1, PathChange::Available).is_some()
    });
    assert_eq!(
        p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().state,
        PathState::Active
    );
}

#[test]
fn heartbeat_on_demand_measures_rtt_and_path_options_apply() {
    let cfg = AssocConfig {
        hb_interval: Duration::ZERO,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(53, cfg.clone(), cfg, 2);
    let (a, _b) = p.connected();
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    p.run_until(Duration::from_secs(10), |p| {
        change(p, Side::A, b2, PathChange::Confirmed).is_some()
    });
    assert_eq!(p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().srtt_ms, 0);
    // SPP_HB_DEMAND: a HEARTBEAT goes out at once; its ACK gives the path an RTT (2 x 10 ms).
    p.start_trace();
    assert!(p.ep(Side::A).assoc_mut(a).unwrap().request_heartbeat(b1));
    assert!(!p
        .ep(Side::A)
        .assoc_mut(a)
        .unwrap()
        .request_heartbeat(super::pair::addr("10.9.9.9")));
    p.run_for(Duration::from_millis(100));
    let hb = p
        .take_trace()
        .into_iter()
        .filter(|s| s.from == Side::A && s.chunks == vec![crate::wire::chunk::kind::HEARTBEAT])
        .count();
    assert_eq!(hb, 1);
    let info = p.eps[0].assoc(a).unwrap().path_info(b1).unwrap();
    assert_eq!(info.srtt_ms, 20);
    // Per-path Path.Max.Retrans 0: the first unanswered probe fails the path.
    p.ep(Side::A)
        .assoc_mut(a)
        .unwrap()
        .set_path_max_retrans(Some(b2), 0);
    p.blackhole.insert(b2);
    let now = p.now;
    p.ep(Side::A)
        .assoc_mut(a)
        .unwrap()
        .set_hb_interval(now, Some(b2), Duration::from_secs(1));
    p.run_until(Duration::from_secs(30), |p| {
        change(p, Side::A, b2, PathChange::Unreachable).is_some()
    });
    assert!(change(&p, Side::A, b2, PathChange::Unreachable).is_some());
    assert_eq!(
        p.eps[0].assoc(a).unwrap().path_info(b1).unwrap().state,
        PathState::Active
    );
    // SCTP_PRIMARY_ADDR reports ADDR_MADE_PRIM.
    assert!(p.ep(Side::A).assoc_mut(a).unwrap().set_primary(b2));
    p.flush();
    assert!(change(&p, Side::A, b2, PathChange::MadePrimary).is_some());
    // With the primary down, data goes to the other, active address.
    let now = p.now;
    let m = OutgoingMessage {
        payload: b"x".to_vec(),
        ..OutgoingMessage::default()
    };
    p.ep(Side::A).assoc_mut(a).unwrap().send(now, m).unwrap();
    p.run_until(Duration::from_secs(2), |p| !p.inbox[1].is_empty());
    assert_eq!(p.inbox[1].len(), 1);
}

/// Linux `sctp_gen_sack`: the delayed-SACK values of the path the DATA came from. With
/// SPP_SACKDELAY_DISABLE on that path only, B acknowledges a lone DATA packet at once;
/// otherwise after its delayed-SACK timeout.
#[test]
fn delayed_sack_follows_the_path_the_data_came_from() {
    let lone_sack_delay = |disable: bool| {
        let mut p = Pair::new(61);
        let (a, b) = p.connected();
        // B does not read, so no window update SACK hides the delayed one.
        p.read[1] = false;
        p.run_until(Duration::from_secs(2), |_| false);
        if disable {
            let a_addr = p.addrs[0][0];
            p.eps[1]
                .assoc_mut(b)
                .unwrap()
                .set_path_sack(Some(a_addr), None, Some(false));
        }
        p.start_trace();
        p.send_message(Side::A, a, vec![1; 100]);
        p.run_until(Duration::from_secs(2), |_| false);
        let t = p.take_trace();
        let (data, sack) = (
            crate::wire::chunk::kind::DATA,
            crate::wire::chunk::kind::SACK,
        );
        let data_at = t
            .iter()
            .find(|s| s.from == Side::A && s.chunks.contains(&data))
            .map(|s| s.at)
            .unwrap();
        let sack_at = t
            .iter()
            .find(|s| s.from == Side::B && s.at >= data_at && s.chunks.contains(&sack))
            .map(|s| s.at)
            .unwrap();
        sack_at - data_at
    };
    let delayed = lone_sack_delay(false);
    let at_once = lone_sack_delay(true);
    assert!(delayed >= Duration::from_millis(150), "{delayed:?}");
    assert!(at_once < Duration::from_millis(50), "{at_once:?}");
}
