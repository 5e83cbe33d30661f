//! Serial number arithmetic (RFC 1982) for TSNs (32 bit, RFC 9260 1.6), SSNs (16 bit) and
//! I-DATA MIDs (32 bit, RFC 8260 2.1), plus "unwrapping" of such numbers into a monotone u64
//! space so that they can key ordered maps without wraparound trouble. Shared by the receive
//! side (`rx/`) and the send side (`tx/`).

/// `a` precedes `b` in 32-bit serial order (RFC 1982 3.2).
pub fn tsn_lt(a: u32, b: u32) -> bool {
    a != b && b.wrapping_sub(a) < 1 << 31
}

/// `a` precedes or equals `b` in 32-bit serial order.
pub fn tsn_le(a: u32, b: u32) -> bool {
    a == b || tsn_lt(a, b)
}

/// `a` follows `b` in 32-bit serial order.
pub fn tsn_gt(a: u32, b: u32) -> bool {
    tsn_lt(b, a)
}

/// `a` follows or equals `b` in 32-bit serial order.
pub fn tsn_ge(a: u32, b: u32) -> bool {
    tsn_le(b, a)
}

/// `a` precedes `b` in 16-bit serial order (SSNs, RFC 9260 6.5).
pub fn ssn_lt(a: u16, b: u16) -> bool {
    a != b && b.wrapping_sub(a) < 1 << 15
}

/// The unwrapped value a stream's sequence numbering starts at: it maps to raw 0 in both
/// spaces and leaves 2^32 of room below, so unwrapping never underflows as long as every
/// reference only moves forward from here (or from a TSN unwrapped near it).
pub(crate) const UNWRAP_BASE: u64 = 1 << 32;

/// Which sequence number space a stream's message numbers live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeqSpace {
    /// DATA: 16-bit Stream Sequence Numbers.
    Ssn16,
    /// I-DATA: 32-bit Message Identifiers.
    Mid32,
}

impl SeqSpace {
    /// The unwrapped number closest to `reference` whose low bits are `raw` (for `Ssn16` only
    /// the low 16 bits of `raw` count).
    pub(crate) fn unwrap(self, reference: u64, raw: u32) -> u64 {
        let delta = match self {
            SeqSpace::Ssn16 => i64::from((raw as u16).wrapping_sub(reference as u16) as i16),
            SeqSpace::Mid32 => i64::from(raw.wrapping_sub(reference as u32) as i32),
        };
        reference.saturating_add_signed(delta)
    }
}

/// A TSN unwrapped near `reference` (an earlier unwrapped TSN). Values more than 2^31 away
/// are ambiguous; they resolve to the nearer side, as RFC 1982 comparisons would.
pub(crate) fn unwrap_tsn(reference: u64, tsn: u32) -> u64 {
    SeqSpace::Mid32.unwrap(reference, tsn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsn_order_wraps() {
        assert!(tsn_lt(u32::MAX, 0));
        assert!(tsn_lt(0xFFFF_FFF0, 5));
        assert!(!tsn_lt(5, 0xFFFF_FFF0));
        assert!(tsn_le(7, 7) && !tsn_lt(7, 7));
        assert!(tsn_gt(3, u32::MAX) && tsn_ge(3, 3));
        // Exactly half the space apart: RFC 1982 leaves it undefined; we call neither "less".
        assert!(!tsn_lt(0, 1 << 31) || !tsn_lt(1 << 31, 0));
    }

    #[test]
    fn ssn_order_wraps() {
        assert!(ssn_lt(u16::MAX, 0));
        assert!(ssn_lt(65530, 3));
        assert!(!ssn_lt(3, 65530));
    }

    #[test]
    fn unwrap_follows_wraparound() {
        let r = UNWRAP_BASE + u64::from(u32::MAX) - 1; // raw 0xFFFF_FFFE
        assert_eq!(unwrap_tsn(r, 1), r + 3);
        assert_eq!(unwrap_tsn(r, 0xFFFF_FFF0), r - 14);
        let s = UNWRAP_BASE + 65535; // raw SSN 65535
        assert_eq!(SeqSpace::Ssn16.unwrap(s, 0), s + 1);
        assert_eq!(SeqSpace::Ssn16.unwrap(s, 65534), s - 1);
        // Only the low 16 bits of an SSN count.
        assert_eq!(SeqSpace::Ssn16.unwrap(s, 0x1_0000), s + 1);
        assert_eq!(SeqSpace::Mid32.unwrap(UNWRAP_BASE, 0), UNWRAP_BASE);
    }

    #[test]
    fn unwrap_tsn_crosses_wrap() {
        let base = (1u64 << 32) + u64::from(u32::MAX); // extended value of TSN 0xffff_ffff
        assert_eq!(unwrap_tsn(base, 0), 2 << 32);
        assert_eq!(unwrap_tsn(base, 5), (2 << 32) + 5);
        assert_eq!(unwrap_tsn(base, u32::MAX - 3), base - 3);
        assert_eq!(unwrap_tsn(base, u32::MAX), base);
        // Half the space either side (RFC 1982 3.2): ahead up to 2^31 - 1, behind 2^31.
        assert_eq!(unwrap_tsn(base, u32::MAX - (1 << 31)), base - (1 << 31));
        assert_eq!(unwrap_tsn(base, (1 << 31) - 2), base + (1 << 31) - 1);
    }
}
