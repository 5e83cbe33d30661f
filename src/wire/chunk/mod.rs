//! SCTP chunks (RFC 9260 section 3.3 and extensions). CONTRACT: the type and field names below
//! are used by `assoc/`. Each chunk type lives in its own file with its RFC diagram.
//!
//! Every chunk starts with the same header (RFC 9260 3.2):
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                          Chunk Value                          /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The length counts header and value but not the padding to a 4-byte boundary; inside the
//! value, every parameter but the last is counted with its padding. Reserved flag bits are
//! ignored on receipt and sent as zero.

mod abort;
mod asconf;
mod asconf_ack;
mod auth;
mod cookie_ack;
mod cookie_echo;
mod data;
mod ecn;
mod error;
mod forward_tsn;
mod heartbeat;
mod init;
mod pad;
mod raw;
mod re_config;
mod sack;
mod shutdown;
mod shutdown_ack;
mod shutdown_complete;

pub use abort::AbortChunk;
pub use asconf::AsconfChunk;
pub use asconf_ack::AsconfAckChunk;
pub use auth::AuthChunk;
pub use cookie_echo::CookieEchoChunk;
pub use data::DataChunk;
pub use error::ErrorChunk;
pub use forward_tsn::{ForwardTsnChunk, SkippedStream};
pub use heartbeat::HeartbeatChunk;
pub use init::InitChunk;
pub use pad::PadChunk;
pub use raw::{RawChunk, RawChunkIter};
pub use re_config::ReConfigChunk;
pub use sack::{GapBlock, SackChunk};
pub use shutdown::ShutdownChunk;

use super::bytes::{pad4, Writer};
use super::tlv;
use super::ParseError;
pub use super::UnrecognizedAction;

/// Chunk type codes.
pub mod kind {
    pub const DATA: u8 = 0;
    pub const INIT: u8 = 1;
    pub const INIT_ACK: u8 = 2;
    pub const SACK: u8 = 3;
    pub const HEARTBEAT: u8 = 4;
    pub const HEARTBEAT_ACK: u8 = 5;
    pub const ABORT: u8 = 6;
    pub const SHUTDOWN: u8 = 7;
    pub const SHUTDOWN_ACK: u8 = 8;
    pub const ERROR: u8 = 9;
    pub const COOKIE_ECHO: u8 = 10;
    pub const COOKIE_ACK: u8 = 11;
    pub const ECNE: u8 = 12;
    pub const CWR: u8 = 13;
    pub const SHUTDOWN_COMPLETE: u8 = 14;
    pub const AUTH: u8 = 15;
    pub const I_DATA: u8 = 64;
    pub const ASCONF_ACK: u8 = 0x80;
    pub const RE_CONFIG: u8 = 0x82;
    pub const PAD: u8 = 0x84;
    pub const FORWARD_TSN: u8 = 0xC0;
    pub const ASCONF: u8 = 0xC1;
    pub const I_FORWARD_TSN: u8 = 0xC2;
}

/// The T bit of ABORT and SHUTDOWN COMPLETE (RFC 9260 3.3.7, 3.3.13).
pub(crate) const T_BIT: u8 = 0x01;

/// One parsed chunk. Payloads and opaque values borrow from the packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk<'a> {
    Data(DataChunk<'a>),
    Init(InitChunk<'a>),
    InitAck(InitChunk<'a>),
    Sack(SackChunk),
    Heartbeat(HeartbeatChunk<'a>),
    HeartbeatAck(HeartbeatChunk<'a>),
    Abort(AbortChunk<'a>),
    Shutdown(ShutdownChunk),
    ShutdownAck,
    Error(ErrorChunk<'a>),
    CookieEcho(CookieEchoChunk<'a>),
    CookieAck,
    /// ECN Echo (RFC 9260 Appendix A): the lowest TSN of a CE-marked packet.
    Ecne {
        lowest_tsn: u32,
    },
    /// Congestion Window Reduced (RFC 9260 Appendix A), answering an ECNE.
    Cwr {
        lowest_tsn: u32,
    },
    /// `t_bit`: the verification tag is the sender's own (reflected), RFC 9260 8.5.1.
    ShutdownComplete {
        t_bit: bool,
    },
    Auth(AuthChunk<'a>),
    IData(DataChunk<'a>),
    AsconfAck(AsconfAckChunk<'a>),
    ReConfig(ReConfigChunk<'a>),
    Pad(PadChunk),
    ForwardTsn(ForwardTsnChunk),
    Asconf(AsconfChunk<'a>),
    IForwardTsn(ForwardTsnChunk),
    /// A chunk type this codec does not know; the two high bits of `chunk_type` are the action
    /// (RFC 9260 3.2): 00 stop+discard, 01 stop+discard+report, 10 skip, 11 skip+report.
    Unknown {
        chunk_type: u8,
        flags: u8,
        value: &'a [u8],
    },
}

impl<'a> Chunk<'a> {
    /// Parses exactly one chunk; only its padding (up to 3 bytes) may follow it.
    pub fn parse(bytes: &'a [u8]) -> Result<Chunk<'a>, ParseError> {
        let mut iter = RawChunkIter::new(bytes);
        let raw = iter.next().unwrap_or(Err(ParseError::Truncated))?;
        if iter.next().is_some() {
            return Err(ParseError::BadLength);
        }
        raw.parse()
    }

    /// Parses the value of a chunk whose header was already split off (see [`RawChunk`]).
    pub(crate) fn from_parts(
        chunk_type: u8,
        flags: u8,
        value: &'a [u8],
    ) -> Result<Chunk<'a>, ParseError> {
        Ok(match chunk_type {
            kind::DATA => Chunk::Data(DataChunk::parse(flags, value, false)?),
            kind::INIT => Chunk::Init(InitChunk::parse(value)?),
            kind::INIT_ACK => Chunk::InitAck(InitChunk::parse(value)?),
            kind::SACK => Chunk::Sack(SackChunk::parse(value)?),
            kind::HEARTBEAT => Chunk::Heartbeat(HeartbeatChunk::parse(value)?),
            kind::HEARTBEAT_ACK => Chunk::HeartbeatAck(HeartbeatChunk::parse(value)?),
            kind::ABORT => Chunk::Abort(AbortChunk::parse(flags, value)?),
            kind::SHUTDOWN => Chunk::Shutdown(ShutdownChunk::parse(value)?),
            kind::SHUTDOWN_ACK => shutdown_ack::parse(value)?,
            kind::ERROR => Chunk::Error(ErrorChunk::parse(value)?),
            kind::COOKIE_ECHO => Chunk::CookieEcho(CookieEchoChunk::parse(value)),
            kind::COOKIE_ACK => cookie_ack::parse(value)?,
            kind::ECNE => Chunk::Ecne {
                lowest_tsn: ecn::parse_tsn(value)?,
            },
            kind::CWR => Chunk::Cwr {
                lowest_tsn: ecn::parse_tsn(value)?,
            },
            kind::SHUTDOWN_COMPLETE => shutdown_complete::parse(flags, value)?,
            kind::AUTH => Chunk::Auth(AuthChunk::parse(value)?),
            kind::I_DATA => Chunk::IData(DataChunk::parse(flags, value, true)?),
            kind::ASCONF_ACK => Chunk::AsconfAck(AsconfAckChunk::parse(value)?),
            kind::RE_CONFIG => Chunk::ReConfig(ReConfigChunk::parse(value)?),
            kind::PAD => Chunk::Pad(PadChunk::parse(value)),
            kind::FORWARD_TSN => Chunk::ForwardTsn(ForwardTsnChunk::parse(value, false)?),
            kind::ASCONF => Chunk::Asconf(AsconfChunk::parse(value)?),
            kind::I_FORWARD_TSN => Chunk::IForwardTsn(ForwardTsnChunk::parse(value, true)?),
            chunk_type => Chunk::Unknown {
                chunk_type,
                flags,
                value,
            },
        })
    }

    /// The type code on the wire.
    pub fn chunk_type(&self) -> u8 {
        match self {
            Chunk::Data(_) => kind::DATA,
            Chunk::Init(_) => kind::INIT,
            Chunk::InitAck(_) => kind::INIT_ACK,
            Chunk::Sack(_) => kind::SACK,
            Chunk::Heartbeat(_) => kind::HEARTBEAT,
            Chunk::HeartbeatAck(_) => kind::HEARTBEAT_ACK,
            Chunk::Abort(_) => kind::ABORT,
            Chunk::Shutdown(_) => kind::SHUTDOWN,
            Chunk::ShutdownAck => kind::SHUTDOWN_ACK,
            Chunk::Error(_) => kind::ERROR,
            Chunk::CookieEcho(_) => kind::COOKIE_ECHO,
            Chunk::CookieAck => kind::COOKIE_ACK,
            Chunk::Ecne { .. } => kind::ECNE,
            Chunk::Cwr { .. } => kind::CWR,
            Chunk::ShutdownComplete { .. } => kind::SHUTDOWN_COMPLETE,
            Chunk::Auth(_) => kind::AUTH,
            Chunk::IData(_) => kind::I_DATA,
            Chunk::AsconfAck(_) => kind::ASCONF_ACK,
            Chunk::ReConfig(_) => kind::RE_CONFIG,
            Chunk::Pad(_) => kind::PAD,
            Chunk::ForwardTsn(_) => kind::FORWARD_TSN,
            Chunk::Asconf(_) => kind::ASCONF,
            Chunk::IForwardTsn(_) => kind::I_FORWARD_TSN,
            Chunk::Unknown { chunk_type, .. } => *chunk_type,
        }
    }

    /// The flags byte on the wire.
    pub fn flags(&self) -> u8 {
        match self {
            Chunk::Data(d) | Chunk::IData(d) => d.flags(),
            Chunk::Abort(a) => t_flag(a.t_bit),
            Chunk::ShutdownComplete { t_bit } => t_flag(*t_bit),
            Chunk::Unknown { flags, .. } => *flags,
            _ => 0,
        }
    }

    /// For [`Chunk::Unknown`], what RFC 9260 3.2 says to do with it; `None` for known types.
    pub fn unrecognized_action(&self) -> Option<UnrecognizedAction> {
        match self {
            Chunk::Unknown { chunk_type, .. } => {
                Some(UnrecognizedAction::of_chunk_type(*chunk_type))
            }
            _ => None,
        }
    }

    /// Length of the value as counted by the Chunk Length field (so without the final padding).
    fn value_len(&self) -> usize {
        match self {
            Chunk::Data(d) => d.value_len(false),
            Chunk::IData(d) => d.value_len(true),
            Chunk::Init(c) | Chunk::InitAck(c) => c.value_len(),
            Chunk::Sack(c) => c.value_len(),
            Chunk::Heartbeat(c) | Chunk::HeartbeatAck(c) => c.value_len(),
            Chunk::Abort(AbortChunk { causes, .. }) | Chunk::Error(ErrorChunk { causes }) => {
                tlv::list_value_len(causes)
            }
            Chunk::Shutdown(_) => ShutdownChunk::VALUE_LEN,
            Chunk::Ecne { .. } | Chunk::Cwr { .. } => ecn::VALUE_LEN,
            Chunk::ShutdownAck | Chunk::CookieAck | Chunk::ShutdownComplete { .. } => 0,
            Chunk::CookieEcho(c) => c.cookie.len(),
            Chunk::Auth(c) => c.value_len(),
            Chunk::AsconfAck(c) => c.value_len(),
            Chunk::ReConfig(c) => c.value_len(),
            Chunk::Pad(c) => c.len,
            Chunk::ForwardTsn(c) => c.value_len(false),
            Chunk::IForwardTsn(c) => c.value_len(true),
            Chunk::Asconf(c) => c.value_len(),
            Chunk::Unknown { value, .. } => value.len(),
        }
    }

    /// Bytes [`Chunk::encode`] writes: header, value and padding to a multiple of 4.
    pub fn encoded_len(&self) -> usize {
        pad4(4 + self.value_len())
    }

    /// Writes the chunk (with its padding) at the start of `buf` and returns the bytes written,
    /// or 0 (writing nothing) when `buf` is shorter than [`Chunk::encoded_len`] or the chunk is
    /// too long for the 16-bit Chunk Length.
    pub fn encode(&self, buf: &mut [u8]) -> usize {
        let len = self.encoded_len();
        let value_len = self.value_len();
        if len > buf.len() || 4 + value_len > usize::from(u16::MAX) {
            return 0;
        }
        let mut w = Writer::new(buf);
        w.u8(self.chunk_type());
        w.u8(self.flags());
        w.u16(super::bytes::tlv_len_field(value_len));
        self.write_value(&mut w);
        // The last parameter's padding may already be written; it is not counted in the length.
        debug_assert_eq!(pad4(w.pos()), len, "chunk value length mismatch");
        w.pad();
        len
    }

    fn write_value(&self, w: &mut Writer<'_>) {
        match self {
            Chunk::Data(d) => d.write_value(w, false),
            Chunk::IData(d) => d.write_value(w, true),
            Chunk::Init(c) | Chunk::InitAck(c) => c.write_value(w),
            Chunk::Sack(c) => c.write_value(w),
            Chunk::Heartbeat(c) | Chunk::HeartbeatAck(c) => c.write_value(w),
            Chunk::Abort(AbortChunk { causes, .. }) | Chunk::Error(ErrorChunk { causes }) => {
                tlv::write_list(w, causes)
            }
            Chunk::Shutdown(c) => w.u32(c.cum_tsn_ack),
            Chunk::Ecne { lowest_tsn } | Chunk::Cwr { lowest_tsn } => w.u32(*lowest_tsn),
            Chunk::ShutdownAck | Chunk::CookieAck | Chunk::ShutdownComplete { .. } => {}
            Chunk::CookieEcho(c) => w.bytes(c.cookie),
            Chunk::Auth(c) => c.write_value(w),
            Chunk::AsconfAck(c) => c.write_value(w),
            Chunk::ReConfig(c) => c.write_value(w),
            Chunk::Pad(c) => w.zeros(c.len),
            Chunk::ForwardTsn(c) => c.write_value(w, false),
            Chunk::IForwardTsn(c) => c.write_value(w, true),
            Chunk::Asconf(c) => c.write_value(w),
            Chunk::Unknown { value, .. } => w.bytes(value),
        }
    }
}

fn t_flag(t_bit: bool) -> u8 {
    if t_bit {
        T_BIT
    } else {
        0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes `c`, checks size, padding and header, parses it back and compares.
    pub(crate) fn round_trip(c: &Chunk<'_>) -> Vec<u8> {
        let buf = tlv::encode_checked(c.encoded_len(), |b| c.encode(b));
        let n = buf.len();
        assert_eq!(buf[0], c.chunk_type());
        assert_eq!(buf[1], c.flags());
        let len = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
        assert!(len <= n && n - len < 4, "length field {len} vs encoded {n}");
        assert!(buf[len..].iter().all(|&b| b == 0), "padding not zero");
        assert_eq!(Chunk::parse(&buf).as_ref(), Ok(c));
        // Without the final padding the chunk parses the same (RFC 9260 3.2 robustness).
        assert_eq!(Chunk::parse(&buf[..len]).as_ref(), Ok(c));
        buf
    }

    #[test]
    fn unknown_chunk_is_kept_and_re_emitted() {
        let bytes = [0x4F, 0x12, 0, 7, 1, 2, 3, 0];
        let c = Chunk::parse(&bytes).unwrap();
        assert_eq!(
            c,
            Chunk::Unknown {
                chunk_type: 0x4F,
                flags: 0x12,
                value: &[1, 2, 3]
            }
        );
        assert_eq!(
            c.unrecognized_action(),
            Some(UnrecognizedAction::StopAndReport)
        );
        assert_eq!(round_trip(&c), bytes);
        assert_eq!(Chunk::CookieAck.unrecognized_action(), None);
    }

    #[test]
    fn parse_checks_header() {
        assert_eq!(Chunk::parse(&[]), Err(ParseError::Truncated));
        assert_eq!(Chunk::parse(&[11, 0, 0]), Err(ParseError::Truncated));
        assert_eq!(Chunk::parse(&[11, 0, 0, 3]), Err(ParseError::BadLength));
        assert_eq!(
            Chunk::parse(&[11, 0, 0, 8, 0, 0]),
            Err(ParseError::Truncated)
        );
        assert_eq!(
            Chunk::parse(&[11, 0, 0, 4, 11, 0, 0, 4]),
            Err(ParseError::BadLength)
        );
    }

    #[test]
    fn encode_refuses_short_buffer() {
        let mut buf = [0u8; 7];
        assert_eq!(
            Chunk::Shutdown(ShutdownChunk { cum_tsn_ack: 1 }).encode(&mut buf),
            0
        );
        let big = vec![0u8; 65532];
        let mut out = vec![0u8; 65540];
        assert_eq!(
            Chunk::CookieEcho(CookieEchoChunk { cookie: &big }).encode(&mut out),
            0
        );
        let fits = vec![0u8; 65531];
        assert_eq!(
            Chunk::CookieEcho(CookieEchoChunk { cookie: &fits }).encode(&mut out),
            65536
        );
    }
}
