//! The send side of an association: user messages waiting in the [`SendQueue`] (stream
//! schedulers, fragmentation, PR-SCTP lifetime), DATA chunks sent and not yet acknowledged in
//! [`OutstandingData`] (SACK processing, fast retransmit, T3 marking, FORWARD TSN), and the
//! per-destination [`RtoEstimator`] and [`Congestion`] state the core keeps in each path.
//!
//! How the association drives them:
//! - user send: [`prune_for`] (PR-SCTP priority, when the peer supports PR), then
//!   [`SendQueue::enqueue`];
//! - sending: [`SendQueue::expire`], then per packet [`OutstandingData::pop_retransmit`]
//!   (fast retransmissions ignore cwnd) and [`SendQueue::produce`] +
//!   [`OutstandingData::insert`] within [`Congestion::can_send`] / `burst_budget` and the
//!   peer's window ([`OutstandingData::peer_rwnd`]); [`Congestion::on_send`] before new data;
//! - SACK: [`OutstandingData::handle_sack`]; per [`PathAck`]: `RtoEstimator::on_rtt`,
//!   `Congestion::on_ack`, then `on_fast_retransmit` when `enter_fast_recovery`, T3 restart;
//! - T3 expiry: `Congestion::on_t3`, `RtoEstimator::backoff`,
//!   [`OutstandingData::on_t3_expired`];
//! - after any of these: [`OutstandingData::abandon_expired`] (its messages to
//!   [`SendQueue::abandon_message`]), [`OutstandingData::forward_tsn`] when due, and
//!   [`SendQueue::release`] with [`OutstandingData::take_freed_bytes`] (true: Writable);
//! - association end: `drain_failed` on both.

mod congestion;
mod outstanding;
mod pr_stats;
mod prune;
mod rto;
mod scheduler;
mod send_queue;
#[cfg(test)]
mod tests;

pub use congestion::Congestion;
pub use outstanding::{OutstandingData, PathAck, SackError, SackResult, TxStats};
pub use pr_stats::{PrCounts, PrStats};
pub use prune::{pr_level, prune_for};
pub use rto::RtoEstimator;
pub use scheduler::Scheduler;
pub use send_queue::{OutChunk, SendQueue};

/// Index of a destination address in the association's path table.
pub type PathId = usize;
