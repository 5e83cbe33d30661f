//! The SCTP common header (RFC 9260 3.1), packet parsing and bundling. CONTRACT (the codec
//! helper implements it):
//!
//! - `Packet::parse(bytes: &'a [u8]) -> Result<Packet<'a>, ParseError>`: checks length and
//!   CRC32c (RFC 9260 6.8); `packet.header: CommonHeader`; `packet.chunks()` is an iterator of
//!   `Result<Chunk<'a>, ParseError>` that yields `Err` once and then stops on a malformed chunk.
//! - `PacketWriter::new(buf: &mut [u8], header: CommonHeader)`; `try_add(&Chunk) -> bool`
//!   (false, and nothing written, when it would not fit); `len()`, `is_empty()`;
//!   `finish(self) -> usize` writes the CRC32c and returns the packet length.
//! - `Chunk::encoded_len(&self) -> usize` (header + value + padding) and
//!   `Chunk::encode(&self, buf: &mut [u8]) -> usize`.

/// SCTP common header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub verification_tag: u32,
}

/// A parsed packet: its header and the bytes of its chunks.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    pub header: CommonHeader,
    pub chunk_bytes: &'a [u8],
}

/// Bundles chunks into one packet in a caller's buffer.
pub struct PacketWriter<'b> {
    pub buf: &'b mut [u8],
    pub len: usize,
}
