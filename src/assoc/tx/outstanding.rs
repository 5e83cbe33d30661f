//! DATA chunks sent and not yet cumulatively acknowledged: SACK processing (RFC 9260 6.2.1),
//! RTT sampling (6.3.1 C4/C5, Karn), T3-rtx marking (6.3.3 E3), fast retransmit with HTNA
//! miss indications and Fast Recovery (7.2.4), and PR-SCTP abandonment with the Advanced
//! Peer Ack Point (RFC 3758 3.5, RFC 7496, RFC 8260 I-FORWARD-TSN).
//!
//! TSNs are kept as 64-bit values unwrapped from the 32-bit wire TSNs (see `assoc::serial`), so
//! the chunks from the cumulative ack point on sit in a `VecDeque` indexed by TSN offset and the
//! retransmission sets are ordered maps without wraparound concerns.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use super::send_queue::OutChunk;
use super::PathId;
use super::PrStats;
use crate::assoc::serial::{unwrap_tsn, UNWRAP_BASE};
use crate::assoc::{Event, PrPolicy};
use crate::wire::chunk::{ForwardTsnChunk, SackChunk, SkippedStream};

/// RFC 9260 7.2.4: fast retransmit on the third miss indication.
const FAST_RETRANSMIT_MISSES: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Sent and counted in the flight size.
    InFlight,
    /// Acknowledged by a gap block; kept until the cumulative ack passes it (it may renege).
    GapAcked,
    /// Waiting for retransmission, not in flight.
    Retransmit { fast: bool },
    /// PR-SCTP: given up; the payload is freed and the TSN will be skipped by FORWARD TSN.
    Abandoned,
}

#[derive(Debug)]
struct Entry {
    chunk: OutChunk,
    len: usize,
    path: PathId,
    sent_at: Instant,
    transmissions: u32,
    misses: u32,
    fast_retransmitted: bool,
    state: State,
}

/// A chunk as it was before a SACK acknowledged it.
#[derive(Debug, Clone, Copy)]
struct Acked {
    path: PathId,
    len: usize,
    state: State,
    transmissions: u32,
    sent_at: Instant,
}

impl From<&Entry> for Acked {
    fn from(e: &Entry) -> Self {
        Acked {
            path: e.path,
            len: e.len,
            state: e.state,
            transmissions: e.transmissions,
            sent_at: e.sent_at,
        }
    }
}

/// What one path learned from a SACK (feed its `Congestion` and T3 timer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathAck {
    pub path: PathId,
    /// Payload bytes of chunks last sent on this path newly acknowledged (cum ack or gap).
    pub bytes_acked: usize,
    /// This path's flight size before the SACK (for `Congestion::on_ack`).
    pub in_flight_before: usize,
    /// RTT measured from a chunk sent once on this path (RFC 9260 6.3.1 C4/C5).
    pub rtt: Option<Duration>,
    /// The cumulative ack newly covered a chunk of this path: restart its T3-rtx timer
    /// (RFC 9260 6.3.2 R3; stop it instead when nothing is in flight on the path, R2).
    pub restart_t3: bool,
    /// A gap-acked chunk of this path was reneged: start T3 if not running (6.3.2 R4).
    pub reneged: bool,
    /// Enter Fast Recovery on this path: `Congestion::on_fast_retransmit` (7.2.4 step 2),
    /// after `on_ack`.
    pub enter_fast_recovery: bool,
}

/// Outcome of a SACK.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SackResult {
    /// The SACK was older than the current cumulative ack point and was dropped
    /// (RFC 9260 6.2.1 D i); nothing else in this result is set.
    pub ignored: bool,
    pub cum_advanced: bool,
    /// Per path touched by this SACK, in first-touched order.
    pub paths: Vec<PathAck>,
    /// Fast Recovery state to use for `Congestion::on_ack` (after a possible exit).
    pub in_fast_recovery: bool,
    /// Chunks were newly marked for fast retransmission: send them now, one packet's worth
    /// (7.2.4 step 3), ignoring cwnd.
    pub fast_retransmit: bool,
    /// Peer's receive window: a_rwnd minus bytes still outstanding (6.2.1 D iv).
    pub peer_rwnd: u32,
    /// RFC 3758 3.5 C3: the Advanced.Peer.Ack.Point is ahead of the cumulative ack; send
    /// [`OutstandingData::forward_tsn`].
    pub send_forward_tsn: bool,
}

/// Send-side counters of SCTP_GET_ASSOC_STATS (Linux `struct sctp_assoc_stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxStats {
    /// SACKs received (`sas_isacks`).
    pub isacks: u64,
    /// Gap ack blocks received in processed SACKs (`sas_gapcnt`).
    pub gapcnt: u64,
    /// DATA chunks retransmitted (`sas_rtxchunks`).
    pub rtxchunks: u64,
    /// Ordered and unordered DATA chunks sent, retransmissions excluded (`sas_oodchunks`,
    /// `sas_ouodchunks`).
    pub oodchunks: u64,
    pub ouodchunks: u64,
}

/// A SACK that must not be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SackError {
    /// The cumulative TSN ack covers TSNs never sent: protocol violation, ABORT (Linux
    /// `sctp_sf_violation_ctsn`).
    AcksUnsentTsn,
}

/// Sent DATA chunks from the cumulative ack point on.
#[derive(Debug)]
pub struct OutstandingData {
    /// Extended TSN of `entries[0]`, i.e. cumulative ack point + 1.
    first: u64,
    entries: VecDeque<Entry>,
    fast_rtx: BTreeSet<u64>,
    t3_rtx: BTreeSet<u64>,
    in_flight: usize,
    in_flight_on: Vec<usize>,
    /// Bytes not acknowledged and not abandoned (in flight, gap-acked or awaiting rtx).
    outstanding: usize,
    unacked_chunks: usize,
    /// Bytes that left this queue (cum-acked or abandoned) since `take_freed_bytes`.
    freed: usize,
    peer_rwnd: u32,
    fast_recovery_exit: Option<u64>,
    /// Per path: the TSN being timed for an RTT sample (one per round trip, C4).
    rtt_probe: Vec<Option<u64>>,
    /// Earliest PR-SCTP deadline among outstanding chunks (lower bound).
    next_expiry: Option<Instant>,
    /// An RTX-limited chunk was marked for retransmission since the last abandon scan.
    rtx_check: bool,
    /// Reused buffer for sanitized gap blocks (extended start, end).
    blocks: Vec<(u64, u64)>,
    /// Messages abandoned after some fragment was sent.
    pr_stats: PrStats,
    stats: TxStats,
}

impl OutstandingData {
    /// `initial_tsn`: our Initial TSN from INIT / INIT ACK.
    pub fn new(initial_tsn: u32) -> Self {
        OutstandingData {
            first: UNWRAP_BASE + u64::from(initial_tsn),
            entries: VecDeque::new(),
            fast_rtx: BTreeSet::new(),
            t3_rtx: BTreeSet::new(),
            in_flight: 0,
            in_flight_on: Vec::new(),
            outstanding: 0,
            unacked_chunks: 0,
            freed: 0,
            peer_rwnd: 0,
            fast_recovery_exit: None,
            rtt_probe: Vec::new(),
            next_expiry: None,
            rtx_check: false,
            blocks: Vec::new(),
            pr_stats: PrStats::default(),
            stats: TxStats::default(),
        }
    }

    /// TSN the next new chunk gets.
    pub fn next_tsn(&self) -> u32 {
        self.next_ext() as u32
    }

    /// RFC 6525 5.2.4 SSN/TSN reset: the next new chunk gets `next_tsn`, with everything
    /// before it acknowledged. Only done when nothing is outstanding (checked by the core);
    /// otherwise nothing changes.
    pub fn restart_at(&mut self, next_tsn: u32) {
        debug_assert!(self.entries.is_empty());
        if self.entries.is_empty() {
            self.first = UNWRAP_BASE + u64::from(next_tsn);
            self.fast_recovery_exit = None;
            self.rtt_probe.iter_mut().for_each(|p| *p = None);
        }
    }

    /// Cumulative TSN ack point (the TSN before the first outstanding one).
    pub fn cum_ack(&self) -> u32 {
        (self.first - 1) as u32
    }

    /// The peer's window from INIT / INIT ACK (6.2.1 A).
    pub fn set_peer_rwnd(&mut self, rwnd: u32) {
        self.peer_rwnd = rwnd;
    }

    /// Our view of the peer's receive window (6.2.1 B/C).
    pub fn peer_rwnd(&self) -> u32 {
        self.peer_rwnd
    }

    /// Records a chunk sent for the first time on `path`; returns its TSN.
    pub fn insert(&mut self, now: Instant, chunk: OutChunk, path: PathId) -> u32 {
        let tsn = self.next_ext();
        let len = chunk.payload.len();
        if chunk.unordered {
            self.stats.ouodchunks += 1;
        } else {
            self.stats.oodchunks += 1;
        }
        if let Some(at) = chunk.expiry {
            self.next_expiry = Some(self.next_expiry.map_or(at, |n| n.min(at)));
        }
        self.entries.push_back(Entry {
            chunk,
            len,
            path,
            sent_at: now,
            transmissions: 1,
            misses: 0,
            fast_retransmitted: false,
            state: State::InFlight,
        });
        self.add_flight(path, len);
        self.outstanding += len;
        self.unacked_chunks += 1;
        self.peer_rwnd = self.peer_rwnd.saturating_sub(len as u32);
        let probe = slot(&mut self.rtt_probe, path);
        if probe.is_none() {
            *probe = Some(tsn);
        }
        tsn as u32
    }

    /// The chunk with this TSN, if still held (not yet cumulatively acknowledged). Abandoned
    /// chunks keep their metadata but no payload.
    /// The path TSN `tsn` was last sent on, while it is outstanding.
    pub fn path_of(&self, tsn: u32) -> Option<PathId> {
        Some(self.entries[self.index_of(tsn)?].path)
    }

    pub fn chunk(&self, tsn: u32) -> Option<&OutChunk> {
        let idx = self.index_of(tsn)?;
        Some(&self.entries[idx].chunk)
    }

    /// RFC 9260 6.2.1 D: processes a SACK. Gap blocks that are empty, reversed, start at 0
    /// or reach TSNs not sent yet are ignored; blocks may be unsorted or overlap.
    pub fn handle_sack(&mut self, now: Instant, sack: &SackChunk) -> Result<SackResult, SackError> {
        let mut res = SackResult::default();
        self.stats.isacks += 1;
        let cum = unwrap_tsn(self.first - 1, sack.cum_tsn_ack);
        if cum < self.first - 1 {
            res.ignored = true;
            res.peer_rwnd = self.peer_rwnd;
            return Ok(res);
        }
        if cum >= self.next_ext() {
            return Err(SackError::AcksUnsentTsn);
        }
        self.stats.gapcnt += sack.gap_blocks.len() as u64;
        let was_in_fast_recovery = self.fast_recovery_exit.is_some();
        let mut highest_newly_acked: Option<u64> = None;

        // Cumulative ack.
        while self.first <= cum {
            let Some(entry) = self.entries.pop_front() else {
                break;
            };
            let tsn = self.first;
            self.first += 1;
            self.fast_rtx.remove(&tsn);
            self.t3_rtx.remove(&tsn);
            res.cum_advanced = true;
            match entry.state {
                State::Abandoned => continue,
                State::GapAcked => self.freed += entry.len,
                State::InFlight | State::Retransmit { .. } => {
                    highest_newly_acked = Some(tsn);
                    self.freed += entry.len;
                    self.account_ack(now, tsn, Acked::from(&entry), &mut res);
                }
            }
            path_ack(&mut res, &self.in_flight_on, entry.path).restart_t3 = true;
        }
        if self.fast_recovery_exit.is_some_and(|exit| exit <= cum) {
            self.fast_recovery_exit = None;
        }

        // Gap blocks: invalid ones ignored.
        let mut blocks = std::mem::take(&mut self.blocks);
        blocks.clear();
        let next = self.next_ext();
        for b in &sack.gap_blocks {
            let (start, end) = (cum + u64::from(b.start), cum + u64::from(b.end));
            if b.start == 0 || b.start > b.end || end >= next {
                continue;
            }
            blocks.push((start, end));
        }
        // Sorted and merged, so each TSN is visited once however the blocks overlap.
        blocks.sort_unstable();
        let mut merged = 0;
        for i in 0..blocks.len() {
            let (start, end) = blocks[i];
            if merged > 0 && start <= blocks[merged - 1].1 + 1 {
                blocks[merged - 1].1 = blocks[merged - 1].1.max(end);
            } else {
                blocks[merged] = (start, end);
                merged += 1;
            }
        }
        blocks.truncate(merged);
        let highest_in_sack = blocks.last().map(|b| b.1);
        for &(start, end) in &blocks {
            for tsn in start.max(self.first)..=end {
                let idx = (tsn - self.first) as usize;
                let Some(entry) = self.entries.get_mut(idx) else {
                    break;
                };
                if matches!(entry.state, State::InFlight | State::Retransmit { .. }) {
                    let acked = Acked::from(&*entry);
                    entry.state = State::GapAcked;
                    highest_newly_acked = Some(highest_newly_acked.map_or(tsn, |h| h.max(tsn)));
                    self.fast_rtx.remove(&tsn);
                    self.t3_rtx.remove(&tsn);
                    self.account_ack(now, tsn, acked, &mut res);
                }
            }
        }

        // One pass for reneging (6.2.1: a gap-acked TSN missing from this SACK; checked only
        // below the highest TSN this SACK reports, as FreeBSD does, since receivers may
        // truncate their gap block list) and miss indications (7.2.4 HTNA: only below the
        // highest newly acked TSN, or below the highest acked in this SACK when in Fast
        // Recovery and the cum ack advanced).
        let in_fr = self.fast_recovery_exit.is_some();
        let miss_limit = if in_fr && res.cum_advanced {
            highest_in_sack
        } else {
            highest_newly_acked
        };
        let scan_end = miss_limit.max(highest_in_sack);
        let mut newly_marked = false;
        if let Some(scan_end) = scan_end {
            let mut bi = 0;
            let stop = (scan_end + 1).saturating_sub(self.first);
            for idx in 0..(stop.min(self.entries.len() as u64) as usize) {
                let tsn = self.first + idx as u64;
                while bi < blocks.len() && blocks[bi].1 < tsn {
                    bi += 1;
                }
                let covered = bi < blocks.len() && blocks[bi].0 <= tsn;
                let entry = &mut self.entries[idx];
                match entry.state {
                    State::GapAcked if !covered && highest_in_sack.is_some_and(|h| tsn < h) => {
                        entry.state = State::InFlight;
                        entry.misses = 0;
                        let (path, len) = (entry.path, entry.len);
                        self.outstanding += len;
                        self.unacked_chunks += 1;
                        self.add_flight(path, len);
                        path_ack(&mut res, &self.in_flight_on, path).reneged = true;
                    }
                    State::InFlight
                        if miss_limit.is_some_and(|l| tsn < l) && !entry.fast_retransmitted =>
                    {
                        entry.misses += 1;
                        if entry.misses >= FAST_RETRANSMIT_MISSES {
                            let path = entry.path;
                            let pa = path_ack(&mut res, &self.in_flight_on, path);
                            pa.enter_fast_recovery |= !in_fr;
                            self.mark_retransmit(tsn, true);
                            newly_marked = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        self.blocks = blocks;

        // 7.2.4 step 2: enter Fast Recovery, exit point = highest outstanding TSN.
        if newly_marked && !in_fr {
            self.fast_recovery_exit = Some(self.next_ext() - 1);
        }
        res.fast_retransmit = newly_marked;
        res.in_fast_recovery = was_in_fast_recovery && in_fr;
        // 6.2.1 D iv.
        self.peer_rwnd = sack.a_rwnd.saturating_sub(self.outstanding as u32);
        res.peer_rwnd = self.peer_rwnd;
        // RFC 3758 3.5 C1-C3.
        res.send_forward_tsn = self.has_forward_tsn();
        Ok(res)
    }

    /// RFC 9260 6.3.3 E3: T3-rtx expired for `path`: every chunk in flight on it is marked
    /// for retransmission; Fast Recovery ends (as Linux does on a timeout).
    pub fn on_t3_expired(&mut self, path: PathId) {
        for idx in 0..self.entries.len() {
            let entry = &self.entries[idx];
            if entry.path == path && entry.state == State::InFlight {
                self.mark_retransmit(self.first + idx as u64, false);
            }
        }
        self.fast_recovery_exit = None;
    }

    /// Takes the next chunk to retransmit on `path` if its payload fits `max_bytes`: fast
    /// retransmissions first, lowest TSN first. The chunk is back in flight on `path` and its
    /// transmission count is incremented. Returns its TSN.
    /// Bytes of the chunk [`Self::pop_retransmit`] would take next.
    pub fn next_retransmit_len(&self) -> Option<usize> {
        let tsn = *self.fast_rtx.first().or_else(|| self.t3_rtx.first())?;
        Some(self.entries.get((tsn - self.first) as usize)?.len)
    }

    pub fn pop_retransmit(&mut self, max_bytes: usize, path: PathId) -> Option<u32> {
        let (tsn, fast) = match self.fast_rtx.first() {
            Some(&t) => (t, true),
            None => (*self.t3_rtx.first()?, false),
        };
        let idx = (tsn - self.first) as usize;
        let len = self.entries.get(idx)?.len;
        if len > max_bytes {
            return None;
        }
        if fast {
            self.fast_rtx.remove(&tsn);
        } else {
            self.t3_rtx.remove(&tsn);
        }
        self.stats.rtxchunks += 1;
        let entry = &mut self.entries[idx];
        entry.state = State::InFlight;
        entry.transmissions += 1;
        entry.misses = 0;
        entry.path = path;
        entry.fast_retransmitted |= fast;
        self.add_flight(path, len);
        self.peer_rwnd = self.peer_rwnd.saturating_sub(len as u32);
        Some(tsn as u32)
    }

    /// Retransmissions for `path` that fit `max_bytes` in total (one packet's worth).
    pub fn take_retransmit(&mut self, max_bytes: usize, path: PathId) -> Vec<u32> {
        let mut room = max_bytes;
        let mut out = Vec::new();
        while let Some(tsn) = self.pop_retransmit(room, path) {
            let len = self.chunk(tsn).map_or(0, |c| c.payload.len());
            room -= len;
            out.push(tsn);
        }
        out
    }

    /// Whether chunks wait for retransmission.
    pub fn has_pending_retransmits(&self) -> bool {
        !self.fast_rtx.is_empty() || !self.t3_rtx.is_empty()
    }

    /// Whether some of them are fast retransmissions (sent regardless of cwnd, 7.2.4 step 3).
    pub fn has_fast_retransmits(&self) -> bool {
        !self.fast_rtx.is_empty()
    }

    /// Flight size over all paths.
    pub fn bytes_in_flight(&self) -> usize {
        self.in_flight
    }

    pub fn bytes_in_flight_on(&self, path: PathId) -> usize {
        self.in_flight_on.get(path).copied().unwrap_or(0)
    }

    /// Bytes not acknowledged and not abandoned (sndbuf / SCTP_STATUS accounting).
    pub fn outstanding_bytes(&self) -> usize {
        self.outstanding
    }

    /// Chunks not acknowledged and not abandoned (SCTP_STATUS `sstat_unackdata`).
    pub fn unacked_chunks(&self) -> usize {
        self.unacked_chunks
    }

    /// Nothing held: every sent TSN is cumulatively acknowledged.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn in_fast_recovery(&self) -> bool {
        self.fast_recovery_exit.is_some()
    }

    /// Bytes that left the queue (cumulatively acknowledged or abandoned) since the last
    /// call: hand them to `SendQueue::release`.
    pub fn take_freed_bytes(&mut self) -> usize {
        std::mem::take(&mut self.freed)
    }

    /// Earliest PR-SCTP deadline of an outstanding chunk, a lower bound (for the timer).
    pub fn next_expiry(&self) -> Option<Instant> {
        self.next_expiry
    }

    /// PR-SCTP (RFC 3758 3.1, RFC 7496 4.1/4.2): abandons messages whose lifetime passed or
    /// that exceeded their retransmission limit (checked on chunks waiting for
    /// retransmission). Every held fragment of such a message is abandoned together, each
    /// reported as `SendFailed { sent: true }` with error 0, as Linux does. Returns the
    /// abandoned messages as (stream id, message id): give them to
    /// `SendQueue::abandon_message` so unsent fragments go too. Then check
    /// [`forward_tsn`](Self::forward_tsn).
    pub fn abandon_expired(&mut self, now: Instant, events: &mut Vec<Event>) -> Vec<(u16, u64)> {
        let ttl_due = self.next_expiry.is_some_and(|at| at <= now);
        let mut abandoned = Vec::new();
        if !ttl_due && !self.rtx_check {
            return abandoned;
        }
        self.rtx_check = false;
        let mut next_expiry: Option<Instant> = None;
        for idx in 0..self.entries.len() {
            let entry = &self.entries[idx];
            // Acknowledged chunks were received: only unacknowledged ones trigger abandonment.
            if matches!(entry.state, State::Abandoned | State::GapAcked) {
                continue;
            }
            let expired = entry.chunk.expiry.is_some_and(|at| at <= now);
            let rtx_exceeded = matches!(
                (entry.chunk.pr, entry.state),
                (PrPolicy::Rtx(max), State::Retransmit { .. }) if entry.transmissions > max
            );
            if expired || rtx_exceeded {
                let (stream, message) = (entry.chunk.stream_id, entry.chunk.message_id);
                self.abandon_message_from(idx, message, events);
                abandoned.push((stream, message));
            } else if let Some(at) = entry.chunk.expiry {
                next_expiry = Some(next_expiry.map_or(at, |n| n.min(at)));
            }
        }
        self.next_expiry = next_expiry;
        abandoned
    }

    /// SCTP_GET_ASSOC_STATS counters of the send side.
    pub fn stats(&self) -> TxStats {
        self.stats
    }

    /// Messages abandoned after being (partly) sent (the send queue counts the others).
    pub fn pr_stats(&self) -> &PrStats {
        &self.pr_stats
    }

    /// Whether a FORWARD TSN is due (RFC 3758 3.5 C3), without building it.
    pub fn has_forward_tsn(&self) -> bool {
        self.advanced_peer_ack_point() >= self.first
    }

    /// RFC 7496 4.3 priority policy, as Linux `sctp_prsctp_prune_sent`: abandons held
    /// messages whose PRIO value is above `level` (less important), lowest TSN first, until
    /// `needed` bytes are freed. Acknowledged chunks are not touched. Returns the bytes freed
    /// and the abandoned messages (for `SendQueue::abandon_message`).
    pub fn prune_priority(
        &mut self,
        needed: usize,
        level: u32,
        events: &mut Vec<Event>,
    ) -> (usize, Vec<(u16, u64)>) {
        let before = self.freed;
        let mut abandoned = Vec::new();
        for idx in 0..self.entries.len() {
            if self.freed - before >= needed {
                break;
            }
            let entry = &self.entries[idx];
            let eligible = matches!(entry.state, State::InFlight | State::Retransmit { .. })
                && matches!(entry.chunk.pr, PrPolicy::Prio(v) if v > level);
            if eligible {
                let (stream, message) = (entry.chunk.stream_id, entry.chunk.message_id);
                self.abandon_message_from(idx, message, events);
                abandoned.push((stream, message));
            }
        }
        (self.freed - before, abandoned)
    }

    /// RFC 3758 3.5 C2/C3 (and RFC 8260 2.3 for I-FORWARD-TSN): the FORWARD TSN to send when
    /// the Advanced.Peer.Ack.Point is ahead of the cumulative ack, with the highest SSN (or
    /// MID) of each stream's abandoned ordered messages (and, for I-DATA, unordered ones).
    /// While it is due, keep a T3-rtx timer running even with nothing in flight: a lost
    /// FORWARD TSN is sent again when it expires (3.5 A5).
    pub fn forward_tsn(&self, i_data: bool) -> Option<ForwardTsnChunk> {
        let adv = self.advanced_peer_ack_point();
        if adv < self.first {
            return None;
        }
        let mut streams: BTreeMap<(u16, bool), u32> = BTreeMap::new();
        for entry in self.entries.iter().take((adv - self.first + 1) as usize) {
            let c = &entry.chunk;
            if c.unordered && !i_data {
                continue;
            }
            // TSN order follows SSN/MID order on a stream, so the last one is the highest.
            streams.insert((c.stream_id, c.unordered), c.mid);
        }
        Some(ForwardTsnChunk {
            new_cum_tsn: adv as u32,
            streams: streams
                .into_iter()
                .map(|((stream_id, unordered), mid)| SkippedStream {
                    stream_id,
                    unordered,
                    mid,
                })
                .collect(),
        })
    }

    /// The association failed: every held chunk not yet reported is reported as
    /// `SendFailed { sent: true }` (SCTP_DATA_SENT) with `error`, and the queue empties.
    pub fn drain_failed(&mut self, error: u32, events: &mut Vec<Event>) {
        self.first = self.next_ext();
        for entry in self.entries.drain(..) {
            if entry.state != State::Abandoned {
                self.freed += entry.len;
                events.push(entry.chunk.into_send_failed(true, error));
            }
        }
        self.fast_rtx.clear();
        self.t3_rtx.clear();
        self.in_flight = 0;
        self.in_flight_on.iter_mut().for_each(|b| *b = 0);
        self.outstanding = 0;
        self.unacked_chunks = 0;
        self.fast_recovery_exit = None;
        self.rtt_probe.iter_mut().for_each(|p| *p = None);
        self.next_expiry = None;
    }

    fn next_ext(&self) -> u64 {
        self.first + self.entries.len() as u64
    }

    fn index_of(&self, tsn: u32) -> Option<usize> {
        let ext = unwrap_tsn(self.first, tsn);
        if ext < self.first {
            return None;
        }
        let idx = usize::try_from(ext - self.first).ok()?;
        (idx < self.entries.len()).then_some(idx)
    }

    /// RFC 3758 3.5 C1/C2: the cum ack point moved right over abandoned TSNs.
    fn advanced_peer_ack_point(&self) -> u64 {
        let skipped = self
            .entries
            .iter()
            .take_while(|e| e.state == State::Abandoned)
            .count();
        self.first - 1 + skipped as u64
    }

    fn add_flight(&mut self, path: PathId, len: usize) {
        self.in_flight += len;
        *slot(&mut self.in_flight_on, path) += len;
    }

    fn remove_flight(&mut self, path: PathId, len: usize) {
        self.in_flight -= len;
        if let Some(b) = self.in_flight_on.get_mut(path) {
            *b -= len;
        }
    }

    /// Accounting for a chunk newly acknowledged (by the cum ack or a gap block); `acked`
    /// describes it as it was before this SACK.
    fn account_ack(&mut self, now: Instant, tsn: u64, acked: Acked, res: &mut SackResult) {
        let pa = path_ack(res, &self.in_flight_on, acked.path);
        pa.bytes_acked += acked.len;
        if self.rtt_probe.get(acked.path).copied().flatten() == Some(tsn) {
            // RFC 9260 6.3.1 C5 (Karn): only a chunk transmitted once gives a sample.
            if acked.transmissions == 1 {
                pa.rtt = Some(now.saturating_duration_since(acked.sent_at));
            }
            self.rtt_probe[acked.path] = None;
        }
        match acked.state {
            State::InFlight => self.remove_flight(acked.path, acked.len),
            State::Retransmit { .. } => {}
            State::GapAcked | State::Abandoned => return,
        }
        self.outstanding -= acked.len;
        self.unacked_chunks -= 1;
    }

    /// Moves an in-flight chunk to a retransmission set (Karn: its RTT probe is dropped).
    fn mark_retransmit(&mut self, tsn: u64, fast: bool) {
        let idx = (tsn - self.first) as usize;
        let entry = &mut self.entries[idx];
        debug_assert_eq!(entry.state, State::InFlight);
        entry.state = State::Retransmit { fast };
        entry.misses = 0;
        let (path, len) = (entry.path, entry.len);
        if matches!(entry.chunk.pr, PrPolicy::Rtx(_)) {
            self.rtx_check = true;
        }
        self.remove_flight(path, len);
        if fast {
            self.fast_rtx.insert(tsn);
        } else {
            self.t3_rtx.insert(tsn);
        }
        if let Some(probe) = self.rtt_probe.get_mut(path) {
            if *probe == Some(tsn) {
                *probe = None;
            }
        }
    }

    /// Abandons every held fragment of `message`, starting at `entries[start]` (its lowest
    /// held TSN) up to its last fragment, and counts the message once.
    fn abandon_message_from(&mut self, start: usize, message: u64, events: &mut Vec<Event>) {
        if let Some(first) = self.entries.get(start) {
            self.pr_stats
                .record(first.chunk.stream_id, first.chunk.pr, true);
        }
        for idx in start..self.entries.len() {
            let tsn = self.first + idx as u64;
            let entry = &mut self.entries[idx];
            if entry.chunk.message_id != message {
                continue;
            }
            let end = entry.chunk.end;
            let prev = entry.state;
            if prev != State::Abandoned {
                entry.state = State::Abandoned;
                let (path, len) = (entry.path, entry.len);
                let failed = OutChunk {
                    payload: std::mem::take(&mut entry.chunk.payload),
                    ..entry.chunk.clone()
                };
                events.push(failed.into_send_failed(true, 0));
                self.freed += len;
                match prev {
                    State::InFlight => self.remove_flight(path, len),
                    State::Retransmit { fast } => {
                        if fast {
                            self.fast_rtx.remove(&tsn);
                        } else {
                            self.t3_rtx.remove(&tsn);
                        }
                    }
                    State::GapAcked | State::Abandoned => {}
                }
                if prev != State::GapAcked {
                    self.outstanding -= len;
                    self.unacked_chunks -= 1;
                }
                if let Some(probe) = self.rtt_probe.get_mut(path) {
                    if *probe == Some(tsn) {
                        *probe = None;
                    }
                }
            }
            if end {
                break;
            }
        }
    }
}

/// The `PathAck` of `path` in `res`, created with the path's current flight size.
fn path_ack<'a>(res: &'a mut SackResult, in_flight_on: &[usize], path: PathId) -> &'a mut PathAck {
    let pos = match res.paths.iter().position(|p| p.path == path) {
        Some(pos) => pos,
        None => {
            res.paths.push(PathAck {
                path,
                bytes_acked: 0,
                in_flight_before: in_flight_on.get(path).copied().unwrap_or(0),
                rtt: None,
                restart_t3: false,
                reneged: false,
                enter_fast_recovery: false,
            });
            res.paths.len() - 1
        }
    };
    &mut res.paths[pos]
}

/// Element `idx` of a per-path table, growing it on demand.
fn slot<T: Default>(table: &mut Vec<T>, idx: PathId) -> &mut T {
    if table.len() <= idx {
        table.resize_with(idx + 1, T::default);
    }
    &mut table[idx]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assoc::tx::tests::send_failed;
    use crate::assoc::tx::SendQueue;
    use crate::assoc::OutgoingMessage;
    use crate::test_rng::TestRng;
    use crate::wire::chunk::GapBlock;
    use std::collections::BTreeSet;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn chunk(message_id: u64, len: usize) -> OutChunk {
        OutChunk {
            stream_id: 0,
            mid: 0,
            fsn: 0,
            ppid: 0,
            unordered: false,
            begin: true,
            end: true,
            immediate: false,
            payload: vec![message_id as u8; len].into(),
            pr: PrPolicy::Reliable,
            context: 0,
            sinfo_assoc_id: None,
            expiry: None,
            message_id,
            dest: None,
        }
    }

    fn sack(cum: u32, gaps: &[(u16, u16)]) -> SackChunk {
        SackChunk {
            cum_tsn_ack: cum,
            a_rwnd: 100_000,
            gap_blocks: gaps
                .iter()
                .map(|&(start, end)| GapBlock { start, end })
                .collect(),
            dup_tsns: Vec::new(),
        }
    }

    /// Internal accounting matches the entries.
    fn check(o: &OutstandingData) {
        let sum = |f: &dyn Fn(&Entry) -> bool| -> usize {
            o.entries.iter().filter(|e| f(e)).map(|e| e.len).sum()
        };
        assert_eq!(o.in_flight, sum(&|e| e.state == State::InFlight));
        for (path, &b) in o.in_flight_on.iter().enumerate() {
            assert_eq!(b, sum(&|e| e.state == State::InFlight && e.path == path));
        }
        assert_eq!(
            o.outstanding,
            sum(&|e| !matches!(e.state, State::GapAcked | State::Abandoned))
        );
        let unacked = o
            .entries
            .iter()
            .filter(|e| !matches!(e.state, State::GapAcked | State::Abandoned))
            .count();
        assert_eq!(o.unacked_chunks, unacked);
        for (idx, e) in o.entries.iter().enumerate() {
            let tsn = o.first + idx as u64;
            assert_eq!(
                o.fast_rtx.contains(&tsn),
                e.state == State::Retransmit { fast: true }
            );
            assert_eq!(
                o.t3_rtx.contains(&tsn),
                e.state == State::Retransmit { fast: false }
            );
        }
    }

    fn filled(initial: u32, n: u64, len: usize, now: Instant) -> OutstandingData {
        let mut o = OutstandingData::new(initial);
        o.set_peer_rwnd(1_000_000);
        for i in 0..n {
            o.insert(now, chunk(i, len), 0);
        }
        o
    }

    #[test]
    fn cumulative_ack_accounting_and_rtt() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(100);
        o.set_peer_rwnd(10_000);
        for i in 0..3 {
            assert_eq!(o.insert(t0, chunk(i, 100), 0), 100 + i as u32);
        }
        assert_eq!(o.peer_rwnd(), 9700);
        assert_eq!(o.next_tsn(), 103);
        assert_eq!(o.chunk(101).map(|c| c.message_id), Some(1));
        assert!(o.chunk(103).is_none());
        assert!(o.chunk(99).is_none());
        let mut s = sack(101, &[]);
        s.a_rwnd = 5000;
        let r = o.handle_sack(t0 + ms(50), &s).unwrap();
        assert!(r.cum_advanced && !r.ignored);
        assert_eq!(r.paths.len(), 1);
        let p = r.paths[0];
        assert_eq!((p.path, p.bytes_acked, p.in_flight_before), (0, 200, 300));
        assert_eq!(p.rtt, Some(ms(50)));
        assert!(p.restart_t3);
        assert_eq!(r.peer_rwnd, 4900);
        assert_eq!(o.take_freed_bytes(), 200);
        assert_eq!(o.take_freed_bytes(), 0);
        assert_eq!(o.bytes_in_flight(), 100);
        assert_eq!(o.cum_ack(), 101);
        assert_eq!(o.unacked_chunks(), 1);
        assert!(o.chunk(101).is_none());
        check(&o);
    }

    #[test]
    fn stale_and_impossible_sacks() {
        let t0 = Instant::now();
        let mut o = filled(100, 3, 100, t0);
        o.handle_sack(t0, &sack(101, &[])).unwrap();
        let r = o.handle_sack(t0, &sack(100, &[(1, 1)])).unwrap();
        assert!(r.ignored);
        assert_eq!(o.stats().isacks, 2);
        assert_eq!(o.stats().gapcnt, 0);
        assert_eq!(o.bytes_in_flight(), 100);
        assert_eq!(
            o.handle_sack(t0, &sack(103, &[])),
            Err(SackError::AcksUnsentTsn)
        );
        assert_eq!(
            o.handle_sack(t0, &sack(u32::MAX, &[])).map(|r| r.ignored),
            Ok(true)
        );
        // Same cum ack again: processed, nothing new.
        let r = o.handle_sack(t0, &sack(101, &[])).unwrap();
        assert!(!r.ignored && !r.cum_advanced && r.paths.is_empty());
        check(&o);
    }

    #[test]
    fn gap_blocks_across_tsn_wrap() {
        let t0 = Instant::now();
        let init = u32::MAX - 3;
        let mut o = filled(init, 10, 100, t0);
        let before = init.wrapping_sub(1);
        let r = o.handle_sack(t0, &sack(before, &[(5, 5), (2, 3)])).unwrap();
        assert!(!r.cum_advanced);
        assert_eq!(r.paths[0].bytes_acked, 300);
        assert_eq!(o.bytes_in_flight(), 700);
        assert_eq!(o.outstanding_bytes(), 700);
        // Cum ack crosses 2^32; the earlier gap-acked TSNs are not counted twice.
        let r = o
            .handle_sack(t0, &sack(init.wrapping_add(4), &[(2, 2)]))
            .unwrap();
        assert_eq!(r.paths[0].bytes_acked, 100 + 100 + 100);
        assert_eq!(o.cum_ack(), init.wrapping_add(4));
        assert_eq!(o.take_freed_bytes(), 500);
        assert_eq!(o.bytes_in_flight(), 400);
        check(&o);
        let r = o.handle_sack(t0, &sack(init.wrapping_add(9), &[])).unwrap();
        assert_eq!(r.paths[0].bytes_acked, 400);
        assert!(o.is_empty());
        assert_eq!(o.next_tsn(), init.wrapping_add(10));
        check(&o);
    }

    #[test]
    fn hostile_gap_blocks_are_ignored() {
        let t0 = Instant::now();
        let mut o = filled(1000, 5, 100, t0);
        let blocks = [(0, 2), (4, 2), (1, 65535), (3, 6), (2, 3), (3, 4), (2, 2)];
        let r = o.handle_sack(t0, &sack(999, &blocks)).unwrap();
        // Valid: (2,3) (3,4) (2,2) -> TSNs 1001..=1003 once each.
        assert_eq!(r.paths[0].bytes_acked, 300);
        assert_eq!(o.bytes_in_flight(), 200);
        check(&o);
        let many: Vec<(u16, u16)> = (0..2000)
            .map(|i| ((i * 7) as u16, (i * 13) as u16))
            .collect();
        let r = o.handle_sack(t0, &sack(999, &many)).unwrap();
        assert!(r.paths.iter().all(|p| p.bytes_acked <= 500));
        check(&o);

        // Thousands of overlapping valid blocks are merged: each TSN visited once.
        let mut o = filled(7, 3000, 1, t0);
        let same = vec![(2, 2999); 16_000];
        let r = o.handle_sack(t0, &sack(6, &same)).unwrap();
        assert_eq!(r.paths[0].bytes_acked, 2998);
        assert_eq!(o.bytes_in_flight(), 2);
        check(&o);
    }

    #[test]
    fn fast_retransmit_after_exactly_three_miss_indications() {
        let t0 = Instant::now();
        let t = 50;
        let mut o = filled(t, 6, 100, t0);
        let before = t - 1;
        let r = o.handle_sack(t0, &sack(before, &[(2, 2)])).unwrap();
        assert!(!r.fast_retransmit);
        let r = o.handle_sack(t0, &sack(before, &[(2, 3)])).unwrap();
        assert!(!r.fast_retransmit);
        // A duplicate SACK acknowledges nothing new: no miss indication (HTNA).
        let r = o.handle_sack(t0, &sack(before, &[(2, 3)])).unwrap();
        assert!(!r.fast_retransmit);
        assert_eq!(o.entries[0].misses, 2);
        let r = o.handle_sack(t0, &sack(before, &[(2, 4)])).unwrap();
        assert!(r.fast_retransmit);
        assert!(!r.in_fast_recovery);
        assert!(r.paths[0].enter_fast_recovery);
        assert!(o.in_fast_recovery());
        assert!(o.has_fast_retransmits());
        // TSNs above the highest newly acked got no miss indication.
        assert_eq!(o.entries[4].misses, 0);
        assert_eq!(o.bytes_in_flight(), 200);
        check(&o);
        assert_eq!(o.pop_retransmit(99, 0), None);
        assert_eq!(o.take_retransmit(1000, 0), vec![t]);
        assert!(!o.has_pending_retransmits());
        assert_eq!(o.entries[0].transmissions, 2);
        check(&o);
        // The exit point is the highest TSN outstanding when recovery began (t + 5).
        let r = o.handle_sack(t0, &sack(t + 4, &[])).unwrap();
        assert!(r.in_fast_recovery);
        assert!(o.in_fast_recovery());
        let r = o.handle_sack(t0, &sack(t + 5, &[])).unwrap();
        assert!(!r.in_fast_recovery);
        assert!(!o.in_fast_recovery());
        check(&o);
    }

    #[test]
    fn fast_recovery_marks_without_new_window_reduction_and_once_only() {
        let t0 = Instant::now();
        let t = 7;
        let mut o = filled(t, 10, 100, t0);
        for end in 2..=4 {
            o.handle_sack(t0, &sack(t - 1, &[(2, end)])).unwrap();
        }
        assert!(o.in_fast_recovery());
        assert_eq!(o.take_retransmit(100_000, 0), vec![t]);
        // TSN t+4 (offset 5 from cum t-1) now missing: three newly acking SACKs mark it, but
        // Fast Recovery is already on: no new window reduction.
        let mut last = None;
        for end in 6..=8 {
            last = Some(
                o.handle_sack(t0, &sack(t - 1, &[(2, 4), (6, end)]))
                    .unwrap(),
            );
        }
        let r = last.unwrap();
        assert!(r.fast_retransmit);
        assert!(r.paths.iter().all(|p| !p.enter_fast_recovery));
        assert_eq!(o.take_retransmit(100_000, 0), vec![t + 4]);
        // Already fast-retransmitted TSN t keeps being reported missing: not marked again.
        for end in 9..=9 {
            let r = o
                .handle_sack(t0, &sack(t - 1, &[(2, 4), (6, end)]))
                .unwrap();
            assert!(!r.fast_retransmit);
        }
        assert_eq!(o.entries[0].state, State::InFlight);
        check(&o);
    }

    #[test]
    fn t3_marks_only_that_path_and_karn_rule() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        o.set_peer_rwnd(1_000_000);
        o.insert(t0, chunk(0, 100), 0);
        o.insert(t0, chunk(1, 100), 0);
        o.insert(t0, chunk(2, 150), 1);
        o.on_t3_expired(0);
        assert_eq!(o.bytes_in_flight_on(0), 0);
        assert_eq!(o.bytes_in_flight_on(1), 150);
        assert_eq!(o.bytes_in_flight_on(7), 0);
        assert!(o.has_pending_retransmits() && !o.has_fast_retransmits());
        check(&o);
        assert_eq!(o.take_retransmit(150, 1), vec![0]);
        assert_eq!(o.take_retransmit(1000, 1), vec![1]);
        assert_eq!(o.bytes_in_flight_on(1), 350);
        assert_eq!(o.stats().rtxchunks, 2);
        assert_eq!(o.stats().oodchunks, 3);
        check(&o);
        // Path 0's probe (TSN 0) was retransmitted: no sample; path 1's TSN 2 sent once.
        o.insert(t0 + ms(10), chunk(3, 100), 0);
        let r = o.handle_sack(t0 + ms(300), &sack(3, &[])).unwrap();
        let p1 = r.paths.iter().find(|p| p.path == 1).unwrap();
        assert_eq!(p1.rtt, Some(ms(300)));
        assert_eq!(p1.bytes_acked, 350);
        let p0 = r.paths.iter().find(|p| p.path == 0).unwrap();
        assert_eq!(p0.rtt, Some(ms(290)));
        check(&o);

        // Single chunk retransmitted by T3: its ack gives no RTT sample.
        let mut o = OutstandingData::new(0);
        o.insert(t0, chunk(0, 100), 0);
        o.on_t3_expired(0);
        assert_eq!(o.pop_retransmit(100, 0), Some(0));
        let r = o.handle_sack(t0 + ms(500), &sack(0, &[])).unwrap();
        assert_eq!(r.paths[0].rtt, None);
        o.insert(t0 + ms(500), chunk(1, 100), 0);
        let r = o.handle_sack(t0 + ms(520), &sack(1, &[])).unwrap();
        assert_eq!(r.paths[0].rtt, Some(ms(20)));
    }

    #[test]
    fn one_rtt_probe_per_round_trip() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        o.insert(t0, chunk(0, 100), 0);
        o.insert(t0 + ms(5), chunk(1, 100), 0);
        let r = o.handle_sack(t0 + ms(40), &sack(0, &[])).unwrap();
        assert_eq!(r.paths[0].rtt, Some(ms(40)));
        // TSN 1 was sent while TSN 0 was being timed: no sample from it.
        let r = o.handle_sack(t0 + ms(45), &sack(1, &[])).unwrap();
        assert_eq!(r.paths[0].rtt, None);
    }

    #[test]
    fn reneged_gap_ack_goes_back_in_flight() {
        let t0 = Instant::now();
        let mut o = filled(10, 4, 100, t0);
        o.handle_sack(t0, &sack(9, &[(2, 3)])).unwrap();
        assert_eq!(o.bytes_in_flight(), 200);
        let r = o.handle_sack(t0, &sack(9, &[(3, 3)])).unwrap();
        assert!(r.paths[0].reneged);
        assert_eq!(o.bytes_in_flight(), 300);
        assert_eq!(o.outstanding_bytes(), 300);
        check(&o);
        // A SACK listing fewer blocks at the top (a receiver truncating its list) does not
        // renege what lies above its highest reported TSN.
        o.handle_sack(t0, &sack(9, &[(2, 3)])).unwrap();
        let r = o.handle_sack(t0, &sack(9, &[(2, 2)])).unwrap();
        assert!(r.paths.iter().all(|p| !p.reneged));
        assert_eq!(o.bytes_in_flight(), 200);
        check(&o);
        // A SACK without gap blocks reports nothing above its cum ack: no renege.
        let mut o2 = filled(0, 3, 100, t0);
        o2.handle_sack(t0, &sack(u32::MAX, &[(2, 2)])).unwrap();
        let r = o2.handle_sack(t0, &sack(0, &[])).unwrap();
        assert!(r.paths.iter().all(|p| !p.reneged));
        assert_eq!(o2.bytes_in_flight(), 100);
        check(&o2);
        // The cum ack then covers everything: only the never-acked TSNs 10 and 13 count.
        let r = o.handle_sack(t0, &sack(13, &[])).unwrap();
        assert_eq!(r.paths[0].bytes_acked, 200);
        assert!(o.is_empty());
        check(&o);
    }

    #[test]
    fn peer_rwnd_subtracts_outstanding_not_gap_acked() {
        let t0 = Instant::now();
        let mut o = filled(0, 4, 100, t0);
        let mut s = sack(0, &[(2, 2)]);
        s.a_rwnd = 1000;
        let r = o.handle_sack(t0, &s).unwrap();
        assert_eq!(r.peer_rwnd, 1000 - 200);
        s.a_rwnd = 100;
        assert_eq!(o.handle_sack(t0, &s).unwrap().peer_rwnd, 0);
        o.insert(t0, chunk(9, 50), 0);
        assert_eq!(o.peer_rwnd(), 0);
    }

    fn ttl_message(
        o: &mut OutstandingData,
        now: Instant,
        id: u64,
        stream: u16,
        ssn: u32,
        ttl: Duration,
    ) {
        for (i, len) in [500usize, 500, 200].into_iter().enumerate() {
            let c = OutChunk {
                stream_id: stream,
                mid: ssn,
                begin: i == 0,
                end: i == 2,
                pr: PrPolicy::Ttl(ttl),
                expiry: Some(now + ttl),
                context: 77,
                ..chunk(id, len)
            };
            o.insert(now, c, 0);
        }
    }

    #[test]
    fn ttl_abandons_sent_message_per_fragment_and_forward_tsn() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(500);
        ttl_message(&mut o, t0, 1, 4, 9, ms(100));
        ttl_message(&mut o, t0, 2, 6, 3, ms(300));
        o.insert(t0, chunk(3, 10), 0);
        assert_eq!(o.next_expiry(), Some(t0 + ms(100)));
        let mut ev = Vec::new();
        assert!(o.abandon_expired(t0 + ms(99), &mut ev).is_empty());
        assert!(ev.is_empty());
        assert!(o.forward_tsn(false).is_none());
        assert!(!o.has_forward_tsn());
        let gone = o.abandon_expired(t0 + ms(100), &mut ev);
        assert!(o.has_forward_tsn());
        assert_eq!(gone, [(4, 1)]);
        let got: Vec<_> = ev.iter().map(send_failed).collect();
        assert_eq!(
            got,
            [
                (true, true, false, 500),
                (true, false, false, 500),
                (true, false, true, 200)
            ]
        );
        assert!(matches!(
            ev[0],
            Event::SendFailed {
                stream_id: 4,
                context: 77,
                error: 0,
                ..
            }
        ));
        assert_eq!(o.take_freed_bytes(), 1200);
        assert_eq!(o.pr_stats().assoc().abandoned_sent, [1, 0, 0]);
        assert_eq!(o.pr_stats().stream(4).abandoned_sent, [1, 0, 0]);
        assert_eq!(o.next_expiry(), Some(t0 + ms(300)));
        assert_eq!(o.bytes_in_flight(), 1210);
        check(&o);
        let fwd = o.forward_tsn(false).unwrap();
        assert_eq!(fwd.new_cum_tsn, 502);
        assert_eq!(
            fwd.streams,
            [SkippedStream {
                stream_id: 4,
                unordered: false,
                mid: 9
            }]
        );
        // The peer acknowledges the FORWARD TSN: abandoned TSNs leave without being counted.
        let r = o.handle_sack(t0 + ms(150), &sack(502, &[])).unwrap();
        assert!(r.cum_advanced);
        assert!(r.paths.is_empty());
        assert!(!r.send_forward_tsn);
        assert_eq!(o.take_freed_bytes(), 0);
        check(&o);
        // Second message expires; a SACK then reports the ack point ahead (C3).
        ev.clear();
        o.abandon_expired(t0 + ms(300), &mut ev);
        assert_eq!(ev.len(), 3);
        let r = o.handle_sack(t0 + ms(301), &sack(502, &[])).unwrap();
        assert!(r.send_forward_tsn);
        let fwd = o.forward_tsn(true).unwrap();
        assert_eq!(fwd.new_cum_tsn, 505);
        assert_eq!(
            fwd.streams,
            [SkippedStream {
                stream_id: 6,
                unordered: false,
                mid: 3
            }]
        );
        check(&o);
    }

    #[test]
    fn forward_tsn_waits_for_lower_unabandoned_tsns_and_lists_streams() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        o.insert(t0, chunk(0, 10), 0);
        ttl_message(&mut o, t0, 1, 2, 5, ms(10));
        let mut ev = Vec::new();
        o.abandon_expired(t0 + ms(10), &mut ev);
        assert_eq!(ev.len(), 3);
        assert!(o.forward_tsn(false).is_none());
        // TSN 0 acknowledged: now the ack point can move over 1..=3.
        let r = o.handle_sack(t0, &sack(0, &[])).unwrap();
        assert!(r.send_forward_tsn);
        assert_eq!(o.forward_tsn(false).map(|f| f.new_cum_tsn), Some(3));

        // Several streams, unordered only listed for I-FORWARD-TSN.
        let mut o = OutstandingData::new(0);
        let ttl = ms(5);
        for (id, stream, ssn, unordered) in [
            (1, 1, 4, false),
            (2, 1, 5, false),
            (3, 2, 0, true),
            (4, 3, 8, false),
        ] {
            let c = OutChunk {
                stream_id: stream,
                mid: ssn,
                unordered,
                pr: PrPolicy::Ttl(ttl),
                expiry: Some(t0 + ttl),
                ..chunk(id, 10)
            };
            o.insert(t0, c, 0);
        }
        let gone = o.abandon_expired(t0 + ttl, &mut ev);
        assert_eq!(gone.len(), 4);
        let fwd = o.forward_tsn(false).unwrap();
        assert_eq!(fwd.new_cum_tsn, 3);
        let s: Vec<(u16, bool, u32)> = fwd
            .streams
            .iter()
            .map(|s| (s.stream_id, s.unordered, s.mid))
            .collect();
        assert_eq!(s, [(1, false, 5), (3, false, 8)]);
        let fwd = o.forward_tsn(true).unwrap();
        let s: Vec<(u16, bool, u32)> = fwd
            .streams
            .iter()
            .map(|s| (s.stream_id, s.unordered, s.mid))
            .collect();
        assert_eq!(s, [(1, false, 5), (2, true, 0), (3, false, 8)]);
        check(&o);
    }

    #[test]
    fn rtx_policy_abandons_after_limit() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        let c = OutChunk {
            pr: PrPolicy::Rtx(1),
            ..chunk(1, 100)
        };
        o.insert(t0, c, 0);
        o.insert(t0, chunk(2, 100), 0);
        let mut ev = Vec::new();
        o.on_t3_expired(0);
        assert!(o.abandon_expired(t0, &mut ev).is_empty());
        assert_eq!(o.take_retransmit(1000, 0), vec![0, 1]);
        o.on_t3_expired(0);
        assert_eq!(o.abandon_expired(t0, &mut ev), [(0, 1)]);
        assert_eq!(o.pr_stats().assoc().abandoned_sent, [0, 1, 0]);
        assert_eq!(ev.len(), 1);
        assert_eq!(o.take_retransmit(1000, 0), vec![1]);
        assert_eq!(o.forward_tsn(false).map(|f| f.new_cum_tsn), Some(0));
        check(&o);
    }

    #[test]
    fn gap_acked_fragments_of_abandoned_message_are_abandoned_too() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        ttl_message(&mut o, t0, 1, 0, 0, ms(10));
        o.handle_sack(t0, &sack(u32::MAX, &[(2, 3)])).unwrap();
        let mut ev = Vec::new();
        o.abandon_expired(t0 + ms(10), &mut ev);
        assert_eq!(ev.len(), 3);
        assert_eq!(o.outstanding_bytes(), 0);
        assert_eq!(o.forward_tsn(false).map(|f| f.new_cum_tsn), Some(2));
        check(&o);

        // A message whose fragments were all gap-acked was received: not abandoned.
        let mut o = OutstandingData::new(0);
        o.insert(t0, chunk(0, 10), 0);
        ttl_message(&mut o, t0, 1, 0, 0, ms(10));
        o.handle_sack(t0, &sack(u32::MAX, &[(2, 4)])).unwrap();
        ev.clear();
        assert!(o.abandon_expired(t0 + ms(10), &mut ev).is_empty());
        assert!(ev.is_empty());
        assert!(o.forward_tsn(false).is_none());
        check(&o);
    }

    #[test]
    fn drain_failed_reports_sent_chunks() {
        let t0 = Instant::now();
        let mut o = OutstandingData::new(0);
        ttl_message(&mut o, t0, 1, 0, 0, ms(10));
        o.insert(t0, chunk(2, 10), 0);
        let mut ev = Vec::new();
        o.abandon_expired(t0 + ms(10), &mut ev);
        ev.clear();
        o.drain_failed(7, &mut ev);
        assert_eq!(ev.len(), 1);
        assert!(matches!(
            ev[0],
            Event::SendFailed {
                sent: true,
                error: 7,
                ..
            }
        ));
        assert!(o.is_empty());
        assert_eq!(o.bytes_in_flight(), 0);
        assert_eq!(o.next_tsn(), 4);
        check(&o);
    }

    /// Receiver model: SACK from the set of TSNs received, listing at most `max_blocks` gap
    /// blocks (receivers such as Linux truncate the list).
    fn receiver_sack(cum: u64, received: &BTreeSet<u64>, max_blocks: usize) -> SackChunk {
        let mut gaps: Vec<(u16, u16)> = Vec::new();
        for &t in received.range(cum + 1..) {
            let off = t - cum;
            if off > u64::from(u16::MAX) {
                break;
            }
            let off = off as u16;
            let len = gaps.len();
            match gaps.last_mut() {
                Some(g) if g.1 + 1 == off => g.1 = off,
                _ if len == max_blocks => break,
                _ => gaps.push((off, off)),
            }
        }
        sack(cum as u32, &gaps)
    }

    #[derive(Debug, Default)]
    struct SimStats {
        total: usize,
        acked: usize,
        freed: usize,
        produced: usize,
        failed_unsent: usize,
        failed_sent_chunks: usize,
        fast_retransmits: usize,
        ignored_sacks: usize,
        forward_tsns: usize,
    }

    /// Sends 300 messages over two paths with 20% loss, reordered stale SACKs, truncated gap
    /// block lists and random T3 expiries; with `ttl`, a third of the messages have a lifetime and are abandoned, the
    /// receiver model applying the FORWARD TSNs. Checks the accounting after every step.
    fn simulate(seed: u64, ttl: bool) -> SimStats {
        let mut rng = TestRng::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut now = Instant::now();
        let init = u32::MAX - 40;
        let i_data = seed % 2 == 0;
        let mut q = SendQueue::new(1 << 22, 4, i_data);
        let mut o = OutstandingData::new(init);
        o.set_peer_rwnd(1 << 22);
        let mut st = SimStats::default();
        for i in 0..300u32 {
            let len = 1 + rng.below(3000) as usize;
            st.total += len;
            let m = OutgoingMessage {
                stream_id: (i % 4) as u16,
                unordered: i % 5 == 0,
                pr: if ttl && i % 3 == 0 {
                    PrPolicy::Ttl(ms(20 + rng.below(400)))
                } else {
                    PrPolicy::Reliable
                },
                payload: vec![i as u8; len],
                ..Default::default()
            };
            q.enqueue(now, m, 1000).unwrap();
        }
        let mut received: BTreeSet<u64> = BTreeSet::new();
        let mut cum: u64 = UNWRAP_BASE + u64::from(init) - 1;
        let mut old_sacks: Vec<SackChunk> = Vec::new();
        let mut events = Vec::new();
        let mut rounds = 0;
        while !(q.is_empty() && o.is_empty()) {
            rounds += 1;
            assert!(rounds < 20_000, "no progress");
            now += ms(10);
            events.clear();
            q.expire(now, &mut events);
            for (stream, message) in o.abandon_expired(now, &mut events) {
                q.abandon_message(stream, message, 0, &mut events);
            }
            for e in &events {
                if let Event::SendFailed { sent, payload, .. } = e {
                    if *sent {
                        st.failed_sent_chunks += 1;
                    } else {
                        st.failed_unsent += payload.len();
                    }
                }
            }
            if let Some(fwd) = o.forward_tsn(i_data) {
                st.forward_tsns += 1;
                if rng.below(5) != 0 {
                    cum = cum.max(unwrap_tsn(cum, fwd.new_cum_tsn));
                    received = received.split_off(&(cum + 1));
                }
            }
            for _ in 0..8 {
                let path = rng.below(2) as PathId;
                let tsn = match o.pop_retransmit(usize::MAX, path) {
                    Some(t) => t,
                    None => match q.produce(usize::MAX) {
                        Some(c) => {
                            st.produced += c.payload.len();
                            o.insert(now, c, path)
                        }
                        None => break,
                    },
                };
                let ext = unwrap_tsn(cum, tsn);
                if rng.below(5) != 0 && ext > cum {
                    received.insert(ext);
                }
            }
            while received.remove(&(cum + 1)) {
                cum += 1;
            }
            let max_blocks = if seed % 3 == 0 { 4 } else { usize::MAX };
            let s = receiver_sack(cum, &received, max_blocks);
            if rng.below(4) == 0 && !old_sacks.is_empty() {
                let old = &old_sacks[rng.below(old_sacks.len() as u64) as usize];
                let sender_cum = unwrap_tsn(cum, o.cum_ack());
                // A reordered, older SACK: dropped when behind.
                if unwrap_tsn(cum, old.cum_tsn_ack) < sender_cum {
                    assert!(o.handle_sack(now, old).unwrap().ignored);
                    st.ignored_sacks += 1;
                }
            }
            let r = o.handle_sack(now, &s).unwrap();
            st.acked += r.paths.iter().map(|p| p.bytes_acked).sum::<usize>();
            st.fast_retransmits += usize::from(r.fast_retransmit);
            assert!(r.paths.iter().all(|p| !p.reneged));
            old_sacks.push(s);
            if old_sacks.len() > 20 {
                old_sacks.remove(0);
            }
            if rng.below(10) == 0 {
                o.on_t3_expired(rng.below(2) as PathId);
            }
            let f = o.take_freed_bytes();
            st.freed += f;
            q.release(f);
            check(&o);
        }
        assert_eq!(q.available(), 1 << 22, "send buffer fully released");
        assert_eq!(o.bytes_in_flight(), 0);
        assert_eq!(o.outstanding_bytes(), 0);
        st
    }

    #[test]
    fn random_hostile_sacks_never_break_accounting() {
        let mut rng = TestRng::new(0xdead_beef_cafe_f00d);
        let t0 = Instant::now();
        let init = u32::MAX - 100;
        let mut o = OutstandingData::new(init);
        let mut ev = Vec::new();
        let mut id = 0;
        for step in 0..3000u64 {
            let now = t0 + ms(step);
            for _ in 0..rng.below(4) {
                id += 1;
                let pr = match rng.below(5) {
                    0 => PrPolicy::Ttl(ms(rng.below(50))),
                    1 => PrPolicy::Rtx(rng.below(3) as u32),
                    2 => PrPolicy::Prio(rng.below(3) as u32),
                    _ => PrPolicy::Reliable,
                };
                let expiry = match pr {
                    PrPolicy::Ttl(ttl) => Some(now + ttl),
                    _ => None,
                };
                let c = OutChunk {
                    pr,
                    expiry,
                    ..chunk(id, 1 + rng.below(100) as usize)
                };
                o.insert(now, c, rng.below(3) as PathId);
            }
            let cum = o
                .cum_ack()
                .wrapping_add(rng.below(40) as u32)
                .wrapping_sub(10);
            let blocks: Vec<(u16, u16)> = (0..rng.below(6))
                .map(|_| (rng.below(60) as u16, rng.below(60) as u16))
                .collect();
            let ahead = unwrap_tsn(o.first - 1, cum) >= o.next_ext();
            match o.handle_sack(now, &sack(cum, &blocks)) {
                Ok(_) => assert!(!ahead),
                Err(SackError::AcksUnsentTsn) => assert!(ahead),
            }
            match rng.below(4) {
                0 => o.on_t3_expired(rng.below(3) as PathId),
                1 => {
                    o.take_retransmit(rng.below(300) as usize, rng.below(3) as PathId);
                }
                2 => {
                    o.abandon_expired(now, &mut ev);
                    if let Some(f) = o.forward_tsn(step % 2 == 0) {
                        assert!(unwrap_tsn(o.first, f.new_cum_tsn) >= o.first);
                    }
                }
                _ => {
                    o.prune_priority(rng.below(200) as usize, 0, &mut ev);
                }
            }
            check(&o);
        }
    }

    #[test]
    fn randomized_loss_keeps_accounting_exact() {
        for seed in 1..=6u64 {
            let st = simulate(seed, false);
            assert_eq!(st.acked, st.total, "every byte acknowledged exactly once");
            assert_eq!(st.freed, st.total);
            assert!(st.fast_retransmits > 0 && st.ignored_sacks > 0);
            assert_eq!(
                st.forward_tsns + st.failed_sent_chunks + st.failed_unsent,
                0
            );
        }
    }

    #[test]
    fn randomized_loss_with_ttl_abandonment() {
        let (mut forward_tsns, mut failed_sent) = (0, 0);
        for seed in 1..=6u64 {
            let st = simulate(seed, true);
            forward_tsns += st.forward_tsns;
            failed_sent += st.failed_sent_chunks;
            // Every byte was either produced (then freed by ack or abandonment) or failed
            // unsent; acknowledged bytes never exceed what was produced.
            assert_eq!(st.produced + st.failed_unsent, st.total);
            assert_eq!(st.freed, st.produced);
            assert!(st.acked <= st.produced);
        }
        assert!(forward_tsns > 0 && failed_sent > 0);
    }
}
