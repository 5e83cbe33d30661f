//! Issue #4: close() as Linux's sctp_close: data left unread aborts the association (the
//! peer's read fails with ECONNRESET); everything read, or only notifications unread, shuts
//! it down gracefully (the peer reads end of file); the same when a process exits without
//! closing; a socket closed with messages still held by its closed association leaves nothing
//! behind: no keeper outlives the program (shim-tests/close_unread.c).

mod support;

#[test]
fn close_with_unread_data_aborts() {
    let dir = support::TempDir::new("closeunread");
    let exe = support::compile_c("close_unread.c", dir.path(), &["-lsctp"]);
    let ns = support::Netns::new("closeunread");
    // On one CPU the close's own turn with the engine comes before the engine thread's
    // (the order in which a closed association's unread messages were once never freed).
    let exe = exe.to_str().expect("a UTF-8 path");
    let taskset = support::require("taskset");
    support::run_checks_in(&ns, &taskset, &["-c", "0", exe], &[], 8);
    ns.wait_empty(std::time::Duration::from_secs(5));
}
