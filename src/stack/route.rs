//! What the kernel's routing table says about a peer, asked through a connected UDP socket
//! (connect() on UDP sends nothing): the path MTU for UDP-encapsulated SCTP (RFC 6951 5.6: the
//! route's MTU minus the IP and UDP headers, at most 65535 - headers, so loopback's 64 KiB MTU
//! gives the largest packets) and the source address for a wildcard-bound socket.

use std::net::IpAddr;

const UDP_HEADER: u32 = 8;

fn ip_header(ip: IpAddr) -> u32 {
    if ip.is_ipv4() {
        20
    } else {
        40
    }
}

/// Largest SCTP packet for a UDP datagram over a link of `mtu` bytes to `ip`, rounded down to
/// a multiple of 4 (chunks are padded to 4 bytes, RFC 9260 3.2, so a full-size DATA chunk fits).
pub fn payload_of(mtu: u32, ip: IpAddr) -> u32 {
    (mtu.min(65535) - ip_header(ip) - UDP_HEADER) & !3
}

/// Default for new paths of an endpoint bound to `ips`: loopback and wildcard binds get
/// loopback's size (the kernel fragments locally should a first packet exceed a smaller link's
/// MTU), specific addresses the Ethernet size, until the peer's route is known ([`for_peer`]).
/// Starting high matters: the congestion window starts from the MTU.
pub fn path_mtu(ips: &[IpAddr]) -> u32 {
    match ips.first() {
        Some(&ip) if ips.iter().all(|a| a.is_loopback() || a.is_unspecified()) => {
            payload_of(65536, ip)
        }
        Some(&ip) => payload_of(1500, ip),
        None => payload_of(65536, IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
    }
}

/// Run `f` on a UDP socket connected to `peer` (None when there is no route).
fn with_route<T>(peer: IpAddr, f: impl FnOnce(i32) -> Option<T>) -> Option<T> {
    let fam = if peer.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: a short-lived UDP socket we own and close.
    unsafe {
        let fd = libc::syscall(
            libc::SYS_socket,
            fam,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            0,
        ) as i32;
        if fd < 0 {
            return None;
        }
        let (ss, len) = super::udp::to_raw(std::net::SocketAddr::new(peer, 9), false);
        let r = if libc::syscall(libc::SYS_connect, fd, &ss as *const _, len) == 0 {
            f(fd)
        } else {
            None
        };
        libc::syscall(libc::SYS_close, fd);
        r
    }
}

/// The path MTU to `peer` from the kernel's route.
pub fn for_peer(peer: IpAddr) -> Option<u32> {
    with_route(peer, |fd| {
        let (level, name) = if peer.is_ipv4() {
            (libc::IPPROTO_IP, libc::IP_MTU)
        } else {
            (libc::IPPROTO_IPV6, libc::IPV6_MTU)
        };
        let mut mtu: i32 = 0;
        let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
        // SAFETY: an int option into a local.
        let r = unsafe {
            libc::syscall(
                libc::SYS_getsockopt,
                fd,
                level,
                name,
                &mut mtu as *mut i32,
                &mut len as *mut _,
            )
        };
        (r == 0 && mtu > 0).then(|| payload_of(mtu as u32, peer))
    })
}

/// The source address the kernel would use towards `peer`.
pub fn source_for(peer: IpAddr) -> Option<IpAddr> {
    with_route(peer, |fd| {
        // SAFETY: the kernel writes at most `len` bytes.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        let r = unsafe {
            libc::syscall(
                libc::SYS_getsockname,
                fd,
                &mut ss as *mut _,
                &mut len as *mut _,
            )
        };
        if r != 0 {
            return None;
        }
        super::udp::from_raw(&ss).map(|a| a.ip())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_overheads() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(path_mtu(&[v4]), 65504);
        assert_eq!(path_mtu(&[v6]), 65484);
        assert_eq!(path_mtu(&["10.0.0.1".parse().unwrap()]), 1472);
        assert_eq!(path_mtu(&["0.0.0.0".parse().unwrap()]), 65504);
    }
}
