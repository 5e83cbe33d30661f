//! Engine side of the SOL_SCTP action options: SCTP_SOCKOPT_PEELOFF(_FLAGS) (RFC 6458 9.2, Linux
//! `sctp_do_peeloff`: an association of a one-to-many socket moves to a new one-to-one-like
//! socket) and SCTP_SOCKOPT_CONNECTX3 (the id of the new association).

use super::engine::Engine;
use super::events::peer_of;
use super::registry::{FileKey, Sid};
use super::sock::{ConnectSlot, Sock, Style};
use crate::assoc::AssocId;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

impl Engine {
    /// Move association `aid` of one-to-many socket `sid` to the new socket `new_sid` whose app
    /// file is `key` and engine end `end`. EINVAL for a one-to-one or peeled-off socket and for
    /// an association that is not the socket's.
    pub fn peeloff(
        &mut self,
        sid: Sid,
        aid: AssocId,
        new_sid: Sid,
        key: FileKey,
        end: OwnedFd,
    ) -> Result<(), i32> {
        let s = self.socks.get_mut(&sid).ok_or(libc::EBADF)?;
        if s.style != Style::OneToMany || self.assocs.get(&aid) != Some(&sid) {
            return Err(libc::EINVAL);
        }
        let ep = s.ep.ok_or(libc::EINVAL)?;
        s.peers.retain(|&(_, a)| a != aid);
        s.readable.retain(|&a| a != aid);
        let (v6, opts) = (s.v6, s.opts.clone());
        let mut n = Sock::new(new_sid, Style::OneToOne, v6, key, Some(end), opts);
        n.ep = Some(ep);
        n.assoc = Some(aid);
        n.peer = peer_of(&mut self.eps, ep, aid);
        self.socks.insert(new_sid, n);
        if let Some(e) = self.eps.get_mut(&ep) {
            e.refs += 1;
        }
        self.assocs.insert(aid, new_sid);
        self.watch_end(new_sid);
        self.pump(new_sid);
        Ok(())
    }

    /// connectx(): start an association to `peers` like connect(); also its id.
    pub fn connectx(
        &mut self,
        sid: Sid,
        peers: &[SocketAddr],
    ) -> Result<(AssocId, ConnectSlot), i32> {
        let slot = self.connect(sid, peers)?;
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        let id = match s.style {
            Style::OneToOne => s.assoc,
            Style::OneToMany => s.peers.last().map(|&(_, a)| a),
        };
        Ok((id.ok_or(libc::EINVAL)?, slot))
    }
}
