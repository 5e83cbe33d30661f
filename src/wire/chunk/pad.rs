//! PAD (RFC 4820 3): padding bundled to probe the path MTU. The receiver ignores the
//! padding data, so only its length is kept and zeros are sent.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Type = 0x84   |   Flags=0     |             Length            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! \                         Padding Data                          /
//! /                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

/// PAD (RFC 4820 3): only the padding length is kept. `len` is the length of the Padding
/// Data, so the chunk is `4 + len` bytes plus the usual padding to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PadChunk {
    pub len: usize,
}

impl PadChunk {
    pub(super) fn parse(value: &[u8]) -> Self {
        PadChunk { len: value.len() }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips_as_zeros() {
        assert_eq!(
            round_trip(&Chunk::Pad(PadChunk { len: 3 })),
            [0x84, 0, 0, 7, 0, 0, 0, 0]
        );
        assert_eq!(
            Chunk::parse(&[0x84, 0, 0, 6, 0xFF, 0xEE]),
            Ok(Chunk::Pad(PadChunk { len: 2 }))
        );
    }
}
