//! Logging: `SCTPSHIM_LOG` is a tracing-subscriber EnvFilter; lines go to stderr or
//! `SCTPSHIM_LOG_FILE` through raw writes on a saved, high, close-on-exec fd, never through
//! the hooked `write` (reference/interposer.md section 4).

use super::config::Config;
use super::fdmap::INTERNAL_FDS;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd};
use std::sync::atomic::{AtomicI32, Ordering};

static LOG_FD: AtomicI32 = AtomicI32::new(-1);

/// Is `fd` the log's fd (kept open in fork children, which log through it too)?
pub fn is_log_fd(fd: i32) -> bool {
    LOG_FD.load(Ordering::Relaxed) == fd
}

/// Write one line to stderr with a raw system call (configuration errors, before logging).
pub fn stderr_line(msg: &str) {
    // SAFETY: fd 2 may be closed; the write then fails harmlessly.
    let fd = unsafe { BorrowedFd::borrow_raw(2) };
    write_all(fd, msg.as_bytes());
    write_all(fd, b"\n");
}

fn write_all(fd: BorrowedFd<'_>, mut b: &[u8]) {
    while !b.is_empty() {
        match rustix::io::write(fd, b) {
            Ok(0) => return,
            Ok(n) => b = &b[n..],
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return,
        }
    }
}

/// A writer onto the saved log fd.
pub struct LogWriter;

impl io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let fd = LOG_FD.load(Ordering::Relaxed);
        if fd >= 0 {
            // SAFETY: LOG_FD stays open for the life of the process (protected from close).
            write_all(unsafe { BorrowedFd::borrow_raw(fd) }, buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Install the subscriber when `SCTPSHIM_LOG` is set (called once, when the engine starts).
pub fn init(cfg: &Config) {
    let Some(filter) = cfg.log.as_deref() else {
        return;
    };
    let fd = match &cfg.log_file {
        Some(path) => {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::APPEND | OFlags::CLOEXEC;
            match rustix::fs::open(path.as_os_str(), flags, Mode::from_raw_mode(0o644)) {
                Ok(f) => super::fds::move_high(f.into_raw_fd()),
                Err(e) => {
                    stderr_line(&format!("sctpshim: cannot open SCTPSHIM_LOG_FILE: {e}"));
                    return;
                }
            }
        }
        // SAFETY: duplicating fd 2 (if open) gives us our own reference.
        None => match rustix::io::fcntl_dupfd_cloexec(unsafe { BorrowedFd::borrow_raw(2) }, 0) {
            Ok(f) => super::fds::move_high(f.into_raw_fd()),
            Err(_) => return,
        },
    };
    let Ok(fd) = fd else { return };
    INTERNAL_FDS.set(fd.as_raw_fd(), true);
    LOG_FD.store(fd.into_raw_fd(), Ordering::Relaxed);
    let filter = match tracing_subscriber::EnvFilter::try_new(filter) {
        Ok(f) => f,
        Err(e) => {
            stderr_line(&format!("sctpshim: bad SCTPSHIM_LOG={filter:?}: {e}"));
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        .with_ansi(false)
        .with_thread_names(true)
        .try_init();
}
