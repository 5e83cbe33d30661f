//! The socket's pending error (Linux `sk_err`), reported once by whichever call sees it first:
//! SO_ERROR, a recv that finds no more data before it, or a send (`sock_error` clears it in
//! each, net/core/sock.c; sctp_recvmsg and sctp_error in net/sctp/socket.c).
//!
//! The engine keeps it per socket (then in the registry once the socket is freed); the recv
//! hooks meet it as an error record in the data, or as ECONNRESET from the kernel when the
//! engine closed its end with records unread. Taking it also clears the app end's own kernel
//! error, so POLLERR ends when the error has been reported, as on Linux.

use super::fd::Sctp;
use super::sockopt::with_sock;
use crate::stack::registry;

/// Take socket `s`'s pending error: 0 when there is none (any more).
pub fn take(fd: i32, s: &Sctp) -> i32 {
    clear_kernel_error(fd);
    match with_sock(s, |e, sid| Ok(e.take_error(sid))) {
        Ok(Some(err)) => err,
        Ok(None) | Err(_) => {
            let mut err = 0;
            registry::update(s.key, |e| err = std::mem::take(&mut e.error));
            err
        }
    }
}

/// Read (and so clear) the AF_UNIX end's own SO_ERROR.
fn clear_kernel_error(fd: i32) {
    let mut v = 0i32;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: getsockopt into a local int.
    unsafe {
        libc::syscall(
            libc::SYS_getsockopt,
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            &mut v as *mut i32,
            &mut len as *mut libc::socklen_t,
        )
    };
}

/// Whether one-to-one socket `s` has no association (never connected, or its setup failed):
/// its reads say ENOTCONN.
pub fn unconnected(s: &Sctp) -> bool {
    s.one_to_one()
        && !s.e.listener
        && with_sock(s, |e, sid| Ok(e.unconnected(sid))).unwrap_or(false)
}
