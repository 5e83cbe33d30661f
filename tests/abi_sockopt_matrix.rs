//! Issue #4, the SOL_SCTP options against Linux's rules with their effects observed
//! (shim-tests/sockopt_matrix.c prints one "ok"/"FAIL" line per check): ENOPROTOOPT for
//! SCTP_SENDMSG_CONNECT, the length / association-id / value errnos of the scheduler, PR,
//! ECN, interleaving, PF, PLPMTUD, default-send, context, MAXSEG, MAX_BURST and REUSE_PORT
//! options; SCTP_DEFAULT_SEND_PARAM (socket and association) setting the stream and PPID the
//! receiver sees on sends without cmsgs; the PRIO and RR schedulers reordering a backed-up
//! queue;
//! SCTP_DEFAULT_PRINFO's lifetime expiring a message (SEND_FAILED with its time to live,
//! SCTP_PR_ASSOC_STATUS / SCTP_PR_STREAM_STATUS counting it); SCTP_GET_ASSOC_STATS counters
//! on both sides; SCTP_CONTEXT per association in the receiver's sinfo.

mod support;

#[test]
fn sockopt_matrix_follows_linux() {
    support::run_checks("sockopt_matrix.c", "optmatrix", &[], &[], 84);
}

/// With SCTPSHIM_INTL_ENABLE=1 (Linux `net.sctp.intl_enable`): SCTP_INTERLEAVING_SUPPORTED
/// needs SCTP_FRAGMENT_INTERLEAVE (EPERM) and makes the association use I-DATA;
/// SCTP_PR_SUPPORTED off leaves it without PR-SCTP.
#[test]
fn interleaving_and_pr_switches_reach_the_association() {
    let env = [("SCTPSHIM_INTL_ENABLE", "1")];
    support::run_checks("sockopt_matrix.c", "optext", &["extensions"], &env, 8);
}
