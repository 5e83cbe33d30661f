//! The peer's transport addresses, one [`Path`] each (RFC 9260 6.4 multi-homing): reachability
//! state and error counting (8.2), confirmation (5.4), RTO (6.3, [`RtoEstimator`]), congestion
//! (7.2, [`Congestion`]), the per-destination T3-rtx and heartbeat timers, the path MTU and the
//! UDP encapsulation port learned for the address (RFC 6951 5.4). Paths are never removed, so a
//! [`PathId`] (index) stays valid for the association's life.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::timer::Timer;
use super::tx::{Congestion, PathId, RtoEstimator};
use super::{AssocConfig, PathChange, PathInfo, PathState};

/// A HEARTBEAT sent and not yet acknowledged (RFC 9260 8.3).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Probe {
    pub nonce: u64,
    pub sent: Instant,
}

/// One destination transport address of the peer.
pub(crate) struct Path {
    pub addr: IpAddr,
    /// UDP port learned from packets from this address (RFC 6951 5.4).
    pub udp_port: Option<u16>,
    /// Our address that packets from this address arrive on (the source to use).
    pub local: Option<IpAddr>,
    pub state: PathState,
    /// RFC 9260 5.4: confirmed by the handshake or a HEARTBEAT ACK with our nonce.
    pub confirmed: bool,
    /// RFC 9260 8.2: consecutive unacknowledged T3/HEARTBEAT expiries.
    pub error_count: u32,
    pub max_retrans: u32,
    /// RFC 7829 PotentiallyFailed threshold of this path (SCTP_PEER_ADDR_THLDS).
    pub pf_retrans: u32,
    /// RFC 7829 5 primary switchover threshold of this path (SCTP_PEER_ADDR_THLDS_V2).
    pub ps_retrans: u32,
    pub rto: RtoEstimator,
    pub cc: Congestion,
    pub pmtu: u32,
    pub t3: Timer,
    pub hb: Timer,
    /// Heartbeats enabled and their interval (SCTP_PEER_ADDR_PARAMS `spp_hbinterval`).
    pub hb_interval: Duration,
    pub probe: Option<Probe>,
    /// An explicit heartbeat was requested (SPP_HB_DEMAND) or confirmation is due.
    pub hb_now: bool,
    /// Deleted by the peer (RFC 5061 ASCONF Delete IP Address): kept in the list so that
    /// path ids stay stable, but never used, listed or looked up again.
    pub removed: bool,
    /// PLPMTUD (RFC 8899) while SCTP_PLPMTUD_PROBE_INTERVAL is set ([`super::plpmtud`]).
    pub pl: Option<Box<super::plpmtud::Pl>>,
    /// SPP_PMTUD_DISABLE: ICMP does not change this path's MTU.
    pub pmtud_off: bool,
    /// This path's delayed-SACK timeout (ms) and frequency (1: SPP_SACKDELAY_DISABLE) when
    /// SCTP_PEER_ADDR_PARAMS named it; None: the association's.
    pub sack: Option<(u16, u8)>,
}

impl Path {
    pub fn new(addr: IpAddr, cfg: &AssocConfig, peer_rwnd: u32, confirmed: bool) -> Self {
        Path {
            addr,
            udp_port: None,
            local: None,
            state: if confirmed {
                PathState::Active
            } else {
                PathState::Unconfirmed
            },
            confirmed,
            error_count: 0,
            max_retrans: cfg.path_max_retrans,
            pf_retrans: cfg.pf_retrans,
            ps_retrans: cfg.ps_retrans,
            rto: RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max),
            cc: Congestion::new(cfg.pmtu as usize, peer_rwnd, cfg.max_burst),
            pmtu: cfg.pmtu,
            t3: Timer::default(),
            hb: Timer::default(),
            hb_interval: cfg.hb_interval,
            probe: None,
            hb_now: !confirmed,
            removed: false,
            pl: None,
            pmtud_off: cfg.pmtud_off,
            sack: None,
        }
    }

    /// Packets to this address are at most `mtu` bytes from now on.
    pub fn use_mtu(&mut self, mtu: u32) {
        self.pmtu = mtu;
        self.cc.set_mtu(mtu as usize);
    }

    /// Usable for data: confirmed and not failed.
    pub fn is_active(&self) -> bool {
        !self.removed && matches!(self.state, PathState::Active)
    }

    /// RFC 9260 8.2: one more unacknowledged T3-rtx or HEARTBEAT (Linux
    /// `sctp_do_8_2_transport_strike`). Returns the change when the path becomes
    /// PotentiallyFailed (RFC 7829 5.1: past its PF threshold, still under Path.Max.Retrans)
    /// or unreachable (past Path.Max.Retrans). An unconfirmed address never fails, and a
    /// failed one counts no further.
    pub fn strike(&mut self, pf_enable: bool) -> Option<PathChange> {
        if self.state == PathState::Inactive {
            return None;
        }
        self.error_count = self.error_count.saturating_add(1);
        let n = self.error_count;
        match self.state {
            PathState::Active | PathState::PotentiallyFailed if n > self.max_retrans => {
                self.state = PathState::Inactive;
                Some(PathChange::Unreachable)
            }
            PathState::Active if pf_enable && n < self.max_retrans && n > self.pf_retrans => {
                self.state = PathState::PotentiallyFailed;
                Some(PathChange::PotentiallyFailed)
            }
            _ => None,
        }
    }

    /// RFC 9260 8.2/8.3: an acknowledgement of something sent to this address clears its error
    /// count and makes it active again.
    pub fn reached(&mut self) -> Option<PathChange> {
        self.error_count = 0;
        match self.state {
            PathState::Inactive | PathState::PotentiallyFailed => {
                self.state = PathState::Active;
                Some(PathChange::Available)
            }
            _ => None,
        }
    }

    /// RFC 9260 5.4: a HEARTBEAT ACK carrying our nonce confirms the address.
    pub fn confirm(&mut self) -> Option<PathChange> {
        if self.confirmed {
            return None;
        }
        self.confirmed = true;
        self.hb_now = false;
        self.error_count = 0;
        self.state = PathState::Active;
        Some(PathChange::Confirmed)
    }

    /// RFC 9260 8.3: next heartbeat after HB.interval + RTO with +/-50% jitter on the RTO;
    /// unconfirmed and potentially-failed addresses are probed every RTO.
    pub fn arm_heartbeat(&mut self, now: Instant, jitter: u32) {
        if self.removed {
            return;
        }
        let rto = self.rto.rto();
        let half = rto / 2;
        // jitter in [0, 2^32): maps onto [-50%, +50%) of the RTO.
        let j = rto.mul_f64(jitter as f64 / u32::MAX as f64);
        let mut after = rto - half + j;
        let probing = matches!(
            self.state,
            PathState::Unconfirmed | PathState::PotentiallyFailed
        );
        if !probing {
            if self.hb_interval.is_zero() {
                self.hb.stop();
                return;
            }
            after += self.hb_interval;
        }
        self.hb.start(now, after);
    }

    pub fn info(&self, primary: bool) -> PathInfo {
        PathInfo {
            addr: self.addr,
            udp_port: self.udp_port.unwrap_or(0),
            state: self.state,
            cwnd: self.cc.cwnd() as u32,
            srtt_ms: self.rto.srtt().map_or(0, |d| d.as_millis() as u32),
            rto_ms: self.rto.rto().as_millis() as u32,
            mtu: self.pmtu,
            error_count: self.error_count,
            primary,
        }
    }
}

/// All peer addresses and the primary.
pub(crate) struct Paths {
    pub list: Vec<Path>,
    pub primary: PathId,
}

impl Paths {
    /// `first` is the address the handshake ran on (confirmed); `others` the addresses the peer
    /// listed (unconfirmed until a heartbeat confirms them, RFC 9260 5.4).
    pub fn new(first: IpAddr, others: &[IpAddr], cfg: &AssocConfig, peer_rwnd: u32) -> Self {
        let mut list = vec![Path::new(first, cfg, peer_rwnd, true)];
        for &a in others {
            if !list.iter().any(|p| p.addr == a) && usable_peer_addr(a) {
                list.push(Path::new(a, cfg, peer_rwnd, false));
            }
        }
        Paths { list, primary: 0 }
    }

    pub fn find(&self, addr: IpAddr) -> Option<PathId> {
        self.list.iter().position(|p| p.addr == addr && !p.removed)
    }

    /// Peer addresses in use (not removed).
    pub fn count(&self) -> usize {
        self.iter().count()
    }

    /// RFC 5061 Add IP Address: a new unconfirmed path, in the removed entry `reuse` when
    /// given (path ids of live paths never change).
    pub fn add(
        &mut self,
        addr: IpAddr,
        cfg: &AssocConfig,
        peer_rwnd: u32,
        reuse: Option<PathId>,
    ) -> PathId {
        let fresh = Path::new(addr, cfg, peer_rwnd, false);
        match reuse.filter(|&i| self.list.get(i).is_some_and(|p| p.removed)) {
            Some(i) => {
                self.list[i] = fresh;
                i
            }
            None => {
                self.list.push(fresh);
                self.list.len() - 1
            }
        }
    }

    /// RFC 9260 6.4: new data goes to the primary while it is active, else to another active
    /// address; with none active, to the potentially-failed one with the fewest errors
    /// (RFC 7829 5.1; Linux `sctp_select_active_and_retran_path`), else to the primary
    /// still (8.2 leaves the choice open).
    pub fn for_data(&self) -> PathId {
        if self.list[self.primary].is_active() {
            return self.primary;
        }
        self.list
            .iter()
            .position(Path::is_active)
            .or_else(|| {
                (0..self.list.len())
                    .filter(|&i| {
                        let p = &self.list[i];
                        !p.removed && p.state == PathState::PotentiallyFailed
                    })
                    .min_by_key(|&i| self.list[i].error_count)
            })
            .unwrap_or(self.primary)
    }

    /// RFC 9260 6.4.1: a retransmission goes to an active address other than `last`, the
    /// one the chunk was last sent to, when there is one (Linux's `retran_path`).
    pub fn for_retransmit(&self, last: PathId) -> PathId {
        let n = self.list.len();
        (1..n)
            .map(|k| (last + k) % n)
            .find(|&i| self.list[i].is_active())
            .unwrap_or_else(|| self.for_data())
    }

    /// The paths in use (removed ones skipped).
    pub fn iter(&self) -> impl Iterator<Item = &Path> {
        self.list.iter().filter(|p| !p.removed)
    }
}

/// Addresses a peer may list: not unspecified, multicast or broadcast (RFC 9260 5.1.2, 8.4 1).
pub(crate) fn usable_peer_addr(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast()),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Paths {
        let cfg = AssocConfig {
            path_max_retrans: 2,
            ..AssocConfig::default()
        };
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let others: Vec<IpAddr> = vec![
            "10.0.0.1".parse().unwrap(),
            "10.0.1.1".parse().unwrap(),
            "224.0.0.1".parse().unwrap(),
        ];
        Paths::new(a, &others, &cfg, 100_000)
    }

    #[test]
    fn listed_addresses_start_unconfirmed_without_duplicates() {
        let p = paths();
        assert_eq!(p.list.len(), 2);
        assert_eq!(p.list[0].state, PathState::Active);
        assert_eq!(p.list[1].state, PathState::Unconfirmed);
        assert!(p.list[1].hb_now);
    }

    #[test]
    fn failure_and_failover() {
        let mut p = paths();
        assert_eq!(p.list[1].confirm(), Some(PathChange::Confirmed));
        assert_eq!(p.for_data(), 0);
        assert_eq!(p.for_retransmit(0), 1);
        assert_eq!(p.list[0].strike(false), None);
        assert_eq!(p.list[0].strike(false), None);
        assert_eq!(p.list[0].strike(false), Some(PathChange::Unreachable));
        assert_eq!(p.list[0].strike(false), None);
        assert_eq!(p.list[0].error_count, 3, "a failed path counts no further");
        assert_eq!(p.for_data(), 1);
        assert_eq!(p.for_retransmit(1), 1);
        assert_eq!(p.list[0].reached(), Some(PathChange::Available));
        assert_eq!(p.for_data(), 0);
    }

    /// RFC 7829 5.1 as Linux: PF once the error count passes the PF threshold while it is
    /// still under Path.Max.Retrans (2 here); data then prefers any active path, and with
    /// none, the PF path with the fewest errors.
    #[test]
    fn potentially_failed_thresholds() {
        let mut p = paths();
        p.list[1].confirm();
        assert_eq!(p.list[0].strike(true), Some(PathChange::PotentiallyFailed));
        assert_eq!(p.list[0].state, PathState::PotentiallyFailed);
        assert_eq!(p.for_data(), 1);
        assert_eq!(p.list[1].strike(true), Some(PathChange::PotentiallyFailed));
        assert_eq!(p.for_data(), 0, "both PF with one error: the first");
        assert_eq!(p.list[0].strike(true), None);
        assert_eq!(p.for_data(), 1);
        assert_eq!(p.list[0].strike(true), Some(PathChange::Unreachable));
        // A threshold at Path.Max.Retrans or above: no PF state at all.
        let mut q = paths();
        q.list[0].pf_retrans = 2;
        assert_eq!(q.list[0].strike(true), None);
        assert_eq!(q.list[0].strike(true), None);
        assert_eq!(q.list[0].strike(true), Some(PathChange::Unreachable));
        // An unconfirmed address does not fail.
        for _ in 0..5 {
            assert_eq!(q.list[1].strike(true), None);
        }
        assert_eq!(q.list[1].state, PathState::Unconfirmed);
    }

    #[test]
    fn heartbeat_jitter_bounds() {
        let mut p = paths();
        let now = Instant::now();
        let path = &mut p.list[0];
        let rto = path.rto.rto();
        path.arm_heartbeat(now, 0);
        assert_eq!(path.hb.deadline(), Some(now + path.hb_interval + rto / 2));
        path.arm_heartbeat(now, u32::MAX);
        assert_eq!(
            path.hb.deadline(),
            Some(now + path.hb_interval + rto / 2 + rto)
        );
        // Unconfirmed: every RTO (jittered), without the interval.
        let un = &mut p.list[1];
        un.arm_heartbeat(now, 0);
        assert_eq!(un.hb.deadline(), Some(now + un.rto.rto() / 2));
    }
}
