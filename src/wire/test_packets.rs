//! Hand-built packets for tests: every chunk, parameter and error cause type at least once.

use super::cause::ErrorCause;
use super::check::build_packet;
use super::chunk::*;
use super::packet::CommonHeader;
use super::param::Param;

const HEADER: CommonHeader = CommonHeader {
    src_port: 9,
    dst_port: 7,
    verification_tag: 0x0102_0304,
};

/// Valid packets that together hold every chunk, parameter and cause type, with
/// RFC-conforming contents (Wireshark decodes them without complaint, see `tshark_tests`).
pub(super) fn every_type() -> Vec<Vec<u8>> {
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
        ErrorCause::ResourceShortage {
            param: &[0xC0, 0x04, 0, 16, 0, 0, 0, 2, 0, 5, 0, 8, 1, 2, 3, 4],
        },
        ErrorCause::DeleteSourceAddress {
            param: &[0xC0, 0x02, 0, 16, 0, 0, 0, 3, 0, 5, 0, 8, 1, 2, 3, 4],
        },
        ErrorCause::IllegalAsconfAck,
        ErrorCause::RequestRefused {
            param: &[0xC0, 0x01, 0, 16, 0, 0, 0, 4, 0, 5, 0, 8, 1, 2, 3, 4],
        },
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
            Chunk::Ecne { lowest_tsn: 17 },
            Chunk::Cwr { lowest_tsn: 17 },
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
                    causes: &[0, 0xA3, 0, 4, 0, 1, 0, 8, 0, 1, 0, 0],
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
    packets
        .iter()
        .map(|chunks| build_packet(HEADER, chunks))
        .collect()
}
