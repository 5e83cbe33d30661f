//! Partial reads (RFC 6458 / Linux: the rest of a message larger than the caller's buffer comes
//! with the next read, MSG_EOR only on the last piece). A SEQPACKET read would truncate, so the
//! recv hooks read a record into the caller's buffer plus a spare tail and keep what overflowed
//! here until read. Spare tails are pooled: no allocation per read.
//!
//! A rest belongs to the open file, as Linux keeps it in the socket's receive queue: every dup
//! of the fd reads on from it, and it goes with the file's last fd (close, dup2/dup3 over it),
//! so a new socket that gets the same fd number never sees it. Looking a rest up costs one
//! atomic load while none is pending anywhere, else one fstat.

use crate::stack::frame::{RecvHeader, MAX_RECORD};
use crate::stack::lock::Mutex;
use crate::stack::registry::{file_key, FileKey};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The unread rest of a record.
pub struct Rest {
    pub key: FileKey,
    pub hdr: RecvHeader,
    pub data: Vec<u8>,
    pub pos: usize,
}

static RESTS: Mutex<Vec<Rest>> = Mutex::new(Vec::new());
static COUNT: AtomicUsize = AtomicUsize::new(0);
static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Keep the rest of a record read from the file `r.key`.
pub fn keep(r: Rest) {
    let mut v = RESTS.lock();
    v.retain(|x| x.key != r.key);
    v.push(r);
    COUNT.store(v.len(), Ordering::Relaxed);
}

fn take_key(key: FileKey) -> Option<Rest> {
    let mut v = RESTS.lock();
    let i = v.iter().position(|x| x.key == key)?;
    let r = v.swap_remove(i);
    COUNT.store(v.len(), Ordering::Relaxed);
    Some(r)
}

/// Take the pending rest of `fd`'s open file, if any.
pub fn take(fd: i32) -> Option<Rest> {
    if COUNT.load(Ordering::Relaxed) == 0 {
        return None;
    }
    take_key(file_key(fd).ok()?)
}

/// Forget the rest of open file `key` (its last fd is gone); true when it was part of a
/// data message (unread data, for `close`).
pub fn forget(key: FileKey) -> bool {
    COUNT.load(Ordering::Relaxed) != 0
        && take_key(key).is_some_and(|r| r.hdr.kind == crate::stack::frame::Kind::Data)
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
