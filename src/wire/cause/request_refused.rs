//! Request Refused - No Authorization (RFC 5061 5.1): the refused ASCONF request TLV, as
//! usrsctp sends it and Wireshark expects it ([`ErrorCause::RequestRefused`]); without
//! information it is the contract's unit [`ErrorCause::NoAuthorization`].
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Cause Code = 0x00A4       |         Cause Length          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /               TLV of the refused ASCONF request               /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::ErrorCause;

pub(super) fn parse(value: &[u8]) -> ErrorCause<'_> {
    if value.is_empty() {
        ErrorCause::NoAuthorization
    } else {
        ErrorCause::RequestRefused { param: value }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips_both_forms() {
        let tlv = [0xC0, 0x01, 0, 16, 0, 0, 0, 7, 0, 5, 0, 8, 10, 0, 0, 1];
        let b = round_trip(&ErrorCause::RequestRefused { param: &tlv });
        assert_eq!(&b[..4], &[0, 0xA4, 0, 20]);
        assert_eq!(round_trip(&ErrorCause::NoAuthorization), [0, 0xA4, 0, 4]);
    }
}
