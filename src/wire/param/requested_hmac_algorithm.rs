//! Requested HMAC Algorithm (RFC 4895 3.3): HMAC identifiers in order of preference.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 0x8004   |       Parameter Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          HMAC Identifier 1    |      HMAC Identifier 2        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::parse_u16_list;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    Ok(Param::RequestedHmacAlgorithms(parse_u16_list(value)?))
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::RequestedHmacAlgorithms(vec![3, 1]));
        assert_eq!(b, [0x80, 0x04, 0, 8, 0, 3, 0, 1]);
    }

    #[test]
    fn odd_length_is_rejected() {
        assert_eq!(
            Param::parse(&[0x80, 0x04, 0, 5, 1, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
