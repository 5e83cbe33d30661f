//! bind(): binds the socket's endpoint (mirror mode: the UDP port of the same number).

use super::fd::{copy_in, refuse_inherited, sctp};
use super::hook::{check, hook};
use super::sockaddr::parse_sockaddr;
use crate::stack::{handle, sys};

hook! {
    fn bind(fd: i32, addr: *const libc::sockaddr, len: libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return refuse_inherited(fd, || check(unsafe { sys::bind(fd, addr, len) })) };
        let bytes = copy_in(addr.cast(), len as usize)?;
        let a = parse_sockaddr(&bytes, s.policy())?;
        let sid = s.e.sid;
        handle::call(move |e| e.bind(sid, &[a]))??;
        Ok(0)
    }
}
