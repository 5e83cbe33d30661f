//! Issue #3: control calls in a fork child on an SCTP socket inherited from its parent
//! (shim-tests/fork_queries.py): read-only queries answer from the child's snapshot of the
//! parent's engine, changes give EOPNOTSUPP, data keeps flowing through the parent's engine.

mod support;

use std::time::Duration;
use support::{require, shim_test_file, Netns};

#[test]
fn fork_child_queries_inherited_socket() {
    let python = require("python3");
    let script = shim_test_file("fork_queries.py");
    let ns = Netns::new("forkq");
    let mut server = ns
        .cmd(&python)
        .arg(&script)
        .args(["server", "5431"])
        .preload(true)
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(&python)
        .arg(&script)
        .args(["client", "5431"])
        .preload(true)
        .run();
    client.assert_success();
    let server = server.wait();
    server.assert_success();
    assert!(server.stdout.contains("ok child"), "{server}");
    assert!(server.stdout.contains("\nok"), "{server}");
}
