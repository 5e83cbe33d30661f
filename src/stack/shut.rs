//! shutdown() as the app did it, for the receive side's answers at end of file (Linux
//! `sctp_shutdown` sets `sk_shutdown`; `sctp_recvmsg` reports ENOTCONN on a one-to-one socket
//! that is no longer ESTABLISHED or CLOSING, 0 once RCV_SHUTDOWN is set).

use super::engine::Engine;
use super::registry::Sid;

/// Directions the app shut down on its own fd, and those the engine shut on its end: writing
/// (EOF for the app) and reading (the app's sends fail with EPIPE once the association is
/// closed, as Linux's `sctp_sendmsg_check_sflags` says for a CLOSED one-to-one socket).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppShut {
    pub rd: bool,
    pub wr: bool,
    pub end_rd: bool,
    pub end_wr: bool,
}

impl Engine {
    /// The app called shutdown(`how`) on one-to-one socket `sid`: remember it; false when the
    /// socket has no association (ENOTCONN).
    pub fn app_shutdown(&mut self, sid: Sid, how: i32) -> bool {
        let Some(s) = self.socks.get_mut(&sid) else {
            return false;
        };
        if s.assoc.is_none() {
            return false;
        }
        s.app_shut.rd |= how == libc::SHUT_RD || how == libc::SHUT_RDWR;
        s.app_shut.wr |= how == libc::SHUT_WR || how == libc::SHUT_RDWR;
        true
    }

    /// End of file on one-to-one socket `sid`'s fd means ENOTCONN: the app shut down writing
    /// (not reading) and the association has ended, so the socket is CLOSED.
    pub fn closed_after_shut_wr(&self, sid: Sid) -> bool {
        let Some(s) = self.socks.get(&sid) else {
            return false;
        };
        let live = s.assoc.is_some_and(|a| self.assocs.contains_key(&a));
        s.app_shut.wr && !s.app_shut.rd && !live
    }
}

impl Engine {
    /// epoll HUP on socket `sid`'s end means "every reference to the app's file is gone" unless
    /// the engine shut its own end, when both directions may be shut while the app still holds
    /// its fd: then the close hook reports the last close ([`Self::app_closed`]).
    pub fn hup_means_gone(&self, sid: Sid) -> bool {
        self.socks
            .get(&sid)
            .is_none_or(|s| !(s.app_shut.end_rd || s.app_shut.end_wr))
    }

    /// One-to-one socket `sid`'s association is closed: the app's sends now fail with EPIPE.
    pub fn refuse_app_sends(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if let Some(end) = &s.end {
            s.app_shut.end_rd = true;
            let _ = rustix::net::shutdown(end, rustix::net::Shutdown::Read);
        }
    }

    /// A one-to-many socket that neither listens nor has an association (nor anything left
    /// to read): a read would wait forever, Linux says ENOTCONN.
    pub fn idle_one_to_many(&self, sid: Sid) -> bool {
        self.socks.get(&sid).is_some_and(|s| {
            s.style == super::sock::Style::OneToMany
                && !s.listening
                && s.peers.is_empty()
                && s.out.is_empty()
        })
    }

    /// The close hook saw the last fd of socket `sid`'s file closed.
    pub fn app_closed(&mut self, sid: Sid) {
        if self.socks.get(&sid).is_some_and(|s| !s.app_gone) {
            self.app_gone(sid);
        }
    }
}
