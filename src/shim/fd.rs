//! Which fds the hooks act on, and safe copies of the caller's memory.

use crate::shim::hook::HookResult;
use crate::shim::sockaddr::{format_sockaddr, AddrPolicy};
use crate::stack::registry::{self, Entry, FileKey};
use crate::stack::{fdmap, sys};
use std::net::SocketAddr;

/// An SCTP socket served by this process's engine.
pub struct Sctp {
    pub key: FileKey,
    pub e: Entry,
}

impl Sctp {
    pub fn one_to_one(&self) -> bool {
        self.e.ty == libc::SOCK_STREAM
    }

    /// How the socket takes and reports addresses.
    pub fn policy(&self) -> AddrPolicy {
        if self.e.family == libc::AF_INET6 {
            AddrPolicy {
                v6only: self.e.v6only,
                v4mapped: !self.e.unmapped,
                ..AddrPolicy::INET6
            }
        } else {
            AddrPolicy::INET
        }
    }
}

/// The SCTP socket behind `fd` when this process serves it; None passes the call through (a
/// foreign fd, or a socket inherited from the parent whose engine serves it).
pub fn sctp(fd: i32) -> Option<Sctp> {
    if !fdmap::is_sctp(fd) {
        return None;
    }
    let (key, e) = registry::lookup(fd)?;
    (e.owner == sys::getpid()).then_some(Sctp { key, e })
}

/// An SCTP socket this process inherited by fork from the process whose engine serves it:
/// read-only queries answer from the fork snapshot (`stack::fork::with_snapshot`), changes are
/// EOPNOTSUPP ([`refuse_inherited`]).
pub fn inherited(fd: i32) -> Option<Sctp> {
    if !fdmap::is_sctp(fd) {
        return None;
    }
    let (key, e) = registry::lookup(fd)?;
    (e.owner != sys::getpid()).then_some(Sctp { key, e })
}

/// A call that would change socket `fd`: EOPNOTSUPP on an inherited socket (its engine is in
/// another process), else `real` (the pass-through of a foreign fd).
pub fn refuse_inherited<T>(fd: i32, real: impl FnOnce() -> HookResult<T>) -> HookResult<T> {
    if inherited(fd).is_some() {
        return Err(libc::EOPNOTSUPP);
    }
    real()
}

/// Copy `len` bytes from the caller (EFAULT on a bad pointer, as the kernel reports it).
pub fn copy_in(ptr: *const u8, len: usize) -> Result<Vec<u8>, i32> {
    copy_in_iov(&[libc::iovec {
        iov_base: ptr as *mut libc::c_void,
        iov_len: len,
    }])
}

/// Copy the caller's buffers `user` into one, in order (EFAULT on a bad pointer). One
/// `process_vm_readv` per 1024 buffers, straight into the result (not zeroed first).
pub fn copy_in_iov(user: &[libc::iovec]) -> Result<Vec<u8>, i32> {
    let total = user
        .iter()
        .try_fold(0usize, |t, v| t.checked_add(v.iov_len))
        .ok_or(libc::EINVAL)?;
    let mut v: Vec<u8> = Vec::with_capacity(total);
    let mut done = 0;
    for part in user.chunks(1024) {
        let want: usize = part.iter().map(|v| v.iov_len).sum();
        if want == 0 {
            continue;
        }
        let local = libc::iovec {
            // SAFETY: `done + want <= total`, the capacity.
            iov_base: unsafe { v.as_mut_ptr().add(done) }.cast(),
            iov_len: want,
        };
        // SAFETY: process_vm_readv on ourselves validates the caller's pointers in the
        // kernel and writes only into our spare capacity.
        let n = unsafe {
            libc::syscall(
                libc::SYS_process_vm_readv,
                sys::getpid(),
                &local,
                1 as libc::c_ulong,
                part.as_ptr(),
                part.len() as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
        if n != want as libc::c_long {
            return Err(libc::EFAULT);
        }
        done += want;
    }
    // SAFETY: the kernel wrote the first `done` (= total) bytes.
    unsafe { v.set_len(done) };
    Ok(v)
}

/// Copy `data` to the caller (EFAULT on a bad pointer).
pub fn copy_out(ptr: *mut u8, data: &[u8]) -> Result<(), i32> {
    if data.is_empty() {
        return Ok(());
    }
    let local = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    let remote = libc::iovec {
        iov_base: ptr.cast(),
        iov_len: data.len(),
    };
    // SAFETY: as above, for writing.
    let n = unsafe {
        libc::syscall(
            libc::SYS_process_vm_writev,
            sys::getpid(),
            &local,
            1 as libc::c_ulong,
            &remote,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    if n != data.len() as libc::c_long {
        return Err(libc::EFAULT);
    }
    Ok(())
}

/// Read a `socklen_t` the caller points at.
pub fn read_len(len: *const libc::socklen_t) -> Result<usize, i32> {
    let b = copy_in(len.cast(), std::mem::size_of::<libc::socklen_t>())?;
    Ok(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// Store an address the way getsockname/accept/recvfrom do: at most `*len` bytes, then `*len`
/// set to the full size. Null pointers store nothing.
pub fn put_sockaddr(
    addr: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
    a: &SocketAddr,
    p: AddrPolicy,
) -> Result<(), i32> {
    if addr.is_null() || len.is_null() {
        return Ok(());
    }
    let raw = format_sockaddr(a, p);
    let room = read_len(len)?;
    let bytes = raw.as_bytes();
    copy_out(addr.cast(), &bytes[..bytes.len().min(room)])?;
    copy_out(len.cast(), &(bytes.len() as libc::socklen_t).to_ne_bytes())
}

/// Whether the open file behind `fd` is non-blocking.
pub fn nonblocking(fd: i32) -> bool {
    // SAFETY: F_GETFL on any fd.
    let fl = unsafe { libc::syscall(libc::SYS_fcntl, fd, libc::F_GETFL) };
    fl >= 0 && (fl as i32) & libc::O_NONBLOCK != 0
}

/// Whether `fd` is readable now (poll without waiting).
pub fn readable_now(fd: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd on the stack, no timeout.
    unsafe { libc::syscall(libc::SYS_poll, &mut p as *mut libc::pollfd, 1, 0) == 1 }
}

/// Make fd number `fd` refer to the open file of `from` (dup3), keeping `fd`'s FD_CLOEXEC:
/// the app's fd becomes another kind of socket in place (listen, a connect after a failed
/// setup). An epoll registration or a dup of the old fd still refers to the old file.
pub fn replace_fd(from: i32, fd: i32) -> HookResult<()> {
    // SAFETY: F_GETFD and dup3 on fds the caller holds; `fd` is the app's, replaced on purpose.
    let cloexec =
        unsafe { libc::syscall(libc::SYS_fcntl, fd, libc::F_GETFD) } as i32 & libc::FD_CLOEXEC;
    let flags = if cloexec != 0 { libc::O_CLOEXEC } else { 0 };
    if unsafe { libc::syscall(libc::SYS_dup3, from, fd, flags) } < 0 {
        return Err(sys::errno());
    }
    Ok(())
}
