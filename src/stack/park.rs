//! Parking the engine thread at a consistent point, between two jobs, with a pointer to its
//! `Engine` published: while it is parked nothing mutates the engine, so a fork() copies a
//! consistent engine into the child (its snapshot, [`super::fork`]), and the keeper can take
//! the engine over in another process.
//!
//! Parks nest: the engine stays parked until every [`park`] has had its [`unpark`]. A park
//! that comes while an earlier one is being released waits for that release to finish, so
//! it never returns an engine that is about to run (two forks in a row, or from two threads).
//!
//! The parked thread waits on a futex condvar (no lock held, nothing in parking_lot's waiter
//! table: [`super::condvar`]), so fork()'s own locking (malloc, stdio) never waits for it and
//! the child inherits no trace of the wait.

use super::condvar::Condvar;
use super::engine::Engine;
use super::handle;
use super::lock::Mutex;

struct State {
    /// The parked engine (0: not parked).
    engine: usize,
    /// Parks not yet undone by an unpark.
    holders: u32,
    /// Set to let the parked engine thread go on; cleared by it as it goes.
    release: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    engine: 0,
    holders: 0,
    release: false,
});
static CV: Condvar = Condvar::new();

/// From a thread other than the engine's: park this process's engine thread (if it runs)
/// and return its engine. The engine stays parked until the matching [`unpark`].
pub fn park() -> Option<*mut Engine> {
    if handle::owner_pid() != super::sys::getpid() {
        return None;
    }
    let mut g = STATE.lock();
    // An engine being released still shows as parked until its thread goes on.
    while g.release {
        CV.wait(&mut g);
    }
    if g.holders == 0 {
        handle::post(|e: &mut Engine| {
            let mut g = STATE.lock();
            g.engine = e as *mut Engine as usize;
            CV.notify_all();
            while !g.release {
                CV.wait(&mut g);
            }
            g.release = false;
            g.engine = 0;
            CV.notify_all();
        })
        .ok()?;
    }
    g.holders += 1;
    while g.engine == 0 {
        CV.wait(&mut g);
    }
    Some(g.engine as *mut Engine)
}

/// Undo one [`park`]: the engine thread goes on once no park holds it.
pub fn unpark() {
    let mut g = STATE.lock();
    if g.holders == 0 {
        return;
    }
    g.holders -= 1;
    if g.holders == 0 {
        g.release = true;
        CV.notify_all();
    }
}

/// In a fork child: no engine thread is parked here (it does not exist).
///
/// # Safety
/// Only from a pthread_atfork child handler (one thread, nothing else running).
pub unsafe fn reset_after_fork() {
    if STATE.is_locked() {
        STATE.force_unlock();
    }
    let mut g = STATE.lock();
    g.engine = 0;
    g.holders = 0;
    g.release = false;
}
