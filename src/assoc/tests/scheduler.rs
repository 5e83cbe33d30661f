//! RFC 8260 3 stream schedulers end to end: the order in which messages queued on several
//! streams of a backed-up sender reach the peer, per SCTP_STREAM_SCHEDULER policy.

use std::time::Duration;

use super::pair::Pair;
use crate::assoc::tx::Scheduler;
use crate::assoc::OutgoingMessage;

/// Queues `(stream, tag, len)` messages on A at once (nothing is sent before they are all
/// queued), lets them through, and returns the tags in B's arrival order.
fn arrival_order(sched: Scheduler, values: &[(u16, u16)], msgs: &[(u16, u8, usize)]) -> Vec<u8> {
    let mut p = Pair::new(40);
    let (a, _b) = p.connected();
    let now = p.now;
    let assoc = p.eps[0].assoc_mut(a).unwrap();
    assoc.set_scheduler(sched);
    assert_eq!(assoc.scheduler(), sched);
    for &(stream, value) in values {
        assert!(assoc.set_stream_value(stream, value));
        assert_eq!(assoc.stream_value(stream), Some(value));
    }
    for &(stream_id, tag, len) in msgs {
        let m = OutgoingMessage {
            stream_id,
            payload: vec![tag; len],
            ..OutgoingMessage::default()
        };
        assoc.send(now, m).unwrap();
    }
    p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() == msgs.len());
    p.inbox[1].iter().map(|(_, m)| m.payload[0]).collect()
}

/// Stream 1 carries tags 1x, stream 2 tags 2x, stream 3 tags 3x; queued interleaved.
const MIXED: &[(u16, u8, usize)] = &[
    (1, 11, 100),
    (1, 12, 100),
    (1, 13, 100),
    (2, 21, 100),
    (2, 22, 100),
    (3, 31, 100),
];

#[test]
fn fcfs_sends_in_queue_order() {
    let got = arrival_order(Scheduler::Fcfs, &[], MIXED);
    assert_eq!(got, [11, 12, 13, 21, 22, 31]);
}

#[test]
fn round_robin_takes_one_message_per_stream() {
    let got = arrival_order(Scheduler::RoundRobin, &[], MIXED);
    assert_eq!(got, [11, 21, 31, 12, 22, 13]);
}

#[test]
fn priority_lowest_value_first_ties_round_robin() {
    let got = arrival_order(Scheduler::Priority, &[(1, 7), (2, 0), (3, 0)], MIXED);
    assert_eq!(got, [21, 31, 22, 11, 12, 13]);
}

#[test]
fn fair_capacity_favours_the_stream_with_fewer_bytes_sent() {
    // Stream 1 sends 1000-byte messages, stream 2 100-byte ones: after one big message
    // stream 1 has sent more than stream 2 will in its three remaining small ones.
    let msgs = [
        (1, 11, 1000),
        (1, 12, 1000),
        (1, 13, 1000),
        (2, 21, 100),
        (2, 22, 100),
        (2, 23, 100),
        (2, 24, 100),
    ];
    let got = arrival_order(Scheduler::FairCapacity, &[], &msgs);
    assert_eq!(got, [21, 11, 22, 23, 24, 12, 13]);
}

#[test]
fn weighted_fair_queueing_shares_by_weight() {
    // Weight 10 against 1 with equal messages: stream 1 sends about ten for each of stream
    // 2's (eleven at first: an equal share goes to the stream that just sent).
    let mut msgs: Vec<(u16, u8, usize)> = (0..12).map(|i| (1, 100 + i, 100)).collect();
    msgs.extend((0..3).map(|i| (2, 200 + i, 100)));
    let got = arrival_order(Scheduler::WeightedFair, &[(1, 10), (2, 1)], &msgs);
    let streams: String = got
        .iter()
        .map(|&t| if t >= 200 { 'b' } else { 'a' })
        .collect();
    assert_eq!(streams, "baaaaaaaaaaabab");
    // Each stream's own messages stay in order.
    let a: Vec<u8> = got.iter().copied().filter(|&t| t < 200).collect();
    assert_eq!(a, (100..112).collect::<Vec<u8>>());
}

#[test]
fn stream_values_follow_linux_rules() {
    let mut p = Pair::new(41);
    let (a, _b) = p.connected();
    let assoc = p.eps[0].assoc_mut(a).unwrap();
    let streams = assoc.status().outbound_streams;
    // FCFS has no value: any is accepted and reads 0; beyond the stream count is EINVAL.
    assert!(assoc.set_stream_value(1, 9));
    assert_eq!(assoc.stream_value(1), Some(0));
    assert!(!assoc.set_stream_value(streams, 1));
    assert_eq!(assoc.stream_value(streams), None);
    // WFQ: weights start at 1, zero is refused; a scheduler change resets the values.
    assoc.set_scheduler(Scheduler::WeightedFair);
    assert_eq!(assoc.stream_value(1), Some(1));
    assert!(!assoc.set_stream_value(1, 0));
    assert!(assoc.set_stream_value(1, 4));
    assoc.set_scheduler(Scheduler::Priority);
    assert_eq!(assoc.stream_value(1), Some(0));
}
