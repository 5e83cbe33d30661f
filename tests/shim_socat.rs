//! Issue #3: socat over SCTP through the shim: SCTP4 and SCTP6 listen/connect move a 32 MiB file
//! intact, and a `fork` listener serves three clients one after another (each served by a forked
//! child that inherited the accepted socket). tcp = the harness's self-check with TCP4/TCP6.

mod support;

use std::time::{Duration, Instant};
use support::{require, veth_pair, write_pattern_file, Family, Netns, Proto, TempDir};

const PORT: &str = "5401";

/// socat's listen and connect address types for a protocol and family.
fn socat_addrs(proto: Proto, family: Family) -> (String, String) {
    let kind = match proto {
        Proto::Tcp => "TCP",
        Proto::Sctp => "SCTP",
    };
    let v = family.digit();
    let host = match family {
        Family::V4 => "127.0.0.1".to_owned(),
        Family::V6 => "[::1]".to_owned(),
    };
    (
        format!("{kind}{v}-LISTEN:{PORT},reuseaddr"),
        format!("{kind}{v}-CONNECT:{host}:{PORT}"),
    )
}

fn socat_file(proto: Proto, family: Family) {
    let socat = require("socat");
    let dir = TempDir::new("socat");
    let (sent, received) = (dir.join("sent"), dir.join("received"));
    write_pattern_file(&sent, 32 << 20, 0x5ca7);
    let ns = Netns::new("socat");
    let (listen, connect) = socat_addrs(proto, family);

    let mut server = ns
        .cmd(&socat)
        .args(["-d", "-d", "-u", &listen])
        .arg(format!("CREATE:{}", received.display()))
        .preload(proto.preload())
        .timeout(Duration::from_secs(120))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    ns.cmd(&socat)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg(&connect)
        .preload(proto.preload())
        .timeout(Duration::from_secs(120))
        .run()
        .assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
}

/// 8 MiB between two namespaces over a veth pair with MTU 1500 (real path MTU, fragmentation).
fn socat_veth_mtu1500(proto: Proto) {
    let socat = require("socat");
    let dir = TempDir::new("socat-veth");
    let (sent, received) = (dir.join("sent"), dir.join("received"));
    write_pattern_file(&sent, 8 << 20, 0x1500);
    let (a, b) = (Netns::new("veth-a"), Netns::new("veth-b"));
    veth_pair(&a, &["10.88.0.1/24"], &b, &["10.88.0.2/24"], 1500);
    let kind = match proto {
        Proto::Tcp => "TCP4",
        Proto::Sctp => "SCTP4",
    };
    let mut server = b
        .cmd(&socat)
        .args(["-d", "-d", "-u", &format!("{kind}-LISTEN:{PORT},reuseaddr")])
        .arg(format!("CREATE:{}", received.display()))
        .preload(proto.preload())
        .timeout(Duration::from_secs(120))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    a.cmd(&socat)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg(format!("{kind}-CONNECT:10.88.0.2:{PORT}"))
        .preload(proto.preload())
        .timeout(Duration::from_secs(120))
        .run()
        .assert_success();
    server.wait().assert_success();
    support::assert_same_file(&sent, &received);
}

fn socat_fork_three_clients(proto: Proto) {
    let socat = require("socat");
    let dir = TempDir::new("socat-fork");
    let inbox = dir.join("inbox");
    std::fs::create_dir(&inbox).expect("mkdir inbox");
    let ns = Netns::new("socat-fork");
    let (listen, connect) = socat_addrs(proto, Family::V4);

    // Each forked child stores what its client sent in a file of its own.
    let mut server = ns
        .cmd(&socat)
        .args(["-d", "-d", "-u", &format!("{listen},fork")])
        .arg("SYSTEM:cat > \"$(mktemp recv.XXXXXX)\"")
        .current_dir(&inbox)
        .preload(proto.preload())
        .timeout(Duration::from_secs(120))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));

    // (size, sha256) of each file, sorted: which child got which client does not matter.
    let fingerprint = |path: &std::path::Path| {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        (len, support::sha256_file(path))
    };
    let mut expected = Vec::new();
    for client in 0..3u64 {
        let file = dir.join(&format!("sent{client}"));
        write_pattern_file(&file, (1 << 20) + client as usize * 4099, 100 + client);
        expected.push(fingerprint(&file));
        ns.cmd(&socat)
            .arg("-u")
            .arg(format!("OPEN:{}", file.display()))
            .arg(&connect)
            .preload(proto.preload())
            .run()
            .assert_success();
    }
    expected.sort();

    // The children finish writing after their clients exit: wait for three complete files.
    let deadline = Instant::now() + Duration::from_secs(30);
    let got = loop {
        let mut got: Vec<(u64, String)> = std::fs::read_dir(&inbox)
            .expect("read inbox")
            .filter_map(|e| e.ok())
            .map(|e| fingerprint(&e.path()))
            .collect();
        got.sort();
        if got == expected || Instant::now() >= deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        got,
        expected,
        "the fork server's children did not store the three files intact (size, sha256)\nserver:\n{}",
        server.output_so_far()
    );
    let accepted = server
        .output_so_far()
        .matches("accepting connection from")
        .count();
    assert_eq!(accepted, 3, "expected three accepted clients");
    server.stop();
}

#[test]
fn socat_32mib_tcp_ipv4() {
    socat_file(Proto::Tcp, Family::V4);
}

#[test]
fn socat_32mib_tcp_ipv6() {
    socat_file(Proto::Tcp, Family::V6);
}

#[test]
fn socat_fork_three_clients_tcp() {
    socat_fork_three_clients(Proto::Tcp);
}

#[test]
fn socat_veth_mtu1500_tcp() {
    socat_veth_mtu1500(Proto::Tcp);
}

#[test]
fn socat_veth_mtu1500_sctp() {
    socat_veth_mtu1500(Proto::Sctp);
}

#[test]
fn socat_32mib_sctp_ipv4() {
    socat_file(Proto::Sctp, Family::V4);
}

#[test]
fn socat_32mib_sctp_ipv6() {
    socat_file(Proto::Sctp, Family::V6);
}

#[test]
fn socat_fork_three_clients_sctp() {
    socat_fork_three_clients(Proto::Sctp);
}
