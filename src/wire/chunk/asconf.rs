//! ASCONF (RFC 5061 4.1.2): a serial number, the address used to look up the association,
//! then the configuration change requests.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type = 0xC1   | Chunk Flags   |      Chunk Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Sequence Number                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Address Parameter                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     ASCONF Parameter #1                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                             ....                              /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     ASCONF Parameter #N                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The Address Parameter must be an IPv4 or IPv6 Address (otherwise `BadValue`); it parses
//! to [`Param::Address`].

use crate::wire::bytes::{list_len, Reader, Writer};
use crate::wire::param::{parse_address_tlv, Param};
use crate::wire::tlv::{self, Tlv};
use crate::wire::ParseError;

/// ASCONF (RFC 5061 4.1.2): serial, the address parameter, then the request parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsconfChunk<'a> {
    pub serial: u32,
    pub address: Param<'a>,
    pub params: Vec<Param<'a>>,
}

impl<'a> AsconfChunk<'a> {
    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let serial = r.u32()?;
        let (address, rest) = parse_address_tlv(r.rest())?;
        Ok(AsconfChunk {
            serial,
            address: Param::Address(address),
            params: Param::parse_list(rest)?,
        })
    }

    pub(super) fn value_len(&self) -> usize {
        let all = std::iter::once(&self.address).chain(&self.params);
        4 + list_len(all.map(|p| 4 + p.value_len()))
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        w.u32(self.serial);
        tlv::write(w, &self.address);
        tlv::write_list(w, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let addr = "192.0.2.1".parse().unwrap();
        let c = AsconfChunk {
            serial: 77,
            address: Param::Address(addr),
            params: vec![
                Param::AddIpAddress {
                    correlation_id: 1,
                    address: "192.0.2.2".parse().unwrap(),
                },
                Param::SetPrimaryAddress {
                    correlation_id: 2,
                    address: "192.0.2.2".parse().unwrap(),
                },
            ],
        };
        let b = round_trip(&Chunk::Asconf(c));
        assert_eq!(
            &b[..16],
            &[0xC1, 0, 0, 48, 0, 0, 0, 77, 0, 5, 0, 8, 192, 0, 2, 1]
        );
        let v6 = AsconfChunk {
            serial: 1,
            address: Param::Address("::2".parse().unwrap()),
            params: vec![],
        };
        round_trip(&Chunk::Asconf(v6));
    }

    #[test]
    fn address_is_mandatory() {
        assert_eq!(
            Chunk::parse(&[0xC1, 0, 0, 8, 0, 0, 0, 1]),
            Err(ParseError::Truncated)
        );
        let wrong = [0xC1, 0, 0, 16, 0, 0, 0, 1, 0xC0, 5, 0, 8, 0, 0, 0, 1];
        assert_eq!(Chunk::parse(&wrong), Err(ParseError::BadValue));
    }
}
