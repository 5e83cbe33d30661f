//! execve() and the exec functions that take or imply an environment (execv, execvp, execvpe,
//! fexecve). Before the process image is replaced:
//! - the engine's owner hands its associations to a keeper process (stack/keeper.rs), so they
//!   go on through the exec as Linux keeps them in the kernel; if the exec fails, the keeper
//!   quits and this process's engine resumes;
//! - when SCTP app fds stay open across the exec (no FD_CLOEXEC) and the new environment lost
//!   LD_PRELOAD (or our library in it), the library is put back, else the new image would read
//!   raw record headers. (A set-uid image ignores LD_PRELOAD whatever we do: ld.so(8).)
//!
//! execl, execlp and execle are variadic, which stable Rust cannot define; glibc builds their
//! argv and calls its internal execve, which no preload sees: with them the owner's
//! associations still end at exec (man/sctpshim.7).
//!
//! A vfork child (CPython's `_posixsubprocess`, posix_spawn) runs in its parent's memory: the
//! hooks leave it alone (its exec cannot end the parent's engine).

use super::hook::{check, hook, HookResult};
use crate::stack::{fdmap, fork, handle, keeper, sys};
use libc::c_char;
use std::ffi::{CStr, CString};

hook! {
    fn execve(path: *const c_char, argv: *const *const c_char, envp: *const *const c_char) -> i32 {
        exec_with(envp, |env| check(unsafe { sys::execve(path, argv, env) }))
    }
}

hook! {
    fn execv(path: *const c_char, argv: *const *const c_char) -> i32 {
        exec_with(unsafe { sys::environ }, |env| check(unsafe { sys::execve(path, argv, env) }))
    }
}

hook! {
    fn execvp(file: *const c_char, argv: *const *const c_char) -> i32 {
        exec_with(unsafe { sys::environ }, |env| check(unsafe { sys::execvpe(file, argv, env) }))
    }
}

hook! {
    fn execvpe(file: *const c_char, argv: *const *const c_char, envp: *const *const c_char) -> i32 {
        exec_with(envp, |env| check(unsafe { sys::execvpe(file, argv, env) }))
    }
}

hook! {
    fn fexecve(fd: i32, argv: *const *const c_char, envp: *const *const c_char) -> i32 {
        exec_with(envp, |env| check(unsafe { sys::fexecve(fd, argv, env) }))
    }
}

/// Run the real exec `real` with environment `envp` (or its copy with our library put back),
/// the engine handed to a keeper first; the real exec only returns on failure.
fn exec_with(
    envp: *const *const c_char,
    real: impl FnOnce(*const *const c_char) -> HookResult<i32>,
) -> HookResult<i32> {
    if !fdmap::ANY_SCTP.load(std::sync::atomic::Ordering::Relaxed) || vfork_child() {
        return real(envp);
    }
    let env = inherits_sctp_fds().then(|| with_preload(envp)).flatten();
    let kept = keeper::hand_over(true);
    let r = real(env.as_ref().map_or(envp, |e| e.ptrs.as_ptr()));
    if let Some(k) = kept {
        k.abort();
    }
    r
}

/// This process runs in another's memory (vfork): its statics are its parent's.
fn vfork_child() -> bool {
    let me = sys::getpid();
    let owner = handle::owner_pid();
    owner != 0 && owner != me && fork::child_pid() != me
}

/// Some SCTP app fd stays open across exec.
fn inherits_sctp_fds() -> bool {
    let mut any = false;
    fdmap::SCTP_FDS.for_each(|fd| {
        // SAFETY: F_GETFD on an fd number; a closed one fails harmlessly.
        let fl = unsafe { libc::syscall(libc::SYS_fcntl, fd, libc::F_GETFD) };
        any |= fl >= 0 && (fl as i32) & libc::FD_CLOEXEC == 0;
    });
    any
}

/// An environment for execve: owned strings and the NULL-terminated pointer array.
struct Env {
    _strings: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

/// `envp` with our library in LD_PRELOAD; None when it is there already (or unknown).
fn with_preload(envp: *const *const c_char) -> Option<Env> {
    let lib = our_library()?;
    let mut entries: Vec<&CStr> = Vec::new();
    let mut i = 0;
    // SAFETY: envp is the NULL-terminated array the caller passes to exec.
    while !envp.is_null() && !unsafe { *envp.add(i) }.is_null() {
        entries.push(unsafe { CStr::from_ptr(*envp.add(i)) });
        i += 1;
    }
    const KEY: &[u8] = b"LD_PRELOAD=";
    let current = entries.iter().find_map(|e| e.to_bytes().strip_prefix(KEY));
    if current.is_some_and(|v| {
        v.split(|&b| b == b' ' || b == b':')
            .any(|p| p == lib.as_bytes())
    }) {
        return None;
    }
    let mut value = KEY.to_vec();
    value.extend_from_slice(lib.as_bytes());
    if let Some(v) = current.filter(|v| !v.is_empty()) {
        value.push(b' ');
        value.extend_from_slice(v);
    }
    let mut strings = vec![CString::new(value).ok()?];
    for e in entries.iter().filter(|e| !e.to_bytes().starts_with(KEY)) {
        strings.push((*e).to_owned());
    }
    let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    Some(Env {
        _strings: strings,
        ptrs,
    })
}

/// The path this library was loaded from.
fn our_library() -> Option<CString> {
    // SAFETY: dladdr fills `info` for an address inside this object.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let here = our_library as *const libc::c_void;
    if unsafe { libc::dladdr(here, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    Some(unsafe { CStr::from_ptr(info.dli_fname) }.to_owned())
}
