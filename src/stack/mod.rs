//! The runtime: the only code with a clock and real sockets (see DESIGN.md "Layers").
//!
//! - [`sys`]: the real libc entry points behind our hooks (never call an interposed symbol).
//! - [`config`], [`log`], [`pcap`]: the environment, logging, packet capture.
//! - [`handle`]: starts the engine thread and runs jobs with the engine for hook threads,
//!   on their own thread when it is free ([`inline`]); a thread blocked reading serves the
//!   engine's I/O itself ([`reader`]).
//! - [`engine`] and its parts: [`ep`] (bound ports), [`sock`] (sockets), [`events`] (protocol
//!   events), [`appio`] (data between app fds and associations), [`control`] (operations behind
//!   the control hooks), [`path_opts`] (per-destination options), [`bindx`] (addresses added to /
//!   removed from a bound socket), [`addr_watch`] (host address changes for wildcard binds),
//!   [`source`], [`udp`] (with [`gso`] batching), [`route`], [`pmtu`] (path MTU from ICMP),
//!   [`partial_delivery`] (messages delivered in pieces), [`stream_check`] (EINVAL for a
//!   stream the association lacks),
//!   [`implicit`] (associations set up by a message, with SCTP_DSTADDRV4/V6 addresses).
//! - [`frame`]: the records on an app fd; [`names`]: our AF_UNIX names.
//! - [`registry`], [`fdmap`], [`fds`]: which fds and files are ours.
//! - [`pending`]: a non-blocking connect's readiness (POLLOUT held low, POLLERR on failure).
//! - [`park`]: pausing the engine thread at a consistent point ([`condvar`], [`lock`]: waits
//!   and locks a fork child does not inherit waiters of); [`fork`] (the child's snapshot of its parent's engine),
//!   [`keeper`] (the engine handed to another process at exit and exec, [`held_ports`]: the
//!   ports it still holds), [`inherit`] (app fds inherited across exec).

pub mod addr_watch;
pub mod appio;
pub mod asconf;
pub mod autoclose;
pub mod big_blocks;
pub mod bindx;
pub mod condvar;
pub mod config;
pub mod control;
pub mod engine;
pub mod ep;
pub mod events;
pub mod fdmap;
pub mod fds;
pub mod fork;
pub mod frame;
pub mod gso;
pub mod handle;
pub mod handover;
pub mod held_ports;
pub mod ifaddrs;
pub mod implicit;
pub mod inherit;
pub mod inline;
pub mod keeper;
pub mod lock;
pub mod log;
pub mod names;
pub mod opt_state;
pub mod park;
pub mod partial_delivery;
pub mod path_opts;
pub mod pcap;
pub mod pending;
pub mod pmtu;
pub mod reader;
pub mod reconf;
pub mod registry;
pub mod route;
pub mod rwnd;
pub mod send_defaults;
pub mod settle;
pub mod shut;
pub mod sock;
pub mod sockopt_ext;
pub mod source;
pub mod stream_check;
pub mod sys;
pub mod udp;
