//! A message for a stream its association does not have fails the send call with EINVAL and
//! is not sent (Linux `sctp_sendmsg_to_asoc`: `sinfo_stream >= outcnt`), instead of being
//! taken and dropped later. The stream is the one the engine would use: the call's
//! SNDRCV / SNDINFO, else the association's default send parameters
//! ([`super::send_defaults`]). The count is the association's outbound streams (its
//! SCTP_INITMSG count while it is set up, the negotiated one after), or, for a message that
//! sets an association up, the SCTP_INIT cmsg's / the socket's SCTP_INITMSG `sinit_num_ostreams`.

use super::engine::Engine;
use super::frame::{send_flags, SendHeader};
use super::registry::Sid;
use super::sock::Style;
use crate::assoc::AssocId;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once any socket of the process got a default send stream other than 0: from then on
/// messages without SNDRCV / SNDINFO may need the check too.
static DEFAULT_STREAMS: AtomicBool = AtomicBool::new(false);

/// A default send parameter named `stream`.
pub fn note_default_stream(stream: u16) {
    if stream != 0 {
        DEFAULT_STREAMS.store(true, Ordering::Relaxed);
    }
}

/// Whether a message with header `h` (None: plain write) may name a stream other than 0, the
/// one every association has: only those cost a look at the association.
pub fn needs_check(h: Option<&SendHeader>) -> bool {
    match h {
        Some(h) if h.flags & (send_flags::HAS_SNDRCV | send_flags::HAS_SNDINFO) != 0 => {
            h.stream != 0
        }
        _ => DEFAULT_STREAMS.load(Ordering::Relaxed),
    }
}

/// `sinit_num_ostreams` of a new association: the SCTP_INIT cmsg's unless zero, else the
/// socket's SCTP_INITMSG (never below 1, as `SockOpts::assoc_config`).
pub fn new_assoc_streams(init: &[u16; 4], socket_initmsg: &[u16; 4]) -> u16 {
    if init[0] != 0 {
        init[0]
    } else {
        socket_initmsg[0].max(1)
    }
}

impl Engine {
    /// Whether message `h` on socket `sid` names a stream beyond its association's outbound
    /// count (EINVAL). SCTP_SENDALL: beyond any of the socket's associations'.
    pub fn stream_refused(&self, sid: Sid, h: &SendHeader) -> bool {
        let Some(s) = self.socks.get(&sid) else {
            return false;
        };
        let existing = |aid: AssocId| {
            self.assoc_ref(sid, aid).is_some_and(|a| {
                let mut eff = *h;
                super::send_defaults::apply(&mut eff, &self.send_defaults(sid, aid));
                eff.stream >= a.outbound_streams()
            })
        };
        let new = || {
            let mut eff = *h;
            super::send_defaults::apply(&mut eff, &s.opts.ext.send_default);
            eff.stream >= new_assoc_streams(&h.init, &s.opts.initmsg)
        };
        match s.style {
            Style::OneToOne => s.assoc.map_or_else(new, existing),
            Style::OneToMany if h.flags & send_flags::SENDALL != 0 => {
                s.peers.iter().any(|&(_, a)| existing(a))
            }
            Style::OneToMany if h.assoc_id != 0 => existing(h.assoc_id),
            Style::OneToMany => match h.dest {
                Some(d) => match s.peers.iter().find(|(p, _)| *p == d) {
                    Some(&(_, a)) => existing(a),
                    None => new(),
                },
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_named_or_defaulted_streams_are_checked() {
        let mut h = SendHeader {
            flags: send_flags::HAS_SNDRCV,
            ..SendHeader::default()
        };
        assert!(!needs_check(Some(&h)), "stream 0 named");
        h.stream = 3;
        assert!(needs_check(Some(&h)));
        h.flags = send_flags::HAS_SNDINFO;
        assert!(needs_check(Some(&h)));
    }

    #[test]
    fn init_cmsg_overrides_the_socket_count_unless_zero() {
        assert_eq!(new_assoc_streams(&[0; 4], &[10, 10, 8, 0]), 10);
        assert_eq!(new_assoc_streams(&[3, 0, 0, 0], &[10, 10, 8, 0]), 3);
        assert_eq!(new_assoc_streams(&[0; 4], &[0; 4]), 1);
    }
}
