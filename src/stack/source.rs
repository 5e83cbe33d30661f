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
use std::os::fd::AsRawFd;

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
/// preferred one.
pub fn send(udp: &Udp, data: &[u8], to: SocketAddr, from: Option<IpAddr>) -> Result<(), i32> {
    match from {
        Some(ip) if udp.local.ip().is_unspecified() && ip.is_ipv4() == to.is_ipv4() => {
            // A source the kernel refuses (an address gone from the host): let it choose.
            match send_from(udp, data, to, ip) {
                Err(e) if e != libc::EAGAIN && e != libc::ENOBUFS => udp.send(data, to),
                r => r,
            }
        }
        _ => udp.send(data, to),
    }
}

fn send_from(udp: &Udp, data: &[u8], to: SocketAddr, from: IpAddr) -> Result<(), i32> {
    let (ss, len) = super::udp::to_raw(to, udp.local.is_ipv6());
    let mut cbuf = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: msghdr fields point at live buffers of the given sizes; the cmsg is written
    // inside `cbuf`, sized for one in_pktinfo / in6_pktinfo.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_name = &ss as *const _ as *mut libc::c_void;
        msg.msg_namelen = len;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        let (level, kind, payload) = match from {
            IpAddr::V4(_) => (
                libc::IPPROTO_IP,
                libc::IP_PKTINFO,
                std::mem::size_of::<libc::in_pktinfo>(),
            ),
            IpAddr::V6(_) => (
                libc::IPPROTO_IPV6,
                libc::IPV6_PKTINFO,
                std::mem::size_of::<libc::in6_pktinfo>(),
            ),
        };
        msg.msg_controllen = libc::CMSG_SPACE(payload as u32) as usize;
        let c = libc::CMSG_FIRSTHDR(&msg);
        if c.is_null() || msg.msg_controllen > std::mem::size_of_val(&cbuf) {
            return udp.send(data, to);
        }
        (*c).cmsg_level = level;
        (*c).cmsg_type = kind;
        (*c).cmsg_len = libc::CMSG_LEN(payload as u32) as usize;
        match from {
            IpAddr::V4(a) => {
                let info = libc::in_pktinfo {
                    ipi_ifindex: 0,
                    ipi_spec_dst: libc::in_addr {
                        s_addr: u32::from_ne_bytes(a.octets()),
                    },
                    ipi_addr: libc::in_addr { s_addr: 0 },
                };
                std::ptr::write_unaligned(libc::CMSG_DATA(c).cast(), info);
            }
            IpAddr::V6(a) => {
                let info = libc::in6_pktinfo {
                    ipi6_addr: libc::in6_addr {
                        s6_addr: a.octets(),
                    },
                    ipi6_ifindex: 0,
                };
                std::ptr::write_unaligned(libc::CMSG_DATA(c).cast(), info);
            }
        }
        let r = libc::syscall(
            libc::SYS_sendmsg,
            udp.fd.as_raw_fd(),
            &msg as *const libc::msghdr,
            libc::MSG_DONTWAIT,
        );
        if r < 0 {
            Err(std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO))
        } else {
            Ok(())
        }
    }
}
