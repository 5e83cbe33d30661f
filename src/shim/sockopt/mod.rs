//! getsockopt()/setsockopt() on SCTP sockets, one file per level: [`sol_socket`] (identity,
//! buffers, linger), [`ip`] (IPPROTO_IP/IPV6 options an AF_UNIX fd would refuse), [`sol_sctp`]
//! (a table of SOL_SCTP options, easy to extend) with one more table per family of options
//! in [`EXTRA_TABLES`]. Options a level does not emulate pass through to the app's own fd
//! (SO_RCVTIMEO, SO_SNDTIMEO, SO_REUSEADDR, SO_KEEPALIVE...), so timeouts are the kernel's.
//!
//! Length rules are Linux's (`net/sctp/socket.c`): [`struct_of`] for "at least the struct",
//! [`exact_struct`] for "exactly the struct", [`int_out`] for int answers; association ids
//! follow `sctp_id2assoc` and the FUTURE / CURRENT / ALL forms through the engine's
//! `opt_assoc`, `opt_need_assoc` and `opt_set_target` (`stack/opt_state.rs`). sctpshim(7)
//! has the option matrix.

mod actions;
mod ip;
mod sctp_assoc;
mod sctp_auth;
mod sctp_features;
mod sctp_flags;
mod sctp_paddr;
mod sctp_paths;
mod sctp_pd;
mod sctp_pr;
mod sctp_reconf;
mod sctp_sched;
mod sctp_send_defaults;
mod sctp_stats;
mod sol_sctp;
mod sol_socket;

use super::fd::{copy_in, copy_out, inherited, read_len, refuse_inherited, sctp, Sctp};
use super::hook::{check, hook, HookResult};
use crate::stack::sys;

pub use sol_sctp::Row;

/// SOL_SCTP option tables beyond [`sol_sctp`]'s, one file per family.
const EXTRA_TABLES: &[&[Row]] = &[
    sctp_paths::TABLE,
    sctp_flags::TABLE,
    sctp_assoc::TABLE,
    sctp_paddr::TABLE,
    sctp_auth::TABLE,
    sctp_send_defaults::TABLE,
    sctp_sched::TABLE,
    sctp_pr::TABLE,
    sctp_stats::TABLE,
    sctp_features::TABLE,
    sctp_reconf::TABLE,
    sctp_pd::TABLE,
];

/// What a level did with a get.
pub enum Get {
    /// Not emulated: the real call on the app's fd answers.
    Pass,
    /// The option's value; the hook copies at most the caller's length and stores the length.
    Value(Vec<u8>),
}

/// What a level did with a set.
pub enum Set {
    Pass,
    Done,
}

/// An `int` option value (Linux takes at least 4 bytes, EINVAL below).
pub fn int_of(val: &[u8]) -> HookResult<i32> {
    let b: [u8; 4] = val
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(libc::EINVAL)?;
    Ok(i32::from_ne_bytes(b))
}

/// The option struct at the start of `v`; EINVAL when shorter (Linux `len < sizeof`).
pub fn struct_of<T: crate::abi::Pod>(v: &[u8]) -> HookResult<T> {
    T::read_from(v).ok_or(libc::EINVAL)
}

/// The option struct, which must be exactly `v` (Linux `optlen != sizeof`: EINVAL).
pub fn exact_struct<T: crate::abi::Pod>(v: &[u8]) -> HookResult<T> {
    if v.len() != std::mem::size_of::<T>() {
        return Err(libc::EINVAL);
    }
    struct_of(v)
}

/// An `int` answer; a caller's buffer (`room`) shorter than an int is EINVAL, as in Linux.
pub fn int_out(v: u32, room: &[u8]) -> HookResult<Vec<u8>> {
    if room.len() < 4 {
        return Err(libc::EINVAL);
    }
    Ok(v.to_ne_bytes().to_vec())
}

pub fn int_value(v: i32) -> Get {
    Get::Value(v.to_ne_bytes().to_vec())
}

/// SCTPSHIM_WITHSCTP: TCP_NODELAY on a socket made SCTP is SCTP_NODELAY, as withsctp maps
/// it (other TCP options are ENOPROTOOPT, as on any SCTP socket).
fn tcp_as_sctp(level: i32, name: i32) -> (i32, i32) {
    if level == libc::IPPROTO_TCP && name == libc::TCP_NODELAY && crate::stack::handle::with_sctp()
    {
        (crate::abi::SOL_SCTP, crate::abi::SCTP_NODELAY)
    } else {
        (level, name)
    }
}

hook! {
    fn getsockopt(fd: i32, level: i32, name: i32, val: *mut libc::c_void, len: *mut libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd).or_else(|| inherited(fd)) else { return check(unsafe { sys::getsockopt(fd, level, name, val, len) }) };
        let (level, name) = tcp_as_sctp(level, name);
        if level == crate::abi::SOL_SCTP {
            if let Some(r) = actions::get(fd, &s, name, val.cast(), len) {
                if inherited(fd).is_some() {
                    return Err(libc::EOPNOTSUPP);
                }
                return r;
            }
        }
        let room = read_len(len)?;
        // Some options take input in the caller's buffer (an association id, an address).
        let input = copy_in(val.cast(), room)?;
        let got = match level {
            libc::SOL_SOCKET => sol_socket::get(fd, &s, name)?,
            libc::IPPROTO_IP | libc::IPPROTO_IPV6 => ip::get(&s, level, name)?,
            crate::abi::SOL_SCTP => sol_sctp::get(fd, &s, name, &input)?,
            // Other levels reach Linux's IP layer, which knows none of them.
            _ => return Err(libc::ENOPROTOOPT),
        };
        match got {
            Get::Pass => check(unsafe { sys::getsockopt(fd, level, name, val, len) }),
            Get::Value(v) => {
                let n = v.len().min(room);
                copy_out(val.cast(), &v[..n])?;
                copy_out(len.cast(), &(n as libc::socklen_t).to_ne_bytes())?;
                Ok(0)
            }
        }
    }
}

hook! {
    fn setsockopt(fd: i32, level: i32, name: i32, val: *const libc::c_void, len: libc::socklen_t) -> i32 {
        let Some(s) = sctp(fd) else { return refuse_inherited(fd, || check(unsafe { sys::setsockopt(fd, level, name, val, len) })) };
        let (level, name) = tcp_as_sctp(level, name);
        let v = copy_in(val.cast(), len as usize)?;
        if level == crate::abi::SOL_SCTP {
            if let Some(r) = actions::set(fd, &s, name, &v) {
                return r;
            }
        }
        let done = match level {
            libc::SOL_SOCKET => sol_socket::set(&s, name, &v)?,
            libc::IPPROTO_IP | libc::IPPROTO_IPV6 => ip::set(&s, level, name, &v)?,
            crate::abi::SOL_SCTP => sol_sctp::set(fd, &s, name, &v)?,
            _ => return Err(libc::ENOPROTOOPT),
        };
        match done {
            Set::Pass => check(unsafe { sys::setsockopt(fd, level, name, val, len) }),
            Set::Done => Ok(0),
        }
    }
}

/// Run `f` on the socket's engine state (a fork child's inherited socket: on its snapshot).
pub fn with_sock<R: Send + 'static>(
    s: &Sctp,
    f: impl FnOnce(&mut crate::stack::engine::Engine, crate::stack::registry::Sid) -> HookResult<R>
        + Send
        + 'static,
) -> HookResult<R> {
    let sid = s.e.sid;
    if s.e.owner != crate::stack::sys::getpid() {
        // Inherited by fork: the engine as it stood at fork.
        return crate::stack::fork::with_snapshot(s.e.owner, |e| f(e, sid))?;
    }
    crate::stack::handle::call(move |e| f(e, sid))?
}
