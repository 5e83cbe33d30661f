//! Issue #3: associations outlive their process, as Linux keeps them in the kernel: at exit
//! and at exec the engine is handed to a keeper process (stack/keeper.rs).
//! - A sender writes 8 MiB and returns from main at once while the receiver reads slowly:
//!   every byte arrives, the sender is gone long before, and the keeper ends afterwards.
//! - socat SCTP4-LISTEN EXEC:cat,nofork execs cat onto the accepted association (the engine's
//!   owner execs): shim-tests/echo.py's 44 messages come back through the exec'd program.

mod support;

use std::time::Duration;
use support::{
    assert_same_file, compile_c, require, shim_test_file, write_pattern_file, Netns, TempDir,
};

#[test]
fn data_written_before_exit_arrives() {
    let dir = TempDir::new("keeper");
    let exe = compile_c("exit_send.c", dir.path(), &[]);
    let input = dir.join("in");
    let output = dir.join("out");
    write_pattern_file(&input, 8 << 20, 42);
    let ns = Netns::new("keeper");
    let mut receiver = ns
        .cmd(&exe)
        .arg("recv")
        .arg("5441")
        .arg(&output)
        .preload(true)
        .timeout(Duration::from_secs(90))
        .spawn();
    receiver.wait_for_output("listening", Duration::from_secs(20));
    let sender = ns
        .cmd(&exe)
        .arg("send")
        .arg("5441")
        .arg(&input)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    sender.assert_success();
    assert!(sender.stdout.contains("sent 8388608"), "{sender}");
    assert!(
        !receiver.output_so_far().contains("received"),
        "the receiver finished before the sender exited: nothing left for a keeper"
    );
    let receiver = receiver.wait();
    receiver.assert_success();
    assert!(
        receiver.stdout.contains("received 8388608 bytes"),
        "{receiver}"
    );
    assert_same_file(&input, &output);
    ns.wait_empty(Duration::from_secs(10));
}

/// shim-tests/echo.py's client sends 44 messages to `port` and checks each echo; then the
/// server (which printed `ready`) must exit cleanly and the namespace empty (keeper done).
fn echo_through(ns: &Netns, mut server: support::Running, ready: &str, port: &str) {
    server.wait_for_output(ready, Duration::from_secs(20));
    let client = ns
        .cmd(require("python3"))
        .arg(shim_test_file("echo.py"))
        .args(["client", "stream", "sctp", "4", port, "44"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    client.assert_success();
    assert!(client.stdout.contains("ok 44 messages"), "{client}");
    server.wait().assert_success();
    ns.wait_empty(Duration::from_secs(10));
}

#[test]
fn socat_exec_nofork_echoes_through_the_execd_program() {
    let ns = Netns::new("keepexec");
    let server = ns
        .cmd(require("socat"))
        .args(["-d", "-d", "SCTP4-LISTEN:5442,reuseaddr", "EXEC:cat,nofork"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    echo_through(&ns, server, "listening on", "5442");
}

#[test]
fn execve_with_empty_environment_keeps_the_association() {
    let dir = TempDir::new("keeper");
    let exe = compile_c("exec_echo.c", dir.path(), &[]);
    let ns = Netns::new("keepenv");
    let server = ns
        .cmd(&exe)
        .args(["5443", "/bin/cat"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    echo_through(&ns, server, "listening", "5443");
}
