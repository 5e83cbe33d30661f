//! Forward-TSN-Supported (RFC 3758 3.1): no value.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Parameter Type = 0xC000    |      Parameter Length = 4     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;
use crate::wire::tlv::empty;
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<Param<'_>, ParseError> {
    empty(value, Param::ForwardTsnSupported)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(round_trip(&Param::ForwardTsnSupported), [192, 0, 0, 4]);
        assert_eq!(
            Param::parse(&[192, 0, 0, 5, 1, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
