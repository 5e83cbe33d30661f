//! A set of unwrapped sequence numbers stored as disjoint, non-adjacent inclusive ranges:
//! the received-TSN map behind SACK gap blocks (RFC 9260 3.3.4) and the fragment runs of the
//! reassembly queue. Every operation is O(log n) in the number of ranges (plus what it removes).

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone)]
pub(super) struct RangeSet {
    /// start -> end (inclusive); no two ranges touch or overlap.
    ranges: BTreeMap<u64, u64>,
}

impl RangeSet {
    pub(super) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds `x`; false if it was already present.
    pub(super) fn insert(&mut self, x: u64) -> bool {
        let mut start = x;
        let mut end = x;
        if let Some((&s, &e)) = self.ranges.range(..=x).next_back() {
            if e >= x {
                return false;
            }
            if e + 1 == x {
                start = s;
            }
        }
        if let Some((&s, &e)) = self.ranges.range(x + 1..).next() {
            if s == x + 1 {
                self.ranges.remove(&s);
                end = e;
            }
        }
        self.ranges.insert(start, end);
        true
    }

    /// The range holding `x`, if any.
    pub(super) fn range_containing(&self, x: u64) -> Option<(u64, u64)> {
        match self.ranges.range(..=x).next_back() {
            Some((&s, &e)) if e >= x => Some((s, e)),
            _ => None,
        }
    }

    /// Removes `[a, b]`, which must lie inside one range (checked: otherwise nothing happens).
    pub(super) fn remove_span(&mut self, a: u64, b: u64) {
        let Some((s, e)) = self.range_containing(a) else {
            return;
        };
        if b > e || b < a {
            debug_assert!(false, "span [{a}, {b}] not inside one range");
            return;
        }
        self.ranges.remove(&s);
        if s < a {
            self.ranges.insert(s, a - 1);
        }
        if e > b {
            self.ranges.insert(b + 1, e);
        }
    }

    /// Removes every value `<= x`.
    pub(super) fn remove_through(&mut self, x: u64) {
        let keep = self.ranges.split_off(&(x + 1));
        let below = std::mem::replace(&mut self.ranges, keep);
        if let Some((_, &e)) = below.last_key_value() {
            if e > x {
                self.ranges.insert(x + 1, e);
            }
        }
    }

    /// Removes and returns the lowest range if it starts at `start`.
    pub(super) fn pop_first_if_starts_at(&mut self, start: u64) -> Option<u64> {
        let entry = self.ranges.first_entry()?;
        if *entry.key() != start {
            return None;
        }
        Some(entry.remove())
    }

    /// The ranges in ascending order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges.iter().map(|(&s, &e)| (s, e))
    }

    pub(super) fn len(&self) -> usize {
        self.ranges.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(s: &RangeSet) -> Vec<(u64, u64)> {
        s.iter().collect()
    }

    #[test]
    fn insert_merges_neighbours() {
        let mut s = RangeSet::default();
        assert!(s.insert(5));
        assert!(s.insert(7));
        assert!(!s.insert(7));
        assert_eq!(ranges(&s), vec![(5, 5), (7, 7)]);
        assert!(s.insert(6));
        assert_eq!(ranges(&s), vec![(5, 7)]);
        assert!(s.insert(4) && s.insert(8));
        assert_eq!(ranges(&s), vec![(4, 8)]);
        assert_eq!(s.range_containing(6), Some((4, 8)));
        assert_eq!(s.range_containing(9), None);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn remove_span_splits() {
        let mut s = RangeSet::default();
        for x in 10..=20 {
            s.insert(x);
        }
        s.remove_span(13, 15);
        assert_eq!(ranges(&s), vec![(10, 12), (16, 20)]);
        s.remove_span(10, 12);
        assert_eq!(ranges(&s), vec![(16, 20)]);
        s.remove_span(18, 20);
        assert_eq!(ranges(&s), vec![(16, 17)]);
    }

    #[test]
    fn remove_through_trims() {
        let mut s = RangeSet::default();
        for x in [1, 2, 3, 6, 7, 10] {
            s.insert(x);
        }
        s.remove_through(6);
        assert_eq!(ranges(&s), vec![(7, 7), (10, 10)]);
        assert_eq!(s.pop_first_if_starts_at(8), None);
        assert_eq!(s.pop_first_if_starts_at(7), Some(7));
        s.remove_through(100);
        assert!(s.is_empty());
    }
}
