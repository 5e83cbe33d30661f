//! Association Aborted due to Illegal ASCONF-ACK (RFC 5061 5.1): no information; any
//! information received is dropped.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 0x00A3       |       Cause Length = 4        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(_value: &[u8]) -> ErrorCause<'static> {
    ErrorCause::IllegalAsconfAck
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_and_drops_information() {
        assert_eq!(round_trip(&ErrorCause::IllegalAsconfAck), [0, 0xA3, 0, 4]);
        assert_eq!(
            ErrorCause::parse(&[0, 0xA3, 0, 8, 1, 2, 3, 4]),
            Ok(ErrorCause::IllegalAsconfAck)
        );
    }
}
