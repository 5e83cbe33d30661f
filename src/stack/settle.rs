//! Synchronous loopback: what the kernel does in one call chain on Linux (a packet sent on `lo`
//! is processed by the receiver before `sendmsg` returns) the engine does in rounds of its event
//! loop. Hooks whose answer depends on traffic already "sent" (accept right after a
//! non-blocking connect, EAGAIN on a read the peer has already written for, EPIPE after the
//! peer's close) first let the engine process everything pending: [`Engine::settle`].

use super::engine::{Engine, KIND_MASK, T_TIMER, T_WAKE};
use super::handle::Handle;
use rustix::event::epoll;

/// Event-loop rounds one settle may take (a handshake plus shutdown on loopback needs < 10).
const MAX_ROUNDS: usize = 32;

impl Engine {
    /// Process ready UDP datagrams and app records, and collect outputs, until a round finds
    /// nothing ready. Jobs and timers are left to the main loop (we run inside a job).
    pub fn settle(&mut self, h: &'static Handle) {
        let mut events: Vec<epoll::Event> = Vec::with_capacity(64);
        self.flush();
        for _ in 0..MAX_ROUNDS {
            events.clear();
            let timeout = rustix::time::Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            if epoll::wait(
                &self.epoll,
                rustix::buffer::spare_capacity(&mut events),
                Some(&timeout),
            )
            .is_err()
            {
                break;
            }
            let mut any = false;
            for ev in events.iter() {
                let token = ev.data.u64();
                let kind = token & KIND_MASK;
                if kind == T_WAKE || kind == T_TIMER {
                    continue;
                }
                any = true;
                self.dispatch(h, token, ev.flags);
            }
            self.flush();
            if !any {
                break;
            }
        }
        self.arm_timer();
    }
}

/// From a hook thread: let the engine process everything pending, and wait until it has.
/// Only in the process whose engine serves the sockets: a fork child's inherited sockets are
/// served by its parent's engine, and starting one of its own here would change the child's
/// framing magic under the records already queued for it.
pub fn settle() -> Result<(), i32> {
    settle_then(|_| ()).map(drop)
}

/// [`settle`], then `f` on the settled engine in the same job (None: not this process's
/// engine, nothing done).
pub fn settle_then<R: Send + 'static>(
    f: impl FnOnce(&mut Engine) -> R + Send + 'static,
) -> Result<Option<R>, i32> {
    if super::handle::owner_pid() != super::sys::getpid() {
        return Ok(None);
    }
    let h = super::handle::handle()?;
    super::handle::call_inline(move |e| {
        e.settle(h);
        Some(f(e))
    })
}

/// [`settle`] for a caller about to block until its fd is readable: only when the engine is
/// free, on this thread (true: done). A busy engine is already at work and delivers whatever
/// arrives, so waiting for it here would only add a wake-up before the caller's own wait.
pub fn settle_if_free() -> bool {
    let Some(h) = super::handle::running().filter(|h| h.pid == super::sys::getpid()) else {
        return true;
    };
    match super::inline::try_engine(h) {
        Some(mut e) => super::inline::run(&mut e, h, |e| e.settle(h)).is_ok(),
        None => false,
    }
}
