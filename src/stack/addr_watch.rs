//! Host address changes for wildcard-bound sockets (Linux `sctp_addr_wq`: net/sctp/protocol.c
//! `sctp_inetaddr_event`, ipv6.c `sctp_inet6addr_event`, `sctp_addr_wq_timeout_handler`): a
//! NETLINK_ROUTE socket in the RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR groups, opened by the
//! first wildcard bind and read by the engine's epoll. On every address added or removed:
//! - each wildcard-bound endpoint's address list (RFC 9260 5.1.2, what its INIT / INIT ACK
//!   list) is read again, so associations set up later advertise the host as it is now;
//! - endpoints whose socket has SCTP_AUTO_ASCONF on ask each live association's peer to add
//!   or delete the address (RFC 5061 ASCONF, `sctp_asconf_mgmt`), when ASCONF is in use.
//!
//! As Linux, IPv6 link-local addresses are left out, and an IPv6 address still in duplicate
//! address detection counts once DAD is over (the kernel announces it again then).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, OwnedFd};

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{AddressFamily, RecvFlags, SocketFlags, SocketType};

use super::engine::Engine;
use super::registry::Sid;

/// `<linux/rtnetlink.h>` multicast groups, message types, attributes and flags.
const RTMGRP_IPV4_IFADDR: u32 = 0x10;
const RTMGRP_IPV6_IFADDR: u32 = 0x100;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_FLAGS: u16 = 8;
const IFA_F_DADFAILED: u32 = 0x08;
const IFA_F_TENTATIVE: u32 = 0x40;
const NLMSG_HDR: usize = 16;
const IFADDRMSG: usize = 8;

/// One host address added (`true`) or removed.
pub type AddrChange = (IpAddr, bool);

/// The open NETLINK_ROUTE socket, its receive buffer, and the host's address lists read
/// since the last change it announced (per combination of families): a wildcard bind per
/// association setup (each client socket of a program) reads them from here, not with a
/// netlink dump of every link and address.
pub struct AddrWatch {
    fd: OwnedFd,
    buf: Vec<u8>,
    lists: Vec<((bool, bool), Vec<IpAddr>)>,
}

impl AddrWatch {
    pub fn open() -> Result<AddrWatch, i32> {
        let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
        // Protocol None: NETLINK_ROUTE.
        let fd = rustix::net::socket_with(AddressFamily::NETLINK, SocketType::RAW, flags, None)
            .map_err(|e| e.raw_os_error())?;
        // An internal fd: high, close-on-exec, protected from the app's close/dup2.
        let fd = super::fds::move_high(std::os::fd::IntoRawFd::into_raw_fd(fd))?;
        let groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
        rustix::net::bind(&fd, &SocketAddrNetlink::new(0, groups)).map_err(|e| e.raw_os_error())?;
        Ok(AddrWatch {
            fd,
            buf: vec![0; 16384],
            lists: Vec::new(),
        })
    }

    pub fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Reads every pending message; the changes they announce, in order, into `out`.
    /// Returns false when the kernel dropped messages (ENOBUFS): the lists must be re-read.
    pub fn read(&mut self, out: &mut Vec<AddrChange>) -> bool {
        loop {
            match rustix::net::recv(&self.fd, &mut self.buf[..], RecvFlags::DONTWAIT) {
                Ok((n, _)) if n > 0 => parse(&self.buf[..n.min(self.buf.len())], out),
                Ok(_) => return true,
                Err(rustix::io::Errno::NOBUFS) => return false,
                Err(_) => return true,
            }
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The address changes in a buffer of netlink messages (RTM_NEWADDR / RTM_DELADDR with a
/// `struct ifaddrmsg` and its attributes); anything malformed ends the parse.
pub fn parse(mut b: &[u8], out: &mut Vec<AddrChange>) {
    while let (Some(len), Some(kind)) = (u32_at(b, 0), u16_at(b, 4)) {
        let len = len as usize;
        if len < NLMSG_HDR || len > b.len() {
            return;
        }
        if kind == RTM_NEWADDR || kind == RTM_DELADDR {
            if let Some(ip) = address(&b[NLMSG_HDR..len], kind == RTM_NEWADDR) {
                out.push((ip, kind == RTM_NEWADDR));
            }
        }
        b = b.get(len.next_multiple_of(4)..).unwrap_or_default();
    }
}

/// The address of one `ifaddrmsg` with attributes: IFA_LOCAL (IPv4's own address), else
/// IFA_ADDRESS; None for a family we do not serve, an IPv6 link-local address, or (`new`) an
/// address that is not usable yet.
fn address(m: &[u8], new: bool) -> Option<IpAddr> {
    let family = i32::from(*m.first()?);
    let mut flags = u32::from(*m.get(2)?);
    let (mut local, mut addr) = (None, None);
    let mut rest = m.get(IFADDRMSG..)?;
    while let (Some(len), Some(kind)) = (u16_at(rest, 0), u16_at(rest, 2)) {
        let len = usize::from(len);
        let value = rest.get(4..len)?;
        let ip = match (family, value.len()) {
            (libc::AF_INET, 4) => Some(IpAddr::V4(Ipv4Addr::new(
                value[0], value[1], value[2], value[3],
            ))),
            (libc::AF_INET6, 16) => {
                let mut o = [0u8; 16];
                o.copy_from_slice(value);
                Some(IpAddr::V6(Ipv6Addr::from(o)))
            }
            _ => None,
        };
        match kind {
            IFA_LOCAL => local = ip,
            IFA_ADDRESS => addr = ip,
            IFA_FLAGS => flags = u32_at(value, 0).unwrap_or(flags),
            _ => {}
        }
        rest = rest
            .get(len.max(4).next_multiple_of(4)..)
            .unwrap_or_default();
    }
    let ip = local.or(addr)?;
    let link_local = matches!(ip, IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80);
    let unusable = new && flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED) != 0;
    (!link_local && !unusable && !ip.is_unspecified()).then_some(ip)
}

impl Engine {
    /// Opens the address watch if it is not open yet (a wildcard bind).
    pub fn watch_addrs(&mut self) {
        if self.addr_watch.is_some() {
            return;
        }
        match AddrWatch::open() {
            Ok(w) => {
                if self
                    .watch(
                        w.fd(),
                        super::engine::T_NETLINK,
                        rustix::event::epoll::EventFlags::IN,
                    )
                    .is_ok()
                {
                    self.addr_watch = Some(w);
                }
            }
            Err(e) => tracing::debug!(errno = e, "no address watch"),
        }
    }

    /// The host's addresses of the families `fam` (IPv4, IPv6): from the watch's lists while
    /// it runs and nothing changed since they were read.
    pub fn host_addrs(&mut self, fam: (bool, bool)) -> Vec<IpAddr> {
        let Some(w) = &mut self.addr_watch else {
            return super::ifaddrs::host_addrs(fam.0, fam.1);
        };
        if let Some((_, l)) = w.lists.iter().find(|(f, _)| *f == fam) {
            return l.clone();
        }
        let l = super::ifaddrs::host_addrs(fam.0, fam.1);
        w.lists.push((fam, l.clone()));
        l
    }

    /// The netlink socket is readable: apply what changed.
    pub fn on_addr_events(&mut self) {
        let Some(w) = &mut self.addr_watch else {
            return;
        };
        let mut changes = Vec::new();
        let complete = w.read(&mut changes);
        if !complete || !changes.is_empty() {
            w.lists.clear();
            self.refresh_wildcard_addrs();
        }
        for (ip, added) in changes {
            tracing::debug!(%ip, added, "host address");
            self.auto_asconf(ip, added);
        }
    }

    /// Each wildcard-bound endpoint lists the host's addresses of its socket's families as
    /// they are now.
    fn refresh_wildcard_addrs(&mut self) {
        let ids: Vec<_> = self.eps.keys().copied().collect();
        for id in ids {
            let Some(e) = self.eps.get(&id).filter(|e| e.is_wildcard()) else {
                continue;
            };
            let Some(fam) = self.families(e.owner) else {
                continue;
            };
            let listed = self.host_addrs(fam);
            if let Some(e) = self.eps.get_mut(&id) {
                e.endpoint.set_local_addrs(listed);
            }
        }
    }

    /// The address families socket `sid` takes: (IPv4, IPv6).
    fn families(&self, sid: Sid) -> Option<(bool, bool)> {
        let s = self.socks.get(&sid)?;
        Some((!s.v6 || !s.opts.v6only, s.v6))
    }

    /// `sctp_asconf_mgmt` for every wildcard-bound endpoint whose socket has SCTP_AUTO_ASCONF
    /// on and takes the address's family.
    fn auto_asconf(&mut self, ip: IpAddr, added: bool) {
        let targets: Vec<_> = self
            .eps
            .iter()
            .filter(|(_, e)| e.is_wildcard())
            .filter(|(_, e)| {
                let on = self
                    .socks
                    .get(&e.owner)
                    .is_some_and(|s| s.opts.ext.auto_asconf);
                let family = self
                    .families(e.owner)
                    .is_some_and(|(v4, v6)| if ip.is_ipv4() { v4 } else { v6 });
                on && family
            })
            .map(|(&id, _)| id)
            .collect();
        for ep in targets {
            self.announce_addrs(ep, &[ip], added);
        }
    }

    /// SCTP_AUTO_ASCONF set (Linux `sctp_setsockopt_auto_asconf`): turning it on needs a
    /// socket bound to the wildcard address (EINVAL otherwise).
    pub fn set_auto_asconf(&mut self, sid: Sid, on: bool) -> Result<(), i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        let wildcard =
            s.ep.and_then(|ep| self.eps.get(&ep))
                .is_some_and(|e| e.is_wildcard());
        if on && !wildcard {
            return Err(libc::EINVAL);
        }
        self.opts_mut(sid)?.ext.auto_asconf = on;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One netlink message: header, ifaddrmsg, attributes.
    fn msg(kind: u16, family: u8, flags: u8, attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = vec![family, 24, flags, 0, 2, 0, 0, 0];
        for (t, v) in attrs {
            body.extend_from_slice(&(4 + v.len() as u16).to_ne_bytes());
            body.extend_from_slice(&t.to_ne_bytes());
            body.extend_from_slice(v);
            body.resize(body.len().next_multiple_of(4), 0);
        }
        let mut m = ((NLMSG_HDR + body.len()) as u32).to_ne_bytes().to_vec();
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(&body);
        m
    }

    #[test]
    fn address_messages_parse() {
        let v4 = IpAddr::from([10, 72, 1, 3]);
        let peer = [10, 72, 1, 9];
        let v6 = IpAddr::from([0xfd72, 1, 0, 0, 0, 0, 0, 3]);
        let ll = IpAddr::from([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
        let octets = |ip: IpAddr| match ip {
            IpAddr::V4(a) => a.octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        };
        let mut buf = msg(
            RTM_NEWADDR,
            libc::AF_INET as u8,
            0,
            &[(IFA_ADDRESS, &peer), (IFA_LOCAL, &octets(v4))],
        );
        buf.extend(msg(
            RTM_DELADDR,
            libc::AF_INET6 as u8,
            0,
            &[(IFA_ADDRESS, &octets(v6))],
        ));
        // Tentative (DAD), then usable; link-local: never.
        let tentative = IFA_F_TENTATIVE as u8;
        buf.extend(msg(
            RTM_NEWADDR,
            libc::AF_INET6 as u8,
            tentative,
            &[(IFA_ADDRESS, &octets(v6))],
        ));
        let flags = 0x80u32.to_ne_bytes();
        buf.extend(msg(
            RTM_NEWADDR,
            libc::AF_INET6 as u8,
            0,
            &[(IFA_ADDRESS, &octets(v6)), (IFA_FLAGS, &flags)],
        ));
        buf.extend(msg(
            RTM_NEWADDR,
            libc::AF_INET6 as u8,
            0,
            &[(IFA_ADDRESS, &octets(ll))],
        ));
        // Another message type is skipped.
        buf.extend(msg(16, libc::AF_INET as u8, 0, &[(IFA_LOCAL, &octets(v4))]));
        let mut out = Vec::new();
        parse(&buf, &mut out);
        assert_eq!(out, vec![(v4, true), (v6, false), (v6, true)]);
        // Truncated or garbage input ends the parse without a panic.
        for n in 0..buf.len() {
            parse(&buf[..n], &mut Vec::new());
        }
        parse(&[0xff; 40], &mut Vec::new());
    }
}
