//! SCTP chunks (RFC 9260 section 3.3 and extensions). CONTRACT: the type and field names below
//! are used by `assoc/`; the codec helper moves each struct into its own file (re-exported here)
//! and adds parse/encode, but keeps names and field meanings.

use super::{ErrorCause, Param};

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
    /// `t_bit`: the verification tag is the sender's own (reflected), RFC 9260 8.5.1.
    ShutdownComplete { t_bit: bool },
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
    Unknown { chunk_type: u8, flags: u8, value: &'a [u8] },
}

/// DATA (RFC 9260 3.3.1) and I-DATA (RFC 8260 2.1) in one shape.
/// For DATA `mid` holds the 16-bit SSN and `fsn` is 0; for I-DATA `mid` is the Message
/// Identifier and `fsn` the Fragment Sequence Number (0 and carrying no PPID when `begin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChunk<'a> {
    pub tsn: u32,
    pub stream_id: u16,
    pub mid: u32,
    pub fsn: u32,
    pub ppid: u32,
    /// U bit.
    pub unordered: bool,
    /// B bit.
    pub begin: bool,
    /// E bit.
    pub end: bool,
    /// I bit (SACK-IMMEDIATELY, RFC 9260 3.3.1).
    pub immediate: bool,
    pub payload: &'a [u8],
}

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

/// SACK (3.3.4). Gap blocks are offsets from `cum_tsn_ack`, as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SackChunk {
    pub cum_tsn_ack: u32,
    pub a_rwnd: u32,
    pub gap_blocks: Vec<GapBlock>,
    pub dup_tsns: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapBlock {
    pub start: u16,
    pub end: u16,
}

/// HEARTBEAT (3.3.5) / HEARTBEAT ACK (3.3.6): the Heartbeat Info parameter's opaque value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatChunk<'a> {
    pub info: &'a [u8],
}

/// ABORT (3.3.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbortChunk<'a> {
    pub t_bit: bool,
    pub causes: Vec<ErrorCause<'a>>,
}

/// SHUTDOWN (3.3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownChunk {
    pub cum_tsn_ack: u32,
}

/// ERROR (3.3.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorChunk<'a> {
    pub causes: Vec<ErrorCause<'a>>,
}

/// COOKIE ECHO (3.3.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieEchoChunk<'a> {
    pub cookie: &'a [u8],
}

/// AUTH (RFC 4895 4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthChunk<'a> {
    pub shared_key_id: u16,
    pub hmac_id: u16,
    pub hmac: &'a [u8],
}

/// ASCONF (RFC 5061 4.1.2): serial, the address parameter, then the request parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsconfChunk<'a> {
    pub serial: u32,
    pub address: Param<'a>,
    pub params: Vec<Param<'a>>,
}

/// ASCONF ACK (RFC 5061 4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsconfAckChunk<'a> {
    pub serial: u32,
    pub params: Vec<Param<'a>>,
}

/// RE-CONFIG (RFC 6525 3.1): one or two re-configuration parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReConfigChunk<'a> {
    pub params: Vec<Param<'a>>,
}

/// PAD (RFC 4820 3): only the padding length is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PadChunk {
    pub len: usize,
}

/// FORWARD TSN (RFC 3758 3.2) and I-FORWARD TSN (RFC 8260 2.3) in one shape.
/// For FORWARD TSN `mid` holds the 16-bit SSN and `unordered` is false.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardTsnChunk {
    pub new_cum_tsn: u32,
    pub streams: Vec<SkippedStream>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedStream {
    pub stream_id: u16,
    pub unordered: bool,
    pub mid: u32,
}
