//! RFC 4895 AUTH: the parameters INIT / INIT ACK carry (3.1 Random, 3.2 Chunk List, 3.3
//! Requested HMAC Algorithm), the association shared keys (6.1), signing an outgoing packet
//! (6.2), verifying an incoming AUTH chunk (6.3), and the key operations of a live
//! association (RFC 6458 8.1.21-8.1.23, 8.3.3, as Linux `sctp_auth_set_key`,
//! `sctp_auth_set_active_key`, `sctp_auth_del_key_id`, `sctp_auth_deact_key_id`) with their
//! SCTP_AUTHENTICATION_EVENTs.
//!
//! Negotiated when both sides enable it (`AssocConfig::auth_supported`, off by default like
//! Linux's `net.sctp.auth_enable`) and both INITs carry the three parameters. The responder
//! keeps no state before the COOKIE ECHO: both key vectors travel in the State Cookie.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::wire::chunk::kind;
use crate::wire::chunk::RawChunkIter;
use crate::wire::packet::HEADER_LEN;
use crate::wire::Param;

use super::association::Association;
use super::{AuthIndication, Event};

/// RFC 4895 3.3 HMAC identifiers.
pub const HMAC_SHA1: u16 = 1;
pub const HMAC_SHA256: u16 = 3;
/// The identifiers we offer, most preferred first.
pub const SUPPORTED_HMACS: [u16; 2] = [HMAC_SHA256, HMAC_SHA1];
/// Bytes of our Random parameter's value (RFC 4895 3.1 recommends 32).
pub const RANDOM_LEN: usize = 32;
/// RFC 5061 4.2.7 / 6: ASCONF and ASCONF ACK are always authenticated.
pub const ALWAYS_AUTHENTICATED: [u8; 2] = [kind::ASCONF, kind::ASCONF_ACK];
/// Chunks that can never be listed (RFC 4895 3.2).
const NEVER_AUTHENTICATED: [u8; 4] = [
    kind::INIT,
    kind::INIT_ACK,
    kind::SHUTDOWN_COMPLETE,
    kind::AUTH,
];
const AUTH_HEADER: usize = 8;

/// HMAC output length of an identifier we support.
pub fn hmac_len(id: u16) -> Option<usize> {
    match id {
        HMAC_SHA1 => Some(20),
        HMAC_SHA256 => Some(32),
        _ => None,
    }
}

/// A set of chunk types (one bit each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkSet([u64; 4]);

impl ChunkSet {
    pub fn insert(&mut self, t: u8) {
        if !NEVER_AUTHENTICATED.contains(&t) {
            self.0[usize::from(t >> 6)] |= 1 << (t & 63);
        }
    }
    pub fn remove(&mut self, t: u8) {
        self.0[usize::from(t >> 6)] &= !(1 << (t & 63));
    }
    pub fn contains(&self, t: u8) -> bool {
        self.0[usize::from(t >> 6)] & (1 << (t & 63)) != 0
    }
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }
    pub fn types(&self) -> Vec<u8> {
        (0..=255u8).filter(|t| self.contains(*t)).collect()
    }
    pub fn from_list(list: &[u8]) -> Self {
        let mut s = ChunkSet::default();
        list.iter().for_each(|t| s.insert(*t));
        s
    }
}

/// Appends one parameter as it appears in the chunk, without trailing padding (the key
/// vector is the parameters' bytes as their length fields count them, RFC 4895 6.1).
fn push_param(out: &mut Vec<u8>, p: &Param<'_>) {
    let start = out.len();
    out.resize(start + p.encoded_len(), 0);
    let n = p.encode(&mut out[start..]);
    let len = out
        .get(start + 2..start + 4)
        .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    out.truncate(start + len.min(n));
}

/// RFC 4895 6.1: the key vector of one side: its Random, Chunk List and Requested HMAC
/// Algorithm parameters, concatenated.
pub fn key_vector(random: &[u8], chunks: &[u8], hmacs: &[u16]) -> Vec<u8> {
    let mut v = Vec::with_capacity(4 + random.len() + 4 + chunks.len() + 4 + 2 * hmacs.len());
    push_param(&mut v, &Param::Random(random));
    push_param(&mut v, &Param::ChunkList(chunks.to_vec()));
    push_param(&mut v, &Param::RequestedHmacAlgorithms(hmacs.to_vec()));
    v
}

/// The three parameters of a key vector, read back.
#[derive(Debug, Default)]
pub struct VectorParams {
    pub random: bool,
    pub chunks: ChunkSet,
    pub hmacs: Vec<u16>,
}

/// Reads a key vector (ours or the peer's, as built by `key_vector` or received).
pub fn read_vector(v: &[u8]) -> VectorParams {
    let mut out = VectorParams::default();
    let mut rest = v;
    while rest.len() >= 4 {
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]])).max(4);
        let padded = len.next_multiple_of(4);
        let Some(tlv) = rest.get(..len) else { break };
        let mut buf = tlv.to_vec();
        buf.resize(padded, 0);
        match Param::parse(&buf) {
            Ok(Param::Random(_)) => out.random = true,
            Ok(Param::ChunkList(l)) => out.chunks = ChunkSet::from_list(&l),
            Ok(Param::RequestedHmacAlgorithms(l)) => out.hmacs = l,
            _ => {}
        }
        rest = rest.get(len..).unwrap_or_default();
    }
    out
}

/// Builds the peer's key vector from its INIT / INIT ACK parameters; `None` when it did not
/// send all three (then AUTH is not used, RFC 4895 6.1 needs them all).
pub fn peer_vector(params: &[Param<'_>]) -> Option<Vec<u8>> {
    let mut random = None;
    let mut chunks = None;
    let mut hmacs = None;
    for p in params {
        match p {
            Param::Random(r) => random = Some(*r),
            Param::ChunkList(c) => chunks = Some(c.as_slice()),
            Param::RequestedHmacAlgorithms(h) => hmacs = Some(h.as_slice()),
            _ => {}
        }
    }
    Some(key_vector(random?, chunks?, hmacs?))
}

/// RFC 4895 6.1: key vectors compared as big-endian numbers; equal numbers put the shorter
/// one first.
fn compare_vectors(a: &[u8], b: &[u8]) -> Ordering {
    let strip = |v: &[u8]| {
        let z = v.iter().take_while(|x| **x == 0).count();
        v.len() - z
    };
    let (na, nb) = (strip(a), strip(b));
    na.cmp(&nb)
        .then_with(|| a[a.len() - na..].cmp(&b[b.len() - nb..]))
        .then_with(|| a.len().cmp(&b.len()))
}

/// RFC 4895 6.1: association shared key = endpoint pair shared key || smaller key vector ||
/// larger key vector.
pub fn association_key(ep_key: &[u8], v1: &[u8], v2: &[u8]) -> Vec<u8> {
    let (first, last) = if compare_vectors(v1, v2) == Ordering::Greater {
        (v2, v1)
    } else {
        (v1, v2)
    };
    [ep_key, first, last].concat()
}

/// HMAC of `parts` (concatenated) under `key`; `out` gets `hmac_len(id)` bytes.
fn compute(id: u16, key: &[u8], parts: &[&[u8]], out: &mut [u8]) -> bool {
    macro_rules! run {
        ($h:ty) => {{
            let Ok(mut m) = <Hmac<$h> as Mac>::new_from_slice(key) else {
                return false;
            };
            parts.iter().for_each(|p| m.update(p));
            let tag = m.finalize().into_bytes();
            match out.get_mut(..tag.len()) {
                Some(o) => {
                    o.copy_from_slice(&tag);
                    true
                }
                None => false,
            }
        }};
    }
    match id {
        HMAC_SHA1 => run!(Sha1),
        HMAC_SHA256 => run!(Sha256),
        _ => false,
    }
}

/// Why a received AUTH chunk was refused (RFC 4895 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// HMAC identifier we do not support: reported with an Unsupported HMAC Identifier cause.
    UnsupportedHmac(u16),
    /// Unknown shared key id, wrong length or wrong HMAC: silently discarded.
    Invalid,
}

/// Negotiated AUTH state of one association.
#[derive(Debug, Clone)]
pub struct Auth {
    local_vector: Vec<u8>,
    peer_vector: Vec<u8>,
    /// Chunks the peer wants authenticated (we sign them) and those we require.
    peer_chunks: ChunkSet,
    local_chunks: ChunkSet,
    /// HMAC we send with: the peer's first listed one that we support (RFC 4895 6.1).
    send_hmac: u16,
    /// Association shared keys by shared key id (from the endpoint pair keys, 6.1).
    keys: BTreeMap<u16, Vec<u8>>,
    active_key: u16,
    /// Keys deactivated on this association (SCTP_AUTH_DEACTIVATE_KEY): still accepted from
    /// the peer, never made active again.
    deactivated: BTreeSet<u16>,
}

impl Auth {
    /// From both key vectors and the endpoint pair shared keys (key id 0 with an empty
    /// key when the user set none). `None` when the peer's vector is incomplete or lists no
    /// HMAC we support.
    pub fn new(
        local_vector: Vec<u8>,
        peer_vector: Vec<u8>,
        ep_keys: &BTreeMap<u16, Vec<u8>>,
        active_key: u16,
    ) -> Option<Auth> {
        let local = read_vector(&local_vector);
        let peer = read_vector(&peer_vector);
        if !peer.random {
            return None;
        }
        let send_hmac = *peer.hmacs.iter().find(|h| SUPPORTED_HMACS.contains(h))?;
        let mut a = Auth {
            local_vector,
            peer_vector,
            peer_chunks: peer.chunks,
            local_chunks: local.chunks,
            send_hmac,
            keys: BTreeMap::new(),
            active_key,
            deactivated: BTreeSet::new(),
        };
        a.set_endpoint_keys(ep_keys, active_key);
        Some(a)
    }

    /// SCTP_AUTH_KEY / DELETE_KEY / ACTIVE_KEY: the association keys follow the endpoint pair
    /// keys.
    pub fn set_endpoint_keys(&mut self, ep_keys: &BTreeMap<u16, Vec<u8>>, active: u16) {
        self.keys = ep_keys
            .iter()
            .map(|(id, k)| {
                let key = association_key(k, &self.local_vector, &self.peer_vector);
                (*id, key)
            })
            .collect();
        if self.keys.is_empty() {
            let key = association_key(&[], &self.local_vector, &self.peer_vector);
            self.keys.insert(0, key);
        }
        self.active_key = active;
    }

    /// The shared key id we sign with.
    pub fn active_key(&self) -> u16 {
        self.active_key
    }

    pub fn peer_requires(&self, chunk_type: u8) -> bool {
        self.peer_chunks.contains(chunk_type)
    }

    pub fn we_require(&self, chunk_type: u8) -> bool {
        self.local_chunks.contains(chunk_type)
    }

    /// SCTP_PEER_AUTH_CHUNKS / SCTP_LOCAL_AUTH_CHUNKS.
    pub fn peer_chunks(&self) -> Vec<u8> {
        self.peer_chunks.types()
    }
    pub fn local_chunks(&self) -> Vec<u8> {
        self.local_chunks.types()
    }

    /// Bytes an AUTH chunk adds to a packet that needs one (0 when the peer wants none).
    pub fn overhead(&self) -> usize {
        if self.peer_chunks.is_empty() {
            0
        } else {
            AUTH_HEADER + hmac_len(self.send_hmac).unwrap_or(0)
        }
    }

    /// RFC 4895 6.2: inserts an AUTH chunk before the first chunk of the packet in
    /// `buf[..len]` the peer requires authenticated and fills its HMAC over the AUTH chunk
    /// (HMAC zeroed) and everything after it. Returns the new length (`len` when no chunk
    /// needs it, or when `buf` has no room: then the peer will drop those chunks and they are
    /// retransmitted). The caller rewrites the CRC32c.
    pub fn sign(&self, buf: &mut [u8], len: usize) -> usize {
        let Some(chunks) = buf.get(HEADER_LEN..len) else {
            return len;
        };
        let at = RawChunkIter::new(chunks)
            .map_while(Result::ok)
            .find(|c| self.peer_chunks.contains(c.chunk_type))
            .map(|c| HEADER_LEN + c.offset);
        let (Some(at), Some(mac_len), Some(key)) = (
            at,
            hmac_len(self.send_hmac),
            self.keys.get(&self.active_key),
        ) else {
            return len;
        };
        let alen = AUTH_HEADER + mac_len;
        if len + alen > buf.len() {
            return len;
        }
        buf.copy_within(at..len, at + alen);
        let head = &mut buf[at..at + AUTH_HEADER];
        head[0] = kind::AUTH;
        head[1] = 0;
        head[2..4].copy_from_slice(&(alen as u16).to_be_bytes());
        head[4..6].copy_from_slice(&self.active_key.to_be_bytes());
        head[6..8].copy_from_slice(&self.send_hmac.to_be_bytes());
        buf[at + AUTH_HEADER..at + alen].fill(0);
        let mut mac = [0u8; 32];
        if !compute(self.send_hmac, key, &[&buf[at..len + alen]], &mut mac) {
            return len;
        }
        buf[at + AUTH_HEADER..at + alen].copy_from_slice(&mac[..mac_len]);
        len + alen
    }

    /// RFC 4895 6.3: checks the AUTH chunk starting at `chunks[offset..]` (the packet's
    /// chunk bytes) against the rest of the packet.
    pub fn verify(
        &self,
        chunks: &[u8],
        offset: usize,
        key_id: u16,
        hmac_id: u16,
        hmac: &[u8],
    ) -> Result<(), AuthError> {
        let mac_len = hmac_len(hmac_id).ok_or(AuthError::UnsupportedHmac(hmac_id))?;
        let key = self.keys.get(&key_id).ok_or(AuthError::Invalid)?;
        let rest = chunks.get(offset..).ok_or(AuthError::Invalid)?;
        if hmac.len() != mac_len || rest.len() < AUTH_HEADER + mac_len {
            return Err(AuthError::Invalid);
        }
        let zeros = [0u8; 32];
        let parts = [
            &rest[..AUTH_HEADER],
            &zeros[..mac_len],
            &rest[AUTH_HEADER + mac_len..],
        ];
        let mut mac = [0u8; 32];
        if !compute(hmac_id, key, &parts, &mut mac) {
            return Err(AuthError::Invalid);
        }
        // Constant-time comparison.
        let diff = mac[..mac_len]
            .iter()
            .zip(hmac)
            .fold(0u8, |d, (a, b)| d | (a ^ b));
        if diff == 0 {
            Ok(())
        } else {
            Err(AuthError::Invalid)
        }
    }
}

/// Why an AUTH key operation on an association was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// The association does not use AUTH (Linux: EACCES).
    NotInUse,
    /// No such key, a deactivated one to activate, or the active one to delete or
    /// deactivate (Linux: EINVAL).
    Invalid,
}

impl Association {
    /// The association's endpoint pair shared keys and its AUTH state, when AUTH is in use
    /// (a key list never set starts with the empty key 0, RFC 4895 6.1).
    fn auth_keys(&mut self) -> Result<(&mut BTreeMap<u16, Vec<u8>>, &mut Auth), KeyError> {
        let auth = self.auth.as_deref_mut().ok_or(KeyError::NotInUse)?;
        let keys = &mut self.cfg.auth_keys;
        if keys.is_empty() {
            keys.insert(0, Vec::new());
        }
        Ok((keys, auth))
    }

    /// SCTP_AUTH_KEY on this association: adds or replaces endpoint pair shared key `id`
    /// (a replaced key is active again); the association key follows (RFC 4895 6.1).
    pub fn auth_set_key(&mut self, id: u16, key: &[u8]) -> Result<(), KeyError> {
        let (keys, auth) = self.auth_keys()?;
        keys.insert(id, key.to_vec());
        auth.deactivated.remove(&id);
        let active = auth.active_key;
        auth.set_endpoint_keys(keys, active);
        Ok(())
    }

    /// SCTP_AUTH_ACTIVE_KEY on this association: the key outgoing AUTH chunks use from now on.
    pub fn auth_activate_key(&mut self, id: u16) -> Result<(), KeyError> {
        let (keys, auth) = self.auth_keys()?;
        if !keys.contains_key(&id) || auth.deactivated.contains(&id) {
            return Err(KeyError::Invalid);
        }
        auth.active_key = id;
        self.cfg.auth_active_key = id;
        Ok(())
    }

    /// SCTP_AUTH_DELETE_KEY on this association (not the active key).
    pub fn auth_delete_key(&mut self, id: u16) -> Result<(), KeyError> {
        let (keys, auth) = self.auth_keys()?;
        if id == auth.active_key || keys.remove(&id).is_none() {
            return Err(KeyError::Invalid);
        }
        auth.deactivated.remove(&id);
        let active = auth.active_key;
        auth.set_endpoint_keys(keys, active);
        Ok(())
    }

    /// SCTP_AUTH_DEACTIVATE_KEY on this association (not the active key). Packets are signed
    /// when they are sent, so no queued chunk holds the key: it is free at once, which Linux
    /// reports with SCTP_AUTH_FREE_KEY.
    pub fn auth_deactivate_key(&mut self, id: u16) -> Result<(), KeyError> {
        let (keys, auth) = self.auth_keys()?;
        if id == auth.active_key || !keys.contains_key(&id) {
            return Err(KeyError::Invalid);
        }
        auth.deactivated.insert(id);
        self.push_event(Event::AuthKey {
            key_id: id,
            indication: AuthIndication::FreeKey,
        });
        Ok(())
    }

    /// SCTP_AUTH_ACTIVE_KEY of this association; `None` when it does not use AUTH.
    pub fn auth_active_key(&self) -> Option<u16> {
        self.auth.as_deref().map(Auth::active_key)
    }

    /// A valid AUTH chunk signed with shared key `id` (RFC 4895 6.3): Linux
    /// (`sctp_sf_eat_auth`) reports SCTP_AUTH_NEW_KEY whenever it is not our active key.
    pub(crate) fn on_peer_key(&mut self, id: u16) {
        if self.auth_active_key().is_some_and(|active| active != id) {
            self.push_event(Event::AuthKey {
                key_id: id,
                indication: AuthIndication::NewKey,
            });
        }
    }
}

/// Our three AUTH parameters for INIT / INIT ACK, from our key vector's parts.
pub fn local_params<'a>(random: &'a [u8], chunks: &ChunkSet, hmacs: &[u16]) -> [Param<'a>; 3] {
    [
        Param::Random(random),
        Param::ChunkList(chunks.types()),
        Param::RequestedHmacAlgorithms(hmacs.to_vec()),
    ]
}

/// The HMAC identifiers offered (RFC 4895 3.3): the configured list, else all we support.
pub fn offered_hmacs(configured: &[u16]) -> &[u16] {
    if configured.is_empty() {
        &SUPPORTED_HMACS
    } else {
        configured
    }
}

/// SCTP_HMAC_IDENT: a list is usable when every identifier is supported and SHA-1 is in it
/// (RFC 4895 6.1: SHA-1 MUST be supported by every endpoint, Linux enforces it).
pub fn valid_hmac_list(ids: &[u16]) -> bool {
    !ids.is_empty() && ids.contains(&HMAC_SHA1) && ids.iter().all(|i| SUPPORTED_HMACS.contains(i))
}

/// The chunk types we ask the peer to authenticate: ASCONF and ASCONF ACK (RFC 5061 6)
/// plus what the user added (SCTP_AUTH_CHUNK).
pub fn local_chunk_set(extra: &[u8]) -> ChunkSet {
    let mut s = ChunkSet::from_list(&ALWAYS_AUTHENTICATED);
    extra.iter().for_each(|t| s.insert(*t));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_order_as_numbers() {
        assert_eq!(compare_vectors(&[0, 0, 5], &[4]), Ordering::Greater);
        assert_eq!(compare_vectors(&[1, 0], &[0, 2, 0]), Ordering::Less);
        assert_eq!(compare_vectors(&[0, 7], &[7]), Ordering::Greater);
        let k = association_key(&[9], &[2], &[1]);
        assert_eq!(k, vec![9, 1, 2]);
    }

    #[test]
    fn key_vector_reads_back() {
        let v = key_vector(&[7; 32], &[0xC1, 0x80, 0], &[3, 1]);
        // Random 36, Chunk List 4 + 3 (unpadded), HMAC list 4 + 4.
        assert_eq!(v.len(), 36 + 7 + 8);
        let r = read_vector(&v);
        assert!(r.random && r.chunks.contains(0x80) && r.chunks.contains(0));
        assert_eq!(r.hmacs, vec![3, 1]);
    }

    #[test]
    fn sign_then_verify_and_tamper() {
        let keys = BTreeMap::new();
        let va = key_vector(&[1; 32], &[0xC1, 0x80, 0], &[1]);
        let vb = key_vector(&[2; 32], &[0xC1, 0x80], &[3, 1]);
        let a = Auth::new(va.clone(), vb.clone(), &keys, 0).unwrap();
        let b = Auth::new(vb, va, &keys, 0).unwrap();
        assert_eq!(a.send_hmac, HMAC_SHA256);
        assert_eq!(b.send_hmac, HMAC_SHA1);
        assert_eq!(a.keys, b.keys);
        // A packet from b: SACK-like chunk (type 3), then DATA (type 0) which a requires.
        let mut buf = vec![0u8; 12 + 8 + 20 + 64];
        buf[12..16].copy_from_slice(&[3, 0, 0, 8]);
        buf[20..24].copy_from_slice(&[0, 3, 0, 20]);
        let n = b.sign(&mut buf, 40);
        assert_eq!(n, 40 + 28);
        assert_eq!(buf[20], kind::AUTH);
        assert_eq!(buf[48], 0);
        let chunks = &buf[12..n];
        let hmac = &chunks[16..36];
        assert_eq!(a.verify(chunks, 8, 0, HMAC_SHA1, hmac), Ok(()));
        let mut bad = chunks.to_vec();
        bad[40] ^= 1;
        assert_eq!(
            a.verify(&bad, 8, 0, HMAC_SHA1, &bad[16..36]),
            Err(AuthError::Invalid)
        );
        assert_eq!(
            a.verify(chunks, 8, 0, 2, hmac),
            Err(AuthError::UnsupportedHmac(2))
        );
        assert_eq!(
            a.verify(chunks, 8, 5, HMAC_SHA1, hmac),
            Err(AuthError::Invalid)
        );
    }
}
