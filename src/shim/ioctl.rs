//! ioctl(): FIONREAD/SIOCINQ on an SCTP fd is the size of the next message's payload (Linux
//! `sctp_ioctl`), not the AF_UNIX queue; everything else (FIONBIO included) is the app fd's own.
//! The third argument is read as one integer register (see fcntl.rs).

use super::fd::copy_out;
use super::hook::{check, hook, HookResult};
use super::partial;
use crate::stack::frame::{Kind, RecvHeader};
use crate::stack::{fdmap, handle, sys};

hook! {
    fn ioctl(fd: i32, req: libc::c_ulong, arg: usize) -> i32 {
        if !fdmap::is_sctp(fd) || req != libc::FIONREAD {
            return check(unsafe { sys::ioctl(fd, req, arg) });
        }
        let n = next_size(fd)? as i32;
        copy_out(arg as *mut u8, &n.to_ne_bytes())?;
        Ok(0)
    }
}

/// Bytes of the next message piece readable on `fd` (0 when none is queued).
fn next_size(fd: i32) -> HookResult<usize> {
    if let Some(r) = partial::take(fd) {
        let n = r.data.len() - r.pos;
        partial::keep(r);
        return Ok(n);
    }
    let mut hb = [0u8; RecvHeader::LEN];
    let mut iov = libc::iovec {
        iov_base: hb.as_mut_ptr().cast(),
        iov_len: hb.len(),
    };
    // SAFETY: a msghdr over one live iovec.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    let flags = libc::MSG_PEEK | libc::MSG_TRUNC | libc::MSG_DONTWAIT;
    let n = unsafe { sys::recvmsg(fd, &mut msg, flags) };
    if n < 0 {
        let e = sys::errno();
        return if e == libc::EAGAIN { Ok(0) } else { Err(e) };
    }
    Ok(
        match RecvHeader::decode(handle::magic(), &hb[..(n as usize).min(RecvHeader::LEN)]) {
            Some(h) if h.kind != Kind::Error => (n as usize).saturating_sub(RecvHeader::LEN),
            _ => 0,
        },
    )
}
