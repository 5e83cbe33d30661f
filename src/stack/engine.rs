//! The engine thread: one per process, owning the UDP sockets, the timer, the endpoints and the
//! engine's ends of the app fds, all under one epoll. Hook threads reach it through jobs
//! ([`super::handle`]); applications' data reaches it through their socketpairs.
//!
//! The [`Engine`] sits behind a mutex in the handle: the engine thread holds it for one
//! wake-up at a time, and a hook thread that finds it free runs its work itself
//! ([`super::inline`]), ending with the same [`Engine::finish`].
//!
//! Each wake-up follows the order of the protocol core's contract: inputs (UDP packets, timer,
//! jobs, app records), then for every endpoint touched: events, deliveries, transmissions; then
//! the timerfd is re-armed at the earliest `poll_timeout`.

use super::config::{Config, PortMode};
use super::ep::Ep;
use super::handle::{Handle, Job};
use super::pcap::Pcap;
use super::registry::Sid;
use super::sock::{EpId, Sock};
use super::udp::Udp;
use super::{fds, frame};
use crate::assoc::AssocId;
use rustc_hash::FxHashMap;
use rustix::event::epoll;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::time::Instant;

/// epoll tokens: kind in the high half, index in the low half.
pub(super) const T_WAKE: u64 = 1 << 32;
pub(super) const T_TIMER: u64 = 2 << 32;
const T_UDP: u64 = 3 << 32;
const T_END: u64 = 4 << 32;

/// Watch socket `sid`'s socketpair end `end` in the I/O epoll `epoll` (edge-triggered: every
/// read runs until EAGAIN, stack/appio.rs); whether it is watched now.
pub fn watch_end_in(epoll: BorrowedFd<'_>, sid: Sid, end: BorrowedFd<'_>) -> bool {
    use epoll::EventFlags as F;
    let data = epoll::EventData::new_u64(T_END | sid as u64);
    epoll::add(epoll, end, data, F::IN | F::OUT | F::RDHUP | F::ET).is_ok()
}
pub(super) const T_NETLINK: u64 = 5 << 32;
/// The I/O epoll inside the outer one ([`super::reader`]).
pub(super) const T_IO: u64 = 6 << 32;
/// The timer of the I/O lent to a reader ([`super::reader`]).
const T_LEND_TIMER: u64 = 7 << 32;
pub(super) const KIND_MASK: u64 = 0xffff_ffff << 32;

/// Datagrams read from one UDP socket per wake-up before others get a turn.
const UDP_BATCH: usize = 64;

/// A UDP socket and the endpoint it belongs to (None: the shared fixed-mode socket).
pub struct UdpSlot {
    pub udp: Udp,
    pub ep: Option<EpId>,
}

pub struct Engine {
    pub cfg: &'static Config,
    pub magic: u64,
    pub pid: i32,
    /// The I/O epoll: UDP sockets, app fd ends, netlink. Inside `outer` unless a hook thread
    /// waiting to read serves it itself ([`super::reader`]).
    pub(super) epoll: OwnedFd,
    /// What the engine thread waits on: `epoll`, the job eventfd and the timerfds.
    pub(super) outer: OwnedFd,
    /// The timer of the I/O lent to a reader ([`super::reader`]).
    pub(super) lend_timer: OwnedFd,
    wake: OwnedFd,
    timer: OwnedFd,
    timer_armed: Option<Instant>,
    pub socks: FxHashMap<Sid, Sock>,
    pub eps: FxHashMap<EpId, Ep>,
    pub next_ep: EpId,
    pub udps: Vec<Option<UdpSlot>>,
    /// Fixed mode: index of the process's UDP socket.
    fixed: Option<usize>,
    /// Bound SCTP ports (fixed-mode demux).
    pub ports: FxHashMap<u16, EpId>,
    /// Which socket an association belongs to.
    pub assocs: FxHashMap<AssocId, Sid>,
    next_assoc: AssocId,
    /// Endpoints with outputs to collect.
    dirty: Vec<EpId>,
    /// Reused buffers: received datagrams (one recvmmsg's), a packet to send, a record from an
    /// app.
    rx: Vec<u8>,
    /// What the last recvmmsg took into `rx`.
    received: Vec<super::udp::Received>,
    tx: Vec<u8>,
    /// Packets of one size for one peer, sent together (UDP GSO).
    batch: super::gso::Batch,
    pub rec: Vec<u8>,
    /// What records of each length cost on an app fd ([`super::rwnd::Truesizes`]).
    pub truesizes: super::rwnd::Truesizes,
    /// Reused buffer of [`Engine::drain_io`].
    pub(super) io_events: super::settle::IoEvents,
    /// What the reader running this turn waits for ([`super::handover`]).
    pub(super) handover: Option<super::handover::Handover>,
    pcap: Option<Pcap>,
    /// The process is exiting: callers waiting for every association to end.
    exit_waiters: Vec<std::sync::Arc<super::handle::Slot<()>>>,
    /// Source address choice of multi-homed endpoints.
    sources: super::source::Sources,
    /// Sockets whose app has records not read yet, so whose receive window is reduced
    /// (stack/rwnd.rs); re-synced when a packet arrives for their endpoint.
    pub unread: std::collections::BTreeSet<Sid>,
    /// Host address changes, watched once a socket binds the wildcard (stack/addr_watch.rs).
    pub(super) addr_watch: Option<super::addr_watch::AddrWatch>,
    /// In a keeper: the marks of the UDP ports it holds ([`super::held_ports`]).
    held_ports: HashMap<u16, OwnedFd>,
}

fn errno_of(e: rustix::io::Errno) -> i32 {
    e.raw_os_error()
}

/// The engine thread's body: never returns. It waits for events without the engine and holds
/// it for one wake-up at a time; in between, hook threads may take it ([`super::inline`]).
pub fn run(h: &'static Handle) {
    run_until(h, |_| false);
}

/// The event loop, until `done` says so after a wake-up (the keeper's end, stack/keeper.rs).
/// The engine is held only while a wake-up is processed ([`super::inline`]).
pub fn run_until(h: &'static Handle, done: impl Fn(&Engine) -> bool) {
    crate::shim::hook::pass_through_forever();
    // The application's signal handlers run on its own threads, never in the middle of the
    // engine (a handler that forks would wait for the engine: stack/park.rs).
    // SAFETY: blocking signals for this thread only.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
    let mut events: Vec<epoll::Event> = Vec::with_capacity(4);
    // SAFETY: the engine's epolls are open for the life of the process (the engine is leaked).
    let outer = unsafe { BorrowedFd::borrow_raw(h.outer) };
    // A keeper's copy may have been made while a reader held the I/O epoll.
    super::reader::give_back(h);
    // Checked before each wait: the keeper may find nothing left to do at once.
    while !done(&h.engine.lock()) {
        events.clear();
        if let Err(e) = epoll::wait(outer, rustix::buffer::spare_capacity(&mut events), None) {
            if e != rustix::io::Errno::INTR {
                tracing::error!(%e, "epoll_wait");
            }
            continue;
        }
        let mut engine = h.engine.lock();
        for ev in events.iter() {
            let token = ev.data.u64();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match token {
                T_IO => {
                    engine.drain_io(h);
                }
                T_LEND_TIMER => super::reader::lend_timer_fired(h),
                _ => engine.dispatch(h, token, ev.flags),
            }));
            if r.is_err() {
                tracing::error!(token, "panic in the engine; event dropped");
            }
        }
        engine.finish();
    }
}

impl Engine {
    /// Create the engine's epoll, eventfd and timerfd; returns the engine and the eventfd
    /// number for the handle.
    pub fn new(cfg: &'static Config, magic: u64) -> Result<(Engine, i32), i32> {
        use rustix::event::{eventfd, EventfdFlags};
        use rustix::time::{timerfd_create, TimerfdClockId, TimerfdFlags};
        let high = |r: rustix::io::Result<OwnedFd>| -> Result<OwnedFd, i32> {
            use std::os::fd::IntoRawFd;
            fds::move_high(r.map_err(errno_of)?.into_raw_fd())
        };
        let epoll = high(epoll::create(epoll::CreateFlags::CLOEXEC))?;
        let outer = high(epoll::create(epoll::CreateFlags::CLOEXEC))?;
        let wake = high(eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK))?;
        let timerfd = || {
            high(timerfd_create(
                TimerfdClockId::Monotonic,
                TimerfdFlags::CLOEXEC | TimerfdFlags::NONBLOCK,
            ))
        };
        let timer = timerfd()?;
        let lend_timer = timerfd()?;
        let pcap = cfg.pcap.as_ref().and_then(Pcap::create);
        let e = Engine {
            cfg,
            magic,
            pid: super::sys::getpid(),
            epoll,
            outer,
            lend_timer,
            wake,
            timer,
            timer_armed: None,
            socks: Default::default(),
            eps: Default::default(),
            next_ep: 1,
            udps: Vec::new(),
            fixed: None,
            ports: Default::default(),
            assocs: Default::default(),
            next_assoc: 3,
            dirty: Vec::new(),
            rx: vec![0; super::udp::RECV_BATCH * super::udp::RECV_ROOM],
            received: Vec::with_capacity(super::udp::RECV_BATCH),
            tx: vec![0; 65536],
            batch: super::gso::Batch::default(),
            rec: vec![0; 4 * frame::MAX_RECORD],
            truesizes: Default::default(),
            io_events: Default::default(),
            handover: None,
            pcap,
            exit_waiters: Vec::new(),
            sources: Default::default(),
            unread: Default::default(),
            addr_watch: None,
            held_ports: HashMap::new(),
        };
        let outer_in = |fd: BorrowedFd<'_>, token: u64| {
            epoll::add(
                &e.outer,
                fd,
                epoll::EventData::new_u64(token),
                epoll::EventFlags::IN,
            )
            .map_err(errno_of)
        };
        outer_in(e.wake.as_fd(), T_WAKE)?;
        outer_in(e.timer.as_fd(), T_TIMER)?;
        outer_in(e.lend_timer.as_fd(), T_LEND_TIMER)?;
        outer_in(e.epoll.as_fd(), T_IO)?;
        let wake_fd = e.wake.as_raw_fd();
        Ok((e, wake_fd))
    }

    pub(super) fn watch(
        &self,
        fd: std::os::fd::BorrowedFd<'_>,
        token: u64,
        flags: epoll::EventFlags,
    ) -> Result<(), i32> {
        epoll::add(&self.epoll, fd, epoll::EventData::new_u64(token), flags).map_err(errno_of)
    }

    /// Run the jobs hook threads queued ([`super::handle`]), in order. Whoever holds the
    /// engine runs them before its own work, so a thread's jobs never overtake each other.
    pub(super) fn run_jobs(&mut self, h: &Handle) {
        let jobs: VecDeque<Job> = std::mem::take(&mut *h.queue.lock());
        for job in jobs {
            // A panicking job leaves its slot empty: the caller gets EIO.
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(self))).is_err() {
                tracing::error!("panic in an engine job");
            }
        }
    }

    /// The end of every turn with the engine, on the engine thread or inline on a hook thread
    /// ([`super::inline`]): collect the outputs of every touched endpoint, re-arm the timer at
    /// the earliest `poll_timeout`, and answer exit waiters once no association is left.
    pub(super) fn finish(&mut self) {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.flush();
            self.arm_timer();
            if !self.exit_waiters.is_empty() && self.assocs.is_empty() {
                for w in self.exit_waiters.drain(..) {
                    w.put(());
                }
            }
        }));
        if r.is_err() {
            tracing::error!("panic in the engine while flushing");
            self.dirty.clear();
        }
    }

    pub(super) fn dispatch(&mut self, h: &Handle, token: u64, flags: epoll::EventFlags) {
        let idx = token & !KIND_MASK;
        match token & KIND_MASK {
            T_WAKE => {
                let mut b = [0u8; 8];
                let _ = rustix::io::read(&self.wake, &mut b);
                self.run_jobs(h);
            }
            T_TIMER => {
                let mut b = [0u8; 8];
                let _ = rustix::io::read(&self.timer, &mut b);
                self.timer_armed = None;
                let now = Instant::now();
                self.run_autoclose(now);
                let due: Vec<EpId> = self
                    .eps
                    .iter()
                    .filter(|(_, e)| e.endpoint.poll_timeout().is_some_and(|t| t <= now))
                    .map(|(&id, _)| id)
                    .collect();
                for id in due {
                    if let Some(e) = self.eps.get_mut(&id) {
                        e.endpoint.handle_timeout(now);
                    }
                    self.mark(id);
                }
            }
            T_UDP => self.read_udp(idx as usize),
            T_NETLINK => self.on_addr_events(),
            T_END => {
                // socket() registers its end before its Sock is made, in a job queued without
                // a wake-up (`handle::post_quiet`): the queue first, so the event is not lost.
                if !self.socks.contains_key(&(idx as Sid)) {
                    self.run_jobs(h);
                }
                self.on_end(idx as Sid, flags)
            }
            _ => {}
        }
    }

    /// Remember that `ep` has outputs to collect at the end of this wake-up.
    pub fn mark(&mut self, ep: EpId) {
        if !self.dirty.contains(&ep) {
            self.dirty.push(ep);
        }
    }

    fn read_udp(&mut self, i: usize) {
        let mut got = std::mem::take(&mut self.received);
        for _ in 0..UDP_BATCH / super::udp::RECV_BATCH {
            let Some(Some(slot)) = self.udps.get(i) else {
                break;
            };
            match slot.udp.recv_many(&mut self.rx, &mut got) {
                Ok(()) => {}
                Err(libc::EAGAIN) => break,
                Err(e) => {
                    tracing::debug!(errno = e, "udp recv");
                    self.icmp_errors(i);
                    continue;
                }
            }
            for r in &got {
                // A GRO batch comes from one sender: the window is re-synced once per endpoint.
                let mut synced = None;
                for range in r.datagrams() {
                    self.take_datagram(i, r, range, &mut synced);
                }
            }
            if got.len() < super::udp::RECV_BATCH {
                break;
            }
        }
        self.received = got;
    }

    /// One SCTP packet received on UDP socket `i`: `self.rx[range]`, from `r.from` to `r.to`;
    /// `synced`: the endpoint whose receive window this batch re-synced already.
    fn take_datagram(
        &mut self,
        i: usize,
        r: &super::udp::Received,
        range: std::ops::Range<usize>,
        synced: &mut Option<EpId>,
    ) {
        let Some(Some(slot)) = self.udps.get(i) else {
            return;
        };
        let data = &self.rx[range.clone()];
        if let Some(p) = &mut self.pcap {
            p.packet(r.from, SocketAddr::new(r.to, slot.udp.local.port()), data);
        }
        let ep = match slot.ep {
            Some(ep) => Some(ep),
            None if data.len() >= 4 => self
                .ports
                .get(&u16::from_be_bytes([data[2], data[3]]))
                .copied(),
            None => None,
        };
        let Some(ep_id) = ep else { return };
        if *synced != Some(ep_id) {
            self.resync_rwnd(ep_id);
            *synced = Some(ep_id);
        }
        let data = &self.rx[range];
        let Some(ep) = self.eps.get_mut(&ep_id) else {
            return;
        };
        let next = &mut self.next_assoc;
        let mut new_id = || {
            let id = *next;
            *next = if *next == i32::MAX { 3 } else { *next + 1 };
            id
        };
        ep.endpoint.handle_packet(
            Instant::now(),
            r.to,
            r.from.ip(),
            r.from.port(),
            data,
            r.ce,
            &mut new_id,
        );
        self.mark(ep_id);
    }

    /// Drain the ICMP errors queued on UDP socket `i`. RFC 6951 5.5: a port unreachable for
    /// a peer we are setting up an association with ends the setup (ECONNREFUSED), as the
    /// ABORT a kernel peer without a listener would send. A smaller path MTU goes to the
    /// associations that use the path ([`super::pmtu`]).
    fn icmp_errors(&mut self, i: usize) {
        use super::udp::IcmpError;
        loop {
            let Some(Some(slot)) = self.udps.get(i) else {
                return;
            };
            let ep_id = slot.ep;
            match slot.udp.icmp_error() {
                Ok(Some(IcmpError::TooBig { dest, mtu })) => {
                    self.path_mtu_lowered(ep_id, dest, mtu)
                }
                Ok(Some(IcmpError::PortUnreachable(dest))) => {
                    let Some(e) = ep_id.and_then(|ep| self.eps.get_mut(&ep)) else {
                        continue;
                    };
                    let Some(aid) = e.endpoint.find_assoc_by_peer(dest.ip(), dest.port()) else {
                        continue;
                    };
                    if let Some(a) = e.endpoint.assoc_mut(aid) {
                        use crate::assoc::AssocState as S;
                        if matches!(a.state(), S::CookieWait | S::CookieEchoed) {
                            tracing::debug!(%dest, aid, "port unreachable during setup");
                            a.abort(Instant::now(), &[]);
                        }
                    }
                    if let Some(ep) = ep_id {
                        self.mark(ep);
                    }
                }
                Ok(None) => {}
                Err(_) => return,
            }
        }
    }

    /// A fresh association id (ids are process-wide, as Linux's are system-wide).
    pub fn new_assoc_id(&mut self) -> AssocId {
        let id = self.next_assoc;
        self.next_assoc = if id == i32::MAX { 3 } else { id + 1 };
        id
    }

    /// Collect every touched endpoint's outputs: events, deliveries to apps, packets.
    pub(super) fn flush(&mut self) {
        while let Some(ep) = self.dirty.pop() {
            self.events_of(ep);
            // Acknowledgements may have made room for a message that did not fit.
            let waiting = self
                .eps
                .get_mut(&ep)
                .map(|e| std::mem::take(&mut e.blocked))
                .unwrap_or_default();
            for sid in waiting {
                self.on_writable(sid);
            }
            self.transmit(ep);
            // Sending reports what follows the last packets (Event::Closed): look again.
            if self.events_of(ep) {
                self.mark(ep);
            }
            self.drop_if_unused(ep);
        }
    }

    /// Handle every pending event of endpoint `ep`; whether there was any.
    fn events_of(&mut self, ep: EpId) -> bool {
        let mut any = false;
        while let Some((aid, ev)) = self.eps.get_mut(&ep).and_then(|e| e.endpoint.poll_event()) {
            any = true;
            self.on_event(ep, aid, ev);
        }
        any
    }

    fn transmit(&mut self, ep_id: EpId) {
        let now = Instant::now();
        loop {
            let Some(t) = self
                .eps
                .get_mut(&ep_id)
                .and_then(|ep| ep.endpoint.poll_transmit(now, &mut self.tx))
            else {
                self.batch.flush(&self.udps);
                return;
            };
            let Some(ep) = self.eps.get(&ep_id) else {
                return;
            };
            let data = &self.tx[..t.len.min(self.tx.len())];
            // Mirror mode: the peer's UDP port is its SCTP port unless one was learned.
            let port = match (t.remote_udp_port, ep.remote_udp_port) {
                (0, 0) if data.len() >= 4 => u16::from_be_bytes([data[2], data[3]]),
                (0, p) => p,
                (p, _) => p,
            };
            let to = SocketAddr::new(t.remote, port);
            let idx = match self.fixed {
                Some(f) => Some(f),
                None => self.sources.pick(&self.udps, &ep.udps, t.remote, t.local),
            };
            let Some(Some(slot)) = idx.and_then(|i| self.udps.get(i)) else {
                tracing::debug!(%to, "no UDP socket reaches the peer; packet dropped");
                continue;
            };
            if let Some(p) = &mut self.pcap {
                let from_ip = t.local.unwrap_or(slot.udp.local.ip());
                p.packet(SocketAddr::new(from_ip, slot.udp.local.port()), to, data);
            }
            // Packets may leave in a GSO batch (stack/gso.rs), naming their source address
            // when the socket is a wildcard one (stack/source.rs).
            let from = super::source::named(&slot.udp, to, t.local);
            if let Some(i) = idx {
                self.batch.push(&self.udps, i, to, from, t.ect, data);
            }
        }
    }

    pub(super) fn arm_timer(&mut self) {
        use rustix::time::{timerfd_settime, Itimerspec, TimerfdTimerFlags, Timespec};
        let autoclose = self.next_autoclose();
        let next = self
            .eps
            .values()
            .filter_map(|e| e.endpoint.poll_timeout())
            .chain(autoclose)
            .min();
        // A timer already armed no later than needed stays: firing early costs a wake-up that
        // finds nothing due, cheaper than a timerfd_settime (a VM exit when it reprograms the
        // CPU's timer) on every turn in which a deadline moved later (T3 and delayed SACK
        // restart with each message) or went away (an association set up and closed: its
        // T1-init timer then also serves the next one's).
        let Some(next) = next else { return };
        if self.timer_armed.is_some_and(|armed| armed <= next) {
            return;
        }
        self.timer_armed = Some(next);
        let d = next.saturating_duration_since(Instant::now());
        // A zero value disarms: fire in 1 ns instead.
        let value = Timespec {
            tv_sec: d.as_secs() as i64,
            tv_nsec: d.subsec_nanos().max(1) as _,
        };
        let spec = Itimerspec {
            it_interval: Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: value,
        };
        let _ = timerfd_settime(&self.timer, TimerfdTimerFlags::empty(), &spec);
    }

    /// The process is exiting (atexit): what the app wrote is sent and every association shut
    /// down gracefully, as the kernel would after exit closes the fds; `done` is told when no
    /// association is left.
    pub fn exiting(&mut self, done: std::sync::Arc<super::handle::Slot<()>>) {
        self.exit_waiters.push(done);
        let sids: Vec<Sid> = self.socks.keys().copied().collect();
        for sid in sids {
            self.read_app(sid);
        }
    }

    /// Whether [`Self::exiting`] was called: app fds at EAGAIN count as closed.
    pub fn is_exiting(&self) -> bool {
        !self.exit_waiters.is_empty()
    }

    /// Register a UDP socket in the table and in epoll.
    pub fn add_udp(&mut self, udp: Udp, ep: Option<EpId>) -> usize {
        let i = match self.udps.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.udps.push(None);
                self.udps.len() - 1
            }
        };
        let _ = self.watch(udp.fd.as_fd(), T_UDP | i as u64, epoll::EventFlags::IN);
        self.udps[i] = Some(UdpSlot { udp, ep });
        i
    }

    pub fn remove_udp(&mut self, i: usize) {
        if let Some(slot) = self.udps.get_mut(i).and_then(Option::take) {
            let port = slot.udp.local.port();
            let _ = epoll::delete(&self.epoll, &slot.udp.fd);
            fds::close(slot.udp.fd);
            // Only a keeper holds marks: other processes skip the walk.
            if self.held_ports.contains_key(&port)
                && !self
                    .udps
                    .iter()
                    .flatten()
                    .any(|s| s.udp.local.port() == port)
            {
                self.held_ports.remove(&port);
            }
        }
    }

    /// In a keeper: mark the ports of its endpoints' UDP sockets as held (mirror mode), so
    /// that a restarted server waits for them instead of failing ([`super::held_ports`]).
    pub fn claim_held_ports(&mut self) {
        for slot in self.udps.iter().flatten().filter(|s| s.ep.is_some()) {
            let port = slot.udp.local.port();
            if let std::collections::hash_map::Entry::Vacant(v) = self.held_ports.entry(port) {
                if let Some(fd) = super::held_ports::claim(port) {
                    v.insert(fd);
                }
            }
        }
    }

    /// Fixed mode: the process's one UDP socket, opened on first use.
    pub fn fixed_udp(&mut self, port: u16) -> Result<usize, i32> {
        if let Some(i) = self.fixed {
            return Ok(i);
        }
        debug_assert!(matches!(self.cfg.mode, PortMode::Fixed { .. }));
        let any = SocketAddr::new(super::ep::wildcard(true), port);
        let udp = Udp::bind(any)
            .or_else(|_| Udp::bind(SocketAddr::new(super::ep::wildcard(false), port)))?;
        let i = self.add_udp(udp, None);
        self.fixed = Some(i);
        Ok(i)
    }

    /// Register socket `sid`'s end in epoll, edge-triggered for good (IN|OUT|RDHUP): every
    /// read runs to EAGAIN, and a paused socket is resumed by a direct call.
    pub fn watch_end(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        let Some(end) = &s.end else { return };
        s.watched = watch_end_in(self.epoll.as_fd(), sid, end.as_fd());
    }

    /// Stop watching and close socket `sid`'s end.
    pub fn close_end(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        if let Some(end) = s.end.take() {
            if s.watched {
                let _ = epoll::delete(&self.epoll, &end);
            }
            s.watched = false;
            fds::close(end);
        }
    }
}
