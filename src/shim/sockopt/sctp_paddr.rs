//! SOL_SCTP options about peer addresses (paths): SCTP_PEER_ADDR_PARAMS (RFC 6458 8.1.12),
//! SCTP_DELAYED_SACK (8.1.19, also in the legacy `sctp_assoc_value` form) and
//! SCTP_GET_PEER_ADDR_INFO (8.2.2; EACCES for a PF path when its state is not exposed, RFC
//! 7829), with Linux's checks (`sctp_setsockopt_peer_addr_params`,
//! `sctp_apply_peer_addr_params`, `sctp_setsockopt_delayed_ack`): the address, if given, must
//! be a peer address of the association the id names; without an association the values are
//! the socket's defaults for new associations.

use super::{with_sock, Row};
use crate::abi::{self, sctp_assoc_t, sctp_assoc_value, sctp_paddrinfo, sctp_sack_info, Pod};
use crate::assoc::{AssocId, PathState, PfExpose};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{parse_storage, storage_is_any, to_storage, AddrPolicy};
use crate::stack::engine::Engine;
use crate::stack::registry::Sid;
use crate::stack::sock::Style;
use libc::sockaddr_storage;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_DELAYED_SACK,
        Some(get_delayed_sack),
        Some(set_delayed_sack),
    ),
    (abi::SCTP_GET_PEER_ADDR_INFO, Some(get_paddrinfo), None),
];

/// Linux's largest SACK delay (ms).
const MAX_SACK_DELAY: u32 = 500;

fn ms(d: Duration) -> u32 {
    d.as_millis().min(u32::MAX as u128) as u32
}

/// The association and peer address an option names: (association, path address). EINVAL
/// for an id that is not the socket's (one-to-many, beyond SCTP_FUTURE_ASSOC) or an address
/// that is not a peer address.
pub(super) fn target(
    e: &mut Engine,
    sid: Sid,
    id: sctp_assoc_t,
    addr: Option<SocketAddr>,
) -> Result<(Option<AssocId>, Option<IpAddr>), i32> {
    let one_to_many = e.socks.get(&sid).ok_or(libc::EBADF)?.style == Style::OneToMany;
    let mut aid = e.assoc_id(sid, id);
    if aid.is_none() && one_to_many && id != 0 {
        return Err(libc::EINVAL);
    }
    let Some(addr) = addr else {
        return Ok((aid, None));
    };
    if aid.is_none() && one_to_many {
        // SCTP_FUTURE_ASSOC with an address: the association that has this peer address.
        let peers: Vec<AssocId> = e
            .socks
            .get(&sid)
            .map_or(Vec::new(), |s| s.peers.iter().map(|&(_, a)| a).collect());
        aid = peers.into_iter().find(|&a| {
            e.assoc_of(sid, a).is_some_and(|(_, x)| {
                x.peer_port() == addr.port() && x.path_info(addr.ip()).is_some()
            })
        });
    }
    let a = aid.ok_or(libc::EINVAL)?;
    let (_, x) = e.assoc_of(sid, a).ok_or(libc::EINVAL)?;
    if x.peer_port() != addr.port() || x.path_info(addr.ip()).is_none() {
        return Err(libc::EINVAL);
    }
    Ok((Some(a), Some(addr.ip())))
}

/// The address field, or None when it is the wildcard.
pub(super) fn addr_of(ss: &sockaddr_storage, p: AddrPolicy) -> HookResult<Option<SocketAddr>> {
    if storage_is_any(ss, p) {
        return Ok(None);
    }
    parse_storage(ss, p).map(Some).map_err(|_| libc::EINVAL)
}

/// `sctp_sack_info` (12 bytes) or the legacy `sctp_assoc_value` (8: the delay only).
fn get_delayed_sack(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let legacy = match input.len() {
        n if n >= std::mem::size_of::<sctp_sack_info>() => false,
        n if n == std::mem::size_of::<sctp_assoc_value>() => true,
        _ => return Err(libc::EINVAL),
    };
    let id = i32::from_ne_bytes([input[0], input[1], input[2], input[3]]);
    let (delay, freq) = with_sock(s, move |e, sid| {
        let (aid, _) = target(e, sid, id, None)?;
        let mut c = e.cfg.assoc.clone();
        let o = e.opts(sid)?;
        // The socket's defaults as a new association gets them (`SockOpts::assoc_config`
        // order): SCTP_PEER_ADDR_PARAMS's path defaults, then these options.
        o.paths.apply(&mut c);
        o.ext.apply(&mut c);
        Ok(match aid.and_then(|a| e.assoc_of(sid, a)) {
            Some((_, a)) => (ms(a.config().sack_delay), a.config().sack_freq),
            None => (ms(c.sack_delay), c.sack_freq),
        })
    })?;
    if legacy {
        let v = sctp_assoc_value {
            assoc_id: id,
            assoc_value: delay,
        };
        return Ok(v.as_bytes().to_vec());
    }
    let v = sctp_sack_info {
        sack_assoc_id: id,
        sack_delay: delay,
        sack_freq: freq,
    };
    Ok(v.as_bytes().to_vec())
}

/// Linux `sctp_setsockopt_delayed_ack`: `sctp_sack_info` (both fields zero: nothing to do)
/// or the legacy `sctp_assoc_value` (a zero delay turns delayed SACKs off); a zero delay or
/// frequency keeps the current one; F/C/A association ids.
fn set_delayed_sack(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let (id, delay, freq) = if v.len() == std::mem::size_of::<sctp_sack_info>() {
        let p = sctp_sack_info::read_from(v).ok_or(libc::EINVAL)?;
        if p.sack_delay == 0 && p.sack_freq == 0 {
            return Ok(());
        }
        (p.sack_assoc_id, p.sack_delay, p.sack_freq)
    } else if v.len() == std::mem::size_of::<sctp_assoc_value>() {
        let p = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
        (p.assoc_id, p.assoc_value, u32::from(p.assoc_value == 0))
    } else {
        return Err(libc::EINVAL);
    };
    if delay > MAX_SACK_DELAY {
        return Err(libc::EINVAL);
    }
    with_sock(s, move |e, sid| {
        let t = e.opt_set_target(sid, id)?;
        for aid in t.assocs {
            if let Some((ep, a)) = e.assoc_of(sid, aid) {
                let c = a.config();
                let d = match delay {
                    0 => c.sack_delay,
                    d => Duration::from_millis(u64::from(d)),
                };
                let f = if freq == 0 { c.sack_freq } else { freq };
                a.set_sack(d, f);
                e.mark(ep);
            }
        }
        if t.socket {
            // One store with SCTP_PEER_ADDR_PARAMS's spp_sackdelay (Linux keeps one
            // `sackdelay` per socket): the path defaults.
            let o = e.opts_mut(sid)?;
            if delay != 0 {
                o.paths.sack_delay_ms = delay;
                o.paths.flags &= !abi::SPP_SACKDELAY_DISABLE;
                o.ext.sack_delay = None;
            }
            if freq != 0 {
                o.ext.sack_freq = Some(freq);
            }
        }
        Ok(())
    })
}

fn get_paddrinfo(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p = sctp_paddrinfo::read_from(input).ok_or(libc::EINVAL)?;
    let addr = addr_of(&{ p.spinfo_address }, s.policy())?.ok_or(libc::EINVAL)?;
    let id = p.spinfo_assoc_id;
    let (aid, info, port) = with_sock(s, move |e, sid| {
        let (aid, ip) = target(e, sid, id, Some(addr))?;
        let aid = aid.ok_or(libc::EINVAL)?;
        let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let info = ip.and_then(|ip| a.path_info(ip)).ok_or(libc::EINVAL)?;
        // Linux: a PF path is hidden (EACCES) when SCTP_EXPOSE_POTENTIALLY_FAILED_STATE
        // is disabled.
        if info.state == PathState::PotentiallyFailed && a.config().pf_expose == PfExpose::Disable {
            return Err(libc::EACCES);
        }
        Ok((aid, info, a.peer_port()))
    })?;
    p.spinfo_assoc_id = aid;
    p.spinfo_address = to_storage(&SocketAddr::new(info.addr, port), s.policy());
    p.spinfo_state = match info.state {
        PathState::Inactive => abi::SCTP_INACTIVE,
        PathState::PotentiallyFailed => abi::SCTP_PF,
        PathState::Active => abi::SCTP_ACTIVE,
        PathState::Unconfirmed => abi::SCTP_UNCONFIRMED,
    };
    p.spinfo_cwnd = info.cwnd;
    p.spinfo_srtt = info.srtt_ms;
    p.spinfo_rto = info.rto_ms;
    p.spinfo_mtu = info.mtu;
    Ok(p.as_bytes().to_vec())
}
