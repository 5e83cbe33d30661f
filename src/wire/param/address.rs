//! IPv4 Address (type 5) and IPv6 Address (type 6) parameters (RFC 9260 3.3.2.1), also the
//! address TLV inside ASCONF and its parameters (RFC 5061 4.1.2, 4.2.1).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |            Type = 5           |          Length = 8           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         IPv4 Address                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |            Type = 6           |          Length = 20          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! |                         IPv6 Address                          |
//! |                                                               |
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The value must be exactly 4 or 16 bytes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::kind;
use crate::wire::bytes::{split_tlv, write_tlv, Writer};
use crate::wire::ParseError;

pub(super) fn parse_v4(value: &[u8]) -> Result<IpAddr, ParseError> {
    let octets: [u8; 4] = value.try_into().map_err(|_| ParseError::BadLength)?;
    Ok(IpAddr::V4(Ipv4Addr::from(octets)))
}

pub(super) fn parse_v6(value: &[u8]) -> Result<IpAddr, ParseError> {
    let octets: [u8; 16] = value.try_into().map_err(|_| ParseError::BadLength)?;
    Ok(IpAddr::V6(Ipv6Addr::from(octets)))
}

pub(super) fn addr_type(addr: &IpAddr) -> u16 {
    match addr {
        IpAddr::V4(_) => kind::IPV4_ADDRESS,
        IpAddr::V6(_) => kind::IPV6_ADDRESS,
    }
}

pub(super) fn addr_value_len(addr: &IpAddr) -> usize {
    match addr {
        IpAddr::V4(_) => 4,
        IpAddr::V6(_) => 16,
    }
}

pub(super) fn write_addr_value(w: &mut Writer<'_>, addr: &IpAddr) {
    match addr {
        IpAddr::V4(a) => w.bytes(&a.octets()),
        IpAddr::V6(a) => w.bytes(&a.octets()),
    }
}

/// Splits an IPv4/IPv6 Address TLV off the front of `bytes` (ASCONF and its address
/// parameters, RFC 5061 4.1.2 and 4.2.1); any other type is `BadValue`.
pub(crate) fn parse_address_tlv(bytes: &[u8]) -> Result<(IpAddr, &[u8]), ParseError> {
    let (tlv, rest) = split_tlv(bytes)?;
    let addr = match tlv.kind {
        kind::IPV4_ADDRESS => parse_v4(tlv.value)?,
        kind::IPV6_ADDRESS => parse_v6(tlv.value)?,
        _ => return Err(ParseError::BadValue),
    };
    Ok((addr, rest))
}

/// Encoded size of an address TLV: 8 or 20 bytes, never padded.
pub(crate) fn address_tlv_len(addr: &IpAddr) -> usize {
    4 + addr_value_len(addr)
}

pub(crate) fn write_address_tlv(w: &mut Writer<'_>, addr: &IpAddr) {
    write_tlv(w, addr_type(addr), addr_value_len(addr), |w| {
        write_addr_value(w, addr)
    });
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Param;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::Address("192.0.2.7".parse().unwrap()));
        assert_eq!(b, [0, 5, 0, 8, 192, 0, 2, 7]);
        let b = round_trip(&Param::Address("2001:db8::1".parse().unwrap()));
        assert_eq!(&b[..4], &[0, 6, 0, 20]);
        assert_eq!(b.len(), 20);
    }

    #[test]
    fn rejects_wrong_lengths() {
        assert_eq!(
            Param::parse(&[0, 5, 0, 7, 1, 2, 3, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            Param::parse(&[0, 6, 0, 8, 1, 2, 3, 4]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            parse_address_tlv(&[0, 1, 0, 8, 1, 2, 3, 4]),
            Err(ParseError::BadValue)
        );
    }
}
