//! The RFC 6525 stream reconfiguration options (RFC 6525 6.3), with Linux's argument checks
//! and errnos (`net/sctp/socket.c`): SCTP_RECONFIG_SUPPORTED and SCTP_ENABLE_STREAM_RESET
//! (get and set, `struct sctp_assoc_value`), and the set-only requests SCTP_RESET_STREAMS
//! (`struct sctp_reset_streams` and its stream list), SCTP_RESET_ASSOC (an `sctp_assoc_t`)
//! and SCTP_ADD_STREAMS (`struct sctp_add_streams`). A request is ENOPROTOOPT unless both
//! sides enabled RE-CONFIG and the socket granted that request type, EINPROGRESS while
//! another is outstanding, EAGAIN while data waits to be sent. The engine side is
//! `stack/reconf.rs`.

use std::mem::size_of;

use super::sol_sctp::Row;
use super::with_sock;
use crate::abi::{self, sctp_add_streams, sctp_assoc_value, sctp_reset_streams, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::stack::engine::Engine;
use crate::stack::registry::Sid;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_RECONFIG_SUPPORTED,
        Some(get_reconfig_supported),
        Some(set_reconfig_supported),
    ),
    (
        abi::SCTP_ENABLE_STREAM_RESET,
        Some(get_enable_stream_reset),
        Some(set_enable_stream_reset),
    ),
    (abi::SCTP_RESET_STREAMS, None, Some(set_reset_streams)),
    (abi::SCTP_RESET_ASSOC, None, Some(set_reset_assoc)),
    (abi::SCTP_ADD_STREAMS, None, Some(set_add_streams)),
];

/// A set's `struct sctp_assoc_value`, exactly that long (Linux: EINVAL otherwise).
fn exact_assoc_value(v: &[u8]) -> HookResult<sctp_assoc_value> {
    if v.len() != size_of::<sctp_assoc_value>() {
        return Err(libc::EINVAL);
    }
    sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)
}

/// A get's `struct sctp_assoc_value` with `value` filled in for its association id.
fn assoc_value_reply(
    s: &Sctp,
    v: &[u8],
    value: fn(&mut Engine, Sid, abi::sctp_assoc_t) -> Result<u32, i32>,
) -> HookResult<Vec<u8>> {
    let mut a = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    let id = a.assoc_id;
    a.assoc_value = with_sock(s, move |e, sid| value(e, sid, id))?;
    Ok(a.as_bytes().to_vec())
}

fn get_reconfig_supported(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    assoc_value_reply(s, v, |e, sid, id| e.reconfig_supported(sid, id))
}

fn set_reconfig_supported(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let a = exact_assoc_value(v)?;
    let on = a.assoc_value != 0;
    with_sock(s, move |e, sid| {
        e.set_reconfig_supported(sid, a.assoc_id, on)
    })
}

fn get_enable_stream_reset(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    assoc_value_reply(s, v, |e, sid, id| e.stream_reset_enable(sid, id))
}

/// Flags outside SCTP_ENABLE_STRRESET_MASK are EINVAL.
fn set_enable_stream_reset(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let a = exact_assoc_value(v)?;
    if a.assoc_value & !abi::SCTP_ENABLE_STRRESET_MASK != 0 {
        return Err(libc::EINVAL);
    }
    with_sock(s, move |e, sid| {
        e.set_stream_reset_enable(sid, a.assoc_id, a.assoc_value)
    })
}

/// Linux `sctp_setsockopt_reset_streams`: the header, then `srs_number_streams` stream ids
/// that must all be within the option's length; neither direction flag is EINVAL (stack).
fn set_reset_streams(s: &Sctp, v: &[u8]) -> HookResult<()> {
    const HEADER: usize = size_of::<sctp_reset_streams>();
    let r = sctp_reset_streams::read_from(v).ok_or(libc::EINVAL)?;
    let n = usize::from(r.srs_number_streams);
    let list = v.get(HEADER..HEADER + 2 * n).ok_or(libc::EINVAL)?;
    let streams: Vec<u16> = list
        .chunks_exact(2)
        .map(|b| u16::from_ne_bytes([b[0], b[1]]))
        .collect();
    let incoming = r.srs_flags & abi::SCTP_STREAM_RESET_INCOMING != 0;
    let outgoing = r.srs_flags & abi::SCTP_STREAM_RESET_OUTGOING != 0;
    let id = r.srs_assoc_id;
    with_sock(s, move |e, sid| {
        e.reset_streams(sid, id, incoming, outgoing, streams)
    })
}

/// Linux `sctp_setsockopt_reset_assoc`: exactly an `sctp_assoc_t`.
fn set_reset_assoc(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let id: [u8; 4] = v.try_into().map_err(|_| libc::EINVAL)?;
    let id = abi::sctp_assoc_t::from_ne_bytes(id);
    with_sock(s, move |e, sid| e.reset_assoc(sid, id))
}

/// Linux `sctp_setsockopt_add_streams`: exactly a `struct sctp_add_streams`.
fn set_add_streams(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() != size_of::<sctp_add_streams>() {
        return Err(libc::EINVAL);
    }
    let a = sctp_add_streams::read_from(v).ok_or(libc::EINVAL)?;
    with_sock(s, move |e, sid| {
        e.add_streams(sid, a.sas_assoc_id, a.sas_instrms, a.sas_outstrms)
    })
}
