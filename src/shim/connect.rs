//! connect(): starts an association and waits for COMMUNICATION UP. A blocking socket waits for
//! the outcome; a non-blocking one waits at most [`NONBLOCK_WAIT`] so that same-host handshakes
//! finish before it returns EINPROGRESS (as on Linux loopback; `accept()` right after succeeds),
//! and reports a later failure through SO_ERROR.

use super::fd::{copy_in, nonblocking, sctp};
use super::hook::{check, hook};
use super::sockaddr::parse_connect_addr;
use crate::stack::{handle, sys};
use std::time::Duration;

/// How long a non-blocking connect() waits for a handshake to finish.
const NONBLOCK_WAIT: Duration = Duration::from_millis(200);

hook! {
    fn connect(fd: i32, addr: *const libc::sockaddr, len: libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return check(unsafe { sys::connect(fd, addr, len) }) };
        let bytes = copy_in(addr.cast(), len as usize)?;
        let peer = parse_connect_addr(&bytes, s.policy())?;
        if s.e.listener {
            return Err(libc::EISCONN);
        }
        let sid = s.e.sid;
        let slot = handle::call(move |e| e.connect(sid, &[peer]))??;
        if nonblocking(fd) {
            slot.wait(Some(NONBLOCK_WAIT));
            return Err(libc::EINPROGRESS);
        }
        match slot.wait(None) {
            Some(Ok(())) => Ok(0),
            Some(Err(e)) => Err(e),
            None => Err(libc::EIO),
        }
    }
}
