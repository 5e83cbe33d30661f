//! UDP generic segmentation offload (Linux `UDP_SEGMENT`, 4.18+): consecutive packets of one
//! size for one destination leave in a single `sendmsg`, which the kernel cuts into datagrams
//! with one route lookup and one system call for up to [`MAX_SEGMENTS`] of them. With a
//! 1500-byte MTU a bulk sender otherwise pays a full `sendto` per 1452-byte packet (profile in
//! BENCHMARKS.md). Each datagram on the wire is the same as without GSO. A wildcard-bound
//! socket names the batch's source address in the same `sendmsg` ([`super::source`]).

use super::engine::UdpSlot;
use std::net::{IpAddr, SocketAddr};

/// The kernel's limit on segments per send (UDP_MAX_SEGMENTS is 64 before Linux 6.2).
pub const MAX_SEGMENTS: usize = 64;
/// Segments this small fit any path MTU (IPv6's minimum 1280 less IP and UDP headers).
const MIN_SEG: usize = 1232;
/// Payload bytes per send: an IPv6 datagram's 65535 minus its UDP header, rounded down.
const MAX_BYTES: usize = 65_000;

/// Packets waiting to leave together.
pub struct Batch {
    buf: Vec<u8>,
    /// The segment size: every packet but the last has exactly this length.
    seg: usize,
    count: usize,
    to: Option<SocketAddr>,
    /// The source address every packet of the batch names (wildcard binds), if any.
    from: Option<IpAddr>,
    /// Every packet of the batch is marked ECN-capable.
    ect: bool,
    udp: usize,
    /// The last packet was shorter than `seg`: nothing may follow it.
    closed: bool,
    /// Cleared for good when the kernel refuses UDP_SEGMENT.
    enabled: bool,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            buf: Vec::with_capacity(MAX_BYTES),
            seg: 0,
            count: 0,
            to: None,
            from: None,
            ect: false,
            udp: 0,
            closed: false,
            enabled: true,
        }
    }
}

impl Batch {
    /// Whether packets for `to` are ever merged: not once the kernel refused UDP_SEGMENT, and
    /// never to a loopback address: there the MTU already allows 64 KiB packets, and `lo`
    /// (like veth) passes the unsegmented batch to packet captures, where it would not
    /// decode as one SCTP packet per datagram.
    fn merges(&self, to: SocketAddr) -> bool {
        self.enabled && !is_loopback(to)
    }

    /// Whether a packet of `len` bytes for `to` through UDP socket `udp` may join the batch.
    fn fits(
        &self,
        udp: usize,
        to: SocketAddr,
        from: Option<IpAddr>,
        ect: bool,
        len: usize,
    ) -> bool {
        self.count > 0
            && !self.closed
            && self.udp == udp
            && self.to == Some(to)
            && self.from == from
            && self.ect == ect
            && len <= self.seg
            && self.count < MAX_SEGMENTS
            && self.buf.len() + len <= MAX_BYTES
    }

    /// Adds a packet (naming source `from`, see [`super::source::named`]; ECN-capable when
    /// `ect`), sending what was batched first if it cannot join.
    pub fn push(
        &mut self,
        udps: &[Option<UdpSlot>],
        udp: usize,
        to: SocketAddr,
        from: Option<IpAddr>,
        ect: bool,
        data: &[u8],
    ) {
        if !self.merges(to) {
            // Sent at once from the caller's buffer: no copy into the batch.
            self.flush(udps);
            if let Some(Some(slot)) = udps.get(udp) {
                send_one(&slot.udp, data, to, from, ect);
            }
            return;
        }
        if !self.fits(udp, to, from, ect, data.len()) {
            self.flush(udps);
            self.start(udp, to, from, ect, data.len());
        }
        self.append(data);
    }

    fn start(&mut self, udp: usize, to: SocketAddr, from: Option<IpAddr>, ect: bool, seg: usize) {
        self.seg = seg;
        self.to = Some(to);
        self.from = from;
        self.ect = ect;
        self.udp = udp;
    }

    fn append(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
        self.count += 1;
        self.closed = data.len() < self.seg;
    }

    /// Sends what is batched.
    pub fn flush(&mut self, udps: &[Option<UdpSlot>]) {
        if self.count == 0 {
            return;
        }
        if let (Some(Some(slot)), Some(to)) = (udps.get(self.udp), self.to) {
            let (udp, from, ect) = (&slot.udp, self.from, self.ect);
            if self.count == 1 {
                send_one(udp, &self.buf, to, from, ect);
            } else if let Err(e) = udp.send_msg(&self.buf, to, Some(self.seg), from, ect) {
                if e == libc::EAGAIN || e == libc::ENOBUFS {
                    // Loss is the protocol's business (retransmission).
                    tracing::trace!(errno = e, %to, "udp send");
                } else {
                    // Without a named source the refusal is UDP_SEGMENT's: stop using it.
                    // With one, it may be the source's (an address gone): the packets go one
                    // by one, each choosing its source again. EINVAL or EMSGSIZE for segments
                    // over a path MTU that ICMP just lowered (stack/pmtu.rs) is that batch's,
                    // not UDP_SEGMENT's.
                    let mtu = (e == libc::EINVAL || e == libc::EMSGSIZE) && self.seg > MIN_SEG;
                    if from.is_none() && !mtu {
                        tracing::debug!(errno = e, "UDP_SEGMENT refused; sending one by one");
                        self.enabled = false;
                    }
                    for p in self.buf.chunks(self.seg) {
                        send_one(udp, p, to, from, ect);
                    }
                }
            }
        }
        self.clear();
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.count = 0;
        self.closed = false;
    }
}

/// One packet in its own send.
fn send_one(udp: &super::udp::Udp, data: &[u8], to: SocketAddr, from: Option<IpAddr>, ect: bool) {
    if let Err(e) = super::source::send(udp, data, to, from, ect) {
        // Loss is the protocol's business (retransmission); note it for debugging.
        tracing::trace!(errno = e, %to, "udp send");
    }
}

fn is_loopback(to: SocketAddr) -> bool {
    match to.ip() {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(v6.is_loopback(), |v4| v4.is_loopback()),
        v4 => v4.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (segment size, count) of every send a sequence of packet lengths makes: `push`
    /// without sockets.
    fn batch_of(lens: &[usize]) -> Vec<(usize, usize)> {
        let to: SocketAddr = "10.0.0.2:9".parse().unwrap();
        let mut b = Batch::default();
        let mut sends = Vec::new();
        for &len in lens {
            if !b.fits(0, to, None, false, len) {
                if b.count > 0 {
                    sends.push((b.seg, b.count));
                }
                b.clear();
                b.start(0, to, None, false, len);
            }
            b.append(&vec![0u8; len]);
        }
        if b.count > 0 {
            sends.push((b.seg, b.count));
        }
        sends
    }

    #[test]
    fn equal_packets_share_a_send_and_a_short_one_ends_it() {
        assert_eq!(
            batch_of(&[1452, 1452, 1452, 700, 1452]),
            vec![(1452, 4), (1452, 1)]
        );
        // A longer packet cannot follow shorter segments.
        assert_eq!(batch_of(&[100, 1452]), vec![(100, 1), (1452, 1)]);
    }

    #[test]
    fn batches_respect_segment_and_byte_limits() {
        let sends = batch_of(&[1452; 100]);
        assert_eq!(sends[0], (1452, 44)); // 44 * 1452 = 63888 <= 65000 < 45 * 1452
        assert_eq!(sends.iter().map(|s| s.1).sum::<usize>(), 100);
        let small = batch_of(&[100; 130]);
        assert_eq!(small, vec![(100, 64), (100, 64), (100, 2)]);
    }

    #[test]
    fn loopback_packets_are_never_merged() {
        for (to, merged) in [
            ("127.0.0.1:9", false),
            ("[::1]:9", false),
            ("[::ffff:127.0.0.1]:9", false),
            ("10.0.0.2:9", true),
        ] {
            let to: SocketAddr = to.parse().unwrap();
            assert_eq!(Batch::default().merges(to), merged, "{to}");
        }
    }

    #[test]
    fn packets_naming_another_source_start_another_send() {
        let to: SocketAddr = "10.0.0.2:9".parse().unwrap();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b = Batch {
            count: 1,
            seg: 100,
            to: Some(to),
            from: Some(a),
            ..Batch::default()
        };
        assert!(b.fits(0, to, Some(a), false, 100));
        assert!(!b.fits(0, to, Some("10.0.1.1".parse().unwrap()), false, 100));
        assert!(!b.fits(0, to, None, false, 100));
        // ECN-capable packets and others leave in separate sends (the mark is per send).
        assert!(!b.fits(0, to, Some(a), true, 100));
    }
}
