//! The SCTP wire codec: the common header, every chunk, parameter and error cause the stack
//! speaks, and CRC32c. No state, no clock, no I/O.
//!
//! Rules (after smoltcp's `wire` module):
//! - Parsing borrows the packet bytes (`Chunk<'a>`), checks every length and padding rule and
//!   never panics or reads out of bounds, whatever the input. It allocates only for lists
//!   (parameters, causes, gap blocks).
//! - Emitting is a size query (`encoded_len`) followed by `encode` into a caller's buffer of at
//!   least that size (a shorter buffer makes `encode` write nothing and return 0); the packet
//!   writer ([`packet::PacketWriter`]) bundles chunks up to a limit.
//! - Unknown chunk and parameter types are kept with their bytes so the association can apply the
//!   action bits of RFC 9260 sections 3.2 and 3.2.1 ([`UnrecognizedAction`]).
//! - Padding: lengths exclude the padding to 4 bytes; padding bytes are ignored on receipt and
//!   sent as zeros; the last parameter (or cause) of a chunk and the last chunk of a packet may
//!   arrive without their padding (RFC 9260 3.2; see `chunk::raw` for why).
//!
//! - Validation stops at what the wire format says; rules that need a reply (a zero Initiate
//!   Tag, a DATA chunk without user data, RFC 9260 6.2) are the association's, so those parse.
//! - The CRC32c is always verified on receipt; there is no way around it.
//!
//! Layout: `chunk/` one file per chunk type, `param/` one per parameter, `cause/` one per error
//! cause, each with its RFC diagram and its own round-trip tests; `bytes` the bounds-checked
//! readers, writers and TLV framing; `tlv` what parameters and causes share (parse one, encode
//! one, lists inside a chunk). Test-only modules: `captures` (packets from usrsctp, in
//! `testdata/`), `mutation_tests` (randomized robustness), `tshark_tests` (Wireshark decodes
//! what we build), `test_packets` (one of everything); `check` holds the self-checks shared with
//! the cargo-fuzz targets in `fuzz/`.

pub(crate) mod bytes;
#[cfg(test)]
mod captures;
pub mod cause;
#[cfg(any(test, feature = "fuzzing"))]
pub mod check;
pub mod chunk;
pub mod error;
#[cfg(test)]
mod mutation_tests;
pub mod packet;
pub mod param;
#[cfg(test)]
mod test_packets;
mod tlv;
#[cfg(test)]
mod tshark_tests;
mod unrecognized;

pub use bytes::pad4;
pub use cause::ErrorCause;
pub use chunk::Chunk;
pub use error::ParseError;
pub use packet::{CommonHeader, Packet, PacketWriter};
pub use param::Param;
pub use unrecognized::UnrecognizedAction;
