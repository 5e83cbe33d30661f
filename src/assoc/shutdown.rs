//! Association termination (RFC 9260 9): ABORT out and in (9.1) and the graceful SHUTDOWN
//! sequence (9.2) through SHUTDOWN-PENDING, SHUTDOWN-SENT, SHUTDOWN-RECEIVED and
//! SHUTDOWN-ACK-SENT, with T2-shutdown and the T5-shutdown-guard timer.

use std::time::Instant;

use super::association::{Association, CloseReason};
use super::errors::{causes_to_bytes, first_code, OwnedCause};
use super::handshake::write_single;
use super::{AssocState, Event};
use crate::wire::chunk::AbortChunk;
use crate::wire::{Chunk, CommonHeader, ErrorCause};

/// An ABORT packet (RFC 9260 3.3.7) with the given tag and T bit.
pub(crate) fn abort_packet(
    src_port: u16,
    dst_port: u16,
    vtag: u32,
    t_bit: bool,
    causes: &[OwnedCause],
) -> Vec<u8> {
    let chunk = Chunk::Abort(AbortChunk {
        t_bit,
        causes: causes.iter().map(OwnedCause::as_cause).collect(),
    });
    write_single(
        CommonHeader {
            src_port,
            dst_port,
            verification_tag: vtag,
        },
        &chunk,
    )
}

impl Association {
    /// 9.1: ends the association with an ABORT carrying `cause` (when the peer's tag is
    /// known) and reports Lost, or CantStart during setup.
    pub(crate) fn abort_with(&mut self, cause: OwnedCause) {
        let event = Event::Lost {
            error: cause.code(),
            causes: cause.to_bytes(),
        };
        if self.peer_tag != 0 {
            self.pending.abort = Some(vec![cause]);
        }
        self.fail(CloseReason::AbortSent, event);
    }

    /// SHUTDOWN primitive (9.2): data already queued is still sent; the SHUTDOWN follows once
    /// everything is acknowledged. Before the association is up there is nothing to drain:
    /// it just closes (as Linux).
    pub fn shutdown(&mut self, now: Instant) {
        match self.state {
            AssocState::CookieWait | AssocState::CookieEchoed => {
                self.fail_all_data(0);
                self.enter_closed();
                self.report_closed();
            }
            AssocState::Established => {
                self.state = AssocState::ShutdownPending;
                self.check_shutdown_progress(now);
            }
            _ => {}
        }
    }

    /// Moves SHUTDOWN-PENDING / SHUTDOWN-RECEIVED on once nothing is queued or outstanding.
    pub(crate) fn check_shutdown_progress(&mut self, now: Instant) {
        if !self.send_queue.is_empty() || self.outstanding.unacked_chunks() > 0 {
            return;
        }
        let rto = self.paths.list[self.paths.for_data()].rto.rto();
        match self.state {
            AssocState::ShutdownPending => {
                // 9.2: SHUTDOWN, T2 and the T5 guard (5 * RTO.Max suggested).
                self.state = AssocState::ShutdownSent;
                self.pending.shutdown = true;
                self.t2_count = 0;
                self.t2.start(now, rto);
                self.t5.start(now, self.cfg.rto_max * 5);
            }
            AssocState::ShutdownReceived => {
                self.state = AssocState::ShutdownAckSent;
                self.pending.shutdown_ack = true;
                self.t2_count = 0;
                self.t2.start(now, rto);
            }
            _ => {}
        }
    }

    /// 9.2: a SHUTDOWN from the peer. Its Cumulative TSN Ack acknowledges our data like a SACK.
    pub(crate) fn on_shutdown(&mut self, now: Instant, cum_tsn_ack: u32) {
        match self.state {
            AssocState::Established | AssocState::ShutdownPending => {
                self.on_cum_ack_only(now, cum_tsn_ack);
                self.state = AssocState::ShutdownReceived;
                self.push_event(Event::PeerShutdown);
                self.check_shutdown_progress(now);
            }
            AssocState::ShutdownSent => {
                // Both sides closing: answer at once.
                self.on_cum_ack_only(now, cum_tsn_ack);
                self.push_event(Event::PeerShutdown);
                self.state = AssocState::ShutdownAckSent;
                self.pending.shutdown = false;
                self.pending.shutdown_ack = true;
                let rto = self.paths.list[self.paths.for_data()].rto.rto();
                self.t2.start(now, rto);
            }
            AssocState::ShutdownReceived => self.on_cum_ack_only(now, cum_tsn_ack),
            _ => {}
        }
    }

    /// 9.2: SHUTDOWN ACK in SHUTDOWN-SENT or SHUTDOWN-ACK-SENT: SHUTDOWN COMPLETE, CLOSED.
    pub(crate) fn on_shutdown_ack(&mut self) {
        if matches!(
            self.state,
            AssocState::ShutdownSent | AssocState::ShutdownAckSent
        ) {
            self.pending.shutdown = false;
            self.pending.shutdown_ack = false;
            self.pending.shutdown_complete = true;
            self.push_event(Event::ShutdownComplete);
            self.enter_closed();
        }
    }

    /// 9.2: SHUTDOWN COMPLETE in SHUTDOWN-ACK-SENT: CLOSED.
    pub(crate) fn on_shutdown_complete(&mut self) {
        if self.state == AssocState::ShutdownAckSent {
            self.pending.shutdown_ack = false;
            self.push_event(Event::ShutdownComplete);
            self.enter_closed();
        }
    }

    /// 9.1: an ABORT from the peer (tag already checked, 8.5.1 B). CantStart during setup.
    pub(crate) fn on_abort(&mut self, causes: &[ErrorCause<'_>]) {
        if self.state == AssocState::Closed {
            return;
        }
        self.pending.reset_control();
        self.fail(
            CloseReason::AbortReceived,
            Event::Lost {
                error: first_code(causes),
                causes: causes_to_bytes(causes),
            },
        );
    }

    /// T2-shutdown expiry (9.2): repeat SHUTDOWN / SHUTDOWN ACK with a backed-off RTO; past
    /// Association.Max.Retrans the peer is unreachable.
    pub(crate) fn on_t2_expiry(&mut self, now: Instant) {
        if !matches!(
            self.state,
            AssocState::ShutdownSent | AssocState::ShutdownAckSent
        ) {
            return;
        }
        self.t2_count += 1;
        self.error_count += 1;
        if self.assoc_failed() {
            return;
        }
        let p = self.paths.for_data();
        self.paths.list[p].rto.backoff();
        self.strike_path(p);
        // 9.2: the repeat goes to an active address (another one once this one failed).
        let alt = self.paths.for_data();
        if self.state == AssocState::ShutdownSent {
            self.pending.shutdown = true;
        } else {
            self.pending.shutdown_ack = true;
        }
        let rto = self.paths.list[alt].rto.rto();
        self.t2.start(now, rto);
    }

    /// T5-shutdown-guard expiry (9.2): give up with an ABORT.
    pub(crate) fn on_t5_expiry(&mut self) {
        if self.state != AssocState::ShutdownSent {
            return;
        }
        self.pending.reset_control();
        self.pending.abort = Some(Vec::new());
        self.fail(
            CloseReason::Timeout,
            Event::Lost {
                error: 0,
                causes: Vec::new(),
            },
        );
    }
}
