//! Serial number arithmetic (RFC 1982) for TSNs (RFC 9260 1.6): wrapping 32-bit TSNs are
//! extended to monotonic 64-bit values, so ordered maps and ranges need no wrap handling.

/// Extends `tsn` to 64 bits as the value nearest to `reference` (which is already extended).
/// Values more than 2^31 away are ambiguous; they resolve to the nearer side, as RFC 1982
/// comparisons would.
pub(crate) fn extend(reference: u64, tsn: u32) -> u64 {
    let diff = tsn.wrapping_sub(reference as u32) as i32;
    reference.wrapping_add_signed(i64::from(diff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_crosses_wrap() {
        let base = (1u64 << 32) + u64::from(u32::MAX); // extended value of TSN 0xffff_ffff
        assert_eq!(extend(base, 0), 2 << 32);
        assert_eq!(extend(base, 5), (2 << 32) + 5);
        assert_eq!(extend(base, u32::MAX - 3), base - 3);
        assert_eq!(extend(base, u32::MAX), base);
        // Half the space either side (RFC 1982 3.2): ahead up to 2^31 - 1, behind 2^31.
        assert_eq!(extend(base, u32::MAX - (1 << 31)), base - (1 << 31));
        assert_eq!(extend(base, (1 << 31) - 2), base + (1 << 31) - 1);
    }
}
