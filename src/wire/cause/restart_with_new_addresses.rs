//! Restart of an Association with New Addresses (RFC 9260 3.3.10.11): the information is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Cause Code = 11        |          Cause Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                   TLV(s) of New Address(es)                   /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    ErrorCause::RestartWithNewAddresses { addresses: value }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::RestartWithNewAddresses {
            addresses: &[1, 2, 3, 4, 5],
        });
        assert_eq!(b, [0, 11, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(
            round_trip(&ErrorCause::RestartWithNewAddresses { addresses: &[] }),
            [0, 11, 0, 4]
        );
    }
}
