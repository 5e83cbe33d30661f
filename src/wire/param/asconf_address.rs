//! Add IP Address (0xC001, RFC 5061 4.2.1), Delete IP Address (0xC002, 4.2.2) and Set Primary
//! Address (0xC004, 4.2.4): same layout, an ASCONF-Request Correlation ID followed by one
//! IPv4 or IPv6 Address parameter.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Type = 0xC001          |    Length = Variable          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |               ASCONF-Request Correlation ID                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Address Parameter                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::{kind, parse_address_tlv, Param};
use crate::wire::bytes::Reader;
use crate::wire::ParseError;

/// `param_type` is one of the three codes above (the caller dispatches on it).
pub(super) fn parse(param_type: u16, value: &[u8]) -> Result<Param<'_>, ParseError> {
    let mut r = Reader::new(value);
    let correlation_id = r.u32()?;
    let (address, rest) = parse_address_tlv(r.rest())?;
    if !rest.is_empty() {
        return Err(ParseError::BadLength);
    }
    Ok(match param_type {
        kind::ADD_IP_ADDRESS => Param::AddIpAddress {
            correlation_id,
            address,
        },
        kind::DELETE_IP_ADDRESS => Param::DeleteIpAddress {
            correlation_id,
            address,
        },
        _ => Param::SetPrimaryAddress {
            correlation_id,
            address,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let v4 = "10.1.2.3".parse().unwrap();
        let b = round_trip(&Param::AddIpAddress {
            correlation_id: 7,
            address: v4,
        });
        assert_eq!(b, [0xC0, 0x01, 0, 16, 0, 0, 0, 7, 0, 5, 0, 8, 10, 1, 2, 3]);
        let v6 = "fe80::2".parse().unwrap();
        round_trip(&Param::DeleteIpAddress {
            correlation_id: 8,
            address: v6,
        });
        round_trip(&Param::SetPrimaryAddress {
            correlation_id: 9,
            address: v4,
        });
    }

    #[test]
    fn rejects_non_address_and_trailing_bytes() {
        let bad_type = [0xC0, 0x01, 0, 16, 0, 0, 0, 7, 0, 7, 0, 8, 10, 1, 2, 3];
        assert_eq!(Param::parse(&bad_type), Err(ParseError::BadValue));
        let trailing = [
            0xC0, 0x01, 0, 20, 0, 0, 0, 7, 0, 5, 0, 8, 10, 1, 2, 3, 0, 0, 0, 0,
        ];
        assert_eq!(Param::parse(&trailing), Err(ParseError::BadLength));
    }
}
