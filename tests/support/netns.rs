//! Private network namespaces that are always deleted, and veth pairs between them.

use super::process::{Cmd, Running};
use super::{require, require_root};
use std::ffi::OsStr;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn next_id() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Runs `ip ARGS`, panicking with its stderr if it fails.
fn ip(args: &[&str]) {
    let out = Command::new(require("ip"))
        .args(args)
        .output()
        .expect("run ip");
    assert!(
        out.status.success(),
        "`ip {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// A uniquely named network namespace with `lo` up, deleted (after killing whatever still runs in
/// it) when dropped.
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates `sctpshim-<tag>-<pid>-<n>` and brings its loopback up.
    pub fn new(tag: &str) -> Netns {
        require_root();
        let name = format!("sctpshim-{tag}-{}-{}", std::process::id(), next_id());
        ip(&["netns", "add", &name]);
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Waits until no process is left in this namespace (keepers have ended): panics with
    /// what is still there after `within`.
    pub fn wait_empty(&self, within: std::time::Duration) {
        let until = std::time::Instant::now() + within;
        loop {
            let out = std::process::Command::new(super::require("ip"))
                .args(["netns", "pids", self.name()])
                .output()
                .expect("ip netns pids");
            let pids = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if pids.is_empty() {
                return;
            }
            if std::time::Instant::now() >= until {
                let what: Vec<String> = pids
                    .split_whitespace()
                    .map(|p| {
                        let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
                        format!("{p}: {}", String::from_utf8_lossy(&cmd).replace('\0', " "))
                    })
                    .collect();
                panic!("processes still in the namespace: {what:?}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Runs `ip -n <this namespace> ARGS`.
    pub fn ip(&self, args: &[&str]) {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all);
    }

    /// Adds an address (CIDR) to a device of this namespace; IPv6 ones without DAD.
    pub fn add_addr(&self, dev: &str, cidr: &str) {
        if cidr.contains(':') {
            self.ip(&["-6", "addr", "add", cidr, "dev", dev, "nodad"]);
        } else {
            self.ip(&["addr", "add", cidr, "dev", dev]);
        }
    }

    /// Starts capturing every packet on this namespace's `lo` into `file` (pcapng); stop it
    /// with `Running::stop`, which lets tshark finish the file.
    pub fn capture_lo(&self, file: &std::path::Path) -> Running {
        let mut tshark = self
            .cmd(require("tshark"))
            // A 64 MiB capture buffer: bursts of 64 KiB loopback packets (a 2 MiB window's
            // worth at once) overflow tshark's 2 MiB default, and dropped packets would make
            // the capture disagree with SCTPSHIM_PCAP.
            .args(["-i", "lo", "-B", "64", "-q", "-w"])
            .arg(file)
            .timeout(std::time::Duration::from_secs(600))
            .spawn();
        tshark.wait_for_output("Capture started", std::time::Duration::from_secs(20));
        tshark
    }

    /// A command to run inside this namespace.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Cmd {
        Cmd::new(program).netns(&self.name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let Ok(ip) = std::panic::catch_unwind(|| require("ip")) else {
            return;
        };
        if let Ok(out) = Command::new(&ip)
            .args(["netns", "pids", &self.name])
            .output()
        {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                if let Ok(pid) = pid.parse::<i32>() {
                    // SAFETY: kill(2) on a pid that lives in our private namespace.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
        }
        let _ = Command::new(&ip)
            .args(["netns", "delete", &self.name])
            .output();
    }
}

/// Connects two namespaces with a veth pair of the given MTU and gives each end its addresses
/// (CIDRs, IPv4 or IPv6). Returns the interface names (a's, b's).
pub fn veth_pair(
    a: &Netns,
    a_addrs: &[&str],
    b: &Netns,
    b_addrs: &[&str],
    mtu: u32,
) -> (String, String) {
    let id = format!("{}x{}", std::process::id() % 100_000, next_id());
    let (if_a, if_b) = (format!("va{id}"), format!("vb{id}"));
    assert!(if_a.len() <= 15, "interface name {if_a} too long");
    ip(&[
        "link", "add", &if_a, "netns", &a.name, "type", "veth", "peer", "name", &if_b, "netns",
        &b.name,
    ]);
    let mtu = mtu.to_string();
    for (ns, dev, addrs) in [(a, &if_a, a_addrs), (b, &if_b, b_addrs)] {
        ns.ip(&["link", "set", dev, "mtu", &mtu, "up"]);
        for cidr in addrs {
            ns.add_addr(dev, cidr);
        }
    }
    (if_a, if_b)
}
