//! The one codec error type.

/// Why bytes could not be parsed. Small on purpose: the association only needs to know that a
/// packet or chunk is malformed and, for a log line, roughly why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Shorter than a header or than its own length field says.
    Truncated,
    /// A length field below its minimum, or a value that breaks a length or padding rule.
    BadLength,
    /// The CRC32c in the common header does not match.
    BadChecksum,
    /// A field holds a value the RFC forbids (e.g. a HEARTBEAT whose parameter is not Heartbeat
    /// Info). A DATA chunk without user data is not an error here: the association needs its
    /// TSN for the "No User Data" ABORT (RFC 9260 6.2).
    BadValue,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ParseError::Truncated => "truncated",
            ParseError::BadLength => "bad length",
            ParseError::BadChecksum => "bad checksum",
            ParseError::BadValue => "bad value",
        })
    }
}

impl std::error::Error for ParseError {}
