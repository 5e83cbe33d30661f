//! The host's addresses, for the INIT / INIT ACK address lists of wildcard-bound sockets
//! (RFC 9260 5.1.2: an endpoint bound to the wildcard lists every address it can be reached
//! at; the core then keeps those in the peer's scope, `assoc/scope.rs`). Read with
//! getifaddrs(3) when a socket binds; IPv6 link-local addresses are left out (without a
//! zone they name no interface the peer could use).

use std::net::IpAddr;

/// Up interfaces' unicast addresses of the wanted families.
pub fn host_addrs(v4: bool, v6: bool) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return out;
    }
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: a node of the list getifaddrs returned, alive until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_flags & libc::IFF_UP as u32 == 0 {
            continue;
        }
        // SAFETY: ifa_addr points at a sockaddr of the family it names.
        let ip = unsafe {
            match i32::from((*ifa.ifa_addr).sa_family) {
                libc::AF_INET if v4 => {
                    let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                    IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes())
                }
                libc::AF_INET6 if v6 => {
                    let sin6 = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                    IpAddr::from(sin6.sin6_addr.s6_addr)
                }
                _ => continue,
            }
        };
        let link_local_v6 = matches!(ip, IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80);
        if !link_local_v6 && !ip.is_unspecified() && !ip.is_multicast() && !out.contains(&ip) {
            out.push(ip);
        }
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(list) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_loopback_of_each_family_asked() {
        let v4 = host_addrs(true, false);
        assert!(v4.iter().all(IpAddr::is_ipv4));
        assert!(v4.contains(&IpAddr::from([127, 0, 0, 1])), "{v4:?}");
        assert!(host_addrs(false, true).iter().all(IpAddr::is_ipv6));
        assert!(host_addrs(false, false).is_empty());
    }
}
