//! A received packet for an existing association: the verification tag rules (RFC 9260 8.5,
//! 8.5.1), learning the peer's UDP port (RFC 6951 5.4), then each chunk to its procedure.

use std::net::IpAddr;
use std::time::Instant;

use super::association::Association;
use super::auth::AuthError;
use super::cookie::CookieSigner;
use super::data::RxPacket;
use super::endpoint::Origin;
use super::errors::OwnedCause;
use super::handshake::write_single;
use super::AssocState;
use crate::wire::{Chunk, CommonHeader, Packet};

/// What the AUTH rules say about one received chunk.
enum AuthVerdict {
    Process,
    Skip,
    Discard,
}

impl Association {
    /// Processes one packet (CRC already checked) that the endpoint matched to this
    /// association by address and port.
    pub(crate) fn handle_packet(
        &mut self,
        now: Instant,
        signer: &mut CookieSigner,
        o: Origin,
        pkt: &Packet<'_>,
    ) {
        let Origin {
            local,
            from,
            udp_port,
            ce,
        } = o;
        if self.state == AssocState::Closed {
            return;
        }
        self.add_burst_credit();
        self.last_now = Some(now);
        let vtag = pkt.header.verification_tag;
        let mut chunks = pkt.chunks();
        let Some(Ok(first)) = chunks.next() else {
            return;
        };
        let accepted = match &first {
            // 8.5.1 A: INIT carries tag 0 and travels alone (6.10).
            Chunk::Init(_) => vtag == 0 && chunks.next().is_none(),
            // 8.5.1 B / C: our tag, or the peer's with the T bit.
            Chunk::Abort(a) => self.tag_matches(vtag, a.t_bit),
            Chunk::ShutdownComplete { t_bit } => self.tag_matches(vtag, *t_bit),
            // 8.5.1 D: checked against the cookie (5.2.4).
            Chunk::CookieEcho(_) => true,
            // 8.5.1 E: SHUTDOWN ACK before the peer knows us: answer as if out of the blue.
            Chunk::ShutdownAck
                if matches!(
                    self.state,
                    AssocState::CookieWait | AssocState::CookieEchoed
                ) =>
            {
                let header = CommonHeader {
                    src_port: self.local.port,
                    dst_port: self.peer_port,
                    verification_tag: vtag,
                };
                let pkt = write_single(header, &Chunk::ShutdownComplete { t_bit: true });
                self.pending.push_raw(from, pkt);
                return;
            }
            _ => vtag == self.local_tag,
        };
        if !accepted {
            return;
        }
        self.stats.on_packet_in();
        // RFC 6951 5.4: after the tag check, the source port is the one to use.
        if let Some(p) = self.paths.find(from) {
            self.paths.list[p].udp_port = Some(udp_port);
            // The local address this peer address reaches us on is our source toward it.
            self.paths.list[p].local = Some(local);
        }
        let was_readable = self.reassembly.has_message();
        let mut rxp = RxPacket::default();
        let mut authenticated = false;
        for raw in pkt.raw_chunks() {
            let Ok(chunk) = raw.and_then(|r| r.parse().map(|c| (r.offset, c))) else {
                break;
            };
            let (offset, chunk) = chunk;
            match self.check_auth(pkt.chunk_bytes, offset, &chunk, &mut authenticated) {
                AuthVerdict::Process => {}
                AuthVerdict::Skip => continue,
                AuthVerdict::Discard => break,
            }
            self.stats
                .on_chunk_in(matches!(chunk, Chunk::Data(_) | Chunk::IData(_)));
            if !self.handle_chunk(now, signer, from, vtag, chunk, &mut rxp) {
                break;
            }
            if self.state == AssocState::Closed {
                break;
            }
        }
        if self.state != AssocState::Closed {
            if let Some(t) = rxp.lowest_tsn.filter(|_| ce) {
                self.on_ce(t);
            }
            self.after_data_packet(now, &rxp, was_readable);
        }
    }

    /// RFC 4895 6.3: an AUTH chunk is verified (the chunks after a valid one are
    /// authenticated; after an invalid one the rest of the packet is discarded, with an
    /// Unsupported HMAC Identifier error when that was the reason); a chunk we require
    /// authenticated that comes without a valid AUTH before it is skipped.
    fn check_auth(
        &mut self,
        chunk_bytes: &[u8],
        offset: usize,
        chunk: &Chunk<'_>,
        authenticated: &mut bool,
    ) -> AuthVerdict {
        let Some(auth) = &self.auth else {
            return AuthVerdict::Process;
        };
        if let Chunk::Auth(a) = chunk {
            return match auth.verify(chunk_bytes, offset, a.shared_key_id, a.hmac_id, a.hmac) {
                Ok(()) => {
                    *authenticated = true;
                    self.on_peer_key(a.shared_key_id);
                    AuthVerdict::Skip
                }
                Err(AuthError::UnsupportedHmac(id)) => {
                    self.queue_error(OwnedCause::UnsupportedHmacId(id));
                    AuthVerdict::Discard
                }
                Err(AuthError::Invalid) => AuthVerdict::Discard,
            };
        }
        if !*authenticated && auth.we_require(chunk.chunk_type()) {
            tracing::debug!(chunk = chunk.chunk_type(), "unauthenticated chunk dropped");
            return AuthVerdict::Skip;
        }
        AuthVerdict::Process
    }

    fn tag_matches(&self, vtag: u32, t_bit: bool) -> bool {
        if t_bit {
            self.peer_tag != 0 && vtag == self.peer_tag
        } else {
            vtag == self.local_tag
        }
    }

    /// One chunk to its procedure. Returns false when the rest of the packet is discarded.
    fn handle_chunk(
        &mut self,
        now: Instant,
        signer: &mut CookieSigner,
        from: IpAddr,
        vtag: u32,
        chunk: Chunk<'_>,
        rxp: &mut RxPacket,
    ) -> bool {
        match chunk {
            Chunk::Data(d) => self.on_data(now, from, &d, false, rxp),
            Chunk::IData(d) => self.on_data(now, from, &d, true, rxp),
            Chunk::Sack(s) => self.on_sack(now, &s),
            Chunk::Heartbeat(h) => {
                self.on_heartbeat(from, h.info);
                true
            }
            Chunk::HeartbeatAck(h) => {
                self.on_heartbeat_ack(now, h.info);
                true
            }
            Chunk::Abort(a) => {
                self.on_abort(&a.causes);
                false
            }
            Chunk::Shutdown(s) => {
                self.on_shutdown(now, s.cum_tsn_ack);
                true
            }
            Chunk::ShutdownAck => {
                self.on_shutdown_ack();
                true
            }
            Chunk::ShutdownComplete { .. } => {
                self.on_shutdown_complete();
                false
            }
            Chunk::Error(e) => {
                self.on_error_chunk(now, &e.causes);
                true
            }
            Chunk::CookieEcho(c) => self.on_cookie_echo(now, signer, vtag, c.cookie),
            Chunk::CookieAck => {
                self.on_cookie_ack(now);
                true
            }
            Chunk::Init(init) => {
                self.on_init(now, signer, from, &init);
                false
            }
            Chunk::InitAck(ack) => self.on_init_ack(now, from, &ack),
            Chunk::ForwardTsn(f) if self.neg.pr => {
                self.on_forward_tsn(now, &f, false);
                true
            }
            Chunk::IForwardTsn(f) if self.neg.pr => {
                self.on_forward_tsn(now, &f, true);
                true
            }
            Chunk::Asconf(c) if self.asconf_on => {
                self.on_asconf(now, from, &c);
                true
            }
            Chunk::AsconfAck(c) if self.asconf_on => {
                self.on_asconf_ack(&c);
                true
            }
            Chunk::ReConfig(c) if self.neg.reconf => {
                self.on_reconf(now, from, &c);
                true
            }
            Chunk::Ecne { lowest_tsn } if self.neg.ecn => {
                self.on_ecne(lowest_tsn);
                true
            }
            Chunk::Cwr { lowest_tsn } if self.neg.ecn => {
                self.on_cwr(lowest_tsn);
                true
            }
            Chunk::Pad(_) => true,
            Chunk::Unknown {
                chunk_type,
                flags,
                value,
            } => self.on_unrecognized_chunk(chunk_type, flags, value),
            // Extensions not negotiated on this association (AUTH, ASCONF, RE-CONFIG, PR-SCTP,
            // ECN): handled by their type's action bits like an unknown chunk (3.2).
            other => {
                let mut raw = vec![0u8; other.encoded_len()];
                let n = other.encode(&mut raw);
                let value = raw.get(4..n.max(4)).unwrap_or(&[]);
                let value = value.to_vec();
                self.on_unrecognized_chunk(other.chunk_type(), other.flags(), &value)
            }
        }
    }
}
