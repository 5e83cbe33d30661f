//! The AUTH (RFC 4895, RFC 6458 8.3.2-8.3.7) and ASCONF (RFC 5061) socket options, as Linux
//! answers them (`net/sctp/socket.c`): with AUTH off on the socket (Linux
//! `net.sctp.auth_enable = 0`, the default; here SCTPSHIM_AUTH_ENABLE or setsockopt
//! SCTP_AUTH_SUPPORTED) every key and chunk-list operation is EACCES (lksctp-tools#69); with
//! it on the chunk and HMAC lists are the socket's (for associations set up from then on),
//! and the key options reach what their association id names, as Linux: an association
//! (a one-to-one socket's once established), the socket (SCTP_FUTURE_ASSOC), every
//! association (SCTP_CURRENT_ASSOC) or both (SCTP_ALL_ASSOC). SCTP_SET_PEER_PRIMARY_ADDR
//! needs ASCONF (EPERM otherwise). The engine side is `stack/asconf.rs`.

use super::sctp_paths::addr_at;
use super::sol_sctp::Row;
use super::with_sock;
use crate::abi::{self, sctp_assoc_value, Pod};
use crate::assoc::auth::{hmac_len, HMAC_SHA1};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::stack::asconf::{EpAuthOp, Ext, KeyOp};
use crate::stack::sock::Style;
use crate::wire::chunk::kind;

pub const TABLE: &[Row] = &[
    (abi::SCTP_AUTH_CHUNK, Some(set_only), Some(set_auth_chunk)),
    (
        abi::SCTP_HMAC_IDENT,
        Some(get_hmac_ident),
        Some(set_hmac_ident),
    ),
    (abi::SCTP_AUTH_KEY, Some(set_only), Some(set_auth_key)),
    (
        abi::SCTP_AUTH_ACTIVE_KEY,
        Some(get_active_key),
        Some(set_active_key),
    ),
    (
        abi::SCTP_AUTH_DELETE_KEY,
        Some(set_only),
        Some(set_delete_key),
    ),
    (
        abi::SCTP_AUTH_DEACTIVATE_KEY,
        Some(set_only),
        Some(set_deactivate_key),
    ),
    (abi::SCTP_PEER_AUTH_CHUNKS, Some(get_peer_chunks), None),
    (abi::SCTP_LOCAL_AUTH_CHUNKS, Some(get_local_chunks), None),
    (
        abi::SCTP_AUTH_SUPPORTED,
        Some(get_auth_supported),
        Some(set_auth_supported),
    ),
    (
        abi::SCTP_SET_PEER_PRIMARY_ADDR,
        None,
        Some(set_peer_primary),
    ),
    (
        abi::SCTP_ASCONF_SUPPORTED,
        Some(get_asconf_supported),
        Some(set_asconf_supported),
    ),
];

/// Linux's SCTP_AUTH_NUM_HMACS: identifiers 0-3.
const MAX_HMAC_IDENTS: usize = 4;
const AUTHKEY_LEN: usize = std::mem::size_of::<abi::sctp_authkey>();
const AUTHCHUNKS_LEN: usize = std::mem::size_of::<abi::sctp_authchunks>();

/// Linux checks `ep->auth_enable` before the option's length: EACCES when off.
fn auth_on(s: &Sctp) -> HookResult<()> {
    if with_sock(s, |e, sid| e.auth_enabled(sid))? {
        Ok(())
    } else {
        Err(libc::EACCES)
    }
}

/// Options Linux only sets.
fn set_only(_: &Sctp, _: &[u8]) -> HookResult<Vec<u8>> {
    Err(libc::EOPNOTSUPP)
}

/// A one-to-many id that names none of the socket's associations is EINVAL (0 is the socket).
fn check_id(s: &Sctp, id: abi::sctp_assoc_t) -> HookResult<()> {
    with_sock(s, move |e, sid| {
        let one_to_many = e
            .socks
            .get(&sid)
            .is_some_and(|x| x.style == Style::OneToMany);
        if one_to_many && id > 0 && e.assoc_id(sid, id).is_none() {
            return Err(libc::EINVAL);
        }
        Ok(())
    })
}

fn key_op(s: &Sctp, id: abi::sctp_assoc_t, op: KeyOp) -> HookResult<()> {
    with_sock(s, move |e, sid| e.auth_key_op(sid, id, op))
}

fn ep_op(s: &Sctp, op: EpAuthOp) -> HookResult<()> {
    with_sock(s, move |e, sid| e.auth_ep_op(sid, op))
}

/// Linux `sctp_setsockopt_auth_chunk`: exactly one `struct sctp_authchunk`; INIT, INIT ACK,
/// SHUTDOWN COMPLETE and AUTH can never be authenticated (RFC 4895 3.2).
fn set_auth_chunk(s: &Sctp, v: &[u8]) -> HookResult<()> {
    auth_on(s)?;
    let [t] = v else { return Err(libc::EINVAL) };
    if [
        kind::INIT,
        kind::INIT_ACK,
        kind::SHUTDOWN_COMPLETE,
        kind::AUTH,
    ]
    .contains(t)
    {
        return Err(libc::EINVAL);
    }
    ep_op(s, EpAuthOp::AddChunk(*t))
}

/// Linux `sctp_getsockopt_hmac_ident`: `struct sctp_hmacalgo` and the identifiers.
fn get_hmac_ident(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    auth_on(s)?;
    let ids = with_sock(s, |e, sid| e.hmac_idents(sid))?;
    if v.len() < 4 + 2 * ids.len() {
        return Err(libc::EINVAL);
    }
    let mut out = (ids.len() as u32).to_ne_bytes().to_vec();
    ids.iter()
        .for_each(|i| out.extend_from_slice(&i.to_ne_bytes()));
    Ok(out)
}

/// Linux `sctp_setsockopt_hmac_ident` / `sctp_auth_ep_set_hmacs`: EINVAL for no or too many
/// identifiers or a list without SHA-1, EOPNOTSUPP for an identifier not implemented.
fn set_hmac_ident(s: &Sctp, v: &[u8]) -> HookResult<()> {
    auth_on(s)?;
    let n = v
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_ne_bytes)
        .ok_or(libc::EINVAL)? as usize;
    let body = &v[4..v.len().min(4 + 2 * MAX_HMAC_IDENTS)];
    if n == 0 || n > MAX_HMAC_IDENTS || 2 * n > body.len() {
        return Err(libc::EINVAL);
    }
    let ids: Vec<u16> = body[..2 * n]
        .chunks_exact(2)
        .map(|b| u16::from_ne_bytes([b[0], b[1]]))
        .collect();
    if ids.iter().any(|i| hmac_len(*i).is_none()) {
        return Err(libc::EOPNOTSUPP);
    }
    if !ids.contains(&HMAC_SHA1) {
        return Err(libc::EINVAL);
    }
    ep_op(s, EpAuthOp::Hmacs(ids))
}

/// Linux `sctp_setsockopt_auth_key`: a `struct sctp_authkey` followed by `sca_keylength`
/// bytes.
fn set_auth_key(s: &Sctp, v: &[u8]) -> HookResult<()> {
    auth_on(s)?;
    if v.len() <= AUTHKEY_LEN {
        return Err(libc::EINVAL);
    }
    let k = abi::sctp_authkey::read_from(v).ok_or(libc::EINVAL)?;
    let key = v
        .get(AUTHKEY_LEN..AUTHKEY_LEN + usize::from(k.sca_keylength))
        .ok_or(libc::EINVAL)?;
    key_op(s, k.sca_assoc_id, KeyOp::Set(k.sca_keynumber, key.to_vec()))
}

/// `struct sctp_authkeyid`, exactly (Linux: EINVAL for another length): (id, key number).
fn keyid(s: &Sctp, v: &[u8]) -> HookResult<(abi::sctp_assoc_t, u16)> {
    auth_on(s)?;
    if v.len() != std::mem::size_of::<abi::sctp_authkeyid>() {
        return Err(libc::EINVAL);
    }
    let k = abi::sctp_authkeyid::read_from(v).ok_or(libc::EINVAL)?;
    Ok((k.scact_assoc_id, k.scact_keynumber))
}

fn set_active_key(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let (id, k) = keyid(s, v)?;
    key_op(s, id, KeyOp::Activate(k))
}

fn set_delete_key(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let (id, k) = keyid(s, v)?;
    key_op(s, id, KeyOp::Delete(k))
}

fn set_deactivate_key(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let (id, k) = keyid(s, v)?;
    key_op(s, id, KeyOp::Deactivate(k))
}

/// Linux `sctp_getsockopt_active_key`.
fn get_active_key(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    auth_on(s)?;
    let mut k = abi::sctp_authkeyid::read_from(v).ok_or(libc::EINVAL)?;
    let id = k.scact_assoc_id;
    k.scact_keynumber = with_sock(s, move |e, sid| e.auth_active_key(sid, id))?;
    Ok(k.as_bytes().to_vec())
}

/// `struct sctp_authchunks` and the chunk types.
fn chunks_reply(v: &[u8], peer: bool, s: &Sctp) -> HookResult<Vec<u8>> {
    let c = abi::sctp_authchunks::read_from(v).ok_or(libc::EINVAL)?;
    let id = c.gauth_assoc_id;
    let list = with_sock(s, move |e, sid| e.auth_chunks(sid, id, peer))?;
    if v.len() < AUTHCHUNKS_LEN + list.len() {
        return Err(libc::EINVAL);
    }
    let mut out = c.as_bytes()[..4].to_vec();
    out.extend_from_slice(&(list.len() as u32).to_ne_bytes());
    out.extend_from_slice(&list);
    Ok(out)
}

/// Linux `sctp_getsockopt_peer_auth_chunks`: needs an association that uses AUTH (EACCES).
fn get_peer_chunks(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    auth_on(s)?;
    chunks_reply(v, true, s)
}

/// Linux `sctp_getsockopt_local_auth_chunks`: the socket's list, or an association's.
fn get_local_chunks(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    auth_on(s)?;
    chunks_reply(v, false, s)
}

fn get_ext(s: &Sctp, v: &[u8], ext: Ext) -> HookResult<Vec<u8>> {
    let mut a = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    check_id(s, a.assoc_id)?;
    let id = a.assoc_id;
    a.assoc_value = u32::from(with_sock(s, move |e, sid| e.ext_enabled(sid, id, ext))?);
    Ok(a.as_bytes().to_vec())
}

/// Linux `sctp_setsockopt_auth_supported` / `_asconf_supported`: the socket's switch.
fn set_ext(s: &Sctp, v: &[u8], ext: Ext) -> HookResult<()> {
    if v.len() != std::mem::size_of::<sctp_assoc_value>() {
        return Err(libc::EINVAL);
    }
    let a = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    check_id(s, a.assoc_id)?;
    let on = a.assoc_value != 0;
    with_sock(s, move |e, sid| e.set_ext_enabled(sid, ext, on))
}

fn get_auth_supported(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    get_ext(s, v, Ext::Auth)
}

fn set_auth_supported(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_ext(s, v, Ext::Auth)
}

fn get_asconf_supported(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    get_ext(s, v, Ext::Asconf)
}

fn set_asconf_supported(s: &Sctp, v: &[u8]) -> HookResult<()> {
    set_ext(s, v, Ext::Asconf)
}

/// Linux `sctp_setsockopt_peer_primary_addr`: EINVAL for a short `struct sctp_setpeerprim`,
/// EPERM while the socket has ASCONF off, then the association's checks (stack side).
fn set_peer_primary(s: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() < std::mem::size_of::<abi::sctp_setpeerprim>() {
        return Err(libc::EINVAL);
    }
    if !with_sock(s, |e, sid| e.ext_enabled(sid, 0, Ext::Asconf))? {
        return Err(libc::EPERM);
    }
    let p = abi::sctp_setpeerprim::read_from(v).ok_or(libc::EINVAL)?;
    let id = p.sspp_assoc_id;
    let addr = addr_at(s, v, 4)?.ok_or(libc::EADDRNOTAVAIL)?;
    with_sock(s, move |e, sid| e.set_peer_primary(sid, id, addr))
}
