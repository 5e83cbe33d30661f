//! Test harness (after quinn-proto's `Pair`): two endpoints joined by a simulated link on a
//! virtual clock that jumps to the next event (packet arrival or timer). The link has
//! latency, loss, reordering (random extra delay), duplication, corruption (bit flips the
//! CRC32c must catch) and an MTU; each side may have several addresses, and addresses can be
//! blackholed. Everything random comes from one seeded PRNG: a run is reproducible.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::assoc::{AssocConfig, AssocId, Endpoint, EndpointConfig, Event, Message, Rng};
use crate::wire::Packet;

/// A seeded PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn fill_bytes(&mut self, buf: &mut [u8]) {
        Rng::fill(self, buf);
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

impl Rng for TestRng {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// Which endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Side {
    A,
    B,
}

impl Side {
    pub fn idx(self) -> usize {
        match self {
            Side::A => 0,
            Side::B => 1,
        }
    }
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

/// Link properties (both directions).
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub latency: Duration,
    /// Probability a packet is dropped / duplicated / has one bit flipped.
    pub loss: f64,
    pub duplicate: f64,
    pub corrupt: f64,
    /// Probability a packet gets an extra random delay of up to `reorder_spread` (and so
    /// overtakes or is overtaken).
    pub reorder: f64,
    pub reorder_spread: Duration,
    /// Packets larger than this are dropped (as an IP path would without fragmentation).
    pub mtu: usize,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            latency: Duration::from_millis(10),
            loss: 0.0,
            duplicate: 0.0,
            corrupt: 0.0,
            reorder: 0.0,
            reorder_spread: Duration::from_millis(20),
            mtu: 1472,
        }
    }
}

/// One packet as it left a side (for step-by-step assertions).
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub at: Instant,
    pub from: Side,
    pub to: IpAddr,
    pub vtag: u32,
    /// Chunk types in order.
    pub chunks: Vec<u8>,
    pub bytes: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct InFlight {
    at: Instant,
    seq: u64,
    to: Side,
    src: IpAddr,
    dst: IpAddr,
    bytes: Vec<u8>,
    /// Congestion Experienced set on the way (RFC 3168).
    ce: bool,
}

pub(crate) const PORT_A: u16 = 5001;
pub(crate) const PORT_B: u16 = 5002;

/// Two endpoints and the link between them.
pub(crate) struct Pair {
    pub now: Instant,
    pub eps: [Endpoint; 2],
    pub addrs: [Vec<IpAddr>; 2],
    pub link: Link,
    pub rng: TestRng,
    queue: BinaryHeap<Reverse<InFlight>>,
    seq: u64,
    next_id: AssocId,
    /// Addresses whose packets (to or from) are dropped.
    pub blackhole: HashSet<IpAddr>,
    /// Drop the next packet from this side carrying this chunk type (once per entry).
    pub drop_next: Vec<(Side, u8)>,
    /// Mark Congestion Experienced on the next ECN-capable packet from this side carrying
    /// this chunk type (once per entry), as a congested router would.
    pub ce_next: Vec<(Side, u8)>,
    /// Every packet sent, when `trace` is on.
    pub trace: Option<Vec<Sent>>,
    /// Events per side, in order.
    pub events: [Vec<(AssocId, Event)>; 2],
    /// Messages read (when `read[side]`), per side.
    pub inbox: [Vec<(AssocId, Message)>; 2],
    pub read: [bool; 2],
    /// Whether a side answers at all (false: its packets in and out are dropped).
    pub alive: [bool; 2],
    /// Statistics: packets sent, dropped by the link, corrupted.
    pub sent: u64,
    pub dropped: u64,
    pub corrupted: u64,
    buf: Vec<u8>,
    spins: u32,
}

/// A packet of `chunks` with a valid CRC32c.
pub(crate) fn packet(
    src_port: u16,
    dst_port: u16,
    vtag: u32,
    chunks: &[crate::wire::Chunk<'_>],
) -> Vec<u8> {
    let mut buf = vec![0u8; 65536];
    let header = crate::wire::CommonHeader {
        src_port,
        dst_port,
        verification_tag: vtag,
    };
    let mut w = crate::wire::PacketWriter::new(&mut buf, header);
    for c in chunks {
        assert!(w.try_add(c));
    }
    let n = w.finish();
    buf.truncate(n);
    buf
}

pub(crate) fn addr(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

impl Pair {
    /// One address per side, default configs, B listening.
    pub fn new(seed: u64) -> Pair {
        Pair::with(seed, AssocConfig::default(), AssocConfig::default(), 1)
    }

    /// `paths` addresses per side (10.0.k.1 on A, 10.0.k.2 on B).
    pub fn with(seed: u64, a: AssocConfig, b: AssocConfig, paths: usize) -> Pair {
        let mut rng = TestRng::new(seed);
        let a_addrs: Vec<IpAddr> = (0..paths).map(|k| addr(&format!("10.0.{k}.1"))).collect();
        let b_addrs: Vec<IpAddr> = (0..paths).map(|k| addr(&format!("10.0.{k}.2"))).collect();
        let mut ca = EndpointConfig::new(PORT_A, a_addrs.clone());
        ca.assoc = a;
        let mut cb = EndpointConfig::new(PORT_B, b_addrs.clone());
        cb.assoc = b;
        let ea = Endpoint::new(ca, Box::new(TestRng::new(rng.next_u64())));
        let mut eb = Endpoint::new(cb, Box::new(TestRng::new(rng.next_u64())));
        eb.set_listening(None);
        Pair {
            now: Instant::now(),
            eps: [ea, eb],
            addrs: [a_addrs, b_addrs],
            link: Link::default(),
            rng,
            queue: BinaryHeap::new(),
            seq: 0,
            next_id: 3,
            blackhole: HashSet::new(),
            drop_next: Vec::new(),
            ce_next: Vec::new(),
            trace: None,
            events: [Vec::new(), Vec::new()],
            inbox: [Vec::new(), Vec::new()],
            read: [true, true],
            alive: [true, true],
            sent: 0,
            dropped: 0,
            corrupted: 0,
            buf: vec![0u8; 65536],
            spins: 0,
        }
    }

    pub fn ep(&mut self, side: Side) -> &mut Endpoint {
        &mut self.eps[side.idx()]
    }

    /// A connects to B (all of B's addresses); returns A's association id.
    pub fn connect(&mut self) -> AssocId {
        let id = self.alloc_id();
        let now = self.now;
        let peer = self.addrs[1].clone();
        self.eps[0]
            .connect(now, id, &peer, PORT_B)
            .expect("connect");
        id
    }

    pub fn alloc_id(&mut self) -> AssocId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Connects and runs until both sides report Connected; returns (A's id, B's id).
    pub fn connected(&mut self) -> (AssocId, AssocId) {
        let a = self.connect();
        self.run_until(Duration::from_secs(30), |p| {
            p.connected_id(Side::B).is_some() && p.connected_id(Side::A).is_some()
        });
        let b = self.connected_id(Side::B).expect("B connected");
        (a, b)
    }

    pub fn connected_id(&self, side: Side) -> Option<AssocId> {
        self.events[side.idx()]
            .iter()
            .find(|(_, e)| matches!(e, Event::Connected { .. }))
            .map(|(id, _)| *id)
    }

    /// Sends every packet both sides have and collects events and messages.
    pub fn flush(&mut self) {
        for side in [Side::A, Side::B] {
            let i = side.idx();
            loop {
                let now = self.now;
                let Some(t) = self.eps[i].poll_transmit(now, &mut self.buf) else {
                    break;
                };
                let bytes = self.buf[..t.len].to_vec();
                self.emit(side, t.remote, bytes, t.ect);
            }
            while let Some(ev) = self.eps[i].poll_event() {
                self.events[i].push(ev);
            }
            if self.read[i] {
                let ids: Vec<AssocId> = self.eps[i].assoc_ids().collect();
                for id in ids {
                    while let Some(m) = self.eps[i].assoc_mut(id).and_then(|a| a.recv()) {
                        self.inbox[i].push((id, m));
                    }
                }
            }
        }
    }

    /// The source address a side uses toward `dst`: the one with the same index.
    fn source_for(&self, side: Side, dst: IpAddr) -> IpAddr {
        let other = &self.addrs[side.other().idx()];
        let k = other.iter().position(|a| *a == dst).unwrap_or(0);
        let mine = &self.addrs[side.idx()];
        mine[k.min(mine.len() - 1)]
    }

    fn emit(&mut self, from: Side, dst: IpAddr, bytes: Vec<u8>, ect: bool) {
        self.sent += 1;
        let src = self.source_for(from, dst);
        let (vtag, chunks): (u32, Vec<u8>) = match Packet::parse(&bytes) {
            Ok(p) => (
                p.header.verification_tag,
                p.raw_chunks()
                    .filter_map(|c| c.ok())
                    .map(|c| c.chunk_type)
                    .collect(),
            ),
            Err(_) => (0, Vec::new()),
        };
        if let Some(trace) = &mut self.trace {
            let bytes = bytes.clone();
            trace.push(Sent {
                at: self.now,
                from,
                to: dst,
                vtag,
                chunks: chunks.clone(),
                bytes,
            });
        }
        if let Some(i) = self
            .drop_next
            .iter()
            .position(|(s, k)| *s == from && chunks.contains(k))
        {
            self.drop_next.remove(i);
            self.dropped += 1;
            return;
        }
        let ce = ect
            && match self
                .ce_next
                .iter()
                .position(|(s, k)| *s == from && chunks.contains(k))
            {
                Some(i) => {
                    self.ce_next.remove(i);
                    true
                }
                None => false,
            };
        let to = from.other();
        if !self.addrs[to.idx()].contains(&dst) {
            self.dropped += 1;
            return;
        }
        if self.blackhole.contains(&src)
            || self.blackhole.contains(&dst)
            || bytes.len() > self.link.mtu
        {
            self.dropped += 1;
            return;
        }
        if self.rng.unit() < self.link.loss {
            self.dropped += 1;
            return;
        }
        let copies = if self.rng.unit() < self.link.duplicate {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let mut b = bytes.clone();
            if self.rng.unit() < self.link.corrupt && !b.is_empty() {
                let bit = self.rng.below(b.len() as u64 * 8);
                b[(bit / 8) as usize] ^= 1 << (bit % 8);
                self.corrupted += 1;
            }
            let mut at = self.now + self.link.latency;
            if self.rng.unit() < self.link.reorder {
                let spread = self.link.reorder_spread.as_micros() as u64;
                at += Duration::from_micros(self.rng.below(spread + 1));
            }
            self.seq += 1;
            self.queue.push(Reverse(InFlight {
                at,
                seq: self.seq,
                to,
                src,
                dst,
                bytes: b,
                ce,
            }));
        }
    }

    /// Injects raw bytes into `to` as if sent from `src` (UDP port = the peer's SCTP port).
    pub fn inject(&mut self, to: Side, src: IpAddr, bytes: &[u8]) {
        let dst = self.addrs[to.idx()][0];
        let port = match to {
            Side::A => PORT_B,
            Side::B => PORT_A,
        };
        let now = self.now;
        let mut id = self.next_id;
        let mut alloc = || {
            id += 1;
            id - 1
        };
        self.eps[to.idx()].handle_packet(now, dst, src, port, bytes, false, &mut alloc);
        self.next_id = id;
    }

    /// Takes every packet `side` would send now, without putting it on the link.
    pub fn take_packets(&mut self, side: Side) -> Vec<(crate::assoc::Transmit, Vec<u8>)> {
        let mut out = Vec::new();
        let now = self.now;
        while let Some(t) = self.eps[side.idx()].poll_transmit(now, &mut self.buf) {
            out.push((t, self.buf[..t.len].to_vec()));
        }
        out
    }

    /// Next instant something happens: an arrival or a timer.
    pub fn next_wakeup(&self) -> Option<Instant> {
        let arrival = self.queue.peek().map(|Reverse(p)| p.at);
        [
            arrival,
            self.eps[0].poll_timeout(),
            self.eps[1].poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Flush, advance the clock to the next wakeup, deliver what arrived, run timers.
    /// Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        self.flush();
        let Some(next) = self.next_wakeup() else {
            return false;
        };
        // A timer that stays due after being handled would spin the runtime: catch it.
        if next <= self.now && self.queue.peek().is_none_or(|Reverse(p)| p.at > self.now) {
            self.spins += 1;
            assert!(self.spins < 1000, "a timer stays due at {:?}", self.now);
        } else {
            self.spins = 0;
        }
        self.now = self.now.max(next);
        while self.queue.peek().is_some_and(|Reverse(p)| p.at <= self.now) {
            let Some(Reverse(p)) = self.queue.pop() else {
                break;
            };
            let i = p.to.idx();
            if !self.alive[i] || !self.alive[p.to.other().idx()] {
                self.dropped += 1;
                continue;
            }
            let port = match p.to {
                Side::A => PORT_B,
                Side::B => PORT_A,
            };
            let now = self.now;
            let mut id = self.next_id;
            let mut alloc = || {
                id += 1;
                id - 1
            };
            self.eps[i].handle_packet(now, p.dst, p.src, port, &p.bytes, p.ce, &mut alloc);
            self.next_id = id;
        }
        let now = self.now;
        for ep in &mut self.eps {
            ep.handle_timeout(now);
        }
        self.flush();
        true
    }

    /// Steps until `done` holds or `limit` of virtual time passed; returns whether it held.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut Pair) -> bool) -> bool {
        let end = self.now + limit;
        loop {
            self.flush();
            if done(self) {
                return true;
            }
            match self.next_wakeup() {
                Some(t) if t <= end => {
                    self.step();
                }
                _ => {
                    self.now = self.now.max(end);
                    return done(self);
                }
            }
        }
    }

    /// Runs for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(d, |_| false);
    }

    pub fn has_event(&self, side: Side, pred: impl Fn(&Event) -> bool) -> bool {
        self.events[side.idx()].iter().any(|(_, e)| pred(e))
    }

    /// Starts recording every packet sent.
    pub fn start_trace(&mut self) {
        self.trace = Some(Vec::new());
    }

    pub fn take_trace(&mut self) -> Vec<Sent> {
        self.trace.replace(Vec::new()).unwrap_or_default()
    }

    /// Queues a message of `payload` on stream 0 of association `id` of `side`, now.
    pub fn send_message(&mut self, side: Side, id: AssocId, payload: Vec<u8>) {
        let now = self.now;
        let m = crate::assoc::OutgoingMessage {
            payload,
            ..Default::default()
        };
        self.ep(side)
            .assoc_mut(id)
            .expect("association")
            .send(now, m)
            .expect("queued");
    }
}
