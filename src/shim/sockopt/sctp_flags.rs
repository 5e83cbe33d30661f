//! SOL_SCTP options that are one number per socket (Linux `sctp_{get,set}sockopt_*` for
//! AUTOCLOSE, DISABLE_FRAGMENTS, FRAGMENT_INTERLEAVE,
//! PARTIAL_DELIVERY_POINT, ADAPTATION_LAYER, I_WANT_MAPPED_V4_ADDR, MAX_BURST, CONTEXT,
//! AUTO_ASCONF, REUSE_PORT) and SCTP_EVENT. Values live in [`ExtOpts`]. Set takes at least an
//! `int` (EINVAL below); get answers an `int`, EINVAL when the caller's buffer is smaller.

use super::{int_of, with_sock, Row};
use crate::abi::{self, sctp_assoc_value, sctp_event, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::stack::registry::{self, Entry, RECV_SNDRCV};
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
        abi::SCTP_FRAGMENT_INTERLEAVE,
        Some(get_interleave),
        Some(set_interleave),
    ),
    (
        abi::SCTP_PARTIAL_DELIVERY_POINT,
        Some(get_pd_point),
        Some(set_pd_point),
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

fn int_out(v: u32, room: &[u8]) -> HookResult<Vec<u8>> {
    // `room` is what the caller passed: shorter than an int is EINVAL, as in Linux.
    if room.len() < 4 {
        return Err(libc::EINVAL);
    }
    Ok(v.to_ne_bytes().to_vec())
}

/// An `int`, or an `sctp_assoc_value` whose value is the second field (MAX_BURST, CONTEXT).
fn int_or_assoc_value(v: &[u8]) -> HookResult<u32> {
    if v.len() >= std::mem::size_of::<sctp_assoc_value>() {
        return Ok(sctp_assoc_value::read_from(v)
            .ok_or(libc::EINVAL)?
            .assoc_value);
    }
    Ok(int_of(v)? as u32)
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
fn get_interleave(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.frag_interleave)? as u32, i)
}
fn set_interleave(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    set_ext(s, move |o| o.frag_interleave = on)
}
fn get_pd_point(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.pd_point)?, i)
}
fn set_pd_point(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let n = int_of(v)? as u32;
    set_ext(s, move |o| o.pd_point = n)
}
fn get_adaptation(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.adaptation_ind)?, i)
}
fn set_adaptation(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let n = int_of(v)? as u32;
    set_ext(s, move |o| o.adaptation_ind = n)
}
fn get_mapped(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    int_out(ext(s, |o| o.mapped_v4)? as u32, i)
}
fn set_mapped(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    set_ext(s, move |o| o.mapped_v4 = on)
}
fn get_max_burst(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let b = ext(s, |o| o.max_burst)?;
    if i.len() >= std::mem::size_of::<sctp_assoc_value>() {
        let mut av = sctp_assoc_value::read_from(i).ok_or(libc::EINVAL)?;
        av.assoc_value = b;
        return Ok(av.as_bytes().to_vec());
    }
    int_out(b, i)
}
fn set_max_burst(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let n = int_or_assoc_value(v)?;
    set_ext(s, move |o| o.max_burst = n)
}
fn get_context(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let mut av = sctp_assoc_value::read_from(i).ok_or(libc::EINVAL)?;
    av.assoc_value = ext(s, |o| o.context)?;
    Ok(av.as_bytes().to_vec())
}
fn set_context(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let av = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    set_ext(s, move |o| o.context = av.assoc_value)
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
fn set_reuse_port(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    set_ext(s, move |o| o.reuse_port = on)
}

/// SCTP_EVENT (RFC 6458 6.2.2): one notification type on or off; types outside
/// 0x8000..=0x800d are EINVAL.
fn get_event(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let mut ev = sctp_event::read_from(i).ok_or(libc::EINVAL)?;
    let t = ev.se_type;
    let on = with_sock(s, move |e, sid| e.opts(sid)?.events.get(t))?;
    ev.se_on = u8::from(on);
    Ok(ev.as_bytes().to_vec())
}
fn set_event(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let ev = sctp_event::read_from(v).ok_or(libc::EINVAL)?;
    let (t, on) = (ev.se_type, ev.se_on != 0);
    let data_io = with_sock(s, move |e, sid| {
        let o = e.opts_mut(sid)?;
        o.events.set(t, on)?;
        Ok(o.events.data_io())
    })?;
    // recvmsg reads from the registry whether SCTP_SNDRCV cmsgs are wanted.
    let recv = if data_io {
        s.e.recv | RECV_SNDRCV
    } else {
        s.e.recv & !RECV_SNDRCV
    };
    registry::insert(s.key, Entry { recv, ..s.e });
    Ok(())
}
