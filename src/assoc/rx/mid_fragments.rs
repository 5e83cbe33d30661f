//! Fragments of I-DATA chunks (RFC 8260 2.1, 2.2): a message is identified by its stream, its
//! U flag and its MID, and its fragments by FSN (0 for the B fragment, which carries the
//! PPID). Fragments of different messages of one stream may interleave in TSN order, so each
//! stream keeps its partial messages by MID, ordered and unordered apart.

use std::collections::BTreeMap;
use std::net::IpAddr;

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
}

impl Partial {
    /// Whether a fragment with this FSN and E flag can belong here: B comes with FSN 0 only
    /// (RFC 8260 2.1), no FSN is taken twice, and nothing lies beyond the E fragment.
    fn accepts(&self, fsn: u32, begin: bool, end: bool) -> bool {
        if begin != (fsn == 0) || self.pieces.contains_key(&fsn) {
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
        let partial = map.entry(key).or_default();
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
        if !partial.is_complete() {
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
        }))
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
