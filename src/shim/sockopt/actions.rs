//! The libsctp "action" options: socket options that do something rather than set a value
//! (lksctp-tools src/lib/bindx.c, connectx.c, peeloff.c). SCTP_SOCKOPT_BINDX_ADD/REM,
//! SCTP_SOCKOPT_CONNECTX_OLD and SCTP_SOCKOPT_CONNECTX are setsockopt (CONNECTX returns the
//! association id); SCTP_SOCKOPT_CONNECTX3, SCTP_SOCKOPT_PEELOFF(_FLAGS) are getsockopt that
//! write their result into the option buffer, CONNECTX3 even when failing with EINPROGRESS.

use super::super::connect::connect_wait;
use super::int_of;
use crate::abi::{self, sctp_getaddrs_old, sctp_peeloff_flags_arg_t, Pod};
use crate::shim::fd::{copy_in, copy_out, read_len, Sctp};
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{decode_addr_list, is_valid_peer_ip};
use crate::stack::registry::{self, Entry};
use crate::stack::{fdmap, handle};
use std::os::fd::{AsRawFd, IntoRawFd};

/// setsockopt actions; None when `name` is not one.
pub fn set(fd: i32, s: &Sctp, name: i32, v: &[u8]) -> Option<HookResult<i32>> {
    Some(match name {
        abi::SCTP_SOCKOPT_BINDX_ADD => bindx_add(s, v).map(|()| 0),
        abi::SCTP_SOCKOPT_BINDX_REM => bindx_rem(s, v).map(|()| 0),
        abi::SCTP_SOCKOPT_CONNECTX_OLD => connectx(fd, s, v).map(|_| 0),
        abi::SCTP_SOCKOPT_CONNECTX => connectx(fd, s, v),
        _ => return None,
    })
}

/// getsockopt actions; None when `name` is not one.
pub fn get(
    fd: i32,
    s: &Sctp,
    name: i32,
    val: *mut u8,
    len: *mut libc::socklen_t,
) -> Option<HookResult<i32>> {
    Some(match name {
        abi::SCTP_SOCKOPT_CONNECTX3 => connectx3(fd, s, val, len),
        abi::SCTP_SOCKOPT_PEELOFF => peeloff(s, val, len, false),
        abi::SCTP_SOCKOPT_PEELOFF_FLAGS => peeloff(s, val, len, true),
        _ => return None,
    })
}

/// sctp_bindx(ADD): binds an unbound socket to all the addresses (one port), or adds them to
/// its endpoint ([`crate::stack::bindx`]).
fn bindx_add(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let addrs = decode_addr_list(v, s.policy())?;
    let sid = s.e.sid;
    handle::call(move |e| e.bindx_add(sid, &addrs))?
}

/// sctp_bindx(REM): removes addresses from the socket's endpoint.
fn bindx_rem(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let addrs = decode_addr_list(v, s.policy())?;
    let sid = s.e.sid;
    handle::call(move |e| e.bindx_rem(sid, &addrs))?
}

/// The packed peer addresses of a connectx; each must be a unicast address with a port
/// (Linux `sctp_verify_addr` in `__sctp_connect`: EINVAL).
fn connectx_peers(v: &[u8], s: &Sctp) -> HookResult<Vec<std::net::SocketAddr>> {
    let peers = decode_addr_list(v, s.policy())?;
    // Port 0 is no SCTP port (RFC 9260 3.1): no association can be set up to it.
    if peers
        .iter()
        .any(|p| !is_valid_peer_ip(p.ip()) || p.port() == 0)
    {
        return Err(libc::EINVAL);
    }
    Ok(peers)
}

/// sctp_connectx: the packed peer addresses; returns the association id.
fn connectx(fd: i32, s: &Sctp, v: &[u8]) -> HookResult<i32> {
    let peers = connectx_peers(v, s)?;
    connect_wait(fd, s, peers).map_err(|(e, _)| e)
}

/// SCTP_SOCKOPT_CONNECTX3: `struct sctp_getaddrs_old` {assoc_id, addr_num (bytes), addrs}.
fn connectx3(fd: i32, s: &Sctp, val: *mut u8, len: *mut libc::socklen_t) -> HookResult<i32> {
    if read_len(len)? < std::mem::size_of::<sctp_getaddrs_old>() {
        return Err(libc::EINVAL);
    }
    let arg =
        sctp_getaddrs_old::read_from(&copy_in(val, std::mem::size_of::<sctp_getaddrs_old>())?)
            .ok_or(libc::EINVAL)?;
    let n = usize::try_from(arg.addr_num).map_err(|_| libc::EINVAL)?;
    let peers = connectx_peers(&copy_in(arg.addrs.cast(), n)?, s)?;
    let (r, id) = match connect_wait(fd, s, peers) {
        Ok(id) => (Ok(0), Some(id)),
        Err((e, id)) => (Err(e), id),
    };
    if let Some(id) = id {
        copy_out(val, &id.to_ne_bytes())?;
        copy_out(len.cast(), &4u32.to_ne_bytes())?;
    }
    r
}

/// SCTP_SOCKOPT_PEELOFF(_FLAGS): a new one-to-one socket for association `associd`.
fn peeloff(s: &Sctp, val: *mut u8, len: *mut libc::socklen_t, with_flags: bool) -> HookResult<i32> {
    let size = if with_flags {
        std::mem::size_of::<sctp_peeloff_flags_arg_t>()
    } else {
        std::mem::size_of::<abi::sctp_peeloff_arg_t>()
    };
    if read_len(len)? < size {
        return Err(libc::EINVAL);
    }
    let arg = copy_in(val, size)?;
    let id = int_of(&arg)?;
    let flags = if with_flags { int_of(&arg[8..])? } else { 0 };
    if flags & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) != 0 || s.one_to_one() {
        return Err(libc::EINVAL);
    }
    let new = registry::next_sid();
    let (app, end) = crate::shim::socket::new_pair(
        new,
        flags & libc::SOCK_NONBLOCK != 0,
        flags & libc::SOCK_CLOEXEC != 0,
    )?;
    let key = registry::file_key(app.as_raw_fd())?;
    let sid = s.e.sid;
    handle::call(move |e| e.peeloff(sid, id, new, key, end))??;
    registry::insert(
        key,
        Entry {
            sid: new,
            ty: libc::SOCK_STREAM,
            listener: false,
            ..s.e
        },
    );
    let sd = app.into_raw_fd();
    fdmap::SCTP_FDS.set(sd, true);
    copy_out(val.wrapping_add(4), &sd.to_ne_bytes())?;
    Ok(0)
}
