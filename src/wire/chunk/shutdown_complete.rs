//! SHUTDOWN COMPLETE (RFC 9260 3.3.13): no value; the T bit says the verification tag is the
//! sender's own (reflected, RFC 9260 8.5.1).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 14   |  Reserved   |T|          Length = 4           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::{Chunk, T_BIT};
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(flags: u8, value: &[u8]) -> Result<Chunk<'_>, ParseError> {
    empty(
        value,
        Chunk::ShutdownComplete {
            t_bit: flags & T_BIT != 0,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&Chunk::ShutdownComplete { t_bit: true }),
            [14, 1, 0, 4]
        );
        assert_eq!(
            round_trip(&Chunk::ShutdownComplete { t_bit: false }),
            [14, 0, 0, 4]
        );
        assert_eq!(
            Chunk::parse(&[14, 0xFE, 0, 4]),
            Ok(Chunk::ShutdownComplete { t_bit: false })
        );
        assert_eq!(
            Chunk::parse(&[14, 0, 0, 8, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
