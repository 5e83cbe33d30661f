//! Explicit Congestion Notification (RFC 9260 Appendix A, with RFC 3168's codepoints), as
//! Linux does it. Both sides list ECN Capable in INIT / INIT ACK (`Negotiated::ecn`); then
//! every packet of the association leaves with ECT(0) (`Transmit::ect`), and:
//! - a packet that arrives with CE and carries DATA makes us echo its lowest TSN in an ECNE
//!   bundled with each SACK, until a CWR at or past that TSN comes back;
//! - an ECNE for a TSN sent after our last reduction lowers the congestion window of the path
//!   that TSN went on (as a fast retransmit, RFC 9260 7.2.4), once per window of data; every
//!   ECNE is answered with a CWR carrying the highest TSN sent at that reduction.

use super::association::Association;
use super::serial::{tsn_ge, tsn_gt};

/// ECN state of one association.
#[derive(Debug, Default)]
pub(crate) struct Ecn {
    /// Receiver: the lowest TSN of a CE-marked packet, echoed until CWR covers it.
    pub echo: Option<u32>,
    /// Sender: the highest TSN sent when the window was last reduced (Linux `last_cwr_tsn`);
    /// echoes of TSNs up to it were caused by data sent before that reduction.
    pub reduced_upto: Option<u32>,
    /// Sender: a CWR to send, with this TSN.
    pub cwr: Option<u32>,
}

impl Association {
    /// A packet with CE in its IP header whose DATA chunks start at TSN `lowest`.
    pub(crate) fn on_ce(&mut self, lowest: u32) {
        if self.neg.ecn {
            tracing::trace!(lowest, "CE received: echoing");
            self.ecn.echo = Some(lowest);
        }
    }

    /// ECNE from the peer: TSN `tsn` arrived with CE.
    pub(crate) fn on_ecne(&mut self, tsn: u32) {
        if !self.neg.ecn {
            return;
        }
        if self.ecn.reduced_upto.is_none_or(|r| tsn_gt(tsn, r)) {
            let path = self
                .outstanding
                .path_of(tsn)
                .unwrap_or_else(|| self.paths.for_data());
            self.paths.list[path].cc.on_ecn_echo();
            self.ecn.reduced_upto = Some(self.outstanding.next_tsn().wrapping_sub(1));
            tracing::debug!(tsn, path, "ECNE: congestion window reduced");
        }
        self.ecn.cwr = self.ecn.reduced_upto;
    }

    /// CWR from the peer: the sender reduced its window for what it sent up to `tsn`.
    pub(crate) fn on_cwr(&mut self, tsn: u32) {
        if self.ecn.echo.is_some_and(|e| tsn_ge(tsn, e)) {
            self.ecn.echo = None;
        }
    }
}
