//! The inline fast path (DESIGN.md "Performance principles"): a hook thread that needs the
//! engine and finds it free runs the work itself instead of handing it to the engine thread
//! and waiting for a wake-up there and back. A control call runs its job here; a send hands
//! its message straight to the association when nothing is queued before it ([`submit`]), or
//! else takes the records it just wrote into its socketpair ([`sent`]), and transmits.
//!
//! Rules that keep this equivalent to the engine thread's turn:
//! - the engine is only ever `try_lock`ed here: when the engine thread (or another hook
//!   thread) holds it, the work goes through the queue and eventfd as before. A hook never
//!   waits for the engine, so one re-entered from a signal handler cannot deadlock on the
//!   thread it interrupted (a hook re-entered on the same thread passes through anyway:
//!   `shim::hook` depth guard).
//! - queued jobs run first ([`super::engine::Engine::run_jobs`]), so a thread's queued jobs are
//!   never overtaken by its next inline one (a `post` that found the engine busy, then a
//!   `call` that finds it free).
//! - every turn ends with [`super::engine::Engine::finish`]: outputs collected, timer re-armed,
//!   exit waiters answered, exactly as at the end of an engine-thread wake-up.
//! - fork: the child forgets the parent's handle (`handle::forget_after_fork`), so it never
//!   touches a lock another parent thread held at fork; exit still queues its job for the
//!   engine thread and waits for the associations to end.

use super::engine::Engine;
use super::frame::SendHeader;
use super::handle::{self, Handle};
use super::lock::MutexGuard;
use super::registry::Sid;

/// The engine, if no thread holds it now.
pub fn try_engine(h: &Handle) -> Option<MutexGuard<'_, Engine>> {
    h.engine.try_lock()
}

/// One turn with the engine `e` (held): the queued jobs, then `f`, then the end-of-turn work.
/// A panic in `f` is EIO for the caller, as a queued job's empty slot is.
pub fn run<R>(e: &mut Engine, h: &Handle, f: impl FnOnce(&mut Engine) -> R) -> Result<R, i32> {
    e.run_jobs(h);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(e)));
    e.finish();
    r.map_err(|_| {
        tracing::error!("panic in an inline engine job");
        libc::EIO
    })
}

/// The app is sending a message of `len` bytes (header `hdr`) on socket `sid`: when the
/// engine is free and [`Engine::can_take_directly`] says the outcome is the same, hand it
/// straight to the association (`data` copies it from the app) and transmit; Ok(false): not
/// taken, it goes through the socketpair.
pub fn submit(
    sid: Sid,
    hdr: SendHeader,
    len: usize,
    data: impl FnOnce() -> Result<Vec<u8>, i32>,
) -> Result<bool, i32> {
    let Some(h) = handle::running() else {
        return Ok(false);
    };
    let Some(mut e) = try_engine(h) else {
        return Ok(false);
    };
    run(&mut e, h, |e| {
        if !e.can_take_directly(sid, len) {
            return Ok(false);
        }
        e.submit(sid, hdr, data()?);
        Ok(true)
    })?
}

/// The app read records of a socket (`sid` says which, asked only when needed). When unread
/// records had shrunk its receive window (stack/rwnd.rs), the window is re-computed now, and a
/// window update goes out (RFC 9260 6.2): on this thread when the engine is free, else queued.
/// Without this the window reopened only at the next packet from the peer, which had stopped
/// sending for lack of window: a bulk transfer stalled for the peer's 200 ms timers.
pub fn read(sid: impl FnOnce() -> Option<Sid>) {
    if !super::rwnd::any_unread() {
        return;
    }
    let Some(sid) = sid() else { return };
    let Some(h) = handle::running() else { return };
    match try_engine(h) {
        Some(mut e) => {
            if e.unread.contains(&sid) {
                let _ = run(&mut e, h, |e| e.sync_rwnd(sid));
            }
        }
        None => {
            let _ = handle::post(move |e| e.sync_rwnd(sid));
        }
    }
}

/// Records were just written on socket `sid`'s app fd: when the engine is free, read them into
/// the association and transmit on this thread (otherwise the engine thread, woken by the
/// records themselves, does it).
pub fn sent(sid: Sid) {
    let Some(h) = handle::running() else { return };
    if let Some(mut e) = try_engine(h) {
        let _ = run(&mut e, h, |e| e.read_app(sid));
    }
}
