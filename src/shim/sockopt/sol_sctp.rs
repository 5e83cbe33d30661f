//! SOL_SCTP options: one table row per option, a getter and/or a setter each (RFC 6458 8,
//! Linux `sctp_getsockopt`/`sctp_setsockopt`). An option without a row, or without the
//! direction asked, is ENOPROTOOPT, as in Linux. To add one: write its functions, add a row.

use super::{int_of, with_sock};
use crate::abi::{self, sctp_initmsg, sctp_rtoinfo, sctp_status, sctp_udpencaps, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{encode_addr_list, format_sockaddr};
use crate::stack::registry::{self, RECV_NXTINFO, RECV_RCVINFO, RECV_SNDRCV};

pub type GetFn = fn(&Sctp, &[u8]) -> HookResult<Vec<u8>>;
pub type SetFn = fn(&Sctp, &[u8]) -> HookResult<()>;
/// An option: its number, getter and setter.
pub type Row = (i32, Option<GetFn>, Option<SetFn>);

const TABLE: &[(i32, Option<GetFn>, Option<SetFn>)] = &[
    (abi::SCTP_RTOINFO, Some(get_rtoinfo), Some(set_rtoinfo)),
    (abi::SCTP_INITMSG, Some(get_initmsg), Some(set_initmsg)),
    (abi::SCTP_NODELAY, Some(get_nodelay), Some(set_nodelay)),
    (abi::SCTP_EVENTS, Some(get_events), Some(set_events)),
    (abi::SCTP_MAXSEG, Some(get_maxseg), Some(set_maxseg)),
    (abi::SCTP_STATUS, Some(get_status), None),
    (
        abi::SCTP_REMOTE_UDP_ENCAPS_PORT,
        Some(get_encaps),
        Some(set_encaps),
    ),
    (
        abi::SCTP_RECVRCVINFO,
        Some(get_recvrcvinfo),
        Some(set_recvrcvinfo),
    ),
    (
        abi::SCTP_RECVNXTINFO,
        Some(get_recvnxtinfo),
        Some(set_recvnxtinfo),
    ),
    (abi::SCTP_GET_PEER_ADDRS, Some(get_peer_addrs), None),
    (abi::SCTP_GET_LOCAL_ADDRS, Some(get_local_addrs), None),
];

fn row(name: i32) -> Option<&'static (i32, Option<GetFn>, Option<SetFn>)> {
    TABLE
        .iter()
        .chain(super::EXTRA_TABLES.iter().flat_map(|t| t.iter()))
        .find(|r| r.0 == name)
}

pub fn get(_fd: i32, s: &Sctp, name: i32, input: &[u8]) -> HookResult<super::Get> {
    let f = row(name).and_then(|r| r.1).ok_or(libc::ENOPROTOOPT)?;
    Ok(super::Get::Value(f(s, input)?))
}

pub fn set(_fd: i32, s: &Sctp, name: i32, v: &[u8]) -> HookResult<super::Set> {
    let f = row(name).and_then(|r| r.2).ok_or(libc::ENOPROTOOPT)?;
    f(s, v)?;
    Ok(super::Set::Done)
}

/// The option struct at the start of `v` (EINVAL when shorter).
fn read<T: Pod>(v: &[u8]) -> HookResult<T> {
    T::read_from(v).ok_or(libc::EINVAL)
}

/// (initial, max, min) in ms of the association `id` names, or of the socket.
fn rto_of(
    e: &mut crate::stack::engine::Engine,
    sid: crate::stack::registry::Sid,
    aid: Option<crate::assoc::AssocId>,
) -> HookResult<(u32, u32, u32)> {
    let ms = |d: std::time::Duration| d.as_millis().min(u32::MAX as u128) as u32;
    Ok(match aid.and_then(|a| e.assoc_of(sid, a)) {
        Some((_, a)) => {
            let c = a.config();
            (ms(c.rto_initial), ms(c.rto_max), ms(c.rto_min))
        }
        None => e.opts(sid)?.rto,
    })
}

/// Linux `sctp_getsockopt_rtoinfo`: an association's values, or the socket's for
/// SCTP_FUTURE_ASSOC; the caller's id comes back.
fn get_rtoinfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut r: sctp_rtoinfo = super::struct_of(input)?;
    let id = r.srto_assoc_id;
    let (i, max, min) = with_sock(s, move |e, sid| {
        let aid = e.opt_assoc(sid, id)?;
        rto_of(e, sid, aid)
    })?;
    r.srto_initial = i;
    r.srto_max = max;
    r.srto_min = min;
    Ok(r.as_bytes().to_vec())
}

/// RFC 6458 8.1.1 / Linux `sctp_setsockopt_rtoinfo`: exactly the struct; zero leaves a
/// value unchanged; min above max is EINVAL (Linux does not bound the initial value). A
/// one-to-many association id sets that association; otherwise the socket and its
/// associations.
fn set_rtoinfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let r: sctp_rtoinfo = super::exact_struct(v)?;
    let one_to_many = !s.one_to_one();
    with_sock(s, move |e, sid| {
        let aid = e.opt_assoc(sid, r.srto_assoc_id)?;
        let (mut i, mut max, mut min) = rto_of(e, sid, aid)?;
        if r.srto_initial != 0 {
            i = r.srto_initial;
        }
        if r.srto_max != 0 {
            max = r.srto_max;
        }
        if r.srto_min != 0 {
            min = r.srto_min;
        }
        if min > max {
            return Err(libc::EINVAL);
        }
        match aid.filter(|_| one_to_many).and_then(|a| e.assoc_of(sid, a)) {
            Some((_, a)) => {
                let ms = |v: u32| std::time::Duration::from_millis(u64::from(v));
                a.set_rto(ms(i), ms(min), ms(max));
            }
            None => {
                e.opts_mut(sid)?.rto = (i, max, min);
                e.apply_opts(sid);
            }
        }
        Ok(())
    })
}

fn get_initmsg(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    super::struct_of::<sctp_initmsg>(input)?;
    let m = with_sock(s, |e, sid| Ok(e.opts(sid)?.initmsg))?;
    let r = sctp_initmsg {
        sinit_num_ostreams: m[0],
        sinit_max_instreams: m[1],
        sinit_max_attempts: m[2],
        sinit_max_init_timeo: m[3],
    };
    Ok(r.as_bytes().to_vec())
}

/// Zero fields keep their value (Linux `sctp_setsockopt_initmsg`); used by later associations.
fn set_initmsg(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let r: sctp_initmsg = super::exact_struct(v)?;
    with_sock(s, move |e, sid| {
        let o = e.opts_mut(sid)?;
        o.initmsg = o.initmsg_with(crate::stack::sock::initmsg_fields(&r));
        Ok(())
    })
}

fn get_nodelay(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    let on = with_sock(s, |e, sid| Ok(e.opts(sid)?.nodelay))?;
    super::int_out(u32::from(on), i)
}

fn set_nodelay(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let on = int_of(v)? != 0;
    with_sock(s, move |e, sid| {
        e.opts_mut(sid)?.nodelay = on;
        e.apply_opts(sid);
        Ok(())
    })
}

/// Linux: a zero length is EINVAL; a shorter buffer gets the leading bytes.
fn get_events(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    if input.is_empty() {
        return Err(libc::EINVAL);
    }
    let ev = with_sock(s, |e, sid| Ok(e.opts(sid)?.events))?;
    Ok(ev.to_event_subscribe().to_vec())
}

/// Byte i of `sctp_event_subscribe` is notification type 0x8000 + i (Linux
/// `sctp_setsockopt_events`); `sctp_data_io_event` also turns SCTP_SNDRCV cmsgs on.
fn set_events(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let v = v.to_vec();
    let data_io = with_sock(s, move |e, sid| e.set_events_all(sid, &v))?;
    set_recv_flag(s, RECV_SNDRCV, data_io);
    Ok(())
}

fn get_recvrcvinfo(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    super::int_out(u32::from(s.e.recv & RECV_RCVINFO != 0), i)
}

fn set_recvrcvinfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_recv_flag(s, RECV_RCVINFO, int_of(v)? != 0);
    Ok(())
}

fn get_recvnxtinfo(s: &Sctp, i: &[u8]) -> HookResult<Vec<u8>> {
    super::int_out(u32::from(s.e.recv & RECV_NXTINFO != 0), i)
}

fn set_recvnxtinfo(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_recv_flag(s, RECV_NXTINFO, int_of(v)? != 0);
    Ok(())
}

/// The recvmsg hook reads which cmsgs to build from the registry entry.
pub(super) fn set_recv_flag(s: &Sctp, bit: u8, on: bool) {
    registry::update(s.key, |e| {
        if on {
            e.recv |= bit;
        } else {
            e.recv &= !bit;
        }
    });
}

/// An `int` (the socket's value) or an `sctp_assoc_value` (the association's, whose
/// fragmentation point Linux reports, or the socket's for SCTP_FUTURE_ASSOC): Linux
/// `sctp_{get,set}sockopt_maxseg`. Returns (is the int form, assoc id).
fn maxseg_form(v: &[u8], set: bool) -> HookResult<(bool, i32)> {
    match v.len() {
        4 => Ok((true, abi::SCTP_FUTURE_ASSOC)),
        n if n == 8 || (!set && n > 8) => Ok((false, int_of(v)?)),
        _ => Err(libc::EINVAL),
    }
}

fn get_maxseg(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let (int, id) = maxseg_form(input, false)?;
    let m = with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => e
                .assoc_of(sid, aid)
                .ok_or(libc::EINVAL)?
                .1
                .fragmentation_point() as u32,
            None => e.opts(sid)?.maxseg,
        })
    })?;
    if int {
        return Ok(m.to_ne_bytes().to_vec());
    }
    let v = abi::sctp_assoc_value {
        assoc_id: id,
        assoc_value: m,
    };
    Ok(v.as_bytes().to_vec())
}

/// A non-zero size must lie between Linux's `sctp_min_frag_point` (a 512-byte packet minus
/// the IP, UDP, SCTP and DATA headers) and the largest chunk minus the DATA header.
fn set_maxseg(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let (int, id) = maxseg_form(v, true)?;
    let n = if int { int_of(v)? } else { int_of(&v[4..])? };
    let ip = if s.policy() == crate::shim::sockaddr::AddrPolicy::INET6 {
        40
    } else {
        20
    };
    if n != 0 && !(512 - ip - 8 - 12 - 16..=65535 - 16).contains(&n) {
        return Err(libc::EINVAL);
    }
    with_sock(s, move |e, sid| {
        match e.opt_assoc(sid, id)? {
            Some(aid) => {
                if let Some((_, a)) = e.assoc_of(sid, aid) {
                    a.set_maxseg(n as u32);
                }
            }
            None => {
                e.opts_mut(sid)?.maxseg = n as u32;
                e.refresh_ep_config(sid);
            }
        }
        Ok(())
    })
}

/// Linux: a buffer shorter than `struct sctp_status` is EINVAL; needs an association.
fn get_status(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let id = super::struct_of::<sctp_status>(input)?.sstat_assoc_id;
    let policy = s.policy();
    let st = with_sock(s, move |e, sid| e.status(sid, id))?;
    let mut out = sctp_status::zeroed();
    out.sstat_assoc_id = st.0;
    let st = st.1;
    out.sstat_state = state_number(st.state);
    out.sstat_rwnd = st.peer_rwnd;
    out.sstat_unackdata = st.unacked_chunks.min(u16::MAX as u32) as u16;
    out.sstat_penddata = st.pending_chunks.min(u16::MAX as u32) as u16;
    out.sstat_instrms = st.inbound_streams;
    out.sstat_outstrms = st.outbound_streams;
    out.sstat_fragmentation_point = st.fragmentation_point;
    if let Some(p) = st.primary {
        let mut pi = out.sstat_primary;
        pi.spinfo_assoc_id = out.sstat_assoc_id;
        let raw = format_sockaddr(&std::net::SocketAddr::new(p.addr, st.peer_port), policy);
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        // SAFETY: at most 28 bytes into a 128-byte sockaddr_storage.
        unsafe {
            std::ptr::copy_nonoverlapping(
                raw.as_bytes().as_ptr(),
                &mut ss as *mut _ as *mut u8,
                raw.len(),
            );
        }
        pi.spinfo_address = ss;
        pi.spinfo_state = match p.state {
            crate::assoc::PathState::Inactive => abi::SCTP_INACTIVE,
            crate::assoc::PathState::PotentiallyFailed => abi::SCTP_PF,
            crate::assoc::PathState::Active => abi::SCTP_ACTIVE,
            crate::assoc::PathState::Unconfirmed => abi::SCTP_UNCONFIRMED,
        };
        pi.spinfo_cwnd = p.cwnd;
        pi.spinfo_srtt = p.srtt_ms;
        pi.spinfo_rto = p.rto_ms;
        pi.spinfo_mtu = p.mtu;
        out.sstat_primary = pi;
    }
    Ok(out.as_bytes().to_vec())
}

/// `sstat_state` numbering (Linux `enum sctp_sstat_state`).
fn state_number(s: crate::assoc::AssocState) -> i32 {
    use crate::assoc::AssocState as A;
    match s {
        A::Closed => abi::SCTP_CLOSED,
        A::CookieWait => abi::SCTP_COOKIE_WAIT,
        A::CookieEchoed => abi::SCTP_COOKIE_ECHOED,
        A::Established => abi::SCTP_ESTABLISHED,
        A::ShutdownPending => abi::SCTP_SHUTDOWN_PENDING,
        A::ShutdownSent => abi::SCTP_SHUTDOWN_SENT,
        A::ShutdownReceived => abi::SCTP_SHUTDOWN_RECEIVED,
        A::ShutdownAckSent => abi::SCTP_SHUTDOWN_ACK_SENT,
    }
}

fn get_encaps(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut u: sctp_udpencaps = read(input).unwrap_or_else(|_| sctp_udpencaps::zeroed());
    let port = with_sock(s, |e, sid| Ok(e.opts(sid)?.remote_udp_port))?;
    u.sue_port = port.to_be();
    Ok(u.as_bytes().to_vec())
}

/// RFC 6951 6.1 / Linux: `sue_port` in network order; optlen must be the struct's size. The
/// port applies to the whole socket (wildcard address).
fn set_encaps(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() != std::mem::size_of::<sctp_udpencaps>() {
        return Err(libc::EINVAL);
    }
    let u: sctp_udpencaps = read(v)?;
    let port = u16::from_be(u.sue_port);
    with_sock(s, move |e, sid| {
        e.opts_mut(sid)?.remote_udp_port = port;
        e.apply_opts(sid);
        Ok(())
    })
}

/// SCTP_GET_PEER_ADDRS (libsctp `sctp_getpaddrs`): `struct sctp_getaddrs` {assoc_id, addr_num}
/// then the addresses packed; EINVAL for an unknown association, ENOMEM when they do not fit.
fn get_peer_addrs(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let id = super::struct_of::<abi::sctp_getaddrs>(input)?.assoc_id;
    let addrs = with_sock(s, move |e, sid| {
        e.peer_addrs(sid, id).map_err(|_| libc::EINVAL)
    })?;
    addr_list(s, input.len(), &addrs)
}

/// SCTP_GET_LOCAL_ADDRS (libsctp `sctp_getladdrs`): the bound addresses; a non-zero id
/// must name an association (EINVAL), as Linux.
fn get_local_addrs(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let id = super::struct_of::<abi::sctp_getaddrs>(input)?.assoc_id;
    let addrs = with_sock(s, move |e, sid| {
        if id != 0 {
            e.opt_need_assoc(sid, id)?;
        }
        e.local_addrs(sid)
    })?;
    addr_list(s, input.len(), &addrs)
}

fn addr_list(s: &Sctp, room: usize, addrs: &[std::net::SocketAddr]) -> HookResult<Vec<u8>> {
    let head = std::mem::size_of::<abi::sctp_getaddrs>();
    let mut out = vec![0u8; room.max(head)];
    let (used, n) = encode_addr_list(addrs, s.policy(), &mut out[head..])?;
    out.truncate(head + used);
    out[4..8].copy_from_slice(&n.to_ne_bytes());
    Ok(out)
}
