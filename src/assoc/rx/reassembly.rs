//! The reassembly queue (RFC 9260 6.5, 6.6, 6.9; RFC 8260 2.2): DATA / I-DATA chunks in,
//! whole messages out, ordered ones per stream in SSN/MID order and unordered ones as soon as
//! they are complete. It also owns the receive buffer accounting behind a_rwnd (RFC 9260
//! 6.2.1) and the rule deciding when a chunk is dropped for lack of room.
//!
//! Admission rule (RFC 9260 6.2 lets a receiver drop DATA it has no room for; the dropped TSN
//! must then not be acknowledged, so the core asks [`ReassemblyQueue::admit`] before
//! [`DataTracker::observe`]). A chunk is admitted when
//! 1. the advertised window is open (a_rwnd > 0) and the chunk exceeds it by at most the
//!    overflow allowance (one maximum-size chunk, Linux's `rwnd + frag_point` rule), or
//! 2. it is the TSN right after the cumulative ack while gaps are open above it, or while no
//!    message is deliverable: without it the held data (out-of-order chunks, or partial
//!    messages filling the whole window, e.g. interleaved I-DATA) could never be delivered or
//!    freed. Linux reneges or starts partial delivery there; we over-commit instead, up to
//!    the hard cap of twice the largest window ever offered plus the allowance.
//!
//! A message larger than the window goes up in pieces ([`super::partial_delivery`]), which
//! frees its bytes; the rule 2 over-commit covers what partial delivery cannot free (an
//! ordered message waiting for a missing predecessor, a window closed by unread data).
//!
//! [`ReassemblyQueue::add`] itself enforces the hard cap, so memory stays bounded even if
//! the caller skips `admit`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use super::data_tracker::DataTracker;
use super::mid_fragments::MidPartials;
use super::ordered::OrderedStream;
use super::partial_delivery::{Candidate, PdState};
use super::tsn_fragments::TsnFragments;
use super::RxError;
use crate::assoc::serial::SeqSpace;
use crate::assoc::Message;
use crate::wire::chunk::{DataChunk, SkippedStream};

/// Default overflow allowance: the largest DATA payload a peer may send into a nearly
/// closed window (a 64 KiB loopback packet).
pub const DEFAULT_OVERFLOW_ALLOWANCE: u32 = 65_536;

/// A fragment store dropped data: `freed` payload bytes left the queue, counting the new
/// chunk's own bytes when it was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Discarded {
    pub(super) freed: usize,
}

/// Joins fragment payloads of `total` bytes into the first fragment's buffer (grown in place
/// when the allocator can: no copy of the largest part); a lone fragment's buffer is moved.
pub(super) fn concat(total: usize, parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut parts = parts.into_iter();
    let Some(mut out) = parts.next() else {
        return Vec::new();
    };
    out.reserve_exact(total.saturating_sub(out.len()));
    for p in parts {
        out.extend_from_slice(&p);
    }
    out
}

/// Per-stream receive state.
#[derive(Debug, Clone, Default)]
pub(super) struct InboundStream {
    pub(super) order: OrderedStream,
    /// I-DATA partial messages (DATA fragments live in the association-wide TSN store).
    pub(super) partials: MidPartials,
}

/// Reassembly and delivery of one association's inbound messages.
#[derive(Debug, Clone)]
pub struct ReassemblyQueue {
    rcvbuf: u32,
    /// Largest `rcvbuf` ever set: a window the peer may still be filling.
    pub(super) peak_rcvbuf: u32,
    overflow: u32,
    num_streams: u16,
    pub(super) space: SeqSpace,
    /// Payload bytes held: fragments, waiting ordered messages and deliverable messages.
    pub(super) buffered: usize,
    /// Deliverable messages, in delivery order.
    pub(super) ready: VecDeque<Message>,
    /// Created on first use; absent streams expect SSN/MID 0.
    pub(super) streams: HashMap<u16, InboundStream>,
    /// DATA fragments (unused with I-DATA).
    pub(super) tsn_fragments: TsnFragments,
    /// Partial delivery settings and the message under it.
    pub(super) pd: PdState,
    /// Where the latest chunk came from (the address of a partially delivered piece).
    pub(super) last_from: IpAddr,
}

impl ReassemblyQueue {
    /// A queue advertising `rcvbuf` bytes, for `num_inbound_streams` streams, reassembling
    /// I-DATA (RFC 8260) when `i_data` is true and DATA otherwise.
    pub fn new(rcvbuf: u32, num_inbound_streams: u16, i_data: bool) -> Self {
        ReassemblyQueue {
            rcvbuf,
            peak_rcvbuf: rcvbuf,
            overflow: DEFAULT_OVERFLOW_ALLOWANCE,
            num_streams: num_inbound_streams,
            space: if i_data {
                SeqSpace::Mid32
            } else {
                SeqSpace::Ssn16
            },
            buffered: 0,
            ready: VecDeque::new(),
            streams: HashMap::new(),
            tsn_fragments: TsnFragments::default(),
            pd: PdState::default(),
            last_from: IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
        }
    }

    /// Whether to accept `chunk` given the TSN map (see the module doc for the rule). Ask
    /// before [`DataTracker::observe`]: a refused chunk is dropped and not acknowledged.
    pub fn admit(&self, chunk: &DataChunk<'_>, tracker: &DataTracker) -> bool {
        let len = chunk.payload.len();
        let window = self.a_rwnd();
        if window > 0 && len <= window as usize + self.overflow as usize {
            return true;
        }
        // The next TSN unblocks held data when gaps are open above it, or when nothing is
        // deliverable and partial messages fill the window. A window closed by data the
        // application has not read (nothing held here) takes nothing: a zero-window probe is
        // dropped, as Linux's `sctp_eat_data` does.
        let unblocks = chunk.tsn == tracker.cum_tsn_ack().wrapping_add(1)
            && (!tracker.is_in_sequence()
                || (!self.has_message() && (self.buffered > 0 || window > 0)));
        unblocks && self.buffered + len <= self.hard_cap()
    }

    fn hard_cap(&self) -> usize {
        2 * (self.peak_rcvbuf as usize + self.overflow as usize)
    }

    /// Takes a new DATA / I-DATA chunk (one whose TSN [`DataTracker::observe`] reported as
    /// new), copying its payload. Errors leave the queue unchanged except `Discarded`, which
    /// may also drop held fragments the chunk contradicted:
    /// - `InvalidStream`: stream id not below the inbound stream count; the core reports an
    ///   Invalid Stream Identifier error cause and still acknowledges the TSN (RFC 9260 6.5);
    /// - `NoUserData`: empty payload; the core aborts (RFC 9260 6.2);
    /// - `NoRoom`: above the hard memory cap (only if `admit` was not consulted);
    /// - `Discarded`: unusable fragment (see [`RxError::Discarded`]).
    ///
    /// A chunk of a message already delivered or skipped (FORWARD TSN) is dropped with `Ok`.
    pub fn add(&mut self, chunk: &DataChunk<'_>, from: IpAddr) -> Result<(), RxError> {
        if chunk.stream_id >= self.num_streams {
            return Err(RxError::InvalidStream);
        }
        let len = chunk.payload.len();
        if len == 0 {
            return Err(RxError::NoUserData);
        }
        if self.buffered + len > self.hard_cap() {
            return Err(RxError::NoRoom);
        }
        self.buffered += len;
        self.last_from = from;
        self.pd.note_chunk(len);
        let outcome = match self.space {
            SeqSpace::Ssn16 => self.add_data(chunk, from),
            SeqSpace::Mid32 => self.add_i_data(chunk, from),
        };
        match outcome {
            Ok(Some(msg)) => {
                self.deliver(msg);
                Ok(())
            }
            Ok(None) => {
                let hint = match self.space {
                    SeqSpace::Ssn16 => self
                        .tsn_fragments
                        .begin_before(chunk.tsn)
                        .map(Candidate::Tsn),
                    SeqSpace::Mid32 => self.mid_candidate(chunk),
                };
                self.maybe_start(hint);
                Ok(())
            }
            Err(Discarded { freed }) => {
                self.release(freed);
                Err(RxError::Discarded)
            }
        }
    }

    fn add_data(
        &mut self,
        chunk: &DataChunk<'_>,
        from: IpAddr,
    ) -> Result<Option<Message>, Discarded> {
        if chunk.begin && chunk.end {
            self.tsn_fragments.note_tsn(chunk.tsn);
            return Ok(Some(whole_message(chunk, from)));
        }
        self.tsn_fragments.add(chunk, from)
    }

    fn add_i_data(
        &mut self,
        chunk: &DataChunk<'_>,
        from: IpAddr,
    ) -> Result<Option<Message>, Discarded> {
        let stream = self.streams.entry(chunk.stream_id).or_default();
        let key = if chunk.unordered {
            stream.partials.unordered_key(chunk.mid)
        } else {
            let key = stream.order.key(SeqSpace::Mid32, chunk.mid);
            if key < stream.order.next() {
                // Delivered or skipped already (a late fragment of an abandoned message):
                // dropped without complaint, as DATA messages completing late are.
                self.release(chunk.payload.len());
                return Ok(None);
            }
            key
        };
        if chunk.begin && chunk.end {
            return Ok(Some(whole_message(chunk, from)));
        }
        stream.partials.add(key, chunk, from)
    }

    /// Routes a complete message: unordered ones are deliverable at once (RFC 9260 6.6),
    /// ordered ones wait for their turn in the stream.
    fn deliver(&mut self, msg: Message) {
        let msg_stream = msg.stream_id;
        if msg.unordered {
            self.ready.push_back(msg);
            return;
        }
        let stream = self.streams.entry(msg.stream_id).or_default();
        match stream.order.offer(self.space, msg, &mut self.ready) {
            Ok(()) => self.drop_passed(msg_stream),
            Err(stale) => self.release(stale.payload.len()),
        }
    }

    /// I-DATA partials of ordered MIDs that stream `sid` has passed can never be delivered.
    fn drop_passed(&mut self, sid: u16) {
        let Some(stream) = self.streams.get_mut(&sid) else {
            return;
        };
        let passed = stream.order.next() - 1;
        let freed = stream.partials.drop_through(false, passed);
        self.release(freed);
    }

    /// The ordered message with stream `sid`'s next SSN/MID went up in pieces (partial
    /// delivery): the stream moves on.
    pub(super) fn advance_stream(&mut self, sid: u16) {
        let stream = self.streams.entry(sid).or_default();
        stream.order.advance(&mut self.ready);
        self.drop_passed(sid);
    }

    /// The I-DATA message `chunk` belongs to, as a partial delivery candidate.
    fn mid_candidate(&mut self, chunk: &DataChunk<'_>) -> Option<Candidate> {
        let stream = self.streams.get_mut(&chunk.stream_id)?;
        let key = if chunk.unordered {
            stream.partials.unordered_key(chunk.mid)
        } else {
            stream.order.key(SeqSpace::Mid32, chunk.mid)
        };
        Some(Candidate::Mid(chunk.stream_id, chunk.unordered, key))
    }

    fn release(&mut self, bytes: usize) {
        debug_assert!(bytes <= self.buffered);
        self.buffered = self.buffered.saturating_sub(bytes);
    }

    /// The next deliverable message or piece of one (partial delivery), with `cum_tsn`
    /// (sinfo_cumtsn) set to the argument. Its bytes stop counting against the window.
    pub fn pop(&mut self, cum_tsn: u32) -> Option<Message> {
        let (mut msg, last_piece) = match self.take_piece() {
            Some(piece) => {
                let last = !piece.more;
                (piece, last)
            }
            None if self.others_blocked() => return None,
            None => {
                self.pd.took_ahead();
                (self.ready.pop_front()?, false)
            }
        };
        self.release(msg.payload.len());
        msg.cum_tsn = cum_tsn;
        if last_piece {
            // The next message may have qualified while this one went up in pieces.
            self.maybe_start(None);
        }
        Some(msg)
    }

    /// The next whole deliverable message, left in place (SIOCINQ, MSG_PEEK); None while a
    /// partially delivered message holds the others back.
    pub fn peek(&self) -> Option<&Message> {
        if self.others_blocked() {
            return None;
        }
        self.ready.front()
    }

    /// `pop` has something to give.
    pub fn has_message(&self) -> bool {
        self.piece_ready() || (!self.ready.is_empty() && !self.others_blocked())
    }

    /// Advertised receiver window credit (RFC 9260 6.2.1): the buffer minus every byte held,
    /// saturating at 0.
    pub fn a_rwnd(&self) -> u32 {
        let held = u32::try_from(self.buffered).unwrap_or(u32::MAX);
        self.rcvbuf.saturating_sub(held)
    }

    /// Payload bytes held (fragments, waiting and deliverable messages).
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// Number of fragments held for reassembly.
    pub fn held_fragments(&self) -> usize {
        self.tsn_fragments.len()
            + self
                .streams
                .values()
                .map(|s| s.partials.len())
                .sum::<usize>()
    }

    /// Recounts the bytes held from the structures themselves (accounting checks in tests).
    #[cfg(test)]
    pub(super) fn recount(&self) -> usize {
        let streams = self.streams.values();
        let in_streams: usize = streams
            .map(|s| s.order.held_bytes() + s.partials.held_bytes())
            .sum();
        let ready: usize = self.ready.iter().map(|m| m.payload.len()).sum();
        in_streams + ready + self.tsn_fragments.held_bytes()
    }

    /// Memory cap enforced by `add` (tests).
    #[cfg(test)]
    pub(super) fn memory_cap(&self) -> usize {
        self.hard_cap()
    }

    /// Changes the receive buffer (SO_RCVBUF); held data is kept even above a smaller buffer.
    pub fn set_rcvbuf(&mut self, rcvbuf: u32) {
        self.rcvbuf = rcvbuf;
        self.peak_rcvbuf = self.peak_rcvbuf.max(rcvbuf);
    }

    /// How far one chunk may overrun an open window (default
    /// [`DEFAULT_OVERFLOW_ALLOWANCE`]); the core may set it to the fragmentation point.
    pub fn set_overflow_allowance(&mut self, bytes: u32) {
        self.overflow = bytes;
    }

    /// Number of inbound streams changed (RFC 6525 Add Incoming Streams).
    pub fn set_inbound_streams(&mut self, num_inbound_streams: u16) {
        self.num_streams = num_inbound_streams;
    }

    /// FORWARD TSN (RFC 3758 3.6) / I-FORWARD TSN (RFC 8260 2.3.2): the peer abandoned the
    /// messages up to `new_cum_tsn`. DATA: fragments with TSNs at or below it are dropped and
    /// each listed ordered stream skips to after the listed SSN. I-DATA: the partial messages
    /// of each listed (stream, U flag) up to the listed MID are dropped, and ordered streams
    /// skip past it (TSNs say nothing there, as fragments of live messages interleave). Complete
    /// messages that were waiting behind a skipped one become deliverable. Entries naming a
    /// stream we do not have are ignored.
    ///
    /// Returns the streams and SSNs/MIDs of partially delivered messages it abandoned
    /// (SCTP_PARTIAL_DELIVERY_ABORTED).
    pub fn handle_forward_tsn(
        &mut self,
        new_cum_tsn: u32,
        streams: &[SkippedStream],
    ) -> Vec<(u16, u32)> {
        let mut new_cum = 0;
        if self.space == SeqSpace::Ssn16 {
            new_cum = self.tsn_fragments.note_tsn(new_cum_tsn);
            let freed = self.tsn_fragments.drop_through(new_cum_tsn);
            self.release(freed);
        }
        for skipped in streams {
            if skipped.stream_id >= self.num_streams
                || (self.space == SeqSpace::Ssn16 && skipped.unordered)
            {
                continue;
            }
            let stream = self.streams.entry(skipped.stream_id).or_default();
            let freed = if skipped.unordered {
                let key = stream.partials.unordered_key(skipped.mid);
                stream.partials.drop_through(true, key)
            } else {
                let key = stream.order.key(self.space, skipped.mid);
                let freed = stream.partials.drop_through(false, key);
                stream
                    .order
                    .skip_through(self.space, skipped.mid, &mut self.ready);
                freed
            };
            self.release(freed);
        }
        let aborted = self.pd_abandoned(new_cum);
        self.maybe_start(None);
        aborted
    }

    /// Incoming stream reset (RFC 6525 5.2.2): the listed streams (all when empty) expect
    /// SSN/MID 0 next; their partial I-DATA messages are dropped. The core performs it once
    /// every TSN up to the peer's Sender's Last Assigned TSN has arrived.
    pub fn reset_streams(&mut self, streams: &[u16]) {
        let mut freed = 0;
        // I-DATA: partially delivered messages' fragments are dropped with their stream's.
        if self.space == SeqSpace::Mid32 {
            if streams.is_empty() {
                self.abort_partial_delivery(None);
            }
            for &sid in streams {
                self.abort_partial_delivery(Some(sid));
            }
        }
        if streams.is_empty() {
            for stream in self.streams.values_mut() {
                stream.order.reset(self.space, &mut self.ready);
                freed += stream.partials.clear();
            }
        } else {
            for sid in streams {
                if let Some(stream) = self.streams.get_mut(sid) {
                    stream.order.reset(self.space, &mut self.ready);
                    freed += stream.partials.clear();
                }
            }
        }
        self.release(freed);
    }
}

/// A single-chunk (B and E) message: its payload is copied once, here.
fn whole_message(chunk: &DataChunk<'_>, from: IpAddr) -> Message {
    Message {
        stream_id: chunk.stream_id,
        ssn: chunk.mid,
        ppid: chunk.ppid,
        unordered: chunk.unordered,
        tsn: chunk.tsn,
        cum_tsn: 0,
        from,
        payload: chunk.payload.to_vec(),
        more: false,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::Observed;
    use super::*;
    use std::net::Ipv4Addr;

    pub(in crate::assoc::rx) const PEER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    /// A DATA/I-DATA chunk; `flags` is "B", "E", "BE" or "" (middle), plus "U" for unordered.
    pub(in crate::assoc::rx) fn chunk<'a>(
        tsn: u32,
        sid: u16,
        mid: u32,
        fsn: u32,
        flags: &str,
        payload: &'a [u8],
    ) -> DataChunk<'a> {
        DataChunk {
            tsn,
            stream_id: sid,
            mid,
            fsn,
            ppid: 42,
            unordered: flags.contains('U'),
            begin: flags.contains('B'),
            end: flags.contains('E'),
            immediate: false,
            payload,
        }
    }

    fn drain(q: &mut ReassemblyQueue) -> Vec<(u16, u32, Vec<u8>)> {
        std::iter::from_fn(|| q.pop(0))
            .map(|m| (m.stream_id, m.ssn, m.payload))
            .collect()
    }

    #[test]
    fn in_order_messages_and_window() {
        let mut q = ReassemblyQueue::new(1000, 4, false);
        assert_eq!(q.a_rwnd(), 1000);
        q.add(&chunk(10, 0, 0, 0, "BE", b"hello"), PEER).unwrap();
        q.add(&chunk(11, 0, 1, 0, "BE", b"world!"), PEER).unwrap();
        assert!(q.has_message());
        assert_eq!((q.buffered_bytes(), q.a_rwnd()), (11, 989));
        assert_eq!(q.peek().map(|m| m.tsn), Some(10));
        let m = q.pop(11).unwrap();
        assert_eq!(
            (m.ssn, m.tsn, m.cum_tsn, m.ppid, m.from),
            (0, 10, 11, 42, PEER)
        );
        assert_eq!(m.payload, b"hello");
        assert_eq!(q.a_rwnd(), 994);
        assert_eq!(q.pop(11).unwrap().payload, b"world!");
        assert!(q.pop(11).is_none() && !q.has_message());
        assert_eq!(q.a_rwnd(), 1000);
    }

    #[test]
    fn ordered_waits_for_missing_ssn_unordered_does_not() {
        let mut q = ReassemblyQueue::new(10_000, 4, false);
        q.add(&chunk(2, 1, 1, 0, "BE", b"s1"), PEER).unwrap();
        q.add(&chunk(3, 1, 2, 0, "BE", b"s2"), PEER).unwrap();
        assert!(!q.has_message());
        assert_eq!(
            q.buffered_bytes(),
            4,
            "waiting messages count against the window"
        );
        q.add(&chunk(4, 1, 0, 0, "BEU", b"u"), PEER).unwrap();
        // Another stream is not blocked by stream 1's gap.
        q.add(&chunk(5, 2, 0, 0, "BE", b"t0"), PEER).unwrap();
        assert_eq!(
            drain(&mut q),
            vec![(1, 0, b"u".to_vec()), (2, 0, b"t0".to_vec())]
        );
        q.add(&chunk(1, 1, 0, 0, "BE", b"s0"), PEER).unwrap();
        let got: Vec<u32> = drain(&mut q).into_iter().map(|(_, ssn, _)| ssn).collect();
        assert_eq!(got, vec![0, 1, 2]);
        assert_eq!(q.buffered_bytes(), 0);
    }

    #[test]
    fn data_fragments_any_order() {
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        q.add(&chunk(7, 0, 0, 0, "E", b"ghi"), PEER).unwrap();
        q.add(&chunk(5, 0, 0, 0, "B", b"abc"), PEER).unwrap();
        assert!(!q.has_message());
        assert_eq!(q.held_fragments(), 2);
        q.add(&chunk(6, 0, 0, 0, "", b"def"), PEER).unwrap();
        let m = q.pop(7).unwrap();
        assert_eq!((m.tsn, m.payload.as_slice()), (5, &b"abcdefghi"[..]));
        assert_eq!((q.held_fragments(), q.buffered_bytes()), (0, 0));
    }

    #[test]
    fn fragments_across_tsn_wrap() {
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        q.add(&chunk(u32::MAX - 1, 0, 0, 0, "B", b"a"), PEER)
            .unwrap();
        q.add(&chunk(0, 0, 0, 0, "E", b"c"), PEER).unwrap();
        q.add(&chunk(u32::MAX, 0, 0, 0, "", b"b"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 0, b"abc".to_vec())]);
        // Unordered fragments wrap the same way.
        q.add(&chunk(2, 0, 0, 0, "UE", b"y"), PEER).unwrap();
        q.add(&chunk(1, 0, 0, 0, "UB", b"x"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 0, b"xy".to_vec())]);
        // The SSN of unordered DATA means nothing, even if it differs between fragments.
        q.add(&chunk(3, 0, 7, 0, "UB", b"p"), PEER).unwrap();
        q.add(&chunk(4, 0, 9, 0, "UE", b"q"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 7, b"pq".to_vec())]);
    }

    #[test]
    fn ssn_wraps_at_2_pow_16() {
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        // Walk the stream's next SSN to 65534 with FORWARD TSNs (less than half a space each).
        for ssn in [30_000u32, 60_000, 65_533] {
            q.handle_forward_tsn(
                0,
                &[SkippedStream {
                    stream_id: 0,
                    unordered: false,
                    mid: ssn,
                }],
            );
        }
        for (tsn, ssn) in [(3, 1u32), (1, 65_535), (2, 0), (0, 65_534)] {
            q.add(&chunk(tsn, 0, ssn, 0, "BE", &[ssn as u8]), PEER)
                .unwrap();
        }
        let got: Vec<u32> = drain(&mut q).into_iter().map(|(_, ssn, _)| ssn).collect();
        assert_eq!(got, vec![65_534, 65_535, 0, 1]);
    }

    #[test]
    fn i_data_interleaved_messages_of_one_stream() {
        let mut q = ReassemblyQueue::new(10_000, 2, true);
        // MID 0 (3 fragments) and MID 1 (2 fragments) interleaved by TSN; MID 1 completes first.
        q.add(&chunk(1, 0, 0, 0, "B", b"A0"), PEER).unwrap();
        q.add(&chunk(2, 0, 1, 0, "B", b"B0"), PEER).unwrap();
        q.add(&chunk(4, 0, 1, 1, "E", b"B1"), PEER).unwrap();
        assert!(!q.has_message(), "MID 1 waits for MID 0");
        q.add(&chunk(5, 0, 0, 2, "E", b"A2"), PEER).unwrap();
        assert!(!q.has_message());
        q.add(&chunk(3, 0, 0, 1, "", b"A1"), PEER).unwrap();
        let msgs: Vec<Message> = std::iter::from_fn(|| q.pop(5)).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            (msgs[0].ssn, msgs[0].tsn, msgs[0].payload.as_slice()),
            (0, 1, &b"A0A1A2"[..])
        );
        assert_eq!(
            (msgs[1].ssn, msgs[1].tsn, msgs[1].payload.as_slice()),
            (1, 2, &b"B0B1"[..])
        );
        // Unordered MIDs are their own numbering: MID 0 unordered is not "already delivered".
        q.add(&chunk(7, 0, 0, 1, "UE", b"y"), PEER).unwrap();
        q.add(&chunk(6, 0, 0, 0, "UB", b"x"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 0, b"xy".to_vec())]);
        assert_eq!((q.buffered_bytes(), q.held_fragments()), (0, 0));
    }

    #[test]
    fn forward_tsn_skips_ordered_and_unordered_data() {
        let mut q = ReassemblyQueue::new(10_000, 2, false);
        // SSN 0 on stream 0: only its first fragment arrived (TSN 1); SSN 1 is complete.
        q.add(&chunk(1, 0, 0, 0, "B", b"lost"), PEER).unwrap();
        q.add(&chunk(4, 0, 1, 0, "BE", b"next"), PEER).unwrap();
        // An unordered message whose tail was abandoned.
        q.add(&chunk(3, 1, 0, 0, "UB", b"gone"), PEER).unwrap();
        // A fragment above the new cum TSN stays.
        q.add(&chunk(6, 1, 0, 0, "B", b"keep"), PEER).unwrap();
        assert_eq!(q.buffered_bytes(), 16);
        q.handle_forward_tsn(
            3,
            &[SkippedStream {
                stream_id: 0,
                unordered: false,
                mid: 0,
            }],
        );
        assert_eq!(drain(&mut q), vec![(0, 1, b"next".to_vec())]);
        assert_eq!((q.held_fragments(), q.buffered_bytes()), (1, 4));
        q.add(&chunk(7, 1, 0, 0, "E", b"!"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(1, 0, b"keep!".to_vec())]);
    }

    #[test]
    fn forward_tsn_delivers_complete_messages_it_passes() {
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        for (tsn, ssn) in [(3, 1), (4, 2), (6, 4)] {
            q.add(&chunk(tsn, 0, ssn, 0, "BE", b"m"), PEER).unwrap();
        }
        // SSN 0 and 3 abandoned: RFC 3758 3.6 delivers 1 and 2 (waiting, <= 3) then 4.
        q.handle_forward_tsn(
            5,
            &[SkippedStream {
                stream_id: 0,
                unordered: false,
                mid: 3,
            }],
        );
        let got: Vec<u32> = drain(&mut q).into_iter().map(|(_, ssn, _)| ssn).collect();
        assert_eq!(got, vec![1, 2, 4]);
        // A late message with a skipped SSN is dropped, not delivered.
        assert_eq!(q.add(&chunk(2, 0, 0, 0, "BE", b"old"), PEER), Ok(()));
        assert!(!q.has_message());
        assert_eq!(q.buffered_bytes(), 0);
    }

    #[test]
    fn forward_tsn_at_cum_ack_abandons_unsent_tail() {
        // SSN 0 had fragments at TSN 1 and 2 (both here); its unsent tail was abandoned, so
        // the FORWARD TSN is not ahead of our cum ack, yet its stream entry matters.
        let mut tracker = DataTracker::new(1);
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        for (tsn, flags) in [(1, "B"), (2, "")] {
            assert_eq!(tracker.observe(tsn), Observed::New);
            q.add(&chunk(tsn, 0, 0, 0, flags, b"part"), PEER).unwrap();
        }
        assert!(!tracker.handle_forward_tsn(2));
        q.handle_forward_tsn(
            2,
            &[SkippedStream {
                stream_id: 0,
                unordered: false,
                mid: 0,
            }],
        );
        assert_eq!((q.held_fragments(), q.buffered_bytes()), (0, 0));
        q.add(&chunk(3, 0, 1, 0, "BE", b"next"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 1, b"next".to_vec())]);
    }

    #[test]
    fn i_forward_tsn_drops_by_mid() {
        let mut q = ReassemblyQueue::new(10_000, 1, true);
        q.add(&chunk(1, 0, 0, 0, "B", b"a"), PEER).unwrap();
        q.add(&chunk(2, 0, 1, 0, "BE", b"b"), PEER).unwrap();
        q.add(&chunk(3, 0, 5, 0, "UB", b"u"), PEER).unwrap();
        q.add(&chunk(4, 0, 2, 0, "B", b"c"), PEER).unwrap();
        q.handle_forward_tsn(
            3,
            &[
                SkippedStream {
                    stream_id: 0,
                    unordered: false,
                    mid: 0,
                },
                SkippedStream {
                    stream_id: 0,
                    unordered: true,
                    mid: 5,
                },
            ],
        );
        assert_eq!(drain(&mut q), vec![(0, 1, b"b".to_vec())]);
        // MID 2's first fragment (TSN 4) is kept: I-FORWARD TSN drops by MID, not by TSN.
        assert_eq!((q.held_fragments(), q.buffered_bytes()), (1, 1));
        q.add(&chunk(5, 0, 2, 1, "E", b"d"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 2, b"cd".to_vec())]);
        // A late fragment of skipped MID 0 is dropped.
        assert_eq!(q.add(&chunk(6, 0, 0, 1, "E", b"z"), PEER), Ok(()));
        assert_eq!(q.buffered_bytes(), 0);
    }

    #[test]
    fn admission_rule() {
        let mut tracker = DataTracker::new(1);
        let mut q = ReassemblyQueue::new(1000, 1, false);
        q.set_overflow_allowance(100);
        let big = [0u8; 1100];
        assert!(q.admit(&chunk(1, 0, 0, 0, "BE", &big), &tracker));
        assert!(!q.admit(&chunk(5, 0, 0, 0, "BE", &[0; 1101]), &tracker));
        // The next TSN while nothing is deliverable may overrun (up to the hard cap).
        assert!(q.admit(&chunk(1, 0, 0, 0, "BE", &[0; 1101]), &tracker));
        assert!(!q.admit(&chunk(1, 0, 0, 0, "BE", &[0; 2201]), &tracker));
        // Fill the window with in-order data the application does not read.
        tracker.observe(1);
        q.add(&chunk(1, 0, 0, 0, "BE", &big[..1000]), PEER).unwrap();
        assert_eq!(q.a_rwnd(), 0);
        assert!(
            !q.admit(&chunk(2, 0, 1, 0, "BE", b"x"), &tracker),
            "closed window"
        );
        // Out-of-order data held: the hole filler (cum + 1) is still admitted.
        tracker.observe(3);
        assert!(q.admit(&chunk(2, 0, 1, 0, "BE", b"x"), &tracker));
        assert!(!q.admit(&chunk(4, 0, 1, 0, "BE", b"x"), &tracker));
        // ... but not beyond the hard cap.
        assert!(!q.admit(&chunk(2, 0, 1, 0, "BE", &[0; 1300]), &tracker));
        q.pop(1);
        assert!(q.admit(&chunk(4, 0, 1, 0, "BE", b"x"), &tracker));
        q.set_rcvbuf(10);
        assert_eq!(q.a_rwnd(), 10);
    }

    #[test]
    fn window_closed_by_unread_application_data() {
        // The runtime shrinks the buffer by what the application has not read: with nothing
        // held here, the next TSN (a zero-window probe) is dropped, as Linux does.
        let tracker = DataTracker::new(1);
        let mut q = ReassemblyQueue::new(1000, 1, false);
        q.set_rcvbuf(0);
        assert!(!q.admit(&chunk(1, 0, 0, 0, "BE", b"probe"), &tracker));
        q.set_rcvbuf(1000);
        assert!(q.admit(&chunk(1, 0, 0, 0, "BE", b"probe"), &tracker));
    }

    #[test]
    fn hard_cap_bounds_memory() {
        let mut q = ReassemblyQueue::new(1000, 1, false);
        q.set_overflow_allowance(0);
        let payload = [7u8; 100];
        let mut refused = 0;
        // B fragments that never complete, as a hostile peer ignoring our window would send.
        for tsn in 0..1000u32 {
            match q.add(&chunk(tsn * 2, 0, tsn, 0, "B", &payload), PEER) {
                Ok(()) => {}
                Err(RxError::NoRoom) => refused += 1,
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!(q.buffered_bytes(), 2000);
        assert_eq!(refused, 980);
        assert_eq!(q.a_rwnd(), 0);
    }

    #[test]
    fn hostile_inputs_are_refused_without_state() {
        let mut q = ReassemblyQueue::new(10_000, 2, false);
        assert_eq!(
            q.add(&chunk(1, 2, 0, 0, "BE", b"x"), PEER),
            Err(RxError::InvalidStream)
        );
        assert_eq!(
            q.add(&chunk(1, u16::MAX, 0, 0, "BE", b"x"), PEER),
            Err(RxError::InvalidStream)
        );
        assert_eq!(
            q.add(&chunk(1, 0, 0, 0, "BE", b""), PEER),
            Err(RxError::NoUserData)
        );
        assert_eq!(q.buffered_bytes(), 0);
        // Fragment run mixing two SSNs: discarded entirely.
        q.add(&chunk(10, 0, 0, 0, "B", b"aa"), PEER).unwrap();
        assert_eq!(
            q.add(&chunk(11, 0, 5, 0, "E", b"bb"), PEER),
            Err(RxError::Discarded)
        );
        // Ordered and unordered flags mixed in one run.
        q.add(&chunk(12, 1, 0, 0, "B", b"aa"), PEER).unwrap();
        assert_eq!(
            q.add(&chunk(13, 1, 0, 0, "UE", b"bb"), PEER),
            Err(RxError::Discarded)
        );
        assert_eq!((q.buffered_bytes(), q.held_fragments()), (0, 0));
        // Same TSN twice (the tracker normally filters it): the first copy stays.
        q.add(&chunk(20, 0, 0, 0, "B", b"first"), PEER).unwrap();
        assert_eq!(
            q.add(&chunk(20, 0, 0, 0, "B", b"other"), PEER),
            Err(RxError::Discarded)
        );
        q.add(&chunk(21, 0, 0, 0, "E", b"!"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 0, b"first!".to_vec())]);
        // Two B fragments then an E: the later B starts the message, the first never completes.
        q.add(&chunk(30, 0, 1, 0, "B", b"x"), PEER).unwrap();
        q.add(&chunk(31, 0, 1, 0, "B", b"y"), PEER).unwrap();
        q.add(&chunk(32, 0, 1, 0, "E", b"z"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 1, b"yz".to_vec())]);
        assert_eq!(q.held_fragments(), 1);
        // E before B in TSN order is never a message.
        q.add(&chunk(40, 0, 2, 0, "E", b"e"), PEER).unwrap();
        q.add(&chunk(41, 0, 2, 0, "B", b"b"), PEER).unwrap();
        assert!(!q.has_message());
        assert_eq!(q.buffered_bytes(), 3);
    }

    #[test]
    fn hostile_i_data_fragments() {
        let mut q = ReassemblyQueue::new(10_000, 1, true);
        q.add(&chunk(1, 0, 0, 0, "B", b"a"), PEER).unwrap();
        // Middle fragment duplicated under another TSN with other bytes: the first copy wins.
        q.add(&chunk(2, 0, 0, 1, "", b"b"), PEER).unwrap();
        assert_eq!(
            q.add(&chunk(3, 0, 0, 1, "", b"X"), PEER),
            Err(RxError::Discarded)
        );
        // FSN 0 without B, an E contradicting a held FSN, and a second E all are refused.
        assert_eq!(
            q.add(&chunk(4, 0, 0, 0, "", b"X"), PEER),
            Err(RxError::Discarded)
        );
        assert_eq!(
            q.add(&chunk(5, 0, 0, 1, "E", b"X"), PEER),
            Err(RxError::Discarded)
        );
        q.add(&chunk(6, 0, 0, 3, "E", b"d"), PEER).unwrap();
        assert_eq!(
            q.add(&chunk(7, 0, 0, 4, "", b"X"), PEER),
            Err(RxError::Discarded)
        );
        assert_eq!(
            q.add(&chunk(8, 0, 0, 2, "E", b"X"), PEER),
            Err(RxError::Discarded)
        );
        assert_eq!(q.buffered_bytes(), 3);
        q.add(&chunk(9, 0, 0, 2, "", b"c"), PEER).unwrap();
        assert_eq!(drain(&mut q), vec![(0, 0, b"abcd".to_vec())]);
        // A huge FSN as E just waits (bounded by the byte accounting).
        q.add(&chunk(10, 0, 1, u32::MAX, "E", b"e"), PEER).unwrap();
        q.add(&chunk(11, 0, 1, 0, "B", b"b"), PEER).unwrap();
        assert!(!q.has_message());
        assert_eq!(q.buffered_bytes(), 2);
        // The stream moving past MID 1 frees it.
        q.add(&chunk(12, 0, 2, 0, "BE", b"m"), PEER).unwrap();
        q.handle_forward_tsn(
            11,
            &[SkippedStream {
                stream_id: 0,
                unordered: false,
                mid: 1,
            }],
        );
        assert_eq!(drain(&mut q), vec![(0, 2, b"m".to_vec())]);
        assert_eq!((q.buffered_bytes(), q.held_fragments()), (0, 0));
    }

    #[test]
    fn stream_reset_restarts_numbering() {
        for i_data in [false, true] {
            let mut q = ReassemblyQueue::new(10_000, 3, i_data);
            for (tsn, sid) in [(1, 0), (2, 1), (3, 2)] {
                q.add(&chunk(tsn, sid, 0, 0, "BE", b"m"), PEER).unwrap();
            }
            q.add(&chunk(4, 0, 1, 0, "BE", b"m"), PEER).unwrap();
            drain(&mut q);
            q.reset_streams(&[0]);
            q.add(&chunk(5, 0, 0, 0, "BE", b"again"), PEER).unwrap();
            q.add(&chunk(6, 1, 0, 0, "BE", b"stale"), PEER).unwrap();
            assert_eq!(drain(&mut q), vec![(0, 0, b"again".to_vec())]);
            q.reset_streams(&[]);
            q.add(&chunk(7, 1, 0, 0, "BE", b"s1"), PEER).unwrap();
            q.add(&chunk(8, 2, 0, 0, "BE", b"s2"), PEER).unwrap();
            assert_eq!(drain(&mut q).len(), 2);
            assert_eq!(q.buffered_bytes(), 0);
        }
    }

    #[test]
    fn lone_fragment_buffer_is_moved() {
        let part = vec![1u8, 2, 3];
        let ptr = part.as_ptr();
        let joined = concat(3, [part]);
        assert_eq!(joined.as_ptr(), ptr);
        assert_eq!(concat(4, [vec![1u8, 2], vec![3, 4]]), vec![1, 2, 3, 4]);
        assert!(concat(0, Vec::<Vec<u8>>::new()).is_empty());
    }
}
