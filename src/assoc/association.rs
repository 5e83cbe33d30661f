//! One association: the Transmission Control Block (RFC 9260 2.4, 14.2) and its user-facing
//! methods. The procedures live in their own files as further `impl Association` blocks:
//! `handshake` (5.1), `collision` (5.2), `shutdown` (9), `heartbeat` (8.3), `data` (6, via
//! `rx/` and `tx/`), `errors` (3.3.10, 3.2), `transmit` (packet building), `input` (dispatch
//! of a received packet and the tag rules of 8.5).
//!
//! Method groups, quinn-style: getters; user commands (`send`, `recv`, `shutdown`, `abort`,
//! option setters); the rest is driven by the [`Endpoint`](super::Endpoint).

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::asconf::Asconf;
use super::auth::{self, Auth};
use super::errors::OwnedCause;
use super::paths::Paths;
use super::pr::PrSkips;
use super::rand::Drbg;
use super::reconf::Reconf;
use super::rx::{DataTracker, ReassemblyQueue};
use super::stats::AssocStats;
use super::timer::{earliest, Timer};
use super::transmit::Pending;
use super::tx::{OutstandingData, PrCounts, Scheduler, SendQueue, TxStats};
use super::{
    AssocConfig, AssocId, AssocState, AssocStatus, Event, Message, OutgoingMessage, PathChange,
    PathInfo, PathState, PfExpose, Rng, SendError,
};

/// Fixed facts about the endpoint an association belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

/// Handshake progress kept while in COOKIE-WAIT / COOKIE-ECHOED (RFC 9260 5.1).
#[derive(Debug, Default)]
pub(crate) struct Handshake {
    /// T1-init or T1-cookie, whichever the state uses.
    pub t1: Timer,
    /// Retransmissions of INIT / COOKIE ECHO so far (Max.Init.Retransmits).
    pub retransmits: u32,
    /// The cookie to echo (COOKIE-ECHOED).
    pub cookie: Vec<u8>,
    /// RFC 9260 5.2.6: Cookie Preservative to put in the next INIT, milliseconds.
    pub preservative: Option<u32>,
}

/// Settled at setup (RFC 9260 5.1): what both sides support and the stream counts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Negotiated {
    pub outbound_streams: u16,
    pub inbound_streams: u16,
    pub pr: bool,
    pub intl: bool,
    /// RFC 6525 RE-CONFIG: both sides list it in Supported Extensions.
    pub reconf: bool,
    /// RFC 9260 Appendix A: both sides sent ECN Capable.
    pub ecn: bool,
    pub peer_rwnd: u32,
}

/// Why an association reached CLOSED (for the socket error: Linux gives ECONNRESET for an
/// ABORT received, ETIMEDOUT for a retransmission limit, ECONNREFUSED for an ABORT during
/// setup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// Graceful shutdown completed (either side started it), or closed before setup.
    Shutdown,
    /// The peer sent ABORT (during setup: the peer refused).
    AbortReceived,
    /// We sent ABORT (user abort, protocol violation, T5-shutdown-guard).
    AbortSent,
    /// A retransmission limit was reached: Max.Init.Retransmits during setup,
    /// Association.Max.Retrans after (RFC 9260 8.1).
    Timeout,
}

/// One SCTP association.
pub struct Association {
    pub(crate) id: AssocId,
    pub(crate) cfg: AssocConfig,
    pub(crate) local: Local,
    pub(crate) state: AssocState,
    pub(crate) peer_port: u16,
    /// Our tag (peers put it in every packet to us) and the peer's (RFC 9260 8.5).
    pub(crate) local_tag: u32,
    pub(crate) peer_tag: u32,
    /// Our initial TSN, kept for INIT retransmission and 5.2.1 collisions.
    pub(crate) local_tsn: u32,
    pub(crate) paths: Paths,
    pub(crate) hs: Handshake,
    pub(crate) neg: Negotiated,
    pub(crate) tracker: DataTracker,
    pub(crate) reassembly: ReassemblyQueue,
    pub(crate) send_queue: SendQueue,
    pub(crate) outstanding: OutstandingData,
    /// RFC 9260 8.1: association-wide consecutive retransmission count.
    pub(crate) error_count: u32,
    /// A SACK arrived since the last T3-rtx expiry (zero window probing, RFC 9260 6.1).
    pub(crate) sack_since_t3: bool,
    pub(crate) pending: Pending,
    /// T2-shutdown and its retransmission count; T5-shutdown-guard (RFC 9260 9.2).
    pub(crate) t2: Timer,
    pub(crate) t2_count: u32,
    pub(crate) t5: Timer,
    /// Path the last DATA came from: SACKs go there (RFC 9260 6.4).
    pub(crate) last_data_from: usize,
    pub(crate) events: VecDeque<Event>,
    /// Scratch for procedures that report events into a `Vec` (tx).
    pub(crate) event_buf: Vec<Event>,
    /// The peer's addresses changed (INIT ACK, restart): the endpoint re-indexes them.
    pub(crate) addrs_changed: bool,
    pub(crate) rng: Drbg,
    /// Reported `Event::Closed` already.
    pub(crate) closed_reported: bool,
    /// Nothing queued or in flight, SenderDry reported.
    pub(crate) dry: bool,
    /// After a T3 expiry: the alternate path retransmissions go to (6.4.1).
    pub(crate) rtx_path: Option<usize>,
    /// Max.Burst credit in bytes (RFC 9260 6.1, 7.2.1; Linux limits each flush the same
    /// way): each input (packet, timer, send) adds Max.Burst packets' worth, new DATA spends
    /// it, and it lapses once the window or an empty queue stops the sending.
    pub(crate) burst: usize,
    /// The peer's Adaptation Layer Indication, reported after COMM_UP.
    pub(crate) peer_adaptation: Option<u32>,
    pub(crate) close_reason: Option<CloseReason>,
    /// The latest `now` seen (deadline for work due at once, e.g. a window update).
    pub(crate) last_now: Option<Instant>,
    /// FORWARD TSN skips for messages cut after their sent part was acknowledged.
    pub(crate) pr_skips: PrSkips,
    /// RFC 4895: our Random for the INIT (drawn only when AUTH is enabled) and the
    /// negotiated AUTH state.
    pub(crate) auth_random: [u8; auth::RANDOM_LEN],
    /// Boxed: most associations have no AUTH, and the state is larger than the pointer.
    pub(crate) auth: Option<Box<Auth>>,
    /// RFC 5061: both sides support ASCONF (and AUTH was negotiated), and its state.
    pub(crate) asconf_on: bool,
    pub(crate) addip: Asconf,
    /// SCTP_GET_ASSOC_STATS counters ([`super::stats`]).
    pub(crate) stats: AssocStats,
    /// RFC 6525 stream reconfiguration state (used when `neg.reconf`).
    pub(crate) reconf: Reconf,
    /// ECN echo and reduction state (RFC 9260 Appendix A, used when `neg.ecn`).
    pub(crate) ecn: super::ecn::Ecn,
}

impl Association {
    pub(crate) fn new(
        id: AssocId,
        cfg: &AssocConfig,
        local: Local,
        peer_port: u16,
        paths: Paths,
        rng: &mut dyn Rng,
    ) -> Self {
        let mut rng = Drbg::from_rng(rng);
        let local_tag = nonzero(&mut rng);
        let local_tsn = rng.next_u32();
        let mut auth_random = [0u8; auth::RANDOM_LEN];
        if cfg.auth_supported {
            rng.fill(&mut auth_random);
        }
        Association {
            id,
            cfg: cfg.clone(),
            local,
            state: AssocState::Closed,
            peer_port,
            local_tag,
            peer_tag: 0,
            local_tsn,
            paths,
            hs: Handshake::default(),
            neg: Negotiated {
                outbound_streams: cfg.outbound_streams,
                ..Negotiated::default()
            },
            tracker: DataTracker::new(0),
            reassembly: ReassemblyQueue::new(cfg.rcvbuf, cfg.max_inbound_streams, false),
            send_queue: SendQueue::with_scheduler(cfg, false),
            outstanding: OutstandingData::new(local_tsn),
            error_count: 0,
            sack_since_t3: false,
            pending: Pending::default(),
            t2: Timer::default(),
            t2_count: 0,
            t5: Timer::default(),
            last_data_from: 0,
            events: VecDeque::new(),
            event_buf: Vec::new(),
            addrs_changed: false,
            rng,
            closed_reported: false,
            dry: true,
            rtx_path: None,
            burst: 0,
            peer_adaptation: None,
            close_reason: None,
            last_now: None,
            pr_skips: PrSkips::default(),
            auth_random,
            auth: None,
            asconf_on: false,
            addip: Asconf::default(),
            stats: AssocStats::default(),
            reconf: Reconf::default(),
            ecn: Default::default(),
        }
    }

    // ---- getters ----

    pub fn id(&self) -> AssocId {
        self.id
    }

    pub fn state(&self) -> AssocState {
        self.state
    }

    /// Why the association closed, once it has.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason
    }

    pub fn peer_port(&self) -> u16 {
        self.peer_port
    }

    pub fn config(&self) -> &AssocConfig {
        &self.cfg
    }

    pub fn paths(&self) -> Vec<PathInfo> {
        self.paths
            .list
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.removed)
            .map(|(i, p)| p.info(i == self.paths.primary))
            .collect()
    }

    pub fn path_info(&self, addr: IpAddr) -> Option<PathInfo> {
        let i = self.paths.find(addr)?;
        Some(self.paths.list[i].info(i == self.paths.primary))
    }

    pub fn primary(&self) -> IpAddr {
        self.paths.list[self.paths.primary].addr
    }

    /// SCTP_PRIMARY_ADDR. Returns false when `addr` is not a peer address.
    pub fn set_primary(&mut self, addr: IpAddr) -> bool {
        match self.paths.find(addr) {
            Some(i) => {
                self.paths.primary = i;
                // As Linux: SCTP_ADDR_MADE_PRIM.
                self.push_event(Event::PeerAddrChange {
                    addr,
                    change: PathChange::MadePrimary,
                    error: 0,
                });
                true
            }
            None => false,
        }
    }

    /// Bytes `send` may still queue before `WouldBlock` (POLLOUT when non-zero).
    pub fn send_buffer_room(&self) -> usize {
        if self.is_send_closed() {
            return 0;
        }
        self.send_queue.available()
    }

    /// The fragmentation point: largest DATA payload per chunk on the current path
    /// (RFC 9260 6.9): path MTU minus the common header and the DATA or I-DATA chunk header,
    /// capped by SCTP_MAXSEG.
    pub fn fragmentation_point(&self) -> usize {
        let mtu = self
            .paths
            .list
            .iter()
            .map(|p| p.pmtu)
            .min()
            .unwrap_or(self.cfg.pmtu) as usize;
        let header = if self.neg.intl { 20 } else { 16 };
        let fp = mtu.saturating_sub(12 + header).max(1);
        match self.cfg.maxseg as usize {
            0 => fp,
            m => fp.min(m),
        }
    }

    /// SCTP_GET_ASSOC_STATS: the send-side counters.
    pub fn tx_stats(&self) -> TxStats {
        self.outstanding.stats()
    }

    /// SCTP_PR_ASSOC_STATUS (`None`) / SCTP_PR_STREAM_STATUS (`Some(stream)`): abandoned
    /// messages by policy, sent and unsent.
    pub fn pr_counts(&self, stream: Option<u16>) -> PrCounts {
        let (queued, sent) = (self.send_queue.pr_stats(), self.outstanding.pr_stats());
        match stream {
            None => queued.assoc().merged(sent.assoc()),
            Some(s) => queued.stream(s).merged(sent.stream(s)),
        }
    }

    /// PR-SCTP (RFC 3758) is in use: both ends support it (SCTP_PR_SUPPORTED of an
    /// association, Linux `asoc->peer.prsctp_capable`).
    pub fn pr_negotiated(&self) -> bool {
        self.neg.pr
    }

    /// Nothing queued or in flight (SCTP_SENDER_DRY_EVENT's condition).
    pub fn is_sender_dry(&self) -> bool {
        self.outstanding.is_empty() && self.send_queue.is_empty()
    }

    /// I-DATA (RFC 8260) is in use (SCTP_INTERLEAVING_SUPPORTED of an association).
    pub fn intl_negotiated(&self) -> bool {
        self.neg.intl
    }

    /// Both sides offered ECN (RFC 9260 Appendix A).
    pub fn ecn_negotiated(&self) -> bool {
        self.neg.ecn
    }

    pub fn status(&self) -> AssocStatus {
        let primary = self
            .paths
            .list
            .get(self.paths.primary)
            .map(|p| p.info(true));
        AssocStatus {
            state: self.state,
            peer_rwnd: self.outstanding.peer_rwnd(),
            local_rwnd: self.reassembly.a_rwnd(),
            unacked_chunks: self.outstanding.unacked_chunks() as u32,
            pending_chunks: self.send_queue.queued_chunks() as u32,
            inbound_streams: self.neg.inbound_streams,
            outbound_streams: self.neg.outbound_streams,
            fragmentation_point: self.fragmentation_point() as u32,
            peer_port: self.peer_port,
            primary,
        }
    }

    // ---- user commands ----

    /// Queues a message (RFC 9260 10.1 SEND). Allowed before the association is established
    /// (sent once it is, as Linux queues data during setup).
    pub fn send(&mut self, now: Instant, msg: OutgoingMessage) -> Result<(), SendError> {
        if self.is_send_closed() {
            return Err(SendError::Closed);
        }
        if msg.payload.is_empty() {
            return Err(SendError::Empty);
        }
        if self.cfg.disable_fragments && msg.payload.len() > self.fragmentation_point() {
            return Err(SendError::TooLarge);
        }
        if msg.stream_id >= self.neg.outbound_streams {
            return Err(SendError::InvalidStream);
        }
        let fp = self.fragmentation_point();
        self.add_burst_credit();
        self.last_now = Some(now);
        self.send_queue.enqueue(now, msg, fp)
    }

    /// Outbound streams a message may name: the SCTP_INITMSG count until the peer answers,
    /// then the negotiated one (RFC 9260 5.1.1).
    pub fn outbound_streams(&self) -> u16 {
        self.neg.outbound_streams
    }

    /// Takes the next whole message delivered in order (RFC 9260 10.1 RECEIVE).
    pub fn recv(&mut self) -> Option<Message> {
        let msg = self.reassembly.pop(self.tracker.cum_tsn_ack())?;
        self.note_window_opened();
        Some(msg)
    }

    /// RFC 9260 6.2: when the window opened enough to tell the peer, `poll_timeout` becomes
    /// due at once so the runtime sends the window update.
    fn note_window_opened(&mut self) {
        if self
            .tracker
            .window_update_due(self.reassembly.a_rwnd(), self.window_update_threshold())
        {
            self.pending.window_update = true;
        }
    }

    /// Receiver SWS avoidance (RFC 9260 6.2, after RFC 1122 4.2.3.3): a window update is worth
    /// a SACK once the window grew by min(MTU, rcvbuf / 4). A quarter rather than RFC 1122's
    /// half: with loopback's 64 KiB MTU and a receive buffer of two such chunks, a window
    /// that reopens by one chunk less its headers must still be announced, or the sender
    /// waits for the delayed SACK (200 ms) on every chunk of a partially delivered message.
    pub(crate) fn window_update_threshold(&self) -> u32 {
        self.cfg.pmtu.min(self.cfg.rcvbuf / 4)
    }

    /// Whether a delivered message waits for `recv`.
    pub fn has_readable(&self) -> bool {
        self.reassembly.has_message()
    }

    /// A message is going up in pieces and its last piece has not been taken yet.
    pub fn in_partial_delivery(&self) -> bool {
        self.reassembly.in_partial_delivery()
    }

    /// SCTP_PARTIAL_DELIVERY_POINT and SCTP_FRAGMENT_INTERLEAVE level (RFC 6458 8.1.20).
    pub fn set_partial_delivery(&mut self, pd_point: u32, frag_interleave: u8) {
        self.cfg.pd_point = pd_point;
        self.cfg.frag_interleave = frag_interleave;
        self.reassembly
            .set_partial_delivery(pd_point, frag_interleave);
    }

    /// ABORT primitive (RFC 9260 9.1): sends ABORT with a User-Initiated Abort cause carrying
    /// `reason`, drops everything and closes. (`_now`: the ABORT needs no timer.)
    pub fn abort(&mut self, _now: Instant, reason: &[u8]) {
        if matches!(self.state, AssocState::Closed) {
            return;
        }
        self.abort_with(OwnedCause::UserAbort(reason.to_vec()));
    }

    /// SCTP_RTOINFO.
    pub fn set_rto(&mut self, initial: Duration, min: Duration, max: Duration) {
        self.cfg.rto_initial = initial;
        self.cfg.rto_min = min;
        self.cfg.rto_max = max;
        for p in &mut self.paths.list {
            p.rto.set_bounds(min, max);
        }
    }

    /// SCTP_PEER_ADDR_PARAMS `spp_pathmaxrxt` for one address or all (`None`).
    pub fn set_path_max_retrans(&mut self, addr: Option<IpAddr>, n: u32) {
        if addr.is_none() {
            self.cfg.path_max_retrans = n;
        }
        for p in self
            .paths
            .list
            .iter_mut()
            .filter(|p| addr.is_none_or(|a| a == p.addr))
        {
            p.max_retrans = n;
        }
    }

    /// SCTP_ASSOCINFO `sasoc_cookie_life` (for INIT ACKs this association sends in
    /// collisions; new associations take the endpoint's).
    pub fn set_cookie_life(&mut self, life: Duration) {
        self.cfg.valid_cookie_life = life;
    }

    /// SCTP_ASSOCINFO `sasoc_asocmaxrxt`.
    pub fn set_assoc_max_retrans(&mut self, n: u32) {
        self.cfg.assoc_max_retrans = n;
    }

    /// SCTP_PEER_ADDR_PARAMS `spp_hbinterval` (zero disables) for one address or all.
    pub fn set_hb_interval(&mut self, now: Instant, addr: Option<IpAddr>, interval: Duration) {
        if addr.is_none() {
            self.cfg.hb_interval = interval;
        }
        for p in self
            .paths
            .list
            .iter_mut()
            .filter(|p| addr.is_none_or(|a| a == p.addr))
        {
            p.hb_interval = interval;
            let jitter = self.rng.next_u32();
            if self.state != AssocState::Closed {
                p.arm_heartbeat(now, jitter);
            }
        }
    }

    /// SCTP_PEER_ADDR_PARAMS `spp_pathmtu` for one address or all.
    pub fn set_pmtu(&mut self, addr: Option<IpAddr>, mtu: u32) {
        let mtu = mtu.max(508);
        if addr.is_none() {
            self.cfg.pmtu = mtu;
        }
        for p in self
            .paths
            .list
            .iter_mut()
            .filter(|p| addr.is_none_or(|a| a == p.addr))
        {
            // Under PLPMTUD the route or ICMP bound the search; probes decide below that.
            let mtu = match p.pl.as_deref_mut() {
                Some(pl) => {
                    pl.max = pl.max.min(mtu);
                    pl.pmtu = pl.pmtu.min(mtu);
                    pl.probe_size = pl.probe_size.min(mtu);
                    pl.pmtu
                }
                None => mtu,
            };
            p.use_mtu(mtu);
        }
        self.refit_queued();
    }

    /// After a path MTU change: fragments not cut yet fit the new size (those with a TSN go
    /// whole: `transmit`).
    pub(crate) fn refit_queued(&mut self) {
        let fp = self.fragmentation_point();
        self.send_queue.lower_frag_point(fp);
    }

    /// SCTP_DELAYED_SACK: the association's delayed SACK, which every path then follows (Linux
    /// sets each transport's).
    pub fn set_sack(&mut self, delay: Duration, freq: u32) {
        self.cfg.sack_delay = delay;
        self.cfg.sack_freq = freq;
        for p in &mut self.paths.list {
            p.sack = None;
        }
    }

    /// SCTP_NODELAY.
    pub fn set_nodelay(&mut self, nodelay: bool) {
        self.cfg.nodelay = nodelay;
    }

    /// SCTP_MAXSEG (0: from the path MTU).
    pub fn set_maxseg(&mut self, maxseg: u32) {
        self.cfg.maxseg = maxseg;
    }

    /// SCTP_MAX_BURST (0: no limit).
    pub fn set_max_burst(&mut self, max_burst: u32) {
        self.cfg.max_burst = max_burst;
        for p in &mut self.paths.list {
            p.cc.set_max_burst(max_burst);
        }
    }

    /// SO_RCVBUF: the advertised window follows (the runtime also shrinks it by what the
    /// application has not read, and grows it back as it reads: a window update then goes
    /// out as after `recv`).
    pub fn set_rcvbuf(&mut self, bytes: u32) {
        self.cfg.rcvbuf = bytes;
        self.reassembly.set_rcvbuf(bytes);
        // A buffer grown back (the runtime's app read what shrank it) reopens the window,
        // only once the peer's data can arrive (no SACK goes out during setup).
        if !matches!(
            self.state,
            AssocState::Closed | AssocState::CookieWait | AssocState::CookieEchoed
        ) {
            self.note_window_opened();
        }
    }

    /// SO_SNDBUF.
    pub fn set_sndbuf(&mut self, bytes: u32) {
        self.cfg.sndbuf = bytes;
        self.send_queue.set_sndbuf(bytes);
    }

    /// SCTP_STREAM_SCHEDULER.
    pub fn set_scheduler(&mut self, scheduler: Scheduler) {
        self.send_queue.set_scheduler(scheduler);
    }

    pub fn scheduler(&self) -> Scheduler {
        self.send_queue.scheduler()
    }

    /// SCTP_STREAM_SCHEDULER_VALUE: priority (PRIO) or weight (WFQ); false (EINVAL) for a
    /// stream beyond the outbound count or a value the scheduler refuses.
    pub fn set_stream_value(&mut self, stream_id: u16, value: u16) -> bool {
        self.send_queue.set_stream_value(stream_id, value)
    }

    /// SCTP_STREAM_SCHEDULER_VALUE get; None beyond the outbound stream count.
    pub fn stream_value(&self, stream_id: u16) -> Option<u16> {
        self.send_queue.stream_value(stream_id)
    }

    /// SCTP_DISABLE_FRAGMENTS.
    pub fn set_disable_fragments(&mut self, on: bool) {
        self.cfg.disable_fragments = on;
    }

    /// SPP_HB_DEMAND: a HEARTBEAT to `addr` now. False when `addr` is not a peer address.
    pub fn request_heartbeat(&mut self, addr: IpAddr) -> bool {
        match self.paths.find(addr) {
            Some(i) => {
                self.paths.list[i].hb_now = true;
                true
            }
            None => false,
        }
    }

    // ---- driven by the endpoint ----

    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        let e = self.events.pop_front();
        if e.is_some() && self.events.is_empty() {
            // An idle association keeps no event buffer (192 bytes of 10,000 idle ones'
            // 4 KiB each); events come a few per message at most.
            self.events = VecDeque::new();
        }
        e
    }

    /// Earliest deadline of any timer of this association.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        if self.state == AssocState::Closed {
            return None;
        }
        let mut t = earliest(self.hs.t1.deadline(), self.t2.deadline());
        if self.pending.window_update {
            t = earliest(t, self.last_now);
        }
        t = earliest(t, self.t5.deadline());
        t = earliest(t, self.addip.t4.deadline());
        t = earliest(t, self.reconf.timer.deadline());
        t = earliest(t, self.tracker.sack_deadline());
        t = earliest(t, self.send_queue.next_expiry());
        t = earliest(t, self.outstanding.next_expiry());
        for p in self.paths.iter() {
            t = earliest(t, p.t3.deadline());
            t = earliest(t, p.hb.deadline());
            t = earliest(t, p.pl.as_ref().and_then(|pl| pl.timer.deadline()));
        }
        t
    }

    /// Runs every timer that is due (RFC 9260 timers by owner procedure).
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        if self.state == AssocState::Closed {
            return;
        }
        self.add_burst_credit();
        self.last_now = Some(now);
        if self.hs.t1.expire(now) {
            self.on_t1_expiry(now);
        }
        if self.t2.expire(now) {
            self.on_t2_expiry(now);
        }
        if self.t5.expire(now) {
            self.on_t5_expiry();
        }
        if self.addip.t4.expire(now) {
            self.on_t4_expiry();
        }
        if self.reconf.timer.expire(now) {
            self.on_reconf_timeout();
        }
        self.on_data_timers(now);
        for i in 0..self.paths.list.len() {
            if self.state == AssocState::Closed {
                return;
            }
            if self.paths.list[i].t3.expire(now) {
                self.on_t3_expiry(now, i);
            }
            if self.paths.list[i].hb.expire(now) {
                self.on_heartbeat_timer(now, i);
            }
            if self.paths.list[i]
                .pl
                .as_mut()
                .is_some_and(|pl| pl.timer.expire(now))
            {
                self.on_pl_timer(now, i);
            }
        }
    }

    pub(crate) fn is_send_closed(&self) -> bool {
        !matches!(
            self.state,
            AssocState::CookieWait | AssocState::CookieEchoed | AssocState::Established
        )
    }

    pub(crate) fn push_event(&mut self, e: Event) {
        self.events.push_back(e);
    }

    /// Moves events reported by tx into the queue.
    pub(crate) fn flush_event_buf(&mut self) {
        self.events.extend(self.event_buf.drain(..));
    }

    /// One more error on path `i` (RFC 9260 8.2): its error counter and state, with the
    /// PEER_ADDR_CHANGE (PF, UNREACHABLE) that a state change gives; past the path's
    /// Primary.Switchover.Max.Retrans the primary moves to the path data now uses (RFC 7829
    /// 5, Linux `ps_retrans`: SCTP_ADDR_MADE_PRIM).
    pub(crate) fn strike_path(&mut self, i: usize) {
        let was = self.paths.list[i].state;
        if let Some(change) = self.paths.list[i].strike(self.cfg.pf_enable) {
            if change == PathChange::PotentiallyFailed {
                // RFC 7829 5.1 (Linux: the heartbeat timer restarts): probed every RTO now.
                if let Some(now) = self.last_now {
                    let jitter = self.rng.next_u32();
                    self.paths.list[i].arm_heartbeat(now, jitter);
                }
            }
            self.report_path(i, was, change);
        }
        let p = &self.paths.list[i];
        if i == self.paths.primary && p.error_count > p.ps_retrans {
            let next = self.paths.for_data();
            if next != i {
                self.set_primary(self.paths.list[next].addr);
            }
        }
    }

    /// An acknowledgement reached path `i` (RFC 9260 8.2, 8.3; RFC 7829 5.1): errors cleared,
    /// active again.
    pub(crate) fn path_reached(&mut self, i: usize) {
        let was = self.paths.list[i].state;
        if let Some(change) = self.paths.list[i].reached() {
            self.report_path(i, was, change);
        }
    }

    /// SCTP_PEER_ADDR_CHANGE for a change of path `i` from state `was`. As Linux
    /// (`sctp_assoc_control_transport`), entering and leaving the PotentiallyFailed state is
    /// reported only when SCTP_EXPOSE_POTENTIALLY_FAILED_STATE is enabled.
    fn report_path(&mut self, i: usize, was: PathState, change: PathChange) {
        let pf = change == PathChange::PotentiallyFailed || was == PathState::PotentiallyFailed;
        if pf && change != PathChange::Unreachable && self.cfg.pf_expose != PfExpose::Enable {
            return;
        }
        let addr = self.paths.list[i].addr;
        self.push_event(Event::PeerAddrChange {
            addr,
            change,
            error: 0,
        });
    }

    /// A control chunk's retransmission timer (ASCONF T-4, RFC 5061 5.1 C; RE-CONFIG, RFC
    /// 6525 5.1.1) expired for what went on `path`: it backs off and counts as an error of the
    /// path and the association, like T3-rtx (RFC 9260 6.3.3). Returns the path to resend on
    /// (an alternate one when there is one), or `None` when the association just failed.
    pub(crate) fn retransmit_control(&mut self, path: usize) -> Option<usize> {
        self.paths.list[path].rto.backoff();
        self.strike_path(path);
        self.error_count += 1;
        if self.assoc_failed() {
            return None;
        }
        Some(self.paths.for_retransmit(path))
    }

    /// RFC 9260 8.1: past Association.Max.Retrans consecutive errors the peer is unreachable
    /// and the association fails; true when it just did.
    pub(crate) fn assoc_failed(&mut self) -> bool {
        if self.error_count <= self.cfg.assoc_max_retrans {
            return false;
        }
        self.fail(
            CloseReason::Timeout,
            Event::Lost {
                error: 0,
                causes: Vec::new(),
            },
        );
        true
    }

    /// Enters CLOSED for a failure (ABORT either way, retransmission limit): reports
    /// `event` (CantStart during setup, Lost after) and fails every unsent and unacked message.
    pub(crate) fn fail(&mut self, reason: CloseReason, event: Event) {
        self.close_reason = Some(reason);
        let event = match event {
            Event::Lost { error, causes }
                if matches!(
                    self.state,
                    AssocState::CookieWait | AssocState::CookieEchoed
                ) =>
            {
                Event::CantStart { error, causes }
            }
            e => e,
        };
        let error = match &event {
            Event::Lost { error, .. } | Event::CantStart { error, .. } => *error as u32,
            _ => 0,
        };
        // As Linux (`sctp_cmd_assoc_failed`): the partial delivery is aborted first.
        self.abort_partial_delivery();
        self.push_event(event);
        self.fail_all_data(error);
        self.enter_closed();
    }

    /// RFC 6458 6.1.7: a partially delivered message will never be finished.
    fn abort_partial_delivery(&mut self) {
        for (stream_id, ssn) in self.reassembly.abort_partial_delivery(None) {
            self.push_event(Event::PartialDeliveryAborted { stream_id, ssn });
        }
    }

    /// CLOSED: timers stop, the TCB is gone for the peer (RFC 9260 4).
    pub(crate) fn enter_closed(&mut self) {
        self.state = AssocState::Closed;
        self.close_reason.get_or_insert(CloseReason::Shutdown);
        self.hs.t1.stop();
        self.t2.stop();
        self.t5.stop();
        self.addip.t4.stop();
        self.reconf.timer.stop();
        for p in &mut self.paths.list {
            p.t3.stop();
            p.hb.stop();
        }
    }

    /// Reports `Event::Closed` once the final packets are out (ABORT, SHUTDOWN COMPLETE).
    pub(crate) fn report_closed(&mut self) {
        if self.state == AssocState::Closed && !self.closed_reported && !self.pending.any_final() {
            self.closed_reported = true;
            self.push_event(Event::Closed);
        }
    }
}

/// A random non-zero 32-bit value (verification tags, RFC 9260 5.3.1).
pub(crate) fn nonzero(rng: &mut dyn Rng) -> u32 {
    loop {
        let v = rng.next_u32();
        if v != 0 {
            return v;
        }
    }
}
