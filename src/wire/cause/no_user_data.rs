//! No User Data (RFC 9260 3.3.10.9): the TSN of a DATA chunk with no user data.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 9            |       Cause Length = 8        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                  TSN value                                    /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    let mut r = Reader::new(value);
    let tsn = r.u32()?;
    r.finish()?;
    Ok(ErrorCause::NoUserData { tsn })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&ErrorCause::NoUserData { tsn: 0x0A0B0C0D }),
            [0, 9, 0, 8, 10, 11, 12, 13]
        );
        assert_eq!(
            ErrorCause::parse(&[0, 9, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
