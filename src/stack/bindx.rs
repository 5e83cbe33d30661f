//! sctp_bindx() on a bound socket (RFC 6458 9.1, Linux `sctp_bindx_add`/`sctp_bindx_rem`):
//! the endpoint gains or loses local addresses, each with its own UDP socket in mirror mode
//! (RFC 6951 5.3 with the host's UDP port space as the SCTP port space). Associations that
//! already exist keep their address lists: telling the peer needs ASCONF (RFC 5061), which
//! this stack does not send, exactly like Linux with `net.sctp.addip_enable = 0` (its default).

use super::config::PortMode;
use super::engine::Engine;
use super::registry::Sid;
use super::sock::EpId;
use super::udp::Udp;
use std::net::{IpAddr, SocketAddr};

impl Engine {
    /// sctp_bindx(ADD): bind `addrs` (port 0 or the bound port) to `sid`; an unbound socket is
    /// bound to all of them. EINVAL for another port or a wildcard mix, EADDRINUSE for an
    /// address already bound; all or nothing.
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
                return Err(libc::EADDRINUSE);
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
        e.addrs.extend(new);
        let listed = e.addrs.clone();
        e.endpoint.set_local_addrs(listed);
        tracing::debug!(sid, port, n = e.addrs.len(), "bindx add");
        Ok(())
    }

    /// sctp_bindx(REM): unbind `addrs` from `sid`'s endpoint. EINVAL for an unbound socket,
    /// another port or an address not bound; EBUSY when it would leave no address (Linux).
    pub fn bindx_rem(&mut self, sid: Sid, addrs: &[SocketAddr]) -> Result<(), i32> {
        let ep_id: EpId = self
            .socks
            .get(&sid)
            .ok_or(libc::EBADF)?
            .ep
            .ok_or(libc::EINVAL)?;
        let e = self.eps.get(&ep_id).ok_or(libc::EBADF)?;
        let mut gone: Vec<IpAddr> = Vec::with_capacity(addrs.len());
        for a in addrs {
            if a.port() != 0 && a.port() != e.port {
                return Err(libc::EINVAL);
            }
            if !e.addrs.contains(&a.ip()) {
                return Err(libc::EINVAL);
            }
            if !gone.contains(&a.ip()) {
                gone.push(a.ip());
            }
        }
        if gone.len() >= e.addrs.len() {
            return Err(libc::EBUSY);
        }
        let drop: Vec<usize> = e
            .udps
            .iter()
            .copied()
            .filter(
                |&i| matches!(self.udps.get(i), Some(Some(s)) if gone.contains(&s.udp.local.ip())),
            )
            .collect();
        for &i in &drop {
            self.remove_udp(i);
        }
        let Some(e) = self.eps.get_mut(&ep_id) else {
            return Err(libc::EBADF);
        };
        e.udps.retain(|i| !drop.contains(i));
        e.addrs.retain(|a| !gone.contains(a));
        let listed = e.addrs.clone();
        e.endpoint.set_local_addrs(listed);
        tracing::debug!(sid, n = e.addrs.len(), "bindx rem");
        Ok(())
    }
}
