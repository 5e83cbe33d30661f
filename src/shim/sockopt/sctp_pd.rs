//! The partial delivery options (RFC 6458 8.1.19, 8.1.20), as Linux's
//! `sctp_{get,set}sockopt_partial_delivery_point` and `..._fragment_interleave` check them:
//! - SCTP_PARTIAL_DELIVERY_POINT: a `u32` of exactly 4 bytes (EINVAL otherwise), at most half
//!   the socket's receive buffer as SO_RCVBUF reports it (EINVAL above);
//! - SCTP_FRAGMENT_INTERLEAVE: an `int` of exactly 4 bytes; Linux keeps only whether it is
//!   non-zero, so level 2 reads back as 1 and behaves as 1 (other associations' messages may
//!   come between the pieces of a message; see `stack::partial_delivery`).
//!
//! Gets need 4 bytes of room (EINVAL below). New values reach existing associations at once.

use super::{int_of, int_out, with_sock, Row};
use crate::abi;
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_PARTIAL_DELIVERY_POINT,
        Some(get_pd_point),
        Some(set_pd_point),
    ),
    (
        abi::SCTP_FRAGMENT_INTERLEAVE,
        Some(get_interleave),
        Some(set_interleave),
    ),
];

/// An option value of exactly four bytes (Linux: `optlen != sizeof(int)` is EINVAL).
fn exact_int(v: &[u8]) -> HookResult<i32> {
    if v.len() != 4 {
        return Err(libc::EINVAL);
    }
    int_of(v)
}

fn get_pd_point(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let v = with_sock(s, |e, sid| Ok(e.opts(sid)?.ext.pd_point))?;
    int_out(v, i)
}

fn set_pd_point(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let point = exact_int(v)? as u32;
    with_sock(s, move |e, sid| {
        let o = e.opts_mut(sid)?;
        // Linux compares with sk_rcvbuf >> 1: half the doubled SO_RCVBUF value.
        if point > o.rcvbuf >> 1 {
            return Err(libc::EINVAL);
        }
        o.ext.pd_point = point;
        e.apply_pd_opts(sid)
    })
}

fn get_interleave(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let on = with_sock(s, |e, sid| Ok(e.opts(sid)?.ext.frag_interleave))?;
    int_out(u32::from(on), i)
}

/// Turning it off also turns SCTP_INTERLEAVING_SUPPORTED off (Linux clears
/// `ep->intl_enable`): later associations do without I-DATA.
fn set_interleave(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = exact_int(v)? != 0;
    with_sock(s, move |e, sid| {
        e.opts_mut(sid)?.ext.frag_interleave = on;
        if !on {
            e.feat_mut(sid)?.intl = Some(false);
            e.refresh_ep_config(sid);
        }
        e.apply_pd_opts(sid)
    })
}
