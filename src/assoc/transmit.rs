//! Packet building (RFC 9260 6.1, 6.10): one packet per `poll_transmit` call, written into
//! the caller's buffer. Order inside a packet: setup / control chunks (COOKIE ECHO, COOKIE ACK,
//! ERROR, SACK, SHUTDOWN*, FORWARD TSN), then retransmissions, then new DATA within cwnd and
//! the peer's window (6.1 A, with the zero-window probe), Nagle (6.1 C, unless nodelay) and
//! Max.Burst (7.2.1). HEARTBEAT and HEARTBEAT ACK, ASCONF and ASCONF ACK (RFC 5061) and
//! RE-CONFIG (RFC 6525) go in their own packets to their address. Packets are signed last (RFC 4895, `auth`).

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Instant;

use super::association::Association;
use super::errors::OwnedCause;
use super::tx::PathId;
use super::{AssocState, Transmit};
use crate::wire::chunk::{
    CookieEchoChunk, DataChunk, ErrorChunk, HeartbeatChunk, PadChunk, ShutdownChunk,
};
use crate::wire::{Chunk, CommonHeader, PacketWriter};

/// Packets built ahead (INIT ACK of a collision, ABORTs tagged for someone else) are capped.
const MAX_RAW: usize = 8;
/// SACKs snapshotted within one batch of received packets (beyond this they merge).
const MAX_SACK_SNAPSHOTS: usize = 32;
/// Largest snapshot SACK packet.
const SACK_SNAPSHOT_MAX: usize = 1200;

/// Control chunks waiting for the next packet.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub init: bool,
    pub cookie_echo: bool,
    pub cookie_ack: bool,
    pub shutdown: bool,
    pub shutdown_ack: bool,
    pub shutdown_complete: bool,
    /// ABORT to send (then CLOSED); its causes.
    pub abort: Option<Vec<OwnedCause>>,
    pub errors: Vec<OwnedCause>,
    pub hb_acks: VecDeque<(IpAddr, Vec<u8>)>,
    pub forward_tsn: bool,
    /// Fast retransmissions go out in the next packet regardless of cwnd (7.2.4 step 3).
    pub fast_rtx: bool,
    /// The receive window opened: a window update SACK is due.
    pub window_update: bool,
    /// Whole packets (destination, bytes) built by a procedure with a special tag.
    pub raw: VecDeque<(IpAddr, Vec<u8>)>,
    /// SACK packets built while a batch of DATA packets was processed (path, bytes).
    pub sacks: VecDeque<(PathId, Vec<u8>)>,
}

impl Pending {
    pub fn push_raw(&mut self, to: IpAddr, pkt: Vec<u8>) {
        if self.raw.len() < MAX_RAW {
            self.raw.push_back((to, pkt));
        }
    }

    /// Packets that must still leave after CLOSED.
    pub fn any_final(&self) -> bool {
        self.abort.is_some() || self.shutdown_complete || !self.raw.is_empty()
    }

    /// Forgets control chunks of the previous state (ABORT received, restart).
    pub fn reset_control(&mut self) {
        let raw = std::mem::take(&mut self.raw);
        *self = Pending {
            raw,
            ..Pending::default()
        };
    }
}

/// Bytes a DATA / I-DATA chunk header takes.
fn data_header(i_data: bool) -> usize {
    if i_data {
        20
    } else {
        16
    }
}

/// Largest payload that fits in `remaining` bytes after a data chunk header (with padding).
fn payload_room(remaining: usize, i_data: bool) -> usize {
    (remaining & !3).saturating_sub(data_header(i_data))
}

impl Association {
    pub(crate) fn header(&self, vtag: u32) -> CommonHeader {
        CommonHeader {
            src_port: self.local.port,
            dst_port: self.peer_port,
            verification_tag: vtag,
        }
    }

    pub(crate) fn transmit_to(&self, path: PathId, len: usize) -> Transmit {
        let p = &self.paths.list[path];
        Transmit {
            remote: p.addr,
            remote_udp_port: p.udp_port.unwrap_or(self.cfg.remote_udp_port),
            local: p.local,
            len,
            ect: self.neg.ecn,
        }
    }

    pub(crate) fn transmit_addr(&self, addr: IpAddr, len: usize) -> Transmit {
        match self.paths.find(addr) {
            Some(p) => self.transmit_to(p, len),
            None => Transmit {
                remote: addr,
                remote_udp_port: self.cfg.remote_udp_port,
                local: None,
                len,
                ect: self.neg.ecn,
            },
        }
    }

    /// Room kept in each packet for an AUTH chunk (RFC 4895 6.2).
    pub(crate) fn auth_overhead(&self) -> usize {
        self.auth.as_ref().map_or(0, |a| a.overhead())
    }

    /// RFC 4895 6.2: the AUTH chunk goes before the first chunk the peer wants
    /// authenticated; the CRC32c is rewritten when it was added. Returns the new length.
    fn seal(&self, buf: &mut [u8], len: usize) -> usize {
        let Some(auth) = &self.auth else { return len };
        let n = auth.sign(buf, len);
        if n != len {
            let crc = crate::wire::packet::checksum(&buf[..n]);
            buf[8..12].copy_from_slice(&crc.to_le_bytes());
        }
        n
    }

    /// The next packet of this association, written into `buf`.
    pub(crate) fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if let Some((to, pkt)) = self.pending.raw.pop_front() {
            if pkt.len() <= buf.len() {
                buf[..pkt.len()].copy_from_slice(&pkt);
                let t = self.transmit_addr(to, pkt.len());
                self.report_closed();
                return Some(t);
            }
        }
        while let Some((path, pkt)) = self.pending.sacks.pop_front() {
            let fits = pkt.len() <= buf.len() && self.state != AssocState::Closed;
            let t = fits.then(|| {
                buf[..pkt.len()].copy_from_slice(&pkt);
                let len = self.seal(buf, pkt.len());
                self.transmit_to(path, len)
            });
            if t.is_some() {
                return t;
            }
        }
        let t = match self.state {
            AssocState::CookieWait => self.init_packet(buf),
            AssocState::Closed => self.final_packet(buf),
            _ => self
                .control_packet(now, buf)
                .or_else(|| self.main_packet(now, buf)),
        };
        // RFC 4895 6.2: an ABORT the peer listed is authenticated too.
        let t = t.map(|t| Transmit {
            len: self.seal(buf, t.len),
            ..t
        });
        self.report_closed();
        t
    }

    /// Builds the SACK that is due now into its own packet, queued before anything else
    /// (see `on_data`). It is built on the stack and kept at its own size (tens of bytes
    /// without gap blocks): an idle association holds no SACK buffer (a pool of 1200-byte
    /// buffers kept per association had cost every idle association 1.2 KB).
    pub(crate) fn snapshot_sack(&mut self) {
        if self.pending.sacks.len() >= MAX_SACK_SNAPSHOTS {
            return;
        }
        let path = self.last_data_from.min(self.paths.list.len() - 1);
        // Snapshots stay small whatever the MTU (64 KiB on loopback): a SACK cut to this
        // size loses only its highest gap blocks, which the next SACK reports.
        let limit = (self.paths.list[path].pmtu as usize)
            .min(SACK_SNAPSHOT_MAX)
            .saturating_sub(self.auth_overhead());
        let mut scratch = [0u8; SACK_SNAPSHOT_MAX];
        let header = self.header(self.peer_tag);
        let mut w = PacketWriter::new(&mut scratch[..limit], header);
        let sack = self
            .tracker
            .build_sack(self.reassembly.a_rwnd(), w.remaining());
        if w.try_add(&Chunk::Sack(sack)) {
            self.add_ecne(&mut w);
            let n = w.finish();
            self.tracker.on_sack_sent();
            self.pending.sacks.push_back((path, scratch[..n].to_vec()));
        }
    }

    /// RFC 9260 Appendix A: an ECNE rides with every SACK until the peer's CWR.
    fn add_ecne(&self, w: &mut PacketWriter<'_>) {
        if let Some(tsn) = self.ecn.echo {
            w.try_add(&Chunk::Ecne { lowest_tsn: tsn });
        }
    }

    /// ABORT or SHUTDOWN COMPLETE after entering CLOSED.
    fn final_packet(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        let path = self.paths.for_data();
        let limit = buf.len();
        let mut w = PacketWriter::new(&mut buf[..limit], self.header(self.peer_tag));
        if let Some(causes) = self.pending.abort.take() {
            if self.peer_tag == 0 {
                return None;
            }
            let chunk = Chunk::Abort(crate::wire::chunk::AbortChunk {
                t_bit: false,
                causes: causes.iter().map(OwnedCause::as_cause).collect(),
            });
            if !w.try_add(&chunk) {
                // Too long (a huge user reason): the ABORT goes without its causes.
                w.try_add(&Chunk::Abort(crate::wire::chunk::AbortChunk {
                    t_bit: false,
                    causes: Vec::new(),
                }));
            }
        } else if self.pending.shutdown_complete {
            self.pending.shutdown_complete = false;
            w.try_add(&Chunk::ShutdownComplete { t_bit: false });
        } else {
            return None;
        }
        let len = w.finish();
        Some(self.transmit_to(path, len))
    }

    /// INIT (COOKIE-WAIT), tag 0 (8.5.1 A).
    fn init_packet(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        if !self.pending.init {
            return None;
        }
        self.pending.init = false;
        let path = self.paths.primary;
        let mut w = PacketWriter::new(buf, self.header(0));
        if !w.try_add(&self.init_chunk()) {
            return None;
        }
        let len = w.finish();
        Some(self.transmit_to(path, len))
    }

    /// HEARTBEAT ACK to where the HEARTBEAT came from, or a HEARTBEAT to a path that is due.
    fn control_packet(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if let Some((to, info)) = self.pending.hb_acks.pop_front() {
            let mut w = PacketWriter::new(buf, self.header(self.peer_tag));
            if !w.try_add(&Chunk::HeartbeatAck(HeartbeatChunk { info: &info })) {
                return None;
            }
            let len = w.finish();
            return Some(self.transmit_addr(to, len));
        }
        if self.state == AssocState::CookieEchoed {
            return None;
        }
        if let Some(t) = self.asconf_packet(now, buf) {
            return Some(t);
        }
        if let Some(t) = self.reconf_packet(now, buf) {
            return Some(t);
        }
        if let Some(t) = self.pl_probe_packet(buf) {
            return Some(t);
        }
        let i = self.paths.list.iter().position(|p| p.hb_now)?;
        let info = self.start_probe(now, i);
        let mut w = PacketWriter::new(buf, self.header(self.peer_tag));
        if !w.try_add(&Chunk::Heartbeat(HeartbeatChunk { info: &info })) {
            return None;
        }
        let len = w.finish();
        Some(self.transmit_to(i, len))
    }

    /// RFC 8899 6.2: a PLPMTUD probe, a HEARTBEAT padded with a PAD chunk to the probe size.
    fn pl_probe_packet(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        if self.state != AssocState::Established {
            return None;
        }
        let (i, nonce, size) = self.take_pl_probe()?;
        let info = super::heartbeat::write_info(self.paths.list[i].addr, nonce);
        let hb = Chunk::Heartbeat(HeartbeatChunk { info: &info });
        let used = 12 + hb.encoded_len() + 4 + self.auth_overhead();
        let mut w = PacketWriter::new(buf, self.header(self.peer_tag));
        if !w.try_add(&hb) {
            return None;
        }
        let pad = (size as usize).saturating_sub(used);
        w.try_add(&Chunk::Pad(PadChunk { len: pad }));
        let len = w.finish();
        Some(self.transmit_to(i, len))
    }

    fn may_send_new_data(&self) -> bool {
        matches!(
            self.state,
            AssocState::CookieEchoed
                | AssocState::Established
                | AssocState::ShutdownPending
                | AssocState::ShutdownReceived
        )
    }

    /// Everything else: control chunks, SACK, retransmissions, new data.
    fn main_packet(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let i_data = self.neg.intl;
        let rtx = self.outstanding.has_pending_retransmits();
        if !rtx {
            self.rtx_path = None;
        }
        let new_data = self.may_send_new_data() && !self.send_queue.is_empty();
        let path = match self.rtx_path {
            Some(p) if rtx => p,
            // Fast retransmissions go, as Linux sends every retransmission (to its
            // `retran_path`), to an active address other than the one new data uses, when
            // there is one (RFC 9260 6.4: "SHOULD try" an alternate for retransmissions).
            _ if rtx => self.paths.for_retransmit(self.paths.for_data()),
            _ if new_data => self.paths.for_data(),
            _ => self.last_data_from.min(self.paths.list.len() - 1),
        };
        // The peer's cookie may be larger than the path MTU: the COOKIE ECHO goes anyway (IP
        // fragments it), as the peer chose that size.
        let limit = if self.state == AssocState::CookieEchoed {
            buf.len()
        } else {
            let mtu = (self.paths.list[path].pmtu as usize).saturating_sub(self.auth_overhead());
            // RFC 9260 7.3: a chunk cut for a path MTU larger than the one learned since is
            // still retransmitted, in a packet IP fragments.
            let cut_larger = rtx
                .then(|| self.outstanding.next_retransmit_len())
                .flatten()
                .map(|len| 12 + data_header(i_data) + len.next_multiple_of(4))
                .filter(|&need| need > mtu);
            buf.len().min(cut_larger.map_or(mtu, |need| need + mtu))
        };
        let mut w = PacketWriter::new(&mut buf[..limit], self.header(self.peer_tag));

        // Setup and control chunks first (6.10).
        if self.state == AssocState::CookieEchoed {
            if !self.pending.cookie_echo {
                return None;
            }
            self.pending.cookie_echo = false;
            let cookie = std::mem::take(&mut self.hs.cookie);
            let added = w.try_add(&Chunk::CookieEcho(CookieEchoChunk { cookie: &cookie }));
            self.hs.cookie = cookie;
            if !added {
                return None;
            }
        }
        if self.pending.cookie_ack && w.try_add(&Chunk::CookieAck) {
            self.pending.cookie_ack = false;
        }
        if !self.pending.errors.is_empty() {
            let causes = self
                .pending
                .errors
                .iter()
                .map(OwnedCause::as_cause)
                .collect();
            let was_empty = w.is_empty();
            // Sent, or too large for any packet (a huge unrecognized chunk): dropped either way.
            if w.try_add(&Chunk::Error(ErrorChunk { causes })) || was_empty {
                self.pending.errors.clear();
            }
        }
        if self.state == AssocState::CookieEchoed {
            // 5.1 D: DATA may ride along the first COOKIE ECHO (as Linux); nothing else goes
            // to the peer until the COOKIE ACK.
            if self.hs.retransmits == 0 && self.write_new_data(now, path, &mut w) {
                let p = &mut self.paths.list[path];
                let rto = p.rto.rto();
                p.t3.start_if_idle(now, rto);
            }
            let len = w.finish();
            return Some(self.transmit_to(path, len));
        }
        let a_rwnd = self.reassembly.a_rwnd();
        let window_update = self.pending.window_update
            && self
                .tracker
                .window_update_due(a_rwnd, self.window_update_threshold());
        self.pending.window_update = false;
        let sack_wanted = self.tracker.sack_due(now)
            || window_update
            || (self.tracker.sack_deadline().is_some() && (rtx || new_data));
        if sack_wanted {
            let sack = self.tracker.build_sack(a_rwnd, w.remaining());
            if w.try_add(&Chunk::Sack(sack)) {
                self.tracker.on_sack_sent();
                self.add_ecne(&mut w);
            }
        }
        if let Some(tsn) = self.ecn.cwr {
            if w.try_add(&Chunk::Cwr { lowest_tsn: tsn }) {
                self.ecn.cwr = None;
            }
        }
        if self.pending.shutdown && self.state == AssocState::ShutdownSent {
            let c = Chunk::Shutdown(ShutdownChunk {
                cum_tsn_ack: self.tracker.cum_tsn_ack(),
            });
            if w.try_add(&c) {
                self.pending.shutdown = false;
            }
        }
        if self.pending.shutdown_ack
            && self.state == AssocState::ShutdownAckSent
            && w.try_add(&Chunk::ShutdownAck)
        {
            self.pending.shutdown_ack = false;
        }
        let mut sent_forward_tsn = false;
        if self.pending.forward_tsn {
            self.pending.forward_tsn = false;
            if let Some(f) = self.forward_tsn_chunk() {
                let c = if i_data {
                    Chunk::IForwardTsn(f)
                } else {
                    Chunk::ForwardTsn(f)
                };
                sent_forward_tsn = w.try_add(&c);
            }
        }

        let sent_data =
            self.write_retransmissions(path, &mut w) | self.write_new_data(now, path, &mut w);
        if w.is_empty() {
            return None;
        }
        // A FORWARD TSN is guarded by T3 too (RFC 3758 3.5 F3: resent if not acknowledged).
        if sent_data || sent_forward_tsn {
            let p = &mut self.paths.list[path];
            let rto = p.rto.rto();
            // 6.3.2 R1.
            p.t3.start_if_idle(now, rto);
        }
        let len = w.finish();
        Some(self.transmit_to(path, len))
    }

    /// Retransmissions marked by fast retransmit (sent regardless of cwnd, 7.2.4) or T3
    /// (within cwnd, 7.2.3).
    fn write_retransmissions(&mut self, path: PathId, w: &mut PacketWriter<'_>) -> bool {
        if !self.outstanding.has_pending_retransmits() {
            return false;
        }
        let fast =
            std::mem::take(&mut self.pending.fast_rtx) && self.outstanding.has_fast_retransmits();
        let in_flight = self.outstanding.bytes_in_flight_on(path);
        if !fast && self.paths.list[path].cc.can_send(in_flight) == 0 {
            return false;
        }
        let i_data = self.neg.intl;
        let mut any = false;
        while let Some(tsn) = self
            .outstanding
            .pop_retransmit(payload_room(w.remaining(), i_data), path)
        {
            let Some(c) = self.outstanding.chunk(tsn) else {
                break;
            };
            let d = data_chunk(tsn, c);
            let chunk = if i_data {
                Chunk::IData(d)
            } else {
                Chunk::Data(d)
            };
            if !w.try_add(&chunk) {
                break;
            }
            any = true;
        }
        any
    }

    /// A sending opportunity: Max.Burst more packets may go (0: no limit).
    pub(crate) fn add_burst_credit(&mut self) {
        let mtu = self.paths.list[self.paths.for_data()].pmtu as usize;
        let credit = (self.cfg.max_burst as usize).saturating_mul(mtu);
        self.burst = if credit == 0 {
            usize::MAX
        } else {
            self.burst.saturating_add(credit)
        };
    }

    /// New DATA within the windows (6.1 A-C, 7.2.1 Max.Burst).
    fn write_new_data(&mut self, now: Instant, path: PathId, w: &mut PacketWriter<'_>) -> bool {
        if !self.may_send_new_data() || self.outstanding.has_pending_retransmits() {
            return false;
        }
        let i_data = self.neg.intl;
        let mut any = false;
        loop {
            let in_flight_path = self.outstanding.bytes_in_flight_on(path);
            let in_flight = self.outstanding.bytes_in_flight();
            let rwnd = self.outstanding.peer_rwnd() as usize;
            if self.send_queue.is_empty()
                || self.paths.list[path].cc.can_send(in_flight_path) == 0
                || (rwnd == 0 && (in_flight > 0 || any))
            {
                // This opportunity is over: unused Max.Burst credit lapses.
                self.burst = 0;
                break;
            }
            if self.burst == 0 {
                break;
            }
            // 6.1 C (Nagle, as Linux): hold a small packet while data is in flight.
            if !any
                && !self.cfg.nodelay
                && in_flight > 0
                && self.send_queue.queued_bytes() < payload_room(w.remaining(), i_data)
            {
                break;
            }
            let room = payload_room(w.remaining(), i_data);
            // 6.1 A: the peer's window, except one probe when nothing is in flight.
            let max = if in_flight == 0 && !any {
                room
            } else {
                room.min(rwnd)
            };
            self.send_queue.expire(now, &mut self.event_buf);
            // RFC 6525 5.1.2: the next message is on a stream being reset or added: nothing
            // more goes until the answer (as Linux stops at a closed stream).
            if self
                .send_queue
                .next_stream()
                .is_some_and(|s| self.reconf.is_closed(s))
            {
                break;
            }
            let Some(chunk) = self.send_queue.produce(max) else {
                break;
            };
            if !any {
                let rto = self.paths.list[path].rto.rto();
                self.paths.list[path].cc.on_send(now, rto);
            }
            let len = chunk.payload.len();
            self.pr_skips
                .on_produced(&chunk, self.outstanding.next_tsn());
            let tsn = self.outstanding.insert(now, chunk, path);
            let Some(c) = self.outstanding.chunk(tsn) else {
                break;
            };
            let d = data_chunk(tsn, c);
            let ok = w.try_add(&if i_data {
                Chunk::IData(d)
            } else {
                Chunk::Data(d)
            });
            debug_assert!(ok, "produce() respected the room");
            self.burst = self.burst.saturating_sub(len);
            self.dry = false;
            any = true;
        }
        self.note_cut_messages();
        self.flush_event_buf();
        any
    }
}

fn data_chunk(tsn: u32, c: &super::tx::OutChunk) -> DataChunk<'_> {
    DataChunk {
        tsn,
        stream_id: c.stream_id,
        mid: c.mid,
        fsn: c.fsn,
        ppid: c.ppid,
        unordered: c.unordered,
        begin: c.begin,
        end: c.end,
        immediate: c.immediate,
        payload: &c.payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_room_respects_padding() {
        assert_eq!(payload_room(1460, false), 1444);
        assert_eq!(payload_room(1463, false), 1444);
        assert_eq!(payload_room(10, false), 0);
        assert_eq!(payload_room(40, true), 20);
    }
}
