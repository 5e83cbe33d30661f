//! COOKIE ECHO (RFC 9260 3.3.11): the State Cookie from the INIT ACK, echoed as is.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Type = 10   |Chunk  Flags   |            Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                            Cookie                             /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

/// COOKIE ECHO (3.3.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieEchoChunk<'a> {
    pub cookie: &'a [u8],
}

impl<'a> CookieEchoChunk<'a> {
    /// Any length is accepted; validating the cookie is the association's job (RFC 9260 5.1.5).
    pub(super) fn parse(value: &'a [u8]) -> Self {
        CookieEchoChunk { cookie: value }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::round_trip;
    use super::super::Chunk;
    use super::*;

    #[test]
    fn round_trips() {
        let b = round_trip(&Chunk::CookieEcho(CookieEchoChunk {
            cookie: &[1, 2, 3, 4, 5],
        }));
        assert_eq!(b, [10, 0, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
    }
}
