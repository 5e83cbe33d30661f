//! RE-CONFIG (RFC 6525 3.1): one or two re-configuration parameters.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type = 130    |  Chunk Flags  |      Chunk Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                  Re-configuration Parameter                   /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /             Re-configuration Parameter (optional)             /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Zero or more than two parameters is `BadValue`; which combinations are allowed (RFC 6525
//! 3.1) is the association's to check.

use crate::wire::bytes::Writer;
use crate::wire::param::Param;
use crate::wire::tlv;
use crate::wire::ParseError;

/// RE-CONFIG (RFC 6525 3.1): one or two re-configuration parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReConfigChunk<'a> {
    pub params: Vec<Param<'a>>,
}

impl<'a> ReConfigChunk<'a> {
    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let params = Param::parse_list(value)?;
        if !(1..=2).contains(&params.len()) {
            return Err(ParseError::BadValue);
        }
        Ok(ReConfigChunk { params })
    }

    pub(super) fn value_len(&self) -> usize {
        tlv::list_value_len(&self.params)
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
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
        let one = ReConfigChunk {
            params: vec![Param::OutgoingSsnReset {
                request_seq: 1,
                response_seq: 0,
                last_tsn: 9,
                streams: vec![1],
            }],
        };
        let b = round_trip(&Chunk::ReConfig(one));
        // The parameter is 18 bytes long; its 2 padding bytes are not counted.
        assert_eq!(&b[..4], &[0x82, 0, 0, 22]);
        let two = ReConfigChunk {
            params: vec![
                Param::OutgoingSsnReset {
                    request_seq: 1,
                    response_seq: 0,
                    last_tsn: 9,
                    streams: vec![1],
                },
                Param::IncomingSsnReset {
                    request_seq: 2,
                    streams: vec![],
                },
            ],
        };
        round_trip(&Chunk::ReConfig(two));
    }

    #[test]
    fn needs_one_or_two_params() {
        assert_eq!(Chunk::parse(&[0x82, 0, 0, 4]), Err(ParseError::BadValue));
        let three = [
            0x82, 0, 0, 28, 0, 15, 0, 8, 0, 0, 0, 1, 0, 15, 0, 8, 0, 0, 0, 2, 0, 15, 0, 8, 0, 0, 0,
            3,
        ];
        assert_eq!(Chunk::parse(&three), Err(ParseError::BadValue));
    }
}
