//! What to do with a chunk or parameter type this stack does not recognize: the two high-order
//! bits of the type (RFC 9260 3.2 for chunks, 3.2.1 for parameters).

/// The action encoded in the two high bits of an unrecognized chunk or parameter type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnrecognizedAction {
    /// 00: stop processing (the rest of the packet for a chunk, the rest of the chunk's
    /// parameters for a parameter) and discard.
    Stop,
    /// 01: as `Stop`, and report it (an ERROR with "Unrecognized Chunk Type" for a chunk, an
    /// "Unrecognized Parameter" for a parameter).
    StopAndReport,
    /// 10: skip it and continue processing.
    Skip,
    /// 11: skip it, continue, and report it.
    SkipAndReport,
}

impl UnrecognizedAction {
    /// From the two high bits of an 8-bit chunk type (RFC 9260 3.2).
    pub const fn of_chunk_type(chunk_type: u8) -> Self {
        Self::from_bits(chunk_type >> 6)
    }

    /// From the two high bits of a 16-bit parameter type (RFC 9260 3.2.1).
    pub const fn of_param_type(param_type: u16) -> Self {
        Self::from_bits((param_type >> 14) as u8)
    }

    const fn from_bits(bits: u8) -> Self {
        match bits & 3 {
            0 => UnrecognizedAction::Stop,
            1 => UnrecognizedAction::StopAndReport,
            2 => UnrecognizedAction::Skip,
            _ => UnrecognizedAction::SkipAndReport,
        }
    }

    /// True when processing stops at this chunk (or parameter).
    pub const fn stops(self) -> bool {
        matches!(
            self,
            UnrecognizedAction::Stop | UnrecognizedAction::StopAndReport
        )
    }

    /// True when the sender wants it reported.
    pub const fn reports(self) -> bool {
        matches!(
            self,
            UnrecognizedAction::StopAndReport | UnrecognizedAction::SkipAndReport
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_from_the_two_high_bits() {
        use UnrecognizedAction::*;
        // (chunk type, parameter type, action): RFC 9260 3.2 and 3.2.1.
        let cases = [
            (0x3F, 0x0005, Stop),
            (0x40, 0x4001, StopAndReport),
            (0x84, 0x8000, Skip),
            (0xC0, 0xC000, SkipAndReport),
        ];
        for (chunk_type, param_type, action) in cases {
            assert_eq!(UnrecognizedAction::of_chunk_type(chunk_type), action);
            assert_eq!(UnrecognizedAction::of_param_type(param_type), action);
        }
        assert!(StopAndReport.stops());
        assert!(!Skip.reports());
    }
}
