//! Missing Mandatory Parameter (RFC 9260 3.3.10.2): the count must match the list length.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 2            |      Cause Length = 8 + N * 2 |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                   Number of missing params = N                |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Missing Param Type #1       |   Missing Param Type #2       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Missing Param Type #N-1     |   Missing Param Type #N       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;
use crate::wire::bytes::{parse_u16_list, write_u16_list, Reader, Writer};
use crate::wire::ParseError;

pub(super) fn parse(value: &[u8]) -> Result<ErrorCause<'_>, ParseError> {
    let mut r = Reader::new(value);
    let count = r.u32()?;
    let param_types = parse_u16_list(r.rest())?;
    if usize::try_from(count) != Ok(param_types.len()) {
        return Err(ParseError::BadLength);
    }
    Ok(ErrorCause::MissingMandatoryParam { param_types })
}

pub(super) fn write(w: &mut Writer<'_>, param_types: &[u16]) {
    w.u32(u32::try_from(param_types.len()).unwrap_or(u32::MAX));
    write_u16_list(w, param_types);
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&ErrorCause::MissingMandatoryParam {
            param_types: vec![7],
        });
        assert_eq!(b, [0, 2, 0, 10, 0, 0, 0, 1, 0, 7, 0, 0]);
        round_trip(&ErrorCause::MissingMandatoryParam {
            param_types: vec![7, 5],
        });
    }

    #[test]
    fn count_must_match() {
        assert_eq!(
            ErrorCause::parse(&[0, 2, 0, 10, 0, 0, 0, 2, 0, 7, 0, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            ErrorCause::parse(&[0, 2, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
    }
}
