//! The process's engine handle: starts the engine thread lazily (a process that never makes an
//! SCTP socket pays nothing), and runs jobs with the engine: on the calling thread when the
//! engine is free ([`super::inline`]), otherwise queued for the engine thread.
//!
//! A job is a closure run with `&mut Engine`; a queued job's result comes back through a
//! one-shot [`Slot`] (a futex mutex and condvar, [`super::lock`], [`super::condvar`]: system
//! calls, nothing we hook, no waiter a fork child inherits).

use super::condvar::Condvar;
use super::config::Config;
use super::engine::Engine;
use super::lock::Mutex;
use super::{fdmap, inline, log, sys};
use once_cell::sync::Lazy;
use std::collections::VecDeque;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A job for the engine thread.
pub type Job = Box<dyn FnOnce(&mut Engine) + Send>;

/// What hook threads share with the engine thread.
pub struct Handle {
    /// The engine: held by the engine thread for one wake-up, or by a hook thread running
    /// inline. Hook threads only `try_lock` it (a hook re-entered from a signal handler must
    /// not wait for the thread it interrupted), but for the reader, which waits for another
    /// thread's turn to end ([`super::reader`]).
    pub engine: Mutex<Engine>,
    pub queue: Mutex<VecDeque<Job>>,
    /// eventfd the engine polls; written after each push.
    pub wake: i32,
    /// The engine's I/O epoll (UDP sockets, app fd ends), inside `outer` except while a
    /// reader serves it ([`super::reader`]).
    pub epoll: i32,
    /// The epoll the engine thread waits on without holding the engine.
    pub outer: i32,
    /// Who serves the I/O epoll: the engine thread, or a hook thread waiting to read
    /// ([`super::reader`]).
    pub io: Mutex<super::reader::IoOwner>,
    /// The waiting reader's ticket (0: none): written with `io` held, read without it.
    pub reader: AtomicU64,
    /// The timerfd of the I/O lent to a reader ([`super::reader`]).
    pub lend_timer: i32,
    /// Turns the reader has taken (the engine thread's check for a reader that left).
    pub reader_turns: AtomicU64,
    /// The process that started this engine.
    pub pid: i32,
}

impl Handle {
    fn push(&self, job: Job) {
        self.queue.lock().push_back(job);
        let one = 1u64.to_ne_bytes();
        // SAFETY: `wake` is our eventfd for the life of the process; a full counter (EAGAIN)
        // still leaves it readable, which is all we need.
        unsafe { libc::syscall(libc::SYS_write, self.wake, one.as_ptr(), 8) };
    }
}

/// A one-shot answer from the engine thread.
pub struct Slot<T> {
    value: Mutex<Option<T>>,
    cv: Condvar,
}

impl<T> Slot<T> {
    pub fn new() -> Arc<Slot<T>> {
        Arc::new(Slot {
            value: Mutex::new(None),
            cv: Condvar::new(),
        })
    }

    pub fn put(&self, v: T) {
        *self.value.lock() = Some(v);
        self.cv.notify_all();
    }

    /// The answer, if it has come.
    pub fn try_take(&self) -> Option<T> {
        self.value.lock().take()
    }

    /// Wait for the answer, at most `limit` (None: forever). The answer may depend on
    /// packets (a connect's handshake): I/O lent to a reader that left is taken back first
    /// ([`super::reader::reclaim`]).
    pub fn wait(&self, limit: Option<Duration>) -> Option<T> {
        if let Some(h) = running() {
            super::reader::reclaim(h);
        }
        let mut g = self.value.lock();
        let deadline = limit.map(|d| std::time::Instant::now() + d);
        while g.is_none() {
            match deadline {
                None => self.cv.wait(&mut g),
                Some(t) => {
                    if self.cv.wait_until(&mut g, t) {
                        break;
                    }
                }
            }
        }
        g.take()
    }
}

static CONFIG: Lazy<Result<Config, super::config::ConfigError>> = Lazy::new(Config::from_env);

/// The configuration, read once; a bad value is reported on stderr the first time an SCTP
/// call needs it (EINVAL), never in a program that makes no SCTP socket.
pub fn config() -> Result<&'static Config, i32> {
    static REPORTED: std::sync::Once = std::sync::Once::new();
    CONFIG.as_ref().map_err(|e| {
        REPORTED.call_once(|| log::stderr_line(&e.to_string()));
        libc::EINVAL
    })
}

/// SCTPSHIM_DISABLE is set (false when the configuration is bad: that is reported later).
pub fn disabled() -> bool {
    CONFIG.as_ref().is_ok_and(|c| c.disabled)
}

/// SCTPSHIM_WITHSCTP is set: TCP stream sockets are made SCTP ones.
pub fn with_sctp() -> bool {
    CONFIG.as_ref().is_ok_and(|c| c.with_sctp)
}

/// Per-process random magic marking our record headers (also names our AF_UNIX sockets).
static MAGIC: AtomicU64 = AtomicU64::new(0);

pub fn magic() -> u64 {
    let m = MAGIC.load(Ordering::Relaxed);
    if m != 0 {
        return m;
    }
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        // Without a CSPRNG the magic only has to differ from plain payload; mix what we have.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        b = (t ^ ((sys::getpid() as u64) << 32) ^ 0x9e37_79b9_7f4a_7c15).to_ne_bytes();
    }
    adopt_magic(u64::from_ne_bytes(b) | 1)
}

/// Take `m` as this process's magic unless it has one already; returns the magic in force.
pub fn adopt_magic(m: u64) -> u64 {
    match MAGIC.compare_exchange(0, m, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => m,
        Err(existing) => existing,
    }
}

static HANDLE: AtomicPtr<Handle> = AtomicPtr::new(std::ptr::null_mut());
static START: Mutex<()> = Mutex::new(());

/// The running engine of this process, started on first use.
pub fn handle() -> Result<&'static Handle, i32> {
    if let Some(h) = running() {
        return Ok(h);
    }
    let cfg = config()?;
    let _g = START.lock();
    if let Some(h) = running() {
        return Ok(h);
    }
    log::init(cfg);
    let (engine, wake) = Engine::new(cfg, magic()).inspect_err(|e| {
        tracing::error!(errno = e, "cannot start the SCTP engine");
    })?;
    let epoll = engine.epoll.as_raw_fd();
    let outer = engine.outer.as_raw_fd();
    let lend_timer = engine.lend_timer.as_raw_fd();
    let h: &'static Handle = Box::leak(Box::new(Handle {
        engine: Mutex::new(engine),
        queue: Mutex::new(VecDeque::new()),
        wake,
        epoll,
        outer,
        io: Mutex::new(Default::default()),
        reader: AtomicU64::new(0),
        lend_timer,
        reader_turns: AtomicU64::new(0),
        pid: sys::getpid(),
    }));
    std::thread::Builder::new()
        .name("sctpshim".into())
        .spawn(move || super::engine::run(h))
        .map_err(|_| libc::EAGAIN)?;
    fdmap::ANY_SCTP.store(true, Ordering::Relaxed);
    HANDLE.store(h as *const Handle as *mut Handle, Ordering::Release);
    // SAFETY: registering a plain extern "C" function.
    unsafe { libc::atexit(at_exit) };
    super::fork::install();
    Ok(h)
}

/// How long exit waits for associations to finish their graceful shutdown when no keeper
/// could take them over.
const EXIT_LINGER: Duration = Duration::from_secs(5);

/// atexit: hand the associations to a keeper process (stack/keeper.rs), which sends what the
/// app wrote and shuts them down after the process is gone, as the kernel would; failing
/// that, wait here a while for it.
///
/// A fork child inherits its parent's registration and adds its own when it starts an engine:
/// only the first call in a process acts (a second would wait for the engine parked by the
/// first's hand-over, forever).
extern "C" fn at_exit() {
    static DONE_IN: AtomicI32 = AtomicI32::new(0);
    let pid = sys::getpid();
    if DONE_IN.swap(pid, Ordering::Relaxed) == pid {
        return;
    }
    // A fork child that started no engine of its own leaves its parent's sockets alone.
    let Some(h) = running().filter(|h| h.pid == pid) else {
        return;
    };
    crate::shim::hook::pass_through_forever();
    #[cfg(not(test))]
    crate::shim::close::mark_unread_at_exit();
    if super::keeper::hand_over(false).is_some() {
        return;
    }
    let slot = Slot::new();
    let s2 = slot.clone();
    h.push(Box::new(move |e| e.exiting(s2)));
    slot.wait(Some(EXIT_LINGER));
}

/// Run `f` on the engine thread and wait for its result.
pub fn call<R: Send + 'static>(
    f: impl FnOnce(&mut Engine) -> R + Send + 'static,
) -> Result<R, i32> {
    queued_call(handle()?, f)
}

fn queued_call<R: Send + 'static>(
    h: &Handle,
    f: impl FnOnce(&mut Engine) -> R + Send + 'static,
) -> Result<R, i32> {
    let slot = Slot::new();
    let s2 = slot.clone();
    h.push(Box::new(move |e| s2.put(f(e))));
    slot.wait(None).ok_or(libc::EIO)
}

/// [`call`] on the fast path: on this thread when the engine is free ([`inline`]), otherwise
/// on the engine thread. Only for the calls that setup rate and round trips depend on: work
/// done here allocates from the application thread's malloc arena, and some programs read
/// what they did not initialise there (lksctp-tools' test_1_to_1_connectx connects to an
/// uninitialised `malloc(sizeof(struct sockaddr))` and expects it to be zeroes).
pub fn call_inline<R: Send + 'static>(
    f: impl FnOnce(&mut Engine) -> R + Send + 'static,
) -> Result<R, i32> {
    let h = handle()?;
    match inline::try_engine(h) {
        Some(mut e) => inline::run(&mut e, h, f),
        None => queued_call(h, f),
    }
}

/// Run `f` on the engine thread without waiting.
pub fn post(f: impl FnOnce(&mut Engine) + Send + 'static) -> Result<(), i32> {
    handle()?.push(Box::new(f));
    Ok(())
}

/// Queue `f` without waking the engine thread: socket()'s registration, so that the engine
/// thread, woken for it, is not busy with it when the program's next call (connect) wants
/// the engine inline. Every turn runs the queued jobs first ([`super::inline`]), a queued
/// call comes after them, and an event on the new socket's end (watched at once by
/// socket(): records or a close by a process it was passed to) runs them before its own.
pub fn post_quiet(f: impl FnOnce(&mut Engine) + Send + 'static) -> Result<(), i32> {
    handle()?.queue.lock().push_back(Box::new(f));
    Ok(())
}

/// [`post`] on the fast path (as [`call_inline`]): done on this thread when the engine is
/// free, otherwise queued.
pub fn post_inline(f: impl FnOnce(&mut Engine) + Send + 'static) -> Result<(), i32> {
    let h = handle()?;
    match inline::try_engine(h) {
        Some(mut e) => inline::run(&mut e, h, f),
        None => {
            h.push(Box::new(f));
            Ok(())
        }
    }
}

/// The running engine of this process, if one was started (never starts one).
pub fn running() -> Option<&'static Handle> {
    let p = HANDLE.load(Ordering::Acquire);
    // SAFETY: handles are leaked, never freed.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// In a keeper process: another thread may have held the job queue's lock, or the engine
/// (parked while the keeper was forked), at fork.
///
/// # Safety
/// Only in a freshly forked process with one thread.
pub unsafe fn reset_locks_after_fork() {
    if let Some(h) = running() {
        if h.queue.is_locked() {
            h.queue.force_unlock();
        }
        if h.engine.is_locked() {
            h.engine.force_unlock();
        }
        if h.io.is_locked() {
            h.io.force_unlock();
        }
    }
}

/// The pid whose engine serves the sockets created so far (0 when none runs).
pub fn owner_pid() -> i32 {
    running().map_or(0, |h| h.pid)
}

/// The running engine's handle when this process owns it (not a fork child's inherited one).
pub fn owned() -> Option<&'static Handle> {
    running().filter(|h| h.pid == super::sys::getpid())
}

/// pthread_atfork child handler: the engine thread does not exist in the child. Forget it (the
/// parent keeps serving inherited sockets); a later SCTP socket starts a new engine here.
///
/// # Safety
/// Only from the atfork child handler.
pub unsafe fn forget_after_fork() {
    HANDLE.store(std::ptr::null_mut(), Ordering::Release);
    if START.is_locked() {
        START.force_unlock();
    }
}
