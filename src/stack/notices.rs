//! Notifications (RFC 6458 6.1, Linux `sctp_ulpevent_make_*`): a protocol event the socket
//! subscribed to (SCTP_EVENTS / SCTP_EVENT) becomes a MSG_NOTIFICATION record in the app's
//! receive queue, after the messages already delivered and before the EOF or error that a
//! terminal event brings. The bytes are built by [`crate::shim::notify`].

use super::engine::Engine;
use super::events::peer_of;
use super::frame::{Kind, RecvHeader};
use super::registry::Sid;
use super::sock::EpId;
use crate::abi::SCTP_AUTH_NO_AUTH;
use crate::assoc::{AssocId, Event};
use crate::shim::notify::{
    encode_authkey_event, encode_notification, NotifyCtx, Subscriptions, EVENT_TYPES,
};
use crate::shim::sockaddr::AddrPolicy;

impl Engine {
    /// Socket `sid`'s subscriptions.
    pub fn subscriptions(&self, sid: Sid) -> Subscriptions {
        let Some(s) = self.socks.get(&sid) else {
            return Subscriptions::default();
        };
        let mut bytes = [0u8; EVENT_TYPES];
        for (b, &on) in bytes.iter_mut().zip(s.opts.events.iter()) {
            *b = u8::from(on);
        }
        Subscriptions::from_event_subscribe(&bytes).unwrap_or_default()
    }

    /// Queue the notification of `ev` (association `aid` on endpoint `ep`) for socket `sid`
    /// when subscribed. SCTP_COMM_UP is followed by SCTP_AUTHENTICATION_EVENT NO_AUTH, as
    /// Linux sends when the peer does not support AUTH (we never negotiate it).
    pub fn notify(&mut self, sid: Sid, ep: EpId, aid: AssocId, ev: &Event) {
        let subs = self.subscriptions(sid);
        let connected = matches!(ev, Event::Connected { .. } | Event::Restarted { .. });
        let auth = connected && subs.is_on(crate::abi::SCTP_AUTHENTICATION_EVENT);
        if !(subs.wants(ev) || auth) {
            return;
        }
        let Some(v6) = self.socks.get(&sid).map(|s| s.v6) else {
            return;
        };
        let peer = peer_of(&mut self.eps, ep, aid).or_else(|| self.socks.get(&sid)?.peer);
        let ctx = NotifyCtx {
            assoc_id: aid,
            peer_port: peer.map_or(0, |p| p.port()),
            addr_policy: if v6 {
                AddrPolicy::INET6
            } else {
                AddrPolicy::INET
            },
        };
        let mut hdr = RecvHeader::new(Kind::Notification);
        hdr.assoc_id = aid;
        hdr.peer = peer;
        let mut out = Vec::new();
        if encode_notification(ev, &ctx, &subs, &mut out) {
            self.deliver(sid, hdr, std::mem::take(&mut out));
        }
        if connected && encode_authkey_event(&ctx, 0, SCTP_AUTH_NO_AUTH, &subs, &mut out) {
            self.deliver(sid, hdr, out);
        }
    }
}
