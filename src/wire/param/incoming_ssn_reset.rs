//! Incoming SSN Reset Request (RFC 6525 4.2).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 14       |  Parameter Length = 8 + 2 * N |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Re-configuration Request Sequence Number             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                            ......                             /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Stream Number N-1 (optional) |    Stream Number N (optional) |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::{parse_u16_list, Reader};
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let request_seq = r.u32()?;
    let streams = parse_u16_list(r.rest())?;
    Ok(Param::IncomingSsnReset {
        request_seq,
        streams,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::IncomingSsnReset {
            request_seq: 0x0102_0304,
            streams: vec![7],
        });
        assert_eq!(b, [0, 14, 0, 10, 1, 2, 3, 4, 0, 7, 0, 0]);
        round_trip(&Param::IncomingSsnReset {
            request_seq: 5,
            streams: vec![],
        });
    }

    #[test]
    fn short_is_rejected() {
        assert_eq!(
            Param::parse(&[0, 14, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
    }
}
