//! Default send parameters (RFC 6458 8.1.10 SCTP_DEFAULT_SEND_PARAM, 8.1.31
//! SCTP_DEFAULT_SNDINFO; RFC 7496 4.2 SCTP_DEFAULT_PRINFO) as Linux's
//! `sctp_{get,set}sockopt_default_{send_param,sndinfo,prinfo}`: one store per association
//! and per socket (`stack/send_defaults.rs`, which also applies them to sends). Gets read an
//! association or, for SCTP_FUTURE_ASSOC, the socket; sets take the FUTURE / CURRENT / ALL
//! forms; set flags beyond UNORDERED / ADDR_OVER / ABORT / EOF are EINVAL, so the PR policy
//! comes only from SCTP_DEFAULT_PRINFO (and a later SEND_PARAM / SNDINFO clears it, as in
//! Linux where all three share `default_flags`).

use super::{exact_struct, struct_of, with_sock, Row};
use crate::abi::{
    self, sctp_default_prinfo, sctp_sndinfo, sctp_sndrcvinfo, Pod, SCTP_PR_SCTP_MASK,
    SCTP_PR_SCTP_NONE,
};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_DEFAULT_SEND_PARAM,
        Some(get_send_param),
        Some(set_send_param),
    ),
    (
        abi::SCTP_DEFAULT_SNDINFO,
        Some(get_sndinfo),
        Some(set_sndinfo),
    ),
    (abi::SCTP_DEFAULT_PRINFO, Some(get_prinfo), Some(set_prinfo)),
];

/// The defaults `id` reads: an association's, or the socket's for SCTP_FUTURE_ASSOC.
fn defaults_of(s: &Sctp, id: i32) -> HookResult<sctp_sndrcvinfo> {
    with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => e.send_defaults(sid, aid),
            None => e.opts(sid)?.ext.send_default,
        })
    })
}

fn update(s: &Sctp, id: i32, f: impl Fn(&mut sctp_sndrcvinfo) + Send + 'static) -> HookResult<()> {
    with_sock(s, move |e, sid| e.update_send_defaults(sid, id, f))
}

/// Linux accepts only these flags as defaults.
fn check_flags(flags: u16) -> HookResult<()> {
    let allowed = abi::SCTP_UNORDERED | abi::SCTP_ADDR_OVER | abi::SCTP_ABORT | abi::SCTP_EOF;
    if flags & !allowed != 0 {
        return Err(libc::EINVAL);
    }
    Ok(())
}

/// Only the five default fields are written; the rest of the caller's struct comes back.
fn get_send_param(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_sndrcvinfo = struct_of(input)?;
    let d = defaults_of(s, p.sinfo_assoc_id)?;
    p.sinfo_stream = d.sinfo_stream;
    p.sinfo_flags = d.sinfo_flags;
    p.sinfo_ppid = d.sinfo_ppid;
    p.sinfo_context = d.sinfo_context;
    p.sinfo_timetolive = d.sinfo_timetolive;
    Ok(p.as_bytes().to_vec())
}

fn set_send_param(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_sndrcvinfo = exact_struct(v)?;
    check_flags(p.sinfo_flags)?;
    update(s, p.sinfo_assoc_id, move |d| {
        d.sinfo_stream = p.sinfo_stream;
        d.sinfo_flags = p.sinfo_flags;
        d.sinfo_ppid = p.sinfo_ppid;
        d.sinfo_context = p.sinfo_context;
        d.sinfo_timetolive = p.sinfo_timetolive;
    })
}

fn get_sndinfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_sndinfo = struct_of(input)?;
    let d = defaults_of(s, p.snd_assoc_id)?;
    p.snd_sid = d.sinfo_stream;
    p.snd_flags = d.sinfo_flags;
    p.snd_ppid = d.sinfo_ppid;
    p.snd_context = d.sinfo_context;
    Ok(p.as_bytes().to_vec())
}

/// As SEND_PARAM without the time to live.
fn set_sndinfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_sndinfo = exact_struct(v)?;
    check_flags(p.snd_flags)?;
    update(s, p.snd_assoc_id, move |d| {
        d.sinfo_stream = p.snd_sid;
        d.sinfo_flags = p.snd_flags;
        d.sinfo_ppid = p.snd_ppid;
        d.sinfo_context = p.snd_context;
    })
}

/// The policy bits of the default flags and the time to live (the PR value).
fn get_prinfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_default_prinfo = struct_of(input)?;
    let d = defaults_of(s, p.pr_assoc_id)?;
    p.pr_policy = d.sinfo_flags & SCTP_PR_SCTP_MASK;
    p.pr_value = d.sinfo_timetolive;
    Ok(p.as_bytes().to_vec())
}

/// A policy beyond SCTP_PR_SCTP_MASK is EINVAL; SCTP_PR_SCTP_NONE stores value 0.
fn set_prinfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let mut p: sctp_default_prinfo = exact_struct(v)?;
    if p.pr_policy & !SCTP_PR_SCTP_MASK != 0 {
        return Err(libc::EINVAL);
    }
    if p.pr_policy == SCTP_PR_SCTP_NONE {
        p.pr_value = 0;
    }
    update(s, p.pr_assoc_id, move |d| {
        d.sinfo_flags = (d.sinfo_flags & !SCTP_PR_SCTP_MASK) | p.pr_policy;
        d.sinfo_timetolive = p.pr_value;
    })
}
