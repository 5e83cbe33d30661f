//! The send side of an association: user messages waiting in the [`SendQueue`] (stream
//! schedulers, fragmentation, PR-SCTP lifetime), DATA chunks sent and not yet acknowledged in
//! [`OutstandingData`] (SACK processing, fast retransmit, T3 marking, FORWARD TSN), and the
//! per-destination [`RtoEstimator`] and [`Congestion`] state the core keeps in each path.

mod congestion;
mod outstanding;
mod prune;
mod rto;
mod send_queue;
pub(crate) mod serial;

pub use congestion::Congestion;
pub use outstanding::{OutstandingData, PathAck, SackError, SackResult};
pub use prune::{pr_level, prune_for};
pub use rto::RtoEstimator;
pub use send_queue::{OutChunk, Scheduler, SendQueue};

/// Index of a destination address in the association's path table.
pub type PathId = usize;
