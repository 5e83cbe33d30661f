//! User-Initiated Abort (RFC 9260 3.3.10.12): the information is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Cause Code = 12        |          Cause Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                    Upper Layer Abort Reason                   /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    ErrorCause::UserInitiatedAbort { reason: value }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::UserInitiatedAbort {
            reason: &[1, 2, 3, 4, 5],
        });
        assert_eq!(b, [0, 12, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(
            round_trip(&ErrorCause::UserInitiatedAbort { reason: &[] }),
            [0, 12, 0, 4]
        );
    }
}
