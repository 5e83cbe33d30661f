//! Internal fds: close-on-exec, moved high so the application keeps the lowest numbers (its
//! fortified FD_SET aborts at fd >= 1024), and marked so the close/dup2 hooks protect them.

use super::fdmap::INTERNAL_FDS;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// Lowest number for internal fds: three quarters of the soft fd limit at the first call,
/// at most 3072 (read once: every association setup moves fds).
fn floor() -> i32 {
    static FLOOR: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
    *FLOOR.get_or_init(|| {
        let lim = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(1024)
            .min(4096);
        ((lim * 3 / 4) as i32).max(16)
    })
}

/// Move `fd` (which we own) to a high close-on-exec number and mark it internal. When no high
/// number is free the original number is kept (still close-on-exec).
pub fn move_high(fd: i32) -> Result<OwnedFd, i32> {
    // SAFETY: the caller owns `fd`.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let fd = match rustix::io::fcntl_dupfd_cloexec(&owned, floor()) {
        Ok(high) => high,
        Err(_) => {
            rustix::io::fcntl_setfd(&owned, rustix::io::FdFlags::CLOEXEC)
                .map_err(|e| e.raw_os_error())?;
            owned
        }
    };
    INTERNAL_FDS.set(fd.as_raw_fd(), true);
    Ok(fd)
}

/// Close an internal fd and forget its mark.
pub fn close(fd: OwnedFd) {
    INTERNAL_FDS.set(fd.as_raw_fd(), false);
    drop(fd);
}
