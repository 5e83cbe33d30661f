//! Notification structs (RFC 6458 6.1, `union sctp_notification`): what `recvmsg` returns with
//! `MSG_NOTIFICATION` set. Variable-length tails are zero-length arrays at their C offsets.

use libc::{c_int, sockaddr_storage};

use super::cmsg::{sctp_sndinfo, sctp_sndrcvinfo};
use super::pod::pod;
use super::sctp_assoc_t;

/// The common header (`sn_header` of `union sctp_notification`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_notification_header {
    pub sn_type: u16,
    pub sn_flags: u16,
    pub sn_length: u32,
}

/// SCTP_ASSOC_CHANGE (RFC 6458 6.1.1).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_assoc_change {
    pub sac_type: u16,
    pub sac_flags: u16,
    pub sac_length: u32,
    pub sac_state: u16,
    pub sac_error: u16,
    pub sac_outbound_streams: u16,
    pub sac_inbound_streams: u16,
    pub sac_assoc_id: sctp_assoc_t,
    pub sac_info: [u8; 0],
}

/// SCTP_PEER_ADDR_CHANGE (RFC 6458 6.1.2); `packed, aligned(4)` in C.
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct sctp_paddr_change {
    pub spc_type: u16,
    pub spc_flags: u16,
    pub spc_length: u32,
    pub spc_aaddr: sockaddr_storage,
    pub spc_state: c_int,
    pub spc_error: c_int,
    pub spc_assoc_id: sctp_assoc_t,
}

/// SCTP_REMOTE_ERROR (RFC 6458 6.1.3); `sre_error` is in network byte order.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_remote_error {
    pub sre_type: u16,
    pub sre_flags: u16,
    pub sre_length: u32,
    pub sre_error: u16,
    pub _pad0: u16,
    pub sre_assoc_id: sctp_assoc_t,
    pub sre_data: [u8; 0],
}

/// SCTP_SEND_FAILED (deprecated form, RFC 6458 6.1.4).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_send_failed {
    pub ssf_type: u16,
    pub ssf_flags: u16,
    pub ssf_length: u32,
    pub ssf_error: u32,
    pub ssf_info: sctp_sndrcvinfo,
    pub ssf_assoc_id: sctp_assoc_t,
    pub ssf_data: [u8; 0],
}

/// SCTP_SEND_FAILED_EVENT (RFC 6458 6.1.11).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_send_failed_event {
    pub ssf_type: u16,
    pub ssf_flags: u16,
    pub ssf_length: u32,
    pub ssf_error: u32,
    pub ssfe_info: sctp_sndinfo,
    pub ssf_assoc_id: sctp_assoc_t,
    pub ssf_data: [u8; 0],
}

/// SCTP_SHUTDOWN_EVENT (RFC 6458 6.1.5).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_shutdown_event {
    pub sse_type: u16,
    pub sse_flags: u16,
    pub sse_length: u32,
    pub sse_assoc_id: sctp_assoc_t,
}

/// SCTP_ADAPTATION_INDICATION (RFC 6458 6.1.6).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_adaptation_event {
    pub sai_type: u16,
    pub sai_flags: u16,
    pub sai_length: u32,
    pub sai_adaptation_ind: u32,
    pub sai_assoc_id: sctp_assoc_t,
}

/// SCTP_PARTIAL_DELIVERY_EVENT (RFC 6458 6.1.7).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_pdapi_event {
    pub pdapi_type: u16,
    pub pdapi_flags: u16,
    pub pdapi_length: u32,
    pub pdapi_indication: u32,
    pub pdapi_assoc_id: sctp_assoc_t,
    pub pdapi_stream: u32,
    pub pdapi_seq: u32,
}

/// SCTP_AUTHENTICATION_EVENT (RFC 6458 6.1.8).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authkey_event {
    pub auth_type: u16,
    pub auth_flags: u16,
    pub auth_length: u32,
    pub auth_keynumber: u16,
    pub auth_altkeynumber: u16,
    pub auth_indication: u32,
    pub auth_assoc_id: sctp_assoc_t,
}

/// SCTP_SENDER_DRY_EVENT (RFC 6458 6.1.9).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_sender_dry_event {
    pub sender_dry_type: u16,
    pub sender_dry_flags: u16,
    pub sender_dry_length: u32,
    pub sender_dry_assoc_id: sctp_assoc_t,
}

/// SCTP_STREAM_RESET_EVENT (RFC 6525 6.1.1).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_stream_reset_event {
    pub strreset_type: u16,
    pub strreset_flags: u16,
    pub strreset_length: u32,
    pub strreset_assoc_id: sctp_assoc_t,
    pub strreset_stream_list: [u16; 0],
}

/// SCTP_ASSOC_RESET_EVENT (RFC 6525 6.1.2).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_assoc_reset_event {
    pub assocreset_type: u16,
    pub assocreset_flags: u16,
    pub assocreset_length: u32,
    pub assocreset_assoc_id: sctp_assoc_t,
    pub assocreset_local_tsn: u32,
    pub assocreset_remote_tsn: u32,
}

/// SCTP_STREAM_CHANGE_EVENT (RFC 6525 6.1.3).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_stream_change_event {
    pub strchange_type: u16,
    pub strchange_flags: u16,
    pub strchange_length: u32,
    pub strchange_assoc_id: sctp_assoc_t,
    pub strchange_instrms: u16,
    pub strchange_outstrms: u16,
}

/// `union sctp_notification`: any notification, discriminated by `sn_header.sn_type`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union sctp_notification {
    pub sn_header: sctp_notification_header,
    pub sn_assoc_change: sctp_assoc_change,
    pub sn_paddr_change: sctp_paddr_change,
    pub sn_remote_error: sctp_remote_error,
    pub sn_send_failed: sctp_send_failed,
    pub sn_shutdown_event: sctp_shutdown_event,
    pub sn_adaptation_event: sctp_adaptation_event,
    pub sn_pdapi_event: sctp_pdapi_event,
    pub sn_authkey_event: sctp_authkey_event,
    pub sn_sender_dry_event: sctp_sender_dry_event,
    pub sn_strreset_event: sctp_stream_reset_event,
    pub sn_assocreset_event: sctp_assoc_reset_event,
    pub sn_strchange_event: sctp_stream_change_event,
    pub sn_send_failed_event: sctp_send_failed_event,
}

pod!(
    sctp_notification_header,
    sctp_assoc_change,
    sctp_paddr_change,
    sctp_remote_error,
    sctp_send_failed,
    sctp_send_failed_event,
    sctp_shutdown_event,
    sctp_adaptation_event,
    sctp_pdapi_event,
    sctp_authkey_event,
    sctp_sender_dry_event,
    sctp_stream_reset_event,
    sctp_assoc_reset_event,
    sctp_stream_change_event,
);
