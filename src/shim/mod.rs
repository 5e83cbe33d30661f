//! The exported `extern "C"` hooks, one file per call family (torsocks-style). Foreign fds pass
//! straight through; the hooks are compiled out of unit-test builds so that test binaries do
//! not interpose their own libc calls.
//!
//! Helpers shared with the ABI layer: [`sockaddr`] (addresses), [`cmsg`] (ancillary data).
pub mod cmsg;
pub mod notify;
pub mod preload_env;
pub mod sockaddr;

pub mod hook;

#[cfg(not(test))]
mod accept;
#[cfg(not(test))]
mod bind;
#[cfg(not(test))]
pub(crate) mod close;
#[cfg(not(test))]
mod connect;
#[cfg(not(test))]
mod exec;
#[cfg(not(test))]
mod fcntl;
#[cfg(not(test))]
mod fd;
#[cfg(not(test))]
mod ioctl;
#[cfg(not(test))]
mod listen;
#[cfg(not(test))]
mod name;
#[cfg(not(test))]
mod partial;
#[cfg(not(test))]
mod rcv_context;
#[cfg(not(test))]
mod recv;
#[cfg(not(test))]
mod recv_cmsg;
#[cfg(not(test))]
mod send;
#[cfg(not(test))]
mod sendfile;
#[cfg(not(test))]
mod shutdown;
#[cfg(not(test))]
mod sockerr;
#[cfg(not(test))]
mod socket;
#[cfg(not(test))]
mod sockopt;
