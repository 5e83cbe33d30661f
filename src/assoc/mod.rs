//! The sans-IO SCTP protocol core (RFC 9260): an [`Endpoint`] (one bound SCTP socket: its
//! port, its addresses, the stateless INIT/COOKIE handling, OOTB rules, demux) holding its
//! [`Association`]s (one TCB each). No clock reads, no sockets, no threads: time comes in as
//! `now: Instant`, randomness through the [`Rng`] the caller gives.
//!
//! CONTRACT for the runtime (`stack/`). Call order per wake-up, after quinn-proto:
//! 1. inputs: `Endpoint::handle_packet`, `Endpoint::handle_timeout`, user commands
//!    (`Endpoint::connect`, `Association::send`, `shutdown`, `abort`, option setters);
//! 2. outputs, each until it returns `None`: `Endpoint::poll_transmit`,
//!    `Endpoint::poll_event`, `Association::recv`; then arm a timer at `Endpoint::poll_timeout`
//!    (read it last: `recv` can make it due at once, when the freed receive window is worth a
//!    window-update SACK; the timer then runs `handle_timeout` and `poll_transmit` sends it).
//! 3. after `Event::Closed` for an association: drain its `recv`, then `Endpoint::remove`.
//!    `Association::close_reason` tells why it closed (socket errno).
//!
//! RFC coverage (details in each file): RFC 9260 3.2 (unrecognized chunks/parameters), 4,
//! 5.1-5.4, 6 (6.1-6.10, with `rx/` and `tx/`), 7.2 (`tx/`), 8.1-8.5, 9.1-9.2, 10 (as
//! methods and events) and appendix C (ICMP unreachable during setup); RFC 3758 and 7496
//! (PR-SCTP), RFC 8260 (I-DATA, negotiated), RFC 6951 5.4-5.5 (UDP port learning, ICMP),
//! RFC 7829 (potentially-failed paths), RFC 5061 Adaptation Layer Indication, RFC 4895 AUTH
//! (`auth`) and RFC 5061 ASCONF (`asconf`), both negotiated, RFC 6525 RE-CONFIG (`reconf`,
//! negotiated), RFC 9260 appendix A ECN (`ecn`, negotiated). Not here: PMTU discovery.
//!
//! Submodules: `types` (the public value types below), `endpoint` (+ `ootb`), `association`
//! (+ `input`, `transmit`), and the procedures (handshake, collision, cookie, shutdown, data,
//! pr, errors, paths, heartbeat, timer, rand, asconf, reconf, tx/, rx/). Tests: `tests/` on
//! the `pair` harness.

mod asconf;
mod association;
pub mod auth;
mod collision;
mod cookie;
mod data;
mod ecn;
mod endpoint;
mod errors;
mod handshake;
mod heartbeat;
mod input;
mod ootb;
mod path_params;
mod paths;
pub(crate) mod plpmtud;
mod pr;
mod rand;
pub mod reconf;
pub mod rx;
mod schedule;
mod scope;
pub mod serial;
mod shutdown;
mod stats;
mod timer;
mod transmit;
pub mod tx;
mod types;

#[cfg(test)]
mod tests;

pub use association::{Association, CloseReason};
pub use endpoint::Endpoint;
pub use path_params::PathParams;
pub use stats::AssocStats;
pub use types::*;
