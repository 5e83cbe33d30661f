//! Address scoping of the INIT / INIT ACK address lists (RFC 9260 5.1.2 and 3.3.2.1 Note:
//! an endpoint lists the addresses the peer can use; Linux `sctp_in_scope`: with L the scope
//! of the peer's address, list every local address of scope L or wider; loopback addresses
//! only towards loopback, private ones towards private or loopback peers) and Supported
//! Address Types (5.1.2: no address of a type the peer does not support).

use std::net::IpAddr;

/// Address scopes, widest first (Linux `enum sctp_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    Global,
    Private,
    Link,
    Loopback,
}

/// The scope of an address (Linux `sctp_v4_scope` / `sctp_v6_scope`).
pub(crate) fn scope_of(a: IpAddr) -> Scope {
    match a {
        IpAddr::V4(v4) if v4.is_loopback() => Scope::Loopback,
        IpAddr::V4(v4) if v4.is_link_local() => Scope::Link,
        IpAddr::V4(v4) if v4.is_private() => Scope::Private,
        IpAddr::V4(_) => Scope::Global,
        IpAddr::V6(v6) if v6.is_loopback() => Scope::Loopback,
        IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80 => Scope::Link,
        // Site-local (deprecated fec0::/10) is Linux's private scope for IPv6.
        IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfec0 => Scope::Private,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => scope_of(IpAddr::V4(v4)),
            None => Scope::Global,
        },
    }
}

/// Whether the peer at `peer` can use our address `local`.
pub(crate) fn in_scope(local: IpAddr, peer: IpAddr) -> bool {
    scope_of(local) <= scope_of(peer)
}

/// Address types a peer supports (RFC 9260 3.3.2.1.5: all, when it sends no Supported
/// Address Types parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddrTypes {
    pub v4: bool,
    pub v6: bool,
}

impl Default for AddrTypes {
    fn default() -> Self {
        AddrTypes { v4: true, v6: true }
    }
}

impl AddrTypes {
    /// From a Supported Address Types parameter's list of parameter types.
    pub fn from_list(types: &[u16]) -> AddrTypes {
        use crate::wire::param::kind;
        AddrTypes {
            v4: types.contains(&kind::IPV4_ADDRESS),
            v6: types.contains(&kind::IPV6_ADDRESS),
        }
    }

    /// The types our bound addresses can reach (all when none is known): a peer's addresses
    /// of another family are left out of the association, as Linux does for an `AF_INET`
    /// socket offered IPv6 addresses.
    pub fn of_local(addrs: &[IpAddr]) -> AddrTypes {
        if addrs.is_empty() {
            return AddrTypes::default();
        }
        AddrTypes {
            v4: addrs.iter().any(|a| a.is_ipv4()),
            v6: addrs.iter().any(|a| a.is_ipv6()),
        }
    }

    pub fn allows(&self, a: IpAddr) -> bool {
        if a.is_ipv4() {
            self.v4
        } else {
            self.v6
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn loopback_only_towards_loopback() {
        assert!(in_scope(ip("127.0.0.2"), ip("127.0.0.1")));
        assert!(!in_scope(ip("127.0.0.2"), ip("10.0.0.1")));
        assert!(!in_scope(ip("::1"), ip("2001:db8::1")));
        // Towards a loopback peer every address is usable.
        assert!(in_scope(ip("192.0.2.1"), ip("127.0.0.1")));
        assert!(in_scope(ip("10.1.0.1"), ip("::1")));
    }

    #[test]
    fn private_and_link_scopes() {
        assert!(in_scope(ip("10.1.0.1"), ip("192.168.1.1")));
        assert!(!in_scope(ip("10.1.0.1"), ip("198.51.100.7")));
        assert!(in_scope(ip("198.51.100.8"), ip("10.1.0.1")));
        assert!(!in_scope(ip("169.254.1.1"), ip("10.0.0.1")));
        assert!(in_scope(ip("169.254.1.1"), ip("169.254.9.9")));
        assert!(!in_scope(ip("fe80::1"), ip("fd00::1")));
        assert!(in_scope(ip("fd00::1"), ip("fe80::2")));
    }

    #[test]
    fn supported_address_types() {
        let only_v4 = AddrTypes::from_list(&[crate::wire::param::kind::IPV4_ADDRESS]);
        assert!(only_v4.allows(ip("10.0.0.1")));
        assert!(!only_v4.allows(ip("fd00::1")));
        assert!(AddrTypes::default().allows(ip("fd00::1")));
    }

    /// End to end on the pair: B also has a loopback and an IPv6 address; A (IPv4 only)
    /// connects to B's private address and learns neither.
    #[test]
    fn init_ack_lists_only_addresses_the_peer_can_use() {
        use crate::assoc::tests::pair::{Pair, Side};
        use crate::assoc::AssocConfig;
        let mut p = Pair::with(3, AssocConfig::default(), AssocConfig::default(), 1);
        let b_private = p.addrs[1][0];
        p.ep(Side::B).set_local_addrs(vec![
            b_private,
            ip("127.0.0.1"),
            ip("fd00::2"),
            ip("10.9.9.2"),
        ]);
        let (a, _) = p.connected();
        let mut learned: Vec<IpAddr> = p.eps[0]
            .assoc(a)
            .expect("association")
            .paths()
            .iter()
            .map(|x| x.addr)
            .collect();
        learned.sort();
        assert_eq!(learned, vec![b_private, ip("10.9.9.2")]);
    }
}
