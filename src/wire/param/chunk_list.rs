//! Chunk List (RFC 4895 3.2): the chunk types the sender requires to be authenticated.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Parameter Type = 0x8003   |       Parameter Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Chunk Type 1  | Chunk Type 2  | Chunk Type 3  | Chunk Type 4  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                                                               /
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use super::Param;

pub(super) fn parse(value: &[u8]) -> Param<'_> {
    Param::ChunkList(value.to_vec())
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Param::ChunkList(vec![0x80, 0xC1, 0x0F]));
        assert_eq!(b, [0x80, 0x03, 0, 7, 0x80, 0xC1, 0x0F, 0]);
        round_trip(&Param::ChunkList(vec![]));
    }
}
