//! Parking the engine thread at a consistent point, between two jobs, with a pointer to its
//! `Engine` published: while it is parked nothing mutates the engine, so a fork() copies a
//! consistent engine into the child (its snapshot, [`super::fork`]), and the keeper can take
//! the engine over in another process.
//!
//! The parked thread waits on a condvar (no lock held), so fork()'s own locking (malloc,
//! stdio) never waits for it.

use super::engine::Engine;
use super::handle;
use parking_lot::{Condvar, Mutex};

struct State {
    /// The parked engine (0: not parked).
    engine: usize,
    /// Set to let the parked engine thread go on.
    release: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    engine: 0,
    release: false,
});
static CV: Condvar = Condvar::new();

/// From a thread other than the engine's: park this process's engine thread (if it runs)
/// and return its engine. The engine stays parked until [`unpark`].
pub fn park() -> Option<*mut Engine> {
    if handle::owner_pid() != super::sys::getpid() {
        return None;
    }
    handle::post(|e: &mut Engine| {
        let mut g = STATE.lock();
        g.engine = e as *mut Engine as usize;
        CV.notify_all();
        while !g.release {
            CV.wait(&mut g);
        }
        g.release = false;
        g.engine = 0;
    })
    .ok()?;
    let mut g = STATE.lock();
    while g.engine == 0 {
        CV.wait(&mut g);
    }
    Some(g.engine as *mut Engine)
}

/// Let the engine thread parked by [`park`] go on.
pub fn unpark() {
    let mut g = STATE.lock();
    if g.engine != 0 {
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
    g.release = false;
}
