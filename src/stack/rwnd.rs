//! The receive window counts what the app has not read yet (RFC 9260 6.2.1: a_rwnd is the
//! buffer space left; Linux's window shrinks by the data queued on the socket). Messages the
//! engine has handed to the app's socketpair no longer sit in the association, so the
//! association's buffer is shrunk by the payload bytes the app has not read, and grows back as
//! it reads (each read wakes the engine's end with EPOLLOUT): a window update then goes out.
//!
//! The kernel reports unread data on the engine's end only as memory (SIOCOUTQ, skb truesize,
//! about 1.5 KiB for a small record), so the engine notes each record's truesize and payload
//! when it writes it, and pops records off the front while the memory still queued is less than
//! what the noted records hold: the app reads records in order.

use super::engine::Engine;
use super::registry::Sid;
use super::sock::{Sock, Style};
use crate::assoc::AssocId;
use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// Some socket's window is shrunk by unread records (`Engine::unread` is not empty): a hint
/// that lets the read hooks skip the engine otherwise ([`super::inline::read`]).
static ANY_UNREAD: AtomicBool = AtomicBool::new(false);

pub fn any_unread() -> bool {
    ANY_UNREAD.load(Ordering::Relaxed)
}

/// Memory queued on a socket's send side (SIOCOUTQ; 0 when unknown).
pub fn outq(fd: impl AsFd) -> u32 {
    let mut queued: libc::c_int = 0;
    // SAFETY: SIOCOUTQ writes one int.
    let r = unsafe { libc::ioctl(fd.as_fd().as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
    if r < 0 {
        0
    } else {
        queued.max(0) as u32
    }
}

/// The memory the kernel charges a record of each length on an app fd (its skb's truesize,
/// which depends on the length only), learned with SIOCOUTQ around one write and reused: two
/// ioctls per record otherwise.
#[derive(Debug, Default)]
pub struct Truesizes(rustc_hash::FxHashMap<usize, u32>);

impl Truesizes {
    /// Lengths remembered at most (records of every length up to 64 KiB would be 65536).
    const MAX: usize = 256;

    /// The charge of a `len`-byte record, if known.
    pub fn get(&self, len: usize) -> Option<u32> {
        self.0.get(&len).copied()
    }

    /// A `len`-byte record of `payload` bytes made SIOCOUTQ go from `before` to `after`: its
    /// charge, when that tells it. Only from an empty queue: then the app cannot have read
    /// another record in between, and if it read this one, `after` is 0 and tells nothing.
    pub fn learn(&mut self, len: usize, payload: usize, before: u32, after: u32) -> Option<u32> {
        if before != 0 || after as usize <= payload {
            return None;
        }
        if self.0.len() >= Self::MAX {
            self.0.clear();
        }
        self.0.insert(len, after);
        Some(after)
    }
}

/// Records written to the app's socketpair and (maybe) not read yet: (truesize, payload).
#[derive(Debug, Default)]
pub struct AppQueue {
    recs: VecDeque<(u32, u32)>,
    mem: u64,
    payload: u64,
}

impl AppQueue {
    /// A record of `payload` bytes was written, charged `mem` bytes of the socket's memory
    /// (None when unknown: then the payload is assumed).
    pub fn wrote(&mut self, mem: Option<u32>, payload: usize) {
        let p = payload as u32;
        let mem = mem.unwrap_or(p).max(1);
        self.recs.push_back((mem, p));
        self.mem += u64::from(mem);
        self.payload += u64::from(p);
    }

    /// Every record written is known to have been read.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Payload bytes not read yet, given the memory still queued now.
    pub fn unread(&mut self, queued: u32) -> u32 {
        while self.mem > u64::from(queued) {
            let Some((m, p)) = self.recs.pop_front() else {
                break;
            };
            self.mem -= u64::from(m);
            self.payload -= u64::from(p);
        }
        if queued == 0 {
            self.recs.clear();
            self.mem = 0;
            self.payload = 0;
        }
        self.payload.min(u64::from(u32::MAX)) as u32
    }
}

impl Engine {
    /// Resize the receive buffers of socket `sid`'s associations to the socket's SO_RCVBUF
    /// minus the bytes the app has not read.
    pub fn sync_rwnd(&mut self, sid: Sid) {
        let Some(s) = self.socks.get_mut(&sid) else {
            return;
        };
        let Some(end) = &s.end else { return };
        // Nothing written is unread: no need to ask the kernel.
        let unread = if s.app_queue.is_empty() {
            0
        } else {
            s.app_queue.unread(outq(end))
        };
        let win = s.opts.rcvbuf.saturating_sub(unread);
        if unread > 0 {
            self.unread.insert(sid);
        } else {
            self.unread.remove(&sid);
        }
        ANY_UNREAD.store(!self.unread.is_empty(), Ordering::Relaxed);
        // Every packet and every delivery asks: with thousands of associations on a one-to-many
        // socket, walking them all each time made the engine O(n) per packet. The walk is
        // needed only when the window changed by a sixteenth of the buffer or came back whole
        // (a small notification unread costs no walk; [`Sock::added_assoc`] for new ones).
        let slack = s.opts.rcvbuf / 16;
        if s.rwnd_applied
            .is_some_and(|a| a == win || (win != s.opts.rcvbuf && a.abs_diff(win) < slack))
        {
            return;
        }
        s.rwnd_applied = Some(win);
        let ids: Vec<AssocId> = match s.style {
            Style::OneToOne => s.assoc.into_iter().collect(),
            Style::OneToMany => s.peers.iter().map(|&(_, a)| a).collect(),
        };
        for aid in ids {
            if let Some((ep, a)) = self.assoc_of(sid, aid) {
                if a.config().rcvbuf != win {
                    tracing::trace!(sid, aid, unread, win, "receive window");
                    a.set_rcvbuf(win);
                    self.mark(ep);
                }
            }
        }
    }

    /// A packet arrived for endpoint `ep`: what its apps have read since their windows were
    /// last computed reopens the windows first. An app reading wakes the engine only when the
    /// socketpair had filled (EPOLLOUT edge), so without this a window closed by unread
    /// records stayed closed and the peer's zero-window probes were dropped (RFC 9260 6.2).
    pub fn resync_rwnd(&mut self, ep: super::sock::EpId) {
        if self.unread.is_empty() {
            return;
        }
        let sids: Vec<Sid> = self
            .unread
            .iter()
            .copied()
            .filter(|sid| self.socks.get(sid).is_some_and(|s| s.ep == Some(ep)))
            .collect();
        for sid in sids {
            self.sync_rwnd(sid);
        }
    }
}

impl Sock {
    /// An association joined this socket with SO_RCVBUF as its window: when the others have a
    /// smaller one (unread records), the next [`Engine::sync_rwnd`] walks them all again.
    pub fn added_assoc(&mut self) {
        if self.rwnd_applied != Some(self.opts.rcvbuf) {
            self.rwnd_applied = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truesizes_are_learned_only_from_an_empty_queue() {
        let mut t = Truesizes::default();
        // Another record was queued: the app may have read it in between.
        assert_eq!(t.learn(96, 64, 768, 1536), None);
        // The app read this very record before the second look.
        assert_eq!(t.learn(96, 64, 0, 0), None);
        assert_eq!(t.get(96), None);
        assert_eq!(t.learn(96, 64, 0, 768), Some(768));
        assert_eq!(t.get(96), Some(768));
        assert_eq!(t.get(97), None);
    }

    #[test]
    fn an_unknown_charge_counts_the_payload() {
        let mut q = AppQueue::default();
        q.wrote(None, 100);
        q.wrote(Some(768), 64);
        // Both queued: 164 bytes unread; once the first is read only the second is.
        assert_eq!(q.unread(868), 164);
        assert_eq!(q.unread(768), 64);
        assert_eq!(q.unread(0), 0);
    }
}
