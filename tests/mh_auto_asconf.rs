//! Issue #5, host address changes under wildcard binds (Linux `sctp_addr_wq`): two namespaces
//! joined by a veth pair, both programs under the shim with AUTH and ASCONF on
//! (SCTPSHIM_AUTH_ENABLE, SCTPSHIM_ADDIP_ENABLE), mirror mode (shim-tests/mh_auto_asconf.c).
//! - SCTP_AUTO_ASCONF: a client bound to the wildcard with the option on is connected; an
//!   address added to its veth reaches the server as SCTP_ADDR_ADDED, is confirmed by the
//!   server's heartbeat (SCTP_ADDR_CONFIRMED) and carries the server's next message as its
//!   primary; the address removed from the veth reaches the server as SCTP_ADDR_REMOVED.
//!   Setting the option on an unbound socket or one bound to a specific address is EINVAL.
//! - A wildcard listener advertises the host's addresses as they are when each association
//!   starts: an address added after listen() is listed to the next client.

mod support;

use std::time::Duration;
use support::{compile_c, veth_pair, Netns, TempDir};

const CLIENT: &str = "10.73.1.1";
const SERVER: &str = "10.73.1.2";
const NEW: &str = "10.73.1.3";

/// The client's namespace and the server's, joined by a veth pair (its two ends' names).
fn linked(tag: &str) -> (Netns, Netns, String, String) {
    let (a, b) = (
        Netns::new(&format!("{tag}a")),
        Netns::new(&format!("{tag}b")),
    );
    let (veth_a, veth_b) = veth_pair(
        &a,
        &[&format!("{CLIENT}/24")],
        &b,
        &[&format!("{SERVER}/24")],
        1500,
    );
    (a, b, veth_a, veth_b)
}

#[test]
fn auto_asconf_follows_the_host_addresses() {
    let dir = TempDir::new("mh-auto-asconf");
    let exe = compile_c("mh_auto_asconf.c", dir.path(), &["-lsctp"]);
    let (a, b, veth_a, _) = linked("auto");
    let ext = |c: support::Cmd| {
        c.env("SCTPSHIM_AUTH_ENABLE", "1")
            .env("SCTPSHIM_ADDIP_ENABLE", "1")
            .preload(true)
            .timeout(Duration::from_secs(90))
    };
    let mut server = ext(b.cmd(&exe).args(["server", "5491"])).spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let mut client = ext(a.cmd(&exe).args(["client", "5491", "5492", SERVER])).spawn();
    client.wait_for_output("connected", Duration::from_secs(20));
    server.wait_for_output("accepted", Duration::from_secs(20));

    a.ip(&["addr", "add", &format!("{NEW}/24"), "dev", &veth_a]);
    server.wait_for_output(&format!("event CONFIRMED {NEW}"), Duration::from_secs(20));
    client.wait_for_output(&format!("got via {NEW}"), Duration::from_secs(20));
    a.ip(&["addr", "del", &format!("{NEW}/24"), "dev", &veth_a]);
    server.wait_for_output(&format!("event REMOVED {NEW}"), Duration::from_secs(20));

    let client = client.wait();
    client.assert_success();
    let server = server.wait();
    server.assert_success();
    assert!(client.stdout.contains("rules ok"), "{client}");
    assert!(client.stdout.contains("got bye"), "{client}");
    let events: Vec<&str> = server
        .stdout
        .lines()
        .filter(|l| l.starts_with("event ") && l.ends_with(NEW))
        .collect();
    assert_eq!(
        events,
        [
            format!("event ADDED {NEW}"),
            format!("event CONFIRMED {NEW}"),
            format!("event MADE_PRIM {NEW}"),
            format!("event REMOVED {NEW}"),
        ],
        "{server}"
    );
    // The original path never failed.
    assert!(!server.stdout.contains("UNREACHABLE"), "{server}");
}

#[test]
fn wildcard_listener_lists_addresses_added_after_listen() {
    let dir = TempDir::new("mh-wild-list");
    let exe = compile_c("mh_auto_asconf.c", dir.path(), &["-lsctp"]);
    let (a, b, _, veth_b) = linked("wlist");
    let mut server = b
        .cmd(&exe)
        .args(["listen", "5493", "2"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let peers = || {
        let out = a
            .cmd(&exe)
            .args(["peers", "5493", SERVER])
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
    assert_eq!(peers(), [SERVER]);
    b.ip(&["addr", "add", &format!("{NEW}/24"), "dev", &veth_b]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(peers(), [SERVER, NEW]);
    server.wait().assert_success();
}
