//! fork() policy (reference/interposer.md section 5): the parent's engine keeps every
//! association that exists at fork, and data on inherited app fds keeps flowing through the
//! kernel to it (socat `fork`, ncat -e, dup2 onto fds 0 and 1). In the child (pthread_atfork
//! child handler, one thread): locks another thread may have held are reset, the engine's fds
//! are closed (their copies would keep the parent's socketpairs from reporting HUP), and the
//! engine is forgotten, so control calls on inherited sockets pass through (their owner pid is
//! the parent's) and a new SCTP socket starts a new engine on its own ports.

use super::{fdmap, handle, registry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// Set in the parent at its first fork: from then on a child may hold copies of its app fds.
static FORKED: AtomicBool = AtomicBool::new(false);

/// Whether this process has forked since its engine started: its own fd table then no longer
/// tells whether a close was the last reference (only the kernel's HUP on the engine's end does).
pub fn has_forked() -> bool {
    FORKED.load(Ordering::Relaxed)
}

extern "C" fn parent() {
    FORKED.store(true, Ordering::Relaxed);
}

extern "C" fn child() {
    // SAFETY: the child handler runs in the only thread of the new process.
    unsafe {
        handle::forget_after_fork();
        registry::reset_lock_after_fork();
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
        unsafe { libc::pthread_atfork(None, Some(parent), Some(child)) };
    });
}
