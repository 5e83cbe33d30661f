//! Cookie Preservative (RFC 9260 3.3.2.1): a suggested cookie life-span increment.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Type = 9             |          Length = 8           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Suggested Cookie Life-Span Increment (msec.)          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let ms = r.u32()?;
    r.finish()?;
    Ok(Param::CookiePreservative(ms))
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        assert_eq!(
            round_trip(&Param::CookiePreservative(60_000)),
            [0, 9, 0, 8, 0, 0, 0xEA, 0x60]
        );
        assert_eq!(
            Param::parse(&[0, 9, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
        assert_eq!(
            Param::parse(&[0, 9, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
