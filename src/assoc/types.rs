//! Public value types of the protocol core. CONTRACT shared by `assoc/` and `stack/`: add
//! fields and variants freely, but do not rename or remove without updating both sides.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

/// Association id, `sctp_assoc_t` on Linux. Allocated by the caller (the runtime) so that ids
/// are unique across all endpoints of the process, as Linux ids are system-wide.
pub type AssocId = i32;

/// Randomness injected by the caller: the runtime uses the OS CSPRNG, tests a seeded PRNG.
pub trait Rng: Send {
    fn fill(&mut self, buf: &mut [u8]);
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill(&mut b);
        u32::from_ne_bytes(b)
    }
}

/// Protocol parameters of an association; defaults are Linux's `net.sctp.*` defaults.
#[derive(Debug, Clone)]
pub struct AssocConfig {
    pub rto_initial: Duration,
    pub rto_min: Duration,
    pub rto_max: Duration,
    /// RFC 9260 15: Max.Init.Retransmits (Linux `max_init_retransmits`, 8).
    pub max_init_retransmits: u32,
    /// SCTP_INITMSG `sinit_max_init_timeo`: the T1-init/T1-cookie backoff stops growing
    /// here (Linux `max_init_timeo`, net.sctp.rto_max by default).
    pub max_init_timeo: Duration,
    /// Association.Max.Retrans (Linux 10).
    pub assoc_max_retrans: u32,
    /// Path.Max.Retrans (Linux 5).
    pub path_max_retrans: u32,
    /// RFC 7829 PotentiallyFailed state in use (Linux `net.sctp.pf_enable`, on).
    pub pf_enable: bool,
    /// PotentiallyFailed threshold for new paths (RFC 7829 PFMR; Linux `pf_retrans`, 0: a
    /// path is PF after its first error).
    pub pf_retrans: u32,
    /// RFC 7829 5 Primary.Switchover.Max.Retrans for new paths (Linux `ps_retrans`; 0xffff,
    /// the largest `spt_pathcpthld`, keeps the primary whatever happens).
    pub ps_retrans: u32,
    /// Whether the PF state is shown to the application (SCTP_EXPOSE_POTENTIALLY_FAILED_STATE,
    /// Linux `pf_expose`).
    pub pf_expose: PfExpose,
    /// Heartbeat interval (Linux 30 s); zero disables heartbeats.
    pub hb_interval: Duration,
    /// Delayed SACK timeout (Linux 200 ms) and frequency (2 packets).
    pub sack_delay: Duration,
    pub sack_freq: u32,
    pub valid_cookie_life: Duration,
    /// Streams we ask for / accept (Linux defaults 10 out, 65535 max in).
    pub outbound_streams: u16,
    pub max_inbound_streams: u16,
    /// Receive buffer in bytes: the advertised window (a_rwnd) is derived from it.
    pub rcvbuf: u32,
    /// Send buffer in bytes: `Association::send` fails with `SendError::WouldBlock` beyond it.
    pub sndbuf: u32,
    pub max_burst: u32,
    /// Nagle off when true (SCTP_NODELAY).
    pub nodelay: bool,
    /// User cap on DATA payload per chunk (SCTP_MAXSEG; 0 = from the path MTU).
    pub maxseg: u32,
    /// Fragmentation disabled (SCTP_DISABLE_FRAGMENTS): oversize sends fail.
    pub disable_fragments: bool,
    /// SCTP_PARTIAL_DELIVERY_POINT: a message starts going up in pieces once this many of its
    /// leading bytes are here (0: only when the receive buffer fills).
    pub pd_point: u32,
    /// SCTP_FRAGMENT_INTERLEAVE level (RFC 6458 8.1.20): below 2, nothing else of the
    /// association is delivered while a message is partially delivered; 2 lets other
    /// streams' messages through.
    pub frag_interleave: u8,
    /// Path MTU for new paths (the runtime sets it from the interface MTU minus IP/UDP).
    pub pmtu: u32,
    /// SCTP_PLPMTUD_PROBE_INTERVAL for new associations (zero: no PLPMTUD, RFC 8899).
    pub probe_interval: Duration,
    /// SPP_PMTUD_DISABLE for new paths: ICMP does not change their MTU.
    pub pmtud_off: bool,
    pub pr_supported: bool,
    /// RFC 6525: offer RE-CONFIG (Linux `reconf_enable`, SCTP_RECONFIG_SUPPORTED).
    pub reconfig_supported: bool,
    /// Requests of the peer we grant, Linux's SCTP_ENABLE_STREAM_RESET bits: 1 stream
    /// resets, 2 SSN/TSN reset, 4 add streams (see `reconf::enable`).
    pub stream_reset_enable: u32,
    pub intl_supported: bool,
    pub asconf_supported: bool,
    /// New sockets start with SCTP_AUTO_ASCONF on (Linux `net.sctp.default_auto_asconf`, 0).
    pub default_auto_asconf: bool,
    pub auth_supported: bool,
    /// RFC 4895 endpoint pair shared keys by key id (SCTP_AUTH_KEY); empty means the
    /// default empty key, id 0.
    pub auth_keys: BTreeMap<u16, Vec<u8>>,
    /// Key id used to sign (SCTP_AUTH_ACTIVE_KEY).
    pub auth_active_key: u16,
    /// Chunk types we require authenticated besides ASCONF / ASCONF ACK (SCTP_AUTH_CHUNK).
    pub auth_chunks: Vec<u8>,
    /// HMAC identifiers we offer, in preference order (SCTP_HMAC_IDENT); empty: SHA-256
    /// then SHA-1.
    pub auth_hmacs: Vec<u16>,
    /// Offer ECN in INIT / INIT ACK (RFC 9260 Appendix A; Linux `net.sctp.ecn_enable`, on).
    pub ecn_supported: bool,
    /// Adaptation layer indication to send in INIT/INIT ACK (SCTP_ADAPTATION_LAYER).
    pub adaptation_indication: Option<u32>,
    /// UDP encapsulation port to send to when none was learned (RFC 6951 5.1).
    pub remote_udp_port: u16,
    /// Stream scheduler of new associations (SCTP_STREAM_SCHEDULER socket default).
    pub scheduler: super::tx::Scheduler,
}

/// Linux's default `ps_retrans` (SCTP_PS_RETRANS_MAX): no primary path switchover.
pub const PS_RETRANS_OFF: u32 = 0xffff;

/// Linux `pf_expose` (SCTP_PF_EXPOSE_UNSET / _DISABLE / _ENABLE, 0 to 2): whether
/// SCTP_PEER_ADDR_CHANGE reports the PotentiallyFailed state and its end, and whether
/// SCTP_GET_PEER_ADDR_INFO shows a PF path (Disable: EACCES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PfExpose {
    #[default]
    Unset,
    Disable,
    Enable,
}

impl PfExpose {
    /// The option value; `None` beyond SCTP_PF_EXPOSE_MAX (2).
    pub fn from_value(v: u32) -> Option<PfExpose> {
        match v {
            0 => Some(PfExpose::Unset),
            1 => Some(PfExpose::Disable),
            2 => Some(PfExpose::Enable),
            _ => None,
        }
    }

    pub fn value(self) -> u32 {
        self as u32
    }
}

impl Default for AssocConfig {
    fn default() -> Self {
        AssocConfig {
            rto_initial: Duration::from_millis(3000),
            rto_min: Duration::from_millis(1000),
            rto_max: Duration::from_millis(60000),
            max_init_retransmits: 8,
            max_init_timeo: Duration::from_millis(60000),
            assoc_max_retrans: 10,
            path_max_retrans: 5,
            pf_enable: true,
            pf_retrans: 0,
            ps_retrans: PS_RETRANS_OFF,
            pf_expose: PfExpose::Unset,
            hb_interval: Duration::from_millis(30000),
            sack_delay: Duration::from_millis(200),
            sack_freq: 2,
            valid_cookie_life: Duration::from_millis(60000),
            outbound_streams: 10,
            max_inbound_streams: 65535,
            rcvbuf: 212992,
            sndbuf: 212992,
            max_burst: 4,
            nodelay: false,
            maxseg: 0,
            disable_fragments: false,
            pd_point: 0,
            frag_interleave: 0,
            pmtu: 1500 - 20 - 8,
            pr_supported: true,
            reconfig_supported: false,
            stream_reset_enable: 0,
            intl_supported: false,
            asconf_supported: false,
            default_auto_asconf: false,
            auth_supported: false,
            auth_keys: BTreeMap::new(),
            auth_active_key: 0,
            auth_chunks: Vec::new(),
            auth_hmacs: Vec::new(),
            pmtud_off: false,
            probe_interval: Duration::ZERO,
            ecn_supported: true,
            adaptation_indication: None,
            remote_udp_port: 9899,
            scheduler: super::tx::Scheduler::Fcfs,
        }
    }
}

/// Configuration of one [`Endpoint`](super::Endpoint): one bound SCTP socket.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The bound SCTP port (also the port in the common header of every packet sent).
    pub local_port: u16,
    /// Local addresses listed in INIT / INIT ACK (empty: none listed, the peer uses the packet's
    /// source address, RFC 9260 5.1.2). A wildcard (0.0.0.0 or ::) is never listed; it only
    /// says which address families the endpoint supports (Supported Address Types).
    pub local_addrs: Vec<IpAddr>,
    /// Parameters for every association of this endpoint.
    pub assoc: AssocConfig,
    /// How long one state cookie secret is used before a new one is drawn (RFC 9260 5.1.3);
    /// cookies signed with the previous secret stay valid for one more period.
    pub cookie_secret_lifetime: Duration,
}

impl EndpointConfig {
    pub fn new(local_port: u16, local_addrs: Vec<IpAddr>) -> Self {
        EndpointConfig {
            local_port,
            local_addrs,
            assoc: AssocConfig::default(),
            cookie_secret_lifetime: Duration::from_secs(600),
        }
    }
}

/// Why `Endpoint::connect` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectError {
    /// An association to this peer already exists and is established (EISCONN).
    AlreadyConnected,
    /// An association to this peer is being set up (EALREADY).
    InProgress,
    /// No peer address given, or an unusable one (unspecified, multicast, port 0) (EINVAL).
    InvalidAddress,
    /// The association id is already used by this endpoint (EINVAL).
    IdInUse,
}

/// Where a packet from `poll_transmit` goes: `len` bytes were written to the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    pub remote: IpAddr,
    /// UDP destination port (RFC 6951 5.3): learned per peer address, else the configured one.
    pub remote_udp_port: u16,
    /// Source address to use, when the path has one.
    pub local: Option<IpAddr>,
    pub len: usize,
    /// Mark the packet ECN-capable, ECT(0) (RFC 9260 Appendix A: the association uses ECN).
    pub ect: bool,
}

/// `auth_indication` of SCTP_AUTHENTICATION_EVENT, when Linux sends each: NewKey for a
/// packet the peer authenticated with another key than our active one, FreeKey when a key
/// deactivated on the association is no longer in use, NoAuth after COMM_UP when AUTH is not
/// in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthIndication {
    NewKey,
    FreeKey,
    NoAuth,
}

/// PR-SCTP policy of one message (RFC 3758, RFC 7496; Linux SCTP_PR_SCTP_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrPolicy {
    #[default]
    Reliable,
    /// Abandon when not fully sent and acknowledged within this lifetime.
    Ttl(Duration),
    /// Abandon after this many retransmissions.
    Rtx(u32),
    /// Priority policy: lower value first abandoned when the buffer is full.
    Prio(u32),
}

impl PrPolicy {
    /// The value as `sinfo_timetolive` carries it: lifetime in ms, retransmissions, or
    /// priority; 0 for reliable messages.
    pub fn linux_value(self) -> u32 {
        match self {
            PrPolicy::Reliable => 0,
            PrPolicy::Ttl(d) => d.as_millis().min(u128::from(u32::MAX)) as u32,
            PrPolicy::Rtx(n) | PrPolicy::Prio(n) => n,
        }
    }
}

/// A message the user sends.
#[derive(Debug, Clone, Default)]
pub struct OutgoingMessage {
    pub stream_id: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub sack_immediately: bool,
    pub pr: PrPolicy,
    /// Opaque value returned in SendFailed (sinfo_context).
    pub context: u32,
    /// The association id the sender's SCTP_SNDRCV / SCTP_SNDINFO named, which SendFailed
    /// reports (Linux keeps the message's `sinfo`); None: the association's own.
    pub sinfo_assoc_id: Option<i32>,
    /// SCTP_ADDR_OVER: send to this peer address instead of the primary.
    pub dest: Option<IpAddr>,
    pub payload: Vec<u8>,
}

/// A whole message delivered to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub stream_id: u16,
    /// SSN (DATA) or MID (I-DATA).
    pub ssn: u32,
    pub ppid: u32,
    pub unordered: bool,
    /// TSN of the first fragment, and the cumulative TSN ack at delivery (sinfo_tsn/cumtsn).
    pub tsn: u32,
    pub cum_tsn: u32,
    /// Peer address the last fragment arrived from.
    pub from: IpAddr,
    pub payload: Vec<u8>,
    /// A piece of a message under partial delivery (RFC 6458 8.1.20) with more pieces to
    /// come: no MSG_EOR. False for whole messages and for the last piece.
    pub more: bool,
}

/// Why a send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The send buffer is full; retry after acknowledgements (POLLOUT low).
    WouldBlock,
    /// Larger than the path allows with fragmentation disabled, or than the send buffer (EMSGSIZE).
    TooLarge,
    /// Stream id not below the negotiated outbound stream count (EINVAL).
    InvalidStream,
    /// Shutdown started or association closed (EPIPE).
    Closed,
    /// Association not established yet and the message cannot be queued (ENOTCONN).
    NotConnected,
    /// Empty payload: a DATA chunk must carry user data (RFC 9260 6.2; Linux EINVAL).
    Empty,
}

/// How a stream reconfiguration request ended (RFC 6525 6.1: the DENIED / FAILED flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconfResult {
    Performed,
    /// The peer refused (result "Denied": it did not enable that request type).
    Denied,
    /// Any other error result (wrong stream, bad sequence number, request in progress).
    Failed,
}

/// Why a stream reconfiguration request (SCTP_RESET_STREAMS, SCTP_RESET_ASSOC,
/// SCTP_ADD_STREAMS) was refused, in Linux's order of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconfError {
    /// RE-CONFIG not negotiated with the peer, or the request type not enabled locally
    /// (ENOPROTOOPT).
    NotEnabled,
    /// Another request is outstanding (EINPROGRESS).
    InProgress,
    /// Bad flags, stream number or count (EINVAL).
    Invalid,
    /// Unsent data is queued on the streams to reset (EAGAIN).
    Busy,
    /// The association is not established (shutting down or closed) (ESHUTDOWN).
    NotEstablished,
}

/// Association state (RFC 9260 4), as reported by SCTP_STATUS (`sstat_state`, Linux numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssocState {
    Closed,
    CookieWait,
    CookieEchoed,
    Established,
    ShutdownPending,
    ShutdownSent,
    ShutdownReceived,
    ShutdownAckSent,
}

/// State of one peer address (Linux `SCTP_INACTIVE 0, SCTP_PF 1, SCTP_ACTIVE 2, SCTP_UNCONFIRMED 3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState {
    Inactive,
    PotentiallyFailed,
    Active,
    Unconfirmed,
}

/// What changed on a peer address (SCTP_PEER_ADDR_CHANGE `spc_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathChange {
    Available,
    Unreachable,
    Removed,
    Added,
    MadePrimary,
    Confirmed,
    PotentiallyFailed,
}

/// Snapshot of one path (SCTP_GET_PEER_ADDR_INFO, SCTP_STATUS primary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathInfo {
    pub addr: IpAddr,
    pub udp_port: u16,
    pub state: PathState,
    pub cwnd: u32,
    pub srtt_ms: u32,
    pub rto_ms: u32,
    pub mtu: u32,
    pub error_count: u32,
    pub primary: bool,
}

/// Snapshot for SCTP_STATUS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssocStatus {
    pub state: AssocState,
    /// Peer's current receive window.
    pub peer_rwnd: u32,
    /// Our advertised receive window.
    pub local_rwnd: u32,
    pub unacked_chunks: u32,
    pub pending_chunks: u32,
    pub inbound_streams: u16,
    pub outbound_streams: u16,
    pub fragmentation_point: u32,
    pub peer_port: u16,
    pub primary: Option<PathInfo>,
}

/// Fragment flags of a SendFailed event (`sinfo_flags` on Linux: SCTP_DATA_FIRST_FRAG 2,
/// SCTP_DATA_LAST_FRAG 1, SCTP_DATA_NOT_FRAG 3, SCTP_DATA_MIDDLE_FRAG 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragFlags {
    pub first: bool,
    pub last: bool,
}

/// What the association tells the user (Linux notifications and state changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// SCTP_COMM_UP.
    Connected {
        outbound_streams: u16,
        inbound_streams: u16,
    },
    /// SCTP_RESTART: the peer restarted (RFC 9260 5.2.4 case A).
    Restarted {
        outbound_streams: u16,
        inbound_streams: u16,
    },
    /// SCTP_COMM_LOST: ABORT received (its raw cause TLVs) or a retransmission limit reached.
    Lost { error: u16, causes: Vec<u8> },
    /// SCTP_CANT_STR_ASSOC: setup failed (INIT retransmits exhausted or ABORT during setup).
    CantStart { error: u16, causes: Vec<u8> },
    /// SCTP_SHUTDOWN_COMP.
    ShutdownComplete,
    /// SCTP_SHUTDOWN_EVENT: the peer sent SHUTDOWN; no more data will come.
    PeerShutdown,
    /// SCTP_PEER_ADDR_CHANGE.
    PeerAddrChange {
        addr: IpAddr,
        change: PathChange,
        error: u32,
    },
    /// SCTP_SEND_FAILED: one per DATA chunk (fragment) not delivered, carrying its payload.
    SendFailed {
        sent: bool,
        error: u32,
        stream_id: u16,
        ppid: u32,
        context: u32,
        /// The association id the sender named ([`OutgoingMessage::sinfo_assoc_id`]).
        sinfo_assoc_id: Option<i32>,
        /// The message's time to live / PR-SCTP value as sent (`sinfo_timetolive`).
        timetolive: u32,
        unordered: bool,
        frag: FragFlags,
        payload: Vec<u8>,
    },
    /// SCTP_REMOTE_ERROR: one cause of a received ERROR chunk (code and the cause's value).
    RemoteError { code: u16, data: Vec<u8> },
    /// SCTP_ADAPTATION_INDICATION.
    AdaptationIndication(u32),
    /// SCTP_SENDER_DRY_EVENT: nothing queued or in flight any more.
    SenderDry,
    /// SCTP_PARTIAL_DELIVERY_EVENT (aborted).
    PartialDeliveryAborted { stream_id: u16, ssn: u32 },
    /// SCTP_AUTHENTICATION_EVENT (RFC 6458 6.1.8, Linux `sctp_ulpevent_make_authkey`).
    AuthKey {
        key_id: u16,
        indication: AuthIndication,
    },
    /// SCTP_STREAM_RESET_EVENT (RFC 6525 6.1.1): streams whose numbering restarted (empty:
    /// all), or a refused / failed request. The direction bits are set as Linux sets them.
    StreamReset {
        incoming: bool,
        outgoing: bool,
        result: ReconfResult,
        streams: Vec<u16>,
    },
    /// SCTP_ASSOC_RESET_EVENT (RFC 6525 6.1.2): the next TSN expected from the peer
    /// (`local_tsn`) and the next TSN we send (`remote_tsn`), as Linux reports them.
    AssocReset {
        result: ReconfResult,
        local_tsn: u32,
        remote_tsn: u32,
    },
    /// SCTP_STREAM_CHANGE_EVENT (RFC 6525 6.1.3): streams added (Linux reports the number
    /// added, not the new totals).
    StreamChange {
        result: ReconfResult,
        inbound: u16,
        outbound: u16,
    },
    /// A message can be taken with `Association::recv`.
    Readable,
    /// The send buffer gained room (POLLOUT can rise).
    Writable,
    /// The association reached CLOSED for good (after ShutdownComplete, Lost or CantStart): no
    /// more packets are sent or accepted for it. Drain `Association::recv`, then call
    /// `Endpoint::remove(id)`.
    Closed,
}
