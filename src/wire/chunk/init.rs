//! INIT (RFC 9260 3.3.2) and INIT ACK (3.3.3): same fixed part, then parameters.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 1/2  |  Chunk Flags  |      Chunk Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Initiate Tag                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Advertised Receiver Window Credit (a_rwnd)           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Number of Outbound Streams   |   Number of Inbound Streams   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                          Initial TSN                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /              Optional/Variable-Length Parameters              /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Value rules that need a reply (a zero Initiate Tag, zero stream counts, a missing State
//! Cookie in INIT ACK: RFC 9260 3.3.2, 3.3.3) are the association's, not the codec's.

use crate::wire::bytes::{Reader, Writer};
use crate::wire::param::Param;
use crate::wire::tlv;
use crate::wire::ParseError;

/// INIT (3.3.2) and INIT ACK (3.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitChunk<'a> {
    pub initiate_tag: u32,
    pub a_rwnd: u32,
    pub num_outbound_streams: u16,
    pub num_inbound_streams: u16,
    pub initial_tsn: u32,
    pub params: Vec<Param<'a>>,
}

impl<'a> InitChunk<'a> {
    const FIXED_LEN: usize = 16;

    pub(super) fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        Ok(InitChunk {
            initiate_tag: r.u32()?,
            a_rwnd: r.u32()?,
            num_outbound_streams: r.u16()?,
            num_inbound_streams: r.u16()?,
            initial_tsn: r.u32()?,
            params: Param::parse_list(r.rest())?,
        })
    }

    pub(super) fn value_len(&self) -> usize {
        Self::FIXED_LEN + tlv::list_value_len(&self.params)
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        w.u32(self.initiate_tag);
        w.u32(self.a_rwnd);
        w.u16(self.num_outbound_streams);
        w.u16(self.num_inbound_streams);
        w.u32(self.initial_tsn);
        tlv::write_list(w, &self.params);
    }

    /// The State Cookie parameter, if present (INIT ACK, RFC 9260 3.3.3).
    pub fn state_cookie(&self) -> Option<&'a [u8]> {
        self.params.iter().find_map(|p| match p {
            Param::StateCookie(c) => Some(*c),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    fn sample(params: Vec<Param<'static>>) -> InitChunk<'static> {
        InitChunk {
            initiate_tag: 0xA1B2_C3D4,
            a_rwnd: 106_496,
            num_outbound_streams: 10,
            num_inbound_streams: 65535,
            initial_tsn: 0x0102_0304,
            params,
        }
    }

    #[test]
    fn init_round_trips() {
        let b = round_trip(&Chunk::Init(sample(vec![])));
        assert_eq!(b.len(), 20);
        let params = vec![
            Param::Address("127.0.0.1".parse().unwrap()),
            Param::SupportedAddressTypes(vec![5]),
            Param::EcnCapable,
            Param::ForwardTsnSupported,
            Param::SupportedExtensions(vec![0xC0, 0x82, 0x40]),
        ];
        let b = round_trip(&Chunk::Init(sample(params)));
        // Supported Extensions (length 7) is last: its padding byte is not counted.
        assert_eq!(u16::from_be_bytes([b[2], b[3]]) as usize, b.len() - 1);
    }

    #[test]
    fn init_ack_round_trips_with_cookie() {
        let c = sample(vec![
            Param::StateCookie(&[0x55; 21]),
            Param::Address("::1".parse().unwrap()),
        ]);
        assert_eq!(c.state_cookie(), Some(&[0x55u8; 21][..]));
        round_trip(&Chunk::InitAck(c));
    }

    #[test]
    fn malformed_params_fail_the_chunk() {
        let mut b = round_trip(&Chunk::Init(sample(vec![Param::CookiePreservative(5)])));
        b[22..24].copy_from_slice(&[0, 3]);
        assert_eq!(Chunk::parse(&b), Err(ParseError::BadLength));
        assert_eq!(Chunk::parse(&b[..16]).err(), Some(ParseError::Truncated));
    }
}
