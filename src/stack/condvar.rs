//! A condition variable that survives fork(): waiters sleep in the kernel on a futex word
//! (FUTEX_PRIVATE), not in parking_lot's process-wide waiter table.
//!
//! Why: the engine thread is parked on a condition variable at every fork ([`super::park`]).
//! parking_lot's table, copied into the child, would still list that thread, whose stack and
//! thread data the child's new threads reuse; the child's first wait on a colliding key then
//! writes through the dead entry (seen: SIGSEGV at exit in socat-style fork children).
//!
//! A wait reads the word while the caller holds its mutex; a notifier changes the shared
//! state under that mutex and then bumps the word, so a wake-up between the unlock and the
//! futex call is never lost (FUTEX_WAIT returns at once when the word has moved).

use super::lock::MutexGuard;
use rustix::thread::futex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

#[derive(Default)]
pub struct Condvar {
    seq: AtomicU32,
}

impl Condvar {
    pub const fn new() -> Condvar {
        Condvar {
            seq: AtomicU32::new(0),
        }
    }

    /// Sleep with `guard`'s mutex released until a [`Condvar::notify_all`] (or spuriously).
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        let seen = self.seq.load(Ordering::Acquire);
        MutexGuard::unlocked(guard, || {
            let _ = futex::wait(&self.seq, futex::Flags::PRIVATE, seen, None);
        });
    }

    /// As [`Condvar::wait`], at most until `deadline`; true when the deadline has passed.
    pub fn wait_until<T>(&self, guard: &mut MutexGuard<'_, T>, deadline: Instant) -> bool {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return true;
        };
        let seen = self.seq.load(Ordering::Acquire);
        let timeout = futex::Timespec {
            tv_sec: left.as_secs() as i64,
            tv_nsec: left.subsec_nanos() as _,
        };
        MutexGuard::unlocked(guard, || {
            let _ = futex::wait(&self.seq, futex::Flags::PRIVATE, seen, Some(&timeout));
        });
        Instant::now() >= deadline
    }

    /// Wake every waiter.
    pub fn notify_all(&self) {
        self.seq.fetch_add(1, Ordering::Release);
        let _ = futex::wake(&self.seq, futex::Flags::PRIVATE, i32::MAX as u32);
    }
}
