//! User messages waiting to be sent (RFC 9260 6.1, 6.6, 6.9; RFC 8260 stream schedulers and
//! I-DATA; RFC 3758 / RFC 7496 PR-SCTP for messages not sent yet).
//!
//! Messages are fragmented by the `frag_point` given at enqueue, as Linux does at `sendmsg`
//! time, so fragment sizes (and SEND_FAILED notifications, one per fragment) match Linux; a
//! path MTU that goes down later re-cuts what is not cut yet ([`SendQueue::lower_frag_point`]).
//! Fragments are cut lazily when produced; the SSN (DATA) or MID (I-DATA) is assigned when the
//! first fragment of a message is produced, so messages dropped before sending leave no gap
//! in a stream's sequence (Linux assigns at transmission too).

use bytes::Bytes;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use super::scheduler::{Key, Scheduler, StreamSched};
use super::PrStats;
use crate::assoc::{Event, FragFlags, OutgoingMessage, PrPolicy, SendError};

/// One DATA / I-DATA chunk to send (or retransmit), without its TSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutChunk {
    pub stream_id: u16,
    /// SSN (16 bits, DATA) or MID (I-DATA); 0 for unordered DATA.
    pub mid: u32,
    /// Fragment Sequence Number (I-DATA); 0 for DATA.
    pub fsn: u32,
    pub ppid: u32,
    pub unordered: bool,
    pub begin: bool,
    pub end: bool,
    /// SACK-IMMEDIATELY (I bit).
    pub immediate: bool,
    /// A slice of the queued message (fragments share its buffer, no copy).
    pub payload: Bytes,
    pub pr: PrPolicy,
    pub context: u32,
    pub sinfo_assoc_id: Option<i32>,
    /// PR-SCTP TTL deadline of the whole message.
    pub expiry: Option<Instant>,
    /// Unique per message within the association: all fragments share it.
    pub message_id: u64,
    /// SCTP_ADDR_OVER destination.
    pub dest: Option<IpAddr>,
}

impl OutChunk {
    /// SCTP_SEND_FAILED for this fragment (`sent`: it had a TSN, SCTP_DATA_SENT).
    pub fn into_send_failed(self, sent: bool, error: u32) -> Event {
        Event::SendFailed {
            sent,
            error,
            stream_id: self.stream_id,
            ppid: self.ppid,
            context: self.context,
            sinfo_assoc_id: self.sinfo_assoc_id,
            timetolive: self.pr.linux_value(),
            unordered: self.unordered,
            frag: FragFlags {
                first: self.begin,
                last: self.end,
            },
            payload: self.payload.to_vec(),
        }
    }
}

#[derive(Debug)]
struct QueuedMessage {
    id: u64,
    ppid: u32,
    unordered: bool,
    immediate: bool,
    pr: PrPolicy,
    context: u32,
    sinfo_assoc_id: Option<i32>,
    expiry: Option<Instant>,
    dest: Option<IpAddr>,
    payload: Bytes,
    /// Message length.
    total: usize,
    frag_point: usize,
    /// Bytes of the message already produced.
    offset: usize,
    /// SSN/MID, assigned with the first fragment.
    mid: Option<u32>,
    next_fsn: u32,
}

impl QueuedMessage {
    fn remaining(&self) -> usize {
        self.total - self.offset
    }

    fn fragments_left(&self) -> usize {
        self.remaining().div_ceil(self.frag_point).max(1)
    }

    fn next_fragment_len(&self) -> usize {
        self.remaining().min(self.frag_point)
    }

    /// Cuts the next fragment (the caller assigned `mid` already). DATA carries no FSN.
    fn take_fragment(&mut self, stream_id: u16, i_data: bool) -> OutChunk {
        let len = self.next_fragment_len();
        let begin = self.offset == 0;
        let end = self.offset + len == self.total;
        // A whole message moves; a fragment shares the message's buffer (no copy).
        let payload = if begin && end {
            std::mem::take(&mut self.payload)
        } else {
            self.payload.slice(self.offset..self.offset + len)
        };
        self.offset += len;
        let fsn = if i_data { self.next_fsn } else { 0 };
        self.next_fsn = self.next_fsn.wrapping_add(1);
        OutChunk {
            stream_id,
            mid: self.mid.unwrap_or(0),
            fsn,
            ppid: self.ppid,
            unordered: self.unordered,
            begin,
            end,
            // RFC 7053 4.1 / Linux: the I bit goes on the message's last fragment.
            immediate: self.immediate && end,
            payload,
            pr: self.pr,
            context: self.context,
            sinfo_assoc_id: self.sinfo_assoc_id,
            expiry: self.expiry,
            message_id: self.id,
            dest: self.dest,
        }
    }

    /// SCTP_SEND_FAILED (unsent) for every fragment not produced yet, as Linux cut them.
    fn fail_unsent(mut self, stream_id: u16, error: u32, events: &mut Vec<Event>) {
        if self.total == 0 {
            events.push(
                self.take_fragment(stream_id, false)
                    .into_send_failed(false, error),
            );
            return;
        }
        while self.remaining() > 0 {
            events.push(
                self.take_fragment(stream_id, false)
                    .into_send_failed(false, error),
            );
        }
    }
}

#[derive(Debug, Default)]
struct StreamQueue {
    messages: VecDeque<QueuedMessage>,
    /// Next SSN (DATA, 16-bit) or ordered MID (I-DATA).
    next_ordered: u32,
    /// Next unordered MID (I-DATA only; RFC 8260 2.1 keeps them apart).
    next_unordered: u32,
    sched: StreamSched,
    /// This stream's key in `SendQueue::active` while it has messages.
    key: Option<Key>,
}

impl StreamQueue {
    fn restart_sequence(&mut self) {
        self.next_ordered = 0;
        self.next_unordered = 0;
    }
}

/// Messages accepted from the user and not yet fully handed out as chunks.
#[derive(Debug)]
pub struct SendQueue {
    sndbuf: usize,
    num_streams: u16,
    i_data: bool,
    scheduler: Scheduler,
    streams: HashMap<u16, StreamQueue>,
    /// Streams with messages, ordered by the scheduler's key; the first one sends next.
    active: BTreeMap<Key, u16>,
    rr_seq: u64,
    next_message_id: u64,
    /// DATA only: the stream whose message is partially produced; its fragments must get
    /// consecutive TSNs (RFC 9260 6.9), so nothing else is produced until it ends.
    current: Option<u16>,
    /// Unsent messages with a PR-SCTP lifetime, by deadline.
    expiries: BTreeMap<(Instant, u64), u16>,
    queued_bytes: usize,
    queued_fragments: usize,
    /// Bytes produced and not yet released by the caller (acknowledged or abandoned).
    outstanding_bytes: usize,
    /// Messages abandoned before any fragment was sent.
    pr_stats: PrStats,
}

impl SendQueue {
    pub fn new(sndbuf: u32, num_outbound_streams: u16, i_data: bool) -> Self {
        SendQueue {
            sndbuf: sndbuf as usize,
            num_streams: num_outbound_streams,
            i_data,
            scheduler: Scheduler::Fcfs,
            streams: HashMap::new(),
            active: BTreeMap::new(),
            rr_seq: 0,
            next_message_id: 0,
            current: None,
            expiries: BTreeMap::new(),
            queued_bytes: 0,
            queued_fragments: 0,
            outstanding_bytes: 0,
            pr_stats: PrStats::default(),
        }
    }

    /// The queue of a new association: its buffer, stream count and scheduler from `cfg`.
    pub fn with_scheduler(cfg: &crate::assoc::AssocConfig, i_data: bool) -> Self {
        let mut q = SendQueue::new(cfg.sndbuf, cfg.outbound_streams, i_data);
        q.scheduler = cfg.scheduler;
        q
    }

    pub fn set_sndbuf(&mut self, sndbuf: u32) {
        self.sndbuf = sndbuf as usize;
    }

    /// Negotiated outbound streams (after INIT ACK, or RFC 6525 add streams). When the count
    /// shrank below what messages were queued for, call
    /// [`drop_invalid_streams`](Self::drop_invalid_streams).
    pub fn set_num_streams(&mut self, num_outbound_streams: u16) {
        self.num_streams = num_outbound_streams;
    }

    /// Drops messages queued for streams at or above the stream count (queued before the peer
    /// granted fewer outbound streams), each fragment reported unsent with `error` (Linux
    /// `sctp_stream_shrink_out`: SCTP_ERROR_INV_STRM). A message already partly sent is
    /// kept.
    pub fn drop_invalid_streams(&mut self, error: u32, events: &mut Vec<Event>) {
        let mut doomed: Vec<(u64, u16)> = self
            .streams
            .iter()
            .filter(|(&sid, _)| sid >= self.num_streams)
            .flat_map(|(&sid, st)| st.messages.iter().map(move |m| (sid, m)))
            .filter(|(_, m)| m.offset == 0)
            .map(|(sid, m)| (m.id, sid))
            .collect();
        doomed.sort_unstable();
        for (id, sid) in doomed {
            self.remove_message(sid, id, error, events);
        }
    }

    pub fn num_streams(&self) -> u16 {
        self.num_streams
    }

    /// Whether I-DATA (RFC 8260) was negotiated: MIDs are 32-bit and unordered messages get
    /// their own MIDs; fragments of different streams may interleave.
    pub fn set_i_data(&mut self, i_data: bool) {
        self.i_data = i_data;
    }

    /// The path MTU went down (RFC 9260 7.3): the fragments not cut yet are cut at most
    /// `frag_point` bytes long. Fragments need not be of one size, and those not cut have no
    /// TSN yet, so the peer sees nothing unusual.
    pub fn lower_frag_point(&mut self, frag_point: usize) {
        let frag_point = frag_point.max(1);
        let mut fragments = 0;
        for q in self.streams.values_mut() {
            for m in &mut q.messages {
                m.frag_point = m.frag_point.min(frag_point);
                fragments += m.fragments_left();
            }
        }
        self.queued_fragments = fragments;
    }

    /// Queues a message, fragmented into chunks of at most `frag_point` payload bytes.
    ///
    /// Buffer rule as Linux (`sctp_sendmsg_to_asoc`): a message is accepted whenever the send
    /// buffer has any room left (queued plus outstanding bytes below sndbuf), even if the
    /// message itself is larger than that room; otherwise `WouldBlock`. Size limits tied to
    /// SCTP_DISABLE_FRAGMENTS are the caller's check. An empty payload must be refused by the
    /// caller (Linux EINVAL); if given, it goes out as one empty chunk.
    pub fn enqueue(
        &mut self,
        now: Instant,
        msg: OutgoingMessage,
        frag_point: usize,
    ) -> Result<(), SendError> {
        if msg.stream_id >= self.num_streams {
            return Err(SendError::InvalidStream);
        }
        if self.used() >= self.sndbuf {
            return Err(SendError::WouldBlock);
        }
        let id = self.next_message_id;
        self.next_message_id += 1;
        let expiry = match msg.pr {
            PrPolicy::Ttl(ttl) => now.checked_add(ttl),
            _ => None,
        };
        let queued = QueuedMessage {
            id,
            ppid: msg.ppid,
            unordered: msg.unordered,
            immediate: msg.sack_immediately,
            pr: msg.pr,
            context: msg.context,
            sinfo_assoc_id: msg.sinfo_assoc_id,
            expiry,
            dest: msg.dest,
            total: msg.payload.len(),
            payload: Bytes::from(msg.payload),
            frag_point: frag_point.max(1),
            offset: 0,
            mid: None,
            next_fsn: 0,
        };
        self.queued_bytes += queued.total;
        self.queued_fragments += queued.fragments_left();
        if let Some(at) = expiry {
            self.expiries.insert((at, id), msg.stream_id);
        }
        let stream = self.stream_mut(msg.stream_id);
        stream.messages.push_back(queued);
        if stream.key.is_none() {
            self.reschedule(msg.stream_id, true);
        }
        Ok(())
    }

    /// The stream [`produce`](Self::produce) takes its next fragment from.
    pub fn next_stream(&self) -> Option<u16> {
        match self.current {
            Some(s) if !self.i_data => Some(s),
            _ => self.active.first_key_value().map(|(_, s)| *s),
        }
    }

    /// The next fragment to send per the stream scheduler, if its payload fits `max_payload`.
    /// Returns `None` when nothing is queued or the next fragment is larger than
    /// `max_payload`: the caller then closes the packet and asks again with an empty one (or,
    /// if a fragment cannot fit even an empty packet after a PMTU drop, with `usize::MAX`).
    /// Call [`expire`](Self::expire) first so expired messages are not sent.
    pub fn produce(&mut self, max_payload: usize) -> Option<OutChunk> {
        let stream_id = self.next_stream()?;
        let i_data = self.i_data;
        let stream = self.streams.get_mut(&stream_id)?;
        let msg = stream.messages.front_mut()?;
        if msg.next_fragment_len() > max_payload {
            return None;
        }
        if msg.mid.is_none() {
            // Once transmission starts the lifetime is the outstanding queue's to enforce
            // (as Linux: unsent non-first fragments are only dropped with their message).
            if let Some(at) = msg.expiry {
                self.expiries.remove(&(at, msg.id));
            }
            msg.mid = Some(if msg.unordered {
                if i_data {
                    let mid = stream.next_unordered;
                    stream.next_unordered = mid.wrapping_add(1);
                    mid
                } else {
                    0
                }
            } else {
                let mid = stream.next_ordered;
                stream.next_ordered = if i_data {
                    mid.wrapping_add(1)
                } else {
                    (mid + 1) & 0xffff
                };
                mid
            });
        }
        let chunk = msg.take_fragment(stream_id, i_data);
        stream.sched.sent += (chunk.payload.len() + if i_data { 20 } else { 16 }) as u64;
        let done = msg.remaining() == 0;
        self.queued_bytes -= chunk.payload.len();
        self.queued_fragments -= 1;
        self.outstanding_bytes += chunk.payload.len();
        if done {
            stream.messages.pop_front();
            self.current = None;
            self.reschedule(stream_id, true);
        } else {
            if !self.i_data {
                self.current = Some(stream_id);
            }
            // With I-DATA the turn passes after each fragment (RFC 8260 3.2, 3.3).
            self.reschedule(stream_id, self.i_data);
        }
        Some(chunk)
    }

    /// PR-SCTP lifetime (RFC 3758 3.1 and RFC 9260 lifetime): drops messages not started
    /// whose TTL passed, one `SendFailed { sent: false }` per fragment with that fragment's
    /// payload. A message partly sent is not cut here: a receiver holding its first
    /// fragments would wait for the rest forever. The outstanding queue abandons its sent
    /// fragments (with a FORWARD TSN) and the caller then drops the rest with
    /// [`abandon_message`](Self::abandon_message).
    pub fn expire(&mut self, now: Instant, events: &mut Vec<Event>) {
        while let Some((&(at, id), &stream_id)) = self.expiries.first_key_value() {
            if at > now {
                break;
            }
            self.expiries.remove(&(at, id));
            if let Some(pr) = self.remove_message(stream_id, id, 0, events) {
                self.pr_stats.record(stream_id, pr, false);
            }
        }
    }

    /// Earliest PR-SCTP deadline of an unsent message (for the caller's timer).
    pub fn next_expiry(&self) -> Option<Instant> {
        self.expiries.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Drops the unsent rest of a message whose sent fragments were abandoned (RFC 7496
    /// RTX policy, TTL, priority): each remaining fragment reported unsent.
    pub fn abandon_message(
        &mut self,
        stream_id: u16,
        message_id: u64,
        error: u32,
        events: &mut Vec<Event>,
    ) {
        self.remove_message(stream_id, message_id, error, events);
    }

    /// Messages abandoned before being sent (the outstanding queue counts the others).
    pub fn pr_stats(&self) -> &PrStats {
        &self.pr_stats
    }

    /// RFC 7496 4.3 priority policy, as Linux `sctp_prsctp_prune_unsent`: drops unsent
    /// messages whose PRIO value is above `level` (less important), newest first, until
    /// `needed` bytes are freed; each fragment is reported unsent. Messages already partly
    /// sent are left alone. Returns the bytes freed.
    pub fn prune_priority(&mut self, needed: usize, level: u32, events: &mut Vec<Event>) -> usize {
        let mut victims: Vec<(u64, u16)> = self
            .streams
            .iter()
            .flat_map(|(&sid, st)| st.messages.iter().map(move |m| (sid, m)))
            .filter(|(_, m)| m.offset == 0 && matches!(m.pr, PrPolicy::Prio(v) if v > level))
            .map(|(sid, m)| (m.id, sid))
            .collect();
        victims.sort_unstable_by(|a, b| b.cmp(a));
        let before = self.queued_bytes;
        for (id, sid) in victims {
            if before - self.queued_bytes >= needed {
                break;
            }
            if let Some(pr) = self.remove_message(sid, id, 0, events) {
                self.pr_stats.record(sid, pr, false);
            }
        }
        before - self.queued_bytes
    }

    /// Association ended: every queued message fails as unsent (SCTP_DATA_UNSENT).
    pub fn drain_failed(&mut self, error: u32, events: &mut Vec<Event>) {
        let mut ids: Vec<u16> = self.streams.keys().copied().collect();
        ids.sort_unstable();
        let mut by_message: BTreeMap<u64, (u16, QueuedMessage)> = BTreeMap::new();
        for sid in ids {
            if let Some(stream) = self.streams.get_mut(&sid) {
                for msg in stream.messages.drain(..) {
                    by_message.insert(msg.id, (sid, msg));
                }
                stream.key = None;
            }
        }
        for (_, (sid, msg)) in by_message {
            msg.fail_unsent(sid, error, events);
        }
        self.active.clear();
        self.expiries.clear();
        self.current = None;
        self.queued_bytes = 0;
        self.queued_fragments = 0;
    }

    /// The caller hands back bytes of produced chunks that left the outstanding queue
    /// (acknowledged or abandoned). Returns true when the buffer went from full to having
    /// room (raise `Event::Writable`).
    pub fn release(&mut self, bytes: usize) -> bool {
        let was_full = self.used() >= self.sndbuf;
        self.outstanding_bytes = self.outstanding_bytes.saturating_sub(bytes);
        was_full && self.used() < self.sndbuf
    }

    /// Bytes a new message may use before the buffer counts as full.
    pub fn available(&self) -> usize {
        self.sndbuf.saturating_sub(self.used())
    }

    /// Whether `enqueue` would accept a message now (POLLOUT).
    pub fn is_writable(&self) -> bool {
        self.used() < self.sndbuf
    }

    /// Unsent payload bytes.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Unsent fragments (SCTP_STATUS `sstat_penddata`).
    pub fn queued_chunks(&self) -> usize {
        self.queued_fragments
    }

    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    pub fn scheduler(&self) -> Scheduler {
        self.scheduler
    }

    /// SCTP_STREAM_SCHEDULER. A change resets every stream's value and share (Linux
    /// `sctp_sched_set_sched` runs the new scheduler's `init_sid` on each stream).
    pub fn set_scheduler(&mut self, scheduler: Scheduler) {
        if self.scheduler == scheduler {
            return;
        }
        self.scheduler = scheduler;
        let mut order: Vec<u16> = self.active.values().copied().collect();
        self.active.clear();
        for stream in self.streams.values_mut() {
            stream.key = None;
            stream.sched = StreamSched::new(scheduler);
        }
        for s in order.drain(..) {
            self.reschedule(s, true);
        }
    }

    /// SCTP_STREAM_SCHEDULER_VALUE: priority (PRIO, lower sends first) or weight (WFQ);
    /// ignored by the other schedulers. False (EINVAL) for a stream beyond the count or a
    /// value the scheduler refuses.
    pub fn set_stream_value(&mut self, stream_id: u16, value: u16) -> bool {
        if stream_id >= self.num_streams || !self.scheduler.accepts(value) {
            return false;
        }
        if !self.scheduler.has_value() {
            return true;
        }
        let stream = self.stream_mut(stream_id);
        if stream.sched.value == value {
            return true;
        }
        stream.sched.value = value;
        if stream.key.is_some() {
            self.reschedule(stream_id, true);
        }
        true
    }

    /// SCTP_STREAM_SCHEDULER_VALUE get; None (EINVAL) for a stream beyond the count.
    pub fn stream_value(&self, stream_id: u16) -> Option<u16> {
        if stream_id >= self.num_streams {
            return None;
        }
        if !self.scheduler.has_value() {
            return Some(0);
        }
        Some(
            self.streams
                .get(&stream_id)
                .map_or(self.scheduler.default_value(), |s| s.sched.value),
        )
    }

    /// Whether messages (or fragments of one) of `stream_id` wait to be sent (RFC 6525 5.1.2:
    /// a stream is reset only once they are out).
    pub fn has_unsent(&self, stream_id: u16) -> bool {
        self.streams
            .get(&stream_id)
            .is_some_and(|s| !s.messages.is_empty())
    }

    /// RFC 6525 5.2.2: after an outgoing SSN reset the stream's sequence starts at 0 again.
    pub fn reset_stream_sequence(&mut self, stream_id: u16) {
        if let Some(stream) = self.streams.get_mut(&stream_id) {
            stream.restart_sequence();
        }
    }

    /// Stream `id`'s queue, made with the current scheduler's defaults if new.
    fn stream_mut(&mut self, id: u16) -> &mut StreamQueue {
        let scheduler = self.scheduler;
        self.streams.entry(id).or_insert_with(|| StreamQueue {
            sched: StreamSched::new(scheduler),
            ..Default::default()
        })
    }

    /// The same for every stream (a reset of all streams, RFC 6525 5.2.4 SSN/TSN reset).
    pub fn reset_all_stream_sequences(&mut self) {
        self.streams
            .values_mut()
            .for_each(StreamQueue::restart_sequence);
    }

    fn used(&self) -> usize {
        self.queued_bytes + self.outstanding_bytes
    }

    /// Removes message `id` of `stream_id` if still queued, reporting its unsent fragments.
    /// Returns its policy when it was there.
    fn remove_message(
        &mut self,
        stream_id: u16,
        id: u64,
        error: u32,
        events: &mut Vec<Event>,
    ) -> Option<PrPolicy> {
        let stream = self.streams.get_mut(&stream_id)?;
        let pos = stream.messages.binary_search_by_key(&id, |m| m.id).ok()?;
        let msg = stream.messages.remove(pos)?;
        let pr = msg.pr;
        if let Some(at) = msg.expiry {
            self.expiries.remove(&(at, id));
        }
        self.queued_bytes -= msg.remaining();
        self.queued_fragments -= msg.fragments_left();
        if pos == 0 && msg.offset > 0 && self.current == Some(stream_id) {
            self.current = None;
        }
        msg.fail_unsent(stream_id, error, events);
        if pos == 0 {
            self.reschedule(stream_id, false);
        }
        Some(pr)
    }

    /// Re-keys `stream_id` in the active set after its head message changed or its turn
    /// ended (`rotate`: round-robin moves it behind the others).
    fn reschedule(&mut self, stream_id: u16, rotate: bool) {
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return;
        };
        let old = stream.key.take();
        if let Some(key) = old {
            self.active.remove(&key);
        }
        let Some(head) = stream.messages.front() else {
            return;
        };
        let key = self
            .scheduler
            .key(head.id, &stream.sched, &mut self.rr_seq, old, rotate);
        stream.key = Some(key);
        self.active.insert(key, stream_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assoc::tx::tests::send_failed;
    use crate::test_rng::TestRng;
    use std::time::Duration;

    fn msg(stream_id: u16, len: usize, fill: u8) -> OutgoingMessage {
        OutgoingMessage {
            stream_id,
            ppid: 42,
            payload: vec![fill; len],
            ..Default::default()
        }
    }

    fn drain(q: &mut SendQueue) -> Vec<OutChunk> {
        std::iter::from_fn(|| q.produce(usize::MAX)).collect()
    }

    /// RFC 9260 7.3: after the path MTU goes down, the fragments not cut yet are cut to the
    /// new size; the first one keeps the size it was cut at.
    #[test]
    fn a_lower_path_mtu_recuts_what_is_not_cut_yet() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 10, false);
        let m = msg(1, 3000, 7);
        q.enqueue(now, m.clone(), 1400).unwrap();
        q.enqueue(now, msg(1, 900, 8), 1400).unwrap();
        assert_eq!(q.queued_chunks(), 4);
        let first = q.produce(usize::MAX).unwrap();
        assert_eq!(first.payload.len(), 1400);
        q.lower_frag_point(500);
        assert_eq!(q.queued_chunks(), 4 + 2);
        let rest = drain(&mut q);
        let lens: Vec<usize> = rest.iter().map(|c| c.payload.len()).collect();
        assert_eq!(lens, [500, 500, 500, 100, 500, 400]);
        let joined: Vec<u8> = std::iter::once(&first)
            .chain(&rest[..4])
            .flat_map(|c| c.payload.clone())
            .collect();
        assert_eq!(joined, m.payload);
        assert!(rest[3].end && rest[4].begin);
        assert_eq!(q.queued_chunks(), 0);
    }

    #[test]
    fn fragments_sizes_and_flags() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 10, false);
        let mut m = msg(3, 1201, 0);
        m.payload = (0..1201u32).map(|i| i as u8).collect();
        m.sack_immediately = true;
        q.enqueue(now, m.clone(), 500).unwrap();
        assert_eq!(q.queued_bytes(), 1201);
        assert_eq!(q.queued_chunks(), 3);
        let chunks = drain(&mut q);
        let lens: Vec<usize> = chunks.iter().map(|c| c.payload.len()).collect();
        assert_eq!(lens, [500, 500, 201]);
        let flags: Vec<(bool, bool)> = chunks.iter().map(|c| (c.begin, c.end)).collect();
        assert_eq!(flags, [(true, false), (false, false), (false, true)]);
        let imm: Vec<bool> = chunks.iter().map(|c| c.immediate).collect();
        assert_eq!(imm, [false, false, true]);
        assert!(chunks
            .iter()
            .all(|c| c.mid == 0 && c.fsn == 0 && c.stream_id == 3));
        assert!(chunks.iter().all(|c| c.ppid == 42));
        assert!(chunks
            .windows(2)
            .all(|w| w[0].message_id == w[1].message_id));
        let joined: Vec<u8> = chunks.iter().flat_map(|c| c.payload.clone()).collect();
        assert_eq!(joined, m.payload);
        assert!(q.is_empty());
        assert_eq!(q.queued_bytes(), 0);
        assert_eq!(q.queued_chunks(), 0);
    }

    #[test]
    fn single_fragment_and_i_data_fsn() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 10, true);
        q.enqueue(now, msg(0, 100, 1), 500).unwrap();
        q.enqueue(now, msg(0, 1000, 2), 400).unwrap();
        let c = drain(&mut q);
        assert_eq!(c.len(), 4);
        assert!(c[0].begin && c[0].end && c[0].fsn == 0 && c[0].mid == 0);
        let fsns: Vec<u32> = c[1..].iter().map(|c| c.fsn).collect();
        assert_eq!(fsns, [0, 1, 2]);
        assert!(c[1..].iter().all(|c| c.mid == 1));
    }

    #[test]
    fn ssn_per_stream_and_unordered() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 10, false);
        q.enqueue(now, msg(1, 10, 0), 500).unwrap();
        let mut u = msg(1, 10, 0);
        u.unordered = true;
        q.enqueue(now, u.clone(), 500).unwrap();
        q.enqueue(now, msg(2, 10, 0), 500).unwrap();
        q.enqueue(now, msg(1, 10, 0), 500).unwrap();
        let c = drain(&mut q);
        let got: Vec<(u16, u32, bool)> = c
            .iter()
            .map(|c| (c.stream_id, c.mid, c.unordered))
            .collect();
        assert_eq!(
            got,
            [(1, 0, false), (1, 0, true), (2, 0, false), (1, 1, false)]
        );

        // I-DATA: unordered messages have their own MID sequence.
        let mut q = SendQueue::new(100_000, 10, true);
        q.enqueue(now, u.clone(), 500).unwrap();
        q.enqueue(now, msg(1, 10, 0), 500).unwrap();
        q.enqueue(now, u, 500).unwrap();
        let got: Vec<(u32, bool)> = drain(&mut q).iter().map(|c| (c.mid, c.unordered)).collect();
        assert_eq!(got, [(0, true), (0, false), (1, true)]);
    }

    #[test]
    fn ssn_wraps_at_16_bits_mid_at_32() {
        let now = Instant::now();
        let mut q = SendQueue::new(u32::MAX, 1, false);
        for _ in 0..65537 {
            q.enqueue(now, msg(0, 1, 0), 500).unwrap();
        }
        let mids: Vec<u32> = drain(&mut q).iter().map(|c| c.mid).collect();
        assert_eq!(mids[65534], 65534);
        assert_eq!(mids[65535], 65535);
        assert_eq!(mids[65536], 0);

        let mut q = SendQueue::new(100_000, 1, true);
        q.enqueue(now, msg(0, 1, 0), 500).unwrap();
        q.enqueue(now, msg(0, 1, 0), 500).unwrap();
        if let Some(s) = q.streams.get_mut(&0) {
            s.next_ordered = u32::MAX;
        }
        let mids: Vec<u32> = drain(&mut q).iter().map(|c| c.mid).collect();
        assert_eq!(mids, [u32::MAX, 0]);
    }

    #[test]
    fn ssn_not_consumed_by_messages_expired_unsent() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 2, false);
        let mut ttl = msg(0, 10, 0);
        ttl.pr = PrPolicy::Ttl(Duration::from_millis(100));
        q.enqueue(now, ttl, 500).unwrap();
        q.enqueue(now, msg(0, 10, 0), 500).unwrap();
        let mut ev = Vec::new();
        q.expire(now + Duration::from_millis(100), &mut ev);
        assert_eq!(ev.len(), 1);
        let c = drain(&mut q);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].mid, 0);
    }

    #[test]
    fn reset_stream_sequence_restarts_at_zero() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 2, false);
        q.enqueue(now, msg(1, 10, 0), 500).unwrap();
        assert_eq!(drain(&mut q)[0].mid, 0);
        q.reset_stream_sequence(1);
        q.enqueue(now, msg(1, 10, 0), 500).unwrap();
        assert_eq!(drain(&mut q)[0].mid, 0);
    }

    #[test]
    fn invalid_stream_and_add_streams() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 2, false);
        assert_eq!(
            q.enqueue(now, msg(2, 1, 0), 500),
            Err(SendError::InvalidStream)
        );
        q.set_num_streams(3);
        assert_eq!(q.enqueue(now, msg(2, 1, 0), 500), Ok(()));
    }

    #[test]
    fn fewer_streams_granted_fails_their_messages() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 10, false);
        q.enqueue(now, msg(8, 700, 1), 500).unwrap();
        q.enqueue(now, msg(1, 10, 2), 500).unwrap();
        q.enqueue(now, msg(9, 10, 3), 500).unwrap();
        q.set_num_streams(5);
        let mut ev = Vec::new();
        q.drop_invalid_streams(1, &mut ev);
        let got: Vec<_> = ev.iter().map(send_failed).collect();
        assert_eq!(
            got,
            [
                (false, true, false, 500),
                (false, false, true, 200),
                (false, true, true, 10)
            ]
        );
        assert!(matches!(
            ev[0],
            Event::SendFailed {
                error: 1,
                stream_id: 8,
                ..
            }
        ));
        let c = drain(&mut q);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].stream_id, 1);
    }

    #[test]
    fn sndbuf_limit_like_linux() {
        let now = Instant::now();
        let mut q = SendQueue::new(1000, 2, false);
        // Larger than sndbuf alone, queue empty: accepted.
        q.enqueue(now, msg(0, 5000, 0), 1000).unwrap();
        assert_eq!(
            q.enqueue(now, msg(0, 1, 0), 1000),
            Err(SendError::WouldBlock)
        );
        assert!(!q.is_writable());
        let c = drain(&mut q);
        // Produced but unacknowledged bytes still count.
        assert_eq!(
            q.enqueue(now, msg(0, 1, 0), 1000),
            Err(SendError::WouldBlock)
        );
        assert!(!q.release(c[0].payload.len()));
        assert!(!q.release(3000));
        assert_eq!(q.available(), 0);
        assert!(q.release(500));
        assert_eq!(q.available(), 500);
        // Room left: a message larger than the room is still accepted.
        q.enqueue(now, msg(0, 800, 0), 1000).unwrap();
        assert_eq!(
            q.enqueue(now, msg(0, 1, 0), 1000),
            Err(SendError::WouldBlock)
        );
        q.set_sndbuf(4000);
        assert!(q.is_writable());
    }

    #[test]
    fn fcfs_across_streams() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        for (s, fill) in [(1, 1), (2, 2), (1, 3), (4, 4), (2, 5)] {
            q.enqueue(now, msg(s, 10, fill), 500).unwrap();
        }
        let order: Vec<u8> = drain(&mut q).iter().map(|c| c.payload[0]).collect();
        assert_eq!(order, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn round_robin_one_message_per_turn() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        q.set_scheduler(Scheduler::RoundRobin);
        for (s, fill) in [(1, 1), (1, 2), (1, 3), (2, 4), (2, 5), (3, 6)] {
            q.enqueue(now, msg(s, 10, fill), 500).unwrap();
        }
        let order: Vec<u8> = drain(&mut q).iter().map(|c| c.payload[0]).collect();
        assert_eq!(order, [1, 4, 6, 2, 5, 3]);
    }

    #[test]
    fn priority_lowest_value_first_equal_share() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        q.set_scheduler(Scheduler::Priority);
        q.set_stream_value(1, 5);
        q.set_stream_value(2, 1);
        q.set_stream_value(3, 1);
        for (s, fill) in [(1, 1), (1, 2), (2, 3), (2, 4), (3, 5), (3, 6)] {
            q.enqueue(now, msg(s, 10, fill), 500).unwrap();
        }
        assert_eq!(q.stream_value(2), Some(1));
        let order: Vec<u8> = drain(&mut q).iter().map(|c| c.payload[0]).collect();
        assert_eq!(order, [3, 5, 4, 6, 1, 2]);
    }

    #[test]
    fn scheduler_change_keeps_all_messages() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        for (s, fill) in [(1, 1), (1, 2), (2, 3), (2, 4)] {
            q.enqueue(now, msg(s, 10, fill), 500).unwrap();
        }
        q.set_scheduler(Scheduler::RoundRobin);
        assert_eq!(q.scheduler(), Scheduler::RoundRobin);
        assert_eq!(Scheduler::from_linux(2), Some(Scheduler::RoundRobin));
        assert_eq!(Scheduler::from_linux(9), None);
        assert_eq!(Scheduler::Priority.to_linux(), 1);
        let mut order: Vec<u8> = drain(&mut q).iter().map(|c| c.payload[0]).collect();
        order.sort_unstable();
        assert_eq!(order, [1, 2, 3, 4]);
    }

    #[test]
    fn data_never_interleaves_fragments() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        q.set_scheduler(Scheduler::RoundRobin);
        q.enqueue(now, msg(1, 1500, 1), 500).unwrap();
        q.enqueue(now, msg(2, 10, 2), 500).unwrap();
        q.enqueue(now, msg(1, 10, 3), 500).unwrap();
        // A higher-priority message arriving mid-message must not cut in with DATA either.
        let first = q.produce(usize::MAX).unwrap();
        q.set_scheduler(Scheduler::Priority);
        q.set_stream_value(1, 9);
        q.enqueue(now, msg(4, 10, 4), 500).unwrap();
        let mut order = vec![first.payload[0]];
        order.extend(drain(&mut q).iter().map(|c| c.payload[0]));
        assert_eq!(&order[..3], [1, 1, 1]);
        assert_eq!(order.len(), 6);
    }

    #[test]
    fn i_data_round_robin_interleaves_fragments() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, true);
        q.set_scheduler(Scheduler::RoundRobin);
        q.enqueue(now, msg(1, 1500, 1), 500).unwrap();
        q.enqueue(now, msg(2, 1000, 2), 500).unwrap();
        let c = drain(&mut q);
        let order: Vec<(u8, u32)> = c.iter().map(|c| (c.payload[0], c.fsn)).collect();
        assert_eq!(order, [(1, 0), (2, 0), (1, 1), (2, 1), (1, 2)]);
    }

    #[test]
    fn produce_respects_max_payload() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        q.enqueue(now, msg(1, 800, 1), 500).unwrap();
        assert!(q.produce(499).is_none());
        assert_eq!(q.produce(500).map(|c| c.payload.len()), Some(500));
        assert!(q.produce(299).is_none());
        assert_eq!(q.produce(300).map(|c| c.payload.len()), Some(300));
        assert!(q.produce(usize::MAX).is_none());
    }

    #[test]
    fn ttl_expiry_reports_each_fragment_unsent() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        let mut m = msg(1, 1500, 7);
        m.pr = PrPolicy::Ttl(Duration::from_millis(2000));
        m.context = 99;
        q.enqueue(now, m, 500).unwrap();
        let mut short = msg(2, 30, 8);
        short.pr = PrPolicy::Ttl(Duration::from_millis(2000));
        q.enqueue(now, short, 500).unwrap();
        q.enqueue(now, msg(3, 10, 9), 500).unwrap();
        assert_eq!(q.next_expiry(), Some(now + Duration::from_millis(2000)));
        let mut ev = Vec::new();
        q.expire(now + Duration::from_millis(1999), &mut ev);
        assert!(ev.is_empty());
        q.expire(now + Duration::from_millis(2000), &mut ev);
        let got: Vec<_> = ev.iter().map(send_failed).collect();
        assert_eq!(
            got,
            [
                (false, true, false, 500),
                (false, false, false, 500),
                (false, false, true, 500),
                (false, true, true, 30),
            ]
        );
        match &ev[0] {
            Event::SendFailed {
                stream_id,
                context,
                payload,
                error,
                ..
            } => {
                assert_eq!((*stream_id, *context, *error), (1, 99, 0));
                assert!(payload.iter().all(|&b| b == 7));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(q.queued_bytes(), 10);
        assert_eq!(q.queued_chunks(), 1);
        assert_eq!(q.next_expiry(), None);
        assert_eq!(q.pr_stats().assoc().abandoned_unsent, [2, 0, 0]);
        assert_eq!(q.pr_stats().stream(1).abandoned_unsent, [1, 0, 0]);
        let c = drain(&mut q);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].stream_id, 3);
    }

    #[test]
    fn ttl_expiry_of_partially_sent_message() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        let mut m = msg(1, 1200, 7);
        m.pr = PrPolicy::Ttl(Duration::from_millis(10));
        q.enqueue(now, m, 500).unwrap();
        q.enqueue(now, msg(2, 10, 9), 500).unwrap();
        let first = q.produce(usize::MAX).unwrap();
        assert_eq!(first.expiry, Some(now + Duration::from_millis(10)));
        assert_eq!(q.next_expiry(), None);
        // Started: not cut by the lifetime here.
        let mut ev = Vec::new();
        q.expire(now + Duration::from_millis(10), &mut ev);
        assert!(ev.is_empty());
        assert_eq!(q.queued_bytes(), 710);
        // Its sent fragment was abandoned by the outstanding queue: the rest goes too.
        q.abandon_message(1, first.message_id, 0, &mut ev);
        let got: Vec<_> = ev.iter().map(send_failed).collect();
        assert_eq!(got, [(false, false, false, 500), (false, false, true, 200)]);
        let c = drain(&mut q);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].payload[0], 9);
    }

    #[test]
    fn fully_produced_messages_leave_expiry_to_outstanding() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        let mut m = msg(1, 100, 7);
        m.pr = PrPolicy::Ttl(Duration::from_millis(10));
        q.enqueue(now, m, 500).unwrap();
        drain(&mut q);
        let mut ev = Vec::new();
        q.expire(now + Duration::from_secs(1), &mut ev);
        assert!(ev.is_empty());
        assert_eq!(q.next_expiry(), None);
    }

    #[test]
    fn abandon_message_drops_unsent_rest() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, true);
        q.enqueue(now, msg(1, 1500, 7), 500).unwrap();
        let c = q.produce(usize::MAX).unwrap();
        let mut ev = Vec::new();
        q.abandon_message(1, c.message_id + 1, 0, &mut ev);
        assert!(ev.is_empty());
        q.abandon_message(1, c.message_id, 0, &mut ev);
        assert_eq!(ev.len(), 2);
        assert!(q.is_empty());
        assert!(q.produce(usize::MAX).is_none());
    }

    #[test]
    fn drain_failed_reports_everything_in_order() {
        let now = Instant::now();
        let mut q = SendQueue::new(100_000, 5, false);
        q.enqueue(now, msg(2, 700, 1), 500).unwrap();
        q.enqueue(now, msg(1, 10, 2), 500).unwrap();
        let mut ev = Vec::new();
        q.drain_failed(5, &mut ev);
        let got: Vec<_> = ev.iter().map(send_failed).collect();
        assert_eq!(
            got,
            [
                (false, true, false, 500),
                (false, false, true, 200),
                (false, true, true, 10)
            ]
        );
        assert!(matches!(ev[0], Event::SendFailed { error: 5, .. }));
        assert!(q.is_empty());
        assert_eq!(q.queued_bytes(), 0);
    }

    /// Internal accounting matches the queued messages.
    fn check(q: &SendQueue) {
        let mut bytes = 0;
        let mut frags = 0;
        let mut active = 0;
        for (&sid, st) in &q.streams {
            bytes += st.messages.iter().map(|m| m.remaining()).sum::<usize>();
            frags += st
                .messages
                .iter()
                .map(|m| m.fragments_left())
                .sum::<usize>();
            assert_eq!(st.key.is_some(), !st.messages.is_empty());
            if let Some(key) = st.key {
                assert_eq!(q.active.get(&key), Some(&sid));
                active += 1;
            }
            assert!(st.messages.iter().skip(1).all(|m| m.offset == 0));
            for m in &st.messages {
                let listed = m
                    .expiry
                    .is_some_and(|at| q.expiries.contains_key(&(at, m.id)));
                assert_eq!(listed, m.expiry.is_some() && m.mid.is_none());
            }
        }
        assert_eq!(q.active.len(), active);
        assert_eq!(q.queued_bytes, bytes);
        assert_eq!(q.queued_fragments, frags);
        if let Some(cur) = q.current {
            assert!(q.streams[&cur]
                .messages
                .front()
                .is_some_and(|m| m.offset > 0));
        }
    }

    #[test]
    fn randomized_operations_keep_accounting() {
        let mut rng = TestRng::new(0x1234_5678_9abc_def1);
        for i_data in [false, true] {
            let t0 = Instant::now();
            let mut q = SendQueue::new(50_000, 6, i_data);
            let mut produced: Vec<OutChunk> = Vec::new();
            let mut ev = Vec::new();
            let (mut accepted, mut failed_unsent, mut out) = (0usize, 0usize, 0usize);
            // Per stream, the message whose fragments are being produced: no other message of
            // that stream may come out until it ends or is abandoned.
            let mut open: HashMap<u16, u64> = HashMap::new();
            for step in 0..5000u64 {
                let now = t0 + Duration::from_millis(step);
                match rng.below(10) {
                    0..=3 => {
                        let mut m = msg(
                            rng.below(6) as u16,
                            1 + rng.below(2500) as usize,
                            step as u8,
                        );
                        m.unordered = rng.below(4) == 0;
                        m.pr = match rng.below(3) {
                            0 => PrPolicy::Ttl(Duration::from_millis(rng.below(300))),
                            _ => PrPolicy::Reliable,
                        };
                        let len = m.payload.len();
                        if q.enqueue(now, m, 1 + rng.below(1200) as usize).is_ok() {
                            accepted += len;
                        }
                    }
                    4..=6 => {
                        if let Some(c) = q.produce(rng.below(1500) as usize) {
                            out += c.payload.len();
                            if let Some(&m) = open.get(&c.stream_id) {
                                assert_eq!(c.message_id, m, "fragments of a message stay together");
                            }
                            if c.end {
                                open.remove(&c.stream_id);
                            } else {
                                open.insert(c.stream_id, c.message_id);
                            }
                            produced.push(c);
                        }
                    }
                    7 => q.expire(now, &mut ev),
                    8 => {
                        if let Some(c) = produced.get(rng.below(produced.len() as u64 + 1) as usize)
                        {
                            q.abandon_message(c.stream_id, c.message_id, 0, &mut ev);
                            if open.get(&c.stream_id) == Some(&c.message_id) {
                                open.remove(&c.stream_id);
                            }
                        }
                    }
                    _ => {
                        let n = rng.below(3000) as usize;
                        q.release(n);
                    }
                }
                if rng.below(50) == 0 {
                    let sched = (rng.below(5) as u32).min(4);
                    q.set_scheduler(Scheduler::from_linux(sched).unwrap_or_default());
                    q.set_stream_value(rng.below(6) as u16, rng.below(4) as u16);
                }
                for e in ev.drain(..) {
                    if let Event::SendFailed { payload, .. } = e {
                        failed_unsent += payload.len();
                    }
                }
                check(&q);
                assert_eq!(accepted, out + failed_unsent + q.queued_bytes());
                // DATA: one message partly produced at a time (consecutive TSNs, 6.9).
                assert!(i_data || open.len() <= 1);
            }
            assert!(out > 0 && failed_unsent > 0 && accepted > out);
        }
    }
}
