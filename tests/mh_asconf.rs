//! Issue #5, dynamic addresses: on a live association whose endpoints turned AUTH and ASCONF
//! on (RFC 4895, RFC 5061), an address the client adds with sctp_bindx becomes a confirmed
//! path of the server (ADDR_ADDED, ADDR_CONFIRMED, listed by sctp_getpaddrs), can be made the
//! server's primary with SCTP_SET_PEER_PRIMARY_ADDR (ADDR_MADE_PRIM) and carries data; an
//! address the client removes disappears from the server's paths (ADDR_REMOVED) while the
//! association keeps working (shim-tests/mh_asconf.c, in a private network namespace). On the
//! wire every ASCONF and ASCONF ACK goes after an AUTH chunk, as tshark decodes them.

mod support;

use std::time::Duration;

use support::tshark::{self, Packet};
use support::{compile_c, Netns, Output, TempDir};

const PORT: u16 = 5461;
const CPORT: u16 = 5462;

/// The lines starting with `prefix`, in output order.
fn lines_with<'a>(out: &'a str, prefix: &str) -> Vec<&'a str> {
    out.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// The same, sorted (address lists come primary first).
fn sorted<'a>(out: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut v = lines_with(out, prefix);
    v.sort_unstable();
    v
}

const AUTH: u8 = 15;
const ASCONF: u8 = 0xC1;
const ASCONF_ACK: u8 = 0x80;

#[test]
fn bindx_add_and_remove_on_a_live_association() {
    let dir = TempDir::new("mh-asconf");
    let exe = compile_c("mh_asconf.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhasconf");
    let file = dir.join("lo.pcapng");
    let capture = ns.capture_lo(&file);
    let out = ns
        .cmd(&exe)
        .args([PORT.to_string(), CPORT.to_string()])
        .preload(true)
        .timeout(Duration::from_secs(90))
        .run();
    std::thread::sleep(Duration::from_millis(500));
    capture.stop();
    check_run(&out);
    let packets = tshark::packets(&file, &[PORT, CPORT]);
    // Three requests (add, set primary, delete), each in an ASCONF answered by an ASCONF ACK,
    // every one authenticated (RFC 5061 6).
    let with =
        |c: u8| -> Vec<&Packet> { packets.iter().filter(|p| p.chunks.contains(&c)).collect() };
    assert!(with(ASCONF).len() >= 3, "{packets:?}");
    assert!(with(ASCONF_ACK).len() >= 3, "{packets:?}");
    for p in with(ASCONF).into_iter().chain(with(ASCONF_ACK)) {
        assert_eq!(p.chunks.first(), Some(&AUTH), "{p:?}");
    }
    let bad = tshark::lines(
        &file,
        &[PORT, CPORT],
        "_ws.malformed || sctp.checksum.status != 1",
    );
    assert!(bad.is_empty(), "{bad:?}");
}

/// The same with the switches from the environment (Linux's sysctls) instead of setsockopt.
#[test]
fn switches_from_the_environment() {
    let dir = TempDir::new("mh-asconf-env");
    let exe = compile_c("mh_asconf.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhasconfenv");
    let out = ns
        .cmd(&exe)
        .args([PORT.to_string(), CPORT.to_string(), "env".into()])
        .env("SCTPSHIM_AUTH_ENABLE", "1")
        .env("SCTPSHIM_ADDIP_ENABLE", "1")
        .preload(true)
        .timeout(Duration::from_secs(90))
        .run();
    check_run(&out);
}

/// The notifications and address lists of one run.
fn check_run(out: &Output) {
    out.assert_success();
    let o = &out.stdout;
    assert!(o.contains("client asconf 1"), "{out}");
    // Before: the client's two bound addresses.
    assert_eq!(
        sorted(o, "server peer"),
        vec!["server peer 127.0.0.1:5462", "server peer 127.0.0.2:5462"],
        "{out}"
    );
    // 1. ADDED then CONFIRMED, and listed.
    let changes = lines_with(o, "server change");
    let added = changes
        .iter()
        .position(|l| *l == "server change ADDED 127.0.0.3");
    let confirmed = changes
        .iter()
        .position(|l| *l == "server change CONFIRMED 127.0.0.3");
    assert!(added.is_some() && added < confirmed, "{out}");
    assert_eq!(
        sorted(o, "step1 peer"),
        vec![
            "step1 peer 127.0.0.1:5462",
            "step1 peer 127.0.0.2:5462",
            "step1 peer 127.0.0.3:5462"
        ],
        "{out}"
    );
    // 2. The server's primary is the new address, and data flows.
    assert!(
        changes.contains(&"server change MADE_PRIM 127.0.0.3"),
        "{out}"
    );
    assert!(o.contains("server primary 127.0.0.3"), "{out}");
    assert!(o.contains("client data via-new-primary"), "{out}");
    // 3. REMOVED; the server no longer lists it, the client no longer has it.
    assert!(
        changes.contains(&"server change REMOVED 127.0.0.2"),
        "{out}"
    );
    assert_eq!(
        sorted(o, "step3 peer"),
        vec!["step3 peer 127.0.0.1:5462", "step3 peer 127.0.0.3:5462"],
        "{out}"
    );
    assert_eq!(
        sorted(o, "step3 local"),
        vec!["step3 local 127.0.0.1:5462", "step3 local 127.0.0.3:5462"],
        "{out}"
    );
    assert!(o.contains("server data after-remove"), "{out}");
    assert!(o.contains("client data reply"), "{out}");
    assert!(o.contains("done"), "{out}");
    // No path of the association failed on the way.
    assert!(!o.contains("UNREACHABLE"), "{out}");
}

/// The AUTH socket options with AUTH on (Linux's errors), and endpoint pair keys end to end:
/// the server requires DATA authenticated under its key 1; a client with the same key 1 gets
/// its message through, a client with another key 1 does not; a client without AUTH gets
/// SCTP_AUTH_NO_AUTH and sends unauthenticated DATA (shim-tests/mh_auth_opts.c).
#[test]
fn auth_options_and_endpoint_pair_keys() {
    let dir = TempDir::new("mh-auth-opts");
    let exe = compile_c("mh_auth_opts.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhauthopts");
    for (k, (key, expect)) in [
        ("shared-secret", "data arrived"),
        ("wrong-secret", "no data"),
    ]
    .into_iter()
    .enumerate()
    {
        let (port, cport) = (5471 + 2 * k as u16, 5472 + 2 * k as u16);
        let out = ns
            .cmd(&exe)
            .args([port.to_string(), cport.to_string(), key.into()])
            .preload(true)
            .timeout(Duration::from_secs(60))
            .run();
        out.assert_success();
        assert!(!out.stdout.contains("FAIL"), "{out}");
        assert!(out.stdout.lines().any(|l| l == expect), "{out}");
        assert!(out.stdout.contains("done"), "{out}");
    }
}

/// AUTH keys changed on a live association, as Linux (shim-tests/mh_auth_live.c): on an
/// established one-to-one socket SCTP_AUTH_KEY / _ACTIVE_KEY / _DEACTIVATE_KEY /
/// _DELETE_KEY act on the association; the key the client activates signs its next DATA,
/// which the server reports with SCTP_AUTH_NEW_KEY; deactivating a key on the association
/// gives SCTP_AUTH_FREE_KEY; a deactivated or deleted key cannot be activated; DATA signed
/// with a key the server lacks never arrives. A one-to-many socket takes SCTP_CURRENT_ASSOC
/// and SCTP_ALL_ASSOC and refuses an unknown id.
#[test]
fn auth_keys_change_on_a_live_association() {
    let dir = TempDir::new("mh-auth-live");
    let exe = compile_c("mh_auth_live.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("mhauthlive");
    let out = ns
        .cmd(&exe)
        .args(["5481", "5482"])
        .preload(true)
        .timeout(Duration::from_secs(60))
        .run();
    out.assert_success();
    assert!(!out.stdout.contains("FAIL"), "{out}");
    let checks = out.stdout.lines().filter(|l| l.starts_with("ok: ")).count();
    assert_eq!(checks, 23, "every check ran\n{out}");
    assert!(out.stdout.contains("done"), "{out}");
}
