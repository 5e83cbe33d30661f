//! The per-destination socket options behind SCTP_PEER_ADDR_PARAMS, SCTP_PEER_ADDR_THLDS(_V2),
//! SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, SCTP_PRIMARY_ADDR and SCTP_GET_PEER_ADDR_INFO
//! (RFC 6458 8.1.8, 8.1.12, 8.2.2; RFC 7829; Linux
//! `sctp_setsockopt_peer_addr_params` and friends). Each applies to one of three levels, as in
//! Linux: a peer address of an association, an association (all its paths and the ones it
//! gains), or the socket (the defaults of associations set up later). The shim side is
//! `shim/sockopt/sctp_paths.rs`.

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::abi;
use crate::assoc::{AssocConfig, AssocId, PfExpose};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Linux's SCTP_DEFAULT_MINSEGMENT: the smallest `spp_pathmtu` accepted.
const MIN_PATHMTU: u32 = 512;
/// Linux's largest `spp_sackdelay` (RFC 9260 6.2: at most 500 ms).
const MAX_SACKDELAY: u32 = 500;

/// Socket-level defaults for the paths of future associations (Linux `struct sctp_sock`
/// hbinterval, pathmaxrxt, pf_retrans, ps_retrans, pf_expose, pathmtu, sackdelay,
/// param_flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathDefaults {
    pub hb_interval_ms: u32,
    pub max_retrans: u16,
    pub pf_retrans: u16,
    pub ps_retrans: u16,
    pub pf_expose: PfExpose,
    /// 0: from the route.
    pub pathmtu: u32,
    pub sack_delay_ms: u32,
    /// `SPP_*` flags as Linux reports them.
    pub flags: u32,
}

impl PathDefaults {
    pub fn new(c: &AssocConfig) -> PathDefaults {
        PathDefaults {
            hb_interval_ms: ms(c.hb_interval),
            max_retrans: cap(c.path_max_retrans),
            pf_retrans: cap(c.pf_retrans),
            ps_retrans: cap(c.ps_retrans),
            pf_expose: c.pf_expose,
            pathmtu: 0,
            sack_delay_ms: ms(c.sack_delay),
            flags: abi::SPP_HB_ENABLE | abi::SPP_PMTUD_ENABLE | abi::SPP_SACKDELAY_ENABLE,
        }
    }

    /// Into the configuration of a new association.
    pub fn apply(&self, c: &mut AssocConfig) {
        c.hb_interval = if self.flags & abi::SPP_HB_DISABLE != 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(self.hb_interval_ms.into())
        };
        c.path_max_retrans = self.max_retrans.into();
        c.pf_retrans = self.pf_retrans.into();
        c.ps_retrans = self.ps_retrans.into();
        c.pf_expose = self.pf_expose;
        if self.pathmtu != 0 {
            c.pmtu = self.pathmtu;
        }
        c.pmtud_off = self.flags & abi::SPP_PMTUD_DISABLE != 0;
        if self.flags & abi::SPP_SACKDELAY_DISABLE != 0 {
            c.sack_freq = 1;
        } else {
            c.sack_delay = Duration::from_millis(self.sack_delay_ms.into());
        }
    }
}

/// A threshold as the 16-bit option fields hold it.
fn cap(n: u32) -> u16 {
    n.min(u16::MAX as u32) as u16
}

fn ms(d: Duration) -> u32 {
    d.as_millis().min(u32::MAX as u128) as u32
}

/// SCTP_PEER_ADDR_PARAMS as read or written (`struct sctp_paddrparams` without the address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaddrParams {
    pub hb_interval: u32,
    pub max_retrans: u16,
    pub pathmtu: u32,
    pub sack_delay: u32,
    pub flags: u32,
}

/// SCTP_PEER_ADDR_THLDS_V2 without the address: Path.Max.Retrans, the PotentiallyFailed
/// threshold and the primary switchover threshold (`spt_pathcpthld`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Thresholds {
    pub max_retrans: u16,
    pub pf: u16,
    pub ps: u16,
}

/// What an option with (association id, address) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Socket,
    Assoc(AssocId),
    Path(AssocId, IpAddr),
}

impl Engine {
    /// The socket's options changed: associations its endpoint sets up from now on take them
    /// (the endpoint's path MTU and remote UDP port, set at bind, stay).
    pub fn refresh_ep_config(&mut self, sid: Sid) {
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        let Some(ep) = s.ep.and_then(|ep| self.eps.get_mut(&ep)) else {
            return;
        };
        if ep.owner != sid {
            return;
        }
        let mut c = s.opts.assoc_config(&self.cfg.assoc);
        let old = ep.endpoint.assoc_config_mut();
        c.remote_udp_port = old.remote_udp_port;
        if s.opts.paths.pathmtu == 0 {
            c.pmtu = old.pmtu;
        }
        *old = c;
    }

    /// Linux `sctp_addr_id2transport` / `sctp_id2asoc`: an address must be a peer address of
    /// the named association (one-to-many with id 0: of any of the socket's associations),
    /// else EINVAL; without an address, a one-to-many id that names no association of the
    /// socket is EINVAL, and no association means the socket level.
    fn path_target(&self, sid: Sid, id: AssocId, addr: Option<IpAddr>) -> Result<Target, i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        let named = self.assoc_id(sid, id);
        if s.style == Style::OneToMany && id != 0 && named.is_none() {
            return Err(libc::EINVAL);
        }
        let Some(addr) = addr else {
            return Ok(named.map_or(Target::Socket, Target::Assoc));
        };
        let candidates: Vec<AssocId> = match named {
            Some(a) => vec![a],
            None => s.peers.iter().map(|&(_, a)| a).collect(),
        };
        let ep = s.ep.and_then(|ep| self.eps.get(&ep)).ok_or(libc::EINVAL)?;
        candidates
            .into_iter()
            .find(|&aid| {
                ep.endpoint
                    .assoc(aid)
                    .is_some_and(|a| a.path_info(addr).is_some())
            })
            .map(|aid| Target::Path(aid, addr))
            .ok_or(libc::EINVAL)
    }

    /// SCTP_PEER_ADDR_PARAMS get.
    pub fn paddr_params(
        &mut self,
        sid: Sid,
        id: AssocId,
        addr: Option<IpAddr>,
    ) -> Result<PaddrParams, i32> {
        let d = self.opts(sid)?.paths;
        let (aid, addr) = match self.path_target(sid, id, addr)? {
            Target::Socket => {
                return Ok(PaddrParams {
                    hb_interval: d.hb_interval_ms,
                    max_retrans: d.max_retrans,
                    pathmtu: d.pathmtu,
                    sack_delay: d.sack_delay_ms,
                    flags: d.flags,
                })
            }
            Target::Assoc(a) => (a, None),
            Target::Path(a, ip) => (a, Some(ip)),
        };
        let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let p = a.path_params(addr).ok_or(libc::EINVAL)?;
        let hb_off = p.hb_interval.is_zero();
        let mut flags = d.flags & !(abi::SPP_HB | abi::SPP_PMTUD | abi::SPP_SACKDELAY);
        flags |= if p.sack_freq == 1 {
            abi::SPP_SACKDELAY_DISABLE
        } else {
            abi::SPP_SACKDELAY_ENABLE
        };
        flags |= if hb_off {
            abi::SPP_HB_DISABLE
        } else {
            abi::SPP_HB_ENABLE
        };
        flags |= if p.pmtud_off {
            abi::SPP_PMTUD_DISABLE
        } else {
            abi::SPP_PMTUD_ENABLE
        };
        Ok(PaddrParams {
            hb_interval: if hb_off {
                d.hb_interval_ms
            } else {
                ms(p.hb_interval)
            },
            max_retrans: cap(p.max_retrans),
            pathmtu: p.pmtu,
            sack_delay: ms(p.sack_delay),
            flags,
        })
    }

    /// SCTP_PEER_ADDR_PARAMS set: Linux's EINVAL rules (both ENABLE and DISABLE of one
    /// feature, sackdelay over 500 ms, pathmtu under 512, HB_DEMAND without a destination),
    /// then each non-zero field and each flag change applied at the named level.
    pub fn set_paddr_params(
        &mut self,
        sid: Sid,
        id: AssocId,
        addr: Option<IpAddr>,
        v: PaddrParams,
    ) -> Result<(), i32> {
        let f = v.flags;
        if f & abi::SPP_HB == abi::SPP_HB
            || f & abi::SPP_PMTUD == abi::SPP_PMTUD
            || f & abi::SPP_SACKDELAY == abi::SPP_SACKDELAY
            || v.sack_delay > MAX_SACKDELAY
            || (v.pathmtu != 0 && v.pathmtu < MIN_PATHMTU)
        {
            return Err(libc::EINVAL);
        }
        let target = self.path_target(sid, id, addr)?;
        if f & abi::SPP_HB_DEMAND != 0 && target == Target::Socket {
            return Err(libc::EINVAL);
        }
        // Linux: spp_pathmtu is the fixed path MTU, taken only with SPP_PMTUD_DISABLE.
        let pathmtu = if f & abi::SPP_PMTUD_DISABLE != 0 {
            v.pathmtu
        } else {
            0
        };
        // The socket keeps the defaults and flags (also reported for associations).
        let d = &mut self.opts_mut(sid)?.paths;
        if target == Target::Socket {
            if v.hb_interval != 0 || f & abi::SPP_HB_TIME_IS_ZERO != 0 {
                d.hb_interval_ms = v.hb_interval;
            }
            if v.max_retrans != 0 {
                d.max_retrans = v.max_retrans;
            }
            if pathmtu != 0 {
                d.pathmtu = pathmtu;
            }
            if v.sack_delay != 0 {
                d.sack_delay_ms = v.sack_delay;
            }
        }
        for (on, off) in [
            (abi::SPP_HB_ENABLE, abi::SPP_HB_DISABLE),
            (abi::SPP_PMTUD_ENABLE, abi::SPP_PMTUD_DISABLE),
            (abi::SPP_SACKDELAY_ENABLE, abi::SPP_SACKDELAY_DISABLE),
        ] {
            if f & (on | off) != 0 {
                d.flags = (d.flags & !(on | off)) | (f & (on | off));
            }
        }
        let d = *d;
        let (aid, path) = match target {
            Target::Socket => {
                self.refresh_ep_config(sid);
                return Ok(());
            }
            Target::Assoc(a) => (a, None),
            Target::Path(a, ip) => (a, Some(ip)),
        };
        let now = Instant::now();
        let (ep, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let current = a.path_params(path).ok_or(libc::EINVAL)?;
        if v.hb_interval != 0 || f & abi::SPP_HB != 0 {
            let interval = if d.flags & abi::SPP_HB_DISABLE != 0 {
                Duration::ZERO
            } else if v.hb_interval != 0 {
                Duration::from_millis(v.hb_interval.into())
            } else if current.hb_interval.is_zero() {
                Duration::from_millis(d.hb_interval_ms.into())
            } else {
                current.hb_interval
            };
            a.set_hb_interval(now, path, interval);
        }
        if v.max_retrans != 0 {
            a.set_path_max_retrans(path, v.max_retrans.into());
        }
        if f & abi::SPP_PMTUD != 0 {
            a.set_pmtud(path, f & abi::SPP_PMTUD_ENABLE != 0);
        }
        if pathmtu != 0 {
            a.set_pmtu(path, pathmtu);
        }
        if v.sack_delay != 0 || f & abi::SPP_SACKDELAY != 0 {
            let delay = (v.sack_delay != 0).then(|| Duration::from_millis(v.sack_delay.into()));
            let on = (f & abi::SPP_SACKDELAY != 0).then_some(f & abi::SPP_SACKDELAY_ENABLE != 0);
            a.set_path_sack(path, delay, on);
        }
        if let Some(ip) = path.filter(|_| f & abi::SPP_HB_DEMAND != 0) {
            a.request_heartbeat(ip);
        }
        self.mark(ep);
        Ok(())
    }

    /// SCTP_PEER_ADDR_THLDS(_V2) get: Path.Max.Retrans, PF and primary switchover
    /// thresholds of the path, the association or the socket.
    pub fn path_thresholds(
        &mut self,
        sid: Sid,
        id: AssocId,
        addr: Option<IpAddr>,
    ) -> Result<Thresholds, i32> {
        let d = self.opts(sid)?.paths;
        let (aid, path) = match self.path_target(sid, id, addr)? {
            Target::Socket => {
                return Ok(Thresholds {
                    max_retrans: d.max_retrans,
                    pf: d.pf_retrans,
                    ps: d.ps_retrans,
                })
            }
            Target::Assoc(a) => (a, None),
            Target::Path(a, ip) => (a, Some(ip)),
        };
        let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let p = a.path_params(path).ok_or(libc::EINVAL)?;
        Ok(Thresholds {
            max_retrans: cap(p.max_retrans),
            pf: cap(p.pf_retrans),
            ps: cap(p.ps_retrans),
        })
    }

    /// SCTP_PEER_ADDR_THLDS(_V2) set (Linux `sctp_setsockopt_paddr_thresholds`): one path,
    /// every path of an association and its later ones, or the socket's defaults. Zero
    /// Path.Max.Retrans keeps the current one; the v1 option (`v2` false) leaves the
    /// switchover threshold alone.
    pub fn set_path_thresholds(
        &mut self,
        sid: Sid,
        id: AssocId,
        addr: Option<IpAddr>,
        v: Thresholds,
        v2: bool,
    ) -> Result<(), i32> {
        let (aid, path) = match self.path_target(sid, id, addr)? {
            Target::Socket => {
                let d = &mut self.opts_mut(sid)?.paths;
                if v.max_retrans != 0 {
                    d.max_retrans = v.max_retrans;
                }
                d.pf_retrans = v.pf;
                if v2 {
                    d.ps_retrans = v.ps;
                }
                self.refresh_ep_config(sid);
                return Ok(());
            }
            Target::Assoc(a) => (a, None),
            Target::Path(a, ip) => (a, Some(ip)),
        };
        let (ep, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        let ps = v2.then_some(v.ps.into());
        if !a.set_path_thresholds(path, v.max_retrans.into(), v.pf.into(), ps) {
            return Err(libc::EINVAL);
        }
        self.mark(ep);
        Ok(())
    }

    /// SCTP_EXPOSE_POTENTIALLY_FAILED_STATE get (Linux `sctp_getsockopt_pf_expose`): the
    /// association's, else the socket's.
    pub fn pf_expose(&mut self, sid: Sid, id: AssocId) -> Result<PfExpose, i32> {
        match self.path_target(sid, id, None)? {
            Target::Assoc(aid) => {
                let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
                Ok(a.config().pf_expose)
            }
            _ => Ok(self.opts(sid)?.paths.pf_expose),
        }
    }

    /// SCTP_EXPOSE_POTENTIALLY_FAILED_STATE set: the association's only, else the socket's
    /// (for associations set up later).
    pub fn set_pf_expose(&mut self, sid: Sid, id: AssocId, v: PfExpose) -> Result<(), i32> {
        match self.path_target(sid, id, None)? {
            Target::Assoc(aid) => {
                let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
                a.set_pf_expose(v);
            }
            _ => {
                self.opts_mut(sid)?.paths.pf_expose = v;
                self.refresh_ep_config(sid);
            }
        }
        Ok(())
    }

    /// SCTP_PRIMARY_ADDR get: the primary of the association `id` names (EINVAL without one).
    pub fn primary_addr(&mut self, sid: Sid, id: AssocId) -> Result<(AssocId, SocketAddr), i32> {
        let aid = self.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        Ok((aid, SocketAddr::new(a.primary(), a.peer_port())))
    }

    /// SCTP_PRIMARY_ADDR set: `addr` must be a peer address (EINVAL); reports MADE_PRIM.
    pub fn set_primary_addr(&mut self, sid: Sid, id: AssocId, addr: IpAddr) -> Result<(), i32> {
        let Target::Path(aid, ip) = self.path_target(sid, id, Some(addr))? else {
            return Err(libc::EINVAL);
        };
        let (ep, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        if !a.set_primary(ip) {
            return Err(libc::EINVAL);
        }
        self.mark(ep);
        Ok(())
    }
}
