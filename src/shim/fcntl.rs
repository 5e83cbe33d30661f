//! fcntl()/fcntl64(): pass through (O_NONBLOCK and FD_CLOEXEC are the app fd's own); F_DUPFD
//! copies keep the fd hint, and the engine's fds are not there for the app. The third argument
//! is read as one integer register, which covers every command glibc passes through here on
//! x86-64 and aarch64 (pointers included).

use super::hook::{check, hook, HookResult};
use crate::stack::fdmap::{self, SCTP_FDS};

fn after(fd: i32, cmd: i32, r: i32) -> HookResult<i32> {
    let r = check(r)?;
    if cmd == libc::F_DUPFD || cmd == libc::F_DUPFD_CLOEXEC {
        SCTP_FDS.set(r, fdmap::is_sctp(fd));
    }
    Ok(r)
}

hook! {
    fn fcntl(fd: i32, cmd: i32, arg: usize) -> i32 {
        if fdmap::is_internal(fd) {
            return Err(libc::EBADF);
        }
        after(fd, cmd, unsafe { crate::stack::sys::fcntl(fd, cmd, arg) })
    }
}

hook! {
    fn fcntl64(fd: i32, cmd: i32, arg: usize) -> i32 {
        if fdmap::is_internal(fd) {
            return Err(libc::EBADF);
        }
        after(fd, cmd, unsafe { crate::stack::sys::fcntl64(fd, cmd, arg) })
    }
}
