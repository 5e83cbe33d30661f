//! Request to Delete Source IP Address (RFC 5061 5.1): the information is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Cause Code = 0x00A2      |          Cause Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /               TLV of the refused ASCONF request               /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    ErrorCause::DeleteSourceAddress { param: value }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::DeleteSourceAddress {
            param: &[1, 2, 3, 4, 5],
        });
        assert_eq!(b, [0, 162, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(
            round_trip(&ErrorCause::DeleteSourceAddress { param: &[] }),
            [0, 162, 0, 4]
        );
    }
}
