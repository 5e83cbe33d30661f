//! Unexpected setup chunks for an existing association (RFC 9260 5.2): INIT in COOKIE-WAIT /
//! COOKIE-ECHOED (5.2.1), unexpected INIT in other states with tie-tags (5.2.2), duplicate
//! COOKIE ECHO cases A-D (5.2.4). 5.2.3 (unexpected INIT ACK) and 5.2.5 (duplicate COOKIE
//! ACK) are plain discards in `handshake`; 5.2.6 (stale cookie error) is there too.

use std::net::IpAddr;
use std::time::Instant;

use super::association::{nonzero, Association};
use super::cookie::{CookieContents, CookieSigner};
use super::errors::OwnedCause;
use super::handshake::{build_init_ack, check_init, peer_params, InitAckInput, InitReject, Offer};
use super::shutdown::abort_packet;
use super::{AssocState, Event, Rng};
use crate::wire::chunk::InitChunk;
use crate::wire::param::kind as pkind;

/// Which of the 5.2.4 cases a COOKIE ECHO falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CookieCase {
    /// Peer restarted: both tags new, tie-tags match ours.
    A,
    /// Our tag matches, the peer's is new: setup collision.
    B,
    /// The peer's tag matches, ours does not and no tie-tags: a late cookie, discard.
    C,
    /// Both match: a duplicate (our COOKIE ACK was lost).
    D,
    /// None of the above: discard.
    Discard,
}

/// RFC 9260 5.2.4 table 18.
pub(crate) fn classify(c: &CookieContents, local_tag: u32, peer_tag: u32) -> CookieCase {
    let my = c.local_tag == local_tag;
    let peer = c.peer_tag == peer_tag;
    let ties = c.local_tie_tag == local_tag && c.peer_tie_tag == peer_tag;
    match (my, peer) {
        (false, false) if ties => CookieCase::A,
        (true, false) => CookieCase::B,
        (false, true) if c.local_tie_tag == 0 && c.peer_tie_tag == 0 => CookieCase::C,
        (true, true) => CookieCase::D,
        _ => CookieCase::Discard,
    }
}

impl Association {
    /// RFC 9260 5.2.1 / 5.2.2 (and 9.2 in SHUTDOWN-ACK-SENT): an INIT for an existing
    /// association.
    pub(crate) fn on_init(
        &mut self,
        now: Instant,
        signer: &mut CookieSigner,
        from: IpAddr,
        init: &InitChunk<'_>,
    ) {
        let params = peer_params(&init.params, &self.local);
        match check_init(init, &params) {
            Ok(()) => {}
            Err(InitReject::Discard) => return,
            Err(InitReject::Abort(cause)) => {
                let causes: Vec<OwnedCause> = cause.into_iter().collect();
                let pkt = abort_packet(
                    self.local.port,
                    self.peer_port,
                    init.initiate_tag,
                    false,
                    &causes,
                );
                self.pending.push_raw(from, pkt);
                return;
            }
        }
        let offer = match self.state {
            AssocState::Closed => return,
            // 9.2: the SHUTDOWN COMPLETE was probably lost: repeat the SHUTDOWN ACK.
            AssocState::ShutdownAckSent => {
                self.pending.shutdown_ack = true;
                return;
            }
            // 5.2.1: answer with the parameters of our own INIT.
            AssocState::CookieWait => Offer {
                local_tag: self.local_tag,
                local_tsn: self.local_tsn,
                local_tie_tag: self.local_tag,
                peer_tie_tag: 0,
            },
            AssocState::CookieEchoed => Offer {
                local_tag: self.local_tag,
                local_tsn: self.local_tsn,
                local_tie_tag: self.local_tag,
                peer_tie_tag: self.peer_tag,
            },
            // 5.2.2: a fresh tag, our current tags as tie-tags.
            _ => {
                let new_addr = std::iter::once(from)
                    .chain(params.addrs.iter().copied())
                    .find(|a| self.paths.find(*a).is_none());
                if let Some(a) = new_addr {
                    // 5.2.2: an INIT adding addresses to a live association is refused.
                    let cause = OwnedCause::RestartWithNewAddresses(address_tlv(a));
                    let pkt = abort_packet(
                        self.local.port,
                        self.peer_port,
                        init.initiate_tag,
                        false,
                        &[cause],
                    );
                    self.pending.push_raw(from, pkt);
                    return;
                }
                Offer {
                    local_tag: nonzero(&mut self.rng),
                    local_tsn: self.rng.next_u32(),
                    local_tie_tag: self.local_tag,
                    peer_tie_tag: self.peer_tag,
                }
            }
        };
        let inp = InitAckInput {
            cfg: &self.cfg,
            local: &self.local,
            init,
            params: &params,
            from,
            peer_port: self.peer_port,
            offer,
        };
        let pkt = build_init_ack(now, signer, &mut self.rng, &inp);
        self.pending.push_raw(from, pkt);
    }

    /// RFC 9260 5.2.4: a COOKIE ECHO for an existing association. Returns whether the rest
    /// of the packet may be processed (its tag is ours after this).
    pub(crate) fn on_cookie_echo(
        &mut self,
        now: Instant,
        signer: &mut CookieSigner,
        packet_tag: u32,
        cookie: &[u8],
    ) -> bool {
        let Ok(v) = signer.verify(now, cookie) else {
            return false;
        };
        let c = v.contents;
        if c.local_tag != packet_tag {
            return false;
        }
        match classify(&c, self.local_tag, self.peer_tag) {
            CookieCase::A => self.restart_from_cookie(now, &c),
            CookieCase::B => {
                self.adopt_cookie(&c);
                self.hs.t1.stop();
                self.pending.init = false;
                self.pending.cookie_echo = false;
                if matches!(
                    self.state,
                    AssocState::CookieWait | AssocState::CookieEchoed
                ) {
                    self.enter_established(now);
                }
                self.pending.cookie_ack = true;
            }
            CookieCase::D => {
                if matches!(
                    self.state,
                    AssocState::CookieWait | AssocState::CookieEchoed
                ) {
                    self.hs.t1.stop();
                    self.pending.init = false;
                    self.pending.cookie_echo = false;
                    self.enter_established(now);
                }
                self.pending.cookie_ack = true;
            }
            CookieCase::C | CookieCase::Discard => return false,
        }
        packet_tag == self.local_tag
    }

    /// 5.2.4 case A: the peer restarted.
    fn restart_from_cookie(&mut self, now: Instant, c: &CookieContents) {
        if self.state == AssocState::ShutdownAckSent {
            // 9.2 / 5.2.4 A: no restart while shutting down.
            self.pending.shutdown_ack = true;
            self.queue_error(OwnedCause::CookieWhileShuttingDown);
            return;
        }
        if let Some(a) = c
            .peer_addrs
            .iter()
            .copied()
            .find(|a| self.paths.find(*a).is_none())
        {
            let cause = OwnedCause::RestartWithNewAddresses(address_tlv(a));
            let pkt = abort_packet(self.local.port, self.peer_port, c.peer_tag, false, &[cause]);
            let to = c.peer_addrs.first().copied().unwrap_or(a);
            self.pending.push_raw(to, pkt);
            return;
        }
        // Everything in flight or queued belonged to the peer's old incarnation.
        self.fail_all_data(0);
        self.adopt_cookie(c);
        self.reset_send_queue();
        self.error_count = 0;
        for p in &mut self.paths.list {
            p.error_count = 0;
            p.t3.stop();
        }
        self.hs.t1.stop();
        self.t2.stop();
        self.t5.stop();
        self.pending.reset_control();
        self.state = AssocState::Established;
        self.pending.cookie_ack = true;
        self.push_event(Event::Restarted {
            outbound_streams: self.neg.outbound_streams,
            inbound_streams: self.neg.inbound_streams,
        });
        self.arm_heartbeats(now);
    }
}

/// An IPv4/IPv6 Address parameter TLV (for the Restart With New Addresses cause).
fn address_tlv(a: IpAddr) -> Vec<u8> {
    let mut v = Vec::with_capacity(20);
    match a {
        IpAddr::V4(v4) => {
            v.extend_from_slice(&pkind::IPV4_ADDRESS.to_be_bytes());
            v.extend_from_slice(&8u16.to_be_bytes());
            v.extend_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            v.extend_from_slice(&pkind::IPV6_ADDRESS.to_be_bytes());
            v.extend_from_slice(&20u16.to_be_bytes());
            v.extend_from_slice(&v6.octets());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(local: u32, peer: u32, tie_l: u32, tie_p: u32) -> CookieContents {
        CookieContents {
            local_tag: local,
            peer_tag: peer,
            local_tsn: 0,
            peer_tsn: 0,
            peer_rwnd: 0,
            outbound_streams: 1,
            inbound_streams: 1,
            pr: false,
            intl: false,
            peer_adaptation: None,
            local_tie_tag: tie_l,
            peer_tie_tag: tie_p,
            peer_port: 1,
            peer_addrs: Vec::new(),
            auth_vectors: None,
            asconf: false,
            reconf: false,
            ecn: false,
        }
    }

    #[test]
    fn table_18_cases() {
        // Existing association: local tag 10, peer tag 20.
        assert_eq!(classify(&cookie(11, 21, 10, 20), 10, 20), CookieCase::A);
        assert_eq!(classify(&cookie(10, 21, 0, 0), 10, 20), CookieCase::B);
        assert_eq!(classify(&cookie(10, 21, 10, 0), 10, 20), CookieCase::B);
        assert_eq!(classify(&cookie(11, 20, 0, 0), 10, 20), CookieCase::C);
        assert_eq!(classify(&cookie(10, 20, 0, 0), 10, 20), CookieCase::D);
        assert_eq!(
            classify(&cookie(11, 21, 12, 20), 10, 20),
            CookieCase::Discard
        );
        assert_eq!(
            classify(&cookie(11, 20, 10, 20), 10, 20),
            CookieCase::Discard
        );
    }
}
