//! Supported Address Types (RFC 9260 3.3.2.1): the address parameter types the sender of an
//! INIT can use.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Type = 12            |          Length               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Address Type #1        |        Address Type #2        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |            ......             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::parse_u16_list;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    Ok(Param::SupportedAddressTypes(parse_u16_list(value)?))
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_with_padding() {
        // One type: length 6, padded to 8.
        assert_eq!(
            round_trip(&Param::SupportedAddressTypes(vec![5])),
            [0, 12, 0, 6, 0, 5, 0, 0]
        );
        round_trip(&Param::SupportedAddressTypes(vec![5, 6]));
        round_trip(&Param::SupportedAddressTypes(vec![]));
    }

    #[test]
    fn odd_length_is_rejected() {
        assert_eq!(
            Param::parse(&[0, 12, 0, 7, 0, 5, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
