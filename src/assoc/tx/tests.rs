//! The tx components together: a sender (SendQueue, OutstandingData, one path's Congestion
//! and RtoEstimator) against a receiver model over a link with chosen losses, one round trip
//! per round, checking the cwnd evolution of RFC 9260 7.2 and the RTO of 6.3.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use super::{Congestion, OutstandingData, RtoEstimator, SendQueue};
use crate::assoc::serial::{unwrap_tsn, UNWRAP_BASE};
use crate::assoc::{Event, OutgoingMessage};
use crate::wire::chunk::{GapBlock, SackChunk};

const MTU: usize = 1200;
const CHUNK: usize = 1000;
const RTT: Duration = Duration::from_millis(100);

/// What the send-queue and outstanding-data tests check of a `SendFailed` event: (sent,
/// first fragment, last fragment, payload bytes). Panics on any other event.
pub(super) fn send_failed(e: &Event) -> (bool, bool, bool, usize) {
    match e {
        Event::SendFailed {
            sent,
            frag,
            payload,
            ..
        } => (*sent, frag.first, frag.last, payload.len()),
        other => panic!("unexpected event {other:?}"),
    }
}

struct Sim {
    now: Instant,
    queue: SendQueue,
    out: OutstandingData,
    cc: Congestion,
    rto: RtoEstimator,
    /// Receiver: cumulative TSN (extended) and TSNs received above it.
    cum: u64,
    received: BTreeSet<u64>,
    /// TSNs sent during the current round trip.
    in_transit: Vec<u32>,
    /// cwnd when Fast Recovery was last entered.
    fr_from: Option<usize>,
}

impl Sim {
    fn new(messages: usize) -> Sim {
        let now = Instant::now();
        let mut queue = SendQueue::new(10_000_000, 1, false);
        for _ in 0..messages {
            let m = OutgoingMessage {
                payload: vec![0; CHUNK],
                ..Default::default()
            };
            queue.enqueue(now, m, CHUNK).unwrap();
        }
        let initial_tsn = 1000;
        let mut out = OutstandingData::new(initial_tsn);
        out.set_peer_rwnd(10_000_000);
        Sim {
            now,
            queue,
            out,
            cc: Congestion::new(MTU, 10_000_000, 0),
            rto: RtoEstimator::new(
                Duration::from_secs(3),
                Duration::from_secs(1),
                Duration::from_secs(60),
            ),
            cum: UNWRAP_BASE + u64::from(initial_tsn) - 1,
            received: BTreeSet::new(),
            in_transit: Vec::new(),
            fr_from: None,
        }
    }

    /// Sends what the windows allow: a packet of fast retransmissions regardless of cwnd
    /// (7.2.4), then T3 retransmissions and new data within cwnd.
    fn send(&mut self) {
        if self.out.has_fast_retransmits() {
            while let Some(tsn) = self.out.pop_retransmit(MTU, 0) {
                self.in_transit.push(tsn);
            }
        }
        while self.cc.can_send(self.out.bytes_in_flight()) > 0 {
            let tsn = match self.out.pop_retransmit(MTU, 0) {
                Some(tsn) => tsn,
                None => match self.queue.produce(MTU) {
                    Some(c) => {
                        self.cc.on_send(self.now, self.rto.rto());
                        self.out.insert(self.now, c, 0)
                    }
                    None => break,
                },
            };
            self.in_transit.push(tsn);
        }
    }

    /// One round trip: the chunks in transit arrive unless `lose(tsn)`; the receiver
    /// acknowledges every second chunk; one RTT later each SACK is processed and, ack-clocked,
    /// followed by new transmissions. Returns the TSNs that were in transit.
    fn round(&mut self, lose: &mut dyn FnMut(u32) -> bool) -> Vec<u32> {
        if self.in_transit.is_empty() {
            self.send();
        }
        let sent = std::mem::take(&mut self.in_transit);
        let mut sacks = Vec::new();
        for (i, &tsn) in sent.iter().enumerate() {
            if !lose(tsn) {
                let ext = unwrap_tsn(self.cum, tsn);
                if ext > self.cum {
                    self.received.insert(ext);
                }
                while self.received.remove(&(self.cum + 1)) {
                    self.cum += 1;
                }
            }
            if i % 2 == 1 || i + 1 == sent.len() {
                sacks.push(self.sack());
            }
        }
        self.now += RTT;
        for s in sacks {
            let r = self.out.handle_sack(self.now, &s).unwrap();
            for pa in &r.paths {
                if let Some(rtt) = pa.rtt {
                    self.rto.on_rtt(rtt);
                }
                self.cc.on_ack(
                    pa.bytes_acked,
                    pa.in_flight_before,
                    r.cum_advanced,
                    r.in_fast_recovery,
                );
                if pa.enter_fast_recovery {
                    self.fr_from = Some(self.cc.cwnd());
                    self.cc.on_fast_retransmit();
                }
            }
            let freed = self.out.take_freed_bytes();
            self.queue.release(freed);
            self.send();
        }
        sent
    }

    fn sack(&self) -> SackChunk {
        let mut gap_blocks: Vec<GapBlock> = Vec::new();
        for &t in &self.received {
            let off = (t - self.cum) as u16;
            match gap_blocks.last_mut() {
                Some(g) if g.end + 1 == off => g.end = off,
                _ => gap_blocks.push(GapBlock {
                    start: off,
                    end: off,
                }),
            }
        }
        SackChunk {
            cum_tsn_ack: self.cum as u32,
            a_rwnd: 10_000_000,
            gap_blocks,
            dup_tsns: Vec::new(),
        }
    }

    fn done(&self) -> bool {
        self.queue.is_empty() && self.out.is_empty()
    }
}

#[test]
fn slow_start_fast_recovery_then_congestion_avoidance() {
    let mut sim = Sim::new(400);
    let initial = sim.cc.cwnd();
    assert_eq!(initial, 4404); // min(4*MTU, max(2*MTU, 4404))
                               // Slow start: no loss for three rounds; cwnd grows by one MTU per SACK.
    let mut cwnds = vec![initial];
    for _ in 0..3 {
        sim.round(&mut |_| false);
        cwnds.push(sim.cc.cwnd());
    }
    assert!(cwnds.windows(2).all(|w| w[1] > w[0]), "{cwnds:?}");
    assert!(sim.cc.cwnd() >= 2 * initial);
    // One loss: three SACKs newly acknowledging later TSNs trigger fast retransmit in the
    // same round; cwnd = ssthresh = cwnd/2 (at least 4 MTU), Fast Recovery entered, and the
    // chunk is retransmitted at once, ahead of cwnd.
    let lost = sim.in_transit[2];
    let mut dropped = false;
    sim.round(&mut |tsn| {
        let hit = tsn == lost && !dropped;
        dropped |= hit;
        hit
    });
    assert!(dropped);
    assert!(sim.out.in_fast_recovery());
    let from = sim.fr_from.unwrap();
    assert!(from > 2 * initial);
    assert_eq!(sim.cc.ssthresh(), (from / 2).max(4 * MTU));
    assert_eq!(
        sim.cc.cwnd(),
        sim.cc.ssthresh(),
        "no growth in Fast Recovery"
    );
    assert!(sim.in_transit.contains(&lost));
    // Next round the retransmission and everything up to the exit point are acknowledged:
    // Fast Recovery ends.
    sim.round(&mut |_| false);
    assert!(!sim.out.in_fast_recovery());
    // Congestion avoidance: at most one MTU per round trip.
    for _ in 0..5 {
        let c = sim.cc.cwnd();
        sim.round(&mut |_| false);
        assert!(sim.cc.cwnd() <= c + MTU, "{} -> {}", c, sim.cc.cwnd());
        assert!(sim.cc.cwnd() >= c);
    }
    while !sim.done() {
        sim.round(&mut |_| false);
    }
    // A constant 100 ms RTT: RTTVAR decays and the RTO sits at RTO.Min.
    assert_eq!(sim.rto.srtt(), Some(RTT));
    assert_eq!(sim.rto.rto(), Duration::from_secs(1));
}

#[test]
fn t3_expiry_collapses_window_and_retransmits_everything() {
    let mut sim = Sim::new(100);
    sim.round(&mut |_| false);
    sim.round(&mut |_| false);
    let grown = sim.cc.cwnd();
    // Everything in this round is lost: no SACK acknowledges anything.
    let sent = sim.round(&mut |_| true);
    assert!(!sent.is_empty());
    assert_eq!(sim.out.bytes_in_flight(), sent.len() * CHUNK);
    // T3-rtx fires (6.3.3 E1-E3).
    sim.cc.on_t3();
    sim.rto.backoff();
    sim.out.on_t3_expired(0);
    assert_eq!(sim.cc.cwnd(), MTU);
    assert_eq!(sim.cc.ssthresh(), (grown / 2).max(4 * MTU));
    assert_eq!(sim.out.bytes_in_flight(), 0);
    // One MTU of window: the lowest TSN goes first, then slow start again.
    let again = sim.round(&mut |_| false);
    assert_eq!(again, [sent[0], sent[1]]);
    while !sim.done() {
        sim.round(&mut |_| false);
    }
    assert_eq!(sim.queue.available(), 10_000_000);
}
