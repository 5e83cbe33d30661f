//! close(), close_range(), dup(), dup2(), dup3(): keep the fd hint map true and protect the
//! engine's fds. The engine learns that an app socket is gone from its socketpair end (EOF and
//! HUP when the last reference goes, whoever closes it, even glibc-internal closes); a
//! one-to-one listener, of which the engine holds no end, and a socket whose end the engine has
//! shut down (HUP is then ambiguous, `stack::shut`) are reported from here.

use super::fd::sctp;
use super::hook::{check, hook};
use crate::stack::fdmap::{self, INTERNAL_FDS, SCTP_FDS};
use crate::stack::frame::{Kind, RecvHeader};
use crate::stack::registry::{self, FileKey};
use crate::stack::{handle, settle, sys};

hook! {
    fn close(fd: i32) -> i32 {
        if fdmap::is_internal(fd) {
            return Err(libc::EBADF);
        }
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::close(fd) });
        }
        let key = registry::file_key(fd).ok();
        let s = sctp(fd);
        SCTP_FDS.set(fd, false);
        // After a fork a child may still hold the file: then the engine learns of the last
        // close from HUP on its end (socat's `fork`: the parent closes its copy at once).
        let last = key.filter(|&k| !still_open(k));
        let s = s.filter(|_| last.is_some() && !crate::stack::fork::has_forked());
        // Data the app leaves unread ends its associations with ABORT, as Linux's close
        // does; what is queued for it goes with the file anyway.
        let unread = s.as_ref().is_some_and(|s| !s.e.listener && drain_data(fd));
        let unread = last.is_some_and(super::partial::forget) || unread;
        if let Some(sid) = s.as_ref().filter(|_| unread).map(|s| s.e.sid) {
            // Before the close: the engine may see the end's HUP before any job posted after.
            let _ = handle::call_inline(move |e| e.mark_unread(sid));
        }
        let r = check(unsafe { sys::close(fd) });
        if last.is_none() {
            return r;
        }
        if let Some(s) = s {
            registry::remove(s.key);
            let sid = s.e.sid;
            super::rcv_context::forget(sid);
            if s.e.listener {
                let _ = handle::post_inline(move |e| e.app_gone(sid));
            } else {
                let _ = handle::post_inline(move |e| e.app_closed(sid));
            }
            // The SHUTDOWN (or ABORT) this close starts completes on loopback before close
            // returns, as in the kernel.
            let _ = settle::settle();
        }
        r
    }
}

/// At exit, before the kernel closes the process's fds: each socket left with data unread
/// is marked so that the close the exit makes aborts its associations, as Linux's
/// `sctp_close` does for every socket of an exiting process. Not after a fork: a child may
/// still hold (and read) the sockets.
pub fn mark_unread_at_exit() {
    if crate::stack::fork::has_forked() {
        return;
    }
    let mut sids = Vec::new();
    SCTP_FDS.for_each(|fd| {
        if let Some(s) = sctp(fd).filter(|s| !s.e.listener && !sids.contains(&s.e.sid)) {
            if drain_data(fd) || super::partial::forget(s.key) {
                sids.push(s.e.sid);
            }
        }
    });
    if !sids.is_empty() {
        let _ = handle::call(move |e| sids.into_iter().for_each(|sid| e.mark_unread(sid)));
    }
}

/// An fd of open file `key` is gone (closed, or replaced by dup2/dup3): when it was this
/// process's last, the file's unread rest goes with it; returns whether it was.
fn released(key: FileKey) -> bool {
    if still_open(key) {
        return false;
    }
    super::partial::forget(key);
    true
}

/// Reads (and drops) the records left on app fd `fd`, which its close is about to discard;
/// true when one of them was data (notifications do not count: Linux `sctp_close`).
fn drain_data(fd: i32) -> bool {
    let magic = handle::magic();
    let mut hb = [0u8; RecvHeader::LEN];
    let mut data = false;
    loop {
        // SAFETY: a header-sized read into our buffer; MSG_TRUNC drops the rest of the record.
        let n = unsafe {
            libc::syscall(
                libc::SYS_recvfrom,
                fd,
                hb.as_mut_ptr(),
                hb.len(),
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
                0,
                0,
            )
        };
        if n <= 0 {
            return data;
        }
        data |= RecvHeader::decode(magic, &hb).is_some_and(|h| h.kind == Kind::Data);
    }
}

/// Does another fd of this process still refer to open file `key`?
fn still_open(key: FileKey) -> bool {
    let mut open = false;
    SCTP_FDS.for_each(|fd| open = open || registry::file_key(fd) == Ok(key));
    open
}

/// The open file behind `new` when it is an SCTP app fd that dup2/dup3 is about to replace.
fn replaced(old: i32, new: i32) -> Option<FileKey> {
    (old != new && fdmap::is_sctp(new))
        .then(|| registry::file_key(new).ok())
        .flatten()
}

hook! {
    fn close_range(first: u32, last: u32, flags: i32) -> i32 {
        if flags & libc::CLOSE_RANGE_CLOEXEC as i32 != 0 || !fdmap::ANY_SCTP.load(std::sync::atomic::Ordering::Relaxed) {
            return check(unsafe { sys::close_range(first, last, flags) });
        }
        // Close around our fds.
        let mut from = first;
        for fd in first..=last.min(65535) {
            if INTERNAL_FDS.contains(fd as i32) {
                if fd > from {
                    check(unsafe { sys::close_range(from, fd - 1, flags) })?;
                }
                from = fd + 1;
            }
        }
        SCTP_FDS.clear_range(first, last);
        if from <= last {
            check(unsafe { sys::close_range(from, last, flags) })?;
        }
        Ok(0)
    }
}

hook! {
    fn dup(fd: i32) -> i32 {
        if fdmap::is_internal(fd) {
            return Err(libc::EBADF);
        }
        let n = check(unsafe { sys::dup(fd) })?;
        SCTP_FDS.set(n, fdmap::is_sctp(fd));
        Ok(n)
    }
}

hook! {
    fn dup2(old: i32, new: i32) -> i32 {
        if fdmap::is_internal(old) || fdmap::is_internal(new) {
            return Err(libc::EBADF);
        }
        let gone = replaced(old, new);
        let n = check(unsafe { sys::dup2(old, new) })?;
        if n != old {
            SCTP_FDS.set(n, fdmap::is_sctp(old));
        }
        gone.map(released);
        Ok(n)
    }
}

hook! {
    fn dup3(old: i32, new: i32, flags: i32) -> i32 {
        if fdmap::is_internal(old) || fdmap::is_internal(new) {
            return Err(libc::EBADF);
        }
        let gone = replaced(old, new);
        let n = check(unsafe { sys::dup3(old, new, flags) })?;
        SCTP_FDS.set(n, fdmap::is_sctp(old));
        gone.map(released);
        Ok(n)
    }
}
