//! sctp_bindx() on a bound socket (RFC 6458 9.1, Linux `sctp_bindx_add`/`sctp_bindx_rem`):
//! the endpoint gains or loses local addresses, each with its own UDP socket in mirror mode
//! (RFC 6951 5.3 with the host's UDP port space as the SCTP port space). Associations that
//! already exist keep their address lists unless ASCONF (RFC 5061) is on: then each live
//! association that negotiated it asks its peer to add or delete the address (`asconf.rs`),
//! as Linux with `net.sctp.addip_enable = 1`.

use super::config::PortMode;
use super::engine::Engine;
use super::registry::Sid;
use super::sock::EpId;
use super::udp::Udp;
use std::net::{IpAddr, SocketAddr};

impl Engine {
    /// sctp_bindx(ADD): bind `addrs` (port 0 or the bound port) to `sid`; an unbound socket is
    /// bound to all of them. EINVAL for another port, a wildcard mix or an address bound
    /// already (Linux `sctp_do_bind`); all or nothing, as Linux rolls back.
    pub fn bindx_add(&mut self, sid: Sid, addrs: &[SocketAddr]) -> Result<(), i32> {
        let ep_id = match self.socks.get(&sid).ok_or(libc::EBADF)?.ep {
            Some(ep) => ep,
            None => return self.bind(sid, addrs).map(|_| ()),
        };
        let e = self.eps.get(&ep_id).ok_or(libc::EBADF)?;
        let port = e.port;
        let mut new: Vec<IpAddr> = Vec::with_capacity(addrs.len());
        for a in addrs {
            if a.port() != 0 && a.port() != port {
                return Err(libc::EINVAL);
            }
            if a.ip().is_unspecified() || e.is_wildcard() {
                return Err(libc::EINVAL);
            }
            if e.addrs.contains(&a.ip()) || new.contains(&a.ip()) {
                return Err(libc::EINVAL);
            }
            new.push(a.ip());
        }
        let mut udps = Vec::with_capacity(new.len());
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
            return Err(libc::EBADF);
        };
        e.udps.extend(udps);
        e.addrs.extend(new.iter().copied());
        let listed = e.addrs.clone();
        e.endpoint.set_local_addrs(listed);
        tracing::debug!(sid, port, n = e.addrs.len(), "bindx add");
        self.announce_addrs(ep_id, &new, true);
        Ok(())
    }

    /// sctp_bindx(REM): unbind `addrs` from `sid`'s endpoint one by one, as Linux
    /// `sctp_bindx_rem` (no rollback): EINVAL for an unbound socket, another port or an address
    /// not bound; EBUSY when only one address is left.
    pub fn bindx_rem(&mut self, sid: Sid, addrs: &[SocketAddr]) -> Result<(), i32> {
        let ep_id: EpId = self
            .socks
            .get(&sid)
            .ok_or(libc::EBADF)?
            .ep
            .ok_or(libc::EINVAL)?;
        let mut result = Ok(());
        for a in addrs {
            let e = self.eps.get_mut(&ep_id).ok_or(libc::EBADF)?;
            if e.addrs.len() <= 1 {
                result = Err(libc::EBUSY);
                break;
            }
            if (a.port() != 0 && a.port() != e.port) || !e.addrs.contains(&a.ip()) {
                result = Err(libc::EINVAL);
                break;
            }
            e.addrs.retain(|x| *x != a.ip());
            self.announce_addrs(ep_id, &[a.ip()], false);
            let Some(e) = self.eps.get_mut(&ep_id) else {
                return Err(libc::EBADF);
            };
            let udps = &self.udps;
            let gone = e
                .udps
                .iter()
                .position(|&i| matches!(udps.get(i), Some(Some(s)) if s.udp.local.ip() == a.ip()));
            if let Some(k) = gone {
                let i = e.udps.swap_remove(k);
                self.remove_udp(i);
            }
        }
        if let Some(e) = self.eps.get_mut(&ep_id) {
            let listed = e.addrs.clone();
            e.endpoint.set_local_addrs(listed);
            tracing::debug!(sid, n = e.addrs.len(), "bindx rem");
        }
        result
    }
}
