//! Ordered delivery within one inbound stream (RFC 9260 6.5, RFC 8260 2.2): complete messages
//! wait until every earlier SSN (DATA) or MID (I-DATA) of the stream has been delivered or
//! skipped by a FORWARD TSN.

use std::collections::{BTreeMap, VecDeque};

use crate::assoc::serial::{SeqSpace, UNWRAP_BASE};
use crate::assoc::Message;

/// Ordered-delivery state of one stream.
#[derive(Debug, Clone)]
pub(super) struct OrderedStream {
    /// Next SSN/MID to deliver, unwrapped.
    next: u64,
    /// Complete messages with a later SSN/MID, by unwrapped SSN/MID.
    waiting: BTreeMap<u64, Message>,
}

impl Default for OrderedStream {
    fn default() -> Self {
        OrderedStream {
            next: UNWRAP_BASE,
            waiting: BTreeMap::new(),
        }
    }
}

impl OrderedStream {
    /// The unwrapped form of SSN/MID `raw`, relative to the next expected one.
    pub(super) fn key(&self, space: SeqSpace, raw: u32) -> u64 {
        space.unwrap(self.next, raw)
    }

    /// Unwrapped SSN/MID expected next.
    pub(super) fn next(&self) -> u64 {
        self.next
    }

    /// Takes a complete ordered message: delivered into `ready` (with any waiting successors)
    /// if it is the next one, kept otherwise. Gives the message back if its SSN/MID was already
    /// delivered or skipped, or another message with it is waiting (a duplicate).
    pub(super) fn offer(
        &mut self,
        space: SeqSpace,
        msg: Message,
        ready: &mut VecDeque<Message>,
    ) -> Result<(), Message> {
        let key = self.key(space, msg.ssn);
        if key < self.next {
            return Err(msg);
        }
        if key == self.next {
            ready.push_back(msg);
            self.next += 1;
            self.drain(ready);
            return Ok(());
        }
        match self.waiting.entry(key) {
            std::collections::btree_map::Entry::Occupied(_) => Err(msg),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(msg);
                Ok(())
            }
        }
    }

    /// The message with the next SSN/MID was handed up outside `offer` (its last piece under
    /// partial delivery): the stream moves on, delivering the waiting successors.
    pub(super) fn advance(&mut self, ready: &mut VecDeque<Message>) {
        self.next += 1;
        self.drain(ready);
    }

    fn drain(&mut self, ready: &mut VecDeque<Message>) {
        while let Some(msg) = self.waiting.remove(&self.next) {
            ready.push_back(msg);
            self.next += 1;
        }
    }

    /// FORWARD TSN skipped every message up to SSN/MID `raw` (RFC 3758 3.6): the complete ones
    /// among them that were waiting are delivered now, in order, then delivery resumes after
    /// `raw`. Nothing happens if `raw` is already behind.
    pub(super) fn skip_through(
        &mut self,
        space: SeqSpace,
        raw: u32,
        ready: &mut VecDeque<Message>,
    ) {
        let key = self.key(space, raw);
        if key < self.next {
            return;
        }
        let later = self.waiting.split_off(&(key + 1));
        let skipped = std::mem::replace(&mut self.waiting, later);
        ready.extend(skipped.into_values());
        self.next = key + 1;
        self.drain(ready);
    }

    /// Payload bytes of the waiting messages (accounting checks in tests).
    #[cfg(test)]
    pub(super) fn held_bytes(&self) -> usize {
        self.waiting.values().map(|m| m.payload.len()).sum()
    }

    /// Stream reset (RFC 6525 5.2.2): the next expected SSN/MID becomes 0. Waiting messages
    /// (already of the new numbering) are re-keyed; those now due are delivered.
    pub(super) fn reset(&mut self, space: SeqSpace, ready: &mut VecDeque<Message>) {
        self.next = UNWRAP_BASE;
        let waiting = std::mem::take(&mut self.waiting);
        for (_, msg) in waiting {
            let key = self.key(space, msg.ssn);
            self.waiting.insert(key, msg);
        }
        self.drain(ready);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn msg(ssn: u32) -> Message {
        Message {
            stream_id: 0,
            ssn,
            ppid: 0,
            unordered: false,
            tsn: 0,
            cum_tsn: 0,
            from: IpAddr::V4(Ipv4Addr::LOCALHOST),
            payload: vec![ssn as u8],
            more: false,
        }
    }

    /// Moves a fresh 16-bit stream to expect `next` (in steps: a jump of half the space or
    /// more would look backwards).
    fn stream_at(next: u16) -> OrderedStream {
        let mut s = OrderedStream::default();
        let mut ready = VecDeque::new();
        for step in [next / 3, next / 3 * 2, next.wrapping_sub(1)] {
            s.skip_through(SeqSpace::Ssn16, u32::from(step), &mut ready);
        }
        assert_eq!(s.next() as u16, next);
        s
    }

    fn ssns(ready: &VecDeque<Message>) -> Vec<u32> {
        ready.iter().map(|m| m.ssn).collect()
    }

    #[test]
    fn delivers_in_ssn_order_across_wrap() {
        let mut s = stream_at(65533);
        let mut ready = VecDeque::new();
        // Half the space ahead counts as behind: ignored.
        s.skip_through(SeqSpace::Ssn16, 65533 - 32768, &mut ready);
        assert_eq!(s.next() as u16, 65533);
        for ssn in [1, 65534, 0, 65533, 65535] {
            s.offer(SeqSpace::Ssn16, msg(ssn), &mut ready).unwrap();
        }
        assert_eq!(ssns(&ready), vec![65533, 65534, 65535, 0, 1]);
        // Old SSN and duplicate are refused.
        assert!(s.offer(SeqSpace::Ssn16, msg(65535), &mut ready).is_err());
        s.offer(SeqSpace::Ssn16, msg(5), &mut ready).unwrap();
        assert!(s.offer(SeqSpace::Ssn16, msg(5), &mut ready).is_err());
    }

    #[test]
    fn skip_delivers_waiting_then_resumes() {
        let mut s = OrderedStream::default();
        let mut ready = VecDeque::new();
        for mid in [2, 4, 5, 7] {
            s.offer(SeqSpace::Mid32, msg(mid), &mut ready).unwrap();
        }
        assert!(ready.is_empty());
        s.skip_through(SeqSpace::Mid32, 3, &mut ready);
        assert_eq!(ssns(&ready), vec![2, 4, 5]);
        s.skip_through(SeqSpace::Mid32, 1, &mut ready);
        assert_eq!(s.next(), UNWRAP_BASE + 6);
    }

    #[test]
    fn reset_restarts_at_zero() {
        let mut s = stream_at(65530);
        let mut ready = VecDeque::new();
        // Messages numbered after the reset arrived first: they look "ahead" and wait.
        s.offer(SeqSpace::Ssn16, msg(1), &mut ready).unwrap();
        s.offer(SeqSpace::Ssn16, msg(0), &mut ready).unwrap();
        assert!(ready.is_empty());
        s.reset(SeqSpace::Ssn16, &mut ready);
        assert_eq!(ssns(&ready), vec![0, 1]);
        assert_eq!(s.next(), UNWRAP_BASE + 2);
    }
}
