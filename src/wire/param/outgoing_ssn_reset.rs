//! Outgoing SSN Reset Request (RFC 6525 4.1).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Re-configuration Request Sequence Number            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Re-configuration Response Sequence Number           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                Sender's Last Assigned TSN                     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                            ......                             /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Stream Number N-1 (optional) |    Stream Number N (optional) |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::{parse_u16_list, write_u16_list, Reader, Writer};
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let request_seq = r.u32()?;
    let response_seq = r.u32()?;
    let last_tsn = r.u32()?;
    let streams = parse_u16_list(r.rest())?;
    Ok(Param::OutgoingSsnReset {
        request_seq,
        response_seq,
        last_tsn,
        streams,
    })
}

pub(super) fn write(
    w: &mut Writer<'_>,
    request_seq: u32,
    response_seq: u32,
    last_tsn: u32,
    streams: &[u16],
) {
    w.u32(request_seq);
    w.u32(response_seq);
    w.u32(last_tsn);
    write_u16_list(w, streams);
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::OutgoingSsnReset {
            request_seq: 1,
            response_seq: 2,
            last_tsn: 3,
            streams: vec![4, 5, 6],
        });
        assert_eq!(&b[..4], &[0, 13, 0, 22]);
        assert_eq!(b.len(), 24);
        round_trip(&Param::OutgoingSsnReset {
            request_seq: 9,
            response_seq: 8,
            last_tsn: 7,
            streams: vec![],
        });
    }

    #[test]
    fn short_or_odd_is_rejected() {
        assert_eq!(
            Param::parse(&[0, 13, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2]),
            Err(ParseError::Truncated)
        );
        let mut odd = vec![0, 13, 0, 17];
        odd.extend_from_slice(&[0; 16]);
        assert_eq!(Param::parse(&odd), Err(ParseError::BadLength));
    }
}
