//! shutdown(): SHUT_WR/SHUT_RDWR are the real call on the app's end: the engine reads EOF and
//! starts the SCTP SHUTDOWN once queued data is sent (RFC 9260 9.2). SHUT_RD takes no protocol
//! action, as on Linux. An unconnected one-to-one socket gives ENOTCONN.

use super::fd::sctp;
use super::hook::{check, hook};
use crate::stack::{handle, sys};

hook! {
    fn shutdown(fd: i32, how: i32) -> i32 {
        let Some(s) = sctp(fd) else { return check(unsafe { sys::shutdown(fd, how) }) };
        if s.one_to_one() {
            let sid = s.e.sid;
            let connected = handle::call(move |e| e.app_shutdown(sid))?;
            if !connected || s.e.listener {
                return Err(libc::ENOTCONN);
            }
        }
        check(unsafe { sys::shutdown(fd, how) })
    }
}
