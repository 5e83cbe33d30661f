//! Parameters of INIT, INIT ACK, ASCONF, ASCONF ACK and RE-CONFIG (RFC 9260 3.3.2.1, RFC 5061,
//! RFC 6525, RFC 4895, RFC 3758, RFC 4820). CONTRACT: names used by `assoc/`; the codec helper
//! moves each into its own file and adds parse/encode.

use std::net::IpAddr;

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
    HeartbeatInfo(&'a [u8]),
    /// IPv4 (type 5) or IPv6 (type 6) Address.
    Address(IpAddr),
    StateCookie(&'a [u8]),
    /// The whole unrecognized parameter TLV, as received (RFC 9260 3.3.3.1).
    UnrecognizedParameter(&'a [u8]),
    /// Suggested cookie life-span increment, milliseconds.
    CookiePreservative(u32),
    HostNameAddress(&'a [u8]),
    SupportedAddressTypes(Vec<u16>),
    /// RFC 6525 4.1.
    OutgoingSsnReset { request_seq: u32, response_seq: u32, last_tsn: u32, streams: Vec<u16> },
    /// RFC 6525 4.2.
    IncomingSsnReset { request_seq: u32, streams: Vec<u16> },
    /// RFC 6525 4.3.
    SsnTsnReset { request_seq: u32 },
    /// RFC 6525 4.4; the two TSNs are present together or not at all.
    ReconfigResponse { response_seq: u32, result: u32, tsns: Option<(u32, u32)> },
    /// RFC 6525 4.5.
    AddOutgoingStreams { request_seq: u32, count: u16 },
    /// RFC 6525 4.6.
    AddIncomingStreams { request_seq: u32, count: u16 },
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
    AddIpAddress { correlation_id: u32, address: IpAddr },
    DeleteIpAddress { correlation_id: u32, address: IpAddr },
    SetPrimaryAddress { correlation_id: u32, address: IpAddr },
    /// RFC 5061 4.2.6: correlation id plus the error causes.
    ErrorCauseIndication { correlation_id: u32, causes: &'a [u8] },
    /// RFC 5061 4.2.5.
    SuccessIndication { correlation_id: u32 },
    /// RFC 5061 4.2.3.
    AdaptationLayerIndication(u32),
    /// Any other type; the two high bits of `param_type` are the action (RFC 9260 3.2.1).
    Unknown { param_type: u16, value: &'a [u8] },
}
