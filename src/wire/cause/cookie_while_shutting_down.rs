//! Cookie Received While Shutting Down (RFC 9260 3.3.10.10): no cause-specific information.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Cause Code = 10        |        Cause Length = 4       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    empty(value, ErrorCause::CookieWhileShuttingDown)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&ErrorCause::CookieWhileShuttingDown),
            [0, 10, 0, 4]
        );
        assert_eq!(
            ErrorCause::parse(&[0, 10, 0, 5, 1, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
