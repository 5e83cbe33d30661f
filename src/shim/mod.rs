//! See the crate docs.
pub mod sockaddr;
