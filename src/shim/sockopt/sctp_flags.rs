//! SOL_SCTP options that are one number per socket (Linux `sctp_{get,set}sockopt_*` for
//! AUTOCLOSE, DISABLE_FRAGMENTS, ADAPTATION_LAYER, I_WANT_MAPPED_V4_ADDR, MAX_BURST, CONTEXT,
//! AUTO_ASCONF, REUSE_PORT) and SCTP_EVENT. Values live in [`ExtOpts`]. Set takes at least an
//! `int` (EINVAL below); get answers an `int`, EINVAL when the caller's buffer is smaller.

use super::{exact_struct, int_of, int_out, struct_of, with_sock, Row};
use crate::abi::{self, sctp_assoc_value, sctp_event, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::stack::registry::RECV_SNDRCV;
use crate::stack::sockopt_ext::ExtOpts;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_AUTOCLOSE,
        Some(get_autoclose),
        Some(set_autoclose),
    ),
    (
        abi::SCTP_DISABLE_FRAGMENTS,
        Some(get_disable_frag),
        Some(set_disable_frag),
    ),
    (
        abi::SCTP_ADAPTATION_LAYER,
        Some(get_adaptation),
        Some(set_adaptation),
    ),
    (
        abi::SCTP_I_WANT_MAPPED_V4_ADDR,
        Some(get_mapped),
        Some(set_mapped),
    ),
    (
        abi::SCTP_MAX_BURST,
        Some(get_max_burst),
        Some(set_max_burst),
    ),
    (abi::SCTP_CONTEXT, Some(get_context), Some(set_context)),
    (
        abi::SCTP_AUTO_ASCONF,
        Some(get_auto_asconf),
        Some(set_auto_asconf),
    ),
    (
        abi::SCTP_REUSE_PORT,
        Some(get_reuse_port),
        Some(set_reuse_port),
    ),
    (abi::SCTP_EVENT, Some(get_event), Some(set_event)),
];

/// Read one field of the socket's [`ExtOpts`].
fn ext<R: Send + 'static>(s: &Sctp, f: fn(&ExtOpts) -> R) -> HookResult<R> {
    with_sock(s, move |e, sid| Ok(f(&e.opts(sid)?.ext)))
}

/// Change the socket's [`ExtOpts`].
fn set_ext(s: &Sctp, f: impl FnOnce(&mut ExtOpts) + Send + 'static) -> HookResult<()> {
    with_sock(s, move |e, sid| {
        f(&mut e.opts_mut(sid)?.ext);
        Ok(())
    })
}

/// One-to-many only: a TCP-style socket gets EOPNOTSUPP before any length check (Linux).
fn get_autoclose(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    if s.one_to_one() {
        return Err(libc::EOPNOTSUPP);
    }
    int_out(ext(s, |o| o.autoclose)?, i)
}
fn set_autoclose(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if s.one_to_one() {
        return Err(libc::EOPNOTSUPP);
    }
    if v.len() != 4 {
        return Err(libc::EINVAL);
    }
    let secs = int_of(v)? as u32;
    set_ext(s, move |o| o.autoclose = secs)
}

fn get_disable_frag(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.disable_fragments)? as u32, i)
}
fn set_disable_frag(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    with_sock(s, move |e, sid| e.set_disable_fragments(sid, on))
}
fn get_adaptation(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.adaptation_ind)?, i)
}
/// `struct sctp_setadaptation`: exactly 4 bytes (Linux).
fn set_adaptation(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let n = exact_struct::<abi::sctp_setadaptation>(v)?.ssb_adaptation_ind;
    set_ext(s, move |o| o.adaptation_ind = n)
}
/// Kept with the hooks' view of the socket (it decides how every address is reported).
fn get_mapped(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(!s.e.unmapped as u32, i)
}
fn set_mapped(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    crate::stack::registry::update(s.key, |e| e.unmapped = !on);
    Ok(())
}
/// Linux `sctp_{get,set}sockopt_maxburst`: an `int` (the socket's) or an
/// `sctp_assoc_value` (an association's, or the socket's for SCTP_FUTURE_ASSOC).
fn get_max_burst(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let int = i.len() == 4;
    let mut av = if int {
        sctp_assoc_value {
            assoc_id: abi::SCTP_FUTURE_ASSOC,
            assoc_value: 0,
        }
    } else {
        struct_of::<sctp_assoc_value>(i)?
    };
    let id = av.assoc_id;
    av.assoc_value = with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => {
                e.assoc_of(sid, aid)
                    .ok_or(libc::EINVAL)?
                    .1
                    .config()
                    .max_burst
            }
            None => e.opts(sid)?.ext.max_burst,
        })
    })?;
    if int {
        return Ok(av.assoc_value.to_ne_bytes().to_vec());
    }
    Ok(av.as_bytes().to_vec())
}

/// An `int` sets the socket's; an `sctp_assoc_value` (exactly) takes the FUTURE /
/// CURRENT / ALL forms.
fn set_max_burst(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let av = match v.len() {
        4 => sctp_assoc_value {
            assoc_id: abi::SCTP_FUTURE_ASSOC,
            assoc_value: int_of(v)? as u32,
        },
        _ => exact_struct::<sctp_assoc_value>(v)?,
    };
    with_sock(s, move |e, sid| {
        let t = e.opt_set_target(sid, av.assoc_id)?;
        if t.socket {
            e.opts_mut(sid)?.ext.max_burst = av.assoc_value;
            e.refresh_ep_config(sid);
        }
        for aid in t.assocs {
            if let Some((_, a)) = e.assoc_of(sid, aid) {
                a.set_max_burst(av.assoc_value);
            }
        }
        Ok(())
    })
}

/// SCTP_CONTEXT: the `sinfo_context` of messages received (Linux `default_rcv_context`),
/// per association or the socket's for SCTP_FUTURE_ASSOC.
fn get_context(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let mut av: sctp_assoc_value = struct_of(i)?;
    let id = av.assoc_id;
    av.assoc_value = with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => e.rcv_context(sid, aid),
            None => e.opts(sid)?.ext.context,
        })
    })?;
    Ok(av.as_bytes().to_vec())
}

/// FUTURE / CURRENT / ALL forms; associations that exist keep the socket's value they
/// were set up with when only the socket's changes.
/// Messages already delivered to the app show the new value when read
/// ([`crate::shim::rcv_context`]).
fn set_context(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let av: sctp_assoc_value = exact_struct(v)?;
    let ids = with_sock(s, move |e, sid| {
        let t = e.opt_set_target(sid, av.assoc_id)?;
        let existing = e.sock_assocs(sid);
        let o = e.opts_mut(sid)?;
        let old = o.ext.context;
        for a in existing {
            o.feat.assoc_context.entry(a).or_insert(old);
        }
        for &a in &t.assocs {
            o.feat.assoc_context.insert(a, av.assoc_value);
        }
        if t.socket {
            o.ext.context = av.assoc_value;
        }
        Ok(t.assocs)
    })?;
    crate::shim::rcv_context::set(s.e.sid, &ids, av.assoc_value);
    Ok(())
}
fn get_auto_asconf(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.auto_asconf)? as u32, i)
}
fn set_auto_asconf(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    super::with_sock(s, move |e, sid| e.set_auto_asconf(sid, on))
}
fn get_reuse_port(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.reuse_port)? as u32, i)
}
/// Linux `sctp_setsockopt_reuse_port`: one-to-one sockets only (EOPNOTSUPP), before bind
/// (EFAULT, as Linux answers), then at least an `int`.
fn set_reuse_port(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if !s.one_to_one() {
        return Err(libc::EOPNOTSUPP);
    }
    let bound = with_sock(s, |e, sid| {
        Ok(e.socks.get(&sid).ok_or(libc::EBADF)?.ep.is_some())
    })?;
    if bound {
        return Err(libc::EFAULT);
    }
    let on = int_of(v)? != 0;
    set_ext(s, move |o| o.reuse_port = on)
}

/// SCTP_EVENT (RFC 6458 6.2.2): one notification type on or off; types outside
/// 0x8000..=0x800d are EINVAL.
fn get_event(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let mut ev = sctp_event::read_from(i).ok_or(libc::EINVAL)?;
    let (t, id) = (ev.se_type, ev.se_assoc_id);
    // An association's subscriptions, or the socket's for SCTP_FUTURE_ASSOC.
    let on = with_sock(s, move |e, sid| match e.opt_assoc(sid, id)? {
        Some(aid) => e.subs_of(sid, aid).get(t),
        None => e.opts(sid)?.events.get(t),
    })?;
    ev.se_on = u8::from(on);
    Ok(ev.as_bytes().to_vec())
}
fn set_event(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let ev = sctp_event::read_from(v).ok_or(libc::EINVAL)?;
    let (t, on, id) = (ev.se_type, ev.se_on != 0, ev.se_assoc_id);
    let data_io = with_sock(s, move |e, sid| e.set_event_sub(sid, id, t, on))?;
    // recvmsg reads from the registry whether SCTP_SNDRCV cmsgs are wanted.
    super::sol_sctp::set_recv_flag(s, RECV_SNDRCV, data_io);
    Ok(())
}
