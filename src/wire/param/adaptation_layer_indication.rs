//! Adaptation Layer Indication (RFC 5061 4.2.3).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type = 0xC006             |      Length = 8               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                Adaptation Code Point                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let code_point = r.u32()?;
    r.finish()?;
    Ok(Param::AdaptationLayerIndication(code_point))
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::AdaptationLayerIndication(0x0102_0304));
        assert_eq!(b, [0xC0, 0x06, 0, 8, 1, 2, 3, 4]);
        assert_eq!(
            Param::parse(&[0xC0, 0x06, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
