//! PR-SCTP sender glue (RFC 3758 3.5, RFC 8260 2.3): what the next FORWARD TSN says.
//!
//! `tx::OutstandingData::forward_tsn` covers messages with an abandoned fragment still held.
//! One case falls between `tx`'s two queues: a message whose produced fragments were all
//! acknowledged already, and whose unsent rest the send queue drops (TTL, RTX). No TSN is
//! abandoned, so no FORWARD TSN would name its stream, and the receiver would wait for the
//! rest of that SSN / MID forever. This adapter notices such cuts (a SendFailed for an unsent
//! fragment that is not a message's first) and adds the message to the next FORWARD TSNs.
//! Alone, such a FORWARD TSN carries the TSN of the cut message's last sent fragment (already
//! acknowledged): the receiver applies the stream skip and drops the held fragments up to
//! there, which for DATA (contiguous fragments, 6.9) belong to the cut message or to complete
//! ones, never to a message still in progress. Without a TSN to be acknowledged there is no
//! proof of receipt, so the skip is repeated a few times (with each FORWARD TSN, T3 resending
//! it). NOTE for tx: a placeholder TSN for the cut would make this exact.

use std::collections::HashMap;

use super::association::Association;
use super::tx::OutChunk;
use super::Event;
use crate::wire::chunk::{ForwardTsnChunk, SkippedStream};

/// How many FORWARD TSNs repeat a skip that has no TSN of its own.
const SKIP_REPEATS: u8 = 4;

/// Per-stream state the adapter keeps.
#[derive(Debug, Default)]
pub(crate) struct PrSkips {
    /// The message being produced on each (stream, unordered): its SSN / MID and the TSN of
    /// its last produced fragment.
    partial: HashMap<(u16, bool), (u32, u32)>,
    /// Skips to add to the next FORWARD TSNs: the skip, the cut message's last TSN, repeats.
    extra: Vec<(SkippedStream, u32, u8)>,
}

impl PrSkips {
    /// A DATA chunk was produced for the first time and gets `tsn`.
    pub fn on_produced(&mut self, c: &OutChunk, tsn: u32) {
        let key = (c.stream_id, c.unordered);
        if c.end {
            self.partial.remove(&key);
        } else {
            self.partial.insert(key, (c.mid, tsn));
        }
    }

    /// A skip is ready: its message's sent part has left the outstanding queue (`held` tells
    /// whether a TSN is still there; while it is, `tx` may abandon it and name the message
    /// in its own FORWARD TSN, or it gets acknowledged and the skip becomes ready).
    pub fn ready(&self, held: impl Fn(u32) -> bool) -> bool {
        self.extra.iter().any(|(_, t, _)| !held(*t))
    }

    /// Scans SendFailed events for unsent fragments cut from a partly sent message.
    pub fn note_cuts(&mut self, events: &[Event], i_data: bool) -> bool {
        let mut any = false;
        // The fragments of one message are reported in a row: only a run that does not start
        // with the first fragment is a cut (a whole unsent message starts with it).
        let mut open: Option<(u16, bool)> = None;
        for e in events {
            let Event::SendFailed {
                sent: false,
                stream_id,
                unordered,
                frag,
                ..
            } = e
            else {
                open = None;
                continue;
            };
            let key = (*stream_id, *unordered);
            let continues = !frag.first && open == Some(key);
            open = (!frag.last).then_some(key);
            if frag.first || continues || (*unordered && !i_data) {
                continue;
            }
            if let Some((mid, last_tsn)) = self.partial.remove(&key) {
                let skip = SkippedStream {
                    stream_id: *stream_id,
                    unordered: *unordered,
                    mid,
                };
                self.extra.push((skip, last_tsn, SKIP_REPEATS));
                any = true;
            }
        }
        any
    }

    /// Adds the ready skips to `f` (or to a FORWARD TSN of their own), spending a repeat.
    pub fn merge(
        &mut self,
        f: Option<ForwardTsnChunk>,
        held: impl Fn(u32) -> bool,
    ) -> Option<ForwardTsnChunk> {
        let ready = |t: &u32| !held(*t);
        let later = |a: u32, b: u32| if b.wrapping_sub(a) as i32 > 0 { b } else { a };
        let Some(last) = self
            .extra
            .iter()
            .map(|(_, t, _)| *t)
            .filter(ready)
            .reduce(later)
        else {
            return f;
        };
        let mut f = f.unwrap_or(ForwardTsnChunk {
            new_cum_tsn: last,
            streams: Vec::new(),
        });
        for (skip, _, left) in self.extra.iter_mut().filter(|(_, t, _)| ready(t)) {
            // A listed stream skips through a later message already (abandoned after ours).
            if !f
                .streams
                .iter()
                .any(|s| s.stream_id == skip.stream_id && s.unordered == skip.unordered)
            {
                f.streams.push(*skip);
            }
            *left -= 1;
        }
        self.extra.retain(|(_, _, left)| *left > 0);
        Some(f)
    }
}

impl Association {
    /// After the send queue dropped messages: FORWARD TSN for cut ones (see module docs).
    pub(crate) fn note_cut_messages(&mut self) {
        if self.neg.pr && self.pr_skips.note_cuts(&self.event_buf, self.neg.intl) {
            self.pending.forward_tsn = true;
        }
    }

    /// The FORWARD TSN / I-FORWARD TSN to send now, if any.
    pub(crate) fn forward_tsn_chunk(&mut self) -> Option<ForwardTsnChunk> {
        let f = self.outstanding.forward_tsn(self.neg.intl);
        let outstanding = &self.outstanding;
        self.pr_skips.merge(f, |t| outstanding.chunk(t).is_some())
    }

    /// Whether a FORWARD TSN is due (RFC 3758 3.5 C3, F3).
    pub(crate) fn forward_tsn_due(&self) -> bool {
        let outstanding = &self.outstanding;
        self.neg.pr
            && (self.pr_skips.ready(|t| outstanding.chunk(t).is_some())
                || self.outstanding.forward_tsn(self.neg.intl).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assoc::{FragFlags, PrPolicy};

    fn chunk(sid: u16, mid: u32, begin: bool, end: bool) -> OutChunk {
        OutChunk {
            stream_id: sid,
            mid,
            fsn: 0,
            ppid: 0,
            unordered: false,
            begin,
            end,
            immediate: false,
            payload: vec![0; 4].into(),
            pr: PrPolicy::Ttl(std::time::Duration::from_millis(1)),
            context: 0,
            sinfo_assoc_id: None,
            expiry: None,
            message_id: 0,
            dest: None,
        }
    }

    fn failed(sid: u16, first: bool) -> Event {
        Event::SendFailed {
            sent: false,
            error: 0,
            stream_id: sid,
            ppid: 0,
            context: 0,
            sinfo_assoc_id: None,
            timetolive: 0,
            unordered: false,
            frag: FragFlags { first, last: true },
            payload: Vec::new(),
        }
    }

    #[test]
    fn cut_message_is_skipped_a_few_times() {
        let mut s = PrSkips::default();
        s.on_produced(&chunk(2, 77, true, false), 90);
        s.on_produced(&chunk(2, 77, false, false), 91);
        s.on_produced(&chunk(3, 5, true, true), 92);
        // Whole unsent messages (from their first fragment on) are no cut; stream 3 has no
        // partial message.
        let mut first = failed(2, true);
        if let Event::SendFailed { frag, .. } = &mut first {
            frag.last = false;
        }
        assert!(!s.note_cuts(&[first, failed(2, false), failed(3, false)], false));
        assert!(s.note_cuts(&[failed(2, false)], false));
        // Not while the sent part is held (tx may abandon it and say so itself).
        assert!(!s.ready(|t| t == 91));
        assert_eq!(s.merge(None, |t| t == 91), None);
        for _ in 0..SKIP_REPEATS {
            let f = s.merge(None, |_| false).unwrap();
            assert_eq!(f.new_cum_tsn, 91);
            assert_eq!(
                f.streams,
                vec![SkippedStream {
                    stream_id: 2,
                    unordered: false,
                    mid: 77
                }]
            );
        }
        assert_eq!(s.merge(None, |_| false), None);
    }
}
