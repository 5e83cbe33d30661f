//! The real libc entry points behind our hooks.
//!
//! Every symbol the shim exports is resolved here with `dlsym(RTLD_NEXT)` into an atomic, in an
//! `.init_array` constructor and lazily on first use (a hook can run before any constructor, e.g.
//! from another library's constructor). While the table is being resolved on this thread (dlsym
//! may allocate, and an allocator may read or open files), and for symbols this libc lacks, each
//! function falls back to the raw system call, so code here never calls back into our own hooks.
//! Nothing below `shim/` calls an interposed symbol: internal I/O uses rustix or these functions.

use libc::{
    c_char, c_int, c_uint, c_void, iovec, msghdr, off64_t, size_t, sockaddr, socklen_t, ssize_t,
};
use std::cell::Cell;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// Resolution state of the whole table.
const UNRESOLVED: u8 = 0;
const RESOLVING: u8 = 1;
const RESOLVED: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(UNRESOLVED);

/// A slot value of 0 means "not resolved (yet)", 1 means "this libc has no such symbol".
const ABSENT: usize = 1;

thread_local! {
    /// Set while this thread runs dlsym, so that re-entrant calls take the syscall fallback.
    static IN_DLSYM: Cell<bool> = const { Cell::new(false) };
}

/// Resolve every symbol now (idempotent). Threads racing here either resolve or fall back.
pub fn resolve_all() {
    if STATE
        .compare_exchange(UNRESOLVED, RESOLVING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return;
    }
    IN_DLSYM.with(|f| f.set(true));
    for (slot, name) in TABLE.iter() {
        // SAFETY: `name` is a NUL-terminated literal; RTLD_NEXT is valid in a shared object.
        let p = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) } as usize;
        slot.store(if p == 0 { ABSENT } else { p }, Ordering::Release);
    }
    IN_DLSYM.with(|f| f.set(false));
    STATE.store(RESOLVED, Ordering::Release);
}

#[used]
#[link_section = ".init_array"]
static CONSTRUCTOR: extern "C" fn() = {
    extern "C" fn init() {
        resolve_all();
    }
    init
};

/// The resolved address of one slot, or None to take the fallback.
#[inline]
fn lookup(slot: &AtomicUsize) -> Option<usize> {
    let p = slot.load(Ordering::Acquire);
    if p > ABSENT {
        return Some(p);
    }
    if p == 0 && !IN_DLSYM.with(|f| f.get()) && STATE.load(Ordering::Acquire) == UNRESOLVED {
        resolve_all();
        let p = slot.load(Ordering::Acquire);
        if p > ABSENT {
            return Some(p);
        }
    }
    None
}

macro_rules! real_fns {
    ($( fn $name:ident($($arg:ident: $t:ty),*) -> $ret:ty = $fallback:expr; )*) => {
        #[allow(non_upper_case_globals)]
        mod slots {
            use std::sync::atomic::AtomicUsize;
            $( pub static $name: AtomicUsize = AtomicUsize::new(0); )*
        }
        static TABLE: &[(&AtomicUsize, &std::ffi::CStr)] = &[
            $( (&slots::$name, {
                const N: &str = concat!(stringify!($name), "\0");
                match std::ffi::CStr::from_bytes_with_nul(N.as_bytes()) {
                    Ok(c) => c,
                    Err(_) => panic!("symbol name"),
                }
            }), )*
        ];
        $(
            /// The real libc function of the same name (raw syscall while unresolved).
            ///
            /// # Safety
            /// Same contract as the libc function.
            #[inline]
            pub unsafe fn $name($($arg: $t),*) -> $ret {
                match lookup(&slots::$name) {
                    Some(p) => {
                        let f: unsafe extern "C" fn($($t),*) -> $ret = std::mem::transmute(p);
                        f($($arg),*)
                    }
                    None => $fallback,
                }
            }
        )*
    };
}

/// `syscall()` returns c_long; narrow it to the libc function's return type.
macro_rules! sc {
    ($ty:ty; $($a:expr),+) => {
        libc::syscall($($a as libc::c_long),+) as $ty
    };
}

real_fns! {
    fn socket(domain: c_int, ty: c_int, proto: c_int) -> c_int = sc!(c_int; libc::SYS_socket, domain, ty, proto);
    fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int = sc!(c_int; libc::SYS_bind, fd, addr, len);
    fn listen(fd: c_int, backlog: c_int) -> c_int = sc!(c_int; libc::SYS_listen, fd, backlog);
    fn accept(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int =
        sc!(c_int; libc::SYS_accept4, fd, addr, len, 0);
    fn accept4(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t, flags: c_int) -> c_int =
        sc!(c_int; libc::SYS_accept4, fd, addr, len, flags);
    fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int = sc!(c_int; libc::SYS_connect, fd, addr, len);
    fn shutdown(fd: c_int, how: c_int) -> c_int = sc!(c_int; libc::SYS_shutdown, fd, how);
    fn close(fd: c_int) -> c_int = sc!(c_int; libc::SYS_close, fd);
    fn close_range(first: c_uint, last: c_uint, flags: c_int) -> c_int =
        sc!(c_int; libc::SYS_close_range, first, last, flags);
    fn dup(fd: c_int) -> c_int = sc!(c_int; libc::SYS_dup, fd);
    fn dup2(old: c_int, new: c_int) -> c_int = sc!(c_int; libc::SYS_dup3, old, new, 0);
    fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int = sc!(c_int; libc::SYS_dup3, old, new, flags);
    fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int =
        sc!(c_int; libc::SYS_getsockname, fd, addr, len);
    fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int =
        sc!(c_int; libc::SYS_getpeername, fd, addr, len);
    fn getsockopt(fd: c_int, level: c_int, name: c_int, val: *mut c_void, len: *mut socklen_t) -> c_int =
        sc!(c_int; libc::SYS_getsockopt, fd, level, name, val, len);
    fn setsockopt(fd: c_int, level: c_int, name: c_int, val: *const c_void, len: socklen_t) -> c_int =
        sc!(c_int; libc::SYS_setsockopt, fd, level, name, val, len);
    fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t =
        sc!(ssize_t; libc::SYS_sendto, fd, buf, len, flags, 0, 0);
    fn sendto(fd: c_int, buf: *const c_void, len: size_t, flags: c_int, addr: *const sockaddr, alen: socklen_t) -> ssize_t =
        sc!(ssize_t; libc::SYS_sendto, fd, buf, len, flags, addr, alen);
    fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t = sc!(ssize_t; libc::SYS_sendmsg, fd, msg, flags);
    fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t =
        sc!(ssize_t; libc::SYS_recvfrom, fd, buf, len, flags, 0, 0);
    fn recvfrom(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int, addr: *mut sockaddr, alen: *mut socklen_t) -> ssize_t =
        sc!(ssize_t; libc::SYS_recvfrom, fd, buf, len, flags, addr, alen);
    fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t = sc!(ssize_t; libc::SYS_recvmsg, fd, msg, flags);
    fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t = sc!(ssize_t; libc::SYS_read, fd, buf, len);
    fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t = sc!(ssize_t; libc::SYS_write, fd, buf, len);
    fn readv(fd: c_int, iov: *const iovec, n: c_int) -> ssize_t = sc!(ssize_t; libc::SYS_readv, fd, iov, n);
    fn writev(fd: c_int, iov: *const iovec, n: c_int) -> ssize_t = sc!(ssize_t; libc::SYS_writev, fd, iov, n);
    fn __read_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t) -> ssize_t =
        chk(len, buflen, || sc!(ssize_t; libc::SYS_read, fd, buf, len));
    fn __recv_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t, flags: c_int) -> ssize_t =
        chk(len, buflen, || sc!(ssize_t; libc::SYS_recvfrom, fd, buf, len, flags, 0, 0));
    fn __recvfrom_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t, flags: c_int, addr: *mut sockaddr, alen: *mut socklen_t) -> ssize_t =
        chk(len, buflen, || sc!(ssize_t; libc::SYS_recvfrom, fd, buf, len, flags, addr, alen));
    fn fcntl(fd: c_int, cmd: c_int, arg: usize) -> c_int = sc!(c_int; libc::SYS_fcntl, fd, cmd, arg);
    fn fcntl64(fd: c_int, cmd: c_int, arg: usize) -> c_int = sc!(c_int; libc::SYS_fcntl, fd, cmd, arg);
    fn ioctl(fd: c_int, req: libc::c_ulong, arg: usize) -> c_int = sc!(c_int; libc::SYS_ioctl, fd, req, arg);
    fn sendfile(out: c_int, inp: c_int, off: *mut libc::off_t, count: size_t) -> ssize_t =
        sc!(ssize_t; libc::SYS_sendfile, out, inp, off, count);
    fn sendfile64(out: c_int, inp: c_int, off: *mut off64_t, count: size_t) -> ssize_t =
        sc!(ssize_t; libc::SYS_sendfile, out, inp, off, count);
    fn execve(path: *const c_char, argv: *const *const c_char, envp: *const *const c_char) -> c_int =
        sc!(c_int; libc::SYS_execve, path, argv, envp);
    fn execv(path: *const c_char, argv: *const *const c_char) -> c_int =
        sc!(c_int; libc::SYS_execve, path, argv, environ);
    // Fallbacks without the PATH search (only while the table is being resolved).
    fn execvp(file: *const c_char, argv: *const *const c_char) -> c_int =
        sc!(c_int; libc::SYS_execve, file, argv, environ);
    fn execvpe(file: *const c_char, argv: *const *const c_char, envp: *const *const c_char) -> c_int =
        sc!(c_int; libc::SYS_execve, file, argv, envp);
    fn fexecve(fd: c_int, argv: *const *const c_char, envp: *const *const c_char) -> c_int =
        sc!(c_int; libc::SYS_execveat, fd, c"".as_ptr(), argv, envp, libc::AT_EMPTY_PATH);
}

extern "C" {
    /// The process environment (execv, execvp).
    pub static environ: *const *const c_char;
}

/// The `__*_chk` contract: abort when the caller's length exceeds its buffer (glibc `__chk_fail`).
fn chk(len: size_t, buflen: size_t, f: impl FnOnce() -> ssize_t) -> ssize_t {
    if len > buflen {
        std::process::abort();
    }
    f()
}

/// The calling thread's errno.
pub fn errno() -> c_int {
    // SAFETY: __errno_location always returns this thread's errno slot.
    unsafe { *libc::__errno_location() }
}

/// Set the calling thread's errno.
pub fn set_errno(e: c_int) {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = e }
}

thread_local! {
    /// This thread's pid, kept while it runs one hook call (0: not asked yet; -1: outside a
    /// hook, where nothing is kept).
    static HOOK_PID: Cell<i32> = const { Cell::new(-1) };
}

/// getpid, asked of the kernel once per hook call: the owner checks of one call ask several
/// times. Nothing is kept across calls, so a vfork child (which shares this thread's memory
/// with its parent) never sees its parent's pid: vfork is never called from inside a hook, and
/// a fork from inside one (the keeper) forgets it in the child ([`forget_pid`]).
pub fn getpid() -> i32 {
    let kept = HOOK_PID.with(Cell::get);
    if kept > 0 {
        return kept;
    }
    let pid = rustix::process::getpid().as_raw_nonzero().get();
    if kept == 0 {
        HOOK_PID.with(|c| c.set(pid));
    }
    pid
}

/// A hook call begins (`true`: [`getpid`] may keep the pid) or ends on this thread.
#[inline]
pub fn hook_call(begins: bool) {
    HOOK_PID.with(|c| c.set(if begins { 0 } else { -1 }));
}

/// In a fork child (pthread_atfork): a pid kept by the hook call that forked is the parent's.
pub fn forget_pid() {
    HOOK_PID.with(|c| {
        if c.get() > 0 {
            c.set(0);
        }
    });
}
