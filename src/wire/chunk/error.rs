//! ERROR, "Operation Error" (RFC 9260 3.3.10): one or more error causes.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 9    | Chunk  Flags  |           Length              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                    one or more Error Causes                   /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! An ERROR without any cause is `BadLength`.

use crate::wire::cause::ErrorCause;
use crate::wire::ParseError;

/// ERROR (3.3.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorChunk<'a> {
    pub causes: Vec<ErrorCause<'a>>,
}

impl<'a> ErrorChunk<'a> {
    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        if value.is_empty() {
            return Err(ParseError::BadLength);
        }
        Ok(ErrorChunk {
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
        let causes = vec![ErrorCause::InvalidStreamId { stream_id: 4 }];
        let b = round_trip(&Chunk::Error(ErrorChunk { causes }));
        assert_eq!(b, [9, 0, 0, 12, 0, 1, 0, 8, 0, 4, 0, 0]);
        let causes = vec![
            ErrorCause::UnrecognizedChunkType {
                chunk: &[0x7F, 0, 0, 5, 1],
            },
            ErrorCause::StaleCookie { staleness_us: 10 },
        ];
        round_trip(&Chunk::Error(ErrorChunk { causes }));
    }

    #[test]
    fn needs_a_cause() {
        assert_eq!(Chunk::parse(&[9, 0, 0, 4]), Err(ParseError::BadLength));
    }
}
