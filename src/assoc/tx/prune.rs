//! Making room in a full send buffer with the PR-SCTP priority policy (RFC 7496 4.3), the way
//! Linux's `sctp_prsctp_prune` does before queueing a message.

use super::{OutstandingData, SendQueue};
use crate::assoc::{Event, OutgoingMessage, PrPolicy};

/// The policy value Linux carries in `sinfo_timetolive` (PRIO priority, TTL milliseconds,
/// RTX count, 0 for reliable): a queued PRIO message with a larger value may be dropped
/// for this one.
pub fn pr_level(pr: PrPolicy) -> u32 {
    match pr {
        PrPolicy::Reliable => 0,
        PrPolicy::Ttl(d) => u32::try_from(d.as_millis()).unwrap_or(u32::MAX),
        PrPolicy::Rtx(n) | PrPolicy::Prio(n) => n,
    }
}

/// Before `SendQueue::enqueue` of `msg` when the peer supports PR-SCTP: if the message does
/// not fit the free send buffer, abandon less important PRIO messages, sent ones first (each
/// fragment reported as SendFailed), then unsent ones. Returns the bytes freed. Bytes the
/// outstanding queue had freed are handed to the send queue here (no Writable edge is
/// needed: the caller is queueing).
pub fn prune_for(
    queue: &mut SendQueue,
    outstanding: &mut OutstandingData,
    msg: &OutgoingMessage,
    events: &mut Vec<Event>,
) -> usize {
    let needed = msg.payload.len().saturating_sub(queue.available());
    if needed == 0 {
        return 0;
    }
    let level = pr_level(msg.pr);
    let (sent_freed, abandoned) = outstanding.prune_priority(needed, level, events);
    for (stream, message) in abandoned {
        queue.abandon_message(stream, message, 0, events);
    }
    queue.release(outstanding.take_freed_bytes());
    sent_freed + queue.prune_priority(needed.saturating_sub(sent_freed), level, events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn prio_msg(stream_id: u16, len: usize, prio: u32) -> OutgoingMessage {
        OutgoingMessage {
            stream_id,
            pr: PrPolicy::Prio(prio),
            payload: vec![prio as u8; len],
            ..Default::default()
        }
    }

    fn sent_flags(events: &[Event]) -> Vec<(bool, usize)> {
        events
            .iter()
            .map(|e| match e {
                Event::SendFailed { sent, payload, .. } => (*sent, payload.len()),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn levels_follow_linux_sinfo_timetolive() {
        assert_eq!(pr_level(PrPolicy::Reliable), 0);
        assert_eq!(pr_level(PrPolicy::Prio(7)), 7);
        assert_eq!(pr_level(PrPolicy::Rtx(3)), 3);
        assert_eq!(pr_level(PrPolicy::Ttl(Duration::from_millis(2500))), 2500);
        assert_eq!(pr_level(PrPolicy::Ttl(Duration::MAX)), u32::MAX);
    }

    #[test]
    fn prunes_less_important_sent_then_unsent() {
        let now = Instant::now();
        let mut q = SendQueue::new(3000, 4, false);
        let mut o = OutstandingData::new(1);
        o.set_peer_rwnd(100_000);
        q.enqueue(now, prio_msg(0, 1000, 5), 1000).unwrap();
        q.enqueue(now, prio_msg(1, 1000, 1), 1000).unwrap();
        while let Some(c) = q.produce(usize::MAX) {
            o.insert(now, c, 0);
        }
        q.enqueue(now, prio_msg(2, 500, 9), 1000).unwrap();
        q.enqueue(now, prio_msg(3, 400, 2), 1000).unwrap();
        assert_eq!(q.available(), 100);
        let mut ev = Vec::new();
        // Needs 1400 - 100 bytes; priority 2: the sent 5 and the unsent 9 go, 1 and 2 stay.
        let freed = prune_for(&mut q, &mut o, &prio_msg(0, 1400, 2), &mut ev);
        assert_eq!(freed, 1500);
        assert_eq!(sent_flags(&ev), [(true, 1000), (false, 500)]);
        assert_eq!(q.available(), 1600);
        assert_eq!(o.forward_tsn(false).map(|f| f.new_cum_tsn), Some(1));
        let stats = q.pr_stats().assoc().merged(o.pr_stats().assoc());
        assert_eq!(stats.abandoned_sent, [0, 0, 1]);
        assert_eq!(stats.abandoned_unsent, [0, 0, 1]);
        // Nothing less important left: nothing more pruned.
        ev.clear();
        assert_eq!(prune_for(&mut q, &mut o, &prio_msg(0, 5000, 2), &mut ev), 0);
        assert!(ev.is_empty());
        // A message that fits prunes nothing.
        assert_eq!(prune_for(&mut q, &mut o, &prio_msg(0, 10, 0), &mut ev), 0);
    }

    #[test]
    fn reliable_message_prunes_any_prio_above_zero() {
        let now = Instant::now();
        let mut q = SendQueue::new(1000, 4, false);
        let mut o = OutstandingData::new(1);
        q.enqueue(now, prio_msg(0, 600, 0), 1000).unwrap();
        q.enqueue(now, prio_msg(1, 300, 1), 1000).unwrap();
        q.enqueue(now, prio_msg(1, 100, 3), 1000).unwrap();
        let mut ev = Vec::new();
        let reliable = OutgoingMessage {
            payload: vec![0; 300],
            ..Default::default()
        };
        // Newest first: the 100-byte message, then the 300-byte one; priority 0 stays.
        assert_eq!(prune_for(&mut q, &mut o, &reliable, &mut ev), 400);
        assert_eq!(sent_flags(&ev), [(false, 100), (false, 300)]);
        assert_eq!(q.queued_bytes(), 600);
    }
}
