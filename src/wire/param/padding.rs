//! Padding parameter (RFC 4820 4): grows an INIT to probe the path MTU. The receiver ignores
//! the padding data, so only its length is kept and zeros are sent.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 0x8005   |       Parameter Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                                                               /
//! \                          Padding Data                         \
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;

pub(super) fn parse(value: &[u8]) -> Param<'_> {
    Param::Padding(value.len())
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_as_zeros() {
        let b = round_trip(&Param::Padding(5));
        assert_eq!(b, [0x80, 0x05, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            Param::parse(&[0x80, 0x05, 0, 6, 0xFF, 0xFF, 0, 0]),
            Ok(Param::Padding(2))
        );
    }
}
