//! RFC 6951 5.4: the UDP encapsulation port is learned per peer address, after the
//! verification tag check, and kept for that address only (a NAT may map each of a
//! multi-homed peer's addresses to another port).

use super::pair::{Pair, Side, PORT_B};
use crate::assoc::AssocConfig;

#[test]
fn each_peer_address_keeps_its_own_udp_port() {
    let mut p = Pair::with(11, AssocConfig::default(), AssocConfig::default(), 2);
    let (a, b) = p.connected();
    let (a2, b1, b2) = (p.addrs[0][1], p.addrs[1][0], p.addrs[1][1]);
    // B probes A's second address; the packet reaches A from B's second address through a
    // mapping that changed its UDP source port.
    p.take_packets(Side::B);
    assert!(p.ep(Side::B).assoc_mut(b).unwrap().request_heartbeat(a2));
    let probes = p.take_packets(Side::B);
    let (_, hb) = probes
        .iter()
        .find(|(t, _)| t.remote == a2)
        .expect("B sends a HEARTBEAT to A's second address");
    let now = p.now;
    let mut next = 100;
    let mut alloc = || {
        next += 1;
        next
    };
    p.ep(Side::A)
        .handle_packet(now, a2, b2, 40_000, hb, false, &mut alloc);
    let answers = p.take_packets(Side::A);
    let (ack, _) = answers
        .iter()
        .find(|(t, _)| t.remote == b2)
        .expect("A answers the HEARTBEAT");
    assert_eq!(ack.remote_udp_port, 40_000);
    let info = |p: &Pair, ip| p.eps[0].assoc(a).unwrap().path_info(ip).unwrap().udp_port;
    assert_eq!(info(&p, b2), 40_000);
    assert_eq!(info(&p, b1), PORT_B, "the other address keeps its port");

    // A packet with a wrong verification tag teaches nothing (5.4: after the tag check).
    let mut forged = hb.clone();
    forged[4..8].copy_from_slice(&0xdead_beefu32.to_be_bytes());
    let crc = crate::wire::packet::checksum(&forged);
    forged[8..12].copy_from_slice(&crc.to_le_bytes());
    p.ep(Side::A)
        .handle_packet(now, a2, b1, 41_000, &forged, false, &mut alloc);
    assert_eq!(info(&p, b1), PORT_B);
}
