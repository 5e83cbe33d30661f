//! sendfile()/sendfile64() into an SCTP socket: the file's bytes become one message per call
//! (at most one record's worth; sendfile may return a short count). Other destinations pass
//! through.

use super::hook::{check, hook, HookResult};
use crate::stack::frame::MAX_RECORD;
use crate::stack::{fdmap, sys};

hook! {
    fn sendfile(out: i32, inp: i32, off: *mut libc::off_t, count: usize) -> isize {
        if !fdmap::is_sctp(out) {
            return check(unsafe { sys::sendfile(out, inp, off, count) });
        }
        file_to_sctp(out, inp, off.cast(), count)
    }
}

hook! {
    fn sendfile64(out: i32, inp: i32, off: *mut libc::off64_t, count: usize) -> isize {
        if !fdmap::is_sctp(out) {
            return check(unsafe { sys::sendfile64(out, inp, off, count) });
        }
        file_to_sctp(out, inp, off, count)
    }
}

fn file_to_sctp(out: i32, inp: i32, off: *mut libc::off64_t, count: usize) -> HookResult<isize> {
    let mut buf = vec![0u8; count.min(MAX_RECORD)];
    if buf.is_empty() {
        return Ok(0);
    }
    // Read at an explicit position so that a failed send consumes nothing.
    let start = if off.is_null() {
        // SAFETY: lseek on the caller's fd.
        let p = unsafe {
            libc::syscall(
                libc::SYS_lseek,
                inp,
                0 as libc::c_long,
                libc::SEEK_CUR as libc::c_long,
            )
        };
        if p < 0 {
            return Err(sys::errno());
        }
        p
    } else {
        let b = super::fd::copy_in(off.cast(), 8)?;
        i64::from_ne_bytes(b.try_into().map_err(|_| libc::EFAULT)?)
    };
    // SAFETY: reading into our own buffer.
    let n = unsafe { libc::syscall(libc::SYS_pread64, inp, buf.as_mut_ptr(), buf.len(), start) };
    if n < 0 {
        return Err(sys::errno());
    }
    if n == 0 {
        return Ok(0);
    }
    let sent = super::send::sent(
        out,
        check(unsafe { sys::send(out, buf.as_ptr().cast(), n as usize, 0) }),
    )?;
    let end = start + sent as i64;
    if off.is_null() {
        // SAFETY: lseek on the caller's fd.
        unsafe { libc::syscall(libc::SYS_lseek, inp, end, libc::SEEK_SET as libc::c_long) };
    } else {
        super::fd::copy_out(off.cast(), &end.to_ne_bytes())?;
    }
    Ok(sent)
}
