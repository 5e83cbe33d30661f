//! ABORT (RFC 9260 3.3.7): zero or more error causes.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 6    |  Reserved   |T|            Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                   zero or more Error Causes                   /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! T bit: the sender used its own verification tag (reflected), RFC 9260 8.5.1.

use super::T_BIT;
use crate::wire::cause::ErrorCause;
use crate::wire::ParseError;

/// ABORT (3.3.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbortChunk<'a> {
    pub t_bit: bool,
    pub causes: Vec<ErrorCause<'a>>,
}

impl<'a> AbortChunk<'a> {
    pub(super) fn parse(flags: u8, value: &'a [u8]) -> Result<Self, ParseError> {
        Ok(AbortChunk {
            t_bit: flags & T_BIT != 0,
            causes: ErrorCause::parse_list(value)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&Chunk::Abort(AbortChunk {
                t_bit: true,
                causes: vec![]
            })),
            [6, 1, 0, 4]
        );
        let causes = vec![
            ErrorCause::UserInitiatedAbort { reason: b"bye" },
            ErrorCause::NoUserData { tsn: 5 },
        ];
        round_trip(&Chunk::Abort(AbortChunk {
            t_bit: false,
            causes,
        }));
        // Last cause 7 bytes long: the chunk length excludes its padding.
        let causes = vec![ErrorCause::ProtocolViolation { info: b"abc" }];
        let b = round_trip(&Chunk::Abort(AbortChunk {
            t_bit: false,
            causes,
        }));
        assert_eq!(&b[..4], &[6, 0, 0, 11]);
    }

    #[test]
    fn bad_cause_fails() {
        assert_eq!(
            Chunk::parse(&[6, 0, 0, 8, 0, 1, 0, 2]),
            Err(ParseError::BadLength)
        );
    }
}
