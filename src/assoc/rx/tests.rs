//! Randomized tests of the receive path as the association drives it: admit, observe, add,
//! SACK, pop. A sender model fragments random messages, loses, reorders and duplicates its
//! chunks, retransmits what the SACKs do not cover and respects the advertised window.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use super::{DataTracker, Observed, ReassemblyQueue, RxError};
use crate::assoc::Message;
use crate::test_rng::TestRng;
use crate::wire::chunk::{DataChunk, SkippedStream};

const PEER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An owned DATA/I-DATA chunk as the sender model keeps it.
#[derive(Debug, Clone)]
struct Sent {
    tsn: u32,
    stream_id: u16,
    mid: u32,
    fsn: u32,
    ppid: u32,
    unordered: bool,
    begin: bool,
    end: bool,
    payload: Vec<u8>,
}

impl Sent {
    fn chunk(&self) -> DataChunk<'_> {
        DataChunk {
            tsn: self.tsn,
            stream_id: self.stream_id,
            mid: self.mid,
            fsn: self.fsn,
            ppid: self.ppid,
            unordered: self.unordered,
            begin: self.begin,
            end: self.end,
            immediate: false,
            payload: &self.payload,
        }
    }
}

/// A message as sent: (stream, unordered, ssn/mid, ppid, payload).
type Expected = (u16, bool, u32, u32, Vec<u8>);

/// Random messages (one in five up to `big` bytes, the others up to 200), fragmented at
/// `frag` bytes, TSNs from `first_tsn`. With I-DATA the fragments of up to four messages in
/// progress are interleaved in TSN order, several of one stream only while `big` is at most
/// 3000 (larger messages of one stream interleaved can exhaust a receiver that does not
/// renege: the message under partial delivery waits behind its successor's fragments).
fn traffic(
    rng: &mut TestRng,
    i_data: bool,
    first_tsn: u32,
    count: usize,
    streams: u16,
    frag: usize,
    big: u64,
) -> (Vec<Sent>, Vec<Expected>) {
    let same_stream = big <= 3000;
    let mut next_mid: HashMap<(u16, bool), u32> = HashMap::new();
    let mut expected = Vec::new();
    let mut pending: Vec<Vec<Sent>> = Vec::new();
    for i in 0..count {
        let sid = rng.below(u64::from(streams)) as u16;
        let unordered = rng.chance(25);
        let max_len = if rng.chance(20) { big } else { 200 };
        let len = 1 + rng.below(max_len) as usize;
        let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // DATA: unordered messages carry no SSN; I-DATA: separate MIDs for unordered.
        let mid = if unordered && !i_data {
            0
        } else {
            let counter = next_mid.entry((sid, unordered)).or_default();
            let mid = *counter;
            *counter = counter.wrapping_add(1) & if i_data { u32::MAX } else { 0xFFFF };
            mid
        };
        let ppid = i as u32;
        expected.push((sid, unordered, mid, ppid, payload.clone()));
        let pieces: Vec<&[u8]> = payload.chunks(frag).collect();
        let n = pieces.len();
        let frags = pieces
            .iter()
            .enumerate()
            .map(|(k, p)| Sent {
                tsn: 0,
                stream_id: sid,
                mid,
                fsn: if i_data { k as u32 } else { 0 },
                ppid,
                unordered,
                begin: k == 0,
                end: k + 1 == n,
                payload: p.to_vec(),
            })
            .rev()
            .collect();
        pending.push(frags);
    }
    // Assign TSNs in sending order.
    let mut sent = Vec::new();
    let mut tsn = first_tsn;
    let mut active: Vec<Vec<Sent>> = Vec::new();
    let mut queue = pending.into_iter().peekable();
    loop {
        while active.len() < if i_data { 4 } else { 1 } {
            let Some(next) = queue.peek() else { break };
            let sid = next.first().map(|s| s.stream_id);
            let busy = active.iter().any(|m| m.first().map(|s| s.stream_id) == sid);
            if busy && !same_stream {
                break;
            }
            active.extend(queue.next());
        }
        if active.is_empty() {
            break;
        }
        let pick = if i_data {
            rng.below(active.len() as u64) as usize
        } else {
            0
        };
        if let Some(mut s) = active[pick].pop() {
            s.tsn = tsn;
            tsn = tsn.wrapping_add(1);
            sent.push(s);
        }
        if active[pick].is_empty() {
            active.remove(pick);
        }
    }
    (sent, expected)
}

/// Runs the sender model against the receive path (8000-byte buffer, partial delivery point
/// `pd_point`) until everything is delivered; returns the messages and pieces in delivery
/// order.
fn run(seed: u64, i_data: bool, big: u64, pd_point: u32) -> (Vec<Message>, Vec<Expected>) {
    let mut rng = TestRng::new(seed);
    let first_tsn = (u32::MAX - 300).wrapping_add(rng.below(600) as u32); // crosses 2^32 in most runs
    let (sent, expected) = traffic(&mut rng, i_data, first_tsn, 400, 5, 300, big);
    let mut tracker = DataTracker::new(first_tsn);
    let mut queue = ReassemblyQueue::new(8000, 5, i_data);
    queue.set_overflow_allowance(300);
    queue.set_partial_delivery(pd_point, 0);
    let mut acked = vec![false; sent.len()];
    let mut peer_rwnd = 8000u32;
    let mut delivered = Vec::new();
    for _round in 0..20_000 {
        if tracker.cum_tsn_ack() == sent.last().map_or(0, |s| s.tsn)
            && !queue.has_message()
            && delivered.last().is_some_and(|m: &Message| !m.more)
        {
            break;
        }
        // Sender: unacked chunks in TSN order within the window (at least one probe),
        // each lost with 20 % probability, then shuffled, with some duplicates.
        let mut batch = Vec::new();
        let mut budget = i64::from(peer_rwnd);
        let mut probed = false;
        for (i, s) in sent.iter().enumerate() {
            if acked[i] {
                if rng.chance(1) {
                    batch.push(i);
                }
                continue;
            }
            if budget <= 0 && probed {
                break;
            }
            probed = true;
            budget -= s.payload.len() as i64;
            if rng.chance(80) {
                batch.push(i);
                if rng.chance(5) {
                    batch.push(i);
                }
            }
        }
        rng.shuffle(&mut batch);
        for i in batch {
            let c = sent[i].chunk();
            if !queue.admit(&c, &tracker) {
                continue;
            }
            if tracker.observe(c.tsn) == Observed::New {
                assert_eq!(queue.add(&c, PEER), Ok(()));
            }
        }
        assert_eq!(queue.recount(), queue.buffered_bytes());
        // Receiver: SACK, and the application reads a random number of messages.
        let sack = tracker.build_sack(queue.a_rwnd(), 1500);
        let cum = sack.cum_tsn_ack;
        for (i, s) in sent.iter().enumerate() {
            let off = s.tsn.wrapping_sub(cum);
            let in_block = sack
                .gap_blocks
                .iter()
                .any(|g| off >= u32::from(g.start) && off <= u32::from(g.end));
            let acked_count = cum.wrapping_add(1).wrapping_sub(first_tsn);
            if s.tsn.wrapping_sub(first_tsn) < acked_count || in_block {
                acked[i] = true;
            }
        }
        peer_rwnd = sack.a_rwnd;
        let reads = rng.below(6);
        for _ in 0..reads {
            match queue.pop(tracker.cum_tsn_ack()) {
                Some(m) => delivered.push(m),
                None => break,
            }
        }
    }
    assert!(tracker.is_in_sequence());
    assert_eq!(tracker.cum_tsn_ack(), sent.last().map_or(0, |s| s.tsn));
    assert_eq!((queue.buffered_bytes(), queue.held_fragments()), (0, 0));
    (delivered, expected)
}

/// Joins the pieces of partially delivered messages, checking that nothing else came
/// between them with DATA (fragment interleave level 0). Returns the whole messages and how
/// many came in pieces.
fn join_pieces(delivered: Vec<Message>, i_data: bool) -> (Vec<Message>, usize) {
    let mut open: HashMap<(u16, bool, u32), Message> = HashMap::new();
    let mut whole = Vec::new();
    let mut split = 0;
    for m in delivered {
        let key = (m.stream_id, m.unordered, m.ssn);
        assert!(
            i_data || open.is_empty() || open.contains_key(&key),
            "another message between pieces"
        );
        match open.remove(&key) {
            Some(mut head) => {
                head.payload.extend_from_slice(&m.payload);
                if m.more {
                    open.insert(key, head);
                } else {
                    split += 1;
                    whole.push(head);
                }
            }
            None if m.more => {
                open.insert(key, m);
            }
            None => whole.push(m),
        }
    }
    assert!(open.is_empty(), "a message without its last piece");
    (whole, split)
}

fn check_delivery(delivered: &[Message], expected: &[Expected]) {
    // Each message exactly once, intact.
    let mut want: HashMap<u32, &Expected> = expected.iter().map(|e| (e.3, e)).collect();
    for m in delivered {
        let e = want.remove(&m.ppid).expect("delivered twice or unknown");
        assert_eq!((m.stream_id, m.unordered, m.ssn), (e.0, e.1, e.2));
        assert_eq!(m.payload, e.4, "payload of message {}", m.ppid);
        assert!(m.from == PEER);
    }
    assert!(want.is_empty());
    // Ordered messages of each stream in sending order.
    for sid in 0..5u16 {
        let got: Vec<u32> = delivered
            .iter()
            .filter(|m| m.stream_id == sid && !m.unordered)
            .map(|m| m.ppid)
            .collect();
        let sent: Vec<u32> = expected
            .iter()
            .filter(|e| e.0 == sid && !e.1)
            .map(|e| e.3)
            .collect();
        assert_eq!(got, sent, "stream {sid} order");
    }
}

/// `run`, then every message intact and in order once its pieces are joined; returns the
/// messages sent and how many of them came in pieces.
fn run_checked(seed: u64, i_data: bool, big: u64, pd_point: u32) -> (Vec<Expected>, usize) {
    let (delivered, expected) = run(seed, i_data, big, pd_point);
    let (whole, split) = join_pieces(delivered, i_data);
    check_delivery(&whole, &expected);
    (expected, split)
}

#[test]
fn random_data_traffic_delivered_intact_in_order() {
    for seed in 1..=6u64 {
        run_checked(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), false, 3000, 0);
    }
}

#[test]
fn random_i_data_traffic_delivered_intact_in_order() {
    for seed in 1..=6u64 {
        run_checked(seed.wrapping_mul(0xD1B5_4A32_D192_ED03), true, 3000, 0);
    }
}

/// Messages up to 2.5 times the receive buffer: they can only go up in pieces.
#[test]
fn random_traffic_larger_than_the_buffer_goes_up_in_pieces() {
    for i_data in [false, true] {
        for seed in 1..=4u64 {
            let (expected, split) = run_checked(seed * 7919, i_data, 20_000, 0);
            let too_big = expected.iter().filter(|e| e.4.len() > 8000).count();
            assert!(
                too_big > 0 && split >= too_big,
                "seed {seed}: {split} split"
            );
        }
    }
}

/// A partial delivery point of 1000 bytes: messages reaching it come in pieces even though
/// the buffer would hold them.
#[test]
fn random_traffic_with_partial_delivery_point() {
    for i_data in [false, true] {
        for seed in 1..=4u64 {
            let (_, split) = run_checked(seed * 104_729, i_data, 3000, 1000);
            assert!(split > 0, "seed {seed}: nothing split");
        }
    }
}

/// Arbitrary chunks, FORWARD TSNs, resets and reads, with and without a partial delivery
/// point: nothing panics, the byte accounting matches what is held, and state stays within
/// its bounds.
#[test]
fn hostile_random_input_stays_bounded() {
    for (i_data, pd_point) in [(false, 0), (true, 0), (false, 50), (true, 50)] {
        let mut rng = TestRng::new(0x1234_5678 + u64::from(i_data) + u64::from(pd_point));
        let mut tracker = DataTracker::new(rng.next() as u32);
        let mut queue = ReassemblyQueue::new(4000, 4, i_data);
        queue.set_partial_delivery(pd_point, 0);
        let mut pieces = 0;
        let mut seen_messages = HashSet::new();
        for _ in 0..50_000 {
            let base = tracker.cum_tsn_ack();
            let tsn = match rng.below(10) {
                0 => rng.next() as u32,
                1 => base.wrapping_sub(rng.below(100) as u32),
                _ => base.wrapping_add(1 + rng.below(200) as u32),
            };
            let max_len = if rng.chance(5) { 5000 } else { 60 };
            let payload = vec![rng.next() as u8; rng.below(max_len) as usize];
            let flags = rng.below(4);
            let chunk = DataChunk {
                tsn,
                stream_id: rng.below(5) as u16,
                mid: if rng.chance(3) {
                    rng.next() as u32
                } else {
                    rng.below(8) as u32
                },
                fsn: if rng.chance(3) {
                    rng.next() as u32
                } else {
                    rng.below(6) as u32
                },
                ppid: 0,
                unordered: rng.chance(30),
                begin: flags & 1 != 0,
                end: flags & 2 != 0,
                immediate: rng.chance(10),
                payload: &payload,
            };
            // Mostly bypass `admit`, as a buggy caller would: `add` must still bound memory.
            let offered = rng.chance(90) || queue.admit(&chunk, &tracker);
            if offered && tracker.observe(tsn) == Observed::New {
                match queue.add(&chunk, PEER) {
                    Ok(()) | Err(RxError::Discarded | RxError::NoRoom) => {}
                    Err(RxError::InvalidStream) => assert!(chunk.stream_id >= 4),
                    Err(RxError::NoUserData) => assert!(payload.is_empty()),
                }
            }
            match rng.below(100) {
                0 => {
                    let new_cum = tracker.cum_tsn_ack().wrapping_add(rng.below(300) as u32);
                    tracker.handle_forward_tsn(new_cum);
                    let skipped: Vec<SkippedStream> = (0..rng.below(4))
                        .map(|_| SkippedStream {
                            stream_id: rng.below(6) as u16,
                            unordered: rng.chance(30),
                            mid: rng.below(20) as u32,
                        })
                        .collect();
                    queue.handle_forward_tsn(new_cum, &skipped);
                }
                1 => queue.reset_streams(&[rng.below(5) as u16]),
                2..=30 => {
                    while let Some(m) = queue.pop(tracker.cum_tsn_ack()) {
                        seen_messages.insert(m.tsn);
                        pieces += usize::from(m.more);
                    }
                }
                _ => {}
            }
            let sack = tracker.build_sack(queue.a_rwnd(), 1500);
            assert!(16 + 4 * (sack.gap_blocks.len() + sack.dup_tsns.len()) <= 1500);
            assert!(sack
                .gap_blocks
                .windows(2)
                .all(|w| w[0].end + 1 < w[1].start));
            assert_eq!(queue.recount(), queue.buffered_bytes());
            assert!(queue.buffered_bytes() <= queue.memory_cap());
            assert!(tracker.gap_count() <= 1 << 15);
        }
        assert!(!seen_messages.is_empty(), "some messages got through");
        assert!(pd_point == 0 || pieces > 0, "partial delivery happened");
    }
}
