//! IPPROTO_IP / IPPROTO_IPV6 options on SCTP sockets. The app's fd is AF_UNIX and would refuse
//! them (iperf3 and socat set IPV6_V6ONLY on listeners): IPV6_V6ONLY is kept (it decides which
//! addresses the socket takes); the others are accepted and read back as 0, since UDP
//! encapsulation leaves them to the engine's UDP sockets.

use super::{int_of, int_value, with_sock, Get, Set};
use crate::shim::fd::Sctp;
use crate::shim::hook::HookResult;

pub fn get(s: &Sctp, level: i32, name: i32) -> HookResult<Get> {
    if level == libc::IPPROTO_IPV6 && s.e.family != libc::AF_INET6 {
        return Err(libc::ENOPROTOOPT);
    }
    if level == libc::IPPROTO_IPV6 && name == libc::IPV6_V6ONLY {
        return Ok(int_value(
            with_sock(s, |e, sid| Ok(e.opts(sid)?.v6only))? as i32
        ));
    }
    Ok(int_value(0))
}

pub fn set(s: &Sctp, level: i32, name: i32, v: &[u8]) -> HookResult<Set> {
    if level == libc::IPPROTO_IPV6 && s.e.family != libc::AF_INET6 {
        return Err(libc::ENOPROTOOPT);
    }
    if level == libc::IPPROTO_IPV6 && name == libc::IPV6_V6ONLY {
        let on = int_of(v)? != 0;
        with_sock(s, move |e, sid| {
            e.opts_mut(sid)?.v6only = on;
            Ok(())
        })?;
        crate::stack::registry::update(s.key, |e| e.v6only = on);
    }
    Ok(Set::Done)
}
