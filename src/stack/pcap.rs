//! `SCTPSHIM_PCAP=file`: every SCTP packet sent and received, as it travels inside UDP, in a
//! pcap file (LINKTYPE_RAW: IPv4 and IPv6 packets whose IP and UDP headers we build).
//!
//! Wireshark and tshark decode UDP port 9899 as SCTP by themselves; for other ports (mirror
//! mode) add `-d udp.port==P,sctp` (tshark) or "Decode As" (Wireshark).

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;

/// LINKTYPE_RAW: the packet starts with an IPv4 or IPv6 header.
const LINKTYPE_RAW: u32 = 101;

pub struct Pcap {
    fd: OwnedFd,
    buf: Vec<u8>,
}

/// RFC 1071 ones' complement sum, folded.
fn csum_add(mut sum: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        sum += (*last as u32) << 8;
    }
    sum
}

fn csum_fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Build the IP + UDP headers for `payload` from `src` to `dst` into `out` (cleared first).
pub fn encapsulate(out: &mut Vec<u8>, src: SocketAddr, dst: SocketAddr, payload: &[u8]) {
    out.clear();
    let udp_len = (8 + payload.len()).min(65535) as u16;
    let mut udp = [0u8; 8];
    udp[0..2].copy_from_slice(&src.port().to_be_bytes());
    udp[2..4].copy_from_slice(&dst.port().to_be_bytes());
    udp[4..6].copy_from_slice(&udp_len.to_be_bytes());
    let pseudo = match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let total = (20 + udp_len as usize).min(65535) as u16;
            let mut ip = [0u8; 20];
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&total.to_be_bytes());
            ip[6] = 0x40; // DF
            ip[8] = 64;
            ip[9] = 17;
            ip[12..16].copy_from_slice(&s.octets());
            ip[16..20].copy_from_slice(&d.octets());
            let c = csum_fold(csum_add(0, &ip));
            ip[10..12].copy_from_slice(&c.to_be_bytes());
            out.extend_from_slice(&ip);
            csum_add(csum_add(csum_add(0, &s.octets()), &d.octets()), &[0, 17]) + udp_len as u32
        }
        (s, d) => {
            let to6 = |a: IpAddr| match a {
                IpAddr::V4(v4) => v4.to_ipv6_mapped(),
                IpAddr::V6(v6) => v6,
            };
            let (s, d) = (to6(s), to6(d));
            let mut ip = [0u8; 40];
            ip[0] = 0x60;
            ip[4..6].copy_from_slice(&udp_len.to_be_bytes());
            ip[6] = 17;
            ip[7] = 64;
            ip[8..24].copy_from_slice(&s.octets());
            ip[24..40].copy_from_slice(&d.octets());
            out.extend_from_slice(&ip);
            csum_add(csum_add(0, &s.octets()), &d.octets()) + udp_len as u32 + 17
        }
    };
    let sum = csum_add(csum_add(pseudo, &udp), payload);
    let c = match csum_fold(sum) {
        0 => 0xffff,
        c => c,
    };
    udp[6..8].copy_from_slice(&c.to_be_bytes());
    out.extend_from_slice(&udp);
    out.extend_from_slice(payload);
}

impl Pcap {
    /// Create (truncate) the file and write the global header; None (with a message) on error.
    pub fn create(path: &OsString) -> Option<Pcap> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = match rustix::fs::open(path.as_os_str(), flags, Mode::from_raw_mode(0o644)) {
            Ok(f) => f,
            Err(e) => {
                super::log::stderr_line(&format!("sctpshim: cannot open SCTPSHIM_PCAP: {e}"));
                return None;
            }
        };
        let fd = super::fds::move_high(std::os::fd::IntoRawFd::into_raw_fd(fd)).ok()?;
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&0xa1b2_c3d4u32.to_ne_bytes());
        h.extend_from_slice(&2u16.to_ne_bytes());
        h.extend_from_slice(&4u16.to_ne_bytes());
        h.extend_from_slice(&0i32.to_ne_bytes());
        h.extend_from_slice(&0u32.to_ne_bytes());
        h.extend_from_slice(&65535u32.to_ne_bytes());
        h.extend_from_slice(&LINKTYPE_RAW.to_ne_bytes());
        let mut p = Pcap {
            fd,
            buf: Vec::with_capacity(65536 + 64),
        };
        p.write(&h);
        Some(p)
    }

    fn write(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            match rustix::io::write(&self.fd, b) {
                Ok(0) | Err(_) => return,
                Ok(n) => b = &b[n..],
            }
        }
    }

    /// Record one SCTP packet carried in UDP from `src` to `dst`.
    pub fn packet(&mut self, src: SocketAddr, dst: SocketAddr, sctp: &[u8]) {
        let mut frame = std::mem::take(&mut self.buf);
        encapsulate(&mut frame, src, dst, sctp);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let mut rec = [0u8; 16];
        rec[0..4].copy_from_slice(&(t.as_secs() as u32).to_ne_bytes());
        rec[4..8].copy_from_slice(&t.subsec_micros().to_ne_bytes());
        rec[8..12].copy_from_slice(&(frame.len() as u32).to_ne_bytes());
        rec[12..16].copy_from_slice(&(frame.len() as u32).to_ne_bytes());
        self.write(&rec);
        self.write(&frame);
        self.buf = frame;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_headers_and_checksums_verify() {
        let mut out = Vec::new();
        let src: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let dst: SocketAddr = "127.0.0.2:9899".parse().unwrap();
        encapsulate(&mut out, src, dst, b"sctp-packet");
        assert_eq!(out.len(), 20 + 8 + 11);
        assert_eq!(out[0], 0x45);
        assert_eq!(u16::from_be_bytes([out[2], out[3]]), 39);
        // A correct header checksum sums to 0xffff (folds to 0).
        assert_eq!(csum_fold(csum_add(0, &out[..20])), 0);
        // UDP: pseudo header + UDP header + payload sums to 0 as well.
        let pseudo = csum_add(csum_add(0, &out[12..20]), &[0, 17]) + 19;
        assert_eq!(csum_fold(csum_add(pseudo, &out[20..])), 0);
        assert_eq!(u16::from_be_bytes([out[22], out[23]]), 9899);
    }

    #[test]
    fn ipv6_headers_and_checksum_verify() {
        let mut out = Vec::new();
        let src: SocketAddr = "[::1]:1".parse().unwrap();
        let dst: SocketAddr = "[::1]:2".parse().unwrap();
        encapsulate(&mut out, src, dst, b"odd");
        assert_eq!(out.len(), 40 + 8 + 3);
        assert_eq!(out[0] >> 4, 6);
        assert_eq!(out[6], 17);
        let pseudo = csum_add(0, &out[8..40]) + 11 + 17;
        assert_eq!(csum_fold(csum_add(pseudo, &out[40..])), 0);
    }
}
