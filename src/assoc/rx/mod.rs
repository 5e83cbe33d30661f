//! The receive side of an association: which TSNs arrived and when to SACK them
//! ([`DataTracker`], RFC 9260 6.2, 6.7), and how chunks become delivered messages
//! ([`ReassemblyQueue`], RFC 9260 6.5, 6.6, 6.9, RFC 8260). FORWARD TSN (RFC 3758) and stream
//! reset (RFC 6525) hooks are on both.
//!
//! Per received DATA / I-DATA chunk the association does:
//! 1. `reassembly.admit(&chunk, &tracker)`: false -> drop the chunk, unacknowledged;
//! 2. `tracker.observe(chunk.tsn)`: only `Observed::New` goes on;
//! 3. `reassembly.add(&chunk, from)` (see [`RxError`] for what errors mean);
//!
//! then once per packet `tracker.on_data_packet(...)`, and whenever `tracker.sack_due(now)`
//! `tracker.build_sack(reassembly.a_rwnd(), room)` + `tracker.on_sack_sent()`; the delayed
//! SACK timer is `tracker.sack_deadline()`. Messages come out of
//! `reassembly.pop(tracker.cum_tsn_ack())`, whole or, under partial delivery
//! ([`ReassemblyQueue::set_partial_delivery`], RFC 6458 8.1.20), in pieces; after the
//! application reads, a SACK announcing the reopened window is worth sending when
//! `tracker.window_update_due(a_rwnd, threshold)`.
//!
//! FORWARD TSN / I-FORWARD TSN: `tracker.handle_forward_tsn(new_cum)` (false: out of date,
//! the cum ack stays) and `reassembly.handle_forward_tsn(new_cum, &streams)` in any case: the
//! latter is harmless for an out-of-date chunk (it only drops fragments of abandoned
//! messages and never moves a stream backwards) and still needed when the peer abandoned the
//! unsent tail of a message whose sent fragments we all have. Then `tracker.request_sack(now)`
//! or feed the delayed-SACK policy as for a DATA packet (RFC 3758 3.6).

mod data_tracker;
mod delayed_sack;
mod mid_fragments;
mod ordered;
mod partial_delivery;
mod range_set;
mod reassembly;
#[cfg(test)]
mod tests;
mod tsn_fragments;

pub use data_tracker::{DataTracker, Observed, MAX_DUP_TSNS, MAX_TSN_AHEAD};
pub use reassembly::{ReassemblyQueue, DEFAULT_OVERFLOW_ALLOWANCE};

/// Why [`ReassemblyQueue::add`] did not take a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxError {
    /// Stream id not below the number of inbound streams: send an Invalid Stream Identifier
    /// error cause; the TSN is still acknowledged (RFC 9260 6.5).
    InvalidStream,
    /// DATA chunk without user data: ABORT with a No User Data cause (RFC 9260 6.2).
    NoUserData,
    /// Over the memory cap: the chunk was dropped (and should not have been acknowledged;
    /// ask [`ReassemblyQueue::admit`] first).
    NoRoom,
    /// The fragment contradicts what is held (fragment flags, FSNs or stream/SSN not
    /// matching, an FSN or TSN already taken): it was dropped, with any fragments it proved
    /// unusable. The TSN stays acknowledged; this is a peer bug or attack worth logging, not
    /// a reason to abort.
    Discarded,
}

impl std::fmt::Display for RxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RxError::InvalidStream => "stream identifier out of range",
            RxError::NoUserData => "DATA chunk without user data",
            RxError::NoRoom => "receive buffer full",
            RxError::Discarded => "inconsistent or stale fragment discarded",
        })
    }
}

impl std::error::Error for RxError {}
