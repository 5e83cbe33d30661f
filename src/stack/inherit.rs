//! App fds inherited across exec (`socat ... EXEC:`, `ncat -e`, inetd-style servers): the new
//! image has no engine and no registry, but its fds 0/1 may be app ends of SCTP sockets whose
//! engine lives in an ancestor. At load time we look for AF_UNIX fds whose peer carries one of
//! our names, adopt the magic in that name and mark the fds, so that the data hooks keep
//! stripping and adding record headers. Control calls on them pass through (no registry entry).

use super::{fdmap, handle, names};
use std::os::fd::{AsRawFd, BorrowedFd};

/// The magic in our name on the other end of `fd`, if there is one.
fn peer_magic(fd: i32) -> Option<u64> {
    // SAFETY: fd numbers listed in /proc/self/fd; a closed one makes the calls fail harmlessly.
    let b = unsafe { BorrowedFd::borrow_raw(fd) };
    if rustix::net::sockopt::socket_domain(b).ok()? != rustix::net::AddressFamily::UNIX {
        return None;
    }
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes.
    let r = unsafe {
        libc::syscall(
            libc::SYS_getpeername,
            fd,
            &mut sun as *mut _,
            &mut len as *mut _,
        )
    };
    if r != 0 {
        return None;
    }
    names::magic_of(&sun, len)
}

/// Scan this process's fds once, at load time.
fn scan() {
    if handle::disabled() {
        return;
    }
    let Ok(dir) = rustix::fs::open(
        "/proc/self/fd",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    ) else {
        return;
    };
    let dir_fd = dir.as_raw_fd();
    let Ok(entries) = rustix::fs::Dir::new(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if fd == dir_fd {
            continue;
        }
        if let Some(m) = peer_magic(fd) {
            if handle::adopt_magic(m) == m {
                fdmap::SCTP_FDS.set(fd, true);
                fdmap::ANY_SCTP.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

#[used]
#[link_section = ".init_array"]
static CONSTRUCTOR: extern "C" fn() = {
    extern "C" fn init() {
        scan();
    }
    init
};
