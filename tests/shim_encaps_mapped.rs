//! Issue #3: IPv4-mapped IPv6 addresses (an AF_INET6 client to ::ffff:127.0.0.1, an AF_INET6
//! wildcard server that sees IPv4 peers as mapped addresses, SCTP_I_WANT_MAPPED_V4_ADDR,
//! IPV6_V6ONLY) and SCTP_REMOTE_UDP_ENCAPS_PORT (a mirror-mode client reaches a server in
//! fixed UDP port mode only with it) (shim-tests/encaps_mapped.c).

mod support;

use std::time::Duration;
use support::{compile_c, Netns, Running, TempDir};

const PORT: &str = "5560";
const FIXED_PORT: &str = "5561";
const SERVER_UDP: &str = "9911";

fn server(ns: &Netns, exe: &std::path::Path, port: &str, env: &[(&str, &str)]) -> Running {
    let mut cmd = ns.cmd(exe).args(["server", port]);
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let mut s = cmd.preload(true).timeout(Duration::from_secs(60)).spawn();
    s.wait_for_output("listening", Duration::from_secs(20));
    s
}

#[test]
fn mapped_addresses_and_remote_udp_encaps_port() {
    let dir = TempDir::new("encmap");
    let exe = compile_c("encaps_mapped.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("encmap");
    let mut mirror = server(&ns, &exe, PORT, &[]);
    let mut fixed = server(&ns, &exe, FIXED_PORT, &[("SCTPSHIM_UDP_PORT", SERVER_UDP)]);
    support::run_checks_in(&ns, &exe, &["mapped", PORT], &[], 6);
    support::run_checks_in(&ns, &exe, &["plain", FIXED_PORT], &[], 1);
    support::run_checks_in(&ns, &exe, &["encaps", FIXED_PORT, SERVER_UDP], &[], 3);
    // Each server saw its IPv4 peers as mapped addresses (the refused client never arrived).
    let seen = |s: &mut Running| {
        std::thread::sleep(Duration::from_millis(200));
        let out = s.output_so_far();
        assert!(!out.contains("FAIL"), "{out}");
        out.matches("ok the server sees").count()
    };
    assert_eq!(seen(&mut mirror), 1);
    assert_eq!(seen(&mut fixed), 1);
}
