//! When to send a SACK (RFC 9260 6.2 and 6.7): the delayed-SACK policy of the data receiver.

use std::time::{Duration, Instant};

/// Delayed-SACK state: a deadline by which the next SACK must go out.
#[derive(Debug, Default, Clone)]
pub(super) struct DelayedSack {
    /// When the next SACK is due; `None` when nothing needs acknowledging.
    deadline: Option<Instant>,
    /// Packets with new DATA received since the last SACK.
    packets_since_sack: u32,
    /// The TSN map had gaps after the previous DATA packet.
    had_gap: bool,
}

impl DelayedSack {
    /// Accounts one received packet that carried DATA chunks. `in_sequence` is the TSN map's
    /// state after the packet. A SACK is due at once (RFC 9260 6.2, 6.7) when the packet:
    /// - leaves a gap, or arrives while one was open (so also when it fills the last gap);
    /// - carried a duplicate TSN, or carried nothing new (e.g. all dropped: report the window);
    /// - had a DATA chunk with the I bit (RFC 9260 3.3.1);
    /// - is the `sack_freq`-th packet with new DATA since the last SACK (1 or 0 = every packet),
    ///   or `sack_delay` is zero.
    ///
    /// Otherwise the SACK is delayed by `sack_delay` from the first unacknowledged packet.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_data_packet(
        &mut self,
        now: Instant,
        any_new: bool,
        any_dup: bool,
        immediate_bit: bool,
        in_sequence: bool,
        sack_delay: Duration,
        sack_freq: u32,
    ) {
        let gap_involved = !in_sequence || self.had_gap;
        self.had_gap = !in_sequence;
        if any_new {
            self.packets_since_sack = self.packets_since_sack.saturating_add(1);
        }
        let immediate = gap_involved
            || any_dup
            || !any_new
            || immediate_bit
            || sack_delay.is_zero()
            || self.packets_since_sack >= sack_freq.max(1);
        let due = if immediate { now } else { now + sack_delay };
        self.deadline = Some(self.deadline.map_or(due, |d| d.min(due)));
    }

    /// Asks for a SACK at `now` (window update, FORWARD TSN, SHUTDOWN processing...).
    pub(super) fn request(&mut self, now: Instant) {
        self.deadline = Some(self.deadline.map_or(now, |d| d.min(now)));
    }

    pub(super) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    pub(super) fn due(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|d| d <= now)
    }

    /// A SACK went out: nothing is pending any more.
    pub(super) fn on_sack_sent(&mut self) {
        self.deadline = None;
        self.packets_since_sack = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELAY: Duration = Duration::from_millis(200);

    #[test]
    fn every_second_packet_or_after_delay() {
        let t0 = Instant::now();
        let mut d = DelayedSack::default();
        assert_eq!(d.deadline(), None);
        d.on_data_packet(t0, true, false, false, true, DELAY, 2);
        assert_eq!(d.deadline(), Some(t0 + DELAY));
        assert!(!d.due(t0) && d.due(t0 + DELAY));
        let t1 = t0 + Duration::from_millis(10);
        d.on_data_packet(t1, true, false, false, true, DELAY, 2);
        assert_eq!(d.deadline(), Some(t1));
        d.on_sack_sent();
        assert_eq!(d.deadline(), None);
        // The counter restarted: the next packet is delayed again.
        d.on_data_packet(t1, true, false, false, true, DELAY, 2);
        assert_eq!(d.deadline(), Some(t1 + DELAY));
    }

    #[test]
    fn immediate_cases() {
        let t0 = Instant::now();
        let cases: [(bool, bool, bool, bool, Duration, u32); 6] = [
            (true, true, false, true, DELAY, 2),           // duplicate
            (true, false, true, true, DELAY, 2),           // I bit
            (true, false, false, false, DELAY, 2),         // gap
            (false, false, false, true, DELAY, 2),         // nothing new (dropped)
            (true, false, false, true, Duration::ZERO, 2), // no delay configured
            (true, false, false, true, DELAY, 1),          // sack every packet
        ];
        for (new, dup, ibit, in_seq, delay, freq) in cases {
            let mut d = DelayedSack::default();
            d.on_data_packet(t0, new, dup, ibit, in_seq, delay, freq);
            assert_eq!(
                d.deadline(),
                Some(t0),
                "{new} {dup} {ibit} {in_seq} {delay:?} {freq}"
            );
        }
    }

    #[test]
    fn gap_filled_is_immediate() {
        let t0 = Instant::now();
        let mut d = DelayedSack::default();
        d.on_data_packet(t0, true, false, false, false, DELAY, 2);
        d.on_sack_sent();
        // This packet fills the gap: SACK at once so the sender sees the new cum ack.
        d.on_data_packet(t0, true, false, false, true, DELAY, 2);
        assert!(d.due(t0));
        d.on_sack_sent();
        d.on_data_packet(t0, true, false, false, true, DELAY, 2);
        assert!(!d.due(t0));
    }

    #[test]
    fn request_keeps_earliest() {
        let t0 = Instant::now();
        let mut d = DelayedSack::default();
        d.on_data_packet(t0, true, false, false, true, DELAY, 2);
        d.request(t0 + Duration::from_millis(5));
        assert_eq!(d.deadline(), Some(t0 + Duration::from_millis(5)));
        d.request(t0 + Duration::from_secs(5));
        assert_eq!(d.deadline(), Some(t0 + Duration::from_millis(5)));
    }
}
