//! Issue #4: SCTP_DSTADDRV4/V6 on a message that sets up an association (Linux
//! `sctp_sendmsg_new_asoc`): the addresses join its peer list, so the INIT reaches the peer
//! through them when the destination is silent; a short cmsg or an IPv6 address on an
//! AF_INET socket is EINVAL for a new association only (shim-tests/dstaddr.c). The namespace
//! drops every packet to 127.0.0.3 and 127.0.0.5.

mod support;

use std::time::Duration;
use support::{compile_c, require, Netns, TempDir};

#[test]
fn dstaddr_addresses_reach_a_peer_whose_destination_is_silent() {
    let dir = TempDir::new("dstaddr");
    let exe = compile_c("dstaddr.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("dstaddr");
    for rule in [
        "add table ip silent",
        "add chain ip silent out { type filter hook output priority 0 ; }",
        "add rule ip silent out ip daddr { 127.0.0.3, 127.0.0.5 } drop",
    ] {
        ns.cmd(require("nft"))
            .args(rule.split(' '))
            .timeout(Duration::from_secs(20))
            .run()
            .assert_success();
    }
    support::run_checks_in(&ns, &exe, &[], &[], 10);
}
