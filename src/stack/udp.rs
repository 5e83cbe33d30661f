//! UDP sockets carrying SCTP packets (RFC 6951 5.3): open, receive with the packet's local
//! address (IP_PKTINFO / IPV6_PKTINFO on wildcard binds), send. Raw system calls only.

use super::{fds, sys};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, OwnedFd};

/// One bound UDP socket.
pub struct Udp {
    pub fd: OwnedFd,
    /// The address actually bound (port filled in after an ephemeral bind).
    pub local: SocketAddr,
}

/// Datagrams one [`Udp::recv_many`] takes at most.
pub const RECV_BATCH: usize = 8;

/// The room of each in the caller's buffer (a GRO batch is at most 64 KiB).
pub const RECV_ROOM: usize = 65536;

/// A received datagram: `len` bytes at `at` in the caller's buffer. With UDP GRO the kernel
/// may hand over several datagrams of one sender at once: all of `seg` bytes but the last
/// (GRO merges only datagrams with the same IP header, ECN bits included).
pub struct Received {
    pub at: usize,
    pub len: usize,
    pub from: SocketAddr,
    pub to: IpAddr,
    /// The size of each datagram of a GRO batch (0: one datagram).
    pub seg: usize,
    /// Congestion Experienced in the IP header (RFC 3168 5: ECN field 11).
    pub ce: bool,
}

/// The ECN field of the IP TOS / traffic class byte (RFC 3168 5).
const ECN_MASK: u8 = 0b11;
/// ECT(0): an ECN-capable transport.
const ECT0: libc::c_int = 0b10;
/// CE: congestion experienced.
const CE: u8 = 0b11;

impl Received {
    /// The byte ranges of the datagrams in the caller's buffer.
    pub fn datagrams(&self) -> impl Iterator<Item = std::ops::Range<usize>> + use<> {
        let (start, end, seg) = (
            self.at,
            self.at + self.len,
            if self.seg == 0 {
                self.len.max(1)
            } else {
                self.seg
            },
        );
        (start..end)
            .step_by(seg)
            .map(move |at| at..(at + seg).min(end))
    }
}

/// An ICMP error the stack acts on, with the destination of the packet it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcmpError {
    /// Port unreachable: no UDP socket there (no SCTP endpoint in mirror mode).
    PortUnreachable(SocketAddr),
    /// The path to `dest` carries IP packets of at most `mtu` bytes (RFC 1191 / 8201).
    TooBig { dest: SocketAddr, mtu: u32 },
}

fn os_err() -> i32 {
    sys::errno()
}

/// `sockaddr_storage` + length for `a` (IPv4-mapped when `v6_socket`).
pub fn to_raw(a: SocketAddr, v6_socket: bool) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let a = match a {
        SocketAddr::V4(v4) if v6_socket => {
            SocketAddr::V6(SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0))
        }
        other => other,
    };
    let len = match a {
        SocketAddr::V4(v4) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: v4.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(v4.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in, sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: v6.flowinfo().to_be(),
                sin6_addr: libc::in6_addr {
                    s6_addr: v6.ip().octets(),
                },
                sin6_scope_id: v6.scope_id(),
            };
            // SAFETY: as above.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in6, sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

/// Parse a kernel-written sockaddr; IPv4-mapped IPv6 addresses come back as IPv4.
pub fn from_raw(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match ss.ss_family as i32 {
        libc::AF_INET => {
            // SAFETY: family says sockaddr_in.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            Some(SocketAddr::V4(SocketAddrV4::new(
                ip,
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: family says sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let port = u16::from_be(sin6.sin6_port);
            Some(match ip.to_ipv4_mapped() {
                Some(v4) => SocketAddr::V4(SocketAddrV4::new(v4, port)),
                None => SocketAddr::V6(SocketAddrV6::new(ip, port, 0, sin6.sin6_scope_id)),
            })
        }
        _ => None,
    }
}

fn setopt(fd: i32, level: i32, name: i32, v: i32) -> Result<(), i32> {
    // SAFETY: an int option.
    let r = unsafe {
        libc::syscall(
            libc::SYS_setsockopt,
            fd,
            level,
            name,
            &v as *const i32,
            std::mem::size_of::<i32>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(os_err())
    } else {
        Ok(())
    }
}

impl Udp {
    /// Bind a UDP socket to `addr` (port 0: ephemeral). An IPv6 wildcard also takes IPv4.
    pub fn bind(addr: SocketAddr) -> Result<Udp, i32> {
        let fam = if addr.is_ipv4() {
            libc::AF_INET
        } else {
            libc::AF_INET6
        };
        let ty = libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK;
        // SAFETY: plain socket creation.
        let raw = unsafe { libc::syscall(libc::SYS_socket, fam, ty, 0) } as i32;
        if raw < 0 {
            return Err(os_err());
        }
        let fd = fds::move_high(raw)?;
        let f = fd.as_raw_fd();
        // The TOS / traffic class of each datagram, for its ECN bits (best effort).
        let _ = setopt(f, libc::IPPROTO_IP, libc::IP_RECVTOS, 1);
        if fam == libc::AF_INET {
            setopt(f, libc::IPPROTO_IP, libc::IP_PKTINFO, 1)?;
            setopt(f, libc::IPPROTO_IP, libc::IP_RECVERR, 1)?;
        } else {
            let _ = setopt(f, libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS, 1);
            setopt(f, libc::IPPROTO_IPV6, libc::IPV6_RECVERR, 1)?;
            let _ = setopt(f, libc::IPPROTO_IP, libc::IP_RECVERR, 1);
            setopt(f, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 0)?;
            setopt(f, libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, 1)?;
            // IPv4 packets on a dual-stack socket (best effort).
            let _ = setopt(f, libc::IPPROTO_IP, libc::IP_PKTINFO, 1);
        }
        // UDP GRO (Linux 5.0+): a batch a peer sent with UDP_SEGMENT over veth, or one a
        // NIC coalesced, comes up in one recvmsg instead of one call per packet. Optional.
        let _ = setopt(f, libc::SOL_UDP, libc::UDP_GRO, 1);
        // Buffers for bursts of 64 KiB packets: past net.core.{r,w}mem_max when the process may
        // (CAP_NET_ADMIN, the *FORCE options), else capped by them. A drop here costs an RTO.
        for (force, plain) in [
            (libc::SO_RCVBUFFORCE, libc::SO_RCVBUF),
            (libc::SO_SNDBUFFORCE, libc::SO_SNDBUF),
        ] {
            if setopt(f, libc::SOL_SOCKET, force, 4 << 20).is_err() {
                let _ = setopt(f, libc::SOL_SOCKET, plain, 4 << 20);
            }
        }
        let (ss, len) = to_raw(addr, false);
        // SAFETY: a valid sockaddr of `len` bytes.
        if unsafe { libc::syscall(libc::SYS_bind, f, &ss as *const _, len) } < 0 {
            let e = os_err();
            fds::close(fd);
            return Err(e);
        }
        let mut out: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut olen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: kernel writes at most `olen` bytes.
        unsafe {
            libc::syscall(
                libc::SYS_getsockname,
                f,
                &mut out as *mut _,
                &mut olen as *mut _,
            )
        };
        let local = from_raw(&out).unwrap_or(addr);
        Ok(Udp { fd, local })
    }

    fn is_v6(&self) -> bool {
        self.local.is_ipv6()
    }

    /// Receive up to [`RECV_BATCH`] datagrams with one system call (recvmmsg), datagram k
    /// into `buf` at k * [`RECV_ROOM`]; EAGAIN when none is queued. Fewer than asked means
    /// none was left when the kernel looked (the socket's level-triggered readiness tells of
    /// later ones): no second call to find the socket empty.
    pub fn recv_many(&self, buf: &mut [u8], out: &mut Vec<Received>) -> Result<(), i32> {
        out.clear();
        let slots = (buf.len() / RECV_ROOM).min(RECV_BATCH);
        // SAFETY: plain C structs, all-zero is their empty value.
        let mut names: [libc::sockaddr_storage; RECV_BATCH] = unsafe { std::mem::zeroed() };
        let mut cbufs = [[0u64; 16]; RECV_BATCH];
        let mut iovs: [libc::iovec; RECV_BATCH] = unsafe { std::mem::zeroed() };
        let mut msgs: [libc::mmsghdr; RECV_BATCH] = unsafe { std::mem::zeroed() };
        for k in 0..slots {
            iovs[k] = libc::iovec {
                iov_base: buf[k * RECV_ROOM..].as_mut_ptr().cast(),
                iov_len: RECV_ROOM,
            };
            let h = &mut msgs[k].msg_hdr;
            h.msg_name = (&mut names[k] as *mut libc::sockaddr_storage).cast();
            h.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
            h.msg_iov = &mut iovs[k];
            h.msg_iovlen = 1;
            h.msg_control = cbufs[k].as_mut_ptr().cast();
            h.msg_controllen = std::mem::size_of_val(&cbufs[k]);
        }
        // SAFETY: the headers point at live buffers of the sizes they give, for `slots` of them.
        let n = unsafe {
            libc::syscall(
                libc::SYS_recvmmsg,
                self.fd.as_raw_fd(),
                msgs.as_mut_ptr(),
                slots as libc::c_uint,
                0,
                std::ptr::null_mut::<libc::timespec>(),
            )
        };
        if n < 0 {
            return Err(os_err());
        }
        for (k, m) in msgs.iter().enumerate().take(n as usize) {
            if let Some(r) = self.received(&m.msg_hdr, &names[k], m.msg_len as usize, k * RECV_ROOM)
            {
                out.push(r);
            }
        }
        Ok(())
    }

    /// What the kernel said of one datagram of `len` bytes at `at`: its sender `from`, and the
    /// control messages of `msg` (local address, GRO segment size, ECN). None: a sender of
    /// another family.
    fn received(
        &self,
        msg: &libc::msghdr,
        from: &libc::sockaddr_storage,
        len: usize,
        at: usize,
    ) -> Option<Received> {
        let from = from_raw(from)?;
        let mut to = self.local.ip();
        let mut seg = 0;
        let mut tos = 0u8;
        // SAFETY: walking the control buffer the kernel filled, with libc's CMSG helpers.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(msg);
            while !c.is_null() {
                let h = &*c;
                if h.cmsg_level == libc::IPPROTO_IP && h.cmsg_type == libc::IP_PKTINFO {
                    let pi =
                        std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::in_pktinfo);
                    to = IpAddr::V4(Ipv4Addr::from(pi.ipi_addr.s_addr.to_ne_bytes()));
                } else if h.cmsg_level == libc::IPPROTO_IPV6 && h.cmsg_type == libc::IPV6_PKTINFO {
                    let pi =
                        std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::in6_pktinfo);
                    let ip = Ipv6Addr::from(pi.ipi6_addr.s6_addr);
                    to = ip.to_ipv4_mapped().map_or(IpAddr::V6(ip), IpAddr::V4);
                } else if h.cmsg_level == libc::SOL_UDP && h.cmsg_type == libc::UDP_GRO {
                    let size = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::c_int);
                    seg = usize::try_from(size).unwrap_or(0);
                } else if h.cmsg_level == libc::IPPROTO_IP && h.cmsg_type == libc::IP_TOS {
                    tos = std::ptr::read_unaligned(libc::CMSG_DATA(c));
                } else if h.cmsg_level == libc::IPPROTO_IPV6 && h.cmsg_type == libc::IPV6_TCLASS {
                    let class = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::c_int);
                    tos = class as u8;
                }
                c = libc::CMSG_NXTHDR(msg, c);
            }
        }
        Some(Received {
            at,
            len,
            from,
            to,
            seg,
            ce: tos & ECN_MASK == CE,
        })
    }

    /// Take one queued ICMP error (IP_RECVERR / IPV6_RECVERR): Ok(None) for the kinds the
    /// stack does not act on.
    pub fn icmp_error(&self) -> Result<Option<IcmpError>, i32> {
        let mut name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut cbuf = [0u64; 32];
        let mut data = [0u8; 64];
        let mut iov = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: data.len(),
        };
        // SAFETY: msghdr fields point at live buffers of the given sizes.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = (&mut name as *mut libc::sockaddr_storage).cast();
        msg.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&cbuf);
        let flags = libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT;
        let n = unsafe {
            libc::syscall(
                libc::SYS_recvmsg,
                self.fd.as_raw_fd(),
                &mut msg as *mut _,
                flags,
            )
        };
        if n < 0 {
            return Err(os_err());
        }
        let mut port_unreachable = false;
        let mut too_big = None;
        // SAFETY: walking the control buffer the kernel filled.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                let h = &*c;
                let v4 = h.cmsg_level == libc::IPPROTO_IP && h.cmsg_type == libc::IP_RECVERR;
                let v6 = h.cmsg_level == libc::IPPROTO_IPV6 && h.cmsg_type == libc::IPV6_RECVERR;
                if v4 || v6 {
                    let e = std::ptr::read_unaligned(
                        libc::CMSG_DATA(c) as *const libc::sock_extended_err
                    );
                    port_unreachable |= (e.ee_origin == libc::SO_EE_ORIGIN_ICMP
                        && e.ee_type == 3
                        && e.ee_code == 3)
                        || (e.ee_origin == libc::SO_EE_ORIGIN_ICMP6
                            && e.ee_type == 1
                            && e.ee_code == 4);
                    // Fragmentation needed / Packet Too Big, or a local send over the path
                    // MTU: the kernel gives the MTU in ee_info.
                    if e.ee_errno == libc::EMSGSIZE as u32 && e.ee_info > 0 {
                        too_big = Some(e.ee_info);
                    }
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        let Some(dest) = from_raw(&name) else {
            return Ok(None);
        };
        Ok(match (port_unreachable, too_big) {
            (true, _) => Some(IcmpError::PortUnreachable(dest)),
            (false, Some(mtu)) => Some(IcmpError::TooBig { dest, mtu }),
            _ => None,
        })
    }

    /// Send one datagram to `to`.
    pub fn send(&self, data: &[u8], to: SocketAddr) -> Result<(), i32> {
        let (ss, len) = to_raw(to, self.is_v6());
        // SAFETY: valid buffer and sockaddr.
        let r = unsafe {
            libc::syscall(
                libc::SYS_sendto,
                self.fd.as_raw_fd(),
                data.as_ptr(),
                data.len(),
                libc::MSG_DONTWAIT,
                &ss as *const _,
                len,
            )
        };
        if r < 0 {
            Err(os_err())
        } else {
            Ok(())
        }
    }

    /// Send `data` to `to` with control messages: `seg`, as datagrams of that many bytes (the
    /// last may be shorter) in one system call (UDP_SEGMENT, see [`super::gso`]); `from`, from
    /// that source address (IP_PKTINFO / IPV6_PKTINFO, for wildcard binds: [`super::source`]);
    /// `ect`, marked ECT(0) (IP_TOS / IPV6_TCLASS, RFC 3168).
    pub fn send_msg(
        &self,
        data: &[u8],
        to: SocketAddr,
        seg: Option<usize>,
        from: Option<IpAddr>,
        ect: bool,
    ) -> Result<(), i32> {
        let (mut ss, len) = to_raw(to, self.is_v6());
        let mut iov = libc::iovec {
            iov_base: data.as_ptr() as *mut libc::c_void,
            iov_len: data.len(),
        };
        // Room for a u16, an in6_pktinfo and an int cmsg, 8-byte aligned.
        let mut cbuf = [0u64; 12];
        // SAFETY: an all-zero msghdr is valid; every pointer set below outlives the call.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = (&mut ss as *mut libc::sockaddr_storage).cast();
        msg.msg_namelen = len;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        let pktinfo = match from {
            Some(IpAddr::V4(_)) => std::mem::size_of::<libc::in_pktinfo>(),
            Some(IpAddr::V6(_)) => std::mem::size_of::<libc::in6_pktinfo>(),
            None => 0,
        };
        let int = std::mem::size_of::<libc::c_int>() as u32;
        // SAFETY: CMSG_SPACE is a pure computation; all fit in `cbuf` (16 + 40 + 16 <= 96).
        unsafe {
            msg.msg_controllen = seg.map_or(0, |_| libc::CMSG_SPACE(2) as usize)
                + from.map_or(0, |_| libc::CMSG_SPACE(pktinfo as u32) as usize)
                + if ect {
                    libc::CMSG_SPACE(int) as usize
                } else {
                    0
                };
        }
        if msg.msg_controllen == 0 {
            msg.msg_control = std::ptr::null_mut();
        }
        // SAFETY: the cmsgs are written inside `cbuf`, within `msg_controllen`.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            if let Some(seg) = seg {
                (*c).cmsg_level = libc::SOL_UDP;
                (*c).cmsg_type = libc::UDP_SEGMENT;
                (*c).cmsg_len = libc::CMSG_LEN(2) as usize;
                std::ptr::write_unaligned(libc::CMSG_DATA(c) as *mut u16, seg as u16);
                c = libc::CMSG_NXTHDR(&msg, c);
            }
            match from {
                Some(IpAddr::V4(a)) => {
                    (*c).cmsg_level = libc::IPPROTO_IP;
                    (*c).cmsg_type = libc::IP_PKTINFO;
                    (*c).cmsg_len = libc::CMSG_LEN(pktinfo as u32) as usize;
                    let info = libc::in_pktinfo {
                        ipi_ifindex: 0,
                        ipi_spec_dst: libc::in_addr {
                            s_addr: u32::from_ne_bytes(a.octets()),
                        },
                        ipi_addr: libc::in_addr { s_addr: 0 },
                    };
                    std::ptr::write_unaligned(libc::CMSG_DATA(c).cast(), info);
                }
                Some(IpAddr::V6(a)) => {
                    (*c).cmsg_level = libc::IPPROTO_IPV6;
                    (*c).cmsg_type = libc::IPV6_PKTINFO;
                    (*c).cmsg_len = libc::CMSG_LEN(pktinfo as u32) as usize;
                    let info = libc::in6_pktinfo {
                        ipi6_addr: libc::in6_addr {
                            s6_addr: a.octets(),
                        },
                        ipi6_ifindex: 0,
                    };
                    std::ptr::write_unaligned(libc::CMSG_DATA(c).cast(), info);
                }
                None => {}
            }
            if from.is_some() {
                c = libc::CMSG_NXTHDR(&msg, c);
            }
            if ect {
                // The IPv4 header's TOS, or the IPv6 traffic class (an IPv4 peer of a
                // dual-stack socket goes out as IPv4).
                let v4 = match to.ip() {
                    IpAddr::V4(_) => true,
                    IpAddr::V6(a) => a.to_ipv4_mapped().is_some(),
                };
                (*c).cmsg_level = if v4 {
                    libc::IPPROTO_IP
                } else {
                    libc::IPPROTO_IPV6
                };
                (*c).cmsg_type = if v4 { libc::IP_TOS } else { libc::IPV6_TCLASS };
                (*c).cmsg_len = libc::CMSG_LEN(int) as usize;
                std::ptr::write_unaligned(libc::CMSG_DATA(c) as *mut libc::c_int, ECT0);
            }
        }
        // SAFETY: valid msghdr.
        let r = unsafe {
            libc::syscall(
                libc::SYS_sendmsg,
                self.fd.as_raw_fd(),
                &msg as *const libc::msghdr,
                libc::MSG_DONTWAIT,
            )
        };
        if r < 0 {
            Err(os_err())
        } else {
            Ok(())
        }
    }

    /// Can this socket send to `to` (same family, or IPv4 through a dual-stack IPv6 socket)?
    pub fn reaches(&self, to: IpAddr) -> bool {
        match (self.local.ip(), to) {
            (IpAddr::V4(_), IpAddr::V4(_)) => true,
            (IpAddr::V6(l), IpAddr::V4(_)) => l.is_unspecified(),
            (IpAddr::V6(_), IpAddr::V6(_)) => true,
            (IpAddr::V4(_), IpAddr::V6(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(at: usize, len: usize, seg: usize) -> Received {
        Received {
            at,
            len,
            from: "127.0.0.1:9".parse().unwrap(),
            to: IpAddr::V4(Ipv4Addr::LOCALHOST),
            seg,
            ce: false,
        }
    }

    #[test]
    fn a_gro_batch_splits_into_its_datagrams() {
        let parts: Vec<_> = received(0, 3000, 1400).datagrams().collect();
        assert_eq!(parts, vec![0..1400, 1400..2800, 2800..3000]);
        let exact: Vec<_> = received(0, 2800, 1400).datagrams().collect();
        assert_eq!(exact, vec![0..1400, 1400..2800]);
        let single: Vec<_> = received(0, 500, 0).datagrams().collect();
        assert_eq!(single, vec![0..500]);
        assert_eq!(
            received(0, 0, 0).datagrams().count(),
            0,
            "an empty datagram"
        );
        // The second datagram of a recvmmsg batch, in its own slot.
        let later: Vec<_> = received(RECV_ROOM, 3000, 1400).datagrams().collect();
        let at = RECV_ROOM;
        assert_eq!(
            later,
            vec![at..at + 1400, at + 1400..at + 2800, at + 2800..at + 3000]
        );
    }

    #[test]
    fn one_call_takes_a_batch_each_in_its_slot() {
        let udp = Udp::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let to = udp.local;
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let from = sender.local_addr().unwrap();
        let mut buf = vec![0u8; RECV_BATCH * RECV_ROOM];
        let mut got = Vec::new();
        assert_eq!(
            udp.recv_many(&mut buf, &mut got),
            Err(libc::EAGAIN),
            "nothing queued"
        );
        let total = RECV_BATCH + 2;
        for k in 0..total {
            sender.send_to(&vec![k as u8; 100 + k], to).unwrap();
        }
        udp.recv_many(&mut buf, &mut got).unwrap();
        assert_eq!(got.len(), RECV_BATCH, "a full batch in one call");
        for (k, r) in got.iter().enumerate() {
            assert_eq!(
                (r.at, r.len, r.from, r.to),
                (k * RECV_ROOM, 100 + k, from, to.ip())
            );
            assert!(buf[r.at..r.at + r.len].iter().all(|&b| b == k as u8));
        }
        udp.recv_many(&mut buf, &mut got).unwrap();
        let rest: Vec<_> = got.iter().map(|r| (r.at, r.len)).collect();
        assert_eq!(
            rest,
            vec![(0, 100 + RECV_BATCH), (RECV_ROOM, 101 + RECV_BATCH)]
        );
        assert_eq!(udp.recv_many(&mut buf, &mut got), Err(libc::EAGAIN));
        assert!(got.is_empty());
    }
}
