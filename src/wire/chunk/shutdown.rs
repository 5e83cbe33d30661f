//! SHUTDOWN (RFC 9260 3.3.8).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 7    | Chunk  Flags  |          Length = 8           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Cumulative TSN Ack                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::wire::bytes::Reader;
use crate::wire::ParseError;

/// SHUTDOWN (3.3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownChunk {
    pub cum_tsn_ack: u32,
}

impl ShutdownChunk {
    pub(super) const VALUE_LEN: usize = 4;

    pub(super) fn parse(value: &[u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let cum_tsn_ack = r.u32()?;
        r.finish()?;
        Ok(ShutdownChunk { cum_tsn_ack })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Chunk::Shutdown(ShutdownChunk {
            cum_tsn_ack: 0xFFFF_FFFE,
        }));
        assert_eq!(b, [7, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFE]);
        assert_eq!(
            Chunk::parse(&[7, 0, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
        assert_eq!(
            Chunk::parse(&[7, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
