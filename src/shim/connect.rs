//! connect(): starts an association and waits for COMMUNICATION UP. A blocking socket waits for
//! the outcome (within SO_SNDTIMEO, until a signal handler runs, as Linux's does); a non-blocking one waits at most [`NONBLOCK_WAIT`] so that same-host handshakes
//! finish before it returns EINPROGRESS (as on Linux loopback; `accept()` right after succeeds),
//! its POLLOUT held low until the setup ends and a failure reported by POLLERR and SO_ERROR
//! (`stack::pending`).

use super::fd::{copy_in, nonblocking, refuse_inherited, replace_fd, sctp, Sctp};
use super::hook::{check, hook, HookResult};
use super::sockaddr::parse_connect_addr;
use super::socket::new_pair;
use crate::stack::reader::{self, Served};
use crate::stack::registry::{self, Entry};
use crate::stack::{handle, sys};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

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
    let start = move |peers: Vec<SocketAddr>| {
        handle::call_inline(move |e| {
            let r = e.connect(sid, &peers);
            if nb && r.is_ok() {
                e.hold_for_connect(sid, fd);
            }
            r
        })
        .and_then(|r| r)
    };
    let (id, slot) = match start(peers.clone()) {
        // A failed non-blocking setup ended the app's fd (stack/pending.rs): connect again
        // on a fresh one, as Linux lets a TCP-style socket in CLOSED do.
        Err(libc::ECONNABORTED) if s.one_to_one() => renew(fd, s).and_then(|()| start(peers)),
        r => r,
    }
    .map_err(|e| (e, None))?;
    if nb {
        slot.wait(Some(NONBLOCK_WAIT));
        return Err((libc::EINPROGRESS, Some(id)));
    }
    // Linux `sctp_wait_for_connect`: SO_SNDTIMEO bounds the wait (then EINPROGRESS); a
    // signal handler ends it with EINTR, or, without a timeout and with SA_RESTART, restarts
    // connect(), which finds the setup under way (EALREADY) or done (EISCONN). Either way the
    // setup goes on as a non-blocking connect's does.
    // SAFETY: the app's fd, open for the duration of this call.
    let app = unsafe { BorrowedFd::borrow_raw(fd) };
    let timeout = rustix::net::sockopt::socket_timeout(app, rustix::net::sockopt::Timeout::Send)
        .map_err(|e| (e.raw_os_error(), Some(id)))?;
    let deadline = timeout.map(|t| Instant::now() + t);
    // The handshake's packets are processed on this thread while it waits, when it can.
    let outcome = match reader::serve_until(deadline, || slot.try_take()) {
        Served::Done(r) => Some(r),
        Served::NotOurs => slot.wait(timeout),
        Served::TimedOut => None,
        Served::Interrupted => {
            hold_pollout(sid, fd);
            let e = if !reader::restarts_after_signal(timeout.is_some()) {
                libc::EINTR
            } else if matches!(slot.try_take(), Some(Ok(()))) {
                libc::EISCONN
            } else {
                libc::EALREADY
            };
            return Err((e, Some(id)));
        }
    };
    match outcome {
        Some(Ok(())) => Ok(id),
        Some(Err(e)) => Err((e, Some(id))),
        None => {
            hold_pollout(sid, fd);
            Err((libc::EINPROGRESS, Some(id)))
        }
    }
}

/// A blocking connect() of socket `sid` (app fd `fd`) returns with its setup still under
/// way: from now on it is shown as a non-blocking one's is (stack/pending.rs).
fn hold_pollout(sid: registry::Sid, fd: i32) {
    let _ = handle::call_inline(move |e| e.hold_for_connect(sid, fd));
}

/// Give one-to-one socket `s` (app fd `fd`) a fresh socketpair after its failed setup closed
/// the engine's end: the new app end replaces the fd number (dup3) with the same O_NONBLOCK,
/// FD_CLOEXEC and SO_RCVTIMEO/SO_SNDTIMEO, and the engine takes the new end.
fn renew(fd: i32, s: &Sctp) -> HookResult<()> {
    use rustix::net::sockopt::{set_socket_timeout, socket_timeout, Timeout};
    let sid = s.e.sid;
    let (app, end) = new_pair(sid, nonblocking(fd), true)?;
    // SAFETY: the app's fd, open for the duration of this call.
    let old = unsafe { BorrowedFd::borrow_raw(fd) };
    for t in [Timeout::Recv, Timeout::Send] {
        let v = socket_timeout(old, t).map_err(|e| e.raw_os_error())?;
        set_socket_timeout(&app, t, v).map_err(|e| e.raw_os_error())?;
    }
    replace_fd(app.as_raw_fd(), fd)?;
    drop(app);
    let key = registry::file_key(fd)?;
    registry::remove(s.key);
    registry::insert(
        key,
        Entry {
            recv: 0,
            error: 0,
            ..s.e
        },
    );
    handle::call(move |e| e.reattach(sid, key, end))?
}
