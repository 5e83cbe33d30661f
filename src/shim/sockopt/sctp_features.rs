//! Switches and values Linux keeps per socket, association or path: SCTP_INTERLEAVING_SUPPORTED
//! (RFC 8260 I-DATA; setting it needs SCTPSHIM_INTL_ENABLE, Linux `net.sctp.intl_enable`, and
//! SCTP_FRAGMENT_INTERLEAVE on, else EPERM), SCTP_ECN_SUPPORTED (RFC 9260 Appendix A, offered
//! by new associations; an association reads whether both sides offered it), and
//! SCTP_PLPMTUD_PROBE_INTERVAL (RFC 8899 probing: a set for a path or an association restarts
//! its search, the socket's value starts one in new associations). Linux `sctp_{get,set}sockopt_*`:
//! get `len < sizeof` and set `len != sizeof` are EINVAL (INTERLEAVING: `<`), and only an
//! association of the socket or SCTP_FUTURE_ASSOC is a valid id on one-to-many sockets.

use super::sctp_paddr::{addr_of, target};
use super::{exact_struct, struct_of, with_sock, Row};
use crate::abi::{self, sctp_assoc_value, sctp_probeinterval, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_INTERLEAVING_SUPPORTED,
        Some(get_intl),
        Some(set_intl),
    ),
    (abi::SCTP_ECN_SUPPORTED, Some(get_ecn), Some(set_ecn)),
    (
        abi::SCTP_PLPMTUD_PROBE_INTERVAL,
        Some(get_probe),
        Some(set_probe),
    ),
];

/// Linux SCTP_PROBE_TIMER_MIN (ms): a non-zero interval below it is EINVAL.
const PROBE_TIMER_MIN: u32 = 5000;

type AssocValueFn = fn(
    &mut crate::stack::engine::Engine,
    crate::stack::registry::Sid,
    Option<crate::assoc::AssocId>,
) -> HookResult<u32>;

/// An `sctp_assoc_value` get: `f` reads the association the id names, or the socket.
fn get_value(s: &Sctp, input: &[u8], f: AssocValueFn) -> HookResult<Vec<u8>> {
    let mut p: sctp_assoc_value = struct_of(input)?;
    let id = p.assoc_id;
    p.assoc_value = with_sock(s, move |e, sid| {
        let aid = e.opt_assoc(sid, id)?;
        f(e, sid, aid)
    })?;
    Ok(p.as_bytes().to_vec())
}

fn get_intl(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    get_value(s, input, |e, sid, aid| {
        Ok(u32::from(match aid {
            Some(aid) => e
                .assoc_of(sid, aid)
                .ok_or(libc::EINVAL)?
                .1
                .intl_negotiated(),
            None => e.feat(sid)?.intl.unwrap_or(e.cfg.assoc.intl_supported),
        }))
    })
}

fn set_intl(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assoc_value = struct_of(v)?;
    with_sock(s, move |e, sid| {
        e.opt_assoc(sid, p.assoc_id)?;
        if !e.cfg.assoc.intl_supported || !e.opts(sid)?.ext.frag_interleave {
            return Err(libc::EPERM);
        }
        e.feat_mut(sid)?.intl = Some(p.assoc_value != 0);
        e.refresh_ep_config(sid);
        Ok(())
    })
}

/// Linux `sctp_getsockopt_ecn_supported`: an association's `peer.ecn_capable`, else the
/// socket's switch.
fn get_ecn(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    get_value(s, input, |e, sid, aid| {
        Ok(u32::from(match aid {
            Some(aid) => e.assoc_of(sid, aid).ok_or(libc::EINVAL)?.1.ecn_negotiated(),
            None => e.feat(sid)?.ecn.unwrap_or(e.cfg.assoc.ecn_supported),
        }))
    })
}

/// Linux `sctp_setsockopt_ecn_supported`: the socket's switch, for associations set up later.
fn set_ecn(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assoc_value = exact_struct(v)?;
    with_sock(s, move |e, sid| {
        e.opt_assoc(sid, p.assoc_id)?;
        e.feat_mut(sid)?.ecn = Some(p.assoc_value != 0);
        e.refresh_ep_config(sid);
        Ok(())
    })
}

/// The association and path the option names (a non-wildcard address must be a peer
/// address of the association, else EINVAL), as Linux `sctp_addr_id2transport`.
fn probe_target(
    s: &Sctp,
    p: &sctp_probeinterval,
) -> HookResult<(i32, Option<std::net::SocketAddr>)> {
    Ok((p.spi_assoc_id, addr_of(&{ p.spi_address }, s.policy())?))
}

fn get_probe(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_probeinterval = struct_of(input)?;
    let (id, addr) = probe_target(s, &p)?;
    p.spi_interval = with_sock(s, move |e, sid| {
        let (aid, ip) = match addr {
            Some(_) => target(e, sid, id, addr)?,
            None => (e.opt_assoc(sid, id)?, None),
        };
        let f = e.feat(sid)?;
        Ok(aid
            .and_then(|a| {
                ip.and_then(|ip| f.probes.get(&(a, Some(ip))))
                    .or_else(|| f.probes.get(&(a, None)))
                    .copied()
            })
            .unwrap_or(f.probe_interval))
    })?;
    Ok(p.as_bytes().to_vec())
}

/// An association's interval applies to each of its paths too.
fn set_probe(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_probeinterval = exact_struct(v)?;
    let interval = p.spi_interval;
    if interval != 0 && interval < PROBE_TIMER_MIN {
        return Err(libc::EINVAL);
    }
    let (id, addr) = probe_target(s, &p)?;
    with_sock(s, move |e, sid| {
        let (aid, ip) = match addr {
            Some(_) => target(e, sid, id, addr)?,
            None => (e.opt_assoc(sid, id)?, None),
        };
        let f = e.feat_mut(sid)?;
        match (aid, ip) {
            (Some(a), Some(ip)) => {
                f.probes.insert((a, Some(ip)), interval);
            }
            (Some(a), None) => {
                f.probes.retain(|&(x, _), _| x != a);
                f.probes.insert((a, None), interval);
            }
            (None, _) => {
                f.probe_interval = interval;
                e.refresh_ep_config(sid);
                return Ok(());
            }
        }
        // Linux `sctp_transport_pl_reset`: the path (or every path) starts over.
        let aid = aid.ok_or(libc::EINVAL)?;
        let (ep, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let ms = std::time::Duration::from_millis(interval.into());
        a.set_probe_interval(std::time::Instant::now(), ip, ms);
        e.mark(ep);
        Ok(())
    })
}
