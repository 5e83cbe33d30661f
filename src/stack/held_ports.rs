//! Ports a keeper still holds. Linux lets a socket with SO_REUSEADDR bind a port whose
//! previous socket was closed while its associations finish (`sctp_get_port_local`: a bound
//! socket that is not listening does not conflict). In mirror mode an SCTP port is a UDP
//! port, and those associations live on in a keeper process ([`super::keeper`]) that keeps
//! the UDP port until they end: a server restarted at once (iperf3, socat and test loops do
//! this) would get EADDRINUSE for the few milliseconds the shutdown takes.
//!
//! So the keeper marks every port it holds with an abstract AF_UNIX listener named after the
//! port (per network namespace, like the port), which it never accepts on; the mark goes
//! when the port's last UDP socket closes. A bind that finds its port in use, with
//! SO_REUSEADDR set, waits for the mark to go (the kernel hangs up a pending connection when
//! its listener closes) and tries again. A port in use by anything else is EADDRINUSE at once.

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

fn name(port: u16) -> Option<SocketAddrUnix> {
    SocketAddrUnix::new_abstract_name(format!("sctpshim-held-udp:{port}").as_bytes()).ok()
}

fn unix_socket() -> Option<OwnedFd> {
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    rustix::net::socket_with(AddressFamily::UNIX, SocketType::SEQPACKET, flags, None).ok()
}

/// In a keeper: mark `port` as held until the returned fd closes (None: no mark, which
/// only costs a restarted server its EADDRINUSE).
pub fn claim(port: u16) -> Option<OwnedFd> {
    let fd = unix_socket()?;
    rustix::net::bind(&fd, &name(port)?).ok()?;
    rustix::net::listen(&fd, 64).ok()?;
    Some(fd)
}

/// Whether a keeper held `port` and let it go within `limit`: then a bind may try again.
/// False at once when no keeper holds it.
pub fn wait_released(port: u16, limit: Duration) -> bool {
    let (Some(fd), Some(addr)) = (unix_socket(), name(port)) else {
        return false;
    };
    let deadline = Instant::now() + limit;
    loop {
        match rustix::net::connect(&fd, &addr) {
            Ok(()) => break,
            // The mark's backlog is full: it is still there; look again shortly.
            Err(rustix::io::Errno::AGAIN) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(_) => return false,
        }
    }
    loop {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return false;
        };
        let t = Timespec {
            tv_sec: left.as_secs() as i64,
            tv_nsec: left.subsec_nanos() as _,
        };
        let mut p = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut p, Some(&t)) {
            Ok(0) => return false,
            Ok(_) => return p[0].revents().contains(PollFlags::HUP),
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_is_waited_for_until_it_closes() {
        // A port number no test binds: the name is per network namespace.
        let port = 65123;
        assert!(!wait_released(port, Duration::from_millis(50)), "no mark");
        let mark = claim(port).expect("claim");
        let t = std::thread::spawn(|| wait_released(65123, Duration::from_secs(5)));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!t.is_finished(), "waits while the mark is there");
        drop(mark);
        assert!(t.join().unwrap(), "released");
        let _held = claim(port).expect("claim again");
        assert!(
            !wait_released(port, Duration::from_millis(100)),
            "times out"
        );
    }
}
