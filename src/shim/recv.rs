//! The receive hooks: read, readv, recv, recvfrom, recvmsg and glibc's fortified __read_chk,
//! __recv_chk, __recvfrom_chk. On an SCTP app fd each reads one record with a scatter read
//! whose iov[0] is our header (the payload lands in the caller's buffer, no copy), keeps what
//! does not fit for the next read (`partial`), and joins the records of a message larger than
//! one record while the caller's buffer has room. Blocking, O_NONBLOCK, MSG_DONTWAIT, timeouts
//! and EINTR are the kernel's, on the app's own fd.

use super::fd::{copy_in, copy_out, put_sockaddr, sctp};
use super::hook::{check, hook, HookResult};
use super::partial::{self, Rest};
use super::sockerr;
use crate::stack::frame::{Kind, RecvHeader, FLAG_MORE, FLAG_PIECE_END, MAX_RECORD};
use crate::stack::{fdmap, handle, reader, registry, settle, sys};
use libc::{c_void, iovec, sockaddr, socklen_t};

/// What one receive returned.
pub struct Got {
    pub n: usize,
    /// The header of the (last) record read; None at EOF.
    pub hdr: Option<RecvHeader>,
    /// The message is complete (MSG_EOR).
    pub eor: bool,
}

/// Copy `data` into the caller's iovecs from byte `skip` on; returns bytes copied.
fn scatter(user: &[iovec], mut skip: usize, mut data: &[u8]) -> HookResult<usize> {
    let mut done = 0;
    for v in user {
        if data.is_empty() {
            break;
        }
        if skip >= v.iov_len {
            skip -= v.iov_len;
            continue;
        }
        let room = v.iov_len - skip;
        let k = room.min(data.len());
        copy_out((v.iov_base as *mut u8).wrapping_add(skip), &data[..k])?;
        skip = 0;
        done += k;
        data = &data[k..];
    }
    Ok(done)
}

/// The caller's iovecs from byte `skip` on.
fn from_offset(user: &[iovec], mut skip: usize, out: &mut Vec<iovec>) {
    for v in user {
        if skip >= v.iov_len {
            skip -= v.iov_len;
            continue;
        }
        out.push(iovec {
            iov_base: (v.iov_base as *mut u8).wrapping_add(skip).cast(),
            iov_len: v.iov_len - skip,
        });
        skip = 0;
    }
}

/// Receive one SCTP message (or the next piece of one) into `user`.
pub fn recv_sctp(fd: i32, user: &[iovec], flags: i32) -> HookResult<Got> {
    let peek = flags & libc::MSG_PEEK != 0;
    let total: usize = user.iter().map(|v| v.iov_len).sum();
    if let Some(mut r) = partial::take(fd) {
        let n = scatter(user, 0, &r.data[r.pos..])?;
        let done = r.pos + n >= r.data.len();
        let eor = done && r.hdr.flags & FLAG_MORE == 0;
        let hdr = r.hdr;
        if !peek {
            r.pos += n;
        }
        if !done || peek {
            partial::keep(r);
        }
        return Ok(Got {
            n,
            hdr: Some(hdr),
            eor,
        });
    }
    let magic = handle::magic();
    let mut got = 0usize;
    let mut last: Option<RecvHeader> = None;
    let mut iov = Vec::with_capacity(user.len() + 2);
    // Where a record's overflow lands, once less than a record's room is left.
    let mut spare: Option<Vec<u8>> = None;
    let mut rflags = flags & !libc::MSG_TRUNC;
    let mut settled = false;
    let mut reread = false;
    let result = loop {
        let mut hb = [0u8; RecvHeader::LEN];
        iov.clear();
        iov.push(iovec {
            iov_base: hb.as_mut_ptr().cast(),
            iov_len: hb.len(),
        });
        from_offset(user, got, &mut iov);
        if total - got < MAX_RECORD {
            let s = spare.get_or_insert_with(partial::spare);
            iov.push(iovec {
                iov_base: s.as_mut_ptr().cast(),
                iov_len: s.len(),
            });
        }
        // SAFETY: a msghdr over live iovecs; the kernel validates the caller's pointers.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = iov.as_mut_ptr();
        msg.msg_iovlen = iov.len();
        let mut n = unsafe { sys::recvmsg(fd, &mut msg, rflags | libc::MSG_DONTWAIT) };
        if n < 0 && got == 0 && sys::errno() == libc::EAGAIN && !settled {
            settled = true;
            // What the peer already sent on loopback must be readable now (Linux delivers it
            // before its sendmsg returns); then wait as the caller asked, unless that would
            // be forever.
            let blocking = rflags & libc::MSG_DONTWAIT == 0 && !super::fd::nonblocking(fd);
            let sid = blocking
                .then(|| sctp(fd))
                .flatten()
                .filter(|s| !s.e.listener)
                .map(|s| s.e.sid);
            if settle_idle(sid)? {
                break Err(libc::ENOTCONN);
            }
            n = if blocking {
                let handover = sid.filter(|_| !peek).map(|sid| (sid, total));
                match wait_and_recv(fd, &mut msg, rflags, handover) {
                    Waited::Read(n) => n,
                    Waited::Handed(h, data) => {
                        break take_handed(fd, user, h, data).map(|n| {
                            got = n;
                            last = Some(h);
                        });
                    }
                }
            } else {
                unsafe { sys::recvmsg(fd, &mut msg, rflags) }
            };
        }
        if n < 0 {
            let e = sys::errno();
            // After a first piece, "nothing more yet" just ends this read.
            if got > 0 {
                break Ok(());
            }
            if e == libc::ECONNRESET && !reread {
                reread = true;
                match ended(fd, true) {
                    Some(r) => break r,
                    None => continue,
                }
            }
            break Err(e);
        }
        let n = n as usize;
        if n == 0 {
            if got == 0 {
                if let Some(r) = ended(fd, false) {
                    break r;
                }
            }
            break Ok(());
        }
        let Some(h) = RecvHeader::decode(magic, &hb[..n.min(RecvHeader::LEN)]) else {
            tracing::warn!(fd, n, "record without our header on an SCTP fd");
            break Err(libc::EIO);
        };
        if h.kind == Kind::Error {
            if got > 0 {
                break Ok(());
            }
            match error_record(fd, h.context as i32) {
                Some(e) => break Err(e),
                // Reported already: what follows (EOF) answers this read.
                None => continue,
            }
        }
        let payload = n.saturating_sub(RecvHeader::LEN);
        let room = total - got;
        let here = payload.min(room);
        got += here;
        last = Some(h);
        if payload > room {
            if !peek {
                let s = spare.take().unwrap_or_default();
                if let Ok(key) = registry::file_key(fd) {
                    partial::keep(Rest {
                        key,
                        hdr: h,
                        data: s[..payload - room].to_vec(),
                        pos: 0,
                    });
                }
                partial::give_back(s);
            }
            break Ok(());
        }
        // A message larger than one record: join the next record while there is room (not
        // past the end of a partial-delivery piece).
        let piece_end = h.flags & FLAG_PIECE_END != 0;
        if h.flags & FLAG_MORE == 0 || piece_end || got >= total || peek || h.kind != Kind::Data {
            break Ok(());
        }
        rflags |= libc::MSG_DONTWAIT;
    };
    if let Some(s) = spare {
        partial::give_back(s);
    }
    result?;
    if got > 0 && !peek {
        // The app's read may reopen a receive window its unread records had shrunk.
        crate::stack::inline::read(|| sctp(fd).map(|s| s.e.sid));
    }
    let eor = last.is_some_and(|h| h.flags & FLAG_MORE == 0) && partial_done(fd);
    Ok(Got {
        n: got,
        hdr: last,
        eor,
    })
}

/// Before a read waits: a read that would not block (`sid` None) lets the engine process what
/// is pending first ([`settle`]: what the peer sent on loopback is readable now, as on Linux).
/// A blocking read of socket `sid` needs no settle (its wait serves the engine's I/O:
/// [`reader`]), only to know whether it would wait forever: a one-to-many socket with no
/// association that does not listen, or a one-to-one socket without association (Linux
/// `sctp_recvmsg` gives ENOTCONN at once). Only such a socket is settled first, since what
/// is pending may still give it an association. One engine round trip.
fn settle_idle(sid: Option<registry::Sid>) -> HookResult<bool> {
    let Some(sid) = sid else {
        return settle::settle().map(|()| false);
    };
    let Some(h) = handle::owned() else {
        return Ok(false);
    };
    let idle = move |e: &crate::stack::engine::Engine| {
        e.unconnected(sid)
            || e.socks.get(&sid).is_some_and(|x| {
                x.style == crate::stack::sock::Style::OneToMany
                    && x.peers.is_empty()
                    && !x.listening
            })
    };
    handle::call_inline(move |e| {
        if !idle(e) {
            return false;
        }
        // Records the app sent may still wait in the engine's end (implicit setup).
        e.read_app(sid);
        e.settle(h);
        idle(e)
    })
}

/// How a blocking receive's wait ended.
enum Waited {
    /// As `recvmsg` returns (-1 with errno set).
    Read(isize),
    /// The reader's turn handed a message over (stack/handover.rs).
    Handed(RecvHeader, Vec<u8>),
}

/// A blocking `recvmsg` on app fd `fd`: this thread serves the engine's I/O while it waits
/// when no other does ([`reader`]), else it blocks in the kernel. With `handover` (the socket
/// and the caller's room) a message may come straight from the reader's turn.
fn wait_and_recv(
    fd: i32,
    msg: &mut libc::msghdr,
    flags: i32,
    handover: Option<(registry::Sid, usize)>,
) -> Waited {
    let msg: *mut libc::msghdr = msg;
    let attempt = |handed: Option<reader::Handed>| {
        if let Some((h, data)) = handed {
            return Some(Waited::Handed(h, data));
        }
        // SAFETY: as the caller's recvmsg (`msg` outlives this call).
        let n = unsafe { sys::recvmsg(fd, msg, flags | libc::MSG_DONTWAIT) };
        (n >= 0 || sys::errno() != libc::EAGAIN).then_some(Waited::Read(n))
    };
    // SAFETY: as above.
    let block = || Waited::Read(unsafe { sys::recvmsg(fd, msg, flags) });
    match reader::wait(fd, rustix::event::PollFlags::IN, handover, attempt, block) {
        Ok(w) => w,
        Err(e) => {
            sys::set_errno(e);
            Waited::Read(-1)
        }
    }
}

/// A message handed over by the reader's turn goes into the caller's buffer, which it fits;
/// when that buffer cannot be written (EFAULT) the message stays for the next read.
fn take_handed(fd: i32, user: &[iovec], hdr: RecvHeader, data: Vec<u8>) -> HookResult<usize> {
    scatter(user, 0, &data).inspect_err(|_| {
        if let Ok(key) = registry::file_key(fd) {
            partial::keep(Rest {
                key,
                hdr,
                data,
                pos: 0,
            });
        }
    })
}

/// The kernel ended the read (EOF, or ECONNRESET: the engine closed its end with records of
/// the app unread): what Linux's `sctp_recvmsg` says instead. None: read again (a pending error
/// already reported by SO_ERROR; the kernel's own is cleared now).
fn ended(fd: i32, reset: bool) -> Option<HookResult<()>> {
    let Some(s) = sctp(fd) else {
        return Some(if reset { Err(libc::ECONNRESET) } else { Ok(()) });
    };
    if sockerr::unconnected(&s) {
        return Some(Err(libc::ENOTCONN));
    }
    if !reset {
        return Some(Ok(()));
    }
    match sockerr::take(fd, &s) {
        0 => None,
        e => Some(Err(e)),
    }
}

/// An error record: ENOTCONN (the app shut down and the association ended) always; the
/// association's failure only while it is pending (not yet reported by SO_ERROR), else None.
fn error_record(fd: i32, errno: i32) -> Option<i32> {
    let errno = if errno > 0 { errno } else { libc::ECONNRESET };
    if errno == libc::ENOTCONN {
        return Some(errno);
    }
    match sctp(fd) {
        Some(s) => match sockerr::take(fd, &s) {
            0 => None,
            e => Some(e),
        },
        // Not ours to clear (a fork child's or exec'd image's inherited fd).
        None => Some(errno),
    }
}

/// No rest of the current record is pending for `fd`.
fn partial_done(fd: i32) -> bool {
    match partial::take(fd) {
        None => true,
        Some(r) => {
            partial::keep(r);
            false
        }
    }
}

/// The socket's identity for addresses and receive cmsgs (its own, or inherited by fork).
fn identity(fd: i32) -> Option<super::fd::Sctp> {
    sctp(fd).or_else(|| super::fd::inherited(fd))
}

fn one(buf: *mut c_void, len: usize) -> [iovec; 1] {
    [iovec {
        iov_base: buf,
        iov_len: len,
    }]
}

hook! {
    fn read(fd: i32, buf: *mut c_void, len: usize) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::read(fd, buf, len) });
        }
        Ok(recv_sctp(fd, &one(buf, len), 0)?.n as isize)
    }
}

hook! {
    fn __read_chk(fd: i32, buf: *mut c_void, len: usize, buflen: usize) -> isize {
        if !fdmap::is_sctp(fd) || len > buflen {
            return check(unsafe { sys::__read_chk(fd, buf, len, buflen) });
        }
        Ok(recv_sctp(fd, &one(buf, len), 0)?.n as isize)
    }
}

hook! {
    fn readv(fd: i32, iov: *const iovec, n: i32) -> isize {
        if !fdmap::is_sctp(fd) || !(0..=libc::UIO_MAXIOV).contains(&n) {
            return check(unsafe { sys::readv(fd, iov, n) });
        }
        let user = user_iovs(iov, n as usize)?;
        Ok(recv_sctp(fd, &user, 0)?.n as isize)
    }
}

hook! {
    fn recv(fd: i32, buf: *mut c_void, len: usize, flags: i32) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::recv(fd, buf, len, flags) });
        }
        Ok(recv_sctp(fd, &one(buf, len), flags)?.n as isize)
    }
}

hook! {
    fn __recv_chk(fd: i32, buf: *mut c_void, len: usize, buflen: usize, flags: i32) -> isize {
        if !fdmap::is_sctp(fd) || len > buflen {
            return check(unsafe { sys::__recv_chk(fd, buf, len, buflen, flags) });
        }
        Ok(recv_sctp(fd, &one(buf, len), flags)?.n as isize)
    }
}

hook! {
    fn recvfrom(fd: i32, buf: *mut c_void, len: usize, flags: i32, addr: *mut sockaddr, alen: *mut socklen_t) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::recvfrom(fd, buf, len, flags, addr, alen) });
        }
        recvfrom_sctp(fd, buf, len, flags, addr, alen)
    }
}

hook! {
    fn __recvfrom_chk(fd: i32, buf: *mut c_void, len: usize, buflen: usize, flags: i32, addr: *mut sockaddr, alen: *mut socklen_t) -> isize {
        if !fdmap::is_sctp(fd) || len > buflen {
            return check(unsafe { sys::__recvfrom_chk(fd, buf, len, buflen, flags, addr, alen) });
        }
        recvfrom_sctp(fd, buf, len, flags, addr, alen)
    }
}

fn recvfrom_sctp(
    fd: i32,
    buf: *mut c_void,
    len: usize,
    flags: i32,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> HookResult<isize> {
    let g = recv_sctp(fd, &one(buf, len), flags)?;
    if let (Some(peer), Some(s)) = (g.hdr.and_then(|h| h.peer), identity(fd)) {
        put_sockaddr(addr, alen, &peer, s.policy())?;
    }
    Ok(g.n as isize)
}

hook! {
    fn recvmsg(fd: i32, msg: *mut libc::msghdr, flags: i32) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::recvmsg(fd, msg, flags) });
        }
        recvmsg_sctp(fd, msg, flags)
    }
}

/// Copy the caller's iovec array (EFAULT on a bad pointer).
pub fn user_iovs(iov: *const iovec, n: usize) -> HookResult<Vec<iovec>> {
    let bytes = copy_in(iov.cast(), n * std::mem::size_of::<iovec>())?;
    Ok(bytes
        .chunks_exact(std::mem::size_of::<iovec>())
        // SAFETY: iovec is plain old data; read_unaligned copies it out of the byte buffer.
        .map(|c| unsafe { std::ptr::read_unaligned(c.as_ptr() as *const iovec) })
        .collect())
}

/// Copy the caller's msghdr (EFAULT on a bad pointer).
pub fn user_msghdr(msg: *const libc::msghdr) -> HookResult<libc::msghdr> {
    let b = copy_in(msg.cast(), std::mem::size_of::<libc::msghdr>())?;
    // SAFETY: msghdr is plain old data.
    Ok(unsafe { std::ptr::read_unaligned(b.as_ptr() as *const libc::msghdr) })
}

fn recvmsg_sctp(fd: i32, msg: *mut libc::msghdr, flags: i32) -> HookResult<isize> {
    let mut m = user_msghdr(msg)?;
    if m.msg_iovlen > libc::UIO_MAXIOV as usize {
        return Err(libc::EMSGSIZE);
    }
    let user = user_iovs(m.msg_iov, m.msg_iovlen)?;
    let g = recv_sctp(fd, &user, flags)?;
    let mut out_flags = 0;
    if g.eor {
        out_flags |= libc::MSG_EOR;
    }
    if let Some(h) = g.hdr {
        if h.kind == Kind::Notification {
            out_flags |= crate::abi::MSG_NOTIFICATION;
        }
        match (h.peer, identity(fd)) {
            (Some(peer), Some(s)) if !m.msg_name.is_null() => {
                let raw = super::sockaddr::format_sockaddr(&peer, s.policy());
                let k = raw.len().min(m.msg_namelen as usize);
                copy_out(m.msg_name.cast(), &raw.as_bytes()[..k])?;
                m.msg_namelen = raw.len() as socklen_t;
            }
            _ => m.msg_namelen = 0,
        }
    } else {
        m.msg_namelen = 0;
    }
    m.msg_controllen = match (g.hdr, identity(fd)) {
        (Some(mut h), Some(s)) if s.e.recv != 0 => {
            h.context = super::rcv_context::of(s.e.sid, h.assoc_id, h.context);
            let (used, trunc) = super::recv_cmsg::put_recv_cmsgs(
                fd,
                &h,
                s.e.recv,
                g.eor,
                m.msg_control,
                m.msg_controllen,
            )?;
            if trunc {
                out_flags |= libc::MSG_CTRUNC;
            }
            used
        }
        _ => 0,
    };
    m.msg_flags = out_flags;
    // SAFETY: msghdr as bytes, written back to the caller.
    let bytes = unsafe {
        std::slice::from_raw_parts(
            &m as *const libc::msghdr as *const u8,
            std::mem::size_of::<libc::msghdr>(),
        )
    };
    copy_out(msg.cast(), bytes)?;
    Ok(g.n as isize)
}
