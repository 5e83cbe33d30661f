//! Parameters of INIT, INIT ACK, ASCONF, ASCONF ACK and RE-CONFIG (RFC 9260 3.3.2.1, RFC 5061,
//! RFC 6525, RFC 4895, RFC 3758, RFC 4820). CONTRACT: names used by `assoc/`.
//!
//! Every parameter is a TLV (RFC 9260 3.2.1):
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Parameter Type         |       Parameter Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                        Parameter Value                        /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The length counts header and value but not the padding to a 4-byte boundary. Each
//! parameter has its own file with its diagram.

mod adaptation_layer_indication;
mod add_streams;
mod address;
mod asconf_address;
mod chunk_list;
mod cookie_preservative;
mod ecn_capable;
mod error_cause_indication;
mod forward_tsn_supported;
mod heartbeat_info;
mod host_name_address;
mod incoming_ssn_reset;
mod outgoing_ssn_reset;
mod padding;
mod random;
mod reconfig_response;
mod requested_hmac_algorithm;
mod ssn_tsn_reset;
mod state_cookie;
mod success_indication;
mod supported_address_types;
mod supported_extensions;
mod unrecognized_parameter;

use std::net::IpAddr;

pub(crate) use address::{address_tlv_len, parse_address_tlv, write_address_tlv};

use super::bytes::{list_len, pad4, split_tlv, write_tlv, RawTlv, TlvIter, Writer};
use super::ParseError;
pub use super::UnrecognizedAction;

/// Parameter type codes.
pub mod kind {
    pub const HEARTBEAT_INFO: u16 = 1;
    pub const IPV4_ADDRESS: u16 = 5;
    pub const IPV6_ADDRESS: u16 = 6;
    pub const STATE_COOKIE: u16 = 7;
    pub const UNRECOGNIZED_PARAMETER: u16 = 8;
    pub const COOKIE_PRESERVATIVE: u16 = 9;
    pub const HOST_NAME_ADDRESS: u16 = 11;
    pub const SUPPORTED_ADDRESS_TYPES: u16 = 12;
    pub const OUTGOING_SSN_RESET: u16 = 13;
    pub const INCOMING_SSN_RESET: u16 = 14;
    pub const SSN_TSN_RESET: u16 = 15;
    pub const RECONFIG_RESPONSE: u16 = 16;
    pub const ADD_OUTGOING_STREAMS: u16 = 17;
    pub const ADD_INCOMING_STREAMS: u16 = 18;
    pub const ECN_CAPABLE: u16 = 0x8000;
    pub const ZERO_CHECKSUM_ACCEPTABLE: u16 = 0x8001;
    pub const RANDOM: u16 = 0x8002;
    pub const CHUNK_LIST: u16 = 0x8003;
    pub const REQUESTED_HMAC_ALGORITHM: u16 = 0x8004;
    pub const PADDING: u16 = 0x8005;
    pub const SUPPORTED_EXTENSIONS: u16 = 0x8008;
    pub const FORWARD_TSN_SUPPORTED: u16 = 0xC000;
    pub const ADD_IP_ADDRESS: u16 = 0xC001;
    pub const DELETE_IP_ADDRESS: u16 = 0xC002;
    pub const ERROR_CAUSE_INDICATION: u16 = 0xC003;
    pub const SET_PRIMARY_ADDRESS: u16 = 0xC004;
    pub const SUCCESS_INDICATION: u16 = 0xC005;
    pub const ADAPTATION_LAYER_INDICATION: u16 = 0xC006;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param<'a> {
    /// RFC 9260 3.3.5: sender-specific, echoed back in HEARTBEAT ACK.
    HeartbeatInfo(&'a [u8]),
    /// IPv4 (type 5) or IPv6 (type 6) Address.
    Address(IpAddr),
    /// RFC 9260 3.3.3: the opaque cookie of an INIT ACK.
    StateCookie(&'a [u8]),
    /// The whole unrecognized parameter TLV, as received (RFC 9260 3.3.3.1).
    UnrecognizedParameter(&'a [u8]),
    /// Suggested cookie life-span increment, milliseconds.
    CookiePreservative(u32),
    /// RFC 9260 3.3.2.1: deprecated; kept so the association can reply with "Unresolvable
    /// Address". The value is the NUL-terminated host name as received.
    HostNameAddress(&'a [u8]),
    SupportedAddressTypes(Vec<u16>),
    /// RFC 6525 4.1.
    OutgoingSsnReset {
        request_seq: u32,
        response_seq: u32,
        last_tsn: u32,
        streams: Vec<u16>,
    },
    /// RFC 6525 4.2.
    IncomingSsnReset {
        request_seq: u32,
        streams: Vec<u16>,
    },
    /// RFC 6525 4.3.
    SsnTsnReset {
        request_seq: u32,
    },
    /// RFC 6525 4.4; the two TSNs are present together or not at all.
    ReconfigResponse {
        response_seq: u32,
        result: u32,
        tsns: Option<(u32, u32)>,
    },
    /// RFC 6525 4.5.
    AddOutgoingStreams {
        request_seq: u32,
        count: u16,
    },
    /// RFC 6525 4.6.
    AddIncomingStreams {
        request_seq: u32,
        count: u16,
    },
    /// RFC 9260 Appendix A: empty value.
    EcnCapable,
    /// RFC 4895 3.1.
    Random(&'a [u8]),
    /// RFC 4895 3.2: chunk types that must be authenticated.
    ChunkList(Vec<u8>),
    /// RFC 4895 3.3.
    RequestedHmacAlgorithms(Vec<u16>),
    /// RFC 4820 4: only the length of the padding is kept.
    Padding(usize),
    /// RFC 5061 4.2.7: chunk types the sender supports.
    SupportedExtensions(Vec<u8>),
    /// RFC 3758 3.1.
    ForwardTsnSupported,
    /// RFC 5061 4.2.1 / 4.2.2 / 4.2.4: correlation id plus the address.
    AddIpAddress {
        correlation_id: u32,
        address: IpAddr,
    },
    DeleteIpAddress {
        correlation_id: u32,
        address: IpAddr,
    },
    SetPrimaryAddress {
        correlation_id: u32,
        address: IpAddr,
    },
    /// RFC 5061 4.2.6: correlation id plus the error causes (parse them with
    /// [`ErrorCause::parse_list`](crate::wire::ErrorCause::parse_list)).
    ErrorCauseIndication {
        correlation_id: u32,
        causes: &'a [u8],
    },
    /// RFC 5061 4.2.5.
    SuccessIndication {
        correlation_id: u32,
    },
    /// RFC 5061 4.2.3.
    AdaptationLayerIndication(u32),
    /// Any other type; the two high bits of `param_type` are the action (RFC 9260 3.2.1).
    Unknown {
        param_type: u16,
        value: &'a [u8],
    },
}

impl<'a> Param<'a> {
    /// Parses exactly one parameter TLV; only padding (up to 3 bytes) may follow it.
    pub fn parse(bytes: &'a [u8]) -> Result<Param<'a>, ParseError> {
        let (tlv, rest) = split_tlv(bytes)?;
        if !rest.is_empty() {
            return Err(ParseError::BadLength);
        }
        Param::from_tlv(tlv)
    }

    /// Parses a run of parameters (e.g. the variable part of an INIT). Unknown types are
    /// kept as [`Param::Unknown`]. Parsing ends after an unknown parameter whose action bits
    /// say "stop processing ... and do not process any further parameters within this chunk"
    /// (RFC 9260 3.2.1, 00 and 01): what follows it is neither parsed nor returned, so it cannot
    /// make the chunk fail.
    pub fn parse_list(bytes: &'a [u8]) -> Result<Vec<Param<'a>>, ParseError> {
        let mut list = Vec::new();
        for tlv in TlvIter::new(bytes) {
            let param = Param::from_tlv(tlv?)?;
            let stop = param
                .unrecognized_action()
                .is_some_and(UnrecognizedAction::stops);
            list.push(param);
            if stop {
                break;
            }
        }
        Ok(list)
    }

    fn from_tlv(tlv: RawTlv<'a>) -> Result<Param<'a>, ParseError> {
        let v = tlv.value;
        Ok(match tlv.kind {
            kind::HEARTBEAT_INFO => heartbeat_info::parse(v),
            kind::IPV4_ADDRESS => Param::Address(address::parse_v4(v)?),
            kind::IPV6_ADDRESS => Param::Address(address::parse_v6(v)?),
            kind::STATE_COOKIE => state_cookie::parse(v),
            kind::UNRECOGNIZED_PARAMETER => unrecognized_parameter::parse(v),
            kind::COOKIE_PRESERVATIVE => cookie_preservative::parse(v)?,
            kind::HOST_NAME_ADDRESS => host_name_address::parse(v),
            kind::SUPPORTED_ADDRESS_TYPES => supported_address_types::parse(v)?,
            kind::OUTGOING_SSN_RESET => outgoing_ssn_reset::parse(v)?,
            kind::INCOMING_SSN_RESET => incoming_ssn_reset::parse(v)?,
            kind::SSN_TSN_RESET => ssn_tsn_reset::parse(v)?,
            kind::RECONFIG_RESPONSE => reconfig_response::parse(v)?,
            kind::ADD_OUTGOING_STREAMS => add_streams::parse(v, true)?,
            kind::ADD_INCOMING_STREAMS => add_streams::parse(v, false)?,
            kind::ECN_CAPABLE => ecn_capable::parse(v)?,
            kind::RANDOM => random::parse(v),
            kind::CHUNK_LIST => chunk_list::parse(v),
            kind::REQUESTED_HMAC_ALGORITHM => requested_hmac_algorithm::parse(v)?,
            kind::PADDING => padding::parse(v),
            kind::SUPPORTED_EXTENSIONS => supported_extensions::parse(v),
            kind::FORWARD_TSN_SUPPORTED => forward_tsn_supported::parse(v)?,
            kind::ADD_IP_ADDRESS | kind::DELETE_IP_ADDRESS | kind::SET_PRIMARY_ADDRESS => {
                asconf_address::parse(tlv.kind, v)?
            }
            kind::ERROR_CAUSE_INDICATION => error_cause_indication::parse(v)?,
            kind::SUCCESS_INDICATION => success_indication::parse(v)?,
            kind::ADAPTATION_LAYER_INDICATION => adaptation_layer_indication::parse(v)?,
            param_type => Param::Unknown {
                param_type,
                value: v,
            },
        })
    }

    /// The type code on the wire.
    pub fn param_type(&self) -> u16 {
        match self {
            Param::HeartbeatInfo(_) => kind::HEARTBEAT_INFO,
            Param::Address(addr) => address::addr_type(addr),
            Param::StateCookie(_) => kind::STATE_COOKIE,
            Param::UnrecognizedParameter(_) => kind::UNRECOGNIZED_PARAMETER,
            Param::CookiePreservative(_) => kind::COOKIE_PRESERVATIVE,
            Param::HostNameAddress(_) => kind::HOST_NAME_ADDRESS,
            Param::SupportedAddressTypes(_) => kind::SUPPORTED_ADDRESS_TYPES,
            Param::OutgoingSsnReset { .. } => kind::OUTGOING_SSN_RESET,
            Param::IncomingSsnReset { .. } => kind::INCOMING_SSN_RESET,
            Param::SsnTsnReset { .. } => kind::SSN_TSN_RESET,
            Param::ReconfigResponse { .. } => kind::RECONFIG_RESPONSE,
            Param::AddOutgoingStreams { .. } => kind::ADD_OUTGOING_STREAMS,
            Param::AddIncomingStreams { .. } => kind::ADD_INCOMING_STREAMS,
            Param::EcnCapable => kind::ECN_CAPABLE,
            Param::Random(_) => kind::RANDOM,
            Param::ChunkList(_) => kind::CHUNK_LIST,
            Param::RequestedHmacAlgorithms(_) => kind::REQUESTED_HMAC_ALGORITHM,
            Param::Padding(_) => kind::PADDING,
            Param::SupportedExtensions(_) => kind::SUPPORTED_EXTENSIONS,
            Param::ForwardTsnSupported => kind::FORWARD_TSN_SUPPORTED,
            Param::AddIpAddress { .. } => kind::ADD_IP_ADDRESS,
            Param::DeleteIpAddress { .. } => kind::DELETE_IP_ADDRESS,
            Param::SetPrimaryAddress { .. } => kind::SET_PRIMARY_ADDRESS,
            Param::ErrorCauseIndication { .. } => kind::ERROR_CAUSE_INDICATION,
            Param::SuccessIndication { .. } => kind::SUCCESS_INDICATION,
            Param::AdaptationLayerIndication(_) => kind::ADAPTATION_LAYER_INDICATION,
            Param::Unknown { param_type, .. } => *param_type,
        }
    }

    /// For [`Param::Unknown`], what RFC 9260 3.2.1 says to do with it; `None` for known types.
    pub fn unrecognized_action(&self) -> Option<UnrecognizedAction> {
        match self {
            Param::Unknown { param_type, .. } => {
                Some(UnrecognizedAction::of_param_type(*param_type))
            }
            _ => None,
        }
    }

    /// Length of the value, without header or padding.
    pub(crate) fn value_len(&self) -> usize {
        match self {
            Param::HeartbeatInfo(v)
            | Param::StateCookie(v)
            | Param::UnrecognizedParameter(v)
            | Param::HostNameAddress(v)
            | Param::Random(v)
            | Param::Unknown { value: v, .. } => v.len(),
            Param::Address(addr) => address::addr_value_len(addr),
            Param::CookiePreservative(_)
            | Param::SsnTsnReset { .. }
            | Param::SuccessIndication { .. }
            | Param::AdaptationLayerIndication(_) => 4,
            Param::SupportedAddressTypes(list) | Param::RequestedHmacAlgorithms(list) => {
                2 * list.len()
            }
            Param::OutgoingSsnReset { streams, .. } => 12 + 2 * streams.len(),
            Param::IncomingSsnReset { streams, .. } => 4 + 2 * streams.len(),
            Param::ReconfigResponse { tsns, .. } => reconfig_response::value_len(tsns),
            Param::AddOutgoingStreams { .. } | Param::AddIncomingStreams { .. } => 8,
            Param::EcnCapable | Param::ForwardTsnSupported => 0,
            Param::ChunkList(list) | Param::SupportedExtensions(list) => list.len(),
            Param::Padding(len) => *len,
            Param::AddIpAddress { address, .. }
            | Param::DeleteIpAddress { address, .. }
            | Param::SetPrimaryAddress { address, .. } => 4 + address_tlv_len(address),
            Param::ErrorCauseIndication { causes, .. } => 4 + causes.len(),
        }
    }

    /// Bytes [`Param::encode`] writes: header, value and padding.
    pub fn encoded_len(&self) -> usize {
        pad4(4 + self.value_len())
    }

    /// Writes the parameter (with its padding) at the start of `buf` and returns the bytes
    /// written, or 0 (writing nothing) when `buf` is shorter than [`Param::encoded_len`] or the
    /// value is too long for the 16-bit length field.
    pub fn encode(&self, buf: &mut [u8]) -> usize {
        let len = self.encoded_len();
        if len > buf.len() || 4 + self.value_len() > usize::from(u16::MAX) {
            return 0;
        }
        self.write(&mut Writer::new(buf));
        len
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        write_tlv(w, self.param_type(), self.value_len(), |w| {
            self.write_value(w)
        });
    }

    fn write_value(&self, w: &mut Writer<'_>) {
        match self {
            Param::HeartbeatInfo(v)
            | Param::StateCookie(v)
            | Param::UnrecognizedParameter(v)
            | Param::HostNameAddress(v)
            | Param::Random(v)
            | Param::Unknown { value: v, .. } => w.bytes(v),
            Param::Address(addr) => address::write_addr_value(w, addr),
            Param::CookiePreservative(v) | Param::AdaptationLayerIndication(v) => w.u32(*v),
            Param::SuccessIndication { correlation_id } => w.u32(*correlation_id),
            Param::SsnTsnReset { request_seq } => w.u32(*request_seq),
            Param::SupportedAddressTypes(list) | Param::RequestedHmacAlgorithms(list) => {
                super::bytes::write_u16_list(w, list)
            }
            Param::OutgoingSsnReset {
                request_seq,
                response_seq,
                last_tsn,
                streams,
            } => outgoing_ssn_reset::write(w, *request_seq, *response_seq, *last_tsn, streams),
            Param::IncomingSsnReset {
                request_seq,
                streams,
            } => {
                w.u32(*request_seq);
                super::bytes::write_u16_list(w, streams);
            }
            Param::ReconfigResponse {
                response_seq,
                result,
                tsns,
            } => reconfig_response::write(w, *response_seq, *result, tsns),
            Param::AddOutgoingStreams { request_seq, count }
            | Param::AddIncomingStreams { request_seq, count } => {
                add_streams::write(w, *request_seq, *count)
            }
            Param::EcnCapable | Param::ForwardTsnSupported => {}
            Param::ChunkList(list) | Param::SupportedExtensions(list) => w.bytes(list),
            Param::Padding(len) => w.zeros(*len),
            Param::AddIpAddress {
                correlation_id,
                address,
            }
            | Param::DeleteIpAddress {
                correlation_id,
                address,
            }
            | Param::SetPrimaryAddress {
                correlation_id,
                address,
            } => {
                w.u32(*correlation_id);
                write_address_tlv(w, address);
            }
            Param::ErrorCauseIndication {
                correlation_id,
                causes,
            } => {
                w.u32(*correlation_id);
                w.bytes(causes);
            }
        }
    }
}

/// Value length of a parameter list inside a chunk: all padded but the last (RFC 9260 3.2).
pub(crate) fn list_value_len(params: &[Param<'_>]) -> usize {
    list_len(params.iter().map(|p| 4 + p.value_len()))
}

pub(crate) fn write_list(w: &mut Writer<'_>, params: &[Param<'_>]) {
    for p in params {
        p.write(w);
    }
}

/// A parameter whose value must be empty (ECN Capable, Forward-TSN-Supported).
fn empty<'a>(value: &[u8], param: Param<'a>) -> Result<Param<'a>, ParseError> {
    if value.is_empty() {
        Ok(param)
    } else {
        Err(ParseError::BadLength)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes `p`, checks the size and padding, parses it back and compares.
    pub(crate) fn round_trip(p: &Param<'_>) -> Vec<u8> {
        let mut buf = vec![0xAAu8; p.encoded_len() + 3];
        let n = p.encode(&mut buf);
        assert_eq!(n, p.encoded_len());
        assert_eq!(n % 4, 0);
        assert_eq!(&buf[n..], &[0xAA; 3], "wrote past encoded_len");
        buf.truncate(n);
        assert_eq!(Param::parse(&buf).as_ref(), Ok(p));
        assert_eq!(u16::from_be_bytes([buf[0], buf[1]]), p.param_type());
        buf
    }

    #[test]
    fn unknown_param_is_kept() {
        let b = round_trip(&Param::Unknown {
            param_type: 0xBEEF,
            value: &[1],
        });
        assert_eq!(b, [0xBE, 0xEF, 0, 5, 1, 0, 0, 0]);
    }

    #[test]
    fn list_stops_after_a_stop_action_param() {
        // Unknown 0x4001 (01: stop and report), then a malformed TLV: not parsed.
        let bytes = [0x40, 0x01, 0, 4, 0, 1, 0, 2];
        let expected = Param::Unknown {
            param_type: 0x4001,
            value: &[],
        };
        assert_eq!(Param::parse_list(&bytes), Ok(vec![expected]));
        // Unknown 0x8123 (10: skip): the next TLV is parsed, and fails.
        let bytes = [0x81, 0x23, 0, 4, 0, 1, 0, 2];
        assert_eq!(Param::parse_list(&bytes), Err(ParseError::BadLength));
    }

    #[test]
    fn unknown_action_bits() {
        let p = Param::parse(&[0x40, 0x09, 0, 4]).unwrap();
        assert_eq!(
            p.unrecognized_action(),
            Some(UnrecognizedAction::StopAndReport)
        );
        assert_eq!(Param::EcnCapable.unrecognized_action(), None);
    }

    #[test]
    fn list_tolerates_missing_last_padding_and_rejects_garbage() {
        // Host name "a\0" (length 6, padded) then heartbeat info of 1 byte, unpadded.
        let bytes = [0, 11, 0, 6, b'a', 0, 0, 0, 0, 1, 0, 5, 9];
        let list = Param::parse_list(&bytes).unwrap();
        assert_eq!(
            list,
            vec![Param::HostNameAddress(b"a\0"), Param::HeartbeatInfo(&[9])]
        );
        assert_eq!(Param::parse_list(&bytes[..11]), Err(ParseError::Truncated));
        assert_eq!(Param::parse_list(&[0, 1, 0, 2]), Err(ParseError::BadLength));
    }

    #[test]
    fn parse_rejects_trailing_bytes() {
        assert_eq!(
            Param::parse(&[0, 1, 0, 4, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            Param::parse(&[0, 1, 0, 5, 1, 0, 0]),
            Ok(Param::HeartbeatInfo(&[1]))
        );
    }

    #[test]
    fn encode_refuses_short_buffer_and_oversize_value() {
        let mut buf = [0u8; 7];
        assert_eq!(Param::HeartbeatInfo(&[1, 2, 3, 4]).encode(&mut buf), 0);
        let big = vec![0u8; 70000];
        let mut out = vec![0u8; 70008];
        assert_eq!(Param::StateCookie(&big).encode(&mut out), 0);
    }

    #[test]
    fn list_value_len_excludes_last_padding() {
        let list = [Param::HeartbeatInfo(&[1]), Param::HeartbeatInfo(&[1])];
        assert_eq!(list_value_len(&list), 8 + 5);
    }
}
