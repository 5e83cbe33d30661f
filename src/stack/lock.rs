//! The library's mutex: parking_lot's `lock_api` interface over a lock word that waiters
//! sleep on in the kernel (FUTEX_PRIVATE), with no process-wide waiter table.
//!
//! Why: parking_lot's own mutex parks a contended waiter in a global table. A fork() taken
//! while an app thread waits on, say, the job queue copies that entry into the child, where
//! the thread does not exist; the child's next unlock can hand the lock to the ghost and stay
//! locked forever. With the waiters in the kernel the child inherits only the word: a
//! "contended" word costs one futex wake that finds nobody. Fork children reset the library's
//! locks with `force_unlock` (stack/fork.rs), which stores "unlocked".
//!
//! The word: 0 unlocked, 1 locked, 2 locked with (possibly) sleeping waiters. A locker that
//! sees it taken spins briefly, then marks it 2 and sleeps until it is 0 again; an unlock that
//! finds 2 wakes one sleeper (the classic three-state futex mutex).

use parking_lot::lock_api::{GuardSend, RawMutex};
use rustix::thread::futex;
use std::sync::atomic::{AtomicU32, Ordering};

/// A mutex whose waiters sleep on a futex word.
pub type Mutex<T> = parking_lot::lock_api::Mutex<FutexMutex, T>;
pub type MutexGuard<'a, T> = parking_lot::lock_api::MutexGuard<'a, FutexMutex, T>;

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const CONTENDED: u32 = 2;
/// Spins before sleeping: the library's critical sections are a few hundred instructions.
const SPINS: u32 = 100;

pub struct FutexMutex {
    word: AtomicU32,
}

// SAFETY: a mutual-exclusion lock: `lock` returns only to the one thread that moved the word
// from UNLOCKED, and `unlock` (by the holder) is the only way back to UNLOCKED.
unsafe impl RawMutex for FutexMutex {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: FutexMutex = FutexMutex {
        word: AtomicU32::new(UNLOCKED),
    };
    type GuardMarker = GuardSend;

    fn lock(&self) {
        if self.try_lock() {
            return;
        }
        self.lock_contended();
    }

    fn try_lock(&self) -> bool {
        self.word
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    unsafe fn unlock(&self) {
        if self.word.swap(UNLOCKED, Ordering::Release) == CONTENDED {
            let _ = futex::wake(&self.word, futex::Flags::PRIVATE, 1);
        }
    }
}

impl FutexMutex {
    #[cold]
    fn lock_contended(&self) {
        for _ in 0..SPINS {
            if self.word.load(Ordering::Relaxed) == UNLOCKED && self.try_lock() {
                return;
            }
            std::hint::spin_loop();
        }
        // From here on the word says CONTENDED while we may sleep, so that the holder's
        // unlock wakes us; taking it from UNLOCKED this way over-reports waiters (one
        // spare wake), never under-reports them.
        while self.word.swap(CONTENDED, Ordering::Acquire) != UNLOCKED {
            let _ = futex::wait(&self.word, futex::Flags::PRIVATE, CONTENDED, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn counts_exactly_under_contention() {
        let m = Arc::new(Mutex::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let m = m.clone();
                std::thread::spawn(move || {
                    for _ in 0..100_000 {
                        *m.lock() += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*m.lock(), 400_000);
    }

    /// A fork taken while a thread sleeps on a held lock: the child, whose copy of the lock
    /// is reset as stack/fork.rs resets the library's locks, uses it from two threads and
    /// exits. (parking_lot's own mutex hands the reset lock to the waiter the child does not
    /// have, and the child hangs.)
    #[test]
    fn a_fork_child_inherits_no_waiter() {
        static M: Mutex<u32> = Mutex::new(0);
        let held = M.lock();
        let waiter = std::thread::spawn(|| *M.lock() += 1);
        // SAFETY: reading the raw word of a live mutex.
        while unsafe { M.raw() }.word.load(Ordering::Relaxed) != CONTENDED {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        // SAFETY: the child only uses M, spawns threads and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: in the child nobody holds M: the holder's guard is a copy.
            unsafe { M.force_unlock() };
            let t = std::thread::spawn(|| (0..10_000).for_each(|_| *M.lock() += 1));
            (0..10_000).for_each(|_| *M.lock() += 1);
            let ok = t.join().is_ok() && *M.lock() == 20_000;
            // SAFETY: leaving the forked test process without running the harness's code.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        drop(held);
        waiter.join().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut status = 0;
        // SAFETY: waiting for our own child.
        while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == 0 {
            if std::time::Instant::now() > deadline {
                // SAFETY: killing our own child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                panic!("the fork child hung on the lock");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        assert_eq!(*M.lock(), 1);
    }

    #[test]
    fn try_lock_and_force_unlock() {
        let m = Mutex::new(());
        let g = m.lock();
        assert!(m.try_lock().is_none());
        std::mem::forget(g);
        // SAFETY: the guard was forgotten: nobody holds the lock any more (as after a fork).
        unsafe { m.force_unlock() };
        assert!(m.try_lock().is_some());
    }
}
