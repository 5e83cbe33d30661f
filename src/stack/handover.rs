//! A message handed straight to the thread waiting to read it (DESIGN.md "Performance
//! principles": the socketpair costs a copy and a thread hop per message). The reader
//! (stack/reader.rs) runs the engine's turns itself while it waits in a blocking receive; when
//! such a turn delivers a message for the very socket it waits on, the message is handed to it
//! instead of being written to the socketpair and read back: no record sent and received, no
//! SIOCOUTQ bookkeeping of unread records, no window shrunk and reopened.
//!
//! Only when the outcome is the one the socketpair would give: nothing of the socket is queued
//! before the message (no record waiting in the engine, none unread in the socketpair), the
//! message is whole (not a piece of a partially delivered one) and fits the reader's buffer,
//! and it is not an error record. Otherwise it takes the socketpair as before.

use super::engine::Engine;
use super::frame::{Kind, RecvHeader, FLAG_MORE};
use super::registry::Sid;

/// The reader's request during its turn: a message for socket `sid` of at most `room` bytes.
#[derive(Debug)]
pub struct Handover {
    pub sid: Sid,
    pub room: usize,
    /// The message handed over, with the header its record would have had.
    pub got: Option<(RecvHeader, Vec<u8>)>,
}

impl Handover {
    pub fn new(sid: Sid, room: usize) -> Handover {
        Handover {
            sid,
            room,
            got: None,
        }
    }
}

impl Engine {
    /// Hand the message (`hdr`, `data`) for socket `sid` to the waiting reader when the rules
    /// above allow; else it is given back for the socketpair.
    pub(super) fn hand_over(
        &mut self,
        sid: Sid,
        hdr: RecvHeader,
        data: Vec<u8>,
    ) -> Option<(RecvHeader, Vec<u8>)> {
        let wanted = self.handover.as_ref().is_some_and(|w| {
            w.sid == sid
                && w.got.is_none()
                && data.len() <= w.room
                && hdr.kind != Kind::Error
                && hdr.flags & FLAG_MORE == 0
        });
        let in_order = self.socks.get(&sid).is_some_and(|s| {
            s.end.is_some() && !s.app_gone && s.out.is_empty() && s.app_queue.is_empty()
        });
        match self.handover.as_mut() {
            Some(w) if wanted && in_order => {
                tracing::trace!(sid, len = data.len(), "message handed to its reader");
                w.got = Some((hdr, data));
                None
            }
            _ => Some((hdr, data)),
        }
    }
}
