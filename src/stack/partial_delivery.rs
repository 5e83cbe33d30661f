//! Partial delivery seen from the socket (RFC 6458 8.1.20; the core splits the messages, see
//! `assoc::rx::partial_delivery`): the socket's SCTP_PARTIAL_DELIVERY_POINT and
//! SCTP_FRAGMENT_INTERLEAVE go to its associations, and on a one-to-many socket at fragment
//! interleave level 0 (Linux's default: `sctp_sock.pd_mode` without `frag_interleave`)
//! nothing of another association reaches the app between the pieces of a message.

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::assoc::AssocId;

impl Engine {
    /// Socket `sid`'s SCTP_PARTIAL_DELIVERY_POINT / SCTP_FRAGMENT_INTERLEAVE changed: its
    /// associations follow at once (Linux reads both from the socket when it needs them), and
    /// so do those it sets up later.
    pub fn apply_pd_opts(&mut self, sid: Sid) -> Result<(), i32> {
        self.refresh_ep_config(sid);
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        let (point, level) = (s.opts.ext.pd_point, u8::from(s.opts.ext.frag_interleave));
        let ids: Vec<AssocId> = match s.style {
            Style::OneToOne => s.assoc.into_iter().collect(),
            Style::OneToMany => s.peers.iter().map(|&(_, a)| a).collect(),
        };
        for aid in ids {
            if let Some((_, a)) = self.assoc_of(sid, aid) {
                a.set_partial_delivery(point, level);
            }
        }
        Ok(())
    }

    /// The association whose partially delivered message holds the other associations of
    /// one-to-many socket `sid` back (level 0), while it is not finished.
    pub(super) fn pd_hold(&mut self, sid: Sid) -> Option<AssocId> {
        let s = self.socks.get(&sid)?;
        let aid = s.pd_assoc.filter(|_| !s.opts.ext.frag_interleave)?;
        let going = self
            .assoc_of(sid, aid)
            .is_some_and(|(_, a)| a.in_partial_delivery());
        if !going {
            if let Some(s) = self.socks.get_mut(&sid) {
                s.pd_assoc = None;
            }
        }
        going.then_some(aid)
    }

    /// A message or piece (`more`: not the last) of association `aid` went to socket `sid`'s
    /// app.
    pub(super) fn note_delivered(&mut self, sid: Sid, aid: AssocId, more: bool) {
        if let Some(s) = self.socks.get_mut(&sid) {
            if more {
                s.pd_assoc = Some(aid);
            } else if s.pd_assoc == Some(aid) {
                s.pd_assoc = None;
            }
        }
    }
}
