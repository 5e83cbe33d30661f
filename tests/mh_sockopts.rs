//! Issue #5, the path and AUTH socket options against Linux's rules: SCTP_PEER_ADDR_PARAMS
//! (socket defaults, inheritance by a new association, one path vs the others, the EINVAL
//! cases), SCTP_PEER_ADDR_THLDS(_V2) per path and per association,
//! SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, SCTP_GET_PEER_ADDR_INFO, SCTP_PRIMARY_ADDR with its
//! MADE_PRIM notification, the AUTH options' EACCES while AUTH is off, SCTP_SET_PEER_PRIMARY_ADDR's
//! EPERM without ASCONF, and sctp_bindx ADD/REM on a bound socket with Linux's errors
//! (shim-tests/mh_sockopts.c prints one "ok"/"FAIL" line per check).

mod support;

#[test]
fn path_and_auth_options_follow_linux() {
    support::run_checks("mh_sockopts.c", "mhopts", &[], &[], 54);
}
