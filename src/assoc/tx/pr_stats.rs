//! Abandoned-message counters for SCTP_PR_ASSOC_STATUS and SCTP_PR_STREAM_STATUS (RFC 7496 5,
//! Linux `sctp_prstatus`): each abandoned message is counted once, by its policy, as sent
//! (some fragment had a TSN) or unsent.

use std::collections::HashMap;

use crate::assoc::PrPolicy;

/// Counts per policy, indexed as Linux `SCTP_PR_INDEX`: TTL 0, RTX 1, PRIO 2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrCounts {
    pub abandoned_unsent: [u64; 3],
    pub abandoned_sent: [u64; 3],
}

impl PrCounts {
    /// Linux `SCTP_PR_INDEX` of a policy; `None` for reliable messages.
    pub fn index(pr: PrPolicy) -> Option<usize> {
        match pr {
            PrPolicy::Reliable => None,
            PrPolicy::Ttl(_) => Some(0),
            PrPolicy::Rtx(_) => Some(1),
            PrPolicy::Prio(_) => Some(2),
        }
    }

    /// Sum of two sets of counters (the send queue's unsent and the outstanding queue's
    /// sent abandonments).
    pub fn merged(mut self, other: PrCounts) -> PrCounts {
        for i in 0..3 {
            self.abandoned_unsent[i] += other.abandoned_unsent[i];
            self.abandoned_sent[i] += other.abandoned_sent[i];
        }
        self
    }

    fn count(&mut self, index: usize, sent: bool) {
        let table = if sent {
            &mut self.abandoned_sent
        } else {
            &mut self.abandoned_unsent
        };
        table[index] += 1;
    }
}

/// Counters of one association and of each of its streams.
#[derive(Debug, Clone, Default)]
pub struct PrStats {
    assoc: PrCounts,
    streams: HashMap<u16, PrCounts>,
}

impl PrStats {
    /// One message of `stream_id` with policy `pr` was abandoned.
    pub(crate) fn record(&mut self, stream_id: u16, pr: PrPolicy, sent: bool) {
        if let Some(index) = PrCounts::index(pr) {
            self.assoc.count(index, sent);
            self.streams
                .entry(stream_id)
                .or_default()
                .count(index, sent);
        }
    }

    /// SCTP_PR_ASSOC_STATUS.
    pub fn assoc(&self) -> PrCounts {
        self.assoc
    }

    /// SCTP_PR_STREAM_STATUS.
    pub fn stream(&self, stream_id: u16) -> PrCounts {
        self.streams.get(&stream_id).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn counts_by_policy_and_stream() {
        let mut s = PrStats::default();
        s.record(1, PrPolicy::Ttl(Duration::from_millis(5)), false);
        s.record(1, PrPolicy::Rtx(2), true);
        s.record(2, PrPolicy::Prio(1), true);
        s.record(2, PrPolicy::Reliable, true);
        assert_eq!(s.assoc().abandoned_unsent, [1, 0, 0]);
        assert_eq!(s.assoc().abandoned_sent, [0, 1, 1]);
        assert_eq!(s.stream(2).abandoned_sent, [0, 0, 1]);
        assert_eq!(s.stream(9), PrCounts::default());
        let both = s.assoc().merged(s.stream(1));
        assert_eq!(both.abandoned_unsent, [2, 0, 0]);
        assert_eq!(both.abandoned_sent, [0, 2, 1]);
    }
}
