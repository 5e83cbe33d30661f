//! RFC 6525 stream reconfiguration (RE-CONFIG), negotiated when both sides list RE-CONFIG in
//! Supported Extensions (Linux: `reconf_enable`, off by default). Behaviour follows Linux's
//! `net/sctp/stream.c`, which the SCTP socket API users of this stack expect:
//!
//! Sender (5.1): one request is outstanding at a time (5.1.1; it may carry two parameters:
//! Outgoing + Incoming SSN Reset, or Add Outgoing + Add Incoming Streams). Its parameters
//! use consecutive request sequence numbers starting at our initial TSN (5.1.1), it is
//! retransmitted on the RTO-based reconf timer, counting against the path and the association
//! like T3-rtx (5.1.1), and each answered parameter advances the sequence number. An
//! Outgoing SSN Reset is only accepted with no unsent data on its streams (5.1.2; Linux
//! EAGAIN), an SSN/TSN Reset with nothing unsent or unacknowledged. Until it is answered its
//! streams are closed (Linux `SCTP_STREAM_CLOSED`): when the next message the scheduler picks
//! is on a closed stream, no new DATA leaves, so that no message takes an old stream
//! sequence number after the request. Streams being added are usable at once and closed the
//! same way until the peer agreed (then open) or refused (then gone again).
//!
//! Receiver (5.2): request sequence numbers are checked (5.2.1: the expected one is
//! processed, the previous two get their stored result again, anything else "Bad Sequence
//! Number"); a request type the user did not enable (SCTP_ENABLE_STREAM_RESET) is "Denied";
//! an Outgoing SSN Reset whose Sender's Last Assigned TSN is not yet cumulatively acknowledged
//! is answered "In progress" and performed when it is retransmitted after the data arrived
//! (5.2.2); an Incoming SSN Reset is answered by an Outgoing SSN Reset request of ours
//! (5.2.3); SSN/TSN Reset (5.2.4) restarts both TSN spaces and all stream numbering; Add
//! Outgoing / Incoming Streams (5.2.5, 5.2.6).
//!
//! Results and events are Linux's: e.g. the Sender's Next TSN in an SSN/TSN Reset response is
//! the receiver's cumulative TSN plus 2^31, and stream change events report the number of
//! streams added.

use std::net::IpAddr;
use std::time::Instant;

use super::association::Association;
use super::serial::{tsn_gt, tsn_lt};
use super::timer::Timer;
use super::tx::PathId;
use super::{AssocState, Event, ReconfError, ReconfResult, Transmit};
use crate::wire::chunk::ReConfigChunk;
use crate::wire::param::kind;
use crate::wire::{Chunk, PacketWriter, Param};

/// Request types the user grants the peer (SCTP_ENABLE_STREAM_RESET, RFC 6458 8.3.12 values).
pub mod enable {
    pub const RESET_STREAMS: u32 = 0x01;
    pub const RESET_ASSOC: u32 = 0x02;
    pub const CHANGE_ASSOC: u32 = 0x04;
}

/// Re-configuration Response results (RFC 6525 4.4).
/// ("Success - Nothing to do", 0, is never sent; received, it counts as failed, as in Linux.)
mod result {
    pub const PERFORMED: u32 = 1;
    pub const DENIED: u32 = 2;
    pub const WRONG_SSN: u32 = 3;
    pub const ERR_IN_PROGRESS: u32 = 4;
    pub const BAD_SEQNO: u32 = 5;
    pub const IN_PROGRESS: u32 = 6;
}

/// Most streams an association can have (stream ids are 16-bit).
const MAX_STREAMS: u32 = 65535;
/// Longest request parameter list a RE-CONFIG chunk can carry (chunk length is 16-bit).
const MAX_PARAMS_LEN: usize = 65535 - 4;
/// Answers waiting to be sent are capped (a peer retransmitting requests in a loop).
const MAX_REPLIES: usize = 16;

/// Which outgoing streams new DATA must not use yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Closed {
    #[default]
    None,
    All,
    /// Sorted stream ids.
    List(Vec<u16>),
    /// Streams being added: this one and above.
    From(u16),
}

impl Closed {
    /// The streams an Outgoing SSN Reset of `streams` (all when empty) closes.
    fn reset(streams: &[u16]) -> Closed {
        if streams.is_empty() {
            return Closed::All;
        }
        let mut list = streams.to_vec();
        list.sort_unstable();
        Closed::List(list)
    }
}

/// Our outstanding request: the parameters not answered yet and the path it went on.
#[derive(Debug, Clone)]
struct Outstanding {
    params: Vec<Param<'static>>,
    path: PathId,
}

/// RE-CONFIG state of one association.
#[derive(Debug, Default)]
pub(crate) struct Reconf {
    /// Request sequence number of our next request parameter (Linux `strreset_outseq`).
    out_seq: u32,
    /// Request sequence number expected from the peer (Linux `strreset_inseq`).
    in_seq: u32,
    /// Results of the last two requests of the peer processed, newest first (5.2.1).
    results: [u32; 2],
    req: Option<Outstanding>,
    /// The outstanding request is to be (re)sent.
    send_due: bool,
    /// Responses to send, with where the request came from.
    replies: Vec<(IpAddr, Param<'static>)>,
    /// Outgoing streams closed to new DATA until the request is answered.
    closed: Closed,
    pub timer: Timer,
}

impl Reconf {
    /// RFC 6525 5.1.1: request sequence numbers start at the initial TSNs.
    pub fn reset(&mut self, local_tsn: u32, peer_tsn: u32) {
        *self = Reconf {
            out_seq: local_tsn,
            in_seq: peer_tsn,
            ..Reconf::default()
        };
    }

    /// New DATA on `stream` must wait (a reset or addition of it is outstanding).
    pub fn is_closed(&self, stream: u16) -> bool {
        match &self.closed {
            Closed::None => false,
            Closed::All => true,
            Closed::List(list) => list.binary_search(&stream).is_ok(),
            Closed::From(first) => stream >= *first,
        }
    }

    fn store_result(&mut self, r: u32) {
        self.results = [r, self.results[0]];
    }

    fn reply(&mut self, to: IpAddr, response_seq: u32, result: u32, tsns: Option<(u32, u32)>) {
        if self.replies.len() < MAX_REPLIES {
            self.replies.push((
                to,
                Param::ReconfigResponse {
                    response_seq,
                    result,
                    tsns,
                },
            ));
        }
    }

    /// RFC 6525 5.2.1 for request `seq`: `Ok(())` for the expected one (now consumed),
    /// `Err(Some(result))` for one of the previous two (its stored result), `Err(None)` for
    /// anything else (Bad Sequence Number).
    fn check_seq(&self, seq: u32) -> Result<(), Option<u32>> {
        if tsn_lt(self.in_seq, seq) || tsn_lt(seq, self.in_seq.wrapping_sub(2)) {
            return Err(None);
        }
        if tsn_lt(seq, self.in_seq) {
            let i = self.in_seq.wrapping_sub(seq).wrapping_sub(1) as usize;
            return Err(Some(self.results[i.min(1)]));
        }
        Ok(())
    }

    /// Removes the outstanding parameter `matches` picks; true when there was one. The
    /// request ends (timer stopped, DATA released) with its last parameter.
    fn answer(&mut self, matches: impl Fn(&Param<'static>) -> bool) -> Option<Param<'static>> {
        let req = self.req.as_mut()?;
        let i = req.params.iter().position(matches)?;
        let p = req.params.remove(i);
        self.out_seq = self.out_seq.wrapping_add(1);
        if matches!(
            p,
            Param::OutgoingSsnReset { .. }
                | Param::SsnTsnReset { .. }
                | Param::AddOutgoingStreams { .. }
        ) {
            // As Linux: every stream opens again with the answer.
            self.closed = Closed::None;
        }
        if req.params.is_empty() {
            self.req = None;
            self.send_due = false;
            self.timer.stop();
        }
        Some(p)
    }

    /// Drops the outstanding request without an answer.
    fn give_up(&mut self) {
        self.req = None;
        self.send_due = false;
        self.closed = Closed::None;
        self.timer.stop();
    }
}

/// The request sequence number every request parameter starts with.
fn request_seq(p: &Param<'_>) -> Option<u32> {
    match p {
        Param::OutgoingSsnReset { request_seq, .. }
        | Param::IncomingSsnReset { request_seq, .. }
        | Param::SsnTsnReset { request_seq }
        | Param::AddOutgoingStreams { request_seq, .. }
        | Param::AddIncomingStreams { request_seq, .. } => Some(*request_seq),
        _ => None,
    }
}

/// RFC 6525 3.1: the parameter combinations a RE-CONFIG chunk may carry (Linux
/// `sctp_verify_reconf`): one parameter, or Outgoing + Incoming SSN Reset, Add Outgoing +
/// Add Incoming Streams, a response with an Outgoing SSN Reset, or two responses.
fn valid_combination(params: &[Param<'_>]) -> bool {
    let reconf = kind::OUTGOING_SSN_RESET..=kind::ADD_INCOMING_STREAMS;
    match params {
        [one] => reconf.contains(&one.param_type()),
        [a, b] => {
            let mut pair = [a.param_type(), b.param_type()];
            pair.sort_unstable();
            matches!(
                pair,
                [kind::OUTGOING_SSN_RESET, kind::INCOMING_SSN_RESET]
                    | [kind::OUTGOING_SSN_RESET, kind::RECONFIG_RESPONSE]
                    | [kind::RECONFIG_RESPONSE, kind::RECONFIG_RESPONSE]
                    | [kind::ADD_OUTGOING_STREAMS, kind::ADD_INCOMING_STREAMS]
            )
        }
        _ => false,
    }
}

fn outcome(result: u32) -> ReconfResult {
    match result {
        result::PERFORMED => ReconfResult::Performed,
        result::DENIED => ReconfResult::Denied,
        _ => ReconfResult::Failed,
    }
}

impl Association {
    // ---- getters and settings ----

    /// RE-CONFIG is in use (SCTP_RECONFIG_SUPPORTED of an association).
    pub fn reconf_negotiated(&self) -> bool {
        self.neg.reconf
    }

    /// SCTP_ENABLE_STREAM_RESET of this association.
    pub fn stream_reset_enable(&self) -> u32 {
        self.cfg.stream_reset_enable
    }

    pub fn set_stream_reset_enable(&mut self, flags: u32) {
        self.cfg.stream_reset_enable = flags;
    }

    /// The request sequence number expected from the peer next.
    #[cfg(test)]
    pub(crate) fn reconf_in_seq(&self) -> u32 {
        self.reconf.in_seq
    }

    /// A request of ours waits for its answer.
    pub fn reconf_pending(&self) -> bool {
        self.reconf.req.is_some()
    }

    // ---- user commands (sender side, 5.1) ----

    /// Linux's common checks of a new request: negotiated and enabled, established, and no
    /// other request outstanding.
    fn may_request(&self, flag: u32) -> Result<(), ReconfError> {
        if !self.neg.reconf || self.cfg.stream_reset_enable & flag == 0 {
            return Err(ReconfError::NotEnabled);
        }
        if self.state != AssocState::Established {
            return Err(ReconfError::NotEstablished);
        }
        if self.reconf.req.is_some() {
            return Err(ReconfError::InProgress);
        }
        Ok(())
    }

    /// No unsent data on `streams` (all streams when empty).
    fn unsent_free(&self, streams: &[u16]) -> bool {
        if self.send_queue.is_empty() {
            return true;
        }
        !streams.is_empty() && !streams.iter().any(|s| self.send_queue.has_unsent(*s))
    }

    /// RFC 6525 4.1: our Outgoing SSN Reset Request, answering the peer's request
    /// `response_seq` (or none: the last one we processed).
    fn outgoing_reset(&self, request_seq: u32, streams: Vec<u16>) -> Param<'static> {
        Param::OutgoingSsnReset {
            request_seq,
            response_seq: self.reconf.in_seq.wrapping_sub(1),
            last_tsn: self.outstanding.next_tsn().wrapping_sub(1),
            streams,
        }
    }

    fn start_request(&mut self, now: Instant, params: Vec<Param<'static>>, closed: Closed) {
        self.last_now = Some(now);
        self.reconf.req = Some(Outstanding {
            params,
            path: self.paths.for_data(),
        });
        self.reconf.send_due = true;
        self.reconf.closed = closed;
    }

    /// SCTP_RESET_STREAMS (RFC 6525 5.1.2, 5.1.3): resets the numbering of our outgoing
    /// and/or the peer's (incoming) streams, `streams` or all when empty.
    pub fn reset_streams(
        &mut self,
        now: Instant,
        outgoing: bool,
        incoming: bool,
        streams: &[u16],
    ) -> Result<(), ReconfError> {
        self.may_request(enable::RESET_STREAMS)?;
        if !outgoing && !incoming {
            return Err(ReconfError::Invalid);
        }
        let bad = |count: u16| streams.iter().any(|s| *s >= count);
        let per_param = 2 * streams.len();
        let len =
            usize::from(outgoing) * (16 + per_param) + usize::from(incoming) * (8 + per_param);
        if (outgoing && bad(self.neg.outbound_streams))
            || (incoming && bad(self.neg.inbound_streams))
            || len > MAX_PARAMS_LEN
        {
            return Err(ReconfError::Invalid);
        }
        if outgoing && !self.unsent_free(streams) {
            return Err(ReconfError::Busy);
        }
        let seq = self.reconf.out_seq;
        let mut params = Vec::with_capacity(2);
        if outgoing {
            params.push(self.outgoing_reset(seq, streams.to_vec()));
        }
        if incoming {
            params.push(Param::IncomingSsnReset {
                request_seq: seq.wrapping_add(u32::from(outgoing)),
                streams: streams.to_vec(),
            });
        }
        let closed = if outgoing {
            Closed::reset(streams)
        } else {
            Closed::None
        };
        self.start_request(now, params, closed);
        Ok(())
    }

    /// SCTP_RESET_ASSOC (RFC 6525 5.1.4): SSN/TSN Reset, once nothing is unsent or
    /// unacknowledged.
    pub fn reset_assoc(&mut self, now: Instant) -> Result<(), ReconfError> {
        self.may_request(enable::RESET_ASSOC)?;
        if !self.send_queue.is_empty() || !self.outstanding.is_empty() {
            return Err(ReconfError::Busy);
        }
        let request_seq = self.reconf.out_seq;
        self.start_request(now, vec![Param::SsnTsnReset { request_seq }], Closed::All);
        Ok(())
    }

    /// SCTP_ADD_STREAMS (RFC 6525 5.1.5, 5.1.6): asks for `outbound` more streams of ours
    /// and `inbound` more of the peer's. Our new streams count at once (as in Linux: sends
    /// on them are queued) and carry DATA once the peer agreed.
    pub fn add_streams(
        &mut self,
        now: Instant,
        outbound: u16,
        inbound: u16,
    ) -> Result<(), ReconfError> {
        self.may_request(enable::CHANGE_ASSOC)?;
        let too_many = |have: u16, more: u16| u32::from(have) + u32::from(more) > MAX_STREAMS;
        if (outbound == 0 && inbound == 0)
            || too_many(self.neg.outbound_streams, outbound)
            || too_many(self.neg.inbound_streams, inbound)
        {
            return Err(ReconfError::Invalid);
        }
        let seq = self.reconf.out_seq;
        let mut params = Vec::with_capacity(2);
        if outbound > 0 {
            params.push(Param::AddOutgoingStreams {
                request_seq: seq,
                count: outbound,
            });
        }
        if inbound > 0 {
            params.push(Param::AddIncomingStreams {
                request_seq: seq.wrapping_add(u32::from(outbound > 0)),
                count: inbound,
            });
        }
        let closed = self.open_new_streams(outbound);
        self.start_request(now, params, closed);
        Ok(())
    }

    /// `count` more outgoing streams (within the 16-bit space, checked by the callers),
    /// closed until the peer agreed.
    fn open_new_streams(&mut self, count: u16) -> Closed {
        if count == 0 {
            return Closed::None;
        }
        let first = self.neg.outbound_streams;
        self.set_outbound_streams(first.saturating_add(count));
        Closed::From(first)
    }

    // ---- packets ----

    /// The responses that are due (each in its own RE-CONFIG chunk, bundled for one
    /// destination), else the outstanding request to (re)send.
    pub(crate) fn reconf_packet(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if self.state == AssocState::CookieEchoed {
            return None;
        }
        let limit = buf.len().saturating_sub(self.auth_overhead());
        let header = self.header(self.peer_tag);
        if let Some(&(to, _)) = self.reconf.replies.first() {
            let mut w = PacketWriter::new(&mut buf[..limit], header);
            let (mut i, mut sent) = (0, 0);
            while let Some((a, p)) = self.reconf.replies.get(i) {
                if *a != to {
                    i += 1;
                    continue;
                }
                let chunk = Chunk::ReConfig(ReConfigChunk {
                    params: vec![p.clone()],
                });
                if !w.try_add(&chunk) {
                    break;
                }
                self.reconf.replies.remove(i);
                sent += 1;
            }
            if sent == 0 {
                // Cannot fit even alone (impossible for a response): drop it.
                self.reconf.replies.remove(0);
                return None;
            }
            let len = w.finish();
            return Some(self.transmit_addr(to, len));
        }
        if !self.reconf.send_due || self.state != AssocState::Established {
            return None;
        }
        self.reconf.send_due = false;
        let req = self.reconf.req.as_ref()?;
        let (path, chunk) = (
            req.path,
            Chunk::ReConfig(ReConfigChunk {
                params: req.params.clone(),
            }),
        );
        let mut w = PacketWriter::new(&mut buf[..limit], header);
        if !w.try_add(&chunk) {
            return None;
        }
        let len = w.finish();
        let rto = self.paths.list[path].rto.rto();
        self.reconf.timer.start(now, rto);
        Some(self.transmit_to(path, len))
    }

    /// RFC 6525 5.1.1: the reconf timer expired: the request goes again (to an alternate
    /// path when there is one), counted like a T3-rtx expiry.
    /// A request still outstanding when the association left ESTABLISHED (shutdown) is given
    /// up: no RE-CONFIG is sent then.
    pub(crate) fn on_reconf_timeout(&mut self) {
        let Some(path) = self.reconf.req.as_ref().map(|r| r.path) else {
            return;
        };
        if self.state != AssocState::Established {
            self.reconf.give_up();
            return;
        }
        let Some(next) = self.retransmit_control(path) else {
            return;
        };
        if let Some(r) = &mut self.reconf.req {
            r.path = next;
        }
        self.reconf.send_due = true;
    }

    // ---- receiver side (5.2) ----

    /// A RE-CONFIG chunk from `from`: each parameter in turn.
    pub(crate) fn on_reconf(&mut self, now: Instant, from: IpAddr, c: &ReConfigChunk<'_>) {
        if !valid_combination(&c.params) {
            tracing::debug!(
                ?c,
                "RE-CONFIG with a parameter combination RFC 6525 forbids"
            );
            return;
        }
        for p in &c.params {
            match p {
                Param::OutgoingSsnReset {
                    request_seq,
                    response_seq,
                    last_tsn,
                    streams,
                } => {
                    self.peer_outgoing_reset(from, *request_seq, *response_seq, *last_tsn, streams)
                }
                Param::IncomingSsnReset {
                    request_seq,
                    streams,
                } => self.peer_incoming_reset(now, from, *request_seq, streams),
                Param::SsnTsnReset { request_seq } => self.peer_assoc_reset(from, *request_seq),
                Param::AddOutgoingStreams { request_seq, count } => {
                    self.peer_adds_outgoing(from, *request_seq, *count)
                }
                Param::AddIncomingStreams { request_seq, count } => {
                    self.peer_adds_incoming(now, from, *request_seq, *count)
                }
                Param::ReconfigResponse {
                    response_seq,
                    result,
                    tsns,
                } => self.on_reconf_response(*response_seq, *result, *tsns),
                _ => {}
            }
        }
    }

    /// 5.2.1 for a request: true when it is new and consumed; otherwise the answer for a
    /// retransmission or a bad sequence number is queued (none when `performed_silent` and the
    /// earlier result was Performed: the request we sent in answer is what the peer waits for).
    fn new_request(&mut self, from: IpAddr, seq: u32, performed_silent: bool) -> bool {
        match self.reconf.check_seq(seq) {
            Ok(()) => {
                self.reconf.in_seq = seq.wrapping_add(1);
                true
            }
            Err(Some(result::PERFORMED)) if performed_silent => false,
            Err(r) => {
                self.reconf
                    .reply(from, seq, r.unwrap_or(result::BAD_SEQNO), None);
                false
            }
        }
    }

    fn granted(&self, flag: u32) -> bool {
        self.cfg.stream_reset_enable & flag != 0
    }

    /// 5.2.2: the peer resets its outgoing streams (our incoming ones).
    fn peer_outgoing_reset(
        &mut self,
        from: IpAddr,
        seq: u32,
        response_seq: u32,
        last_tsn: u32,
        streams: &[u16],
    ) {
        if tsn_gt(last_tsn, self.tracker.cum_tsn_ack()) {
            // Data before the reset is still missing: "In progress", not consumed; the
            // peer's retransmission is performed once it arrived.
            self.reconf.reply(from, seq, result::IN_PROGRESS, None);
            return;
        }
        if !self.new_request(from, seq, false) {
            return;
        }
        let r = self.perform_outgoing_reset(response_seq, streams);
        self.reconf.store_result(r);
        self.reconf.reply(from, seq, r, None);
    }

    fn perform_outgoing_reset(&mut self, response_seq: u32, streams: &[u16]) -> u32 {
        if !self.granted(enable::RESET_STREAMS) {
            return result::DENIED;
        }
        // An answer to our Incoming SSN Reset Request (5.2.3)? Any other request of ours
        // outstanding makes this one wait.
        let mut incoming = false;
        if self.reconf.req.is_some() {
            let ours = |p: &Param<'static>| matches!(p, Param::IncomingSsnReset { request_seq, .. } if *request_seq == response_seq);
            if self.reconf.answer(ours).is_none() {
                return result::ERR_IN_PROGRESS;
            }
            incoming = true;
        }
        if streams.iter().any(|s| *s >= self.neg.inbound_streams) {
            return result::WRONG_SSN;
        }
        self.reassembly.reset_streams(streams);
        self.push_event(Event::StreamReset {
            incoming,
            outgoing: true,
            result: ReconfResult::Performed,
            streams: streams.to_vec(),
        });
        result::PERFORMED
    }

    /// 5.2.3: the peer asks us to reset our outgoing streams: we do it with an Outgoing SSN
    /// Reset Request of our own, which is the answer.
    fn peer_incoming_reset(&mut self, now: Instant, from: IpAddr, seq: u32, streams: &[u16]) {
        if self.reconf.check_seq(seq).is_ok()
            && self.granted(enable::RESET_STREAMS)
            && self.reconf.req.is_none()
            && !streams.iter().any(|s| *s >= self.neg.outbound_streams)
            && !self.unsent_free(streams)
        {
            // Unsent data first: "In progress", not consumed.
            self.reconf.reply(from, seq, result::IN_PROGRESS, None);
            return;
        }
        if !self.new_request(from, seq, true) {
            return;
        }
        let r = if !self.granted(enable::RESET_STREAMS) {
            result::DENIED
        } else if self.reconf.req.is_some() {
            result::ERR_IN_PROGRESS
        } else if streams.iter().any(|s| *s >= self.neg.outbound_streams) {
            result::WRONG_SSN
        } else {
            let p = self.outgoing_reset(self.reconf.out_seq, streams.to_vec());
            self.start_request(now, vec![p], Closed::reset(streams));
            self.push_event(Event::StreamReset {
                incoming: true,
                outgoing: false,
                result: ReconfResult::Performed,
                streams: streams.to_vec(),
            });
            self.reconf.store_result(result::PERFORMED);
            return;
        };
        self.reconf.store_result(r);
        self.reconf.reply(from, seq, r, None);
    }

    /// 5.2.4: SSN/TSN Reset Request, once nothing of ours is unsent or unacknowledged.
    fn peer_assoc_reset(&mut self, from: IpAddr, seq: u32) {
        match self.reconf.check_seq(seq) {
            Err(Some(result::PERFORMED)) => {
                // Retransmitted: the TSNs again, as Linux recomputes them.
                let next = self.outstanding.cum_ack().wrapping_add(1);
                let expected = self.tracker.cum_tsn_ack().wrapping_add(1);
                self.reconf
                    .reply(from, seq, result::PERFORMED, Some((next, expected)));
                return;
            }
            Err(r) => {
                let r = r.unwrap_or(result::BAD_SEQNO);
                self.reconf.reply(from, seq, r, Some((0, 0)));
                return;
            }
            Ok(()) => {}
        }
        if !self.send_queue.is_empty() || !self.outstanding.is_empty() {
            self.reconf
                .reply(from, seq, result::IN_PROGRESS, Some((0, 0)));
            return;
        }
        self.reconf.in_seq = seq.wrapping_add(1);
        let (r, tsns) = if !self.granted(enable::RESET_ASSOC) {
            (result::DENIED, (0, 0))
        } else if self.reconf.req.is_some() {
            (result::ERR_IN_PROGRESS, (0, 0))
        } else {
            // G1: the peer's next TSN, far from anything in flight (Linux: cum + 2^31).
            let peer_next = self.tracker.cum_tsn_ack().wrapping_add(1 << 31);
            // G2 / G3: ours goes on from where it is (nothing is outstanding).
            let next = self.outstanding.next_tsn();
            self.restart_tsns(peer_next, next);
            self.push_event(Event::AssocReset {
                result: ReconfResult::Performed,
                local_tsn: peer_next,
                remote_tsn: next,
            });
            (result::PERFORMED, (next, peer_next))
        };
        self.reconf.store_result(r);
        self.reconf.reply(from, seq, r, Some(tsns));
    }

    /// 5.2.4 G1-G5 / 5.1.4: receive from `peer_next`, send from `next`, every stream
    /// numbered from 0 again. What the old TSN space still held is given up as a FORWARD TSN
    /// to its last TSN would (G4).
    fn restart_tsns(&mut self, peer_next: u32, next: u32) {
        let cum = self.tracker.cum_tsn_ack();
        self.reassembly.handle_forward_tsn(cum, &[]);
        self.reassembly.reset_streams(&[]);
        self.tracker = super::rx::DataTracker::new(peer_next);
        self.outstanding.restart_at(next);
        self.send_queue.reset_all_stream_sequences();
    }

    /// 5.2.5: the peer adds outgoing streams (our incoming ones).
    fn peer_adds_outgoing(&mut self, from: IpAddr, seq: u32, count: u16) {
        if !self.new_request(from, seq, false) {
            return;
        }
        let r = self.perform_add_incoming(count);
        self.reconf.store_result(r);
        self.reconf.reply(from, seq, r, None);
    }

    fn perform_add_incoming(&mut self, count: u16) -> u32 {
        if !self.granted(enable::CHANGE_ASSOC) {
            return result::DENIED;
        }
        if self.reconf.req.is_some()
            && self
                .reconf
                .answer(|p| matches!(p, Param::AddIncomingStreams { .. }))
                .is_none()
        {
            return result::ERR_IN_PROGRESS;
        }
        let total = u32::from(self.neg.inbound_streams) + u32::from(count);
        if count == 0 || total > MAX_STREAMS {
            return result::DENIED;
        }
        self.neg.inbound_streams = total as u16;
        self.reassembly.set_inbound_streams(total as u16);
        self.push_event(Event::StreamChange {
            result: ReconfResult::Performed,
            inbound: count,
            outbound: 0,
        });
        result::PERFORMED
    }

    /// 5.2.6: the peer asks for more incoming streams: we add outgoing ones with an Add
    /// Outgoing Streams request of our own, which is the answer.
    fn peer_adds_incoming(&mut self, now: Instant, from: IpAddr, seq: u32, count: u16) {
        if !self.new_request(from, seq, true) {
            return;
        }
        let total = u32::from(self.neg.outbound_streams) + u32::from(count);
        let r = if !self.granted(enable::CHANGE_ASSOC) {
            result::DENIED
        } else if self.reconf.req.is_some() {
            result::ERR_IN_PROGRESS
        } else if count == 0 || total > MAX_STREAMS {
            result::DENIED
        } else {
            let p = Param::AddOutgoingStreams {
                request_seq: self.reconf.out_seq,
                count,
            };
            let closed = self.open_new_streams(count);
            self.start_request(now, vec![p], closed);
            self.push_event(Event::StreamChange {
                result: ReconfResult::Performed,
                inbound: 0,
                outbound: count,
            });
            self.reconf.store_result(result::PERFORMED);
            return;
        };
        self.reconf.store_result(r);
        self.reconf.reply(from, seq, r, None);
    }

    /// 5.1: a Re-configuration Response to one parameter of our outstanding request.
    fn on_reconf_response(&mut self, response_seq: u32, result: u32, tsns: Option<(u32, u32)>) {
        let Some(req) = &self.reconf.req else {
            return;
        };
        let Some(p) = req
            .params
            .iter()
            .find(|p| request_seq(p) == Some(response_seq))
        else {
            return;
        };
        // "In progress": retransmitted on the timer. A performed Incoming SSN Reset / Add
        // Incoming Streams is answered by the peer's own request, not by a response.
        let answered_by_request = matches!(
            p,
            Param::IncomingSsnReset { .. } | Param::AddIncomingStreams { .. }
        ) && result == result::PERFORMED;
        // RFC 6525 4.4: the TSNs come with a performed SSN/TSN Reset (usrsctp leaves them out
        // of a refusal, which Linux then ignores for good; here it ends the request).
        let tsn_reset_without_tsns =
            matches!(p, Param::SsnTsnReset { .. }) && tsns.is_none() && result == result::PERFORMED;
        if result == result::IN_PROGRESS || answered_by_request || tsn_reset_without_tsns {
            return;
        }
        let Some(p) = self.reconf.answer(|p| request_seq(p) == Some(response_seq)) else {
            return;
        };
        self.error_count = 0;
        let ok = result == result::PERFORMED;
        let outcome = outcome(result);
        match p {
            Param::OutgoingSsnReset { streams, .. } => {
                if ok && streams.is_empty() {
                    self.send_queue.reset_all_stream_sequences();
                } else if ok {
                    streams
                        .iter()
                        .for_each(|s| self.send_queue.reset_stream_sequence(*s));
                }
                self.push_event(Event::StreamReset {
                    incoming: false,
                    outgoing: ok,
                    result: outcome,
                    streams,
                });
            }
            Param::IncomingSsnReset { streams, .. } => self.push_event(Event::StreamReset {
                incoming: false,
                outgoing: false,
                result: outcome,
                streams,
            }),
            Param::SsnTsnReset { .. } => {
                let (peer_next, next) = tsns.unwrap_or_default();
                if ok {
                    self.restart_tsns(peer_next, next);
                }
                self.push_event(Event::AssocReset {
                    result: outcome,
                    local_tsn: peer_next,
                    remote_tsn: next,
                });
            }
            Param::AddOutgoingStreams { count, .. } => {
                if !ok {
                    // Refused: the streams go again (what was queued on them fails).
                    let fewer = self.neg.outbound_streams.saturating_sub(count).max(1);
                    self.set_outbound_streams(fewer);
                }
                self.push_event(Event::StreamChange {
                    result: outcome,
                    inbound: 0,
                    outbound: count,
                });
            }
            Param::AddIncomingStreams { count, .. } => self.push_event(Event::StreamChange {
                result: outcome,
                inbound: count,
                outbound: 0,
            }),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_follow_rfc_6525_5_2_1() {
        let mut r = Reconf::default();
        r.reset(0, 100);
        r.results = [result::PERFORMED, result::DENIED];
        assert_eq!(r.check_seq(100), Ok(()));
        assert_eq!(r.check_seq(99), Err(Some(result::PERFORMED)));
        assert_eq!(r.check_seq(98), Err(Some(result::DENIED)));
        assert_eq!(r.check_seq(97), Err(None));
        assert_eq!(r.check_seq(101), Err(None));
        r.reset(0, 1);
        assert_eq!(r.check_seq(u32::MAX), Err(Some(0)));
    }

    #[test]
    fn allowed_parameter_combinations() {
        let out = Param::OutgoingSsnReset {
            request_seq: 1,
            response_seq: 0,
            last_tsn: 0,
            streams: vec![],
        };
        let inc = Param::IncomingSsnReset {
            request_seq: 2,
            streams: vec![],
        };
        let tsn = Param::SsnTsnReset { request_seq: 1 };
        let resp = Param::ReconfigResponse {
            response_seq: 1,
            result: 1,
            tsns: None,
        };
        let add_out = Param::AddOutgoingStreams {
            request_seq: 1,
            count: 1,
        };
        let add_in = Param::AddIncomingStreams {
            request_seq: 2,
            count: 1,
        };
        for ok in [
            vec![out.clone()],
            vec![tsn.clone()],
            vec![inc.clone(), out.clone()],
            vec![resp.clone(), out.clone()],
            vec![resp.clone(), resp.clone()],
            vec![add_in.clone(), add_out.clone()],
        ] {
            assert!(valid_combination(&ok), "{ok:?}");
        }
        for bad in [
            vec![tsn.clone(), out.clone()],
            vec![inc.clone(), inc],
            vec![add_out.clone(), add_out],
            vec![resp, tsn],
            vec![Param::EcnCapable],
        ] {
            assert!(!valid_combination(&bad), "{bad:?}");
        }
    }
}
