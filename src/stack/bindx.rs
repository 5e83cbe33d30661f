//! sctp_bindx(SCTP_BINDX_ADD_ADDR) on a bound socket (RFC 6458 9.1): more local addresses for
//! the endpoint, on its port. Associations set up afterwards list them in INIT / INIT ACK
//! (multi-homing); existing ones would need ASCONF (RFC 5061), which Linux also only does
//! with `net.sctp.addip_enable`, so they are left as they are.

use super::config::PortMode;
use super::engine::Engine;
use super::registry::Sid;
use super::udp::Udp;
use std::net::{IpAddr, SocketAddr};

impl Engine {
    /// Add `addrs` (port 0 or the endpoint's port) to socket `sid`'s bound endpoint.
    /// EINVAL for another port or a wildcard endpoint; the bind errors of each address
    /// (EADDRNOTAVAIL, EADDRINUSE) otherwise, with nothing added.
    pub fn bind_add(&mut self, sid: Sid, addrs: &[SocketAddr]) -> Result<(), i32> {
        let ep_id = self
            .socks
            .get(&sid)
            .and_then(|s| s.ep)
            .ok_or(libc::EINVAL)?;
        let e = self.eps.get(&ep_id).ok_or(libc::EINVAL)?;
        let port = e.port;
        if e.is_wildcard() || addrs.iter().any(|a| a.port() != 0 && a.port() != port) {
            return Err(libc::EINVAL);
        }
        let new: Vec<IpAddr> = addrs
            .iter()
            .map(|a| a.ip())
            .filter(|ip| !e.addrs.contains(ip))
            .collect();
        let mut udps = Vec::new();
        if self.cfg.mode == PortMode::Mirror {
            for &ip in &new {
                match Udp::bind(SocketAddr::new(ip, port)) {
                    Ok(u) => udps.push(self.add_udp(u, Some(ep_id))),
                    Err(err) => {
                        for i in udps {
                            self.remove_udp(i);
                        }
                        return Err(err);
                    }
                }
            }
        }
        let Some(e) = self.eps.get_mut(&ep_id) else {
            return Err(libc::EINVAL);
        };
        e.udps.extend(udps);
        e.addrs.extend(new);
        let locals: Vec<IpAddr> = e
            .addrs
            .iter()
            .copied()
            .filter(|a| !a.is_unspecified())
            .collect();
        e.endpoint.set_local_addrs(locals);
        Ok(())
    }
}
