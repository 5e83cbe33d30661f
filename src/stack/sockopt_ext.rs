//! Per-socket values of the SOL_SCTP options beyond the basic ones in [`super::sock::SockOpts`]
//! (Linux `struct sctp_sock` fields), inherited by accepted and peeled-off sockets as Linux's
//! `sctp_copy_sock` does. The option handlers are in `shim/sockopt/`.

/// Linux's defaults: `sctp_init_sock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtOpts {
    /// SCTP_DEFAULT_SEND_PARAM: the socket's (for new associations) and per association.
    pub send_default: crate::abi::sctp_sndrcvinfo,
    pub assoc_send_default:
        std::collections::HashMap<crate::assoc::AssocId, crate::abi::sctp_sndrcvinfo>,
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
    /// SCTP_MAX_BURST.
    pub max_burst: u32,
    /// SCTP_CONTEXT (socket default).
    pub context: u32,
    /// SCTP_ASSOCINFO socket defaults: association max retransmissions, cookie life (ms).
    pub asoc_max_rxt: u16,
    pub cookie_life: u32,
    /// SCTP_PEER_ADDR_PARAMS / SCTP_DELAYED_SACK socket defaults set by the app (None: the
    /// configured protocol default): heartbeat interval and SACK delay in ms.
    pub hb_interval: Option<u32>,
    pub hb_off: bool,
    pub path_max_rxt: Option<u32>,
    pub sack_delay: Option<u32>,
    pub sack_freq: Option<u32>,
    /// SCTP_AUTO_ASCONF, SCTP_REUSE_PORT.
    pub auto_asconf: bool,
    pub reuse_port: bool,
}

impl ExtOpts {
    /// These defaults applied to the protocol parameters of new associations.
    pub fn apply(&self, c: &mut crate::assoc::AssocConfig) {
        let ms = |v: u32| std::time::Duration::from_millis(u64::from(v));
        if let Some(v) = self.hb_interval {
            c.hb_interval = ms(v);
        }
        if self.hb_off {
            c.hb_interval = std::time::Duration::ZERO;
        }
        if let Some(v) = self.path_max_rxt {
            c.path_max_retrans = v;
        }
        if let Some(v) = self.sack_delay {
            c.sack_delay = ms(v);
        }
        if let Some(v) = self.sack_freq {
            c.sack_freq = v;
        }
        c.max_burst = self.max_burst;
        c.disable_fragments = self.disable_fragments;
        c.pd_point = self.pd_point;
        c.frag_interleave = u8::from(self.frag_interleave);
        c.assoc_max_retrans = u32::from(self.asoc_max_rxt);
        c.valid_cookie_life = ms(self.cookie_life);
    }
}

impl Default for ExtOpts {
    fn default() -> Self {
        ExtOpts {
            send_default: crate::abi::Pod::zeroed(),
            assoc_send_default: std::collections::HashMap::new(),
            autoclose: 0,
            disable_fragments: false,
            frag_interleave: false,
            pd_point: 0,
            adaptation_ind: 0,
            max_burst: 4,
            context: 0,
            asoc_max_rxt: 10,
            cookie_life: 60_000,
            hb_interval: None,
            hb_off: false,
            path_max_rxt: None,
            sack_delay: None,
            sack_freq: None,
            auto_asconf: false,
            reuse_port: false,
        }
    }
}

/// Sockets with SCTP_DISABLE_FRAGMENTS on: while there are none, the send hooks skip the
/// message size check.
static UNFRAGMENTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether any socket of the process has SCTP_DISABLE_FRAGMENTS on.
pub fn any_unfragmented() -> bool {
    UNFRAGMENTED.load(std::sync::atomic::Ordering::Relaxed) > 0
}

impl super::engine::Engine {
    /// SCTP_DISABLE_FRAGMENTS on socket `sid`.
    pub fn set_disable_fragments(
        &mut self,
        sid: super::registry::Sid,
        on: bool,
    ) -> Result<(), i32> {
        use std::sync::atomic::Ordering::Relaxed;
        let o = &mut self.opts_mut(sid)?.ext;
        match (o.disable_fragments, on) {
            (false, true) => UNFRAGMENTED.fetch_add(1, Relaxed),
            (true, false) => UNFRAGMENTED.fetch_sub(1, Relaxed),
            _ => 0,
        };
        o.disable_fragments = on;
        Ok(())
    }

    /// The largest message socket `sid` may send with SCTP_DISABLE_FRAGMENTS on (one DATA
    /// chunk: the association's fragmentation point); None when fragmenting is allowed or no
    /// association tells the point yet (RFC 6458 8.1.14; Linux `sctp_sendmsg`: EMSGSIZE).
    pub fn frag_limit(&mut self, sid: super::registry::Sid) -> Option<usize> {
        let s = self.socks.get(&sid)?;
        if !s.opts.ext.disable_fragments {
            return None;
        }
        let aid = match s.style {
            super::sock::Style::OneToOne => s.assoc?,
            super::sock::Style::OneToMany => s.peers.first()?.1,
        };
        let (_, a) = self.assoc_of(sid, aid)?;
        Some(a.fragmentation_point())
    }
}
