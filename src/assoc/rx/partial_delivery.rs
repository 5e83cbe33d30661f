//! Partial delivery (RFC 6458 8.1.20 and 6.1.7, as Linux's `ulpqueue.c` does it): a message
//! that is not complete yet goes up in pieces, so that one larger than the receive buffer
//! can be received at all. All pieces but the last carry [`Message::more`] (no MSG_EOR).
//!
//! When it starts: a message next in turn (unordered, or ordered with the stream's next
//! SSN/MID) has its leading fragments here in sequence, and either
//! - they reach the partial delivery point (SCTP_PARTIAL_DELIVERY_POINT, when set), or
//! - the receive buffer is filling with held data: less window is left than the largest
//!   chunk seen so far, and what is held is at least half the buffer (a window closed only
//!   by data the application has not read yet splits no message).
//!
//! The fragments here in sequence go up as the first piece at once; then each `pop` takes
//! the message's next fragments that are here in sequence as one piece (their bytes leave
//! the window), until the E fragment is taken. The messages that were deliverable when it
//! started go first (in Linux they are on the socket already);
//! other messages of the association wait (fragment interleave levels 0 and 1, Linux's
//! `pd_mode`); at level 2 only messages of the same stream wait. With I-DATA (RFC 8260), whose
//! senders interleave the fragments of messages of different streams, each stream may have
//! one ordered and one unordered message under partial delivery at once, their pieces
//! interleave, and complete messages are not held back (as Linux's `stream_interleave.c`
//! queue does): holding them could fill the buffer with data the pieces wait behind.
//! An ordered message under partial delivery keeps its stream's later messages waiting until
//! its last piece is taken.
//!
//! It ends early when the message is abandoned (FORWARD TSN, RFC 3758 3.6) or the
//! association fails: the core then reports SCTP_PARTIAL_DELIVERY_EVENT with
//! SCTP_PARTIAL_DELIVERY_ABORTED for its stream and SSN/MID.

use super::reassembly::ReassemblyQueue;
use crate::assoc::serial::SeqSpace;
use crate::assoc::Message;
use crate::wire::chunk::DataChunk;

/// Which message a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MsgId {
    pub(super) stream_id: u16,
    pub(super) unordered: bool,
    /// SSN (DATA) or MID (I-DATA) as sent.
    pub(super) ssn: u32,
}

impl MsgId {
    pub(super) fn of(chunk: &DataChunk<'_>) -> MsgId {
        MsgId {
            stream_id: chunk.stream_id,
            unordered: chunk.unordered,
            ssn: chunk.mid,
        }
    }

    /// Both can be one message: same stream and U flag, and for ordered messages the same
    /// SSN (unordered DATA leaves the SSN unused, RFC 9260 3.3.1).
    pub(super) fn same_message(&self, other: &MsgId) -> bool {
        (self.stream_id, self.unordered) == (other.stream_id, other.unordered)
            && (self.unordered || self.ssn == other.ssn)
    }
}

/// The leading fragments of a message that is not complete.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lead {
    pub(super) id: MsgId,
    pub(super) ppid: u32,
    /// Bytes here in sequence from the first fragment (counted up to a limit).
    pub(super) bytes: usize,
}

/// Fragments taken out of a store as one piece.
#[derive(Debug)]
pub(super) struct Taken {
    pub(super) payload: Vec<u8>,
    /// TSN and PPID of the piece's first fragment.
    pub(super) tsn: u32,
    pub(super) ppid: u32,
    /// Where the next piece starts: DATA: its unwrapped TSN; I-DATA: the message's key.
    pub(super) next: u64,
    /// The E fragment was taken: this is the last piece.
    pub(super) ended: bool,
}

/// A message under partial delivery.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pd {
    id: MsgId,
    /// DATA: unwrapped TSN of the next fragment to hand up; I-DATA: the message's key.
    at: u64,
    /// PPID of the first fragment (I-DATA carries it there only).
    ppid: u32,
}

/// Where a message that may start partial delivery is held.
#[derive(Debug, Clone, Copy)]
pub(super) enum Candidate {
    /// DATA: the unwrapped TSN of its B fragment.
    Tsn(u64),
    /// I-DATA: its stream, U flag and key.
    Mid(u16, bool, u64),
}

/// DATA B fragments looked at when searching for a message to deliver partially: the
/// lowest ones are those the cumulative TSN waits for.
const SCAN_BEGINS: usize = 8;

/// I-DATA: messages under partial delivery at once, at most (a peer starting one per stream
/// and never finishing them must not grow the state; beyond, the buffer over-commits).
const MAX_CURRENT: usize = 64;

/// Partial-delivery settings and state of a [`ReassemblyQueue`].
#[derive(Debug, Clone, Default)]
pub(super) struct PdState {
    /// SCTP_PARTIAL_DELIVERY_POINT (0: off).
    point: usize,
    /// SCTP_FRAGMENT_INTERLEAVE level.
    level: u8,
    /// Largest chunk payload received (how much window the next chunk may need).
    max_chunk: usize,
    /// Messages under partial delivery (DATA: at most one).
    current: Vec<Pd>,
    /// Messages at the front of `ready` that go before the pieces (they were deliverable
    /// when the latest partial delivery started).
    ahead: usize,
}

impl PdState {
    /// A message that was deliverable when partial delivery started was taken.
    pub(super) fn took_ahead(&mut self) {
        self.ahead = self.ahead.saturating_sub(1);
    }

    pub(super) fn note_chunk(&mut self, len: usize) {
        self.max_chunk = self.max_chunk.max(len);
    }

    fn on_stream(&self, sid: u16) -> bool {
        self.current.iter().any(|pd| pd.id.stream_id == sid)
    }
}

impl ReassemblyQueue {
    /// SCTP_PARTIAL_DELIVERY_POINT (bytes, 0: only when the buffer fills) and
    /// SCTP_FRAGMENT_INTERLEAVE level (0, 1 or 2; see the module doc).
    pub fn set_partial_delivery(&mut self, point: u32, level: u8) {
        self.pd.point = point as usize;
        self.pd.level = level;
    }

    /// A message is being delivered in pieces (not all of it handed up yet).
    pub fn in_partial_delivery(&self) -> bool {
        !self.pd.current.is_empty()
    }

    /// Message `pd` has a piece to hand up.
    fn piece_here(&self, pd: &Pd) -> bool {
        match self.space {
            SeqSpace::Ssn16 => self.tsn_fragments.holds(pd.at),
            SeqSpace::Mid32 => self
                .streams
                .get(&pd.id.stream_id)
                .is_some_and(|s| s.partials.next_here(pd.id.unordered, pd.at)),
        }
    }

    /// A message under partial delivery has a piece to hand up.
    pub(super) fn piece_ready(&self) -> bool {
        self.pd.current.iter().any(|pd| self.piece_here(pd))
    }

    /// The next complete message must wait for a partially delivered one (see the module
    /// doc).
    pub(super) fn others_blocked(&self) -> bool {
        if self.pd.current.is_empty() || self.space == SeqSpace::Mid32 || self.pd.ahead > 0 {
            return false;
        }
        self.pd.level < 2
            || self
                .ready
                .front()
                .is_some_and(|m| self.pd.on_stream(m.stream_id))
    }

    /// The next piece of a partially delivered message, if one is here. After the last, the
    /// stream moves on and another message may start partial delivery.
    pub(super) fn take_piece(&mut self) -> Option<Message> {
        if self.pd.ahead > 0 {
            return None;
        }
        self.next_piece()
    }

    /// `take_piece` without waiting for the messages ahead.
    fn next_piece(&mut self) -> Option<Message> {
        let i = self.pd.current.iter().position(|pd| self.piece_here(pd))?;
        let pd = self.pd.current[i];
        let taken = match self.space {
            SeqSpace::Ssn16 => self.tsn_fragments.take_from(pd.at, &pd.id),
            SeqSpace::Mid32 => self
                .streams
                .get_mut(&pd.id.stream_id)?
                .partials
                .take_lead(pd.id.unordered, pd.at),
        }?;
        let msg = Message {
            stream_id: pd.id.stream_id,
            ssn: pd.id.ssn,
            ppid: if self.space == SeqSpace::Ssn16 {
                taken.ppid
            } else {
                pd.ppid
            },
            unordered: pd.id.unordered,
            tsn: taken.tsn,
            cum_tsn: 0,
            from: self.last_from,
            payload: taken.payload,
            more: !taken.ended,
        };
        if taken.ended {
            self.pd.current.swap_remove(i);
            if !pd.id.unordered {
                self.advance_stream(pd.id.stream_id);
            }
        } else {
            self.pd.current[i].at = taken.next;
        }
        Some(msg)
    }

    /// Starts partial delivery when the rules of the module doc say so, looking at `hint`
    /// (the message a new chunk belongs to) first, then at the other candidates when the
    /// buffer fills or no hint is given.
    pub(super) fn maybe_start(&mut self, hint: Option<Candidate>) {
        let most = match self.space {
            SeqSpace::Ssn16 => 1,
            SeqSpace::Mid32 => MAX_CURRENT,
        };
        if self.pd.current.len() >= most {
            return;
        }
        let filling = (self.a_rwnd() as usize) < self.pd.max_chunk
            && self.buffered * 2 >= self.peak_rcvbuf as usize;
        let limit = match (filling, self.pd.point) {
            (true, _) => 1,
            (false, 0) => return,
            (false, point) => point,
        };
        if self.buffered < limit {
            return;
        }
        if let Some(c) = hint {
            if self.try_start(c, limit) {
                return;
            }
            if !filling {
                return;
            }
        }
        for c in self.candidates() {
            if self.try_start(c, limit) {
                return;
            }
        }
    }

    /// Messages whose first fragment is here: the lowest DATA B fragments, or per stream the
    /// next ordered MID and the unordered MIDs.
    fn candidates(&self) -> Vec<Candidate> {
        match self.space {
            SeqSpace::Ssn16 => self
                .tsn_fragments
                .begins()
                .take(SCAN_BEGINS)
                .map(Candidate::Tsn)
                .collect(),
            SeqSpace::Mid32 => {
                let mut out = Vec::new();
                for (&sid, s) in &self.streams {
                    let next = s.order.next();
                    if s.partials.holds(false, next) {
                        out.push(Candidate::Mid(sid, false, next));
                    }
                    let unordered = s.partials.startable(true).take(SCAN_BEGINS);
                    out.extend(unordered.map(|k| Candidate::Mid(sid, true, k)));
                }
                // In stream order, whatever the map's: the same input starts the same one.
                out.sort_unstable_by_key(|c| match c {
                    Candidate::Mid(sid, u, key) => (*sid, *u, *key),
                    Candidate::Tsn(t) => (0, false, *t),
                });
                out
            }
        }
    }

    /// Starts partial delivery of candidate `c` if it is next in its stream and at least
    /// `limit` of its leading bytes are here.
    fn try_start(&mut self, c: Candidate, limit: usize) -> bool {
        let lead = match c {
            Candidate::Tsn(b) => self.tsn_fragments.lead(b, limit),
            Candidate::Mid(sid, unordered, key) => self
                .streams
                .get(&sid)
                .and_then(|s| s.partials.lead(sid, unordered, key, limit)),
        };
        let Some(lead) = lead.filter(|l| l.bytes >= limit) else {
            return false;
        };
        let id = lead.id;
        let busy = |pd: &Pd| (pd.id.stream_id, pd.id.unordered) == (id.stream_id, id.unordered);
        if self.pd.current.iter().any(busy) {
            return false;
        }
        // Ordered: the stream's next SSN/MID (a stream not seen yet expects 0).
        let in_turn = lead.id.unordered
            || self
                .streams
                .get(&lead.id.stream_id)
                .map_or(lead.id.ssn == 0, |s| {
                    s.order.key(self.space, lead.id.ssn) == s.order.next()
                });
        if !in_turn {
            return false;
        }
        let at = match c {
            Candidate::Tsn(b) => {
                self.tsn_fragments.claim(b);
                b
            }
            Candidate::Mid(sid, unordered, key) => {
                if let Some(s) = self.streams.get_mut(&sid) {
                    s.partials.claim(unordered, key);
                }
                key
            }
        };
        self.pd.current.push(Pd {
            id: lead.id,
            at,
            ppid: lead.ppid,
        });
        // The leading fragments go up now, behind what is deliverable already (as Linux
        // queues the first piece at once): later pieces wait for them.
        // (A last piece moves its stream on: the successors it releases come after it.)
        let at_end = self.ready.len();
        if let Some(first) = self.next_piece() {
            self.ready.insert(at_end, first);
        }
        self.pd.ahead = self.ready.len();
        true
    }

    /// Ends partial delivery of the messages (all when `stream` is None) without their rest:
    /// the association failed, or their stream was reset. Their streams and SSNs/MIDs, for
    /// SCTP_PARTIAL_DELIVERY_ABORTED.
    pub fn abort_partial_delivery(&mut self, stream: Option<u16>) -> Vec<(u16, u32)> {
        let mut aborted = Vec::new();
        self.pd.current.retain(|pd| {
            let hit = stream.is_none_or(|s| s == pd.id.stream_id);
            if hit {
                aborted.push((pd.id.stream_id, pd.id.ssn));
            }
            !hit
        });
        aborted
    }

    /// After a FORWARD TSN to unwrapped `new_cum` (DATA) or its stream skips (I-DATA): a
    /// partially delivered message was abandoned when its next fragment is skipped, its
    /// ordered stream moved past it, or (I-DATA) its fragments were dropped.
    pub(super) fn pd_abandoned(&mut self, new_cum: u64) -> Vec<(u16, u32)> {
        let mut aborted = Vec::new();
        let (space, streams) = (self.space, &self.streams);
        self.pd.current.retain(|pd| {
            let stream = streams.get(&pd.id.stream_id);
            let passed = !pd.id.unordered
                && stream.is_some_and(|s| s.order.key(space, pd.id.ssn) < s.order.next());
            let gone = match space {
                SeqSpace::Ssn16 => pd.at <= new_cum,
                SeqSpace::Mid32 => {
                    !stream.is_some_and(|s| s.partials.holds(pd.id.unordered, pd.at))
                }
            };
            if passed || gone {
                aborted.push((pd.id.stream_id, pd.id.ssn));
            }
            !(passed || gone)
        });
        aborted
    }
}

#[cfg(test)]
mod tests {
    use super::super::reassembly::tests::{chunk, PEER};
    use super::*;

    /// (stream, SSN, more, payload) of everything `pop` gives now.
    fn pops(q: &mut ReassemblyQueue) -> Vec<(u16, u32, bool, Vec<u8>)> {
        std::iter::from_fn(|| q.pop(0))
            .map(|m| (m.stream_id, m.ssn, m.more, m.payload))
            .collect()
    }

    #[test]
    fn point_reached_first_piece_goes_up_behind_what_was_ready() {
        let mut q = ReassemblyQueue::new(10_000, 2, false);
        q.set_partial_delivery(4, 0);
        q.add(&chunk(1, 1, 0, 0, "BE", b"ready"), PEER).unwrap();
        q.add(&chunk(2, 0, 0, 0, "B", b"ab"), PEER).unwrap();
        assert!(!q.in_partial_delivery(), "2 bytes: below the point");
        q.add(&chunk(3, 0, 0, 0, "", b"cd"), PEER).unwrap();
        assert!(q.in_partial_delivery());
        // A later message of stream 1 waits (level 0); the earlier one goes first.
        q.add(&chunk(6, 1, 1, 0, "BE", b"later"), PEER).unwrap();
        assert_eq!(
            pops(&mut q),
            vec![
                (1, 0, false, b"ready".to_vec()),
                (0, 0, true, b"abcd".to_vec())
            ]
        );
        // Fragments in sequence come as one piece; a gap stops it.
        q.add(&chunk(5, 0, 0, 0, "E", b"!"), PEER).unwrap();
        assert!(!q.has_message(), "TSN 4 is missing");
        q.add(&chunk(4, 0, 0, 0, "", b"ef"), PEER).unwrap();
        assert_eq!(
            pops(&mut q),
            vec![
                (0, 0, false, b"ef!".to_vec()),
                (1, 1, false, b"later".to_vec())
            ]
        );
        assert!(!q.in_partial_delivery());
        assert_eq!((q.buffered_bytes(), q.held_fragments()), (0, 0));
    }

    #[test]
    fn ordered_successor_waits_for_the_last_piece() {
        for i_data in [false, true] {
            let mut q = ReassemblyQueue::new(10_000, 1, i_data);
            q.set_partial_delivery(2, 0);
            q.add(&chunk(1, 0, 0, 0, "B", b"xx"), PEER).unwrap();
            q.add(&chunk(3, 0, 1, 0, "BE", b"next"), PEER).unwrap();
            assert_eq!(pops(&mut q), vec![(0, 0, true, b"xx".to_vec())]);
            q.add(&chunk(2, 0, 0, 1, "E", b"y"), PEER).unwrap();
            assert_eq!(
                pops(&mut q),
                vec![
                    (0, 0, false, b"y".to_vec()),
                    (0, 1, false, b"next".to_vec())
                ],
                "i_data {i_data}"
            );
        }
    }

    #[test]
    fn level_2_lets_other_streams_through() {
        let mut q = ReassemblyQueue::new(10_000, 2, false);
        q.set_partial_delivery(2, 2);
        q.add(&chunk(1, 0, 0, 0, "B", b"xx"), PEER).unwrap();
        assert_eq!(pops(&mut q), vec![(0, 0, true, b"xx".to_vec())]);
        q.add(&chunk(3, 1, 0, 0, "BE", b"other"), PEER).unwrap();
        assert_eq!(pops(&mut q), vec![(1, 0, false, b"other".to_vec())]);
        q.add(&chunk(2, 0, 0, 0, "E", b"y"), PEER).unwrap();
        assert_eq!(pops(&mut q), vec![(0, 0, false, b"y".to_vec())]);
    }

    #[test]
    fn filling_buffer_starts_without_a_point() {
        let mut q = ReassemblyQueue::new(1000, 1, false);
        q.add(&chunk(1, 0, 0, 0, "B", &[1; 400]), PEER).unwrap();
        assert!(!q.in_partial_delivery(), "600 left for 400-byte chunks");
        q.add(&chunk(2, 0, 0, 0, "", &[2; 400]), PEER).unwrap();
        assert!(q.in_partial_delivery(), "200 left");
        let got = pops(&mut q);
        assert_eq!((got.len(), got[0].2, got[0].3.len()), (1, true, 800));
        assert_eq!(q.a_rwnd(), 1000);
    }

    #[test]
    fn abort_and_forward_tsn_end_it() {
        let mut q = ReassemblyQueue::new(10_000, 1, false);
        q.set_partial_delivery(1, 0);
        q.add(&chunk(1, 0, 0, 0, "B", b"a"), PEER).unwrap();
        assert_eq!(q.abort_partial_delivery(None), vec![(0, 0)]);
        assert!(q.abort_partial_delivery(None).is_empty());
        let mut q = ReassemblyQueue::new(10_000, 1, true);
        q.set_partial_delivery(1, 0);
        q.add(&chunk(1, 0, 0, 0, "B", b"a"), PEER).unwrap();
        pops(&mut q);
        let skipped = crate::wire::chunk::SkippedStream {
            stream_id: 0,
            unordered: false,
            mid: 0,
        };
        assert_eq!(q.handle_forward_tsn(1, &[skipped]), vec![(0, 0)]);
        assert!(!q.in_partial_delivery());
        q.add(&chunk(2, 0, 1, 0, "BE", b"next"), PEER).unwrap();
        assert_eq!(pops(&mut q), vec![(0, 1, false, b"next".to_vec())]);
    }
}
