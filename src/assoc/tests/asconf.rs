//! RFC 5061 ASCONF on the pair (two addresses per side, AUTH and ASCONF on): an address added
//! on a live association becomes a path the peer uses, a deleted one stops being used, Set
//! Primary, refusals, retransmission on T-4.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::pair::{addr, Pair, Side};
use crate::assoc::{AssocConfig, Association, Event, OutgoingMessage, PathChange, PathState};
use crate::wire::chunk::kind;

fn on() -> AssocConfig {
    AssocConfig {
        auth_supported: true,
        asconf_supported: true,
        ..AssocConfig::default()
    }
}

/// A asks for an address change on association `a`; the request must be accepted.
fn request(p: &mut Pair, a: i32, op: fn(&mut Association, Instant, IpAddr) -> bool, ip: IpAddr) {
    let now = p.now;
    assert!(op(p.ep(Side::A).assoc_mut(a).unwrap(), now, ip));
}

/// Runs the pair until A's ASCONF on association `a` is answered.
fn answered(p: &mut Pair, a: i32) {
    p.run_until(Duration::from_secs(10), |p| {
        !p.eps[0].assoc(a).unwrap().asconf_pending()
    });
}

fn changes(p: &Pair, side: Side, change: PathChange) -> Vec<IpAddr> {
    p.events[side.idx()]
        .iter()
        .filter_map(|(_, e)| match e {
            Event::PeerAddrChange {
                addr, change: c, ..
            } if *c == change => Some(*addr),
            _ => None,
        })
        .collect()
}

fn peer_addrs(p: &Pair, side: Side, id: i32) -> Vec<IpAddr> {
    p.eps[side.idx()]
        .assoc(id)
        .unwrap()
        .paths()
        .iter()
        .map(|i| i.addr)
        .collect()
}

fn send(p: &mut Pair, side: Side, id: i32, n: usize) {
    let now = p.now;
    for i in 0..n {
        let m = OutgoingMessage {
            payload: vec![i as u8; 200],
            ..OutgoingMessage::default()
        };
        p.ep(side).assoc_mut(id).unwrap().send(now, m).unwrap();
    }
}

#[test]
fn negotiated_only_with_auth_on_both_sides() {
    let asconf_only = AssocConfig {
        asconf_supported: true,
        ..AssocConfig::default()
    };
    for (a_cfg, b_cfg, expect) in [
        (on(), on(), true),
        (on(), AssocConfig::default(), false),
        (asconf_only.clone(), asconf_only, false),
    ] {
        let mut p = Pair::with(100, a_cfg, b_cfg, 2);
        let (a, b) = p.connected();
        assert_eq!(p.eps[0].assoc(a).unwrap().asconf_on, expect);
        assert_eq!(p.eps[1].assoc(b).unwrap().asconf_on, expect);
        let now = p.now;
        let x = p.ep(Side::A).assoc_mut(a).unwrap();
        assert_eq!(x.add_local_address(now, addr("10.0.2.1")), expect);
    }
}

#[test]
fn added_address_becomes_a_path_the_peer_uses() {
    let mut p = Pair::with(101, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let new = addr("10.0.2.1");
    p.addrs[0].push(new);
    p.start_trace();
    request(&mut p, a, Association::add_local_address, new);
    answered(&mut p, a);
    // The ASCONF and its ACK were authenticated (AUTH first in their packets).
    let trace = p.take_trace();
    for (from, c) in [(Side::A, kind::ASCONF), (Side::B, kind::ASCONF_ACK)] {
        let t = trace
            .iter()
            .find(|t| t.from == from && t.chunks.contains(&c))
            .expect("sent");
        assert_eq!(t.chunks, vec![kind::AUTH, c]);
    }
    assert_eq!(changes(&p, Side::B, PathChange::Added), vec![new]);
    assert!(peer_addrs(&p, Side::B, b).contains(&new));
    assert!(p.eps[0].assoc(a).unwrap().local.addrs.contains(&new));
    // Heartbeats confirm the new path; then it carries data when made primary.
    p.run_until(Duration::from_secs(30), |p| {
        p.eps[1].assoc(b).unwrap().path_info(new).map(|i| i.state) == Some(PathState::Active)
    });
    assert!(changes(&p, Side::B, PathChange::Confirmed).contains(&new));
    assert!(p.ep(Side::B).assoc_mut(b).unwrap().set_primary(new));
    p.start_trace();
    send(&mut p, Side::B, b, 3);
    p.run_until(Duration::from_secs(10), |p| p.inbox[0].len() == 3);
    assert_eq!(p.inbox[0].len(), 3);
    let trace = p.take_trace();
    assert!(trace
        .iter()
        .any(|t| t.from == Side::B && t.to == new && t.chunks.contains(&kind::DATA)));
}

#[test]
fn deleted_address_stops_being_used() {
    let mut p = Pair::with(102, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let gone = addr("10.0.1.1");
    assert!(peer_addrs(&p, Side::B, b).contains(&gone));
    request(&mut p, a, Association::remove_local_address, gone);
    answered(&mut p, a);
    assert_eq!(changes(&p, Side::B, PathChange::Removed), vec![gone]);
    assert_eq!(peer_addrs(&p, Side::B, b), vec![addr("10.0.0.1")]);
    assert!(!p.eps[0].assoc(a).unwrap().local.addrs.contains(&gone));
    // The address leaves A's host (the pair then sends A's packets from 10.0.0.1); nothing
    // goes to it any more, heartbeats included.
    p.addrs[0].retain(|x| *x != gone);
    p.start_trace();
    send(&mut p, Side::B, b, 5);
    p.run_for(Duration::from_secs(120));
    assert_eq!(p.inbox[0].len(), 5);
    let trace = p.take_trace();
    assert!(trace.iter().any(|t| t.from == Side::B));
    let bad: Vec<_> = trace
        .iter()
        .filter(|t| t.from == Side::B && t.to == gone)
        .map(|t| t.chunks.clone())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn peer_refuses_to_delete_the_source_address() {
    let mut p = Pair::with(103, on(), on(), 2);
    let (a, b) = p.connected();
    // The pair sends A's packets to 10.0.0.2 from 10.0.0.1: the peer refuses (5.2.1 D8).
    let src = addr("10.0.0.1");
    request(&mut p, a, Association::remove_local_address, src);
    answered(&mut p, a);
    assert!(changes(&p, Side::B, PathChange::Removed).is_empty());
    assert!(peer_addrs(&p, Side::B, b).contains(&src));
    assert!(p.eps[0].assoc(a).unwrap().local.addrs.contains(&src));
}

#[test]
fn set_peer_primary() {
    let mut p = Pair::with(104, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let want = addr("10.0.1.1");
    assert_ne!(p.eps[1].assoc(b).unwrap().primary(), want);
    request(&mut p, a, Association::set_peer_primary, want);
    answered(&mut p, a);
    assert_eq!(p.eps[1].assoc(b).unwrap().primary(), want);
    assert_eq!(changes(&p, Side::B, PathChange::MadePrimary), vec![want]);
}

#[test]
fn lost_asconf_is_retransmitted_once_processed() {
    let mut p = Pair::with(105, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let new = addr("10.0.2.1");
    p.addrs[0].push(new);
    // The first ASCONF and the first ASCONF ACK are lost.
    p.drop_next.push((Side::A, kind::ASCONF));
    p.drop_next.push((Side::B, kind::ASCONF_ACK));
    p.start_trace();
    request(&mut p, a, Association::add_local_address, new);
    p.run_until(Duration::from_secs(30), |p| {
        !p.eps[0].assoc(a).unwrap().asconf_pending()
    });
    assert!(!p.eps[0].assoc(a).unwrap().asconf_pending());
    let sent = p
        .take_trace()
        .iter()
        .filter(|t| t.from == Side::A && t.chunks.contains(&kind::ASCONF))
        .count();
    assert!(sent >= 3, "{sent}");
    // Processed once (the retransmission after the lost ACK got the same ACK again).
    assert_eq!(changes(&p, Side::B, PathChange::Added), vec![new]);
    let _ = b;
}

#[test]
fn asconf_from_the_address_it_adds_is_found_by_its_address_parameter() {
    let mut p = Pair::with(106, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let new = addr("10.0.2.1");
    p.addrs[0].push(new);
    request(&mut p, a, Association::add_local_address, new);
    // The ASCONF arrives from the new address, unknown to B so far.
    let asconf = p
        .take_packets(Side::A)
        .into_iter()
        .map(|(_, bytes)| bytes)
        .find(|bytes| {
            crate::wire::Packet::parse(bytes).is_ok_and(|pkt| {
                pkt.chunks()
                    .any(|c| matches!(c, Ok(crate::wire::Chunk::Asconf(_))))
            })
        })
        .expect("ASCONF sent");
    p.inject(Side::B, new, &asconf);
    answered(&mut p, a);
    assert_eq!(changes(&p, Side::B, PathChange::Added), vec![new]);
    assert!(peer_addrs(&p, Side::B, b).contains(&new));
    assert!(!p.eps[0].assoc(a).unwrap().asconf_pending());
}

#[test]
fn endpoint_pair_keys_must_match() {
    let keyed = |k: &[u8]| AssocConfig {
        auth_keys: [(1u16, k.to_vec())].into_iter().collect(),
        auth_active_key: 1,
        ..on()
    };
    for (kb, works) in [(&b"secret"[..], true), (&b"other"[..], false)] {
        let mut p = Pair::with(107, keyed(b"secret"), keyed(kb), 2);
        let (a, b) = p.connected();
        let want = addr("10.0.1.1");
        request(&mut p, a, Association::set_peer_primary, want);
        p.run_for(Duration::from_secs(3));
        // With another key B drops the ASCONF (RFC 4895 6.3); A keeps retransmitting it.
        assert_eq!(p.eps[1].assoc(b).unwrap().primary() == want, works);
        assert_eq!(p.eps[0].assoc(a).unwrap().asconf_pending(), !works);
    }
}

#[test]
fn adding_and_deleting_in_turn_keeps_the_path_list_bounded() {
    let mut p = Pair::with(108, on(), on(), 2);
    let (a, b) = p.connected();
    for k in 0..40u8 {
        let x = addr(&format!("10.9.{k}.1"));
        for add in [true, false] {
            let now = p.now;
            let ep = p.ep(Side::A).assoc_mut(a).unwrap();
            assert!(if add {
                ep.add_local_address(now, x)
            } else {
                ep.remove_local_address(now, x)
            });
            answered(&mut p, a);
        }
    }
    assert_eq!(changes(&p, Side::B, PathChange::Added).len(), 40);
    assert_eq!(changes(&p, Side::B, PathChange::Removed).len(), 40);
    assert_eq!(peer_addrs(&p, Side::B, b).len(), 2);
    assert!(p.eps[1].assoc(b).unwrap().paths.list.len() <= 3);
}

/// The ASCONF that deletes the address a path was reached on goes from another of our
/// addresses that can reach the peer: never a loopback address towards a remote peer (a
/// wildcard bind lists the host's loopback addresses too).
#[test]
fn asconf_source_skips_the_deleted_and_loopback_addresses() {
    let mut p = Pair::with(109, on(), on(), 2);
    let (a, _b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let (a1, a2) = (p.addrs[0][0], p.addrs[0][1]);
    let ax = p.ep(Side::A).assoc_mut(a).unwrap();
    ax.local.addrs = vec![addr("127.0.0.1"), a1, a2];
    for path in &mut ax.paths.list {
        path.local = Some(a2);
    }
    p.start_trace();
    request(&mut p, a, Association::remove_local_address, a2);
    answered(&mut p, a);
    let sources: Vec<IpAddr> = p
        .take_trace()
        .iter()
        .filter(|s| s.from == Side::A)
        .filter_map(|s| {
            let pkt = crate::wire::Packet::parse(&s.bytes).ok()?;
            pkt.chunks().find_map(|c| match c {
                Ok(crate::wire::Chunk::Asconf(x)) => match x.address {
                    crate::wire::Param::Address(ip) => Some(ip),
                    _ => None,
                },
                _ => None,
            })
        })
        .collect();
    assert_eq!(sources, vec![a1]);
    assert!(!p.eps[0].assoc(a).unwrap().local_addrs().contains(&a2));
}

/// Linux `sctp_assoc_add_peer`: a path the peer adds takes the association's PLPMTUD
/// interval and starts probing from the base size.
#[test]
fn added_path_takes_the_plpmtud_interval() {
    let mut p = Pair::with(107, on(), on(), 2);
    let (a, b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let now = p.now;
    p.ep(Side::B)
        .assoc_mut(b)
        .unwrap()
        .set_probe_interval(now, None, Duration::from_secs(5));
    let new = addr("10.0.2.1");
    p.addrs[0].push(new);
    request(&mut p, a, Association::add_local_address, new);
    answered(&mut p, a);
    let x = p.eps[1].assoc(b).unwrap();
    let path = &x.paths.list[x.paths.find(new).expect("added")];
    assert!(path.pl.is_some(), "the added path probes");
}
