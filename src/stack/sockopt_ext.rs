//! Per-socket values of the SOL_SCTP options beyond the basic ones in [`super::sock::SockOpts`]
//! (Linux `struct sctp_sock` fields), inherited by accepted and peeled-off sockets as Linux's
//! `sctp_copy_sock` does. The option handlers are in `shim/sockopt/`.

/// Linux's defaults: `sctp_init_sock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtOpts {
    /// SCTP_AUTOCLOSE, seconds (0: off).
    pub autoclose: u32,
    /// SCTP_DISABLE_FRAGMENTS.
    pub disable_fragments: bool,
    /// SCTP_FRAGMENT_INTERLEAVE (boolean in Linux).
    pub frag_interleave: bool,
    /// SCTP_PARTIAL_DELIVERY_POINT, bytes.
    pub pd_point: u32,
    /// SCTP_ADAPTATION_LAYER indication.
    pub adaptation_ind: u32,
    /// SCTP_I_WANT_MAPPED_V4_ADDR.
    pub mapped_v4: bool,
    /// SCTP_MAX_BURST.
    pub max_burst: u32,
    /// SCTP_CONTEXT (socket default).
    pub context: u32,
    /// SCTP_AUTO_ASCONF, SCTP_REUSE_PORT.
    pub auto_asconf: bool,
    pub reuse_port: bool,
}

impl Default for ExtOpts {
    fn default() -> Self {
        ExtOpts {
            autoclose: 0,
            disable_fragments: false,
            frag_interleave: false,
            pd_point: 0,
            adaptation_ind: 0,
            mapped_v4: true,
            max_burst: 4,
            context: 0,
            auto_asconf: false,
            reuse_port: false,
        }
    }
}
