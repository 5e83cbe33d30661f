//! Default send parameters (RFC 6458 8.1.10 SCTP_DEFAULT_SEND_PARAM, 8.1.31
//! SCTP_DEFAULT_SNDINFO, RFC 7496 4.2 SCTP_DEFAULT_PRINFO): stored per socket and per
//! association, and applied by the engine to every message whose cmsgs left them unset, as
//! Linux `sctp_sendmsg_update_sinfo` does. Plain write()/send() records carry no header at
//! all and so take every default.

use super::engine::Engine;
use super::frame::{send_flags, PrKind, SendHeader};
use super::registry::Sid;
use crate::abi::{
    sctp_sndrcvinfo, SCTP_PR_SCTP_MASK, SCTP_PR_SCTP_PRIO, SCTP_PR_SCTP_RTX, SCTP_PR_SCTP_TTL,
    SCTP_UNORDERED,
};
use crate::assoc::{AssocId, PrPolicy};
use std::time::Duration;

impl PrKind {
    /// The policy bits of `sinfo_flags` (SCTP_PR_SCTP_MASK).
    pub fn from_flags(flags: u16) -> PrKind {
        match flags & SCTP_PR_SCTP_MASK {
            SCTP_PR_SCTP_TTL => PrKind::Ttl,
            SCTP_PR_SCTP_RTX => PrKind::Rtx,
            SCTP_PR_SCTP_PRIO => PrKind::Prio,
            _ => PrKind::None,
        }
    }

    /// The PR-SCTP policy (RFC 7496) of a message with time to live / PR value `value`:
    /// PRIO and RTX take it as priority / retransmission count; TTL, and no policy with a
    /// non-zero time to live (the RFC 6458 `sinfo_timetolive` meaning, as Linux
    /// `sctp_datamsg_from_user`), give a lifetime in milliseconds.
    pub fn policy(self, value: u32) -> PrPolicy {
        match self {
            PrKind::Rtx => PrPolicy::Rtx(value),
            PrKind::Prio => PrPolicy::Prio(value),
            PrKind::Ttl | PrKind::None if value != 0 => {
                PrPolicy::Ttl(Duration::from_millis(u64::from(value)))
            }
            _ => PrPolicy::Reliable,
        }
    }
}

/// Fills what a message's cmsgs left unset from the association's defaults `d`
/// (`sctp_sendmsg_update_sinfo`): with neither SNDRCV nor SNDINFO, the stream, PPID and
/// context, and the flags (UNORDERED and the PR policy) unless PRINFO was given; with
/// neither SNDRCV nor PRINFO, the time to live. SCTP_EOF / SCTP_ABORT / SCTP_ADDR_OVER in
/// the defaults do nothing (Linux acts on the flags the call itself gave).
pub fn apply(h: &mut SendHeader, d: &sctp_sndrcvinfo) {
    let has = |bit| h.flags & bit != 0;
    if has(send_flags::RESOLVED) {
        return;
    }
    let (sndrcv, sndinfo, prinfo) = (
        has(send_flags::HAS_SNDRCV),
        has(send_flags::HAS_SNDINFO),
        has(send_flags::HAS_PRINFO),
    );
    if !sndrcv && !sndinfo {
        h.stream = d.sinfo_stream;
        h.ppid = d.sinfo_ppid;
        h.context = d.sinfo_context;
        if !prinfo {
            h.flags &= !send_flags::UNORDERED;
            if d.sinfo_flags & SCTP_UNORDERED != 0 {
                h.flags |= send_flags::UNORDERED;
            }
            h.pr = PrKind::from_flags(d.sinfo_flags);
        }
    }
    if !sndrcv && !prinfo {
        h.pr_value = d.sinfo_timetolive;
    }
}

impl Engine {
    /// The default send parameters of socket `sid` are about to change. Linux resolves them
    /// in sendmsg, so messages the app sent before keep the current ones: those the
    /// association has room for go now, the rest are read from the socketpair, resolved, and
    /// kept ([`super::sock::Sock::resolved`]) until it has room.
    pub fn resolve_queued_sends(&mut self, sid: Sid) {
        self.read_app(sid);
        loop {
            let Some(s) = self.socks.get(&sid) else {
                return;
            };
            if s.app_eof || s.filler {
                return;
            }
            let Some(end) = &s.end else { return };
            let flags = rustix::net::RecvFlags::DONTWAIT;
            // 0 (the app's EOF) stays for `read_app`, after the messages before it.
            let n = match rustix::net::recv(end, &mut self.rec[..], flags) {
                Ok((n, _)) if n > 0 => n.min(self.rec.len()),
                _ => return,
            };
            self.on_record(sid, n, true);
        }
    }

    /// Keep message `data` (header `h`) of socket `sid` with the default send parameters of
    /// its association applied now.
    pub(super) fn hold(&mut self, sid: Sid, mut h: SendHeader, data: Vec<u8>) {
        if let Some(aid) = self.target(sid, &h) {
            apply(&mut h, &self.send_defaults(sid, aid));
        }
        h.flags |= send_flags::RESOLVED;
        if let Some(s) = self.socks.get_mut(&sid) {
            s.resolved.push_back((h, data));
        }
    }

    /// The default send parameters of association `aid` of socket `sid`.
    pub fn send_defaults(&self, sid: Sid, aid: AssocId) -> sctp_sndrcvinfo {
        self.opts(sid).map_or(crate::abi::Pod::zeroed(), |o| {
            o.ext
                .assoc_send_default
                .get(&aid)
                .copied()
                .unwrap_or(o.ext.send_default)
        })
    }

    /// Changes the defaults `id` names (an association, or the FUTURE / CURRENT / ALL
    /// forms) with `f`. Associations that exist keep the socket's defaults they were set
    /// up with when only the socket's change (Linux copies them at association setup).
    /// Records the app wrote before are taken first, so they get the defaults in force
    /// when they were sent (as Linux applies them in `sendmsg`), unless the send buffer is
    /// full.
    pub fn update_send_defaults(
        &mut self,
        sid: Sid,
        id: i32,
        f: impl Fn(&mut sctp_sndrcvinfo),
    ) -> Result<(), i32> {
        let t = self.opt_set_target(sid, id)?;
        self.resolve_queued_sends(sid);
        let existing = self.sock_assocs(sid);
        let ext = &mut self.opts_mut(sid)?.ext;
        let old = ext.send_default;
        for a in existing {
            ext.assoc_send_default.entry(a).or_insert(old);
        }
        for a in t.assocs {
            let d = ext.assoc_send_default.entry(a).or_insert(old);
            f(d);
            super::stream_check::note_default_stream(d.sinfo_stream);
        }
        if t.socket {
            f(&mut ext.send_default);
            super::stream_check::note_default_stream(ext.send_default.sinfo_stream);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Pod;

    fn defaults() -> sctp_sndrcvinfo {
        let mut d = sctp_sndrcvinfo::zeroed();
        d.sinfo_stream = 5;
        d.sinfo_ppid = 9;
        d.sinfo_context = 3;
        d.sinfo_flags = SCTP_UNORDERED | SCTP_PR_SCTP_RTX;
        d.sinfo_timetolive = 100;
        d
    }

    #[test]
    fn plain_record_takes_every_default() {
        let mut h = SendHeader::default();
        apply(&mut h, &defaults());
        assert_eq!((h.stream, h.ppid, h.context), (5, 9, 3));
        assert!(h.flags & send_flags::UNORDERED != 0);
        assert_eq!(h.pr.policy(h.pr_value), PrPolicy::Rtx(100));
    }

    #[test]
    fn cmsgs_keep_what_they_set() {
        // PRINFO only: the policy and value stay the cmsg's, the rest is the default.
        let mut h = SendHeader {
            flags: send_flags::HAS_PRINFO,
            pr: PrKind::Prio,
            pr_value: 3,
            ..SendHeader::default()
        };
        apply(&mut h, &defaults());
        assert_eq!((h.stream, h.pr.policy(h.pr_value)), (5, PrPolicy::Prio(3)));
        assert!(h.flags & send_flags::UNORDERED == 0);
        // SNDINFO: its values stay, only the time to live is the default's.
        let mut h = SendHeader {
            flags: send_flags::HAS_SNDINFO,
            stream: 1,
            ..SendHeader::default()
        };
        apply(&mut h, &defaults());
        assert_eq!((h.stream, h.ppid, h.pr_value), (1, 0, 100));
        assert_eq!(
            h.pr.policy(h.pr_value),
            PrPolicy::Ttl(Duration::from_millis(100))
        );
        // SNDRCV: nothing from the defaults.
        let mut h = SendHeader {
            flags: send_flags::HAS_SNDRCV,
            ..SendHeader::default()
        };
        apply(&mut h, &defaults());
        assert_eq!((h.stream, h.pr_value, h.pr), (0, 0, PrKind::None));
    }
}
