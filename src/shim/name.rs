//! getsockname()/getpeername(): the SCTP addresses, never the AF_UNIX ones (in a fork child,
//! those of inherited sockets as they stood at fork).

use super::fd::{inherited, put_sockaddr, sctp};
use super::hook::{check, hook};
use super::sockopt::with_sock;
use crate::stack::sys;

hook! {
    fn getsockname(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd).or_else(|| inherited(fd)) else { return check(unsafe { sys::getsockname(fd, addr, len) }) };
        if addr.is_null() || len.is_null() {
            return Err(libc::EFAULT);
        }
        let addrs = with_sock(&s, |e, sid| e.local_addrs(sid))?;
        let a = addrs.first().ok_or(libc::EINVAL)?;
        put_sockaddr(addr, len, a, s.policy())?;
        Ok(0)
    }
}

hook! {
    fn getpeername(fd: i32, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd).or_else(|| inherited(fd)) else { return check(unsafe { sys::getpeername(fd, addr, len) }) };
        if addr.is_null() || len.is_null() {
            return Err(libc::EFAULT);
        }
        let addrs = with_sock(&s, |e, sid| e.peer_addrs(sid, 0))?;
        let a = addrs.first().ok_or(libc::ENOTCONN)?;
        put_sockaddr(addr, len, a, s.policy())?;
        Ok(0)
    }
}
