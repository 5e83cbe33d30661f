//! Unresolvable Address (RFC 9260 3.3.10.5): the information is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Cause Code = 5        |          Cause Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                      Unresolvable Address                     /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    ErrorCause::UnresolvableAddress { address: value }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::UnresolvableAddress {
            address: &[1, 2, 3, 4, 5],
        });
        assert_eq!(b, [0, 5, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(
            round_trip(&ErrorCause::UnresolvableAddress { address: &[] }),
            [0, 5, 0, 4]
        );
    }
}
