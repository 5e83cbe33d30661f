//! Issue #3: the unread rest of a partly read message belongs to the open file (kept across
//! dup, gone with the file), never to an fd number reused by another socket
//! (shim-tests/partial_fds.c).

mod support;

use std::time::Duration;
use support::{compile_c, Netns, TempDir};

#[test]
fn partial_reads_follow_the_open_file() {
    let dir = TempDir::new("partial");
    let exe = compile_c("partial_fds.c", dir.path(), &[]);
    let ns = Netns::new("partial");
    let mut server = ns
        .cmd(&exe)
        .args(["server", "5421"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(&exe)
        .args(["client", "5421"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    client.assert_success();
    assert!(client.stdout.contains("ok"), "{client}");
    server.wait().assert_success();
}
