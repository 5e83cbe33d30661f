//! SOL_SCTP options that act rather than store (Linux `sctp_getsockopt_*` / `sctp_setsockopt_*`):
//! SCTP_SOCKOPT_PEELOFF(_FLAGS) make a new fd, SCTP_SOCKOPT_CONNECTX3 starts an association and
//! returns its id (also with EINPROGRESS, so it writes the caller's buffer itself),
//! SCTP_SOCKOPT_BINDX_ADD binds an unbound socket to a list.

use super::Get;
use crate::abi::{self, sctp_assoc_t, sctp_getaddrs_old, Pod};
use crate::shim::fd::{copy_in, copy_out, nonblocking, Sctp};
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::decode_addr_list;
use crate::stack::registry::{self, Entry};
use crate::stack::{fdmap, fds, handle, settle};
use std::os::fd::{AsRawFd, IntoRawFd};

/// A getsockopt that this file answers; None for the option tables.
pub fn get(
    fd: i32,
    s: &Sctp,
    name: i32,
    input: &[u8],
    val: *mut libc::c_void,
    len: *mut libc::socklen_t,
) -> Option<HookResult<Get>> {
    Some(match name {
        abi::SCTP_SOCKOPT_PEELOFF => peeloff(s, input, false),
        abi::SCTP_SOCKOPT_PEELOFF_FLAGS => peeloff(s, input, true),
        abi::SCTP_SOCKOPT_CONNECTX3 => connectx3(fd, s, input, val, len),
        _ => return None,
    })
}

/// A setsockopt that this file answers; None for the option tables.
pub fn set(s: &Sctp, name: i32, v: &[u8]) -> Option<HookResult<()>> {
    Some(match name {
        abi::SCTP_SOCKOPT_BINDX_ADD => bindx_add(s, v),
        _ => return None,
    })
}

fn id_of(input: &[u8]) -> HookResult<sctp_assoc_t> {
    let b: [u8; 4] = input
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(libc::EINVAL)?;
    Ok(i32::from_ne_bytes(b))
}

/// SCTP_SOCKOPT_BINDX_ADD on an unbound socket: bind to every address of the list (the port
/// of the first). Adding addresses to a bound endpoint needs ASCONF-free address management
/// the endpoint does not have: EOPNOTSUPP.
fn bindx_add(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let list = decode_addr_list(v, s.policy())?;
    let sid = s.e.sid;
    handle::call(move |e| {
        if e.socks.get(&sid).is_some_and(|s| s.ep.is_some()) {
            return Err(libc::EOPNOTSUPP);
        }
        e.bind(sid, &list).map(|_| ())
    })?
}

/// SCTP_SOCKOPT_CONNECTX3: `sctp_getaddrs_old {id, bytes, addrs*}`; the id goes back in the
/// first four bytes of the caller's buffer, with EINPROGRESS too.
fn connectx3(
    fd: i32,
    s: &Sctp,
    input: &[u8],
    val: *mut libc::c_void,
    len: *mut libc::socklen_t,
) -> HookResult<Get> {
    let p = sctp_getaddrs_old::read_from(input).ok_or(libc::EINVAL)?;
    if p.addr_num <= 0 {
        return Err(libc::EINVAL);
    }
    let bytes = copy_in(p.addrs as *const u8, p.addr_num as usize)?;
    let peers = decode_addr_list(&bytes, s.policy())?;
    if s.e.listener {
        return Err(libc::EISCONN);
    }
    let sid = s.e.sid;
    let (id, slot) = handle::call(move |e| e.connectx(sid, &peers))??;
    let give_id = || -> HookResult<()> {
        copy_out(val.cast(), &id.to_ne_bytes())?;
        copy_out(len.cast(), &4u32.to_ne_bytes())
    };
    if nonblocking(fd) {
        settle::settle()?;
        give_id()?;
        return match slot.wait(Some(std::time::Duration::ZERO)) {
            Some(Err(e)) => Err(e),
            _ => Err(libc::EINPROGRESS),
        };
    }
    match slot.wait(None) {
        Some(Ok(())) => {
            give_id()?;
            Ok(Get::Value(id.to_ne_bytes().to_vec()))
        }
        Some(Err(e)) => Err(e),
        None => Err(libc::EIO),
    }
}

/// SCTP_SOCKOPT_PEELOFF(_FLAGS): `{assoc id, sd}` (+ flags); the new fd goes back in `sd`.
fn peeloff(s: &Sctp, input: &[u8], with_flags: bool) -> HookResult<Get> {
    let need = if with_flags { 12 } else { 8 };
    if input.len() < need {
        return Err(libc::EINVAL);
    }
    let id = id_of(input)?;
    let flags = if with_flags {
        u32::from_ne_bytes([input[8], input[9], input[10], input[11]]) as i32
    } else {
        0
    };
    if flags & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) != 0 {
        return Err(libc::EINVAL);
    }
    if s.one_to_one() {
        return Err(libc::EINVAL);
    }
    let (app, end) = rustix::net::socketpair(
        rustix::net::AddressFamily::UNIX,
        rustix::net::SocketType::SEQPACKET,
        rustix::net::SocketFlags::CLOEXEC | rustix::net::SocketFlags::NONBLOCK,
        None,
    )
    .map_err(|e| e.raw_os_error())?;
    if flags & libc::SOCK_NONBLOCK == 0 {
        rustix::fs::fcntl_setfl(&app, rustix::fs::OFlags::empty()).map_err(|e| e.raw_os_error())?;
    }
    if flags & libc::SOCK_CLOEXEC == 0 {
        rustix::io::fcntl_setfd(&app, rustix::io::FdFlags::empty())
            .map_err(|e| e.raw_os_error())?;
    }
    let end = fds::move_high(end.into_raw_fd())?;
    let key = registry::file_key(app.as_raw_fd())?;
    let new_sid = registry::next_sid();
    let sid = s.e.sid;
    handle::call(move |e| e.peeloff(sid, id, new_sid, key, end))??;
    // A peeled-off socket behaves as a one-to-one socket (Linux UDP_HIGH_BANDWIDTH style).
    registry::insert(
        key,
        Entry {
            sid: new_sid,
            ty: libc::SOCK_STREAM,
            listener: false,
            ..s.e
        },
    );
    let nfd = app.into_raw_fd();
    fdmap::SCTP_FDS.set(nfd, true);
    let mut out = input[..need].to_vec();
    out[4..8].copy_from_slice(&nfd.to_ne_bytes());
    Ok(Get::Value(out))
}
