//! SOL_SCTP options about one association (RFC 6458 8.1.2 SCTP_ASSOCINFO, 8.1.9
//! SCTP_PRIMARY_ADDR, 8.1.10 SCTP_DEFAULT_SEND_PARAM; Linux `sctp_{get,set}sockopt_associnfo`,
//! `_primary_addr`, `_default_send_param`). The id
//! names the association as `sctp_id2assoc` does: a one-to-one socket's own whatever the id,
//! else one of the socket's associations (EINVAL otherwise); SCTP_ASSOCINFO without an
//! association reads and writes the socket's defaults.

use super::{with_sock, Row};
use crate::abi::{self, sctp_assocparams, sctp_prim, sctp_sndrcvinfo, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{parse_storage, to_storage};
use std::net::SocketAddr;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_DEFAULT_SEND_PARAM,
        Some(get_send_default),
        Some(set_send_default),
    ),
    (
        abi::SCTP_ASSOCINFO,
        Some(get_associnfo),
        Some(set_associnfo),
    ),
    (abi::SCTP_PRIMARY_ADDR, Some(get_primary), Some(set_primary)),
];

fn read<T: Pod>(v: &[u8]) -> HookResult<T> {
    T::read_from(v).ok_or(libc::EINVAL)
}

fn get_primary(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_prim = read(input)?;
    let id = p.ssp_assoc_id;
    let peer = with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        Ok(SocketAddr::new(a.primary(), a.peer_port()))
    })?;
    p.ssp_addr = to_storage(&peer, s.policy());
    Ok(p.as_bytes().to_vec())
}

/// The address must be one of the association's peer addresses (EINVAL).
fn set_primary(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_prim = read(v)?;
    let id = p.ssp_assoc_id;
    let addr = parse_storage(&{ p.ssp_addr }, s.policy())?;
    with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (ep, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        if !a.set_primary(addr.ip()) {
            return Err(libc::EINVAL);
        }
        e.mark(ep);
        Ok(())
    })
}

fn get_associnfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_assocparams = read(input)?;
    let id = p.sasoc_assoc_id;
    let one_to_many = !s.one_to_one();
    p = with_sock(s, move |e, sid| {
        let ext = e.opts(sid)?.ext.clone();
        p.sasoc_asocmaxrxt = ext.asoc_max_rxt;
        p.sasoc_cookie_life = ext.cookie_life;
        match e.assoc_id(sid, id) {
            Some(aid) => {
                let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
                let st = a.status();
                p.sasoc_asocmaxrxt = a.config().assoc_max_retrans.min(u16::MAX as u32) as u16;
                p.sasoc_number_peer_destinations = a.paths().len().min(u16::MAX as usize) as u16;
                p.sasoc_peer_rwnd = st.peer_rwnd;
                p.sasoc_local_rwnd = st.local_rwnd;
            }
            // One-to-many: only SCTP_FUTURE_ASSOC (0) reads the socket's defaults.
            None if one_to_many && id > abi::SCTP_ALL_ASSOC => return Err(libc::EINVAL),
            None => {
                p.sasoc_number_peer_destinations = 0;
                p.sasoc_peer_rwnd = 0;
                p.sasoc_local_rwnd = 0;
            }
        }
        Ok(p)
    })?;
    Ok(p.as_bytes().to_vec())
}

/// Zero fields are left unchanged (RFC 6458 8.1.2).
fn set_associnfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assocparams = read(v)?;
    let id = p.sasoc_assoc_id;
    let one_to_many = !s.one_to_one();
    with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id);
        if aid.is_none() && one_to_many && id > abi::SCTP_ALL_ASSOC {
            return Err(libc::EINVAL);
        }
        let ext = &mut e.opts_mut(sid)?.ext;
        if p.sasoc_asocmaxrxt != 0 {
            ext.asoc_max_rxt = p.sasoc_asocmaxrxt;
        }
        if p.sasoc_cookie_life != 0 {
            ext.cookie_life = p.sasoc_cookie_life;
        }
        if let Some((_, a)) = aid.and_then(|aid| e.assoc_of(sid, aid)) {
            if p.sasoc_asocmaxrxt != 0 {
                a.set_assoc_max_retrans(u32::from(p.sasoc_asocmaxrxt));
            }
        }
        Ok(())
    })
}

/// SCTP_DEFAULT_SEND_PARAM get: the association's defaults, else the socket's; a one-to-many
/// id that is not the socket's (beyond SCTP_ALL_ASSOC) is EINVAL.
fn get_send_default(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let p: sctp_sndrcvinfo = read(input)?;
    let id = p.sinfo_assoc_id;
    let one_to_many = !s.one_to_one();
    let out = with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id);
        if aid.is_none() && one_to_many && id > abi::SCTP_ALL_ASSOC {
            return Err(libc::EINVAL);
        }
        let ext = &e.opts(sid)?.ext;
        let mut v = aid
            .and_then(|a| ext.assoc_send_default.get(&a).copied())
            .unwrap_or(ext.send_default);
        v.sinfo_assoc_id = aid.unwrap_or(id);
        Ok(v)
    })?;
    Ok(out.as_bytes().to_vec())
}

/// SCTP_DEFAULT_SEND_PARAM set: flags beyond UNORDERED/ADDR_OVER/ABORT/EOF are EINVAL; an
/// association's id sets its defaults; SCTP_FUTURE_ASSOC the socket's, SCTP_CURRENT_ASSOC
/// every association's, SCTP_ALL_ASSOC both. A one-to-one socket without association takes
/// any id as the socket's.
fn set_send_default(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_sndrcvinfo = read(v)?;
    let allowed = abi::SCTP_UNORDERED | abi::SCTP_ADDR_OVER | abi::SCTP_ABORT | abi::SCTP_EOF;
    if p.sinfo_flags & !allowed != 0 {
        return Err(libc::EINVAL);
    }
    let id = p.sinfo_assoc_id;
    let one_to_many = !s.one_to_one();
    with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id);
        if aid.is_none() && one_to_many && id > abi::SCTP_ALL_ASSOC {
            return Err(libc::EINVAL);
        }
        let all: Vec<crate::assoc::AssocId> = match e.socks.get(&sid) {
            Some(x) if one_to_many => x.peers.iter().map(|&(_, a)| a).collect(),
            Some(x) => x.assoc.into_iter().collect(),
            None => Vec::new(),
        };
        let ext = &mut e.opts_mut(sid)?.ext;
        if let Some(a) = aid {
            ext.assoc_send_default.insert(a, p);
            return Ok(());
        }
        let id = if one_to_many {
            id
        } else {
            abi::SCTP_FUTURE_ASSOC
        };
        if id == abi::SCTP_FUTURE_ASSOC || id == abi::SCTP_ALL_ASSOC {
            ext.send_default = p;
        }
        if id == abi::SCTP_CURRENT_ASSOC || id == abi::SCTP_ALL_ASSOC {
            for a in all {
                ext.assoc_send_default.insert(a, p);
            }
        }
        Ok(())
    })
}
