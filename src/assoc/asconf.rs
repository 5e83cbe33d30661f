//! RFC 5061 dynamic address reconfiguration (ASCONF / ASCONF ACK), negotiated when both sides
//! list ASCONF and ASCONF ACK in Supported Extensions and AUTH is in use (RFC 5061 6: both
//! chunks are always authenticated, see `auth`).
//!
//! Sender (5.1): user requests (add / delete one of our addresses, ask the peer to make one
//! of ours its primary) are queued; one ASCONF is outstanding at a time (5.1.1), carrying all
//! queued requests under one serial number, retransmitted on T-4 RTO expiry with the
//! association error counter (5.1 C). An address to delete stops being a source at once.
//! The ASCONF ACK applies the changes that succeeded; refusals as Linux
//! (`sctp_process_asconf_ack`): a refused address is not added, or is kept; an Unrecognized
//! Parameter turns that kind of request off for the association; Operation Refused Due to
//! Resource Shortage aborts it (ABORT with that cause, COMM_LOST with Illegal ASCONF-ACK).
//!
//! Receiver (5.2): a new serial is processed in order (Add IP: a new unconfirmed path,
//! confirmed by heartbeat; Delete IP: refused for the last address or the packet's source
//! (5.2.1 D7, D8); Set Primary), the ASCONF ACK goes back to the source address and is
//! kept for a retransmitted ASCONF (5.2 A).

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use super::association::Association;
use super::association::CloseReason;
use super::cookie::MAX_PEER_ADDRS;
use super::errors::{causes_to_bytes, OwnedCause};
use super::timer::Timer;
use super::tx::PathId;
use super::{AssocState, Event, PathChange, Rng, Transmit};
use crate::wire::cause::code;
use crate::wire::chunk::{AsconfAckChunk, AsconfChunk};
use crate::wire::{Chunk, ErrorCause, PacketWriter, Param};

/// Requests waiting for the next ASCONF are capped (a user adding addresses in a loop).
const MAX_QUEUED: usize = 64;
/// Requests carried by one ASCONF.
const MAX_PER_ASCONF: usize = 16;
/// `Request::kind_bit` of Set Primary Address.
const SET_PRIMARY_BIT: u8 = 4;

/// One address change requested of the peer (RFC 5061 4.2.1, 4.2.2, 4.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    Add(IpAddr),
    Delete(IpAddr),
    SetPrimary(IpAddr),
}

impl Request {
    /// Bit of this kind of request in `Asconf::disabled`.
    fn kind_bit(self) -> u8 {
        match self {
            Request::Add(_) => 1,
            Request::Delete(_) => 2,
            Request::SetPrimary(_) => SET_PRIMARY_BIT,
        }
    }

    fn param(self, correlation_id: u32) -> Param<'static> {
        match self {
            Request::Add(address) => Param::AddIpAddress {
                correlation_id,
                address,
            },
            Request::Delete(address) => Param::DeleteIpAddress {
                correlation_id,
                address,
            },
            Request::SetPrimary(address) => Param::SetPrimaryAddress {
                correlation_id,
                address,
            },
        }
    }
}

/// The ASCONF sent and not yet acknowledged.
#[derive(Debug, Clone)]
struct InFlight {
    serial: u32,
    requests: Vec<(u32, Request)>,
    /// Path it was last sent on (T-4 and its error counting).
    path: PathId,
}

/// Our answer to one request (RFC 5061 4.2.5 / 4.2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Response {
    Success(u32),
    /// Correlation id and the encoded error cause TLVs.
    Error(u32, Vec<u8>),
}

/// Why a request from the peer is refused (RFC 5061 5.2.1; the error cause carries the
/// request TLV, or for an unknown address that address's TLV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    DeleteLast,
    DeleteSource,
    Unresolvable(IpAddr),
    Refused,
    Shortage,
}

impl Refusal {
    /// The encoded error cause for the refused request `p`.
    fn cause_bytes(self, p: &Param<'_>) -> Vec<u8> {
        let tlv_of = |p: &Param<'_>| {
            let mut v = vec![0u8; p.encoded_len()];
            let n = p.encode(&mut v);
            v.truncate(n);
            v
        };
        let req = tlv_of(p);
        let cause = match self {
            Refusal::DeleteLast => ErrorCause::DeleteLastAddress { param: &req },
            Refusal::DeleteSource => ErrorCause::DeleteSourceAddress { param: &req },
            Refusal::Refused => ErrorCause::RequestRefused { param: &req },
            Refusal::Shortage => ErrorCause::ResourceShortage { param: &req },
            Refusal::Unresolvable(a) => {
                let addr = tlv_of(&Param::Address(a));
                return causes_to_bytes(&[ErrorCause::UnresolvableAddress { address: &addr }]);
            }
        };
        causes_to_bytes(&[cause])
    }
}

/// ASCONF state of one association.
#[derive(Debug, Default)]
pub(crate) struct Asconf {
    queue: VecDeque<Request>,
    in_flight: Option<InFlight>,
    /// The outstanding ASCONF is to be (re)sent.
    send_due: bool,
    next_serial: u32,
    next_correlation: u32,
    /// Serial of the next ASCONF expected from the peer.
    peer_serial: u32,
    /// The last ASCONF ACK sent: its serial and responses (5.2 A: resent for a retransmitted
    /// ASCONF).
    last_ack: Option<(u32, Vec<Response>)>,
    /// Where the ASCONF ACK is due (the source of the ASCONF).
    ack_to: Option<IpAddr>,
    /// Kinds of request the peer did not recognize (`Request::kind_bit`), not sent again
    /// (Linux `addip_disabled_mask`).
    disabled: u8,
    pub t4: Timer,
}

impl Asconf {
    /// RFC 5061 4.1.1: serial numbers start at the initial TSNs.
    pub fn reset(&mut self, local_tsn: u32, peer_tsn: u32) {
        *self = Asconf {
            next_serial: local_tsn,
            peer_serial: peer_tsn,
            ..Asconf::default()
        };
    }
}

fn unspecified_like(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

impl Association {
    // ---- getters ----

    /// AUTH is in use on this association (SCTP_AUTH_SUPPORTED of an association).
    pub fn auth_negotiated(&self) -> bool {
        self.auth.is_some()
    }

    /// ASCONF is in use (SCTP_ASCONF_SUPPORTED of an association).
    pub fn asconf_negotiated(&self) -> bool {
        self.asconf_on
    }

    /// SCTP_PEER_AUTH_CHUNKS (`peer`) / SCTP_LOCAL_AUTH_CHUNKS; `None` without AUTH.
    pub fn auth_chunks(&self, peer: bool) -> Option<Vec<u8>> {
        let a = self.auth.as_ref()?;
        Some(if peer {
            a.peer_chunks()
        } else {
            a.local_chunks()
        })
    }

    /// Our addresses as this association knows them (ASCONF changes included).
    pub fn local_addrs(&self) -> &[IpAddr] {
        &self.local.addrs
    }

    // ---- user commands (sender side, 5.1) ----

    /// Whether ASCONF was negotiated and requests can go now.
    fn asconf_usable(&self) -> bool {
        self.asconf_on && self.state == AssocState::Established
    }

    fn queue_request(&mut self, now: Instant, r: Request) -> bool {
        if !self.asconf_usable()
            || self.addip.queue.len() >= MAX_QUEUED
            || self.addip.disabled & r.kind_bit() != 0
        {
            return false;
        }
        self.last_now = Some(now);
        self.addip.queue.push_back(r);
        self.start_next_asconf();
        true
    }

    /// RFC 5061 4.2.1 (sctp_bindx SCTP_BINDX_ADD_ADDR on a live association, or a host
    /// address appearing with SCTP_AUTO_ASCONF): asks the peer to add our address `addr`.
    /// False when ASCONF is not in use, or `addr` is unusable or one of ours already.
    pub fn add_local_address(&mut self, now: Instant, addr: IpAddr) -> bool {
        if addr.is_unspecified() || addr.is_multicast() || self.local.addrs.contains(&addr) {
            return false;
        }
        self.queue_request(now, Request::Add(addr))
    }

    /// RFC 5061 4.2.2 (sctp_bindx SCTP_BINDX_REM_ADDR, or a host address going away with
    /// SCTP_AUTO_ASCONF): asks the peer to delete our address `addr`. False when ASCONF is
    /// not in use, or `addr` is not ours or our last address.
    pub fn remove_local_address(&mut self, now: Instant, addr: IpAddr) -> bool {
        if !self.local.addrs.contains(&addr) {
            return false;
        }
        let others = self
            .local
            .addrs
            .iter()
            .any(|a| *a != addr && !a.is_unspecified());
        if !others || !self.queue_request(now, Request::Delete(addr)) {
            return false;
        }
        // Linux `sctp_send_asconf_del_ip`: no longer a source, whatever the answer.
        for p in &mut self.paths.list {
            if p.local == Some(addr) {
                p.local = None;
            }
        }
        true
    }

    /// The peer refused to recognize Set Primary Address requests (Linux: EPERM for
    /// SCTP_SET_PEER_PRIMARY_ADDR from then on).
    pub fn peer_primary_disabled(&self) -> bool {
        self.addip.disabled & SET_PRIMARY_BIT != 0
    }

    /// RFC 5061 4.2.4 (SCTP_SET_PEER_PRIMARY_ADDR): asks the peer to make our address
    /// `addr` its primary destination.
    pub fn set_peer_primary(&mut self, now: Instant, addr: IpAddr) -> bool {
        if addr.is_unspecified() || addr.is_multicast() {
            return false;
        }
        self.queue_request(now, Request::SetPrimary(addr))
    }

    /// ASCONF not acknowledged yet, or requests queued behind it.
    pub fn asconf_pending(&self) -> bool {
        self.addip.in_flight.is_some() || !self.addip.queue.is_empty()
    }

    /// 5.1.1: with no ASCONF outstanding, the queued requests go in a new one.
    fn start_next_asconf(&mut self) {
        if self.addip.in_flight.is_some() || self.addip.queue.is_empty() {
            return;
        }
        let n = self.addip.queue.len().min(MAX_PER_ASCONF);
        let mut requests = Vec::with_capacity(n);
        for r in self.addip.queue.drain(..n) {
            let cid = self.addip.next_correlation;
            self.addip.next_correlation = cid.wrapping_add(1);
            requests.push((cid, r));
        }
        let serial = self.addip.next_serial;
        self.addip.next_serial = serial.wrapping_add(1);
        self.addip.in_flight = Some(InFlight {
            serial,
            requests,
            path: self.paths.for_data(),
        });
        self.addip.send_due = true;
    }

    /// Our source address for the ASCONF on `path`: not one being deleted (5.1 note: the
    /// peer refuses to delete the packet's source, 5.2.1 D8), and one that can reach the
    /// peer (its family; a loopback address only for a loopback peer).
    fn asconf_source(&self, path: PathId, f: &InFlight) -> Option<IpAddr> {
        let deleting = |a: IpAddr| f.requests.iter().any(|(_, r)| *r == Request::Delete(a));
        let peer = self.paths.list[path].addr;
        let reaches = |a: &IpAddr| {
            !a.is_unspecified()
                && a.is_ipv4() == peer.is_ipv4()
                && a.is_loopback() == peer.is_loopback()
        };
        match self.paths.list[path].local {
            Some(l) if !deleting(l) => Some(l),
            _ => self
                .local
                .addrs
                .iter()
                .copied()
                .find(|a| reaches(a) && !deleting(*a)),
        }
    }

    /// The ASCONF ACK that is due, else the ASCONF to (re)send, in its own packet.
    pub(crate) fn asconf_packet(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let limit = buf.len().saturating_sub(self.auth_overhead());
        let header = self.header(self.peer_tag);
        if let Some(to) = self.addip.ack_to.take() {
            let (serial, responses) = self.addip.last_ack.as_ref()?;
            let params = responses
                .iter()
                .map(|r| match r {
                    Response::Success(cid) => Param::SuccessIndication {
                        correlation_id: *cid,
                    },
                    Response::Error(cid, causes) => Param::ErrorCauseIndication {
                        correlation_id: *cid,
                        causes,
                    },
                })
                .collect();
            let chunk = Chunk::AsconfAck(AsconfAckChunk {
                serial: *serial,
                params,
            });
            let mut w = PacketWriter::new(&mut buf[..limit], header);
            if !w.try_add(&chunk) {
                return None;
            }
            let len = w.finish();
            return Some(self.transmit_addr(to, len));
        }
        if !self.addip.send_due || self.state != AssocState::Established {
            return None;
        }
        self.addip.send_due = false;
        let f = self.addip.in_flight.clone()?;
        let source = self.asconf_source(f.path, &f);
        let peer = self.paths.list[f.path].addr;
        let chunk = Chunk::Asconf(AsconfChunk {
            serial: f.serial,
            address: Param::Address(source.unwrap_or_else(|| unspecified_like(peer))),
            params: f.requests.iter().map(|(cid, r)| r.param(*cid)).collect(),
        });
        let mut w = PacketWriter::new(&mut buf[..limit], header);
        if !w.try_add(&chunk) {
            return None;
        }
        let len = w.finish();
        let rto = self.paths.list[f.path].rto.rto();
        self.addip.t4.start(now, rto);
        let t = self.transmit_to(f.path, len);
        Some(Transmit {
            local: source.or(t.local),
            ..t
        })
    }

    /// 5.1 C: T-4 RTO expired: the ASCONF goes again, to an alternate address when there is
    /// one, counting against the path and the association like a T3-rtx expiry.
    pub(crate) fn on_t4_expiry(&mut self) {
        let Some(path) = self.addip.in_flight.as_ref().map(|f| f.path) else {
            return;
        };
        let Some(next) = self.retransmit_control(path) else {
            return;
        };
        if let Some(f) = &mut self.addip.in_flight {
            f.path = next;
        }
        self.addip.send_due = true;
    }

    /// 5.1 E / 5.3: the ASCONF ACK for the outstanding serial: each request without an error
    /// cause (and not after one) succeeded; successful changes are applied.
    pub(crate) fn on_asconf_ack(&mut self, ack: &AsconfAckChunk<'_>) {
        let Some(f) = self.addip.in_flight.take_if(|f| f.serial == ack.serial) else {
            return;
        };
        self.addip.t4.stop();
        self.addip.send_due = false;
        self.error_count = 0;
        self.paths.list[f.path].error_count = 0;
        let mut failed_before = false;
        for (cid, req) in f.requests {
            // Some(None): success; Some(Some(code)): refused with that first cause.
            let answer = ack.params.iter().find_map(|p| match p {
                Param::SuccessIndication { correlation_id } if *correlation_id == cid => Some(None),
                Param::ErrorCauseIndication {
                    correlation_id,
                    causes,
                } if *correlation_id == cid => Some(Some(
                    causes
                        .get(..2)
                        .map_or(0, |c| u16::from_be_bytes([c[0], c[1]])),
                )),
                _ => None,
            });
            // 5.3: unanswered requests after a refused one failed too.
            let refused = answer.unwrap_or(failed_before.then_some(0));
            failed_before |= refused.is_some();
            if let Some(cause) = refused {
                tracing::debug!(?req, cause, "ASCONF request refused by the peer");
                match cause {
                    code::UNRECOGNIZED_PARAMS => self.addip.disabled |= req.kind_bit(),
                    code::RESOURCE_SHORTAGE => {
                        self.abort_for_resource_shortage();
                        return;
                    }
                    _ => {}
                }
                continue;
            }
            match req {
                Request::Add(a) if !self.local.addrs.contains(&a) => self.local.addrs.push(a),
                Request::Delete(a) => {
                    self.local.addrs.retain(|x| *x != a);
                    for p in &mut self.paths.list {
                        if p.local == Some(a) {
                            p.local = None;
                        }
                    }
                }
                _ => {}
            }
        }
        self.start_next_asconf();
    }

    /// Linux `sctp_sf_do_asconf_ack` when the peer is out of resources: ABORT with an
    /// Operation Refused Due to Resource Shortage cause, COMM_LOST with Illegal ASCONF-ACK.
    fn abort_for_resource_shortage(&mut self) {
        self.pending.abort = Some(vec![OwnedCause::ResourceShortage]);
        let event = Event::Lost {
            error: code::ILLEGAL_ASCONF_ACK,
            causes: Vec::new(),
        };
        self.fail(CloseReason::AbortSent, event);
    }

    // ---- receiver side (5.2) ----

    /// 5.2: an ASCONF from `from`. The expected serial is processed; the previous one gets
    /// the same ASCONF ACK again; anything else is discarded.
    pub(crate) fn on_asconf(&mut self, now: Instant, from: IpAddr, c: &AsconfChunk<'_>) {
        let prev = self.addip.peer_serial.wrapping_sub(1);
        if c.serial == prev
            && self
                .addip
                .last_ack
                .as_ref()
                .is_some_and(|(s, _)| *s == prev)
        {
            self.addip.ack_to = Some(from);
            return;
        }
        if c.serial != self.addip.peer_serial {
            return;
        }
        let mut responses = Vec::with_capacity(c.params.len());
        for p in &c.params {
            let (cid, result) = match *p {
                Param::AddIpAddress {
                    correlation_id,
                    address,
                } => (correlation_id, self.peer_add(now, from, address)),
                Param::DeleteIpAddress {
                    correlation_id,
                    address,
                } => (correlation_id, self.peer_delete(from, address)),
                Param::SetPrimaryAddress {
                    correlation_id,
                    address,
                } => (correlation_id, self.peer_set_primary(from, address)),
                _ => continue,
            };
            let stop = result == Err(Refusal::Shortage);
            responses.push(match result {
                Ok(()) => Response::Success(cid),
                Err(r) => Response::Error(cid, r.cause_bytes(p)),
            });
            // 5.2: out of resources: the remaining requests are not processed.
            if stop {
                break;
            }
        }
        self.addip.peer_serial = c.serial.wrapping_add(1);
        self.addip.last_ack = Some((c.serial, responses));
        self.addip.ack_to = Some(from);
    }

    /// 4.2.1 / 5.2.1: Add IP Address (the wildcard means the packet's source).
    fn peer_add(&mut self, now: Instant, from: IpAddr, address: IpAddr) -> Result<(), Refusal> {
        let addr = if address.is_unspecified() {
            from
        } else {
            address
        };
        if self.paths.find(addr).is_some() {
            return Ok(());
        }
        if !super::paths::usable_peer_addr(addr) {
            return Err(Refusal::Refused);
        }
        if self.paths.count() >= MAX_PEER_ADDRS {
            return Err(Refusal::Shortage);
        }
        // A removed entry is reused (its own address first) once nothing sent on it is still
        // counted there, so that adding and deleting in turn cannot grow the list forever.
        let free = |i: usize| self.outstanding.bytes_in_flight_on(i) == 0;
        let removed = |i: &usize| self.paths.list[*i].removed && free(*i);
        let reuse = (0..self.paths.list.len())
            .filter(removed)
            .find(|i| self.paths.list[*i].addr == addr)
            .or_else(|| (0..self.paths.list.len()).find(removed));
        if reuse.is_none() && self.paths.list.len() >= 2 * MAX_PEER_ADDRS {
            return Err(Refusal::Shortage);
        }
        let i = self
            .paths
            .add(addr, &self.cfg, self.outstanding.peer_rwnd(), reuse);
        let jitter = self.rng.next_u32();
        self.paths.list[i].arm_heartbeat(now, jitter);
        // Linux `sctp_assoc_add_peer`: the association's PLPMTUD interval.
        if !self.cfg.probe_interval.is_zero() {
            self.set_probe_interval(now, Some(addr), self.cfg.probe_interval);
        }
        self.addrs_changed = true;
        self.push_event(Event::PeerAddrChange {
            addr,
            change: PathChange::Added,
            error: 0,
        });
        Ok(())
    }

    /// 4.2.2 / 5.2.1 D7, D8: Delete IP Address.
    fn peer_delete(&mut self, from: IpAddr, address: IpAddr) -> Result<(), Refusal> {
        if self.paths.count() <= 1 {
            return Err(Refusal::DeleteLast);
        }
        if address == from {
            return Err(Refusal::DeleteSource);
        }
        if address.is_unspecified() {
            // 4.2.2: the wildcard deletes every address but the packet's source.
            let keep = self.paths.find(from);
            let doomed: Vec<PathId> = (0..self.paths.list.len())
                .filter(|i| Some(*i) != keep && !self.paths.list[*i].removed)
                .collect();
            if keep.is_none() {
                return Err(Refusal::DeleteSource);
            }
            doomed.into_iter().for_each(|i| self.remove_path(i));
            return Ok(());
        }
        match self.paths.find(address) {
            Some(i) => {
                self.remove_path(i);
                Ok(())
            }
            None => Err(Refusal::Unresolvable(address)),
        }
    }

    /// 4.2.4: Set Primary Address (the wildcard means the packet's source).
    fn peer_set_primary(&mut self, from: IpAddr, address: IpAddr) -> Result<(), Refusal> {
        let addr = if address.is_unspecified() {
            from
        } else {
            address
        };
        if self.set_primary(addr) {
            Ok(())
        } else {
            Err(Refusal::Unresolvable(addr))
        }
    }

    /// A peer address deleted: its timers stop, what was in flight on it is retransmitted
    /// elsewhere, the primary moves if it was this one; SCTP_ADDR_REMOVED.
    fn remove_path(&mut self, i: PathId) {
        let p = &mut self.paths.list[i];
        p.removed = true;
        p.t3.stop();
        p.hb.stop();
        p.probe = None;
        p.hb_now = false;
        let addr = p.addr;
        if self.outstanding.bytes_in_flight_on(i) > 0 {
            self.outstanding.on_t3_expired(i);
        }
        if self.paths.primary == i {
            let next = self.paths.for_data();
            self.paths.primary = if self.paths.list[next].removed {
                self.paths.list.iter().position(|p| !p.removed).unwrap_or(0)
            } else {
                next
            };
        }
        if self.last_data_from == i {
            self.last_data_from = self.paths.primary;
        }
        if self.rtx_path == Some(i) {
            self.rtx_path = None;
        }
        if let Some(f) = &mut self.addip.in_flight {
            if f.path == i {
                f.path = self.paths.primary;
            }
        }
        self.addrs_changed = true;
        self.push_event(Event::PeerAddrChange {
            addr,
            change: PathChange::Removed,
            error: 0,
        });
    }
}
