//! Success Indication (RFC 5061 4.2.5).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Type = 0xC005            |      Length = 8               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 ASCONF-Request Correlation ID                 |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let correlation_id = r.u32()?;
    r.finish()?;
    Ok(Param::SuccessIndication { correlation_id })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::SuccessIndication {
            correlation_id: 0xDEAD_BEEF,
        });
        assert_eq!(b, [0xC0, 0x05, 0, 8, 0xDE, 0xAD, 0xBE, 0xEF]);
        assert_eq!(
            Param::parse(&[0xC0, 0x05, 0, 4]),
            Err(ParseError::Truncated)
        );
    }
}
