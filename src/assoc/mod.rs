//! The sans-IO SCTP protocol core (RFC 9260): an [`Endpoint`] (one bound SCTP socket: its
//! port, its addresses, the stateless INIT/COOKIE handling, OOTB rules, demux) holding its
//! [`Association`]s (one TCB each). No clock reads, no sockets, no threads: time comes in as
//! `now: Instant`, randomness through the [`Rng`] the caller gives.
//!
//! CONTRACT for the runtime (`stack/`). Call order per wake-up, after quinn-proto:
//! 1. inputs: `Endpoint::handle_packet`, `Endpoint::handle_timeout`, user commands
//!    (`Endpoint::connect`, `Association::send`, `shutdown`, `abort`, option setters);
//! 2. outputs, each until it returns `None`: `Endpoint::poll_transmit`,
//!    `Endpoint::poll_event`, `Association::recv`; then arm a timer at `Endpoint::poll_timeout`.
//!
//! Submodules: `types` (the public value types below), `endpoint`, `association`, and the
//! procedures (handshake, cookie, shutdown, paths, heartbeat, timer, tx/, rx/).

pub mod tx;
mod types;

pub use types::*;
