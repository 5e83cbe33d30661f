//! Lock-free fd bitmaps: which fd numbers are (probably) SCTP app fds, and which are ours.
//!
//! The SCTP map is a hint for the data-path hooks: it is set when we hand out an app fd (socket,
//! accept, dup of one) and cleared by the close/dup2/dup3/close_range hooks, so a foreign fd costs
//! one atomic load. Control calls confirm a hit by the open file's (st_dev, st_ino) in
//! [`super::registry`]. The internal map protects the engine's fds from the application's close,
//! dup2, dup3 and close_range.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// fds below this are tracked exactly; above it every fd is "maybe" once SCTP is in use.
const TRACKED: usize = 1 << 16;

pub struct FdMap {
    bits: [AtomicU64; TRACKED / 64],
}

impl FdMap {
    const fn new() -> FdMap {
        FdMap {
            bits: [const { AtomicU64::new(0) }; TRACKED / 64],
        }
    }

    #[inline]
    pub fn contains(&self, fd: i32) -> bool {
        match usize::try_from(fd) {
            Ok(i) if i < TRACKED => {
                self.bits[i / 64].load(Ordering::Relaxed) & (1 << (i % 64)) != 0
            }
            Ok(_) => ANY_SCTP.load(Ordering::Relaxed),
            Err(_) => false,
        }
    }

    pub fn set(&self, fd: i32, on: bool) {
        if let Ok(i) = usize::try_from(fd) {
            if i < TRACKED {
                let bit = 1u64 << (i % 64);
                if on {
                    self.bits[i / 64].fetch_or(bit, Ordering::Relaxed);
                } else {
                    self.bits[i / 64].fetch_and(!bit, Ordering::Relaxed);
                }
            }
        }
    }

    /// Call `f` for every fd in the map.
    pub fn for_each(&self, mut f: impl FnMut(i32)) {
        for (w, word) in self.bits.iter().enumerate() {
            let mut b = word.load(Ordering::Relaxed);
            while b != 0 {
                let i = b.trailing_zeros() as usize;
                b &= b - 1;
                f((w * 64 + i) as i32);
            }
        }
    }

    /// Clear every fd in `first..=last` (close_range).
    pub fn clear_range(&self, first: u32, last: u32) {
        let last = (last as usize).min(TRACKED - 1);
        for i in first as usize..=last {
            if self.bits[i / 64].load(Ordering::Relaxed) != 0 {
                self.set(i as i32, false);
            }
        }
    }
}

/// Set once the process has made an SCTP socket: before that every hook is a pass-through.
pub static ANY_SCTP: AtomicBool = AtomicBool::new(false);

/// Probable SCTP app fds.
pub static SCTP_FDS: FdMap = FdMap::new();

/// The engine's own fds (UDP sockets, epoll, eventfd, timerfd, stack ends, log fd).
pub static INTERNAL_FDS: FdMap = FdMap::new();

/// Is `fd` probably an SCTP app fd? One relaxed load when SCTP was never used.
#[inline]
pub fn is_sctp(fd: i32) -> bool {
    ANY_SCTP.load(Ordering::Relaxed) && SCTP_FDS.contains(fd)
}

/// Is `fd` one of the engine's fds that the application must not close or replace?
#[inline]
pub fn is_internal(fd: i32) -> bool {
    ANY_SCTP.load(Ordering::Relaxed) && INTERNAL_FDS.contains(fd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_clear_and_ranges() {
        let m = FdMap::new();
        assert!(!m.contains(5));
        m.set(5, true);
        m.set(64, true);
        m.set(65535, true);
        assert!(m.contains(5) && m.contains(64) && m.contains(65535));
        assert!(!m.contains(6) && !m.contains(-1));
        m.clear_range(6, 100);
        assert!(m.contains(5) && !m.contains(64));
        m.set(5, false);
        assert!(!m.contains(5));
        let mut seen = Vec::new();
        m.for_each(|fd| seen.push(fd));
        assert_eq!(seen, vec![65535]);
        m.clear_range(0, u32::MAX);
        assert!(!m.contains(65535));
    }
}
