//! RFC 6525 stream reconfiguration on the pair: negotiation, each request type with the
//! events both sides report (Linux's flags), the user errors, denial, loss of the request and
//! of the response, "In progress" while data before the reset is missing, and message
//! numbering across a reset with DATA and I-DATA.

use std::time::{Duration, Instant};

use super::pair::{Pair, Side};
use crate::assoc::reconf::enable;
use crate::assoc::{AssocConfig, Association, Event, OutgoingMessage, ReconfError, ReconfResult};
use crate::wire::chunk::kind;

const ALL: u32 = enable::RESET_STREAMS | enable::RESET_ASSOC | enable::CHANGE_ASSOC;

fn cfg(grant: u32) -> AssocConfig {
    AssocConfig {
        reconfig_supported: true,
        stream_reset_enable: grant,
        nodelay: true,
        ..AssocConfig::default()
    }
}

/// A pair with RE-CONFIG on both sides, each granting `a` / `b`, connected.
fn pair(a: u32, b: u32, i_data: bool) -> (Pair, i32, i32) {
    let mut ca = cfg(a);
    let mut cb = cfg(b);
    ca.intl_supported = i_data;
    cb.intl_supported = i_data;
    let mut p = Pair::with(7, ca, cb, 1);
    let (ia, ib) = p.connected();
    (p, ia, ib)
}

fn id(side: Side, ids: (i32, i32)) -> i32 {
    match side {
        Side::A => ids.0,
        Side::B => ids.1,
    }
}

fn send(p: &mut Pair, side: Side, ids: (i32, i32), stream: u16, tag: u8) {
    let now = p.now;
    let m = OutgoingMessage {
        stream_id: stream,
        payload: vec![tag; 100],
        ..OutgoingMessage::default()
    };
    let a = p.ep(side).assoc_mut(id(side, ids)).unwrap();
    a.send(now, m).unwrap();
}

/// Stream sequence numbers (SSN / MID) of what `side` received on `stream`, by first
/// payload byte, in delivery order.
fn received(p: &Pair, side: Side, stream: u16) -> Vec<(u8, u32)> {
    p.inbox[side.idx()]
        .iter()
        .filter(|(_, m)| m.stream_id == stream)
        .map(|(_, m)| (m.payload[0], m.ssn))
        .collect()
}

fn reconf_events(p: &Pair, side: Side) -> Vec<Event> {
    p.events[side.idx()]
        .iter()
        .map(|(_, e)| e.clone())
        .filter(|e| {
            matches!(
                e,
                Event::StreamReset { .. } | Event::AssocReset { .. } | Event::StreamChange { .. }
            )
        })
        .collect()
}

/// A makes a request on its association `a`, which must be accepted.
fn request(
    p: &mut Pair,
    a: i32,
    f: impl FnOnce(&mut Association, Instant) -> Result<(), ReconfError>,
) {
    let now = p.now;
    assert_eq!(f(p.ep(Side::A).assoc_mut(a).unwrap(), now), Ok(()));
}

fn settle(p: &mut Pair, ids: (i32, i32)) {
    p.run_until(Duration::from_secs(30), |p| {
        !p.eps[0].assoc(ids.0).unwrap().reconf_pending()
            && !p.eps[1].assoc(ids.1).unwrap().reconf_pending()
    });
    p.run_for(Duration::from_secs(1));
}

/// Results of the Re-configuration Responses `side` sent, in order.
fn responses(trace: &[super::pair::Sent], side: Side) -> Vec<u32> {
    let mut out = Vec::new();
    for s in trace.iter().filter(|s| s.from == side) {
        let Ok(pkt) = crate::wire::Packet::parse(&s.bytes) else {
            continue;
        };
        for c in pkt.chunks() {
            if let Ok(crate::wire::Chunk::ReConfig(c)) = c {
                for p in c.params {
                    if let crate::wire::Param::ReconfigResponse { result, .. } = p {
                        out.push(result);
                    }
                }
            }
        }
    }
    out
}

fn reset(incoming: bool, outgoing: bool, result: ReconfResult, streams: &[u16]) -> Event {
    Event::StreamReset {
        incoming,
        outgoing,
        result,
        streams: streams.to_vec(),
    }
}

#[test]
fn negotiated_only_when_both_enable_it() {
    for (a_on, b_on) in [(true, true), (true, false), (false, true)] {
        let mut ca = cfg(ALL);
        ca.reconfig_supported = a_on;
        let mut cb = cfg(ALL);
        cb.reconfig_supported = b_on;
        let mut p = Pair::with(3, ca, cb, 1);
        let (a, b) = p.connected();
        let both = a_on && b_on;
        assert_eq!(p.eps[0].assoc(a).unwrap().reconf_negotiated(), both);
        assert_eq!(p.eps[1].assoc(b).unwrap().reconf_negotiated(), both);
        let now = p.now;
        let r = p.ep(Side::A).assoc_mut(a).unwrap().reset_assoc(now);
        assert_eq!(r.is_ok(), both);
        if !both {
            assert_eq!(r, Err(ReconfError::NotEnabled));
        }
    }
}

#[test]
fn request_types_need_the_local_grant() {
    let (mut p, a, _) = pair(enable::RESET_ASSOC, ALL, false);
    let now = p.now;
    let assoc = p.ep(Side::A).assoc_mut(a).unwrap();
    assert_eq!(
        assoc.reset_streams(now, true, false, &[]),
        Err(ReconfError::NotEnabled)
    );
    assert_eq!(assoc.add_streams(now, 1, 0), Err(ReconfError::NotEnabled));
    assert_eq!(assoc.reset_assoc(now), Ok(()));
    assert_eq!(assoc.reset_assoc(now), Err(ReconfError::InProgress));
}

#[test]
fn bad_arguments_and_unsent_data() {
    let (mut p, a, _) = pair(ALL, ALL, false);
    let now = p.now;
    let assoc = p.ep(Side::A).assoc_mut(a).unwrap();
    assert_eq!(
        assoc.reset_streams(now, false, false, &[]),
        Err(ReconfError::Invalid)
    );
    // 10 streams each way by default.
    assert_eq!(
        assoc.reset_streams(now, true, false, &[10]),
        Err(ReconfError::Invalid)
    );
    assert_eq!(
        assoc.reset_streams(now, false, true, &[3, 10]),
        Err(ReconfError::Invalid)
    );
    assert_eq!(assoc.add_streams(now, 0, 0), Err(ReconfError::Invalid));
    assert_eq!(assoc.add_streams(now, 65530, 0), Err(ReconfError::Invalid));
    // Queued, not sent yet: stream 2 cannot be reset, stream 3 can; SSN/TSN reset cannot.
    let m = OutgoingMessage {
        stream_id: 2,
        payload: vec![1; 10],
        ..OutgoingMessage::default()
    };
    assoc.send(now, m).unwrap();
    assert_eq!(
        assoc.reset_streams(now, true, false, &[2]),
        Err(ReconfError::Busy)
    );
    assert_eq!(
        assoc.reset_streams(now, true, false, &[]),
        Err(ReconfError::Busy)
    );
    assert_eq!(assoc.reset_assoc(now), Err(ReconfError::Busy));
    // Incoming only is fine, and then one request is outstanding at a time.
    assert_eq!(assoc.reset_streams(now, false, true, &[2]), Ok(()));
    assert_eq!(
        assoc.reset_streams(now, true, false, &[3]),
        Err(ReconfError::InProgress)
    );
}

fn outgoing_reset_restarts_numbering(i_data: bool) {
    let (mut p, a, b) = pair(ALL, ALL, i_data);
    let ids = (a, b);
    for tag in 0..3 {
        send(&mut p, Side::A, ids, 1, tag);
        send(&mut p, Side::A, ids, 2, tag);
    }
    p.run_for(Duration::from_secs(1));
    request(&mut p, a, |x, now| x.reset_streams(now, true, false, &[1]));
    // Sent while the request is outstanding: held back, then numbered from 0.
    send(&mut p, Side::A, ids, 1, 3);
    send(&mut p, Side::A, ids, 2, 3);
    settle(&mut p, ids);
    assert_eq!(received(&p, Side::B, 1), [(0, 0), (1, 1), (2, 2), (3, 0)]);
    assert_eq!(received(&p, Side::B, 2), [(0, 0), (1, 1), (2, 2), (3, 3)]);
    let done = reset(false, true, ReconfResult::Performed, &[1]);
    assert_eq!(reconf_events(&p, Side::A), std::slice::from_ref(&done));
    // Linux flags the receiver's event OUTGOING_SSN as well.
    assert_eq!(reconf_events(&p, Side::B), [done]);
}

#[test]
fn outgoing_reset_with_data() {
    outgoing_reset_restarts_numbering(false);
}

#[test]
fn outgoing_reset_with_i_data() {
    outgoing_reset_restarts_numbering(true);
}

#[test]
fn incoming_reset_is_answered_by_the_peers_outgoing_reset() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    for tag in 0..2 {
        send(&mut p, Side::B, ids, 4, tag);
    }
    p.run_for(Duration::from_secs(1));
    request(&mut p, a, |x, now| x.reset_streams(now, false, true, &[]));
    settle(&mut p, ids);
    send(&mut p, Side::B, ids, 4, 2);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::A, 4), [(0, 0), (1, 1), (2, 0)]);
    // B: the request (INCOMING_SSN), then its own Outgoing SSN Reset answered (as Linux).
    assert_eq!(
        reconf_events(&p, Side::B),
        [
            reset(true, false, ReconfResult::Performed, &[]),
            reset(false, true, ReconfResult::Performed, &[])
        ]
    );
    assert_eq!(
        reconf_events(&p, Side::A),
        [reset(true, true, ReconfResult::Performed, &[])]
    );
}

#[test]
fn both_directions_in_one_request() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    send(&mut p, Side::A, ids, 0, 0);
    send(&mut p, Side::B, ids, 0, 0);
    p.run_for(Duration::from_secs(1));
    request(&mut p, a, |x, now| x.reset_streams(now, true, true, &[0]));
    settle(&mut p, ids);
    send(&mut p, Side::A, ids, 0, 1);
    send(&mut p, Side::B, ids, 0, 1);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::A, 0), [(0, 0), (1, 0)]);
    assert_eq!(received(&p, Side::B, 0), [(0, 0), (1, 0)]);
    assert!(!p.eps[0].assoc(a).unwrap().reconf_pending());
}

#[test]
fn denied_when_the_peer_does_not_grant_it() {
    let (mut p, a, b) = pair(ALL, 0, false);
    let ids = (a, b);
    request(&mut p, a, |x, now| {
        x.reset_streams(now, true, false, &[1, 2])
    });
    settle(&mut p, ids);
    request(&mut p, a, |x, now| x.reset_assoc(now));
    settle(&mut p, ids);
    request(&mut p, a, |x, now| x.add_streams(now, 1, 2));
    settle(&mut p, ids);
    let denied = ReconfResult::Denied;
    assert_eq!(
        reconf_events(&p, Side::A),
        [
            reset(false, false, denied, &[1, 2]),
            Event::AssocReset {
                result: denied,
                local_tsn: 0,
                remote_tsn: 0
            },
            Event::StreamChange {
                result: denied,
                inbound: 0,
                outbound: 1
            },
            Event::StreamChange {
                result: denied,
                inbound: 2,
                outbound: 0
            },
        ]
    );
    assert!(reconf_events(&p, Side::B).is_empty());
    // Nothing changed: data still flows with the old numbering.
    let st = p.eps[0].assoc(a).unwrap().status();
    assert_eq!((st.outbound_streams, st.inbound_streams), (10, 10));
    send(&mut p, Side::A, ids, 1, 0);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::B, 1), [(0, 0)]);
}

#[test]
fn assoc_reset_restarts_tsns_and_streams() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    for tag in 0..3 {
        send(&mut p, Side::A, ids, 1, tag);
        send(&mut p, Side::B, ids, 1, tag);
    }
    p.run_for(Duration::from_secs(1));
    request(&mut p, a, |x, now| x.reset_assoc(now));
    settle(&mut p, ids);
    let ea = reconf_events(&p, Side::A);
    let eb = reconf_events(&p, Side::B);
    let (
        Event::AssocReset {
            result: ReconfResult::Performed,
            local_tsn: a_local,
            remote_tsn: a_remote,
        },
        Event::AssocReset {
            result: ReconfResult::Performed,
            local_tsn: b_local,
            remote_tsn: b_remote,
        },
    ) = (&ea[0], &eb[0])
    else {
        panic!("{ea:?} {eb:?}");
    };
    assert_eq!((ea.len(), eb.len()), (1, 1));
    // What A sends next is what B expects, and the other way round.
    assert_eq!((a_remote, a_local), (b_local, b_remote));
    send(&mut p, Side::A, ids, 1, 3);
    send(&mut p, Side::B, ids, 1, 3);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::B, 1).last(), Some(&(3, 0)));
    assert_eq!(received(&p, Side::A, 1).last(), Some(&(3, 0)));
    let tsn_at_b = p.inbox[1].last().unwrap().1.tsn;
    assert_eq!(tsn_at_b, *b_local);
}

#[test]
fn add_streams_both_ways() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    request(&mut p, a, |x, now| x.add_streams(now, 2, 3));
    settle(&mut p, ids);
    let sa = p.eps[0].assoc(a).unwrap().status();
    let sb = p.eps[1].assoc(b).unwrap().status();
    assert_eq!((sa.outbound_streams, sa.inbound_streams), (12, 13));
    assert_eq!((sb.outbound_streams, sb.inbound_streams), (13, 12));
    let change = |inbound, outbound| Event::StreamChange {
        result: ReconfResult::Performed,
        inbound,
        outbound,
    };
    // B: A's outgoing streams added (2 in), then B adds 3 outgoing at A's request, and
    // reports them again when A answered its Add Outgoing Streams (as Linux).
    assert_eq!(
        reconf_events(&p, Side::B),
        [change(2, 0), change(0, 3), change(0, 3)]
    );
    assert_eq!(reconf_events(&p, Side::A), [change(0, 2), change(3, 0)]);
    send(&mut p, Side::A, ids, 11, 0);
    send(&mut p, Side::B, ids, 12, 0);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::B, 11), [(0, 0)]);
    assert_eq!(received(&p, Side::A, 12), [(0, 0)]);
}

#[test]
fn lost_request_is_retransmitted() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    p.drop_next.push((Side::A, kind::RE_CONFIG));
    p.drop_next.push((Side::A, kind::RE_CONFIG));
    request(&mut p, a, |x, now| x.reset_streams(now, true, false, &[]));
    p.start_trace();
    settle(&mut p, ids);
    let sent: Vec<_> = p
        .take_trace()
        .into_iter()
        .filter(|s| s.from == Side::A && s.chunks.contains(&kind::RE_CONFIG))
        .map(|s| s.at)
        .collect();
    assert_eq!(sent.len(), 3, "two lost, the third answered");
    // RTO-based, backed off (initial RTO 3 s, doubled).
    assert!(sent[1] - sent[0] >= Duration::from_secs(3));
    assert!(sent[2] - sent[1] >= Duration::from_secs(6));
    let done = reset(false, true, ReconfResult::Performed, &[]);
    assert_eq!(reconf_events(&p, Side::A), std::slice::from_ref(&done));
    assert_eq!(reconf_events(&p, Side::B), [done]);
}

#[test]
fn lost_response_is_answered_again_from_the_stored_result() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    p.drop_next.push((Side::B, kind::RE_CONFIG));
    request(&mut p, a, |x, now| x.reset_assoc(now));
    p.start_trace();
    settle(&mut p, ids);
    assert_eq!(responses(&p.take_trace(), Side::B), [1, 1]);
    // Performed once on each side even though B saw the request twice.
    assert_eq!(reconf_events(&p, Side::A).len(), 1);
    assert_eq!(reconf_events(&p, Side::B).len(), 1);
    send(&mut p, Side::A, ids, 0, 9);
    p.run_for(Duration::from_secs(1));
    assert_eq!(received(&p, Side::B, 0), [(9, 0)]);
}

#[test]
fn reset_waits_for_missing_data_in_progress() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    // The DATA before the reset is lost once: B answers the request "In progress" until the
    // retransmission arrives, then performs it.
    p.drop_next.push((Side::A, kind::DATA));
    send(&mut p, Side::A, ids, 5, 0);
    p.flush();
    send(&mut p, Side::A, ids, 5, 1);
    p.flush();
    request(&mut p, a, |x, now| x.reset_streams(now, true, false, &[5]));
    send(&mut p, Side::A, ids, 5, 2);
    p.start_trace();
    settle(&mut p, ids);
    p.run_for(Duration::from_secs(5));
    // 6: In progress (until the request retransmitted on its timer finds the data there),
    // then 1: Performed.
    let r = responses(&p.take_trace(), Side::B);
    assert!(
        r.len() >= 2 && r[..r.len() - 1].iter().all(|x| *x == 6),
        "{r:?}"
    );
    assert_eq!(r.last(), Some(&1));
    assert_eq!(received(&p, Side::B, 5), [(0, 0), (1, 1), (2, 0)]);
    let done = reset(false, true, ReconfResult::Performed, &[5]);
    assert_eq!(reconf_events(&p, Side::B), [done]);
}

#[test]
fn stale_and_future_request_numbers_are_refused() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    request(&mut p, a, |x, now| x.add_streams(now, 1, 0));
    settle(&mut p, ids);
    // Replay A's request with a sequence number B never saw: "Bad Sequence Number", nothing
    // changes; A ignores the unexpected response.
    let before = p.eps[1].assoc(b).unwrap().status().inbound_streams;
    let vtag = p.eps[1].assoc(b).unwrap().local_tag;
    let seq = p.eps[1].assoc(b).unwrap().reconf_in_seq().wrapping_add(5);
    let chunk = crate::wire::Chunk::ReConfig(crate::wire::chunk::ReConfigChunk {
        params: vec![crate::wire::Param::AddOutgoingStreams {
            request_seq: seq,
            count: 7,
        }],
    });
    let bytes = super::pair::packet(super::pair::PORT_A, super::pair::PORT_B, vtag, &[chunk]);
    let src = p.addrs[0][0];
    p.start_trace();
    p.inject(Side::B, src, &bytes);
    p.run_for(Duration::from_secs(1));
    assert_eq!(responses(&p.take_trace(), Side::B), [5]);
    assert_eq!(p.eps[1].assoc(b).unwrap().status().inbound_streams, before);
    assert_eq!(reconf_events(&p, Side::B).len(), 1);
}

#[test]
fn hostile_reconfig_never_panics() {
    use crate::wire::chunk::ReConfigChunk;
    use crate::wire::{Chunk, Param};
    let (mut p, a, b) = pair(ALL, ALL, true);
    let ids = (a, b);
    let vtag = p.eps[1].assoc(b).unwrap().local_tag;
    let src = p.addrs[0][0];
    let base = p.eps[1].assoc(b).unwrap().reconf_in_seq();
    let mut rng = super::pair::TestRng::new(5);
    for _ in 0..3000 {
        // Sequence numbers near the expected one, so that many are processed.
        let seq = base.wrapping_add(rng.below(8) as u32).wrapping_sub(2);
        let streams: Vec<u16> = (0..rng.below(4)).map(|_| rng.below(70000) as u16).collect();
        let any = |rng: &mut super::pair::TestRng| rng.next_u64() as u32;
        let param = match rng.below(6) {
            0 => Param::OutgoingSsnReset {
                request_seq: seq,
                response_seq: any(&mut rng),
                last_tsn: any(&mut rng),
                streams,
            },
            1 => Param::IncomingSsnReset {
                request_seq: seq,
                streams,
            },
            2 => Param::SsnTsnReset { request_seq: seq },
            3 => Param::AddOutgoingStreams {
                request_seq: seq,
                count: rng.below(65536) as u16,
            },
            4 => Param::AddIncomingStreams {
                request_seq: seq,
                count: rng.below(65536) as u16,
            },
            _ => Param::ReconfigResponse {
                response_seq: any(&mut rng),
                result: rng.below(8) as u32,
                tsns: (rng.below(2) == 0).then(|| (any(&mut rng), any(&mut rng))),
            },
        };
        let chunk = Chunk::ReConfig(ReConfigChunk {
            params: vec![param],
        });
        let bytes = super::pair::packet(super::pair::PORT_A, super::pair::PORT_B, vtag, &[chunk]);
        p.inject(Side::B, src, &bytes);
        p.flush();
    }
    p.run_for(Duration::from_secs(5));
    // Whatever the peer asked for, B kept within the 16-bit stream space and still talks.
    let st = p.eps[1].assoc(b).unwrap().status();
    assert!(st.inbound_streams >= 10 && st.outbound_streams >= 10);
    assert_eq!(st.state, crate::assoc::AssocState::Established);
    let before = p.inbox[0].len();
    send(&mut p, Side::B, ids, 0, 42);
    p.run_for(Duration::from_secs(60));
    assert!(p.inbox[0].len() > before, "B's message did not arrive");
}

#[test]
fn only_the_streams_being_reset_wait() {
    let (mut p, a, b) = pair(ALL, ALL, false);
    let ids = (a, b);
    send(&mut p, Side::A, ids, 1, 0);
    p.run_for(Duration::from_secs(1));
    // The request is lost twice: the answer comes only after its retransmissions (RTO 1 s,
    // then 2 s).
    p.drop_next.push((Side::A, kind::RE_CONFIG));
    p.drop_next.push((Side::A, kind::RE_CONFIG));
    request(&mut p, a, |x, now| x.reset_streams(now, true, false, &[1]));
    send(&mut p, Side::A, ids, 2, 1);
    p.run_for(Duration::from_millis(500));
    assert!(p.eps[0].assoc(a).unwrap().reconf_pending());
    assert_eq!(received(&p, Side::B, 2), [(1, 0)]);
    // A message on the closed stream holds everything behind it (as Linux).
    send(&mut p, Side::A, ids, 1, 2);
    send(&mut p, Side::A, ids, 2, 3);
    p.run_for(Duration::from_millis(500));
    assert!(p.eps[0].assoc(a).unwrap().reconf_pending());
    assert_eq!(received(&p, Side::B, 1), [(0, 0)]);
    assert_eq!(received(&p, Side::B, 2), [(1, 0)]);
    settle(&mut p, ids);
    assert_eq!(received(&p, Side::B, 1), [(0, 0), (2, 0)]);
    assert_eq!(received(&p, Side::B, 2), [(1, 0), (3, 1)]);
}

#[test]
fn added_streams_count_at_once_and_go_again_when_refused() {
    for grant in [ALL, 0] {
        let (mut p, a, b) = pair(ALL, grant, false);
        let ids = (a, b);
        request(&mut p, a, |x, now| x.add_streams(now, 2, 0));
        // SCTP_STATUS shows the new streams at once, and a send on one is queued.
        assert_eq!(p.eps[0].assoc(a).unwrap().status().outbound_streams, 12);
        send(&mut p, Side::A, ids, 11, 7);
        settle(&mut p, ids);
        let st = p.eps[0].assoc(a).unwrap().status();
        if grant == ALL {
            assert_eq!(st.outbound_streams, 12);
            assert_eq!(received(&p, Side::B, 11), [(7, 0)]);
        } else {
            // Refused: the streams are gone and what was queued on them failed.
            assert_eq!(st.outbound_streams, 10);
            assert!(received(&p, Side::B, 11).is_empty());
            assert!(p.has_event(Side::A, |e| matches!(
                e,
                Event::SendFailed {
                    stream_id: 11,
                    sent: false,
                    ..
                }
            )));
        }
    }
}

#[test]
fn refused_assoc_reset_without_tsns_ends_the_request() {
    // usrsctp answers a refused SSN/TSN Reset without the two TSNs.
    let (mut p, a, _) = pair(ALL, ALL, false);
    p.drop_next.push((Side::A, kind::RE_CONFIG));
    request(&mut p, a, |x, now| x.reset_assoc(now));
    p.flush();
    let assoc = p.eps[0].assoc(a).unwrap();
    let (vtag, seq) = (assoc.local_tag, assoc.local_tsn);
    let chunk = crate::wire::Chunk::ReConfig(crate::wire::chunk::ReConfigChunk {
        params: vec![crate::wire::Param::ReconfigResponse {
            response_seq: seq,
            result: 2,
            tsns: None,
        }],
    });
    let bytes = super::pair::packet(super::pair::PORT_B, super::pair::PORT_A, vtag, &[chunk]);
    let src = p.addrs[1][0];
    p.inject(Side::A, src, &bytes);
    p.flush();
    assert!(!p.eps[0].assoc(a).unwrap().reconf_pending());
    assert_eq!(
        reconf_events(&p, Side::A),
        [Event::AssocReset {
            result: ReconfResult::Denied,
            local_tsn: 0,
            remote_tsn: 0
        }]
    );
}
