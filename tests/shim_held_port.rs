//! Issue #3: a server restarted on its port while the previous server's association is
//! still shutting down in its keeper process: with SO_REUSEADDR the bind waits for that
//! association to end and succeeds, as Linux lets it bind at once; without SO_REUSEADDR, or
//! against a live listener, it is EADDRINUSE at once (shim-tests/held_port.c).

mod support;

#[test]
fn restarted_server_binds_once_the_keeper_lets_go() {
    support::run_checks("held_port.c", "heldport", &[], &[], 10);
}
