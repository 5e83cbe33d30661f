//! Fragments of DATA chunks (RFC 9260 6.9): the fragments of one message carry consecutive
//! TSNs, B on the first and E on the last, so all fragments of every stream are kept in one
//! TSN-keyed store. A message is complete when a run of present TSNs spans from its B to its
//! E with no other B or E in between; the run, B and E sets make that check O(log n).
//!
//! Partial delivery ([`super::partial_delivery`]) takes a message's leading fragments out
//! from its B on: with its B gone, the rest of the message never completes here and is
//! taken piece by piece with [`TsnFragments::take_from`].

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::partial_delivery::{Lead, MsgId, Taken};
use super::range_set::RangeSet;
use super::reassembly::{concat, Discarded};
use crate::assoc::serial::{unwrap_tsn, UNWRAP_BASE};
use crate::assoc::Message;
use crate::wire::chunk::DataChunk;

/// One held fragment (B and E are kept in the sets of the store).
#[derive(Debug, Clone)]
struct Piece {
    tsn: u32,
    id: MsgId,
    ppid: u32,
    payload: Vec<u8>,
}

/// The TSN-keyed fragment store of a DATA (non-interleaved) association.
#[derive(Debug, Clone, Default)]
pub(super) struct TsnFragments {
    /// Held fragments by unwrapped TSN.
    pieces: BTreeMap<u64, Piece>,
    /// Runs of consecutive TSNs present in `pieces`.
    present: RangeSet,
    begins: BTreeSet<u64>,
    ends: BTreeSet<u64>,
    /// Highest unwrapped TSN seen (DATA chunks and FORWARD TSNs); `None` before the first.
    reference: Option<u64>,
}

impl TsnFragments {
    /// Unwraps `tsn` near the highest TSN seen so far, and moves that reference forward.
    /// Every DATA chunk of the association passes here, so the reference never lags by more
    /// than the peer's window.
    pub(super) fn note_tsn(&mut self, tsn: u32) -> u64 {
        let t = match self.reference {
            None => UNWRAP_BASE + u64::from(tsn),
            Some(r) => unwrap_tsn(r, tsn),
        };
        self.reference = Some(self.reference.map_or(t, |r| r.max(t)));
        t
    }

    /// Stores a fragment (not a B+E chunk) and returns its message if that is now complete.
    /// A fragment whose TSN is already held, or whose completed run mixes messages (B/E flags
    /// inconsistent with the streams/SSNs), is discarded with everything it completed.
    pub(super) fn add(
        &mut self,
        chunk: &DataChunk<'_>,
        from: IpAddr,
    ) -> Result<Option<Message>, Discarded> {
        let t = self.note_tsn(chunk.tsn);
        if self.pieces.contains_key(&t) {
            return Err(Discarded {
                freed: chunk.payload.len(),
            });
        }
        self.pieces.insert(
            t,
            Piece {
                tsn: chunk.tsn,
                id: MsgId::of(chunk),
                ppid: chunk.ppid,
                payload: chunk.payload.to_vec(),
            },
        );
        self.present.insert(t);
        if chunk.begin {
            self.begins.insert(t);
        }
        if chunk.end {
            self.ends.insert(t);
        }
        match self.complete_span(t) {
            Some((b, e)) => self.take_message(b, e, from).map(Some),
            None => Ok(None),
        }
    }

    /// The `[B, E]` span of a complete message containing `t`, if there is one.
    fn complete_span(&self, t: u64) -> Option<(u64, u64)> {
        let (run_start, run_end) = self.present.range_containing(t)?;
        let b = *self.begins.range(run_start..=t).next_back()?;
        let e = *self.ends.range(t..=run_end).next()?;
        let e_before_t = self.ends.range(b..t).next().is_some();
        let b_after_t = e > t && self.begins.range(t + 1..=e).next().is_some();
        (!e_before_t && !b_after_t).then_some((b, e))
    }

    /// Removes the fragments `b..=e` and assembles them, if they all belong to one message.
    fn take_message(&mut self, b: u64, e: u64, from: IpAddr) -> Result<Message, Discarded> {
        self.present.remove_span(b, e);
        self.begins.remove(&b);
        self.ends.remove(&e);
        let mut pieces = Vec::with_capacity((e - b + 1) as usize);
        for t in b..=e {
            if let Some(p) = self.pieces.remove(&t) {
                pieces.push(p);
            }
        }
        let total: usize = pieces.iter().map(|p| p.payload.len()).sum();
        let first = match pieces.first() {
            Some(first) if pieces.iter().all(|p| p.id.same_message(&first.id)) => first,
            _ => return Err(Discarded { freed: total }),
        };
        let (id, ppid, tsn) = (first.id, first.ppid, first.tsn);
        Ok(Message {
            stream_id: id.stream_id,
            ssn: id.ssn,
            ppid,
            unordered: id.unordered,
            tsn,
            cum_tsn: 0,
            from,
            payload: concat(total, pieces.into_iter().map(|p| p.payload)),
            more: false,
        })
    }

    /// The B fragment (unwrapped TSN) of the message fragment `tsn` belongs to, when every
    /// fragment from that B through `tsn` is here.
    pub(super) fn begin_before(&self, tsn: u32) -> Option<u64> {
        let t = unwrap_tsn(self.reference?, tsn);
        let (start, _) = self.present.range_containing(t)?;
        self.begins.range(start..=t).next_back().copied()
    }

    /// Whether the fragment with unwrapped TSN `t` is here.
    pub(super) fn holds(&self, t: u64) -> bool {
        self.pieces.contains_key(&t)
    }

    /// Held B fragments (unwrapped TSNs), lowest first.
    pub(super) fn begins(&self) -> impl Iterator<Item = u64> + '_ {
        self.begins.iter().copied()
    }

    /// The message whose B fragment is at `b`, and how many of its leading bytes are here in
    /// sequence (counted up to `limit`).
    pub(super) fn lead(&self, b: u64, limit: usize) -> Option<Lead> {
        let first = self.pieces.get(&b).filter(|_| self.begins.contains(&b))?;
        let mut bytes = 0;
        for (expected, (&t, p)) in (b..).zip(self.pieces.range(b..)) {
            let own = t == b || (!self.begins.contains(&t) && p.id.same_message(&first.id));
            if t != expected || !own || bytes >= limit {
                break;
            }
            bytes += p.payload.len();
            if self.ends.contains(&t) {
                break;
            }
        }
        Some(Lead {
            id: first.id,
            ppid: first.ppid,
            bytes,
        })
    }

    /// Partial delivery starts with the message whose B fragment is at `b`: from now on it
    /// only leaves the store through `take_from`.
    pub(super) fn claim(&mut self, b: u64) {
        self.begins.remove(&b);
    }

    /// Partial delivery: takes the fragments of message `id` that are here in sequence from
    /// `t` on (a B only at `t`), through its E if that is among them.
    pub(super) fn take_from(&mut self, t: u64, id: &MsgId) -> Option<Taken> {
        let mut next = t;
        let mut parts = Vec::new();
        let mut ended = false;
        while let Some(p) = self.pieces.get(&next) {
            if !p.id.same_message(id) || (next != t && self.begins.contains(&next)) {
                break;
            }
            let Some(p) = self.pieces.remove(&next) else {
                break;
            };
            parts.push(p);
            ended = self.ends.remove(&next);
            next += 1;
            if ended {
                break;
            }
        }
        let first = parts.first()?;
        let (tsn, ppid) = (first.tsn, first.ppid);
        self.present.remove_span(t, next - 1);
        self.begins.remove(&t);
        let total = parts.iter().map(|p| p.payload.len()).sum();
        Some(Taken {
            payload: concat(total, parts.into_iter().map(|p| p.payload)),
            tsn,
            ppid,
            next,
            ended,
        })
    }

    /// FORWARD TSN (RFC 3758 3.6): drops every fragment with a TSN at or below `tsn`.
    /// Returns the payload bytes freed.
    pub(super) fn drop_through(&mut self, tsn: u32) -> usize {
        let t = self.note_tsn(tsn);
        let keep = self.pieces.split_off(&(t + 1));
        let dropped = std::mem::replace(&mut self.pieces, keep);
        self.present.remove_through(t);
        self.begins = self.begins.split_off(&(t + 1));
        self.ends = self.ends.split_off(&(t + 1));
        dropped.values().map(|p| p.payload.len()).sum()
    }

    /// Payload bytes held (accounting checks in tests).
    #[cfg(test)]
    pub(super) fn held_bytes(&self) -> usize {
        self.pieces.values().map(|p| p.payload.len()).sum()
    }

    /// Number of held fragments.
    pub(super) fn len(&self) -> usize {
        self.pieces.len()
    }
}
