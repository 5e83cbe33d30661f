//! Issue #5, the path and AUTH socket options against Linux's rules: SCTP_PEER_ADDR_PARAMS
//! (socket defaults, inheritance by a new association, one path vs the others, the EINVAL
//! cases), SCTP_PEER_ADDR_THLDS(_V2) per path and per association,
//! SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, SCTP_GET_PEER_ADDR_INFO, SCTP_PRIMARY_ADDR with its
//! MADE_PRIM notification, the AUTH options' EACCES while AUTH is off, SCTP_SET_PEER_PRIMARY_ADDR's
//! EPERM without ASCONF, and sctp_bindx ADD/REM on a bound socket with Linux's errors
//! (shim-tests/mh_sockopts.c prints one "ok"/"FAIL" line per check).

mod support;

use std::time::Duration;
use support::{compile_c, Netns, TempDir};

#[test]
fn path_and_auth_options_follow_linux() {
    let dir = TempDir::new("mh-sockopts");
    let exe = compile_c("mh_sockopts.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhopts");
    let out = ns
        .cmd(&exe)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    assert!(!out.stdout.contains("FAIL"), "{out}");
    out.assert_success();
    let checks = out.stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(checks, 49, "every check ran\n{out}");
}
