//! Which TSNs have arrived (RFC 9260 6.2, 6.7): the cumulative TSN ack point, the TSNs
//! received above it (reported as Gap Ack Blocks), the duplicates to report, and the
//! delayed-SACK policy. FORWARD TSN moves the ack point (RFC 3758 3.6).

use std::time::{Duration, Instant};

use super::delayed_sack::DelayedSack;
use super::range_set::RangeSet;
use crate::assoc::serial::{unwrap_tsn, UNWRAP_BASE};
use crate::wire::chunk::{GapBlock, SackChunk};

/// How far above the cumulative TSN ack a TSN may be and still be accepted: Gap Ack Block
/// offsets are 16 bits (RFC 9260 3.3.4), so nothing further could ever be reported. This also
/// bounds the TSN map (at most 2^15 ranges).
pub const MAX_TSN_AHEAD: u32 = u16::MAX as u32;

/// At most this many duplicate TSNs are kept for the next SACK (Linux keeps 16).
pub const MAX_DUP_TSNS: usize = 32;

/// Bytes of a SACK chunk without gap blocks and duplicates (RFC 9260 3.3.4).
const SACK_HEADER_LEN: usize = 16;

/// What [`DataTracker::observe`] made of a TSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// First arrival: process the chunk.
    New,
    /// Already received (or at/below the cumulative ack): recorded for the next SACK's
    /// duplicate list; drop the chunk.
    Duplicate,
    /// More than [`MAX_TSN_AHEAD`] above the cumulative ack: not recorded; drop the chunk
    /// (it will not be acknowledged).
    OutOfWindow,
}

/// The receiver's TSN map and SACK scheduling for one association.
#[derive(Debug, Clone)]
pub struct DataTracker {
    /// Cumulative TSN ack, unwrapped (RFC 9260 1.6 serial arithmetic).
    cum: u64,
    /// TSNs received above `cum + 1`.
    above: RangeSet,
    dups: Vec<u32>,
    delayed: DelayedSack,
    /// a_rwnd of the last SACK built.
    last_rwnd: u32,
}

impl DataTracker {
    /// A tracker for a peer whose first TSN is `peer_initial_tsn` (from its INIT or INIT ACK):
    /// the cumulative ack starts just below it (RFC 9260 6.2).
    pub fn new(peer_initial_tsn: u32) -> Self {
        DataTracker {
            cum: UNWRAP_BASE + u64::from(peer_initial_tsn.wrapping_sub(1)),
            above: RangeSet::default(),
            dups: Vec::new(),
            delayed: DelayedSack::default(),
            last_rwnd: 0,
        }
    }

    /// Records the arrival of `tsn`.
    pub fn observe(&mut self, tsn: u32) -> Observed {
        let t = unwrap_tsn(self.cum, tsn);
        if t > self.cum + u64::from(MAX_TSN_AHEAD) {
            return Observed::OutOfWindow;
        }
        if t <= self.cum || !self.above.insert(t) {
            if self.dups.len() < MAX_DUP_TSNS {
                self.dups.push(tsn);
            }
            return Observed::Duplicate;
        }
        self.advance();
        Observed::New
    }

    /// Moves the ack point over the TSNs that directly follow it.
    fn advance(&mut self) {
        while let Some(end) = self.above.pop_first_if_starts_at(self.cum + 1) {
            self.cum = end;
        }
    }

    /// The Cumulative TSN Ack: every TSN up to it has arrived (or was skipped).
    pub fn cum_tsn_ack(&self) -> u32 {
        self.cum as u32
    }

    /// No gaps: nothing received above the cumulative ack.
    pub fn is_in_sequence(&self) -> bool {
        self.above.is_empty()
    }

    /// Number of Gap Ack Blocks a SACK would carry right now.
    pub fn gap_count(&self) -> usize {
        self.above.len()
    }

    /// FORWARD TSN / I-FORWARD TSN (RFC 3758 3.6, RFC 8260 2.3): treat every TSN up to
    /// `new_cum_tsn` as received and forget what was tracked below it. Returns false (and does
    /// nothing) when `new_cum_tsn` is not ahead of the current cumulative ack; the core should
    /// still SACK then (the peer may have missed our ack). Any jump ahead is taken: it only
    /// shrinks the state, and skipping its own data is the peer's business.
    pub fn handle_forward_tsn(&mut self, new_cum_tsn: u32) -> bool {
        let t = unwrap_tsn(self.cum, new_cum_tsn);
        if t <= self.cum {
            return false;
        }
        self.above.remove_through(t);
        self.cum = t;
        self.advance();
        true
    }

    /// Builds a SACK (RFC 9260 3.3.4, 6.2) advertising `a_rwnd`: gap blocks as offsets from the
    /// cumulative ack, ascending and merged, then the duplicate TSNs seen since the last SACK
    /// (which are then forgotten). The chunk is kept within `max_len` bytes (chunk header
    /// included) by dropping the highest gap blocks first, then duplicates.
    pub fn build_sack(&mut self, a_rwnd: u32, max_len: usize) -> SackChunk {
        let room = max_len.saturating_sub(SACK_HEADER_LEN) / 4;
        let gap_blocks: Vec<GapBlock> = self
            .above
            .iter()
            .take(room)
            .map(|(s, e)| GapBlock {
                // Within MAX_TSN_AHEAD of cum by construction (observe refuses the rest).
                start: (s - self.cum) as u16,
                end: (e - self.cum) as u16,
            })
            .collect();
        let dup_room = room - gap_blocks.len();
        let mut dup_tsns = std::mem::take(&mut self.dups);
        dup_tsns.truncate(dup_room);
        self.last_rwnd = a_rwnd;
        SackChunk {
            cum_tsn_ack: self.cum_tsn_ack(),
            a_rwnd,
            gap_blocks,
            dup_tsns,
        }
    }

    /// Delayed-SACK policy input (RFC 9260 6.2): one received packet that carried DATA chunks;
    /// `any_new` / `any_dup` summarize what [`observe`](Self::observe) returned for them and
    /// `immediate_bit` is set if any had the I bit. See [`sack_deadline`](Self::sack_deadline).
    pub fn on_data_packet(
        &mut self,
        now: Instant,
        any_new: bool,
        any_dup: bool,
        immediate_bit: bool,
        sack_delay: Duration,
        sack_freq: u32,
    ) {
        let in_sequence = self.is_in_sequence();
        self.delayed.on_data_packet(
            now,
            any_new,
            any_dup,
            immediate_bit,
            in_sequence,
            sack_delay,
            sack_freq,
        );
    }

    /// Ask for a SACK at `now` (FORWARD TSN received, window update, SHUTDOWN...).
    pub fn request_sack(&mut self, now: Instant) {
        self.delayed.request(now);
    }

    /// When the next SACK must be sent (the delayed-ack timer), if one is pending.
    pub fn sack_deadline(&self) -> Option<Instant> {
        self.delayed.deadline()
    }

    /// A SACK should be sent now (bundled with outgoing data or alone).
    pub fn sack_due(&self, now: Instant) -> bool {
        self.delayed.due(now)
    }

    /// Call after a SACK built by [`build_sack`](Self::build_sack) was sent.
    pub fn on_sack_sent(&mut self) {
        self.delayed.on_sack_sent();
    }

    /// The window grew by at least `threshold` since the last SACK advertised it, so a window
    /// update SACK is worth sending (receiver-side SWS avoidance, RFC 9260 6.2; Linux uses
    /// `max(path MTU, rcvbuf / 2)` style thresholds).
    pub fn window_update_due(&self, a_rwnd: u32, threshold: u32) -> bool {
        a_rwnd > self.last_rwnd && a_rwnd - self.last_rwnd >= threshold.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: usize = 1500;

    fn blocks(s: &SackChunk) -> Vec<(u16, u16)> {
        s.gap_blocks.iter().map(|g| (g.start, g.end)).collect()
    }

    #[test]
    fn in_order_advances() {
        let mut t = DataTracker::new(100);
        assert_eq!(t.cum_tsn_ack(), 99);
        for tsn in 100..110 {
            assert_eq!(t.observe(tsn), Observed::New);
        }
        assert_eq!(t.cum_tsn_ack(), 109);
        assert!(t.is_in_sequence());
        let s = t.build_sack(5000, BIG);
        assert_eq!((s.cum_tsn_ack, s.a_rwnd), (109, 5000));
        assert!(s.gap_blocks.is_empty() && s.dup_tsns.is_empty());
    }

    #[test]
    fn gaps_reported_as_offsets() {
        let mut t = DataTracker::new(1);
        for tsn in [1, 2, 4, 5, 7, 10, 9] {
            assert_eq!(t.observe(tsn), Observed::New);
        }
        assert_eq!(t.cum_tsn_ack(), 2);
        assert!(!t.is_in_sequence());
        assert_eq!(t.gap_count(), 3);
        let s = t.build_sack(1000, BIG);
        assert_eq!(blocks(&s), vec![(2, 3), (5, 5), (7, 8)]);
        // Filling 3 merges the first block into the cum ack.
        t.observe(3);
        assert_eq!(t.cum_tsn_ack(), 5);
        assert_eq!(blocks(&t.build_sack(1000, BIG)), vec![(2, 2), (4, 5)]);
        t.observe(6);
        t.observe(8);
        assert_eq!(t.cum_tsn_ack(), 10);
        assert!(t.is_in_sequence());
    }

    #[test]
    fn duplicates_listed_once_then_cleared() {
        let mut t = DataTracker::new(10);
        t.observe(10);
        t.observe(12);
        assert_eq!(t.observe(10), Observed::Duplicate);
        assert_eq!(t.observe(12), Observed::Duplicate);
        assert_eq!(t.observe(3), Observed::Duplicate);
        let s = t.build_sack(0, BIG);
        assert_eq!(s.dup_tsns, vec![10, 12, 3]);
        assert_eq!(blocks(&s), vec![(2, 2)]);
        assert!(t.build_sack(0, BIG).dup_tsns.is_empty());
        for _ in 0..100 {
            t.observe(10);
        }
        assert_eq!(t.build_sack(0, BIG).dup_tsns.len(), MAX_DUP_TSNS);
    }

    #[test]
    fn wraps_at_2_pow_32() {
        let mut t = DataTracker::new(u32::MAX - 2);
        assert_eq!(t.cum_tsn_ack(), u32::MAX - 3);
        for tsn in [u32::MAX - 2, u32::MAX - 1, 1, 2] {
            assert_eq!(t.observe(tsn), Observed::New);
        }
        assert_eq!(t.cum_tsn_ack(), u32::MAX - 1);
        assert_eq!(blocks(&t.build_sack(0, BIG)), vec![(3, 4)]);
        t.observe(u32::MAX);
        t.observe(0);
        assert_eq!(t.cum_tsn_ack(), 2);
        assert_eq!(t.observe(u32::MAX), Observed::Duplicate);
    }

    #[test]
    fn hostile_jumps_are_out_of_window() {
        let mut t = DataTracker::new(1000);
        // The cum ack is 999: 999 + MAX_TSN_AHEAD is the last TSN accepted.
        assert_eq!(t.observe(999 + MAX_TSN_AHEAD), Observed::New);
        assert_eq!(t.observe(999 + MAX_TSN_AHEAD), Observed::Duplicate);
        assert_eq!(t.observe(1000 + MAX_TSN_AHEAD), Observed::OutOfWindow);
        assert_eq!(
            t.observe(1000u32.wrapping_add(1 << 30)),
            Observed::OutOfWindow
        );
        // Half the space away is "behind": a duplicate, and nothing is stored.
        assert_eq!(
            t.observe(1000u32.wrapping_add(0x8000_0001)),
            Observed::Duplicate
        );
        let s = t.build_sack(0, BIG);
        assert_eq!(blocks(&s), vec![(u16::MAX, u16::MAX)]);
        // Every other TSN across the window: the map stays bounded by the window.
        for k in (1..MAX_TSN_AHEAD).step_by(2) {
            t.observe(1000 + k);
        }
        for k in 0..100_000u32 {
            assert_ne!(t.observe(1000 + MAX_TSN_AHEAD + k), Observed::New);
        }
        assert!(t.gap_count() <= (MAX_TSN_AHEAD as usize).div_ceil(2));
    }

    #[test]
    fn sack_respects_max_len() {
        let mut t = DataTracker::new(0);
        for tsn in (2..400).step_by(2) {
            t.observe(tsn);
        }
        t.observe(2);
        t.observe(4);
        let s = t.build_sack(0, 16 + 4 * 10);
        assert_eq!(s.gap_blocks.len(), 10);
        assert!(s.dup_tsns.is_empty());
        assert_eq!(blocks(&s)[0], (3, 3));
        // Room left after the gap blocks goes to duplicates.
        let mut t = DataTracker::new(0);
        t.observe(0);
        t.observe(5);
        t.observe(0);
        t.observe(5);
        let s = t.build_sack(0, 16 + 4 * 2);
        assert_eq!((s.gap_blocks.len(), s.dup_tsns.clone()), (1, vec![0]));
        assert_eq!(t.build_sack(0, 4).gap_blocks.len(), 0);
    }

    #[test]
    fn forward_tsn_moves_ack_point() {
        let mut t = DataTracker::new(10);
        for tsn in [10, 13, 14, 17] {
            t.observe(tsn);
        }
        assert!(t.handle_forward_tsn(12));
        assert_eq!(t.cum_tsn_ack(), 14);
        assert_eq!(blocks(&t.build_sack(0, BIG)), vec![(3, 3)]);
        assert!(!t.handle_forward_tsn(13));
        assert!(t.handle_forward_tsn(20));
        assert_eq!(t.cum_tsn_ack(), 20);
        assert!(t.is_in_sequence());
        assert_eq!(t.observe(18), Observed::Duplicate);
        assert_eq!(t.observe(21), Observed::New);
    }

    #[test]
    fn sack_timing_follows_tsn_map() {
        let t0 = Instant::now();
        let delay = Duration::from_millis(200);
        let mut t = DataTracker::new(1);
        t.observe(1);
        t.on_data_packet(t0, true, false, false, delay, 2);
        assert_eq!(t.sack_deadline(), Some(t0 + delay));
        t.observe(3);
        t.on_data_packet(t0, true, false, false, delay, 4);
        assert!(t.sack_due(t0));
        t.build_sack(100, BIG);
        t.on_sack_sent();
        assert!(!t.sack_due(t0) && t.sack_deadline().is_none());
        t.request_sack(t0);
        assert!(t.sack_due(t0));
    }

    #[test]
    fn window_update_threshold() {
        let mut t = DataTracker::new(1);
        t.build_sack(1000, BIG);
        assert!(!t.window_update_due(1000, 500));
        assert!(!t.window_update_due(1400, 500));
        assert!(t.window_update_due(1500, 500));
        assert!(!t.window_update_due(900, 0));
    }
}
