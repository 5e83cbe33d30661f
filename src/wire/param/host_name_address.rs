//! Host Name Address (RFC 9260 3.3.2.1): the value is kept as received.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Parameter Type = 11      |        Parameter Length       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                           Host Name                           /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;

pub(super) fn parse(value: &[u8]) -> Param<'_> {
    Param::HostNameAddress(value)
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::HostNameAddress(&[1, 2, 3, 4, 5]));
        assert_eq!(b, [0, 11, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
    }
}
