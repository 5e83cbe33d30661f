//! RFC 5061 requests the peer refuses, handled as Linux `sctp_process_asconf_ack`: a refused
//! Add IP Address is not added, a refused Delete IP Address keeps the address; an
//! Unrecognized Parameter turns that kind of request off; Operation Refused Due to Resource
//! Shortage aborts the association. The refusals the pair's peer never makes are forged: B's
//! ASCONF ACK signed with B's own AUTH state.

use std::net::IpAddr;
use std::time::Duration;

use super::pair::{addr, packet, Pair, Sent, Side, PORT_A, PORT_B};
use crate::assoc::{AssocConfig, AssocId, Event, PathChange};
use crate::wire::cause::code;
use crate::wire::chunk::{kind, AsconfAckChunk};
use crate::wire::{Chunk, Packet, Param};

fn on() -> AssocConfig {
    AssocConfig {
        auth_supported: true,
        asconf_supported: true,
        ..AssocConfig::default()
    }
}

/// Serial and correlation ids of the last ASCONF A sent.
fn sent_asconf(trace: &[Sent]) -> (u32, Vec<u32>) {
    trace
        .iter()
        .rev()
        .filter(|s| s.from == Side::A)
        .find_map(|s| {
            let pkt = Packet::parse(&s.bytes).ok()?;
            pkt.chunks().find_map(|c| match c {
                Ok(Chunk::Asconf(a)) => {
                    let cids = a
                        .params
                        .iter()
                        .filter_map(|p| match p {
                            Param::AddIpAddress { correlation_id, .. }
                            | Param::DeleteIpAddress { correlation_id, .. }
                            | Param::SetPrimaryAddress { correlation_id, .. } => {
                                Some(*correlation_id)
                            }
                            _ => None,
                        })
                        .collect();
                    Some((a.serial, cids))
                }
                _ => None,
            })
        })
        .expect("an ASCONF from A")
}

/// B's ASCONF ACK for `serial` refusing request `cid` with a bare cause `cause`, signed as B
/// signs (RFC 4895 6.2).
fn refusal_from_b(p: &Pair, b: AssocId, serial: u32, cid: u32, cause: u16) -> Vec<u8> {
    let bx = p.eps[1].assoc(b).expect("association");
    let c = cause.to_be_bytes();
    let causes = [c[0], c[1], 0, 4];
    let ack = Chunk::AsconfAck(AsconfAckChunk {
        serial,
        params: vec![Param::ErrorCauseIndication {
            correlation_id: cid,
            causes: &causes,
        }],
    });
    let mut bytes = packet(PORT_B, PORT_A, bx.peer_tag, &[ack]);
    let len = bytes.len();
    bytes.resize(len + 64, 0);
    let n = bx.auth.as_ref().expect("AUTH").sign(&mut bytes, len);
    bytes.truncate(n);
    let crc = crate::wire::packet::checksum(&bytes);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
    bytes
}

/// A asks to add `x`; B's answer is lost, and a forged one refuses it with `cause`.
fn add_refused_with(p: &mut Pair, a: AssocId, b: AssocId, x: IpAddr, cause: u16) {
    p.drop_next.push((Side::B, kind::ASCONF_ACK));
    p.start_trace();
    let now = p.now;
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert!(ax.add_local_address(now, x));
    p.run_for(Duration::from_millis(50));
    let (serial, cids) = sent_asconf(&p.take_trace());
    let ack = refusal_from_b(p, b, serial, cids[0], cause);
    let from = p.addrs[1][0];
    p.inject(Side::A, from, &ack);
}

/// Runs until A's ASCONF is answered: A's addresses then.
fn answered_with(p: &mut Pair, a: AssocId) -> Vec<IpAddr> {
    p.run_until(Duration::from_secs(5), |p| {
        !p.eps[0].assoc(a).expect("association").asconf_pending()
    });
    p.eps[0]
        .assoc(a)
        .expect("association")
        .local_addrs()
        .to_vec()
}

#[test]
fn a_refused_add_is_not_added_and_the_association_goes_on() {
    let mut p = Pair::with(110, on(), on(), 2);
    let (a, b) = p.connected();
    let x = addr("10.9.0.1");
    add_refused_with(&mut p, a, b, x, code::NO_AUTHORIZATION);
    let ax = p.eps[0].assoc(a).expect("association");
    assert!(!ax.asconf_pending(), "the refusal answered the ASCONF");
    assert!(!ax.local_addrs().contains(&x));
    // Not a kind the peer failed to recognize: the next request goes out (B, which had
    // accepted the first, answers it with success).
    let now = p.now;
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert!(ax.add_local_address(now, x));
    assert!(answered_with(&mut p, a).contains(&x));
    let added = p.events[1].iter().any(|(_, e)| {
        matches!(e, Event::PeerAddrChange { addr, change: PathChange::Added, .. } if *addr == x)
    });
    assert!(added);
}

/// Linux `addip_disabled_mask`: once the peer did not recognize Add IP Address, no more are
/// sent; other requests still are.
#[test]
fn an_unrecognized_request_kind_is_not_sent_again() {
    let mut p = Pair::with(111, on(), on(), 2);
    let (a, b) = p.connected();
    add_refused_with(&mut p, a, b, addr("10.9.0.1"), code::UNRECOGNIZED_PARAMS);
    let now = p.now;
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert!(!ax.asconf_pending());
    assert!(!ax.add_local_address(now, addr("10.9.0.2")));
    assert!(!ax.peer_primary_disabled());
    assert!(ax.set_peer_primary(now, addr("10.0.1.1")));
}

/// Linux `sctp_sf_do_asconf_ack`: an ASCONF ACK reporting a resource shortage aborts the
/// association: ABORT with that cause to the peer, COMM_LOST with Illegal ASCONF-ACK here.
#[test]
fn a_resource_shortage_aborts_the_association() {
    let mut p = Pair::with(112, on(), on(), 2);
    let (a, b) = p.connected();
    add_refused_with(&mut p, a, b, addr("10.9.0.1"), code::RESOURCE_SHORTAGE);
    p.run_for(Duration::from_millis(100));
    let lost = p.events[0]
        .iter()
        .find_map(|(_, e)| match e {
            Event::Lost { error, causes } => Some((*error, causes.clone())),
            _ => None,
        })
        .expect("COMM_LOST");
    assert_eq!(lost, (code::ILLEGAL_ASCONF_ACK, Vec::new()));
    let peer_lost = p.events[1].iter().find_map(|(_, e)| match e {
        Event::Lost { error, .. } => Some(*error),
        _ => None,
    });
    assert_eq!(peer_lost, Some(code::RESOURCE_SHORTAGE));
}

/// A refused Delete IP Address keeps the address on the association, but it is no longer a
/// source (Linux marks it for deletion at the request).
#[test]
fn a_refused_delete_keeps_the_address_without_using_it_as_source() {
    let mut p = Pair::with(113, on(), on(), 2);
    let (a, _b) = p.connected();
    p.run_for(Duration::from_secs(5));
    let src = p.addrs[0][0];
    let now = p.now;
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert!(ax.paths.list.iter().any(|x| x.local == Some(src)));
    assert!(ax.remove_local_address(now, src));
    assert!(ax.paths.list.iter().all(|x| x.local != Some(src)));
    // B refuses: A's packets come from `src` (5.2.1 D8).
    assert!(answered_with(&mut p, a).contains(&src));
}
