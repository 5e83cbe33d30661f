//! DATA chunks sent and not yet cumulatively acknowledged: SACK processing (RFC 9260 6.2.1),
//! RTT sampling (6.3.1 C4/C5, Karn), T3-rtx marking (6.3.3 E3), fast retransmit with HTNA
//! miss indications and Fast Recovery (7.2.4), and PR-SCTP abandonment with the Advanced
//! Peer Ack Point (RFC 3758 3.5, RFC 7496, RFC 8260 I-FORWARD-TSN).
//!
//! TSNs are kept as 64-bit values extended from the 32-bit wire TSNs (see `serial`), so the
//! chunks from the cumulative ack point on sit in a `VecDeque` indexed by TSN offset and the
//! retransmission sets are ordered maps without wraparound concerns.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use super::send_queue::OutChunk;
use super::serial;
use super::PathId;
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
    /// Extended TSN of the highest gap-acked entry (bounds the renege scan).
    highest_gap_acked: Option<u64>,
    /// Earliest PR-SCTP deadline among outstanding chunks (lower bound).
    next_expiry: Option<Instant>,
    /// An RTX-limited chunk was marked for retransmission since the last abandon scan.
    rtx_check: bool,
    /// Reused buffer for sanitized gap blocks (extended start, end).
    blocks: Vec<(u64, u64)>,
}

impl OutstandingData {
    /// `initial_tsn`: our Initial TSN from INIT / INIT ACK.
    pub fn new(initial_tsn: u32) -> Self {
        OutstandingData {
            first: (1 << 32) + u64::from(initial_tsn),
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
            highest_gap_acked: None,
            next_expiry: None,
            rtx_check: false,
            blocks: Vec::new(),
        }
    }

    /// TSN the next new chunk gets.
    pub fn next_tsn(&self) -> u32 {
        self.next_ext() as u32
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
    pub fn chunk(&self, tsn: u32) -> Option<&OutChunk> {
        let idx = self.index_of(tsn)?;
        Some(&self.entries[idx].chunk)
    }

    /// RFC 9260 6.2.1 D: processes a SACK. Gap blocks that are empty, reversed, start at 0
    /// or reach TSNs not sent yet are ignored; blocks may be unsorted or overlap.
    pub fn handle_sack(&mut self, now: Instant, sack: &SackChunk) -> Result<SackResult, SackError> {
        let mut res = SackResult::default();
        let cum = serial::extend(self.first - 1, sack.cum_tsn_ack);
        if cum < self.first - 1 {
            res.ignored = true;
            res.peer_rwnd = self.peer_rwnd;
            return Ok(res);
        }
        if cum >= self.next_ext() {
            return Err(SackError::AcksUnsentTsn);
        }
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
        if self.highest_gap_acked.is_some_and(|h| h < self.first) {
            self.highest_gap_acked = None;
        }

        // Gap blocks, sanitized and sorted.
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
        blocks.sort_unstable();
        let highest_in_sack = blocks.iter().map(|b| b.1).max();
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

        // One pass for reneging (6.2.1: a gap-acked TSN missing from this SACK) and miss
        // indications (7.2.4 HTNA: only below the highest newly acked TSN, or below the
        // highest acked in this SACK when in Fast Recovery and the cum ack advanced).
        let in_fr = self.fast_recovery_exit.is_some();
        let miss_limit = if in_fr && res.cum_advanced {
            highest_in_sack
        } else {
            highest_newly_acked
        };
        let scan_end = [miss_limit, self.highest_gap_acked, highest_in_sack]
            .into_iter()
            .flatten()
            .max();
        let mut newly_marked = false;
        if let Some(scan_end) = scan_end {
            let mut bi = 0;
            let mut highest_gap = None;
            let stop = scan_end.saturating_sub(self.first).saturating_add(1);
            for idx in 0..(stop.min(self.entries.len() as u64) as usize) {
                let tsn = self.first + idx as u64;
                while bi < blocks.len() && blocks[bi].1 < tsn {
                    bi += 1;
                }
                let covered = bi < blocks.len() && blocks[bi].0 <= tsn;
                let entry = &mut self.entries[idx];
                match entry.state {
                    State::GapAcked if !covered => {
                        entry.state = State::InFlight;
                        entry.misses = 0;
                        let (path, len) = (entry.path, entry.len);
                        self.outstanding += len;
                        self.unacked_chunks += 1;
                        self.add_flight(path, len);
                        path_ack(&mut res, &self.in_flight_on, path).reneged = true;
                    }
                    State::GapAcked => highest_gap = Some(tsn),
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
            self.highest_gap_acked = highest_gap;
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
        res.send_forward_tsn = self.advanced_peer_ack_point() > self.first - 1;
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
            if entry.state == State::Abandoned {
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
                if entry.state != State::GapAcked {
                    next_expiry = Some(next_expiry.map_or(at, |n| n.min(at)));
                }
            }
        }
        self.next_expiry = next_expiry;
        abandoned
    }

    /// RFC 3758 3.5 C2/C3 (and RFC 8260 2.3 for I-FORWARD-TSN): the FORWARD TSN to send when
    /// the Advanced.Peer.Ack.Point is ahead of the cumulative ack, with the highest SSN (or
    /// MID) of each stream's abandoned ordered messages (and, for I-DATA, unordered ones).
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
        for entry in self.entries.drain(..) {
            if entry.state != State::Abandoned {
                self.freed += entry.len;
                events.push(entry.chunk.into_send_failed(true, error));
            }
        }
        self.first = self.next_ext();
        self.fast_rtx.clear();
        self.t3_rtx.clear();
        self.in_flight = 0;
        self.in_flight_on.iter_mut().for_each(|b| *b = 0);
        self.outstanding = 0;
        self.unacked_chunks = 0;
        self.fast_recovery_exit = None;
        self.rtt_probe.iter_mut().for_each(|p| *p = None);
        self.highest_gap_acked = None;
        self.next_expiry = None;
    }

    fn next_ext(&self) -> u64 {
        self.first + self.entries.len() as u64
    }

    fn index_of(&self, tsn: u32) -> Option<usize> {
        let ext = serial::extend(self.first, tsn);
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
    /// held TSN) up to its last fragment.
    fn abandon_message_from(&mut self, start: usize, message: u64, events: &mut Vec<Event>) {
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
