//! Randomized robustness test: thousands of mutated valid packets (bit flips, truncation,
//! length-field tampering, random bytes, splices), with the CRC32c recomputed after mutation
//! so the chunk parsers are reached. Nothing may panic and everything that parses must
//! round-trip ([`check_packet`]). Deterministic: a fixed-seed xorshift generator.

use super::captures_seeds;
use super::cause::ErrorCause;
use super::check::{build_packet, check_packet, fix_checksum};
use super::chunk::*;
use super::packet::{CommonHeader, Packet};
use super::param::Param;
use super::ParseError;

/// xorshift64* (Vigna), enough for test-case generation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

const HEADER: CommonHeader = CommonHeader {
    src_port: 9,
    dst_port: 7,
    verification_tag: 0x0102_0304,
};

/// Valid packets covering every chunk, parameter and cause type.
fn seeds() -> Vec<Vec<u8>> {
    let v4 = "10.0.0.1".parse().unwrap();
    let v6 = "fe80::1".parse().unwrap();
    let data = DataChunk {
        tsn: 1,
        stream_id: 2,
        mid: 3,
        fsn: 0,
        ppid: 4,
        unordered: true,
        begin: true,
        end: false,
        immediate: true,
        payload: b"payload bytes",
    };
    let init = InitChunk {
        initiate_tag: 5,
        a_rwnd: 6,
        num_outbound_streams: 7,
        num_inbound_streams: 8,
        initial_tsn: 9,
        params: vec![
            Param::Address(v4),
            Param::Address(v6),
            Param::CookiePreservative(10),
            Param::HostNameAddress(b"host\0"),
            Param::SupportedAddressTypes(vec![5, 6, 11]),
            Param::EcnCapable,
            Param::ForwardTsnSupported,
            Param::Random(&[1; 32]),
            Param::ChunkList(vec![0x80, 0xC1, 0x0F]),
            Param::RequestedHmacAlgorithms(vec![1, 3]),
            Param::Padding(5),
            Param::SupportedExtensions(vec![0xC0, 0x82]),
            Param::AdaptationLayerIndication(11),
            Param::Unknown {
                param_type: 0x8123,
                value: &[1, 2, 3],
            },
        ],
    };
    let init_ack = InitChunk {
        params: vec![
            Param::StateCookie(&[0x42; 24]),
            Param::UnrecognizedParameter(&[0x80, 0x77, 0, 5, 1, 0, 0, 0]),
            Param::HeartbeatInfo(&[1, 2]),
        ],
        ..init.clone()
    };
    let causes = vec![
        ErrorCause::InvalidStreamId { stream_id: 1 },
        ErrorCause::MissingMandatoryParam {
            param_types: vec![7, 9, 1],
        },
        ErrorCause::StaleCookie { staleness_us: 2 },
        ErrorCause::OutOfResource,
        ErrorCause::UnresolvableAddress {
            address: &[0, 11, 0, 6, b'h', 0],
        },
        ErrorCause::UnrecognizedChunkType {
            chunk: &[7, 0, 0, 8, 0, 0, 0, 1],
        },
        ErrorCause::InvalidMandatoryParam,
        ErrorCause::UnrecognizedParams {
            params: &[0x80, 0x05, 0, 6, 0, 0],
        },
        ErrorCause::NoUserData { tsn: 3 },
        ErrorCause::CookieWhileShuttingDown,
        ErrorCause::RestartWithNewAddresses {
            addresses: &[0, 5, 0, 8, 1, 2, 3, 4],
        },
        ErrorCause::UserInitiatedAbort { reason: b"why" },
        ErrorCause::ProtocolViolation { info: b"info" },
        ErrorCause::DeleteLastAddress {
            param: &[0xC0, 0x02, 0, 16, 0, 0, 0, 1, 0, 5, 0, 8, 1, 2, 3, 4],
        },
        ErrorCause::ResourceShortage { param: &[] },
        ErrorCause::DeleteSourceAddress { param: &[] },
        ErrorCause::IllegalAsconfAck,
        ErrorCause::NoAuthorization,
        ErrorCause::UnsupportedHmacId { hmac_id: 2 },
        ErrorCause::Unknown {
            code: 0x4444,
            value: &[5],
        },
    ];
    let skipped = vec![
        SkippedStream {
            stream_id: 1,
            unordered: false,
            mid: 2,
        },
        SkippedStream {
            stream_id: 3,
            unordered: true,
            mid: 4,
        },
    ];
    let packets: Vec<Vec<Chunk<'_>>> = vec![
        vec![Chunk::Init(init)],
        vec![Chunk::InitAck(init_ack)],
        vec![
            Chunk::CookieEcho(CookieEchoChunk { cookie: &[3; 20] }),
            Chunk::Data(data.clone()),
        ],
        vec![
            Chunk::CookieAck,
            Chunk::IData(DataChunk {
                fsn: 0,
                ..data.clone()
            }),
        ],
        vec![Chunk::IData(DataChunk {
            begin: false,
            fsn: 6,
            ppid: 0,
            mid: 0x10000,
            ..data.clone()
        })],
        vec![Chunk::Sack(SackChunk {
            cum_tsn_ack: 1,
            a_rwnd: 2,
            gap_blocks: vec![GapBlock { start: 2, end: 3 }, GapBlock { start: 5, end: 5 }],
            dup_tsns: vec![1, 0],
        })],
        vec![
            Chunk::Heartbeat(HeartbeatChunk {
                info: &[1, 2, 3, 4, 5],
            }),
            Chunk::HeartbeatAck(HeartbeatChunk { info: &[6] }),
        ],
        vec![Chunk::Abort(AbortChunk {
            t_bit: true,
            causes: causes.clone(),
        })],
        vec![Chunk::Error(ErrorChunk { causes })],
        vec![
            Chunk::Shutdown(ShutdownChunk { cum_tsn_ack: 9 }),
            Chunk::ShutdownAck,
            Chunk::ShutdownComplete { t_bit: true },
        ],
        vec![
            Chunk::Auth(AuthChunk {
                shared_key_id: 1,
                hmac_id: 1,
                hmac: &[7; 20],
            }),
            Chunk::Asconf(AsconfChunk {
                serial: 1,
                address: Param::Address(v6),
                params: vec![
                    Param::AddIpAddress {
                        correlation_id: 1,
                        address: v4,
                    },
                    Param::DeleteIpAddress {
                        correlation_id: 2,
                        address: v6,
                    },
                    Param::SetPrimaryAddress {
                        correlation_id: 3,
                        address: v4,
                    },
                    Param::AdaptationLayerIndication(4),
                ],
            }),
        ],
        vec![Chunk::AsconfAck(AsconfAckChunk {
            serial: 2,
            params: vec![
                Param::SuccessIndication { correlation_id: 1 },
                Param::ErrorCauseIndication {
                    correlation_id: 2,
                    causes: &[0, 0xA0, 0, 4, 0, 1, 0, 8, 0, 1, 0, 0],
                },
            ],
        })],
        vec![Chunk::ReConfig(ReConfigChunk {
            params: vec![
                Param::OutgoingSsnReset {
                    request_seq: 1,
                    response_seq: 2,
                    last_tsn: 3,
                    streams: vec![1, 2, 3],
                },
                Param::IncomingSsnReset {
                    request_seq: 4,
                    streams: vec![5],
                },
            ],
        })],
        vec![Chunk::ReConfig(ReConfigChunk {
            params: vec![
                Param::SsnTsnReset { request_seq: 1 },
                Param::ReconfigResponse {
                    response_seq: 1,
                    result: 0,
                    tsns: Some((1, 2)),
                },
            ],
        })],
        vec![Chunk::ReConfig(ReConfigChunk {
            params: vec![
                Param::AddOutgoingStreams {
                    request_seq: 1,
                    count: 2,
                },
                Param::AddIncomingStreams {
                    request_seq: 2,
                    count: 3,
                },
            ],
        })],
        vec![
            Chunk::Pad(PadChunk { len: 9 }),
            Chunk::ForwardTsn(ForwardTsnChunk {
                new_cum_tsn: 5,
                streams: skipped
                    .iter()
                    .map(|s| SkippedStream {
                        unordered: false,
                        ..*s
                    })
                    .collect(),
            }),
            Chunk::IForwardTsn(ForwardTsnChunk {
                new_cum_tsn: 6,
                streams: skipped,
            }),
            Chunk::Unknown {
                chunk_type: 0xFE,
                flags: 3,
                value: &[1, 2, 3, 4, 5],
            },
        ],
    ];
    let mut out: Vec<Vec<u8>> = packets
        .iter()
        .map(|chunks| build_packet(HEADER, chunks))
        .collect();
    out.extend(captures_seeds());
    out
}

fn mutate(rng: &mut Rng, packet: &mut Vec<u8>, other: &[u8]) {
    let len = packet.len();
    match rng.below(8) {
        0 => {
            if len > 0 {
                let i = rng.below(len);
                packet[i] ^= 1 << rng.below(8);
            }
        }
        1 => packet.truncate(rng.below(len + 1)),
        2 | 3 => {
            // Tamper with a length field: chunk lengths sit at 12 + 4k + 2 when chunks are
            // aligned, parameter and cause lengths at any 4-aligned offset + 2.
            if len >= 16 {
                let at = 12 + 4 * rng.below((len - 12) / 4) + 2;
                let old =
                    u16::from_be_bytes([packet[at], packet.get(at + 1).copied().unwrap_or(0)]);
                let new = match rng.below(6) {
                    0 => rng.below(8) as u16,
                    1 => old.wrapping_add(1),
                    2 => old.wrapping_sub(1),
                    3 => old.wrapping_add(4),
                    4 => u16::MAX - rng.below(4) as u16,
                    _ => rng.next() as u16,
                };
                let b = new.to_be_bytes();
                packet[at] = b[0];
                if at + 1 < len {
                    packet[at + 1] = b[1];
                }
            }
        }
        4 => {
            let i = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            packet.splice(i..i, bytes);
        }
        5 => {
            if len > 0 {
                let i = rng.below(len);
                let n = rng.below(len - i + 1);
                packet.drain(i..i + n);
            }
        }
        6 => {
            // Splice in a piece of another packet's chunks.
            if other.len() > 12 && len >= 12 {
                let from = 12 + rng.below(other.len() - 12);
                let n = rng.below(other.len() - from + 1);
                let at = 12 + rng.below(len - 12 + 1);
                packet.splice(at..at, other[from..from + n].iter().copied());
            }
        }
        _ => {
            if len > 0 {
                let i = rng.below(len);
                packet[i] = rng.byte();
            }
        }
    }
}

#[test]
fn mutated_packets_never_panic_and_round_trip() {
    let seeds = seeds();
    for s in &seeds {
        assert!(check_packet(s) > 0, "seed does not parse");
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut parsed_chunks, mut bad_checksum, mut malformed) = (0usize, 0usize, 0usize);
    for _ in 0..100_000 {
        let mut p = seeds[rng.below(seeds.len())].clone();
        let other = &seeds[rng.below(seeds.len())];
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut p, other);
        }
        if rng.below(16) != 0 {
            fix_checksum(&mut p);
        }
        parsed_chunks += check_packet(&p);
        match Packet::parse(&p) {
            Err(ParseError::BadChecksum) => bad_checksum += 1,
            Ok(packet) => malformed += usize::from(packet.chunks().any(|c| c.is_err())),
            Err(_) => {}
        }
    }
    // The mutations reach both outcomes often: the test is not only exercising one path.
    assert!(parsed_chunks > 20_000, "only {parsed_chunks} chunks parsed");
    assert!(
        bad_checksum > 2_000,
        "only {bad_checksum} checksum failures"
    );
    assert!(malformed > 30_000, "only {malformed} malformed packets");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let n = rng.below(200);
        let mut p: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
        fix_checksum(&mut p);
        check_packet(&p);
        // Every parser entry point, on the same bytes.
        let body = p.get(12..).unwrap_or_default();
        let _ = Chunk::parse(body);
        let _ = Param::parse(body);
        let _ = Param::parse_list(body);
        let _ = ErrorCause::parse(body);
        let _ = ErrorCause::parse_list(body);
    }
}
