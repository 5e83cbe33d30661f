//! Per-socket values of the SOL_SCTP options added with RFC 6458 8.1.x extensions and later
//! Linux options (stream scheduler default, PR-SCTP and interleaving switches, ECN switch,
//! PF exposure, PLPMTUD probe interval, per-association receive context), and how an
//! option's `sctp_assoc_t` names its target as Linux's `sctp_id2assoc` plus the
//! SCTP_FUTURE_ASSOC / SCTP_CURRENT_ASSOC / SCTP_ALL_ASSOC rules (`net/sctp/socket.c`).

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::abi::SCTP_SENDER_DRY_EVENT;
use crate::abi::{SCTP_ALL_ASSOC, SCTP_CURRENT_ASSOC, SCTP_FUTURE_ASSOC};
use crate::assoc::tx::Scheduler;
use crate::assoc::{AssocConfig, AssocId, Event};
use crate::shim::notify::Subscriptions;
use std::collections::HashMap;
use std::net::IpAddr;

/// Linux's defaults (`sctp_init_sock`, `sctp_endpoint_init`); `None`: the configured one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatOpts {
    /// SCTP_STREAM_SCHEDULER for new associations (`sp->default_ss`).
    pub scheduler: Scheduler,
    /// SCTP_PR_SUPPORTED (`ep->prsctp_enable`).
    pub pr: Option<bool>,
    /// SCTP_INTERLEAVING_SUPPORTED (`ep->intl_enable`).
    pub intl: Option<bool>,
    /// SCTP_ECN_SUPPORTED (`ep->ecn_enable`).
    pub ecn: Option<bool>,
    /// SCTP_PLPMTUD_PROBE_INTERVAL (ms) of the socket, and of associations (`None`) and
    /// their paths that set one (RFC 8899, `crate::assoc` plpmtud).
    pub probe_interval: u32,
    pub probes: HashMap<(AssocId, Option<IpAddr>), u32>,
    /// SCTP_CONTEXT of associations that set one (the socket's is `ExtOpts::context`).
    pub assoc_context: HashMap<AssocId, u32>,
    /// One-to-many: notification subscriptions of associations that no longer follow the
    /// socket's (`SockOpts::events`): SCTP_EVENT for an association, or a socket-level
    /// SCTP_EVENT they were set up before (Linux `asoc->subscribe`).
    pub assoc_events: HashMap<AssocId, Subscriptions>,
}

impl FeatOpts {
    /// These defaults applied to the protocol parameters of new associations.
    pub fn apply(&self, c: &mut AssocConfig) {
        c.scheduler = self.scheduler;
        if let Some(on) = self.pr {
            c.pr_supported = on;
        }
        if let Some(on) = self.intl {
            c.intl_supported = on;
        }
        if let Some(on) = self.ecn {
            c.ecn_supported = on;
        }
        c.probe_interval = std::time::Duration::from_millis(self.probe_interval.into());
    }
}

/// Where a set applies (Linux: an association named by id, else the socket's defaults for
/// SCTP_FUTURE_ASSOC / SCTP_ALL_ASSOC, and every current association for
/// SCTP_CURRENT_ASSOC / SCTP_ALL_ASSOC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetTarget {
    pub socket: bool,
    pub assocs: Vec<AssocId>,
}

impl Engine {
    fn style(&self, sid: Sid) -> Result<Style, i32> {
        Ok(self.socks.get(&sid).ok_or(libc::EBADF)?.style)
    }

    /// Every association of socket `sid`.
    pub fn sock_assocs(&self, sid: Sid) -> Vec<AssocId> {
        match self.socks.get(&sid) {
            Some(s) if s.style == Style::OneToMany => s.peers.iter().map(|&(_, a)| a).collect(),
            Some(s) => s.assoc.into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// A get (or a set without the CURRENT/ALL forms): the association `id` names, or None
    /// for the socket; a one-to-many id that is neither an association of the socket nor
    /// SCTP_FUTURE_ASSOC is EINVAL.
    pub fn opt_assoc(&self, sid: Sid, id: i32) -> Result<Option<AssocId>, i32> {
        let aid = self.assoc_id(sid, id);
        if aid.is_none() && id != SCTP_FUTURE_ASSOC && self.style(sid)? == Style::OneToMany {
            return Err(libc::EINVAL);
        }
        Ok(aid)
    }

    /// An option that needs an association (EINVAL without one).
    pub fn opt_need_assoc(&self, sid: Sid, id: i32) -> Result<AssocId, i32> {
        self.assoc_id(sid, id).ok_or(libc::EINVAL)
    }

    /// A set with the FUTURE / CURRENT / ALL forms (one-to-one sockets take any id as
    /// SCTP_FUTURE_ASSOC when they have no association).
    pub fn opt_set_target(&self, sid: Sid, id: i32) -> Result<SetTarget, i32> {
        let one_to_many = self.style(sid)? == Style::OneToMany;
        if let Some(aid) = self.assoc_id(sid, id) {
            return Ok(SetTarget {
                socket: false,
                assocs: vec![aid],
            });
        }
        if one_to_many && id > SCTP_ALL_ASSOC {
            return Err(libc::EINVAL);
        }
        let id = if one_to_many { id } else { SCTP_FUTURE_ASSOC };
        Ok(SetTarget {
            socket: id == SCTP_FUTURE_ASSOC || id == SCTP_ALL_ASSOC,
            assocs: if id == SCTP_CURRENT_ASSOC || id == SCTP_ALL_ASSOC {
                self.sock_assocs(sid)
            } else {
                Vec::new()
            },
        })
    }

    pub fn feat(&self, sid: Sid) -> Result<&FeatOpts, i32> {
        Ok(&self.opts(sid)?.feat)
    }

    pub fn feat_mut(&mut self, sid: Sid) -> Result<&mut FeatOpts, i32> {
        Ok(&mut self.opts_mut(sid)?.feat)
    }

    /// The SCTP_CONTEXT a message received on association `aid` carries.
    pub fn rcv_context(&self, sid: Sid, aid: AssocId) -> u32 {
        self.opts(sid).map_or(0, |o| {
            o.feat
                .assoc_context
                .get(&aid)
                .copied()
                .unwrap_or(o.ext.context)
        })
    }

    /// Association `aid` of socket `sid` is gone: drop the option values kept for it.
    pub fn forget_assoc_opts(&mut self, sid: Sid, aid: AssocId) {
        if let Ok(o) = self.opts_mut(sid) {
            o.ext.assoc_send_default.remove(&aid);
            o.feat.assoc_context.remove(&aid);
            o.feat.probes.retain(|&(a, _), _| a != aid);
            o.feat.assoc_events.remove(&aid);
        }
    }

    /// The notification subscriptions in force for association `aid`.
    pub fn subs_of(&self, sid: Sid, aid: AssocId) -> Subscriptions {
        self.opts(sid).map_or(Subscriptions::default(), |o| {
            o.feat.assoc_events.get(&aid).copied().unwrap_or(o.events)
        })
    }

    /// SCTP_EVENT set (Linux `sctp_setsockopt_event`, RFC 6458 6.2.2): the FUTURE / CURRENT
    /// / ALL forms on one-to-many sockets (associations that exist keep what they had when
    /// only the socket's changes); a one-to-one socket and its association share one set.
    /// Turning SCTP_SENDER_DRY_EVENT on for associations with nothing queued or in flight
    /// raises it at once. Returns whether the socket wants SCTP_SNDRCV cmsgs.
    pub fn set_event_sub(
        &mut self,
        sid: Sid,
        id: i32,
        sn_type: u16,
        on: bool,
    ) -> Result<bool, i32> {
        let t = self.opt_set_target(sid, id)?;
        Subscriptions::default().set(sn_type, on)?;
        let one_to_one = self.style(sid)? == Style::OneToOne;
        let existing = self.sock_assocs(sid);
        let o = self.opts_mut(sid)?;
        let old = o.events;
        if one_to_one || t.socket {
            o.events.set(sn_type, on)?;
        }
        if !one_to_one {
            for a in &existing {
                o.feat.assoc_events.entry(*a).or_insert(old);
            }
            for a in &t.assocs {
                o.feat
                    .assoc_events
                    .entry(*a)
                    .or_insert(old)
                    .set(sn_type, on)?;
            }
        }
        let data_io = o.events.data_io();
        if sn_type == SCTP_SENDER_DRY_EVENT && on {
            self.dry_now(sid, &t.assocs);
        }
        Ok(data_io)
    }

    /// SCTP_EVENTS set (Linux `sctp_setsockopt_events`): the socket's and every
    /// association's subscriptions; a one-to-one socket whose association is dry gets
    /// SCTP_SENDER_DRY_EVENT at once when it is on. Returns the SCTP_SNDRCV cmsg switch.
    pub fn set_events_all(&mut self, sid: Sid, optval: &[u8]) -> Result<bool, i32> {
        let one_to_one = self.style(sid)? == Style::OneToOne;
        let o = self.opts_mut(sid)?;
        o.events.apply_event_subscribe(optval)?;
        o.feat.assoc_events.clear();
        let (data_io, dry) = (o.events.data_io(), o.events.is_on(SCTP_SENDER_DRY_EVENT));
        if one_to_one && dry {
            let own = self.sock_assocs(sid);
            self.dry_now(sid, &own);
        }
        Ok(data_io)
    }

    /// SCTP_SENDER_DRY_EVENT now for those of `aids` with nothing queued or in flight.
    fn dry_now(&mut self, sid: Sid, aids: &[AssocId]) {
        for &aid in aids {
            if self
                .assoc_of(sid, aid)
                .is_some_and(|(_, a)| a.is_sender_dry())
            {
                self.notify(sid, aid, &Event::SenderDry);
            }
        }
    }
}
