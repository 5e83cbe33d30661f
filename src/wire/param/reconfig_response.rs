//! Re-configuration Response (RFC 6525 4.4). The two TSNs are optional, present together.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 16       |      Parameter Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Re-configuration Response Sequence Number             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                            Result                             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                   Sender's Next TSN (optional)                |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  Receiver's Next TSN (optional)               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let response_seq = r.u32()?;
    let result = r.u32()?;
    let tsns = if r.is_empty() {
        None
    } else {
        Some((r.u32()?, r.u32()?))
    };
    r.finish()?;
    Ok(Param::ReconfigResponse {
        response_seq,
        result,
        tsns,
    })
}

pub(super) fn value_len(tsns: &Option<(u32, u32)>) -> usize {
    if tsns.is_some() {
        16
    } else {
        8
    }
}

pub(super) fn write(w: &mut Writer<'_>, response_seq: u32, result: u32, tsns: &Option<(u32, u32)>) {
    w.u32(response_seq);
    w.u32(result);
    if let Some((sender, receiver)) = tsns {
        w.u32(*sender);
        w.u32(*receiver);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_with_and_without_tsns() {
        let b = round_trip(&Param::ReconfigResponse {
            response_seq: 1,
            result: 1,
            tsns: None,
        });
        assert_eq!(b.len(), 12);
        let b = round_trip(&Param::ReconfigResponse {
            response_seq: 1,
            result: 0,
            tsns: Some((10, 20)),
        });
        assert_eq!(&b[..4], &[0, 16, 0, 20]);
    }

    #[test]
    fn one_tsn_is_rejected() {
        let bytes = [0, 16, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9];
        assert_eq!(Param::parse(&bytes), Err(ParseError::Truncated));
    }
}
