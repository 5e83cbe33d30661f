//! Our allocator: the system's malloc, with freed blocks of 32 KiB to 1 MiB kept for reuse.
//!
//! Why: a bulk transfer allocates and frees a block of that size per message (the app's
//! message copied in, its fragments, the reassembled message on the other side). glibc's
//! `free` of a chunk of 64 KiB or more consolidates its arena and gives the arena's top back
//! to the kernel (brk, or MADV_DONTNEED in a thread's arena), so the next block of the same
//! size page-faults all over again: 27,000 page faults a second and ~10% of both CPUs in a
//! loopback iperf3 --sctp run. Keeping a few freed blocks per size avoids the round trip
//! through the kernel without changing anything for the host program's own allocations (the
//! malloc tunables would have: they are per process).
//!
//! Rules: sizes are rounded up to a class (a quarter of a power of two, so at most 25% more)
//! only in this range and for the default alignment; only a class allocated `WARM` times
//! keeps blocks, at most `SLOTS`, and the cache `MAX_CACHED` bytes in all (what a process
//! may keep after a transfer ends). The cache's lock is only ever tried: a thread
//! that finds it held (another thread, a signal handler on this one) goes to malloc/free
//! directly, so nothing here can block or deadlock. A fork child whose parent held it at the
//! fork never uses the cache (its state may be half-written), which costs it nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// Smallest cached size: half of glibc's FASTBIN_CONSOLIDATION_THRESHOLD (a free of 64 KiB
/// or more consolidates and trims the arena), so that fragments just under 64 KiB (a
/// loopback packet's) are kept too: they land on the pages a trim gave back.
const MIN: usize = 32 << 10;
/// Largest cached size.
const MAX: usize = 1 << 20;
/// Classes from MIN to MAX: four per power of two.
const CLASSES: usize = 21;
/// Blocks kept per class.
const SLOTS: usize = 16;
/// Bytes kept in all.
const MAX_CACHED: usize = 4 << 20;
/// Allocations a class must have seen before its freed blocks are kept: sizes that recur (a
/// transfer's messages) are kept, one-off ones (a hash table's old buckets after it grew:
/// 10,000 associations' tables) go back to malloc at once.
const WARM: u32 = 64;
/// What the system allocator guarantees without asking (64-bit glibc malloc).
const MALLOC_ALIGN: usize = 16;

/// The size class of `size` (MIN..=MAX): its index and rounded size.
fn class(size: usize) -> Option<(usize, usize)> {
    if !(MIN..=MAX).contains(&size) {
        return None;
    }
    // Power of two at or below size, in quarter steps: 32K, 40K, 48K, 56K, 64K, 80K...
    let log = usize::BITS - 1 - size.leading_zeros();
    let step = 1usize << (log - 2);
    let rounded = size.div_ceil(step) * step;
    let base = MIN.trailing_zeros() as usize;
    let index = (log as usize - base) * 4 + (rounded >> (log - 2)) - 4;
    Some((index, rounded))
}

struct Cache {
    blocks: [[*mut u8; SLOTS]; CLASSES],
    counts: [usize; CLASSES],
    /// Allocations seen per class (up to [`WARM`]).
    allocs: [u32; CLASSES],
    bytes: usize,
}

pub struct BigBlocks {
    locked: AtomicBool,
    cache: UnsafeCell<Cache>,
}

// SAFETY: the cache is only touched with `locked` held.
unsafe impl Sync for BigBlocks {}

impl BigBlocks {
    pub const fn new() -> BigBlocks {
        BigBlocks {
            locked: AtomicBool::new(false),
            cache: UnsafeCell::new(Cache {
                blocks: [[std::ptr::null_mut(); SLOTS]; CLASSES],
                counts: [0; CLASSES],
                allocs: [0; CLASSES],
                bytes: 0,
            }),
        }
    }

    /// `f` on the cache if its lock is free now.
    fn try_with<R>(&self, f: impl FnOnce(&mut Cache) -> R) -> Option<R> {
        if self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return None;
        }
        // SAFETY: the lock is ours.
        let r = f(unsafe { &mut *self.cache.get() });
        self.locked.store(false, Ordering::Release);
        Some(r)
    }
}

impl Default for BigBlocks {
    fn default() -> Self {
        Self::new()
    }
}

/// The cached class of an allocation of `layout`, if it is one.
fn cached_class(layout: Layout) -> Option<(usize, usize)> {
    if layout.align() > MALLOC_ALIGN {
        return None;
    }
    class(layout.size())
}

// SAFETY: every block comes from System (malloc) with at least the layout's size and
// alignment, and goes back to it or to the cache, from which it is handed out once.
unsafe impl GlobalAlloc for BigBlocks {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((i, rounded)) = cached_class(layout) else {
            return System.alloc(layout);
        };
        let reused = self.try_with(|c| {
            c.allocs[i] = (c.allocs[i] + 1).min(WARM);
            if c.counts[i] == 0 {
                return None;
            }
            c.counts[i] -= 1;
            c.bytes -= rounded;
            Some(c.blocks[i][c.counts[i]])
        });
        match reused.flatten() {
            Some(p) => p,
            None => System.alloc(Layout::from_size_align_unchecked(rounded, layout.align())),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some((i, rounded)) = cached_class(layout) else {
            return System.dealloc(ptr, layout);
        };
        let kept = self.try_with(|c| {
            if c.allocs[i] < WARM || c.counts[i] == SLOTS || c.bytes + rounded > MAX_CACHED {
                return false;
            }
            c.blocks[i][c.counts[i]] = ptr;
            c.counts[i] += 1;
            c.bytes += rounded;
            true
        });
        if kept != Some(true) {
            System.dealloc(
                ptr,
                Layout::from_size_align_unchecked(rounded, layout.align()),
            );
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if cached_class(layout).is_none() {
            return System.alloc_zeroed(layout);
        }
        let p = self.alloc(layout);
        if !p.is_null() {
            p.write_bytes(0, layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        match (cached_class(layout), cached_class(new)) {
            (None, None) => System.realloc(ptr, layout, new_size),
            // The block it has is that class's size already.
            (Some((a, _)), Some((b, _))) if a == b => ptr,
            _ => self.move_to(ptr, layout, new),
        }
    }
}

impl BigBlocks {
    /// A new block for `new`, the old one's contents copied, the old one freed.
    unsafe fn move_to(&self, ptr: *mut u8, old: Layout, new: Layout) -> *mut u8 {
        let p = self.alloc(new);
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(ptr, p, old.size().min(new.size()));
            self.dealloc(ptr, old);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_quarter_powers_of_two() {
        assert_eq!(class(MIN - 1), None);
        assert_eq!(class(MIN), Some((0, 32 << 10)));
        assert_eq!(class(MIN + 1), Some((1, 40 << 10)));
        assert_eq!(class(64 << 10), Some((4, 64 << 10)));
        assert_eq!(class((64 << 10) + 1), Some((5, 80 << 10)));
        assert_eq!(class((112 << 10) + 5), Some((8, 128 << 10)));
        assert_eq!(class(128 << 10), Some((8, 128 << 10)));
        assert_eq!(class(MAX), Some((CLASSES - 1, MAX)));
        assert_eq!(class(MAX + 1), None);
        // Every size maps into a class no smaller than itself and at most 25% bigger.
        for size in (MIN..=MAX).step_by(4093) {
            let (i, r) = class(size).unwrap();
            assert!(
                i < CLASSES && r >= size && r <= size + size / 4,
                "{size} -> {i} {r}"
            );
        }
    }

    #[test]
    fn a_freed_block_is_reused_and_the_cache_is_bounded() {
        let a = BigBlocks::new();
        let layout = Layout::from_size_align(70_000, 1).unwrap();
        unsafe {
            // A cold class keeps nothing.
            let p = a.alloc(layout);
            a.dealloc(p, layout);
            assert_eq!((*a.cache.get()).counts[5], 0);
            for _ in 1..WARM {
                a.dealloc(a.alloc(layout), layout);
            }
            let p = a.alloc(layout);
            p.write_bytes(7, layout.size());
            a.dealloc(p, layout);
            // Same class (80 KiB): the same block back.
            let q = a.alloc(Layout::from_size_align(81_000, 8).unwrap());
            assert_eq!(p, q);
            a.dealloc(q, Layout::from_size_align(81_000, 8).unwrap());
            // Growing within the class keeps the block; beyond it moves and keeps the bytes.
            let r = a.alloc(layout);
            r.write_bytes(9, layout.size());
            assert_eq!(a.realloc(r, layout, 80 << 10), r);
            let grown = Layout::from_size_align(80 << 10, 1).unwrap();
            let s = a.realloc(r, grown, 200_000);
            assert_eq!(*s.add(70_000 - 1), 9);
            a.dealloc(s, Layout::from_size_align(200_000, 1).unwrap());
            // More frees than slots: the rest goes back to malloc.
            let many: Vec<*mut u8> = (0..SLOTS + 4).map(|_| a.alloc(layout)).collect();
            for p in many {
                a.dealloc(p, layout);
            }
            let c = &mut *a.cache.get();
            assert_eq!(c.counts[5], SLOTS);
            assert!(c.bytes <= MAX_CACHED);
            for p in &c.blocks[5] {
                System.dealloc(*p, Layout::from_size_align(80 << 10, 1).unwrap());
            }
        }
    }

    #[test]
    fn threads_sharing_the_cache_never_share_a_block() {
        static SHARED: BigBlocks = BigBlocks::new();
        let workers: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(t);
                    let mut held: Vec<(*mut u8, Layout, u8)> = Vec::new();
                    for i in 0..20_000u32 {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        // Few sizes, so that classes warm up and blocks go round.
                        let size = [40_000, 65_480, 65_536, 200_000][(rng % 4) as usize];
                        let layout = Layout::from_size_align(size, 8).unwrap();
                        let mark = (i as u8) ^ t;
                        // SAFETY: blocks are written within their layout and freed once.
                        unsafe {
                            let p = SHARED.alloc(layout);
                            assert!(!p.is_null());
                            p.write_bytes(mark, size);
                            held.push((p, layout, mark));
                            if held.len() > 8 || rng & 1 == 0 {
                                let (q, l, m) = held.swap_remove((rng as usize >> 8) % held.len());
                                // Nobody else wrote into it while it was ours.
                                assert!(
                                    *q == m
                                        && *q.add(l.size() / 2) == m
                                        && *q.add(l.size() - 1) == m
                                );
                                SHARED.dealloc(q, l);
                            }
                        }
                    }
                    for (q, l, m) in held {
                        // SAFETY: as above.
                        unsafe {
                            assert!(*q == m && *q.add(l.size() - 1) == m);
                            SHARED.dealloc(q, l);
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        // SAFETY: the workers are done.
        let c = unsafe { &*SHARED.cache.get() };
        assert!(c.bytes <= MAX_CACHED && c.counts.iter().all(|&n| n <= SLOTS));
        // The blocks went round through the cache (its classes warmed up).
        assert!(c.counts.iter().sum::<usize>() > 0);
    }
}
