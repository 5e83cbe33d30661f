//! ECN Capable (RFC 9260 Appendix A): no value.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Parameter Type = 0x8000    |      Parameter Length = 4     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    empty(value, Param::EcnCapable)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(round_trip(&Param::EcnCapable), [128, 0, 0, 4]);
        assert_eq!(
            Param::parse(&[128, 0, 0, 5, 1, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
