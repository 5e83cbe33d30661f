//! Read-only counters and lists of a socket's associations: SCTP_GET_ASSOC_STATS (Linux
//! `sctp_getsockopt_assoc_stats`), SCTP_GET_ASSOC_NUMBER and SCTP_GET_ASSOC_ID_LIST
//! (RFC 6458 8.2.5, 8.2.6; one-to-many sockets only, EOPNOTSUPP on one-to-one ones).

use super::{with_sock, Row};
use crate::abi::{self, sctp_assoc_stats, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::to_storage;
use std::mem::size_of;
use std::net::SocketAddr;

pub const TABLE: &[Row] = &[
    (abi::SCTP_GET_ASSOC_STATS, Some(get_stats), None),
    (abi::SCTP_GET_ASSOC_NUMBER, Some(get_number), None),
    (abi::SCTP_GET_ASSOC_ID_LIST, Some(get_id_list), None),
];

/// The caller gives at least the association id; Linux fills as much of the struct as the
/// buffer holds (it may grow) and restarts the largest-RTO observation.
fn get_stats(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    if input.len() < size_of::<abi::sctp_assoc_t>() {
        return Err(libc::EINVAL);
    }
    let mut out = sctp_assoc_stats::read_prefix(input);
    let id = out.sas_assoc_id;
    let (st, port) = with_sock(s, move |e, sid| {
        let aid = e.opt_need_assoc(sid, id)?;
        let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        Ok((a.take_stats(), a.peer_port()))
    })?;
    if let Some(addr) = st.max_rto_addr {
        out.sas_obs_rto_ipaddr = to_storage(&SocketAddr::new(addr, port), s.policy());
    }
    out.sas_maxrto = st.max_rto.as_millis().min(u128::from(u64::MAX)) as u64;
    out.sas_isacks = st.isacks;
    out.sas_osacks = st.osacks;
    out.sas_opackets = st.opackets;
    out.sas_ipackets = st.ipackets;
    out.sas_rtxchunks = st.rtxchunks;
    out.sas_outofseqtsns = st.outofseqtsns;
    out.sas_idupchunks = st.idupchunks;
    out.sas_gapcnt = st.gapcnt;
    out.sas_ouodchunks = st.ouodchunks;
    out.sas_iuodchunks = st.iuodchunks;
    out.sas_oodchunks = st.oodchunks;
    out.sas_iodchunks = st.iodchunks;
    out.sas_octrlchunks = st.octrlchunks;
    out.sas_ictrlchunks = st.ictrlchunks;
    let n = input.len().min(size_of::<sctp_assoc_stats>());
    Ok(out.as_bytes()[..n].to_vec())
}

fn ids(s: &Sctp) -> HookResult<Vec<abi::sctp_assoc_t>> {
    if s.one_to_one() {
        return Err(libc::EOPNOTSUPP);
    }
    with_sock(s, |e, sid| Ok(e.sock_assocs(sid)))
}

fn get_number(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let ids = ids(s)?;
    if input.len() < 4 {
        return Err(libc::EINVAL);
    }
    Ok((ids.len() as u32).to_ne_bytes().to_vec())
}

/// `struct sctp_assoc_ids` then the ids; EINVAL when they do not all fit.
fn get_id_list(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let ids = ids(s)?;
    let need = size_of::<abi::sctp_assoc_ids>() + 4 * ids.len();
    if input.len() < need {
        return Err(libc::EINVAL);
    }
    let mut out = Vec::with_capacity(need);
    out.extend_from_slice(&(ids.len() as u32).to_ne_bytes());
    for id in ids {
        out.extend_from_slice(&id.to_ne_bytes());
    }
    Ok(out)
}
