//! PLPMTUD (RFC 8899) on a link that silently drops packets over 1400 bytes: no ICMP, only
//! probes find the size. The path starts at the base size, searches up by big steps, closes
//! in by small ones below the first size that fails, and data flows at the size found.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::plpmtud::{PlState, BASE};
use crate::assoc::{AssocConfig, AssocId};

const LINK: usize = 1400;

fn pair() -> (Pair, AssocId) {
    let cfg = AssocConfig {
        pmtu: 1472,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(11, cfg.clone(), cfg, 1);
    p.link.mtu = LINK;
    let (a, _) = p.connected();
    (p, a)
}

fn pmtu(p: &Pair, a: AssocId) -> (u32, Option<PlState>) {
    let path = &p.eps[0].assoc(a).unwrap().paths.list[0];
    (path.pmtu, path.pl.as_ref().map(|pl| pl.state))
}

#[test]
fn probes_find_a_black_hole_link_size() {
    let (mut p, a) = pair();
    let now = p.now;
    p.eps[0]
        .assoc_mut(a)
        .unwrap()
        .set_probe_interval(now, None, Duration::from_secs(5));
    assert_eq!(pmtu(&p, a), (BASE, Some(PlState::Base)));
    // 1200 + 32-byte steps to 1392, 1424 lost three times, then 4-byte steps: 16 intervals.
    p.run_until(Duration::from_secs(120), |_| false);
    let (size, state) = pmtu(&p, a);
    assert_eq!(state, Some(PlState::Complete));
    assert!(
        (LINK as u32 - 4..=LINK as u32).contains(&size),
        "found {size}"
    );
    // Every 30 intervals a larger size is tried again; its loss keeps the size found.
    p.run_until(Duration::from_secs(600), |_| false);
    assert_eq!(pmtu(&p, a).0, size);
    // Data is cut for the size found and gets through.
    for _ in 0..20 {
        p.send_message(Side::A, a, vec![5; 4000]);
    }
    assert!(p.run_until(Duration::from_secs(30), |p| p.inbox[1].len() == 20));
}

#[test]
fn interval_zero_stops_probing() {
    let (mut p, a) = pair();
    let now = p.now;
    let x = p.eps[0].assoc_mut(a).unwrap();
    x.set_probe_interval(now, None, Duration::from_secs(5));
    x.set_probe_interval(now, None, Duration::ZERO);
    assert_eq!(pmtu(&p, a).1, None);
    p.start_trace();
    p.run_until(Duration::from_secs(60), |_| false);
    let pads = p
        .take_trace()
        .iter()
        .filter(|s| s.chunks.contains(&crate::wire::chunk::kind::PAD))
        .count();
    assert_eq!(pads, 0, "no probe after the interval went to 0");
}
