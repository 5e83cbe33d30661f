//! See the crate docs.
pub mod cmsg;
pub mod sockaddr;
