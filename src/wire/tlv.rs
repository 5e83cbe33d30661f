//! What parameters and error causes share as TLVs (RFC 9260 3.2.1, 3.3.10): parsing exactly
//! one, encoding one into a caller's buffer, and the length and writing of a list of them
//! inside a chunk (RFC 9260 3.2: every item padded but the last).

use super::bytes::{list_len, pad4, split_tlv, write_tlv, RawTlv, Writer};
use super::ParseError;

/// A parameter or an error cause: a 16-bit type, a 16-bit length and a value.
pub(crate) trait Tlv<'a>: Sized {
    /// Decodes the value of a TLV whose header was already split off.
    fn from_tlv(tlv: RawTlv<'a>) -> Result<Self, ParseError>;

    /// The type (parameter type or cause code) on the wire.
    fn kind(&self) -> u16;

    /// Length of the value, without header or padding.
    fn value_len(&self) -> usize;

    /// Writes the value: exactly [`Tlv::value_len`] bytes.
    fn write_value(&self, w: &mut Writer<'_>);
}

/// Parses exactly one TLV; only padding (up to 3 bytes) may follow it.
pub(crate) fn parse_one<'a, T: Tlv<'a>>(bytes: &'a [u8]) -> Result<T, ParseError> {
    let (tlv, rest) = split_tlv(bytes)?;
    if !rest.is_empty() {
        return Err(ParseError::BadLength);
    }
    T::from_tlv(tlv)
}

/// Bytes [`encode`] writes: header, value and padding.
pub(crate) fn encoded_len<'a, T: Tlv<'a>>(item: &T) -> usize {
    pad4(4 + item.value_len())
}

/// Writes `item` (with its padding) at the start of `buf` and returns the bytes written, or 0
/// (writing nothing) when `buf` is shorter than [`encoded_len`] or the value is too long for
/// the 16-bit length field.
pub(crate) fn encode<'a, T: Tlv<'a>>(item: &T, buf: &mut [u8]) -> usize {
    let len = encoded_len(item);
    if len > buf.len() || 4 + item.value_len() > usize::from(u16::MAX) {
        return 0;
    }
    write(&mut Writer::new(buf), item);
    len
}

/// Writes header, value and padding of `item`.
pub(crate) fn write<'a, T: Tlv<'a>>(w: &mut Writer<'_>, item: &T) {
    write_tlv(w, item.kind(), item.value_len(), |w| item.write_value(w));
}

/// Value length of a list of TLVs inside a chunk: all padded but the last (RFC 9260 3.2).
pub(crate) fn list_value_len<'a, T: Tlv<'a>>(items: &[T]) -> usize {
    list_len(items.iter().map(|t| 4 + t.value_len()))
}

/// Writes every item of a list, each with its padding.
pub(crate) fn write_list<'a, T: Tlv<'a>>(w: &mut Writer<'_>, items: &[T]) {
    for t in items {
        write(w, t);
    }
}

/// `item` if its value is empty, as it must be for some chunks, parameters and causes (e.g.
/// COOKIE ACK, ECN Capable, Out of Resource); `BadLength` otherwise.
pub(crate) fn empty<T>(value: &[u8], item: T) -> Result<T, ParseError> {
    if value.is_empty() {
        Ok(item)
    } else {
        Err(ParseError::BadLength)
    }
}

/// Test helper: encodes with `encode` into a buffer 3 bytes longer than `encoded_len`, checks
/// the size, the 4-byte alignment and that nothing was written past it, and returns the bytes.
#[cfg(test)]
pub(crate) fn encode_checked(
    encoded_len: usize,
    encode: impl FnOnce(&mut [u8]) -> usize,
) -> Vec<u8> {
    let mut buf = vec![0xAAu8; encoded_len + 3];
    let n = encode(&mut buf);
    assert_eq!(n, encoded_len);
    assert_eq!(n % 4, 0);
    assert_eq!(&buf[n..], &[0xAA; 3], "wrote past encoded_len");
    buf.truncate(n);
    buf
}
