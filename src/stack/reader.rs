//! The reader: a hook thread about to block until its SCTP fd is ready (a blocking recv or
//! accept) or its association is up (a blocking connect) serves the engine's I/O itself while
//! it waits. Without it every packet woke the engine thread, whose record for the app then
//! woke the app's thread: two wake-ups per message where the kernel has one (DESIGN.md
//! "Performance principles": the thread hop).
//!
//! How: the engine thread waits on an outer epoll that holds the I/O epoll (UDP sockets, app
//! fd ends, netlink), the job eventfd and the timerfds. The reader takes the I/O epoll out of
//! the outer one, polls it together with its own fd, and when packets come runs the turn with
//! the engine itself ([`super::inline::run`]: held for that turn only, as the engine thread
//! holds it). Jobs and timers stay with the engine thread. One reader at a time; other
//! threads block on their own fds and get their records from whoever serves the I/O.
//!
//! When the reader's fd is ready (or its wait ends) the I/O stays lent for a grace period
//! ([`GRACE`]): a program that answers a message and reads again (a request/response loop)
//! takes it straight back, and the engine thread, never woken, is not in the way of the next
//! message. Hooks that settle (stack/settle.rs) process what arrived meanwhile; at the end of
//! the grace period the engine thread takes the I/O back (the lending timer, a timerfd in its
//! epoll), or at once when a thread is to wait for something of the engine's (a blocking
//! connect's handshake: [`reclaim`]) or blocks in the kernel because another thread is the
//! reader. A thread that waits in poll/select/epoll for an SCTP fd meanwhile may see its
//! records up to the grace period later.
//!
//! The wait keeps the rules of the blocking call it stands for: SO_RCVTIMEO ends it with
//! EAGAIN, and a signal handler ends it with EINTR when a timeout is set or a handler without
//! SA_RESTART is installed, otherwise the wait goes on (signal(7)). Signals are blocked
//! during the wait but inside its polls (`SignalsHeld`), so one that comes while the reader
//! runs a turn still ends the wait, as the kernel's wait checks for a pending signal.
//!
//! A reader that never comes back (a handler that longjmps out of the wait) would leave the
//! I/O unserved: while a reader is registered the engine thread looks once a second, and takes
//! the I/O epoll back when it has had events waiting since the previous look with no turn
//! taken by the reader.

use super::engine::T_IO;
use super::frame::RecvHeader;
use super::handle::{self, Handle};
use super::handover::Handover;
use super::registry::Sid;
use rustix::event::{epoll, poll, PollFd, PollFlags};
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A message handed to the reader by its turn: its record's header and its payload.
pub type Handed = (RecvHeader, Vec<u8>);

/// Reader tickets (0: no reader).
static NEXT_TICKET: AtomicU64 = AtomicU64::new(1);

/// How often the engine thread looks at a registered reader.
const WATCHDOG: Duration = Duration::from_secs(1);

/// How long the I/O stays lent after a reader's wait (see the module's text).
const GRACE: Duration = Duration::from_millis(1);

/// Who serves the I/O epoll ([`Handle::io`]); the waiting reader's ticket is
/// [`Handle::reader`], written only with this lock held.
#[derive(Default)]
pub struct IoOwner {
    /// The I/O epoll is out of the engine thread's epoll.
    lent: bool,
    /// When the last reader left.
    left_at: Option<Instant>,
    /// When the lending timer fires (None: disarmed). Arming a timer is costly in a VM, so
    /// it is armed once per period, not per read: at expiry the engine thread re-arms it for
    /// what is left of the grace period, or for the next look at a waiting reader.
    expiry: Option<Instant>,
    /// (ticket, turns) when the last look found I/O waiting unserved.
    seen: Option<(u64, u64)>,
    /// Threads blocked in the kernel on their own fds because another was the reader: they
    /// need whoever serves the I/O, so a reader that leaves gives it back at once.
    plain: u32,
}

fn fd(raw: i32) -> BorrowedFd<'static> {
    // SAFETY: the engine's epolls and timerfds are open for the life of the process (the
    // engine is leaked).
    unsafe { BorrowedFd::borrow_raw(raw) }
}

/// The waiting reader's ticket (0: none).
fn reader(h: &Handle) -> u64 {
    h.reader.load(Ordering::Relaxed)
}

/// The engine thread serves the I/O again (the owner's lock held).
fn give_back_locked(h: &Handle, o: &mut IoOwner) {
    o.lent = false;
    o.seen = None;
    h.reader.store(0, Ordering::Relaxed);
    let r = epoll::add(
        fd(h.outer),
        fd(h.epoll),
        epoll::EventData::new_u64(T_IO),
        epoll::EventFlags::IN,
    );
    if let Err(e) = r {
        if e != rustix::io::Errno::EXIST {
            tracing::error!(%e, "cannot give the I/O epoll back to the engine thread");
        }
    }
}

/// At the start of the engine thread (a keeper's copy may have been made while a reader had
/// the I/O): the engine thread serves it.
pub fn give_back(h: &Handle) {
    give_back_locked(h, &mut h.io.lock());
}

/// A thread is about to wait for the engine thread: I/O lent to a reader that has left goes
/// back to the engine thread now rather than at the end of the grace period.
pub fn reclaim(h: &Handle) {
    let mut o = h.io.lock();
    if o.lent && reader(h) == 0 {
        give_back_locked(h, &mut o);
    }
}

/// Arm the lending timer to fire in `after` (the owner's lock held); on failure the engine
/// thread takes the I/O back at once.
fn arm(h: &Handle, o: &mut IoOwner, after: Duration) {
    use rustix::time::{timerfd_settime, Itimerspec, TimerfdTimerFlags};
    let after = after.max(Duration::from_micros(1));
    let when = Itimerspec {
        it_interval: timespec(Duration::ZERO),
        it_value: timespec(after),
    };
    if timerfd_settime(fd(h.lend_timer), TimerfdTimerFlags::empty(), &when).is_ok() {
        o.expiry = Some(Instant::now() + after);
    } else {
        o.expiry = None;
        give_back_locked(h, o);
    }
}

/// The lending timer fired (engine thread). No reader: take the I/O back once the grace
/// period is over. A reader: take it back when I/O has waited unserved since the previous
/// look (the reader left its wait without its hook: a longjmp); else look again later.
pub fn lend_timer_fired(h: &Handle) {
    let mut b = [0u8; 8];
    let _ = rustix::io::read(fd(h.lend_timer), &mut b);
    let mut o = h.io.lock();
    o.expiry = None;
    if !o.lent {
        return;
    }
    if reader(h) == 0 {
        let since = o.left_at.map_or(GRACE, |t| t.elapsed());
        if since >= GRACE {
            give_back_locked(h, &mut o);
        } else {
            arm(h, &mut o, GRACE - since);
        }
        return;
    }
    let mut io = [PollFd::from_borrowed_fd(fd(h.epoll), PollFlags::IN)];
    let waiting = poll(&mut io, Some(&timespec(Duration::ZERO))) == Ok(1);
    let look = (reader(h), h.reader_turns.load(Ordering::Relaxed));
    if waiting && o.seen == Some(look) {
        tracing::warn!("a reader left the I/O unserved; the engine thread takes it back");
        give_back_locked(h, &mut o);
        return;
    }
    o.seen = waiting.then_some(look);
    arm(h, &mut o, WATCHDOG);
}

/// The reader role, held by one waiting hook thread; dropping it starts the grace period.
struct Role {
    h: &'static Handle,
    ticket: u64,
}

impl Role {
    fn take(h: &'static Handle) -> Option<Role> {
        let mut o = h.io.lock();
        if reader(h) != 0 {
            return None;
        }
        let ticket = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
        h.reader.store(ticket, Ordering::Relaxed);
        if !o.lent {
            o.lent = true;
            let _ = epoll::delete(fd(h.outer), fd(h.epoll));
        }
        if o.expiry.is_none() {
            arm(h, &mut o, WATCHDOG);
        }
        Some(Role { h, ticket })
    }

    /// Still the reader (the engine thread has not taken the I/O back).
    fn held(&self) -> bool {
        reader(self.h) == self.ticket
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        let mut o = self.h.io.lock();
        if reader(self.h) != self.ticket {
            return;
        }
        self.h.reader.store(0, Ordering::Relaxed);
        if o.plain > 0 {
            give_back_locked(self.h, &mut o);
            return;
        }
        let now = Instant::now();
        o.left_at = Some(now);
        if o.expiry.is_none_or(|t| t > now + GRACE) {
            arm(self.h, &mut o, GRACE);
        }
    }
}

/// Wait until `app` (an SCTP app fd of this process) has one of `events`, serving the
/// engine's I/O meanwhile, then `attempt` the call; `attempt` says None when it would still
/// block (another thread took what made the fd ready). The caller has found `app` not ready
/// just before (a first wait finds it ready at once otherwise). With `handover` (the socket
/// and the room of a receive), a turn may hand a message for that socket straight over:
/// `attempt` gets it, and must answer with it. When another thread is the reader (or no
/// engine of this process runs) the call is `block`ed in the kernel instead.
pub fn wait<R>(
    app: i32,
    events: PollFlags,
    handover: Option<(Sid, usize)>,
    mut attempt: impl FnMut(Option<Handed>) -> Option<R>,
    block: impl FnOnce() -> R,
) -> Result<R, i32> {
    let Some(h) = handle::owned() else {
        return Ok(block());
    };
    let timeout =
        rustix::net::sockopt::socket_timeout(fd(app), rustix::net::sockopt::Timeout::Recv)
            .map_err(|e| e.raw_os_error())?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let Some(role) = Role::take(h) else {
        return Ok(blocked_plainly(h, block));
    };
    let signals = SignalsHeld::new();
    loop {
        let left = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return Err(libc::EAGAIN),
            },
            None => None,
        };
        let mut fds = [
            pollfd(app, events.bits() as libc::c_short),
            pollfd(h.epoll, libc::POLLIN),
        ];
        match signals.poll(&mut fds, left) {
            Err(libc::EINTR) => {
                if !restarts_after_signal(timeout.is_some()) {
                    return Err(libc::EINTR);
                }
                continue;
            }
            Err(e) => return Err(e),
            Ok(0) => return Err(libc::EAGAIN),
            Ok(_) => {}
        }
        let app_ready = fds[0].revents != 0;
        let io_ready = fds[1].revents != 0;
        let handed = if io_ready { turn(h, handover)? } else { None };
        if app_ready || io_ready {
            if let Some(r) = attempt(handed) {
                return Ok(r);
            }
        }
        if !role.held() {
            // The kernel's own wait sees signals itself.
            drop(signals);
            drop(role);
            return Ok(blocked_plainly(h, block));
        }
    }
}

fn pollfd(fd: i32, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// One turn with the engine for what the I/O epoll has ready; with `handover` (a socket and
/// the reader's room), a message for that socket may be handed over (stack/handover.rs).
fn turn(h: &'static Handle, handover: Option<(Sid, usize)>) -> Result<Option<Handed>, i32> {
    h.reader_turns.fetch_add(1, Ordering::Relaxed);
    let mut e = h.engine.lock();
    e.handover = handover.map(|(sid, room)| Handover::new(sid, room));
    let r = super::inline::run(&mut e, h, |e| e.settle(h));
    // Taken even after a panic: a message handed over is the app's.
    match (e.handover.take().and_then(|w| w.got), r) {
        (Some(m), _) => Ok(Some(m)),
        (None, r) => r.map(|()| None),
    }
}

/// How often [`serve_until`] looks at what the engine thread may have decided meanwhile.
const TICK: Duration = Duration::from_millis(20);

/// How [`serve_until`] ended.
pub enum Served<R> {
    /// `done` answered.
    Done(R),
    /// A signal handler ran (poll is never restarted after one: signal(7)).
    Interrupted,
    /// The deadline passed first.
    TimedOut,
    /// No engine of this process runs: wait some other way.
    NotOurs,
}

/// How often [`serve_until`] looks at `done` while another thread serves the I/O.
const LOOK: Duration = Duration::from_millis(5);

/// Serve the engine's I/O until `done` has an answer (a blocking connect's outcome, which
/// the handshake's packets decide on this thread; a failure decided by the engine thread's
/// timers is seen within `TICK`), a signal handler runs, or `deadline` passes. While
/// another thread is the reader, only look at `done` every `LOOK`.
pub fn serve_until<R>(deadline: Option<Instant>, mut done: impl FnMut() -> Option<R>) -> Served<R> {
    let Some(h) = handle::owned() else {
        return Served::NotOurs;
    };
    let signals = SignalsHeld::new();
    if let Some(r) = done() {
        return Served::Done(r);
    }
    // A turn the engine thread began before the I/O was taken may answer `done`: it has
    // ended once this turn has the engine.
    let mut role = Role::take(h).filter(|_| turn(h, None).is_ok());
    loop {
        if let Some(r) = done() {
            return Served::Done(r);
        }
        if role.as_ref().is_some_and(|r| !r.held()) {
            role = None;
        }
        let every = if role.is_some() { TICK } else { LOOK };
        let tick = match deadline {
            None => every,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left.min(every),
                _ => return Served::TimedOut,
            },
        };
        let mut io = [pollfd(h.epoll, libc::POLLIN)];
        let fds = if role.is_some() { &mut io[..] } else { &mut [] };
        match signals.poll(fds, Some(tick)) {
            Err(libc::EINTR) => return Served::Interrupted,
            Ok(n) if n > 0 && turn(h, None).is_err() => role = None,
            _ => {}
        }
    }
}

/// Every signal blocked on this thread for a wait, but during its polls: a handler then runs
/// only inside a poll, which it ends (EINTR), never between two polls, where the wait would
/// not notice it (the kernel's `signal_pending` check before sleeping).
struct SignalsHeld {
    old: libc::sigset_t,
}

impl SignalsHeld {
    fn new() -> SignalsHeld {
        // SAFETY: changing this thread's signal mask; `old` is written by the call.
        unsafe {
            let mut all: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_BLOCK, &all, &mut old);
            SignalsHeld { old }
        }
    }

    /// ppoll with the thread's own signal mask (`timeout` None: no limit); the number of
    /// ready fds, or the errno.
    fn poll(&self, fds: &mut [libc::pollfd], timeout: Option<Duration>) -> Result<usize, i32> {
        let ts = timeout.map(|t| libc::timespec {
            tv_sec: t.as_secs() as libc::time_t,
            tv_nsec: t.subsec_nanos() as libc::c_long,
        });
        let tsp = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: `fds` and the timespec and mask outlive the call.
        let n = unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, &self.old) };
        if n < 0 {
            Err(super::sys::errno())
        } else {
            Ok(n as usize)
        }
    }
}

impl Drop for SignalsHeld {
    fn drop(&mut self) {
        // SAFETY: restoring the mask saved by `new`.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut()) };
    }
}

/// `block` in the kernel, counted as a thread that needs someone to serve the I/O.
fn blocked_plainly<R>(h: &Handle, block: impl FnOnce() -> R) -> R {
    h.io.lock().plain += 1;
    let r = block();
    h.io.lock().plain -= 1;
    r
}

fn timespec(d: Duration) -> rustix::time::Timespec {
    rustix::time::Timespec {
        tv_sec: d.as_secs() as i64,
        tv_nsec: d.subsec_nanos() as i64,
    }
}

/// After a signal handler ran during the wait: whether the blocking call it stands for
/// would go on. Never with a receive timeout set (signal(7): "input" socket calls with
/// SO_RCVTIMEO always fail with EINTR); else only when every installed handler has
/// SA_RESTART (which signal came is not known here).
pub fn restarts_after_signal(has_timeout: bool) -> bool {
    if has_timeout {
        return false;
    }
    (1..=libc::SIGRTMAX()).all(|sig| {
        // SAFETY: reading a disposition (no new action).
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        if unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } != 0 {
            return true;
        }
        let handler = old.sa_sigaction;
        handler == libc::SIG_DFL || handler == libc::SIG_IGN || old.sa_flags & libc::SA_RESTART != 0
    })
}
