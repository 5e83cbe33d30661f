//! Runs the single-chunk, parameter-list and error-cause-list parsers on arbitrary bytes and
//! round-trips what parses (`sctpshim::wire::check::check_tlvs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sctpshim::wire::check::check_tlvs;

fuzz_target!(|data: &[u8]| {
    check_tlvs(data);
});
