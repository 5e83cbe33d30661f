//! Self-checks of the shim-test harness (tests/support): namespaces are private and deleted,
//! timeouts kill whole process groups, failures are reported, the JSON reader reads iperf3
//! reports. These need no shim.

mod support;

use std::time::{Duration, Instant};
use support::json::Json;
use support::{veth_pair, Cmd, Netns};

fn netns_exists(name: &str) -> bool {
    let out = Cmd::new(support::require("ip"))
        .args(["netns", "list"])
        .run();
    out.assert_success();
    out.stdout
        .lines()
        .any(|l| l.split_whitespace().next() == Some(name))
}

#[test]
fn netns_has_only_loopback_and_is_deleted_on_drop() {
    let ns = Netns::new("selfcheck");
    let name = ns.name().to_owned();
    assert!(netns_exists(&name));
    let out = ns.cmd("ip").args(["-o", "link", "show"]).run();
    out.assert_success();
    let links: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(links.len(), 1, "a fresh namespace has only lo: {links:?}");
    assert!(
        links[0].contains("lo:") && links[0].contains("UP"),
        "{links:?}"
    );
    drop(ns);
    assert!(!netns_exists(&name), "{name} still exists after drop");
}

#[test]
fn netns_is_deleted_when_a_test_panics() {
    let name = std::panic::catch_unwind(|| {
        let ns = Netns::new("panics");
        let name = ns.name().to_owned();
        std::panic::panic_any(name);
    })
    .expect_err("the closure panics")
    .downcast::<String>()
    .expect("panic payload is the namespace name");
    assert!(!netns_exists(&name), "{name} survived a panic");
}

#[test]
fn timeout_kills_the_whole_process_group() {
    let ns = Netns::new("timeout");
    let marker = format!("sctpshim-orphan-{}", std::process::id());
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| {
        // A grandchild that would outlive a naive kill of the direct child.
        ns.cmd("bash")
            .args(["-c", &format!("exec -a {marker} sleep 300 & sleep 300")])
            .timeout(Duration::from_secs(1))
            .run()
    });
    let message = *result
        .expect_err("run() must panic at its timeout")
        .downcast::<String>()
        .expect("panic message");
    assert!(message.contains("timed out"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(200));
    let left = Cmd::new("pgrep").args(["-f", &marker]).run();
    assert!(
        left.stdout.trim().is_empty(),
        "grandchild survived the timeout: {}",
        left.stdout
    );
}

#[test]
fn failures_and_outputs_are_reported() {
    let ns = Netns::new("status");
    let out = ns
        .cmd("bash")
        .args(["-c", "echo to-stdout; echo to-stderr >&2; exit 3"])
        .run();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(out.stdout.trim(), "to-stdout");
    assert_eq!(out.stderr.trim(), "to-stderr");
    out.assert_failure();
    let ok = std::panic::catch_unwind(|| {
        out.assert_success();
    });
    assert!(ok.is_err(), "assert_success accepted exit status 3");
}

#[test]
fn wait_for_output_sees_a_server_become_ready() {
    let ns = Netns::new("ready");
    let mut server = ns
        .cmd("bash")
        .args(["-c", "sleep 0.3; echo listening; sleep 30"])
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(10));
    let out = server.stop();
    assert!(out.stdout.contains("listening"));
}

#[test]
fn veth_pair_connects_two_namespaces_over_ipv4_and_ipv6() {
    let a = Netns::new("veth-a");
    let b = Netns::new("veth-b");
    veth_pair(
        &a,
        &["10.77.0.1/24", "fd77::1/64"],
        &b,
        &["10.77.0.2/24", "fd77::2/64"],
        1400,
    );
    let dir = support::TempDir::new("veth");
    let payload = dir.join("payload");
    support::write_pattern_file(&payload, 200_000, 7);
    for (listen, connect) in [
        ("TCP4-LISTEN:7000,bind=10.77.0.2", "TCP4:10.77.0.2:7000"),
        ("TCP6-LISTEN:7001,bind=[fd77::2]", "TCP6:[fd77::2]:7001"),
    ] {
        let received = dir.join("received");
        let mut server = b
            .cmd(support::require("socat"))
            .args(["-d", "-d", "-u", listen, "CREATE:/dev/stdout"])
            .stdout_file(&received)
            .spawn();
        server.wait_for_output("listening on", Duration::from_secs(10));
        a.cmd(support::require("socat"))
            .args(["-u", "STDIN", connect])
            .stdin_file(&payload)
            .run()
            .assert_success();
        server.wait().assert_success();
        support::assert_same_file(&payload, &received);
    }
    let mtu = a.cmd("ip").args(["-o", "link", "show"]).run();
    assert!(mtu.stdout.contains("mtu 1400"), "{}", mtu.stdout);
}

#[test]
fn pattern_files_are_deterministic_and_hashed() {
    let dir = support::TempDir::new("pattern");
    let (a, b, c) = (dir.join("a"), dir.join("b"), dir.join("c"));
    support::write_pattern_file(&a, 100_003, 1);
    support::write_pattern_file(&b, 100_003, 1);
    support::write_pattern_file(&c, 100_003, 2);
    assert_eq!(std::fs::metadata(&a).map(|m| m.len()).ok(), Some(100_003));
    assert_eq!(support::sha256_file(&a), support::sha256_file(&b));
    assert_ne!(support::sha256_file(&a), support::sha256_file(&c));
    let empty = dir.join("empty");
    std::fs::write(&empty, b"").expect("write");
    assert_eq!(
        support::sha256_file(&empty),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn json_walks_an_iperf3_like_report() {
    let doc = r#"{"start": {"version": "iperf 3.12"}, "intervals": [],
        "end": {"sum_sent": {"bytes": 12345678, "bits_per_second": 4.9e9},
                "sum_received": {"bytes": 12345000, "retransmits": -1}},
        "note": "a\"b\u0041", "ok": true, "none": null}"#;
    let v = Json::parse(doc).expect("parse");
    assert_eq!(
        v.at(&["end", "sum_sent", "bytes"]).and_then(Json::as_f64),
        Some(12345678.0)
    );
    assert_eq!(
        v.at(&["end", "sum_received", "retransmits"]),
        Some(&Json::Num(-1.0))
    );
    assert_eq!(v.get("note").and_then(Json::as_str), Some("a\"bA"));
    assert_eq!(v.get("ok"), Some(&Json::Bool(true)));
    assert_eq!(v.get("error"), None);
}

#[test]
fn json_rejects_truncated_documents() {
    assert!(Json::parse(r#"{"end": {"bytes": 1"#).is_err());
    assert!(Json::parse("[1, 2").is_err());
    assert!(Json::parse("\"abc").is_err());
    assert!(Json::parse("{} x").is_err());
}

#[test]
fn stdin_open_gives_no_eof_and_null_stdin_does() {
    let ns = Netns::new("stdin");
    // `read -t` returns >128 when it times out and 1 at EOF.
    let script = "read -t 1 line; echo $?";
    let open = ns.cmd("bash").args(["-c", script]).stdin_open().run();
    let status: u32 = open.stdout.trim().parse().expect("status");
    assert!(status > 128, "stdin_open reached EOF: {open}");
    let null = ns.cmd("bash").args(["-c", script]).run();
    assert_eq!(null.stdout.trim(), "1", "{null}");
}
