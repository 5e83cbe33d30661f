//! SCTP ancillary data over byte slices: parsing what `sendmsg` passes (`sctp_msghdr_parse`,
//! `sctp_sendmsg_parse`, `sctp_sendmsg_update_sinfo` in Linux `net/sctp/socket.c`) and building
//! what `recvmsg` returns (`sctp_ulpevent_read_{nxtinfo,rcvinfo,sndrcvinfo}` through `put_cmsg`).
//!
//! The shim copies `msg_control` in and out; here a control buffer is a `&[u8]`/`&mut [u8]` whose
//! offset 0 is `msg_control`. Layout is the 64-bit Linux one: `struct cmsghdr` is 16 bytes
//! (`size_t cmsg_len; int cmsg_level; int cmsg_type;`) and entries are aligned to 8 bytes.

use crate::stack::frame::{send_flags, PrKind};
use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libc::c_int;

use crate::abi::{
    sctp_assoc_t, sctp_authinfo, sctp_initmsg, sctp_nxtinfo, sctp_prinfo, sctp_rcvinfo,
    sctp_sndinfo, sctp_sndrcvinfo, Pod, IPPROTO_SCTP, SCTP_ABORT, SCTP_ADDR_OVER, SCTP_AUTHINFO,
    SCTP_DSTADDRV4, SCTP_DSTADDRV6, SCTP_EOF, SCTP_INIT, SCTP_NOTIFICATION, SCTP_NXTINFO,
    SCTP_PRINFO, SCTP_PR_SCTP_MASK, SCTP_PR_SCTP_NONE, SCTP_RCVINFO, SCTP_SACK_IMMEDIATELY,
    SCTP_SENDALL, SCTP_SNDINFO, SCTP_SNDRCV, SCTP_UNORDERED,
};
use crate::assoc::{OutgoingMessage, PrPolicy};

/// `sizeof(struct cmsghdr)` on 64-bit Linux.
pub const CMSG_HDR_LEN: usize = 16;
const CMSG_ALIGN_TO: usize = size_of::<usize>();
const LEN_FIELD: usize = size_of::<usize>();

/// `CMSG_ALIGN(len)`.
pub const fn cmsg_align(len: usize) -> usize {
    (len + CMSG_ALIGN_TO - 1) & !(CMSG_ALIGN_TO - 1)
}

/// `CMSG_LEN(len)`: header plus `len` data bytes.
pub const fn cmsg_len(len: usize) -> usize {
    CMSG_HDR_LEN + len
}

/// `CMSG_SPACE(len)`: what one entry with `len` data bytes occupies.
pub const fn cmsg_space(len: usize) -> usize {
    CMSG_HDR_LEN + cmsg_align(len)
}

/// Flags `sinfo_flags`/`snd_flags` may carry on send; any other bit is EINVAL.
pub const SEND_FLAGS_MASK: u16 = SCTP_UNORDERED
    | SCTP_ADDR_OVER
    | SCTP_SACK_IMMEDIATELY
    | SCTP_SENDALL
    | SCTP_PR_SCTP_MASK
    | SCTP_ABORT
    | SCTP_EOF;

/// One control message: level, type and data bytes (`cmsg_len - CMSG_LEN(0)` of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cmsg<'a> {
    pub level: c_int,
    pub kind: c_int,
    pub data: &'a [u8],
    /// `cmsg_len` as given.
    pub len: usize,
}

/// Walks a control buffer like the kernel's `for_each_cmsghdr` + `CMSG_OK`: iteration stops when
/// fewer than a header's bytes remain; a `cmsg_len` below the header size or past the end of the
/// buffer is EINVAL (and ends the walk).
pub struct CmsgIter<'a> {
    buf: &'a [u8],
    off: usize,
}

impl<'a> CmsgIter<'a> {
    pub fn new(control: &'a [u8]) -> Self {
        CmsgIter {
            buf: control,
            off: 0,
        }
    }
}

fn read_usize(b: &[u8]) -> usize {
    let mut a = [0u8; LEN_FIELD];
    a.copy_from_slice(&b[..LEN_FIELD]);
    usize::from_ne_bytes(a)
}

fn read_int(b: &[u8]) -> c_int {
    c_int::from_ne_bytes([b[0], b[1], b[2], b[3]])
}

impl<'a> Iterator for CmsgIter<'a> {
    type Item = Result<Cmsg<'a>, c_int>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.buf.get(self.off..)?;
        if rest.len() < CMSG_HDR_LEN {
            return None;
        }
        let len = read_usize(rest);
        if len < CMSG_HDR_LEN || len > rest.len() {
            self.off = self.buf.len();
            return Some(Err(libc::EINVAL));
        }
        let level = read_int(&rest[LEN_FIELD..]);
        let kind = read_int(&rest[LEN_FIELD + 4..]);
        let data = &rest[CMSG_HDR_LEN..len];
        // `len <= rest.len()`, so this cannot overflow; a short tail ends the walk next time.
        self.off += cmsg_align(len).min(rest.len());
        Some(Ok(Cmsg {
            level,
            kind,
            data,
            len,
        }))
    }
}

/// The SCTP cmsgs of one `sendmsg`, validated as `sctp_msghdr_parse` does. When a type appears
/// more than once the last one wins, as in Linux.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendCmsgs {
    pub init: Option<sctp_initmsg>,
    pub sndrcv: Option<sctp_sndrcvinfo>,
    pub sndinfo: Option<sctp_sndinfo>,
    pub prinfo: Option<sctp_prinfo>,
    pub authinfo: Option<sctp_authinfo>,
    /// SCTP_DSTADDRV4/V6 addresses in order (extra peer addresses for an implicit setup).
    pub dst_addrs: Vec<IpAddr>,
    /// A DSTADDR cmsg was shorter than its address: Linux fails with EINVAL, but only when the
    /// message sets up a new association (`sctp_sendmsg_new_asoc`).
    pub dst_addr_short: bool,
}

fn exact<T: Pod>(c: &Cmsg<'_>) -> Result<T, c_int> {
    if c.len != cmsg_len(size_of::<T>()) {
        return Err(libc::EINVAL);
    }
    T::read_from(c.data).ok_or(libc::EINVAL)
}

/// [`exact`] for SCTP_SNDRCV / SCTP_SNDINFO: EINVAL too when the send flags (`flags` picks
/// them) leave [`SEND_FLAGS_MASK`].
fn exact_send<T: Pod>(c: &Cmsg<'_>, flags: fn(&T) -> u16) -> Result<T, c_int> {
    let s = exact::<T>(c)?;
    if flags(&s) & !SEND_FLAGS_MASK != 0 {
        return Err(libc::EINVAL);
    }
    Ok(s)
}

/// Parses the control buffer of `sendmsg` (RFC 6458 5.3; Linux `sctp_msghdr_parse`): other
/// levels are ignored; at level IPPROTO_SCTP each type must have `cmsg_len == CMSG_LEN(sizeof)`
/// exactly, `sinfo_flags`/`snd_flags` must stay within [`SEND_FLAGS_MASK`], `pr_policy` within
/// SCTP_PR_SCTP_MASK, and unknown (or receive-only) types are EINVAL.
pub fn parse_send_cmsgs(control: &[u8]) -> Result<SendCmsgs, c_int> {
    let mut out = SendCmsgs::default();
    for c in CmsgIter::new(control) {
        let c = c?;
        if c.level != IPPROTO_SCTP {
            continue;
        }
        match c.kind {
            SCTP_INIT => out.init = Some(exact::<sctp_initmsg>(&c)?),
            SCTP_SNDRCV => out.sndrcv = Some(exact_send(&c, |s: &sctp_sndrcvinfo| s.sinfo_flags)?),
            SCTP_SNDINFO => out.sndinfo = Some(exact_send(&c, |s: &sctp_sndinfo| s.snd_flags)?),
            SCTP_PRINFO => {
                let mut p = exact::<sctp_prinfo>(&c)?;
                if p.pr_policy & !SCTP_PR_SCTP_MASK != 0 {
                    return Err(libc::EINVAL);
                }
                if p.pr_policy == SCTP_PR_SCTP_NONE {
                    p.pr_value = 0;
                }
                out.prinfo = Some(p);
            }
            SCTP_AUTHINFO => out.authinfo = Some(exact::<sctp_authinfo>(&c)?),
            SCTP_DSTADDRV4 => match c.data.get(..4) {
                Some(b) => out
                    .dst_addrs
                    .push(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))),
                None => out.dst_addr_short = true,
            },
            SCTP_DSTADDRV6 => match c.data.get(..16).and_then(|b| <[u8; 16]>::try_from(b).ok()) {
                Some(b) => out.dst_addrs.push(IpAddr::V6(Ipv6Addr::from(b))),
                None => out.dst_addr_short = true,
            },
            _ => return Err(libc::EINVAL),
        }
    }
    Ok(out)
}

/// The per-message send parameters Linux derives from the cmsgs (`sctp_sendmsg_parse`): an
/// `sctp_sndrcvinfo` filled from SCTP_SNDRCV, then overridden by SCTP_SNDINFO, then the PR
/// policy and value from SCTP_PRINFO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendParams {
    /// Stream, flags, ppid, context, assoc id, and `sinfo_timetolive` = the PR value.
    pub info: sctp_sndrcvinfo,
    /// SCTP_AUTHINFO key number.
    pub auth_key: Option<u16>,
    /// SCTP_INIT overrides for an implicit association setup.
    pub init: Option<sctp_initmsg>,
    /// SCTP_DSTADDRV4/V6 extra peer addresses.
    pub dst_addrs: Vec<IpAddr>,
    dst_addr_short: bool,
    has_sndinfo: bool,
    has_sndrcv: bool,
    has_prinfo: bool,
}

impl SendParams {
    /// Merges parsed cmsgs as `sctp_sendmsg_parse` does.
    pub fn from_cmsgs(c: SendCmsgs) -> SendParams {
        let mut info = sctp_sndrcvinfo::zeroed();
        if let Some(s) = c.sndrcv {
            info.sinfo_stream = s.sinfo_stream;
            info.sinfo_flags = s.sinfo_flags;
            info.sinfo_ppid = s.sinfo_ppid;
            info.sinfo_context = s.sinfo_context;
            info.sinfo_assoc_id = s.sinfo_assoc_id;
            info.sinfo_timetolive = s.sinfo_timetolive;
        }
        if let Some(s) = c.sndinfo {
            info.sinfo_stream = s.snd_sid;
            info.sinfo_flags = s.snd_flags;
            info.sinfo_ppid = s.snd_ppid;
            info.sinfo_context = s.snd_context;
            info.sinfo_assoc_id = s.snd_assoc_id;
        }
        if let Some(p) = c.prinfo {
            info.sinfo_timetolive = p.pr_value;
            info.sinfo_flags = (info.sinfo_flags & !SCTP_PR_SCTP_MASK) | p.pr_policy;
        }
        SendParams {
            info,
            auth_key: c.authinfo.map(|a| a.auth_keynumber),
            init: c.init,
            dst_addrs: c.dst_addrs,
            dst_addr_short: c.dst_addr_short,
            has_sndinfo: c.sndinfo.is_some(),
            has_sndrcv: c.sndrcv.is_some(),
            has_prinfo: c.prinfo.is_some(),
        }
    }

    /// [`parse_send_cmsgs`] then [`SendParams::from_cmsgs`].
    pub fn parse(control: &[u8]) -> Result<SendParams, c_int> {
        parse_send_cmsgs(control).map(SendParams::from_cmsgs)
    }

    /// The checks at the end of `sctp_sendmsg_parse` (the caller has already failed a TCP-style
    /// listener with EPIPE and `msg_len > sndbuf` with EMSGSIZE): SCTP_EOF/SCTP_ABORT on a
    /// one-to-one socket, EOF with data, no data without EOF/ABORT, and ADDR_OVER without
    /// `msg_name` are EINVAL.
    pub fn validate(&self, one_to_one: bool, msg_len: usize, has_name: bool) -> Result<(), c_int> {
        let f = self.info.sinfo_flags;
        if f == 0 && msg_len > 0 {
            return Ok(());
        }
        if one_to_one && f & (SCTP_EOF | SCTP_ABORT) != 0 {
            return Err(libc::EINVAL);
        }
        if (f & SCTP_EOF != 0 && msg_len > 0) || (f & (SCTP_EOF | SCTP_ABORT) == 0 && msg_len == 0)
        {
            return Err(libc::EINVAL);
        }
        if f & SCTP_ADDR_OVER != 0 && !has_name {
            return Err(libc::EINVAL);
        }
        Ok(())
    }

    /// The SCTP_DSTADDRV4/V6 addresses, and whether one of those cmsgs was too short (EINVAL
    /// only when the message starts a new association, as in `sctp_sendmsg_new_asoc`).
    pub fn dst_addrs(&self) -> (&[IpAddr], bool) {
        (&self.dst_addrs, self.dst_addr_short)
    }

    pub fn flags(&self) -> u16 {
        self.info.sinfo_flags
    }

    pub fn has_flag(&self, flag: u16) -> bool {
        self.info.sinfo_flags & flag != 0
    }

    pub fn assoc_id(&self) -> sctp_assoc_t {
        self.info.sinfo_assoc_id
    }

    /// The PR-SCTP policy (RFC 7496) of the cmsgs' flags and time to live.
    pub fn pr_policy(&self) -> PrPolicy {
        PrKind::from_flags(self.info.sinfo_flags).policy(self.info.sinfo_timetolive)
    }

    /// Which of SCTP_SNDRCV / SCTP_SNDINFO / SCTP_PRINFO were given, as record header flags:
    /// the engine fills the rest from the association's defaults
    /// ([`crate::stack::send_defaults::apply`]).
    pub fn presence_flags(&self) -> u16 {
        [
            (self.has_sndrcv, send_flags::HAS_SNDRCV),
            (self.has_sndinfo, send_flags::HAS_SNDINFO),
            (self.has_prinfo, send_flags::HAS_PRINFO),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit)
    }

    /// The message for the protocol core; `dest` (SCTP_ADDR_OVER) is the caller's, from
    /// `msg_name`.
    pub fn outgoing(&self, dest: Option<IpAddr>, payload: Vec<u8>) -> OutgoingMessage {
        OutgoingMessage {
            stream_id: self.info.sinfo_stream,
            ppid: self.info.sinfo_ppid,
            unordered: self.has_flag(SCTP_UNORDERED),
            sack_immediately: self.has_flag(SCTP_SACK_IMMEDIATELY),
            pr: self.pr_policy(),
            context: self.info.sinfo_context,
            sinfo_assoc_id: (self.has_sndrcv || self.has_sndinfo).then_some(self.assoc_id()),
            dest: if self.has_flag(SCTP_ADDR_OVER) {
                dest
            } else {
                None
            },
            payload,
        }
    }
}

/// Writes cmsgs into a receive control buffer as the kernel's `put_cmsg` does: an entry that
/// does not fit is cut to the space left (header included when at least a header fits) and sets
/// MSG_CTRUNC; `used()` is the new `msg_controllen`.
pub struct CmsgWriter<'a> {
    buf: &'a mut [u8],
    used: usize,
    truncated: bool,
}

impl<'a> CmsgWriter<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        CmsgWriter {
            buf,
            used: 0,
            truncated: false,
        }
    }

    /// Appends one entry.
    pub fn put(&mut self, level: c_int, kind: c_int, data: &[u8]) {
        let room = self.buf.len() - self.used;
        if room < CMSG_HDR_LEN {
            self.truncated = true;
            return;
        }
        let mut len = cmsg_len(data.len());
        if room < len {
            self.truncated = true;
            len = room;
        }
        let dst = &mut self.buf[self.used..];
        dst[..LEN_FIELD].copy_from_slice(&len.to_ne_bytes());
        dst[LEN_FIELD..LEN_FIELD + 4].copy_from_slice(&level.to_ne_bytes());
        dst[LEN_FIELD + 4..CMSG_HDR_LEN].copy_from_slice(&kind.to_ne_bytes());
        dst[CMSG_HDR_LEN..len].copy_from_slice(&data[..len - CMSG_HDR_LEN]);
        self.used += cmsg_space(data.len()).min(room);
    }

    /// Bytes written so far (`msg_controllen` on return).
    pub fn used(&self) -> usize {
        self.used
    }

    /// Whether MSG_CTRUNC must be set.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

/// What a received message (or the next queued one) looks like to the receive cmsgs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecvMeta {
    pub stream: u16,
    /// SSN (or the low 16 bits of the I-DATA MID).
    pub ssn: u16,
    /// SCTP_UNORDERED when the message was unordered.
    pub flags: u16,
    pub ppid: u32,
    pub tsn: u32,
    pub cumtsn: u32,
    /// The association's SCTP_CONTEXT value (`default_rcv_context`).
    pub context: u32,
    pub assoc_id: sctp_assoc_t,
    /// A notification rather than user data.
    pub notification: bool,
    /// Bytes of the message still queued (NXTINFO's `nxt_length`).
    pub length: u32,
}

/// Which receive cmsgs the socket asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecvCmsgOpts {
    /// SCTP_RECVNXTINFO.
    pub nxtinfo: bool,
    /// SCTP_RECVRCVINFO.
    pub rcvinfo: bool,
    /// `sctp_data_io_event` subscribed: SCTP_SNDRCV.
    pub sndrcv: bool,
}

/// Writes the receive cmsgs of `cur` in Linux's order (`sctp_recvmsg`): SCTP_NXTINFO (about
/// `next`, when there is a next message), SCTP_RCVINFO, SCTP_SNDRCV (both only for user data).
/// Returns the bytes used (`msg_controllen`) and whether MSG_CTRUNC must be set.
pub fn write_recv_cmsgs(
    out: &mut [u8],
    opts: RecvCmsgOpts,
    cur: &RecvMeta,
    next: Option<&RecvMeta>,
) -> (usize, bool) {
    let mut w = CmsgWriter::new(out);
    if let (true, Some(n)) = (opts.nxtinfo, next) {
        let mut nxt = sctp_nxtinfo::zeroed();
        nxt.nxt_sid = n.stream;
        nxt.nxt_ppid = n.ppid;
        nxt.nxt_flags = n.flags | if n.notification { SCTP_NOTIFICATION } else { 0 };
        nxt.nxt_length = n.length;
        nxt.nxt_assoc_id = n.assoc_id;
        w.put(IPPROTO_SCTP, SCTP_NXTINFO, nxt.as_bytes());
    }
    if opts.rcvinfo && !cur.notification {
        let mut r = sctp_rcvinfo::zeroed();
        r.rcv_sid = cur.stream;
        r.rcv_ssn = cur.ssn;
        r.rcv_flags = cur.flags;
        r.rcv_ppid = cur.ppid;
        r.rcv_tsn = cur.tsn;
        r.rcv_cumtsn = cur.cumtsn;
        r.rcv_context = cur.context;
        r.rcv_assoc_id = cur.assoc_id;
        w.put(IPPROTO_SCTP, SCTP_RCVINFO, r.as_bytes());
    }
    if opts.sndrcv && !cur.notification {
        let mut s = sctp_sndrcvinfo::zeroed();
        s.sinfo_stream = cur.stream;
        s.sinfo_ssn = cur.ssn;
        s.sinfo_flags = cur.flags;
        s.sinfo_ppid = cur.ppid;
        s.sinfo_context = cur.context;
        s.sinfo_tsn = cur.tsn;
        s.sinfo_cumtsn = cur.cumtsn;
        s.sinfo_assoc_id = cur.assoc_id;
        w.put(IPPROTO_SCTP, SCTP_SNDRCV, s.as_bytes());
    }
    (w.used(), w.truncated())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::SCTP_PR_SCTP_RTX;
    use crate::test_rng::TestRng;
    use std::time::Duration;

    /// Appends one cmsg the way a C program lays it out with CMSG_NXTHDR.
    fn push(buf: &mut Vec<u8>, level: c_int, kind: c_int, data: &[u8]) {
        push_len(buf, level, kind, data, cmsg_len(data.len()));
    }

    fn push_len(buf: &mut Vec<u8>, level: c_int, kind: c_int, data: &[u8], len: usize) {
        buf.extend_from_slice(&len.to_ne_bytes());
        buf.extend_from_slice(&level.to_ne_bytes());
        buf.extend_from_slice(&kind.to_ne_bytes());
        buf.extend_from_slice(data);
        buf.resize(cmsg_align(buf.len()), 0);
    }

    fn sndrcv(flags: u16) -> sctp_sndrcvinfo {
        let mut s = sctp_sndrcvinfo::zeroed();
        s.sinfo_stream = 3;
        s.sinfo_flags = flags;
        s.sinfo_ppid = 0x1234_5678;
        s.sinfo_context = 9;
        s.sinfo_timetolive = 2000;
        s.sinfo_assoc_id = 42;
        s
    }

    #[test]
    fn macros_match_libc() {
        for n in [0usize, 1, 2, 8, 16, 28, 32] {
            let n32 = n as u32;
            // SAFETY: CMSG_LEN/CMSG_SPACE are pure arithmetic.
            let (l, s) = unsafe { (libc::CMSG_LEN(n32) as usize, libc::CMSG_SPACE(n32) as usize) };
            assert_eq!((cmsg_len(n), cmsg_space(n)), (l, s), "{n}");
        }
        // sctp_sendmsg's buffer for one SNDRCV.
        assert_eq!(cmsg_space(size_of::<sctp_sndrcvinfo>()), 48);
    }

    #[test]
    fn parses_sndrcv_like_sctp_sendmsg() {
        let mut buf = Vec::new();
        push(
            &mut buf,
            IPPROTO_SCTP,
            SCTP_SNDRCV,
            sndrcv(SCTP_UNORDERED).as_bytes(),
        );
        assert_eq!(buf.len(), 48);
        let p = SendParams::parse(&buf).unwrap();
        assert_eq!(p.info.sinfo_stream, 3);
        assert_eq!(p.info.sinfo_ppid, 0x1234_5678);
        assert_eq!(p.assoc_id(), 42);
        assert!(p.has_flag(SCTP_UNORDERED));
        // No policy and a time to live: a lifetime (sctp_sendmsg(..., ttl 2000, ...)).
        assert_eq!(p.pr_policy(), PrPolicy::Ttl(Duration::from_millis(2000)));
        let m = p.outgoing(None, b"hi".to_vec());
        assert_eq!(
            (m.stream_id, m.ppid, m.unordered, m.context),
            (3, 0x1234_5678, true, 9)
        );
    }

    #[test]
    fn sndinfo_prinfo_authinfo_init_and_dstaddrs() {
        let mut buf = Vec::new();
        push(&mut buf, libc::SOL_SOCKET, libc::SCM_RIGHTS, &[0u8; 4]); // other level: ignored
        let mut snd = sctp_sndinfo::zeroed();
        snd.snd_sid = 1;
        snd.snd_flags = SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY;
        snd.snd_ppid = 7;
        push(&mut buf, IPPROTO_SCTP, SCTP_SNDINFO, snd.as_bytes());
        let mut pr = sctp_prinfo::zeroed();
        pr.pr_policy = SCTP_PR_SCTP_RTX;
        pr.pr_value = 10;
        push(&mut buf, IPPROTO_SCTP, SCTP_PRINFO, pr.as_bytes());
        push(
            &mut buf,
            IPPROTO_SCTP,
            SCTP_AUTHINFO,
            sctp_authinfo { auth_keynumber: 5 }.as_bytes(),
        );
        let init = sctp_initmsg {
            sinit_num_ostreams: 4,
            sinit_max_instreams: 5,
            sinit_max_attempts: 1,
            sinit_max_init_timeo: 0,
        };
        push(&mut buf, IPPROTO_SCTP, SCTP_INIT, init.as_bytes());
        push(&mut buf, IPPROTO_SCTP, SCTP_DSTADDRV4, &[172, 16, 1, 1]);
        push(
            &mut buf,
            IPPROTO_SCTP,
            SCTP_DSTADDRV6,
            &Ipv6Addr::LOCALHOST.octets(),
        );
        let p = SendParams::parse(&buf).unwrap();
        assert_eq!(p.info.sinfo_stream, 1);
        assert_eq!(
            p.flags(),
            SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY | SCTP_PR_SCTP_RTX
        );
        assert_eq!(p.pr_policy(), PrPolicy::Rtx(10));
        assert_eq!(p.auth_key, Some(5));
        assert_eq!(p.init, Some(init));
        let want: Vec<IpAddr> = vec!["172.16.1.1".parse().unwrap(), "::1".parse().unwrap()];
        assert_eq!(p.dst_addrs(), (&want[..], false));
        assert!(p.outgoing(None, Vec::new()).sack_immediately);
    }

    #[test]
    fn strict_lengths_and_types() {
        // cmsg_len one byte off for each SCTP type.
        for (kind, size) in [
            (SCTP_INIT, 8),
            (SCTP_SNDRCV, 32),
            (SCTP_SNDINFO, 16),
            (SCTP_PRINFO, 8),
            (SCTP_AUTHINFO, 2),
        ] {
            for len in [cmsg_len(size) - 1, cmsg_len(size) + 1] {
                let mut buf = Vec::new();
                push_len(&mut buf, IPPROTO_SCTP, kind, &vec![0u8; size + 1], len);
                assert_eq!(
                    parse_send_cmsgs(&buf),
                    Err(libc::EINVAL),
                    "type {kind} len {len}"
                );
            }
        }
        // Receive-only and unknown types.
        for kind in [SCTP_RCVINFO, SCTP_NXTINFO, 9, -1] {
            let mut buf = Vec::new();
            push(&mut buf, IPPROTO_SCTP, kind, &[0u8; 16]);
            assert_eq!(parse_send_cmsgs(&buf), Err(libc::EINVAL), "type {kind}");
        }
        // Unknown types at other levels are fine.
        let mut buf = Vec::new();
        push(&mut buf, libc::IPPROTO_IP, 99, &[1, 2, 3]);
        assert_eq!(parse_send_cmsgs(&buf), Ok(SendCmsgs::default()));
    }

    #[test]
    fn bad_flags_and_policy() {
        // test_1_to_1_sendmsg: sinfo_flags 999.
        let mut buf = Vec::new();
        push(&mut buf, IPPROTO_SCTP, SCTP_SNDRCV, sndrcv(999).as_bytes());
        assert_eq!(parse_send_cmsgs(&buf), Err(libc::EINVAL));
        let mut buf = Vec::new();
        let mut snd = sctp_sndinfo::zeroed();
        snd.snd_flags = SCTP_NOTIFICATION;
        push(&mut buf, IPPROTO_SCTP, SCTP_SNDINFO, snd.as_bytes());
        assert_eq!(parse_send_cmsgs(&buf), Err(libc::EINVAL));
        let mut buf = Vec::new();
        let pr = sctp_prinfo {
            pr_policy: 0x40,
            _pad0: 0,
            pr_value: 1,
        };
        push(&mut buf, IPPROTO_SCTP, SCTP_PRINFO, pr.as_bytes());
        assert_eq!(parse_send_cmsgs(&buf), Err(libc::EINVAL));
        // All allowed flags pass; PRINFO NONE clears the value.
        let mut buf = Vec::new();
        push(
            &mut buf,
            IPPROTO_SCTP,
            SCTP_SNDRCV,
            sndrcv(SEND_FLAGS_MASK).as_bytes(),
        );
        let pr = sctp_prinfo {
            pr_policy: SCTP_PR_SCTP_NONE,
            _pad0: 0,
            pr_value: 77,
        };
        push(&mut buf, IPPROTO_SCTP, SCTP_PRINFO, pr.as_bytes());
        let p = SendParams::parse(&buf).unwrap();
        assert_eq!(p.info.sinfo_timetolive, 0);
        assert_eq!(p.pr_policy(), PrPolicy::Reliable);
    }

    #[test]
    fn malformed_buffers() {
        // cmsg_len below the header size, or past the end.
        let mut buf = Vec::new();
        push_len(&mut buf, IPPROTO_SCTP, SCTP_SNDRCV, &[0u8; 32], 8);
        assert_eq!(parse_send_cmsgs(&buf), Err(libc::EINVAL));
        let mut buf = Vec::new();
        push(&mut buf, IPPROTO_SCTP, SCTP_SNDRCV, sndrcv(0).as_bytes());
        assert_eq!(parse_send_cmsgs(&buf[..40]), Err(libc::EINVAL));
        // Fewer bytes than a header: nothing to parse (CMSG_FIRSTHDR is NULL).
        assert_eq!(parse_send_cmsgs(&buf[..15]), Ok(SendCmsgs::default()));
        // A 47-byte buffer holding a 48-byte-spaced entry: cmsg_len 48 > 47.
        assert_eq!(parse_send_cmsgs(&buf[..47]), Err(libc::EINVAL));
        // Short DSTADDRV4: only an error when used for a new association.
        let mut buf = Vec::new();
        push(&mut buf, IPPROTO_SCTP, SCTP_DSTADDRV4, &[1, 2]);
        let p = SendParams::parse(&buf).unwrap();
        assert!(p.dst_addrs().1);
        // Arbitrary bytes never panic.
        let mut rng = TestRng::new(0x9e37_79b9);
        for _ in 0..2000 {
            let mut junk = [0u8; 64];
            junk.fill_with(|| rng.byte());
            junk[0] = rng.below(80) as u8;
            junk[1..8].fill(0);
            let _ = parse_send_cmsgs(&junk);
        }
    }

    #[test]
    fn validate_matches_sctp_sendmsg_parse() {
        let p = |flags| {
            SendParams::from_cmsgs(SendCmsgs {
                sndrcv: Some(sndrcv(flags)),
                ..Default::default()
            })
        };
        assert_eq!(p(0).validate(true, 10, false), Ok(()));
        assert_eq!(p(0).validate(false, 0, false), Err(libc::EINVAL));
        assert_eq!(p(SCTP_EOF).validate(true, 0, false), Err(libc::EINVAL));
        assert_eq!(p(SCTP_ABORT).validate(true, 0, false), Err(libc::EINVAL));
        assert_eq!(p(SCTP_EOF).validate(false, 0, false), Ok(()));
        assert_eq!(p(SCTP_EOF).validate(false, 3, false), Err(libc::EINVAL));
        assert_eq!(p(SCTP_ABORT).validate(false, 3, false), Ok(()));
        assert_eq!(
            p(SCTP_ADDR_OVER).validate(false, 3, false),
            Err(libc::EINVAL)
        );
        assert_eq!(p(SCTP_ADDR_OVER).validate(false, 3, true), Ok(()));
    }

    fn meta(stream: u16, notification: bool) -> RecvMeta {
        RecvMeta {
            stream,
            ssn: 2,
            flags: SCTP_UNORDERED,
            ppid: 0xabcd,
            tsn: 100,
            cumtsn: 99,
            context: 5,
            assoc_id: 3,
            notification,
            length: 30,
        }
    }

    /// Reads back (level, type, data) entries with the parser.
    fn entries(buf: &[u8]) -> Vec<(c_int, c_int, Vec<u8>)> {
        CmsgIter::new(buf)
            .map(|c| c.unwrap())
            .map(|c| (c.level, c.kind, c.data.to_vec()))
            .collect()
    }

    #[test]
    fn recv_cmsgs_in_linux_order() {
        let all = RecvCmsgOpts {
            nxtinfo: true,
            rcvinfo: true,
            sndrcv: true,
        };
        let mut buf = [0u8; 256];
        let (used, trunc) = write_recv_cmsgs(&mut buf, all, &meta(1, false), Some(&meta(3, true)));
        assert_eq!(used, cmsg_space(16) + cmsg_space(28) + cmsg_space(32));
        assert!(!trunc);
        let e = entries(&buf[..used]);
        assert_eq!(
            e.iter().map(|x| x.1).collect::<Vec<_>>(),
            vec![SCTP_NXTINFO, SCTP_RCVINFO, SCTP_SNDRCV]
        );
        let nxt = sctp_nxtinfo::read_from(&e[0].2).unwrap();
        assert_eq!(
            (nxt.nxt_sid, nxt.nxt_flags, nxt.nxt_length),
            (3, SCTP_UNORDERED | SCTP_NOTIFICATION, 30)
        );
        let rcv = sctp_rcvinfo::read_from(&e[1].2).unwrap();
        assert_eq!(
            (
                rcv.rcv_sid,
                rcv.rcv_ssn,
                rcv.rcv_ppid,
                rcv.rcv_tsn,
                rcv.rcv_cumtsn
            ),
            (1, 2, 0xabcd, 100, 99)
        );
        assert_eq!(
            (rcv.rcv_context, rcv.rcv_assoc_id, rcv.rcv_flags),
            (5, 3, SCTP_UNORDERED)
        );
        let s = sctp_sndrcvinfo::read_from(&e[2].2).unwrap();
        assert_eq!(
            (s.sinfo_stream, s.sinfo_assoc_id, s.sinfo_timetolive),
            (1, 3, 0)
        );
        // A notification gets no RCVINFO/SNDRCV; no next message, no NXTINFO.
        let (used, trunc) = write_recv_cmsgs(&mut buf, all, &meta(0, true), None);
        assert_eq!((used, trunc), (0, false));
    }

    #[test]
    fn recv_cmsgs_truncate_like_put_cmsg() {
        let opts = RecvCmsgOpts {
            sndrcv: true,
            ..Default::default()
        };
        // No control buffer (test_autoclose): nothing written, MSG_CTRUNC.
        assert_eq!(
            write_recv_cmsgs(&mut [], opts, &meta(1, false), None),
            (0, true)
        );
        // 40 bytes: the header and 24 data bytes, cmsg_len 40.
        let mut buf = [0u8; 40];
        assert_eq!(
            write_recv_cmsgs(&mut buf, opts, &meta(1, false), None),
            (40, true)
        );
        assert_eq!(read_usize(&buf), 40);
        // sctp_recvmsg's 48-byte buffer holds exactly one SNDRCV.
        let mut buf = [0u8; 48];
        assert_eq!(
            write_recv_cmsgs(&mut buf, opts, &meta(1, false), None),
            (48, false)
        );
        assert_eq!(read_usize(&buf), 48);
        // sctp_recvv's buffer (CMSG_SPACE(rcvinfo) + CMSG_SPACE(nxtinfo)) holds both exactly.
        let both = RecvCmsgOpts {
            nxtinfo: true,
            rcvinfo: true,
            sndrcv: false,
        };
        let mut buf = [0u8; cmsg_space(28) + cmsg_space(16)];
        let (used, trunc) =
            write_recv_cmsgs(&mut buf, both, &meta(1, false), Some(&meta(2, false)));
        assert_eq!((used, trunc), (80, false));
        // Adding SNDRCV to that buffer truncates it to nothing: no room for a header.
        let all = RecvCmsgOpts {
            sndrcv: true,
            ..both
        };
        let (used, trunc) = write_recv_cmsgs(&mut buf, all, &meta(1, false), Some(&meta(2, false)));
        assert_eq!((used, trunc), (80, true));
    }
}
