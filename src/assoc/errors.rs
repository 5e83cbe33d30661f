//! Error causes we send (RFC 9260 3.3.10) in ERROR and ABORT chunks, the handling of
//! unrecognized chunks by their action bits (3.2), and received ERROR chunks (RemoteError).

use super::association::Association;
use super::{AssocState, Event};
use crate::wire::cause::code;
use crate::wire::ErrorCause;

/// An error cause owned until the packet carrying it is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OwnedCause {
    InvalidStream(u16),
    StaleCookie(u32),
    /// The unrecognized chunk, header included.
    UnrecognizedChunk(Vec<u8>),
    NoUserData(u32),
    /// Unrecognized parameter TLVs of an INIT ACK (3.2.1).
    UnrecognizedParams(Vec<u8>),
    CookieWhileShuttingDown,
    RestartWithNewAddresses(Vec<u8>),
    UserAbort(Vec<u8>),
    ProtocolViolation(Vec<u8>),
    InvalidMandatoryParam,
    UnresolvableAddress(Vec<u8>),
    /// RFC 4895 4.1: an AUTH chunk with an HMAC identifier we do not support.
    UnsupportedHmacId(u16),
    /// RFC 5061 Operation Refused Due to Resource Shortage, without a request (Linux's ABORT
    /// after such an ASCONF-ACK).
    ResourceShortage,
}

impl OwnedCause {
    pub fn as_cause(&self) -> ErrorCause<'_> {
        match self {
            OwnedCause::InvalidStream(s) => ErrorCause::InvalidStreamId { stream_id: *s },
            OwnedCause::StaleCookie(us) => ErrorCause::StaleCookie { staleness_us: *us },
            OwnedCause::UnrecognizedChunk(c) => ErrorCause::UnrecognizedChunkType { chunk: c },
            OwnedCause::NoUserData(tsn) => ErrorCause::NoUserData { tsn: *tsn },
            OwnedCause::UnrecognizedParams(p) => ErrorCause::UnrecognizedParams { params: p },
            OwnedCause::CookieWhileShuttingDown => ErrorCause::CookieWhileShuttingDown,
            OwnedCause::RestartWithNewAddresses(a) => {
                ErrorCause::RestartWithNewAddresses { addresses: a }
            }
            OwnedCause::UserAbort(r) => ErrorCause::UserInitiatedAbort { reason: r },
            OwnedCause::ProtocolViolation(i) => ErrorCause::ProtocolViolation { info: i },
            OwnedCause::InvalidMandatoryParam => ErrorCause::InvalidMandatoryParam,
            OwnedCause::UnresolvableAddress(a) => ErrorCause::UnresolvableAddress { address: a },
            OwnedCause::UnsupportedHmacId(id) => ErrorCause::UnsupportedHmacId { hmac_id: *id },
            OwnedCause::ResourceShortage => ErrorCause::ResourceShortage { param: &[] },
        }
    }

    pub fn code(&self) -> u16 {
        match self {
            OwnedCause::InvalidStream(_) => code::INVALID_STREAM_ID,
            OwnedCause::StaleCookie(_) => code::STALE_COOKIE,
            OwnedCause::UnrecognizedChunk(_) => code::UNRECOGNIZED_CHUNK_TYPE,
            OwnedCause::NoUserData(_) => code::NO_USER_DATA,
            OwnedCause::UnrecognizedParams(_) => code::UNRECOGNIZED_PARAMS,
            OwnedCause::CookieWhileShuttingDown => code::COOKIE_WHILE_SHUTTING_DOWN,
            OwnedCause::RestartWithNewAddresses(_) => code::RESTART_WITH_NEW_ADDRESSES,
            OwnedCause::UserAbort(_) => code::USER_INITIATED_ABORT,
            OwnedCause::ProtocolViolation(_) => code::PROTOCOL_VIOLATION,
            OwnedCause::InvalidMandatoryParam => code::INVALID_MANDATORY_PARAM,
            OwnedCause::UnresolvableAddress(_) => code::UNRESOLVABLE_ADDRESS,
            OwnedCause::UnsupportedHmacId(_) => code::UNSUPPORTED_HMAC_ID,
            OwnedCause::ResourceShortage => code::RESOURCE_SHORTAGE,
        }
    }

    /// The cause TLV as it goes on the wire (padded), as Linux reports it in SCTP_ASSOC_CHANGE.
    pub fn to_bytes(&self) -> Vec<u8> {
        causes_to_bytes(std::slice::from_ref(&self.as_cause()))
    }
}

/// Encodes cause TLVs back to bytes (the raw causes of a received ABORT for `Event::Lost`).
pub(crate) fn causes_to_bytes(causes: &[ErrorCause<'_>]) -> Vec<u8> {
    let len = causes.iter().map(|c| c.encoded_len()).sum();
    let mut out = vec![0u8; len];
    let mut at = 0;
    for c in causes {
        at += c.encode(&mut out[at..]);
    }
    out.truncate(at);
    out
}

/// The code of the first cause, 0 without causes (Linux `sac_error` of COMM_LOST).
pub(crate) fn first_code(causes: &[ErrorCause<'_>]) -> u16 {
    causes.first().map_or(0, |c| c.code())
}

impl Association {
    /// RFC 9260 3.3.10: report a problem to the peer in an ERROR chunk (bundled with the next
    /// packet). A bounded number is kept: a hostile peer cannot grow the queue.
    pub(crate) fn queue_error(&mut self, cause: OwnedCause) {
        const MAX_PENDING_ERRORS: usize = 16;
        if self.pending.errors.len() < MAX_PENDING_ERRORS {
            self.pending.errors.push(cause);
        }
    }

    /// RFC 9260 3.3.10: each cause of a received ERROR chunk becomes a RemoteError event;
    /// a Stale Cookie error during setup triggers 5.2.6.
    pub(crate) fn on_error_chunk(&mut self, now: std::time::Instant, causes: &[ErrorCause<'_>]) {
        for c in causes {
            if let ErrorCause::StaleCookie { staleness_us } = c {
                if self.state == AssocState::CookieEchoed {
                    self.on_stale_cookie(now, *staleness_us);
                    continue;
                }
            }
            let bytes = causes_to_bytes(std::slice::from_ref(c));
            // The event carries the cause's value, after its 4-byte header.
            let data = bytes.get(4..).map(<[u8]>::to_vec).unwrap_or_default();
            self.push_event(Event::RemoteError {
                code: c.code(),
                data,
            });
        }
    }

    /// RFC 9260 3.2: an unrecognized chunk type. Returns false when the rest of the packet must
    /// be discarded (action 00 or 01); reports it for 01 and 11.
    pub(crate) fn on_unrecognized_chunk(
        &mut self,
        chunk_type: u8,
        flags: u8,
        value: &[u8],
    ) -> bool {
        let action = crate::wire::UnrecognizedAction::of_chunk_type(chunk_type);
        if action.reports() {
            let len = 4 + value.len();
            let mut raw = Vec::with_capacity(len);
            raw.push(chunk_type);
            raw.push(flags);
            raw.extend_from_slice(&(len.min(u16::MAX as usize) as u16).to_be_bytes());
            raw.extend_from_slice(value);
            self.queue_error(OwnedCause::UnrecognizedChunk(raw));
        }
        !action.stops()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_bytes_are_padded_tlvs() {
        let c = OwnedCause::UserAbort(b"bye".to_vec());
        assert_eq!(c.code(), code::USER_INITIATED_ABORT);
        assert_eq!(c.to_bytes(), vec![0, 12, 0, 7, b'b', b'y', b'e', 0]);
        assert_eq!(
            OwnedCause::InvalidStream(7).to_bytes(),
            vec![0, 1, 0, 8, 0, 7, 0, 0]
        );
    }
}
