//! Packets captured from a real SCTP stack (usrsctp 0.9.5, Debian's libusrsctp-examples),
//! sent over UDP encapsulation on loopback inside a network namespace and recorded with tshark;
//! the expected values are what tshark decoded. The raw captures are in `testdata/`.

use std::net::IpAddr;

use super::chunk::{Chunk, DataChunk, HeartbeatChunk, SackChunk, ShutdownChunk};
use super::packet::{CommonHeader, Packet, PacketWriter};
use super::param::Param;

const ECHO: &str = include_str!("testdata/usrsctp_echo.txt");
const TSCTP: &str = include_str!("testdata/usrsctp_tsctp.txt");

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// The packets of a testdata file: (frame number, bytes, tshark's summary).
fn packets(text: &str) -> Vec<(u32, Vec<u8>, String)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let frame = parts
                .next()
                .and_then(|f| f.parse().ok())
                .expect("frame number");
            let bytes = hex(parts.next().expect("hex"));
            (frame, bytes, parts.next().unwrap_or("").trim().to_string())
        })
        .collect()
}

/// Every captured packet, as seeds for the mutation tests.
pub(super) fn seeds() -> Vec<Vec<u8>> {
    packets(ECHO)
        .into_iter()
        .chain(packets(TSCTP))
        .map(|p| p.1)
        .collect()
}

fn frame(text: &str, n: u32) -> Vec<u8> {
    packets(text)
        .into_iter()
        .find(|p| p.0 == n)
        .map(|p| p.1)
        .expect("frame present")
}

fn chunks(bytes: &[u8]) -> (CommonHeader, Vec<Chunk<'_>>) {
    let p = Packet::parse(bytes).expect("packet parses");
    (
        p.header,
        p.chunks().collect::<Result<_, _>>().expect("chunks parse"),
    )
}

/// The short name tshark gives a chunk type in its summary line.
fn tshark_name(c: &Chunk<'_>) -> &'static str {
    match c {
        Chunk::Init(_) => "INIT",
        Chunk::InitAck(_) => "INIT_ACK",
        Chunk::CookieEcho(_) => "COOKIE_ECHO",
        Chunk::CookieAck => "COOKIE_ACK",
        Chunk::Heartbeat(_) => "HEARTBEAT",
        Chunk::HeartbeatAck(_) => "HEARTBEAT_ACK",
        Chunk::Data(_) => "DATA",
        Chunk::Sack(_) => "SACK",
        Chunk::Shutdown(_) => "SHUTDOWN",
        Chunk::ShutdownAck => "SHUTDOWN_ACK",
        Chunk::ShutdownComplete { .. } => "SHUTDOWN_COMPLETE",
        _ => "other",
    }
}

#[test]
fn every_captured_packet_parses_and_re_encodes_byte_for_byte() {
    let all: Vec<_> = packets(ECHO).into_iter().chain(packets(TSCTP)).collect();
    assert_eq!(all.len(), 36);
    for (n, bytes, summary) in &all {
        let (header, parsed) = chunks(bytes);
        // Same chunk types, in order, as tshark's summary line.
        let names: Vec<_> = parsed.iter().map(tshark_name).collect();
        let tshark: Vec<_> = summary
            .split(' ')
            .filter(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !w.is_empty())
            .collect();
        assert_eq!(names, tshark, "frame {n}: {summary}");
        let mut out = vec![0u8; bytes.len()];
        let mut w = PacketWriter::new(&mut out, header);
        for c in &parsed {
            assert!(w.try_add(c), "frame {n}: chunk does not fit again");
        }
        assert_eq!(w.finish(), bytes.len(), "frame {n}");
        assert_eq!(&out, bytes, "frame {n} re-encodes differently");
    }
}

#[test]
fn echo_init() {
    let bytes = frame(ECHO, 1);
    let (header, parsed) = chunks(&bytes);
    assert_eq!(
        header,
        CommonHeader {
            src_port: 61124,
            dst_port: 7,
            verification_tag: 0
        }
    );
    let [Chunk::Init(init)] = &parsed[..] else {
        panic!("not one INIT: {parsed:?}")
    };
    assert_eq!(init.initiate_tag, 0xce4c_3c4f);
    assert_eq!(init.a_rwnd, 131_072);
    assert_eq!(
        (init.num_outbound_streams, init.num_inbound_streams),
        (10, 2048)
    );
    assert_eq!(init.initial_tsn, 2_413_571_922);
    let random = hex("f00db12ca9c9cd1e11fc99b6a3efaec134c6d755ee7cf5c377317f85308d3537");
    let expected = vec![
        Param::EcnCapable,
        Param::ForwardTsnSupported,
        Param::SupportedExtensions(vec![0xC0, 0x0F, 0xC1, 0x80, 0x82]),
        Param::Random(&random),
        Param::RequestedHmacAlgorithms(vec![1]),
        Param::ChunkList(vec![0x80, 0xC1]),
        Param::SupportedAddressTypes(vec![5, 6]),
        Param::Address("::1".parse::<IpAddr>().unwrap()),
        Param::Address("127.0.0.1".parse::<IpAddr>().unwrap()),
    ];
    assert_eq!(init.params, expected);
    // Chunk length 128 as tshark shows.
    assert_eq!(&bytes[12..16], &[1, 0, 0, 128]);
}

#[test]
fn echo_init_ack_carries_the_cookie_echoed_next() {
    let bytes = frame(ECHO, 2);
    let (header, parsed) = chunks(&bytes);
    assert_eq!(header.verification_tag, 0xce4c_3c4f);
    let [Chunk::InitAck(ack)] = &parsed[..] else {
        panic!("not one INIT ACK")
    };
    assert_eq!(ack.initiate_tag, 0x14bb_1518);
    assert_eq!(ack.initial_tsn, 4_148_737_195);
    assert!(ack.params.contains(&Param::Address("::1".parse().unwrap())));
    let cookie = ack.state_cookie().expect("state cookie");
    assert_eq!(cookie.len(), 380);
    assert_eq!(&cookie[..8], b"KAME-BSD");

    let echo = frame(ECHO, 3);
    let (header, parsed) = chunks(&echo);
    assert_eq!(header.verification_tag, 0x14bb_1518);
    assert_eq!(
        parsed,
        vec![Chunk::CookieEcho(super::chunk::CookieEchoChunk { cookie })]
    );
    let cookie_ack = frame(ECHO, 4);
    assert_eq!(chunks(&cookie_ack).1, vec![Chunk::CookieAck]);
}

#[test]
fn echo_heartbeat() {
    let bytes = hex(concat!(
        "0007eec4ce4c3c4f2e86bd560400002c00010028e6ea036b70e00d0046033831ad9aca150a1c",
        "000000000000000000000000000000000001"
    ));
    let (_, parsed) = chunks(&bytes);
    let info = hex("e6ea036b70e00d0046033831ad9aca150a1c000000000000000000000000000000000001");
    assert_eq!(
        parsed,
        vec![Chunk::Heartbeat(HeartbeatChunk { info: &info })]
    );
    // The peer echoes the info unchanged in its HEARTBEAT ACK (frames 7/8 carry the two
    // directions' acks).
    let acks: Vec<_> = [7, 8].iter().map(|&n| frame(ECHO, n)).collect();
    assert!(acks
        .iter()
        .any(|a| chunks(a).1 == vec![Chunk::HeartbeatAck(HeartbeatChunk { info: &info })]));
}

#[test]
fn echo_data_and_sack() {
    let data = hex(
        "eec4000714bb15187720e0bf0003001e8fdc2f52000000000000000068656c6c6f20757372736374700a0000",
    );
    let (_, parsed) = chunks(&data);
    let expected = DataChunk {
        tsn: 2_413_571_922,
        stream_id: 0,
        mid: 0,
        fsn: 0,
        ppid: 0,
        unordered: false,
        begin: true,
        end: true,
        immediate: false,
        payload: b"hello usrsctp\n",
    };
    assert_eq!(parsed, vec![Chunk::Data(expected)]);

    let sack = hex("0007eec4ce4c3c4fb10d846c030000108fdc2f520002000000000000");
    let (_, parsed) = chunks(&sack);
    let expected = SackChunk {
        cum_tsn_ack: 2_413_571_922,
        a_rwnd: 131_072,
        gap_blocks: vec![],
        dup_tsns: vec![],
    };
    assert_eq!(parsed, vec![Chunk::Sack(expected)]);
}

#[test]
fn echo_bundled_sack_and_data() {
    let bytes = hex(concat!(
        "0007eec4ce4c3c4f7acc0f16030000108fdc2f53000200000000000000030024f748b4ac",
        "00000001000000007365636f6e64206c696e65206f6620646174610a"
    ));
    let (_, parsed) = chunks(&bytes);
    assert_eq!(parsed.len(), 2);
    assert_eq!(
        parsed[0],
        Chunk::Sack(SackChunk {
            cum_tsn_ack: 2_413_571_923,
            a_rwnd: 131_072,
            ..Default::default()
        })
    );
    let Chunk::Data(d) = &parsed[1] else {
        panic!("not DATA")
    };
    assert_eq!((d.tsn, d.mid, d.stream_id), (4_148_737_196, 1, 0));
    assert_eq!(d.payload, b"second line of data\n");
}

#[test]
fn echo_shutdown_sequence() {
    let shutdown = hex("eec4000714bb1518c0fbff5d07000008f748b4ac");
    assert_eq!(
        chunks(&shutdown).1,
        vec![Chunk::Shutdown(ShutdownChunk {
            cum_tsn_ack: 4_148_737_196
        })]
    );
    let ack = hex("0007eec4ce4c3c4fb1d1aee708000004");
    assert_eq!(chunks(&ack).1, vec![Chunk::ShutdownAck]);
    let complete = hex("eec4000714bb151854b0b20d0e000004");
    assert_eq!(
        chunks(&complete).1,
        vec![Chunk::ShutdownComplete { t_bit: false }]
    );
}

#[test]
fn tsctp_init_with_adaptation_and_unpadded_last_param() {
    let bytes = frame(TSCTP, 1);
    let (_, parsed) = chunks(&bytes);
    let [Chunk::Init(init)] = &parsed[..] else {
        panic!("not one INIT")
    };
    assert_eq!(init.initiate_tag, 0x224a_fd5b);
    assert_eq!(
        init.params.first(),
        Some(&Param::AdaptationLayerIndication(0))
    );
    assert_eq!(
        init.params.last(),
        Some(&Param::SupportedAddressTypes(vec![5]))
    );
    // Chunk length 106: the last parameter's 2 padding bytes are not counted.
    assert_eq!(&bytes[12..16], &[1, 0, 0, 106]);
    assert_eq!(bytes.len(), 12 + 108);
}

#[test]
fn tsctp_fragments() {
    let bytes_5 = frame(TSCTP, 5);
    let (_, first) = chunks(&bytes_5);
    let [Chunk::Data(d)] = &first[..] else {
        panic!("not DATA")
    };
    assert_eq!(
        (d.tsn, d.begin, d.end, d.immediate),
        (1_628_984_381, true, false, false)
    );
    assert_eq!(d.payload.len(), 1000);
    let bytes_7 = frame(TSCTP, 7);
    let (_, last) = chunks(&bytes_7);
    let [Chunk::Data(d)] = &last[..] else {
        panic!("not DATA")
    };
    // Flags 0x09: E and SACK-IMMEDIATELY.
    assert_eq!(
        (d.tsn, d.begin, d.end, d.immediate),
        (1_628_984_383, false, true, true)
    );
    assert_eq!(d.payload.len(), 500);
    let bytes_11 = frame(TSCTP, 11);
    let (_, sack) = chunks(&bytes_11);
    assert_eq!(
        sack,
        vec![Chunk::Sack(SackChunk {
            cum_tsn_ack: 1_628_984_383,
            a_rwnd: 127_804,
            ..Default::default()
        })]
    );
}
