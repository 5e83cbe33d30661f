//! Issue #6 (round trips, setup rate): a blocking read or accept serves the engine's I/O
//! while it waits (src/stack/reader.rs) with the kernel call's rules for timeouts and
//! signals, hands the role between threads, and gives the I/O back after its grace period or
//! a longjmp out of the wait (shim-tests/reader_wait.c).

mod support;

#[test]
fn a_waiting_read_serves_the_io_and_gives_it_back() {
    support::run_checks("reader_wait.c", "reader", &["7300"], &[], 12);
}
