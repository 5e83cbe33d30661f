//! Records on the app-fd socketpair (one AF_UNIX SEQPACKET record per message piece).
//!
//! stack -> app: every record starts with a [`RecvHeader`] that the recv/read hooks strip with a
//! scatter read (iov[0] = header), so the payload lands in the caller's buffer without a copy.
//! app -> stack: a record may start with a [`SendHeader`] (sendmsg/sendto with metadata, or a
//! write split into pieces); a record without the magic is plain payload with default metadata.
//! Both headers start with the per-process random magic, so a payload is never mistaken for one
//! except with probability 2^-64.
//!
//! A message larger than [`MAX_RECORD`] spans several records; all but the last carry
//! [`FLAG_MORE`]. A message under partial delivery comes in pieces, each of one or more
//! records: all of them carry [`FLAG_MORE`] but those of the last piece's last record, and
//! each piece's last record carries [`FLAG_PIECE_END`]. Layouts are native-endian: both ends are this process (or its fork children).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Largest payload of one record, both directions (a 64 KiB message is one record).
pub const MAX_RECORD: usize = 65536;

/// More records of this message follow.
pub const FLAG_MORE: u8 = 0x01;
/// stack -> app: unordered delivery (SCTP_UNORDERED in sinfo_flags).
pub const FLAG_UNORDERED: u8 = 0x02;
/// stack -> app: the last record of a piece of a partially delivered message (RFC 6458
/// 8.1.20): the message goes on ([`FLAG_MORE`]) but one read returns no more than the piece,
/// as a Linux read returns one event.
pub const FLAG_PIECE_END: u8 = 0x04;

/// What a stack -> app record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A piece of a user message.
    Data = 1,
    /// A Linux notification (MSG_NOTIFICATION), built by the engine.
    Notification = 2,
    /// The association died: the first read returns -1 with `errno` (in `context`), later reads 0.
    Error = 3,
}

/// Header of every stack -> app record. Size [`RecvHeader::LEN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvHeader {
    pub kind: Kind,
    pub flags: u8,
    pub stream: u16,
    pub ppid: u32,
    pub ssn: u32,
    pub tsn: u32,
    pub cum_tsn: u32,
    /// sinfo_context, or the errno of a [`Kind::Error`] record.
    pub context: u32,
    pub assoc_id: i32,
    /// The peer address the message came from (msg_name).
    pub peer: Option<SocketAddr>,
}

/// sinfo_flags-like bits of an app -> stack record.
pub mod send_flags {
    /// More records of this message follow ([`super::FLAG_MORE`]).
    pub const MORE: u16 = 0x0001;
    pub const UNORDERED: u16 = 0x0002;
    pub const SACK_IMMEDIATELY: u16 = 0x0004;
    /// SCTP_ADDR_OVER: `dest` selects the path.
    pub const ADDR_OVER: u16 = 0x0008;
    /// SCTP_EOF: graceful shutdown of the association after this message.
    pub const EOF: u16 = 0x0010;
    /// SCTP_ABORT: abort the association (payload = user cause).
    pub const ABORT: u16 = 0x0020;
    /// SCTP_SENDALL: to every association of the socket.
    pub const SENDALL: u16 = 0x0040;
    /// The call gave SCTP_SNDRCV / SCTP_SNDINFO / SCTP_PRINFO: what they set is not taken
    /// from the association's defaults ([`crate::stack::send_defaults`]).
    pub const HAS_SNDRCV: u16 = 0x0080;
    pub const HAS_SNDINFO: u16 = 0x0100;
    pub const HAS_PRINFO: u16 = 0x0200;
    /// Filler of a pending non-blocking connect ([`crate::stack::pending`]): discarded.
    pub const FILLER: u16 = 0x0400;
    /// Engine-internal: the default send parameters were applied when the message was read
    /// ahead of a change of them ([`crate::stack::send_defaults`]).
    pub const RESOLVED: u16 = 0x0800;
}

/// PR-SCTP policy carried by an app -> stack record (RFC 3758/7496).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PrKind {
    None = 0,
    Ttl = 1,
    Rtx = 2,
    Prio = 3,
}

/// Header of an app -> stack record carrying metadata. Size [`SendHeader::LEN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendHeader {
    pub flags: u16,
    pub stream: u16,
    pub ppid: u32,
    pub context: u32,
    pub assoc_id: i32,
    pub pr: PrKind,
    pub pr_value: u32,
    /// Destination (one-to-many implicit setup, sendto) or ADDR_OVER path.
    pub dest: Option<SocketAddr>,
    /// The SCTP_INIT cmsg (num_ostreams, max_instreams, max_attempts, max_init_timeo) for an
    /// association this message sets up; a zero field keeps the socket's SCTP_INITMSG value.
    pub init: [u16; 4],
}

impl Default for SendHeader {
    fn default() -> Self {
        SendHeader {
            flags: 0,
            stream: 0,
            ppid: 0,
            context: 0,
            assoc_id: 0,
            pr: PrKind::None,
            pr_value: 0,
            dest: None,
            init: [0; 4],
        }
    }
}

/// Socket address encoding shared by both headers: family u16, port u16 (host order),
/// flowinfo u32, scope u32, address 16 bytes = 28 bytes.
const ADDR_LEN: usize = 28;

fn put_addr(out: &mut [u8], a: Option<SocketAddr>) {
    out[..ADDR_LEN].fill(0);
    match a {
        None => {}
        Some(SocketAddr::V4(v4)) => {
            out[0..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
            out[2..4].copy_from_slice(&v4.port().to_ne_bytes());
            out[12..16].copy_from_slice(&v4.ip().octets());
        }
        Some(SocketAddr::V6(v6)) => {
            out[0..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
            out[2..4].copy_from_slice(&v6.port().to_ne_bytes());
            out[4..8].copy_from_slice(&v6.flowinfo().to_ne_bytes());
            out[8..12].copy_from_slice(&v6.scope_id().to_ne_bytes());
            out[12..28].copy_from_slice(&v6.ip().octets());
        }
    }
}

fn get_addr(b: &[u8]) -> Option<SocketAddr> {
    let fam = u16_at(b, 0) as i32;
    let port = u16_at(b, 2);
    if fam == libc::AF_INET {
        let ip = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
        Some(SocketAddr::new(IpAddr::V4(ip), port))
    } else if fam == libc::AF_INET6 {
        let mut o = [0u8; 16];
        o.copy_from_slice(&b[12..28]);
        let v6 = std::net::SocketAddrV6::new(Ipv6Addr::from(o), port, u32_at(b, 4), u32_at(b, 8));
        Some(SocketAddr::V6(v6))
    } else {
        None
    }
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_ne_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

impl RecvHeader {
    pub const LEN: usize = 64;

    /// A data header with everything but the kind zeroed.
    pub fn new(kind: Kind) -> RecvHeader {
        RecvHeader {
            kind,
            flags: 0,
            stream: 0,
            ppid: 0,
            ssn: 0,
            tsn: 0,
            cum_tsn: 0,
            context: 0,
            assoc_id: 0,
            peer: None,
        }
    }

    pub fn encode(&self, magic: u64, out: &mut [u8; Self::LEN]) {
        out[0..8].copy_from_slice(&magic.to_ne_bytes());
        out[8] = self.kind as u8;
        out[9] = self.flags;
        out[10..12].copy_from_slice(&self.stream.to_ne_bytes());
        out[12..16].copy_from_slice(&self.ppid.to_ne_bytes());
        out[16..20].copy_from_slice(&self.ssn.to_ne_bytes());
        out[20..24].copy_from_slice(&self.tsn.to_ne_bytes());
        out[24..28].copy_from_slice(&self.cum_tsn.to_ne_bytes());
        out[28..32].copy_from_slice(&self.context.to_ne_bytes());
        out[32..36].copy_from_slice(&self.assoc_id.to_ne_bytes());
        put_addr(&mut out[36..], self.peer);
    }

    /// Decode a header; None when the bytes do not start with `magic` or are malformed.
    pub fn decode(magic: u64, b: &[u8]) -> Option<RecvHeader> {
        if b.len() < Self::LEN || b[0..8] != magic.to_ne_bytes() {
            return None;
        }
        let kind = match b[8] {
            1 => Kind::Data,
            2 => Kind::Notification,
            3 => Kind::Error,
            _ => return None,
        };
        Some(RecvHeader {
            kind,
            flags: b[9],
            stream: u16_at(b, 10),
            ppid: u32_at(b, 12),
            ssn: u32_at(b, 16),
            tsn: u32_at(b, 20),
            cum_tsn: u32_at(b, 24),
            context: u32_at(b, 28),
            assoc_id: u32_at(b, 32) as i32,
            peer: get_addr(&b[36..]),
        })
    }
}

impl SendHeader {
    pub const LEN: usize = 72;

    pub fn encode(&self, magic: u64, out: &mut [u8; Self::LEN]) {
        out[0..8].copy_from_slice(&magic.to_ne_bytes());
        out[8..10].copy_from_slice(&self.flags.to_ne_bytes());
        out[10..12].copy_from_slice(&self.stream.to_ne_bytes());
        out[12..16].copy_from_slice(&self.ppid.to_ne_bytes());
        out[16..20].copy_from_slice(&self.context.to_ne_bytes());
        out[20..24].copy_from_slice(&self.assoc_id.to_ne_bytes());
        out[24] = self.pr as u8;
        out[25..28].fill(0);
        out[28..32].copy_from_slice(&self.pr_value.to_ne_bytes());
        put_addr(&mut out[32..], self.dest);
        out[32 + ADDR_LEN..64].fill(0);
        for (i, v) in self.init.iter().enumerate() {
            out[64 + 2 * i..66 + 2 * i].copy_from_slice(&v.to_ne_bytes());
        }
    }

    /// Split a record into its header (if it carries one) and payload.
    pub fn split(magic: u64, record: &[u8]) -> (Option<SendHeader>, &[u8]) {
        if record.len() < Self::LEN || record[0..8] != magic.to_ne_bytes() {
            return (None, record);
        }
        let b = record;
        let pr = match b[24] {
            1 => PrKind::Ttl,
            2 => PrKind::Rtx,
            3 => PrKind::Prio,
            _ => PrKind::None,
        };
        let h = SendHeader {
            flags: u16_at(b, 8),
            stream: u16_at(b, 10),
            ppid: u32_at(b, 12),
            context: u32_at(b, 16),
            assoc_id: u32_at(b, 20) as i32,
            pr,
            pr_value: u32_at(b, 28),
            dest: get_addr(&b[32..]),
            init: std::array::from_fn(|i| u16_at(b, 64 + 2 * i)),
        };
        (Some(h), &record[Self::LEN..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: u64 = 0x5c79_11aa_0042_beef;

    #[test]
    fn recv_header_round_trip_v4_and_v6() {
        for peer in [
            Some("127.0.0.1:5001".parse::<SocketAddr>().unwrap()),
            Some("[::1]:9".parse().unwrap()),
            Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                Ipv6Addr::LOCALHOST,
                7,
                3,
                4,
            ))),
            None,
        ] {
            let h = RecvHeader {
                kind: Kind::Notification,
                flags: FLAG_MORE | FLAG_UNORDERED,
                stream: 65534,
                ppid: 0xdead_beef,
                ssn: 17,
                tsn: 0xffff_fff0,
                cum_tsn: 12,
                context: 99,
                assoc_id: -5,
                peer,
            };
            let mut b = [0u8; RecvHeader::LEN];
            h.encode(MAGIC, &mut b);
            assert_eq!(RecvHeader::decode(MAGIC, &b), Some(h));
        }
    }

    #[test]
    fn recv_header_rejects_wrong_magic_short_and_bad_kind() {
        let mut b = [0u8; RecvHeader::LEN];
        RecvHeader::new(Kind::Data).encode(MAGIC, &mut b);
        assert!(RecvHeader::decode(MAGIC ^ 1, &b).is_none());
        assert!(RecvHeader::decode(MAGIC, &b[..RecvHeader::LEN - 1]).is_none());
        b[8] = 9;
        assert!(RecvHeader::decode(MAGIC, &b).is_none());
    }

    #[test]
    fn send_header_split() {
        let h = SendHeader {
            flags: send_flags::UNORDERED | send_flags::MORE,
            stream: 3,
            ppid: 42,
            context: 7,
            assoc_id: 11,
            pr: PrKind::Ttl,
            pr_value: 2000,
            dest: Some("10.1.2.3:80".parse().unwrap()),
            init: [4, 5, 0, 9],
        };
        let mut rec = vec![0u8; SendHeader::LEN];
        let mut hb = [0u8; SendHeader::LEN];
        h.encode(MAGIC, &mut hb);
        rec.copy_from_slice(&hb);
        rec.extend_from_slice(b"payload");
        let (got, payload) = SendHeader::split(MAGIC, &rec);
        assert_eq!(got, Some(h));
        assert_eq!(payload, b"payload");
    }

    #[test]
    fn plain_records_are_payload() {
        let rec = b"GET / HTTP/1.0\r\n\r\n plus more than sixty-four bytes of it, really of plain payload....";
        assert!(rec.len() >= SendHeader::LEN);
        let (h, p) = SendHeader::split(MAGIC, rec);
        assert!(h.is_none());
        assert_eq!(p, rec);
        let (h, p) = SendHeader::split(MAGIC, b"short");
        assert!(h.is_none());
        assert_eq!(p, b"short");
    }
}
