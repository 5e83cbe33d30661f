//! The SCTP common header (RFC 9260 3.1), packet parsing with CRC32c verification (RFC 9260
//! 6.8, Appendix A) and bundling of chunks into a packet (RFC 9260 6.10).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Source Port Number        |     Destination Port Number   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Verification Tag                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           Checksum                            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! CONTRACT:
//! - `Packet::parse(bytes: &'a [u8]) -> Result<Packet<'a>, ParseError>`: checks length and
//!   CRC32c (RFC 9260 6.8); `packet.header: CommonHeader`; `packet.chunks()` is an iterator of
//!   `Result<Chunk<'a>, ParseError>` that yields `Err` once and then stops on a malformed chunk.
//! - `PacketWriter::new(buf: &mut [u8], header: CommonHeader)`; `try_add(&Chunk) -> bool`
//!   (false, and nothing written, when it would not fit); `len()`, `is_empty()`;
//!   `finish(self) -> usize` writes the CRC32c and returns the packet length.

use super::chunk::{Chunk, RawChunkIter};
use super::ParseError;

/// Size of the common header.
pub const HEADER_LEN: usize = 12;

/// Offset of the checksum field in the common header.
const CHECKSUM_AT: usize = 8;

/// SCTP common header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub verification_tag: u32,
}

impl CommonHeader {
    fn write(&self, buf: &mut [u8; HEADER_LEN]) {
        buf[0..2].copy_from_slice(&self.src_port.to_be_bytes());
        buf[2..4].copy_from_slice(&self.dst_port.to_be_bytes());
        buf[4..8].copy_from_slice(&self.verification_tag.to_be_bytes());
        buf[8..12].fill(0);
    }
}

/// The CRC32c of a packet with its checksum field taken as zero (RFC 9260 Appendix A). It is
/// stored in the checksum field in little-endian byte order, as Linux (`cpu_to_le32`) and
/// usrsctp do; `bytes` must hold at least the common header.
pub fn checksum(bytes: &[u8]) -> u32 {
    let (head, rest) = bytes.split_at(CHECKSUM_AT.min(bytes.len()));
    let crc = crc32c::crc32c(head);
    let crc = crc32c::crc32c_append(crc, &[0; 4]);
    crc32c::crc32c_append(crc, rest.get(4..).unwrap_or_default())
}

/// A parsed packet: its header and the bytes of its chunks.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    pub header: CommonHeader,
    pub chunk_bytes: &'a [u8],
}

impl<'a> Packet<'a> {
    /// Parses the common header and verifies the CRC32c (`BadChecksum` on mismatch). The
    /// chunks are parsed lazily by [`Packet::chunks`].
    pub fn parse(bytes: &'a [u8]) -> Result<Packet<'a>, ParseError> {
        let header: &[u8; HEADER_LEN] = bytes
            .get(..HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(ParseError::Truncated)?;
        let stored = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
        if stored != checksum(bytes) {
            return Err(ParseError::BadChecksum);
        }
        Ok(Packet {
            header: CommonHeader {
                src_port: u16::from_be_bytes([header[0], header[1]]),
                dst_port: u16::from_be_bytes([header[2], header[3]]),
                verification_tag: u32::from_be_bytes([header[4], header[5], header[6], header[7]]),
            },
            chunk_bytes: &bytes[HEADER_LEN..],
        })
    }

    /// The chunks, parsed one by one; the first malformed chunk yields one `Err` and ends the
    /// iteration.
    pub fn chunks(&self) -> ChunkIter<'a> {
        ChunkIter {
            raw: self.raw_chunks(),
        }
    }

    /// The chunks unparsed, with their bytes and offsets (see [`RawChunk`](super::chunk::RawChunk)).
    pub fn raw_chunks(&self) -> RawChunkIter<'a> {
        RawChunkIter::new(self.chunk_bytes)
    }
}

/// Iterator over the chunks of a [`Packet`].
#[derive(Debug, Clone)]
pub struct ChunkIter<'a> {
    raw: RawChunkIter<'a>,
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = Result<Chunk<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.raw.next()?.and_then(|raw| raw.parse());
        if item.is_err() {
            // Also stop after a chunk whose framing was fine but whose value was not.
            self.raw = RawChunkIter::new(&[]);
        }
        Some(item)
    }
}

/// Bundles chunks into one packet in a caller's buffer (RFC 9260 6.10). The buffer's length
/// is the limit (e.g. the path MTU minus IP and UDP headers).
pub struct PacketWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> PacketWriter<'b> {
    /// Writes the common header. A buffer shorter than the header accepts no chunk and
    /// `finish` returns 0.
    pub fn new(buf: &'b mut [u8], header: CommonHeader) -> PacketWriter<'b> {
        match buf.first_chunk_mut::<HEADER_LEN>() {
            Some(head) => {
                header.write(head);
                PacketWriter {
                    buf,
                    len: HEADER_LEN,
                }
            }
            None => PacketWriter { buf, len: 0 },
        }
    }

    /// Appends `chunk` if it fits; returns false, writing nothing, when it does not (or when
    /// it cannot be encoded at all, see [`Chunk::encode`]).
    pub fn try_add(&mut self, chunk: &Chunk<'_>) -> bool {
        if self.len < HEADER_LEN {
            return false;
        }
        let Some(rest) = self.buf.get_mut(self.len..) else {
            return false;
        };
        let n = chunk.encode(rest);
        self.len += n;
        n != 0
    }

    /// Bytes written so far, header included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no chunk has been added.
    pub fn is_empty(&self) -> bool {
        self.len <= HEADER_LEN
    }

    /// Room left for chunks.
    pub fn remaining(&self) -> usize {
        if self.len < HEADER_LEN {
            0
        } else {
            self.buf.len() - self.len
        }
    }

    /// Writes the CRC32c and returns the packet length (0 if the buffer could not hold the
    /// header).
    pub fn finish(self) -> usize {
        if self.len < HEADER_LEN {
            return 0;
        }
        let packet = &mut self.buf[..self.len];
        let crc = checksum(packet);
        packet[CHECKSUM_AT..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::chunk::{DataChunk, ShutdownChunk};

    const HEADER: CommonHeader = CommonHeader {
        src_port: 5000,
        dst_port: 5001,
        verification_tag: 0xDEAD_BEEF,
    };

    fn data(payload: &[u8]) -> Chunk<'_> {
        Chunk::Data(DataChunk {
            tsn: 1,
            stream_id: 0,
            mid: 0,
            fsn: 0,
            ppid: 0,
            unordered: false,
            begin: true,
            end: true,
            immediate: false,
            payload,
        })
    }

    #[test]
    fn writes_and_parses_a_bundle() {
        let mut buf = [0u8; 64];
        let mut w = PacketWriter::new(&mut buf, HEADER);
        assert!(w.is_empty());
        assert!(w.try_add(&Chunk::CookieAck));
        assert!(w.try_add(&data(b"abc")));
        assert!(!w.is_empty());
        assert_eq!(w.len(), 12 + 4 + 20);
        let n = w.finish();
        let p = Packet::parse(&buf[..n]).unwrap();
        assert_eq!(p.header, HEADER);
        let chunks: Vec<_> = p.chunks().collect();
        assert_eq!(chunks, vec![Ok(Chunk::CookieAck), Ok(data(b"abc"))]);
    }

    #[test]
    fn try_add_refuses_what_does_not_fit() {
        let mut buf = [0u8; 24];
        let mut w = PacketWriter::new(&mut buf, HEADER);
        assert!(w.try_add(&Chunk::Shutdown(ShutdownChunk { cum_tsn_ack: 1 })));
        assert_eq!(w.remaining(), 4);
        assert!(!w.try_add(&data(b"x")));
        assert_eq!(w.len(), 20);
        assert!(w.try_add(&Chunk::ShutdownAck));
        assert_eq!(w.finish(), 24);
        let mut tiny = [0u8; 8];
        let mut w = PacketWriter::new(&mut tiny, HEADER);
        assert!(!w.try_add(&Chunk::CookieAck));
        assert_eq!(w.finish(), 0);
    }

    #[test]
    fn checksum_is_verified() {
        let mut buf = [0u8; 16];
        let mut w = PacketWriter::new(&mut buf, HEADER);
        assert!(w.try_add(&Chunk::CookieAck));
        let n = w.finish();
        assert!(Packet::parse(&buf[..n]).is_ok());
        buf[13] ^= 1;
        assert_eq!(
            Packet::parse(&buf[..n]).err(),
            Some(ParseError::BadChecksum)
        );
        assert_eq!(Packet::parse(&buf[..11]).err(), Some(ParseError::Truncated));
    }

    #[test]
    fn checksum_matches_rfc_test_vector() {
        // RFC 3720 B.4 CRC32c vector: 32 bytes of zeros give 0x8A9136AA. With the checksum
        // field treated as zero, a 32-byte all-zero packet has the same CRC.
        assert_eq!(checksum(&[0u8; 32]), 0x8A91_36AA);
    }

    #[test]
    fn chunk_iter_stops_after_bad_value() {
        let mut buf = [0u8; 32];
        let mut w = PacketWriter::new(&mut buf, HEADER);
        assert!(w.try_add(&Chunk::Unknown {
            chunk_type: 8,
            flags: 0,
            value: &[1, 2, 3, 4]
        }));
        assert!(w.try_add(&Chunk::CookieAck));
        let n = w.finish();
        let p = Packet::parse(&buf[..n]).unwrap();
        let chunks: Vec<_> = p.chunks().collect();
        assert_eq!(chunks, vec![Err(ParseError::BadLength)]);
    }
}
