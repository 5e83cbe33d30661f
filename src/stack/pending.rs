//! A non-blocking connect in progress on a one-to-one socket, made visible to poll/select/epoll
//! as Linux's `sctp_poll` shows it: no POLLOUT while the socket is not yet ESTABLISHED, POLLOUT
//! when COMMUNICATION UP arrives, POLLERR and SO_ERROR (ETIMEDOUT / ECONNREFUSED) when the setup
//! fails.
//!
//! An AF_UNIX end is writable while its queued bytes (sk_wmem_alloc, counted until the peer end
//! reads them) are at most a quarter of its SO_SNDBUF (`unix_writable`). So the engine writes a
//! filler record from the app's end into its own and leaves it unread while the setup runs:
//! - COMMUNICATION UP: the engine reads again; the filler is discarded; POLLOUT rises.
//! - setup failure: the engine closes its end with the filler unread, which gives the app's end
//!   POLLERR (ECONNRESET in the kernel's sk_err, reported through the SO_ERROR hook as the
//!   setup's errno) and POLLHUP; the socket's later sends fail with EPIPE and its reads with
//!   ENOTCONN, as on Linux. A later connect() on it gets a fresh engine end
//!   ([`Engine::reattach`]; the connect hook dup3()s the new app end onto the fd number).
//!
//! Records the app writes during the setup queue behind the filler (Linux queues them too).

use super::engine::Engine;
use super::frame::{send_flags, SendHeader};
use super::registry::Sid;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

/// Largest filler record (the rest of the filler follows in more records).
const PIECE: usize = 32 * 1024;

impl Engine {
    /// Right after a non-blocking connect() of socket `sid` (app fd `fd`, which the caller is
    /// inside connect() on): hold POLLOUT low until the setup ends, unless it already has.
    pub fn hold_for_connect(&mut self, sid: Sid, fd: i32) {
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        // One-to-many sockets stay writable whatever their associations do (sctp_poll).
        if s.style != super::sock::Style::OneToOne
            || s.connecting.is_none()
            || s.filler
            || s.end.is_none()
        {
            return;
        }
        // The fd must still be this socket's file (another thread may have closed it).
        if super::registry::file_key(fd) != Ok(s.key) {
            return;
        }
        // SAFETY: `fd` is the caller's open app fd for the duration of this job.
        let app = unsafe { BorrowedFd::borrow_raw(fd) };
        let sndbuf = rustix::net::sockopt::socket_send_buffer_size(app).unwrap_or(212_992);
        let hdr = SendHeader {
            flags: send_flags::FILLER,
            ..Default::default()
        };
        let mut hb = [0u8; SendHeader::LEN];
        hdr.encode(self.magic, &mut hb);
        let piece = self.rec.len().min(PIECE);
        self.rec[..SendHeader::LEN].copy_from_slice(&hb);
        self.rec[SendHeader::LEN..piece].fill(0);
        let mut left = sndbuf / 4 + 1;
        while left > 0 {
            let n = left.min(piece - SendHeader::LEN);
            let flags = rustix::net::SendFlags::DONTWAIT | rustix::net::SendFlags::NOSIGNAL;
            if rustix::net::send(app, &self.rec[..SendHeader::LEN + n], flags).is_err() {
                break;
            }
            left -= n;
        }
        if let Some(s) = self.socks.get_mut(&sid) {
            s.filler = true;
        }
        tracing::trace!(sid, fd = app.as_raw_fd(), sndbuf, "connect filler queued");
    }

    /// The setup of socket `sid` succeeded: read the app's records again (the filler first).
    pub fn release_filler(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if std::mem::take(&mut s.filler) {
            self.read_app(sid);
        }
    }

    /// The setup of socket `sid` failed: when a filler holds its POLLOUT, end the app's fd with
    /// it unread (POLLERR|POLLHUP).
    pub fn fail_filler(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if !std::mem::take(&mut s.filler) {
            return;
        }
        let gone = s.hup;
        self.close_end(sid);
        if gone {
            self.app_gone(sid);
        }
    }

    /// A fresh socketpair end `end` for one-to-one socket `sid`, whose failed setup closed the
    /// old one ([`Engine::fail_filler`]); the app's fd is now the open file `key`. The socket
    /// starts over as a never-connected one (Linux: a TCP-style socket back in CLOSED).
    pub fn reattach(
        &mut self,
        sid: Sid,
        key: super::registry::FileKey,
        end: OwnedFd,
    ) -> Result<(), i32> {
        let s = self.socks.get_mut(&sid).ok_or(libc::EBADF)?;
        if s.style != super::sock::Style::OneToOne || s.end.is_some() || s.listening {
            return Err(libc::EINVAL);
        }
        s.key = key;
        s.end = Some(end);
        s.error = 0;
        s.app_eof = false;
        s.peer_shutdown = false;
        s.out.clear();
        s.eof_after_out = false;
        s.close_after_out = false;
        s.partial = None;
        s.app_queue = Default::default();
        self.watch_end(sid);
        Ok(())
    }

    /// One-to-one socket `sid` has no association and does not listen: Linux's `sctp_recvmsg`
    /// says ENOTCONN (never connected, or its setup failed).
    pub fn unconnected(&self, sid: Sid) -> bool {
        self.socks.get(&sid).is_some_and(|s| {
            s.style == super::sock::Style::OneToOne && s.assoc.is_none() && !s.listening
        })
    }
}

/// A record from the app that is a connect filler.
pub fn is_filler(h: Option<&SendHeader>) -> bool {
    h.is_some_and(|h| h.flags & send_flags::FILLER != 0)
}
