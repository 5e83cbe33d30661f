//! Data between the engine's ends of the app socketpairs and the associations.
//!
//! app -> association: records are read only while the association's send buffer has room, so
//! a full send buffer backs up into the app's socket: EAGAIN, POLLOUT low (`--test-pollout`).
//! association -> app: messages are taken from the association only while the app's receive
//! queue accepts them, so an app that does not read closes the SCTP receive window.
//! The ends are edge-triggered in epoll (IN|OUT|RDHUP), so every read runs until EAGAIN, EOF
//! or a full association, and a paused socket is resumed by a direct call.

use super::engine::Engine;
use super::frame::{self, send_flags, Kind, RecvHeader, SendHeader};
use super::registry::Sid;
use super::sock::{EpId, OutRec, Style};
use crate::assoc::{AssocId, Message, OutgoingMessage, SendError};
use rustix::event::epoll::EventFlags;
use rustix::net::{RecvFlags, SendFlags};
use std::io::IoSlice;
use std::net::SocketAddr;
use std::time::Instant;

impl Engine {
    /// epoll reported `flags` on socket `sid`'s end.
    pub fn on_end(&mut self, sid: Sid, flags: EventFlags) {
        if flags.contains(EventFlags::OUT) {
            self.pump(sid);
        }
        if flags.contains(EventFlags::HUP) {
            if let Some(s) = self.socks.get_mut(&sid) {
                s.hup = true;
            }
        }
        if flags.intersects(EventFlags::IN | EventFlags::RDHUP | EventFlags::HUP | EventFlags::ERR)
        {
            self.read_app(sid);
        }
        // HUP after the app's EOF was read earlier (shutdown(SHUT_WR), then close).
        let eof_read = self.socks.get(&sid).is_some_and(|s| s.app_eof);
        if flags.contains(EventFlags::HUP) && eof_read && self.hup_means_gone(sid) {
            self.app_gone(sid);
        }
    }

    /// Read the app's records until EAGAIN, EOF, or the association has no room.
    pub fn read_app(&mut self, sid: Sid) {
        loop {
            let Some(s) = self.socks.get(&sid) else {
                return;
            };
            if s.blocked.is_some() || s.filler {
                return;
            }
            // Messages read ahead of a change of the default send parameters go first.
            if let Some((h, data)) = self
                .socks
                .get_mut(&sid)
                .and_then(|s| s.resolved.pop_front())
            {
                self.submit(sid, h, data);
                continue;
            }
            let Some(s) = self.socks.get(&sid) else {
                return;
            };
            if s.app_eof {
                return;
            }
            let Some(end) = &s.end else { return };
            let n = match rustix::net::recv(end, &mut self.rec[..], RecvFlags::DONTWAIT) {
                Ok((n, _)) => n,
                Err(rustix::io::Errno::AGAIN) if self.is_exiting() => 0,
                Err(rustix::io::Errno::AGAIN) => return,
                // ECONNRESET: the app closed its end with records of ours unread (e.g. a
                // notification). AF_UNIX reports that once (sock_error clears it); the records
                // the app wrote before closing are still queued behind it, then EOF.
                Err(rustix::io::Errno::INTR | rustix::io::Errno::CONNRESET) => continue,
                Err(e) => {
                    tracing::debug!(sid, %e, "reading the app's records");
                    0
                }
            };
            if n == 0 {
                // The send hooks refuse empty messages, so 0 is the app's EOF (close or SHUT_WR);
                // after HUP every reference is gone and every record has been read.
                self.app_eof(sid);
                if self.socks.get(&sid).is_some_and(|s| s.hup) && self.hup_means_gone(sid) {
                    self.app_gone(sid);
                }
                return;
            }
            let n = n.min(self.rec.len());
            tracing::trace!(sid, n, "record from app");
            self.on_record(sid, n, false);
        }
    }

    /// One record of `n` bytes is in `self.rec`: a whole message goes to its association, or
    /// with `hold` is kept with its default send parameters resolved ([`Engine::hold`]).
    pub(super) fn on_record(&mut self, sid: Sid, n: usize, hold: bool) {
        let (hdr, payload) = SendHeader::split(self.magic, &self.rec[..n]);
        if super::pending::is_filler(hdr.as_ref()) {
            return;
        }
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        let more = hdr.is_some_and(|h| h.flags & send_flags::MORE != 0);
        if more || s.partial.is_some() {
            let (_, buf) = s
                .partial
                .get_or_insert_with(|| (hdr.unwrap_or_default(), Vec::new()));
            buf.extend_from_slice(payload);
            if more {
                return;
            }
            if let Some((h, data)) = s.partial.take() {
                self.take_message(sid, h, data, hold);
            }
            return;
        }
        let data = payload.to_vec();
        self.take_message(sid, hdr.unwrap_or_default(), data, hold);
    }

    fn take_message(&mut self, sid: Sid, h: SendHeader, data: Vec<u8>, hold: bool) {
        if hold {
            self.hold(sid, h, data);
        } else {
            self.submit(sid, h, data);
        }
    }

    /// Which association a message of socket `sid` goes to, setting one up implicitly for a
    /// new destination (RFC 6458 3.1.2 / 4.1.8).
    pub(super) fn target(&mut self, sid: Sid, h: &SendHeader) -> Option<AssocId> {
        let s = self.socks.get(&sid)?;
        match s.style {
            Style::OneToOne => match (s.assoc, h.dest) {
                (Some(a), _) => Some(a),
                (None, Some(dest)) if !s.listening => {
                    self.start_assoc_for_message(sid, &[dest], h.init).ok()
                }
                _ => None,
            },
            Style::OneToMany => {
                if h.assoc_id != 0 {
                    return (self.assocs.get(&h.assoc_id) == Some(&sid)).then_some(h.assoc_id);
                }
                let dest = h.dest?;
                match self.assoc_for_dest(sid, dest) {
                    Some(a) => Some(a),
                    None => self.start_assoc_for_message(sid, &[dest], h.init).ok(),
                }
            }
        }
    }

    /// Hand one whole message to its association.
    pub fn submit(&mut self, sid: Sid, mut h: SendHeader, data: Vec<u8>) {
        let Some(aid) = self.target(sid, &h) else {
            tracing::debug!(sid, len = data.len(), "message without association dropped");
            return;
        };
        let now = Instant::now();
        self.touch(sid, aid);
        super::send_defaults::apply(&mut h, &self.send_defaults(sid, aid));
        let Some((ep, a)) = self.assoc_of(sid, aid) else {
            return;
        };
        if h.flags & send_flags::ABORT != 0 {
            a.abort(now, &data);
            self.mark(ep);
            return;
        }
        let eof = h.flags & send_flags::EOF != 0;
        if !data.is_empty() {
            let msg = OutgoingMessage {
                stream_id: h.stream,
                ppid: h.ppid,
                unordered: h.flags & send_flags::UNORDERED != 0,
                sack_immediately: h.flags & send_flags::SACK_IMMEDIATELY != 0,
                pr: h.pr.policy(h.pr_value),
                context: h.context,
                sinfo_assoc_id: (h.flags & (send_flags::HAS_SNDRCV | send_flags::HAS_SNDINFO) != 0)
                    .then_some(h.assoc_id),
                dest: (h.flags & send_flags::ADDR_OVER != 0)
                    .then(|| h.dest.map(|d| d.ip()))
                    .flatten(),
                payload: data,
            };
            // Queue only what fits, so that a full buffer stops reading the app (POLLOUT low).
            if must_wait(a, msg.payload.len()) {
                tracing::trace!(sid, len = msg.payload.len(), "send buffer full");
                self.block(ep, sid, aid, msg);
                return;
            }
            match a.send(now, msg) {
                Ok(()) => {}
                Err(SendError::WouldBlock) => {
                    tracing::debug!(sid, aid, "send buffer full; message dropped")
                }
                Err(e) => tracing::debug!(sid, aid, ?e, "message refused"),
            }
        }
        if eof {
            a.shutdown(now);
        }
        self.mark(ep);
    }

    /// Whether a message of `len` bytes that the app is sending on one-to-one socket `sid` may
    /// go straight to its association ([`super::inline`]) with the same outcome as through
    /// the socketpair: the app's end is open both ways (no EOF, no EPIPE), nothing the app
    /// wrote before is waiting there or in the engine, and the association has room for it.
    pub fn can_take_directly(&self, sid: Sid, len: usize) -> bool {
        let Some(s) = self.socks.get(&sid) else {
            return false;
        };
        let (Some(end), Some(aid), Some(ep)) = (&s.end, s.assoc, s.ep) else {
            return false;
        };
        if s.style != Style::OneToOne
            || s.app_eof
            || s.app_shut.end_rd
            || s.blocked.is_some()
            || s.partial.is_some()
            || !s.resolved.is_empty()
        {
            return false;
        }
        let Some(a) = self.eps.get(&ep).and_then(|e| e.endpoint.assoc(aid)) else {
            return false;
        };
        if a.state() != crate::assoc::AssocState::Established || must_wait(a, len) {
            return false;
        }
        // Empty (EAGAIN): neither records nor the app's EOF (shutdown(SHUT_WR)) are queued.
        let mut b = [0u8; 1];
        let peek = RecvFlags::PEEK | RecvFlags::DONTWAIT;
        matches!(
            rustix::net::recv(end, &mut b, peek),
            Err(rustix::io::Errno::AGAIN)
        )
    }

    /// The association `aid` of socket `sid` and its endpoint.
    pub fn assoc_of(
        &mut self,
        sid: Sid,
        aid: AssocId,
    ) -> Option<(super::sock::EpId, &mut crate::assoc::Association)> {
        let ep = self.socks.get(&sid)?.ep?;
        let a = self.eps.get_mut(&ep)?.endpoint.assoc_mut(aid)?;
        Some((ep, a))
    }

    /// The association gained room: retry the blocked message, then read the app again.
    pub fn on_writable(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        let Some((aid, msg)) = s.blocked.take() else {
            return;
        };
        let now = Instant::now();
        let Some((ep, a)) = self.assoc_of(sid, aid) else {
            return;
        };
        if must_wait(a, msg.payload.len()) {
            self.block(ep, sid, aid, msg);
            return;
        }
        if let Err(e) = a.send(now, msg) {
            tracing::debug!(sid, aid, ?e, "blocked message refused");
        }
        self.mark(ep);
        self.read_app(sid);
    }

    /// Keep `msg` until association `aid` (of endpoint `ep`) has room; stop reading the app.
    fn block(&mut self, ep: EpId, sid: Sid, aid: AssocId, msg: OutgoingMessage) {
        if let Some(s) = self.socks.get_mut(&sid) {
            s.blocked = Some((aid, msg));
        }
        if let Some(e) = self.eps.get_mut(&ep) {
            if !e.blocked.contains(&sid) {
                e.blocked.push(sid);
            }
        }
    }

    /// The app sent EOF: graceful SHUTDOWN, or ABORT after SO_LINGER {1, 0}.
    fn app_eof(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if s.app_eof {
            return;
        }
        tracing::trace!(sid, "app eof");
        s.app_eof = true;
        // Linux `sctp_close`: SO_LINGER {1, 0}, or data the app never read (records it left
        // on its end, or messages not handed to it yet), ends with ABORT.
        let abort = s.opts.linger_abort() || s.unread_at_close || (s.hup && !s.out.is_empty());
        let ids: Vec<AssocId> = match s.style {
            Style::OneToOne => s.assoc.into_iter().collect(),
            Style::OneToMany => s.peers.iter().map(|&(_, a)| a).collect(),
        };
        for aid in ids {
            self.end_assoc(sid, aid, abort);
        }
    }

    /// The app is done with association `aid`: ABORT, or a graceful SHUTDOWN once what it
    /// sent is delivered. A SHUTDOWN during setup would discard the queued data (RFC 9260
    /// 9.2), so it waits for COMMUNICATION UP ([`super::events`] finishes it).
    pub fn end_assoc(&mut self, sid: Sid, aid: AssocId, abort: bool) {
        use crate::assoc::AssocState as S;
        let now = Instant::now();
        let Some((ep, a)) = self.assoc_of(sid, aid) else {
            return;
        };
        if abort {
            a.abort(now, &[]);
        } else if matches!(a.state(), S::CookieWait | S::CookieEchoed) {
            if let Some(s) = self.socks.get_mut(&sid) {
                s.shutdown_when_up.push(aid);
            }
            return;
        } else {
            a.shutdown(now);
        }
        self.mark(ep);
    }

    /// Every reference to the app's file is gone. An association kept closed for the
    /// messages it still held for the app ([`Engine::closed`]) goes now: nobody will read them.
    pub fn app_gone(&mut self, sid: Sid) {
        self.app_eof(sid);
        let zombie = self.socks.get_mut(&sid).and_then(|s| {
            s.app_gone = true;
            s.out.clear();
            s.zombie.take()
        });
        self.close_end(sid);
        if let Some((ep, aid)) = zombie {
            self.closed(ep, sid, aid);
        }
        self.maybe_free(sid);
    }

    /// Hand a message to the reader waiting for it (stack/handover.rs), or queue a record for
    /// the app and write what fits.
    pub fn deliver(&mut self, sid: Sid, hdr: RecvHeader, data: Vec<u8>) {
        if hdr.kind == Kind::Data {
            self.touch(sid, hdr.assoc_id);
        }
        let Some((hdr, data)) = self.hand_over(sid, hdr, data) else {
            return;
        };
        if let Some(s) = self.socks.get_mut(&sid) {
            if s.end.is_none() {
                return;
            }
            s.out.push_back(OutRec { hdr, data, off: 0 });
        }
        self.flush_out(sid);
    }

    /// Write queued records to the app; true when the queue is empty afterwards.
    pub fn flush_out(&mut self, sid: Sid) -> bool {
        let magic = self.magic;
        let Some(s) = self.socks.get_mut(&sid) else {
            return false;
        };
        let Some(end) = &s.end else {
            s.out.clear();
            return true;
        };
        while let Some(rec) = s.out.front_mut() {
            loop {
                let rest = &rec.data[rec.off.min(rec.data.len())..];
                let piece = rest.len().min(frame::MAX_RECORD);
                let mut hdr = rec.hdr;
                if piece < rest.len() {
                    hdr.flags = (hdr.flags | frame::FLAG_MORE) & !frame::FLAG_PIECE_END;
                }
                let mut hb = [0u8; RecvHeader::LEN];
                hdr.encode(magic, &mut hb);
                let iov = [IoSlice::new(&hb), IoSlice::new(&rest[..piece])];
                let flags = SendFlags::DONTWAIT | SendFlags::NOSIGNAL;
                let len = hb.len() + piece;
                let known = self.truesizes.get(len);
                let before = if known.is_none() {
                    super::rwnd::outq(end)
                } else {
                    0
                };
                match rustix::net::sendmsg(end, &iov, &mut Default::default(), flags) {
                    Ok(_) => {
                        rec.off += piece;
                        let mem = known.or_else(|| {
                            let after = super::rwnd::outq(end);
                            self.truesizes.learn(len, piece, before, after)
                        });
                        s.app_queue.wrote(mem, piece);
                    }
                    Err(rustix::io::Errno::AGAIN) => return false,
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => {
                        // The app closed its end: nothing more can be delivered.
                        s.out.clear();
                        return true;
                    }
                }
                if rec.off >= rec.data.len() {
                    break;
                }
            }
            s.out.pop_front();
        }
        true
    }

    /// Move everything deliverable to the app: queued records, then associations' messages;
    /// once all is delivered, the pending EOF (peer SHUTDOWN) or close (ABORT) follows.
    pub fn pump(&mut self, sid: Sid) {
        if self.flush_out(sid) {
            self.drain_readable(sid);
        }
        self.sync_rwnd(sid);
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if !s.out.is_empty() {
            return;
        }
        if let Some((ep, aid)) = s.zombie.take() {
            self.closed(ep, sid, aid);
            return;
        }
        if s.close_after_out {
            // The association is gone and the app can no longer be observed (its fd has no
            // peer): free the socket's resources; its registry entry stays for identity calls.
            // A socket still waiting in the listener's queue is freed after accept() (which
            // needs its peer address).
            s.app_gone = s.key != (0, 0);
            self.close_end(sid);
            self.maybe_free(sid);
        } else if s.eof_after_out {
            s.eof_after_out = false;
            s.app_shut.end_wr = true;
            if let Some(end) = &s.end {
                let _ = rustix::net::shutdown(end, rustix::net::Shutdown::Write);
            }
        }
    }

    /// Move delivered messages of `aid` to socket `sid`'s app while it takes them. Once the
    /// app has closed the socket they are dropped, as Linux frees what arrives for a closed
    /// socket (RCV_SHUTDOWN) once it is acknowledged: held, they would close the window of
    /// a peer still finishing its sends, and the association could never end.
    pub fn drain_assoc(&mut self, sid: Sid, aid: AssocId) {
        loop {
            let gone = match self.socks.get(&sid) {
                Some(s) if s.app_gone => true,
                Some(s) if s.out.is_empty() && s.end.is_some() => false,
                _ => return,
            };
            let Some((_, a)) = self.assoc_of(sid, aid) else {
                return;
            };
            let peer_port = a.peer_port();
            let Some(m) = a.recv() else { return };
            if gone {
                continue;
            }
            let mut hdr = data_header(aid, &m, peer_port);
            hdr.context = self.rcv_context(sid, aid);
            self.note_delivered(sid, aid, m.more);
            self.deliver(sid, hdr, m.payload);
        }
    }

    /// Drain every association of `sid` that may have messages.
    pub fn drain_readable(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        let mut ids: Vec<AssocId> = match s.style {
            Style::OneToOne => s.assoc.into_iter().collect(),
            Style::OneToMany => std::mem::take(&mut s.readable),
        };
        let hold = self.pd_hold(sid);
        if let (Some(p), Some(s)) = (hold, self.socks.get_mut(&sid)) {
            // The others wait for the end of `p`'s partially delivered message.
            s.readable = ids.into_iter().filter(|&a| a != p).collect();
            ids = vec![p];
        }
        for aid in ids {
            self.drain_assoc(sid, aid);
            if let Some(s) = self.socks.get_mut(&sid) {
                if s.style == Style::OneToMany && !s.out.is_empty() && !s.readable.contains(&aid) {
                    s.readable.push(aid);
                }
            }
        }
        if hold.is_some() && self.pd_hold(sid).is_none() {
            self.drain_readable(sid);
        }
    }
}

/// A message of `len` bytes must wait for acknowledgements: it does not fit the free send
/// buffer, unless the buffer is empty (a message larger than the whole buffer is the
/// association's to refuse) or the association takes no more data (SHUTDOWN: `send` refuses).
fn must_wait(a: &crate::assoc::Association, len: usize) -> bool {
    use crate::assoc::AssocState as S;
    let room = a.send_buffer_room();
    let open = matches!(a.state(), S::CookieWait | S::CookieEchoed | S::Established);
    open && room < len && room < a.config().sndbuf as usize
}

/// The header of a delivered message (sctp_sndrcvinfo fields and msg_name).
fn data_header(aid: AssocId, m: &Message, peer_port: u16) -> RecvHeader {
    let mut h = RecvHeader::new(Kind::Data);
    if m.unordered {
        h.flags |= frame::FLAG_UNORDERED;
    }
    if m.more {
        // A piece of a partially delivered message.
        h.flags |= frame::FLAG_MORE | frame::FLAG_PIECE_END;
    }
    h.stream = m.stream_id;
    h.ppid = m.ppid;
    h.ssn = m.ssn;
    h.tsn = m.tsn;
    h.cum_tsn = m.cum_tsn;
    h.assoc_id = aid;
    h.peer = Some(SocketAddr::new(m.from, peer_port));
    h
}
