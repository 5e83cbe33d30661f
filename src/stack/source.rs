//! Which of a multi-homed endpoint's UDP sockets sends to a peer address (mirror mode): the
//! one bound to the local address the association learned for that path (the address the
//! peer reaches us on, RFC 9260 6.4: answer from where the peer sends to), else the one bound
//! to the source address the kernel's route picks, so that each link carries its own
//! addresses and a cut link takes only its own paths down; else any socket of the family.
//! Route answers are cached per remote address.

use super::engine::UdpSlot;
use super::route;
use super::udp::Udp;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

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

/// Sends `data` to `to` from `udp`; a wildcard-bound socket names the source address `from`
/// with IP_PKTINFO / IPV6_PKTINFO, so that replies leave from the address the peer sent to
/// (an INIT ACK from the INIT's destination, RFC 9260 5.1.2 / 6.4) rather than the route's
/// preferred one. `ect`: marked ECN-capable.
pub fn send(
    udp: &Udp,
    data: &[u8],
    to: SocketAddr,
    from: Option<IpAddr>,
    ect: bool,
) -> Result<(), i32> {
    match named(udp, to, from) {
        Some(ip) => {
            // A source the kernel refuses (an address gone from the host): let it choose.
            match udp.send_msg(data, to, None, Some(ip), ect) {
                Err(e) if e != libc::EAGAIN && e != libc::ENOBUFS => {
                    udp.send_msg(data, to, None, None, ect)
                }
                r => r,
            }
        }
        None if ect => udp.send_msg(data, to, None, None, true),
        None => udp.send(data, to),
    }
}

/// The source address a packet to `to` from `udp` names: `from` when `udp` is bound to the
/// wildcard (a specific bind has its address already) and `from` is of `to`'s family.
pub fn named(udp: &Udp, to: SocketAddr, from: Option<IpAddr>) -> Option<IpAddr> {
    from.filter(|ip| udp.local.ip().is_unspecified() && ip.is_ipv4() == to.is_ipv4())
}
