//! Bounds-checked big-endian readers and writers (RFC 9260 3: all integer fields are in network
//! byte order) and the TLV framing shared by chunks, parameters and error causes.

use super::ParseError;

/// Rounds `len` up to the next multiple of 4 (RFC 9260 3.2: chunks, parameters and causes are
/// padded to 4-byte boundaries).
pub const fn pad4(len: usize) -> usize {
    (len + 3) & !3
}

/// Reads fields from the front of a borrowed slice; every read checks the length first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        if n > self.bytes.len() {
            return Err(ParseError::Truncated);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ParseError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ParseError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, ParseError> {
        self.array().map(u16::from_be_bytes)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ParseError> {
        self.array().map(u32::from_be_bytes)
    }

    /// Everything not read yet.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.bytes
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Fails with `BadLength` unless everything was read: fixed-size values must not carry
    /// trailing bytes.
    pub(crate) fn finish(self) -> Result<(), ParseError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(ParseError::BadLength)
        }
    }
}

/// Writes fields into a caller's buffer. Callers check the total size before encoding
/// (`encoded_len`); a write past the end is an internal bug, caught by `debug_assert!` and
/// otherwise dropped instead of panicking.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn bytes(&mut self, src: &[u8]) {
        let end = self.pos + src.len();
        match self.buf.get_mut(self.pos..end) {
            Some(dst) => dst.copy_from_slice(src),
            None => debug_assert!(false, "wire writer overflow"),
        }
        self.pos = end;
    }

    pub(crate) fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }

    pub(crate) fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }

    pub(crate) fn zeros(&mut self, n: usize) {
        let end = self.pos + n;
        match self.buf.get_mut(self.pos..end) {
            Some(dst) => dst.fill(0),
            None => debug_assert!(false, "wire writer overflow"),
        }
        self.pos = end;
    }

    /// Zero padding up to the next 4-byte boundary.
    pub(crate) fn pad(&mut self) {
        self.zeros(pad4(self.pos) - self.pos);
    }
}

/// One parameter or error cause (RFC 9260 3.2.1, 3.3.10): 16-bit type, 16-bit length that
/// counts the 4-byte header and the value but not the padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTlv<'a> {
    pub(crate) kind: u16,
    pub(crate) value: &'a [u8],
}

/// Iterates over a run of TLVs. RFC 9260 3.2: the length of the enclosing chunk includes the
/// padding of every parameter but the last, so the last TLV's padding may be absent; padding
/// bytes are ignored whatever their value ("The receiver MUST ignore the padding bytes").
pub(crate) struct TlvIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> TlvIter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        TlvIter {
            rest: bytes,
            failed: false,
        }
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<RawTlv<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let item = split_tlv(self.rest);
        match item {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Splits the first TLV off `bytes`, returning it and what follows its padding.
pub(crate) fn split_tlv(bytes: &[u8]) -> Result<(RawTlv<'_>, &[u8]), ParseError> {
    let mut r = Reader::new(bytes);
    let kind = r.u16()?;
    let len = usize::from(r.u16()?);
    if len < 4 {
        return Err(ParseError::BadLength);
    }
    if len > bytes.len() {
        return Err(ParseError::Truncated);
    }
    let next = pad4(len).min(bytes.len());
    Ok((
        RawTlv {
            kind,
            value: &bytes[4..len],
        },
        &bytes[next..],
    ))
}

/// Value length of a list of TLVs as it goes into the enclosing length field: every item
/// padded except the last (RFC 9260 3.2).
pub(crate) fn list_len(lens: impl Iterator<Item = usize>) -> usize {
    let mut total = 0;
    let mut last_pad = 0;
    for len in lens {
        total += pad4(len);
        last_pad = pad4(len) - len;
    }
    total - last_pad
}

/// Writes one TLV: header, then `value` via the closure, then padding. `value_len` must be the
/// number of bytes the closure writes.
pub(crate) fn write_tlv(
    w: &mut Writer<'_>,
    kind: u16,
    value_len: usize,
    value: impl FnOnce(&mut Writer<'_>),
) {
    let start = w.pos();
    w.u16(kind);
    w.u16(tlv_len_field(value_len));
    value(w);
    debug_assert_eq!(w.pos() - start, 4 + value_len, "TLV value length mismatch");
    w.pad();
}

/// The 16-bit length field for a value of `value_len` bytes plus the 4-byte header. Public
/// `encode` functions refuse values whose length does not fit first; an oversize value
/// saturates (and fails the debug assertion).
pub(crate) fn tlv_len_field(value_len: usize) -> u16 {
    let len = 4 + value_len;
    debug_assert!(len <= usize::from(u16::MAX), "TLV too long");
    u16::try_from(len).unwrap_or(u16::MAX)
}

/// Parses a run of big-endian u16 values (stream lists, address types, HMAC ids); an odd
/// byte count is `BadLength`.
pub(crate) fn parse_u16_list(bytes: &[u8]) -> Result<Vec<u16>, ParseError> {
    if bytes.len() % 2 != 0 {
        return Err(ParseError::BadLength);
    }
    Ok(bytes
        .chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .collect())
}

pub(crate) fn write_u16_list(w: &mut Writer<'_>, list: &[u16]) {
    for &v in list {
        w.u16(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_checks_bounds() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16(), Ok(0x0102));
        assert_eq!(r.u16(), Err(ParseError::Truncated));
        assert_eq!(r.u8(), Ok(3));
        assert!(r.is_empty());
    }

    #[test]
    fn tlv_last_padding_may_be_absent() {
        // Two TLVs of length 5: the first padded to 8, the second unpadded.
        let bytes = [0, 1, 0, 5, 9, 0, 0, 0, 0, 2, 0, 5, 7];
        let items: Vec<_> = TlvIter::new(&bytes).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].unwrap().value, &[9]);
        assert_eq!(items[1].unwrap().value, &[7]);
        assert_eq!(items[1].unwrap().kind, 2);
    }

    #[test]
    fn tlv_rejects_bad_lengths() {
        assert_eq!(split_tlv(&[0, 1, 0, 3]).unwrap_err(), ParseError::BadLength);
        assert_eq!(
            split_tlv(&[0, 1, 0, 9, 1, 2]).unwrap_err(),
            ParseError::Truncated
        );
        assert_eq!(split_tlv(&[0, 1, 0]).unwrap_err(), ParseError::Truncated);
        let mut it = TlvIter::new(&[0, 1, 0, 4, 0, 1]);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next(), Some(Err(ParseError::Truncated)));
        assert_eq!(it.next(), None);
    }

    #[test]
    fn list_len_excludes_last_padding() {
        assert_eq!(list_len([5usize, 5].into_iter()), 8 + 5);
        assert_eq!(list_len(std::iter::empty()), 0);
        assert_eq!(list_len([8usize].into_iter()), 8);
    }
}
