//! Which of a multi-homed endpoint's UDP sockets sends to a peer address (mirror mode): the
//! one bound to the local address the association learned for that path (the address the
//! peer reaches us on, RFC 9260 6.4: answer from where the peer sends to), else the one bound
//! to the source address the kernel's route picks, so that each link carries its own
//! addresses and a cut link takes only its own paths down; else any socket of the family.
//! Route answers are cached per remote address.

use super::engine::UdpSlot;
use super::route;
use std::collections::HashMap;
use std::net::IpAddr;

/// Route-preferred source address per remote address.
#[derive(Default)]
pub struct Sources {
    by_remote: HashMap<IpAddr, Option<IpAddr>>,
}

impl Sources {
    fn route_source(&mut self, remote: IpAddr) -> Option<IpAddr> {
        *self
            .by_remote
            .entry(remote)
            .or_insert_with(|| route::source_for(remote))
    }

    /// The index (into `udps`) of the socket among `mine` that sends to `remote`.
    pub fn pick(
        &mut self,
        udps: &[Option<UdpSlot>],
        mine: &[usize],
        remote: IpAddr,
        local: Option<IpAddr>,
    ) -> Option<usize> {
        let usable = |i: &usize| matches!(udps.get(*i), Some(Some(s)) if s.udp.reaches(remote));
        let bound_to = |ip: IpAddr| {
            mine.iter()
                .copied()
                .filter(usable)
                .find(|&i| matches!(udps.get(i), Some(Some(s)) if s.udp.local.ip() == ip))
        };
        if let Some(i) = local.and_then(bound_to) {
            return Some(i);
        }
        let wildcard =
            mine.iter().copied().filter(usable).find(
                |&i| matches!(udps.get(i), Some(Some(s)) if s.udp.local.ip().is_unspecified()),
            );
        if wildcard.is_some() {
            return wildcard;
        }
        if mine.len() > 1 {
            if let Some(i) = self.route_source(remote).and_then(bound_to) {
                return Some(i);
            }
        }
        mine.iter().copied().find(usable)
    }
}
