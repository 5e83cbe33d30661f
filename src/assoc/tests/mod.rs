//! Deterministic tests of the protocol core on a virtual clock (quinn-style [`pair::Pair`]).

pub(crate) mod pair;
mod handshake;
mod transfer;
