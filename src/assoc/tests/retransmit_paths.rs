//! Where data goes when paths fail and return (RFC 9260 6.4, 6.4.1, 8.2; RFC 7829, as Linux):
//! retransmissions after a T3-rtx expiry and fast retransmissions go to an alternate active
//! address; the PotentiallyFailed state (Linux `pf_enable`, `pf_retrans`, `pf_expose`) moves
//! new data after the first timeout and is reported only when exposed; new data returns to
//! the primary once it answers again, unless the primary switchover threshold (`ps_retrans`)
//! made the alternate the primary.

use std::net::IpAddr;
use std::time::Duration;

use super::pair::{Pair, Sent, Side};
use crate::assoc::{AssocConfig, AssocId, Event, PathChange, PathState, PfExpose};
use crate::wire::{Chunk, Packet};

/// TSNs of the DATA chunks of a traced packet.
fn data_tsns(s: &Sent) -> Vec<u32> {
    let Ok(pkt) = Packet::parse(&s.bytes) else {
        return Vec::new();
    };
    pkt.chunks()
        .filter_map(|c| match c {
            Ok(Chunk::Data(d)) => Some(d.tsn),
            _ => None,
        })
        .collect()
}

/// Destinations A sent DATA chunk `tsn` to, in order.
fn sends_of(trace: &[Sent], tsn: u32) -> Vec<IpAddr> {
    trace
        .iter()
        .filter(|s| s.from == Side::A && data_tsns(s).contains(&tsn))
        .map(|s| s.to)
        .collect()
}

/// A connected pair with two paths, both confirmed (nodelay: one message per packet).
fn two_paths(seed: u64, cfg: AssocConfig) -> (Pair, AssocId) {
    let cfg = AssocConfig {
        nodelay: true,
        hb_interval: Duration::from_secs(5),
        ..cfg
    };
    let mut p = Pair::with(seed, cfg.clone(), cfg, 2);
    let (a, _) = p.connected();
    let b2 = p.addrs[1][1];
    p.run_until(Duration::from_secs(10), |p| {
        p.eps[0]
            .assoc(a)
            .and_then(|x| x.path_info(b2))
            .is_some_and(|i| i.state == PathState::Active)
    });
    p.start_trace();
    (p, a)
}

fn send(p: &mut Pair, a: AssocId, byte: u8) {
    p.send_message(Side::A, a, vec![byte; 100]);
}

/// The destination of the next DATA A sends (a new message, delivered).
fn next_data_goes_to(p: &mut Pair, a: AssocId) -> IpAddr {
    p.take_trace();
    p.start_trace();
    let before = p.inbox[1].len();
    send(p, a, 0xee);
    p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() > before);
    let trace = p.take_trace();
    p.start_trace();
    trace
        .iter()
        .find(|s| s.from == Side::A && !data_tsns(s).is_empty())
        .map(|s| s.to)
        .expect("DATA sent")
}

/// Sends one message and runs until it is delivered: where its DATA chunk went, in order.
fn one_message_goes_to(p: &mut Pair, a: AssocId) -> Vec<IpAddr> {
    let before = p.inbox[1].len();
    send(p, a, 1);
    p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() > before);
    assert_eq!(p.inbox[1].len(), before + 1);
    let trace = p.take_trace();
    p.start_trace();
    let tsn = trace
        .iter()
        .find_map(|s| data_tsns(s).first().copied())
        .expect("DATA");
    sends_of(&trace, tsn)
}

fn state(p: &Pair, a: AssocId, addr: IpAddr) -> PathState {
    p.eps[0]
        .assoc(a)
        .and_then(|x| x.path_info(addr))
        .expect("path")
        .state
}

fn path_events(p: &Pair, addr: IpAddr) -> Vec<PathChange> {
    p.events[0]
        .iter()
        .filter_map(|(_, e)| match e {
            Event::PeerAddrChange {
                addr: x, change, ..
            } if *x == addr => Some(*change),
            _ => None,
        })
        .collect()
}

/// RFC 9260 6.4.1: the chunk that timed out on the primary is retransmitted to the other
/// address. With Linux's defaults (PF on, threshold 0, not exposed) the primary is PF after
/// that one timeout, silently: new data goes to the alternate. Once the primary answers the
/// heartbeats sent to it every RTO it is active again, silently, and new data returns to it.
#[test]
fn timed_out_data_goes_to_the_alternate_and_new_data_returns_to_the_primary() {
    let (mut p, a) = two_paths(60, AssocConfig::default());
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    p.blackhole.insert(b1);
    assert_eq!(one_message_goes_to(&mut p, a), vec![b1, b2]);
    assert_eq!(state(&p, a, b1), PathState::PotentiallyFailed);
    assert_eq!(next_data_goes_to(&mut p, a), b2);
    assert!(path_events(&p, b1).is_empty(), "PF is not exposed");

    p.blackhole.clear();
    p.run_until(Duration::from_secs(30), |p| {
        state(p, a, b1) == PathState::Active
    });
    assert_eq!(state(&p, a, b1), PathState::Active);
    assert!(
        path_events(&p, b1).is_empty(),
        "the end of PF is not exposed"
    );
    assert_eq!(p.eps[0].assoc(a).expect("association").primary(), b1);
    assert_eq!(next_data_goes_to(&mut p, a), b1);
}

/// With the PF state off (`pf_enable` 0) a timeout leaves the primary active: the timed-out
/// chunk still goes to the alternate (6.4.1), new data stays on the primary.
#[test]
fn without_pf_new_data_stays_on_the_primary_until_it_fails() {
    let cfg = AssocConfig {
        pf_enable: false,
        ..AssocConfig::default()
    };
    let (mut p, a) = two_paths(61, cfg);
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    p.blackhole.insert(b1);
    assert_eq!(one_message_goes_to(&mut p, a), vec![b1, b2]);
    assert_eq!(state(&p, a, b1), PathState::Active);
    let rtx_to_b1 = p.eps[0]
        .assoc(a)
        .and_then(|x| x.path_info(b1))
        .map(|i| i.error_count);
    assert_eq!(rtx_to_b1, Some(1));
}

/// RFC 7829 5 (Linux `ps_retrans`, SCTP_PEER_ADDR_THLDS_V2 `spt_pathcpthld`): past the
/// primary's switchover threshold the path data uses becomes the primary (ADDR_MADE_PRIM),
/// and data stays there after the old primary recovers.
#[test]
fn primary_switchover_keeps_data_on_the_new_primary() {
    let (mut p, a) = two_paths(62, AssocConfig::default());
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    let assoc = p.ep(Side::A).assoc_mut(a).expect("association");
    assert!(assoc.set_path_thresholds(Some(b1), 0, 0, Some(1)));
    p.blackhole.insert(b1);
    // Data keeps flowing while the old primary times out.
    let mut k = 0;
    let made_primary = |p: &Pair| path_events(p, b2).contains(&PathChange::MadePrimary);
    while !made_primary(&p) && k < 20 {
        send(&mut p, a, k);
        p.run_for(Duration::from_secs(1));
        k += 1;
    }
    assert!(made_primary(&p));
    let assoc = p.eps[0].assoc(a).expect("association");
    assert_eq!(assoc.primary(), b2);
    assert_eq!(assoc.path_info(b1).expect("path").error_count, 2);
    p.blackhole.clear();
    p.run_until(Duration::from_secs(30), |p| {
        state(p, a, b1) == PathState::Active
    });
    assert_eq!(state(&p, a, b1), PathState::Active);
    assert_eq!(next_data_goes_to(&mut p, a), b2);
    p.run_until(Duration::from_secs(30), |p| {
        p.inbox[1].len() == k as usize + 1
    });
    assert_eq!(p.inbox[1].len(), k as usize + 1, "everything delivered");
}

/// Linux sends fast retransmissions to its `retran_path`, an active address other than the
/// primary: a lost chunk reported missing three times (RFC 9260 7.2.4) goes out again to
/// the alternate long before any T3-rtx expiry, while new data stays on the primary.
#[test]
fn fast_retransmission_goes_to_the_alternate_address() {
    let (mut p, a) = two_paths(63, AssocConfig::default());
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    p.drop_next.push((Side::A, crate::wire::chunk::kind::DATA));
    for k in 0..6 {
        send(&mut p, a, k);
        p.run_for(Duration::from_millis(5));
    }
    p.run_until(Duration::from_secs(1), |p| p.inbox[1].len() == 6);
    assert_eq!(p.inbox[1].len(), 6);
    let trace = p.take_trace();
    let first = trace
        .iter()
        .find(|s| !data_tsns(s).is_empty())
        .expect("DATA");
    let tsn = data_tsns(first)[0];
    assert_eq!(sends_of(&trace, tsn), vec![b1, b2]);
    let rtx = trace
        .iter()
        .filter(|s| data_tsns(s).contains(&tsn))
        .nth(1)
        .expect("retransmitted");
    assert!(
        rtx.at - first.at < Duration::from_millis(500),
        "fast, not after T3: {:?}",
        rtx.at - first.at
    );
    assert!((1..6).all(|k| sends_of(&trace, tsn + k) == vec![b1]));
    assert_eq!(state(&p, a, b1), PathState::Active);
}

/// SCTP_EXPOSE_POTENTIALLY_FAILED_STATE disabled: PF is not reported either (the
/// GET_PEER_ADDR_INFO refusal is the shim's), and the path still fails and returns visibly.
#[test]
fn unexposed_pf_still_reports_unreachable_and_available() {
    let cfg = AssocConfig {
        pf_expose: PfExpose::Disable,
        path_max_retrans: 2,
        ..AssocConfig::default()
    };
    let (mut p, a) = two_paths(64, cfg);
    let b1 = p.addrs[1][0];
    p.blackhole.insert(b1);
    let mut k = 0;
    while !path_events(&p, b1).contains(&PathChange::Unreachable) && k < 30 {
        send(&mut p, a, k);
        p.run_for(Duration::from_secs(1));
        k += 1;
    }
    p.blackhole.clear();
    p.run_until(Duration::from_secs(60), |p| {
        state(p, a, b1) == PathState::Active
    });
    assert_eq!(
        path_events(&p, b1),
        vec![PathChange::Unreachable, PathChange::Available]
    );
}

/// RFC 7829 5.1 (Linux restarts the heartbeat timer on PF): a PF path is probed every RTO
/// from the moment it becomes PF, not after the next HB.interval (30 s by default), so it is
/// active again within seconds of recovering.
#[test]
fn a_pf_path_is_probed_at_once_not_after_the_heartbeat_interval() {
    let mut p = Pair::with(65, AssocConfig::default(), AssocConfig::default(), 2);
    let (a, _) = p.connected();
    let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
    p.ep(Side::A)
        .assoc_mut(a)
        .expect("association")
        .request_heartbeat(b2);
    p.run_until(Duration::from_secs(5), |p| {
        state(p, a, b2) == PathState::Active
    });
    p.start_trace();
    p.blackhole.insert(b1);
    assert_eq!(one_message_goes_to(&mut p, a), vec![b1, b2]);
    assert_eq!(state(&p, a, b1), PathState::PotentiallyFailed);
    p.blackhole.clear();
    let t0 = p.now;
    p.run_until(Duration::from_secs(30), |p| {
        state(p, a, b1) == PathState::Active
    });
    assert_eq!(state(&p, a, b1), PathState::Active);
    assert!(p.now - t0 < Duration::from_secs(10), "{:?}", p.now - t0);
}
