//! Issue #3: fork is safe while the engine runs. Two threads fork 20 children each, back to
//! back; every child starts its own engine, sends one message to the parent's one-to-many
//! socket and exits (its keeper finishes the association). All 40 messages arrive and every
//! child exits cleanly (shim-tests/fork_storm.c). Before the fix the parent's engine stayed
//! parked after overlapping forks (a hang) and children crashed at exit.

mod support;

#[test]
fn forks_back_to_back_from_two_threads() {
    support::run_checks("fork_storm.c", "forkstorm", &[], &[], 2);
}
