//! DATA (RFC 9260 3.3.1) and I-DATA (RFC 8260 2.1).
//!
//! ```text
//! DATA:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 0    |  Res  |I|U|B|E|            Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                              TSN                              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Stream Identifier S      |   Stream Sequence Number n    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  Payload Protocol Identifier                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                 User Data (seq n of Stream S)                 /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! I-DATA:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                              TSN                              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Stream Identifier      |           Reserved            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Message Identifier                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Payload Protocol Identifier / Fragment Sequence Number     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                           User Data                           /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! In I-DATA the last header word is the PPID when B is set (the FSN is then implicitly 0) and
//! the FSN otherwise (no PPID).
//!
//! A chunk with no user data (Length 16 for DATA, 20 for I-DATA) parses successfully with an
//! empty `payload`: RFC 9260 6.2 makes the receiver ABORT with a "No User Data" cause naming
//! the TSN, so the association needs the parsed TSN rather than a parse error.

use crate::wire::bytes::{Reader, Writer};
use crate::wire::ParseError;

const FLAG_I: u8 = 0x08;
const FLAG_U: u8 = 0x04;
const FLAG_B: u8 = 0x02;
const FLAG_E: u8 = 0x01;

/// DATA (RFC 9260 3.3.1) and I-DATA (RFC 8260 2.1) in one shape.
/// For DATA `mid` holds the 16-bit SSN and `fsn` is 0; for I-DATA `mid` is the Message
/// Identifier and `fsn` the Fragment Sequence Number (0 and carrying no PPID when `begin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChunk<'a> {
    pub tsn: u32,
    pub stream_id: u16,
    pub mid: u32,
    pub fsn: u32,
    pub ppid: u32,
    /// U bit.
    pub unordered: bool,
    /// B bit.
    pub begin: bool,
    /// E bit.
    pub end: bool,
    /// I bit (SACK-IMMEDIATELY, RFC 9260 3.3.1).
    pub immediate: bool,
    pub payload: &'a [u8],
}

impl<'a> DataChunk<'a> {
    /// Header bytes after the chunk header: 12 for DATA, 16 for I-DATA.
    pub const fn header_len(i_data: bool) -> usize {
        if i_data {
            16
        } else {
            12
        }
    }

    pub(super) fn parse(flags: u8, value: &'a [u8], i_data: bool) -> Result<Self, ParseError> {
        let mut r = Reader::new(value);
        let tsn = r.u32()?;
        let stream_id = r.u16()?;
        let begin = flags & FLAG_B != 0;
        let (mid, fsn, ppid) = if i_data {
            let _reserved = r.u16()?;
            let mid = r.u32()?;
            let last = r.u32()?;
            if begin {
                (mid, 0, last)
            } else {
                (mid, last, 0)
            }
        } else {
            let ssn = r.u16()?;
            (u32::from(ssn), 0, r.u32()?)
        };
        Ok(DataChunk {
            tsn,
            stream_id,
            mid,
            fsn,
            ppid,
            unordered: flags & FLAG_U != 0,
            begin,
            end: flags & FLAG_E != 0,
            immediate: flags & FLAG_I != 0,
            payload: r.rest(),
        })
    }

    pub(super) fn flags(&self) -> u8 {
        let mut flags = 0;
        for (set, bit) in [
            (self.immediate, FLAG_I),
            (self.unordered, FLAG_U),
            (self.begin, FLAG_B),
            (self.end, FLAG_E),
        ] {
            if set {
                flags |= bit;
            }
        }
        flags
    }

    pub(super) fn value_len(&self, i_data: bool) -> usize {
        Self::header_len(i_data) + self.payload.len()
    }

    /// For DATA only the low 16 bits of `mid` (the SSN) are sent; for I-DATA with B set the
    /// `fsn` is not sent (it is 0 by definition), without B the `ppid` is not sent.
    pub(super) fn write_value(&self, w: &mut Writer<'_>, i_data: bool) {
        w.u32(self.tsn);
        w.u16(self.stream_id);
        if i_data {
            w.u16(0);
            w.u32(self.mid);
            w.u32(if self.begin { self.ppid } else { self.fsn });
        } else {
            w.u16((self.mid & 0xFFFF) as u16);
            w.u32(self.ppid);
        }
        w.bytes(self.payload);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    fn sample(payload: &[u8]) -> DataChunk<'_> {
        DataChunk {
            tsn: 0x1122_3344,
            stream_id: 3,
            mid: 7,
            fsn: 0,
            ppid: 51,
            unordered: false,
            begin: true,
            end: true,
            immediate: false,
            payload,
        }
    }

    #[test]
    fn data_round_trips() {
        let b = round_trip(&Chunk::Data(sample(b"hello")));
        assert_eq!(&b[..4], &[0, 0x03, 0, 21]);
        assert_eq!(&b[8..16], &[0, 3, 0, 7, 0, 0, 0, 51]);
        assert_eq!(b.len(), 24);
        let d = DataChunk {
            unordered: true,
            immediate: true,
            begin: false,
            ..sample(b"abcd")
        };
        let b = round_trip(&Chunk::Data(d));
        assert_eq!(b[1], 0x0D);
    }

    #[test]
    fn i_data_round_trips_ppid_or_fsn() {
        let first = DataChunk {
            mid: 0x0102_0304,
            end: false,
            ..sample(b"x")
        };
        let b = round_trip(&Chunk::IData(first));
        assert_eq!(&b[..4], &[64, 0x02, 0, 21]);
        assert_eq!(&b[12..20], &[1, 2, 3, 4, 0, 0, 0, 51]);
        let middle = DataChunk {
            mid: 9,
            fsn: 5,
            ppid: 0,
            begin: false,
            end: false,
            ..sample(b"yz")
        };
        let b = round_trip(&Chunk::IData(middle));
        assert_eq!(&b[16..20], &[0, 0, 0, 5]);
    }

    #[test]
    fn empty_payload_parses_for_no_user_data() {
        let bytes = [0, 3, 0, 16, 0, 0, 0, 9, 0, 1, 0, 2, 0, 0, 0, 0];
        match Chunk::parse(&bytes) {
            Ok(Chunk::Data(d)) => {
                assert_eq!(d.tsn, 9);
                assert!(d.payload.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn short_header_is_truncated() {
        assert_eq!(
            Chunk::parse(&[0, 3, 0, 12, 0, 0, 0, 9, 0, 1, 0, 2]),
            Err(ParseError::Truncated)
        );
        let i_data = [64, 3, 0, 16, 0, 0, 0, 9, 0, 1, 0, 0, 0, 0, 0, 1];
        assert_eq!(Chunk::parse(&i_data), Err(ParseError::Truncated));
    }
}
