//! ASCONF ACK (RFC 5061 4.1.3): the serial number acknowledged and the responses.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type = 0x80   | Chunk Flags   |      Chunk Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Sequence Number                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 ASCONF Parameter Response#1                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                             ....                              /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 ASCONF Parameter Response#N                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::wire::bytes::{Reader, Writer};
use crate::wire::param::Param;
use crate::wire::tlv;
use crate::wire::ParseError;

/// ASCONF ACK (RFC 5061 4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsconfAckChunk<'a> {
    pub serial: u32,
    pub params: Vec<Param<'a>>,
}

impl<'a> AsconfAckChunk<'a> {
    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let serial = r.u32()?;
        Ok(AsconfAckChunk {
            serial,
            params: Param::parse_list(r.rest())?,
        })
    }

    pub(super) fn value_len(&self) -> usize {
        4 + tlv::list_value_len(&self.params)
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        w.u32(self.serial);
        tlv::write_list(w, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let c = AsconfAckChunk {
            serial: 77,
            params: vec![
                Param::SuccessIndication { correlation_id: 1 },
                Param::ErrorCauseIndication {
                    correlation_id: 2,
                    causes: &[0, 0xA1, 0, 4],
                },
            ],
        };
        let b = round_trip(&Chunk::AsconfAck(c));
        assert_eq!(&b[..8], &[0x80, 0, 0, 28, 0, 0, 0, 77]);
        round_trip(&Chunk::AsconfAck(AsconfAckChunk {
            serial: 3,
            params: vec![],
        }));
        assert_eq!(
            Chunk::parse(&[0x80, 0, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
    }
}
