//! bind(): binds the socket's endpoint (mirror mode: the UDP port of the same number).

use super::fd::{copy_in, refuse_inherited, sctp};
use super::hook::{check, hook};
use super::sockaddr::parse_sockaddr;
use crate::stack::config::PortMode;
use crate::stack::{handle, held_ports, sys};
use std::os::fd::BorrowedFd;
use std::time::Duration;

/// How long a bind with SO_REUSEADDR waits for a keeper to let its port go.
const HELD_PORT_WAIT: Duration = Duration::from_secs(3);

hook! {
    fn bind(fd: i32, addr: *const libc::sockaddr, len: libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return refuse_inherited(fd, || check(unsafe { sys::bind(fd, addr, len) })) };
        let bytes = copy_in(addr.cast(), len as usize)?;
        let a = parse_sockaddr(&bytes, s.policy())?;
        let sid = s.e.sid;
        match handle::call(move |e| e.bind(sid, &[a]))? {
            Err(libc::EADDRINUSE) if may_wait_for_keeper(fd, a.port()) => {
                handle::call(move |e| e.bind(sid, &[a]))??;
            }
            r => {
                r?;
            }
        }
        Ok(0)
    }
}

/// A port in use that a keeper of ours still holds for a closed socket's associations is
/// free to a socket with SO_REUSEADDR once they end, as on Linux (`stack::held_ports`):
/// true when it was, and is now released.
fn may_wait_for_keeper(fd: i32, port: u16) -> bool {
    let mirror = handle::config().is_ok_and(|c| c.mode == PortMode::Mirror);
    // SAFETY: `fd` is the app's socket (its AF_UNIX end holds the SOL_SOCKET flags).
    let reuse = unsafe { BorrowedFd::borrow_raw(fd) };
    mirror
        && port != 0
        && rustix::net::sockopt::socket_reuseaddr(reuse).unwrap_or(false)
        && held_ports::wait_released(port, HELD_PORT_WAIT)
}
