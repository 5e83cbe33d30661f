//! Unrecognized Chunk Type (RFC 9260 3.3.10.6): the information is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Cause Code = 6        |          Cause Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                       Unrecognized Chunk                      /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    ErrorCause::UnrecognizedChunkType { chunk: value }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::UnrecognizedChunkType {
            chunk: &[1, 2, 3, 4, 5],
        });
        assert_eq!(b, [0, 6, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(
            round_trip(&ErrorCause::UnrecognizedChunkType { chunk: &[] }),
            [0, 6, 0, 4]
        );
    }
}
