//! ECN (RFC 9260 Appendix A) between two endpoints: negotiated only when both offer it, then
//! every packet is ECN-capable; a CE mark on DATA is echoed (ECNE with each SACK) until the
//! sender's CWR, and the sender reduces its congestion window once per window of data.

use std::time::Duration;

use super::pair::{Pair, Sent, Side};
use crate::assoc::{AssocConfig, AssocId};
use crate::wire::chunk::kind;

fn count(trace: &[Sent], from: Side, chunk: u8) -> usize {
    trace
        .iter()
        .filter(|s| s.from == from && s.chunks.contains(&chunk))
        .count()
}

/// The ssthresh of A's path after `marks` DATA packets of a burst got CE, and the trace.
fn marked_run(marks: usize) -> (usize, usize, Vec<Sent>, Pair, AssocId) {
    let cfg = AssocConfig {
        nodelay: true,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(7, cfg.clone(), cfg, 1);
    let (a, _) = p.connected();
    // Grow the window first.
    for _ in 0..40 {
        p.send_message(Side::A, a, vec![7; 4000]);
    }
    assert!(p.run_until(Duration::from_secs(30), |p| p.inbox[1].len() == 40));
    let before = p.eps[0].assoc(a).unwrap().paths.list[0].cc.ssthresh();
    p.start_trace();
    p.ce_next
        .extend(std::iter::repeat_n((Side::A, kind::DATA), marks));
    for _ in 0..20 {
        p.send_message(Side::A, a, vec![8; 4000]);
    }
    assert!(p.run_until(Duration::from_secs(30), |p| p.inbox[1].len() == 60));
    p.run_until(Duration::from_secs(2), |_| false);
    let after = p.eps[0].assoc(a).unwrap().paths.list[0].cc.ssthresh();
    let trace = p.take_trace();
    (before, after, trace, p, a)
}

#[test]
fn negotiated_only_when_both_offer_it() {
    let mut p = Pair::new(1);
    let (a, b) = p.connected();
    assert!(p.eps[0].assoc(a).unwrap().ecn_negotiated());
    assert!(p.eps[1].assoc(b).unwrap().ecn_negotiated());
    p.send_message(Side::A, a, vec![1; 100]);
    let out = p.take_packets(Side::A);
    assert!(!out.is_empty() && out.iter().all(|(t, _)| t.ect));

    let off = AssocConfig {
        ecn_supported: false,
        ..AssocConfig::default()
    };
    let mut q = Pair::with(2, AssocConfig::default(), off, 1);
    let (a, b) = q.connected();
    assert!(!q.eps[0].assoc(a).unwrap().ecn_negotiated());
    assert!(!q.eps[1].assoc(b).unwrap().ecn_negotiated());
    q.send_message(Side::A, a, vec![1; 100]);
    let out = q.take_packets(Side::A);
    assert!(!out.is_empty() && out.iter().all(|(t, _)| !t.ect));
}

#[test]
fn ce_is_echoed_until_cwr_and_reduces_the_window() {
    let (before, after, trace, p, a) = marked_run(1);
    let mtu = p.eps[0].assoc(a).unwrap().paths.list[0].cc.mtu();
    // B echoes with every SACK until the CWR arrives: several ECNEs, one reduction (one
    // halving of the grown window stays above 4 MTUs; one per ECNE would not).
    assert!(
        count(&trace, Side::B, kind::ECNE) >= 2,
        "B echoed the CE mark"
    );
    assert!(
        count(&trace, Side::A, kind::CWR) >= 1,
        "A answered with CWR"
    );
    assert!(
        after < before && after > 4 * mtu,
        "ssthresh {before} -> {after}"
    );
    // The CWR stopped the echo: nothing of it is left on either side.
    let b = p.connected_id(Side::B).unwrap();
    assert_eq!(p.eps[1].assoc(b).unwrap().ecn.echo, None);
    assert_eq!(p.eps[0].assoc(a).unwrap().ecn.cwr, None);
    // Unmarked runs never echo.
    let (b0, a0, quiet, _, _) = marked_run(0);
    assert_eq!(count(&quiet, Side::B, kind::ECNE), 0);
    assert_eq!(b0, a0);
}

#[test]
fn one_reduction_per_window() {
    let (_, once, _, _, _) = marked_run(1);
    let (_, twice, trace, _, _) = marked_run(2);
    assert!(count(&trace, Side::B, kind::ECNE) >= 1);
    assert_eq!(
        once, twice,
        "two marks in one window reduce the window once"
    );
}

#[test]
fn echo_chunks_are_ignored_without_ecn() {
    let off = AssocConfig {
        ecn_supported: false,
        ..AssocConfig::default()
    };
    let mut p = Pair::with(3, off.clone(), off, 1);
    let (a, _) = p.connected();
    let before = p.eps[0].assoc(a).unwrap().paths.list[0].cc.ssthresh();
    let tag = p.eps[0].assoc(a).unwrap().local_tag;
    let pkt = super::pair::packet(
        super::pair::PORT_B,
        super::pair::PORT_A,
        tag,
        &[crate::wire::Chunk::Ecne { lowest_tsn: 1 }],
    );
    let src = p.addrs[1][0];
    p.inject(Side::A, src, &pkt);
    p.run_until(Duration::from_secs(1), |_| false);
    assert_eq!(
        p.eps[0].assoc(a).unwrap().paths.list[0].cc.ssthresh(),
        before
    );
    assert_eq!(p.eps[0].assoc(a).unwrap().ecn.cwr, None);
}
