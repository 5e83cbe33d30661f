//! Constants of `<linux/sctp.h>` and `<netinet/sctp.h>` (lksctp-tools 1.0.19), with Linux's
//! values. Each constant is typed like the C field or argument it is used with (option numbers are
//! `c_int` like `optname`, `sinfo_flags` values are `u16`, ...). `tests/abi_layout.rs` checks every
//! value against the system headers.

use libc::{c_int, c_uint};

use super::sctp_assoc_t;

/// `SOL_SCTP`: the socket option level, equal to the protocol number.
pub const SOL_SCTP: c_int = 132;
/// `IPPROTO_SCTP`.
pub const IPPROTO_SCTP: c_int = 132;

// Special association ids (RFC 6458 7.1, Linux 5.3+).
pub const SCTP_FUTURE_ASSOC: sctp_assoc_t = 0;
pub const SCTP_CURRENT_ASSOC: sctp_assoc_t = 1;
pub const SCTP_ALL_ASSOC: sctp_assoc_t = 2;

// Socket option numbers (level SOL_SCTP).
pub const SCTP_RTOINFO: c_int = 0;
pub const SCTP_ASSOCINFO: c_int = 1;
pub const SCTP_INITMSG: c_int = 2;
pub const SCTP_NODELAY: c_int = 3;
pub const SCTP_AUTOCLOSE: c_int = 4;
pub const SCTP_SET_PEER_PRIMARY_ADDR: c_int = 5;
pub const SCTP_PRIMARY_ADDR: c_int = 6;
pub const SCTP_ADAPTATION_LAYER: c_int = 7;
pub const SCTP_DISABLE_FRAGMENTS: c_int = 8;
pub const SCTP_PEER_ADDR_PARAMS: c_int = 9;
pub const SCTP_DEFAULT_SEND_PARAM: c_int = 10;
pub const SCTP_EVENTS: c_int = 11;
pub const SCTP_I_WANT_MAPPED_V4_ADDR: c_int = 12;
pub const SCTP_MAXSEG: c_int = 13;
pub const SCTP_STATUS: c_int = 14;
pub const SCTP_GET_PEER_ADDR_INFO: c_int = 15;
pub const SCTP_DELAYED_ACK_TIME: c_int = 16;
pub const SCTP_DELAYED_ACK: c_int = SCTP_DELAYED_ACK_TIME;
pub const SCTP_DELAYED_SACK: c_int = SCTP_DELAYED_ACK_TIME;
pub const SCTP_CONTEXT: c_int = 17;
pub const SCTP_FRAGMENT_INTERLEAVE: c_int = 18;
pub const SCTP_PARTIAL_DELIVERY_POINT: c_int = 19;
pub const SCTP_MAX_BURST: c_int = 20;
pub const SCTP_AUTH_CHUNK: c_int = 21;
pub const SCTP_HMAC_IDENT: c_int = 22;
pub const SCTP_AUTH_KEY: c_int = 23;
pub const SCTP_AUTH_ACTIVE_KEY: c_int = 24;
pub const SCTP_AUTH_DELETE_KEY: c_int = 25;
pub const SCTP_PEER_AUTH_CHUNKS: c_int = 26;
pub const SCTP_LOCAL_AUTH_CHUNKS: c_int = 27;
pub const SCTP_GET_ASSOC_NUMBER: c_int = 28;
pub const SCTP_GET_ASSOC_ID_LIST: c_int = 29;
pub const SCTP_AUTO_ASCONF: c_int = 30;
pub const SCTP_PEER_ADDR_THLDS: c_int = 31;
pub const SCTP_RECVRCVINFO: c_int = 32;
pub const SCTP_RECVNXTINFO: c_int = 33;
pub const SCTP_DEFAULT_SNDINFO: c_int = 34;
pub const SCTP_AUTH_DEACTIVATE_KEY: c_int = 35;
pub const SCTP_REUSE_PORT: c_int = 36;
pub const SCTP_PEER_ADDR_THLDS_V2: c_int = 37;
pub const SCTP_SOCKOPT_BINDX_ADD: c_int = 100;
pub const SCTP_SOCKOPT_BINDX_REM: c_int = 101;
pub const SCTP_SOCKOPT_PEELOFF: c_int = 102;
pub const SCTP_SOCKOPT_CONNECTX_OLD: c_int = 107;
pub const SCTP_GET_PEER_ADDRS: c_int = 108;
pub const SCTP_GET_LOCAL_ADDRS: c_int = 109;
pub const SCTP_SOCKOPT_CONNECTX: c_int = 110;
pub const SCTP_SOCKOPT_CONNECTX3: c_int = 111;
pub const SCTP_GET_ASSOC_STATS: c_int = 112;
pub const SCTP_PR_SUPPORTED: c_int = 113;
pub const SCTP_DEFAULT_PRINFO: c_int = 114;
pub const SCTP_PR_ASSOC_STATUS: c_int = 115;
pub const SCTP_PR_STREAM_STATUS: c_int = 116;
pub const SCTP_RECONFIG_SUPPORTED: c_int = 117;
pub const SCTP_ENABLE_STREAM_RESET: c_int = 118;
pub const SCTP_RESET_STREAMS: c_int = 119;
pub const SCTP_RESET_ASSOC: c_int = 120;
pub const SCTP_ADD_STREAMS: c_int = 121;
pub const SCTP_SOCKOPT_PEELOFF_FLAGS: c_int = 122;
pub const SCTP_STREAM_SCHEDULER: c_int = 123;
pub const SCTP_STREAM_SCHEDULER_VALUE: c_int = 124;
pub const SCTP_INTERLEAVING_SUPPORTED: c_int = 125;
pub const SCTP_SENDMSG_CONNECT: c_int = 126;
pub const SCTP_EVENT: c_int = 127;
pub const SCTP_ASCONF_SUPPORTED: c_int = 128;
pub const SCTP_AUTH_SUPPORTED: c_int = 129;
pub const SCTP_ECN_SUPPORTED: c_int = 130;
pub const SCTP_EXPOSE_POTENTIALLY_FAILED_STATE: c_int = 131;
pub const SCTP_EXPOSE_PF_STATE: c_int = SCTP_EXPOSE_POTENTIALLY_FAILED_STATE;
pub const SCTP_REMOTE_UDP_ENCAPS_PORT: c_int = 132;
pub const SCTP_PLPMTUD_PROBE_INTERVAL: c_int = 133;

// PR-SCTP policies, carried in bits 4-5 of `sinfo_flags`/`snd_flags` and in `pr_policy`
// (RFC 7496 4).
pub const SCTP_PR_SCTP_NONE: u16 = 0x0000;
pub const SCTP_PR_SCTP_TTL: u16 = 0x0010;
pub const SCTP_PR_SCTP_RTX: u16 = 0x0020;
pub const SCTP_PR_SCTP_PRIO: u16 = 0x0030;
pub const SCTP_PR_SCTP_MAX: u16 = SCTP_PR_SCTP_PRIO;
pub const SCTP_PR_SCTP_MASK: u16 = 0x0030;

// SCTP_ENABLE_STREAM_RESET values (RFC 6525 6.3.1).
pub const SCTP_ENABLE_RESET_STREAM_REQ: u32 = 0x01;
pub const SCTP_ENABLE_RESET_ASSOC_REQ: u32 = 0x02;
pub const SCTP_ENABLE_CHANGE_ASSOC_REQ: u32 = 0x04;
pub const SCTP_ENABLE_STRRESET_MASK: u32 = 0x07;

// `srs_flags` of SCTP_RESET_STREAMS.
pub const SCTP_STREAM_RESET_INCOMING: u16 = 0x01;
pub const SCTP_STREAM_RESET_OUTGOING: u16 = 0x02;

/// `msg_flags` bit of a notification (Linux value; BSD uses 0x2000).
pub const MSG_NOTIFICATION: c_int = 0x8000;

// `enum sctp_sinfo_flags`: `sinfo_flags` / `snd_flags` / `rcv_flags`.
pub const SCTP_UNORDERED: u16 = 1 << 0;
pub const SCTP_ADDR_OVER: u16 = 1 << 1;
pub const SCTP_ABORT: u16 = 1 << 2;
pub const SCTP_SACK_IMMEDIATELY: u16 = 1 << 3;
pub const SCTP_SENDALL: u16 = 1 << 6;
pub const SCTP_PR_SCTP_ALL: u16 = 1 << 7;
pub const SCTP_NOTIFICATION: u16 = 0x8000;
/// `SCTP_EOF == MSG_FIN`.
pub const SCTP_EOF: u16 = 0x200;

// `enum sctp_cmsg_type`: `cmsg_type` at level IPPROTO_SCTP (RFC 6458 5.3).
pub const SCTP_INIT: c_int = 0;
pub const SCTP_SNDRCV: c_int = 1;
pub const SCTP_SNDINFO: c_int = 2;
pub const SCTP_RCVINFO: c_int = 3;
pub const SCTP_NXTINFO: c_int = 4;
pub const SCTP_PRINFO: c_int = 5;
pub const SCTP_AUTHINFO: c_int = 6;
pub const SCTP_DSTADDRV4: c_int = 7;
pub const SCTP_DSTADDRV6: c_int = 8;

// `enum sctp_sac_state`: `sac_state` of SCTP_ASSOC_CHANGE.
pub const SCTP_COMM_UP: u16 = 0;
pub const SCTP_COMM_LOST: u16 = 1;
pub const SCTP_RESTART: u16 = 2;
pub const SCTP_SHUTDOWN_COMP: u16 = 3;
pub const SCTP_CANT_STR_ASSOC: u16 = 4;

// `enum sctp_spc_state`: `spc_state` of SCTP_PEER_ADDR_CHANGE.
pub const SCTP_ADDR_AVAILABLE: c_int = 0;
pub const SCTP_ADDR_UNREACHABLE: c_int = 1;
pub const SCTP_ADDR_REMOVED: c_int = 2;
pub const SCTP_ADDR_ADDED: c_int = 3;
pub const SCTP_ADDR_MADE_PRIM: c_int = 4;
pub const SCTP_ADDR_CONFIRMED: c_int = 5;
pub const SCTP_ADDR_POTENTIALLY_FAILED: c_int = 6;
pub const SCTP_ADDR_PF: c_int = SCTP_ADDR_POTENTIALLY_FAILED;

// `enum sctp_ssf_flags`: `ssf_flags` of SCTP_SEND_FAILED(_EVENT).
pub const SCTP_DATA_UNSENT: u16 = 0;
pub const SCTP_DATA_SENT: u16 = 1;

/// `pdapi_indication` of SCTP_PARTIAL_DELIVERY_EVENT.
pub const SCTP_PARTIAL_DELIVERY_ABORTED: u32 = 0;

// `auth_indication` of SCTP_AUTHENTICATION_EVENT.
pub const SCTP_AUTH_NEW_KEY: u32 = 0;
pub const SCTP_AUTH_NEWKEY: u32 = SCTP_AUTH_NEW_KEY;
pub const SCTP_AUTH_FREE_KEY: u32 = 1;
pub const SCTP_AUTH_NO_AUTH: u32 = 2;

// `strreset_flags` of SCTP_STREAM_RESET_EVENT.
pub const SCTP_STREAM_RESET_INCOMING_SSN: u16 = 0x0001;
pub const SCTP_STREAM_RESET_OUTGOING_SSN: u16 = 0x0002;
pub const SCTP_STREAM_RESET_DENIED: u16 = 0x0004;
pub const SCTP_STREAM_RESET_FAILED: u16 = 0x0008;

// `assocreset_flags` of SCTP_ASSOC_RESET_EVENT.
pub const SCTP_ASSOC_RESET_DENIED: u16 = 0x0004;
pub const SCTP_ASSOC_RESET_FAILED: u16 = 0x0008;

// `strchange_flags` of SCTP_STREAM_CHANGE_EVENT.
pub const SCTP_ASSOC_CHANGE_DENIED: u16 = 0x0004;
pub const SCTP_ASSOC_CHANGE_FAILED: u16 = 0x0008;
pub const SCTP_STREAM_CHANGE_DENIED: u16 = SCTP_ASSOC_CHANGE_DENIED;
pub const SCTP_STREAM_CHANGE_FAILED: u16 = SCTP_ASSOC_CHANGE_FAILED;

// `enum sctp_sn_type`: notification types (`sn_type`). The subscription byte of type T in
// `struct sctp_event_subscribe` is at index `T - SCTP_SN_TYPE_BASE`.
pub const SCTP_SN_TYPE_BASE: u16 = 1 << 15;
pub const SCTP_DATA_IO_EVENT: u16 = SCTP_SN_TYPE_BASE;
pub const SCTP_ASSOC_CHANGE: u16 = 0x8001;
pub const SCTP_PEER_ADDR_CHANGE: u16 = 0x8002;
pub const SCTP_SEND_FAILED: u16 = 0x8003;
pub const SCTP_REMOTE_ERROR: u16 = 0x8004;
pub const SCTP_SHUTDOWN_EVENT: u16 = 0x8005;
pub const SCTP_PARTIAL_DELIVERY_EVENT: u16 = 0x8006;
pub const SCTP_ADAPTATION_INDICATION: u16 = 0x8007;
pub const SCTP_AUTHENTICATION_EVENT: u16 = 0x8008;
pub const SCTP_AUTHENTICATION_INDICATION: u16 = SCTP_AUTHENTICATION_EVENT;
pub const SCTP_SENDER_DRY_EVENT: u16 = 0x8009;
pub const SCTP_STREAM_RESET_EVENT: u16 = 0x800a;
pub const SCTP_ASSOC_RESET_EVENT: u16 = 0x800b;
pub const SCTP_STREAM_CHANGE_EVENT: u16 = 0x800c;
pub const SCTP_SEND_FAILED_EVENT: u16 = 0x800d;
pub const SCTP_SN_TYPE_MAX: u16 = SCTP_SEND_FAILED_EVENT;

// `enum sctp_sn_error`: `sac_error` / `spc_error` reasons.
pub const SCTP_FAILED_THRESHOLD: u16 = 0;
pub const SCTP_RECEIVED_SACK: u16 = 1;
pub const SCTP_HEARTBEAT_SUCCESS: u16 = 2;
pub const SCTP_RESPONSE_TO_USER_REQ: u16 = 3;
pub const SCTP_INTERNAL_ERROR: u16 = 4;
pub const SCTP_SHUTDOWN_GUARD_EXPIRES: u16 = 5;
pub const SCTP_PEER_FAULTY: u16 = 6;

// `enum sctp_spp_flags`: `spp_flags` of SCTP_PEER_ADDR_PARAMS.
pub const SPP_HB_ENABLE: u32 = 1 << 0;
pub const SPP_HB_DISABLE: u32 = 1 << 1;
pub const SPP_HB: u32 = SPP_HB_ENABLE | SPP_HB_DISABLE;
pub const SPP_HB_DEMAND: u32 = 1 << 2;
pub const SPP_PMTUD_ENABLE: u32 = 1 << 3;
pub const SPP_PMTUD_DISABLE: u32 = 1 << 4;
pub const SPP_PMTUD: u32 = SPP_PMTUD_ENABLE | SPP_PMTUD_DISABLE;
pub const SPP_SACKDELAY_ENABLE: u32 = 1 << 5;
pub const SPP_SACKDELAY_DISABLE: u32 = 1 << 6;
pub const SPP_SACKDELAY: u32 = SPP_SACKDELAY_ENABLE | SPP_SACKDELAY_DISABLE;
pub const SPP_HB_TIME_IS_ZERO: u32 = 1 << 7;
pub const SPP_IPV6_FLOWLABEL: u32 = 1 << 8;
pub const SPP_DSCP: u32 = 1 << 9;

// HMAC identifiers of SCTP_HMAC_IDENT (RFC 4895 3.3).
pub const SCTP_AUTH_HMAC_ID_SHA1: u16 = 1;
pub const SCTP_AUTH_HMAC_ID_SHA256: u16 = 3;

// `enum sctp_spinfo_state`: `spinfo_state` of SCTP_GET_PEER_ADDR_INFO.
pub const SCTP_INACTIVE: i32 = 0;
pub const SCTP_PF: i32 = 1;
pub const SCTP_POTENTIALLY_FAILED: i32 = SCTP_PF;
pub const SCTP_ACTIVE: i32 = 2;
pub const SCTP_UNCONFIRMED: i32 = 3;
pub const SCTP_UNKNOWN: i32 = 0xffff;

// `enum sctp_sstat_state`: `sstat_state` of SCTP_STATUS.
pub const SCTP_EMPTY: i32 = 0;
pub const SCTP_CLOSED: i32 = 1;
pub const SCTP_COOKIE_WAIT: i32 = 2;
pub const SCTP_COOKIE_ECHOED: i32 = 3;
pub const SCTP_ESTABLISHED: i32 = 4;
pub const SCTP_SHUTDOWN_PENDING: i32 = 5;
pub const SCTP_SHUTDOWN_SENT: i32 = 6;
pub const SCTP_SHUTDOWN_RECEIVED: i32 = 7;
pub const SCTP_SHUTDOWN_ACK_SENT: i32 = 8;

// `flags` of `sctp_bindx()`.
pub const SCTP_BINDX_ADD_ADDR: c_int = 0x01;
pub const SCTP_BINDX_REM_ADDR: c_int = 0x02;

// `enum sctp_sched_type`: SCTP_STREAM_SCHEDULER values (RFC 8260 3).
pub const SCTP_SS_FCFS: u32 = 0;
pub const SCTP_SS_DEFAULT: u32 = SCTP_SS_FCFS;
pub const SCTP_SS_PRIO: u32 = 1;
pub const SCTP_SS_RR: u32 = 2;
pub const SCTP_SS_MAX: u32 = SCTP_SS_RR;

// `sctp_sendv()` info types and `sendv_flags` (lksctp-tools `<netinet/sctp.h>`).
pub const SCTP_SENDV_NOINFO: c_uint = 0;
pub const SCTP_SENDV_SNDINFO: c_uint = 1;
pub const SCTP_SENDV_PRINFO: c_uint = 2;
pub const SCTP_SENDV_AUTHINFO: c_uint = 3;
pub const SCTP_SENDV_SPA: c_uint = 4;
pub const SCTP_SEND_SNDINFO_VALID: u32 = 0x1;
pub const SCTP_SEND_PRINFO_VALID: u32 = 0x2;
pub const SCTP_SEND_AUTHINFO_VALID: u32 = 0x4;

// `sctp_recvv()` info types.
pub const SCTP_RECVV_NOINFO: c_uint = 0;
pub const SCTP_RECVV_RCVINFO: c_uint = 1;
pub const SCTP_RECVV_NXTINFO: c_uint = 2;
pub const SCTP_RECVV_RN: c_uint = 3;
