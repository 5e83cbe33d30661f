//! ECN Echo (ECNE) and Congestion Window Reduced (CWR), RFC 9260 Appendix A: the receiver of
//! a CE-marked packet echoes the lowest TSN it carried until the sender, having reduced its
//! congestion window, answers with CWR.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type=12 (ECNE)|  Chunk Flags  |          Length = 8           |
//! |  or 13 (CWR)  |               |                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Lowest TSN Number                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::wire::bytes::Reader;
use crate::wire::ParseError;

/// Bytes of the value of both chunks.
pub(super) const VALUE_LEN: usize = 4;

/// The Lowest TSN Number of an ECNE or CWR value.
pub(super) fn parse_tsn(value: &[u8]) -> Result<u32, ParseError> {
    let mut r = Reader::new(value);
    let tsn = r.u32()?;
    r.finish()?;
    Ok(tsn)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use crate::wire::ParseError;

    #[test]
    fn round_trips() {
        let e = round_trip(&Chunk::Ecne {
            lowest_tsn: 0x0102_0304,
        });
        assert_eq!(e, [12, 0, 0, 8, 1, 2, 3, 4]);
        let c = round_trip(&Chunk::Cwr {
            lowest_tsn: 0xFFFF_FFFF,
        });
        assert_eq!(c, [13, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert_eq!(
            Chunk::parse(&[12, 0, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
        assert_eq!(
            Chunk::parse(&[13, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
