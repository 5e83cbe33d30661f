//! SSN/TSN Reset Request (RFC 6525 4.3).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 15       |      Parameter Length = 8     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Re-configuration Request Sequence Number              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let request_seq = r.u32()?;
    r.finish()?;
    Ok(Param::SsnTsnReset { request_seq })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        assert_eq!(
            round_trip(&Param::SsnTsnReset { request_seq: 42 }),
            [0, 15, 0, 8, 0, 0, 0, 42]
        );
        assert_eq!(Param::parse(&[0, 15, 0, 4]), Err(ParseError::Truncated));
    }
}
