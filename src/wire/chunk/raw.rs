//! Chunk framing without interpreting the value (RFC 9260 3.2): what the association needs
//! for the bytes of a chunk as received (an "Unrecognized Chunk Type" cause, RFC 9260
//! 3.3.10.6; the chunks an AUTH chunk covers, RFC 4895 6.2).
//!
//! Padding: the Chunk Length excludes the padding, the sender MUST pad each chunk to a multiple
//! of 4 bytes and the receiver MUST ignore the padding bytes. The padding of the last chunk of
//! a packet may be missing: RFC 9260 does not say what to do then, and both Linux
//! (`sctp_inq_pop` clamps the padded end to the packet end) and usrsctp (`sctp_process_control`
//! checks only the unpadded length) accept it, so this codec does too. Padding is never
//! checked for zeros.

use super::Chunk;
use crate::wire::bytes::{pad4, Reader};
use crate::wire::ParseError;

/// One chunk's header and value, unparsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawChunk<'a> {
    pub chunk_type: u8,
    pub flags: u8,
    /// The value, `Chunk Length - 4` bytes.
    pub value: &'a [u8],
    /// The whole chunk as received, header included, padding excluded.
    pub bytes: &'a [u8],
    /// Where `bytes` starts in the slice being iterated (e.g. `Packet::chunk_bytes`).
    pub offset: usize,
}

impl<'a> RawChunk<'a> {
    /// Interprets the value.
    pub fn parse(&self) -> Result<Chunk<'a>, ParseError> {
        Chunk::from_parts(self.chunk_type, self.flags, self.value)
    }
}

/// Iterates over the chunks of a packet. Yields one `Err` on a malformed header (length below
/// 4 or beyond the end of the bytes), then stops.
#[derive(Debug, Clone)]
pub struct RawChunkIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> RawChunkIter<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        RawChunkIter {
            bytes,
            pos: 0,
            failed: false,
        }
    }

    fn split(&self) -> Result<RawChunk<'a>, ParseError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let mut r = Reader::new(rest);
        let chunk_type = r.u8()?;
        let flags = r.u8()?;
        let len = usize::from(r.u16()?);
        if len < 4 {
            return Err(ParseError::BadLength);
        }
        let bytes = rest.get(..len).ok_or(ParseError::Truncated)?;
        Ok(RawChunk {
            chunk_type,
            flags,
            value: &bytes[4..],
            bytes,
            offset: self.pos,
        })
    }
}

impl<'a> Iterator for RawChunkIter<'a> {
    type Item = Result<RawChunk<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.bytes.len() {
            return None;
        }
        match self.split() {
            Ok(raw) => {
                self.pos = (self.pos + pad4(raw.bytes.len())).min(self.bytes.len());
                Some(Ok(raw))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_with_offsets_and_tolerates_missing_final_padding() {
        // COOKIE ACK, then an unknown chunk of length 5 (padded), then one of length 6 unpadded.
        let bytes = [11, 0, 0, 4, 0x80, 1, 0, 5, 9, 0, 0, 0, 0x81, 2, 0, 6, 7, 8];
        let raws: Vec<_> = RawChunkIter::new(&bytes).map(Result::unwrap).collect();
        assert_eq!(raws.len(), 3);
        assert_eq!(raws[1].offset, 4);
        assert_eq!(raws[1].bytes, &[0x80, 1, 0, 5, 9]);
        assert_eq!(raws[2].offset, 12);
        assert_eq!(raws[2].value, &[7, 8]);
        assert_eq!(
            raws[2].parse(),
            Ok(Chunk::Unknown {
                chunk_type: 0x81,
                flags: 2,
                value: &[7, 8]
            })
        );
    }

    #[test]
    fn stops_after_one_error() {
        let bytes = [11, 0, 0, 4, 11, 0, 0, 2, 11, 0, 0, 4];
        let mut it = RawChunkIter::new(&bytes);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next(), Some(Err(ParseError::BadLength)));
        assert_eq!(it.next(), None);
        let mut it = RawChunkIter::new(&[11, 0, 0, 4, 0]);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next(), Some(Err(ParseError::Truncated)));
    }
}
