//! SCTP notifications (RFC 6458 6.1) as the exact bytes Linux queues for `recvmsg` with
//! `MSG_NOTIFICATION` (`net/sctp/ulpevent.c`, `sctp_ulpevent_make_*`), and the subscription set
//! behind SCTP_EVENTS / SCTP_EVENT (`sctp_setsockopt_events`, `sctp_setsockopt_event`).
//!
//! Encoding choices, all copied from Linux:
//! - SCTP_ASSOC_CHANGE is 20 bytes; only SCTP_COMM_LOST caused by a received ABORT carries the
//!   ABORT's cause TLVs after it (`sctp_cmd_assoc_failed` passes the chunk only for ABORT;
//!   `sctp_cmd_init_failed`, i.e. SCTP_CANT_STR_ASSOC, never does). `sac_error` holds the first
//!   cause code in network byte order: the kernel carries the `__be16` through unchanged.
//! - SCTP_PEER_ADDR_CHANGE holds the address formatted for the socket (`addr_to_user`: IPv4 as
//!   mapped IPv6 on an IPv6 socket by default), with the peer's port.
//! - SCTP_SEND_FAILED / SCTP_SEND_FAILED_EVENT: one per DATA chunk with its payload;
//!   `sinfo_flags`/`snd_flags` are the DATA chunk flags (U 0x4, B 0x2, E 0x1). The newer form
//!   is used when SCTP_SEND_FAILED_EVENT is subscribed, else the old one if SCTP_SEND_FAILED is.
//! - SCTP_REMOTE_ERROR carries the cause value (without its 4-byte header) padded to 4 bytes;
//!   `sre_error` is the cause code in network byte order.
//! - SCTP_STREAM_RESET_EVENT lists stream ids in network byte order, as the kernel copies them
//!   from the RE-CONFIG parameter.

use std::mem::{offset_of, size_of};
use std::net::SocketAddr;

use libc::c_int;

use super::sockaddr::{format_sockaddr, AddrPolicy};
use crate::abi::{
    sctp_adaptation_event, sctp_assoc_change, sctp_assoc_reset_event, sctp_assoc_t,
    sctp_authkey_event, sctp_paddr_change, sctp_pdapi_event, sctp_remote_error, sctp_send_failed,
    sctp_send_failed_event, sctp_sender_dry_event, sctp_shutdown_event, sctp_stream_change_event,
    sctp_stream_reset_event, Pod, SCTP_ADAPTATION_INDICATION, SCTP_ADDR_ADDED, SCTP_ADDR_AVAILABLE,
    SCTP_ADDR_CONFIRMED, SCTP_ADDR_MADE_PRIM, SCTP_ADDR_POTENTIALLY_FAILED, SCTP_ADDR_REMOVED,
    SCTP_ADDR_UNREACHABLE, SCTP_ASSOC_CHANGE, SCTP_ASSOC_RESET_EVENT, SCTP_AUTHENTICATION_EVENT,
    SCTP_AUTH_FREE_KEY, SCTP_AUTH_NEW_KEY, SCTP_AUTH_NO_AUTH, SCTP_CANT_STR_ASSOC, SCTP_COMM_LOST,
    SCTP_COMM_UP, SCTP_DATA_IO_EVENT, SCTP_DATA_SENT, SCTP_DATA_UNSENT,
    SCTP_PARTIAL_DELIVERY_ABORTED, SCTP_PARTIAL_DELIVERY_EVENT, SCTP_PEER_ADDR_CHANGE,
    SCTP_REMOTE_ERROR, SCTP_RESTART, SCTP_SENDER_DRY_EVENT, SCTP_SEND_FAILED,
    SCTP_SEND_FAILED_EVENT, SCTP_SHUTDOWN_COMP, SCTP_SHUTDOWN_EVENT, SCTP_SN_TYPE_BASE,
    SCTP_SN_TYPE_MAX, SCTP_STREAM_CHANGE_EVENT, SCTP_STREAM_RESET_DENIED, SCTP_STREAM_RESET_EVENT,
    SCTP_STREAM_RESET_FAILED, SCTP_STREAM_RESET_INCOMING_SSN, SCTP_STREAM_RESET_OUTGOING_SSN,
};
use crate::assoc::{AuthIndication, Event, FragFlags, PathChange, ReconfResult};

/// Number of notification types (`sizeof(struct sctp_event_subscribe)`).
pub const EVENT_TYPES: usize = (SCTP_SN_TYPE_MAX - SCTP_SN_TYPE_BASE + 1) as usize;

/// Which notification types a socket (or association) receives: bit `i` is type
/// `SCTP_SN_TYPE_BASE + i`, as Linux's `subscribe` word. Default: none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Subscriptions(u16);

impl Subscriptions {
    /// SCTP_EVENTS set (`sctp_setsockopt_events`): byte `i` of `optval` turns type
    /// `0x8000 + i` on (non-zero) or off; types beyond `optval.len()` keep their state, so older
    /// programs passing a shorter struct work. More than 14 bytes is EINVAL.
    ///
    /// Linux also queues an SCTP_SENDER_DRY_EVENT right away when, after this call, the type is
    /// on and the socket's association (`sctp_id2assoc(sk, 0)`: one-to-one sockets only) has
    /// nothing queued or in flight; the caller does that with `Event::SenderDry`.
    pub fn apply_event_subscribe(&mut self, optval: &[u8]) -> Result<(), c_int> {
        if optval.len() > EVENT_TYPES {
            return Err(libc::EINVAL);
        }
        for (i, &on) in optval.iter().enumerate() {
            self.set_bit(i, on != 0);
        }
        Ok(())
    }

    /// A set made by SCTP_EVENTS from the default (nothing subscribed).
    pub fn from_event_subscribe(optval: &[u8]) -> Result<Self, c_int> {
        let mut s = Subscriptions::default();
        s.apply_event_subscribe(optval)?;
        Ok(s)
    }

    /// SCTP_EVENTS get: one byte per type (Linux copies `min(optlen, 14)` of them).
    pub fn to_event_subscribe(&self) -> [u8; EVENT_TYPES] {
        let mut out = [0u8; EVENT_TYPES];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from(self.0 & (1 << i) != 0);
        }
        out
    }

    /// SCTP_EVENT set: one type on or off; a type outside 0x8000..=0x800d is EINVAL.
    pub fn set(&mut self, sn_type: u16, on: bool) -> Result<(), c_int> {
        let i = Self::index(sn_type)?;
        self.set_bit(i, on);
        Ok(())
    }

    /// SCTP_EVENT get; a type outside 0x8000..=0x800d is EINVAL.
    pub fn get(&self, sn_type: u16) -> Result<bool, c_int> {
        Ok(self.0 & (1 << Self::index(sn_type)?) != 0)
    }

    /// Whether notifications of this type are delivered (false for unknown types).
    pub fn is_on(&self, sn_type: u16) -> bool {
        self.get(sn_type).unwrap_or(false)
    }

    /// `sctp_data_io_event`: received data carries an SCTP_SNDRCV cmsg.
    pub fn data_io(&self) -> bool {
        self.is_on(SCTP_DATA_IO_EVENT)
    }

    /// Whether `ev` produces a notification with these subscriptions.
    pub fn wants(&self, ev: &Event) -> bool {
        match ev {
            Event::SendFailed { .. } => {
                self.is_on(SCTP_SEND_FAILED_EVENT) || self.is_on(SCTP_SEND_FAILED)
            }
            _ => notification_type(ev).is_some_and(|t| self.is_on(t)),
        }
    }

    fn index(sn_type: u16) -> Result<usize, c_int> {
        if !(SCTP_SN_TYPE_BASE..=SCTP_SN_TYPE_MAX).contains(&sn_type) {
            return Err(libc::EINVAL);
        }
        Ok(usize::from(sn_type - SCTP_SN_TYPE_BASE))
    }

    fn set_bit(&mut self, i: usize, on: bool) {
        if on {
            self.0 |= 1 << i;
        } else {
            self.0 &= !(1 << i);
        }
    }
}

/// The notification type an event maps to; `None` for events that are not notifications
/// (readiness, lifecycle). SendFailed maps to the old type; see [`Subscriptions::wants`].
pub fn notification_type(ev: &Event) -> Option<u16> {
    Some(match ev {
        Event::Connected { .. }
        | Event::Restarted { .. }
        | Event::Lost { .. }
        | Event::CantStart { .. }
        | Event::ShutdownComplete => SCTP_ASSOC_CHANGE,
        Event::PeerShutdown => SCTP_SHUTDOWN_EVENT,
        Event::StreamReset { .. } => SCTP_STREAM_RESET_EVENT,
        Event::AssocReset { .. } => SCTP_ASSOC_RESET_EVENT,
        Event::StreamChange { .. } => SCTP_STREAM_CHANGE_EVENT,
        Event::PeerAddrChange { .. } => SCTP_PEER_ADDR_CHANGE,
        Event::SendFailed { .. } => SCTP_SEND_FAILED,
        Event::RemoteError { .. } => SCTP_REMOTE_ERROR,
        Event::AdaptationIndication(_) => SCTP_ADAPTATION_INDICATION,
        Event::SenderDry => SCTP_SENDER_DRY_EVENT,
        Event::PartialDeliveryAborted { .. } => SCTP_PARTIAL_DELIVERY_EVENT,
        Event::AuthKey { .. } => SCTP_AUTHENTICATION_EVENT,
        _ => return None,
    })
}

/// What a notification needs beyond the event: the association id, the peer's SCTP port (for
/// addresses) and how the socket formats addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotifyCtx {
    pub assoc_id: sctp_assoc_t,
    pub peer_port: u16,
    pub addr_policy: AddrPolicy,
}

/// A cause code as Linux leaves it in `sac_error`/`sre_error`: the wire's `__be16` unchanged.
fn be16_field(code: u16) -> u16 {
    u16::from_ne_bytes(code.to_be_bytes())
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Writes `head` then `tail` into `out` (cleared first).
fn emit<T: Pod>(out: &mut Vec<u8>, head: &T, tail: &[u8]) -> bool {
    out.clear();
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(tail);
    true
}

/// DATA chunk flags of a failed fragment (RFC 9260 3.3.1: U, B, E bits).
fn data_chunk_flags(unordered: bool, frag: FragFlags) -> u16 {
    (u16::from(unordered) << 2) | (u16::from(frag.first) << 1) | u16::from(frag.last)
}

fn spc_state(change: PathChange) -> c_int {
    match change {
        PathChange::Available => SCTP_ADDR_AVAILABLE,
        PathChange::Unreachable => SCTP_ADDR_UNREACHABLE,
        PathChange::Removed => SCTP_ADDR_REMOVED,
        PathChange::Added => SCTP_ADDR_ADDED,
        PathChange::MadePrimary => SCTP_ADDR_MADE_PRIM,
        PathChange::Confirmed => SCTP_ADDR_CONFIRMED,
        PathChange::PotentiallyFailed => SCTP_ADDR_POTENTIALLY_FAILED,
    }
}

fn assoc_change(
    ctx: &NotifyCtx,
    state: u16,
    error: u16,
    streams: (u16, u16),
    info: &[u8],
    out: &mut Vec<u8>,
) -> bool {
    let mut sac = sctp_assoc_change::zeroed();
    sac.sac_type = SCTP_ASSOC_CHANGE;
    sac.sac_length = len32(size_of::<sctp_assoc_change>() + info.len());
    sac.sac_state = state;
    sac.sac_error = be16_field(error);
    sac.sac_outbound_streams = streams.0;
    sac.sac_inbound_streams = streams.1;
    sac.sac_assoc_id = ctx.assoc_id;
    emit(out, &sac, info)
}

/// Builds the notification for `ev` into `out` (cleared first). Returns false, with `out`
/// empty, when `ev` is not a notification or its type is not subscribed.
pub fn encode_notification(
    ev: &Event,
    ctx: &NotifyCtx,
    subs: &Subscriptions,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    if !subs.wants(ev) {
        return false;
    }
    match ev {
        Event::Connected {
            outbound_streams,
            inbound_streams,
        } => assoc_change(
            ctx,
            SCTP_COMM_UP,
            0,
            (*outbound_streams, *inbound_streams),
            &[],
            out,
        ),
        Event::Restarted {
            outbound_streams,
            inbound_streams,
        } => assoc_change(
            ctx,
            SCTP_RESTART,
            0,
            (*outbound_streams, *inbound_streams),
            &[],
            out,
        ),
        Event::Lost { error, causes } => {
            assoc_change(ctx, SCTP_COMM_LOST, *error, (0, 0), causes, out)
        }
        Event::CantStart { error, .. } => {
            assoc_change(ctx, SCTP_CANT_STR_ASSOC, *error, (0, 0), &[], out)
        }
        Event::ShutdownComplete => assoc_change(ctx, SCTP_SHUTDOWN_COMP, 0, (0, 0), &[], out),
        Event::StreamReset {
            incoming,
            outgoing,
            result,
            streams,
        } => {
            let dir = (if *incoming {
                SCTP_STREAM_RESET_INCOMING_SSN
            } else {
                0
            }) | (if *outgoing {
                SCTP_STREAM_RESET_OUTGOING_SSN
            } else {
                0
            });
            let flags = dir | reconf_flags(*result);
            encode_stream_reset_event(ctx, flags, streams, subs, out)
        }
        Event::AssocReset {
            result,
            local_tsn,
            remote_tsn,
        } => {
            let flags = reconf_flags(*result);
            encode_assoc_reset_event(ctx, flags, *local_tsn, *remote_tsn, subs, out)
        }
        Event::StreamChange {
            result,
            inbound,
            outbound,
        } => {
            let flags = reconf_flags(*result);
            encode_stream_change_event(ctx, flags, *inbound, *outbound, subs, out)
        }
        Event::PeerShutdown => {
            let mut s = sctp_shutdown_event::zeroed();
            s.sse_type = SCTP_SHUTDOWN_EVENT;
            s.sse_length = len32(size_of::<sctp_shutdown_event>());
            s.sse_assoc_id = ctx.assoc_id;
            emit(out, &s, &[])
        }
        Event::PeerAddrChange {
            addr,
            change,
            error,
        } => {
            let mut p = sctp_paddr_change::zeroed();
            p.spc_type = SCTP_PEER_ADDR_CHANGE;
            p.spc_length = len32(size_of::<sctp_paddr_change>());
            p.spc_state = spc_state(*change);
            p.spc_error = c_int::try_from(*error).unwrap_or(c_int::MAX);
            p.spc_assoc_id = ctx.assoc_id;
            let raw = format_sockaddr(&SocketAddr::new(*addr, ctx.peer_port), ctx.addr_policy);
            let at = offset_of!(sctp_paddr_change, spc_aaddr);
            p.as_bytes_mut()[at..at + raw.len()].copy_from_slice(raw.as_bytes());
            emit(out, &p, &[])
        }
        Event::SendFailed {
            sent,
            error,
            stream_id,
            ppid,
            context,
            sinfo_assoc_id,
            timetolive,
            unordered,
            frag,
            payload,
        } => {
            // Linux reports the id the sender's SNDRCV / SNDINFO named (`chunk->sinfo`).
            let named = sinfo_assoc_id.unwrap_or(ctx.assoc_id);
            let flags = if *sent {
                SCTP_DATA_SENT
            } else {
                SCTP_DATA_UNSENT
            };
            let chunk_flags = data_chunk_flags(*unordered, *frag);
            if subs.is_on(SCTP_SEND_FAILED_EVENT) {
                let mut s = sctp_send_failed_event::zeroed();
                s.ssf_type = SCTP_SEND_FAILED_EVENT;
                s.ssf_flags = flags;
                s.ssf_length = len32(size_of::<sctp_send_failed_event>() + payload.len());
                s.ssf_error = *error;
                s.ssfe_info.snd_sid = *stream_id;
                s.ssfe_info.snd_flags = chunk_flags;
                s.ssfe_info.snd_ppid = *ppid;
                s.ssfe_info.snd_context = *context;
                s.ssfe_info.snd_assoc_id = named;
                s.ssf_assoc_id = ctx.assoc_id;
                emit(out, &s, payload)
            } else {
                let mut s = sctp_send_failed::zeroed();
                s.ssf_type = SCTP_SEND_FAILED;
                s.ssf_flags = flags;
                s.ssf_length = len32(size_of::<sctp_send_failed>() + payload.len());
                s.ssf_error = *error;
                s.ssf_info.sinfo_stream = *stream_id;
                s.ssf_info.sinfo_flags = chunk_flags;
                s.ssf_info.sinfo_ppid = *ppid;
                s.ssf_info.sinfo_context = *context;
                // Linux copies the message's sinfo (`chunk->sinfo`): the time to live as sent;
                // sinfo_ssn / sinfo_tsn / sinfo_cumtsn are 0 (`sctp_sendmsg_parse` keeps only
                // stream, flags, PPID, context, association id and time to live).
                s.ssf_info.sinfo_timetolive = *timetolive;
                s.ssf_info.sinfo_assoc_id = named;
                s.ssf_assoc_id = ctx.assoc_id;
                emit(out, &s, payload)
            }
        }
        Event::RemoteError { code, data } => {
            let padded = data.len().next_multiple_of(4);
            let mut r = sctp_remote_error::zeroed();
            r.sre_type = SCTP_REMOTE_ERROR;
            r.sre_length = len32(size_of::<sctp_remote_error>() + padded);
            r.sre_error = be16_field(*code);
            r.sre_assoc_id = ctx.assoc_id;
            emit(out, &r, data);
            out.resize(size_of::<sctp_remote_error>() + padded, 0);
            true
        }
        Event::AdaptationIndication(ind) => {
            let mut a = sctp_adaptation_event::zeroed();
            a.sai_type = SCTP_ADAPTATION_INDICATION;
            a.sai_length = len32(size_of::<sctp_adaptation_event>());
            a.sai_adaptation_ind = *ind;
            a.sai_assoc_id = ctx.assoc_id;
            emit(out, &a, &[])
        }
        Event::SenderDry => {
            let mut d = sctp_sender_dry_event::zeroed();
            d.sender_dry_type = SCTP_SENDER_DRY_EVENT;
            d.sender_dry_length = len32(size_of::<sctp_sender_dry_event>());
            d.sender_dry_assoc_id = ctx.assoc_id;
            emit(out, &d, &[])
        }
        Event::AuthKey { key_id, indication } => {
            let ind = match indication {
                AuthIndication::NewKey => SCTP_AUTH_NEW_KEY,
                AuthIndication::FreeKey => SCTP_AUTH_FREE_KEY,
                AuthIndication::NoAuth => SCTP_AUTH_NO_AUTH,
            };
            encode_authkey_event(ctx, *key_id, ind, subs, out)
        }
        Event::PartialDeliveryAborted { stream_id, ssn } => {
            let mut p = sctp_pdapi_event::zeroed();
            p.pdapi_type = SCTP_PARTIAL_DELIVERY_EVENT;
            p.pdapi_length = len32(size_of::<sctp_pdapi_event>());
            p.pdapi_indication = SCTP_PARTIAL_DELIVERY_ABORTED;
            p.pdapi_assoc_id = ctx.assoc_id;
            p.pdapi_stream = u32::from(*stream_id);
            p.pdapi_seq = *ssn;
            emit(out, &p, &[])
        }
        _ => false,
    }
}

/// SCTP_AUTHENTICATION_EVENT (`sctp_ulpevent_make_authkey`): e.g. SCTP_AUTH_NO_AUTH with key 0
/// right after SCTP_COMM_UP (and SCTP_ADAPTATION_INDICATION) when the peer lacks AUTH.
pub fn encode_authkey_event(
    ctx: &NotifyCtx,
    keynumber: u16,
    indication: u32,
    subs: &Subscriptions,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    if !subs.is_on(SCTP_AUTHENTICATION_EVENT) {
        return false;
    }
    let mut a = sctp_authkey_event::zeroed();
    a.auth_type = SCTP_AUTHENTICATION_EVENT;
    a.auth_length = len32(size_of::<sctp_authkey_event>());
    a.auth_keynumber = keynumber;
    a.auth_indication = indication;
    a.auth_assoc_id = ctx.assoc_id;
    emit(out, &a, &[])
}

/// The DENIED / FAILED bits shared by the three RFC 6525 events (SCTP_STREAM_RESET_DENIED
/// = SCTP_ASSOC_RESET_DENIED = SCTP_STREAM_CHANGE_DENIED, likewise FAILED).
fn reconf_flags(result: ReconfResult) -> u16 {
    match result {
        ReconfResult::Performed => 0,
        ReconfResult::Denied => SCTP_STREAM_RESET_DENIED,
        ReconfResult::Failed => SCTP_STREAM_RESET_FAILED,
    }
}

/// SCTP_STREAM_RESET_EVENT (RFC 6525 6.1.1; `sctp_ulpevent_make_stream_reset_event`): `flags`
/// from SCTP_STREAM_RESET_{INCOMING,OUTGOING}_SSN/DENIED/FAILED, `streams` empty for all.
pub fn encode_stream_reset_event(
    ctx: &NotifyCtx,
    flags: u16,
    streams: &[u16],
    subs: &Subscriptions,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    if !subs.is_on(SCTP_STREAM_RESET_EVENT) {
        return false;
    }
    let mut s = sctp_stream_reset_event::zeroed();
    s.strreset_type = SCTP_STREAM_RESET_EVENT;
    s.strreset_flags = flags;
    s.strreset_length = len32(size_of::<sctp_stream_reset_event>() + 2 * streams.len());
    s.strreset_assoc_id = ctx.assoc_id;
    emit(out, &s, &[]);
    for sid in streams {
        out.extend_from_slice(&sid.to_be_bytes());
    }
    true
}

/// SCTP_ASSOC_RESET_EVENT (RFC 6525 6.1.2).
pub fn encode_assoc_reset_event(
    ctx: &NotifyCtx,
    flags: u16,
    local_tsn: u32,
    remote_tsn: u32,
    subs: &Subscriptions,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    if !subs.is_on(SCTP_ASSOC_RESET_EVENT) {
        return false;
    }
    let mut a = sctp_assoc_reset_event::zeroed();
    a.assocreset_type = SCTP_ASSOC_RESET_EVENT;
    a.assocreset_flags = flags;
    a.assocreset_length = len32(size_of::<sctp_assoc_reset_event>());
    a.assocreset_assoc_id = ctx.assoc_id;
    a.assocreset_local_tsn = local_tsn;
    a.assocreset_remote_tsn = remote_tsn;
    emit(out, &a, &[])
}

/// SCTP_STREAM_CHANGE_EVENT (RFC 6525 6.1.3).
pub fn encode_stream_change_event(
    ctx: &NotifyCtx,
    flags: u16,
    instrms: u16,
    outstrms: u16,
    subs: &Subscriptions,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    if !subs.is_on(SCTP_STREAM_CHANGE_EVENT) {
        return false;
    }
    let mut c = sctp_stream_change_event::zeroed();
    c.strchange_type = SCTP_STREAM_CHANGE_EVENT;
    c.strchange_flags = flags;
    c.strchange_length = len32(size_of::<sctp_stream_change_event>());
    c.strchange_assoc_id = ctx.assoc_id;
    c.strchange_instrms = instrms;
    c.strchange_outstrms = outstrms;
    emit(out, &c, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{
        SCTP_ADDR_PF, SCTP_AUTH_NO_AUTH, SCTP_HEARTBEAT_SUCCESS, SCTP_STREAM_RESET_INCOMING_SSN,
    };
    use std::net::{IpAddr, Ipv4Addr};

    const CTX: NotifyCtx = NotifyCtx {
        assoc_id: 3,
        peer_port: 1024,
        addr_policy: AddrPolicy::INET,
    };

    fn all() -> Subscriptions {
        Subscriptions::from_event_subscribe(&[1; EVENT_TYPES]).unwrap()
    }

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_ne_bytes([b[at], b[at + 1]])
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    fn encode(ev: &Event, subs: &Subscriptions) -> Option<Vec<u8>> {
        let mut out = vec![0xaa; 3];
        let ok = encode_notification(ev, &CTX, subs, &mut out);
        assert_eq!(ok, !out.is_empty());
        ok.then_some(out)
    }

    /// The common header: type, flags, length = bytes.
    fn header_flags(b: &[u8], ty: u16, flags: u16) {
        assert_eq!(u16_at(b, 0), ty);
        assert_eq!(u16_at(b, 2), flags);
        assert_eq!(u32_at(b, 4) as usize, b.len());
    }

    fn header(b: &[u8], ty: u16) {
        header_flags(b, ty, 0);
    }

    #[test]
    fn comm_up_is_20_bytes() {
        let b = encode(
            &Event::Connected {
                outbound_streams: 10,
                inbound_streams: 65535,
            },
            &all(),
        )
        .unwrap();
        assert_eq!(b.len(), 20);
        header(&b, SCTP_ASSOC_CHANGE);
        assert_eq!((u16_at(&b, 8), u16_at(&b, 10)), (SCTP_COMM_UP, 0));
        assert_eq!((u16_at(&b, 12), u16_at(&b, 14)), (10, 65535));
        assert_eq!(u32_at(&b, 16), 3);
        let r = encode(
            &Event::Restarted {
                outbound_streams: 1,
                inbound_streams: 2,
            },
            &all(),
        )
        .unwrap();
        assert_eq!((r.len(), u16_at(&r, 8)), (20, SCTP_RESTART));
        let s = encode(&Event::ShutdownComplete, &all()).unwrap();
        assert_eq!(
            (s.len(), u16_at(&s, 8), u16_at(&s, 12)),
            (20, SCTP_SHUTDOWN_COMP, 0)
        );
    }

    #[test]
    fn comm_lost_appends_abort_causes() {
        // A bare User-Initiated Abort cause (code 12, length 4): 20 + 4 bytes (test_assoc_abort).
        let cause = [0, 12, 0, 4];
        let b = encode(
            &Event::Lost {
                error: 12,
                causes: cause.to_vec(),
            },
            &all(),
        )
        .unwrap();
        assert_eq!(b.len(), 24);
        header(&b, SCTP_ASSOC_CHANGE);
        assert_eq!(u16_at(&b, 8), SCTP_COMM_LOST);
        assert_eq!(&b[10..12], &[0, 12], "sac_error keeps the wire byte order");
        assert_eq!(&b[20..], &cause);
        // Retransmission limit: no causes, error 0, 20 bytes.
        let t = encode(
            &Event::Lost {
                error: 0,
                causes: Vec::new(),
            },
            &all(),
        )
        .unwrap();
        assert_eq!((t.len(), u16_at(&t, 10)), (20, 0));
        // CANT_STR_ASSOC never carries the causes.
        let c = encode(
            &Event::CantStart {
                error: 12,
                causes: cause.to_vec(),
            },
            &all(),
        )
        .unwrap();
        assert_eq!((c.len(), u16_at(&c, 8)), (20, SCTP_CANT_STR_ASSOC));
        assert_eq!(&c[10..12], &[0, 12]);
    }

    #[test]
    fn peer_addr_change_is_148_with_packed_layout() {
        let ev = Event::PeerAddrChange {
            addr: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            change: PathChange::PotentiallyFailed,
            error: u32::from(SCTP_HEARTBEAT_SUCCESS),
        };
        let b = encode(&ev, &all()).unwrap();
        assert_eq!(b.len(), 148);
        header(&b, SCTP_PEER_ADDR_CHANGE);
        // spc_aaddr at 8: sockaddr_in {AF_INET, port 1024 big-endian, 127.0.0.2}.
        assert_eq!(u16_at(&b, 8), libc::AF_INET as u16);
        assert_eq!(&b[10..16], &[4, 0, 127, 0, 0, 2]);
        assert!(b[16..136].iter().all(|&x| x == 0));
        assert_eq!(u32_at(&b, 136) as c_int, SCTP_ADDR_PF);
        assert_eq!(u32_at(&b, 140), u32::from(SCTP_HEARTBEAT_SUCCESS));
        assert_eq!(u32_at(&b, 144), 3);
        // On an IPv6 socket the address is IPv4-mapped.
        let ctx6 = NotifyCtx {
            addr_policy: AddrPolicy::INET6,
            ..CTX
        };
        let mut out = Vec::new();
        assert!(encode_notification(&ev, &ctx6, &all(), &mut out));
        assert_eq!(u16_at(&out, 8), libc::AF_INET6 as u16);
        assert_eq!(
            &out[16..32],
            &Ipv4Addr::new(127, 0, 0, 2).to_ipv6_mapped().octets()
        );
    }

    fn send_failed(payload: &[u8], frag: FragFlags) -> Event {
        Event::SendFailed {
            sent: false,
            error: 0,
            stream_id: 1,
            ppid: 0x0102_0304,
            context: 7,
            sinfo_assoc_id: None,
            timetolive: 250,
            unordered: false,
            frag,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn send_failed_old_form() {
        let subs = Subscriptions::from_event_subscribe(&[0, 0, 0, 1]).unwrap();
        let last = FragFlags {
            first: false,
            last: true,
        };
        let b = encode(&send_failed(&[9; 500], last), &subs).unwrap();
        assert_eq!(b.len(), 48 + 500);
        header(&b, SCTP_SEND_FAILED);
        assert_eq!(u32_at(&b, 8), 0, "ssf_error");
        // ssf_info at 12: stream, ssn, flags (LAST_FRAG 1), pad, ppid, context, ttl, tsn, cumtsn, id.
        assert_eq!((u16_at(&b, 12), u16_at(&b, 16)), (1, 1));
        assert_eq!((u32_at(&b, 20), u32_at(&b, 24)), (0x0102_0304, 7));
        assert_eq!(u32_at(&b, 28), 250, "sinfo_timetolive");
        assert_eq!(u32_at(&b, 40), 3, "sinfo_assoc_id");
        assert_eq!(u32_at(&b, 44), 3, "ssf_assoc_id");
        assert_eq!(&b[48..], &[9; 500][..]);
        let whole = encode(
            &send_failed(
                b"x",
                FragFlags {
                    first: true,
                    last: true,
                },
            ),
            &subs,
        )
        .unwrap();
        assert_eq!(u16_at(&whole, 16), 3, "SCTP_DATA_NOT_FRAG");
        // A sender's SNDRCV that named id 0 (a one-to-one socket): Linux keeps it in ssf_info.
        let mut named = send_failed(b"x", last);
        if let Event::SendFailed { sinfo_assoc_id, .. } = &mut named {
            *sinfo_assoc_id = Some(0);
        }
        let b = encode(&named, &subs).unwrap();
        assert_eq!((u32_at(&b, 40), u32_at(&b, 44)), (0, 3));
    }

    #[test]
    fn send_failed_event_form_wins_when_subscribed() {
        let mut subs = Subscriptions::default();
        subs.set(SCTP_SEND_FAILED_EVENT, true).unwrap();
        subs.set(SCTP_SEND_FAILED, true).unwrap();
        let mut ev = send_failed(
            b"abc",
            FragFlags {
                first: true,
                last: false,
            },
        );
        if let Event::SendFailed {
            sent, unordered, ..
        } = &mut ev
        {
            *sent = true;
            *unordered = true;
        }
        let b = encode(&ev, &subs).unwrap();
        assert_eq!(b.len(), 32 + 3);
        header_flags(&b, SCTP_SEND_FAILED_EVENT, SCTP_DATA_SENT);
        let s = sctp_send_failed_event::read_from(&b).unwrap();
        assert_eq!(s.ssf_flags, SCTP_DATA_SENT);
        assert_eq!((s.ssfe_info.snd_sid, s.ssfe_info.snd_flags), (1, 0x4 | 0x2));
        assert_eq!(
            (
                s.ssfe_info.snd_ppid,
                s.ssfe_info.snd_context,
                s.ssf_assoc_id
            ),
            (0x0102_0304, 7, 3)
        );
        assert_eq!(&b[32..], b"abc");
    }

    #[test]
    fn remote_error_pads_the_cause_value() {
        let b = encode(
            &Event::RemoteError {
                code: 0x0102,
                data: vec![1, 2, 3, 4, 5],
            },
            &all(),
        )
        .unwrap();
        assert_eq!(b.len(), 16 + 8);
        header(&b, SCTP_REMOTE_ERROR);
        assert_eq!(&b[8..10], &[1, 2]);
        assert_eq!(u32_at(&b, 12), 3);
        assert_eq!(&b[16..], &[1, 2, 3, 4, 5, 0, 0, 0]);
    }

    #[test]
    fn small_fixed_notifications() {
        let s = encode(&Event::PeerShutdown, &all()).unwrap();
        assert_eq!(s.len(), 12);
        header(&s, SCTP_SHUTDOWN_EVENT);
        assert_eq!(u32_at(&s, 8), 3);
        let a = encode(&Event::AdaptationIndication(0xdead_beef), &all()).unwrap();
        assert_eq!(a.len(), 16);
        header(&a, SCTP_ADAPTATION_INDICATION);
        assert_eq!((u32_at(&a, 8), u32_at(&a, 12)), (0xdead_beef, 3));
        let d = encode(&Event::SenderDry, &all()).unwrap();
        assert_eq!((d.len(), u32_at(&d, 8)), (12, 3));
        header(&d, SCTP_SENDER_DRY_EVENT);
        let p = encode(
            &Event::PartialDeliveryAborted {
                stream_id: 4,
                ssn: 9,
            },
            &all(),
        )
        .unwrap();
        assert_eq!(p.len(), 24);
        header(&p, SCTP_PARTIAL_DELIVERY_EVENT);
        assert_eq!(
            (
                u32_at(&p, 8),
                u32_at(&p, 12),
                u32_at(&p, 16),
                u32_at(&p, 20)
            ),
            (0, 3, 4, 9)
        );
    }

    #[test]
    fn auth_and_reconfig_notifications() {
        let mut out = Vec::new();
        assert!(encode_authkey_event(
            &CTX,
            0,
            SCTP_AUTH_NO_AUTH,
            &all(),
            &mut out
        ));
        assert_eq!(out.len(), 20);
        header(&out, SCTP_AUTHENTICATION_EVENT);
        assert_eq!(
            (
                u16_at(&out, 8),
                u16_at(&out, 10),
                u32_at(&out, 12),
                u32_at(&out, 16)
            ),
            (0, 0, 2, 3)
        );
        assert!(!encode_authkey_event(
            &CTX,
            0,
            SCTP_AUTH_NO_AUTH,
            &Subscriptions::default(),
            &mut out
        ));
        assert!(out.is_empty());

        assert!(encode_stream_reset_event(
            &CTX,
            SCTP_STREAM_RESET_INCOMING_SSN,
            &[1, 0x0203],
            &all(),
            &mut out
        ));
        assert_eq!(out.len(), 16);
        header_flags(
            &out,
            SCTP_STREAM_RESET_EVENT,
            SCTP_STREAM_RESET_INCOMING_SSN,
        );
        let s = sctp_stream_reset_event::read_from(&out).unwrap();
        assert_eq!(s.strreset_assoc_id, 3);
        assert_eq!(&out[12..], &[0, 1, 2, 3]);

        assert!(encode_assoc_reset_event(
            &CTX,
            0,
            100,
            200,
            &all(),
            &mut out
        ));
        assert_eq!(
            (out.len(), u32_at(&out, 12), u32_at(&out, 16)),
            (20, 100, 200)
        );
        header(&out, SCTP_ASSOC_RESET_EVENT);
        assert!(encode_stream_change_event(&CTX, 0, 5, 6, &all(), &mut out));
        assert_eq!((out.len(), u16_at(&out, 12), u16_at(&out, 14)), (16, 5, 6));
        header(&out, SCTP_STREAM_CHANGE_EVENT);
    }

    #[test]
    fn reconfig_events_carry_linux_flags() {
        let mut out = Vec::new();
        let ev = Event::StreamReset {
            incoming: true,
            outgoing: true,
            result: ReconfResult::Performed,
            streams: vec![7],
        };
        assert!(encode_notification(&ev, &CTX, &all(), &mut out));
        header_flags(&out, SCTP_STREAM_RESET_EVENT, 0x3);
        assert_eq!(&out[12..], &[0, 7]);
        let ev = Event::AssocReset {
            result: ReconfResult::Denied,
            local_tsn: 5,
            remote_tsn: 6,
        };
        assert!(encode_notification(&ev, &CTX, &all(), &mut out));
        header_flags(&out, SCTP_ASSOC_RESET_EVENT, 0x4);
        assert_eq!((u32_at(&out, 12), u32_at(&out, 16)), (5, 6));
        let ev = Event::StreamChange {
            result: ReconfResult::Failed,
            inbound: 2,
            outbound: 3,
        };
        assert!(encode_notification(&ev, &CTX, &all(), &mut out));
        header_flags(&out, SCTP_STREAM_CHANGE_EVENT, 0x8);
        assert_eq!((u16_at(&out, 12), u16_at(&out, 14)), (2, 3));
        let mut only_change = Subscriptions::default();
        only_change.set(SCTP_STREAM_CHANGE_EVENT, true).unwrap();
        assert!(encode_notification(&ev, &CTX, &only_change, &mut out));
        let reset = Event::AssocReset {
            result: ReconfResult::Performed,
            local_tsn: 1,
            remote_tsn: 1,
        };
        assert!(!encode_notification(&reset, &CTX, &only_change, &mut out));
    }

    #[test]
    fn unsubscribed_and_non_notification_events_give_nothing() {
        let none = Subscriptions::default();
        for ev in [
            Event::Connected {
                outbound_streams: 1,
                inbound_streams: 1,
            },
            Event::PeerShutdown,
            Event::SenderDry,
            send_failed(
                b"x",
                FragFlags {
                    first: true,
                    last: true,
                },
            ),
        ] {
            assert_eq!(encode(&ev, &none), None, "{ev:?}");
        }
        assert_eq!(encode(&Event::Readable, &all()), None);
        assert_eq!(encode(&Event::Writable, &all()), None);
        // Only the association event subscribed.
        let assoc = Subscriptions::from_event_subscribe(&[0, 1]).unwrap();
        assert!(encode(&Event::ShutdownComplete, &assoc).is_some());
        assert!(encode(&Event::PeerShutdown, &assoc).is_none());
    }

    #[test]
    fn subscription_semantics() {
        // SCTP_EVENTS: byte i <-> type 0x8000 + i; shorter optlen keeps the rest; > 14 EINVAL.
        let mut s = Subscriptions::from_event_subscribe(&[1, 1, 0, 0, 0, 1]).unwrap();
        assert!(s.data_io() && s.is_on(SCTP_ASSOC_CHANGE) && s.is_on(SCTP_SHUTDOWN_EVENT));
        assert!(!s.is_on(SCTP_PEER_ADDR_CHANGE));
        s.apply_event_subscribe(&[0]).unwrap();
        assert!(!s.data_io() && s.is_on(SCTP_ASSOC_CHANGE));
        assert_eq!(s.apply_event_subscribe(&[0; 15]), Err(libc::EINVAL));
        assert_eq!(
            s.to_event_subscribe(),
            [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        // Any non-zero byte means on.
        let t = Subscriptions::from_event_subscribe(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200])
            .unwrap();
        assert!(t.is_on(SCTP_SEND_FAILED_EVENT));
        // SCTP_EVENT: range checked.
        assert_eq!(s.set(SCTP_SN_TYPE_BASE - 1, true), Err(libc::EINVAL));
        assert_eq!(s.set(SCTP_SN_TYPE_MAX + 1, true), Err(libc::EINVAL));
        assert_eq!(s.get(0x800e), Err(libc::EINVAL));
        s.set(SCTP_SENDER_DRY_EVENT, true).unwrap();
        assert_eq!(s.get(SCTP_SENDER_DRY_EVENT), Ok(true));
        assert_eq!(s.to_event_subscribe()[9], 1);
        s.set(SCTP_SENDER_DRY_EVENT, false).unwrap();
        assert_eq!(s.get(SCTP_SENDER_DRY_EVENT), Ok(false));
        // Round trip of every pattern of the 14 bits.
        for bits in [0u16, 0x3fff, 0x1555, 0x2aaa] {
            let bytes: Vec<u8> = (0..EVENT_TYPES)
                .map(|i| u8::from(bits & (1 << i) != 0))
                .collect();
            let s = Subscriptions::from_event_subscribe(&bytes).unwrap();
            assert_eq!(s.to_event_subscribe().to_vec(), bytes);
        }
    }
}
