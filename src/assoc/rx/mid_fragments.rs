//! Fragments of I-DATA chunks (RFC 8260 2.1, 2.2): a message is identified by its stream, its
//! U flag and its MID, and its fragments by FSN (0 for the B fragment, which carries the
//! PPID). Fragments of different messages of one stream may interleave in TSN order, so each
//! stream keeps its partial messages by MID, ordered and unordered apart.
//!
//! Partial delivery ([`super::partial_delivery`]) takes a message's leading fragments (FSN 0
//! upward) out of its `Partial`, which then stays, marked, until its E fragment is taken.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::partial_delivery::{Lead, MsgId, Taken};
use super::reassembly::{concat, Discarded};
use crate::assoc::serial::{SeqSpace, UNWRAP_BASE};
use crate::assoc::Message;
use crate::wire::chunk::DataChunk;

#[derive(Debug, Clone)]
struct Piece {
    tsn: u32,
    ppid: u32,
    payload: Vec<u8>,
}

/// One message being reassembled.
#[derive(Debug, Clone, Default)]
struct Partial {
    pieces: BTreeMap<u32, Piece>,
    /// FSN of the E fragment, once seen.
    end_fsn: Option<u32>,
    bytes: usize,
    /// The MID as sent.
    mid: u32,
    /// Partial delivery: the fragments below this FSN were handed up already.
    next_fsn: u32,
    in_pd: bool,
}

impl Partial {
    /// Whether a fragment with this FSN and E flag can belong here: B comes with FSN 0 only
    /// (RFC 8260 2.1), no FSN is taken (or delivered) twice, and nothing lies beyond the E
    /// fragment.
    fn accepts(&self, fsn: u32, begin: bool, end: bool) -> bool {
        if begin != (fsn == 0) || fsn < self.next_fsn || self.pieces.contains_key(&fsn) {
            return false;
        }
        match self.end_fsn {
            Some(e) => fsn < e && !end,
            None => {
                !end || self
                    .pieces
                    .last_key_value()
                    .is_none_or(|(&last, _)| last < fsn)
            }
        }
    }

    fn is_complete(&self) -> bool {
        self.end_fsn
            .is_some_and(|e| self.pieces.len() as u64 == u64::from(e) + 1)
    }
}

/// Partial I-DATA messages of one stream.
#[derive(Debug, Clone)]
pub(super) struct MidPartials {
    /// By MID unwrapped relative to the stream's next expected ordered MID.
    ordered: BTreeMap<u64, Partial>,
    /// By MID unwrapped relative to `unordered_ref`.
    unordered: BTreeMap<u64, Partial>,
    /// Highest unordered MID seen, unwrapped (unordered MIDs have their own numbering).
    unordered_ref: u64,
}

impl Default for MidPartials {
    fn default() -> Self {
        MidPartials {
            ordered: BTreeMap::new(),
            unordered: BTreeMap::new(),
            unordered_ref: UNWRAP_BASE,
        }
    }
}

impl MidPartials {
    /// Unwraps an unordered MID and moves the reference forward.
    pub(super) fn unordered_key(&mut self, mid: u32) -> u64 {
        let key = SeqSpace::Mid32.unwrap(self.unordered_ref, mid);
        self.unordered_ref = self.unordered_ref.max(key);
        key
    }

    /// Stores a fragment of message `key` (unwrapped MID, see the fields) and returns the
    /// message if it is now complete. A fragment that contradicts what is held (see
    /// `Partial::accepts`) is discarded alone.
    pub(super) fn add(
        &mut self,
        key: u64,
        chunk: &DataChunk<'_>,
        from: IpAddr,
    ) -> Result<Option<Message>, Discarded> {
        let map = if chunk.unordered {
            &mut self.unordered
        } else {
            &mut self.ordered
        };
        let fsn = if chunk.begin { 0 } else { chunk.fsn };
        let partial = map.entry(key).or_insert_with(|| Partial {
            mid: chunk.mid,
            ..Partial::default()
        });
        if !partial.accepts(fsn, chunk.begin, chunk.end) {
            if partial.pieces.is_empty() {
                map.remove(&key);
            }
            return Err(Discarded {
                freed: chunk.payload.len(),
            });
        }
        partial.pieces.insert(
            fsn,
            Piece {
                tsn: chunk.tsn,
                ppid: chunk.ppid,
                payload: chunk.payload.to_vec(),
            },
        );
        partial.bytes += chunk.payload.len();
        if chunk.end {
            partial.end_fsn = Some(fsn);
        }
        if partial.in_pd || !partial.is_complete() {
            return Ok(None);
        }
        let Some(partial) = map.remove(&key) else {
            return Ok(None);
        };
        let first = partial.pieces.get(&0);
        let (tsn, ppid) = first.map_or((chunk.tsn, chunk.ppid), |p| (p.tsn, p.ppid));
        Ok(Some(Message {
            stream_id: chunk.stream_id,
            ssn: chunk.mid,
            ppid,
            unordered: chunk.unordered,
            tsn,
            cum_tsn: 0,
            from,
            payload: concat(
                partial.bytes,
                partial.pieces.into_values().map(|p| p.payload),
            ),
            more: false,
        }))
    }

    fn map(&self, unordered: bool) -> &BTreeMap<u64, Partial> {
        if unordered {
            &self.unordered
        } else {
            &self.ordered
        }
    }

    /// Whether message `key` is held (under partial delivery or not).
    pub(super) fn holds(&self, unordered: bool, key: u64) -> bool {
        self.map(unordered).contains_key(&key)
    }

    /// Whether message `key` has its next undelivered fragment here.
    pub(super) fn next_here(&self, unordered: bool, key: u64) -> bool {
        self.map(unordered)
            .get(&key)
            .is_some_and(|p| p.pieces.contains_key(&p.next_fsn))
    }

    /// Keys of the messages whose FSN 0 fragment is here, lowest first.
    pub(super) fn startable(&self, unordered: bool) -> impl Iterator<Item = u64> + '_ {
        let map = self.map(unordered);
        map.iter()
            .filter(|(_, p)| !p.in_pd && p.pieces.contains_key(&0))
            .map(|(&k, _)| k)
    }

    /// Message `key` of stream `stream_id`, when its FSN 0 fragment is here: who it is and
    /// how many of its leading bytes are here in sequence (counted up to `limit`).
    pub(super) fn lead(
        &self,
        stream_id: u16,
        unordered: bool,
        key: u64,
        limit: usize,
    ) -> Option<Lead> {
        let partial = self.map(unordered).get(&key)?;
        let first = partial.pieces.get(&0)?;
        let mut bytes = 0;
        for (expected, (&fsn, p)) in (0u32..).zip(partial.pieces.iter()) {
            if fsn != expected || bytes >= limit {
                break;
            }
            bytes += p.payload.len();
        }
        Some(Lead {
            id: MsgId {
                stream_id,
                unordered,
                ssn: partial.mid,
            },
            ppid: first.ppid,
            bytes,
        })
    }

    /// Partial delivery starts with message `key`: from now on it only leaves the store
    /// through `take_lead`.
    pub(super) fn claim(&mut self, unordered: bool, key: u64) {
        let map = if unordered {
            &mut self.unordered
        } else {
            &mut self.ordered
        };
        if let Some(p) = map.get_mut(&key) {
            p.in_pd = true;
        }
    }

    /// Partial delivery: takes the fragments of message `key` that are here in sequence
    /// after those taken before; the message is forgotten once its E fragment is taken.
    pub(super) fn take_lead(&mut self, unordered: bool, key: u64) -> Option<Taken> {
        let map = if unordered {
            &mut self.unordered
        } else {
            &mut self.ordered
        };
        let partial = map.get_mut(&key)?;
        let mut parts = Vec::new();
        let mut fsn = partial.next_fsn;
        let mut ended = false;
        while let Some(p) = partial.pieces.remove(&fsn) {
            parts.push(p);
            ended = partial.end_fsn == Some(fsn);
            match fsn.checked_add(1) {
                Some(f) if !ended => fsn = f,
                _ => break,
            }
        }
        let first = parts.first()?;
        let (tsn, ppid) = (first.tsn, first.ppid);
        let total: usize = parts.iter().map(|p| p.payload.len()).sum();
        partial.bytes -= total;
        partial.next_fsn = fsn;
        if ended {
            map.remove(&key);
        }
        Some(Taken {
            payload: concat(total, parts.into_iter().map(|p| p.payload)),
            tsn,
            ppid,
            next: key,
            ended,
        })
    }

    /// Drops the partial messages with a key at or below `key` (I-FORWARD TSN, RFC 8260
    /// 2.3.2, or ordered MIDs already passed). Returns the payload bytes freed.
    pub(super) fn drop_through(&mut self, unordered: bool, key: u64) -> usize {
        let map = if unordered {
            &mut self.unordered
        } else {
            &mut self.ordered
        };
        let keep = map.split_off(&(key + 1));
        let dropped = std::mem::replace(map, keep);
        dropped.values().map(|p| p.bytes).sum()
    }

    /// Drops every partial message and restarts the unordered numbering (stream reset).
    /// Returns the payload bytes freed.
    pub(super) fn clear(&mut self) -> usize {
        let freed = self
            .ordered
            .values()
            .chain(self.unordered.values())
            .map(|p| p.bytes)
            .sum();
        *self = MidPartials::default();
        freed
    }

    /// Payload bytes held (accounting checks in tests).
    #[cfg(test)]
    pub(super) fn held_bytes(&self) -> usize {
        let pieces = self.ordered.values().chain(self.unordered.values());
        pieces
            .flat_map(|p| p.pieces.values())
            .map(|p| p.payload.len())
            .sum()
    }

    /// Number of held fragments.
    pub(super) fn len(&self) -> usize {
        self.ordered
            .values()
            .chain(self.unordered.values())
            .map(|p| p.pieces.len())
            .sum()
    }
}
