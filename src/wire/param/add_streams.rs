//! Add Outgoing Streams (RFC 6525 4.5, type 17) and Add Incoming Streams (4.6, type 18)
//! Request parameters: same layout.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Parameter Type = 17 or 18   |      Parameter Length = 12    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Re-configuration Request Sequence Number             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Number of new streams    |         Reserved              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

/// `outgoing` selects type 17 (true) or 18 (false). The reserved field is ignored.
pub(super) fn parse(value: &[u8], outgoing: bool) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let request_seq = r.u32()?;
    let count = r.u16()?;
    let _reserved = r.u16()?;
    r.finish()?;
    Ok(if outgoing {
        Param::AddOutgoingStreams { request_seq, count }
    } else {
        Param::AddIncomingStreams { request_seq, count }
    })
}

pub(super) fn write(w: &mut Writer<'_>, request_seq: u32, count: u16) {
    w.u32(request_seq);
    w.u16(count);
    w.u16(0);
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::AddOutgoingStreams {
            request_seq: 3,
            count: 10,
        });
        assert_eq!(b, [0, 17, 0, 12, 0, 0, 0, 3, 0, 10, 0, 0]);
        let b = round_trip(&Param::AddIncomingStreams {
            request_seq: 4,
            count: 1,
        });
        assert_eq!(&b[..4], &[0, 18, 0, 12]);
    }

    #[test]
    fn wrong_length_is_rejected() {
        assert_eq!(
            Param::parse(&[0, 17, 0, 8, 0, 0, 0, 3]),
            Err(ParseError::Truncated)
        );
    }
}
