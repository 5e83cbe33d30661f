//! FORWARD TSN (RFC 3758 3.2) and I-FORWARD TSN (RFC 8260 2.3).
//!
//! ```text
//! FORWARD TSN:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      New Cumulative TSN                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Stream-1              |       Stream Sequence-1       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               /
//! /                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Stream-N              |       Stream Sequence-N       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! I-FORWARD TSN:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 194  |  Flags = 0x00 |      Length = Variable        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       New Cumulative TSN                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |       Stream Identifier       |          Reserved           |U|
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Message Identifier                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The entries must fill the value exactly (4 bytes each in FORWARD TSN, 8 in I-FORWARD TSN).

use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

/// FORWARD TSN (RFC 3758 3.2) and I-FORWARD TSN (RFC 8260 2.3) in one shape.
/// For FORWARD TSN `mid` holds the 16-bit SSN and `unordered` is false.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardTsnChunk {
    pub new_cum_tsn: u32,
    pub streams: Vec<SkippedStream>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedStream {
    pub stream_id: u16,
    pub unordered: bool,
    pub mid: u32,
}

const U_BIT: u16 = 0x0001;

impl ForwardTsnChunk {
    const fn entry_len(i_forward: bool) -> usize {
        if i_forward {
            8
        } else {
            4
        }
    }

    pub(super) fn parse(value: &[u8], i_forward: bool) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let new_cum_tsn = r.u32()?;
        let entry = Self::entry_len(i_forward);
        if r.rest().len() % entry != 0 {
            return Err(ParseError::BadLength);
        }
        let mut streams = Vec::with_capacity(r.rest().len() / entry);
        while !r.is_empty() {
            let stream_id = r.u16()?;
            streams.push(if i_forward {
                let flags = r.u16()?;
                SkippedStream {
                    stream_id,
                    unordered: flags & U_BIT != 0,
                    mid: r.u32()?,
                }
            } else {
                SkippedStream {
                    stream_id,
                    unordered: false,
                    mid: u32::from(r.u16()?),
                }
            });
        }
        Ok(ForwardTsnChunk {
            new_cum_tsn,
            streams,
        })
    }

    pub(super) fn value_len(&self, i_forward: bool) -> usize {
        4 + Self::entry_len(i_forward) * self.streams.len()
    }

    /// For FORWARD TSN only the low 16 bits of `mid` (the SSN) are sent and `unordered` is not.
    pub(super) fn write_value(&self, w: &mut Writer<'_>, i_forward: bool) {
        w.u32(self.new_cum_tsn);
        for s in &self.streams {
            w.u16(s.stream_id);
            if i_forward {
                w.u16(if s.unordered { U_BIT } else { 0 });
                w.u32(s.mid);
            } else {
                w.u16((s.mid & 0xFFFF) as u16);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn forward_tsn_round_trips() {
        let c = ForwardTsnChunk {
            new_cum_tsn: 10,
            streams: vec![SkippedStream {
                stream_id: 1,
                unordered: false,
                mid: 5,
            }],
        };
        let b = round_trip(&Chunk::ForwardTsn(c));
        assert_eq!(b, [0xC0, 0, 0, 12, 0, 0, 0, 10, 0, 1, 0, 5]);
        round_trip(&Chunk::ForwardTsn(ForwardTsnChunk {
            new_cum_tsn: 3,
            streams: vec![],
        }));
    }

    #[test]
    fn i_forward_tsn_round_trips() {
        let c = ForwardTsnChunk {
            new_cum_tsn: 10,
            streams: vec![
                SkippedStream {
                    stream_id: 1,
                    unordered: true,
                    mid: 0x0001_0000,
                },
                SkippedStream {
                    stream_id: 2,
                    unordered: false,
                    mid: 4,
                },
            ],
        };
        let b = round_trip(&Chunk::IForwardTsn(c));
        assert_eq!(
            &b[..16],
            &[0xC2, 0, 0, 24, 0, 0, 0, 10, 0, 1, 0, 1, 0, 1, 0, 0]
        );
    }

    #[test]
    fn partial_entries_are_rejected() {
        assert_eq!(
            Chunk::parse(&[0xC0, 0, 0, 10, 0, 0, 0, 1, 0, 1, 0, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(
            Chunk::parse(&[0xC2, 0, 0, 12, 0, 0, 0, 1, 0, 1, 0, 0]),
            Err(ParseError::BadLength)
        );
        assert_eq!(Chunk::parse(&[0xC0, 0, 0, 4]), Err(ParseError::Truncated));
    }
}
