//! The ancillary data of a received SCTP message (Linux `sctp_recvmsg`): SCTP_NXTINFO about the
//! next queued record, SCTP_RCVINFO and SCTP_SNDRCV about this one, as the socket asks for them
//! at read time (registry `recv` bits). The bytes are laid out by
//! [`super::cmsg::write_recv_cmsgs`].

use super::cmsg::{write_recv_cmsgs, RecvCmsgOpts, RecvMeta};
use super::fd::copy_out;
use super::hook::HookResult;
use crate::abi::SCTP_UNORDERED;
use crate::stack::frame::{Kind, RecvHeader, FLAG_MORE, FLAG_UNORDERED};
use crate::stack::registry::{RECV_NXTINFO, RECV_RCVINFO, RECV_SNDRCV};
use crate::stack::{handle, sys};

fn meta(h: &RecvHeader, length: u32) -> RecvMeta {
    RecvMeta {
        stream: h.stream,
        ssn: h.ssn as u16,
        flags: if h.flags & FLAG_UNORDERED != 0 {
            SCTP_UNORDERED
        } else {
            0
        },
        ppid: h.ppid,
        tsn: h.tsn,
        cumtsn: h.cum_tsn,
        context: h.context,
        assoc_id: h.assoc_id,
        notification: h.kind == Kind::Notification,
        length,
    }
}

/// The header and payload length of the next record queued on `fd`, without taking it.
fn peek_next(fd: i32) -> Option<RecvMeta> {
    let mut hb = [0u8; RecvHeader::LEN];
    let mut iov = [libc::iovec {
        iov_base: hb.as_mut_ptr().cast(),
        iov_len: hb.len(),
    }];
    // SAFETY: a msghdr over our own buffer; MSG_TRUNC makes the kernel report the full length.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = 1;
    let n = unsafe {
        sys::recvmsg(
            fd,
            &mut msg,
            libc::MSG_PEEK | libc::MSG_DONTWAIT | libc::MSG_TRUNC,
        )
    };
    if n < RecvHeader::LEN as isize {
        return None;
    }
    let h = RecvHeader::decode(handle::magic(), &hb)?;
    (h.kind != Kind::Error).then(|| meta(&h, (n as usize - RecvHeader::LEN) as u32))
}

/// Write the cmsgs (`recv`: registry RECV_* bits) of a record with header `h` into the caller's
/// control buffer (`control`, `room` bytes); returns (`msg_controllen`, MSG_CTRUNC).
/// `complete`: the message has been read to its end, so the next record is the next message.
pub fn put_recv_cmsgs(
    fd: i32,
    h: &RecvHeader,
    recv: u8,
    complete: bool,
    control: *mut libc::c_void,
    room: usize,
) -> HookResult<(usize, bool)> {
    let opts = RecvCmsgOpts {
        nxtinfo: recv & RECV_NXTINFO != 0,
        rcvinfo: recv & RECV_RCVINFO != 0,
        sndrcv: recv & RECV_SNDRCV != 0,
    };
    if !(opts.nxtinfo || opts.rcvinfo || opts.sndrcv) {
        return Ok((0, false));
    }
    let next = if opts.nxtinfo && complete && h.flags & FLAG_MORE == 0 {
        // A message the peer already sent on loopback counts as queued, as on Linux.
        peek_next(fd).or_else(|| {
            crate::stack::settle::settle().ok()?;
            peek_next(fd)
        })
    } else {
        None
    };
    let room = if control.is_null() { 0 } else { room };
    let mut buf = [0u8; 256];
    let room = room.min(buf.len());
    let (used, trunc) = write_recv_cmsgs(&mut buf[..room], opts, &meta(h, 0), next.as_ref());
    copy_out(control.cast(), &buf[..used])?;
    Ok((used, trunc))
}
