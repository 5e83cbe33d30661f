//! fork() policy (reference/interposer.md section 5): the parent's engine keeps every
//! association that exists at fork, and data on inherited app fds keeps flowing through the
//! kernel to it (socat `fork`, ncat -e, dup2 onto fds 0 and 1). In the child (pthread_atfork
//! child handler, one thread): locks another thread may have held are reset, the engine's fds
//! are closed (their copies would keep the parent's socketpairs from reporting HUP), and the
//! engine is forgotten, so control calls on inherited sockets pass through (their owner pid is
//! the parent's) and a new SCTP socket starts a new engine on its own ports.

use super::engine::Engine;
use super::lock::Mutex;
use super::{fdmap, handle, park, registry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// This process's pid if it began as a fork child of a process with an engine (0: it did not).
static CHILD_PID: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// This process's pid if it is a fork child (a vfork child, which runs in its parent's memory
/// without our child handler, is not).
pub fn child_pid() -> i32 {
    CHILD_PID.load(Ordering::Relaxed)
}

/// Set in the parent at its first fork: from then on a child may hold copies of its app fds.
static FORKED: AtomicBool = AtomicBool::new(false);

/// Whether this process has forked since its engine started: its own fd table then no longer
/// tells whether a close was the last reference (only the kernel's HUP on the engine's end does).
pub fn has_forked() -> bool {
    FORKED.load(Ordering::Relaxed)
}

/// Engines copied into this process by fork (an ancestor's pid and its engine as it stood),
/// answering queries on the sockets inherited from it. Never freed: a process holds few.
static SNAPSHOTS: Mutex<Vec<(i32, usize)>> = Mutex::new(Vec::new());

thread_local! {
    /// The engine parked for the fork this thread has under way (0: none). Per thread: the
    /// atfork handlers of one fork run on the forking thread, and two threads may fork at
    /// once (each park needs its own unpark: [`park`]).
    static PARKED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

extern "C" fn prepare() {
    if super::keeper::forking() {
        return;
    }
    if let Some(e) = park::park() {
        PARKED.set(e as usize);
    }
}

extern "C" fn parent() {
    if super::keeper::forking() {
        return;
    }
    FORKED.store(true, Ordering::Relaxed);
    if PARKED.replace(0) != 0 {
        park::unpark();
    }
}

/// Run `f` on the engine of process `owner` as it was copied into this process at fork: the
/// state of the sockets inherited from it. EOPNOTSUPP when there is none.
pub fn with_snapshot<R>(owner: i32, f: impl FnOnce(&mut Engine) -> R) -> Result<R, i32> {
    let snaps = SNAPSHOTS.lock();
    let &(_, ptr) = snaps
        .iter()
        .find(|(pid, _)| *pid == owner)
        .ok_or(libc::EOPNOTSUPP)?;
    // SAFETY: the copy of an engine that was parked (not mutated) while fork() copied it; no
    // thread runs it in this process, and SNAPSHOTS' lock serialises the callers.
    Ok(f(unsafe { &mut *(ptr as *mut Engine) }))
}

extern "C" fn child() {
    super::sys::forget_pid();
    if super::keeper::forking() {
        return;
    }
    // SAFETY: the child handler runs in the only thread of the new process.
    unsafe {
        handle::forget_after_fork();
        registry::reset_lock_after_fork();
        park::reset_after_fork();
        if SNAPSHOTS.is_locked() {
            SNAPSHOTS.force_unlock();
        }
    }
    CHILD_PID.store(super::sys::getpid(), Ordering::Relaxed);
    // The new process has not forked itself: the engine it may start sees every fd of its
    // sockets in its own table.
    FORKED.store(false, Ordering::Relaxed);
    let parked = PARKED.replace(0);
    if parked != 0 {
        // SAFETY: the parked engine's pid field, in our consistent copy.
        let pid = unsafe { (*(parked as *const Engine)).pid };
        let mut snaps = SNAPSHOTS.lock();
        snaps.retain(|(p, _)| *p != pid);
        snaps.push((pid, parked));
    }
    fdmap::INTERNAL_FDS.for_each(|fd| {
        if !super::log::is_log_fd(fd) {
            // SAFETY: closing our own fd numbers in the child.
            unsafe { libc::syscall(libc::SYS_close, fd) };
            fdmap::INTERNAL_FDS.set(fd, false);
        }
    });
}

/// Register the handler (once per process, when the first engine starts).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: registering a plain extern "C" handler.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    });
}
