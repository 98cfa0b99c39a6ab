//! The connection's life: CONNECT, CONNACK and resuming, the CONNACK and keep-alive timers, close.

use std::time::{Duration, Instant};

use super::{
    BrokerReason, CloseReason, ConnectionInfo, Session, SessionError, SessionEvent, State,
    Violation,
};
use crate::proto::{ConnAck, Decoder, Disconnect, Packet, ProtocolVersion, ReasonCode};

impl Session {
    /// A transport is up: send CONNECT. Session state (unacknowledged
    /// messages, subscriptions) from an earlier connection is kept until the
    /// CONNACK says whether the broker resumed the session.
    pub fn connect(&mut self, now: Instant) -> Result<(), SessionError> {
        // Check before changing anything.
        Packet::Connect(self.connect.clone()).encoded_len(self.version())?;
        self.decoder = Decoder::new(
            self.version(),
            self.connect.properties.maximum_packet_size(),
        );
        self.out.clear();
        self.broker = None;
        self.draining = false;
        self.keep_alive = None;
        self.ping_deadline = None;
        self.incoming_aliases.clear();
        self.state = State::AwaitingConnAck;
        self.connect_deadline = Some(now + self.options.connect_timeout);
        self.opening_left = self.options.opening_packets;
        let connect = Packet::Connect(self.connect.clone());
        self.send(now, &connect);
        Ok(())
    }

    /// CONNACK: refused, or connected with the broker's grants; then resume
    /// the session or drop its state and subscribe again.
    pub(super) fn handle_connack(&mut self, now: Instant, connack: ConnAck) {
        self.connect_deadline = None;
        if connack.reason_code.is_error() {
            self.close(CloseReason::Refused(BrokerReason::new(
                connack.reason_code,
                &connack.properties,
            )));
            return;
        }
        if self.connect.clean_start && connack.session_present {
            // [MQTT-3.2.2-4] a new session cannot be a resumed one.
            self.violation(
                now,
                Violation::ResumedAfterCleanStart,
                ReasonCode::ProtocolError,
            );
            return;
        }
        let info = ConnectionInfo::from_connack(&connack, self.connect.keep_alive_secs);
        // [MQTT-3.1.2-21] the Server Keep Alive replaces the client's.
        self.keep_alive =
            (info.keep_alive_secs > 0).then(|| Duration::from_secs(info.keep_alive_secs.into()));
        self.state = State::Connected;
        let session_present = info.session_present;
        self.broker = Some(info.clone());
        self.events.push_back(SessionEvent::Connected(info));
        if session_present {
            self.resend_in_flight(now);
        } else {
            self.drop_session_state();
            if self.options.resubscribe {
                self.resubscribe(now);
            }
        }
        self.flush_queue(now);
    }

    /// [MQTT-3.2.2-5] The broker has no session: discard the client's
    /// session state. Messages in flight are reported as dropped.
    fn drop_session_state(&mut self) {
        let mut dropped: Vec<(u64, u64)> = self.in_flight.values().map(|f| (f.seq, f.id)).collect();
        dropped.sort_unstable();
        for (_, id) in dropped {
            self.events.push_back(SessionEvent::PublishFailed {
                id,
                error: SessionError::SessionNotResumed,
            });
        }
        self.in_flight.clear();
        self.incoming_qos2.clear();
        self.subscribe_requests.clear();
        self.unsubscribe_requests.clear();
        self.ids.clear();
    }

    /// Subscribe again to every granted filter, one SUBSCRIBE each.
    fn resubscribe(&mut self, now: Instant) {
        let subscriptions = std::mem::take(&mut self.subscriptions);
        for (filter, properties) in subscriptions {
            // Granted before; if the broker refuses now, the SUBACK says so.
            let _ = self.subscribe(now, vec![filter], properties);
        }
    }

    /// Close when CONNACK has not come by the connect deadline.
    pub(super) fn connack_timeout(&mut self, now: Instant) {
        if let Some(deadline) = self.connect_deadline
            && now >= deadline
        {
            self.close(CloseReason::ConnAckTimeout {
                waited_ms: self.options.connect_timeout.as_millis() as u64,
            });
        }
    }

    /// Send PINGREQ after the keep alive of silence; close when its PINGRESP
    /// is late.
    pub(super) fn keep_alive_timeout(&mut self, now: Instant) {
        if let Some((sent, deadline)) = self.ping_deadline {
            if now >= deadline {
                self.close(CloseReason::KeepAliveTimeout {
                    waited_ms: now.saturating_duration_since(sent).as_millis() as u64,
                });
            }
        } else if let (Some(keep_alive), Some(last)) = (self.keep_alive, self.last_sent)
            && now >= last + keep_alive
        {
            // [MQTT-3.1.2-20] nothing sent for the keep alive: send PINGREQ.
            self.send(now, &Packet::PingReq);
            self.ping_deadline = Some((now, now + self.ping_timeout(keep_alive)));
        }
    }

    /// How long to wait for PINGRESP.
    fn ping_timeout(&self, keep_alive: Duration) -> Duration {
        self.options
            .ping_timeout
            .unwrap_or((keep_alive / 2).max(Duration::from_millis(500)))
    }

    /// The owner has stopped reading the socket for now (its reader is
    /// behind): a PINGRESP may be waiting unread, so the wait for it starts
    /// over from `now` instead of ending the connection.
    pub fn reading_paused(&mut self, now: Instant) {
        if let (Some((sent, _)), Some(keep_alive)) = (self.ping_deadline, self.keep_alive) {
            self.ping_deadline = Some((sent, now + self.ping_timeout(keep_alive)));
        }
    }

    /// The connection has ended: stop the timers and report why.
    pub(super) fn close(&mut self, reason: CloseReason) {
        self.state = State::Closed;
        self.connect_deadline = None;
        self.ping_deadline = None;
        self.events.push_back(SessionEvent::Closed(reason));
    }

    /// The broker broke the protocol: DISCONNECT with `reason_code` (MQTT 5)
    /// and close.
    pub(super) fn violation(
        &mut self,
        now: Instant,
        violation: Violation,
        reason_code: ReasonCode,
    ) {
        if self.version() == ProtocolVersion::V5 {
            let reason = if reason_code.is_valid_for(crate::proto::PacketType::Disconnect) {
                reason_code
            } else {
                ReasonCode::ProtocolError
            };
            self.send(now, &Packet::Disconnect(Disconnect::new(reason)));
        }
        self.close(CloseReason::ProtocolViolation {
            violation,
            reason_code,
        });
    }
}
