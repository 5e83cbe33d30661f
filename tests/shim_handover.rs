//! Issue #6 (round trips): a message for a thread blocked in a read is handed straight to it
//! (src/stack/handover.rs) and reads exactly as one that went through the socketpair: data,
//! MSG_EOR, stream, PPID, sender; a message larger than the buffer in parts; a burst in
//! order; a notification; an unwritable buffer gives EFAULT and loses nothing
//! (shim-tests/handover.c).

mod support;

#[test]
fn a_blocked_reader_gets_its_message_handed_over() {
    support::run_checks("handover.c", "handover", &["7400"], &[], 10);
}
