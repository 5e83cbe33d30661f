//! Path heartbeats (RFC 9260 8.3) and address confirmation (5.4). The Heartbeat Info we send
//! is opaque to the peer: version, the destination address, a random 64-bit nonce and the
//! send time in microseconds since the association's creation. Only an acknowledgement
//! echoing the nonce of the probe in flight counts: it confirms the address, clears the
//! error counters and gives an RTT measurement.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use super::association::Association;
use super::paths::Probe;
use super::tx::PathId;
use super::{AssocState, Event, Rng};

const VERSION: u8 = 1;
/// version, family, 16 address bytes, nonce.
pub(crate) const INFO_LEN: usize = 1 + 1 + 16 + 8;
/// HEARTBEAT ACKs waiting to go out are capped (a peer's heartbeats cannot queue memory).
const MAX_PENDING_ACKS: usize = 4;

/// Writes the Heartbeat Info for a probe to `addr`.
pub(crate) fn write_info(addr: IpAddr, nonce: u64) -> [u8; INFO_LEN] {
    let mut b = [0u8; INFO_LEN];
    b[0] = VERSION;
    match addr {
        IpAddr::V4(v4) => {
            b[1] = 4;
            b[2..6].copy_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            b[1] = 6;
            b[2..18].copy_from_slice(&v6.octets());
        }
    }
    b[18..26].copy_from_slice(&nonce.to_be_bytes());
    b
}

/// Reads back what `write_info` wrote; `None` for anything else.
pub(crate) fn read_info(info: &[u8]) -> Option<(IpAddr, u64)> {
    if info.len() != INFO_LEN || info[0] != VERSION {
        return None;
    }
    let addr = match info[1] {
        4 => IpAddr::V4(Ipv4Addr::new(info[2], info[3], info[4], info[5])),
        6 => {
            let mut o = [0u8; 16];
            o.copy_from_slice(&info[2..18]);
            IpAddr::V6(Ipv6Addr::from(o))
        }
        _ => return None,
    };
    let mut n = [0u8; 8];
    n.copy_from_slice(&info[18..26]);
    Some((addr, u64::from_be_bytes(n)))
}

impl Association {
    /// Starts the heartbeat timer of every path (on ESTABLISHED, restart).
    pub(crate) fn arm_heartbeats(&mut self, now: Instant) {
        for p in &mut self.paths.list {
            let j = self.rng.next_u32();
            p.arm_heartbeat(now, j);
        }
        // PLPMTUD set for the socket starts with the association (RFC 8899 5.2).
        if !self.cfg.probe_interval.is_zero() {
            self.set_probe_interval(now, None, self.cfg.probe_interval);
        }
    }

    /// Heartbeat timer of path `i` (8.3), for idle addresses: an unanswered probe counts as an
    /// error on the path
    /// and the association (8.1, 8.2) and backs the RTO off; then a new probe goes out.
    pub(crate) fn on_heartbeat_timer(&mut self, now: Instant, i: PathId) {
        // Not before the peer knows us, nor while T2-shutdown already probes it (an idle
        // peer that finished the shutdown would answer a heartbeat with an ABORT).
        if matches!(
            self.state,
            AssocState::CookieWait
                | AssocState::CookieEchoed
                | AssocState::ShutdownSent
                | AssocState::ShutdownAckSent
        ) {
            return;
        }
        if self.paths.list[i].t3.deadline().is_some() {
            // Not idle: T3-rtx watches this address already.
            let j = self.rng.next_u32();
            self.paths.list[i].arm_heartbeat(now, j);
            return;
        }
        if self.paths.list[i].probe.take().is_some() {
            self.paths.list[i].rto.backoff();
            if self.paths.list[i].confirmed {
                self.error_count += 1;
            }
            self.strike_path(i);
            if self.assoc_failed() {
                return;
            }
        }
        self.paths.list[i].hb_now = true;
        let j = self.rng.next_u32();
        self.paths.list[i].arm_heartbeat(now, j);
    }

    /// Called when a HEARTBEAT to path `i` is put in a packet: returns the info to send.
    pub(crate) fn start_probe(&mut self, now: Instant, i: PathId) -> [u8; INFO_LEN] {
        let mut nb = [0u8; 8];
        self.rng.fill(&mut nb);
        let nonce = u64::from_ne_bytes(nb);
        let p = &mut self.paths.list[i];
        p.hb_now = false;
        p.probe = Some(Probe { nonce, sent: now });
        let j = self.rng.next_u32();
        self.paths.list[i].arm_heartbeat(now, j);
        write_info(self.paths.list[i].addr, nonce)
    }

    /// 8.3: a HEARTBEAT is answered with its info, to the address it came from.
    pub(crate) fn on_heartbeat(&mut self, from: IpAddr, info: &[u8]) {
        if self.pending.hb_acks.len() < MAX_PENDING_ACKS {
            self.pending.hb_acks.push_back((from, info.to_vec()));
        }
    }

    /// 8.3 / 5.4: HEARTBEAT ACK with our nonce: RTT, confirmation, error counters cleared.
    pub(crate) fn on_heartbeat_ack(&mut self, now: Instant, info: &[u8]) {
        let Some((addr, nonce)) = read_info(info) else {
            return;
        };
        let Some(i) = self.paths.find(addr) else {
            return;
        };
        if self.on_pl_ack(i, nonce) {
            return;
        }
        let p = &mut self.paths.list[i];
        let Some(probe) = p.probe.filter(|pr| pr.nonce == nonce) else {
            return;
        };
        p.probe = None;
        p.rto.on_rtt(now.saturating_duration_since(probe.sent));
        self.stats.on_rto(p.rto.rto(), p.addr);
        self.error_count = 0;
        if self.paths.list[i].confirmed {
            self.path_reached(i);
        } else if let Some(change) = self.paths.list[i].confirm() {
            self.push_event(Event::PeerAddrChange {
                addr,
                change,
                error: 0,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_round_trip_and_rejects() {
        for a in ["192.0.2.7", "2001:db8::9"] {
            let addr: IpAddr = a.parse().unwrap();
            let info = write_info(addr, 0x0102030405060708);
            assert_eq!(read_info(&info), Some((addr, 0x0102030405060708)));
            assert_eq!(read_info(&info[..INFO_LEN - 1]), None);
            let mut bad = info;
            bad[1] = 5;
            assert_eq!(read_info(&bad), None);
        }
        assert_eq!(read_info(&[]), None);
    }
}
