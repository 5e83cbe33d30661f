//! AUTH (RFC 4895 4.2).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type = 0x0F   |   Flags=0     |             Length            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Shared Key Identifier     |   HMAC Identifier             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! \                             HMAC                              /
//! /                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The HMAC length depends on the HMAC Identifier; checking it is the association's job (an
//! unknown identifier needs an "Unsupported HMAC Identifier" reply, RFC 4895 6.3). The HMAC
//! covers this chunk with the HMAC field zeroed and the chunks after it: see
//! [`RawChunk::bytes`](super::RawChunk::bytes) and [`AuthChunk::HMAC_OFFSET`].

use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

/// AUTH (RFC 4895 4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthChunk<'a> {
    pub shared_key_id: u16,
    pub hmac_id: u16,
    pub hmac: &'a [u8],
}

impl<'a> AuthChunk<'a> {
    /// Where the HMAC starts in the chunk, counted from the chunk header.
    pub const HMAC_OFFSET: usize = 8;

    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        Ok(AuthChunk {
            shared_key_id: r.u16()?,
            hmac_id: r.u16()?,
            hmac: r.rest(),
        })
    }

    pub(super) fn value_len(&self) -> usize {
        4 + self.hmac.len()
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        w.u16(self.shared_key_id);
        w.u16(self.hmac_id);
        w.bytes(self.hmac);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let hmac = [0x5A; 20];
        let b = round_trip(&Chunk::Auth(AuthChunk {
            shared_key_id: 1,
            hmac_id: 1,
            hmac: &hmac,
        }));
        assert_eq!(&b[..8], &[15, 0, 0, 28, 0, 1, 0, 1]);
        assert_eq!(&b[AuthChunk::HMAC_OFFSET..], &hmac);
        assert_eq!(
            Chunk::parse(&[15, 0, 0, 6, 0, 1, 0, 0]),
            Err(ParseError::Truncated)
        );
    }
}
