//! Issue #6: the inline fast path (src/stack/inline.rs) under contention. Four threads send on
//! one SCTP socket at once while a SIGALRM handler sends on it too, so hooks find the engine
//! free, held by another hook thread, held by the engine thread, and are re-entered from a
//! signal handler; every message must arrive whole, once, in each sender's order, and nothing
//! may deadlock. (shim-tests/inline_threads.c)

mod support;

use std::time::Duration;
use support::{compile_c, Netns, TempDir};

#[test]
fn concurrent_senders_and_a_signal_handler() {
    let dir = TempDir::new("inline");
    let exe = compile_c("inline_threads.c", dir.path(), &["-pthread"]);
    let ns = Netns::new("inline");
    let out = ns
        .cmd(&exe)
        .args(["5601"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    out.assert_success();
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("threads ok: "))
        .unwrap_or_else(|| panic!("no summary\n{out}"));
    // "threads ok: N messages, M from the signal handler": 4 threads x 2000 messages, plus
    // what the handler sent (the program checked each one).
    let numbers: Vec<u64> = line
        .split(' ')
        .filter_map(|w| w.trim_end_matches(',').parse().ok())
        .collect();
    let [total, handled] = numbers[..] else {
        panic!("bad summary {line}");
    };
    assert_eq!(total, 8000 + handled, "{line}");
    assert!(handled > 0, "the signal handler sent nothing: {line}");
}

/// socket() registers its socket with a job queued without a wake-up: a record written to the
/// new socket by a writer the library does not see (a raw write; a process the descriptor
/// was passed to) is still taken at once (shim-tests/unseen_writer.c).
#[test]
fn a_new_sockets_records_from_an_unseen_writer() {
    support::run_checks("unseen_writer.c", "unseen", &[], &[], 1);
}
