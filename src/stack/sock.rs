//! The engine's state of one SCTP socket (what Linux keeps in `struct sctp_sock`).

use super::frame::{RecvHeader, SendHeader};
use super::handle::Slot;
use super::registry::{FileKey, Sid};
use crate::assoc::{AssocConfig, AssocId, OutgoingMessage};
use crate::shim::notify::Subscriptions;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::sync::Arc;

/// Index of an [`super::ep::Ep`] in the engine.
pub type EpId = u32;

/// The answer a blocked `connect()` waits for.
pub type ConnectSlot = Arc<Slot<Result<(), i32>>>;

/// SOCK_STREAM (one-to-one, TCP style) or SOCK_SEQPACKET (one-to-many, UDP style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    OneToOne,
    OneToMany,
}

/// A record waiting for room in the app's receive queue.
pub struct OutRec {
    pub hdr: RecvHeader,
    pub data: Vec<u8>,
    /// Bytes of `data` already written (pieces of at most `frame::MAX_RECORD`).
    pub off: usize,
}

/// Socket options kept per socket and applied to its associations.
#[derive(Debug, Clone)]
pub struct SockOpts {
    /// SO_LINGER (l_onoff, l_linger); {1, 0}: close() aborts instead of shutting down.
    pub linger: (i32, i32),
    /// SO_SNDBUF / SO_RCVBUF as reported (Linux doubles what is set).
    pub sndbuf: u32,
    pub rcvbuf: u32,
    /// SCTP_EVENTS / SCTP_EVENT subscriptions.
    pub events: Subscriptions,
    /// RFC 6951 6.1 / SCTP_REMOTE_UDP_ENCAPS_PORT for the whole socket (0: default).
    pub remote_udp_port: u16,
    /// IPV6_V6ONLY.
    pub v6only: bool,
    pub nodelay: bool,
    /// SCTP_MAXSEG (0: from the path MTU).
    pub maxseg: u32,
    /// SCTP_RTOINFO (initial, max, min) in milliseconds.
    pub rto: (u32, u32, u32),
    /// SCTP_INITMSG (num_ostreams, max_instreams, max_attempts, max_init_timeo).
    pub initmsg: [u16; 4],
    /// SCTP_PEER_ADDR_PARAMS / SCTP_PEER_ADDR_THLDS defaults for new associations.
    pub paths: super::path_opts::PathDefaults,
    /// AUTH / ASCONF switches and keys (`asconf.rs`).
    pub auth: super::asconf::AuthOpts,
    /// The other SOL_SCTP options ([`super::sockopt_ext`]).
    pub ext: super::sockopt_ext::ExtOpts,
    /// Scheduler, PR, interleaving, ECN, PF and PLPMTUD options ([`super::opt_state`]).
    pub feat: super::opt_state::FeatOpts,
    /// RE-CONFIG switch and granted requests (`reconf.rs`).
    pub reconf: super::reconf::ReconfOpts,
}

fn ms(d: std::time::Duration) -> u32 {
    d.as_millis().min(u32::MAX as u128) as u32
}

impl SockOpts {
    /// The defaults of a new socket, from the configured protocol defaults.
    pub fn new(c: &AssocConfig) -> SockOpts {
        SockOpts {
            linger: (0, 0),
            sndbuf: c.sndbuf,
            rcvbuf: c.rcvbuf,
            events: Subscriptions::default(),
            remote_udp_port: 0,
            v6only: false,
            nodelay: c.nodelay,
            maxseg: c.maxseg,
            rto: (ms(c.rto_initial), ms(c.rto_max), ms(c.rto_min)),
            initmsg: [
                c.outbound_streams,
                c.max_inbound_streams,
                c.max_init_retransmits.min(u16::MAX as u32) as u16,
                ms(c.rto_max).min(u16::MAX as u32) as u16,
            ],
            paths: super::path_opts::PathDefaults::new(c),
            auth: super::asconf::AuthOpts::new(c),
            // SCTP_ASSOCINFO starts from the configured protocol defaults; SCTP_AUTO_ASCONF
            // from net.sctp.default_auto_asconf.
            ext: super::sockopt_ext::ExtOpts {
                asoc_max_rxt: c.assoc_max_retrans.min(u32::from(u16::MAX)) as u16,
                cookie_life: ms(c.valid_cookie_life),
                auto_asconf: c.default_auto_asconf,
                ..Default::default()
            },
            feat: Default::default(),
            reconf: super::reconf::ReconfOpts::new(c),
        }
    }

    /// The protocol parameters of this socket's associations.
    pub fn assoc_config(&self, base: &AssocConfig) -> AssocConfig {
        let mut c = base.clone();
        c.sndbuf = self.sndbuf;
        c.rcvbuf = self.rcvbuf;
        c.nodelay = self.nodelay;
        c.maxseg = self.maxseg;
        c.rto_initial = std::time::Duration::from_millis(self.rto.0 as u64);
        c.rto_max = std::time::Duration::from_millis(self.rto.1 as u64);
        c.rto_min = std::time::Duration::from_millis(self.rto.2 as u64);
        c.outbound_streams = self.initmsg[0].max(1);
        c.max_inbound_streams = self.initmsg[1].max(1);
        c.max_init_retransmits = self.initmsg[2] as u32;
        if self.initmsg[3] != 0 {
            c.max_init_timeo = std::time::Duration::from_millis(u64::from(self.initmsg[3]));
        }
        self.paths.apply(&mut c);
        self.auth.apply(&mut c);
        self.ext.apply(&mut c);
        self.feat.apply(&mut c);
        self.reconf.apply(&mut c);
        c
    }

    /// SCTP_INITMSG set, or an SCTP_INIT cmsg for one association: the non-zero fields of
    /// `over` (num_ostreams, max_instreams, max_attempts, max_init_timeo) replace the socket's
    /// (Linux `sctp_setsockopt_initmsg`, `sctp_sendmsg_new_asoc`).
    pub fn initmsg_with(&self, over: [u16; 4]) -> [u16; 4] {
        let mut m = self.initmsg;
        for (slot, v) in m.iter_mut().zip(over) {
            if v != 0 {
                *slot = v;
            }
        }
        m
    }

    /// SO_LINGER {1, 0}.
    pub fn linger_abort(&self) -> bool {
        self.linger.0 != 0 && self.linger.1 == 0
    }
}

/// One SCTP socket.
pub struct Sock {
    pub sid: Sid,
    pub style: Style,
    /// Created with AF_INET6 (takes IPv4 peers as mapped addresses).
    pub v6: bool,
    /// The app's open file in the registry (removed when the socket is freed).
    pub key: FileKey,
    /// The engine's end of the app's socketpair (None for listeners and after close).
    pub end: Option<OwnedFd>,
    /// `end` is registered in epoll.
    pub watched: bool,
    pub ep: Option<EpId>,
    /// The association of a one-to-one socket.
    pub assoc: Option<AssocId>,
    pub listening: bool,
    /// A `connect()` waiting for COMM_UP.
    pub connecting: Option<ConnectSlot>,
    /// SO_ERROR to report once.
    pub error: i32,
    /// A connect filler holds the app's POLLOUT low ([`super::pending`]): its records wait.
    pub filler: bool,
    /// The app will send no more (EOF read on `end`).
    pub app_eof: bool,
    /// epoll reported HUP: every reference to the app's file is gone (records may remain).
    pub hup: bool,
    /// The app closed the socket with data unread: its associations are aborted, not shut
    /// down (Linux `sctp_close`, `data_was_unread`).
    pub unread_at_close: bool,
    /// Every reference to the app's file is gone and its records are read.
    pub app_gone: bool,
    /// The association whose setup failed: once CLOSED, the socket may connect again.
    pub reconnectable: Option<AssocId>,
    /// The peer's primary address, kept for accept() after the association is gone.
    pub peer: Option<std::net::SocketAddr>,
    /// The peer sent SHUTDOWN (EOF for the app, not ENOTCONN).
    pub peer_shutdown: bool,
    /// Records for the app that did not fit yet, oldest first.
    pub out: VecDeque<OutRec>,
    /// After `out` drains: shutdown(SHUT_WR) the end (peer SHUTDOWN), or close it (ABORT).
    pub eof_after_out: bool,
    pub close_after_out: bool,
    /// Associations to shut down as soon as they are up (the app closed during setup).
    pub shutdown_when_up: Vec<AssocId>,
    /// A closed association whose last messages the app has not read yet.
    pub zombie: Option<(EpId, AssocId)>,
    /// Pieces of a message the app is still writing (records with MORE).
    pub partial: Option<(SendHeader, Vec<u8>)>,
    /// A message the association refused for lack of room: retried on `Writable`.
    pub blocked: Option<(AssocId, OutgoingMessage)>,
    /// Messages read ahead of a change of the default send parameters, with the previous
    /// ones applied ([`super::send_defaults`]); they go before anything read later.
    pub resolved: VecDeque<(SendHeader, Vec<u8>)>,
    /// One-to-many: associations that may have messages to deliver, and peers by address.
    pub readable: Vec<AssocId>,
    /// The association whose message the app is receiving in pieces ([`super::partial_delivery`]).
    pub pd_assoc: Option<AssocId>,
    pub peers: Vec<(SocketAddr, AssocId)>,
    pub opts: SockOpts,
    /// SCTP_AUTOCLOSE bookkeeping ([`super::autoclose`]).
    pub activity: super::autoclose::Activity,
    /// Records handed to the app and not read yet ([`super::rwnd`]).
    pub app_queue: super::rwnd::AppQueue,
    /// The window last given to every association of the socket (stack/rwnd.rs).
    pub rwnd_applied: Option<u32>,
    /// What the app shut down on its fd ([`super::shut`]).
    pub app_shut: super::shut::AppShut,
}

impl Sock {
    pub fn new(
        sid: Sid,
        style: Style,
        v6: bool,
        key: FileKey,
        end: Option<OwnedFd>,
        opts: SockOpts,
    ) -> Sock {
        Sock {
            sid,
            style,
            v6,
            key,
            end,
            watched: false,
            ep: None,
            assoc: None,
            listening: false,
            connecting: None,
            error: 0,
            filler: false,
            app_eof: false,
            hup: false,
            unread_at_close: false,
            app_gone: false,
            peer_shutdown: false,
            reconnectable: None,
            peer: None,
            out: VecDeque::new(),
            eof_after_out: false,
            close_after_out: false,
            shutdown_when_up: Vec::new(),
            zombie: None,
            partial: None,
            blocked: None,
            resolved: VecDeque::new(),
            readable: Vec::new(),
            pd_assoc: None,
            peers: Vec::new(),
            opts,
            activity: Default::default(),
            app_queue: Default::default(),
            rwnd_applied: None,
            app_shut: Default::default(),
        }
    }
}

/// The fields of a `struct sctp_initmsg` in [`SockOpts::initmsg`] order.
pub fn initmsg_fields(m: &crate::abi::sctp_initmsg) -> [u16; 4] {
    [
        m.sinit_num_ostreams,
        m.sinit_max_instreams,
        m.sinit_max_attempts,
        m.sinit_max_init_timeo,
    ]
}
