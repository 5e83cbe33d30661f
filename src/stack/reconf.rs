//! RFC 6525 stream reconfiguration at the socket level, as Linux's `net/sctp/socket.c`
//! handles SCTP_RECONFIG_SUPPORTED, SCTP_ENABLE_STREAM_RESET, SCTP_RESET_STREAMS,
//! SCTP_RESET_ASSOC and SCTP_ADD_STREAMS (the shim side is `shim/sockopt/sctp_reconf.rs`).
//!
//! Enabling, as Linux: RE-CONFIG is off by default (`net.sctp.reconf_enable = 0`; here the
//! process default comes from SCTPSHIM_RECONF_ENABLE); SCTP_RECONFIG_SUPPORTED turns it on
//! for the associations a socket sets up from then on. Which requests of the peer are granted
//! is SCTP_ENABLE_STREAM_RESET: the socket's value for new associations, or an association's.

use std::time::Instant;

use super::engine::Engine;
use super::registry::Sid;
use super::sock::Style;
use crate::abi::{SCTP_ALL_ASSOC, SCTP_CURRENT_ASSOC, SCTP_FUTURE_ASSOC};
use crate::assoc::{AssocConfig, AssocId, Association, ReconfError};

/// A socket's RE-CONFIG settings (Linux `ep->reconf_enable`, `ep->strreset_enable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconfOpts {
    pub supported: bool,
    pub enable: u32,
}

impl ReconfOpts {
    pub fn new(c: &AssocConfig) -> ReconfOpts {
        ReconfOpts {
            supported: c.reconfig_supported,
            enable: c.stream_reset_enable,
        }
    }

    pub fn apply(&self, c: &mut AssocConfig) {
        c.reconfig_supported = self.supported;
        c.stream_reset_enable = self.enable;
    }
}

/// The errno Linux's `sctp_send_reset_streams` and friends give.
fn errno(e: ReconfError) -> i32 {
    match e {
        ReconfError::NotEnabled => libc::ENOPROTOOPT,
        ReconfError::InProgress => libc::EINPROGRESS,
        ReconfError::Invalid => libc::EINVAL,
        ReconfError::Busy => libc::EAGAIN,
        ReconfError::NotEstablished => libc::ESHUTDOWN,
    }
}

impl Engine {
    fn reconf_opts_mut(&mut self, sid: Sid) -> Result<&mut ReconfOpts, i32> {
        Ok(&mut self.opts_mut(sid)?.reconf)
    }

    fn one_to_many(&self, sid: Sid) -> bool {
        self.socks
            .get(&sid)
            .is_some_and(|s| s.style == Style::OneToMany)
    }

    /// Linux `sctp_id2assoc`: the named association (one-to-one: the socket's, whatever the
    /// id), `Ok(None)` for the socket level, EINVAL for a one-to-many id that names none of
    /// the socket's associations and is not one of `socket_ids`.
    fn reconf_target(
        &self,
        sid: Sid,
        id: AssocId,
        socket_ids: &[AssocId],
    ) -> Result<Option<AssocId>, i32> {
        match self.assoc_id(sid, id) {
            Some(aid) => Ok(Some(aid)),
            None if self.one_to_many(sid) && !socket_ids.contains(&id) => Err(libc::EINVAL),
            None => Ok(None),
        }
    }

    /// Runs a user request on association `id` (EINVAL without one), then sends.
    fn reconf_request(
        &mut self,
        sid: Sid,
        id: AssocId,
        f: impl FnOnce(&mut Association, Instant) -> Result<(), ReconfError>,
    ) -> Result<(), i32> {
        let aid = self.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (ep, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        f(a, Instant::now()).map_err(errno)?;
        self.mark(ep);
        Ok(())
    }

    /// A get at association `id` (Linux: EINVAL for a one-to-many id naming none of the
    /// socket's associations, unless SCTP_FUTURE_ASSOC): the association's value, else the
    /// socket's.
    fn reconf_get(
        &mut self,
        sid: Sid,
        id: AssocId,
        of_assoc: fn(&Association) -> u32,
        of_socket: fn(&ReconfOpts) -> u32,
    ) -> Result<u32, i32> {
        match self.reconf_target(sid, id, &[SCTP_FUTURE_ASSOC])? {
            Some(aid) => {
                let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
                Ok(of_assoc(a))
            }
            None => Ok(of_socket(&self.opts(sid)?.reconf)),
        }
    }

    /// SCTP_RECONFIG_SUPPORTED get: an association's `peer.reconf_capable`, else the socket's
    /// switch.
    pub fn reconfig_supported(&mut self, sid: Sid, id: AssocId) -> Result<u32, i32> {
        self.reconf_get(
            sid,
            id,
            |a| u32::from(a.reconf_negotiated()),
            |o| u32::from(o.supported),
        )
    }

    /// SCTP_RECONFIG_SUPPORTED set: always the socket's switch (for associations set up from
    /// now on), as Linux.
    pub fn set_reconfig_supported(&mut self, sid: Sid, id: AssocId, on: bool) -> Result<(), i32> {
        self.reconf_target(sid, id, &[SCTP_FUTURE_ASSOC])?;
        self.reconf_opts_mut(sid)?.supported = on;
        self.refresh_ep_config(sid);
        Ok(())
    }

    /// SCTP_ENABLE_STREAM_RESET get: the association's flags, else the socket's.
    pub fn stream_reset_enable(&mut self, sid: Sid, id: AssocId) -> Result<u32, i32> {
        self.reconf_get(sid, id, Association::stream_reset_enable, |o| o.enable)
    }

    /// SCTP_ENABLE_STREAM_RESET set (Linux `sctp_setsockopt_enable_strreset`): an
    /// association's flags; SCTP_FUTURE_ASSOC the socket's, SCTP_CURRENT_ASSOC every current
    /// association's, SCTP_ALL_ASSOC both.
    pub fn set_stream_reset_enable(
        &mut self,
        sid: Sid,
        id: AssocId,
        flags: u32,
    ) -> Result<(), i32> {
        let levels = [SCTP_FUTURE_ASSOC, SCTP_CURRENT_ASSOC, SCTP_ALL_ASSOC];
        if let Some(aid) = self.reconf_target(sid, id, &levels)? {
            let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
            a.set_stream_reset_enable(flags);
            return Ok(());
        }
        // A one-to-one socket without its association: the socket's value.
        let id = if self.one_to_many(sid) {
            id
        } else {
            SCTP_FUTURE_ASSOC
        };
        if id != SCTP_CURRENT_ASSOC {
            self.reconf_opts_mut(sid)?.enable = flags;
            self.refresh_ep_config(sid);
        }
        if id != SCTP_FUTURE_ASSOC {
            let ids: Vec<AssocId> = self
                .socks
                .get(&sid)
                .map_or(Vec::new(), |s| s.peers.iter().map(|&(_, a)| a).collect());
            for aid in ids {
                if let Some((_, a)) = self.assoc_of(sid, aid) {
                    a.set_stream_reset_enable(flags);
                }
            }
        }
        Ok(())
    }

    /// SCTP_RESET_STREAMS: `incoming` / `outgoing` directions of `streams` (all when empty).
    pub fn reset_streams(
        &mut self,
        sid: Sid,
        id: AssocId,
        incoming: bool,
        outgoing: bool,
        streams: Vec<u16>,
    ) -> Result<(), i32> {
        self.reconf_request(sid, id, move |a, now| {
            a.reset_streams(now, outgoing, incoming, &streams)
        })
    }

    /// SCTP_RESET_ASSOC.
    pub fn reset_assoc(&mut self, sid: Sid, id: AssocId) -> Result<(), i32> {
        self.reconf_request(sid, id, |a, now| a.reset_assoc(now))
    }

    /// SCTP_ADD_STREAMS.
    pub fn add_streams(
        &mut self,
        sid: Sid,
        id: AssocId,
        instrms: u16,
        outstrms: u16,
    ) -> Result<(), i32> {
        self.reconf_request(sid, id, |a, now| a.add_streams(now, outstrms, instrms))
    }
}
