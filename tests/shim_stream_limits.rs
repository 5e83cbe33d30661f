//! Issue #4: a send naming a stream its association does not have is EINVAL and sends
//! nothing, as Linux `sctp_sendmsg_to_asoc`: streams from SCTP_SNDRCV and from
//! SCTP_DEFAULT_SNDINFO on plain writes, one-to-one and one-to-many; a one-to-many send that
//! sets an association up uses its SCTP_INIT cmsg's stream count, and the new association
//! has it (shim-tests/stream_limits.c).

mod support;

#[test]
fn streams_beyond_the_count_are_einval() {
    support::run_checks("stream_limits.c", "streams", &[], &[], 15);
}
