//! Error causes (RFC 9260 3.3.10, RFC 5061 5.1, RFC 4895 4.1). CONTRACT: names used by
//! `assoc/`; the codec helper moves each into its own file and adds parse/encode.

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
    InvalidStreamId { stream_id: u16 },
    MissingMandatoryParam { param_types: Vec<u16> },
    /// Measure of staleness, microseconds.
    StaleCookie { staleness_us: u32 },
    OutOfResource,
    /// The unresolvable address parameter TLV, as received.
    UnresolvableAddress { address: &'a [u8] },
    /// The whole unrecognized chunk (header included), as received.
    UnrecognizedChunkType { chunk: &'a [u8] },
    InvalidMandatoryParam,
    /// The unrecognized parameter TLVs, as received.
    UnrecognizedParams { params: &'a [u8] },
    NoUserData { tsn: u32 },
    CookieWhileShuttingDown,
    /// The new address parameter TLVs.
    RestartWithNewAddresses { addresses: &'a [u8] },
    UserInitiatedAbort { reason: &'a [u8] },
    ProtocolViolation { info: &'a [u8] },
    /// RFC 5061 5.1 causes and RFC 4895's carry the offending parameter TLV or nothing.
    DeleteLastAddress { param: &'a [u8] },
    ResourceShortage { param: &'a [u8] },
    DeleteSourceAddress { param: &'a [u8] },
    IllegalAsconfAck,
    NoAuthorization,
    UnsupportedHmacId { hmac_id: u16 },
    Unknown { code: u16, value: &'a [u8] },
}
