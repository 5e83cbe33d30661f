//! SCTP_CONTEXT as of recvmsg: Linux fills `sinfo_context` / `rcv_context` from the
//! association's `default_rcv_context` when the message is read, so a set made after a
//! message arrived still shows on it. The engine stamps each record with the context it was
//! delivered under; a later set for its association is kept here (per socket and
//! association) and replaces the stamp. Nothing is looked up until some set happened.

use crate::stack::lock::Mutex;
use crate::stack::registry::Sid;
use std::sync::atomic::{AtomicBool, Ordering};

static ANY: AtomicBool = AtomicBool::new(false);
/// (socket, association id, context) of the latest set per association.
static SET: Mutex<Vec<(Sid, i32, u32)>> = Mutex::new(Vec::new());

/// SCTP_CONTEXT `value` was set for associations `ids` of socket `sid`.
pub fn set(sid: Sid, ids: &[i32], value: u32) {
    if ids.is_empty() {
        return;
    }
    let mut v = SET.lock();
    v.retain(|&(s, a, _)| s != sid || !ids.contains(&a));
    v.extend(ids.iter().map(|&a| (sid, a, value)));
    ANY.store(true, Ordering::Relaxed);
}

/// The context to report for a message of association `id` of socket `sid` that was stamped
/// with `stamped`.
pub fn of(sid: Sid, id: i32, stamped: u32) -> u32 {
    if !ANY.load(Ordering::Relaxed) {
        return stamped;
    }
    SET.lock()
        .iter()
        .find(|&&(s, a, _)| s == sid && a == id)
        .map_or(stamped, |&(_, _, c)| c)
}

/// Socket `sid` is gone.
pub fn forget(sid: Sid) {
    if ANY.load(Ordering::Relaxed) {
        SET.lock().retain(|&(s, _, _)| s != sid);
    }
}
