//! Per-destination parameters as the socket options read them (RFC 6458 8.1.12
//! SCTP_PEER_ADDR_PARAMS, Linux SCTP_PEER_ADDR_THLDS(_V2) and
//! SCTP_EXPOSE_POTENTIALLY_FAILED_STATE): what [`Association::set_hb_interval`],
//! [`Association::set_path_max_retrans`], [`Association::set_pmtu`] and
//! [`Association::set_path_thresholds`] set, per address.

use super::{Association, PfExpose};
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
    /// RFC 9260 6.2 delayed SACK timeout and frequency (1: SACK every packet,
    /// SPP_SACKDELAY_DISABLE) of the path, or of the association.
    pub sack_delay: Duration,
    pub sack_freq: u32,
    /// RFC 7829 PotentiallyFailed threshold.
    pub pf_retrans: u32,
    /// RFC 7829 5 Primary.Switchover.Max.Retrans.
    pub ps_retrans: u32,
    /// SPP_PMTUD_DISABLE.
    pub pmtud_off: bool,
}

impl Association {
    /// The parameters of the path to `addr`, or the association's defaults for new paths
    /// (`None`); `None` back when `addr` is not a peer address.
    pub fn path_params(&self, addr: Option<IpAddr>) -> Option<PathParams> {
        let c = &self.cfg;
        let defaults = PathParams {
            hb_interval: c.hb_interval,
            max_retrans: c.path_max_retrans,
            pmtu: c.pmtu,
            sack_delay: c.sack_delay,
            sack_freq: c.sack_freq,
            pf_retrans: c.pf_retrans,
            ps_retrans: c.ps_retrans,
            pmtud_off: c.pmtud_off,
        };
        let Some(a) = addr else {
            return Some(defaults);
        };
        let p = &self.paths.list[self.paths.find(a)?];
        Some(PathParams {
            hb_interval: p.hb_interval,
            max_retrans: p.max_retrans,
            pmtu: p.pmtu,
            pf_retrans: p.pf_retrans,
            ps_retrans: p.ps_retrans,
            pmtud_off: p.pmtud_off,
            sack_delay: p
                .sack
                .map_or(c.sack_delay, |(ms, _)| Duration::from_millis(ms.into())),
            sack_freq: p.sack.map_or(c.sack_freq, |(_, f)| f.into()),
        })
    }

    /// SCTP_PEER_ADDR_PARAMS delayed SACK (`delay`: spp_sackdelay when given; `on`:
    /// SPP_SACKDELAY_ENABLE / DISABLE when given) for the path to `addr`, or for the
    /// association and every path (`None`, which then follow the association's).
    pub fn set_path_sack(
        &mut self,
        addr: Option<IpAddr>,
        delay: Option<Duration>,
        on: Option<bool>,
    ) {
        // SACKDELAY_DISABLE is a frequency of 1; enabling it again restores the default 2.
        let freq = |cur: u32| match on {
            Some(false) => 1,
            Some(true) if cur == 1 => 2,
            _ => cur,
        };
        let Some(a) = addr else {
            let f = freq(self.cfg.sack_freq);
            self.set_sack(delay.unwrap_or(self.cfg.sack_delay), f);
            return;
        };
        let (Some(i), Some(cur)) = (self.paths.find(a), self.path_params(Some(a))) else {
            return;
        };
        let freq = freq(cur.sack_freq);
        let ms = delay
            .unwrap_or(cur.sack_delay)
            .as_millis()
            .min(u16::MAX.into()) as u16;
        self.paths.list[i].sack = Some((ms, freq.min(255) as u8));
    }

    /// SPP_PMTUD_ENABLE / SPP_PMTUD_DISABLE for the path to `addr`, or for every path and the
    /// ones to come (`None`).
    pub fn set_pmtud(&mut self, addr: Option<IpAddr>, on: bool) {
        if addr.is_none() {
            self.cfg.pmtud_off = !on;
        }
        for p in self
            .paths
            .list
            .iter_mut()
            .filter(|p| addr.is_none_or(|a| a == p.addr))
        {
            p.pmtud_off = !on;
        }
    }

    /// SCTP_PEER_ADDR_THLDS(_V2) (Linux `sctp_setsockopt_paddr_thresholds`) for the path to
    /// `addr`, or for every path and the ones to come (`None`): Path.Max.Retrans unless 0,
    /// the PF threshold, and (v2 only) the primary switchover threshold. False when `addr`
    /// is not a peer address.
    pub fn set_path_thresholds(
        &mut self,
        addr: Option<IpAddr>,
        max_retrans: u32,
        pf: u32,
        ps: Option<u32>,
    ) -> bool {
        if addr.is_some_and(|a| self.paths.find(a).is_none()) {
            return false;
        }
        if addr.is_none() {
            self.cfg.pf_retrans = pf;
            self.cfg.ps_retrans = ps.unwrap_or(self.cfg.ps_retrans);
        }
        if max_retrans != 0 {
            self.set_path_max_retrans(addr, max_retrans);
        }
        for p in self
            .paths
            .list
            .iter_mut()
            .filter(|p| !p.removed && addr.is_none_or(|a| a == p.addr))
        {
            p.pf_retrans = pf;
            p.ps_retrans = ps.unwrap_or(p.ps_retrans);
        }
        true
    }

    /// SCTP_EXPOSE_POTENTIALLY_FAILED_STATE of this association.
    pub fn set_pf_expose(&mut self, v: PfExpose) {
        self.cfg.pf_expose = v;
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
        assert!(assoc.set_path_thresholds(Some(b2), 0, 1, Some(2)));
        let two = assoc.path_params(Some(b2)).expect("a peer address");
        assert_eq!(two.hb_interval, Duration::from_millis(700));
        assert_eq!((two.max_retrans, two.pf_retrans, two.ps_retrans), (3, 1, 2));
        let one = assoc.path_params(Some(b1)).expect("a peer address");
        assert_eq!(one.hb_interval, AssocConfig::default().hb_interval);
        assert_eq!(one.max_retrans, AssocConfig::default().path_max_retrans);
        assert_eq!((one.pf_retrans, one.ps_retrans), (0, 0xffff));
        let stranger: IpAddr = "192.0.2.99".parse().expect("address");
        assert!(assoc.path_params(Some(stranger)).is_none());
        assert!(!assoc.set_path_thresholds(Some(stranger), 1, 1, None));
        // Without an address: every path and the association's defaults; v1 (no
        // switchover value) keeps the switchover thresholds.
        assert!(assoc.set_path_thresholds(None, 4, 3, None));
        for addr in [Some(b1), Some(b2), None] {
            let v = assoc.path_params(addr).expect("params");
            let ps = if addr == Some(b2) { 2 } else { 0xffff };
            assert_eq!((v.max_retrans, v.pf_retrans, v.ps_retrans), (4, 3, ps));
        }
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
