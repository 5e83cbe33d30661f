//! Byte views of the ABI structs, for copying them from and to user memory.

use std::mem::size_of;

/// A plain-old-data ABI struct.
///
/// # Safety
/// Implement only for `#[repr(C)]` types made of integers, arrays of integers, raw pointers,
/// `libc::sockaddr_storage` and other `Pod` types, with no implicit padding (padding is written out
/// as `_padN` fields; `tests/abi_layout.rs` checks that the field sizes add up to the struct
/// size). Then every bit pattern is a valid value and every byte is initialised.
pub unsafe trait Pod: Copy + 'static {
    /// The all-zero value.
    fn zeroed() -> Self {
        // SAFETY: the trait's contract makes all-zero bytes a valid value.
        unsafe { std::mem::zeroed() }
    }

    /// The struct's bytes, as Linux would copy them to user memory.
    fn as_bytes(&self) -> &[u8] {
        // SAFETY: no padding, so all `size_of::<Self>()` bytes are initialised.
        unsafe { std::slice::from_raw_parts((self as *const Self).cast::<u8>(), size_of::<Self>()) }
    }

    /// Mutable view of the struct's bytes.
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: no padding and every bit pattern is valid, so any write keeps a valid value.
        unsafe {
            std::slice::from_raw_parts_mut((self as *mut Self).cast::<u8>(), size_of::<Self>())
        }
    }

    /// Reads a value from the start of `bytes`; `None` when `bytes` is shorter than the struct.
    fn read_from(bytes: &[u8]) -> Option<Self> {
        let src = bytes.get(..size_of::<Self>())?;
        let mut v = Self::zeroed();
        v.as_bytes_mut().copy_from_slice(src);
        Some(v)
    }

    /// Reads up to `size_of::<Self>()` bytes from `bytes` and zero-fills the rest, as Linux does
    /// for options that accept a short (older) form, e.g. SCTP_EVENTS with optlen < 14.
    fn read_prefix(bytes: &[u8]) -> Self {
        let mut v = Self::zeroed();
        let n = bytes.len().min(size_of::<Self>());
        v.as_bytes_mut()[..n].copy_from_slice(&bytes[..n]);
        v
    }
}

/// Implements [`Pod`] and a zeroing [`Default`] for ABI structs.
macro_rules! pod {
    ($($t:ty),* $(,)?) => {$(
        // SAFETY: checked by tests/abi_layout.rs (no implicit padding, integer-only fields).
        unsafe impl $crate::abi::Pod for $t {}
        impl Default for $t {
            fn default() -> Self {
                <$t as $crate::abi::Pod>::zeroed()
            }
        }
    )*};
}
pub(crate) use pod;

// SAFETY: glibc/libc's Linux `sockaddr_storage` is `ss_family: u16`, `[u8; 118]` and an 8-byte
// alignment field: 128 bytes of integers with no padding (checked in `tests` below).
unsafe impl Pod for libc::sockaddr_storage {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_storage_is_plain_bytes() {
        assert_eq!(size_of::<libc::sockaddr_storage>(), 128);
        let mut ss = libc::sockaddr_storage::zeroed();
        ss.ss_family = libc::AF_INET6 as libc::sa_family_t;
        let b = ss.as_bytes();
        assert_eq!(u16::from_ne_bytes([b[0], b[1]]), libc::AF_INET6 as u16);
        assert!(b[2..].iter().all(|&x| x == 0));
        let back = libc::sockaddr_storage::read_prefix(&b[..16]);
        assert_eq!(back.ss_family, ss.ss_family);
        assert!(libc::sockaddr_storage::read_from(&b[..127]).is_none());
    }
}
