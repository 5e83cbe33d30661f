//! SCTP_AUTOCLOSE (RFC 6458 8.1.8): a one-to-many socket's association that has neither sent
//! nor received user data for the set number of seconds is shut down gracefully (Linux
//! `SCTP_EVENT_TIMEOUT_AUTOCLOSE`, restarted on every DATA sent or received).

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::assoc::AssocId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// When each association of a socket last carried user data.
#[derive(Debug, Default)]
pub struct Activity(HashMap<AssocId, Instant>);

impl Engine {
    /// Association `aid` of socket `sid` carried user data now.
    pub fn touch(&mut self, sid: Sid, aid: AssocId) {
        if let Some(s) = self.socks.get_mut(&sid) {
            if s.opts.ext.autoclose > 0 {
                s.activity.0.insert(aid, Instant::now());
            }
        }
    }

    /// Every (socket, association, deadline) under SCTP_AUTOCLOSE; an association not seen
    /// yet starts its idle time now.
    fn autoclose_deadlines(&mut self) -> Vec<(Sid, AssocId, Instant)> {
        let now = Instant::now();
        let mut out = Vec::new();
        for (&sid, s) in self.socks.iter_mut() {
            let secs = s.opts.ext.autoclose;
            if secs == 0 || s.style != Style::OneToMany {
                continue;
            }
            let live: Vec<AssocId> = s.peers.iter().map(|&(_, a)| a).collect();
            s.activity.0.retain(|a, _| live.contains(a));
            for aid in live {
                let last = *s.activity.0.entry(aid).or_insert(now);
                out.push((sid, aid, last + Duration::from_secs(u64::from(secs))));
            }
        }
        out
    }

    /// The earliest autoclose deadline (for the engine's timer).
    pub fn next_autoclose(&mut self) -> Option<Instant> {
        self.autoclose_deadlines().into_iter().map(|d| d.2).min()
    }

    /// Shut down the associations whose autoclose deadline passed.
    pub fn run_autoclose(&mut self, now: Instant) {
        for (sid, aid, due) in self.autoclose_deadlines() {
            if due > now {
                continue;
            }
            if let Some(s) = self.socks.get_mut(&sid) {
                s.activity.0.remove(&aid);
            }
            if let Some((ep, a)) = self.assoc_of(sid, aid) {
                a.shutdown(now);
                self.mark(ep);
            }
        }
    }
}
