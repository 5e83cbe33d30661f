//! Issue #4: close() as Linux's sctp_close: data left unread aborts the association (the
//! peer's read fails with ECONNRESET); everything read, or only notifications unread, shuts
//! it down gracefully (the peer reads end of file); the same when a process exits without
//! closing (shim-tests/close_unread.c).

mod support;

#[test]
fn close_with_unread_data_aborts() {
    support::run_checks("close_unread.c", "closeunread", &[], &[], 6);
}
