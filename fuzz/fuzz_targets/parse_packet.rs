//! Parses arbitrary bytes as an SCTP packet and re-encodes whatever parses
//! (`sctpshim::wire::check::check_packet`). Most inputs fail the CRC32c, so each input is
//! tried twice: as given (the checksum path) and with its checksum fixed (the chunk parsers).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sctpshim::wire::check::{check_packet, fix_checksum};

fuzz_target!(|data: &[u8]| {
    check_packet(data);
    let mut fixed = data.to_vec();
    fix_checksum(&mut fixed);
    check_packet(&fixed);
});
