//! Engine operations behind the control-plane hooks (run on the engine thread as jobs).

use super::engine::Engine;
use super::handle::Slot;
use super::registry::{FileKey, Sid};
use super::sock::{ConnectSlot, Sock, SockOpts, Style};
use super::{ep, events, route};
use crate::assoc::{AssocId, AssocStatus};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

impl Engine {
    /// A new socket whose app fd is `key`; `end` is the engine's end of its socketpair.
    pub fn create(&mut self, sid: Sid, style: Style, v6: bool, key: FileKey, end: OwnedFd) {
        let opts = SockOpts::new(&self.cfg.assoc);
        let mut s = Sock::new(sid, style, v6, key, Some(end), opts);
        // socket() watched the end already (shim/socket.rs).
        s.watched = true;
        self.socks.insert(sid, s);
    }

    /// listen(): set the endpoint listening. A one-to-one socket's app fd is about to become
    /// an AF_UNIX listener, so its socketpair end is closed here.
    pub fn listen(&mut self, sid: Sid, backlog: i32) -> Result<(), i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        if s.assoc.is_some() {
            return Err(libc::EINVAL);
        }
        let style = s.style;
        let ep = self.ensure_bound(sid)?;
        let e = self.eps.get_mut(&ep).ok_or(libc::EBADF)?;
        let on = match style {
            // Linux admits backlog + 1 established but unaccepted associations.
            Style::OneToOne => {
                e.endpoint.set_listening(Some(backlog.max(0) as u32));
                true
            }
            // UDP style: no accept queue; a zero backlog stops listening (sctp_listen_start).
            Style::OneToMany if backlog == 0 => {
                e.endpoint.stop_listening();
                false
            }
            Style::OneToMany => {
                e.endpoint.set_listening(None);
                true
            }
        };
        if let Some(s) = self.socks.get_mut(&sid) {
            s.listening = on;
        }
        if style == Style::OneToOne {
            self.close_end(sid);
        }
        Ok(())
    }

    /// The app fd of listener `sid` is now the open file `key`.
    pub fn rekey(&mut self, sid: Sid, key: FileKey) {
        if let Some(s) = self.socks.get_mut(&sid) {
            s.key = key;
        }
    }

    /// connect() on a one-to-one socket: start the association; the slot gets the outcome.
    /// connect()/sctp_connectx(): start an association to `peers`; the slot gets the outcome.
    /// One-to-one: EISCONN when connected or listening, EALREADY during setup; one-to-many:
    /// another association, EISCONN/EALREADY when one to these peers exists.
    pub fn connect(
        &mut self,
        sid: Sid,
        peers: &[SocketAddr],
    ) -> Result<(AssocId, ConnectSlot), i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        // A one-to-many socket may listen and connect at once.
        if s.listening && s.style == Style::OneToOne {
            return Err(libc::EISCONN);
        }
        if s.style == Style::OneToOne && s.end.is_none() {
            // A failed non-blocking connect ended the app's fd (stack/pending.rs).
            return Err(libc::ECONNABORTED);
        }
        if let Some(aid) = s.assoc {
            let established = self.assoc_of(sid, aid).is_some_and(|(_, a)| {
                a.state() != crate::assoc::AssocState::CookieWait
                    && a.state() != crate::assoc::AssocState::CookieEchoed
            });
            return Err(if established {
                libc::EISCONN
            } else {
                libc::EALREADY
            });
        }
        if self.peer_owned_elsewhere(sid, peers) {
            return Err(libc::EADDRNOTAVAIL);
        }
        let aid = self.start_assoc(sid, peers)?;
        let slot = Slot::new();
        if let Some(s) = self.socks.get_mut(&sid) {
            s.connecting = Some(slot.clone());
        }
        Ok((aid, slot))
    }

    /// An association of `sid`'s endpoint to one of `peers` belongs to another socket (it was
    /// peeled off): Linux's `__sctp_connect` finds it and says EADDRNOTAVAIL.
    fn peer_owned_elsewhere(&mut self, sid: Sid, peers: &[SocketAddr]) -> bool {
        let Some(ep) = self.socks.get(&sid).and_then(|s| s.ep) else {
            return false;
        };
        let others: Vec<(AssocId, Sid)> = self
            .assocs
            .iter()
            .filter(|&(_, &o)| o != sid && self.socks.get(&o).is_some_and(|x| x.ep == Some(ep)))
            .map(|(&a, &o)| (a, o))
            .collect();
        others.into_iter().any(|(aid, owner)| {
            self.assoc_of(owner, aid).is_some_and(|(_, a)| {
                peers
                    .iter()
                    .any(|p| a.peer_port() == p.port() && a.path_info(p.ip()).is_some())
            })
        })
    }

    /// SCTP_SOCKOPT_PEELOFF: association `id` of one-to-many socket `sid` moves to a new
    /// one-to-one socket `new` whose app fd is `key` and engine end `end`.
    pub fn peeloff(
        &mut self,
        sid: Sid,
        id: AssocId,
        new: Sid,
        key: FileKey,
        end: OwnedFd,
    ) -> Result<(), i32> {
        let s = self.socks.get_mut(&sid).ok_or(libc::EBADF)?;
        if s.style != Style::OneToMany || self.assocs.get(&id) != Some(&sid) {
            return Err(libc::EINVAL);
        }
        s.peers.retain(|&(_, a)| a != id);
        s.readable.retain(|&a| a != id);
        let (v6, ep, opts) = (s.v6, s.ep, s.opts.clone());
        let mut n = Sock::new(new, Style::OneToOne, v6, key, Some(end), opts);
        n.ep = ep;
        n.assoc = Some(id);
        self.socks.insert(new, n);
        self.assocs.insert(id, new);
        if let Some(e) = ep.and_then(|ep| self.eps.get_mut(&ep)) {
            e.refs += 1;
        }
        self.watch_end(new);
        self.pump(new);
        Ok(())
    }

    /// The accept hook got socket `sid` as open file `key`: the peer's primary address.
    pub fn accepted(&mut self, sid: Sid, key: FileKey) -> Result<SocketAddr, i32> {
        let s = self.socks.get_mut(&sid).ok_or(libc::ECONNABORTED)?;
        s.key = key;
        let (ep, aid, peer) = (s.ep.ok_or(libc::ECONNABORTED)?, s.assoc, s.peer);
        let e = self.eps.get_mut(&ep).ok_or(libc::ECONNABORTED)?;
        // The association may be gone already (the peer closed before accept): its data and
        // EOF are still there to read, as on Linux.
        if let Some(aid) = aid {
            e.endpoint.accepted(aid);
        }
        self.mark(ep);
        let peer = peer.ok_or(libc::ECONNABORTED)?;
        if closed_before_accept(self, sid) {
            if let Some(s) = self.socks.get_mut(&sid) {
                s.app_gone = true;
            }
            self.maybe_free(sid);
        }
        Ok(peer)
    }

    /// getsockname(): the bound addresses (for a wildcard bind with an association, the
    /// concrete address the route to the peer uses, as Linux reports it).
    pub fn local_addrs(&mut self, sid: Sid) -> Result<Vec<SocketAddr>, i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        let v6 = s.v6;
        let assoc = s.assoc;
        let Some(ep_id) = s.ep else {
            return Ok(vec![SocketAddr::new(ep::wildcard(v6), 0)]);
        };
        let e = self.eps.get(&ep_id).ok_or(libc::EBADF)?;
        let port = e.port;
        if e.is_wildcard() {
            if let Some(peer) = assoc.and_then(|a| events::peer_of(&mut self.eps, ep_id, a)) {
                if let Some(ip) = route::source_for(peer.ip()) {
                    return Ok(vec![SocketAddr::new(ip, port)]);
                }
            }
            return Ok(vec![SocketAddr::new(ep::wildcard(v6), port)]);
        }
        Ok(e.addrs
            .iter()
            .map(|&ip| SocketAddr::new(ip, port))
            .collect())
    }

    /// getpeername(): the peer's addresses, primary first (ENOTCONN without association).
    pub fn peer_addrs(&mut self, sid: Sid, id: AssocId) -> Result<Vec<SocketAddr>, i32> {
        let aid = self.assoc_id(sid, id).ok_or(libc::ENOTCONN)?;
        let (_, a) = self.assoc_of(sid, aid).ok_or(libc::ENOTCONN)?;
        let port = a.peer_port();
        let primary = a.primary();
        let mut out = vec![SocketAddr::new(primary, port)];
        out.extend(
            a.paths()
                .iter()
                .filter(|p| p.addr != primary)
                .map(|p| SocketAddr::new(p.addr, port)),
        );
        Ok(out)
    }

    /// The association `id` names on socket `sid` (one-to-one sockets: their own, whatever
    /// `id` says, as Linux's `sctp_id2assoc`).
    pub fn assoc_id(&self, sid: Sid, id: AssocId) -> Option<AssocId> {
        let s = self.socks.get(&sid)?;
        match s.style {
            Style::OneToOne => s.assoc.filter(|a| self.assocs.contains_key(a)),
            Style::OneToMany => (self.assocs.get(&id) == Some(&sid)).then_some(id),
        }
    }

    /// SO_ERROR: the pending error, cleared (None: the socket is freed).
    pub fn take_error(&mut self, sid: Sid) -> Option<i32> {
        self.socks
            .get_mut(&sid)
            .map(|s| std::mem::take(&mut s.error))
    }

    pub fn opts(&self, sid: Sid) -> Result<&SockOpts, i32> {
        self.socks.get(&sid).map(|s| &s.opts).ok_or(libc::EBADF)
    }

    pub fn opts_mut(&mut self, sid: Sid) -> Result<&mut SockOpts, i32> {
        self.socks
            .get_mut(&sid)
            .map(|s| &mut s.opts)
            .ok_or(libc::EBADF)
    }

    /// Push the socket's options to its existing associations (new ones take them at setup).
    pub fn apply_opts(&mut self, sid: Sid) {
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        let o = s.opts.clone();
        let ids: Vec<AssocId> = match s.style {
            Style::OneToOne => s.assoc.into_iter().collect(),
            Style::OneToMany => s.peers.iter().map(|&(_, a)| a).collect(),
        };
        if let Some(ep) = s.ep.and_then(|ep| self.eps.get_mut(&ep)) {
            ep.remote_udp_port = o.remote_udp_port;
        }
        self.refresh_ep_config(sid);
        for aid in ids {
            if let Some((_, a)) = self.assoc_of(sid, aid) {
                a.set_sndbuf(o.sndbuf);
                a.set_rcvbuf(o.rcvbuf);
                a.set_nodelay(o.nodelay);
                a.set_maxseg(o.maxseg);
                let ms = |v: u32| std::time::Duration::from_millis(v as u64);
                a.set_rto(ms(o.rto.0), ms(o.rto.2), ms(o.rto.1));
            }
        }
    }

    /// SCTP_STATUS of association `id` (one-to-one: the socket's own, whatever `id` says).
    pub fn status(&mut self, sid: Sid, id: AssocId) -> Result<(AssocId, AssocStatus), i32> {
        if !self.socks.contains_key(&sid) {
            return Err(libc::EBADF);
        }
        let aid = self.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        Ok((aid, a.status()))
    }
}

/// The engine already closed socket `sid`'s end (its association failed before accept).
fn closed_before_accept(e: &Engine, sid: Sid) -> bool {
    e.socks
        .get(&sid)
        .is_some_and(|s| s.end.is_none() && s.close_after_out)
}
