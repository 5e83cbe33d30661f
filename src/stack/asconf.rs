//! AUTH (RFC 4895) and dynamic addresses (RFC 5061) at the socket level: the socket's
//! switches and keys, key operations on live associations (as Linux with an association
//! id), sctp_bindx on live associations, SCTP_SET_PEER_PRIMARY_ADDR. The shim side is
//! `shim/sockopt/sctp_auth.rs`.
//!
//! Enabling, as Linux: both are off by default (`net.sctp.auth_enable = 0`,
//! `net.sctp.addip_enable = 0`). The process-wide defaults come from SCTPSHIM_AUTH_ENABLE and
//! SCTPSHIM_ADDIP_ENABLE (the same sysctls, read once); a socket turns them on with
//! setsockopt SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED before listen() or connect().
//! ASCONF is used on an association only when both peers list it and AUTH was negotiated
//! (RFC 5061 6), so enabling ASCONF alone changes nothing on the wire.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Instant;

use super::engine::Engine;
use super::registry::Sid;
use super::sock::{EpId, Style};
use crate::abi::{SCTP_ALL_ASSOC, SCTP_CURRENT_ASSOC, SCTP_FUTURE_ASSOC};
use crate::assoc::auth::{offered_hmacs, KeyError};
use crate::assoc::{AssocConfig, AssocId, AssocState, Association};

/// A socket's AUTH / ASCONF settings, applied to the associations it sets up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthOpts {
    pub auth: bool,
    pub asconf: bool,
    /// Endpoint pair shared keys (SCTP_AUTH_KEY), starting with the empty key 0.
    pub keys: BTreeMap<u16, Vec<u8>>,
    pub active_key: u16,
    /// Keys deactivated on the socket (SCTP_AUTH_DEACTIVATE_KEY): never active again.
    pub deactivated: BTreeSet<u16>,
    /// Chunk types added with SCTP_AUTH_CHUNK.
    pub chunks: Vec<u8>,
    /// SCTP_HMAC_IDENT (empty: the default list).
    pub hmacs: Vec<u16>,
}

impl AuthOpts {
    pub fn new(c: &AssocConfig) -> AuthOpts {
        let mut keys = c.auth_keys.clone();
        if keys.is_empty() {
            // RFC 4895 6.1 / Linux: the endpoint starts with the empty key, id 0.
            keys.insert(0, Vec::new());
        }
        AuthOpts {
            auth: c.auth_supported,
            asconf: c.asconf_supported,
            keys,
            active_key: c.auth_active_key,
            deactivated: BTreeSet::new(),
            chunks: c.auth_chunks.clone(),
            hmacs: c.auth_hmacs.clone(),
        }
    }

    pub fn apply(&self, c: &mut AssocConfig) {
        c.auth_supported = self.auth;
        c.asconf_supported = self.asconf;
        // Without AUTH no association reads its keys: leaving them out spares every
        // association a copy of the key table (a B-tree node, ~300 bytes, for the empty key).
        c.auth_keys = if self.auth {
            self.keys.clone()
        } else {
            BTreeMap::new()
        };
        c.auth_active_key = self.active_key;
        c.auth_chunks = self.chunks.clone();
        c.auth_hmacs = self.hmacs.clone();
    }
}

/// Which switch SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    Auth,
    Asconf,
}

/// An AUTH key operation (SCTP_AUTH_KEY, _ACTIVE_KEY, _DELETE_KEY, _DEACTIVATE_KEY) on the
/// socket's keys or an association's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOp {
    Set(u16, Vec<u8>),
    Activate(u16),
    Delete(u16),
    Deactivate(u16),
}

/// A socket-wide AUTH setting (SCTP_AUTH_CHUNK, SCTP_HMAC_IDENT set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpAuthOp {
    AddChunk(u8),
    /// The identifiers to offer, in order.
    Hmacs(Vec<u16>),
}

impl KeyOp {
    /// Linux `sctp_auth_set_key` / `_set_active_key` / `_del_key_id` / `_deact_key_id` on
    /// the socket's keys: EINVAL for an unknown key, a deactivated key to activate, or the
    /// active key to delete or deactivate.
    fn on_socket(&self, o: &mut AuthOpts) -> Result<(), i32> {
        let known = |o: &AuthOpts, k: u16| o.keys.contains_key(&k);
        match *self {
            KeyOp::Set(k, ref key) => {
                o.keys.insert(k, key.clone());
                o.deactivated.remove(&k);
            }
            KeyOp::Activate(k) if known(o, k) && !o.deactivated.contains(&k) => o.active_key = k,
            KeyOp::Delete(k) if k != o.active_key && known(o, k) => {
                o.keys.remove(&k);
                o.deactivated.remove(&k);
            }
            KeyOp::Deactivate(k) if k != o.active_key && known(o, k) => {
                o.deactivated.insert(k);
            }
            _ => return Err(libc::EINVAL),
        }
        Ok(())
    }

    /// The same on one association: EACCES when it does not use AUTH.
    fn on_assoc(&self, a: &mut Association) -> Result<(), i32> {
        let r = match *self {
            KeyOp::Set(k, ref key) => a.auth_set_key(k, key),
            KeyOp::Activate(k) => a.auth_activate_key(k),
            KeyOp::Delete(k) => a.auth_delete_key(k),
            KeyOp::Deactivate(k) => a.auth_deactivate_key(k),
        };
        r.map_err(|e| match e {
            KeyError::NotInUse => libc::EACCES,
            KeyError::Invalid => libc::EINVAL,
        })
    }
}

/// What an AUTH key option with an association id reaches (Linux `sctp_id2assoc`, then
/// SCTP_FUTURE_ASSOC / SCTP_CURRENT_ASSOC / SCTP_ALL_ASSOC): the socket's keys, and these
/// associations' keys.
struct KeyTargets {
    socket: bool,
    assocs: Vec<AssocId>,
}

impl Engine {
    fn auth_opts_mut(&mut self, sid: Sid) -> Result<&mut AuthOpts, i32> {
        Ok(&mut self.socks.get_mut(&sid).ok_or(libc::EBADF)?.opts.auth)
    }

    /// The socket's settings into its endpoint (bound already: new associations use them).
    fn push_auth_opts(&mut self, sid: Sid) {
        let Some(s) = self.socks.get(&sid) else {
            return;
        };
        let (opts, ep) = (s.opts.auth.clone(), s.ep);
        if let Some(e) = ep.and_then(|ep| self.eps.get_mut(&ep)) {
            opts.apply(e.endpoint.assoc_config_mut());
        }
    }

    /// SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED get: for an association, whether it uses
    /// the extension (Linux `asoc->peer.auth_capable` / `asconf_capable`); else the socket's
    /// switch.
    pub fn ext_enabled(&mut self, sid: Sid, id: AssocId, ext: Ext) -> Result<bool, i32> {
        if let Some(aid) = self.assoc_id(sid, id).filter(|_| id != 0) {
            let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
            return Ok(match ext {
                Ext::Auth => a.auth_negotiated(),
                Ext::Asconf => a.asconf_negotiated(),
            });
        }
        let o = &self.socks.get(&sid).ok_or(libc::EBADF)?.opts.auth;
        Ok(match ext {
            Ext::Auth => o.auth,
            Ext::Asconf => o.asconf,
        })
    }

    /// SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED set (the socket: associations set up
    /// from now on).
    pub fn set_ext_enabled(&mut self, sid: Sid, ext: Ext, on: bool) -> Result<(), i32> {
        let o = self.auth_opts_mut(sid)?;
        match ext {
            Ext::Auth => o.auth = on,
            Ext::Asconf => o.asconf = on,
        }
        self.push_auth_opts(sid);
        Ok(())
    }

    /// Whether the socket has AUTH on (Linux answers the key options EACCES otherwise).
    pub fn auth_enabled(&self, sid: Sid) -> Result<bool, i32> {
        Ok(self.socks.get(&sid).ok_or(libc::EBADF)?.opts.auth.auth)
    }

    pub(super) fn assoc_ref(&self, sid: Sid, aid: AssocId) -> Option<&Association> {
        let ep = self.socks.get(&sid)?.ep?;
        self.eps.get(&ep)?.endpoint.assoc(aid)
    }

    /// The association an AUTH option's id names, as Linux `sctp_id2assoc`: on a one-to-one
    /// socket its association once established, whatever the id.
    fn auth_assoc(&self, sid: Sid, id: AssocId) -> Option<AssocId> {
        let aid = self.assoc_id(sid, id)?;
        let one_to_one = self.socks.get(&sid)?.style == Style::OneToOne;
        let state = self.assoc_ref(sid, aid)?.state();
        let setting_up = matches!(
            state,
            AssocState::CookieWait | AssocState::CookieEchoed | AssocState::Closed
        );
        (!(one_to_one && setting_up)).then_some(aid)
    }

    fn key_targets(&self, sid: Sid, id: AssocId) -> Result<KeyTargets, i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        if let Some(aid) = self.auth_assoc(sid, id) {
            return Ok(KeyTargets {
                socket: false,
                assocs: vec![aid],
            });
        }
        let id = match s.style {
            Style::OneToOne => SCTP_FUTURE_ASSOC,
            Style::OneToMany if id > SCTP_ALL_ASSOC => return Err(libc::EINVAL),
            Style::OneToMany => id,
        };
        let current = id == SCTP_CURRENT_ASSOC || id == SCTP_ALL_ASSOC;
        Ok(KeyTargets {
            socket: id == SCTP_FUTURE_ASSOC || id == SCTP_ALL_ASSOC,
            assocs: if current {
                s.peers.iter().map(|&(_, a)| a).collect()
            } else {
                Vec::new()
            },
        })
    }

    /// SCTP_AUTH_KEY, _ACTIVE_KEY, _DELETE_KEY, _DEACTIVATE_KEY with association id `id`, as
    /// Linux: the named association only; else the socket's keys (SCTP_FUTURE_ASSOC,
    /// SCTP_ALL_ASSOC: a failure there stops), then every association (SCTP_CURRENT_ASSOC,
    /// SCTP_ALL_ASSOC: all are tried, the first failure is returned).
    pub fn auth_key_op(&mut self, sid: Sid, id: AssocId, op: KeyOp) -> Result<(), i32> {
        let t = self.key_targets(sid, id)?;
        if t.socket {
            op.on_socket(self.auth_opts_mut(sid)?)?;
            self.push_auth_opts(sid);
        }
        let mut ret = Ok(());
        for aid in t.assocs {
            let Some((ep, a)) = self.assoc_of(sid, aid) else {
                continue;
            };
            let r = op.on_assoc(a);
            self.mark(ep);
            if ret.is_ok() {
                ret = r;
            }
        }
        ret
    }

    /// SCTP_AUTH_CHUNK / SCTP_HMAC_IDENT set (the socket's; EINVAL for an unusable HMAC list).
    pub fn auth_ep_op(&mut self, sid: Sid, op: EpAuthOp) -> Result<(), i32> {
        let o = self.auth_opts_mut(sid)?;
        match op {
            EpAuthOp::AddChunk(t) => {
                if !o.chunks.contains(&t) {
                    o.chunks.push(t);
                }
            }
            EpAuthOp::Hmacs(ids) if crate::assoc::auth::valid_hmac_list(&ids) => o.hmacs = ids,
            EpAuthOp::Hmacs(_) => return Err(libc::EINVAL),
        }
        self.push_auth_opts(sid);
        Ok(())
    }

    /// SCTP_AUTH_ACTIVE_KEY get (Linux `sctp_getsockopt_active_key`): the association's
    /// (EACCES when it does not use AUTH), else the socket's; a one-to-many id other than 0
    /// that names no association is EINVAL.
    pub fn auth_active_key(&self, sid: Sid, id: AssocId) -> Result<u16, i32> {
        let s = self.socks.get(&sid).ok_or(libc::EBADF)?;
        match self.auth_assoc(sid, id) {
            Some(aid) => self
                .assoc_ref(sid, aid)
                .and_then(Association::auth_active_key)
                .ok_or(libc::EACCES),
            None if s.style == Style::OneToMany && id != 0 => Err(libc::EINVAL),
            None => Ok(s.opts.auth.active_key),
        }
    }

    /// SCTP_HMAC_IDENT get: the identifiers the socket offers, in order.
    pub fn hmac_idents(&self, sid: Sid) -> Result<Vec<u16>, i32> {
        let o = &self.socks.get(&sid).ok_or(libc::EBADF)?.opts.auth;
        Ok(offered_hmacs(&o.hmacs).to_vec())
    }

    /// SCTP_PEER_AUTH_CHUNKS (`peer`) / SCTP_LOCAL_AUTH_CHUNKS of association `id` (for the
    /// local list, id 0 is the socket's). EINVAL without the association, EACCES when it
    /// does not use AUTH (Linux `asoc->peer.auth_capable`).
    pub fn auth_chunks(&mut self, sid: Sid, id: AssocId, peer: bool) -> Result<Vec<u8>, i32> {
        match self.assoc_id(sid, id).filter(|_| id != 0 || peer) {
            Some(aid) => {
                let (_, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
                a.auth_chunks(peer).ok_or(libc::EACCES)
            }
            None if peer => Err(libc::EINVAL),
            None => {
                let o = &self.socks.get(&sid).ok_or(libc::EBADF)?.opts.auth;
                Ok(crate::assoc::auth::local_chunk_set(&o.chunks).types())
            }
        }
    }

    /// sctp_bindx on a socket with associations: each live association that negotiated
    /// ASCONF asks its peer to add (`add`) or delete the addresses (Linux
    /// `sctp_send_asconf_add_ip` / `sctp_send_asconf_del_ip`).
    pub(super) fn announce_addrs(&mut self, ep: EpId, addrs: &[IpAddr], add: bool) {
        let Some(e) = self.eps.get_mut(&ep) else {
            return;
        };
        if !e.endpoint.config().assoc.asconf_supported {
            return;
        }
        let now = Instant::now();
        let ids: Vec<AssocId> = e.endpoint.assoc_ids().collect();
        for id in ids {
            let Some(a) = e.endpoint.assoc_mut(id) else {
                continue;
            };
            for &ip in addrs {
                let queued = if add {
                    a.add_local_address(now, ip)
                } else {
                    a.remove_local_address(now, ip)
                };
                tracing::debug!(id, %ip, add, queued, "ASCONF request");
            }
        }
        self.mark(ep);
    }

    /// SCTP_SET_PEER_PRIMARY_ADDR: Linux `sctp_setsockopt_peer_primary_addr`: EINVAL without
    /// an association, EPERM unless it uses ASCONF and the peer recognizes the request,
    /// EADDRNOTAVAIL for an address that is not
    /// ours, ENOTCONN unless established.
    pub fn set_peer_primary(&mut self, sid: Sid, id: AssocId, addr: IpAddr) -> Result<(), i32> {
        let aid = self.assoc_id(sid, id).ok_or(libc::EINVAL)?;
        let (ep, a) = self.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        if !a.asconf_negotiated() || a.peer_primary_disabled() {
            return Err(libc::EPERM);
        }
        if !a.local_addrs().contains(&addr) {
            return Err(libc::EADDRNOTAVAIL);
        }
        if !a.set_peer_primary(Instant::now(), addr) {
            return Err(libc::ENOTCONN);
        }
        self.mark(ep);
        Ok(())
    }
}
