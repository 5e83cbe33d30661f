//! Cross-checks `shim::notify` and `shim::cmsg` with C: notifications and receive cmsgs built in
//! Rust are read back by `shim-tests/abi_roundtrip.c` through the system headers' structs and
//! glibc's CMSG_* macros; send cmsgs built in C the way lksctp-tools' `sctp_sendmsg`/`sctp_sendv`
//! build them are parsed in Rust.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::OnceLock;

use sctpshim::abi::*;
use sctpshim::assoc::{Event, FragFlags, PathChange, PrPolicy};
use sctpshim::shim::cmsg::{write_recv_cmsgs, RecvCmsgOpts, RecvMeta, SendParams};
use sctpshim::shim::notify::*;
use sctpshim::shim::sockaddr::AddrPolicy;

mod common;
mod support;

/// The compiled C program and its scratch dir, built once per test process (tests run in
/// parallel; recompiling over a running executable fails with ETXTBSY).
fn program() -> (PathBuf, PathBuf) {
    static PROGRAM: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let dir = common::scratch_dir("abi_roundtrip");
            let exe = support::compile_c(
                "abi_roundtrip.c",
                &dir,
                &["-std=gnu11", "-I", &dir.to_string_lossy()],
            );
            (dir, exe)
        })
        .clone()
}

/// Parses "key=value key=value" lines.
fn parse_lines(out: &[u8]) -> Vec<BTreeMap<String, String>> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn check(line: &BTreeMap<String, String>, want: &[(&'static str, String)]) {
    for (k, v) in want {
        assert_eq!(line.get(*k), Some(v), "field {k} in {line:?}");
    }
}

/// Expected `key=value` fields of one output line.
type Fields = Vec<(&'static str, String)>;

/// `kv!(name = value, ...)`; raw identifiers (`r#in`) name the field without the prefix.
macro_rules! kv {
    ($($k:ident = $v:expr),* $(,)?) => {
        vec![$((stringify!($k).trim_start_matches("r#"), $v.to_string())),*] as Fields
    };
}

const CTX: NotifyCtx = NotifyCtx {
    assoc_id: 7,
    peer_port: 2000,
    addr_policy: AddrPolicy::INET,
};

fn send_failed(payload: Vec<u8>, frag: FragFlags, unordered: bool) -> Event {
    Event::SendFailed {
        sent: true,
        error: 5,
        stream_id: 2,
        ppid: 0x0a0b_0c0d,
        context: 42,
        sinfo_assoc_id: None,
        timetolive: 0,
        unordered,
        frag,
        payload,
    }
}

#[test]
fn notifications_read_back_through_c_structs() {
    let all = Subscriptions::from_event_subscribe(&[1; EVENT_TYPES]).unwrap();
    let old_sf = Subscriptions::from_event_subscribe(&[0, 0, 0, 1]).unwrap();
    let ctx6 = NotifyCtx {
        addr_policy: AddrPolicy::INET6,
        ..CTX
    };
    let v4 = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let v6: IpAddr = "2001:db8::5".parse().unwrap();
    let cause = vec![0u8, 12, 0, 4];
    let mut cases: Vec<(Vec<u8>, Fields)> = Vec::new();
    let mut add = |ev: Event, ctx: &NotifyCtx, subs: &Subscriptions, want| {
        let mut out = Vec::new();
        assert!(encode_notification(&ev, ctx, subs, &mut out), "{ev:?}");
        cases.push((out, want));
    };
    let t = |ty: u16| ty.to_string();
    add(
        Event::Connected {
            outbound_streams: 10,
            inbound_streams: 65535,
        },
        &CTX,
        &all,
        kv!(type = t(SCTP_ASSOC_CHANGE), length = 20, bytes = 20, state = SCTP_COMM_UP, out = 10, r#in = 65535, id = 7, info = 0),
    );
    // sac_error is the wire's big-endian code read as a host u16, as Linux leaves it.
    let raw12 = u16::from_ne_bytes(12u16.to_be_bytes());
    add(
        Event::Lost {
            error: 12,
            causes: cause.clone(),
        },
        &CTX,
        &all,
        kv!(
            length = 24,
            bytes = 24,
            state = SCTP_COMM_LOST,
            error = raw12,
            out = 0,
            id = 7,
            info = 4
        ),
    );
    add(
        Event::CantStart {
            error: 12,
            causes: cause.clone(),
        },
        &CTX,
        &all,
        kv!(
            length = 20,
            state = SCTP_CANT_STR_ASSOC,
            error = raw12,
            info = 0
        ),
    );
    add(
        Event::ShutdownComplete,
        &CTX,
        &all,
        kv!(length = 20, state = SCTP_SHUTDOWN_COMP),
    );
    add(
        Event::PeerAddrChange {
            addr: v4,
            change: PathChange::Confirmed,
            error: 2,
        },
        &CTX,
        &all,
        kv!(type = t(SCTP_PEER_ADDR_CHANGE), length = 148, bytes = 148, state = SCTP_ADDR_CONFIRMED, error = 2, id = 7, addr = "127.0.0.2", port = 2000, family = libc::AF_INET),
    );
    add(
        Event::PeerAddrChange {
            addr: v4,
            change: PathChange::Unreachable,
            error: 0,
        },
        &ctx6,
        &all,
        kv!(
            length = 148,
            state = SCTP_ADDR_UNREACHABLE,
            addr = "::ffff:127.0.0.2",
            family = libc::AF_INET6
        ),
    );
    add(
        Event::PeerAddrChange {
            addr: v6,
            change: PathChange::Added,
            error: 0,
        },
        &ctx6,
        &all,
        kv!(
            state = SCTP_ADDR_ADDED,
            addr = "2001:db8::5",
            port = 2000,
            family = libc::AF_INET6
        ),
    );
    add(
        send_failed(
            vec![9; 500],
            FragFlags {
                first: false,
                last: true,
            },
            false,
        ),
        &CTX,
        &old_sf,
        kv!(type = t(SCTP_SEND_FAILED), flags = SCTP_DATA_SENT, length = 548, bytes = 548, error = 5, stream = 2, sflags = 1, ppid = 0x0a0b_0c0d, context = 42, sid = 7, id = 7, data = 500, first = 9),
    );
    add(
        send_failed(
            vec![1, 2, 3],
            FragFlags {
                first: true,
                last: false,
            },
            true,
        ),
        &CTX,
        &all,
        kv!(type = t(SCTP_SEND_FAILED_EVENT), flags = SCTP_DATA_SENT, length = 35, error = 5, stream = 2, sflags = 6, ppid = 0x0a0b_0c0d, context = 42, sid = 7, id = 7, data = 3, first = 1),
    );
    add(
        Event::RemoteError {
            code: 0x0102,
            data: vec![1, 2, 3, 4, 5],
        },
        &CTX,
        &all,
        kv!(type = t(SCTP_REMOTE_ERROR), length = 24, bytes = 24, cause = 0x0102, id = 7, data = 8),
    );
    add(
        Event::PeerShutdown,
        &CTX,
        &all,
        kv!(type = t(SCTP_SHUTDOWN_EVENT), length = 12, id = 7),
    );
    add(
        Event::AdaptationIndication(0x1234_5678),
        &CTX,
        &all,
        kv!(type = t(SCTP_ADAPTATION_INDICATION), length = 16, ind = 0x1234_5678, id = 7),
    );
    add(
        Event::SenderDry,
        &CTX,
        &all,
        kv!(type = t(SCTP_SENDER_DRY_EVENT), length = 12, id = 7),
    );
    add(
        Event::PartialDeliveryAborted {
            stream_id: 3,
            ssn: 11,
        },
        &CTX,
        &all,
        kv!(type = t(SCTP_PARTIAL_DELIVERY_EVENT), length = 24, ind = 0, id = 7, stream = 3, seq = 11),
    );
    let mut out = Vec::new();
    assert!(encode_authkey_event(
        &CTX,
        0,
        SCTP_AUTH_NO_AUTH,
        &all,
        &mut out
    ));
    cases.push((out.clone(), kv!(type = t(SCTP_AUTHENTICATION_EVENT), length = 20, key = 0, alt = 0, ind = SCTP_AUTH_NO_AUTH, id = 7)));
    assert!(encode_stream_reset_event(
        &CTX,
        SCTP_STREAM_RESET_OUTGOING_SSN,
        &[1, 515],
        &all,
        &mut out
    ));
    cases.push((out.clone(), kv!(type = t(SCTP_STREAM_RESET_EVENT), flags = SCTP_STREAM_RESET_OUTGOING_SSN, length = 16, id = 7, streams = "1,515")));
    assert!(encode_assoc_reset_event(
        &CTX,
        SCTP_ASSOC_RESET_DENIED,
        10,
        20,
        &all,
        &mut out
    ));
    cases.push((out.clone(), kv!(type = t(SCTP_ASSOC_RESET_EVENT), flags = SCTP_ASSOC_RESET_DENIED, length = 20, id = 7, local = 10, remote = 20)));
    assert!(encode_stream_change_event(&CTX, 0, 4, 5, &all, &mut out));
    cases.push((
        out.clone(),
        kv!(type = t(SCTP_STREAM_CHANGE_EVENT), length = 16, id = 7, r#in = 4, out = 5),
    ));

    let (dir, exe) = program();
    let mut file = Vec::new();
    for (bytes, _) in &cases {
        file.extend_from_slice(&(bytes.len() as u32).to_ne_bytes());
        file.extend_from_slice(bytes);
    }
    let path = dir.join("notifications.bin");
    std::fs::write(&path, &file).unwrap();
    let lines = parse_lines(&common::run(&exe, &["notify", path.to_str().unwrap()]));
    assert_eq!(lines.len(), cases.len());
    for (line, (_, want)) in lines.iter().zip(&cases) {
        check(line, want);
    }
}

#[test]
fn receive_cmsgs_walk_with_glibc_macros() {
    let meta = |stream, notification| RecvMeta {
        stream,
        ssn: 4,
        flags: SCTP_UNORDERED,
        ppid: 0x0506_0708,
        tsn: 1000,
        cumtsn: 999,
        context: 12,
        assoc_id: 9,
        notification,
        length: 77,
    };
    let opts = RecvCmsgOpts {
        nxtinfo: true,
        rcvinfo: true,
        sndrcv: true,
    };
    let mut control = [0u8; 256];
    let (used, truncated) =
        write_recv_cmsgs(&mut control, opts, &meta(1, false), Some(&meta(3, true)));
    assert!(!truncated);
    let (dir, exe) = program();
    let path = dir.join("recvcmsg.bin");
    std::fs::write(&path, &control[..used]).unwrap();
    let lines = parse_lines(&common::run(&exe, &["recvcmsg", path.to_str().unwrap()]));
    assert_eq!(lines.len(), 3);
    let sctp = IPPROTO_SCTP;
    let nxt_flags = SCTP_UNORDERED | SCTP_NOTIFICATION;
    check(
        &lines[0],
        &kv!(
            level = sctp,
            r#type = SCTP_NXTINFO,
            len = 32,
            sid = 3,
            flags = nxt_flags,
            ppid = 0x0506_0708,
            length = 77,
            id = 9
        ),
    );
    // SCTP_RCVINFO and SCTP_SNDRCV carry the same values; only their sizes differ.
    for (line, kind, len) in [(&lines[1], SCTP_RCVINFO, 44), (&lines[2], SCTP_SNDRCV, 48)] {
        let want = kv!(
            level = sctp,
            len = len,
            sid = 1,
            ssn = 4,
            flags = SCTP_UNORDERED,
            ppid = 0x0506_0708,
            tsn = 1000,
            cumtsn = 999,
            context = 12,
            id = 9
        );
        check(line, &want);
        assert_eq!(line["type"], kind.to_string());
    }
}

#[test]
fn send_cmsgs_built_like_libsctp_parse() {
    let (_, exe) = program();
    let out = common::run(&exe, &["sendcmsg"]);
    let mut bufs = Vec::new();
    let mut rest = &out[..];
    while rest.len() >= 4 {
        let n = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        bufs.push(rest[4..4 + n].to_vec());
        rest = &rest[4 + n..];
    }
    assert_eq!(bufs.len(), 2);

    let one = SendParams::parse(&bufs[0]).unwrap();
    assert_eq!(one.info.sinfo_stream, 4);
    assert_eq!(one.flags(), SCTP_UNORDERED | SCTP_ADDR_OVER);
    assert_eq!(
        (one.info.sinfo_ppid, one.info.sinfo_context, one.assoc_id()),
        (0x1122_3344, 55, 66)
    );
    assert_eq!(
        one.pr_policy(),
        PrPolicy::Ttl(std::time::Duration::from_millis(2000))
    );
    assert_eq!(
        one.validate(false, 10, false),
        Err(libc::EINVAL),
        "ADDR_OVER needs msg_name"
    );

    let many = SendParams::parse(&bufs[1]).unwrap();
    assert_eq!(
        (
            many.info.sinfo_stream,
            many.info.sinfo_ppid,
            many.info.sinfo_context
        ),
        (1, 77, 88)
    );
    assert_eq!(many.assoc_id(), 99);
    assert_eq!(many.flags(), SCTP_UNORDERED | SCTP_PR_SCTP_RTX);
    assert_eq!(many.pr_policy(), PrPolicy::Rtx(10));
    assert_eq!(many.auth_key, Some(5));
    let want: Vec<IpAddr> = vec!["172.16.1.1".parse().unwrap(), "2020::1".parse().unwrap()];
    assert_eq!(many.dst_addrs(), (&want[..], false));
}
