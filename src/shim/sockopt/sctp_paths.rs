//! SOL_SCTP options about peer addresses (RFC 6458 8.1.8, 8.1.12, 8.2.2; Linux
//! SCTP_PEER_ADDR_THLDS(_V2) and SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, RFC 7829): the byte
//! layouts of `<linux/sctp.h>` and Linux's length rules; the semantics are in
//! `stack/path_opts.rs`.

use super::sol_sctp::Row;
use super::with_sock;
use crate::abi::{self, sctp_assoc_value, sctp_paddrparams, sctp_prim, Pod};
use crate::assoc::PfExpose;
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{family_of, format_sockaddr, parse_sockaddr};
use crate::stack::path_opts::{PaddrParams, Thresholds};
use std::mem::size_of;
use std::net::{IpAddr, SocketAddr};

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_PEER_ADDR_PARAMS,
        Some(get_paddrparams),
        Some(set_paddrparams),
    ),
    (abi::SCTP_PEER_ADDR_THLDS, Some(get_thlds), Some(set_thlds)),
    (
        abi::SCTP_PEER_ADDR_THLDS_V2,
        Some(get_thlds),
        Some(set_thlds_v2),
    ),
    (abi::SCTP_PRIMARY_ADDR, Some(get_primary), Some(set_primary)),
    (
        abi::SCTP_EXPOSE_POTENTIALLY_FAILED_STATE,
        Some(get_pf_expose),
        Some(set_pf_expose),
    ),
];

/// `struct sctp_paddrparams` without `spp_ipv6_flowlabel` and `spp_dscp` (Linux accepts it).
const PADDRPARAMS_LEGACY: usize = 152;
/// `struct sctp_paddrthlds`: `spt_address` at 8 (not packed), 144 bytes; v2 adds
/// `spt_pathcpthld` at 140 in the same size.
const THLDS_ADDR: usize = 8;
const THLDS_MAXRXT: usize = 136;
const THLDS_PF: usize = 138;
const THLDS_CP: usize = 140;
const THLDS_LEN: usize = 144;

/// The address of an option (`sockaddr_storage` at `at`): None for AF_UNSPEC or the wildcard
/// (Linux `sctp_is_any`).
pub(super) fn addr_at(s: &Sctp, v: &[u8], at: usize) -> HookResult<Option<IpAddr>> {
    let bytes = v.get(at..at + 128).ok_or(libc::EINVAL)?;
    if family_of(bytes) == Some(libc::AF_UNSPEC) {
        return Ok(None);
    }
    let a = parse_sockaddr(bytes, s.policy())?;
    Ok((!a.ip().is_unspecified()).then_some(a.ip()))
}

fn id_of(v: &[u8]) -> abi::sctp_assoc_t {
    v.get(..4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, i32::from_ne_bytes)
}

/// `addr` as Linux writes it into a `sockaddr_storage`.
fn storage(s: &Sctp, addr: SocketAddr) -> libc::sockaddr_storage {
    let raw = format_sockaddr(&addr, s.policy());
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    // SAFETY: at most 28 bytes into the 128-byte storage.
    unsafe {
        std::ptr::copy_nonoverlapping(
            raw.as_bytes().as_ptr(),
            &mut ss as *mut _ as *mut u8,
            raw.len(),
        )
    };
    ss
}

fn get_paddrparams(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    if v.len() < PADDRPARAMS_LEGACY {
        return Err(libc::EINVAL);
    }
    let mut p = sctp_paddrparams::read_prefix(v);
    let (id, addr) = (p.spp_assoc_id, addr_at(s, v, 4)?);
    let got = with_sock(s, move |e, sid| e.paddr_params(sid, id, addr))?;
    p.spp_hbinterval = got.hb_interval;
    p.spp_pathmaxrxt = got.max_retrans;
    p.spp_pathmtu = got.pathmtu;
    p.spp_sackdelay = got.sack_delay;
    p.spp_flags = got.flags;
    let n = v.len().min(size_of::<sctp_paddrparams>());
    Ok(p.as_bytes()[..n].to_vec())
}

fn set_paddrparams(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() != PADDRPARAMS_LEGACY && v.len() != size_of::<sctp_paddrparams>() {
        return Err(libc::EINVAL);
    }
    let p = sctp_paddrparams::read_prefix(v);
    let (id, addr) = (p.spp_assoc_id, addr_at(s, v, 4)?);
    let want = PaddrParams {
        hb_interval: p.spp_hbinterval,
        max_retrans: p.spp_pathmaxrxt,
        pathmtu: p.spp_pathmtu,
        sack_delay: p.spp_sackdelay,
        flags: p.spp_flags,
    };
    with_sock(s, move |e, sid| e.set_paddr_params(sid, id, addr, want))
}

fn u16_at(v: &[u8], at: usize) -> u16 {
    v.get(at..at + 2)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u16::from_ne_bytes)
}

/// Linux `sctp_addr_id2transport` failing in the THLDS options: ENOENT for an address.
fn enoent_for_addr(addr: Option<IpAddr>, err: i32) -> i32 {
    if addr.is_some() {
        libc::ENOENT
    } else {
        err
    }
}

/// Linux `sctp_getsockopt_paddr_thresholds`: both forms are 144 bytes and Linux copies the
/// v2 structure for either, so v1 gets the switchover threshold in its padding too.
fn get_thlds(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    if v.len() < THLDS_LEN {
        return Err(libc::EINVAL);
    }
    let (id, addr) = (id_of(v), addr_at(s, v, THLDS_ADDR)?);
    let t = with_sock(s, move |e, sid| e.path_thresholds(sid, id, addr))
        .map_err(|err| enoent_for_addr(addr, err))?;
    let mut out = v[..THLDS_LEN].to_vec();
    out[THLDS_MAXRXT..THLDS_MAXRXT + 2].copy_from_slice(&t.max_retrans.to_ne_bytes());
    out[THLDS_PF..THLDS_PF + 2].copy_from_slice(&t.pf.to_ne_bytes());
    out[THLDS_CP..THLDS_CP + 2].copy_from_slice(&t.ps.to_ne_bytes());
    Ok(out)
}

/// Linux `sctp_setsockopt_paddr_thresholds`: v2's PF threshold may not exceed the
/// primary-switchover one; an address that is not a peer's is ENOENT.
fn set_thlds_any(s: &Sctp, v: &[u8], v2: bool) -> HookResult<()> {
    if v.len() < THLDS_LEN {
        return Err(libc::EINVAL);
    }
    let t = Thresholds {
        max_retrans: u16_at(v, THLDS_MAXRXT),
        pf: u16_at(v, THLDS_PF),
        ps: u16_at(v, THLDS_CP),
    };
    if v2 && t.pf > t.ps {
        return Err(libc::EINVAL);
    }
    let (id, addr) = (id_of(v), addr_at(s, v, THLDS_ADDR)?);
    with_sock(s, move |e, sid| e.set_path_thresholds(sid, id, addr, t, v2))
        .map_err(|err| enoent_for_addr(addr, err))
}

fn set_thlds(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_thlds_any(s, v, false)
}

fn set_thlds_v2(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_thlds_any(s, v, true)
}

fn get_primary(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    let mut p = sctp_prim::read_from(v).ok_or(libc::EINVAL)?;
    let id = p.ssp_assoc_id;
    let (aid, addr) = with_sock(s, move |e, sid| e.primary_addr(sid, id))?;
    p.ssp_assoc_id = aid;
    p.ssp_addr = storage(s, addr);
    Ok(p.as_bytes().to_vec())
}

fn set_primary(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p = sctp_prim::read_from(v).ok_or(libc::EINVAL)?;
    let id = p.ssp_assoc_id;
    let addr = addr_at(s, v, 4)?.ok_or(libc::EINVAL)?;
    with_sock(s, move |e, sid| e.set_primary_addr(sid, id, addr))
}

/// Linux `sctp_getsockopt_pf_expose`: at least a `sctp_assoc_value`.
fn get_pf_expose(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    let mut p = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    let id = p.assoc_id;
    p.assoc_value = with_sock(s, move |e, sid| e.pf_expose(sid, id))?.value();
    Ok(p.as_bytes().to_vec())
}

/// Linux `sctp_setsockopt_pf_expose`: exactly a `sctp_assoc_value`, a value up to
/// SCTP_PF_EXPOSE_ENABLE (2).
fn set_pf_expose(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() != size_of::<sctp_assoc_value>() {
        return Err(libc::EINVAL);
    }
    let p = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    let x = PfExpose::from_value(p.assoc_value).ok_or(libc::EINVAL)?;
    let id = p.assoc_id;
    with_sock(s, move |e, sid| e.set_pf_expose(sid, id, x))
}
