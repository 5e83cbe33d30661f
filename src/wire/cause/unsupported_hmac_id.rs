//! Unsupported HMAC Identifier (RFC 4895 4.1): Cause Length is 6, padded to 8.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 261          |       Cause Length = 6        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          HMAC Identifier      |         Padding               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    let mut r = Reader::new(value);
    let hmac_id = r.u16()?;
    r.finish()?;
    Ok(ErrorCause::UnsupportedHmacId { hmac_id })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&ErrorCause::UnsupportedHmacId { hmac_id: 2 }),
            [1, 5, 0, 6, 0, 2, 0, 0]
        );
        assert_eq!(
            ErrorCause::parse(&[1, 5, 0, 8, 0, 2, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
