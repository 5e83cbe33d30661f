//! Codec self-checks for randomized tests and the cargo-fuzz targets (`fuzz/`): parse
//! arbitrary bytes and, for whatever parses, check that encoding and parsing again gives the
//! same value. These functions panic on a codec bug, which is what a fuzzer looks for; they
//! are compiled only for tests and with the `fuzzing` feature.

use super::chunk::Chunk;
use super::packet::{checksum, CommonHeader, Packet, PacketWriter, HEADER_LEN};
use super::{ErrorCause, Param};

/// Overwrites the checksum field of `packet` with its CRC32c so that mutated packets reach
/// the chunk parsers. Does nothing to a packet shorter than the common header.
pub fn fix_checksum(packet: &mut [u8]) {
    if packet.len() >= HEADER_LEN {
        let crc = checksum(packet);
        packet[8..12].copy_from_slice(&crc.to_le_bytes());
    }
}

/// Parses `bytes` as a packet and checks every chunk that parses: it re-encodes to at most its
/// received size, parses back equal, and the whole packet re-bundles and parses back equal.
/// Nested opaque fields that hold TLVs (unrecognized parameters, error causes, chunks) are
/// parsed and checked too. Returns the number of chunks that parsed.
pub fn check_packet(bytes: &[u8]) -> usize {
    let Ok(packet) = Packet::parse(bytes) else {
        return 0;
    };
    let chunks: Vec<Chunk<'_>> = packet.chunks().map_while(Result::ok).collect();
    for c in &chunks {
        check_chunk(c);
    }
    // Re-bundle: each chunk re-encodes to at most its received size, plus up to 3 bytes of
    // final padding the sender may have left out.
    let mut out = vec![0u8; bytes.len() + 3];
    let mut w = PacketWriter::new(&mut out, packet.header);
    for c in &chunks {
        assert!(w.try_add(c), "re-encoded chunk does not fit: {c:?}");
    }
    let n = w.finish();
    let again = Packet::parse(&out[..n]).expect("re-encoded packet parses");
    assert_eq!(again.header, packet.header);
    let reparsed: Vec<_> = again
        .chunks()
        .collect::<Result<_, _>>()
        .expect("re-encoded chunks parse");
    assert_eq!(reparsed, chunks);
    chunks.len()
}

/// Bundles `chunks` into a packet with a valid checksum (a seed for mutation).
pub fn build_packet(header: CommonHeader, chunks: &[Chunk<'_>]) -> Vec<u8> {
    let mut buf = vec![0u8; HEADER_LEN + chunks.iter().map(Chunk::encoded_len).sum::<usize>()];
    let mut w = PacketWriter::new(&mut buf, header);
    for c in chunks {
        assert!(w.try_add(c), "seed chunk does not encode: {c:?}");
    }
    let n = w.finish();
    buf.truncate(n);
    buf
}

/// Parses `bytes` as one chunk, as a parameter list and as an error cause list, and checks
/// whatever parses as [`check_packet`] does.
pub fn check_tlvs(bytes: &[u8]) {
    if let Ok(c) = Chunk::parse(bytes) {
        check_chunk(&c);
    }
    check_param_list(bytes);
    check_cause_list(bytes);
}

fn check_chunk(c: &Chunk<'_>) {
    let mut buf = vec![0u8; c.encoded_len()];
    assert_eq!(
        c.encode(&mut buf),
        buf.len(),
        "parsed chunk does not encode: {c:?}"
    );
    assert_eq!(
        Chunk::parse(&buf).as_ref(),
        Ok(c),
        "chunk changes through encode/parse"
    );
    let (params, causes): (&[Param<'_>], &[ErrorCause<'_>]) = match c {
        Chunk::Init(i) | Chunk::InitAck(i) => (&i.params, &[]),
        Chunk::Asconf(a) => (&a.params, &[]),
        Chunk::AsconfAck(a) => (&a.params, &[]),
        Chunk::ReConfig(r) => (&r.params, &[]),
        Chunk::Abort(a) => (&[], &a.causes),
        Chunk::Error(e) => (&[], &e.causes),
        _ => (&[], &[]),
    };
    params.iter().for_each(check_param);
    causes.iter().for_each(check_cause);
}

fn check_param(p: &Param<'_>) {
    let mut buf = vec![0u8; p.encoded_len()];
    assert_eq!(
        p.encode(&mut buf),
        buf.len(),
        "parsed parameter does not encode: {p:?}"
    );
    assert_eq!(
        Param::parse(&buf).as_ref(),
        Ok(p),
        "parameter changes through encode/parse"
    );
    match p {
        Param::UnrecognizedParameter(inner) => check_param_list(inner),
        Param::ErrorCauseIndication { causes, .. } => check_cause_list(causes),
        _ => {}
    }
}

fn check_cause(c: &ErrorCause<'_>) {
    let mut buf = vec![0u8; c.encoded_len()];
    assert_eq!(
        c.encode(&mut buf),
        buf.len(),
        "parsed cause does not encode: {c:?}"
    );
    assert_eq!(
        ErrorCause::parse(&buf).as_ref(),
        Ok(c),
        "cause changes through encode/parse"
    );
    match c {
        ErrorCause::UnrecognizedChunkType { chunk } => {
            if let Ok(inner) = Chunk::parse(chunk) {
                check_chunk(&inner);
            }
        }
        ErrorCause::UnrecognizedParams { params: inner }
        | ErrorCause::UnresolvableAddress { address: inner }
        | ErrorCause::RestartWithNewAddresses { addresses: inner }
        | ErrorCause::DeleteLastAddress { param: inner }
        | ErrorCause::ResourceShortage { param: inner }
        | ErrorCause::DeleteSourceAddress { param: inner }
        | ErrorCause::RequestRefused { param: inner } => check_param_list(inner),
        _ => {}
    }
}

fn check_param_list(bytes: &[u8]) {
    if let Ok(list) = Param::parse_list(bytes) {
        list.iter().for_each(check_param);
    }
}

fn check_cause_list(bytes: &[u8]) {
    if let Ok(list) = ErrorCause::parse_list(bytes) {
        list.iter().for_each(check_cause);
    }
}
