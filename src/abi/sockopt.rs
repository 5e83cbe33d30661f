//! Socket option structs (level SOL_SCTP; RFC 6458 8 and Linux extensions).
//!
//! C's `__attribute__((packed, aligned(4)))` gives every member alignment 1 and the struct
//! alignment 4. Rust cannot combine `packed` and `align`; `packed(4)` gives the same offsets for
//! the structs whose members after the `sockaddr_storage` are all 4-byte ones (sctp_prim,
//! sctp_setpeerprim, sctp_paddrinfo, sctp_paddr_change). `sctp_paddrparams` has a `u32` right
//! after a `u16`, so it needs `packed(2)`: same offsets and size (156), alignment 2 instead of 4,
//! which only matters to code that embeds it (nothing does) or casts user pointers (we copy bytes).

use libc::{c_int, c_uint, sockaddr, sockaddr_storage};

use super::cmsg::{sctp_authinfo, sctp_nxtinfo, sctp_prinfo, sctp_rcvinfo, sctp_sndinfo};
use super::pod::pod;
use super::sctp_assoc_t;

/// SCTP_RTOINFO (RFC 6458 8.1.1); milliseconds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_rtoinfo {
    pub srto_assoc_id: sctp_assoc_t,
    pub srto_initial: u32,
    pub srto_max: u32,
    pub srto_min: u32,
}

/// SCTP_ASSOCINFO (RFC 6458 8.1.2).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_assocparams {
    pub sasoc_assoc_id: sctp_assoc_t,
    pub sasoc_asocmaxrxt: u16,
    pub sasoc_number_peer_destinations: u16,
    pub sasoc_peer_rwnd: u32,
    pub sasoc_local_rwnd: u32,
    pub sasoc_cookie_life: u32,
}

/// SCTP_SET_PEER_PRIMARY_ADDR (RFC 6458 8.3.1); packed.
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct sctp_setpeerprim {
    pub sspp_assoc_id: sctp_assoc_t,
    pub sspp_addr: sockaddr_storage,
}

/// SCTP_PRIMARY_ADDR (RFC 6458 8.1.8); packed. `struct sctp_setprim` is the same type.
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct sctp_prim {
    pub ssp_assoc_id: sctp_assoc_t,
    pub ssp_addr: sockaddr_storage,
}

/// `#define sctp_setprim sctp_prim`.
pub type sctp_setprim = sctp_prim;

/// SCTP_ADAPTATION_LAYER (RFC 6458 8.1.10).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_setadaptation {
    pub ssb_adaptation_ind: u32,
}

/// SCTP_PEER_ADDR_PARAMS (RFC 6458 8.1.12); packed, see the module docs for `packed(2)`.
/// Linux also accepts the 152-byte form without `spp_ipv6_flowlabel` and `spp_dscp`.
#[repr(C, packed(2))]
#[derive(Clone, Copy)]
pub struct sctp_paddrparams {
    pub spp_assoc_id: sctp_assoc_t,
    pub spp_address: sockaddr_storage,
    pub spp_hbinterval: u32,
    pub spp_pathmaxrxt: u16,
    pub spp_pathmtu: u32,
    pub spp_sackdelay: u32,
    pub spp_flags: u32,
    pub spp_ipv6_flowlabel: u32,
    pub spp_dscp: u8,
    pub _pad0: u8,
}

/// SCTP_AUTH_CHUNK (RFC 6458 8.3.2).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authchunk {
    pub sauth_chunk: u8,
}

/// SCTP_HMAC_IDENT (RFC 6458 8.3.3); followed by `shmac_num_idents` u16 ids.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_hmacalgo {
    pub shmac_num_idents: u32,
    pub shmac_idents: [u16; 0],
}

/// SCTP_AUTH_KEY (RFC 6458 8.3.4); followed by `sca_keylength` key bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authkey {
    pub sca_assoc_id: sctp_assoc_t,
    pub sca_keynumber: u16,
    pub sca_keylength: u16,
    pub sca_key: [u8; 0],
}

/// SCTP_AUTH_ACTIVE_KEY, SCTP_AUTH_DELETE_KEY, SCTP_AUTH_DEACTIVATE_KEY (RFC 6458 8.3.5-8.3.7).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authkeyid {
    pub scact_assoc_id: sctp_assoc_t,
    pub scact_keynumber: u16,
    pub _pad0: u16,
}

/// SCTP_DELAYED_SACK (RFC 6458 8.1.19).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_sack_info {
    pub sack_assoc_id: sctp_assoc_t,
    pub sack_delay: u32,
    pub sack_freq: u32,
}

/// The generic `{id, value}` argument (SCTP_MAXSEG, SCTP_CONTEXT, SCTP_MAX_BURST, *_SUPPORTED...).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_assoc_value {
    pub assoc_id: sctp_assoc_t,
    pub assoc_value: u32,
}

/// SCTP_STREAM_SCHEDULER_VALUE (RFC 8260 4.3.3).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_stream_value {
    pub assoc_id: sctp_assoc_t,
    pub stream_id: u16,
    pub stream_value: u16,
}

/// SCTP_GET_PEER_ADDR_INFO (RFC 6458 8.2.2); packed.
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct sctp_paddrinfo {
    pub spinfo_assoc_id: sctp_assoc_t,
    pub spinfo_address: sockaddr_storage,
    pub spinfo_state: i32,
    pub spinfo_cwnd: u32,
    pub spinfo_srtt: u32,
    pub spinfo_rto: u32,
    pub spinfo_mtu: u32,
}

/// SCTP_STATUS (RFC 6458 8.2.1); the primary path's info is at offset 24.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_status {
    pub sstat_assoc_id: sctp_assoc_t,
    pub sstat_state: i32,
    pub sstat_rwnd: u32,
    pub sstat_unackdata: u16,
    pub sstat_penddata: u16,
    pub sstat_instrms: u16,
    pub sstat_outstrms: u16,
    pub sstat_fragmentation_point: u32,
    pub sstat_primary: sctp_paddrinfo,
}

/// SCTP_PEER_AUTH_CHUNKS / SCTP_LOCAL_AUTH_CHUNKS (RFC 6458 8.2.3); followed by chunk types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_authchunks {
    pub gauth_assoc_id: sctp_assoc_t,
    pub gauth_number_of_chunks: u32,
    pub gauth_chunks: [u8; 0],
}

/// SCTP_GET_ASSOC_ID_LIST (RFC 6458 8.2.6); followed by the ids.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_assoc_ids {
    pub gaids_number_of_ids: u32,
    pub gaids_assoc_id: [sctp_assoc_t; 0],
}

/// SCTP_SOCKOPT_CONNECTX3: `addrs` points to `addr_num` bytes of packed addresses in the
/// caller's memory (the only option argument holding a pointer). A value read from bytes has no
/// provenance: use `addrs as usize` with `std::ptr::with_exposed_provenance` to reach the memory.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_getaddrs_old {
    pub assoc_id: sctp_assoc_t,
    pub addr_num: c_int,
    pub addrs: *mut sockaddr,
}

/// SCTP_GET_PEER_ADDRS / SCTP_GET_LOCAL_ADDRS; followed by `addr_num` packed addresses.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_getaddrs {
    pub assoc_id: sctp_assoc_t,
    pub addr_num: u32,
    pub addrs: [u8; 0],
}

/// SCTP_GET_ASSOC_STATS (Linux); not packed: the address is at offset 8.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_assoc_stats {
    pub sas_assoc_id: sctp_assoc_t,
    pub _pad0: u32,
    pub sas_obs_rto_ipaddr: sockaddr_storage,
    pub sas_maxrto: u64,
    pub sas_isacks: u64,
    pub sas_osacks: u64,
    pub sas_opackets: u64,
    pub sas_ipackets: u64,
    pub sas_rtxchunks: u64,
    pub sas_outofseqtsns: u64,
    pub sas_idupchunks: u64,
    pub sas_gapcnt: u64,
    pub sas_ouodchunks: u64,
    pub sas_iuodchunks: u64,
    pub sas_oodchunks: u64,
    pub sas_iodchunks: u64,
    pub sas_octrlchunks: u64,
    pub sas_ictrlchunks: u64,
}

/// SCTP_SOCKOPT_PEELOFF: in `associd`, out the new descriptor `sd`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_peeloff_arg_t {
    pub associd: sctp_assoc_t,
    pub sd: c_int,
}

/// SCTP_SOCKOPT_PEELOFF_FLAGS: peeloff with `SOCK_CLOEXEC`/`SOCK_NONBLOCK` flags.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_peeloff_flags_arg_t {
    pub p_arg: sctp_peeloff_arg_t,
    pub flags: c_uint,
}

/// SCTP_PEER_ADDR_THLDS (RFC 7829 6.2); not packed: the address is at offset 8.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_paddrthlds {
    pub spt_assoc_id: sctp_assoc_t,
    pub _pad0: u32,
    pub spt_address: sockaddr_storage,
    pub spt_pathmaxrxt: u16,
    pub spt_pathpfthld: u16,
    pub _pad1: u32,
}

/// SCTP_PEER_ADDR_THLDS_V2: adds the primary-path switchover threshold.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_paddrthlds_v2 {
    pub spt_assoc_id: sctp_assoc_t,
    pub _pad0: u32,
    pub spt_address: sockaddr_storage,
    pub spt_pathmaxrxt: u16,
    pub spt_pathpfthld: u16,
    pub spt_pathcpthld: u16,
    pub _pad1: u16,
}

/// SCTP_PR_ASSOC_STATUS / SCTP_PR_STREAM_STATUS (RFC 7496 4.3-4.4).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_prstatus {
    pub sprstat_assoc_id: sctp_assoc_t,
    pub sprstat_sid: u16,
    pub sprstat_policy: u16,
    pub sprstat_abandoned_unsent: u64,
    pub sprstat_abandoned_sent: u64,
}

/// SCTP_DEFAULT_PRINFO (RFC 7496 4.2).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_default_prinfo {
    pub pr_assoc_id: sctp_assoc_t,
    pub pr_value: u32,
    pub pr_policy: u16,
    pub _pad0: u16,
}

/// `struct sctp_info`: the sock_diag (`ss -i`) view of an association (Linux).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_info {
    pub sctpi_tag: u32,
    pub sctpi_state: u32,
    pub sctpi_rwnd: u32,
    pub sctpi_unackdata: u16,
    pub sctpi_penddata: u16,
    pub sctpi_instrms: u16,
    pub sctpi_outstrms: u16,
    pub sctpi_fragmentation_point: u32,
    pub sctpi_inqueue: u32,
    pub sctpi_outqueue: u32,
    pub sctpi_overall_error: u32,
    pub sctpi_max_burst: u32,
    pub sctpi_maxseg: u32,
    pub sctpi_peer_rwnd: u32,
    pub sctpi_peer_tag: u32,
    pub sctpi_peer_capable: u8,
    pub sctpi_peer_sack: u8,
    pub __reserved1: u16,
    pub sctpi_isacks: u64,
    pub sctpi_osacks: u64,
    pub sctpi_opackets: u64,
    pub sctpi_ipackets: u64,
    pub sctpi_rtxchunks: u64,
    pub sctpi_outofseqtsns: u64,
    pub sctpi_idupchunks: u64,
    pub sctpi_gapcnt: u64,
    pub sctpi_ouodchunks: u64,
    pub sctpi_iuodchunks: u64,
    pub sctpi_oodchunks: u64,
    pub sctpi_iodchunks: u64,
    pub sctpi_octrlchunks: u64,
    pub sctpi_ictrlchunks: u64,
    pub sctpi_p_address: sockaddr_storage,
    pub sctpi_p_state: i32,
    pub sctpi_p_cwnd: u32,
    pub sctpi_p_srtt: u32,
    pub sctpi_p_rto: u32,
    pub sctpi_p_hbinterval: u32,
    pub sctpi_p_pathmaxrxt: u32,
    pub sctpi_p_sackdelay: u32,
    pub sctpi_p_sackfreq: u32,
    pub sctpi_p_ssthresh: u32,
    pub sctpi_p_partial_bytes_acked: u32,
    pub sctpi_p_flight_size: u32,
    pub sctpi_p_error: u16,
    pub __reserved2: u16,
    pub sctpi_s_autoclose: u32,
    pub sctpi_s_adaptation_ind: u32,
    pub sctpi_s_pd_point: u32,
    pub sctpi_s_nodelay: u8,
    pub sctpi_s_disable_fragments: u8,
    pub sctpi_s_v4mapped: u8,
    pub sctpi_s_frag_interleave: u8,
    pub sctpi_s_type: u32,
    pub __reserved3: u32,
}

/// SCTP_RESET_STREAMS (RFC 6525 6.3.2); followed by `srs_number_streams` stream ids.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_reset_streams {
    pub srs_assoc_id: sctp_assoc_t,
    pub srs_flags: u16,
    pub srs_number_streams: u16,
    pub srs_stream_list: [u16; 0],
}

/// SCTP_ADD_STREAMS (RFC 6525 6.3.4).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_add_streams {
    pub sas_assoc_id: sctp_assoc_t,
    pub sas_instrms: u16,
    pub sas_outstrms: u16,
}

/// SCTP_EVENT (RFC 6458 6.2.2): one notification type on or off.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_event {
    pub se_assoc_id: sctp_assoc_t,
    pub se_type: u16,
    pub se_on: u8,
    pub _pad0: u8,
}

/// SCTP_REMOTE_UDP_ENCAPS_PORT (RFC 6951 6.1); `sue_port` is in network byte order; not packed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_udpencaps {
    pub sue_assoc_id: sctp_assoc_t,
    pub _pad0: u32,
    pub sue_address: sockaddr_storage,
    pub sue_port: u16,
    pub _pad1: [u8; 6],
}

/// SCTP_PLPMTUD_PROBE_INTERVAL (RFC 8899); milliseconds; not packed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sctp_probeinterval {
    pub spi_assoc_id: sctp_assoc_t,
    pub _pad0: u32,
    pub spi_address: sockaddr_storage,
    pub spi_interval: u32,
    pub _pad1: u32,
}

/// SCTP_EVENTS (RFC 6458 6.2.1, deprecated): one byte per notification type, in type order.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_event_subscribe {
    pub sctp_data_io_event: u8,
    pub sctp_association_event: u8,
    pub sctp_address_event: u8,
    pub sctp_send_failure_event: u8,
    pub sctp_peer_error_event: u8,
    pub sctp_shutdown_event: u8,
    pub sctp_partial_delivery_event: u8,
    pub sctp_adaptation_layer_event: u8,
    pub sctp_authentication_event: u8,
    pub sctp_sender_dry_event: u8,
    pub sctp_stream_reset_event: u8,
    pub sctp_assoc_reset_event: u8,
    pub sctp_stream_change_event: u8,
    pub sctp_send_failure_event_event: u8,
}

/// `sctp_sendv()` info of type SCTP_SENDV_SPA (lksctp-tools).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_sendv_spa {
    pub sendv_flags: u32,
    pub sendv_sndinfo: sctp_sndinfo,
    pub sendv_prinfo: sctp_prinfo,
    pub sendv_authinfo: sctp_authinfo,
    pub _pad0: u16,
}

/// `sctp_recvv()` info of type SCTP_RECVV_RN (lksctp-tools).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sctp_recvv_rn {
    pub recvv_rcvinfo: sctp_rcvinfo,
    pub recvv_nxtinfo: sctp_nxtinfo,
}

pod!(
    sctp_rtoinfo,
    sctp_assocparams,
    sctp_setpeerprim,
    sctp_prim,
    sctp_setadaptation,
    sctp_paddrparams,
    sctp_authchunk,
    sctp_hmacalgo,
    sctp_authkey,
    sctp_authkeyid,
    sctp_sack_info,
    sctp_assoc_value,
    sctp_stream_value,
    sctp_paddrinfo,
    sctp_status,
    sctp_authchunks,
    sctp_assoc_ids,
    sctp_getaddrs_old,
    sctp_getaddrs,
    sctp_assoc_stats,
    sctp_peeloff_arg_t,
    sctp_peeloff_flags_arg_t,
    sctp_paddrthlds,
    sctp_paddrthlds_v2,
    sctp_prstatus,
    sctp_default_prinfo,
    sctp_info,
    sctp_reset_streams,
    sctp_add_streams,
    sctp_event,
    sctp_udpencaps,
    sctp_probeinterval,
    sctp_event_subscribe,
    sctp_sendv_spa,
    sctp_recvv_rn,
);
