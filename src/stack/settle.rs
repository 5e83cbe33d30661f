//! Synchronous loopback: what the kernel does in one call chain on Linux (a packet sent on `lo`
//! is processed by the receiver before `sendmsg` returns) the engine does in rounds of its event
//! loop. Hooks whose answer depends on traffic already "sent" (accept right after a
//! non-blocking connect, EAGAIN on a read the peer has already written for, EPIPE after the
//! peer's close) first let the engine process everything pending: [`Engine::settle`].

use super::engine::Engine;
use super::handle::Handle;
use rustix::event::epoll;

/// Event-loop rounds one settle may take (a handshake plus shutdown on loopback needs < 10).
const MAX_ROUNDS: usize = 32;

/// Events taken from the I/O epoll per round.
const ROUND_EVENTS: usize = 64;

/// Events of one [`Engine::drain_io`] round, kept for the next.
#[derive(Default)]
pub struct IoEvents(Vec<epoll::Event>);

// SAFETY: the events carry u64 tokens only (EventData is a union with a pointer member that
// we never use).
unsafe impl Send for IoEvents {}

impl Engine {
    /// Process ready UDP datagrams and app records, and collect outputs, until a round finds
    /// nothing ready. Jobs and timers are left to the engine thread (they are not in the I/O
    /// epoll).
    pub fn settle(&mut self, h: &'static Handle) {
        self.flush();
        for _ in 0..MAX_ROUNDS {
            let any = self.drain_io(h);
            self.flush();
            if !any {
                break;
            }
        }
        self.arm_timer();
    }

    /// One round: dispatch what the I/O epoll has ready now; whether there was anything.
    pub(super) fn drain_io(&mut self, h: &Handle) -> bool {
        let IoEvents(mut events) = std::mem::take(&mut self.io_events);
        events.clear();
        events.reserve(ROUND_EVENTS);
        let now = rustix::time::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if epoll::wait(
            &self.epoll,
            rustix::buffer::spare_capacity(&mut events),
            Some(&now),
        )
        .is_err()
        {
            events.clear();
        }
        for ev in events.iter() {
            self.dispatch(h, ev.data.u64(), ev.flags);
        }
        let any = !events.is_empty();
        self.io_events = IoEvents(events);
        any
    }
}

/// From a hook thread: let the engine process everything pending, and wait until it has.
/// Only in the process whose engine serves the sockets: a fork child's inherited sockets are
/// served by its parent's engine, and starting one of its own here would change the child's
/// framing magic under the records already queued for it.
pub fn settle() -> Result<(), i32> {
    let Some(h) = super::handle::owned() else {
        return Ok(());
    };
    super::handle::call_inline(move |e| e.settle(h))
}
