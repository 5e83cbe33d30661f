//! Issue #6 (noticed in the benchmark work): a blocking connect() keeps Linux's rules for
//! signals and SO_SNDTIMEO (EINTR; EALREADY after an SA_RESTART restart; EINPROGRESS when the
//! send timeout expires) and leaves the setup going on as a non-blocking connect's does:
//! POLLOUT low until it completes, then SO_ERROR 0 and data both ways
//! (shim-tests/connect_signal.c).

mod support;

#[test]
fn a_blocking_connect_ends_on_signals_and_its_send_timeout() {
    support::run_checks("connect_signal.c", "connsig", &["7500"], &[], 10);
}
