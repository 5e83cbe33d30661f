//! Socket addresses between C bytes (`sockaddr_in`, `sockaddr_in6`, packed address lists) and
//! [`SocketAddr`], with the errno Linux SCTP gives for bad input (`net/sctp/socket.c`:
//! `sctp_sockaddr_af`, `sctp_verify_addr`, `sctp_connect`, `sctp_setsockopt_bindx`,
//! `sctp_getsockopt_peer_addrs`; `net/sctp/ipv6.c`: `sctp_v6_addr_to_user`).
//!
//! The shim copies user memory into and out of byte slices; nothing here touches a pointer.
//! Errors are errno values (`Err(libc::EINVAL)`).
//!
//! IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are IPv4 addresses to Linux SCTP
//! (`sctp_v6_map_v4`), so parsing returns them as [`SocketAddr::V4`]; formatting maps IPv4 back
//! to `::ffff:a.b.c.d` on IPv6 sockets with SCTP_I_WANT_MAPPED_V4_ADDR on (the default).

use std::mem::{offset_of, size_of};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use libc::{c_int, sa_family_t, sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage};

use crate::abi::Pod;

/// `sizeof(struct sockaddr_in)`.
pub const SOCKADDR_IN_LEN: usize = size_of::<sockaddr_in>();
/// `sizeof(struct sockaddr_in6)`.
pub const SOCKADDR_IN6_LEN: usize = size_of::<sockaddr_in6>();

const FAMILY: usize = offset_of!(sockaddr_in, sin_family);
const IN_PORT: usize = offset_of!(sockaddr_in, sin_port);
const IN_ADDR: usize = offset_of!(sockaddr_in, sin_addr);
const IN6_PORT: usize = offset_of!(sockaddr_in6, sin6_port);
const IN6_FLOWINFO: usize = offset_of!(sockaddr_in6, sin6_flowinfo);
const IN6_ADDR: usize = offset_of!(sockaddr_in6, sin6_addr);
const IN6_SCOPE_ID: usize = offset_of!(sockaddr_in6, sin6_scope_id);

/// What addresses an SCTP socket takes and how it reports them: the socket's domain,
/// IPV6_V6ONLY, and SCTP_I_WANT_MAPPED_V4_ADDR (`sp->v4mapped`, on by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrPolicy {
    /// `AF_INET6` socket (else `AF_INET`).
    pub inet6: bool,
    /// IPV6_V6ONLY: an `AF_INET6` socket refuses IPv4 (and IPv4-mapped) addresses.
    pub v6only: bool,
    /// Report IPv4 addresses as IPv4-mapped `sockaddr_in6` (only on `AF_INET6` sockets).
    pub v4mapped: bool,
}

impl AddrPolicy {
    /// An `AF_INET` socket.
    pub const INET: AddrPolicy = AddrPolicy {
        inet6: false,
        v6only: false,
        v4mapped: false,
    };
    /// An `AF_INET6` socket with Linux's defaults (dual stack, mapped IPv4 reported).
    pub const INET6: AddrPolicy = AddrPolicy {
        inet6: true,
        v6only: false,
        v4mapped: true,
    };

    /// `pf->af_supported(family)`: `sctp_inet_af_supported` / `sctp_inet6_af_supported`.
    fn supports(&self, family: c_int) -> bool {
        match family {
            libc::AF_INET => !self.inet6 || !self.v6only,
            libc::AF_INET6 => self.inet6,
            _ => false,
        }
    }
}

/// The `sockaddr` size of an address family (`af->sockaddr_len`; `sctp_getaddrlen`).
pub fn family_len(family: c_int) -> Option<usize> {
    match family {
        libc::AF_INET => Some(SOCKADDR_IN_LEN),
        libc::AF_INET6 => Some(SOCKADDR_IN6_LEN),
        _ => None,
    }
}

/// The `sa_family` of a sockaddr; `None` when shorter than the family field.
pub fn family_of(bytes: &[u8]) -> Option<c_int> {
    let b = bytes.get(FAMILY..FAMILY + size_of::<sa_family_t>())?;
    Some(c_int::from(sa_family_t::from_ne_bytes([b[0], b[1]])))
}

fn read_array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&bytes[at..at + N]);
    a
}

/// Decodes a sockaddr whose family and length were already checked.
fn decode_checked(bytes: &[u8], family: c_int) -> SocketAddr {
    if family == libc::AF_INET {
        debug_assert!(bytes.len() >= SOCKADDR_IN_LEN);
        let port = u16::from_be_bytes(read_array(bytes, IN_PORT));
        let ip = Ipv4Addr::from(read_array::<4>(bytes, IN_ADDR));
        return SocketAddr::V4(SocketAddrV4::new(ip, port));
    }
    debug_assert!(bytes.len() >= SOCKADDR_IN6_LEN);
    let port = u16::from_be_bytes(read_array(bytes, IN6_PORT));
    let ip = Ipv6Addr::from(read_array::<16>(bytes, IN6_ADDR));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return SocketAddr::V4(SocketAddrV4::new(v4, port));
    }
    let flowinfo = u32::from_ne_bytes(read_array(bytes, IN6_FLOWINFO));
    let scope_id = u32::from_ne_bytes(read_array(bytes, IN6_SCOPE_ID));
    SocketAddr::V6(SocketAddrV6::new(ip, port, flowinfo, scope_id))
}

/// Parses one address the way `sctp_sockaddr_af` accepts it (bind, bindx entries): shorter than
/// `struct sockaddr`, a family the socket does not take, shorter than the family's sockaddr, or
/// IPv4-mapped on a V6ONLY socket: EINVAL. IPv4-mapped addresses come back as IPv4.
pub fn parse_sockaddr(bytes: &[u8], policy: AddrPolicy) -> Result<SocketAddr, c_int> {
    if bytes.len() < size_of::<sockaddr>() {
        return Err(libc::EINVAL);
    }
    let family = family_of(bytes).ok_or(libc::EINVAL)?;
    if !policy.supports(family) {
        return Err(libc::EINVAL);
    }
    let need = family_len(family).ok_or(libc::EINVAL)?;
    if bytes.len() < need {
        return Err(libc::EINVAL);
    }
    let addr = decode_checked(bytes, family);
    if family == libc::AF_INET6 && addr.is_ipv4() && !policy.supports(libc::AF_INET) {
        return Err(libc::EINVAL);
    }
    Ok(addr)
}

/// `af->addr_valid`: a peer address must be unicast (`sctp_v4_addr_valid`: not broadcast,
/// multicast or 0.0.0.0/8; `sctp_v6_addr_valid`: unicast, so not `::` or multicast).
pub fn is_valid_peer_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_broadcast() || v4.is_multicast() || v4.octets()[0] == 0),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

/// `sctp_verify_addr`: [`parse_sockaddr`] plus [`is_valid_peer_ip`] (EINVAL). For a destination
/// given to sendmsg (`msg_name`), connectx entries and SCTP_DSTADDRV4/V6.
pub fn verify_peer_addr(bytes: &[u8], policy: AddrPolicy) -> Result<SocketAddr, c_int> {
    let addr = parse_sockaddr(bytes, policy)?;
    if !is_valid_peer_ip(addr.ip()) {
        return Err(libc::EINVAL);
    }
    Ok(addr)
}

/// The first checks of `connect()` (`sctp_inet_connect`, `sctp_connect`): shorter than the
/// family field EINVAL, AF_UNSPEC EOPNOTSUPP, an unknown family or shorter than the family's
/// sockaddr EINVAL. Returns the sockaddr cut to its family's size. Linux then fails a connected
/// socket or a TCP-style listener with EISCONN (`__sctp_connect`), and only then runs
/// [`verify_peer_addr`] on the address.
pub fn connect_addr_prefix(bytes: &[u8]) -> Result<&[u8], c_int> {
    let family = family_of(bytes).ok_or(libc::EINVAL)?;
    if family == libc::AF_UNSPEC {
        return Err(libc::EOPNOTSUPP);
    }
    let need = family_len(family).ok_or(libc::EINVAL)?;
    bytes.get(..need).ok_or(libc::EINVAL)
}

/// [`connect_addr_prefix`] then [`verify_peer_addr`], for callers that check EISCONN before or
/// after both.
pub fn parse_connect_addr(bytes: &[u8], policy: AddrPolicy) -> Result<SocketAddr, c_int> {
    verify_peer_addr(connect_addr_prefix(bytes)?, policy)
}

/// A sockaddr formatted for the user: up to `sizeof(struct sockaddr_in6)` bytes, no allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RawSockaddr {
    buf: [u8; SOCKADDR_IN6_LEN],
    len: usize,
}

impl RawSockaddr {
    /// The sockaddr bytes (16 or 28). Callers copy `min(len, user buffer)` and report `len`, as
    /// `getsockname`/`recvmsg` do.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Debug for RawSockaddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawSockaddr({:02x?})", self.as_bytes())
    }
}

fn write_in(buf: &mut [u8; SOCKADDR_IN6_LEN], a: SocketAddrV4) -> usize {
    buf[FAMILY..FAMILY + 2].copy_from_slice(&(libc::AF_INET as sa_family_t).to_ne_bytes());
    buf[IN_PORT..IN_PORT + 2].copy_from_slice(&a.port().to_be_bytes());
    buf[IN_ADDR..IN_ADDR + 4].copy_from_slice(&a.ip().octets());
    SOCKADDR_IN_LEN
}

fn write_in6(buf: &mut [u8; SOCKADDR_IN6_LEN], a: SocketAddrV6) -> usize {
    buf[FAMILY..FAMILY + 2].copy_from_slice(&(libc::AF_INET6 as sa_family_t).to_ne_bytes());
    buf[IN6_PORT..IN6_PORT + 2].copy_from_slice(&a.port().to_be_bytes());
    buf[IN6_FLOWINFO..IN6_FLOWINFO + 4].copy_from_slice(&a.flowinfo().to_ne_bytes());
    buf[IN6_ADDR..IN6_ADDR + 16].copy_from_slice(&a.ip().octets());
    buf[IN6_SCOPE_ID..IN6_SCOPE_ID + 4].copy_from_slice(&a.scope_id().to_ne_bytes());
    SOCKADDR_IN6_LEN
}

/// Formats an address as Linux reports it to this socket (`addr_to_user`): IPv4 as
/// `sockaddr_in` (zeroed `sin_zero`), or as IPv4-mapped `sockaddr_in6` on an IPv6 socket with
/// `v4mapped`; IPv6 as `sockaddr_in6` (an IPv4-mapped IPv6 becomes `sockaddr_in` when
/// `v4mapped` is off).
pub fn format_sockaddr(addr: &SocketAddr, policy: AddrPolicy) -> RawSockaddr {
    let mapped = policy.inet6 && policy.v4mapped;
    let mut buf = [0u8; SOCKADDR_IN6_LEN];
    let len = match *addr {
        SocketAddr::V4(a) if mapped => write_in6(
            &mut buf,
            SocketAddrV6::new(a.ip().to_ipv6_mapped(), a.port(), 0, 0),
        ),
        SocketAddr::V4(a) => write_in(&mut buf, a),
        SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(ip) if !mapped => write_in(&mut buf, SocketAddrV4::new(ip, a.port())),
            _ => write_in6(&mut buf, a),
        },
    };
    RawSockaddr { buf, len }
}

/// The address as a `sockaddr_storage`, for option structs that embed one
/// (`spinfo_address`, `ssp_addr`, ...).
pub fn to_storage(addr: &SocketAddr, policy: AddrPolicy) -> sockaddr_storage {
    let raw = format_sockaddr(addr, policy);
    sockaddr_storage::read_prefix(raw.as_bytes())
}

/// Parses a `sockaddr_storage` taken from an option struct, by [`parse_sockaddr`]'s rules.
pub fn parse_storage(ss: &sockaddr_storage, policy: AddrPolicy) -> Result<SocketAddr, c_int> {
    parse_sockaddr(ss.as_bytes(), policy)
}

/// `sctp_is_any`: whether an option's address field means "no particular address": the
/// wildcard of its family, or of the socket's family when `ss_family` is AF_UNSPEC (a zeroed
/// field). An unknown family is not "any".
pub fn storage_is_any(ss: &sockaddr_storage, policy: AddrPolicy) -> bool {
    let b = ss.as_bytes();
    let family = match c_int::from(ss.ss_family) {
        libc::AF_UNSPEC if policy.inet6 => libc::AF_INET6,
        libc::AF_UNSPEC => libc::AF_INET,
        f => f,
    };
    match family {
        libc::AF_INET => b[IN_ADDR..IN_ADDR + 4].iter().all(|&x| x == 0),
        libc::AF_INET6 => b[IN6_ADDR..IN6_ADDR + 16].iter().all(|&x| x == 0),
        _ => false,
    }
}

/// Iterator over a packed address list (SCTP_SOCKOPT_BINDX_ADD/REM, SCTP_SOCKOPT_CONNECTX*),
/// as `sctp_setsockopt_bindx` and `__sctp_connect` walk it: each entry is a `sockaddr_in` (16
/// bytes) or `sockaddr_in6` (28 bytes) chosen by its family field, back to back.
pub struct AddrList<'a> {
    rest: &'a [u8],
    policy: AddrPolicy,
}

impl Iterator for AddrList<'_> {
    type Item = Result<SocketAddr, c_int>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let item = (|| {
            let family = family_of(self.rest).ok_or(libc::EINVAL)?;
            let len = family_len(family).ok_or(libc::EINVAL)?;
            let entry = self.rest.get(..len).ok_or(libc::EINVAL)?;
            self.rest = &self.rest[len..];
            parse_sockaddr(entry, self.policy)
        })();
        if item.is_err() {
            self.rest = &[];
        }
        Some(item)
    }
}

/// Walks a packed address list; an empty list is EINVAL (`addrs_size <= 0`). The iterator yields
/// EINVAL (and stops) at a truncated entry, an unknown family, or an address the socket does not
/// take.
pub fn addr_list(bytes: &[u8], policy: AddrPolicy) -> Result<AddrList<'_>, c_int> {
    if bytes.is_empty() {
        return Err(libc::EINVAL);
    }
    Ok(AddrList {
        rest: bytes,
        policy,
    })
}

/// Decodes a whole packed address list, failing on the first bad entry.
pub fn decode_addr_list(bytes: &[u8], policy: AddrPolicy) -> Result<Vec<SocketAddr>, c_int> {
    addr_list(bytes, policy)?.collect()
}

/// Writes addresses back to back as `sctp_getsockopt_peer_addrs`/`_local_addrs` do, each in
/// the form [`format_sockaddr`] gives. Returns (bytes written, count), or ENOMEM when `out` is too
/// small for all of them.
pub fn encode_addr_list<'a, I>(
    addrs: I,
    policy: AddrPolicy,
    out: &mut [u8],
) -> Result<(usize, u32), c_int>
where
    I: IntoIterator<Item = &'a SocketAddr>,
{
    let mut used = 0;
    let mut count = 0u32;
    for addr in addrs {
        let raw = format_sockaddr(addr, policy);
        let dst = out.get_mut(used..used + raw.len()).ok_or(libc::ENOMEM)?;
        dst.copy_from_slice(raw.as_bytes());
        used += raw.len();
        count += 1;
    }
    Ok((used, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::TestRng;

    fn sin(ip: [u8; 4], port: u16) -> Vec<u8> {
        let mut b = vec![0u8; 16];
        b[0..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        b[2..4].copy_from_slice(&port.to_be_bytes());
        b[4..8].copy_from_slice(&ip);
        b
    }

    fn sin6(ip: Ipv6Addr, port: u16, flow: u32, scope: u32) -> Vec<u8> {
        let mut b = vec![0u8; 28];
        b[0..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
        b[2..4].copy_from_slice(&port.to_be_bytes());
        b[4..8].copy_from_slice(&flow.to_ne_bytes());
        b[8..24].copy_from_slice(&ip.octets());
        b[24..28].copy_from_slice(&scope.to_ne_bytes());
        b
    }

    #[test]
    fn offsets_are_the_c_ones() {
        assert_eq!((SOCKADDR_IN_LEN, SOCKADDR_IN6_LEN), (16, 28));
        assert_eq!((IN_PORT, IN_ADDR), (2, 4));
        assert_eq!(
            (IN6_PORT, IN6_FLOWINFO, IN6_ADDR, IN6_SCOPE_ID),
            (2, 4, 8, 24)
        );
    }

    #[test]
    fn parses_ipv4_and_ipv6() {
        let a = parse_sockaddr(&sin([127, 0, 0, 1], 1024), AddrPolicy::INET).unwrap();
        assert_eq!(a, "127.0.0.1:1024".parse().unwrap());
        let b = parse_sockaddr(&sin6(Ipv6Addr::LOCALHOST, 5000, 7, 3), AddrPolicy::INET6).unwrap();
        assert_eq!(
            b,
            SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 5000, 7, 3))
        );
        // IPv4 on a dual-stack IPv6 socket.
        assert!(parse_sockaddr(&sin([10, 0, 0, 1], 1), AddrPolicy::INET6).is_ok());
        // Longer buffers (sockaddr_storage) are fine.
        let mut long = sin([1, 2, 3, 4], 9);
        long.resize(128, 0xee);
        assert_eq!(
            parse_sockaddr(&long, AddrPolicy::INET).unwrap(),
            "1.2.3.4:9".parse().unwrap()
        );
    }

    #[test]
    fn mapped_ipv6_is_ipv4() {
        let mapped = sin6(Ipv4Addr::new(127, 0, 0, 1).to_ipv6_mapped(), 80, 0, 0);
        assert_eq!(
            parse_sockaddr(&mapped, AddrPolicy::INET6).unwrap(),
            "127.0.0.1:80".parse().unwrap()
        );
        let v6only = AddrPolicy {
            v6only: true,
            ..AddrPolicy::INET6
        };
        assert_eq!(parse_sockaddr(&mapped, v6only), Err(libc::EINVAL));
        assert_eq!(
            parse_sockaddr(&sin([127, 0, 0, 1], 80), v6only),
            Err(libc::EINVAL)
        );
    }

    #[test]
    fn bad_input_is_einval() {
        let v4 = sin([127, 0, 0, 1], 1024);
        // test_1_to_1_socket_bind_listen: len - 2; test_1_to_1_connect: len - 3.
        assert_eq!(
            parse_sockaddr(&v4[..14], AddrPolicy::INET),
            Err(libc::EINVAL)
        );
        assert_eq!(
            parse_connect_addr(&v4[..13], AddrPolicy::INET),
            Err(libc::EINVAL)
        );
        // Family 9090 (test_1_to_1_connect).
        let mut bad = v4.clone();
        bad[0..2].copy_from_slice(&9090u16.to_ne_bytes());
        assert_eq!(parse_sockaddr(&bad, AddrPolicy::INET), Err(libc::EINVAL));
        assert_eq!(
            parse_connect_addr(&bad, AddrPolicy::INET),
            Err(libc::EINVAL)
        );
        // IPv6 on an IPv4 socket; IPv6 shorter than 28 (SIN6_LEN_RFC2133 is 24).
        let v6 = sin6(Ipv6Addr::LOCALHOST, 1, 0, 0);
        assert_eq!(parse_sockaddr(&v6, AddrPolicy::INET), Err(libc::EINVAL));
        assert_eq!(
            parse_sockaddr(&v6[..24], AddrPolicy::INET6),
            Err(libc::EINVAL)
        );
        assert_eq!(parse_sockaddr(&[], AddrPolicy::INET), Err(libc::EINVAL));
        assert_eq!(
            parse_connect_addr(&[2], AddrPolicy::INET),
            Err(libc::EINVAL)
        );
    }

    #[test]
    fn connect_rules() {
        let mut unspec = sin([127, 0, 0, 1], 1);
        unspec[0..2].copy_from_slice(&0u16.to_ne_bytes());
        assert_eq!(
            parse_connect_addr(&unspec, AddrPolicy::INET),
            Err(libc::EOPNOTSUPP)
        );
        for bad in [[255, 255, 255, 255], [224, 0, 0, 1], [0, 0, 0, 0]] {
            assert_eq!(
                parse_connect_addr(&sin(bad, 1), AddrPolicy::INET),
                Err(libc::EINVAL),
                "{bad:?}"
            );
        }
        let any6 = sin6(Ipv6Addr::UNSPECIFIED, 1, 0, 0);
        assert_eq!(
            verify_peer_addr(&any6, AddrPolicy::INET6),
            Err(libc::EINVAL)
        );
        assert_eq!(
            parse_connect_addr(&sin([127, 0, 0, 1], 1024), AddrPolicy::INET).unwrap(),
            "127.0.0.1:1024".parse().unwrap()
        );
    }

    #[test]
    fn format_round_trips() {
        let v4: SocketAddr = "127.0.0.1:1024".parse().unwrap();
        let raw = format_sockaddr(&v4, AddrPolicy::INET);
        assert_eq!(raw.as_bytes(), &sin([127, 0, 0, 1], 1024)[..]);
        assert_eq!(
            parse_sockaddr(raw.as_bytes(), AddrPolicy::INET).unwrap(),
            v4
        );

        let mapped = format_sockaddr(&v4, AddrPolicy::INET6);
        assert_eq!(
            mapped.as_bytes(),
            &sin6(Ipv4Addr::new(127, 0, 0, 1).to_ipv6_mapped(), 1024, 0, 0)[..]
        );
        assert_eq!(
            parse_sockaddr(mapped.as_bytes(), AddrPolicy::INET6).unwrap(),
            v4
        );

        let unmapped = AddrPolicy {
            v4mapped: false,
            ..AddrPolicy::INET6
        };
        assert_eq!(format_sockaddr(&v4, unmapped).len(), 16);
        let m6 = SocketAddr::V6(SocketAddrV6::new(
            Ipv4Addr::new(1, 2, 3, 4).to_ipv6_mapped(),
            5,
            0,
            0,
        ));
        assert_eq!(
            format_sockaddr(&m6, unmapped).as_bytes(),
            &sin([1, 2, 3, 4], 5)[..]
        );

        let v6 = SocketAddr::V6(SocketAddrV6::new(
            "2001:db8::1".parse().unwrap(),
            9,
            0x12345,
            4,
        ));
        let raw6 = format_sockaddr(&v6, AddrPolicy::INET6);
        assert_eq!(raw6.len(), 28);
        assert_eq!(
            parse_sockaddr(raw6.as_bytes(), AddrPolicy::INET6).unwrap(),
            v6
        );
    }

    #[test]
    fn storage_fields() {
        let v4: SocketAddr = "10.1.2.3:99".parse().unwrap();
        let ss = to_storage(&v4, AddrPolicy::INET);
        assert_eq!(c_int::from(ss.ss_family), libc::AF_INET);
        assert_eq!(&ss.as_bytes()[..16], &sin([10, 1, 2, 3], 99)[..]);
        assert!(ss.as_bytes()[16..].iter().all(|&x| x == 0));
        assert_eq!(parse_storage(&ss, AddrPolicy::INET), Ok(v4));
        assert!(!storage_is_any(&ss, AddrPolicy::INET));
        // A zeroed field is "any" for both socket families; so are 0.0.0.0 and ::.
        let zero = sockaddr_storage::zeroed();
        assert!(
            storage_is_any(&zero, AddrPolicy::INET) && storage_is_any(&zero, AddrPolicy::INET6)
        );
        assert_eq!(parse_storage(&zero, AddrPolicy::INET), Err(libc::EINVAL));
        let any4 = sockaddr_storage::read_prefix(&sin([0; 4], 5));
        let any6 = sockaddr_storage::read_prefix(&sin6(Ipv6Addr::UNSPECIFIED, 5, 0, 0));
        assert!(
            storage_is_any(&any4, AddrPolicy::INET) && storage_is_any(&any6, AddrPolicy::INET6)
        );
        let mut odd = sockaddr_storage::zeroed();
        odd.ss_family = 9090;
        assert!(!storage_is_any(&odd, AddrPolicy::INET));
    }

    #[test]
    fn packed_lists_round_trip() {
        let addrs: Vec<SocketAddr> = vec![
            "127.0.0.1:1".parse().unwrap(),
            SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 2, 0, 0)),
            "127.0.0.2:3".parse().unwrap(),
        ];
        let policy = AddrPolicy {
            v4mapped: false,
            ..AddrPolicy::INET6
        };
        let mut buf = [0u8; 16 + 28 + 16];
        assert_eq!(encode_addr_list(&addrs, policy, &mut buf), Ok((60, 3)));
        assert_eq!(decode_addr_list(&buf, policy).unwrap(), addrs);
        // Mapped form: every entry is 28 bytes.
        let mut big = [0u8; 3 * 28];
        assert_eq!(
            encode_addr_list(&addrs, AddrPolicy::INET6, &mut big),
            Ok((84, 3))
        );
        assert_eq!(decode_addr_list(&big, AddrPolicy::INET6).unwrap(), addrs);
        // One byte short: ENOMEM, as sctp_getsockopt_peer_addrs.
        assert_eq!(
            encode_addr_list(&addrs, policy, &mut buf[..59]),
            Err(libc::ENOMEM)
        );
    }

    #[test]
    fn packed_list_errors() {
        assert_eq!(addr_list(&[], AddrPolicy::INET).err(), Some(libc::EINVAL));
        let mut two = sin([127, 0, 0, 1], 1);
        two.extend_from_slice(&sin([127, 0, 0, 2], 1));
        // Truncated last entry, odd trailing byte, unknown family.
        assert_eq!(
            decode_addr_list(&two[..31], AddrPolicy::INET),
            Err(libc::EINVAL)
        );
        let mut odd = two.clone();
        odd.push(2);
        assert_eq!(decode_addr_list(&odd, AddrPolicy::INET), Err(libc::EINVAL));
        two[16..18].copy_from_slice(&1u16.to_ne_bytes());
        assert_eq!(decode_addr_list(&two, AddrPolicy::INET), Err(libc::EINVAL));
        // The iterator stops after the first error.
        let mut it = addr_list(&two, AddrPolicy::INET).unwrap();
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next(), Some(Err(libc::EINVAL)));
        assert_eq!(it.next(), None);
    }

    #[test]
    fn random_bytes_never_panic_and_round_trip() {
        let mut rng = TestRng::new(0x2545_f491_4f6c_dd1d);
        let mut parsed = 0;
        for _ in 0..5000 {
            let len = (rng.next() % 90) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            if len >= 2 {
                let fam = [libc::AF_INET, libc::AF_INET6, libc::AF_UNSPEC, 9090]
                    [(rng.next() % 4) as usize];
                b[0..2].copy_from_slice(&(fam as u16).to_ne_bytes());
            }
            for policy in [AddrPolicy::INET, AddrPolicy::INET6] {
                let _ = verify_peer_addr(&b, policy);
                let _ = parse_connect_addr(&b, policy);
                let _ = decode_addr_list(&b, policy);
                if let Ok(a) = parse_sockaddr(&b, policy) {
                    parsed += 1;
                    let raw = format_sockaddr(&a, policy);
                    assert_eq!(parse_sockaddr(raw.as_bytes(), policy), Ok(a));
                }
            }
        }
        assert!(parsed > 500, "only {parsed} addresses parsed");
    }
}
