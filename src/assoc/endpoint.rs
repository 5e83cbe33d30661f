//! One bound SCTP socket: its port and addresses, the listening state and accept backlog,
//! the cookie secret, and its associations, found by peer address and port (RFC 9260 8.5:
//! the verification tag is then checked by the association). Packets for no association go
//! to `ootb` (8.4).
//!
//! Method groups, in the order the runtime uses them (see the module docs of `assoc`):
//! - inputs: [`handle_packet`](Endpoint::handle_packet), [`handle_timeout`](Endpoint::handle_timeout),
//!   [`connect`](Endpoint::connect), [`set_listening`](Endpoint::set_listening),
//!   [`accepted`](Endpoint::accepted), user commands on [`assoc_mut`](Endpoint::assoc_mut);
//! - outputs: [`poll_transmit`](Endpoint::poll_transmit), [`poll_event`](Endpoint::poll_event),
//!   [`poll_timeout`](Endpoint::poll_timeout);
//! - bookkeeping: [`remove`](Endpoint::remove) after `Event::Closed`.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use super::association::{Association, Local};
use super::cookie::CookieSigner;
use super::paths::{usable_peer_addr, Paths};
use super::schedule::Schedule;
use super::timer::earliest;
use super::{AssocConfig, AssocId, AssocState, ConnectError, EndpointConfig, Event, Rng, Transmit};
use crate::wire::Packet;

/// Endpoint-level replies waiting (INIT ACK, ABORT, SHUTDOWN COMPLETE) are capped: a flood of
/// out-of-the-blue packets cannot grow memory.
const MAX_REPLIES: usize = 64;

/// Where a received packet came from and arrived on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    /// Our address it arrived on.
    pub local: IpAddr,
    pub from: IpAddr,
    /// Its UDP source port (RFC 6951 5.4).
    pub udp_port: u16,
    /// It arrived with Congestion Experienced in its IP header (RFC 3168).
    pub ce: bool,
}

struct Reply {
    /// Our address the packet answered arrived on: the reply's source.
    local: IpAddr,
    to: IpAddr,
    udp_port: u16,
    bytes: Vec<u8>,
}

/// One SCTP endpoint (socket) and its associations.
pub struct Endpoint {
    pub(crate) config: EndpointConfig,
    pub(crate) local: Local,
    pub(crate) rng: Box<dyn Rng>,
    pub(crate) signer: CookieSigner,
    /// `None`: not listening (INITs are ABORTed); `Some(None)`: listening without limit
    /// (one-to-many); `Some(Some(n))`: one-to-one with backlog `n`.
    listen: Option<Option<u32>>,
    /// Boxed: the table's spare capacity then costs a pointer per slot, not a whole TCB
    /// (10,000 idle associations on one socket).
    assocs: FxHashMap<AssocId, Box<Association>>,
    by_peer: HashMap<(IpAddr, u16), AssocId>,
    /// The peer addresses each association is indexed under in `by_peer`.
    indexed: FxHashMap<AssocId, Vec<(IpAddr, u16)>>,
    /// Association ids in creation order.
    order: Vec<AssocId>,
    /// Associations with output to poll, and their deadlines.
    schedule: Schedule,
    pub(crate) unaccepted: FxHashSet<AssocId>,
    replies: VecDeque<Reply>,
}

impl Endpoint {
    pub fn new(config: EndpointConfig, mut rng: Box<dyn Rng>) -> Endpoint {
        let signer = CookieSigner::new(&mut *rng, config.cookie_secret_lifetime);
        let local = Local {
            port: config.local_port,
            addrs: config.local_addrs.clone(),
        };
        Endpoint {
            config,
            local,
            rng,
            signer,
            listen: None,
            assocs: Default::default(),
            by_peer: HashMap::new(),
            indexed: Default::default(),
            order: Vec::new(),
            schedule: Schedule::default(),
            unaccepted: Default::default(),
            replies: VecDeque::new(),
        }
    }

    // ---- getters ----

    pub fn config(&self) -> &EndpointConfig {
        &self.config
    }

    /// Parameters for associations created from now on (SCTP_FUTURE_ASSOC options,
    /// SCTP_INITMSG, SCTP_ASSOCINFO cookie life on a listener).
    pub fn assoc_config_mut(&mut self) -> &mut AssocConfig {
        &mut self.config.assoc
    }

    /// The addresses listed in INIT / INIT ACK from now on (bind, sctp_bindx).
    pub fn set_local_addrs(&mut self, addrs: Vec<IpAddr>) {
        self.local.addrs = addrs.clone();
        self.config.local_addrs = addrs;
    }

    pub fn assoc(&self, id: AssocId) -> Option<&Association> {
        self.assocs.get(&id).map(|a| &**a)
    }

    pub fn assoc_mut(&mut self, id: AssocId) -> Option<&mut Association> {
        self.schedule.touch(id);
        self.assocs.get_mut(&id).map(|a| &mut **a)
    }

    /// Ids of every association held (including closed ones not yet removed).
    pub fn assoc_ids(&self) -> impl Iterator<Item = AssocId> + '_ {
        self.order.iter().copied()
    }

    /// The live association with this peer address and port.
    pub fn find_assoc_by_peer(&self, addr: IpAddr, port: u16) -> Option<AssocId> {
        self.by_peer.get(&(addr, port)).copied()
    }

    pub fn is_listening(&self) -> bool {
        self.listen.is_some()
    }

    /// Associations set up by the peer and not yet taken by `accepted`.
    pub fn unaccepted(&self) -> usize {
        self.unaccepted.len()
    }

    // ---- inputs ----

    /// listen(): accept INITs from now on. `Some(backlog)` (one-to-one): at most backlog + 1
    /// associations may wait for `accepted`, further INITs get ABORT (as Linux). `None`
    /// (one-to-many): no limit.
    pub fn set_listening(&mut self, backlog: Option<u32>) {
        self.listen = Some(backlog);
    }

    /// Stop accepting INITs (they get ABORT, RFC 9260 8.4 rule 3 as Linux).
    pub fn stop_listening(&mut self) {
        self.listen = None;
    }

    /// The runtime handed association `id` to the application (accept()).
    pub fn accepted(&mut self, id: AssocId) {
        self.unaccepted.remove(&id);
    }

    /// Whether an INIT / COOKIE ECHO from a new peer may create an association.
    pub(crate) fn admits_new(&self) -> bool {
        match self.listen {
            None => false,
            Some(None) => true,
            Some(Some(backlog)) => (self.unaccepted.len() as u64) <= backlog as u64,
        }
    }

    /// Starts an association (RFC 9260 5.1 A) to `peer_addrs` (the first is the primary).
    pub fn connect(
        &mut self,
        now: Instant,
        id: AssocId,
        peer_addrs: &[IpAddr],
        peer_port: u16,
    ) -> Result<(), ConnectError> {
        let addrs: Vec<IpAddr> = peer_addrs
            .iter()
            .copied()
            .filter(|a| usable_peer_addr(*a))
            .collect();
        if addrs.is_empty() || peer_port == 0 {
            return Err(ConnectError::InvalidAddress);
        }
        if let Some(existing) = addrs
            .iter()
            .find_map(|a| self.find_assoc_by_peer(*a, peer_port))
        {
            return Err(match self.assocs.get(&existing).map(|a| a.state()) {
                Some(AssocState::CookieWait | AssocState::CookieEchoed) => ConnectError::InProgress,
                _ => ConnectError::AlreadyConnected,
            });
        }
        if self.assocs.contains_key(&id) {
            return Err(ConnectError::IdInUse);
        }
        let cfg = &self.config.assoc;
        let mut paths = Paths::new(addrs[0], &addrs[1..], cfg, cfg.rcvbuf);
        // Addresses the user gave are tried for the INIT as they are (5.1.4); the INIT ACK
        // decides the final list.
        for p in &mut paths.list {
            p.confirm();
        }
        let mut assoc = Association::new(
            id,
            cfg,
            self.local.clone(),
            peer_port,
            paths,
            &mut *self.rng,
        );
        assoc.start_connect(now);
        self.insert(assoc);
        Ok(())
    }

    /// A received SCTP packet (the UDP payload) from `remote`, UDP source port
    /// `remote_udp_port`, `ce` when its IP header said Congestion Experienced. `new_id`
    /// allocates the id of an association the packet creates.
    #[allow(clippy::too_many_arguments)]
    pub fn handle_packet(
        &mut self,
        now: Instant,
        local: IpAddr,
        remote: IpAddr,
        remote_udp_port: u16,
        data: &[u8],
        ce: bool,
        new_id: &mut dyn FnMut() -> AssocId,
    ) {
        // 6.8: CRC32c; 8.4 rule 1: only unicast sources; our port only.
        let o = Origin {
            local,
            from: remote,
            udp_port: remote_udp_port,
            ce,
        };
        let Ok(pkt) = Packet::parse(data) else { return };
        if pkt.header.dst_port != self.config.local_port
            || pkt.header.src_port == 0
            || !usable_peer_addr(remote)
        {
            return;
        }
        if let Some(id) = self.find_assoc_by_peer(remote, pkt.header.src_port) {
            self.deliver(now, id, o, &pkt);
            return;
        }
        let known = match pkt.chunks().next() {
            // 5.2.1 / 5.2.2: an INIT from an unknown address listing a known one.
            Some(Ok(crate::wire::Chunk::Init(init))) => init.params.iter().find_map(|p| match p {
                crate::wire::Param::Address(a) => self.find_assoc_by_peer(*a, pkt.header.src_port),
                _ => None,
            }),
            // A multi-homed peer may answer our INIT from another of its addresses: match
            // by our tag among associations in COOKIE-WAIT.
            Some(Ok(crate::wire::Chunk::InitAck(_))) => self.order.iter().copied().find(|id| {
                self.assocs.get(id).is_some_and(|a| {
                    a.state() == AssocState::CookieWait
                        && a.local_tag == pkt.header.verification_tag
                        && a.peer_port() == pkt.header.src_port
                })
            }),
            // RFC 5061 5.2: an ASCONF (after its AUTH) from an address the association does
            // not know yet, e.g. the one it adds: found by its Address Parameter (the tag is
            // checked on delivery).
            Some(Ok(crate::wire::Chunk::Auth(_))) => match pkt.chunks().nth(1) {
                Some(Ok(crate::wire::Chunk::Asconf(c))) => match c.address {
                    crate::wire::Param::Address(a) => {
                        self.find_assoc_by_peer(a, pkt.header.src_port)
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        match known {
            Some(id) => self.deliver(now, id, o, &pkt),
            None => self.on_ootb(now, o, &pkt, new_id),
        }
    }

    /// Hands a packet to association `id` and re-indexes its addresses if they changed.
    pub(crate) fn deliver(&mut self, now: Instant, id: AssocId, o: Origin, pkt: &Packet<'_>) {
        let Some(a) = self.assocs.get_mut(&id) else {
            return;
        };
        self.schedule.touch(id);
        a.handle_packet(now, &mut self.signer, o, pkt);
        if std::mem::take(&mut a.addrs_changed) {
            self.index(id);
        }
    }

    /// An ICMP destination / port unreachable came back for a packet we sent to `remote`
    /// (`sent`: the start of that packet as the ICMP error quotes it, at least the common
    /// header). RFC 6951 5.5 treats a port unreachable like an SCTP protocol unreachable, and
    /// RFC 9260 appendix C lets an association still in COOKIE-WAIT give up at once (as
    /// Linux does: ECONNREFUSED instead of minutes of INIT retransmissions). The quoted
    /// packet must be our INIT (tag 0, our Initiate Tag); anything else is ignored.
    pub fn handle_unreachable(&mut self, now: Instant, remote: IpAddr, sent: &[u8]) {
        let (Some(h), Some(tag)) = (sent.get(..12), sent.get(16..20)) else {
            return;
        };
        let src_port = u16::from_be_bytes([h[0], h[1]]);
        let dst_port = u16::from_be_bytes([h[2], h[3]]);
        let vtag = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
        let init_tag = u32::from_be_bytes([tag[0], tag[1], tag[2], tag[3]]);
        if src_port != self.config.local_port
            || vtag != 0
            || sent.get(12) != Some(&crate::wire::chunk::kind::INIT)
        {
            return;
        }
        let Some(id) = self.find_assoc_by_peer(remote, dst_port) else {
            return;
        };
        if let Some(a) = self.assocs.get_mut(&id) {
            self.schedule.touch(id);
            a.on_unreachable(now, init_tag);
        }
    }

    /// Runs every timer that is due: those recorded in the schedule and those of associations
    /// whose output was not drained since their last input.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut due = Vec::new();
        self.schedule.take_due(now, &mut due);
        due.extend(self.schedule.transmit.iter());
        for id in due {
            if let Some(a) = self.assocs.get_mut(&id) {
                if a.poll_timeout().is_some_and(|t| t <= now) {
                    a.handle_timeout(now);
                    self.schedule.touch(id);
                } else if !self.schedule.transmit.iter().any(|x| x == id) {
                    // Taken off the heap but not due after all: record it again.
                    self.schedule.arm(id, a.poll_timeout());
                }
            }
        }
    }

    // ---- outputs ----

    /// The next packet to send, written into `buf` (at least the path MTU long): endpoint
    /// replies first, then the associations with output in turn (one packet each, round
    /// robin).
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        while let Some(r) = self.replies.pop_front() {
            if r.bytes.len() <= buf.len() {
                buf[..r.bytes.len()].copy_from_slice(&r.bytes);
                return Some(Transmit {
                    remote: r.to,
                    remote_udp_port: r.udp_port,
                    local: Some(r.local),
                    len: r.bytes.len(),
                    ect: false,
                });
            }
        }
        while let Some(id) = self.schedule.transmit.front() {
            let Some(a) = self.assocs.get_mut(&id) else {
                self.schedule.transmit.pop();
                continue;
            };
            // Sending may raise events (e.g. a message abandoned on its way out).
            self.schedule.events.push(id);
            if let Some(t) = a.poll_transmit(now, buf) {
                a.stats.on_packet_out(&buf[..t.len]);
                self.schedule.transmit.rotate();
                return Some(t);
            }
            self.schedule.transmit.pop();
            self.schedule.arm(id, a.poll_timeout());
        }
        None
    }

    /// The next event of any association. After `Event::Closed` the association no longer
    /// receives packets; drain `recv` and call [`remove`](Self::remove).
    pub fn poll_event(&mut self) -> Option<(AssocId, Event)> {
        while let Some(id) = self.schedule.events.front() {
            let Some(a) = self.assocs.get_mut(&id) else {
                self.schedule.events.pop();
                continue;
            };
            if let Some(e) = a.poll_event() {
                if e == Event::Closed {
                    self.unindex(id);
                }
                return Some((id, e));
            }
            self.schedule.events.pop();
        }
        None
    }

    /// Earliest timer deadline over all associations.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.schedule
            .transmit
            .iter()
            .filter_map(|id| self.assocs.get(&id))
            .fold(self.schedule.earliest(), |t, a| {
                earliest(t, a.poll_timeout())
            })
    }

    /// Forgets an association (normally after `Event::Closed`). Returns it.
    pub fn remove(&mut self, id: AssocId) -> Option<Association> {
        let a = *self.assocs.remove(&id)?;
        self.unindex(id);
        self.unaccepted.remove(&id);
        self.order.retain(|x| *x != id);
        self.schedule.forget(id);
        Some(a)
    }

    // ---- internals ----

    pub(crate) fn insert(&mut self, a: Association) {
        let id = a.id();
        self.assocs.insert(id, Box::new(a));
        self.order.push(id);
        self.index(id);
        self.schedule.touch(id);
    }

    fn unindex(&mut self, id: AssocId) {
        for key in self.indexed.remove(&id).unwrap_or_default() {
            if self.by_peer.get(&key) == Some(&id) {
                self.by_peer.remove(&key);
            }
        }
    }

    /// Maps every peer address of `id` to it (not over another association's entry).
    fn index(&mut self, id: AssocId) {
        self.unindex(id);
        let Some(a) = self.assocs.get(&id) else {
            return;
        };
        if a.state() == AssocState::Closed {
            return;
        }
        let port = a.peer_port();
        let mut keys = Vec::new();
        for p in a.paths.iter() {
            if *self.by_peer.entry((p.addr, port)).or_insert(id) == id {
                keys.push((p.addr, port));
            }
        }
        self.indexed.insert(id, keys);
    }

    pub(crate) fn queue_reply(&mut self, o: Origin, bytes: Vec<u8>) {
        if self.replies.len() < MAX_REPLIES {
            self.replies.push_back(Reply {
                local: o.local,
                to: o.from,
                udp_port: o.udp_port,
                bytes,
            });
        }
    }
}
