//! The keeper: Linux keeps a socket's associations going in the kernel after the process that
//! owns it exits (the graceful SHUTDOWN, unacknowledged data) or execs (the new image goes on
//! using the inherited fds). Our engine lives in the process, so at exit and before an exec by
//! the engine's owner it is handed to a keeper process:
//!
//! 1. the engine thread is parked between two jobs ([`super::park`]): nothing mutates it;
//! 2. fork twice (our atfork handlers stand aside): the intermediate child exits at once and
//!    is reaped by the caller, so the keeper is nobody's child the application could see;
//! 3. the keeper (setsid, one thread) closes every fd but the engine's own (so the app's files
//!    close when the application is done with them), waits until the process has exited or
//!    exec'd (EOF on a close-on-exec pipe; a byte instead means the exec failed: it quits and
//!    the process's engine resumes), then runs its copy of the engine on its only thread until
//!    every association has ended (gracefully or by its own RTO limits) and every app end is
//!    closed, then `_exit`s.
//!
//! The process goes on to exit or exec at once. One-to-one listeners stop listening in the
//! keeper (nobody will accept any more), and the ports it holds are marked so that a server
//! restarted with SO_REUSEADDR waits for them ([`super::held_ports`]).

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use super::{fdmap, handle, park, registry, sys};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while a keeper is being forked: the fork handlers ([`super::fork`]) stand aside.
static FORKING: AtomicBool = AtomicBool::new(false);

/// Whether the fork under way is the keeper's.
pub fn forking() -> bool {
    FORKING.load(Ordering::Relaxed)
}

/// A keeper started before an exec: [`Keeper::abort`] it if the exec fails.
pub struct Keeper {
    go: OwnedFd,
}

impl Keeper {
    /// The exec failed: the keeper quits untouched and this process's engine goes on.
    pub fn abort(self) {
        let _ = rustix::io::write(&self.go, &[1]);
        drop(self.go);
        park::unpark();
    }
}

impl Engine {
    /// Whether a keeper has anything to do: an association (exit), or any socket whose app
    /// fds a new image may inherit (exec).
    pub fn needs_keeper(&self, exec: bool) -> bool {
        !self.assocs.is_empty() || (exec && !self.socks.is_empty())
    }

    /// Every association has ended and every app end is closed, or is a one-to-one socket
    /// with nothing left to deliver: its app sees EOF and EPIPE whether the keeper holds the
    /// other end or not (its last close, if it comes after a peer SHUTDOWN, only a close hook
    /// in the owner could report: stack/shut.rs).
    fn kept_all(&self) -> bool {
        self.assocs.is_empty()
            && self
                .socks
                .values()
                .all(|s| s.end.is_none() || (s.style == Style::OneToOne && s.out.is_empty()))
    }

    /// The keeper's start: one-to-one listeners stop listening (nobody will accept).
    fn stop_listening(&mut self) {
        let listeners: Vec<Sid> = self
            .socks
            .values()
            .filter(|s| s.style == Style::OneToOne && s.listening && s.end.is_none())
            .map(|s| s.sid)
            .collect();
        for sid in listeners {
            self.app_gone(sid);
        }
    }
}

/// Hand this process's engine to a keeper (`exec`: before an exec, else at exit). None when
/// there is nothing to keep, or the keeper cannot start (the caller goes on as before).
pub fn hand_over(exec: bool) -> Option<Keeper> {
    if handle::owner_pid() != sys::getpid() {
        return None;
    }
    if !handle::call(move |e| e.needs_keeper(exec)).unwrap_or(false) {
        return None;
    }
    let (rd, wr) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).ok()?;
    park::park()?;
    FORKING.store(true, Ordering::Relaxed);
    // SAFETY: fork with the engine parked; the child only forks again and exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: as above; the grandchild never returns.
        if unsafe { libc::fork() } == 0 {
            drop(wr);
            keeper(rd);
        }
        // SAFETY: leaving the intermediate child without running the app's exit code.
        unsafe { libc::_exit(0) };
    }
    FORKING.store(false, Ordering::Relaxed);
    drop(rd);
    if pid < 0 {
        park::unpark();
        return None;
    }
    let mut status = 0;
    // SAFETY: reaping our own intermediate child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    Some(Keeper { go: wr })
}

/// The keeper process's body.
fn keeper(go: OwnedFd) -> ! {
    crate::shim::hook::pass_through_forever();
    let _ = rustix::process::setsid();
    close_all_but_ours(go.as_raw_fd());
    let mut b = [0u8; 1];
    loop {
        match rustix::io::read(&go, &mut b) {
            Err(rustix::io::Errno::INTR) => continue,
            // The exec failed: the process keeps its engine.
            Ok(1) => unsafe { libc::_exit(0) },
            _ => break,
        }
    }
    drop(go);
    // SAFETY: one thread; locks other threads held at fork (the parked engine's among them)
    // are free now. The engine is our consistent copy of the parked one.
    unsafe {
        registry::reset_lock_after_fork();
        handle::reset_locks_after_fork();
    }
    // On a new thread: at exit this thread's thread-locals (the log's among them) are gone.
    if let Some(h) = handle::running() {
        let _ = std::thread::Builder::new()
            .name("sctpshim-keeper".into())
            .spawn(move || {
                tracing::debug!(pid = sys::getpid(), "keeper running");
                {
                    let mut e = h.engine.lock();
                    e.stop_listening();
                    e.claim_held_ports();
                    e.finish();
                }
                super::engine::run_until(h, Engine::kept_all);
            })
            .map(|t| t.join());
    }
    // SAFETY: ending the keeper without the application's exit handlers.
    unsafe { libc::_exit(0) }
}

/// Close every fd except the engine's and `keep`.
fn close_all_but_ours(keep: i32) {
    let mut ours = vec![keep];
    fdmap::INTERNAL_FDS.for_each(|fd| ours.push(fd));
    ours.sort_unstable();
    let mut from = 0u32;
    for fd in ours {
        let fd = fd as u32;
        if fd > from {
            // SAFETY: closing fds of this (keeper) process.
            unsafe { libc::syscall(libc::SYS_close_range, from, fd - 1, 0) };
        }
        from = fd + 1;
    }
    // SAFETY: as above.
    unsafe { libc::syscall(libc::SYS_close_range, from, u32::MAX, 0) };
}
