//! accept()/accept4(): the real call on the app's AF_UNIX listener (so blocking, O_NONBLOCK and
//! poll are the kernel's); the engine's end is named after the new socket, which tells the hook
//! which association it got. The peer address is the association's primary path.

use super::fd::{put_sockaddr, read_len, refuse_inherited, sctp};
use super::hook::{check, hook, HookResult};
use crate::stack::registry::{self, Entry};
use crate::stack::{fdmap, handle, names, reader, settle, sys};

hook! {
    fn accept(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> i32 {
        if sctp(fd).is_none() {
            return refuse_inherited(fd, || check(unsafe { sys::accept(fd, addr, len) }));
        }
        sctp_accept(fd, addr, len, 0)
    }
}

hook! {
    fn accept4(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t, flags: i32) -> i32 {
        if sctp(fd).is_none() {
            return refuse_inherited(fd, || check(unsafe { sys::accept4(fd, addr, len, flags) }));
        }
        sctp_accept(fd, addr, len, flags)
    }
}

fn sctp_accept(
    fd: i32,
    addr: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
    flags: i32,
) -> HookResult<i32> {
    let Some(l) = sctp(fd) else {
        return Err(libc::EBADF);
    };
    if !addr.is_null() {
        read_len(len)?;
    }
    // Associations whose setup is already under way on loopback are acceptable now.
    settle::settle()?;
    let nfd = check(wait_and_accept(fd, l.e.listener, flags))?;
    let r = adopt(nfd, &l.e).and_then(|(e, peer)| {
        put_sockaddr(
            addr,
            len,
            &peer,
            super::fd::Sctp { key: (0, 0), e }.policy(),
        )
    });
    match r {
        Ok(()) => Ok(nfd),
        Err(e) => {
            fdmap::SCTP_FDS.set(nfd, false);
            unsafe { sys::close(nfd) };
            Err(e)
        }
    }
}

/// A blocking accept on a listener: this thread serves the engine's I/O (the handshakes)
/// until the listener is readable ([`reader`]), or blocks in the kernel when another thread
/// does. On a socket that does not listen the kernel's answer (EINVAL) comes at once.
/// Returns as `accept4` does.
fn wait_and_accept(fd: i32, listener: bool, flags: i32) -> i32 {
    // SAFETY: accept4 on the app's fd, no address asked for.
    let accept = || unsafe { sys::accept4(fd, std::ptr::null_mut(), std::ptr::null_mut(), flags) };
    // What the caller's settle made acceptable needs no wait (nor the I/O taken for it).
    if !listener || super::fd::nonblocking(fd) || super::fd::readable_now(fd) {
        return accept();
    }
    let ready = |_| super::fd::readable_now(fd).then_some(None);
    match reader::wait(fd, rustix::event::PollFlags::IN, None, ready, || {
        Some(accept())
    }) {
        Ok(Some(nfd)) => nfd,
        // Ready: the reader role is given up before the call (another thread may accept
        // first; then this one blocks as it would without the library).
        Ok(None) => accept(),
        Err(e) => {
            sys::set_errno(e);
            -1
        }
    }
}

/// Register the accepted fd as the socket its peer's name gives.
fn adopt(nfd: i32, listener: &Entry) -> HookResult<(Entry, std::net::SocketAddr)> {
    // SAFETY: the kernel writes at most `len` bytes of the peer's name.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    if unsafe {
        libc::syscall(
            libc::SYS_getpeername,
            nfd,
            &mut sun as *mut _,
            &mut len as *mut _,
        )
    } < 0
    {
        return Err(libc::ECONNABORTED);
    }
    let sid = names::parse(handle::magic(), sys::getpid(), &sun, len).ok_or(libc::ECONNABORTED)?;
    let key = registry::file_key(nfd)?;
    let e = Entry {
        sid,
        listener: false,
        ..*listener
    };
    registry::insert(key, e);
    fdmap::SCTP_FDS.set(nfd, true);
    let peer = handle::call_inline(move |eng| eng.accepted(sid, key))??;
    Ok((e, peer))
}
