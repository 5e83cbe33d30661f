//! Issue #5, multi-address endpoints: a server bound (bind + sctp_bindx ADD) to 18 loopback
//! addresses (127.0.0.1-6, 127.0.1.1-6, 127.0.2.1-6) and a client bound to two others, which
//! sctp_connectx()s to two of the server's addresses. The INIT / INIT ACK address lists must
//! make each side's sctp_getpaddrs list exactly the other's bound addresses, and
//! sctp_getladdrs its own (shim-tests/mh_addrs.c, run in a private network namespace).

mod support;

use std::collections::BTreeSet;
use std::time::Duration;
use support::{compile_c, Netns, TempDir};

const PORT: u16 = 5401;
const CLIENT_PORT: u16 = 5402;

fn server_addrs() -> Vec<String> {
    (0..3)
        .flat_map(|net| (1..=6).map(move |host| format!("127.0.{net}.{host}")))
        .collect()
}

/// The "TAG addr:port" lines of a run, as a set.
fn listed(out: &str, tag: &str) -> BTreeSet<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix(tag)?.strip_prefix(' '))
        .map(str::to_owned)
        .collect()
}

fn with_port(addrs: &[String], port: u16) -> BTreeSet<String> {
    addrs.iter().map(|a| format!("{a}:{port}")).collect()
}

#[test]
fn eighteen_loopback_addresses_each_side_lists_the_others() {
    let dir = TempDir::new("mh-addrs");
    let exe = compile_c("mh_addrs.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhaddrs");
    let servers = server_addrs();
    let clients: Vec<String> = vec!["127.0.3.1".into(), "127.0.3.2".into()];

    let mut server = ns
        .cmd(&exe)
        .arg("server")
        .arg(PORT.to_string())
        .args(&servers)
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(&exe)
        .args(["client", &PORT.to_string(), &CLIENT_PORT.to_string()])
        .args(&clients)
        .args(["--", "127.0.0.1", "127.0.2.6"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    client.assert_success();
    let server = server.wait();
    server.assert_success();

    assert!(client.stdout.contains("echo ok"), "{client}");
    assert_eq!(
        listed(&client.stdout, "peer"),
        with_port(&servers, PORT),
        "client's sctp_getpaddrs\n{client}"
    );
    assert_eq!(
        listed(&server.stdout, "peer"),
        with_port(&clients, CLIENT_PORT),
        "server's sctp_getpaddrs\n{server}"
    );
    assert_eq!(
        listed(&server.stdout, "local"),
        with_port(&servers, PORT),
        "server's sctp_getladdrs\n{server}"
    );
    assert_eq!(
        listed(&client.stdout, "local"),
        with_port(&clients, CLIENT_PORT),
        "client's sctp_getladdrs\n{client}"
    );
}

/// One round of a wildcard-bound server (0.0.0.0:`port`) and a client bound to `local`
/// connecting to `peer`; returns the client's "peer" list.
fn wildcard_round(
    ns: &Netns,
    exe: &std::path::Path,
    port: u16,
    local: &str,
    peer: &str,
) -> BTreeSet<String> {
    let mut server = ns
        .cmd(exe)
        .args(["server", &port.to_string(), "0.0.0.0"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let client = ns
        .cmd(exe)
        .args([
            "client",
            &port.to_string(),
            &(port + 1).to_string(),
            local,
            "--",
            peer,
        ])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    client.assert_success();
    server.wait().assert_success();
    listed(&client.stdout, "peer")
}

/// A wildcard bind advertises the host's addresses in the peer's scope (RFC 9260 5.1.2,
/// Linux `sctp_in_scope`): a peer on a private address learns the private addresses but not
/// the loopback one; a loopback peer learns them all.
#[test]
fn wildcard_bind_lists_host_addresses_in_scope() {
    let dir = TempDir::new("mh-wild");
    let exe = compile_c("mh_addrs.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhwild");
    ns.ip(&[
        "link", "add", "mhwa", "type", "veth", "peer", "name", "mhwb",
    ]);
    for (dev, cidr) in [("mhwa", "10.72.1.1/24"), ("mhwb", "10.72.2.1/24")] {
        ns.ip(&["link", "set", dev, "up"]);
        ns.add_addr(dev, cidr);
    }
    let private = wildcard_round(&ns, &exe, 5431, "10.72.2.1", "10.72.1.1");
    assert_eq!(
        private,
        BTreeSet::from(["10.72.1.1:5431".to_owned(), "10.72.2.1:5431".to_owned()]),
        "towards a private peer"
    );
    let lo = wildcard_round(&ns, &exe, 5433, "127.0.0.5", "127.0.0.1");
    assert_eq!(
        lo,
        BTreeSet::from([
            "127.0.0.1:5433".to_owned(),
            "10.72.1.1:5433".to_owned(),
            "10.72.2.1:5433".to_owned()
        ]),
        "towards a loopback peer"
    );
}
