//! Checks the Rust mirror of the Linux SCTP ABI (`src/abi/`) against the system headers.
//!
//! One list below names every mirrored struct, field and constant. From it the test generates the
//! body of `shim-tests/abi_layout.c` (`abi_layout.inc`), compiles it with `cc` against
//! `<netinet/sctp.h>`, runs it, and compares sizes, alignments, field offsets, field sizes and
//! constant values with `size_of`/`align_of`/`offset_of!` of the Rust types. It also checks that
//! the list covers every `pub struct`/`pub const` of `src/abi/` and every struct and `#define` of
//! `/usr/include/linux/sctp.h`. Missing `cc` or headers fail the test.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of, MaybeUninit};

use sctpshim::abi;

mod common;
mod support;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A C field.
    Field,
    /// A C flexible array member (`x[]`), a `[T; 0]` in Rust.
    Flex,
    /// Padding written out in Rust only.
    Pad,
}

struct RustField {
    name: &'static str,
    kind: Kind,
    offset: usize,
    size: usize,
}

struct RustType {
    name: &'static str,
    c_type: &'static str,
    is_union: bool,
    size: usize,
    align: usize,
    fields: Vec<RustField>,
}

fn pointee_size<F>(_: *const F) -> usize {
    size_of::<F>()
}

macro_rules! kind {
    () => {
        Kind::Field
    };
    (flex) => {
        Kind::Flex
    };
    (pad) => {
        Kind::Pad
    };
}

macro_rules! c_type {
    (struct $name:ident) => {
        concat!("struct ", stringify!($name))
    };
    (union $name:ident) => {
        concat!("union ", stringify!($name))
    };
    ($kw:ident $name:ident $c:literal) => {
        $c
    };
}

/// `[struct|union] rust_name [= "C type"] { field [: flex|pad], ... }`
macro_rules! abi_types {
    ($( $kw:ident $name:ident $(= $c:literal)? { $($f:ident $(: $k:ident)?),* $(,)? } )*) => {
        fn rust_types() -> Vec<RustType> {
            vec![$(
                RustType {
                    name: stringify!($name),
                    c_type: c_type!($kw $name $($c)?),
                    is_union: stringify!($kw) == "union",
                    size: size_of::<abi::$name>(),
                    align: align_of::<abi::$name>(),
                    fields: vec![$(
                        RustField {
                            name: stringify!($f),
                            kind: kind!($($k)?),
                            offset: offset_of!(abi::$name, $f),
                            size: {
                                let v = MaybeUninit::<abi::$name>::uninit();
                                // SAFETY: only a field address is computed, nothing is read.
                                pointee_size(unsafe { &raw const (*v.as_ptr()).$f })
                            },
                        },
                    )*],
                },
            )*]
        }
    };
}

macro_rules! abi_consts {
    ($($c:ident),* $(,)?) => {
        fn rust_consts() -> Vec<(&'static str, i64)> {
            vec![$((stringify!($c), abi::$c as i64)),*]
        }
    };
}

abi_types! {
    // cmsg.rs
    struct sctp_initmsg { sinit_num_ostreams, sinit_max_instreams, sinit_max_attempts, sinit_max_init_timeo }
    struct sctp_sndrcvinfo {
        sinfo_stream, sinfo_ssn, sinfo_flags, _pad0: pad, sinfo_ppid, sinfo_context,
        sinfo_timetolive, sinfo_tsn, sinfo_cumtsn, sinfo_assoc_id,
    }
    struct sctp_sndinfo { snd_sid, snd_flags, snd_ppid, snd_context, snd_assoc_id }
    struct sctp_rcvinfo {
        rcv_sid, rcv_ssn, rcv_flags, _pad0: pad, rcv_ppid, rcv_tsn, rcv_cumtsn, rcv_context,
        rcv_assoc_id,
    }
    struct sctp_nxtinfo { nxt_sid, nxt_flags, nxt_ppid, nxt_length, nxt_assoc_id }
    struct sctp_prinfo { pr_policy, _pad0: pad, pr_value }
    struct sctp_authinfo { auth_keynumber }
    union sctp_cmsg_data_t = "sctp_cmsg_data_t" { raw, init, sndrcv }
    // notification.rs
    struct sctp_notification_header = "__typeof__(((union sctp_notification *)0)->sn_header)" {
        sn_type, sn_flags, sn_length,
    }
    struct sctp_assoc_change {
        sac_type, sac_flags, sac_length, sac_state, sac_error, sac_outbound_streams,
        sac_inbound_streams, sac_assoc_id, sac_info: flex,
    }
    struct sctp_paddr_change {
        spc_type, spc_flags, spc_length, spc_aaddr, spc_state, spc_error, spc_assoc_id,
    }
    struct sctp_remote_error {
        sre_type, sre_flags, sre_length, sre_error, _pad0: pad, sre_assoc_id, sre_data: flex,
    }
    struct sctp_send_failed {
        ssf_type, ssf_flags, ssf_length, ssf_error, ssf_info, ssf_assoc_id, ssf_data: flex,
    }
    struct sctp_send_failed_event {
        ssf_type, ssf_flags, ssf_length, ssf_error, ssfe_info, ssf_assoc_id, ssf_data: flex,
    }
    struct sctp_shutdown_event { sse_type, sse_flags, sse_length, sse_assoc_id }
    struct sctp_adaptation_event { sai_type, sai_flags, sai_length, sai_adaptation_ind, sai_assoc_id }
    struct sctp_pdapi_event {
        pdapi_type, pdapi_flags, pdapi_length, pdapi_indication, pdapi_assoc_id, pdapi_stream,
        pdapi_seq,
    }
    struct sctp_authkey_event {
        auth_type, auth_flags, auth_length, auth_keynumber, auth_altkeynumber, auth_indication,
        auth_assoc_id,
    }
    struct sctp_sender_dry_event {
        sender_dry_type, sender_dry_flags, sender_dry_length, sender_dry_assoc_id,
    }
    struct sctp_stream_reset_event {
        strreset_type, strreset_flags, strreset_length, strreset_assoc_id,
        strreset_stream_list: flex,
    }
    struct sctp_assoc_reset_event {
        assocreset_type, assocreset_flags, assocreset_length, assocreset_assoc_id,
        assocreset_local_tsn, assocreset_remote_tsn,
    }
    struct sctp_stream_change_event {
        strchange_type, strchange_flags, strchange_length, strchange_assoc_id, strchange_instrms,
        strchange_outstrms,
    }
    union sctp_notification {
        sn_header, sn_assoc_change, sn_paddr_change, sn_remote_error, sn_send_failed,
        sn_shutdown_event, sn_adaptation_event, sn_pdapi_event, sn_authkey_event,
        sn_sender_dry_event, sn_strreset_event, sn_assocreset_event, sn_strchange_event,
        sn_send_failed_event,
    }
    // sockopt.rs
    struct sctp_rtoinfo { srto_assoc_id, srto_initial, srto_max, srto_min }
    struct sctp_assocparams {
        sasoc_assoc_id, sasoc_asocmaxrxt, sasoc_number_peer_destinations, sasoc_peer_rwnd,
        sasoc_local_rwnd, sasoc_cookie_life,
    }
    struct sctp_setpeerprim { sspp_assoc_id, sspp_addr }
    struct sctp_prim { ssp_assoc_id, ssp_addr }
    struct sctp_setadaptation { ssb_adaptation_ind }
    struct sctp_paddrparams {
        spp_assoc_id, spp_address, spp_hbinterval, spp_pathmaxrxt, spp_pathmtu, spp_sackdelay,
        spp_flags, spp_ipv6_flowlabel, spp_dscp, _pad0: pad,
    }
    struct sctp_authchunk { sauth_chunk }
    struct sctp_hmacalgo { shmac_num_idents, shmac_idents: flex }
    struct sctp_authkey { sca_assoc_id, sca_keynumber, sca_keylength, sca_key: flex }
    struct sctp_authkeyid { scact_assoc_id, scact_keynumber, _pad0: pad }
    struct sctp_sack_info { sack_assoc_id, sack_delay, sack_freq }
    struct sctp_assoc_value { assoc_id, assoc_value }
    struct sctp_stream_value { assoc_id, stream_id, stream_value }
    struct sctp_paddrinfo {
        spinfo_assoc_id, spinfo_address, spinfo_state, spinfo_cwnd, spinfo_srtt, spinfo_rto,
        spinfo_mtu,
    }
    struct sctp_status {
        sstat_assoc_id, sstat_state, sstat_rwnd, sstat_unackdata, sstat_penddata, sstat_instrms,
        sstat_outstrms, sstat_fragmentation_point, sstat_primary,
    }
    struct sctp_authchunks { gauth_assoc_id, gauth_number_of_chunks, gauth_chunks: flex }
    struct sctp_assoc_ids { gaids_number_of_ids, gaids_assoc_id: flex }
    struct sctp_getaddrs_old { assoc_id, addr_num, addrs }
    struct sctp_getaddrs { assoc_id, addr_num, addrs: flex }
    struct sctp_assoc_stats {
        sas_assoc_id, _pad0: pad, sas_obs_rto_ipaddr, sas_maxrto, sas_isacks, sas_osacks,
        sas_opackets, sas_ipackets, sas_rtxchunks, sas_outofseqtsns, sas_idupchunks, sas_gapcnt,
        sas_ouodchunks, sas_iuodchunks, sas_oodchunks, sas_iodchunks, sas_octrlchunks,
        sas_ictrlchunks,
    }
    struct sctp_peeloff_arg_t = "sctp_peeloff_arg_t" { associd, sd }
    struct sctp_peeloff_flags_arg_t = "sctp_peeloff_flags_arg_t" { p_arg, flags }
    struct sctp_paddrthlds {
        spt_assoc_id, _pad0: pad, spt_address, spt_pathmaxrxt, spt_pathpfthld, _pad1: pad,
    }
    struct sctp_paddrthlds_v2 {
        spt_assoc_id, _pad0: pad, spt_address, spt_pathmaxrxt, spt_pathpfthld, spt_pathcpthld,
        _pad1: pad,
    }
    struct sctp_prstatus {
        sprstat_assoc_id, sprstat_sid, sprstat_policy, sprstat_abandoned_unsent,
        sprstat_abandoned_sent,
    }
    struct sctp_default_prinfo { pr_assoc_id, pr_value, pr_policy, _pad0: pad }
    struct sctp_info {
        sctpi_tag, sctpi_state, sctpi_rwnd, sctpi_unackdata, sctpi_penddata, sctpi_instrms,
        sctpi_outstrms, sctpi_fragmentation_point, sctpi_inqueue, sctpi_outqueue,
        sctpi_overall_error, sctpi_max_burst, sctpi_maxseg, sctpi_peer_rwnd, sctpi_peer_tag,
        sctpi_peer_capable, sctpi_peer_sack, __reserved1, sctpi_isacks, sctpi_osacks,
        sctpi_opackets, sctpi_ipackets, sctpi_rtxchunks, sctpi_outofseqtsns, sctpi_idupchunks,
        sctpi_gapcnt, sctpi_ouodchunks, sctpi_iuodchunks, sctpi_oodchunks, sctpi_iodchunks,
        sctpi_octrlchunks, sctpi_ictrlchunks, sctpi_p_address, sctpi_p_state, sctpi_p_cwnd,
        sctpi_p_srtt, sctpi_p_rto, sctpi_p_hbinterval, sctpi_p_pathmaxrxt, sctpi_p_sackdelay,
        sctpi_p_sackfreq, sctpi_p_ssthresh, sctpi_p_partial_bytes_acked, sctpi_p_flight_size,
        sctpi_p_error, __reserved2, sctpi_s_autoclose, sctpi_s_adaptation_ind, sctpi_s_pd_point,
        sctpi_s_nodelay, sctpi_s_disable_fragments, sctpi_s_v4mapped, sctpi_s_frag_interleave,
        sctpi_s_type, __reserved3,
    }
    struct sctp_reset_streams { srs_assoc_id, srs_flags, srs_number_streams, srs_stream_list: flex }
    struct sctp_add_streams { sas_assoc_id, sas_instrms, sas_outstrms }
    struct sctp_event { se_assoc_id, se_type, se_on, _pad0: pad }
    struct sctp_udpencaps { sue_assoc_id, _pad0: pad, sue_address, sue_port, _pad1: pad }
    struct sctp_probeinterval { spi_assoc_id, _pad0: pad, spi_address, spi_interval, _pad1: pad }
    struct sctp_event_subscribe {
        sctp_data_io_event, sctp_association_event, sctp_address_event, sctp_send_failure_event,
        sctp_peer_error_event, sctp_shutdown_event, sctp_partial_delivery_event,
        sctp_adaptation_layer_event, sctp_authentication_event, sctp_sender_dry_event,
        sctp_stream_reset_event, sctp_assoc_reset_event, sctp_stream_change_event,
        sctp_send_failure_event_event,
    }
    struct sctp_sendv_spa { sendv_flags, sendv_sndinfo, sendv_prinfo, sendv_authinfo, _pad0: pad }
    struct sctp_recvv_rn { recvv_rcvinfo, recvv_nxtinfo }
}

abi_consts! {
    SOL_SCTP, IPPROTO_SCTP, SCTP_FUTURE_ASSOC, SCTP_CURRENT_ASSOC, SCTP_ALL_ASSOC,
    SCTP_RTOINFO, SCTP_ASSOCINFO, SCTP_INITMSG, SCTP_NODELAY, SCTP_AUTOCLOSE,
    SCTP_SET_PEER_PRIMARY_ADDR, SCTP_PRIMARY_ADDR, SCTP_ADAPTATION_LAYER, SCTP_DISABLE_FRAGMENTS,
    SCTP_PEER_ADDR_PARAMS, SCTP_DEFAULT_SEND_PARAM, SCTP_EVENTS, SCTP_I_WANT_MAPPED_V4_ADDR,
    SCTP_MAXSEG, SCTP_STATUS, SCTP_GET_PEER_ADDR_INFO, SCTP_DELAYED_ACK_TIME, SCTP_DELAYED_ACK,
    SCTP_DELAYED_SACK, SCTP_CONTEXT, SCTP_FRAGMENT_INTERLEAVE, SCTP_PARTIAL_DELIVERY_POINT,
    SCTP_MAX_BURST, SCTP_AUTH_CHUNK, SCTP_HMAC_IDENT, SCTP_AUTH_KEY, SCTP_AUTH_ACTIVE_KEY,
    SCTP_AUTH_DELETE_KEY, SCTP_PEER_AUTH_CHUNKS, SCTP_LOCAL_AUTH_CHUNKS, SCTP_GET_ASSOC_NUMBER,
    SCTP_GET_ASSOC_ID_LIST, SCTP_AUTO_ASCONF, SCTP_PEER_ADDR_THLDS, SCTP_RECVRCVINFO,
    SCTP_RECVNXTINFO, SCTP_DEFAULT_SNDINFO, SCTP_AUTH_DEACTIVATE_KEY, SCTP_REUSE_PORT,
    SCTP_PEER_ADDR_THLDS_V2, SCTP_SOCKOPT_BINDX_ADD, SCTP_SOCKOPT_BINDX_REM, SCTP_SOCKOPT_PEELOFF,
    SCTP_SOCKOPT_CONNECTX_OLD, SCTP_GET_PEER_ADDRS, SCTP_GET_LOCAL_ADDRS, SCTP_SOCKOPT_CONNECTX,
    SCTP_SOCKOPT_CONNECTX3, SCTP_GET_ASSOC_STATS, SCTP_PR_SUPPORTED, SCTP_DEFAULT_PRINFO,
    SCTP_PR_ASSOC_STATUS, SCTP_PR_STREAM_STATUS, SCTP_RECONFIG_SUPPORTED, SCTP_ENABLE_STREAM_RESET,
    SCTP_RESET_STREAMS, SCTP_RESET_ASSOC, SCTP_ADD_STREAMS, SCTP_SOCKOPT_PEELOFF_FLAGS,
    SCTP_STREAM_SCHEDULER, SCTP_STREAM_SCHEDULER_VALUE, SCTP_INTERLEAVING_SUPPORTED,
    SCTP_SENDMSG_CONNECT, SCTP_EVENT, SCTP_ASCONF_SUPPORTED, SCTP_AUTH_SUPPORTED,
    SCTP_ECN_SUPPORTED, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, SCTP_EXPOSE_PF_STATE,
    SCTP_REMOTE_UDP_ENCAPS_PORT, SCTP_PLPMTUD_PROBE_INTERVAL,
    SCTP_PR_SCTP_NONE, SCTP_PR_SCTP_TTL, SCTP_PR_SCTP_RTX, SCTP_PR_SCTP_PRIO, SCTP_PR_SCTP_MAX,
    SCTP_PR_SCTP_MASK, SCTP_ENABLE_RESET_STREAM_REQ, SCTP_ENABLE_RESET_ASSOC_REQ,
    SCTP_ENABLE_CHANGE_ASSOC_REQ, SCTP_ENABLE_STRRESET_MASK, SCTP_STREAM_RESET_INCOMING,
    SCTP_STREAM_RESET_OUTGOING, MSG_NOTIFICATION,
    SCTP_UNORDERED, SCTP_ADDR_OVER, SCTP_ABORT, SCTP_SACK_IMMEDIATELY, SCTP_SENDALL,
    SCTP_PR_SCTP_ALL, SCTP_NOTIFICATION, SCTP_EOF,
    SCTP_INIT, SCTP_SNDRCV, SCTP_SNDINFO, SCTP_RCVINFO, SCTP_NXTINFO, SCTP_PRINFO, SCTP_AUTHINFO,
    SCTP_DSTADDRV4, SCTP_DSTADDRV6,
    SCTP_COMM_UP, SCTP_COMM_LOST, SCTP_RESTART, SCTP_SHUTDOWN_COMP, SCTP_CANT_STR_ASSOC,
    SCTP_ADDR_AVAILABLE, SCTP_ADDR_UNREACHABLE, SCTP_ADDR_REMOVED, SCTP_ADDR_ADDED,
    SCTP_ADDR_MADE_PRIM, SCTP_ADDR_CONFIRMED, SCTP_ADDR_POTENTIALLY_FAILED, SCTP_ADDR_PF,
    SCTP_DATA_UNSENT, SCTP_DATA_SENT, SCTP_PARTIAL_DELIVERY_ABORTED,
    SCTP_AUTH_NEW_KEY, SCTP_AUTH_NEWKEY, SCTP_AUTH_FREE_KEY, SCTP_AUTH_NO_AUTH,
    SCTP_STREAM_RESET_INCOMING_SSN, SCTP_STREAM_RESET_OUTGOING_SSN, SCTP_STREAM_RESET_DENIED,
    SCTP_STREAM_RESET_FAILED, SCTP_ASSOC_RESET_DENIED, SCTP_ASSOC_RESET_FAILED,
    SCTP_ASSOC_CHANGE_DENIED, SCTP_ASSOC_CHANGE_FAILED, SCTP_STREAM_CHANGE_DENIED,
    SCTP_STREAM_CHANGE_FAILED,
    SCTP_SN_TYPE_BASE, SCTP_DATA_IO_EVENT, SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE,
    SCTP_SEND_FAILED, SCTP_REMOTE_ERROR, SCTP_SHUTDOWN_EVENT, SCTP_PARTIAL_DELIVERY_EVENT,
    SCTP_ADAPTATION_INDICATION, SCTP_AUTHENTICATION_EVENT, SCTP_AUTHENTICATION_INDICATION,
    SCTP_SENDER_DRY_EVENT, SCTP_STREAM_RESET_EVENT, SCTP_ASSOC_RESET_EVENT,
    SCTP_STREAM_CHANGE_EVENT, SCTP_SEND_FAILED_EVENT, SCTP_SN_TYPE_MAX,
    SCTP_FAILED_THRESHOLD, SCTP_RECEIVED_SACK, SCTP_HEARTBEAT_SUCCESS, SCTP_RESPONSE_TO_USER_REQ,
    SCTP_INTERNAL_ERROR, SCTP_SHUTDOWN_GUARD_EXPIRES, SCTP_PEER_FAULTY,
    SPP_HB_ENABLE, SPP_HB_DISABLE, SPP_HB, SPP_HB_DEMAND, SPP_PMTUD_ENABLE, SPP_PMTUD_DISABLE,
    SPP_PMTUD, SPP_SACKDELAY_ENABLE, SPP_SACKDELAY_DISABLE, SPP_SACKDELAY, SPP_HB_TIME_IS_ZERO,
    SPP_IPV6_FLOWLABEL, SPP_DSCP, SCTP_AUTH_HMAC_ID_SHA1, SCTP_AUTH_HMAC_ID_SHA256,
    SCTP_INACTIVE, SCTP_PF, SCTP_POTENTIALLY_FAILED, SCTP_ACTIVE, SCTP_UNCONFIRMED, SCTP_UNKNOWN,
    SCTP_EMPTY, SCTP_CLOSED, SCTP_COOKIE_WAIT, SCTP_COOKIE_ECHOED, SCTP_ESTABLISHED,
    SCTP_SHUTDOWN_PENDING, SCTP_SHUTDOWN_SENT, SCTP_SHUTDOWN_RECEIVED, SCTP_SHUTDOWN_ACK_SENT,
    SCTP_BINDX_ADD_ADDR, SCTP_BINDX_REM_ADDR,
    SCTP_SS_FCFS, SCTP_SS_DEFAULT, SCTP_SS_PRIO, SCTP_SS_RR, SCTP_SS_MAX,
    SCTP_SENDV_NOINFO, SCTP_SENDV_SNDINFO, SCTP_SENDV_PRINFO, SCTP_SENDV_AUTHINFO, SCTP_SENDV_SPA,
    SCTP_SEND_SNDINFO_VALID, SCTP_SEND_PRINFO_VALID, SCTP_SEND_AUTHINFO_VALID,
    SCTP_RECVV_NOINFO, SCTP_RECVV_RCVINFO, SCTP_RECVV_NXTINFO, SCTP_RECVV_RN,
}

/// Rust alignments that differ from C on purpose, with the reason in src/abi/sockopt.rs.
const ALIGN_EXCEPTIONS: &[(&str, usize)] = &[("sctp_paddrparams", 2)];

fn generate_inc(types: &[RustType], consts: &[(&str, i64)]) -> String {
    let mut s = String::new();
    for t in types {
        writeln!(s, "STRUCT(\"{}\", {})", t.name, t.c_type).unwrap();
        for f in &t.fields {
            match f.kind {
                Kind::Field => writeln!(s, "FIELD(\"{}\", {}, {})", t.name, t.c_type, f.name),
                Kind::Flex => writeln!(s, "FLEX(\"{}\", {}, {})", t.name, t.c_type, f.name),
                Kind::Pad => Ok(()),
            }
            .unwrap();
        }
    }
    for (name, _) in consts {
        writeln!(s, "CONST({name})").unwrap();
    }
    s
}

/// What the C program printed.
#[derive(Default)]
struct CLayout {
    types: BTreeMap<String, (usize, usize)>,
    fields: BTreeMap<(String, String), (usize, usize)>,
    consts: BTreeMap<String, i64>,
}

fn run_c(inc: &str) -> CLayout {
    let dir = common::scratch_dir("abi_layout");
    std::fs::write(dir.join("abi_layout.inc"), inc).expect("write abi_layout.inc");
    let exe = support::compile_c(
        "abi_layout.c",
        &dir,
        &["-std=gnu11", "-I", &dir.to_string_lossy()],
    );
    let stdout = common::run(&exe, &[]);
    let mut c = CLayout::default();
    for line in String::from_utf8(stdout).expect("utf8").lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| w[i].parse::<usize>().expect("number");
        match w[0] {
            "S" => {
                c.types.insert(w[1].to_string(), (num(2), num(3)));
            }
            "F" => {
                c.fields
                    .insert((w[1].to_string(), w[2].to_string()), (num(3), num(4)));
            }
            "C" => {
                c.consts
                    .insert(w[1].to_string(), w[2].parse().expect("i64"));
            }
            other => panic!("unexpected line kind {other}"),
        }
    }
    c
}

#[test]
fn layouts_and_constants_match_system_headers() {
    let types = rust_types();
    let consts = rust_consts();
    let c = run_c(&generate_inc(&types, &consts));
    let mut errors = Vec::new();
    let mut checked_fields = 0;
    for t in &types {
        let (c_size, c_align) = c.types[t.name];
        if t.size != c_size {
            errors.push(format!("{}: size {} (C {c_size})", t.name, t.size));
        }
        let want_align = ALIGN_EXCEPTIONS
            .iter()
            .find(|(n, _)| *n == t.name)
            .map_or(c_align, |&(_, a)| a);
        if t.align != want_align {
            errors.push(format!(
                "{}: align {} (want {want_align}, C {c_align})",
                t.name, t.align
            ));
        }
        for f in &t.fields {
            if f.kind == Kind::Pad {
                continue;
            }
            let (off, size) = c.fields[&(t.name.to_string(), f.name.to_string())];
            checked_fields += 1;
            if f.offset != off || f.size != size {
                errors.push(format!(
                    "{}.{}: offset {} size {} (C offset {off} size {size})",
                    t.name, f.name, f.offset, f.size
                ));
            }
        }
        if !t.is_union && !t.fields.is_empty() {
            // Every byte is covered by exactly one field: no implicit padding (Pod soundness).
            let mut fields: Vec<&RustField> = t.fields.iter().collect();
            fields.sort_by_key(|f| f.offset);
            let mut end = 0;
            for f in fields {
                if f.offset != end {
                    errors.push(format!("{}: implicit padding before {}", t.name, f.name));
                }
                end = f.offset + f.size;
            }
            if end != t.size {
                errors.push(format!(
                    "{}: implicit tail padding {}..{}",
                    t.name, end, t.size
                ));
            }
        }
    }
    for (name, value) in &consts {
        let cv = c.consts[*name];
        if *value != cv {
            errors.push(format!("{name} = {value} (C {cv})"));
        }
    }
    assert!(errors.is_empty(), "ABI mismatches:\n{}", errors.join("\n"));
    assert!(checked_fields > 300, "only {checked_fields} fields checked");
}

/// Names declared `pub <kw> NAME` in a Rust source file.
fn rust_decls(src: &str, kw: &str) -> BTreeSet<String> {
    let prefix = format!("pub {kw} ");
    src.lines()
        .filter_map(|l| l.trim_start().strip_prefix(&prefix))
        .map(|rest| {
            rest.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn list_covers_every_mirrored_item() {
    let listed: BTreeSet<String> = rust_types().iter().map(|t| t.name.to_string()).collect();
    let sources = [
        include_str!("../src/abi/cmsg.rs"),
        include_str!("../src/abi/notification.rs"),
        include_str!("../src/abi/sockopt.rs"),
    ];
    for src in sources {
        for kw in ["struct", "union"] {
            for name in rust_decls(src, kw) {
                assert!(listed.contains(&name), "{name} is not in the layout list");
            }
        }
    }
    let listed: BTreeSet<&str> = rust_consts().iter().map(|(n, _)| *n).collect();
    for name in rust_decls(include_str!("../src/abi/consts.rs"), "const") {
        assert!(
            listed.contains(name.as_str()),
            "{name} is not in the constant list"
        );
    }
}

/// Object-like constant macros of the kernel header (not function-like, not field aliases).
fn is_mirrored_define(name: &str) -> bool {
    !name.contains('(')
        && ["SCTP_", "SPP_", "MSG_"]
            .iter()
            .any(|p| name.starts_with(p))
}

#[test]
fn mirror_covers_the_kernel_header() {
    let hdr = std::fs::read_to_string("/usr/include/linux/sctp.h")
        .expect("/usr/include/linux/sctp.h must be installed");
    let types: BTreeSet<String> = rust_types().iter().map(|t| t.name.to_string()).collect();
    let consts: BTreeSet<&str> = rust_consts().iter().map(|(n, _)| *n).collect();
    let mut missing = Vec::new();
    for line in hdr.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["struct" | "union", name, "{", ..] if !types.contains(*name) => {
                missing.push(name.to_string());
            }
            ["#define", name, ..] if is_mirrored_define(name) && !consts.contains(*name) => {
                missing.push(name.to_string());
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "not mirrored: {missing:?}");
}
