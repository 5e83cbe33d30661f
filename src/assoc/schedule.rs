//! Which associations of an endpoint need attention: the endpoint's polls then cost what the
//! busy associations cost, not what all of them do (10,000 idle associations on one
//! one-to-many socket would otherwise be scanned for every packet, event and timer).
//!
//! - Associations touched by an input (packet, timer, user command) wait in two ready queues,
//!   one polled for packets and one for events, until they have nothing more to give.
//! - Each association's next deadline sits in a min-heap (DESIGN: timers in a heap). Entries
//!   are not removed when a deadline moves: an entry is current only while it equals the
//!   deadline recorded for its association, and stale ones are dropped when they reach the top.
//!
//! An association's deadline is recorded when it leaves the transmit queue (its output is
//! drained, so its timers are settled); until then the endpoint asks it directly.

use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

use super::AssocId;

/// A FIFO of distinct association ids.
#[derive(Debug, Default)]
pub(crate) struct ReadyQueue {
    queue: VecDeque<AssocId>,
    members: FxHashSet<AssocId>,
}

impl ReadyQueue {
    pub fn push(&mut self, id: AssocId) {
        if self.members.insert(id) {
            self.queue.push_back(id);
        }
    }

    pub fn front(&self) -> Option<AssocId> {
        self.queue.front().copied()
    }

    /// Drops the front id (it has nothing more to give).
    pub fn pop(&mut self) {
        if let Some(id) = self.queue.pop_front() {
            self.members.remove(&id);
        }
    }

    /// Moves the front id to the back (round robin between busy associations).
    pub fn rotate(&mut self) {
        if let Some(id) = self.queue.pop_front() {
            self.queue.push_back(id);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = AssocId> + '_ {
        self.queue.iter().copied()
    }

    /// Forgets `id` (removed association); its queue slot is skipped when reached.
    fn forget(&mut self, id: AssocId) {
        if self.members.remove(&id) {
            self.queue.retain(|x| *x != id);
        }
    }
}

/// The ready queues and the timer heap of one endpoint.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    /// Polled for packets.
    pub transmit: ReadyQueue,
    /// Polled for events.
    pub events: ReadyQueue,
    heap: BinaryHeap<Reverse<(Instant, AssocId)>>,
    /// The deadline each association's current heap entry holds.
    armed: FxHashMap<AssocId, Instant>,
}

impl Schedule {
    /// Association `id` had an input: poll it for packets and events.
    pub fn touch(&mut self, id: AssocId) {
        self.transmit.push(id);
        self.events.push(id);
    }

    /// Records `id`'s next deadline (its output is drained).
    pub fn arm(&mut self, id: AssocId, deadline: Option<Instant>) {
        match deadline {
            None => {
                self.armed.remove(&id);
            }
            Some(t) => {
                if self.armed.insert(id, t) != Some(t) {
                    self.heap.push(Reverse((t, id)));
                }
            }
        }
        self.drop_stale();
    }

    /// The earliest recorded deadline (associations still in the transmit queue are not
    /// covered: ask them).
    pub fn earliest(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((t, _))| *t)
    }

    /// Removes and returns the associations whose recorded deadline is at or before `now`.
    pub fn take_due(&mut self, now: Instant, out: &mut Vec<AssocId>) {
        while let Some(&Reverse((t, id))) = self.heap.peek() {
            if t > now {
                break;
            }
            self.heap.pop();
            if self.armed.get(&id) == Some(&t) {
                self.armed.remove(&id);
                out.push(id);
            }
        }
        self.drop_stale();
    }

    pub fn forget(&mut self, id: AssocId) {
        self.transmit.forget(id);
        self.events.forget(id);
        self.armed.remove(&id);
        self.drop_stale();
    }

    /// Pops stale entries off the top, so that `earliest` is a current deadline; rebuilds the
    /// heap when stale entries dominate it.
    fn drop_stale(&mut self) {
        while let Some(&Reverse((t, id))) = self.heap.peek() {
            if self.armed.get(&id) == Some(&t) {
                break;
            }
            self.heap.pop();
        }
        if self.heap.len() > 4 * self.armed.len() + 64 {
            self.heap = self
                .armed
                .iter()
                .map(|(&id, &t)| Reverse((t, id)))
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ready_queue_keeps_ids_distinct_and_rotates() {
        let mut q = ReadyQueue::default();
        q.push(1);
        q.push(2);
        q.push(1);
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![1, 2]);
        q.rotate();
        assert_eq!(q.front(), Some(2));
        q.pop();
        assert_eq!(q.front(), Some(1));
        q.push(2);
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![1, 2]);
        q.forget(1);
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn moved_deadlines_leave_no_stale_top() {
        let t0 = Instant::now();
        let s = |ms| t0 + Duration::from_millis(ms);
        let mut sch = Schedule::default();
        sch.arm(1, Some(s(100)));
        sch.arm(2, Some(s(300)));
        assert_eq!(sch.earliest(), Some(s(100)));
        // Association 1's timer restarted later: its old entry must not wake anyone.
        sch.arm(1, Some(s(500)));
        assert_eq!(sch.earliest(), Some(s(300)));
        sch.arm(2, None);
        assert_eq!(sch.earliest(), Some(s(500)));
        let mut due = Vec::new();
        sch.take_due(s(400), &mut due);
        assert!(due.is_empty());
        sch.take_due(s(500), &mut due);
        assert_eq!(due, vec![1]);
        assert_eq!(sch.earliest(), None);
    }

    #[test]
    fn heap_stays_bounded_under_constant_restarts() {
        let t0 = Instant::now();
        let mut sch = Schedule::default();
        sch.arm(7, Some(t0 + Duration::from_secs(10)));
        for k in 0..10_000u64 {
            // Two associations, restarted over and over (T3-rtx under bulk data).
            sch.arm(1, Some(t0 + Duration::from_micros(1_000_000 + k)));
            sch.arm(2, Some(t0 + Duration::from_micros(2_000_000 - k)));
        }
        assert!(
            sch.heap.len() <= 4 * 3 + 64,
            "heap grew to {}",
            sch.heap.len()
        );
        let mut due = Vec::new();
        sch.take_due(t0 + Duration::from_secs(3), &mut due);
        due.sort();
        assert_eq!(due, vec![1, 2]);
    }
}
