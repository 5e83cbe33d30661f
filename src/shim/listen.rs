//! listen(): the endpoint starts accepting associations. A one-to-one socket's app fd becomes
//! an AF_UNIX listener in place: a fresh listener bound to the socket's abstract name is
//! dup3()ed onto the fd number (same O_NONBLOCK and FD_CLOEXEC), so accept() and poll() on it
//! are the kernel's. Trade-off: an epoll registration or a dup of the fd made *before* listen()
//! still refers to the old socketpair end (applications register listeners after listen()).
//! The name is listening before the engine accepts any INIT, so the engine's connect for a new
//! association always finds it.

use super::fd::{nonblocking, refuse_inherited, replace_fd, sctp, Sctp};
use super::hook::{check, hook, HookResult};
use crate::stack::registry::{self, Entry};
use crate::stack::{fds, handle, names, sys};
use std::os::fd::AsRawFd;

/// AF_UNIX backlog of the app's listener: SCTP's backlog is enforced by the endpoint.
const UNIX_BACKLOG: i32 = 4096;

hook! {
    fn listen(fd: i32, backlog: i32) -> i32 {
        let Some(s) = sctp(fd) else { return refuse_inherited(fd, || check(unsafe { sys::listen(fd, backlog) })) };
        let sid = s.e.sid;
        if !s.one_to_one() || s.e.listener {
            handle::call(move |e| e.listen(sid, backlog))??;
            return Ok(0);
        }
        become_listener(fd, &s, backlog)?;
        Ok(0)
    }
}

fn become_listener(fd: i32, s: &Sctp, backlog: i32) -> HookResult<()> {
    let sid = s.e.sid;
    let mut ty = libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC;
    if nonblocking(fd) {
        ty |= libc::SOCK_NONBLOCK;
    }
    // SAFETY: raw socket calls on a fresh fd that we own until it is dup3()ed away.
    let l = unsafe { libc::syscall(libc::SYS_socket, libc::AF_UNIX, ty, 0) } as i32;
    if l < 0 {
        return Err(sys::errno());
    }
    let tmp = fds::move_high(l)?;
    let (sun, len) = names::sockaddr(&names::listener(handle::magic(), sys::getpid(), sid));
    let ok = unsafe {
        libc::syscall(libc::SYS_bind, tmp.as_raw_fd(), &sun as *const _, len) == 0
            && libc::syscall(libc::SYS_listen, tmp.as_raw_fd(), UNIX_BACKLOG) == 0
    };
    if !ok {
        let e = sys::errno();
        fds::close(tmp);
        return Err(e);
    }
    if let Err(e) = handle::call(move |e| e.listen(sid, backlog))? {
        fds::close(tmp);
        return Err(e);
    }
    let r = replace_fd(tmp.as_raw_fd(), fd);
    fds::close(tmp);
    r?;
    let key = registry::file_key(fd)?;
    registry::remove(s.key);
    registry::insert(
        key,
        Entry {
            listener: true,
            ..s.e
        },
    );
    handle::post(move |e| e.rekey(sid, key))?;
    Ok(())
}
