//! Issue #5, host address changes under wildcard binds (Linux `sctp_addr_wq`): two namespaces
//! joined by a veth pair, both programs under the shim with AUTH and ASCONF on
//! (SCTPSHIM_AUTH_ENABLE, SCTPSHIM_ADDIP_ENABLE), mirror mode (shim-tests/mh_auto_asconf.c),
//! IPv4 and IPv6.
//! - SCTP_AUTO_ASCONF: a client bound to the wildcard with the option on is connected; an
//!   address added to its veth reaches the server as SCTP_ADDR_ADDED (an IPv6 one once its
//!   duplicate address detection is over), is confirmed by the server's heartbeat
//!   (SCTP_ADDR_CONFIRMED) and carries the server's next message as its primary; the address
//!   removed from the veth reaches the server as SCTP_ADDR_REMOVED. Setting the option on an
//!   unbound socket or one bound to a specific address is EINVAL; with
//!   SCTPSHIM_DEFAULT_AUTO_ASCONF=1 new sockets start with it on.
//! - A wildcard listener advertises the host's addresses as they are when each association
//!   starts: an address added after listen() is listed to the next client.

mod support;

use std::time::Duration;
use support::{compile_c, veth_pair, Netns, TempDir};

struct Family {
    /// The listeners' family argument.
    arg: &'static str,
    client: &'static str,
    server: &'static str,
    /// The address added during the association.
    new: &'static str,
    prefix: &'static str,
}

const V4: Family = Family {
    arg: "4",
    client: "10.73.1.1",
    server: "10.73.1.2",
    new: "10.73.1.3",
    prefix: "24",
};

const V6: Family = Family {
    arg: "6",
    client: "fd73:1::1",
    server: "fd73:1::2",
    new: "fd73:1::3",
    prefix: "64",
};

/// The client's namespace and the server's, joined by a veth pair (its two ends' names).
fn linked(tag: &str, f: &Family) -> (Netns, Netns, String, String) {
    let (a, b) = (
        Netns::new(&format!("{tag}a")),
        Netns::new(&format!("{tag}b")),
    );
    let (veth_a, veth_b) = veth_pair(
        &a,
        &[&format!("{}/{}", f.client, f.prefix)],
        &b,
        &[&format!("{}/{}", f.server, f.prefix)],
        1500,
    );
    (a, b, veth_a, veth_b)
}

/// `default_on`: SCTPSHIM_DEFAULT_AUTO_ASCONF=1 (Linux `net.sctp.default_auto_asconf`) for
/// the client, whose new sockets then start with the option on.
fn auto_asconf(f: &Family, tag: &str, ports: [&str; 2], default_on: bool) {
    let dir = TempDir::new("mh-auto-asconf");
    let exe = compile_c("mh_auto_asconf.c", dir.path(), &["-lsctp"]);
    let (a, b, veth_a, _) = linked(tag, f);
    let ext = |c: support::Cmd| {
        c.env("SCTPSHIM_AUTH_ENABLE", "1")
            .env("SCTPSHIM_ADDIP_ENABLE", "1")
            .preload(true)
            .timeout(Duration::from_secs(90))
    };
    let mut server = ext(b.cmd(&exe).args(["server", ports[0], f.arg])).spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let default = if default_on { "1" } else { "0" };
    let mut client = ext(a.cmd(&exe).args(["client", ports[0], ports[1], f.server]))
        .env("SCTPSHIM_DEFAULT_AUTO_ASCONF", default)
        .spawn();
    client.wait_for_output("connected", Duration::from_secs(20));
    server.wait_for_output("accepted", Duration::from_secs(20));

    // Added as the administrator adds it (IPv6: with duplicate address detection).
    let new = format!("{}/{}", f.new, f.prefix);
    a.ip(&["addr", "add", &new, "dev", &veth_a]);
    server.wait_for_output(
        &format!("event CONFIRMED {}", f.new),
        Duration::from_secs(20),
    );
    client.wait_for_output(&format!("got via {}", f.new), Duration::from_secs(20));
    a.ip(&["addr", "del", &new, "dev", &veth_a]);
    server.wait_for_output(&format!("event REMOVED {}", f.new), Duration::from_secs(20));

    let client = client.wait();
    client.assert_success();
    let server = server.wait();
    server.assert_success();
    assert!(client.stdout.contains("rules ok"), "{client}");
    assert!(
        client.stdout.contains(&format!("default {default}\n")),
        "{client}"
    );
    assert!(client.stdout.contains("got bye"), "{client}");
    let events: Vec<&str> = server
        .stdout
        .lines()
        .filter(|l| l.starts_with("event ") && l.ends_with(&format!(" {}", f.new)))
        .collect();
    assert_eq!(
        events,
        ["ADDED", "CONFIRMED", "MADE_PRIM", "REMOVED"].map(|e| format!("event {e} {}", f.new)),
        "{server}"
    );
    // The original path never failed.
    assert!(!server.stdout.contains("UNREACHABLE"), "{server}");
}

#[test]
fn ipv4_auto_asconf_follows_the_host_addresses() {
    auto_asconf(&V4, "auto4", ["5491", "5492"], false);
}

#[test]
fn ipv6_auto_asconf_follows_the_host_addresses() {
    auto_asconf(&V6, "auto6", ["5495", "5496"], true);
}

#[test]
fn wildcard_listener_lists_addresses_added_after_listen() {
    let dir = TempDir::new("mh-wild-list");
    let exe = compile_c("mh_auto_asconf.c", dir.path(), &["-lsctp"]);
    let f = &V4;
    let (a, b, _, veth_b) = linked("wlist", f);
    let mut server = b
        .cmd(&exe)
        .args(["listen", "5493", "2", f.arg])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let peers = || {
        let out = a
            .cmd(&exe)
            .args(["peers", "5493", f.server])
            .preload(true)
            .timeout(Duration::from_secs(30))
            .run();
        out.assert_success();
        let mut v: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("peer ").map(str::to_owned))
            .collect();
        v.sort();
        v
    };
    assert_eq!(peers(), [f.server]);
    b.ip(&[
        "addr",
        "add",
        &format!("{}/{}", f.new, f.prefix),
        "dev",
        &veth_b,
    ]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(peers(), [f.server, f.new]);
    server.wait().assert_success();
}
