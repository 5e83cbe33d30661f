//! Abstract AF_UNIX names of our sockets: `"\0sctpshim:<magic>:<pid>:<sid>"`.
//!
//! A one-to-one listener's app fd is bound to its socket's name; the engine's end of an accepted
//! association is bound to the new socket's name, so the accept hook learns the socket id from
//! getpeername(). The magic and pid keep names of different processes apart.

use super::registry::Sid;

const PREFIX: &str = "sctpshim:";

/// The name (without the leading NUL) of socket `sid` of process `pid`.
pub fn name(magic: u64, pid: i32, sid: Sid) -> String {
    use std::fmt::Write;
    // One allocation of the final size: `format!` grows its buffer through small sizes whose
    // freed chunks the app thread's malloc hands back to the program (C code reading
    // uninitialized malloc(16) memory, as test_1_to_1_connectx does, then sees our bytes).
    let mut s = String::with_capacity(NAME_CAPACITY);
    let _ = write!(s, "{PREFIX}{magic:016x}:{pid}:{sid}");
    s
}

/// Room for the longest name (prefix, 16 hex digits, two separators, i32 and u32, "L").
const NAME_CAPACITY: usize = 64;

/// The name of socket `sid`'s app listener (one-to-one listen()): distinct from the name of
/// the socket's engine end, which may still be bound while the listener is set up.
pub fn listener(magic: u64, pid: i32, sid: Sid) -> String {
    let mut s = name(magic, pid, sid);
    s.push('L');
    s
}

/// A `sockaddr_un` for the abstract name and its length.
pub fn sockaddr(name: &str) -> (libc::sockaddr_un, libc::socklen_t) {
    // SAFETY: all-zero sockaddr_un is valid.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let n = name.len().min(sun.sun_path.len() - 1);
    for (d, s) in sun.sun_path[1..=n].iter_mut().zip(name.as_bytes()) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + 1 + n;
    (sun, len as libc::socklen_t)
}

/// The magic in an abstract name of ours, whatever process made it.
pub fn magic_of(sun: &libc::sockaddr_un, len: libc::socklen_t) -> Option<u64> {
    let text = text_of(sun, len)?;
    let hex = text.strip_prefix(PREFIX)?.get(..16)?;
    u64::from_str_radix(hex, 16).ok()
}

fn text_of(sun: &libc::sockaddr_un, len: libc::socklen_t) -> Option<String> {
    let path_len = (len as usize).checked_sub(std::mem::size_of::<libc::sa_family_t>())?;
    if sun.sun_family as i32 != libc::AF_UNIX || path_len < 2 || sun.sun_path[0] != 0 {
        return None;
    }
    let end = path_len.min(sun.sun_path.len());
    let bytes: Vec<u8> = sun.sun_path[1..end].iter().map(|&c| c as u8).collect();
    String::from_utf8(bytes).ok()
}

/// The socket id in an abstract name of this process, if it is one of ours.
pub fn parse(magic: u64, pid: i32, sun: &libc::sockaddr_un, len: libc::socklen_t) -> Option<Sid> {
    let text = text_of(sun, len)?;
    let want = name(magic, pid, 0);
    let stem = &want[..want.len() - 1];
    text.strip_prefix(stem)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_foreign_names() {
        let (sun, len) = sockaddr(&name(0xabc, 42, 7));
        assert_eq!(parse(0xabc, 42, &sun, len), Some(7));
        assert_eq!(magic_of(&sun, len), Some(0xabc));
        assert_eq!(parse(0xabd, 42, &sun, len), None);
        assert_eq!(parse(0xabc, 43, &sun, len), None);
        let (sun, len) = sockaddr(&listener(0xabc, 42, 7));
        assert_eq!(parse(0xabc, 42, &sun, len), None);
        assert_eq!(magic_of(&sun, len), Some(0xabc));
        let (sun, len) = sockaddr("other:thing");
        assert_eq!(parse(0xabc, 42, &sun, len), None);
    }
}
