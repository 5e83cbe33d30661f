//! SACK (RFC 9260 3.3.4).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 3    |Chunk  Flags   |         Chunk Length          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Cumulative TSN Ack                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Advertised Receiver Window Credit (a_rwnd)           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                                                               /
//! \                              ...                              \
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Gap Ack Block #N Start     |     Gap Ack Block #N End      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                            Duplicate TSN 1                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                                                               /
//! \                              ...                              \
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                            Duplicate TSN M                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The Chunk Length must be exactly `16 + 4 * (N + M)`. Gap block contents (start <= end,
//! ordering) are the association's to judge (RFC 9260 6.2.1 treats them as hints).

use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

/// SACK (3.3.4). Gap blocks are offsets from `cum_tsn_ack`, as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SackChunk {
    pub cum_tsn_ack: u32,
    pub a_rwnd: u32,
    pub gap_blocks: Vec<GapBlock>,
    pub dup_tsns: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapBlock {
    pub start: u16,
    pub end: u16,
}

impl SackChunk {
    const FIXED_LEN: usize = 12;

    pub(super) fn parse(value: &[u8]) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let cum_tsn_ack = r.u32()?;
        let a_rwnd = r.u32()?;
        let num_gaps = usize::from(r.u16()?);
        let num_dups = usize::from(r.u16()?);
        if r.rest().len() != 4 * (num_gaps + num_dups) {
            return Err(ParseError::BadLength);
        }
        let mut gap_blocks = Vec::with_capacity(num_gaps);
        for _ in 0..num_gaps {
            gap_blocks.push(GapBlock {
                start: r.u16()?,
                end: r.u16()?,
            });
        }
        let mut dup_tsns = Vec::with_capacity(num_dups);
        for _ in 0..num_dups {
            dup_tsns.push(r.u32()?);
        }
        Ok(SackChunk {
            cum_tsn_ack,
            a_rwnd,
            gap_blocks,
            dup_tsns,
        })
    }

    pub(super) fn value_len(&self) -> usize {
        Self::FIXED_LEN + 4 * (self.gap_blocks.len() + self.dup_tsns.len())
    }

    /// Encoded size of a SACK with `gaps` gap blocks and `dups` duplicate TSNs, for callers
    /// that trim the lists to fit a packet.
    pub const fn encoded_len_for(gaps: usize, dups: usize) -> usize {
        4 + Self::FIXED_LEN + 4 * (gaps + dups)
    }

    pub(super) fn write_value(&self, w: &mut Writer<'_>) {
        w.u32(self.cum_tsn_ack);
        w.u32(self.a_rwnd);
        // Chunk::encode refuses values over 65535 bytes, so both counts fit in u16.
        w.u16(u16::try_from(self.gap_blocks.len()).unwrap_or(u16::MAX));
        w.u16(u16::try_from(self.dup_tsns.len()).unwrap_or(u16::MAX));
        for g in &self.gap_blocks {
            w.u16(g.start);
            w.u16(g.end);
        }
        for &d in &self.dup_tsns {
            w.u32(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Chunk::Sack(SackChunk {
            cum_tsn_ack: 100,
            a_rwnd: 4096,
            ..Default::default()
        }));
        assert_eq!(b, [3, 0, 0, 16, 0, 0, 0, 100, 0, 0, 16, 0, 0, 0, 0, 0]);
        let sack = SackChunk {
            cum_tsn_ack: 7,
            a_rwnd: 1,
            gap_blocks: vec![GapBlock { start: 2, end: 3 }, GapBlock { start: 5, end: 9 }],
            dup_tsns: vec![6],
        };
        let b = round_trip(&Chunk::Sack(sack));
        assert_eq!(b.len(), SackChunk::encoded_len_for(2, 1));
    }

    #[test]
    fn counts_must_match_length() {
        // One gap block announced, none present.
        assert_eq!(
            Chunk::parse(&[3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0]),
            Err(ParseError::BadLength)
        );
        // No blocks announced, 4 extra bytes.
        let extra = [3, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2];
        assert_eq!(Chunk::parse(&extra), Err(ParseError::BadLength));
        assert_eq!(
            Chunk::parse(&[3, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1]),
            Err(ParseError::Truncated)
        );
    }
}
