//! SCTP_GET_ASSOC_STATS counters (Linux `struct sctp_priv_assoc_stats`, counted where Linux
//! counts them): packets and control chunks each way, DATA received (ordered, unordered,
//! duplicate, out of sequence), SACKs sent, and the largest RTO computed since the last read.
//! The send-side DATA and SACK counters are the outstanding queue's ([`super::tx::TxStats`]).

use std::net::IpAddr;
use std::time::Duration;

use super::association::Association;
use crate::wire::chunk::kind;

/// Every counter of `struct sctp_assoc_stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssocStats {
    /// Packets received for / sent by this association (`sas_ipackets`, `sas_opackets`).
    pub ipackets: u64,
    pub opackets: u64,
    /// Control chunks received / sent (`sas_ictrlchunks`, `sas_octrlchunks`).
    pub ictrlchunks: u64,
    pub octrlchunks: u64,
    /// SACKs received / sent (`sas_isacks`, `sas_osacks`).
    pub isacks: u64,
    pub osacks: u64,
    /// New DATA chunks received, ordered / unordered (`sas_iodchunks`, `sas_iuodchunks`).
    pub iodchunks: u64,
    pub iuodchunks: u64,
    /// DATA sent for the first time, ordered / unordered (`sas_oodchunks`, `sas_ouodchunks`).
    pub oodchunks: u64,
    pub ouodchunks: u64,
    /// Duplicate DATA received (`sas_idupchunks`).
    pub idupchunks: u64,
    /// New DATA whose TSN was not the next expected one (`sas_outofseqtsns`).
    pub outofseqtsns: u64,
    /// Gap ack blocks in SACKs received (`sas_gapcnt`).
    pub gapcnt: u64,
    /// DATA chunks retransmitted (`sas_rtxchunks`).
    pub rtxchunks: u64,
    /// Largest RTO computed since the last read, and the peer address of that path
    /// (`sas_maxrto`, `sas_obs_rto_ipaddr`).
    pub max_rto: Duration,
    pub max_rto_addr: Option<IpAddr>,
}

impl AssocStats {
    /// A packet for this association passed the verification tag check.
    pub(crate) fn on_packet_in(&mut self) {
        self.ipackets += 1;
    }

    /// A chunk of a received packet is about to be processed (DATA is counted by
    /// [`on_data_in`](Self::on_data_in)).
    pub(crate) fn on_chunk_in(&mut self, is_data: bool) {
        if !is_data {
            self.ictrlchunks += 1;
        }
    }

    /// A received DATA chunk: `new` (else a duplicate), `unordered`, and whether it came
    /// right after the cumulative ack point.
    pub(crate) fn on_data_in(&mut self, new: bool, unordered: bool, in_sequence: bool) {
        if !new {
            self.idupchunks += 1;
            return;
        }
        if unordered {
            self.iuodchunks += 1;
        } else {
            self.iodchunks += 1;
        }
        if !in_sequence {
            self.outofseqtsns += 1;
        }
    }

    /// A packet leaves: counts it and its control chunks (a walk over the chunk headers
    /// after the 12-byte common header; DATA is counted when produced).
    pub(crate) fn on_packet_out(&mut self, pkt: &[u8]) {
        self.opackets += 1;
        let mut at = 12;
        while let Some(h) = pkt.get(at..at + 4) {
            let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
            if h[0] != kind::DATA && h[0] != kind::I_DATA {
                self.octrlchunks += 1;
            }
            if h[0] == kind::SACK {
                self.osacks += 1;
            }
            if len < 4 {
                break;
            }
            at += len.div_ceil(4) * 4;
        }
    }

    /// An RTO was computed for the path to `addr` (Linux `sctp_transport_update_rto`).
    pub(crate) fn on_rto(&mut self, rto: Duration, addr: IpAddr) {
        if rto > self.max_rto {
            self.max_rto = rto;
            self.max_rto_addr = Some(addr);
        }
    }
}

impl Association {
    /// SCTP_GET_ASSOC_STATS. As Linux, reading starts a new observation period for the
    /// largest RTO: it restarts from RTO.Min.
    pub fn take_stats(&mut self) -> AssocStats {
        let tx = self.outstanding.stats();
        let out = AssocStats {
            isacks: tx.isacks,
            gapcnt: tx.gapcnt,
            rtxchunks: tx.rtxchunks,
            oodchunks: tx.oodchunks,
            ouodchunks: tx.ouodchunks,
            ..self.stats
        };
        self.stats.max_rto = self.cfg.rto_min;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_packet_walk_counts_control_chunks() {
        let mut s = AssocStats::default();
        // Common header, SACK (16 bytes), DATA (17 bytes, padded to 20), HEARTBEAT (6 -> 8).
        let mut pkt = vec![0u8; 12];
        pkt.extend_from_slice(&[kind::SACK, 0, 0, 16]);
        pkt.extend_from_slice(&[0; 12]);
        pkt.extend_from_slice(&[kind::DATA, 3, 0, 17]);
        pkt.extend_from_slice(&[0; 16]);
        pkt.extend_from_slice(&[kind::HEARTBEAT, 0, 0, 6, 0, 0, 0, 0]);
        s.on_packet_out(&pkt);
        assert_eq!((s.opackets, s.octrlchunks, s.osacks), (1, 2, 1));
        // A corrupt length ends the walk without panicking.
        s.on_packet_out(
            &[0; 12]
                .iter()
                .chain(&[kind::SACK, 0, 0, 0])
                .copied()
                .collect::<Vec<_>>(),
        );
        assert_eq!((s.opackets, s.octrlchunks), (2, 3));
    }

    #[test]
    fn data_in_counters() {
        let mut s = AssocStats::default();
        s.on_data_in(true, false, true);
        s.on_data_in(true, true, false);
        s.on_data_in(false, false, true);
        assert_eq!(
            (s.iodchunks, s.iuodchunks, s.outofseqtsns, s.idupchunks),
            (1, 1, 1, 1)
        );
        let a: IpAddr = "10.0.0.2".parse().unwrap();
        s.on_rto(Duration::from_millis(300), a);
        s.on_rto(Duration::from_millis(200), "10.0.0.3".parse().unwrap());
        assert_eq!(
            (s.max_rto, s.max_rto_addr),
            (Duration::from_millis(300), Some(a))
        );
    }

    #[test]
    fn pair_traffic_fills_both_sides() {
        use crate::assoc::tests::pair::Pair;
        use crate::assoc::OutgoingMessage;
        let mut p = Pair::new(50);
        let (a, b) = p.connected();
        let now = p.now;
        for i in 0..10u8 {
            let m = OutgoingMessage {
                stream_id: 1,
                unordered: i % 2 == 1,
                payload: vec![i; 300],
                ..OutgoingMessage::default()
            };
            p.eps[0].assoc_mut(a).unwrap().send(now, m).unwrap();
        }
        p.run_until(Duration::from_secs(10), |p| p.inbox[1].len() == 10);
        p.run_for(Duration::from_secs(1));
        let sa = p.eps[0].assoc_mut(a).unwrap().take_stats();
        let sb = p.eps[1].assoc_mut(b).unwrap().take_stats();
        assert_eq!((sa.oodchunks, sa.ouodchunks), (5, 5));
        assert_eq!((sb.iodchunks, sb.iuodchunks, sb.idupchunks), (5, 5, 0));
        assert!(sa.isacks >= 1 && sb.osacks >= sa.isacks);
        assert!(sa.opackets >= 2 && sb.ipackets >= 2);
        // COOKIE ECHO / COOKIE ACK and the SACKs are control chunks.
        assert!(sa.octrlchunks >= 1 && sb.ictrlchunks >= 1 && sb.octrlchunks >= sb.osacks);
        // An RTT was measured from the SACKs: the largest RTO is known, then reset on read.
        assert!(sa.max_rto > Duration::ZERO && sa.max_rto_addr.is_some());
        let again = p.eps[0].assoc_mut(a).unwrap().take_stats();
        assert_eq!(
            again.max_rto,
            p.eps[0].assoc_mut(a).unwrap().config().rto_min
        );
    }
}
