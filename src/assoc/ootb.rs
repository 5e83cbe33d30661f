//! Packets that match no association (RFC 9260 8.4): the stateless INIT answer (5.1 B),
//! COOKIE ECHO creating a TCB (5.1 D, 5.1.5), and the out-of-the-blue rules 2-8.

use std::time::Instant;

use super::association::{nonzero, Association};
use super::endpoint::{Endpoint, Origin};
use super::errors::OwnedCause;
use super::handshake::{
    build_init_ack, check_init, peer_params, write_single, InitAckInput, InitReject, Offer,
};
use super::shutdown::abort_packet;
use super::AssocId;
use crate::wire::chunk::{ErrorChunk, InitChunk};
use crate::wire::{Chunk, CommonHeader, ErrorCause, Packet};

/// What an out-of-the-blue packet asks for (8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OotbReply {
    Discard,
    /// Rule 5: SHUTDOWN COMPLETE with the T bit.
    ShutdownComplete,
    /// Rule 8: ABORT with the T bit.
    Abort,
}

/// RFC 9260 8.4 rules 2 and 5-8 for a packet that is neither INIT nor COOKIE ECHO.
pub(crate) fn classify_ootb(pkt: &Packet<'_>) -> OotbReply {
    let mut reply = OotbReply::Abort;
    for chunk in pkt.chunks() {
        match chunk {
            // Rule 2: never answer an ABORT; a malformed packet gets nothing either.
            Ok(Chunk::Abort(_)) | Err(_) => return OotbReply::Discard,
            // Rule 6 and 7.
            Ok(Chunk::ShutdownComplete { .. }) | Ok(Chunk::CookieAck) => return OotbReply::Discard,
            Ok(Chunk::Error(e))
                if e.causes
                    .iter()
                    .any(|c| matches!(c, ErrorCause::StaleCookie { .. })) =>
            {
                return OotbReply::Discard
            }
            // Rule 5.
            Ok(Chunk::ShutdownAck) => reply = OotbReply::ShutdownComplete,
            Ok(_) => {}
        }
    }
    reply
}

impl Endpoint {
    /// A packet from an unknown peer (8.4).
    pub(crate) fn on_ootb(
        &mut self,
        now: Instant,
        o: Origin,
        pkt: &Packet<'_>,
        new_id: &mut dyn FnMut() -> AssocId,
    ) {
        let mut chunks = pkt.chunks();
        let first = chunks.next();
        match first {
            // Rule 3 / 5.1 B: INIT alone, tag 0.
            Some(Ok(Chunk::Init(init))) => {
                if chunks.next().is_none() && pkt.header.verification_tag == 0 {
                    self.on_init_without_tcb(now, o, pkt, &init);
                }
            }
            // Rule 4 / 5.1 D.
            Some(Ok(Chunk::CookieEcho(c))) => {
                self.on_cookie_without_tcb(now, o, pkt, c.cookie, new_id)
            }
            _ => {
                let header = CommonHeader {
                    src_port: self.config.local_port,
                    dst_port: pkt.header.src_port,
                    verification_tag: pkt.header.verification_tag,
                };
                match classify_ootb(pkt) {
                    OotbReply::Discard => {}
                    OotbReply::ShutdownComplete => {
                        let p = write_single(header, &Chunk::ShutdownComplete { t_bit: true });
                        self.queue_reply(o, p);
                    }
                    OotbReply::Abort => {
                        let p = write_single(
                            header,
                            &Chunk::Abort(crate::wire::chunk::AbortChunk {
                                t_bit: true,
                                causes: Vec::new(),
                            }),
                        );
                        self.queue_reply(o, p);
                    }
                }
            }
        }
    }

    /// 5.1 B: answer an INIT with an INIT ACK carrying a cookie, keeping no state; or ABORT
    /// it when not listening or the accept queue is full (8.4 rule 3, as Linux).
    fn on_init_without_tcb(
        &mut self,
        now: Instant,
        o: Origin,
        pkt: &Packet<'_>,
        init: &InitChunk<'_>,
    ) {
        let params = peer_params(&init.params);
        let reject = match check_init(init, &params) {
            Err(r) => Some(r),
            Ok(()) if !self.admits_new() => Some(InitReject::Abort(None)),
            Ok(()) => None,
        };
        match reject {
            Some(InitReject::Discard) => {}
            Some(InitReject::Abort(cause)) => {
                let causes: Vec<OwnedCause> = cause.into_iter().collect();
                let p = abort_packet(
                    self.config.local_port,
                    pkt.header.src_port,
                    init.initiate_tag,
                    false,
                    &causes,
                );
                self.queue_reply(o, p);
            }
            None => {
                let offer = Offer {
                    local_tag: nonzero(&mut *self.rng),
                    local_tsn: self.rng.next_u32(),
                    local_tie_tag: 0,
                    peer_tie_tag: 0,
                };
                let inp = InitAckInput {
                    cfg: &self.config.assoc,
                    local: &self.local,
                    init,
                    params: &params,
                    from: o.from,
                    peer_port: pkt.header.src_port,
                    offer,
                };
                let p = build_init_ack(now, &mut self.signer, &mut *self.rng, &inp);
                self.queue_reply(o, p);
            }
        }
    }

    /// 5.1 D and 5.1.5: a valid COOKIE ECHO creates the association (ESTABLISHED, COOKIE
    /// ACK); a stale one gets a Stale Cookie ERROR; anything else is dropped.
    fn on_cookie_without_tcb(
        &mut self,
        now: Instant,
        o: Origin,
        pkt: &Packet<'_>,
        cookie: &[u8],
        new_id: &mut dyn FnMut() -> AssocId,
    ) {
        let Ok(v) = self.signer.verify(now, cookie) else {
            return;
        };
        let c = v.contents;
        if pkt.header.verification_tag != c.local_tag || c.peer_port != pkt.header.src_port {
            return;
        }
        // The peer may echo from another of its addresses than the INIT came from.
        if let Some(id) = c
            .peer_addrs
            .iter()
            .find_map(|a| self.find_assoc_by_peer(*a, c.peer_port))
        {
            self.deliver(now, id, o, pkt);
            return;
        }
        let header = CommonHeader {
            src_port: self.config.local_port,
            dst_port: pkt.header.src_port,
            verification_tag: c.peer_tag,
        };
        if let Some(staleness_us) = v.stale_us {
            let cause = OwnedCause::StaleCookie(staleness_us);
            let p = write_single(
                header,
                &Chunk::Error(ErrorChunk {
                    causes: vec![cause.as_cause()],
                }),
            );
            self.queue_reply(o, p);
            return;
        }
        if !self.admits_new() {
            let p = abort_packet(
                self.config.local_port,
                pkt.header.src_port,
                c.peer_tag,
                false,
                &[],
            );
            self.queue_reply(o, p);
            return;
        }
        let id = new_id();
        let assoc = Association::from_cookie(
            now,
            id,
            &self.config.assoc,
            self.local.clone(),
            &c,
            &mut *self.rng,
        );
        self.insert(assoc);
        self.unaccepted.insert(id);
        // The rest of the packet (DATA bundled after the COOKIE ECHO) goes through the TCB.
        self.deliver(now, id, o, pkt);
    }
}
