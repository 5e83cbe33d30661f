//! Issue #4, the SOL_SCTP options against Linux's rules with their effects observed
//! (shim-tests/sockopt_matrix.c prints one "ok"/"FAIL" line per check): ENOPROTOOPT for
//! SCTP_SENDMSG_CONNECT, the length / association-id / value errnos of the scheduler, PR,
//! ECN, interleaving, PF, PLPMTUD, default-send, context, MAXSEG, MAX_BURST and REUSE_PORT
//! options; SCTP_DEFAULT_SEND_PARAM (socket and association) setting the stream and PPID the
//! receiver sees on sends without cmsgs; the PRIO scheduler reordering a backed-up queue;
//! SCTP_DEFAULT_PRINFO's lifetime expiring a message (SEND_FAILED with its time to live,
//! SCTP_PR_ASSOC_STATUS / SCTP_PR_STREAM_STATUS counting it); SCTP_GET_ASSOC_STATS counters
//! on both sides; SCTP_CONTEXT per association in the receiver's sinfo.

mod support;

use std::time::Duration;
use support::{compile_c, Netns, TempDir};

#[test]
fn sockopt_matrix_follows_linux() {
    let dir = TempDir::new("sockopt-matrix");
    let exe = compile_c("sockopt_matrix.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("optmatrix");
    let out = ns
        .cmd(&exe)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    assert!(!out.stdout.contains("FAIL"), "{out}");
    out.assert_success();
    let checks = out.stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(checks, 72, "every check ran\n{out}");
}
