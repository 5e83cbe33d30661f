//! Association setup by a message (RFC 6458 4.1.8, Linux `sctp_sendmsg_new_asoc`): which
//! association a message's destination names, and a new one whose peer address list is the
//! destination followed by the message's SCTP_DSTADDRV4/V6 addresses. The extra addresses are
//! where the INIT goes when the destination does not answer (RFC 9260 5.1: T1-init
//! retransmissions rotate over the peer's addresses); once the INIT ACK lists the peer's own
//! addresses, those are the association's.

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::assoc::AssocId;
use std::net::{IpAddr, SocketAddr};

impl Engine {
    /// The association of socket `sid` that destination `dest` names: the one-to-one socket's
    /// own, or the one-to-many socket's association with `dest` among its peer addresses.
    pub fn assoc_for_dest(&self, sid: Sid, dest: SocketAddr) -> Option<AssocId> {
        let s = self.socks.get(&sid)?;
        if s.style == Style::OneToOne {
            return s.assoc;
        }
        if let Some(&(_, a)) = s.peers.iter().find(|(a, _)| *a == dest) {
            return Some(a);
        }
        let e = self.eps.get(&s.ep?)?;
        e.endpoint
            .find_assoc_by_peer(dest.ip(), dest.port())
            .filter(|a| self.assocs.get(a) == Some(&sid))
    }

    /// A message to `dest` with SCTP_DSTADDRV4/V6 addresses `extra` (`short`: one of those
    /// cmsgs was cut short) and SCTP_INIT fields `init`: when no association of socket `sid`
    /// goes to `dest`, set one up now with every address, so that the message that follows
    /// finds it. Linux checks the addresses only for a new association: a short cmsg, or an
    /// IPv6 address on an AF_INET socket, is then EINVAL.
    pub fn setup_for_message(
        &mut self,
        sid: Sid,
        dest: SocketAddr,
        extra: &[IpAddr],
        short: bool,
        init: [u16; 4],
    ) -> Result<(), i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        if self.assoc_for_dest(sid, dest).is_some() || s.listening && s.style == Style::OneToOne {
            return Ok(());
        }
        let v6 = s.v6;
        let mut peers = vec![dest];
        for ip in extra.iter().map(IpAddr::to_canonical) {
            // `sctp_verify_addr`: an IPv6 address on an AF_INET socket.
            if short || (ip.is_ipv6() && !v6) {
                return Err(libc::EINVAL);
            }
            let p = SocketAddr::new(ip, dest.port());
            if !peers.contains(&p) {
                peers.push(p);
            }
        }
        if short {
            return Err(libc::EINVAL);
        }
        self.start_assoc_for_message(sid, &peers, init).map(|_| ())
    }
}
