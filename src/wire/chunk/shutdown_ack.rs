//! SHUTDOWN ACK (RFC 9260 3.3.9): no value.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 8    |Chunk  Flags   |          Length = 4           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Chunk;
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Chunk<'_>, ParseError> {
    empty(value, Chunk::ShutdownAck)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(round_trip(&Chunk::ShutdownAck), [8, 0, 0, 4]);
        assert_eq!(
            Chunk::parse(&[8, 0, 0, 5, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
