//! Ancillary data (cmsg) structs at level IPPROTO_SCTP (RFC 6458 5.3; `enum sctp_cmsg_type`).

use super::pod::pod;
use super::sctp_assoc_t;

/// `SCTP_INIT` cmsg and SCTP_INITMSG option (RFC 6458 5.3.1).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_initmsg {
    pub sinit_num_ostreams: u16,
    pub sinit_max_instreams: u16,
    pub sinit_max_attempts: u16,
    pub sinit_max_init_timeo: u16,
}

/// `SCTP_SNDRCV` cmsg (deprecated, RFC 6458 5.3.2) and SCTP_DEFAULT_SEND_PARAM.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_sndrcvinfo {
    pub sinfo_stream: u16,
    pub sinfo_ssn: u16,
    pub sinfo_flags: u16,
    pub _pad0: u16,
    pub sinfo_ppid: u32,
    pub sinfo_context: u32,
    pub sinfo_timetolive: u32,
    pub sinfo_tsn: u32,
    pub sinfo_cumtsn: u32,
    pub sinfo_assoc_id: sctp_assoc_t,
}

/// `SCTP_SNDINFO` cmsg (RFC 6458 5.3.4) and SCTP_DEFAULT_SNDINFO.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_sndinfo {
    pub snd_sid: u16,
    pub snd_flags: u16,
    pub snd_ppid: u32,
    pub snd_context: u32,
    pub snd_assoc_id: sctp_assoc_t,
}

/// `SCTP_RCVINFO` cmsg (RFC 6458 5.3.5).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_rcvinfo {
    pub rcv_sid: u16,
    pub rcv_ssn: u16,
    pub rcv_flags: u16,
    pub _pad0: u16,
    pub rcv_ppid: u32,
    pub rcv_tsn: u32,
    pub rcv_cumtsn: u32,
    pub rcv_context: u32,
    pub rcv_assoc_id: sctp_assoc_t,
}

/// `SCTP_NXTINFO` cmsg (RFC 6458 5.3.6).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_nxtinfo {
    pub nxt_sid: u16,
    pub nxt_flags: u16,
    pub nxt_ppid: u32,
    pub nxt_length: u32,
    pub nxt_assoc_id: sctp_assoc_t,
}

/// `SCTP_PRINFO` cmsg (RFC 6458 5.3.7).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_prinfo {
    pub pr_policy: u16,
    pub _pad0: u16,
    pub pr_value: u32,
}

/// `SCTP_AUTHINFO` cmsg (RFC 6458 5.3.8).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authinfo {
    pub auth_keynumber: u16,
}

/// `sctp_cmsg_data_t`: the union lksctp programs overlay on `CMSG_DATA`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union sctp_cmsg_data_t {
    pub raw: u8,
    pub init: sctp_initmsg,
    pub sndrcv: sctp_sndrcvinfo,
}

pod!(
    sctp_initmsg,
    sctp_sndrcvinfo,
    sctp_sndinfo,
    sctp_rcvinfo,
    sctp_nxtinfo,
    sctp_prinfo,
    sctp_authinfo
);
