//! The AUTH (RFC 4895, RFC 6458 8.3.2-8.3.7) and ASCONF (RFC 5061) socket options as Linux
//! answers them while the endpoint has AUTH off (`net.sctp.auth_enable = 0`, its default):
//! every key and chunk-list operation is EACCES (lksctp-tools#69), the set-only ones read as
//! EOPNOTSUPP, and SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED read 0. This stack does not
//! implement AUTH chunks or ASCONF, so turning either on is EOPNOTSUPP rather than a promise
//! the associations would not keep. SCTP_SET_PEER_PRIMARY_ADDR needs ASCONF: EPERM, as Linux
//! with `asconf_enable` off (after its length check).

use super::sol_sctp::Row;
use super::with_sock;
use crate::abi::{self, sctp_assoc_value, Pod};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;
use crate::stack::sock::Style;

pub const TABLE: &[Row] = &[
    (abi::SCTP_AUTH_CHUNK, Some(set_only), Some(auth_off)),
    (abi::SCTP_HMAC_IDENT, Some(auth_off_get), Some(auth_off)),
    (abi::SCTP_AUTH_KEY, Some(set_only), Some(auth_off)),
    (
        abi::SCTP_AUTH_ACTIVE_KEY,
        Some(auth_off_get),
        Some(auth_off),
    ),
    (abi::SCTP_AUTH_DELETE_KEY, Some(set_only), Some(auth_off)),
    (
        abi::SCTP_AUTH_DEACTIVATE_KEY,
        Some(set_only),
        Some(auth_off),
    ),
    (abi::SCTP_PEER_AUTH_CHUNKS, Some(auth_off_get), None),
    (abi::SCTP_LOCAL_AUTH_CHUNKS, Some(auth_off_get), None),
    (
        abi::SCTP_AUTH_SUPPORTED,
        Some(get_unsupported_ext),
        Some(set_unsupported_ext),
    ),
    (
        abi::SCTP_SET_PEER_PRIMARY_ADDR,
        None,
        Some(set_peer_primary),
    ),
    (
        abi::SCTP_ASCONF_SUPPORTED,
        Some(get_unsupported_ext),
        Some(set_unsupported_ext),
    ),
];

/// Linux checks `ep->auth_enable` before the option's length.
fn auth_off(_: &Sctp, _: &[u8]) -> HookResult<()> {
    Err(libc::EACCES)
}

fn auth_off_get(_: &Sctp, _: &[u8]) -> HookResult<Vec<u8>> {
    Err(libc::EACCES)
}

/// Linux `sctp_setsockopt_peer_primary_addr`: EINVAL for a short `struct sctp_setpeerprim`,
/// then EPERM while the endpoint has ASCONF off.
fn set_peer_primary(_: &Sctp, v: &[u8]) -> HookResult<()> {
    if v.len() < std::mem::size_of::<abi::sctp_setpeerprim>() {
        return Err(libc::EINVAL);
    }
    Err(libc::EPERM)
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

/// `struct sctp_assoc_value` with value 0: neither this endpoint nor its associations use it.
fn get_unsupported_ext(s: &Sctp, v: &[u8]) -> HookResult<Vec<u8>> {
    let mut a = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    check_id(s, a.assoc_id)?;
    a.assoc_value = 0;
    Ok(a.as_bytes().to_vec())
}

fn set_unsupported_ext(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let a = sctp_assoc_value::read_from(v).ok_or(libc::EINVAL)?;
    check_id(s, a.assoc_id)?;
    if a.assoc_value != 0 {
        return Err(libc::EOPNOTSUPP);
    }
    Ok(())
}
