//! Path MTU discovery (RFC 9260 7.3 with RFC 1191 / 8201, as Linux does with SPP_PMTUD_ENABLE):
//! our UDP datagrams leave with DF set while they fit the route's MTU (the kernel's default
//! IP_PMTUDISC_WANT), so a link with a smaller MTU answers with ICMP Fragmentation Needed /
//! Packet Too Big, which IP_RECVERR queues on the socket with the MTU. Every association with
//! a path to that address then builds packets for it ([`super::route::payload_of`]); what was
//! already built larger is fragmented by the kernel, so nothing stalls. A path with
//! SPP_PMTUD_DISABLE keeps its MTU.

use super::engine::Engine;
use super::sock::EpId;
use std::net::SocketAddr;

impl Engine {
    /// ICMP says packets to `dest` must be at most `mtu` bytes (IP header included), for the
    /// endpoint of the UDP socket that sent them (`None`: the process's fixed-port socket,
    /// every endpoint).
    pub fn path_mtu_lowered(&mut self, ep: Option<EpId>, dest: SocketAddr, mtu: u32) {
        let ip = dest.ip();
        let payload = super::route::payload_of(mtu, ip);
        let eps: Vec<EpId> = match ep {
            Some(ep) => vec![ep],
            None => self.eps.keys().copied().collect(),
        };
        for ep in eps {
            let ids: Vec<_> = match self.eps.get(&ep) {
                Some(e) => e.endpoint.assoc_ids().collect(),
                None => continue,
            };
            for aid in ids {
                let Some(a) = self
                    .eps
                    .get_mut(&ep)
                    .and_then(|e| e.endpoint.assoc_mut(aid))
                else {
                    continue;
                };
                let lower = a
                    .path_params(Some(ip))
                    .is_some_and(|p| p.pmtu > payload && !p.pmtud_off);
                if lower {
                    tracing::debug!(%dest, mtu, payload, aid, "path MTU lowered");
                    a.set_pmtu(Some(ip), payload);
                }
            }
            self.mark(ep);
        }
    }
}
