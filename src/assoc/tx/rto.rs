//! Retransmission timeout estimation for one destination (RFC 9260 6.3.1 and 6.3.3 E2).

use std::time::Duration;

/// Clock granularity G of RFC 9260 6.3.1 C3: a zero RTTVAR is raised to it.
const CLOCK_GRANULARITY: Duration = Duration::from_millis(1);

/// SRTT/RTTVAR/RTO of one destination address.
#[derive(Debug, Clone)]
pub struct RtoEstimator {
    rto_min: Duration,
    rto_max: Duration,
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
}

impl RtoEstimator {
    /// RFC 9260 6.3.1 C1: before any measurement RTO is RTO.Initial (kept within min/max).
    pub fn new(rto_initial: Duration, rto_min: Duration, rto_max: Duration) -> Self {
        let rto_max = rto_max.max(rto_min);
        RtoEstimator {
            rto_min,
            rto_max,
            srtt: None,
            rttvar: Duration::ZERO,
            rto: rto_initial.clamp(rto_min, rto_max),
        }
    }

    /// SCTP_RTOINFO: new bounds apply to the current RTO at once.
    pub fn set_bounds(&mut self, rto_min: Duration, rto_max: Duration) {
        self.rto_min = rto_min;
        self.rto_max = rto_max.max(rto_min);
        self.rto = self.rto.clamp(self.rto_min, self.rto_max);
    }

    /// A new RTT measurement R (RFC 9260 6.3.1 C2/C3, alpha 1/8, beta 1/4, then C6/C7).
    pub fn on_rtt(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                // C2: SRTT = R, RTTVAR = R/2.
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                // C3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|; SRTT = 7/8 SRTT + 1/8 R'.
                let delta = srtt.abs_diff(rtt);
                self.rttvar = self.rttvar.saturating_mul(3).saturating_add(delta) / 4;
                self.srtt = Some(srtt.saturating_mul(7).saturating_add(rtt) / 8);
            }
        }
        if self.rttvar.is_zero() {
            self.rttvar = CLOCK_GRANULARITY;
        }
        let srtt = self.srtt.unwrap_or(rtt);
        self.rto = srtt
            .saturating_add(self.rttvar.saturating_mul(4))
            .clamp(self.rto_min, self.rto_max);
    }

    /// RFC 9260 6.3.3 E2 (and 6.3.2 timer restarts): RTO = min(2 * RTO, RTO.Max).
    pub fn backoff(&mut self) {
        self.rto = self.rto.saturating_mul(2).min(self.rto_max);
    }

    pub fn rto(&self) -> Duration {
        self.rto
    }

    /// Smoothed RTT, `None` before the first measurement.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    pub fn rttvar(&self) -> Duration {
        self.rttvar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn est() -> RtoEstimator {
        RtoEstimator::new(ms(3000), ms(100), ms(60000))
    }

    #[test]
    fn initial_rto_before_measurement() {
        let e = est();
        assert_eq!(e.rto(), ms(3000));
        assert_eq!(e.srtt(), None);
        let clamped = RtoEstimator::new(ms(10), ms(100), ms(200));
        assert_eq!(clamped.rto(), ms(100));
    }

    #[test]
    fn first_and_later_measurements_match_hand_computation() {
        let mut e = est();
        e.on_rtt(ms(200));
        // SRTT 200, RTTVAR 100, RTO 200 + 400.
        assert_eq!(e.srtt(), Some(ms(200)));
        assert_eq!(e.rttvar(), ms(100));
        assert_eq!(e.rto(), ms(600));
        e.on_rtt(ms(100));
        // RTTVAR = 3/4*100 + 1/4*|200-100| = 100; SRTT = 7/8*200 + 1/8*100 = 187.5.
        assert_eq!(e.rttvar(), ms(100));
        assert_eq!(e.srtt(), Some(Duration::from_micros(187_500)));
        assert_eq!(e.rto(), Duration::from_micros(587_500));
        e.on_rtt(Duration::from_micros(187_500));
        // RTTVAR = 75; SRTT unchanged.
        assert_eq!(e.rttvar(), ms(75));
        assert_eq!(e.rto(), Duration::from_micros(487_500));
    }

    #[test]
    fn rto_clamped_to_min_and_max() {
        let mut e = est();
        e.on_rtt(ms(1));
        assert_eq!(e.rto(), ms(100));
        let mut e = est();
        e.on_rtt(ms(50_000));
        assert_eq!(e.rto(), ms(60000));
    }

    #[test]
    fn zero_rttvar_becomes_granularity() {
        let mut e = RtoEstimator::new(ms(3000), Duration::ZERO, ms(60000));
        e.on_rtt(Duration::ZERO);
        assert_eq!(e.rttvar(), CLOCK_GRANULARITY);
        assert_eq!(e.rto(), CLOCK_GRANULARITY * 4);
    }

    #[test]
    fn backoff_doubles_up_to_max() {
        let mut e = est();
        e.backoff();
        assert_eq!(e.rto(), ms(6000));
        for _ in 0..10 {
            e.backoff();
        }
        assert_eq!(e.rto(), ms(60000));
        // A new measurement replaces the backed-off value (6.3.3 E2 note, 6.3.1 C3).
        e.on_rtt(ms(200));
        assert_eq!(e.rto(), ms(600));
    }

    #[test]
    fn extreme_values_saturate() {
        let mut e = RtoEstimator::new(Duration::MAX, Duration::ZERO, Duration::MAX);
        e.backoff();
        assert_eq!(e.rto(), Duration::MAX);
        e.on_rtt(Duration::MAX);
        e.on_rtt(Duration::ZERO);
        e.on_rtt(Duration::MAX);
        assert_eq!(e.rto(), Duration::MAX);
    }

    #[test]
    fn set_bounds_reclamps() {
        let mut e = est();
        e.set_bounds(ms(10), ms(1000));
        assert_eq!(e.rto(), ms(1000));
    }
}
