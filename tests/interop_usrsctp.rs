//! Issue #6: interop with usrsctp (Debian's libusrsctp-examples), both directions, over UDP
//! encapsulation (RFC 6951) in a private network namespace, in fixed port mode
//! (`SCTPSHIM_UDP_PORT` / `SCTPSHIM_REMOTE_UDP_PORT`) and in mirror mode (UDP port = SCTP port).
//!
//! - a Python client under the shim talks to usrsctp's `echo_server` over IPv4 and IPv6 (the
//!   shim closes);
//! - usrsctp's `client` talks to `socat ... PIPE` under the shim (usrsctp closes);
//! - bulk data: `tsctp` sends to socat under the shim (usrsctp closes), socat under the shim
//!   sends to `tsctp` (the shim closes); every byte arrives.
//!
//! Every run is captured on the namespace's loopback; every packet must decode in tshark as SCTP
//! with a verified CRC32c and no malformed or error-level item, and the association must end
//! with a complete graceful shutdown (SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE, no ABORT).
//!
//! Loopback is fine for CRC32c: usrsctp skips the checksum between loopback addresses only when
//! `sctp_no_csum_on_loopback` is on, and every example program turns it off
//! (`usrsctp_sysctl_set_sctp_no_csum_on_loopback(0)`); the captures prove it (every packet's
//! CRC32c is verified, from either side).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use support::tshark::{self, chunk, Packet};
use support::{require, shim_test_file, write_pattern_file, Cmd, Netns, Running, TempDir};

/// The UDP port usrsctp binds in fixed mode runs, and the shim's.
const USRSCTP_UDP: u16 = 11111;
const SHIM_UDP: u16 = 22222;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// SCTPSHIM_UDP_PORT=22222, SCTPSHIM_REMOTE_UDP_PORT=11111 (or learned, for a server).
    Fixed,
    /// No configuration: the shim's UDP port is its SCTP port, and it sends to UDP port = the
    /// peer's SCTP port (or the port learned from the peer's packets).
    Mirror,
}

fn usrsctp(program: &str) -> PathBuf {
    let path = Path::new("/usr/lib/usrsctp").join(program);
    assert!(
        path.is_file(),
        "{} is missing: install libusrsctp-examples (see .ci/run)",
        path.display()
    );
    path
}

/// A command under the shim, configured for `mode`. `server`: a listening program, which must
/// learn the client's UDP port from its packets (no remote port configured).
fn shim_cmd(ns: &Netns, program: impl AsRef<std::ffi::OsStr>, mode: Mode, server: bool) -> Cmd {
    let cmd = ns.cmd(program).preload(true);
    match (mode, server) {
        (Mode::Mirror, _) => cmd,
        (Mode::Fixed, true) => cmd.env("SCTPSHIM_UDP_PORT", USRSCTP_UDP.to_string()),
        (Mode::Fixed, false) => cmd
            .env("SCTPSHIM_UDP_PORT", SHIM_UDP.to_string())
            .env("SCTPSHIM_REMOTE_UDP_PORT", USRSCTP_UDP.to_string()),
    }
}

/// A namespace with its loopback captured into `dir/lo.pcapng`.
struct Captured {
    ns: Netns,
    tshark: Running,
    file: PathBuf,
}

impl Captured {
    fn new(tag: &str, dir: &TempDir) -> Captured {
        let ns = Netns::new(tag);
        let file = dir.join("lo.pcapng");
        let tshark = ns.capture_lo(&file);
        Captured { ns, tshark, file }
    }

    /// Stops the capture once the last packets are in and checks it: clean SCTP on `ports`,
    /// and the client (the INIT's sender) closed the association gracefully.
    fn finish(self, ports: &[u16]) -> Vec<Packet> {
        std::thread::sleep(Duration::from_millis(500));
        self.tshark.stop();
        let packets = tshark::assert_clean_sctp(&self.file, ports);
        let client = initiator(&packets);
        tshark::assert_graceful_shutdown(&packets, client);
        packets
    }
}

/// The SCTP port of the endpoint that sent the first INIT.
fn initiator(packets: &[Packet]) -> u16 {
    packets
        .iter()
        .find(|p| p.chunks.contains(&chunk::INIT))
        .map(|p| p.sctp_src)
        .unwrap_or_else(|| panic!("no INIT captured: {packets:?}"))
}

fn assert_data_flowed(packets: &[Packet], from_sctp_port: u16) {
    assert!(
        packets
            .iter()
            .any(|p| p.sctp_src == from_sctp_port && p.chunks.contains(&chunk::DATA)),
        "no DATA from port {from_sctp_port}"
    );
}

/// A Python client under the shim exchanges messages with usrsctp's echo_server (SCTP port 7)
/// at `server_addr` and closes.
fn shim_client_to_echo_server(mode: Mode, server_addr: &str) {
    let dir = TempDir::new("usrsctp-echo");
    let cap = Captured::new("usrsctp-echo", &dir);
    let client_port = 5007;
    // echo_server LOCAL_UDP REMOTE_UDP; in mirror mode the shim sends to UDP port 7 (the SCTP
    // port) from UDP port 5007 (its own SCTP port).
    let (server_udp, client_udp) = match mode {
        Mode::Fixed => (USRSCTP_UDP, SHIM_UDP),
        Mode::Mirror => (7, client_port),
    };
    let _server = cap
        .ns
        .cmd(usrsctp("echo_server"))
        .args([server_udp.to_string(), client_udp.to_string()])
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    let pcap = dir.join("shim.pcap");
    let out = shim_cmd(&cap.ns, require("python3"), mode, false)
        .arg(shim_test_file("usrsctp_echo_client.py"))
        .args([server_addr, "7", &client_port.to_string(), "40"])
        .env("SCTPSHIM_PCAP", &pcap)
        .run();
    out.assert_success();
    assert!(out.stdout.contains("ok 40 messages"), "{out}");
    let ports = [server_udp, client_udp];
    let packets = cap.finish(&ports);
    assert_eq!(initiator(&packets), client_port);
    assert_data_flowed(&packets, 7);
    assert_data_flowed(&packets, client_port);
    // SCTPSHIM_PCAP: the library's own record of the same traffic decodes the same way.
    let own = tshark::assert_clean_sctp(&pcap, &ports);
    tshark::assert_graceful_shutdown(&own, client_port);
    assert_eq!(
        own.len(),
        packets.len(),
        "SCTPSHIM_PCAP has {} packets, the wire had {}",
        own.len(),
        packets.len()
    );
}

#[test]
fn shim_client_to_usrsctp_echo_server_fixed_port() {
    shim_client_to_echo_server(Mode::Fixed, "127.0.0.1");
}

#[test]
fn shim_client_to_usrsctp_echo_server_mirror() {
    shim_client_to_echo_server(Mode::Mirror, "127.0.0.1");
}

/// The same over IPv6 (usrsctp's echo_server listens on the IPv6 wildcard).
#[test]
fn shim_client_to_usrsctp_echo_server_ipv6() {
    shim_client_to_echo_server(Mode::Fixed, "::1");
}

/// usrsctp's client sends lines to `socat SCTP4-LISTEN PIPE` under the shim, prints the echoes,
/// then shuts down (after its stdin ends, two seconds later).
fn usrsctp_client_to_shim_echo(mode: Mode) {
    let dir = TempDir::new("usrsctp-client");
    let cap = Captured::new("usrsctp-client", &dir);
    let (server_port, client_port, client_udp) = (5007u16, 5008u16, SHIM_UDP);
    let server_udp = match mode {
        Mode::Fixed => USRSCTP_UDP,
        Mode::Mirror => server_port,
    };
    let mut server = shim_cmd(&cap.ns, require("socat"), mode, true)
        .args([
            "-d",
            "-d",
            &format!("SCTP4-LISTEN:{server_port},reuseaddr"),
            "PIPE",
        ])
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    let lines: Vec<String> = (0..30)
        .map(|i| format!("line {i} {}", "x".repeat(i * 2)))
        .collect();
    let input = dir.join("input");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write input");
    // client REMOTE_ADDR REMOTE_PORT LOCAL_PORT LOCAL_UDP REMOTE_UDP
    let script = format!(
        "(cat {}; sleep 2) | {} 127.0.0.1 {server_port} {client_port} {client_udp} {server_udp}",
        input.display(),
        usrsctp("client").display()
    );
    let out = cap
        .ns
        .cmd("/bin/sh")
        .args(["-c", &script])
        .timeout(Duration::from_secs(60))
        .run();
    out.assert_success();
    for line in &lines {
        assert!(
            out.stdout.contains(line.as_str()),
            "no echo of {line:?}\n{out}"
        );
    }
    server.wait().assert_success();
    let packets = cap.finish(&[server_udp, client_udp]);
    assert_eq!(initiator(&packets), client_port);
    assert_data_flowed(&packets, server_port);
}

#[test]
fn usrsctp_client_to_shim_echo_fixed_port() {
    usrsctp_client_to_shim_echo(Mode::Fixed);
}

#[test]
fn usrsctp_client_to_shim_echo_mirror() {
    usrsctp_client_to_shim_echo(Mode::Mirror);
}

const TSCTP_PORT: u16 = 5002;

/// usrsctp's tsctp sends COUNT x LEN bytes to `socat -u SCTP4-LISTEN` under the shim; every
/// byte is written to the file, and tsctp closes.
fn tsctp_to_shim(mode: Mode) {
    const COUNT: usize = 4000;
    const LEN: usize = 2000;
    let dir = TempDir::new("tsctp-to-shim");
    let cap = Captured::new("tsctp-to-shim", &dir);
    let received = dir.join("received");
    let server_udp = match mode {
        Mode::Fixed => USRSCTP_UDP,
        Mode::Mirror => TSCTP_PORT,
    };
    let mut server = shim_cmd(&cap.ns, require("socat"), mode, true)
        .args(["-d", "-d", "-u", &format!("SCTP4-LISTEN:{TSCTP_PORT}")])
        .arg(format!("CREATE:{}", received.display()))
        .spawn();
    server.wait_for_output("listening on", Duration::from_secs(20));
    let out = cap
        .ns
        .cmd(usrsctp("tsctp"))
        .args(["-E", &SHIM_UDP.to_string(), "-U", &server_udp.to_string()])
        .args(["-p", &TSCTP_PORT.to_string()])
        .args([
            "-n",
            &COUNT.to_string(),
            "-l",
            &LEN.to_string(),
            "127.0.0.1",
        ])
        .run();
    out.assert_success();
    server.wait().assert_success();
    let got = std::fs::metadata(&received).map(|m| m.len()).unwrap_or(0);
    assert_eq!(got, (COUNT * LEN) as u64, "bytes received from tsctp");
    let packets = cap.finish(&[server_udp, SHIM_UDP]);
    assert_ne!(initiator(&packets), TSCTP_PORT);
}

#[test]
fn tsctp_sends_to_shim_fixed_port() {
    tsctp_to_shim(Mode::Fixed);
}

#[test]
fn tsctp_sends_to_shim_mirror() {
    tsctp_to_shim(Mode::Mirror);
}

/// socat under the shim sends a file to tsctp's receiver, which reports every byte; the shim
/// closes.
fn shim_to_tsctp(mode: Mode) {
    const SIZE: usize = 8 << 20;
    let dir = TempDir::new("shim-to-tsctp");
    let cap = Captured::new("shim-to-tsctp", &dir);
    let sent = dir.join("sent");
    write_pattern_file(&sent, SIZE, 0x75c7);
    let client_port = 5003u16;
    let (server_udp, client_udp) = match mode {
        Mode::Fixed => (USRSCTP_UDP, SHIM_UDP),
        Mode::Mirror => (TSCTP_PORT, client_port),
    };
    // The receiver learns the client's UDP port from its packets.
    let mut server = cap
        .ns
        .cmd(usrsctp("tsctp"))
        .args(["-E", &server_udp.to_string(), "-p", &TSCTP_PORT.to_string()])
        .args(["-L", "127.0.0.1"])
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    shim_cmd(&cap.ns, require("socat"), mode, false)
        .arg("-u")
        .arg(format!("OPEN:{}", sent.display()))
        .arg(format!(
            "SCTP4-CONNECT:127.0.0.1:{TSCTP_PORT},sourceport={client_port}"
        ))
        .run()
        .assert_success();
    // The receiver's report: "msg length, messages, ..., bytes, seconds, bytes/s, ...".
    server.wait_for_output(&format!(", {SIZE}, "), Duration::from_secs(20));
    server.stop();
    let packets = cap.finish(&[server_udp, client_udp]);
    assert_eq!(initiator(&packets), client_port);
    assert_data_flowed(&packets, client_port);
}

#[test]
fn shim_sends_to_tsctp_fixed_port() {
    shim_to_tsctp(Mode::Fixed);
}

#[test]
fn shim_sends_to_tsctp_mirror() {
    shim_to_tsctp(Mode::Mirror);
}
