//! Stream schedulers (RFC 8260 3; Linux `net/sctp/stream_sched*.c`, SCTP_STREAM_SCHEDULER
//! and SCTP_STREAM_SCHEDULER_VALUE): which stream with queued messages sends next.
//!
//! The send queue keeps its active streams in a map ordered by a [`Key`], smallest first;
//! this file says what the key of a stream is under each scheduler, and keeps the per-stream
//! scheduler state (priority or weight, bytes sent). With DATA a message's fragments still
//! go out back to back (RFC 9260 6.9): the send queue pins the stream until the message ends.

/// Order of a stream in the active set (smallest sends first).
pub(crate) type Key = (u64, u64);

/// Stream scheduler (Linux `enum sctp_sched_type`: SCTP_SS_FCFS 0, SCTP_SS_PRIO 1,
/// SCTP_SS_RR 2, SCTP_SS_FC 3, SCTP_SS_WFQ 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheduler {
    /// RFC 8260 3.1: first come, first served across all streams.
    #[default]
    Fcfs,
    /// RFC 8260 3.4: lowest priority value first; equal priorities share round-robin.
    Priority,
    /// RFC 8260 3.2: one message per stream in turn (one fragment per turn with I-DATA).
    RoundRobin,
    /// RFC 8260 3.5 fair capacity: the stream that has sent the fewest bytes goes next.
    FairCapacity,
    /// RFC 8260 3.6 weighted fair queueing: the fewest bytes sent per unit of weight.
    WeightedFair,
}

impl Scheduler {
    /// From Linux's SCTP_STREAM_SCHEDULER value.
    pub fn from_linux(value: u32) -> Option<Scheduler> {
        Some(match value {
            0 => Scheduler::Fcfs,
            1 => Scheduler::Priority,
            2 => Scheduler::RoundRobin,
            3 => Scheduler::FairCapacity,
            4 => Scheduler::WeightedFair,
            _ => return None,
        })
    }

    pub fn to_linux(self) -> u32 {
        match self {
            Scheduler::Fcfs => 0,
            Scheduler::Priority => 1,
            Scheduler::RoundRobin => 2,
            Scheduler::FairCapacity => 3,
            Scheduler::WeightedFair => 4,
        }
    }

    /// A stream's SCTP_STREAM_SCHEDULER_VALUE before any is set (Linux `init_sid`: priority
    /// 0, weight 1; the other schedulers have no value and report 0).
    pub fn default_value(self) -> u16 {
        match self {
            Scheduler::WeightedFair => 1,
            _ => 0,
        }
    }

    /// Whether SCTP_STREAM_SCHEDULER_VALUE accepts `value` (WFQ: a zero weight is EINVAL;
    /// FCFS, RR and FC accept and ignore any value).
    pub fn accepts(self, value: u16) -> bool {
        !(self == Scheduler::WeightedFair && value == 0)
    }

    /// Whether this scheduler keeps the values set (PRIO, WFQ); the others read 0.
    pub fn has_value(self) -> bool {
        matches!(self, Scheduler::Priority | Scheduler::WeightedFair)
    }

    /// The key of a stream whose head message is `head_id`. `old` is its key before, kept
    /// when its turn did not end (`rotate` false). Ties between equal shares go to the
    /// stream scheduled last, as Linux inserts a stream before its equals (FC, WFQ).
    pub(crate) fn key(
        self,
        head_id: u64,
        st: &StreamSched,
        seq: &mut u64,
        old: Option<Key>,
        rotate: bool,
    ) -> Key {
        if self == Scheduler::Fcfs {
            return (0, head_id);
        }
        if let (Some(key), false) = (old, rotate) {
            return key;
        }
        *seq += 1;
        match self {
            Scheduler::Fcfs | Scheduler::RoundRobin => (0, *seq),
            Scheduler::Priority => (u64::from(st.value), *seq),
            Scheduler::FairCapacity => (st.sent, u64::MAX - *seq),
            Scheduler::WeightedFair => (
                st.sent.saturating_mul(WEIGHT_SCALE) / u64::from(st.value.max(1)),
                u64::MAX - *seq,
            ),
        }
    }
}

/// Fixed-point scale of WFQ's bytes-per-weight share.
const WEIGHT_SCALE: u64 = 1 << 16;

/// Scheduler state of one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StreamSched {
    /// SCTP_STREAM_SCHEDULER_VALUE: priority (PRIO) or weight (WFQ).
    pub value: u16,
    /// Bytes of DATA / I-DATA chunks (header included) sent from this stream (FC, WFQ).
    pub sent: u64,
}

impl StreamSched {
    pub fn new(scheduler: Scheduler) -> StreamSched {
        StreamSched {
            value: scheduler.default_value(),
            sent: 0,
        }
    }
}

impl Default for StreamSched {
    fn default() -> Self {
        StreamSched::new(Scheduler::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_numbers_round_trip() {
        for n in 0..5 {
            assert_eq!(Scheduler::from_linux(n).map(Scheduler::to_linux), Some(n));
        }
        assert_eq!(Scheduler::from_linux(5), None);
        assert!(!Scheduler::WeightedFair.accepts(0));
        assert!(Scheduler::FairCapacity.accepts(0));
        assert_eq!(Scheduler::WeightedFair.default_value(), 1);
    }

    #[test]
    fn wfq_share_is_bytes_per_weight() {
        let mut seq = 0;
        let heavy = StreamSched {
            value: 3,
            sent: 3000,
        };
        let light = StreamSched {
            value: 1,
            sent: 1001,
        };
        let kh = Scheduler::WeightedFair.key(0, &heavy, &mut seq, None, true);
        let kl = Scheduler::WeightedFair.key(1, &light, &mut seq, None, true);
        assert!(
            kh < kl,
            "3000 bytes at weight 3 is a smaller share than 1001 at 1"
        );
        // Equal shares: the stream keyed last goes first.
        let a = Scheduler::FairCapacity.key(0, &heavy, &mut seq, None, true);
        let b = Scheduler::FairCapacity.key(1, &heavy, &mut seq, None, true);
        assert!(b < a);
    }
}
