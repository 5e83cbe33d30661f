//! Invalid Stream Identifier (RFC 9260 3.3.10.1).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 1            |       Cause Length = 8        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Stream Identifier      |         (Reserved)            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    let mut r = Reader::new(value);
    let stream_id = r.u16()?;
    let _reserved = r.u16()?;
    r.finish()?;
    Ok(ErrorCause::InvalidStreamId { stream_id })
}

pub(super) fn write(w: &mut Writer<'_>, stream_id: u16) {
    w.u16(stream_id);
    w.u16(0);
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            round_trip(&ErrorCause::InvalidStreamId { stream_id: 0x0203 }),
            [0, 1, 0, 8, 2, 3, 0, 0]
        );
        assert_eq!(
            ErrorCause::parse(&[0, 1, 0, 6, 2, 3, 0, 0]),
            Err(ParseError::Truncated)
        );
    }
}
