//! SOL_SCTP options about one association (RFC 6458 8.1.2 SCTP_ASSOCINFO; Linux
//! `sctp_{get,set}sockopt_associnfo`). The id
//! names the association as `sctp_id2assoc` does: a one-to-one socket's own whatever the id,
//! else one of the socket's associations (EINVAL otherwise); SCTP_ASSOCINFO without an
//! association reads and writes the socket's defaults.

use super::{exact_struct, struct_of, with_sock, Row};
use crate::abi::{self, sctp_assocparams, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[(
    abi::SCTP_ASSOCINFO,
    Some(get_associnfo),
    Some(set_associnfo),
)];

fn get_associnfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_assocparams = struct_of(input)?;
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
                p.sasoc_cookie_life = a
                    .config()
                    .valid_cookie_life
                    .as_millis()
                    .min(u32::MAX as u128) as u32;
                p.sasoc_number_peer_destinations = a.paths().len().min(u16::MAX as usize) as u16;
                p.sasoc_peer_rwnd = st.peer_rwnd;
                p.sasoc_local_rwnd = st.local_rwnd;
            }
            // One-to-many: only SCTP_FUTURE_ASSOC (0) reads the socket's defaults.
            None if one_to_many && id != abi::SCTP_FUTURE_ASSOC => return Err(libc::EINVAL),
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

/// Zero fields are left unchanged (RFC 6458 8.1.2). An association's (Linux
/// `sctp_setsockopt_associnfo`): with several paths, a maximum above the sum of their path
/// maximums is EINVAL; else the socket's, for associations set up later.
fn set_associnfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assocparams = exact_struct(v)?;
    let id = p.sasoc_assoc_id;
    let one_to_many = !s.one_to_one();
    with_sock(s, move |e, sid| {
        let aid = e.assoc_id(sid, id);
        if aid.is_none() && one_to_many && id != abi::SCTP_FUTURE_ASSOC {
            return Err(libc::EINVAL);
        }
        if let Some((_, a)) = aid.and_then(|aid| e.assoc_of(sid, aid)) {
            let max = u32::from(p.sasoc_asocmaxrxt);
            if max != 0 {
                let paths = a.paths().len() as u32;
                if paths > 1 && max > paths.saturating_mul(a.config().path_max_retrans) {
                    return Err(libc::EINVAL);
                }
                a.set_assoc_max_retrans(max);
            }
            if p.sasoc_cookie_life != 0 {
                let life = std::time::Duration::from_millis(u64::from(p.sasoc_cookie_life));
                a.set_cookie_life(life);
            }
            return Ok(());
        }
        let ext = &mut e.opts_mut(sid)?.ext;
        if p.sasoc_asocmaxrxt != 0 {
            ext.asoc_max_rxt = p.sasoc_asocmaxrxt;
        }
        if p.sasoc_cookie_life != 0 {
            ext.cookie_life = p.sasoc_cookie_life;
        }
        e.refresh_ep_config(sid);
        Ok(())
    })
}
