//! Partial reads (RFC 6458 / Linux: the rest of a message larger than the caller's buffer comes
//! with the next read, MSG_EOR only on the last piece). A SEQPACKET read would truncate, so the
//! recv hooks read a record into the caller's buffer plus a spare tail and keep what overflowed
//! here, per fd, until read. Spare tails are pooled: no allocation per read.

use crate::stack::frame::{RecvHeader, MAX_RECORD};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The unread rest of a record.
pub struct Rest {
    pub fd: i32,
    pub hdr: RecvHeader,
    pub data: Vec<u8>,
    pub pos: usize,
}

static RESTS: Mutex<Vec<Rest>> = Mutex::new(Vec::new());
static COUNT: AtomicUsize = AtomicUsize::new(0);
static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Keep the rest of a record read from `fd`.
pub fn keep(r: Rest) {
    let mut v = RESTS.lock();
    v.retain(|x| x.fd != r.fd);
    v.push(r);
    COUNT.store(v.len(), Ordering::Relaxed);
}

/// Take `fd`'s pending rest, if any (one atomic load when none is pending anywhere).
pub fn take(fd: i32) -> Option<Rest> {
    if COUNT.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let mut v = RESTS.lock();
    let i = v.iter().position(|x| x.fd == fd)?;
    let r = v.swap_remove(i);
    COUNT.store(v.len(), Ordering::Relaxed);
    Some(r)
}

/// Forget `fd`'s rest (the fd was closed).
pub fn forget(fd: i32) {
    drop(take(fd));
}

/// A spare buffer of one record's size.
pub fn spare() -> Vec<u8> {
    POOL.lock().pop().unwrap_or_else(|| vec![0; MAX_RECORD])
}

/// Return a spare buffer.
pub fn give_back(b: Vec<u8>) {
    let mut p = POOL.lock();
    if p.len() < 8 {
        p.push(b);
    }
}
