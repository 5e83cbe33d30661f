//! connect(): starts an association and waits for COMMUNICATION UP. A blocking socket waits for
//! the outcome; a non-blocking one waits at most [`NONBLOCK_WAIT`] so that same-host handshakes
//! finish before it returns EINPROGRESS (as on Linux loopback; `accept()` right after succeeds),
//! its POLLOUT held low until the setup ends and a failure reported by POLLERR and SO_ERROR
//! (`stack::pending`).

use super::fd::{copy_in, nonblocking, refuse_inherited, sctp, Sctp};
use super::hook::{check, hook};
use super::sockaddr::parse_connect_addr;
use crate::stack::{handle, sys};
use std::net::SocketAddr;
use std::time::Duration;

/// How long a non-blocking connect() waits for a handshake to finish.
const NONBLOCK_WAIT: Duration = Duration::from_millis(200);

hook! {
    fn connect(fd: i32, addr: *const libc::sockaddr, len: libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return refuse_inherited(fd, || check(unsafe { sys::connect(fd, addr, len) })) };
        let bytes = copy_in(addr.cast(), len as usize)?;
        let peer = parse_connect_addr(&bytes, s.policy())?;
        if s.e.listener {
            return Err(libc::EISCONN);
        }
        connect_wait(fd, &s, vec![peer]).map(|_| 0).map_err(|(e, _)| e)
    }
}

/// Start an association from socket `s` (app fd `fd`) to `peers` and wait as connect() does.
/// Ok(id) when up; Err((errno, id)) otherwise (EINPROGRESS carries the id, as connectx wants).
pub fn connect_wait(fd: i32, s: &Sctp, peers: Vec<SocketAddr>) -> Result<i32, (i32, Option<i32>)> {
    let sid = s.e.sid;
    let nb = nonblocking(fd);
    let (id, slot) = handle::call_inline(move |e| {
        let r = e.connect(sid, &peers);
        if nb && r.is_ok() {
            e.hold_for_connect(sid, fd);
        }
        r
    })
    .and_then(|r| r)
    .map_err(|e| (e, None))?;
    if nb {
        slot.wait(Some(NONBLOCK_WAIT));
        return Err((libc::EINPROGRESS, Some(id)));
    }
    match slot.wait(None) {
        Some(Ok(())) => Ok(id),
        Some(Err(e)) => Err((e, Some(id))),
        None => Err((libc::EIO, Some(id))),
    }
}
