//! What the engine does with the protocol core's events: complete connects, hand new
//! associations of a one-to-one listener to `accept()`, deliver messages, turn peer SHUTDOWN
//! into EOF and ABORT into ECONNRESET on the app's fd.

use super::engine::Engine;
use super::frame::{Kind, RecvHeader};
use super::registry::{self, Sid};
use super::sock::{EpId, Sock, SockOpts, Style};
use super::{fds, names, route};
use crate::assoc::{AssocId, CloseReason, Event};
use crate::shim::notify;
use crate::shim::sockaddr::AddrPolicy;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Instant;

/// The errno of an association that failed (SO_ERROR, connect, recv), as Linux sets `sk_err`:
/// ETIMEDOUT when a retransmission limit was reached (INIT or data), else ECONNREFUSED during
/// setup (the peer refused) and ECONNRESET after (ABORT).
fn failure_errno(reason: Option<CloseReason>, setup: bool) -> i32 {
    match reason {
        Some(CloseReason::Timeout) => libc::ETIMEDOUT,
        _ if setup => libc::ECONNREFUSED,
        _ => libc::ECONNRESET,
    }
}

impl Engine {
    /// [`Engine::start_assoc`] for a message that sets the association up: the non-zero
    /// fields of its SCTP_INIT cmsg replace the socket's SCTP_INITMSG for this association
    /// only (Linux `sctp_sendmsg_new_asoc`).
    pub fn start_assoc_for_message(
        &mut self,
        sid: Sid,
        peers: &[SocketAddr],
        init: [u16; 4],
    ) -> Result<AssocId, i32> {
        if init == [0; 4] {
            return self.start_assoc(sid, peers);
        }
        self.ensure_bound(sid)?;
        let opts = &mut self.socks.get_mut(&sid).ok_or(libc::EBADF)?.opts;
        let saved = opts.initmsg;
        opts.initmsg = opts.initmsg_with(init);
        self.refresh_ep_config(sid);
        let r = self.start_assoc(sid, peers);
        if let Some(s) = self.socks.get_mut(&sid) {
            s.opts.initmsg = saved;
        }
        self.refresh_ep_config(sid);
        r
    }

    /// Start an association from socket `sid` to `peers` (all with the same port).
    pub fn start_assoc(&mut self, sid: Sid, peers: &[SocketAddr]) -> Result<AssocId, i32> {
        let ep = self.ensure_bound(sid)?;
        let port = peers.first().ok_or(libc::EINVAL)?.port();
        let ips: Vec<std::net::IpAddr> = peers.iter().map(|p| p.ip()).collect();
        // Linux `__sctp_connect`: an association to these peers that was peeled off to
        // another socket (here it stays on the shared endpoint) is EADDRNOTAVAIL.
        let e = self.eps.get(&ep).ok_or(libc::EBADF)?;
        let peeled = ips
            .iter()
            .filter_map(|ip| e.endpoint.find_assoc_by_peer(*ip, port))
            .any(|a| self.assocs.get(&a).is_some_and(|owner| *owner != sid));
        if peeled {
            return Err(libc::EADDRNOTAVAIL);
        }
        let id = self.new_assoc_id();
        let e = self.eps.get_mut(&ep).ok_or(libc::EBADF)?;
        e.endpoint
            .connect(Instant::now(), id, &ips, port)
            .map_err(|err| {
                use crate::assoc::ConnectError as C;
                match err {
                    C::AlreadyConnected => libc::EISCONN,
                    C::InProgress => libc::EALREADY,
                    C::InvalidAddress | C::IdInUse => libc::EINVAL,
                }
            })?;
        self.use_route_mtu(ep, id, ips[0]);
        self.assocs.insert(id, sid);
        self.apply_opts(sid);
        if let Some(s) = self.socks.get_mut(&sid) {
            match s.style {
                Style::OneToOne => s.assoc = Some(id),
                Style::OneToMany => s.peers.push((peers[0], id)),
            }
            s.added_assoc();
        }
        self.mark(ep);
        Ok(id)
    }

    pub fn on_event(&mut self, ep: EpId, aid: AssocId, ev: Event) {
        let sid = match self.assocs.get(&aid) {
            Some(&sid) => sid,
            None => match ev {
                Event::Connected { .. } => match self.incoming(ep, aid) {
                    Some(sid) => sid,
                    None => return,
                },
                Event::Closed => {
                    if let Some(e) = self.eps.get_mut(&ep) {
                        e.endpoint.remove(aid);
                    }
                    return;
                }
                _ => return,
            },
        };
        tracing::trace!(sid, aid, ?ev, "event");
        self.notify(sid, aid, &ev);
        match ev {
            Event::Connected { .. } => {
                // Writable before connect() (or a poll after it) can see the outcome.
                self.release_filler(sid);
                let mut end_now = false;
                if let Some(s) = self.socks.get_mut(&sid) {
                    if let Some(slot) = s.connecting.take() {
                        slot.put(Ok(()));
                    }
                    if let Some(i) = s.shutdown_when_up.iter().position(|&a| a == aid) {
                        s.shutdown_when_up.swap_remove(i);
                        end_now = true;
                    }
                }
                if end_now {
                    self.end_assoc(sid, aid, false);
                }
            }
            Event::Readable => {
                if let Some(s) = self.socks.get_mut(&sid) {
                    if s.style == Style::OneToMany && !s.readable.contains(&aid) {
                        s.readable.push(aid);
                    }
                }
                self.pump(sid);
            }
            Event::Writable => self.on_writable(sid),
            Event::PeerShutdown => self.peer_eof(sid),
            Event::Lost { .. } | Event::CantStart { .. } => self.failed(sid, aid, &ev),
            // CLOSED for good, after the last packets (ABORT, SHUTDOWN COMPLETE) went out.
            Event::Closed => self.closed(ep, sid, aid),
            // Notifications are delivered once subscriptions exist (SCTP_EVENTS).
            _ => {}
        }
    }

    /// Queue the Linux notification for `ev` when socket `sid` subscribed to it (RFC 6458 6.1),
    /// in order with the data, addressed from the peer's primary address as Linux does.
    pub(super) fn notify(&mut self, sid: Sid, aid: AssocId, ev: &Event) {
        if notify::notification_type(ev).is_none() {
            return;
        }
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        let (v6, ep) = (s.v6, s.ep);
        let subs = self.subs_of(sid, aid);
        let peer = ep
            .and_then(|ep| peer_of(&mut self.eps, ep, aid))
            .or_else(|| self.socks.get(&sid).and_then(|s| s.peer));
        let ctx = notify::NotifyCtx {
            assoc_id: aid,
            peer_port: peer.map_or(0, |p| p.port()),
            addr_policy: if v6 {
                AddrPolicy::INET6
            } else {
                AddrPolicy::INET
            },
        };
        let mut h = RecvHeader::new(Kind::Notification);
        h.assoc_id = aid;
        h.peer = peer;
        let mut bytes = Vec::new();
        if notify::encode_notification(ev, &ctx, &subs, &mut bytes) {
            self.deliver(sid, h, bytes);
        }
    }

    /// Association `aid` of endpoint `ep` sizes its packets for the route to `peer` (an
    /// association starts from the endpoint's default until then).
    fn use_route_mtu(&mut self, ep: EpId, aid: AssocId, peer: std::net::IpAddr) {
        let Some(mtu) = route::for_peer(peer) else {
            return;
        };
        if let Some(a) = self
            .eps
            .get_mut(&ep)
            .and_then(|e| e.endpoint.assoc_mut(aid))
        {
            a.set_pmtu(None, mtu);
        }
    }

    /// A new association on endpoint `ep` that nobody asked for: the listener's.
    fn incoming(&mut self, ep: EpId, aid: AssocId) -> Option<Sid> {
        if let Some(peer) = peer_of(&mut self.eps, ep, aid) {
            self.use_route_mtu(ep, aid, peer.ip());
        }
        let owner = self.eps.get(&ep)?.owner;
        let lst = self.socks.get_mut(&owner)?;
        if lst.style == Style::OneToMany {
            lst.peers.push((peer_of(&mut self.eps, ep, aid)?, aid));
            lst.added_assoc();
            self.assocs.insert(aid, owner);
            return Some(owner);
        }
        let v6 = lst.v6;
        let sid = registry::next_sid();
        let end = match self.connect_to_listener(owner, sid) {
            Ok(fd) => fd,
            Err(e) => {
                tracing::debug!(errno = e, "listener gone; aborting new association");
                if let Some(a) = self
                    .eps
                    .get_mut(&ep)
                    .and_then(|e| e.endpoint.assoc_mut(aid))
                {
                    a.abort(Instant::now(), &[]);
                }
                return None;
            }
        };
        let opts = match self.socks.get(&owner) {
            Some(l) => l.opts.clone(),
            None => SockOpts::new(&self.cfg.assoc),
        };
        let mut s = Sock::new(sid, Style::OneToOne, v6, (0, 0), Some(end), opts);
        s.ep = Some(ep);
        s.assoc = Some(aid);
        s.peer = peer_of(&mut self.eps, ep, aid);
        self.socks.insert(sid, s);
        self.watch_end(sid);
        if let Some(e) = self.eps.get_mut(&ep) {
            e.refs += 1;
        }
        self.assocs.insert(aid, sid);
        Some(sid)
    }

    /// A new socket connected to the app's listener (socket `listener`), named after `sid`
    /// so that the accept hook can tell which association it got.
    fn connect_to_listener(&mut self, listener: Sid, sid: Sid) -> Result<OwnedFd, i32> {
        let ty = libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK;
        // SAFETY: plain socket calls on a fresh fd we own.
        let raw = unsafe { libc::syscall(libc::SYS_socket, libc::AF_UNIX, ty, 0) } as i32;
        if raw < 0 {
            return Err(super::sys::errno());
        }
        let fd = fds::move_high(raw)?;
        let (me, me_len) = names::sockaddr(&names::name(self.magic, self.pid, sid));
        let (to, to_len) = names::sockaddr(&names::listener(self.magic, self.pid, listener));
        let ok = unsafe {
            libc::syscall(libc::SYS_bind, fd.as_raw_fd(), &me as *const _, me_len) == 0
                && libc::syscall(libc::SYS_connect, fd.as_raw_fd(), &to as *const _, to_len) == 0
        };
        if !ok {
            let e = super::sys::errno();
            fds::close(fd);
            return Err(e);
        }
        Ok(fd)
    }

    /// The peer will send nothing more: EOF for the app once its messages are read.
    fn peer_eof(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if s.style != Style::OneToOne {
            return;
        }
        s.eof_after_out = true;
        s.peer_shutdown = true;
        // SCTP has no half-close (RFC 9260 9.2): after the peer's SHUTDOWN the app's sends fail
        // with EPIPE, as Linux's do. What it wrote before is still read and offered.
        self.read_app(sid);
        if let Some(end) = self.socks.get(&sid).and_then(|s| s.end.as_ref()) {
            let _ = rustix::net::shutdown(end, rustix::net::Shutdown::Read);
        }
        self.pump(sid);
    }

    /// Setup failed or the association was lost.
    fn failed(&mut self, sid: Sid, aid: AssocId, ev: &Event) {
        let setup = matches!(ev, Event::CantStart { .. });
        let reason = self.assoc_of(sid, aid).and_then(|(_, a)| a.close_reason());
        let err = failure_errno(reason, setup);
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if s.style != Style::OneToOne {
            return;
        }
        if setup {
            // Setup failed: connect() (or SO_ERROR) reports it; the socket stays usable for
            // another connect(), as a Linux TCP-style socket in CLOSED is.
            if let Some(slot) = s.connecting.take() {
                slot.put(Err(err));
            }
            s.error = err;
            s.reconnectable = Some(aid);
            self.fail_filler(sid);
            return;
        }
        s.error = err;
        // The app reads what was delivered, then -1/errno once, then EOF (HUP).
        let mut h = RecvHeader::new(Kind::Error);
        h.context = err as u32;
        self.pump(sid);
        if let Some(s) = self.socks.get_mut(&sid) {
            s.close_after_out = true;
        }
        self.deliver(sid, h, Vec::new());
        self.pump(sid);
    }

    /// The association is gone for good: forget it.
    pub fn closed(&mut self, ep: EpId, sid: Sid, aid: AssocId) {
        // A one-to-one socket whose own association ended (not a failed connect attempt it
        // has already forgotten) refuses sends and reads EOF.
        let own = self.socks.get(&sid).is_some_and(|s| {
            s.style == Style::OneToOne && s.assoc == Some(aid) && s.reconnectable != Some(aid)
        });
        if own {
            self.refuse_app_sends(sid);
        }
        self.drain_assoc(sid, aid);
        let unread = self
            .eps
            .get_mut(&ep)
            .and_then(|e| e.endpoint.assoc_mut(aid))
            .is_some_and(|a| a.has_readable());
        if let Some(s) = self.socks.get_mut(&sid) {
            if unread && s.end.is_some() {
                // The app has not taken every message yet: keep the TCB until it has.
                s.zombie = Some((ep, aid));
                return;
            }
            s.zombie = None;
        }
        if let Some(e) = self.eps.get_mut(&ep) {
            e.endpoint.remove(aid);
        }
        self.assocs.remove(&aid);
        self.forget_assoc_opts(sid, aid);
        if let Some(s) = self.socks.get_mut(&sid) {
            s.peers.retain(|&(_, a)| a != aid);
            s.readable.retain(|&a| a != aid);
            if s.blocked.as_ref().is_some_and(|(a, _)| *a == aid) {
                s.blocked = None;
            }
            if s.reconnectable.take() == Some(aid) {
                s.assoc = None;
            } else if s.style == Style::OneToOne
                && s.app_eof
                && !s.peer_shutdown
                && !s.close_after_out
            {
                // The app shut down itself (SHUT_WR): once it has read the rest, recv says
                // ENOTCONN as Linux's does (the association is gone).
                let mut h = RecvHeader::new(Kind::Error);
                h.context = libc::ENOTCONN as u32;
                s.close_after_out = true;
                self.deliver(sid, h, Vec::new());
            } else if s.style == Style::OneToOne {
                // Shutdown complete or aborted: EOF for the app after what it has not read.
                s.eof_after_out = true;
            }
        }
        self.pump(sid);
        self.maybe_free(sid);
    }

    /// Free socket `sid` once the app's file is gone and no association is left.
    pub fn maybe_free(&mut self, sid: Sid) {
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        let live = match s.style {
            Style::OneToOne => s.assoc.is_some_and(|a| self.assocs.contains_key(&a)),
            Style::OneToMany => !s.peers.is_empty(),
        };
        if !s.app_gone || live {
            return;
        }
        let Some(s) = self.socks.remove(&sid) else {
            return;
        };
        self.unread.remove(&sid);
        if s.listening {
            if let Some(e) = s.ep.and_then(|ep| self.eps.get_mut(&ep)) {
                e.endpoint.stop_listening();
            }
        }
        if s.error != 0 {
            if let Some(e) = registry::get(s.key) {
                registry::insert(
                    s.key,
                    registry::Entry {
                        error: s.error,
                        ..e
                    },
                );
            }
        }
        if let Some(end) = s.end {
            fds::close(end);
        }
        if let Some(ep) = s.ep {
            self.release_ep(ep);
        }
        tracing::debug!(sid, "socket freed");
    }
}

/// The primary peer address of association `aid`.
pub fn peer_of(
    eps: &mut rustc_hash::FxHashMap<EpId, super::ep::Ep>,
    ep: EpId,
    aid: AssocId,
) -> Option<SocketAddr> {
    let a = eps.get_mut(&ep)?.endpoint.assoc_mut(aid)?;
    Some(SocketAddr::new(a.primary(), a.peer_port()))
}
