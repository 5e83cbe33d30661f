//! Issue #4: default send parameters are resolved when a message is sent (Linux
//! `sctp_sendmsg_update_sinfo` runs in sendmsg), even for messages that still wait for room
//! when SCTP_DEFAULT_SNDINFO changes (shim-tests/send_defaults.c).

mod support;

#[test]
fn defaults_apply_as_of_each_send() {
    support::run_checks("send_defaults.c", "senddefaults", &[], &[], 4);
}
