//! Packetization Layer Path MTU Discovery (RFC 8899; section 6.2 for SCTP), as Linux does
//! it once SCTP_PLPMTUD_PROBE_INTERVAL is set (`sctp_transport_pl_*`): a path drops to the
//! base size, then every interval a HEARTBEAT padded by a PAD chunk (RFC 4820) to the probe
//! size tests a larger packet. An acknowledged probe raises the path MTU and the next probe
//! is larger by a big step until one goes unanswered three times; the search then closes in
//! by small steps below that size. A finished search is tried again every 30 intervals. It
//! needs no ICMP, so it finds links that drop large packets silently.
//!
//! Sizes are SCTP packet sizes (the UDP payload). Probes never exceed the size the path
//! started with, nor a route MTU or ICMP-reported size learned later (`set_pmtu`), nor 9000:
//! the kernel would fragment a larger datagram locally and the probe would prove nothing.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::association::Association;
use super::timer::Timer;
use super::tx::PathId;
use super::Rng;

/// Linux SCTP_BASE_PLPMTU, SCTP_MIN_PLPMTU, SCTP_PL_BIG_STEP, SCTP_PL_MIN_STEP,
/// SCTP_MAX_PROBES and the raise period in intervals.
pub(crate) const BASE: u32 = 1200;
const MIN: u32 = 512;
const BIG_STEP: u32 = 32;
const MIN_STEP: u32 = 4;
const MAX_PROBES: u32 = 3;
const RAISE_AFTER: u32 = 30;
/// Linux SCTP_MAX_PLPMTU: the largest size probed.
const MAX: u32 = 9000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlState {
    /// Confirming that the base size gets through.
    Base,
    /// Raising the size.
    Search,
    /// Found; raised again after a while.
    Complete,
    /// Not even the base size gets through: the minimum is used.
    Error,
}

/// PLPMTUD state of one path (boxed: only paths that probe carry it).
#[derive(Debug)]
pub(crate) struct Pl {
    pub state: PlState,
    pub interval: Duration,
    /// The size the next probe tests, and the largest confirmed one.
    pub probe_size: u32,
    pub pmtu: u32,
    /// The smallest size known to fail in this search (0: none yet).
    pub high: u32,
    /// Unanswered transmissions of the current probe.
    pub count: u32,
    /// Intervals spent in Complete.
    pub raise: u32,
    /// Largest size worth probing (the path's size when probing started).
    pub max: u32,
    pub timer: Timer,
    /// Nonce of the probe in flight and its size.
    pub in_flight: Option<(u64, u32)>,
    /// A probe is due in the next packet.
    pub due: bool,
}

impl Association {
    /// SCTP_PLPMTUD_PROBE_INTERVAL for the path to `addr` (every path: `None`): 0 stops
    /// probing; otherwise the path drops to the base size and searches up from there.
    pub fn set_probe_interval(&mut self, now: Instant, addr: Option<IpAddr>, interval: Duration) {
        if addr.is_none() {
            // Paths added later (ASCONF) take it too (Linux `asoc->probe_interval`).
            self.cfg.probe_interval = interval;
        }
        let ids: Vec<PathId> = (0..self.paths.list.len())
            .filter(|&i| addr.is_none_or(|a| self.paths.list[i].addr == a))
            .collect();
        for i in ids {
            let p = &mut self.paths.list[i];
            if interval.is_zero() {
                p.pl = None;
                continue;
            }
            let max = p.pl.as_ref().map_or(p.pmtu, |pl| pl.max).min(MAX);
            let mut timer = Timer::default();
            timer.start(now, interval);
            p.pl = Some(Box::new(Pl {
                state: PlState::Base,
                interval,
                probe_size: BASE.min(max),
                pmtu: BASE.min(max),
                high: 0,
                count: 0,
                raise: 0,
                max,
                timer,
                in_flight: None,
                due: true,
            }));
            self.apply_pl_pmtu(i);
        }
    }

    /// The path MTU of path `i` becomes its confirmed PLPMTU.
    fn apply_pl_pmtu(&mut self, i: PathId) {
        let Some(mtu) = self.paths.list[i].pl.as_ref().map(|pl| pl.pmtu) else {
            return;
        };
        self.paths.list[i].use_mtu(mtu);
        self.refit_queued();
    }

    /// The probe timer of path `i`: a probe unanswered three times means its size does not
    /// get through; then (or when none is in flight) the next probe is due.
    pub(crate) fn on_pl_timer(&mut self, now: Instant, i: PathId) {
        let Some(pl) = self.paths.list[i].pl.as_deref_mut() else {
            return;
        };
        pl.timer.start(now, pl.interval);
        if pl.in_flight.is_some() {
            pl.count += 1;
            if pl.count >= MAX_PROBES {
                pl.in_flight = None;
                pl.count = 0;
                match pl.state {
                    PlState::Base => {
                        pl.state = PlState::Error;
                        pl.pmtu = MIN;
                        pl.probe_size = MIN;
                    }
                    PlState::Search => {
                        pl.high = pl.probe_size;
                        pl.probe_size = pl.pmtu + MIN_STEP;
                        if pl.probe_size >= pl.high {
                            pl.state = PlState::Complete;
                            pl.probe_size = pl.pmtu;
                        }
                    }
                    PlState::Complete | PlState::Error => pl.probe_size = pl.pmtu,
                }
                self.apply_pl_pmtu(i);
                return;
            }
        } else if pl.state == PlState::Complete {
            pl.raise += 1;
            if pl.raise < RAISE_AFTER || pl.pmtu >= pl.max {
                return;
            }
            pl.raise = 0;
            pl.high = 0;
            pl.state = PlState::Search;
            pl.probe_size = (pl.pmtu + BIG_STEP).min(pl.max);
        } else if pl.state == PlState::Error {
            return;
        }
        pl.due = true;
    }

    /// The probe of `size` bytes with `nonce` to path `i` was acknowledged.
    pub(crate) fn on_pl_ack(&mut self, i: PathId, nonce: u64) -> bool {
        let Some(pl) = self.paths.list[i].pl.as_deref_mut() else {
            return false;
        };
        let Some((_, size)) = pl.in_flight.filter(|&(n, _)| n == nonce) else {
            return false;
        };
        pl.in_flight = None;
        pl.count = 0;
        pl.pmtu = size;
        let step = if pl.high == 0 { BIG_STEP } else { MIN_STEP };
        pl.probe_size = (size + step).min(pl.max);
        pl.state = PlState::Search;
        if size >= pl.max || (pl.high != 0 && pl.probe_size >= pl.high) {
            pl.state = PlState::Complete;
            pl.probe_size = size;
            pl.raise = 0;
        }
        tracing::debug!(size, state = ?pl.state, "PLPMTUD probe acknowledged");
        self.apply_pl_pmtu(i);
        true
    }

    /// A path whose probe is due, with the nonce and size to send (the caller builds the
    /// HEARTBEAT and PAD chunks).
    pub(crate) fn take_pl_probe(&mut self) -> Option<(PathId, u64, u32)> {
        let i = self
            .paths
            .list
            .iter()
            .position(|p| !p.removed && p.pl.as_ref().is_some_and(|pl| pl.due))?;
        let mut nb = [0u8; 8];
        self.rng.fill(&mut nb);
        let nonce = u64::from_ne_bytes(nb);
        let pl = self.paths.list[i].pl.as_deref_mut()?;
        pl.due = false;
        pl.in_flight = Some((nonce, pl.probe_size));
        Some((i, nonce, pl.probe_size))
    }
}
