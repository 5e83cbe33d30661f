//! One bound SCTP port: the protocol [`Endpoint`] and the UDP sockets that carry it.
//!
//! Mirror mode (RFC 6951 with the host's UDP port space as the SCTP port space): the SCTP
//! socket bound to port P owns UDP sockets on port P of each bound address (wildcard bind:
//! the UDP wildcard); port 0 takes the kernel's ephemeral UDP port. Fixed mode: all endpoints
//! share the process's one UDP socket and are told apart by the SCTP destination port.

use super::config::PortMode;
use super::engine::Engine;
use super::registry::Sid;
use super::route;
use super::sock::EpId;
use super::udp::Udp;
use crate::assoc::{Endpoint, EndpointConfig, Rng};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Fixed mode's ephemeral SCTP ports: 49152..=65535 (RFC 6335 dynamic ports).
const EPHEMERAL: u16 = 16384;

/// The OS CSPRNG for tags, TSNs and cookie secrets (RFC 9260 5.1.3, 8.5 security).
pub struct OsRng;

impl Rng for OsRng {
    fn fill(&mut self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // getrandom(2) does not fail on Linux >= 3.17 once seeded; never leave zeros.
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (std::time::Instant::now().elapsed().subsec_nanos() as usize ^ i) as u8;
            }
        }
    }
}

/// A bound SCTP port.
pub struct Ep {
    pub endpoint: Endpoint,
    pub port: u16,
    /// The bound addresses (one wildcard address for a wildcard bind).
    pub addrs: Vec<IpAddr>,
    /// Indexes into the engine's UDP table (mirror mode).
    pub udps: Vec<usize>,
    /// Sockets using this endpoint: the bound socket and its accepted ones.
    pub refs: u32,
    /// The socket that bound it (a listener's accepted sockets share it).
    pub owner: Sid,
    /// SCTP_REMOTE_UDP_ENCAPS_PORT of the owner (0: the peer's SCTP port in mirror mode).
    pub remote_udp_port: u16,
    /// Sockets holding a message this endpoint's association had no room for.
    pub blocked: Vec<Sid>,
}

impl Ep {
    pub fn is_wildcard(&self) -> bool {
        self.addrs.iter().any(|a| a.is_unspecified())
    }
}

/// The wildcard address of the socket's family.
pub fn wildcard(v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

impl Engine {
    /// Bind socket `sid` to `addrs` (all with the same port; port 0: ephemeral) or, with no
    /// address, to the wildcard on an ephemeral port (autobind before connect/listen).
    pub fn bind(&mut self, sid: Sid, addrs: &[SocketAddr]) -> Result<EpId, i32> {
        let sock = self.socks.get(&sid).ok_or(libc::EBADF)?;
        if sock.ep.is_some() {
            return Err(libc::EINVAL);
        }
        let v6 = sock.v6;
        let opts = sock.opts.clone();
        let addrs: Vec<SocketAddr> = if addrs.is_empty() {
            vec![SocketAddr::new(wildcard(v6), 0)]
        } else {
            addrs.to_vec()
        };
        let mut port = addrs[0].port();
        let mut udps = Vec::new();
        match self.cfg.mode {
            PortMode::Mirror => {
                for a in &addrs {
                    match Udp::bind(SocketAddr::new(a.ip(), port)) {
                        Ok(u) => {
                            port = u.local.port();
                            udps.push(self.add_udp(u, None));
                        }
                        Err(e) => {
                            for i in udps {
                                self.remove_udp(i);
                            }
                            return Err(e);
                        }
                    }
                }
            }
            PortMode::Fixed { local, .. } => {
                self.fixed_udp(local)?;
                if port == 0 {
                    // From a random start, as Linux picks ephemeral ports: processes on one
                    // host share no port space in fixed mode, and a peer serving several of
                    // them must not see the same address and port twice.
                    let mut r = [0u8; 2];
                    let _ = getrandom::fill(&mut r);
                    let start = u16::from_ne_bytes(r) % EPHEMERAL;
                    port = (0..EPHEMERAL)
                        .map(|k| 49152 + (start + k) % EPHEMERAL)
                        .find(|p| !self.ports.contains_key(p))
                        .ok_or(libc::EADDRINUSE)?;
                } else if self.ports.contains_key(&port) {
                    return Err(libc::EADDRINUSE);
                }
            }
        }
        let ips: Vec<IpAddr> = addrs.iter().map(|a| a.ip()).collect();
        let mut assoc = opts.assoc_config(&self.cfg.assoc);
        if self.cfg.mode == PortMode::Mirror {
            // 0: the runtime sends to the peer's SCTP port unless a port was learned.
            assoc.remote_udp_port = 0;
        }
        assoc.pmtu = route::path_mtu(&ips);
        // A wildcard bind lists the host's addresses (RFC 9260 5.1.2), of the socket's
        // families: an IPv6 socket also takes IPv4 unless IPV6_V6ONLY.
        let wildcard = ips.iter().any(|a| a.is_unspecified());
        let listed = if wildcard {
            // Kept current as addresses come and go (stack/addr_watch.rs).
            self.watch_addrs();
            self.host_addrs((!v6 || !opts.v6only, v6))
        } else {
            ips.clone()
        };
        let mut ecfg = EndpointConfig::new(port, listed);
        ecfg.assoc = assoc;
        let endpoint = Endpoint::new(ecfg, Box::new(OsRng));
        let id = self.next_ep;
        self.next_ep += 1;
        for &i in &udps {
            if let Some(Some(slot)) = self.udps.get_mut(i) {
                slot.ep = Some(id);
            }
        }
        self.ports.insert(port, id);
        self.eps.insert(
            id,
            Ep {
                endpoint,
                port,
                addrs: ips,
                udps,
                refs: 1,
                owner: sid,
                remote_udp_port: opts.remote_udp_port,
                blocked: Vec::new(),
            },
        );
        if let Some(s) = self.socks.get_mut(&sid) {
            s.ep = Some(id);
        }
        tracing::debug!(sid, port, "bound");
        Ok(id)
    }

    /// The socket's endpoint, binding it to an ephemeral port first if needed.
    pub fn ensure_bound(&mut self, sid: Sid) -> Result<EpId, i32> {
        match self.socks.get(&sid).ok_or(libc::EBADF)?.ep {
            Some(ep) => Ok(ep),
            None => self.bind(sid, &[]),
        }
    }

    /// One reference to `ep` is gone; the last one closes its UDP sockets and frees the port.
    /// The endpoint goes once this wake-up's packets are out (its last ABORT or SHUTDOWN
    /// COMPLETE), in [`Self::drop_if_unused`].
    pub fn release_ep(&mut self, ep: EpId) {
        let Some(e) = self.eps.get_mut(&ep) else {
            return;
        };
        e.refs = e.refs.saturating_sub(1);
        if e.refs == 0 {
            self.mark(ep);
        }
    }

    /// Close an endpoint no socket uses any more: its UDP sockets and its port.
    pub fn drop_if_unused(&mut self, ep: EpId) {
        if self.eps.get(&ep).is_none_or(|e| e.refs > 0) {
            return;
        }
        if let Some(e) = self.eps.remove(&ep) {
            for i in e.udps {
                self.remove_udp(i);
            }
            self.ports.remove(&e.port);
            tracing::debug!(port = e.port, "port released");
        }
    }
}
