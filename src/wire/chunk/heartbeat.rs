//! HEARTBEAT (RFC 9260 3.3.5) and HEARTBEAT ACK (3.3.6): one Heartbeat Info parameter.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 4/5  | Chunk  Flags  |      Heartbeat Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /          Heartbeat Information TLV (Variable-Length)          /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Heartbeat Info Type = 1    |      HB Info Length           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                 Sender-Specific Heartbeat Info                /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The value must be exactly one parameter of type 1 (anything else is `BadValue`, trailing
//! bytes beyond its padding are `BadLength`).

use crate::wire::bytes::{split_tlv, write_tlv, Writer};
use crate::wire::param::kind::HEARTBEAT_INFO;
use crate::wire::ParseError;

/// HEARTBEAT (3.3.5) / HEARTBEAT ACK (3.3.6): the Heartbeat Info parameter's opaque value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatChunk<'a> {
    pub info: &'a [u8],
}

impl<'a> HeartbeatChunk<'a> {
    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let (tlv, rest) = split_tlv(value)?;
        if tlv.kind != HEARTBEAT_INFO {
            return Err(ParseError::BadValue);
        }
        if !rest.is_empty() {
            return Err(ParseError::BadLength);
        }
        Ok(HeartbeatChunk { info: tlv.value })
    }

    pub(super) fn value_len(&self) -> usize {
        4 + self.info.len()
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        write_tlv(w, HEARTBEAT_INFO, self.info.len(), |w| w.bytes(self.info));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Chunk::Heartbeat(HeartbeatChunk {
            info: &[1, 2, 3, 4, 5, 6, 7, 8],
        }));
        assert_eq!(&b[..8], &[4, 0, 0, 16, 0, 1, 0, 12]);
        let b = round_trip(&Chunk::HeartbeatAck(HeartbeatChunk { info: &[9, 9, 9] }));
        assert_eq!(&b[..8], &[5, 0, 0, 11, 0, 1, 0, 7]);
        round_trip(&Chunk::Heartbeat(HeartbeatChunk { info: &[] }));
    }

    #[test]
    fn rejects_other_params_and_trailing_bytes() {
        assert_eq!(
            Chunk::parse(&[4, 0, 0, 8, 0, 2, 0, 4]),
            Err(ParseError::BadValue)
        );
        assert_eq!(
            Chunk::parse(&[4, 0, 0, 12, 0, 1, 0, 4, 0, 1, 0, 4]),
            Err(ParseError::BadLength)
        );
        assert_eq!(Chunk::parse(&[4, 0, 0, 4]), Err(ParseError::Truncated));
        assert_eq!(
            Chunk::parse(&[4, 0, 0, 8, 0, 1, 0, 9]),
            Err(ParseError::Truncated)
        );
    }
}
