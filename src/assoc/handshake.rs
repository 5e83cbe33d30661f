//! Association setup (RFC 9260 5.1): INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, with their
//! parameters (5.1.2 addresses, Supported Address Types, Cookie Preservative, RFC 3758
//! Forward-TSN-Supported, RFC 5061 Supported Extensions and Adaptation Layer Indication) and
//! the handling of unrecognized parameters (3.2.1). T1-init / T1-cookie expiry lives here too.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::association::{Association, CloseReason, Local, Negotiated};
use super::auth::{self, Auth};
use super::cookie::{CookieContents, CookieSigner, MAX_PEER_ADDRS};
use super::errors::OwnedCause;
use super::paths::{usable_peer_addr, Paths};
use super::scope::{in_scope, AddrTypes};
use super::timer::backoff;
use super::{AssocConfig, AssocState, AuthIndication, Event, Rng};
use crate::wire::chunk::{kind, InitChunk};
use crate::wire::param::kind as pkind;
use crate::wire::UnrecognizedAction;
use crate::wire::{Chunk, CommonHeader, PacketWriter, Param};

/// Unrecognized parameters reported back are capped (a hostile INIT cannot make us send a
/// huge INIT ACK).
const MAX_UNRECOGNIZED_REPORT: usize = 512;

/// What a peer's INIT or INIT ACK says beyond its fixed fields.
#[derive(Debug, Default)]
pub(crate) struct PeerParams<'a> {
    pub addrs: Vec<IpAddr>,
    /// Supported Address Types (RFC 9260 5.1.2).
    pub types: AddrTypes,
    pub pr: bool,
    pub intl: bool,
    pub adaptation: Option<u32>,
    pub cookie_preservative: Option<u32>,
    pub cookie: Option<&'a [u8]>,
    pub host_name: Option<&'a [u8]>,
    /// Unrecognized parameter TLVs the peer wants reported (action 01 / 11).
    pub unrecognized: Vec<u8>,
    /// RFC 4895 6.1: the peer's key vector, when it sent all three AUTH parameters.
    pub auth_vector: Option<Vec<u8>>,
    /// RFC 5061 4.2.7: the peer lists ASCONF and ASCONF ACK in Supported Extensions.
    pub asconf: bool,
    /// RFC 6525 3.1 / RFC 5061 4.2.7: the peer lists RE-CONFIG.
    pub reconf: bool,
    /// RFC 9260 Appendix A: the peer sent ECN Capable.
    pub ecn: bool,
}

/// RFC 9260 3.3.2.1 / 3.2.1: reads the optional parameters of an INIT or INIT ACK.
///
/// 5.1.2: addresses of a type `local` does not support are ignored (an IPv4-only endpoint
/// offers only IPv4 in its Supported Address Types; peers such as usrsctp list their IPv6
/// addresses anyway, and Linux skips them on a PF_INET socket).
pub(crate) fn peer_params<'a>(params: &[Param<'a>], local: &Local) -> PeerParams<'a> {
    let local_v6 = local.addrs.iter().any(IpAddr::is_ipv6);
    let mut p = PeerParams::default();
    for param in params {
        match param {
            Param::Address(a)
                if usable_peer_addr(*a)
                    && (local_v6 || a.is_ipv4())
                    && p.addrs.len() < MAX_PEER_ADDRS
                    && !p.addrs.contains(a) =>
            {
                p.addrs.push(*a);
            }
            Param::SupportedAddressTypes(t) => p.types = AddrTypes::from_list(t),
            Param::StateCookie(c) => p.cookie = Some(c),
            Param::CookiePreservative(ms) => p.cookie_preservative = Some(*ms),
            Param::HostNameAddress(h) => p.host_name = Some(h),
            Param::ForwardTsnSupported => p.pr = true,
            Param::EcnCapable => p.ecn = true,
            Param::SupportedExtensions(list) => {
                p.pr |= list.contains(&kind::FORWARD_TSN);
                p.intl |= list.contains(&kind::I_DATA);
                p.asconf |= list.contains(&kind::ASCONF) && list.contains(&kind::ASCONF_ACK);
                p.reconf |= list.contains(&kind::RE_CONFIG);
            }
            Param::AdaptationLayerIndication(v) => p.adaptation = Some(*v),
            Param::Unknown { param_type, value } => {
                let action = UnrecognizedAction::of_param_type(*param_type);
                if action.reports()
                    && p.unrecognized.len() + 4 + value.len() <= MAX_UNRECOGNIZED_REPORT
                {
                    let len = (4 + value.len()) as u16;
                    p.unrecognized.extend_from_slice(&param_type.to_be_bytes());
                    p.unrecognized.extend_from_slice(&len.to_be_bytes());
                    p.unrecognized.extend_from_slice(value);
                    p.unrecognized
                        .resize(p.unrecognized.len().next_multiple_of(4), 0);
                }
                if action.stops() {
                    break;
                }
            }
            // Known parameters of extensions negotiated elsewhere (AUTH) are ignored here.
            _ => {}
        }
    }
    p.auth_vector = super::auth::peer_vector(params);
    p
}

/// Why an INIT is not answered with an INIT ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InitReject {
    /// Silently discarded (RFC 9260 3.3.2: Initiate Tag 0).
    Discard,
    /// Answered with ABORT carrying this cause, tagged with the INIT's Initiate Tag.
    Abort(Option<OwnedCause>),
}

/// RFC 9260 3.3.2 and 5.1.2: mandatory field checks of a received INIT.
pub(crate) fn check_init(init: &InitChunk<'_>, params: &PeerParams<'_>) -> Result<(), InitReject> {
    if init.initiate_tag == 0 {
        return Err(InitReject::Discard);
    }
    if init.num_outbound_streams == 0 || init.num_inbound_streams == 0 {
        return Err(InitReject::Abort(Some(OwnedCause::InvalidMandatoryParam)));
    }
    if let Some(h) = params.host_name {
        // 5.1.2: we do not resolve host names.
        let mut tlv = Vec::with_capacity(4 + h.len());
        tlv.extend_from_slice(&pkind::HOST_NAME_ADDRESS.to_be_bytes());
        tlv.extend_from_slice(&((4 + h.len()).min(u16::MAX as usize) as u16).to_be_bytes());
        tlv.extend_from_slice(h);
        return Err(InitReject::Abort(Some(OwnedCause::UnresolvableAddress(
            tlv,
        ))));
    }
    Ok(())
}

/// The tags and TSN our INIT ACK offers (5.1: fresh ones; 5.2.1: those of our own INIT;
/// 5.2.2: fresh tag plus tie-tags).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offer {
    pub local_tag: u32,
    pub local_tsn: u32,
    pub local_tie_tag: u32,
    pub peer_tie_tag: u32,
}

/// Everything needed to answer an INIT.
pub(crate) struct InitAckInput<'a, 'p> {
    pub cfg: &'a AssocConfig,
    pub local: &'a Local,
    pub init: &'a InitChunk<'p>,
    pub params: &'a PeerParams<'p>,
    pub from: IpAddr,
    pub peer_port: u16,
    pub offer: Offer,
}

/// RFC 9260 5.1 B: builds the INIT ACK packet (with its State Cookie, 5.1.3) into a new
/// buffer. The packet's tag is the INIT's Initiate Tag.
pub(crate) fn build_init_ack(
    now: Instant,
    signer: &mut CookieSigner,
    rng: &mut dyn Rng,
    inp: &InitAckInput<'_, '_>,
) -> Vec<u8> {
    let cfg = inp.cfg;
    let init = inp.init;
    let mut peer_addrs = vec![inp.from];
    let ours = AddrTypes::of_local(&inp.local.addrs);
    peer_addrs.extend(
        inp.params
            .addrs
            .iter()
            .copied()
            .filter(|a| *a != inp.from && ours.allows(*a)),
    );
    let mut random = [0u8; auth::RANDOM_LEN];
    let auth_vectors = match &inp.params.auth_vector {
        Some(peer) if cfg.auth_supported => {
            rng.fill(&mut random);
            Some((local_auth_vector(cfg, &random), peer.clone()))
        }
        _ => None,
    };
    let asconf = auth_vectors.is_some() && cfg.asconf_supported && inp.params.asconf;
    let contents = CookieContents {
        local_tag: inp.offer.local_tag,
        peer_tag: init.initiate_tag,
        local_tsn: inp.offer.local_tsn,
        peer_tsn: init.initial_tsn,
        peer_rwnd: init.a_rwnd,
        outbound_streams: cfg.outbound_streams.min(init.num_inbound_streams),
        inbound_streams: init.num_outbound_streams.min(cfg.max_inbound_streams),
        pr: cfg.pr_supported && inp.params.pr,
        intl: cfg.intl_supported && inp.params.intl,
        peer_adaptation: inp.params.adaptation,
        local_tie_tag: inp.offer.local_tie_tag,
        peer_tie_tag: inp.offer.peer_tie_tag,
        peer_port: inp.peer_port,
        peer_addrs,
        auth_vectors: auth_vectors.clone(),
        asconf,
        reconf: cfg.reconfig_supported && inp.params.reconf,
        ecn: cfg.ecn_supported && inp.params.ecn,
    };
    // 5.1.3: honour a Cookie Preservative, within what the signing key allows.
    let extra = Duration::from_millis(inp.params.cookie_preservative.unwrap_or(0) as u64);
    let life = (cfg.valid_cookie_life + extra).min(signer.max_lifetime());
    let mut cookie = Vec::with_capacity(128);
    signer.sign(now, rng, &contents, life, &mut cookie);

    let mut params = local_params(cfg, inp.local, inp.from, inp.params.types);
    let chunks = auth::local_chunk_set(&cfg.auth_chunks);
    if auth_vectors.is_some() {
        let hmacs = auth::offered_hmacs(&cfg.auth_hmacs);
        params.extend(auth::local_params(&random, &chunks, hmacs));
    }
    params.push(Param::StateCookie(&cookie));
    if !inp.params.unrecognized.is_empty() {
        params.push(Param::UnrecognizedParameter(&inp.params.unrecognized));
    }
    let chunk = Chunk::InitAck(InitChunk {
        initiate_tag: inp.offer.local_tag,
        a_rwnd: cfg.rcvbuf,
        num_outbound_streams: cfg.outbound_streams,
        num_inbound_streams: cfg.max_inbound_streams,
        initial_tsn: inp.offer.local_tsn,
        params,
    });
    let header = CommonHeader {
        src_port: inp.local.port,
        dst_port: inp.peer_port,
        verification_tag: init.initiate_tag,
    };
    write_single(header, &chunk)
}

/// RFC 4895 6.1: our key vector for `random` (chunk list from the configuration, every HMAC
/// we support).
pub(crate) fn local_auth_vector(cfg: &AssocConfig, random: &[u8]) -> Vec<u8> {
    let chunks = auth::local_chunk_set(&cfg.auth_chunks).types();
    auth::key_vector(random, &chunks, auth::offered_hmacs(&cfg.auth_hmacs))
}

/// One chunk in its own packet, in a new exactly sized buffer (setup and OOTB replies).
pub(crate) fn write_single(header: CommonHeader, chunk: &Chunk<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 12 + chunk.encoded_len()];
    let mut w = PacketWriter::new(&mut buf, header);
    let added = w.try_add(chunk);
    debug_assert!(added);
    let len = w.finish();
    buf.truncate(len);
    buf
}

/// Parameters both INIT and INIT ACK carry: our addresses (5.1.2: those in the scope of the
/// peer's address `peer` and of a type it supports, `peer_types`), Supported Address Types,
/// ECN Capable (RFC 9260 Appendix A), Forward-TSN-Supported (RFC 3758), Supported Extensions
/// (RFC 5061 4.2.7) and the Adaptation Layer Indication.
pub(crate) fn local_params(
    cfg: &AssocConfig,
    local: &Local,
    peer: IpAddr,
    peer_types: AddrTypes,
) -> Vec<Param<'static>> {
    let mut params: Vec<Param<'static>> = Vec::new();
    let listed: Vec<IpAddr> = local
        .addrs
        .iter()
        .copied()
        .filter(|a| usable_peer_addr(*a) && in_scope(*a, peer) && peer_types.allows(*a))
        .collect();
    if listed.len() > 1 {
        params.extend(listed.iter().map(|a| Param::Address(*a)));
    }
    let mut types = vec![pkind::IPV4_ADDRESS];
    if local.addrs.iter().any(IpAddr::is_ipv6) {
        types.push(pkind::IPV6_ADDRESS);
    }
    params.push(Param::SupportedAddressTypes(types));
    if cfg.ecn_supported {
        params.push(Param::EcnCapable);
    }
    let mut ext = Vec::new();
    if cfg.pr_supported {
        params.push(Param::ForwardTsnSupported);
        ext.push(kind::FORWARD_TSN);
    }
    if cfg.intl_supported {
        ext.push(kind::I_DATA);
        if cfg.pr_supported {
            ext.push(kind::I_FORWARD_TSN);
        }
    }
    if cfg.reconfig_supported {
        ext.push(kind::RE_CONFIG);
    }
    if cfg.auth_supported {
        ext.push(kind::AUTH);
        if cfg.asconf_supported {
            ext.extend([kind::ASCONF, kind::ASCONF_ACK]);
        }
    }
    if !ext.is_empty() {
        params.push(Param::SupportedExtensions(ext));
    }
    if let Some(ind) = cfg.adaptation_indication {
        params.push(Param::AdaptationLayerIndication(ind));
    }
    params
}

impl Association {
    /// RFC 9260 5.1 A: the ASSOCIATE primitive: COOKIE-WAIT, INIT out, T1-init started.
    pub(crate) fn start_connect(&mut self, now: Instant) {
        self.last_now = Some(now);
        self.state = AssocState::CookieWait;
        self.pending.init = true;
        self.hs.retransmits = 0;
        self.hs
            .t1
            .start(now, self.cfg.rto_initial.min(self.cfg.rto_max));
    }

    /// The INIT chunk of this association (5.1 A; resent unchanged on T1-init expiry).
    pub(crate) fn init_chunk(&self) -> Chunk<'_> {
        let mut params: Vec<Param<'_>> =
            local_params(&self.cfg, &self.local, self.primary(), AddrTypes::default());
        if self.cfg.auth_supported {
            let chunks = auth::local_chunk_set(&self.cfg.auth_chunks);
            let hmacs = auth::offered_hmacs(&self.cfg.auth_hmacs);
            params.extend(auth::local_params(&self.auth_random, &chunks, hmacs));
        }
        if let Some(ms) = self.hs.preservative {
            params.push(Param::CookiePreservative(ms));
        }
        Chunk::Init(InitChunk {
            initiate_tag: self.local_tag,
            a_rwnd: self.cfg.rcvbuf,
            num_outbound_streams: self.cfg.outbound_streams,
            num_inbound_streams: self.cfg.max_inbound_streams,
            initial_tsn: self.local_tsn,
            params,
        })
    }

    /// RFC 9260 5.1 C: INIT ACK in COOKIE-WAIT. Other states discard it (5.2.3).
    pub(crate) fn on_init_ack(&mut self, now: Instant, from: IpAddr, ack: &InitChunk<'_>) -> bool {
        if self.state != AssocState::CookieWait {
            return true;
        }
        let params = peer_params(&ack.params, &self.local);
        let cookie = match params.cookie {
            Some(c)
                if ack.initiate_tag != 0
                    && ack.num_outbound_streams != 0
                    && ack.num_inbound_streams != 0 =>
            {
                c
            }
            // 3.3.3: a zero tag or stream count, or no cookie: the setup fails.
            _ => {
                self.peer_tag = ack.initiate_tag;
                self.abort_with(OwnedCause::InvalidMandatoryParam);
                return false;
            }
        };
        if !params.unrecognized.is_empty() {
            // 3.2.1: reported in an ERROR bundled with the COOKIE ECHO.
            self.queue_error(OwnedCause::UnrecognizedParams(params.unrecognized.clone()));
        }
        self.peer_tag = ack.initiate_tag;
        self.hs.cookie.clear();
        self.hs.cookie.extend_from_slice(cookie);
        let ours = AddrTypes::of_local(&self.local.addrs);
        let listed: Vec<IpAddr> = params
            .addrs
            .iter()
            .copied()
            .filter(|a| ours.allows(*a))
            .collect();
        self.paths = Paths::new(from, &listed, &self.cfg, ack.a_rwnd);
        self.addrs_changed = true;
        self.setup_data(
            ack.initial_tsn,
            Negotiated {
                outbound_streams: self.cfg.outbound_streams.min(ack.num_inbound_streams),
                inbound_streams: ack.num_outbound_streams.min(self.cfg.max_inbound_streams),
                pr: self.cfg.pr_supported && params.pr,
                intl: self.cfg.intl_supported && params.intl,
                reconf: self.cfg.reconfig_supported && params.reconf,
                ecn: self.cfg.ecn_supported && params.ecn,
                peer_rwnd: ack.a_rwnd,
            },
        );
        self.peer_adaptation = params.adaptation;
        self.auth = match params.auth_vector {
            Some(peer) if self.cfg.auth_supported => {
                let local = local_auth_vector(&self.cfg, &self.auth_random);
                let (keys, active) = (&self.cfg.auth_keys, self.cfg.auth_active_key);
                Auth::new(local, peer, keys, active).map(Box::new)
            }
            _ => None,
        };
        self.asconf_on = self.auth.is_some() && self.cfg.asconf_supported && params.asconf;
        self.state = AssocState::CookieEchoed;
        self.pending.init = false;
        self.pending.cookie_echo = true;
        self.hs.retransmits = 0;
        let rto = self.paths.list[0].rto.rto();
        self.hs.t1.start(now, rto);
        true
    }

    /// RFC 9260 5.1 E: COOKIE ACK in COOKIE-ECHOED; elsewhere discarded (5.2.5).
    pub(crate) fn on_cookie_ack(&mut self, now: Instant) {
        if self.state != AssocState::CookieEchoed {
            return;
        }
        self.hs.t1.stop();
        self.hs.cookie = Vec::new();
        self.pending.cookie_echo = false;
        self.enter_established(now);
    }

    /// ESTABLISHED: COMM_UP (then the peer's adaptation indication and, without AUTH,
    /// SCTP_AUTH_NO_AUTH, as Linux orders them), heartbeats start.
    pub(crate) fn enter_established(&mut self, now: Instant) {
        self.last_now = Some(now);
        self.state = AssocState::Established;
        self.push_event(Event::Connected {
            outbound_streams: self.neg.outbound_streams,
            inbound_streams: self.neg.inbound_streams,
        });
        if let Some(ind) = self.peer_adaptation {
            self.push_event(Event::AdaptationIndication(ind));
        }
        if self.auth.is_none() {
            // Linux follows with SCTP_AUTH_NO_AUTH when AUTH (RFC 4895) is not in use.
            self.push_event(Event::AuthKey {
                key_id: 0,
                indication: AuthIndication::NoAuth,
            });
        }
        self.arm_heartbeats(now);
    }

    /// Builds a TCB straight from a valid cookie (5.1 D, no existing association).
    pub(crate) fn from_cookie(
        now: Instant,
        id: super::AssocId,
        cfg: &AssocConfig,
        local: Local,
        c: &CookieContents,
        rng: &mut dyn Rng,
    ) -> Association {
        let first = c
            .peer_addrs
            .first()
            .copied()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let paths = Paths::new(
            first,
            c.peer_addrs.get(1..).unwrap_or(&[]),
            cfg,
            c.peer_rwnd,
        );
        let mut a = Association::new(id, cfg, local, c.peer_port, paths, rng);
        a.adopt_cookie(c);
        a.pending.cookie_ack = true;
        a.enter_established(now);
        a
    }

    /// Takes tags, TSNs and negotiated values from a cookie (5.1 D, 5.2.4 A and B).
    pub(crate) fn adopt_cookie(&mut self, c: &CookieContents) {
        self.local_tag = c.local_tag;
        self.peer_tag = c.peer_tag;
        self.local_tsn = c.local_tsn;
        self.peer_adaptation = c.peer_adaptation;
        self.auth = c.auth_vectors.as_ref().and_then(|(local, peer)| {
            let (keys, active) = (&self.cfg.auth_keys, self.cfg.auth_active_key);
            Auth::new(local.clone(), peer.clone(), keys, active).map(Box::new)
        });
        self.asconf_on = self.auth.is_some() && c.asconf;
        self.setup_data(
            c.peer_tsn,
            Negotiated {
                outbound_streams: c.outbound_streams,
                inbound_streams: c.inbound_streams,
                pr: c.pr,
                intl: c.intl,
                reconf: c.reconf,
                ecn: c.ecn,
                peer_rwnd: c.peer_rwnd,
            },
        );
    }

    /// T1-init / T1-cookie expiry (5.1 A/C, 5.1.6): retransmit with a doubled timer up to
    /// Max.Init.Retransmits, then report CantStart.
    pub(crate) fn on_t1_expiry(&mut self, now: Instant) {
        if !matches!(
            self.state,
            AssocState::CookieWait | AssocState::CookieEchoed
        ) {
            return;
        }
        self.hs.retransmits += 1;
        if self.hs.retransmits > self.cfg.max_init_retransmits {
            self.fail(
                CloseReason::Timeout,
                Event::CantStart {
                    error: 0,
                    causes: Vec::new(),
                },
            );
            return;
        }
        let base = if self.state == AssocState::CookieWait {
            // Linux tries the next peer address on each INIT retransmission.
            self.paths.primary = self.hs.retransmits as usize % self.paths.list.len();
            self.pending.init = true;
            self.cfg.rto_initial
        } else {
            self.pending.cookie_echo = true;
            self.paths.list[self.paths.primary].rto.rto()
        };
        self.hs.t1.start(
            now,
            backoff(base, self.hs.retransmits, self.cfg.max_init_timeo),
        );
    }

    /// An ICMP unreachable quoting our INIT (see `Endpoint::handle_unreachable`): the setup
    /// fails as if the peer had ABORTed it.
    pub(crate) fn on_unreachable(&mut self, _now: Instant, init_tag: u32) {
        if self.state == AssocState::CookieWait && init_tag == self.local_tag {
            self.fail(
                CloseReason::AbortReceived,
                Event::CantStart {
                    error: 0,
                    causes: Vec::new(),
                },
            );
        }
    }

    /// RFC 9260 5.2.6: a Stale Cookie error in COOKIE-ECHOED: start over with a new INIT
    /// carrying a Cookie Preservative of twice the staleness, within Max.Init.Retransmits.
    pub(crate) fn on_stale_cookie(&mut self, now: Instant, staleness_us: u32) {
        self.hs.retransmits += 1;
        if self.hs.retransmits > self.cfg.max_init_retransmits {
            let cause = OwnedCause::StaleCookie(staleness_us);
            self.fail(
                CloseReason::Timeout,
                Event::CantStart {
                    error: cause.code(),
                    causes: cause.to_bytes(),
                },
            );
            return;
        }
        let ms = (staleness_us / 1000).saturating_mul(2).max(1);
        self.hs.preservative = Some(ms);
        self.state = AssocState::CookieWait;
        self.peer_tag = 0;
        self.pending.cookie_echo = false;
        self.pending.init = true;
        self.hs
            .t1
            .start(now, self.cfg.rto_initial.min(self.cfg.rto_max));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_addresses_of_unsupported_families_are_ignored() {
        let v4: IpAddr = "10.0.0.2".parse().unwrap();
        let v6: IpAddr = "fd00::2".parse().unwrap();
        let params = [Param::Address(v6), Param::Address(v4)];
        let local = |a: &str| Local {
            port: 5000,
            addrs: vec![a.parse().unwrap()],
        };
        // An IPv4 socket (wildcard or specific) offers only IPv4 (5.1.2).
        assert_eq!(peer_params(&params, &local("0.0.0.0")).addrs, vec![v4]);
        assert_eq!(peer_params(&params, &local("10.0.0.1")).addrs, vec![v4]);
        // An IPv6 socket takes both.
        assert_eq!(peer_params(&params, &local("::")).addrs, vec![v6, v4]);
    }
}
