//! User data transfer (RFC 9260 6), wiring the association to `rx/` (TSN map, delayed SACK,
//! reassembly) and `tx/` (send queue, outstanding data, RTO, congestion): DATA / I-DATA
//! reception (6.2, 6.5, RFC 8260), SACK processing (6.2.1) with its effects on paths (6.3.2
//! T3 rules, 7.2 congestion, 8.1/8.2 error counters), T3-rtx expiry (6.3.3), PR-SCTP
//! abandonment and FORWARD TSN (RFC 3758).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::association::{Association, Negotiated};
use super::errors::OwnedCause;
use super::rx::{DataTracker, Observed, ReassemblyQueue, RxError};
use super::tx::{Congestion, OutstandingData, PathId, SackError, SendQueue};
use super::{AssocState, Event};
use crate::wire::chunk::{DataChunk, ForwardTsnChunk, SackChunk};

/// What the DATA chunks of one received packet amounted to (for the delayed-SACK policy).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RxPacket {
    pub had_data: bool,
    /// The lowest TSN of the packet's DATA chunks (RFC 9260 Appendix A: what an ECNE echoes).
    pub lowest_tsn: Option<u32>,
    pub any_new: bool,
    pub any_dup: bool,
    pub immediate: bool,
}

impl Association {
    /// Creates the data-transfer state once the peer's initial TSN and the stream counts
    /// are known (5.1: INIT ACK received, or cookie accepted). Messages queued during setup
    /// are kept.
    pub(crate) fn setup_data(&mut self, peer_tsn: u32, neg: Negotiated) {
        self.neg = neg;
        self.addip.reset(self.local_tsn, peer_tsn);
        self.reconf.reset(self.local_tsn, peer_tsn);
        self.tracker = DataTracker::new(peer_tsn);
        self.reassembly = ReassemblyQueue::new(self.cfg.rcvbuf, neg.inbound_streams, neg.intl);
        self.reassembly
            .set_partial_delivery(self.cfg.pd_point, self.cfg.frag_interleave);
        // Messages queued during setup for streams the peer did not grant fail (as Linux).
        self.set_outbound_streams(neg.outbound_streams);
        self.send_queue.set_i_data(neg.intl);
        self.outstanding = OutstandingData::new(self.local_tsn);
        self.outstanding.set_peer_rwnd(neg.peer_rwnd);
        for p in &mut self.paths.list {
            p.cc = Congestion::new(p.pmtu as usize, neg.peer_rwnd, self.cfg.max_burst);
        }
    }

    /// A new outbound stream count (setup, RFC 6525 add streams): messages queued for
    /// streams beyond it fail with an Invalid Stream Identifier error (Linux
    /// `sctp_stream_shrink_out`).
    pub(crate) fn set_outbound_streams(&mut self, count: u16) {
        self.neg.outbound_streams = count;
        self.send_queue.set_num_streams(count);
        let inv = u32::from(crate::wire::cause::code::INVALID_STREAM_ID);
        self.send_queue
            .drop_invalid_streams(inv, &mut self.event_buf);
        self.flush_event_buf();
    }

    /// Fails every queued and outstanding message (one SendFailed per fragment).
    pub(crate) fn fail_all_data(&mut self, error: u32) {
        self.send_queue.drain_failed(error, &mut self.event_buf);
        self.outstanding.drain_failed(error, &mut self.event_buf);
        let freed = self.outstanding.take_freed_bytes();
        self.send_queue.release(freed);
        self.flush_event_buf();
    }

    /// A fresh send queue for a restarted association (stream sequence numbers from 0).
    pub(crate) fn reset_send_queue(&mut self) {
        let scheduler = self.send_queue.scheduler();
        self.send_queue = SendQueue::new(self.cfg.sndbuf, self.neg.outbound_streams, self.neg.intl);
        self.send_queue.set_scheduler(scheduler);
    }

    /// RFC 9260 6.2 / RFC 8260 2.1: one DATA or I-DATA chunk. Returns false when the packet
    /// must not be processed further (the association was aborted).
    pub(crate) fn on_data(
        &mut self,
        now: Instant,
        from: IpAddr,
        chunk: &DataChunk<'_>,
        i_data: bool,
        rxp: &mut RxPacket,
    ) -> bool {
        if !matches!(
            self.state,
            AssocState::Established | AssocState::ShutdownPending | AssocState::ShutdownSent
        ) {
            return true;
        }
        if i_data != self.neg.intl {
            // RFC 8260 2.2: the wrong kind of data chunk is a protocol violation.
            self.abort_violation(b"DATA kind not negotiated");
            return false;
        }
        if chunk.payload.is_empty() {
            // 6.2: ABORT with No User Data.
            self.abort_with(OwnedCause::NoUserData(chunk.tsn));
            return false;
        }
        if rxp
            .lowest_tsn
            .is_none_or(|t| super::serial::tsn_lt(chunk.tsn, t))
        {
            rxp.lowest_tsn = Some(chunk.tsn);
        }
        if !rxp.had_data && self.tracker.sack_due(now) {
            // Earlier packets of this batch made a SACK due that has not left yet: it goes as
            // it stands (6.2: a SACK at least every second packet), so packets arriving in a
            // batch do not collapse into one stretch acknowledgement, which would starve the
            // sender's slow start and its fast retransmit (7.2.1, 7.2.4).
            self.snapshot_sack();
        }
        rxp.had_data = true;
        rxp.immediate |= chunk.immediate;
        if let Some(p) = self.paths.find(from) {
            self.last_data_from = p;
        }
        if !self.reassembly.admit(chunk, &self.tracker) {
            // 6.2: no room: dropped and not acknowledged, but answered at once with a SACK
            // (as for a duplicate), so that the sender's zero window probing sees the closed
            // window (6.1) instead of counting timeouts.
            rxp.any_dup = true;
            return true;
        }
        let in_sequence = chunk.tsn == self.tracker.cum_tsn_ack().wrapping_add(1);
        let observed = self.tracker.observe(chunk.tsn);
        self.stats
            .on_data_in(observed == Observed::New, chunk.unordered, in_sequence);
        match observed {
            Observed::New => {
                rxp.any_new = true;
                if let Err(RxError::InvalidStream) = self.reassembly.add(chunk, from) {
                    // 6.5: acknowledged, reported, dropped.
                    self.queue_error(OwnedCause::InvalidStream(chunk.stream_id));
                }
            }
            Observed::Duplicate => rxp.any_dup = true,
            Observed::OutOfWindow => {}
        }
        true
    }

    /// After all chunks of a packet: feed the delayed-SACK policy; in SHUTDOWN-SENT each DATA
    /// packet is answered with a SHUTDOWN (9.2).
    pub(crate) fn after_data_packet(&mut self, now: Instant, rxp: &RxPacket, was_readable: bool) {
        if rxp.had_data {
            // Linux: the delayed-SACK values of the path the DATA came from.
            let (delay, freq) = match self
                .paths
                .list
                .get(self.last_data_from)
                .and_then(|p| p.sack)
            {
                Some((ms, f)) => (Duration::from_millis(ms.into()), f.into()),
                None => (self.cfg.sack_delay, self.cfg.sack_freq),
            };
            self.tracker
                .on_data_packet(now, rxp.any_new, rxp.any_dup, rxp.immediate, delay, freq);
            if self.state == AssocState::ShutdownSent {
                self.tracker.request_sack(now);
                self.pending.shutdown = true;
                let rto = self.paths.list[self.paths.for_data()].rto.rto();
                self.t2.start(now, rto);
            }
        }
        if !was_readable && self.reassembly.has_message() {
            self.push_event(Event::Readable);
        }
    }

    /// RFC 9260 6.2.1: a SACK. Returns false when it aborted the association.
    pub(crate) fn on_sack(&mut self, now: Instant, sack: &SackChunk) -> bool {
        if matches!(
            self.state,
            AssocState::Closed | AssocState::CookieWait | AssocState::CookieEchoed
        ) {
            return true;
        }
        self.sack_since_t3 = true;
        let res = match self.outstanding.handle_sack(now, sack) {
            Ok(r) => r,
            Err(SackError::AcksUnsentTsn) => {
                self.abort_violation(b"SACK acknowledges a TSN not sent");
                return false;
            }
        };
        if res.ignored {
            return true;
        }
        let mut acked_any = false;
        for pa in &res.paths {
            let Some(path) = self.paths.list.get_mut(pa.path) else {
                continue;
            };
            if let Some(rtt) = pa.rtt {
                path.rto.on_rtt(rtt);
                self.stats.on_rto(path.rto.rto(), path.addr);
            }
            path.cc.on_ack(
                pa.bytes_acked,
                pa.in_flight_before,
                res.cum_advanced,
                res.in_fast_recovery,
            );
            if pa.enter_fast_recovery {
                path.cc.on_fast_retransmit();
            }
            if pa.restart_t3 {
                let rto = path.rto.rto();
                path.t3.start(now, rto);
            }
            if pa.reneged {
                let rto = path.rto.rto();
                path.t3.start_if_idle(now, rto);
            }
            if pa.bytes_acked > 0 {
                acked_any = true;
                // 8.2: an acknowledgement clears the destination's error count.
                self.path_reached(pa.path);
            }
        }
        // 6.3.2 R2: no T3 without data in flight on the path.
        for (i, p) in self.paths.list.iter_mut().enumerate() {
            if self.outstanding.bytes_in_flight_on(i) == 0 {
                p.t3.stop();
            }
        }
        if acked_any || res.cum_advanced {
            // 8.1: the peer is alive.
            self.error_count = 0;
        } else if sack.a_rwnd == 0 && !self.outstanding.is_empty() {
            // A SACK answering a zero window probe: the peer is alive, only full (as Linux).
            self.error_count = 0;
            for p in &mut self.paths.list {
                p.error_count = 0;
            }
        }
        if res.send_forward_tsn || self.forward_tsn_due() {
            self.pending.forward_tsn = true;
            // RFC 3758 3.5 F3: T3 guards the FORWARD TSN even with nothing in flight.
            let i = self.paths.for_data();
            let p = &mut self.paths.list[i];
            let rto = p.rto.rto();
            p.t3.start_if_idle(now, rto);
        }
        if res.fast_retransmit {
            self.pending.fast_rtx = true;
        }
        self.release_acked();
        self.check_shutdown_progress(now);
        true
    }

    /// 9.2: the Cumulative TSN Ack of a SHUTDOWN acknowledges like a SACK without gaps.
    pub(crate) fn on_cum_ack_only(&mut self, now: Instant, cum_tsn_ack: u32) {
        let a_rwnd = self
            .outstanding
            .peer_rwnd()
            .saturating_add(self.outstanding.bytes_in_flight() as u32);
        let sack = SackChunk {
            cum_tsn_ack,
            a_rwnd,
            gap_blocks: Vec::new(),
            dup_tsns: Vec::new(),
        };
        self.on_sack(now, &sack);
    }

    /// Returns acknowledged bytes to the send buffer: Writable and SenderDry events.
    fn release_acked(&mut self) {
        let freed = self.outstanding.take_freed_bytes();
        if freed > 0 && self.send_queue.release(freed) {
            self.push_event(Event::Writable);
        }
        if !self.dry && self.outstanding.is_empty() && self.send_queue.is_empty() {
            self.dry = true;
            self.push_event(Event::SenderDry);
        }
    }

    /// RFC 3758 3.6 / RFC 8260 2.3.2: FORWARD TSN or I-FORWARD TSN.
    pub(crate) fn on_forward_tsn(&mut self, now: Instant, f: &ForwardTsnChunk, i_forward: bool) {
        if !matches!(
            self.state,
            AssocState::Established | AssocState::ShutdownPending | AssocState::ShutdownSent
        ) || i_forward != self.neg.intl
        {
            return;
        }
        let was_readable = self.reassembly.has_message();
        self.tracker.handle_forward_tsn(f.new_cum_tsn);
        let aborted = self
            .reassembly
            .handle_forward_tsn(f.new_cum_tsn, &f.streams);
        for (stream_id, ssn) in aborted {
            self.push_event(Event::PartialDeliveryAborted { stream_id, ssn });
        }
        // Acknowledge the new cumulative TSN at once.
        self.tracker.request_sack(now);
        if !was_readable && self.reassembly.has_message() {
            self.push_event(Event::Readable);
        }
    }

    /// RFC 9260 6.3.3: T3-rtx expiry on path `i`: E1 congestion, E2 RTO backoff, E3 marking
    /// for retransmission (sent to an alternate address, 6.4.1), and the 8.1/8.2 counters.
    pub(crate) fn on_t3_expiry(&mut self, now: Instant, i: PathId) {
        if self.outstanding.bytes_in_flight_on(i) == 0 {
            // RFC 3758 3.5 F3: a FORWARD TSN that was lost is sent again.
            if self.forward_tsn_due() {
                self.pending.forward_tsn = true;
                let rto = self.paths.list[i].rto.rto();
                self.paths.list[i].t3.start(now, rto);
            }
            return;
        }
        let path = &mut self.paths.list[i];
        path.cc.on_t3();
        path.rto.backoff();
        self.outstanding.on_t3_expired(i);
        // RFC 9260 6.1: while the peer keeps answering zero window probes with SACKs, the
        // unacknowledged probes do not count as errors (its window may stay closed for long).
        let probing = self.outstanding.peer_rwnd() == 0 && std::mem::take(&mut self.sack_since_t3);
        if probing {
            self.rtx_path = Some(self.paths.for_retransmit(i));
            self.on_pr_timers(now);
            return;
        }
        self.strike_path(i);
        self.error_count += 1;
        if self.assoc_failed() {
            return;
        }
        self.rtx_path = Some(self.paths.for_retransmit(i));
        // PR-SCTP RTX policies are checked on chunks marked for retransmission.
        self.on_pr_timers(now);
    }

    /// PR-SCTP lifetimes (RFC 3758 3.1, RFC 7496) of queued and outstanding messages.
    /// Outstanding (older) messages are reported before queued ones, so SEND_FAILED
    /// notifications come in send order, as Linux gives them.
    pub(crate) fn on_pr_timers(&mut self, now: Instant) {
        let abandoned = self.outstanding.abandon_expired(now, &mut self.event_buf);
        for (sid, mid) in abandoned {
            self.send_queue
                .abandon_message(sid, mid, 0, &mut self.event_buf);
        }
        self.send_queue.expire(now, &mut self.event_buf);
        self.note_cut_messages();
        if self.forward_tsn_due() {
            self.pending.forward_tsn = true;
        }
        self.flush_event_buf();
        self.release_acked();
        // Abandoned data no longer holds a graceful shutdown back.
        self.check_shutdown_progress(now);
    }

    /// Data timers that are not per path: PR-SCTP lifetimes. (The delayed SACK only needs
    /// `poll_transmit`, which sends it once due.)
    pub(crate) fn on_data_timers(&mut self, now: Instant) {
        let due = |t: Option<Instant>| t.is_some_and(|t| t <= now);
        if due(self.send_queue.next_expiry()) || due(self.outstanding.next_expiry()) {
            self.on_pr_timers(now);
        }
    }

    /// ABORT with a Protocol Violation cause (e.g. 6.2.1, RFC 8260 2.2).
    pub(crate) fn abort_violation(&mut self, info: &[u8]) {
        self.abort_with(OwnedCause::ProtocolViolation(info.to_vec()));
    }
}
