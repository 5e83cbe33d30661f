//! Issue #3: a program that never makes an SCTP socket runs exactly as without the library.
//! bash, python3 and cargo each run with and without libsctpshim.so preloaded, and their exit
//! status, stdout and stderr must be identical. The scripts fork, exec, use threads, pipes and
//! TCP/UDP sockets on loopback (inside a private namespace), so the library's hooks see plenty of
//! foreign fds to pass through.

mod support;

use support::{require, Cmd, Netns};

/// Runs `program args` in `ns` with and without the shim and compares what it did.
fn same_with_and_without_shim(ns: &Netns, program: &str, args: &[&str]) {
    let run = |preload: bool| {
        ns.cmd(require(program))
            .args(args)
            .env("LC_ALL", "C")
            .preload(preload)
            .run()
    };
    let plain = run(false);
    plain.assert_success();
    let shimmed = run(true);
    assert_eq!(
        (shimmed.status.code(), &shimmed.stdout, &shimmed.stderr),
        (plain.status.code(), &plain.stdout, &plain.stderr),
        "`{program}` behaves differently under the shim\nwithout:\n{plain}\nwith:\n{shimmed}"
    );
    assert!(!plain.stdout.trim().is_empty(), "{program} printed nothing");
}

const BASH_SCRIPT: &str = r#"
set -euo pipefail
total=0
for i in $(seq 1 200); do total=$((total + i * i)); done
echo "sum of squares: $total"
( echo "from a subshell $$" >/dev/null; exit 0 ) &
wait $!
printf '%s\n' c a b | sort | tr '\n' ' '; echo
exec 3<>/dev/tcp/127.0.0.1/9 2>/dev/null && echo "discard port open" || echo "tcp connect refused as expected"
echo "done"
"#;

const PYTHON_SCRIPT: &str = r#"
import json, socket, subprocess, threading
# TCP echo on loopback through a thread
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
def serve():
    c, _ = srv.accept()
    c.sendall(c.recv(100).upper()); c.close()
t = threading.Thread(target=serve); t.start()
cli = socket.create_connection(("127.0.0.1", port))
cli.sendall(b"hello"); echoed = cli.recv(100); cli.close(); t.join()
# UDP on loopback
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u1.bind(("127.0.0.1", 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b"datagram", u1.getsockname()); got = u1.recv(100)
sp = socket.socketpair(); sp[0].send(b"pair"); pair = sp[1].recv(10)
child = subprocess.run(["echo", "child ok"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"echo": echoed.decode(), "udp": got.decode(), "pair": pair.decode(), "child": child}, sort_keys=True))
"#;

#[test]
fn bash_runs_normally_under_the_shim() {
    let ns = Netns::new("bash");
    same_with_and_without_shim(&ns, "bash", &["-c", BASH_SCRIPT]);
}

#[test]
fn python3_runs_normally_under_the_shim() {
    let ns = Netns::new("python");
    same_with_and_without_shim(&ns, "python3", &["-c", PYTHON_SCRIPT]);
}

#[test]
fn cargo_runs_normally_under_the_shim() {
    let ns = Netns::new("cargo");
    same_with_and_without_shim(&ns, "cargo", &["--version"]);
    let manifest = support::repo_root().join("Cargo.toml");
    same_with_and_without_shim(
        &ns,
        "cargo",
        &[
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
            manifest.to_str().expect("utf-8 path"),
        ],
    );
}

#[test]
fn preloading_outside_a_namespace_works_too() {
    let out = Cmd::new(require("bash"))
        .args(["-c", "echo $((6 * 7))"])
        .preload(true)
        .run();
    out.assert_success();
    assert_eq!(out.stdout.trim(), "42");
    assert!(
        out.stderr.is_empty(),
        "the shim wrote to stderr: {}",
        out.stderr
    );
}
