//! Issue #4 (SPP_PMTUD_ENABLE, Linux's default): path MTU discovery over UDP encapsulation.
//! A client and a server in two namespaces talk through a router namespace whose second link
//! has MTU 1280; the client's UDP datagrams leave with DF, the router answers the first large
//! ones with ICMP Fragmentation Needed, and the client's path MTU drops to match while 2 MB
//! arrive intact; then SCTP_PLPMTUD_PROBE_INTERVAL makes the path start over from the base
//! size and probes (HEARTBEAT + PAD, RFC 8899) climb back to it (shim-tests/pmtu.c).

mod support;

use std::time::Duration;
use support::{compile_c, veth_pair, Netns, TempDir};

const PORT: &str = "5600";
const NARROW: &str = "1280";

#[test]
fn icmp_fragmentation_needed_lowers_the_path_mtu() {
    let dir = TempDir::new("pmtu");
    let exe = compile_c("pmtu.c", dir.path(), &["-lsctp"]);
    let (c, r, s) = (
        Netns::new("pmtuc"),
        Netns::new("pmtur"),
        Netns::new("pmtus"),
    );
    veth_pair(&c, &["10.83.1.1/24"], &r, &["10.83.1.2/24"], 1500);
    veth_pair(
        &r,
        &["10.83.2.1/24"],
        &s,
        &["10.83.2.2/24"],
        NARROW.parse().unwrap(),
    );
    c.ip(&["route", "add", "10.83.2.0/24", "via", "10.83.1.2"]);
    s.ip(&["route", "add", "10.83.1.0/24", "via", "10.83.2.1"]);
    r.cmd(support::require("sysctl"))
        .args(["-qw", "net.ipv4.ip_forward=1"])
        .timeout(Duration::from_secs(10))
        .run()
        .assert_success();
    let mut server = s
        .cmd(&exe)
        .args(["server", PORT])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    support::run_checks_in(&c, &exe, &["client", "10.83.2.2", PORT, NARROW], &[], 5);
    let out = server.wait();
    out.assert_success();
    assert!(
        out.stdout.contains("ok the server received everything"),
        "{out}"
    );
}
