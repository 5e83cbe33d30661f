//! Issue #4: SCTP_CONTEXT as Linux reads it, when a message is received: a set after the
//! message arrived shows on it (shim-tests/rcv_context.c).

mod support;

#[test]
fn receive_context_is_read_at_recvmsg() {
    support::run_checks("rcv_context.c", "rcvcontext", &[], &[], 6);
}
