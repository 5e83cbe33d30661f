//! Which open files are SCTP sockets, keyed by (st_dev, st_ino) so that dup, dup2, fcntl(F_DUPFD),
//! fork and SCM_RIGHTS copies of an app fd all find the same socket.

use super::lock::Mutex;
use super::sys;
use rustc_hash::FxHashMap;

/// Engine-side socket id (unique per process, never reused).
pub type Sid = u32;

/// One SCTP socket as the hooks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub sid: Sid,
    /// The process whose engine serves this socket: in a fork child, control calls on
    /// inherited sockets pass through to the kernel (reference/interposer.md section 5).
    pub owner: i32,
    /// SOCK_STREAM (one-to-one) or SOCK_SEQPACKET (one-to-many).
    pub ty: i32,
    /// AF_INET or AF_INET6.
    pub family: i32,
    /// A one-to-one listener: its app fd is an AF_UNIX listener the engine holds no end of.
    pub listener: bool,
    /// Which receive cmsgs recvmsg builds: [`RECV_SNDRCV`], [`RECV_RCVINFO`], [`RECV_NXTINFO`].
    pub recv: u8,
    /// SO_ERROR left by a socket the engine has freed (its association failed).
    pub error: i32,
    /// IPV6_V6ONLY (AF_INET6 sockets): IPv4 and IPv4-mapped addresses are refused.
    pub v6only: bool,
    /// SCTP_I_WANT_MAPPED_V4_ADDR turned off: an AF_INET6 socket reports IPv4 addresses as
    /// `sockaddr_in`.
    pub unmapped: bool,
}

/// SCTP_SNDRCV (`sctp_data_io_event` subscribed).
pub const RECV_SNDRCV: u8 = 1;
/// SCTP_RCVINFO (SCTP_RECVRCVINFO on).
pub const RECV_RCVINFO: u8 = 2;
/// SCTP_NXTINFO (SCTP_RECVNXTINFO on).
pub const RECV_NXTINFO: u8 = 4;

/// Key of an open file.
pub type FileKey = (u64, u64);

static NEXT_SID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// A new socket id.
pub fn next_sid() -> Sid {
    NEXT_SID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

static MAP: Mutex<Option<FxHashMap<FileKey, Entry>>> = Mutex::new(None);

/// The open file behind `fd`, or the errno of fstat (EBADF).
pub fn file_key(fd: i32) -> Result<FileKey, i32> {
    // SAFETY: fstat on any fd number is safe; `st` is written by the kernel.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::syscall(libc::SYS_fstat, fd, &mut st as *mut libc::stat) };
    if r < 0 {
        return Err(sys::errno());
    }
    Ok((st.st_dev, st.st_ino))
}

pub fn insert(key: FileKey, e: Entry) {
    MAP.lock()
        .get_or_insert_with(Default::default)
        .insert(key, e);
}

pub fn remove(key: FileKey) {
    if let Some(m) = MAP.lock().as_mut() {
        m.remove(&key);
    }
}

/// Change the entry of open file `key`, if it is one.
pub fn update(key: FileKey, f: impl FnOnce(&mut Entry)) {
    if let Some(e) = MAP.lock().as_mut().and_then(|m| m.get_mut(&key)) {
        f(e);
    }
}

pub fn get(key: FileKey) -> Option<Entry> {
    MAP.lock().as_ref().and_then(|m| m.get(&key).copied())
}

/// The SCTP socket behind `fd`, if it is one.
pub fn lookup(fd: i32) -> Option<(FileKey, Entry)> {
    let key = file_key(fd).ok()?;
    get(key).map(|e| (key, e))
}

/// After fork, in the child: the parent may have held the lock.
///
/// # Safety
/// Only from a pthread_atfork child handler (one thread, nothing else running).
pub unsafe fn reset_lock_after_fork() {
    if MAP.is_locked() {
        MAP.force_unlock();
    }
}
