//! Deterministic tests of the protocol core on a virtual clock (quinn-style [`pair::Pair`]).

mod collision;
mod extensions;
mod handshake;
mod multipath;
mod ootb;
pub(crate) mod pair;
mod shutdown;
mod transfer;
