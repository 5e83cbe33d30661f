//! Error Cause Indication (RFC 5061 4.2.6): the ASCONF-Request Correlation ID of a failed
//! request and one or more error causes, kept as bytes (parse them with
//! [`ErrorCause::parse_list`](crate::wire::ErrorCause::parse_list)).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Type = 0xC003            |      Length = Variable        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 ASCONF-Request Correlation ID                 |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Error Cause(s)                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let correlation_id = r.u32()?;
    Ok(Param::ErrorCauseIndication {
        correlation_id,
        causes: r.rest(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        // One "Request to Delete Last Remaining IP Address" cause without a TLV.
        let causes = [0, 0xA0, 0, 4];
        let b = round_trip(&Param::ErrorCauseIndication {
            correlation_id: 5,
            causes: &causes,
        });
        assert_eq!(b, [0xC0, 0x03, 0, 12, 0, 0, 0, 5, 0, 0xA0, 0, 4]);
        assert_eq!(
            Param::parse(&[0xC0, 0x03, 0, 6, 0, 0, 0, 0]),
            Err(ParseError::Truncated)
        );
    }
}
