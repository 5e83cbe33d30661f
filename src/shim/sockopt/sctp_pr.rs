//! PR-SCTP options (RFC 7496 4; Linux `sctp_{get,set}sockopt_pr_supported`,
//! `sctp_getsockopt_pr_{assoc,stream}status`): the socket's PR-SCTP switch for associations
//! set up later, whether an association negotiated it, and the abandoned-message counters
//! per policy (SCTP_PR_SCTP_TTL / RTX / PRIO, or SCTP_PR_SCTP_ALL for their sum). The
//! default policy (SCTP_DEFAULT_PRINFO) is in `sctp_send_defaults.rs`.

use super::{exact_struct, struct_of, with_sock, Row};
use crate::abi::{self, sctp_assoc_value, sctp_prstatus, Pod, SCTP_PR_SCTP_ALL, SCTP_PR_SCTP_MASK};
use crate::assoc::tx::PrCounts;
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_PR_SUPPORTED,
        Some(get_supported),
        Some(set_supported),
    ),
    (abi::SCTP_PR_ASSOC_STATUS, Some(get_assoc_status), None),
    (abi::SCTP_PR_STREAM_STATUS, Some(get_stream_status), None),
];

fn get_supported(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_assoc_value = struct_of(input)?;
    let id = p.assoc_id;
    let on = with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => e.assoc_of(sid, aid).ok_or(libc::EINVAL)?.1.pr_negotiated(),
            None => e.feat(sid)?.pr.unwrap_or(e.cfg.assoc.pr_supported),
        })
    })?;
    p.assoc_value = u32::from(on);
    Ok(p.as_bytes().to_vec())
}

/// The socket's switch (Linux `ep->prsctp_enable`), whatever association the id names.
fn set_supported(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assoc_value = exact_struct(v)?;
    with_sock(s, move |e, sid| {
        e.opt_assoc(sid, p.assoc_id)?;
        e.feat_mut(sid)?.pr = Some(p.assoc_value != 0);
        e.refresh_ep_config(sid);
        Ok(())
    })
}

/// `sprstat_policy` must be one policy or SCTP_PR_SCTP_ALL alone (not 0); returns the
/// counter index, None for all.
fn policy_index(policy: u16) -> HookResult<Option<usize>> {
    let all = policy & SCTP_PR_SCTP_ALL != 0;
    if policy == 0
        || policy & !(SCTP_PR_SCTP_MASK | SCTP_PR_SCTP_ALL) != 0
        || (all && policy & SCTP_PR_SCTP_MASK != 0)
    {
        return Err(libc::EINVAL);
    }
    // Linux __SCTP_PR_INDEX: (policy >> 4) - 1.
    Ok((!all).then(|| usize::from(policy >> 4) - 1))
}

fn status(s: &Sctp, input: &[u8], stream: bool) -> HookResult<Vec<u8>> {
    let mut p: sctp_prstatus = struct_of(input)?;
    let index = policy_index(p.sprstat_policy)?;
    let (id, sid_) = (p.sprstat_assoc_id, p.sprstat_sid);
    let c: PrCounts = with_sock(s, move |e, sid| {
        let aid = e.opt_need_assoc(sid, id)?;
        let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        if !stream {
            return Ok(a.pr_counts(None));
        }
        if sid_ >= a.status().outbound_streams {
            return Err(libc::EINVAL);
        }
        Ok(a.pr_counts(Some(sid_)))
    })?;
    let pick = |t: [u64; 3]| index.map_or(t.iter().sum(), |i| t[i]);
    p.sprstat_abandoned_unsent = pick(c.abandoned_unsent);
    p.sprstat_abandoned_sent = pick(c.abandoned_sent);
    Ok(p.as_bytes().to_vec())
}

fn get_assoc_status(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    status(s, input, false)
}

/// The stream must be below the outbound count (EINVAL).
fn get_stream_status(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    status(s, input, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rules() {
        assert_eq!(policy_index(abi::SCTP_PR_SCTP_TTL), Ok(Some(0)));
        assert_eq!(policy_index(abi::SCTP_PR_SCTP_PRIO), Ok(Some(2)));
        assert_eq!(policy_index(SCTP_PR_SCTP_ALL), Ok(None));
        assert_eq!(policy_index(0), Err(libc::EINVAL));
        assert_eq!(
            policy_index(SCTP_PR_SCTP_ALL | abi::SCTP_PR_SCTP_RTX),
            Err(libc::EINVAL)
        );
        assert_eq!(policy_index(0x0100), Err(libc::EINVAL));
    }
}
