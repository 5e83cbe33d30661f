//! Random (RFC 4895 3.1): the value is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Parameter Type = 0x8002    |        Parameter Length       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                         Random Number                         /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;

pub(super) fn parse(value: &[u8]) -> Param<'_> {
    Param::Random(value)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::Random(&[1, 2, 3, 4, 5]));
        assert_eq!(b, [128, 2, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
    }
}
