//! RFC 4895 shared keys changed on live associations (RFC 6458 8.1.21-8.1.23 and 8.3.3 as
//! Linux applies them with an association id): a key set and activated on one side signs its
//! packets from then on, the other side accepts them when it holds the key and reports
//! SCTP_AUTH_NEW_KEY; deactivation reports SCTP_AUTH_FREE_KEY; Linux's refusals.

use std::time::Duration;

use super::pair::{Pair, Side};
use crate::assoc::auth::KeyError;
use crate::assoc::{AssocConfig, AssocId, AuthIndication, Event};
use crate::wire::chunk::kind;
use crate::wire::{Chunk, Packet};

/// AUTH on, DATA authenticated both ways.
fn cfg() -> AssocConfig {
    AssocConfig {
        auth_supported: true,
        auth_chunks: vec![kind::DATA],
        ..AssocConfig::default()
    }
}

/// B sends one message; the key ids of the AUTH chunks of B's DATA packets.
fn b_sends(p: &mut Pair, b: AssocId, byte: u8, wait: Duration) -> Vec<u16> {
    p.start_trace();
    p.send_message(Side::B, b, vec![byte; 64]);
    let want = p.inbox[0].len() + 1;
    p.run_until(wait, |p| p.inbox[0].len() == want);
    p.take_trace()
        .iter()
        .filter(|s| s.from == Side::B && s.chunks.contains(&kind::DATA))
        .filter_map(|s| {
            let pkt = Packet::parse(&s.bytes).ok()?;
            pkt.chunks().find_map(|c| match c {
                Ok(Chunk::Auth(a)) => Some(a.shared_key_id),
                _ => None,
            })
        })
        .collect()
}

fn auth_events(p: &Pair, side: Side) -> Vec<(u16, AuthIndication)> {
    p.events[side.idx()]
        .iter()
        .filter_map(|(_, e)| match e {
            Event::AuthKey { key_id, indication } => Some((*key_id, *indication)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_key_activated_on_an_association_signs_from_then_on() {
    let mut p = Pair::with(95, cfg(), cfg(), 1);
    let (a, b) = p.connected();
    assert_eq!(b_sends(&mut p, b, 1, Duration::from_secs(2)), vec![0]);
    assert!(auth_events(&p, Side::A).is_empty(), "the active key 0");

    for (side, id) in [(Side::A, a), (Side::B, b)] {
        let assoc = p.ep(side).assoc_mut(id).expect("association");
        assert_eq!(assoc.auth_set_key(5, b"five"), Ok(()));
    }
    let bx = p.ep(Side::B).assoc_mut(b).expect("association");
    assert_eq!(bx.auth_activate_key(5), Ok(()));
    assert_eq!(bx.auth_active_key(), Some(5));
    assert_eq!(b_sends(&mut p, b, 2, Duration::from_secs(2)), vec![5]);
    assert_eq!(p.inbox[0].len(), 2);
    // A's active key is still 0: the peer's use of key 5 is reported.
    assert_eq!(auth_events(&p, Side::A), vec![(5, AuthIndication::NewKey)]);

    // A key only B holds: A cannot verify, drops the DATA, until it learns the key.
    let bx = p.ep(Side::B).assoc_mut(b).expect("association");
    assert_eq!(bx.auth_set_key(7, b"seven"), Ok(()));
    assert_eq!(bx.auth_activate_key(7), Ok(()));
    let ids = b_sends(&mut p, b, 3, Duration::from_secs(2));
    assert!(!ids.is_empty() && ids.iter().all(|&k| k == 7));
    assert_eq!(p.inbox[0].len(), 2, "unverifiable DATA accepted");
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert_eq!(ax.auth_set_key(7, b"seven"), Ok(()));
    p.run_until(Duration::from_secs(10), |p| p.inbox[0].len() == 3);
    assert_eq!(p.inbox[0].len(), 3, "retransmission accepted with the key");
    assert_eq!(p.inbox[0][2].1.payload, vec![3; 64]);
}

#[test]
fn deactivate_and_delete_follow_linux() {
    let mut p = Pair::with(96, cfg(), cfg(), 1);
    let (a, b) = p.connected();
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert_eq!(ax.auth_set_key(1, b"one"), Ok(()));
    // The active key can be neither deactivated nor deleted; unknown keys are refused.
    assert_eq!(ax.auth_deactivate_key(0), Err(KeyError::Invalid));
    assert_eq!(ax.auth_delete_key(0), Err(KeyError::Invalid));
    assert_eq!(ax.auth_activate_key(9), Err(KeyError::Invalid));
    assert_eq!(ax.auth_deactivate_key(9), Err(KeyError::Invalid));
    // Deactivated: SCTP_AUTH_FREE_KEY at once (nothing queued holds a key), and it cannot be
    // made active again.
    assert_eq!(ax.auth_deactivate_key(1), Ok(()));
    assert_eq!(ax.auth_activate_key(1), Err(KeyError::Invalid));
    p.flush();
    assert_eq!(auth_events(&p, Side::A), vec![(1, AuthIndication::FreeKey)]);
    // Set again, it is a fresh key: active again, then deletable once not active.
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert_eq!(ax.auth_set_key(1, b"one again"), Ok(()));
    assert_eq!(ax.auth_activate_key(1), Ok(()));
    assert_eq!(ax.auth_delete_key(0), Ok(()));
    assert_eq!(ax.auth_activate_key(0), Err(KeyError::Invalid));
    // B needs A's new active key to accept A's DATA: given it, traffic flows, and B sees
    // the peer use a key that is not B's active one.
    let bx = p.ep(Side::B).assoc_mut(b).expect("association");
    assert_eq!(bx.auth_set_key(1, b"one again"), Ok(()));
    p.send_message(Side::A, a, b"signed with key 1".to_vec());
    p.run_until(Duration::from_secs(2), |p| !p.inbox[1].is_empty());
    assert_eq!(p.inbox[1].len(), 1);
    assert!(auth_events(&p, Side::B).contains(&(1, AuthIndication::NewKey)));
}

#[test]
fn without_auth_key_operations_are_refused_and_no_auth_is_reported() {
    let mut p = Pair::new(97);
    let (a, _) = p.connected();
    assert_eq!(auth_events(&p, Side::A), vec![(0, AuthIndication::NoAuth)]);
    let ax = p.ep(Side::A).assoc_mut(a).expect("association");
    assert_eq!(ax.auth_set_key(1, b"x"), Err(KeyError::NotInUse));
    assert_eq!(ax.auth_activate_key(0), Err(KeyError::NotInUse));
    assert_eq!(ax.auth_active_key(), None);
    // With AUTH negotiated there is no NO_AUTH.
    let mut p = Pair::with(98, cfg(), cfg(), 1);
    p.connected();
    assert!(auth_events(&p, Side::A).is_empty());
    assert!(auth_events(&p, Side::B).is_empty());
}
