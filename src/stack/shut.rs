//! The engine's own shutdowns of its socketpair ends: what they mean for the app (EOF, EPIPE
//! on send once a one-to-one association is closed) and for telling when the app's file is
//! gone (HUP becomes ambiguous).

use super::engine::Engine;
use super::registry::Sid;

/// Directions the engine shut on its end: writing (EOF for the app) and reading (the app's
/// sends fail with EPIPE once the association is closed, as Linux's
/// `sctp_sendmsg_check_sflags` says for a CLOSED one-to-one socket).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppShut {
    pub end_rd: bool,
    pub end_wr: bool,
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

    /// The close hook saw the last fd of socket `sid`'s file closed (data it left unread was
    /// reported before the close: [`Engine::mark_unread`]).
    pub fn app_closed(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if s.app_gone {
            return;
        }
        // An end the engine closed (a failed non-blocking connect) tells nothing more.
        if s.app_eof || s.end.is_none() {
            self.app_gone(sid);
            return;
        }
        // Records the app wrote before closing may still be queued on the engine's end (the
        // association's send buffer was full): they are read and sent first, and the EOF
        // behind them ends the socket (`read_app`), as the kernel sends what was written.
        s.hup = true;
        self.read_app(sid);
    }
}

impl Engine {
    /// The app leaves data unread on socket `sid` (closing it, or exiting): the close aborts
    /// its associations (Linux `sctp_close`).
    pub fn mark_unread(&mut self, sid: Sid) {
        if let Some(s) = self.socks.get_mut(&sid) {
            s.unread_at_close = true;
        }
    }

    /// shutdown() on one-to-one socket `sid`: false when it has no association (ENOTCONN).
    pub fn app_shutdown(&self, sid: Sid) -> bool {
        self.socks.get(&sid).is_some_and(|s| s.assoc.is_some())
    }
}
