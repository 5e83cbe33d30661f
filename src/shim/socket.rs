//! socket(): `AF_INET`/`AF_INET6` x `SOCK_STREAM`/`SOCK_SEQPACKET` with IPPROTO_SCTP becomes one
//! end of an AF_UNIX SOCK_SEQPACKET socketpair whose other end the engine holds; everything
//! else passes through. SOCK_NONBLOCK/SOCK_CLOEXEC are masked before the test (withsctp's
//! `type == SOCK_STREAM` test misses CPython's SOCK_CLOEXEC) and applied to the app's end.

use super::hook::{hook, HookResult};
use crate::stack::registry::{self, Entry, Sid};
use crate::stack::sock::Style;
use crate::stack::{fdmap, fds, handle, names, sys};
use rustix::net::{AddressFamily, SocketFlags, SocketType};
use std::os::fd::{AsFd, AsRawFd, IntoRawFd, OwnedFd};

const FLAGS: i32 = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;

hook! {
    @always fn socket(domain: i32, ty: i32, proto: i32) -> i32 {
        let base = ty & !FLAGS;
        let inet = domain == libc::AF_INET || domain == libc::AF_INET6;
        // SCTPSHIM_WITHSCTP: a TCP stream socket becomes a one-to-one SCTP one (withsctp).
        let tcp = base == libc::SOCK_STREAM && (proto == 0 || proto == libc::IPPROTO_TCP);
        let ours = inet
            && ((proto == libc::IPPROTO_SCTP
                && (base == libc::SOCK_STREAM || base == libc::SOCK_SEQPACKET))
                || (tcp && handle::with_sctp()));
        if !ours || handle::disabled() {
            return super::hook::check(unsafe { sys::socket(domain, ty, proto) });
        }
        sctp_socket(domain, base, ty & FLAGS)
    }
}

/// Make a new SCTP socket; returns the app's fd.
pub fn sctp_socket(domain: i32, base: i32, flags: i32) -> HookResult<i32> {
    handle::config()?;
    let h = handle::handle()?;
    let sid = registry::next_sid();
    let (app, end) = new_pair(
        sid,
        flags & libc::SOCK_NONBLOCK != 0,
        flags & libc::SOCK_CLOEXEC != 0,
    )?;
    let key = registry::file_key(app.as_raw_fd())?;
    registry::insert(
        key,
        Entry {
            sid,
            owner: sys::getpid(),
            ty: base,
            family: domain,
            listener: false,
            recv: 0,
            error: 0,
            v6only: false,
            unmapped: false,
        },
    );
    let style = if base == libc::SOCK_STREAM {
        Style::OneToOne
    } else {
        Style::OneToMany
    };
    let v6 = domain == libc::AF_INET6;
    // Watched now, registered by a job without a wake-up (handle::post_quiet).
    // SAFETY: the engine's I/O epoll is open for the life of the process.
    let epoll = unsafe { std::os::fd::BorrowedFd::borrow_raw(h.epoll) };
    if !crate::stack::engine::watch_end_in(epoll, sid, end.as_fd()) {
        registry::remove(key);
        return Err(libc::ENOMEM);
    }
    handle::post_quiet(move |e| e.create(sid, style, v6, key, end))?;
    let fd = app.into_raw_fd();
    fdmap::SCTP_FDS.set(fd, true);
    tracing::debug!(fd, sid, domain, ty = base, "sctp socket");
    Ok(fd)
}

/// A socketpair for socket `sid`: the app's end (O_NONBLOCK and FD_CLOEXEC as asked) and the
/// engine's end, moved high and named like every engine end, so that a program exec'ed with
/// the app's fd recognises it (stack::inherit).
pub fn new_pair(sid: Sid, nonblock: bool, cloexec: bool) -> HookResult<(OwnedFd, OwnedFd)> {
    let (app, end) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        None,
    )
    .map_err(|e| e.raw_os_error())?;
    if !nonblock {
        rustix::fs::fcntl_setfl(&app, rustix::fs::OFlags::empty()).map_err(|e| e.raw_os_error())?;
    }
    if !cloexec {
        rustix::io::fcntl_setfd(&app, rustix::io::FdFlags::empty())
            .map_err(|e| e.raw_os_error())?;
    }
    let end = fds::move_high(end.into_raw_fd())?;
    let (sun, len) = names::sockaddr(&names::name(handle::magic(), sys::getpid(), sid));
    // SAFETY: binding our own fresh socket to a valid sockaddr_un.
    if unsafe { libc::syscall(libc::SYS_bind, end.as_raw_fd(), &sun as *const _, len) } < 0 {
        let e = sys::errno();
        fds::close(end);
        return Err(e);
    }
    Ok((app, end))
}
