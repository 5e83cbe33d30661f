//! Issue #4, RFC 6525 stream reconfiguration through the Linux socket API: two processes
//! under the shim in a private network namespace (shim-tests/reconf.c) turn RE-CONFIG on
//! (SCTP_RECONFIG_SUPPORTED, SCTP_ENABLE_STREAM_RESET), and the client resets its outgoing
//! streams, its incoming streams, the association, and adds streams. Checked: the
//! notifications each side gets (SCTP_STREAM_RESET_EVENT, SCTP_ASSOC_RESET_EVENT,
//! SCTP_STREAM_CHANGE_EVENT: fields as Linux fills them, and their order), stream sequence
//! numbers restarting at 0, the TSN after an association reset, SCTP_STATUS stream counts,
//! Linux's errnos for bad arguments; a peer that grants nothing (DENIED events) and one
//! without RE-CONFIG (ENOPROTOOPT); and usrsctp's echo_server as the peer (it denies by
//! default). On the wire, tshark decodes every RE-CONFIG chunk.

mod support;

use std::time::Duration;

use support::{compile_c, tshark, Netns, Output, TempDir};

const RE_CONFIG: u8 = 0x82;

/// What the client reports for its three requests (reset stream 1, reset the association,
/// add 3 outgoing and 2 incoming streams) when the peer grants none of them.
const DENIED_EVENTS: [&str; 4] = [
    "client event STREAM_RESET flags=0x4 streams=1",
    "client event ASSOC_RESET flags=0x4 local=0 remote=0",
    "client event STREAM_CHANGE flags=0x4 in=0 out=3",
    "client event STREAM_CHANGE flags=0x4 in=2 out=0",
];

/// The lines of `out` starting with `prefix`, in order.
fn lines<'a>(out: &'a str, prefix: &str) -> Vec<&'a str> {
    out.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// Runs server and client in mode `mode` on `port`; returns (server, client) output.
fn run(mode: &str, port: u16, capture: Option<&std::path::Path>) -> (Output, Output) {
    let dir = TempDir::new("reconf");
    let exe = compile_c("reconf.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new(&format!("reconf{mode}"));
    let cap = capture.map(|f| ns.capture_lo(f));
    let mut server = ns
        .cmd(&exe)
        .args(["server", &port.to_string(), mode])
        .preload(true)
        .timeout(Duration::from_secs(90))
        .spawn();
    server.wait_for_output("server listening", Duration::from_secs(30));
    let client = ns
        .cmd(&exe)
        .args(["client", &port.to_string(), mode])
        .preload(true)
        .timeout(Duration::from_secs(90))
        .run();
    let server = server.wait();
    if let Some(c) = cap {
        std::thread::sleep(Duration::from_millis(500));
        c.stop();
    }
    client.assert_success();
    server.assert_success();
    (server, client)
}

/// The number after `name` (e.g. "ssn=") in `line`.
fn field(line: &str, name: &str) -> u32 {
    line.split(' ')
        .find_map(|w| w.strip_prefix(name))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {line}"))
}

/// The data line of `text` in `out`: (stream, ssn, tsn).
fn data(out: &str, who: &str, text: &str) -> (u32, u32, u32) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{who} data")) && l.ends_with(&format!(" {text}")))
        .unwrap_or_else(|| panic!("no {who} data {text}\n{out}"));
    let f = |name| field(line, name);
    (f("stream="), f("ssn="), f("tsn="))
}

fn stream_ssn(out: &str, who: &str, text: &str) -> (u32, u32) {
    let (stream, ssn, _) = data(out, who, text);
    (stream, ssn)
}

/// (local, remote) of the ASSOC_RESET event line `line`.
fn tsns(line: &str) -> (u32, u32) {
    (field(line, "local="), field(line, "remote="))
}

#[test]
fn reset_and_add_streams_between_two_shimmed_programs() {
    let dir = TempDir::new("reconf-pcap");
    let file = dir.join("lo.pcapng");
    let (server, client) = run("full", 5471, Some(&file));
    let (s, c) = (&server.stdout, &client.stdout);
    let all = format!("{server}\n{client}");
    assert!(c.contains("client reconfig-supported=1 enable=7"), "{all}");
    assert!(s.contains("server reconfig-supported=1"), "{all}");
    // Before any reset: SSNs count up per stream.
    assert_eq!(stream_ssn(s, "server", "a1"), (1, 1), "{all}");
    assert_eq!(stream_ssn(c, "client", "s1"), (2, 1), "{all}");
    // 1. Outgoing reset of stream 1: both report OUTGOING_SSN (0x2) for stream 1 (Linux flags
    //    the receiver's event OUTGOING_SSN too), then b0 comes with SSN 0.
    assert!(c.contains("client reset-out errno=0"), "{all}");
    let cev = lines(c, "client event");
    let sev = lines(s, "server event");
    assert_eq!(
        cev[0], "client event STREAM_RESET flags=0x2 streams=1",
        "{all}"
    );
    assert_eq!(
        sev[0], "server event STREAM_RESET flags=0x2 streams=1",
        "{all}"
    );
    assert_eq!(data(s, "server", "b0").1, 0, "{all}");
    // 2. Incoming reset of all streams: the server reports INCOMING_SSN, does it with its own
    //    outgoing reset (OUTGOING_SSN when answered); the client INCOMING|OUTGOING. The
    //    server's next message on stream 2 has SSN 0.
    assert!(c.contains("client reset-in errno=0"), "{all}");
    assert_eq!(
        cev[1], "client event STREAM_RESET flags=0x3 streams=",
        "{all}"
    );
    assert_eq!(
        sev[1], "server event STREAM_RESET flags=0x1 streams=",
        "{all}"
    );
    assert_eq!(
        sev[2], "server event STREAM_RESET flags=0x2 streams=",
        "{all}"
    );
    assert_eq!(stream_ssn(c, "client", "s2"), (2, 0), "{all}");
    // 3. Association reset: each side's next TSN is what the other expects; d0 carries it
    //    and SSN 0.
    assert!(c.contains("client reset-assoc errno=0"), "{all}");
    assert!(
        cev[2].starts_with("client event ASSOC_RESET flags=0x0 "),
        "{all}"
    );
    assert!(
        sev[3].starts_with("server event ASSOC_RESET flags=0x0 "),
        "{all}"
    );
    let (c_local, c_remote) = tsns(cev[2]);
    let (s_local, s_remote) = tsns(sev[3]);
    assert_eq!((c_local, c_remote), (s_remote, s_local), "{all}");
    let (_, ssn, tsn) = data(s, "server", "d0");
    assert_eq!((ssn, tsn), (0, s_local), "{all}");
    // 4. Add streams: 3 outgoing and 2 incoming for the client.
    assert!(c.contains("client add-streams errno=0"), "{all}");
    assert_eq!(
        &cev[3..5],
        [
            "client event STREAM_CHANGE flags=0x0 in=0 out=3",
            "client event STREAM_CHANGE flags=0x0 in=2 out=0"
        ],
        "{all}"
    );
    assert_eq!(
        &sev[4..7],
        [
            "server event STREAM_CHANGE flags=0x0 in=3 out=0",
            "server event STREAM_CHANGE flags=0x0 in=0 out=2",
            "server event STREAM_CHANGE flags=0x0 in=0 out=2"
        ],
        "{all}"
    );
    assert_eq!(cev.len(), 5, "{all}");
    assert_eq!(sev.len(), 7, "{all}");
    assert_eq!(
        lines(c, "client status"),
        ["client status in=10 out=10", "client status in=12 out=13"],
        "{all}"
    );
    assert_eq!(
        lines(s, "server status"),
        ["server status in=13 out=12"],
        "{all}"
    );
    assert_eq!(stream_ssn(s, "server", "e0"), (12, 0), "{all}");
    // 5. Linux's errnos.
    for (what, errno) in [
        ("reset-no-direction", "Invalid argument"),
        ("reset-stream-100", "Invalid argument"),
        ("reset-short-list", "Invalid argument"),
        ("reset-short", "Invalid argument"),
        ("reset-assoc-long", "Invalid argument"),
        ("add-too-many", "Invalid argument"),
        ("enable-bad-flag", "Invalid argument"),
        ("get-reset-streams", "Protocol not available"),
    ] {
        assert!(
            c.contains(&format!("client {what} errno={errno}")),
            "{what}\n{all}"
        );
    }
    assert!(
        c.contains("client done") && s.contains("server done"),
        "{all}"
    );
    // On the wire: RE-CONFIG chunks, all decoded by tshark.
    let packets = tshark::packets(&file, &[5471]);
    let reconf = packets
        .iter()
        .filter(|p| p.chunks.contains(&RE_CONFIG))
        .count();
    assert!(reconf >= 8, "{packets:?}");
    let bad = tshark::lines(&file, &[5471], "_ws.malformed || sctp.checksum.status != 1");
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn peer_that_grants_nothing_denies_every_request() {
    let (server, client) = run("deny", 5473, None);
    let (s, c) = (&server.stdout, &client.stdout);
    let all = format!("{server}\n{client}");
    assert_eq!(lines(c, "client event"), DENIED_EVENTS, "{all}");
    assert!(lines(s, "server event").is_empty(), "{all}");
    // Nothing changed: numbering goes on, stream counts stay.
    assert_eq!(data(s, "server", "x").1, 2, "{all}");
    assert_eq!(
        lines(c, "client status"),
        ["client status in=10 out=10"],
        "{all}"
    );
    assert_eq!(
        lines(s, "server status"),
        ["server status in=10 out=10"],
        "{all}"
    );
}

#[test]
fn peer_without_reconfig_is_enoprotoopt() {
    let (server, client) = run("off", 5475, None);
    let (s, c) = (&server.stdout, &client.stdout);
    let all = format!("{server}\n{client}");
    assert!(c.contains("client reconfig-supported=0 enable=7"), "{all}");
    assert!(s.contains("server reconfig-supported=0"), "{all}");
    for what in ["reset-out", "reset-assoc", "add-streams"] {
        assert!(
            c.contains(&format!("client {what} errno=Protocol not available")),
            "{what}\n{all}"
        );
    }
    assert!(lines(c, "client event").is_empty(), "{all}");
    assert_eq!(data(s, "server", "x").1, 2, "{all}");
}

/// Interop: usrsctp's echo_server (Debian's libusrsctp-examples) supports RE-CONFIG and grants
/// no request by default: the shimmed client's three requests are denied, answered in RFC 6525
/// responses usrsctp's way (no TSNs in a refused SSN/TSN reset), and messages still echo.
#[test]
fn usrsctp_denies_by_default() {
    let server = std::path::Path::new("/usr/lib/usrsctp/echo_server");
    assert!(
        server.is_file(),
        "install libusrsctp-examples (see .ci/run)"
    );
    let dir = TempDir::new("reconf-usrsctp");
    let exe = compile_c("reconf.c", dir.path(), &["-lsctp"]);
    let ns = Netns::new("reconfusrsctp");
    let file = dir.join("lo.pcapng");
    let cap = ns.capture_lo(&file);
    // Mirror mode: echo_server on UDP port 7 (its SCTP port) sends to UDP port 5007, the
    // client's SCTP port.
    let _server = ns.cmd(server).args(["7", "5007"]).spawn();
    std::thread::sleep(Duration::from_millis(500));
    let out = ns
        .cmd(&exe)
        .args(["client", "7", "usrsctp"])
        .preload(true)
        .timeout(Duration::from_secs(90))
        .run();
    std::thread::sleep(Duration::from_millis(500));
    cap.stop();
    out.assert_success();
    let c = &out.stdout;
    assert!(c.contains("client reconfig-supported=1 enable=7"), "{out}");
    assert_eq!(lines(c, "client event"), DENIED_EVENTS, "{out}");
    assert_eq!(
        lines(c, "client status"),
        ["client status in=10 out=10"],
        "{out}"
    );
    assert!(c.contains("client done"), "{out}");
    let packets = tshark::assert_clean_sctp(&file, &[7, 5007]);
    assert!(
        packets
            .iter()
            .filter(|p| p.chunks.contains(&RE_CONFIG))
            .count()
            >= 6,
        "{packets:?}"
    );
}

/// One-to-many: which association ids SCTP_ENABLE_STREAM_RESET and SCTP_RECONFIG_SUPPORTED
/// take, as Linux's `sctp_setsockopt_enable_strreset` / `_reconfig_supported` and getters.
#[test]
fn association_ids_of_the_switch_options() {
    let (server, _) = run("many", 5477, None);
    let s = &server.stdout;
    let got: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with("server get") || l.starts_with("server set"))
        .collect();
    assert_eq!(
        got,
        [
            "server get enable-assoc 1",
            "server set enable-current-2 errno=0",
            "server get enable-assoc 2",
            "server get enable-future 1",
            "server set enable-all-4 errno=0",
            "server get enable-assoc 4",
            "server get enable-future 4",
            "server set enable-assoc-3 errno=0",
            "server get enable-assoc 3",
            "server get enable-future 4",
            "server get enable-current errno=Invalid argument",
            "server get enable-999 errno=Invalid argument",
            "server set enable-999 errno=Invalid argument",
            "server get reconf-assoc 1",
            "server get reconf-999 errno=Invalid argument",
            // Set always changes the socket's switch; an association reports negotiation.
            "server set reconf-assoc-0 errno=0",
            "server get reconf-assoc 1",
            "server get reconf-future 0",
        ],
        "{server}"
    );
}
