//! Mirror of the Linux SCTP socket ABI: `<linux/sctp.h>` (uapi) and the parts of lksctp-tools'
//! `<netinet/sctp.h>` that programs use, laid out exactly as on Linux x86_64 and aarch64.
//!
//! No logic lives here: constants ([`consts`]), socket option structs ([`sockopt`]), ancillary
//! data structs ([`cmsg`]), notification structs ([`notification`]) and the [`Pod`] byte view
//! that lets the shim copy them from and to user memory. Names are the C names, so code reads like
//! the kernel's `net/sctp/socket.c`. `tests/abi_layout.rs` compiles a C program against the system
//! headers and checks the size, alignment and every field offset of each struct here, and the value
//! of each constant.
//!
//! Padding that C leaves implicit is spelled out as `_padN` fields, so that every byte of every
//! struct is initialised and [`Pod::as_bytes`] is sound.

#![allow(non_camel_case_types)]

pub mod cmsg;
pub mod consts;
pub mod notification;
pub mod pod;
pub mod sockopt;

pub use cmsg::*;
pub use consts::*;
pub use notification::*;
pub use pod::Pod;
pub use sockopt::*;

/// `sctp_assoc_t`: association identifier (RFC 6458 5.3.2).
pub type sctp_assoc_t = i32;
