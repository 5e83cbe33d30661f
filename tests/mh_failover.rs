//! Issue #5, path failover over UDP: two namespaces joined by two veth pairs (one subnet per
//! link, IPv4 and IPv6 on each). A client bound to its two addresses streams 12 MB to a
//! server bound to its two; the client sets small RTO, heartbeat interval, Path.Max.Retrans
//! and PF threshold with SCTP_RTOINFO, SCTP_PEER_ADDR_PARAMS and SCTP_PEER_ADDR_THLDS and
//! exposes the PF state (SCTP_EXPOSE_POTENTIALLY_FAILED_STATE); the server gets them from
//! SCTPSHIM_* variables, with the PF state hidden (SCTPSHIM_PF_EXPOSE=1: no PF event,
//! SCTP_GET_PEER_ADDR_INFO EACCES for a PF path). At 30% the first link is cut (nftables
//! drops everything to and from the server's first address in the client's namespace), at
//! 80% it returns. The transfer must complete intact over the second link, the failure must
//! be detected within the configured time, and both sides' SCTP_PEER_ADDR_CHANGE
//! notifications must arrive in the expected order; at the end SCTP_GET_PEER_ADDR_INFO
//! reports the first address active again and it is still the primary
//! (shim-tests/mh_failover.c).

mod support;

use std::time::Duration;
use support::{compile_c, veth_pair, Netns, TempDir};

const PORT: &str = "5411";
const BYTES: &str = "12000000";
/// Client settings: heartbeat interval (ms), Path.Max.Retrans, PF threshold; RTO 100..400 ms.
/// As on Linux, a path is PF while its error count is above the PF threshold and below
/// Path.Max.Retrans: with 2, only a threshold of 0 gives a PF state (after one error).
const HB_MS: &str = "300";
const PATH_MAX_RETRANS: &str = "2";
const PF: &str = "0";
/// Detection takes Path.Max.Retrans + 1 timeouts of at most RTO.max (0.4 s) after the first
/// loss, plus at most one heartbeat interval: allow a generous multiple for a loaded machine.
const DETECTION_LIMIT_S: f64 = 6.0;

struct Family {
    /// nft match keyword for the family ("ip" or "ip6").
    nft: &'static str,
    client: [&'static str; 2],
    server: [&'static str; 2],
}

const V4: Family = Family {
    nft: "ip",
    client: ["10.71.1.1", "10.71.2.1"],
    server: ["10.71.1.2", "10.71.2.2"],
};

const V6: Family = Family {
    nft: "ip6",
    client: ["fd71:1::1", "fd71:2::1"],
    server: ["fd71:1::2", "fd71:2::2"],
};

fn nft(ns: &Netns, args: &[&str]) {
    let out = ns
        .cmd(support::require("nft"))
        .args(args)
        .timeout(Duration::from_secs(20))
        .run();
    out.assert_success();
}

/// The time printed on the first line starting with `prefix` ("... at T").
fn time_of(out: &str, prefix: &str) -> Option<f64> {
    out.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(" at ").next()?.parse().ok())
}

/// Indexes of the event lines "event STATE ADDR" in order.
fn events(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("event ")?.split(' ');
            Some((w.next()?.to_owned(), w.next()?.to_owned()))
        })
        .collect()
}

fn position(ev: &[(String, String)], state: &str, addr: &str) -> Option<usize> {
    ev.iter().position(|(s, a)| s == state && a == addr)
}

fn failover(f: &Family) {
    let dir = TempDir::new("mh-failover");
    let exe = compile_c("mh_failover.c", dir.path(), &["-lsctp"]);
    let (a, b) = (Netns::new("mhfa"), Netns::new("mhfb"));
    for k in 0..2 {
        let (v4c, v4s) = (
            format!("{}/24", V4.client[k]),
            format!("{}/24", V4.server[k]),
        );
        let (v6c, v6s) = (
            format!("{}/64", V6.client[k]),
            format!("{}/64", V6.server[k]),
        );
        veth_pair(&a, &[&v4c, &v6c], &b, &[&v4s, &v6s], 1500);
    }

    let mut server = b
        .cmd(&exe)
        .arg("server")
        .arg(PORT)
        .args(f.server)
        .env("SCTPSHIM_RTO_MIN", "100")
        .env("SCTPSHIM_RTO_INITIAL", "300")
        .env("SCTPSHIM_RTO_MAX", "400")
        .env("SCTPSHIM_HB_INTERVAL", HB_MS)
        .env("SCTPSHIM_PATH_MAX_RETRANS", PATH_MAX_RETRANS)
        .env("SCTPSHIM_PF_EXPOSE", "1")
        .preload(true)
        .timeout(Duration::from_secs(120))
        .spawn();
    server.wait_for_output("listening", Duration::from_secs(20));
    let mut client = a
        .cmd(&exe)
        .args(["client", PORT, BYTES, HB_MS, PATH_MAX_RETRANS, PF])
        .args(f.client)
        .arg("--")
        .args(f.server)
        .preload(true)
        .timeout(Duration::from_secs(120))
        .spawn();
    client.wait_for_output("progress 30 ", Duration::from_secs(60));
    let addr = format!("{} daddr {}", f.nft, f.server[0]);
    let saddr = format!("{} saddr {}", f.nft, f.server[0]);
    nft(&a, &["add", "table", "inet", "cut"]);
    for (chain, hook, matcher) in [("o", "output", &addr), ("i", "input", &saddr)] {
        let spec = format!("{{ type filter hook {hook} priority 0; }}");
        nft(&a, &["add", "chain", "inet", "cut", chain, &spec]);
        let rule = format!("add rule inet cut {chain} {matcher} drop");
        nft(&a, &rule.split(' ').collect::<Vec<_>>());
    }
    client.wait_for_output("progress 80 ", Duration::from_secs(60));
    nft(&a, &["delete", "table", "inet", "cut"]);
    let client = client.wait();
    client.assert_success();
    let server = server.wait();
    server.assert_success();

    let (c, s) = (&client.stdout, &server.stdout);
    assert!(
        s.contains(&format!("received {BYTES} bytes, pattern ok")),
        "server\n{server}"
    );
    assert!(
        c.contains(&format!("params hb {HB_MS} pathmaxrxt {PATH_MAX_RETRANS}")),
        "the association did not take the socket's SCTP_PEER_ADDR_PARAMS\n{client}"
    );
    let (prim, alt) = (f.server[0], f.server[1]);
    let ev = events(c);
    let confirmed = position(&ev, "CONFIRMED", alt);
    let unreachable = position(&ev, "UNREACHABLE", prim);
    let available = position(&ev, "AVAILABLE", prim);
    assert!(confirmed.is_some(), "{alt} never confirmed\n{client}");
    assert!(unreachable.is_some(), "{prim} never unreachable\n{client}");
    assert!(
        confirmed < unreachable && unreachable < available,
        "client's PEER_ADDR_CHANGE order\n{client}"
    );
    // RFC 7829: with a PF threshold below Path.Max.Retrans, PF comes first (exposed).
    let pf = position(&ev, "POTENTIALLY_FAILED", prim);
    assert!(
        pf.is_some() && pf < unreachable,
        "no PF before UNREACHABLE\n{client}"
    );
    assert!(
        position(&ev, "UNREACHABLE", alt).is_none(),
        "the second link failed too\n{client}"
    );
    let cut = time_of(c, "progress 30 ").expect("progress time");
    let down = time_of(c, &format!("event UNREACHABLE {prim} ")).expect("event time");
    assert!(
        down - cut < DETECTION_LIMIT_S,
        "failure detected {:.2} s after the cut\n{client}",
        down - cut
    );
    assert!(c.contains(&format!("path {prim} active")), "{client}");
    assert!(c.contains(&format!("primary {prim}\n")), "{client}");

    // The server hides PF paths (SCTPSHIM_PF_EXPOSE=1, Linux pf_expose disabled): no PF
    // event, and SCTP_GET_PEER_ADDR_INFO refuses the client's first address while it is PF.
    assert!(s.contains("paddrinfo EACCES"), "{server}");
    assert!(!s.contains("POTENTIALLY_FAILED"), "{server}");
    // The server's view: the client's first address fails and returns; the second never.
    let sev = events(s);
    let (sprim, salt) = (f.client[0], f.client[1]);
    let down = position(&sev, "UNREACHABLE", sprim);
    assert!(
        down.is_some(),
        "server: {sprim} never unreachable\n{server}"
    );
    assert!(
        down < position(&sev, "AVAILABLE", sprim),
        "server's order\n{server}"
    );
    assert!(
        position(&sev, "UNREACHABLE", salt).is_none(),
        "server: the second link failed too\n{server}"
    );
}

#[test]
fn ipv4_transfer_survives_a_cut_link() {
    failover(&V4);
}

#[test]
fn ipv6_transfer_survives_a_cut_link() {
    failover(&V6);
}
