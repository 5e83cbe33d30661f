//! Per-destination parameters as the socket options read them (RFC 6458 8.1.12
//! SCTP_PEER_ADDR_PARAMS, Linux SCTP_PEER_ADDR_THLDS): what [`Association::set_hb_interval`],
//! [`Association::set_path_max_retrans`] and [`Association::set_pmtu`] set, per address.

use super::Association;
use std::net::IpAddr;
use std::time::Duration;

/// One destination's (or, without an address, the association's) path parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathParams {
    /// RFC 9260 8.3 HB.interval; zero: heartbeats off.
    pub hb_interval: Duration,
    /// RFC 9260 8.2 Path.Max.Retrans.
    pub max_retrans: u32,
    pub pmtu: u32,
    /// RFC 9260 6.2 delayed SACK timeout (association-wide).
    pub sack_delay: Duration,
    /// RFC 7829 PotentiallyFailed threshold (association-wide; 0: PF off).
    pub pf_retrans: u32,
}

impl Association {
    /// The parameters of the path to `addr`, or the association's defaults for new paths
    /// (`None`); `None` back when `addr` is not a peer address.
    pub fn path_params(&self, addr: Option<IpAddr>) -> Option<PathParams> {
        let (hb_interval, max_retrans, pmtu) = match addr {
            Some(a) => {
                let p = &self.paths.list[self.paths.find(a)?];
                (p.hb_interval, p.max_retrans, p.pmtu)
            }
            None => (
                self.cfg.hb_interval,
                self.cfg.path_max_retrans,
                self.cfg.pmtu,
            ),
        };
        Some(PathParams {
            hb_interval,
            max_retrans,
            pmtu,
            sack_delay: self.cfg.sack_delay,
            pf_retrans: self.cfg.pf_retrans,
        })
    }

    /// RFC 7829 PotentiallyFailed threshold (SCTP_PEER_ADDR_THLDS `spt_pathpfthld`); 0 turns
    /// the PF state off.
    pub fn set_pf_retrans(&mut self, n: u32) {
        self.cfg.pf_retrans = n;
    }
}

#[cfg(test)]
mod tests {
    use crate::assoc::tests::pair::{Pair, Side};
    use crate::assoc::AssocConfig;
    use std::net::IpAddr;
    use std::time::Duration;

    #[test]
    fn per_path_values_follow_the_setters() {
        let mut p = Pair::with(7, AssocConfig::default(), AssocConfig::default(), 2);
        let (a, _) = p.connected();
        let now = p.now;
        let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
        let assoc = p.ep(Side::A).assoc_mut(a).expect("association");
        assoc.set_hb_interval(now, Some(b2), Duration::from_millis(700));
        assoc.set_path_max_retrans(Some(b2), 3);
        assoc.set_pf_retrans(1);
        let two = assoc.path_params(Some(b2)).expect("a peer address");
        assert_eq!(two.hb_interval, Duration::from_millis(700));
        assert_eq!(two.max_retrans, 3);
        assert_eq!(two.pf_retrans, 1);
        let one = assoc.path_params(Some(b1)).expect("a peer address");
        assert_eq!(one.hb_interval, AssocConfig::default().hb_interval);
        assert_eq!(one.max_retrans, AssocConfig::default().path_max_retrans);
        let stranger: IpAddr = "192.0.2.99".parse().expect("address");
        assert!(assoc.path_params(Some(stranger)).is_none());
        assert_eq!(assoc.path_params(None).map(|d| d.pf_retrans), Some(1));
    }

    /// RFC 9260 8.3: every idle path is probed once per HB.interval plus RTO with +/-50%
    /// jitter; a per-path interval (SCTP_PEER_ADDR_PARAMS with an address) applies to that
    /// path only, and a zero interval stops its heartbeats.
    #[test]
    fn idle_paths_are_probed_at_their_own_interval_with_jitter() {
        let cfg = AssocConfig {
            hb_interval: Duration::from_secs(4),
            ..AssocConfig::default()
        };
        let mut p = Pair::with(21, cfg.clone(), cfg, 2);
        let (a, b) = p.connected();
        let (b1, b2) = (p.addrs[1][0], p.addrs[1][1]);
        p.run_for(Duration::from_secs(5));
        let now = p.now;
        let assoc = p.ep(Side::A).assoc_mut(a).expect("association");
        assoc.set_hb_interval(now, Some(b2), Duration::from_secs(1));
        let rto = Duration::from_millis(assoc.path_info(b2).expect("path").rto_ms.into());
        // B stops heartbeating so that only A's probes are counted.
        p.ep(Side::B)
            .assoc_mut(b)
            .expect("association")
            .set_hb_interval(now, None, Duration::ZERO);
        p.start_trace();
        p.run_for(Duration::from_secs(40));
        let hb_times = |p: &mut Pair, to: IpAddr| -> Vec<std::time::Instant> {
            p.trace
                .iter()
                .flatten()
                .filter(|s| s.from == Side::A && s.to == to && s.chunks.first() == Some(&4))
                .map(|s| s.at)
                .collect()
        };
        let fast = hb_times(&mut p, b2);
        let slow = hb_times(&mut p, b1);
        assert!(
            fast.len() >= 15,
            "{} heartbeats to {b2} in 40 s",
            fast.len()
        );
        assert!(
            (5..=10).contains(&slow.len()),
            "{} heartbeats to {b1} in 40 s",
            slow.len()
        );
        let gaps: Vec<Duration> = fast.windows(2).map(|w| w[1] - w[0]).collect();
        let (lo, hi) = (
            Duration::from_secs(1) + rto / 2,
            Duration::from_secs(1) + rto * 3 / 2,
        );
        for g in &gaps {
            assert!(*g >= lo && *g <= hi, "gap {g:?} outside [{lo:?}, {hi:?}]");
        }
        assert!(
            gaps.iter().any(|g| *g != gaps[0]),
            "no jitter: every gap is {:?}",
            gaps[0]
        );
        // Zero stops them.
        let now = p.now;
        p.ep(Side::A)
            .assoc_mut(a)
            .expect("association")
            .set_hb_interval(now, Some(b2), Duration::ZERO);
        p.take_trace();
        p.start_trace();
        p.run_for(Duration::from_secs(20));
        assert!(
            hb_times(&mut p, b2).is_empty(),
            "heartbeats after disabling"
        );
    }
}
