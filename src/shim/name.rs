//! getsockname()/getpeername(): the SCTP addresses, never the AF_UNIX ones.

use super::fd::{put_sockaddr, sctp};
use super::hook::{check, hook};
use crate::stack::{handle, sys};

hook! {
    fn getsockname(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return check(unsafe { sys::getsockname(fd, addr, len) }) };
        if addr.is_null() || len.is_null() {
            return Err(libc::EFAULT);
        }
        let sid = s.e.sid;
        let addrs = handle::call(move |e| e.local_addrs(sid))??;
        let a = addrs.first().ok_or(libc::EINVAL)?;
        put_sockaddr(addr, len, a, s.policy())?;
        Ok(0)
    }
}

hook! {
    fn getpeername(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return check(unsafe { sys::getpeername(fd, addr, len) }) };
        if addr.is_null() || len.is_null() {
            return Err(libc::EFAULT);
        }
        let sid = s.e.sid;
        let addrs = handle::call(move |e| e.peer_addrs(sid, 0))??;
        let a = addrs.first().ok_or(libc::ENOTCONN)?;
        put_sockaddr(addr, len, a, s.policy())?;
        Ok(0)
    }
}
