//! Partial delivery (RFC 6458 8.1.19, 8.1.20, 6.1.7) end to end under the shim, in a private
//! network namespace: 16 MiB messages through a 64 KiB SO_RCVBUF on one-to-one and
//! one-to-many sockets (no MSG_EOR before the last piece, byte-exact, SCTP_RCVINFO on each
//! read), SCTP_PARTIAL_DELIVERY_POINT splitting a 64 KiB message, the sender's ABORT in the
//! middle giving SCTP_PARTIAL_DELIVERY_EVENT, another association's messages held back at
//! SCTP_FRAGMENT_INTERLEAVE 0 and let through at 1, and the options' Linux rules
//! (shim-tests/partial_delivery.c prints one "ok"/"FAIL" line per check).

mod support;

use std::time::Duration;
use support::{compile_c, Netns, TempDir};

#[test]
fn large_messages_go_up_in_pieces() {
    let dir = TempDir::new("partial-delivery");
    let exe = compile_c("partial_delivery.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("pdapi");
    let out = ns
        .cmd(&exe)
        .preload(true)
        .timeout(Duration::from_secs(240))
        .run();
    assert!(!out.stdout.contains("FAIL"), "{out}");
    out.assert_success();
    let checks = out.stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(checks, 43, "every check ran\n{out}");
}
