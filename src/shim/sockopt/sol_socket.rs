//! SOL_SOCKET on SCTP sockets: identity (SO_TYPE, SO_DOMAIN, SO_PROTOCOL 132, SO_ACCEPTCONN),
//! SO_ERROR, SO_SNDBUF/SO_RCVBUF (the association's buffers, doubled as Linux does), SO_LINGER
//! ({1, 0}: close() aborts). The rest is the app fd's own.

use super::{int_of, int_value, with_sock, Get, Set};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

/// Linux's minimum socket buffers (SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on 64-bit).
const MIN_SNDBUF: u32 = 4608;
const MIN_RCVBUF: u32 = 2304;

pub fn get(fd: i32, s: &Sctp, name: i32) -> HookResult<Get> {
    Ok(match name {
        libc::SO_TYPE => int_value(s.e.ty),
        libc::SO_DOMAIN => int_value(s.e.family),
        libc::SO_PROTOCOL => int_value(libc::IPPROTO_SCTP),
        libc::SO_ACCEPTCONN => {
            let l = s.e.listener
                || with_sock(s, |e, sid| {
                    Ok(e.socks.get(&sid).is_some_and(|x| x.listening))
                })?;
            int_value(l as i32)
        }
        libc::SO_ERROR => int_value(crate::shim::sockerr::take(fd, s)),
        libc::SO_SNDBUF => int_value(with_sock(s, |e, sid| Ok(e.opts(sid)?.sndbuf))? as i32),
        libc::SO_RCVBUF => int_value(with_sock(s, |e, sid| Ok(e.opts(sid)?.rcvbuf))? as i32),
        libc::SO_LINGER => {
            let (on, secs) = with_sock(s, |e, sid| Ok(e.opts(sid)?.linger))?;
            let l = libc::linger {
                l_onoff: on,
                l_linger: secs,
            };
            // SAFETY: linger is two ints.
            Get::Value(
                unsafe { std::slice::from_raw_parts(&l as *const _ as *const u8, 8) }.to_vec(),
            )
        }
        _ => Get::Pass,
    })
}

pub fn set(s: &Sctp, name: i32, v: &[u8]) -> HookResult<Set> {
    Ok(match name {
        libc::SO_SNDBUF | libc::SO_RCVBUF => {
            let n = int_of(v)?.max(0) as u32;
            let snd = name == libc::SO_SNDBUF;
            with_sock(s, move |e, sid| {
                let o = e.opts_mut(sid)?;
                if snd {
                    o.sndbuf = n.saturating_mul(2).max(MIN_SNDBUF);
                } else {
                    o.rcvbuf = n.saturating_mul(2).max(MIN_RCVBUF);
                }
                e.apply_opts(sid);
                Ok(())
            })?;
            Set::Done
        }
        libc::SO_LINGER => {
            if v.len() < 8 {
                return Err(libc::EINVAL);
            }
            let (on, secs) = (int_of(v)?, int_of(&v[4..])?);
            with_sock(s, move |e, sid| {
                e.opts_mut(sid)?.linger = (on, secs);
                Ok(())
            })?;
            Set::Done
        }
        _ => Set::Pass,
    })
}
