//! Congestion control of one destination address (RFC 9260 7.2): slow start, congestion
//! avoidance, loss reactions and the Max.Burst limit. Byte counts are DATA chunk sizes as the
//! caller measures them (the same measure for flight size and acknowledgements).

use std::time::{Duration, Instant};

/// Congestion state of one path.
#[derive(Debug, Clone)]
pub struct Congestion {
    mtu: usize,
    cwnd: usize,
    ssthresh: usize,
    partial_bytes_acked: usize,
    max_burst: usize,
    last_sent: Option<Instant>,
}

impl Congestion {
    /// RFC 9260 7.2.1: initial cwnd = min(4*MTU, max(2*MTU, 4404)); ssthresh starts at the
    /// peer's advertised receiver window. `max_burst` 0 disables the burst limit.
    pub fn new(mtu: usize, peer_rwnd: u32, max_burst: u32) -> Self {
        let mtu = mtu.max(1);
        Congestion {
            mtu,
            cwnd: initial_cwnd(mtu),
            ssthresh: peer_rwnd as usize,
            partial_bytes_acked: 0,
            max_burst: max_burst as usize,
            last_sent: None,
        }
    }

    pub fn cwnd(&self) -> usize {
        self.cwnd
    }

    pub fn ssthresh(&self) -> usize {
        self.ssthresh
    }

    pub fn partial_bytes_acked(&self) -> usize {
        self.partial_bytes_acked
    }

    pub fn mtu(&self) -> usize {
        self.mtu
    }

    /// Path MTU change (PMTU discovery or SCTP_PEER_ADDR_PARAMS).
    pub fn set_mtu(&mut self, mtu: usize) {
        self.mtu = mtu.max(1);
    }

    pub fn set_max_burst(&mut self, max_burst: u32) {
        self.max_burst = max_burst as usize;
    }

    /// A SACK acknowledged `acked_bytes` of new data sent on this path (by the cumulative ack
    /// or gap blocks); `in_flight_before` is this path's flight size before the SACK.
    /// RFC 9260 7.2.1 (slow start: only when cwnd was fully used and not in Fast Recovery; by
    /// at most one MTU) and 7.2.2 (congestion avoidance with partial_bytes_acked; reset to 0
    /// when everything sent was acknowledged).
    ///
    /// `_cum_advanced` is unused: RFC 4960's third slow-start condition (the cumulative ack
    /// advanced) was dropped by RFC 9260 (and by Linux); the parameter stays so callers
    /// written against the first version of this API keep compiling.
    pub fn on_ack(
        &mut self,
        acked_bytes: usize,
        in_flight_before: usize,
        _cum_advanced: bool,
        in_fast_recovery: bool,
    ) {
        if acked_bytes == 0 {
            return;
        }
        if self.cwnd <= self.ssthresh {
            if !in_fast_recovery && in_flight_before >= self.cwnd {
                self.cwnd += acked_bytes.min(self.mtu);
            }
        } else {
            self.partial_bytes_acked += acked_bytes;
            if self.partial_bytes_acked >= self.cwnd {
                if in_flight_before >= self.cwnd {
                    self.partial_bytes_acked -= self.cwnd;
                    self.cwnd += self.mtu;
                } else {
                    // RFC 9260 7.2.2: window not fully used, cap the counter at cwnd.
                    self.partial_bytes_acked = self.cwnd;
                }
            }
        }
        if in_flight_before <= acked_bytes {
            self.partial_bytes_acked = 0;
        }
    }

    /// RFC 9260 7.2.3: T3-rtx expiry: ssthresh = max(cwnd/2, 4*MTU), cwnd = 1*MTU.
    pub fn on_t3(&mut self) {
        self.ssthresh = (self.cwnd / 2).max(4 * self.mtu);
        self.cwnd = self.mtu;
        self.partial_bytes_acked = 0;
    }

    /// RFC 9260 7.2.3 / 7.2.4 step 2: entering Fast Recovery because chunks last sent on this
    /// path were marked for fast retransmit: ssthresh = max(cwnd/2, 4*MTU), cwnd = ssthresh.
    /// The caller (OutstandingData) tracks the association-wide Fast Recovery exit point and
    /// calls this once per path per Fast Recovery.
    pub fn on_fast_retransmit(&mut self) {
        self.ssthresh = (self.cwnd / 2).max(4 * self.mtu);
        self.cwnd = self.ssthresh;
        self.partial_bytes_acked = 0;
    }

    /// RFC 9260 Appendix A: the peer echoed a CE mark for data sent on this path: the same
    /// reduction as entering Fast Recovery.
    pub fn on_ecn_echo(&mut self) {
        self.on_fast_retransmit();
    }

    /// Call before sending new DATA on this path. RFC 9260 7.2.1/7.2.2: for every RTO during
    /// which nothing was sent, cwnd = max(cwnd/2, 4*MTU). Then records `now` as last send.
    pub fn on_send(&mut self, now: Instant, rto: Duration) {
        if let Some(last) = self.last_sent {
            let idle = now.saturating_duration_since(last);
            if !rto.is_zero() && idle >= rto {
                let periods = (idle.as_nanos() / rto.as_nanos()).min(64) as u32;
                for _ in 0..periods {
                    let halved = (self.cwnd / 2).max(4 * self.mtu);
                    if halved >= self.cwnd {
                        break;
                    }
                    self.cwnd = halved;
                }
            }
        }
        self.last_sent = Some(now);
    }

    /// Bytes of new data the window allows with `in_flight` bytes outstanding on this path.
    /// RFC 9260 6.1 B: when this is non-zero the sender may send one more full packet even if
    /// it overshoots cwnd (by at most MTU - 1 bytes).
    pub fn can_send(&self, in_flight: usize) -> usize {
        self.cwnd.saturating_sub(in_flight)
    }

    /// Like [`can_send`](Self::can_send), further limited to Max.Burst packets (RFC 9260 6.1 and
    /// 7.2.1: limit a burst to flight size + Max.Burst * MTU). Call once per sending
    /// opportunity (one SACK or timer) and spend the returned budget.
    pub fn burst_budget(&self, in_flight: usize) -> usize {
        let room = self.can_send(in_flight);
        if self.max_burst == 0 {
            room
        } else {
            room.min(self.max_burst * self.mtu)
        }
    }
}

/// RFC 9260 7.2.1: min(4*MTU, max(2*MTU, 4404)).
fn initial_cwnd(mtu: usize) -> usize {
    (4 * mtu).min((2 * mtu).max(4404))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MTU: usize = 1452;

    #[test]
    fn initial_window() {
        assert_eq!(Congestion::new(MTU, 100_000, 4).cwnd(), 4404);
        assert_eq!(Congestion::new(1000, 100_000, 4).cwnd(), 4000);
        assert_eq!(Congestion::new(9000, 100_000, 4).cwnd(), 18000);
        assert_eq!(Congestion::new(MTU, 100_000, 4).ssthresh(), 100_000);
    }

    #[test]
    fn slow_start_requires_full_window_and_no_fast_recovery() {
        let mut c = Congestion::new(MTU, 100_000, 4);
        // Window not fully used: no growth.
        c.on_ack(1000, 2000, true, false);
        assert_eq!(c.cwnd(), 4404);
        // Acknowledged by gap blocks only (RFC 9260 no longer requires a cum ack advance).
        c.on_ack(1000, 4404, false, false);
        assert_eq!(c.cwnd(), 5404);
        let mut c = Congestion::new(MTU, 100_000, 4);
        // Fast recovery: no growth.
        c.on_ack(1000, 4404, true, true);
        assert_eq!(c.cwnd(), 4404);
        // Fully used: grows by the acked bytes, at most one MTU.
        c.on_ack(1000, 4404, true, false);
        assert_eq!(c.cwnd(), 5404);
        c.on_ack(4000, 5404, true, false);
        assert_eq!(c.cwnd(), 5404 + MTU);
    }

    #[test]
    fn congestion_avoidance_grows_one_mtu_per_window() {
        let mut c = Congestion::new(MTU, 100_000, 4);
        c.on_t3();
        c.on_fast_retransmit(); // from cwnd = MTU: ssthresh = cwnd = 4 * MTU
        assert_eq!(c.cwnd(), 4 * MTU);
        c.on_ack(MTU, 10 * MTU, true, false); // cwnd <= ssthresh: slow start
        assert_eq!(c.cwnd(), 5 * MTU);
        let cwnd = c.cwnd();
        // Now in congestion avoidance: needs cwnd bytes acked for one MTU.
        c.on_ack(2 * MTU, 10 * MTU, true, false);
        assert_eq!(c.cwnd(), cwnd);
        assert_eq!(c.partial_bytes_acked(), 2 * MTU);
        c.on_ack(3 * MTU, 10 * MTU, true, false);
        assert_eq!(c.cwnd(), cwnd + MTU);
        assert_eq!(c.partial_bytes_acked(), 0);
        // The counter reaches cwnd while the window was not fully used: capped, no growth.
        let cwnd = c.cwnd();
        c.on_ack(cwnd - 1, cwnd + 100, true, false);
        assert_eq!(c.partial_bytes_acked(), cwnd - 1);
        c.on_ack(50, 100, true, false);
        assert_eq!(c.cwnd(), cwnd);
        assert_eq!(c.partial_bytes_acked(), cwnd);
        // Everything acknowledged: counter reset.
        c.on_ack(100, 100, true, false);
        assert_eq!(c.partial_bytes_acked(), 0);
    }

    #[test]
    fn loss_reactions() {
        let mut c = Congestion::new(MTU, 100_000, 4);
        for _ in 0..20 {
            let cw = c.cwnd();
            c.on_ack(MTU, cw, true, false);
        }
        let big = c.cwnd();
        assert_eq!(big, 4404 + 20 * MTU);
        c.on_fast_retransmit();
        assert_eq!(c.ssthresh(), big / 2);
        assert_eq!(c.cwnd(), big / 2);
        c.on_t3();
        assert_eq!(c.ssthresh(), (big / 4).max(4 * MTU));
        assert_eq!(c.cwnd(), MTU);
        c.on_t3();
        assert_eq!(c.ssthresh(), 4 * MTU);
    }

    #[test]
    fn idle_decay_per_rto() {
        let t0 = Instant::now();
        let rto = Duration::from_secs(1);
        let mut c = Congestion::new(MTU, 1_000_000, 0);
        for _ in 0..20 {
            let cw = c.cwnd();
            c.on_ack(MTU, cw, true, false);
        }
        let big = c.cwnd();
        c.on_send(t0, rto);
        c.on_send(t0 + Duration::from_millis(900), rto);
        assert_eq!(c.cwnd(), big);
        c.on_send(t0 + Duration::from_millis(1900), rto);
        assert_eq!(c.cwnd(), big / 2);
        c.on_send(t0 + Duration::from_secs(100), rto);
        assert_eq!(c.cwnd(), 4 * MTU);
    }

    #[test]
    fn burst_limit() {
        let mut c = Congestion::new(MTU, 1_000_000, 2);
        for _ in 0..20 {
            let cw = c.cwnd();
            c.on_ack(MTU, cw, true, false);
        }
        assert_eq!(c.can_send(0), c.cwnd());
        assert_eq!(c.burst_budget(0), 2 * MTU);
        assert_eq!(c.burst_budget(c.cwnd() - 10), 10);
        assert_eq!(c.can_send(c.cwnd() + 5), 0);
        c.set_max_burst(0);
        assert_eq!(c.burst_budget(0), c.cwnd());
    }
}
