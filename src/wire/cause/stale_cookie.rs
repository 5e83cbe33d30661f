//! Stale Cookie Error (RFC 9260 3.3.10.3): how late the cookie was, in microseconds.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 3            |       Cause Length = 8        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 Measure of Staleness (usec.)                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    let mut r = Reader::new(value);
    let staleness_us = r.u32()?;
    r.finish()?;
    Ok(ErrorCause::StaleCookie { staleness_us })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&ErrorCause::StaleCookie { staleness_us: 1000 }),
            [0, 3, 0, 8, 0, 0, 3, 0xE8]
        );
        assert_eq!(ErrorCause::parse(&[0, 3, 0, 4]), Err(ParseError::Truncated));
    }
}
