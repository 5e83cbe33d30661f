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
//! 2. it is the TSN right after the cumulative ack while gaps are open above it: without it
//!    the held out-of-order data could never be delivered or freed (Linux reneges in that
//!    case; we over-commit instead, up to the hard cap of twice the largest window ever
//!    offered plus the allowance, which a peer respecting our window never reaches).
//!
//! [`ReassemblyQueue::add`] itself enforces the hard cap, so memory stays bounded even if
//! the caller skips `admit`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use super::data_tracker::DataTracker;
use super::mid_fragments::MidPartials;
use super::ordered::OrderedStream;
use super::serial::SeqSpace;
use super::tsn_fragments::TsnFragments;
use super::RxError;
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

/// Joins fragment payloads of `total` bytes; a lone fragment's buffer is moved, not copied.
pub(super) fn concat(total: usize, parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    if first.len() == total {
        return first;
    }
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&first);
    for p in parts {
        out.extend_from_slice(&p);
    }
    out
}

/// Per-stream receive state.
#[derive(Debug, Clone, Default)]
struct InboundStream {
    order: OrderedStream,
    /// I-DATA partial messages (DATA fragments live in the association-wide TSN store).
    partials: MidPartials,
}

/// Reassembly and delivery of one association's inbound messages.
#[derive(Debug, Clone)]
pub struct ReassemblyQueue {
    rcvbuf: u32,
    /// Largest `rcvbuf` ever set: a window the peer may still be filling.
    peak_rcvbuf: u32,
    overflow: u32,
    num_streams: u16,
    space: SeqSpace,
    /// Payload bytes held: fragments, waiting ordered messages and deliverable messages.
    buffered: usize,
    /// Deliverable messages, in delivery order.
    ready: VecDeque<Message>,
    /// Created on first use; absent streams expect SSN/MID 0.
    streams: HashMap<u16, InboundStream>,
    /// DATA fragments (unused with I-DATA).
    tsn_fragments: TsnFragments,
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
        let fills_hole =
            chunk.tsn == tracker.cum_tsn_ack().wrapping_add(1) && !tracker.is_in_sequence();
        fills_hole && self.buffered + len <= self.hard_cap()
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
        let outcome = match self.space {
            SeqSpace::Ssn16 => self.add_data(chunk, from),
            SeqSpace::Mid32 => self.add_i_data(chunk, from),
        };
        match outcome {
            Ok(Some(msg)) => {
                self.deliver(msg);
                Ok(())
            }
            Ok(None) => Ok(()),
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
                // Delivered or skipped already (a late fragment of an abandoned message).
                return Err(Discarded {
                    freed: chunk.payload.len(),
                });
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
        if msg.unordered {
            self.ready.push_back(msg);
            return;
        }
        let stream = self.streams.entry(msg.stream_id).or_default();
        match stream.order.offer(self.space, msg, &mut self.ready) {
            Ok(()) => {
                // I-DATA partials of MIDs now passed can never be delivered.
                let passed = stream.order.next() - 1;
                let freed = stream.partials.drop_through(false, passed);
                self.release(freed);
            }
            Err(stale) => self.release(stale.payload.len()),
        }
    }

    fn release(&mut self, bytes: usize) {
        debug_assert!(bytes <= self.buffered);
        self.buffered = self.buffered.saturating_sub(bytes);
    }

    /// The next deliverable message, with `cum_tsn` (sinfo_cumtsn) set to the argument.
    /// Its bytes stop counting against the window.
    pub fn pop(&mut self, cum_tsn: u32) -> Option<Message> {
        let mut msg = self.ready.pop_front()?;
        self.release(msg.payload.len());
        msg.cum_tsn = cum_tsn;
        Some(msg)
    }

    /// The next deliverable message, left in place (SIOCINQ, MSG_PEEK).
    pub fn peek(&self) -> Option<&Message> {
        self.ready.front()
    }

    pub fn has_message(&self) -> bool {
        !self.ready.is_empty()
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
    pub fn handle_forward_tsn(&mut self, new_cum_tsn: u32, streams: &[SkippedStream]) {
        if self.space == SeqSpace::Ssn16 {
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
    }

    /// Incoming stream reset (RFC 6525 5.2.2): the listed streams (all when empty) expect
    /// SSN/MID 0 next; their partial I-DATA messages are dropped. The core performs it once
    /// every TSN up to the peer's Sender's Last Assigned TSN has arrived.
    pub fn reset_streams(&mut self, streams: &[u16]) {
        let mut freed = 0;
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
    }
}
