//! The send hooks: write, writev, send, sendto, sendmsg. A message up to one record without
//! metadata is the app's own write (plain payload, no hook work beyond a bitmap test); metadata
//! (a destination, SCTP cmsgs) goes in a header in iov[0]; a message larger than one record is
//! cut into records carrying MORE. SCTP refuses empty messages (EINVAL), which also keeps a
//! zero-length record from looking like EOF to the engine.

use super::cmsg::SendParams;
use super::fd::{copy_in, copy_in_iov, sctp};
use super::hook::{check, hook, HookResult};
use super::recv::{user_iovs, user_msghdr};
use super::sockaddr::verify_peer_addr;
use crate::abi::{
    SCTP_ABORT, SCTP_ADDR_OVER, SCTP_EOF, SCTP_SACK_IMMEDIATELY, SCTP_SENDALL, SCTP_UNORDERED,
};
use crate::stack::frame::{send_flags, PrKind, SendHeader, MAX_RECORD};
use crate::stack::{fdmap, handle, inline, settle, stream_check, sys};
use libc::{c_void, iovec, sockaddr, socklen_t};

/// Send one record: the header (if any) then the caller's iovecs.
fn send_record(fd: i32, hdr: Option<&SendHeader>, user: &[iovec], flags: i32) -> HookResult<usize> {
    if let Some(n) = direct(fd, hdr, user, flags)? {
        return Ok(n);
    }
    let mut hb = [0u8; SendHeader::LEN];
    let mut iov = Vec::with_capacity(user.len() + 1);
    if let Some(h) = hdr {
        h.encode(handle::magic(), &mut hb);
        iov.push(iovec {
            iov_base: hb.as_mut_ptr().cast(),
            iov_len: hb.len(),
        });
    }
    iov.extend_from_slice(user);
    // SAFETY: a msghdr over live iovecs; the kernel validates the caller's pointers.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = iov.len();
    let n = sent(
        fd,
        sctp_errno(fd, flags, check(unsafe { sys::sendmsg(fd, &msg, flags) })),
    )?;
    Ok((n as usize).saturating_sub(if hdr.is_some() { SendHeader::LEN } else { 0 }))
}

/// A message of one record straight to its association on this thread, when the engine is
/// free and nothing is queued before it (`stack::inline::submit`): no socketpair round trip,
/// no engine-thread wake-up. None: it goes through the socketpair.
fn direct(
    fd: i32,
    hdr: Option<&SendHeader>,
    user: &[iovec],
    flags: i32,
) -> HookResult<Option<usize>> {
    let plain = flags & !(libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) == 0;
    if !plain || hdr.is_some_and(|h| h.flags & send_flags::MORE != 0) {
        return Ok(None);
    }
    let Some(s) = sctp(fd) else { return Ok(None) };
    let len: usize = user.iter().map(|v| v.iov_len).sum();
    let h = hdr.copied().unwrap_or_default();
    let taken = inline::submit(s.e.sid, h, len, || copy_in_iov(user))?;
    Ok(taken.then_some(len))
}

/// After a record was written on SCTP fd `fd`: when the engine is free, this thread takes the
/// record into its association and transmits it (`stack::inline`).
pub(super) fn sent<T>(fd: i32, r: HookResult<T>) -> HookResult<T> {
    if r.is_ok() {
        if let Some(s) = sctp(fd) {
            inline::sent(s.e.sid);
        }
    }
    r
}

/// Linux's errno for a failed send on an SCTP socket: a TCP-style listener refuses with EPIPE
/// (and SIGPIPE unless MSG_NOSIGNAL) where its AF_UNIX listener says ENOTCONN; an end the
/// engine closed with the app's records unread (ECONNRESET from the kernel) reports the
/// socket's pending error once, then EPIPE (Linux `sctp_error`).
fn sctp_errno<T>(fd: i32, flags: i32, r: HookResult<T>) -> HookResult<T> {
    let pipe = || {
        if flags & libc::MSG_NOSIGNAL == 0 {
            // SAFETY: raising a signal in our own process, as the kernel would.
            unsafe { libc::raise(libc::SIGPIPE) };
        }
        Err(libc::EPIPE)
    };
    match r {
        Err(libc::ENOTCONN) if sctp(fd).is_some_and(|s| s.e.listener) => pipe(),
        Err(libc::ECONNRESET) => match sctp(fd).map(|s| super::sockerr::take(fd, &s)) {
            Some(0) | None => pipe(),
            Some(e) => Err(e),
        },
        r => r,
    }
}

/// Wait until `fd` can take a record (finishing a message already partly sent).
fn wait_writable(fd: i32) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one pollfd on the stack.
    unsafe { libc::syscall(libc::SYS_poll, &mut p as *mut libc::pollfd, 1, -1) };
}

/// EINVAL for a message naming (or defaulting to) a stream its association does not have
/// (`stack::stream_check`); stream 0 always exists, so most sends skip the engine.
fn check_stream(fd: i32, h: Option<&SendHeader>) -> HookResult<()> {
    if !stream_check::needs_check(h) {
        return Ok(());
    }
    let Some(s) = sctp(fd) else { return Ok(()) };
    let (sid, h) = (s.e.sid, h.copied().unwrap_or_default());
    if handle::call_inline(move |e| e.stream_refused(sid, &h))? {
        return Err(libc::EINVAL);
    }
    Ok(())
}

/// Send a whole message of `len` bytes with header `h`.
fn send_message(
    fd: i32,
    mut h: Option<SendHeader>,
    user: &[iovec],
    len: usize,
    flags: i32,
) -> HookResult<usize> {
    check_stream(fd, h.as_ref())?;
    if len <= MAX_RECORD {
        return send_record(fd, h.as_ref(), user, flags);
    }
    let data = copy_in_iov(user)?;
    let base = h.take().unwrap_or_default();
    let mut off = 0;
    while off < len {
        let piece = (len - off).min(MAX_RECORD);
        let mut ph = base;
        if off + piece < len {
            ph.flags |= send_flags::MORE;
        }
        let v = [iovec {
            iov_base: data[off..].as_ptr() as *mut c_void,
            iov_len: piece,
        }];
        match send_record(fd, Some(&ph), &v, flags) {
            Ok(_) => off += piece,
            Err(libc::EAGAIN) if off > 0 => wait_writable(fd),
            Err(libc::EINTR) if off > 0 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(len)
}

fn one(buf: *const c_void, len: usize) -> [iovec; 1] {
    [iovec {
        iov_base: buf as *mut c_void,
        iov_len: len,
    }]
}

/// SCTP_DISABLE_FRAGMENTS: a message larger than one DATA chunk is EMSGSIZE (checked only
/// while some socket of the process has the option on).
fn check_unfragmented(fd: i32, len: usize) -> HookResult<()> {
    if !crate::stack::sockopt_ext::any_unfragmented() {
        return Ok(());
    }
    let Some(s) = sctp(fd) else { return Ok(()) };
    let sid = s.e.sid;
    match handle::call(move |e| e.frag_limit(sid))? {
        Some(max) if len > max => Err(libc::EMSGSIZE),
        _ => Ok(()),
    }
}

hook! {
    fn write(fd: i32, buf: *const c_void, len: usize) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::write(fd, buf, len) });
        }
        check_unfragmented(fd, len)?;
        if len == 0 {
            return Err(libc::EINVAL);
        }
        send_message(fd, None, &one(buf, len), len, 0).map(|n| n as isize)
    }
}

hook! {
    fn send(fd: i32, buf: *const c_void, len: usize, flags: i32) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::send(fd, buf, len, flags) });
        }
        check_unfragmented(fd, len)?;
        if len == 0 {
            return Err(libc::EINVAL);
        }
        send_message(fd, None, &one(buf, len), len, flags).map(|n| n as isize)
    }
}

hook! {
    fn writev(fd: i32, iov: *const iovec, n: i32) -> isize {
        if !fdmap::is_sctp(fd) || !(0..=libc::UIO_MAXIOV).contains(&n) {
            return check(unsafe { sys::writev(fd, iov, n) });
        }
        let user = user_iovs(iov, n as usize)?;
        let len: usize = user.iter().map(|v| v.iov_len).sum();
        if len == 0 {
            return Err(libc::EINVAL);
        }
        check_unfragmented(fd, len)?;
        sctp_errno(fd, 0, send_message(fd, None, &user, len, 0).map(|n| n as isize))
    }
}

hook! {
    fn sendto(fd: i32, buf: *const c_void, len: usize, flags: i32, addr: *const sockaddr, alen: socklen_t) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::sendto(fd, buf, len, flags, addr, alen) });
        }
        if len == 0 {
            return Err(libc::EINVAL);
        }
        check_unfragmented(fd, len)?;
        let mut h = None;
        if !addr.is_null() {
            let s = sctp(fd).ok_or(libc::EBADF)?;
            let dest = verify_peer_addr(&copy_in(addr.cast(), alen as usize)?, s.policy())?;
            h = Some(SendHeader { dest: Some(dest), ..SendHeader::default() });
        }
        sctp_errno(fd, flags, send_message(fd, h, &one(buf, len), len, flags).map(|n| n as isize))
    }
}

hook! {
    fn sendmsg(fd: i32, msg: *const libc::msghdr, flags: i32) -> isize {
        if !fdmap::is_sctp(fd) {
            return check(unsafe { sys::sendmsg(fd, msg, flags) });
        }
        sctp_errno(fd, flags, sendmsg_sctp(fd, msg, flags))
    }
}

fn sendmsg_sctp(fd: i32, msg: *const libc::msghdr, flags: i32) -> HookResult<isize> {
    let m = user_msghdr(msg)?;
    if m.msg_iovlen > libc::UIO_MAXIOV as usize {
        return Err(libc::EMSGSIZE);
    }
    let user = user_iovs(m.msg_iov, m.msg_iovlen)?;
    let len: usize = user.iter().map(|v| v.iov_len).sum();
    let s = sctp(fd).ok_or(libc::EBADF)?;
    let dest = if m.msg_name.is_null() || m.msg_namelen == 0 {
        None
    } else {
        Some(verify_peer_addr(
            &copy_in(m.msg_name.cast(), m.msg_namelen as usize)?,
            s.policy(),
        )?)
    };
    let control = if m.msg_control.is_null() {
        Vec::new()
    } else {
        copy_in(m.msg_control.cast(), m.msg_controllen)?
    };
    let p = SendParams::parse(&control)?;
    p.validate(s.one_to_one(), len, dest.is_some())?;
    check_unfragmented(fd, len)?;
    // One-to-many with neither a destination nor an association: nowhere to send (Linux EPIPE).
    if !s.one_to_one() && dest.is_none() && !p.has_flag(SCTP_SENDALL) {
        // Without an address the message goes to sinfo_assoc_id, which must be one of this
        // socket's associations (`sctp_sendmsg`: no association is EPIPE).
        let (sid, id) = (s.e.sid, p.assoc_id());
        if !handle::call(move |e| e.assocs.get(&id) == Some(&sid))? {
            return Err(libc::EPIPE);
        }
    }
    if dest.is_none() && control.is_empty() {
        return Ok(send_message(fd, None, &user, len, flags)? as isize);
    }
    let map = [
        (SCTP_UNORDERED, send_flags::UNORDERED),
        (SCTP_SACK_IMMEDIATELY, send_flags::SACK_IMMEDIATELY),
        (SCTP_ADDR_OVER, send_flags::ADDR_OVER),
        (SCTP_EOF, send_flags::EOF),
        (SCTP_ABORT, send_flags::ABORT),
        (SCTP_SENDALL, send_flags::SENDALL),
    ];
    let h = SendHeader {
        flags: map
            .iter()
            .filter(|(f, _)| p.has_flag(*f))
            .fold(p.presence_flags(), |acc, (_, g)| acc | g),
        stream: p.info.sinfo_stream,
        ppid: p.info.sinfo_ppid,
        context: p.info.sinfo_context,
        assoc_id: p.assoc_id(),
        pr: PrKind::from_flags(p.info.sinfo_flags),
        pr_value: p.info.sinfo_timetolive,
        dest,
        init: p
            .init
            .map_or([0; 4], |i| crate::stack::sock::initmsg_fields(&i)),
    };
    if let Some(dest) = dest {
        let (extra, short) = p.dst_addrs();
        if !extra.is_empty() || short {
            // A new association gets the SCTP_DSTADDRV4/V6 addresses too (stack::implicit);
            // a refused stream starts none (Linux frees the one it made).
            check_stream(fd, Some(&h))?;
            let (sid, extra, init) = (s.e.sid, extra.to_vec(), h.init);
            handle::call(move |e| e.setup_for_message(sid, dest, &extra, short, init))??;
        }
    }
    let n = send_message(fd, Some(h), &user, len, flags)?;
    if dest.is_some() && !s.one_to_one() {
        // A one-to-many send with an address may set an association up: on Linux loopback
        // the handshake (and this message) are through before the next call.
        settle::settle()?;
    } else if h.flags & (send_flags::ABORT | send_flags::EOF) != 0 {
        // Ending an association is synchronous on Linux (SCTP_STATUS right after fails):
        // have the engine take the record now and run the exchange on loopback.
        let sid = s.e.sid;
        let h = handle::handle()?;
        handle::call(move |e| {
            e.read_app(sid);
            e.settle(h);
        })?;
    }
    Ok(n as isize)
}
