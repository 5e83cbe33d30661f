//! COOKIE ACK (RFC 9260 3.3.12): no value.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 11   |Chunk  Flags   |          Length = 4           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Chunk;
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Chunk<'_>, ParseError> {
    empty(value, Chunk::CookieAck)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(round_trip(&Chunk::CookieAck), [11, 0, 0, 4]);
        assert_eq!(
            Chunk::parse(&[11, 0, 0, 8, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
