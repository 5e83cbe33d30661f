//! SCTP_STREAM_SCHEDULER and SCTP_STREAM_SCHEDULER_VALUE (RFC 8260 4.3; Linux
//! `sctp_{get,set}sockopt_scheduler[_value]`): schedulers 0-4 (FCFS, PRIO, RR, FC, WFQ, as
//! Linux 6.x; older <linux/sctp.h> stop SCTP_SS_MAX at RR); the policies are the core's
//! (`assoc/tx/scheduler.rs`). Set takes the FUTURE / CURRENT / ALL forms; a value needs an
//! association (or SCTP_CURRENT_ASSOC: every one, first error returned).

use super::{struct_of, with_sock, Row};
use crate::abi::{self, sctp_assoc_value, sctp_stream_value, Pod};
use crate::assoc::tx::Scheduler;
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub const TABLE: &[Row] = &[
    (
        abi::SCTP_STREAM_SCHEDULER,
        Some(get_scheduler),
        Some(set_scheduler),
    ),
    (
        abi::SCTP_STREAM_SCHEDULER_VALUE,
        Some(get_value),
        Some(set_value),
    ),
];

fn get_scheduler(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_assoc_value = struct_of(input)?;
    let id = p.assoc_id;
    p.assoc_value = with_sock(s, move |e, sid| {
        Ok(match e.opt_assoc(sid, id)? {
            Some(aid) => e.assoc_of(sid, aid).ok_or(libc::EINVAL)?.1.scheduler(),
            None => e.feat(sid)?.scheduler,
        })
    })?
    .to_linux();
    Ok(p.as_bytes().to_vec())
}

fn set_scheduler(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_assoc_value = struct_of(v)?;
    let sched = Scheduler::from_linux(p.assoc_value).ok_or(libc::EINVAL)?;
    with_sock(s, move |e, sid| {
        let t = e.opt_set_target(sid, p.assoc_id)?;
        if t.socket {
            e.feat_mut(sid)?.scheduler = sched;
            e.refresh_ep_config(sid);
        }
        for aid in t.assocs {
            if let Some((_, a)) = e.assoc_of(sid, aid) {
                a.set_scheduler(sched);
            }
        }
        Ok(())
    })
}

/// The stream must be below the association's outbound count (EINVAL).
fn get_value(s: &Sctp, input: &[u8]) -> HookResult<Vec<u8>> {
    let mut p: sctp_stream_value = struct_of(input)?;
    let (id, stream) = (p.assoc_id, p.stream_id);
    p.stream_value = with_sock(s, move |e, sid| {
        let aid = e.opt_need_assoc(sid, id)?;
        let (_, a) = e.assoc_of(sid, aid).ok_or(libc::EINVAL)?;
        a.stream_value(stream).ok_or(libc::EINVAL)
    })?;
    Ok(p.as_bytes().to_vec())
}

fn set_value(s: &Sctp, v: &[u8]) -> HookResult<()> {
    let p: sctp_stream_value = struct_of(v)?;
    let one_to_many = !s.one_to_one();
    with_sock(s, move |e, sid| {
        let targets = match e.assoc_id(sid, p.assoc_id) {
            Some(aid) => vec![aid],
            None if one_to_many && p.assoc_id != abi::SCTP_CURRENT_ASSOC => {
                return Err(libc::EINVAL)
            }
            None => e.sock_assocs(sid),
        };
        let mut first_err = Ok(());
        for aid in targets {
            let ok = e
                .assoc_of(sid, aid)
                .is_some_and(|(_, a)| a.set_stream_value(p.stream_id, p.stream_value));
            if !ok && first_err.is_ok() {
                first_err = Err(libc::EINVAL);
            }
        }
        first_err
    })
}
