//! Error causes (RFC 9260 3.3.10, RFC 5061 5.1, RFC 4895 4.1) carried by ERROR and ABORT
//! chunks and by the Error Cause Indication parameter. CONTRACT: names used by `assoc/`.
//!
//! Every cause is a TLV like a parameter (RFC 9260 3.3.10):
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Cause Code           |         Cause Length          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                    Cause-Specific Information                 /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Each cause has its own file with its diagram; causes whose information is an address,
//! chunk, parameter or reason keep it as the bytes received.

mod cookie_while_shutting_down;
mod delete_last_address;
mod delete_source_address;
mod illegal_asconf_ack;
mod invalid_mandatory_param;
mod invalid_stream_id;
mod missing_mandatory_param;
mod no_user_data;
mod out_of_resource;
mod protocol_violation;
mod request_refused;
mod resource_shortage;
mod restart_with_new_addresses;
mod stale_cookie;
mod unrecognized_chunk_type;
mod unrecognized_params;
mod unresolvable_address;
mod unsupported_hmac_id;
mod user_initiated_abort;

use super::bytes::{RawTlv, TlvIter, Writer};
use super::tlv::{self, Tlv};
use super::ParseError;

/// Cause codes.
pub mod code {
    pub const INVALID_STREAM_ID: u16 = 1;
    pub const MISSING_MANDATORY_PARAM: u16 = 2;
    pub const STALE_COOKIE: u16 = 3;
    pub const OUT_OF_RESOURCE: u16 = 4;
    pub const UNRESOLVABLE_ADDRESS: u16 = 5;
    pub const UNRECOGNIZED_CHUNK_TYPE: u16 = 6;
    pub const INVALID_MANDATORY_PARAM: u16 = 7;
    pub const UNRECOGNIZED_PARAMS: u16 = 8;
    pub const NO_USER_DATA: u16 = 9;
    pub const COOKIE_WHILE_SHUTTING_DOWN: u16 = 10;
    pub const RESTART_WITH_NEW_ADDRESSES: u16 = 11;
    pub const USER_INITIATED_ABORT: u16 = 12;
    pub const PROTOCOL_VIOLATION: u16 = 13;
    pub const DELETE_LAST_ADDRESS: u16 = 0xA0;
    pub const RESOURCE_SHORTAGE: u16 = 0xA1;
    pub const DELETE_SOURCE_ADDRESS: u16 = 0xA2;
    pub const ILLEGAL_ASCONF_ACK: u16 = 0xA3;
    pub const NO_AUTHORIZATION: u16 = 0xA4;
    pub const UNSUPPORTED_HMAC_ID: u16 = 0x0105;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCause<'a> {
    InvalidStreamId {
        stream_id: u16,
    },
    MissingMandatoryParam {
        param_types: Vec<u16>,
    },
    /// Measure of staleness, microseconds.
    StaleCookie {
        staleness_us: u32,
    },
    OutOfResource,
    /// The unresolvable address parameter TLV, as received.
    UnresolvableAddress {
        address: &'a [u8],
    },
    /// The whole unrecognized chunk (header included), as received.
    UnrecognizedChunkType {
        chunk: &'a [u8],
    },
    InvalidMandatoryParam,
    /// The unrecognized parameter TLVs, as received.
    UnrecognizedParams {
        params: &'a [u8],
    },
    NoUserData {
        tsn: u32,
    },
    CookieWhileShuttingDown,
    /// The new address parameter TLVs.
    RestartWithNewAddresses {
        addresses: &'a [u8],
    },
    UserInitiatedAbort {
        reason: &'a [u8],
    },
    ProtocolViolation {
        info: &'a [u8],
    },
    /// RFC 5061 5.1 causes and RFC 4895's carry the offending parameter TLV or nothing.
    DeleteLastAddress {
        param: &'a [u8],
    },
    ResourceShortage {
        param: &'a [u8],
    },
    DeleteSourceAddress {
        param: &'a [u8],
    },
    /// RFC 5061 5.1 (0x00A3); any information received is dropped.
    IllegalAsconfAck,
    /// RFC 5061 5.1 (0x00A4, "Request Refused - No Authorization") without information.
    NoAuthorization,
    UnsupportedHmacId {
        hmac_id: u16,
    },
    Unknown {
        code: u16,
        value: &'a [u8],
    },
    /// RFC 5061 5.1 (0x00A4, "Request Refused - No Authorization") with the refused ASCONF
    /// request TLV, the usual form (added to the contract: `NoAuthorization` cannot carry it).
    RequestRefused {
        param: &'a [u8],
    },
}

impl<'a> ErrorCause<'a> {
    /// Parses exactly one cause; only padding (up to 3 bytes) may follow it.
    pub fn parse(bytes: &'a [u8]) -> Result<ErrorCause<'a>, ParseError> {
        tlv::parse_one(bytes)
    }

    /// Parses the causes of an ERROR or ABORT chunk or of an Error Cause Indication.
    pub fn parse_list(bytes: &'a [u8]) -> Result<Vec<ErrorCause<'a>>, ParseError> {
        TlvIter::new(bytes)
            .map(|tlv| tlv.and_then(ErrorCause::from_tlv))
            .collect()
    }

    /// The cause code on the wire.
    pub fn code(&self) -> u16 {
        match self {
            ErrorCause::InvalidStreamId { .. } => code::INVALID_STREAM_ID,
            ErrorCause::MissingMandatoryParam { .. } => code::MISSING_MANDATORY_PARAM,
            ErrorCause::StaleCookie { .. } => code::STALE_COOKIE,
            ErrorCause::OutOfResource => code::OUT_OF_RESOURCE,
            ErrorCause::UnresolvableAddress { .. } => code::UNRESOLVABLE_ADDRESS,
            ErrorCause::UnrecognizedChunkType { .. } => code::UNRECOGNIZED_CHUNK_TYPE,
            ErrorCause::InvalidMandatoryParam => code::INVALID_MANDATORY_PARAM,
            ErrorCause::UnrecognizedParams { .. } => code::UNRECOGNIZED_PARAMS,
            ErrorCause::NoUserData { .. } => code::NO_USER_DATA,
            ErrorCause::CookieWhileShuttingDown => code::COOKIE_WHILE_SHUTTING_DOWN,
            ErrorCause::RestartWithNewAddresses { .. } => code::RESTART_WITH_NEW_ADDRESSES,
            ErrorCause::UserInitiatedAbort { .. } => code::USER_INITIATED_ABORT,
            ErrorCause::ProtocolViolation { .. } => code::PROTOCOL_VIOLATION,
            ErrorCause::DeleteLastAddress { .. } => code::DELETE_LAST_ADDRESS,
            ErrorCause::ResourceShortage { .. } => code::RESOURCE_SHORTAGE,
            ErrorCause::DeleteSourceAddress { .. } => code::DELETE_SOURCE_ADDRESS,
            ErrorCause::IllegalAsconfAck => code::ILLEGAL_ASCONF_ACK,
            ErrorCause::NoAuthorization | ErrorCause::RequestRefused { .. } => {
                code::NO_AUTHORIZATION
            }
            ErrorCause::UnsupportedHmacId { .. } => code::UNSUPPORTED_HMAC_ID,
            ErrorCause::Unknown { code, .. } => *code,
        }
    }

    /// Bytes [`ErrorCause::encode`] writes: header, information and padding.
    pub fn encoded_len(&self) -> usize {
        tlv::encoded_len(self)
    }

    /// Writes the cause (with its padding) at the start of `buf` and returns the bytes
    /// written, or 0 (writing nothing) when `buf` is shorter than
    /// [`ErrorCause::encoded_len`] or the information is too long for the 16-bit length.
    pub fn encode(&self, buf: &mut [u8]) -> usize {
        tlv::encode(self, buf)
    }
}

impl<'a> Tlv<'a> for ErrorCause<'a> {
    fn from_tlv(tlv: RawTlv<'a>) -> Result<ErrorCause<'a>, ParseError> {
        let v = tlv.value;
        Ok(match tlv.kind {
            code::INVALID_STREAM_ID => invalid_stream_id::parse(v)?,
            code::MISSING_MANDATORY_PARAM => missing_mandatory_param::parse(v)?,
            code::STALE_COOKIE => stale_cookie::parse(v)?,
            code::OUT_OF_RESOURCE => out_of_resource::parse(v)?,
            code::UNRESOLVABLE_ADDRESS => unresolvable_address::parse(v),
            code::UNRECOGNIZED_CHUNK_TYPE => unrecognized_chunk_type::parse(v),
            code::INVALID_MANDATORY_PARAM => invalid_mandatory_param::parse(v)?,
            code::UNRECOGNIZED_PARAMS => unrecognized_params::parse(v),
            code::NO_USER_DATA => no_user_data::parse(v)?,
            code::COOKIE_WHILE_SHUTTING_DOWN => cookie_while_shutting_down::parse(v)?,
            code::RESTART_WITH_NEW_ADDRESSES => restart_with_new_addresses::parse(v),
            code::USER_INITIATED_ABORT => user_initiated_abort::parse(v),
            code::PROTOCOL_VIOLATION => protocol_violation::parse(v),
            code::DELETE_LAST_ADDRESS => delete_last_address::parse(v),
            code::RESOURCE_SHORTAGE => resource_shortage::parse(v),
            code::DELETE_SOURCE_ADDRESS => delete_source_address::parse(v),
            code::ILLEGAL_ASCONF_ACK => illegal_asconf_ack::parse(v),
            code::NO_AUTHORIZATION => request_refused::parse(v),
            code::UNSUPPORTED_HMAC_ID => unsupported_hmac_id::parse(v)?,
            code => ErrorCause::Unknown { code, value: v },
        })
    }

    fn kind(&self) -> u16 {
        self.code()
    }

    /// Length of the cause-specific information, without header or padding.
    fn value_len(&self) -> usize {
        match self {
            ErrorCause::InvalidStreamId { .. } => 4,
            ErrorCause::MissingMandatoryParam { param_types } => 4 + 2 * param_types.len(),
            ErrorCause::StaleCookie { .. } | ErrorCause::NoUserData { .. } => 4,
            ErrorCause::OutOfResource
            | ErrorCause::InvalidMandatoryParam
            | ErrorCause::CookieWhileShuttingDown
            | ErrorCause::IllegalAsconfAck
            | ErrorCause::NoAuthorization => 0,
            ErrorCause::UnresolvableAddress { address: v }
            | ErrorCause::UnrecognizedChunkType { chunk: v }
            | ErrorCause::UnrecognizedParams { params: v }
            | ErrorCause::RestartWithNewAddresses { addresses: v }
            | ErrorCause::UserInitiatedAbort { reason: v }
            | ErrorCause::ProtocolViolation { info: v }
            | ErrorCause::DeleteLastAddress { param: v }
            | ErrorCause::ResourceShortage { param: v }
            | ErrorCause::DeleteSourceAddress { param: v }
            | ErrorCause::RequestRefused { param: v }
            | ErrorCause::Unknown { value: v, .. } => v.len(),
            ErrorCause::UnsupportedHmacId { .. } => 2,
        }
    }

    fn write_value(&self, w: &mut Writer<'_>) {
        match self {
            ErrorCause::InvalidStreamId { stream_id } => invalid_stream_id::write(w, *stream_id),
            ErrorCause::MissingMandatoryParam { param_types } => {
                missing_mandatory_param::write(w, param_types)
            }
            ErrorCause::StaleCookie { staleness_us: v } | ErrorCause::NoUserData { tsn: v } => {
                w.u32(*v)
            }
            ErrorCause::OutOfResource
            | ErrorCause::InvalidMandatoryParam
            | ErrorCause::CookieWhileShuttingDown
            | ErrorCause::IllegalAsconfAck
            | ErrorCause::NoAuthorization => {}
            ErrorCause::UnresolvableAddress { address: v }
            | ErrorCause::UnrecognizedChunkType { chunk: v }
            | ErrorCause::UnrecognizedParams { params: v }
            | ErrorCause::RestartWithNewAddresses { addresses: v }
            | ErrorCause::UserInitiatedAbort { reason: v }
            | ErrorCause::ProtocolViolation { info: v }
            | ErrorCause::DeleteLastAddress { param: v }
            | ErrorCause::ResourceShortage { param: v }
            | ErrorCause::DeleteSourceAddress { param: v }
            | ErrorCause::RequestRefused { param: v }
            | ErrorCause::Unknown { value: v, .. } => w.bytes(v),
            ErrorCause::UnsupportedHmacId { hmac_id } => w.u16(*hmac_id),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes `c`, checks size and padding, parses it back and compares.
    pub(crate) fn round_trip(c: &ErrorCause<'_>) -> Vec<u8> {
        let buf = tlv::encode_checked(c.encoded_len(), |b| c.encode(b));
        assert_eq!(ErrorCause::parse(&buf).as_ref(), Ok(c));
        assert_eq!(u16::from_be_bytes([buf[0], buf[1]]), c.code());
        buf
    }

    #[test]
    fn unknown_cause_is_kept() {
        let b = round_trip(&ErrorCause::Unknown {
            code: 0x1234,
            value: &[9, 9, 9],
        });
        assert_eq!(b, [0x12, 0x34, 0, 7, 9, 9, 9, 0]);
    }

    #[test]
    fn parse_rejects_trailing_bytes() {
        assert_eq!(
            ErrorCause::parse(&[0, 4, 0, 4, 0, 0, 0, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            ErrorCause::parse(&[0, 12, 0, 5, 7, 0, 0]),
            Ok(ErrorCause::UserInitiatedAbort { reason: &[7] })
        );
    }

    #[test]
    fn list_with_unpadded_last() {
        // User-Initiated Abort "ab" (length 6, padded to 8), then Protocol Violation "x"
        // (length 5) with its padding missing.
        let bytes = [0, 12, 0, 6, b'a', b'b', 0, 0, 0, 13, 0, 5, b'x'];
        let list = ErrorCause::parse_list(&bytes).unwrap();
        assert_eq!(
            list,
            vec![
                ErrorCause::UserInitiatedAbort { reason: b"ab" },
                ErrorCause::ProtocolViolation { info: b"x" }
            ]
        );
        assert_eq!(tlv::list_value_len(&list), 13);
        assert_eq!(
            ErrorCause::parse_list(&bytes[..10]),
            Err(ParseError::Truncated)
        );
    }
}
