//! Timer values (RFC 9260 4 and 6.3): each timer is a plain deadline kept by the procedure that
//! owns it (T1-init and T1-cookie in the handshake, T2-shutdown and T5 in shutdown, T3-rtx and
//! heartbeat per path, the delayed-SACK timer). Backoff and restart limits are counted by the
//! owner. `Association::poll_timeout` is the minimum of all deadlines.

use std::time::{Duration, Instant};

/// A one-shot deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Timer {
    deadline: Option<Instant>,
}

impl Timer {
    pub fn start(&mut self, now: Instant, after: Duration) {
        self.deadline = Some(now + after);
    }

    /// Starts the timer unless it is already running.
    pub fn start_if_idle(&mut self, now: Instant, after: Duration) {
        if self.deadline.is_none() {
            self.start(now, after);
        }
    }

    pub fn stop(&mut self) {
        self.deadline = None;
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// True once when the deadline has passed; the timer is then stopped.
    pub fn expire(&mut self, now: Instant) -> bool {
        match self.deadline {
            Some(d) if d <= now => {
                self.deadline = None;
                true
            }
            _ => false,
        }
    }
}

/// RFC 9260 6.3.3 E2 and 5.1 (T1 doubling): `base * 2^n`, at most `max`.
pub(crate) fn backoff(base: Duration, n: u32, max: Duration) -> Duration {
    let factor = 1u32.checked_shl(n.min(31)).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(max).min(max)
}

/// The earlier of two optional deadlines.
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_once() {
        let t0 = Instant::now();
        let mut t = Timer::default();
        assert!(!t.expire(t0));
        t.start(t0, Duration::from_secs(1));
        t.start_if_idle(t0, Duration::from_secs(5));
        assert_eq!(t.deadline(), Some(t0 + Duration::from_secs(1)));
        assert!(!t.expire(t0 + Duration::from_millis(999)));
        assert!(t.expire(t0 + Duration::from_secs(1)));
        assert!(!t.expire(t0 + Duration::from_secs(2)));
        assert_eq!(t.deadline(), None);
    }

    #[test]
    fn backoff_doubles_to_max() {
        let s = Duration::from_secs;
        assert_eq!(backoff(s(1), 0, s(60)), s(1));
        assert_eq!(backoff(s(1), 3, s(60)), s(8));
        assert_eq!(backoff(s(1), 6, s(60)), s(60));
        assert_eq!(backoff(s(3), 40, s(60)), s(60));
    }

    #[test]
    fn earliest_of_options() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(earliest(Some(t1), Some(t0)), Some(t0));
        assert_eq!(earliest(None, Some(t1)), Some(t1));
        assert_eq!(earliest(None, None), None);
    }
}
