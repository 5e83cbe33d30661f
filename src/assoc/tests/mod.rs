//! Deterministic tests of the protocol core on a virtual clock (quinn-style [`pair::Pair`]).

mod handshake;
mod ootb;
pub(crate) mod pair;
mod transfer;
