//! Deterministic tests of the protocol core on a virtual clock (quinn-style [`pair::Pair`]).

mod asconf;
mod asconf_refusals;
mod auth;
mod auth_keys;
mod collision;
mod ecn;
mod encap_ports;
mod extensions;
mod handshake;
mod multipath;
mod ootb;
pub(crate) mod pair;
mod partial_delivery;
mod plpmtud;
mod reconf;
mod retransmit_paths;
mod scheduler;
mod shutdown;
mod transfer;
