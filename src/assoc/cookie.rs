//! The State Cookie (RFC 9260 5.1.3, 5.1.5): everything needed to build the TCB when the
//! COOKIE ECHO comes back, so that no state is kept before it does. Signed with HMAC-SHA256
//! under a secret drawn from the caller's [`Rng`], rotated every `secret_lifetime`; cookies
//! signed with the previous secret still verify.
//!
//! Layout (all big-endian): version (1), key generation (4), creation ms since the signer's
//! epoch (8), lifetime ms (4), local tag, peer tag, local initial TSN, peer initial TSN, peer
//! a_rwnd (4 each), outbound streams, inbound streams (2 each), flags (1), adaptation (4), local
//! tie-tag, peer tie-tag (4 each), peer port (2), address count (1), addresses (family byte +
//! 4 or 16 bytes each), then the 32-byte MAC over everything before it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Rng;

const VERSION: u8 = 1;
const MAC_LEN: usize = 32;
/// At most this many peer addresses are carried (and so kept per association): enough for
/// multi-homed hosts such as the lksctp test_connectx endpoint bound to 18 loopback addresses,
/// small enough that a cookie of IPv6 addresses stays well under a 1500-byte path.
pub(crate) const MAX_PEER_ADDRS: usize = 32;

const FLAG_PR: u8 = 1;
const FLAG_INTL: u8 = 2;
const FLAG_ADAPTATION: u8 = 4;
const FLAG_AUTH: u8 = 8;
const FLAG_ASCONF: u8 = 16;
const FLAG_RECONF: u8 = 32;
const FLAG_ECN: u8 = 64;

/// What the peer's INIT (or our INIT ACK) settled, carried in the cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CookieContents {
    pub local_tag: u32,
    pub peer_tag: u32,
    pub local_tsn: u32,
    pub peer_tsn: u32,
    pub peer_rwnd: u32,
    /// Negotiated stream counts, from our point of view.
    pub outbound_streams: u16,
    pub inbound_streams: u16,
    /// Both sides support PR-SCTP (RFC 3758) / I-DATA (RFC 8260).
    pub pr: bool,
    pub intl: bool,
    /// The peer's Adaptation Layer Indication (RFC 5061 4.2.3).
    pub peer_adaptation: Option<u32>,
    /// RFC 9260 5.2.2: the tags of the existing association, zero when none.
    pub local_tie_tag: u32,
    pub peer_tie_tag: u32,
    pub peer_port: u16,
    /// The peer's addresses: the INIT's source address first, then those it listed.
    pub peer_addrs: Vec<IpAddr>,
    /// RFC 4895 6.1: our key vector and the peer's, when AUTH was negotiated.
    pub auth_vectors: Option<(Vec<u8>, Vec<u8>)>,
    /// RFC 5061: both sides support ASCONF.
    pub asconf: bool,
    /// RFC 6525: both sides support RE-CONFIG.
    pub reconf: bool,
    /// RFC 9260 Appendix A: both sides are ECN capable.
    pub ecn: bool,
}

/// A cookie whose MAC checked out (RFC 9260 5.1.5 steps 1-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verified {
    pub contents: CookieContents,
    /// Step 3: `Some(staleness in microseconds)` when the lifetime has passed. Only a cookie
    /// that would create a new TCB must be refused for it (as Linux: an existing association
    /// accepts it, 5.2.4).
    pub stale_us: Option<u32>,
}

/// Malformed, unknown key or wrong MAC: silently discarded (5.1.5 step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CookieError;

struct Key {
    generation: u32,
    secret: [u8; 32],
}

/// Signs and verifies cookies. One per endpoint.
pub(crate) struct CookieSigner {
    current: Key,
    previous: Option<Key>,
    rotated_at: Option<Instant>,
    epoch: Option<Instant>,
    secret_lifetime: Duration,
}

impl CookieSigner {
    pub fn new(rng: &mut dyn Rng, secret_lifetime: Duration) -> Self {
        let mut secret = [0u8; 32];
        rng.fill(&mut secret);
        CookieSigner {
            current: Key {
                generation: 0,
                secret,
            },
            previous: None,
            rotated_at: None,
            epoch: None,
            secret_lifetime,
        }
    }

    /// Milliseconds since the signer's epoch (the first instant it saw).
    fn stamp(&mut self, now: Instant) -> u64 {
        let epoch = *self.epoch.get_or_insert(now);
        now.saturating_duration_since(epoch).as_millis() as u64
    }

    /// RFC 9260 5.1.3: the secret key changes reasonably frequently.
    fn rotate(&mut self, now: Instant, rng: &mut dyn Rng) {
        let rotated_at = *self.rotated_at.get_or_insert(now);
        if now.saturating_duration_since(rotated_at) < self.secret_lifetime {
            return;
        }
        let mut secret = [0u8; 32];
        rng.fill(&mut secret);
        let generation = self.current.generation.wrapping_add(1);
        let old = std::mem::replace(&mut self.current, Key { generation, secret });
        self.previous = Some(old);
        self.rotated_at = Some(now);
    }

    /// Longest lifetime a cookie may get: it must not outlive the key that signs it.
    pub fn max_lifetime(&self) -> Duration {
        self.secret_lifetime
    }

    /// Writes a signed cookie for `c` valid for `lifetime` into `out` (cleared first).
    pub fn sign(
        &mut self,
        now: Instant,
        rng: &mut dyn Rng,
        c: &CookieContents,
        lifetime: Duration,
        out: &mut Vec<u8>,
    ) {
        self.rotate(now, rng);
        let created = self.stamp(now);
        let lifetime = lifetime.min(self.secret_lifetime).as_millis() as u32;
        out.clear();
        out.push(VERSION);
        out.extend_from_slice(&self.current.generation.to_be_bytes());
        out.extend_from_slice(&created.to_be_bytes());
        out.extend_from_slice(&lifetime.to_be_bytes());
        for v in [
            c.local_tag,
            c.peer_tag,
            c.local_tsn,
            c.peer_tsn,
            c.peer_rwnd,
        ] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&c.outbound_streams.to_be_bytes());
        out.extend_from_slice(&c.inbound_streams.to_be_bytes());
        let mut flags = 0;
        if c.pr {
            flags |= FLAG_PR;
        }
        if c.intl {
            flags |= FLAG_INTL;
        }
        if c.peer_adaptation.is_some() {
            flags |= FLAG_ADAPTATION;
        }
        if c.auth_vectors.is_some() {
            flags |= FLAG_AUTH;
        }
        if c.asconf {
            flags |= FLAG_ASCONF;
        }
        if c.reconf {
            flags |= FLAG_RECONF;
        }
        if c.ecn {
            flags |= FLAG_ECN;
        }
        out.push(flags);
        out.extend_from_slice(&c.peer_adaptation.unwrap_or(0).to_be_bytes());
        out.extend_from_slice(&c.local_tie_tag.to_be_bytes());
        out.extend_from_slice(&c.peer_tie_tag.to_be_bytes());
        out.extend_from_slice(&c.peer_port.to_be_bytes());
        let addrs = &c.peer_addrs[..c.peer_addrs.len().min(MAX_PEER_ADDRS)];
        out.push(addrs.len() as u8);
        for a in addrs {
            match a {
                IpAddr::V4(v4) => {
                    out.push(4);
                    out.extend_from_slice(&v4.octets());
                }
                IpAddr::V6(v6) => {
                    out.push(6);
                    out.extend_from_slice(&v6.octets());
                }
            }
        }
        if let Some((local, peer)) = &c.auth_vectors {
            for v in [local, peer] {
                let v = &v[..v.len().min(u16::MAX as usize)];
                out.extend_from_slice(&(v.len() as u16).to_be_bytes());
                out.extend_from_slice(v);
            }
        }
        let mac = mac(&self.current.secret, out);
        out.extend_from_slice(&mac);
    }

    /// RFC 9260 5.1.5 steps 1-3: checks the MAC, then the lifetime.
    pub fn verify(&mut self, now: Instant, cookie: &[u8]) -> Result<Verified, CookieError> {
        if cookie.len() < MAC_LEN + 1 {
            return Err(CookieError);
        }
        let (body, tag) = cookie.split_at(cookie.len() - MAC_LEN);
        let mut r = Reader(body);
        if r.u8()? != VERSION {
            return Err(CookieError);
        }
        let generation = r.u32()?;
        let key = if generation == self.current.generation {
            &self.current
        } else {
            match &self.previous {
                Some(k) if k.generation == generation => k,
                _ => return Err(CookieError),
            }
        };
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&key.secret).map_err(|_| CookieError)?;
        m.update(body);
        m.verify_slice(tag).map_err(|_| CookieError)?;

        let created = r.u64()?;
        let lifetime = r.u32()? as u64;
        let mut c = CookieContents {
            local_tag: r.u32()?,
            peer_tag: r.u32()?,
            local_tsn: r.u32()?,
            peer_tsn: r.u32()?,
            peer_rwnd: r.u32()?,
            outbound_streams: r.u16()?,
            inbound_streams: r.u16()?,
            pr: false,
            intl: false,
            peer_adaptation: None,
            local_tie_tag: 0,
            peer_tie_tag: 0,
            peer_port: 0,
            peer_addrs: Vec::new(),
            auth_vectors: None,
            asconf: false,
            reconf: false,
            ecn: false,
        };
        let flags = r.u8()?;
        let adaptation = r.u32()?;
        c.pr = flags & FLAG_PR != 0;
        c.intl = flags & FLAG_INTL != 0;
        c.peer_adaptation = (flags & FLAG_ADAPTATION != 0).then_some(adaptation);
        c.local_tie_tag = r.u32()?;
        c.peer_tie_tag = r.u32()?;
        c.peer_port = r.u16()?;
        let n = r.u8()? as usize;
        for _ in 0..n.min(MAX_PEER_ADDRS) {
            let addr = match r.u8()? {
                4 => IpAddr::V4(Ipv4Addr::from(r.array::<4>()?)),
                6 => IpAddr::V6(Ipv6Addr::from(r.array::<16>()?)),
                _ => return Err(CookieError),
            };
            c.peer_addrs.push(addr);
        }
        c.asconf = flags & FLAG_ASCONF != 0;
        c.reconf = flags & FLAG_RECONF != 0;
        c.ecn = flags & FLAG_ECN != 0;
        if flags & FLAG_AUTH != 0 {
            let local = r.vector()?;
            let peer = r.vector()?;
            c.auth_vectors = Some((local, peer));
        }

        let age = self.stamp(now);
        let expiry = created.saturating_add(lifetime);
        let stale_us =
            (age > expiry).then(|| (age - expiry).saturating_mul(1000).min(u32::MAX as u64) as u32);
        Ok(Verified {
            contents: c,
            stale_us,
        })
    }
}

fn mac(secret: &[u8; 32], data: &[u8]) -> [u8; MAC_LEN] {
    // A 32-byte key is always accepted by HMAC.
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return [0; MAC_LEN],
    };
    m.update(data);
    m.finalize().into_bytes().into()
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N], CookieError> {
        if self.0.len() < N {
            return Err(CookieError);
        }
        let (head, tail) = self.0.split_at(N);
        self.0 = tail;
        let mut a = [0u8; N];
        a.copy_from_slice(head);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, CookieError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, CookieError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, CookieError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, CookieError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    /// A u16-length-prefixed byte string.
    fn vector(&mut self) -> Result<Vec<u8>, CookieError> {
        let n = usize::from(self.u16()?);
        let v = self.0.get(..n).ok_or(CookieError)?.to_vec();
        self.0 = &self.0[n..];
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assoc::tests::pair::TestRng;

    fn contents() -> CookieContents {
        CookieContents {
            local_tag: 1,
            peer_tag: 2,
            local_tsn: 3,
            peer_tsn: 4,
            peer_rwnd: 5000,
            outbound_streams: 10,
            inbound_streams: 7,
            pr: true,
            intl: false,
            peer_adaptation: Some(0xdead),
            local_tie_tag: 9,
            peer_tie_tag: 10,
            peer_port: 5000,
            peer_addrs: vec!["10.0.0.1".parse().unwrap(), "fe80::1".parse().unwrap()],
            auth_vectors: Some((vec![1, 2, 3], vec![4; 40])),
            asconf: true,
            reconf: true,
            ecn: true,
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        let mut rng = TestRng::new(1);
        let mut s = CookieSigner::new(&mut rng, Duration::from_secs(600));
        let now = Instant::now();
        let mut buf = Vec::new();
        s.sign(
            now,
            &mut rng,
            &contents(),
            Duration::from_secs(60),
            &mut buf,
        );
        assert_eq!(
            s.verify(now + Duration::from_secs(59), &buf),
            Ok(Verified {
                contents: contents(),
                stale_us: None
            })
        );
        for i in 0..buf.len() {
            let mut bad = buf.clone();
            bad[i] ^= 0x10;
            assert_eq!(s.verify(now, &bad), Err(CookieError), "byte {i}");
        }
        assert_eq!(s.verify(now, &buf[..buf.len() - 1]), Err(CookieError));
        assert_eq!(s.verify(now, &[]), Err(CookieError));
    }

    #[test]
    fn stale_reports_staleness() {
        let mut rng = TestRng::new(2);
        let mut s = CookieSigner::new(&mut rng, Duration::from_secs(600));
        let now = Instant::now();
        let mut buf = Vec::new();
        s.sign(
            now,
            &mut rng,
            &contents(),
            Duration::from_secs(60),
            &mut buf,
        );
        let r = s.verify(now + Duration::from_millis(60_250), &buf);
        assert_eq!(
            r,
            Ok(Verified {
                contents: contents(),
                stale_us: Some(250_000)
            })
        );
    }

    #[test]
    fn previous_secret_still_verifies_then_not() {
        let mut rng = TestRng::new(3);
        let life = Duration::from_secs(10);
        let mut s = CookieSigner::new(&mut rng, life);
        let t0 = Instant::now();
        let mut old = Vec::new();
        s.sign(t0, &mut rng, &contents(), Duration::from_secs(60), &mut old);
        let mut fresh = Vec::new();
        s.sign(
            t0 + Duration::from_secs(11),
            &mut rng,
            &contents(),
            life,
            &mut fresh,
        );
        // The first cookie's lifetime was capped to the secret lifetime: 10 s.
        assert!(s
            .verify(t0 + Duration::from_secs(11), &old)
            .unwrap()
            .stale_us
            .is_some());
        s.sign(
            t0 + Duration::from_secs(21),
            &mut rng,
            &contents(),
            life,
            &mut Vec::new(),
        );
        // `fresh` was signed with the now previous key: still verifies within its life.
        assert_eq!(
            s.verify(t0 + Duration::from_secs(21), &fresh)
                .unwrap()
                .stale_us,
            None
        );
        s.sign(
            t0 + Duration::from_secs(33),
            &mut rng,
            &contents(),
            life,
            &mut Vec::new(),
        );
        assert_eq!(
            s.verify(t0 + Duration::from_secs(33), &fresh),
            Err(CookieError)
        );
    }
}
