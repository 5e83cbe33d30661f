//! See the crate docs.
pub mod cmsg;
pub mod notify;
pub mod sockaddr;
