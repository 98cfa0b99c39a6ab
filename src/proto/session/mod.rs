//! The client side of an MQTT session as a sans-IO state machine.
//!
//! The owner (the network thread, or a test with a simulated clock) drives it:
//!
//! 1. [`Session::connect`] when a transport is up, then
//! 2. [`Session::handle_bytes`] with every received chunk,
//!    [`Session::handle_timeout`] when [`Session::poll_timeout`] is reached,
//!    and the requests ([`Session::publish`], [`Session::subscribe`],
//!    [`Session::unsubscribe`], [`Session::disconnect`]);
//! 3. after each input, [`Session::poll_transmit`] for bytes to write and
//!    [`Session::poll_event`] for what happened, until both return `None`;
//! 4. [`Session::connection_lost`] if the transport fails. Calling
//!    [`Session::connect`] again on a new transport resumes the session.
//!
//! No socket, thread or clock is touched here: time comes in as `Instant`s.

mod events;
mod packet_ids;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;

pub use events::{
    BrokerReason, CloseReason, ConnectionInfo, Direction, SessionError, SessionEvent,
    SubscriptionResult,
};
pub use packet_ids::PacketIds;

use crate::proto::{
    ConnAck, Connect, Decoder, Disconnect, Packet, Properties, Property, ProtocolVersion,
    PubResponse, Publish, QoS, ReasonCode, SubAck, Subscribe, SubscribeFilter, UnsubAck,
    Unsubscribe, topic,
};

/// Tuning of the session that is not part of CONNECT.
#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// How long to wait for CONNACK.
    pub connect_timeout: Duration,
    /// How long to wait for PINGRESP; `None`: half the keep alive (at least 500 ms),
    /// so a dead broker is noticed within 1.5 keep-alive intervals.
    pub ping_timeout: Option<Duration>,
    /// Subscribe again to the granted filters when the broker did not resume
    /// the session.
    pub resubscribe: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            connect_timeout: Duration::from_secs(10),
            ping_timeout: None,
            resubscribe: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Idle,
    AwaitingConnAck,
    Connected,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// The acknowledgment an outgoing QoS 1/2 PUBLISH waits for.
#[allow(clippy::enum_variant_names)] // named after the packets awaited
enum Awaiting {
    PubAck,
    PubRec,
    PubComp,
}

#[derive(Debug)]
struct InFlight {
    id: u64,
    seq: u64,
    publish: Publish,
    stage: Awaiting,
}

#[derive(Debug)]
struct Queued {
    id: u64,
    publish: Publish,
}

#[derive(Debug)]
struct PendingSubscribe {
    id: u64,
    filters: Vec<SubscribeFilter>,
    properties: Properties,
}

/// The client side of an MQTT 5 or 3.1.1 session. See the module documentation
/// for the order of calls.
#[derive(Debug)]
pub struct Session {
    connect: Connect,
    options: SessionOptions,
    state: State,
    decoder: Decoder,
    out: BytesMut,
    events: VecDeque<SessionEvent>,
    packet_log: bool,
    // Per connection.
    broker: Option<ConnectionInfo>,
    keep_alive: Option<Duration>,
    last_sent: Option<Instant>,
    connect_deadline: Option<Instant>,
    ping_deadline: Option<(Instant, Instant)>,
    incoming_aliases: HashMap<u16, ByteString>,
    // Session state, kept across connections.
    ids: PacketIds,
    next_request_id: u64,
    next_seq: u64,
    in_flight: HashMap<u16, InFlight>,
    queue: VecDeque<Queued>,
    incoming_qos2: HashSet<u16>,
    subscribe_requests: HashMap<u16, PendingSubscribe>,
    unsubscribe_requests: HashMap<u16, (u64, Vec<ByteString>)>,
    subscriptions: Vec<(SubscribeFilter, Properties)>,
}

impl Session {
    /// A session that will connect with `connect` (its version, client id,
    /// credentials, will and properties).
    pub fn new(connect: Connect, options: SessionOptions) -> Session {
        let max_in = connect.properties.maximum_packet_size();
        Session {
            decoder: Decoder::new(connect.protocol_version, max_in),
            connect,
            options,
            state: State::Idle,
            out: BytesMut::new(),
            events: VecDeque::new(),
            packet_log: false,
            broker: None,
            keep_alive: None,
            last_sent: None,
            connect_deadline: None,
            ping_deadline: None,
            incoming_aliases: HashMap::new(),
            ids: PacketIds::default(),
            next_request_id: 1,
            next_seq: 0,
            in_flight: HashMap::new(),
            queue: VecDeque::new(),
            incoming_qos2: HashSet::new(),
            subscribe_requests: HashMap::new(),
            unsubscribe_requests: HashMap::new(),
            subscriptions: Vec::new(),
        }
    }

    /// The protocol version of this session.
    pub fn version(&self) -> ProtocolVersion {
        self.connect.protocol_version
    }

    /// Whether CONNACK accepted the current connection.
    pub fn is_connected(&self) -> bool {
        self.state == State::Connected
    }

    /// Whether the current connection has ended (or never started).
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed | State::Idle)
    }

    /// What the broker granted, while connected.
    pub fn broker(&self) -> Option<&ConnectionInfo> {
        self.broker.as_ref()
    }

    /// The CONNECT this session sends.
    pub fn connect_packet(&self) -> &Connect {
        &self.connect
    }

    /// Change what the next CONNECT sends (e.g. Clean Start after a first connection).
    pub fn connect_packet_mut(&mut self) -> &mut Connect {
        &mut self.connect
    }

    /// Switch the packet log on or off: while on, every packet sent or
    /// received is also reported as [`SessionEvent::Packet`].
    pub fn set_packet_log(&mut self, on: bool) {
        self.packet_log = on;
    }

    /// How many QoS 1/2 PUBLISH are sent and not yet acknowledged.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    /// How many PUBLISH wait for a free slot under the broker's Receive Maximum.
    pub fn queued_count(&self) -> usize {
        self.queue.len()
    }

    /// The filters the broker granted (resubscribed when a session is not resumed).
    pub fn subscriptions(&self) -> impl Iterator<Item = &SubscribeFilter> {
        self.subscriptions.iter().map(|(filter, _)| filter)
    }

    // ---- Outputs ----------------------------------------------------------

    /// Bytes to write to the transport, if any.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        if self.out.is_empty() {
            None
        } else {
            Some(self.out.split().freeze())
        }
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] must be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::AwaitingConnAck => self.connect_deadline,
            State::Connected => match self.ping_deadline {
                Some((_, deadline)) => Some(deadline),
                None => self
                    .keep_alive
                    .zip(self.last_sent)
                    .map(|(keep_alive, last)| last + keep_alive),
            },
            State::Idle | State::Closed => None,
        }
    }

    // ---- Inputs -----------------------------------------------------------

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
        self.keep_alive = None;
        self.ping_deadline = None;
        self.incoming_aliases.clear();
        self.state = State::AwaitingConnAck;
        self.connect_deadline = Some(now + self.options.connect_timeout);
        let connect = Packet::Connect(self.connect.clone());
        self.send(now, &connect);
        Ok(())
    }

    /// Bytes arrived from the broker.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        self.decoder.feed(bytes);
        self.handle_buffered(now);
    }

    /// The buffer to read received bytes into directly (saves a copy); call
    /// [`Session::handle_buffered`] afterwards.
    pub fn read_buffer(&mut self) -> &mut BytesMut {
        self.decoder.buffer_mut()
    }

    /// Process the bytes placed in [`Session::read_buffer`].
    pub fn handle_buffered(&mut self, now: Instant) {
        while matches!(self.state, State::AwaitingConnAck | State::Connected) {
            match self.decoder.next_packet_with_bytes() {
                Ok(Some((packet, raw))) => {
                    if self.packet_log {
                        self.events.push_back(SessionEvent::Packet {
                            direction: Direction::Received,
                            bytes: raw,
                        });
                    }
                    self.handle_packet(now, packet);
                }
                Ok(None) => break,
                Err(error) => {
                    self.violation(now, error.to_string(), error.reason_code());
                }
            }
        }
    }

    /// The transport failed or was closed by the other side.
    pub fn connection_lost(&mut self, detail: impl Into<String>) {
        if matches!(self.state, State::AwaitingConnAck | State::Connected) {
            self.close(CloseReason::ConnectionLost {
                detail: detail.into(),
            });
        }
    }

    /// Time passed: send PINGREQ when the connection has been idle for the
    /// keep alive, close it when PINGRESP or CONNACK does not come.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            State::AwaitingConnAck => {
                if let Some(deadline) = self.connect_deadline
                    && now >= deadline
                {
                    self.close(CloseReason::ConnAckTimeout {
                        waited_ms: self.options.connect_timeout.as_millis() as u64,
                    });
                }
            }
            State::Connected => {
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
                    let timeout = self
                        .options
                        .ping_timeout
                        .unwrap_or((keep_alive / 2).max(Duration::from_millis(500)));
                    self.ping_deadline = Some((now, now + timeout));
                }
            }
            State::Idle | State::Closed => {}
        }
    }

    /// Publish a message. QoS 1 and 2 messages wait in order while the
    /// broker's Receive Maximum is reached or the session is not connected.
    /// Returns an id that [`SessionEvent::PublishCompleted`] refers to.
    ///
    /// A message that cannot be sent as it is — over the broker's Maximum
    /// Packet Size, above its Maximum QoS, retained where retain is not
    /// available, a topic alias above its maximum — is refused here and the
    /// connection is not affected.
    pub fn publish(&mut self, now: Instant, mut publish: Publish) -> Result<u64, SessionError> {
        if publish
            .properties
            .subscription_identifiers()
            .next()
            .is_some()
        {
            return Err(SessionError::SubscriptionIdentifierInPublish);
        }
        publish.dup = false;
        publish.packet_id = if publish.qos == QoS::AtMostOnce { 0 } else { 1 };
        self.check_publish(&publish)?;
        publish.packet_id = 0;
        let id = self.next_id();
        self.queue.push_back(Queued { id, publish });
        self.flush_queue(now);
        Ok(id)
    }

    /// Subscribe to topic filters. Returns an id that [`SessionEvent::Subscribed`]
    /// refers to.
    pub fn subscribe(
        &mut self,
        now: Instant,
        filters: Vec<SubscribeFilter>,
        properties: Properties,
    ) -> Result<u64, SessionError> {
        if self.state != State::Connected {
            return Err(SessionError::NotConnected);
        }
        if let Some(broker) = &self.broker {
            check_subscribe_features(broker, &filters, &properties)?;
        }
        let (packet_id, id) = self.send_request(now, |packet_id| {
            Packet::Subscribe(Subscribe {
                packet_id,
                properties: properties.clone(),
                filters: filters.clone(),
            })
        })?;
        self.subscribe_requests.insert(
            packet_id,
            PendingSubscribe {
                id,
                filters,
                properties,
            },
        );
        Ok(id)
    }

    /// Unsubscribe from topic filters. Returns an id that
    /// [`SessionEvent::Unsubscribed`] refers to.
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<ByteString>,
        properties: Properties,
    ) -> Result<u64, SessionError> {
        if self.state != State::Connected {
            return Err(SessionError::NotConnected);
        }
        let (packet_id, id) = self.send_request(now, |packet_id| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties,
                filters: filters.clone(),
            })
        })?;
        self.unsubscribe_requests.insert(packet_id, (id, filters));
        Ok(id)
    }

    /// End the connection with DISCONNECT (reason and properties are sent in
    /// MQTT 5). Reason 0x04 asks the broker to publish the will anyway.
    pub fn disconnect(
        &mut self,
        now: Instant,
        reason_code: ReasonCode,
        properties: Properties,
    ) -> Result<(), SessionError> {
        if !matches!(self.state, State::AwaitingConnAck | State::Connected) {
            return Err(SessionError::NotConnected);
        }
        let packet = Packet::Disconnect(Disconnect {
            reason_code,
            properties,
        });
        packet.encoded_len(self.version())?;
        self.send(now, &packet);
        self.close(CloseReason::ClientRequest { reason_code });
        Ok(())
    }

    // ---- Internals --------------------------------------------------------

    /// Send a request that needs a packet identifier (SUBSCRIBE, UNSUBSCRIBE):
    /// allocate one, build the packet with it, check it fits the broker's
    /// limit (giving the identifier back if not) and send it. Returns the
    /// packet identifier and the request's id.
    fn send_request(
        &mut self,
        now: Instant,
        build: impl FnOnce(u16) -> Packet,
    ) -> Result<(u16, u64), SessionError> {
        let packet_id = self
            .ids
            .allocate()
            .ok_or(SessionError::NoPacketIdentifier)?;
        let packet = build(packet_id);
        if let Err(error) = self.check_size(&packet) {
            self.ids.release(packet_id);
            return Err(error);
        }
        self.send(now, &packet);
        Ok((packet_id, self.next_id()))
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    fn close(&mut self, reason: CloseReason) {
        self.state = State::Closed;
        self.connect_deadline = None;
        self.ping_deadline = None;
        self.events.push_back(SessionEvent::Closed(reason));
    }

    /// The broker broke the protocol: DISCONNECT with `reason_code` (MQTT 5)
    /// and close.
    fn violation(&mut self, now: Instant, detail: String, reason_code: ReasonCode) {
        if self.version() == ProtocolVersion::V5 {
            let reason = if reason_code.is_valid_for(crate::proto::PacketType::Disconnect) {
                reason_code
            } else {
                ReasonCode::ProtocolError
            };
            self.send(now, &Packet::Disconnect(Disconnect::new(reason)));
        }
        self.close(CloseReason::ProtocolViolation {
            detail,
            reason_code,
        });
    }

    fn send(&mut self, now: Instant, packet: &Packet) {
        let limit = self.broker.as_ref().and_then(|b| b.maximum_packet_size);
        let start = self.out.len();
        match packet.encode(self.version(), limit, &mut self.out) {
            Ok(_) => {
                self.last_sent = Some(now);
                if self.packet_log {
                    let bytes = Bytes::copy_from_slice(&self.out[start..]);
                    self.events.push_back(SessionEvent::Packet {
                        direction: Direction::Sent,
                        bytes,
                    });
                }
            }
            Err(error) => {
                // Requests are checked before they get here; what is left is
                // an acknowledgment that cannot be written, which ends the
                // connection rather than leaving the broker waiting.
                self.close(CloseReason::ProtocolViolation {
                    detail: format!(
                        "mqscope could not encode a {}: {error}",
                        packet.packet_type()
                    ),
                    reason_code: error.reason_code(),
                });
            }
        }
    }

    fn check_size(&self, packet: &Packet) -> Result<(), SessionError> {
        let size = packet.encoded_len(self.version())?;
        if let Some(limit) = self.broker.as_ref().and_then(|b| b.maximum_packet_size)
            && size as u64 > u64::from(limit)
        {
            return Err(SessionError::Codec(
                crate::proto::CodecError::PacketTooLarge {
                    size: size as u64,
                    limit,
                },
            ));
        }
        Ok(())
    }

    fn check_publish(&self, publish: &Publish) -> Result<(), SessionError> {
        if let Some(broker) = &self.broker {
            if publish.qos > broker.maximum_qos {
                // [MQTT-3.2.2-11]
                return Err(SessionError::QosNotSupported {
                    requested: publish.qos.to_u8(),
                    maximum: broker.maximum_qos.to_u8(),
                });
            }
            if publish.retain && !broker.retain_available {
                // [MQTT-3.2.2-14]
                return Err(SessionError::RetainNotSupported);
            }
            if let Some(alias) = publish.properties.topic_alias()
                && alias > broker.topic_alias_maximum
            {
                // [MQTT-3.2.2-17]
                return Err(SessionError::TopicAliasTooLarge {
                    alias,
                    maximum: broker.topic_alias_maximum,
                });
            }
        } else if publish.properties.topic_alias().is_some() {
            // Before CONNACK the broker's Topic Alias Maximum is 0.
            return Err(SessionError::TopicAliasTooLarge {
                alias: publish.properties.topic_alias().unwrap_or(0),
                maximum: 0,
            });
        }
        self.check_size(&Packet::Publish(publish.clone()))
    }

    /// Send queued messages while the broker's Receive Maximum allows.
    fn flush_queue(&mut self, now: Instant) {
        if self.state != State::Connected {
            return;
        }
        let receive_maximum = self.broker.as_ref().map_or(u16::MAX, |b| b.receive_maximum);
        while let Some(front) = self.queue.front() {
            if front.publish.qos == QoS::AtMostOnce {
                let Some(Queued { id, publish }) = self.queue.pop_front() else {
                    break;
                };
                self.send_new_publish(now, id, publish);
                continue;
            }
            // [MQTT-4.9.0-2] at most Receive Maximum unacknowledged QoS 1/2 PUBLISH.
            if self.in_flight.len() >= usize::from(receive_maximum) {
                break;
            }
            let Some(packet_id) = self.ids.allocate() else {
                break;
            };
            let Some(Queued { id, mut publish }) = self.queue.pop_front() else {
                self.ids.release(packet_id);
                break;
            };
            publish.packet_id = packet_id;
            if !self.send_new_publish(now, id, publish.clone()) {
                self.ids.release(packet_id);
                continue;
            }
            let stage = if publish.qos == QoS::AtLeastOnce {
                Awaiting::PubAck
            } else {
                Awaiting::PubRec
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            self.in_flight.insert(
                packet_id,
                InFlight {
                    id,
                    seq,
                    publish,
                    stage,
                },
            );
        }
    }

    /// Send a publish that waited in the queue; limits learned since it was
    /// queued may refuse it now.
    fn send_new_publish(&mut self, now: Instant, id: u64, publish: Publish) -> bool {
        if let Err(error) = self.check_publish(&publish) {
            self.events.push_back(SessionEvent::PublishFailed {
                id,
                error: error.to_string(),
            });
            return false;
        }
        self.send(now, &Packet::Publish(publish));
        true
    }

    fn handle_packet(&mut self, now: Instant, packet: Packet) {
        if self.state == State::AwaitingConnAck {
            match packet {
                Packet::ConnAck(connack) => self.handle_connack(now, connack),
                Packet::Auth(_) => self.auth_not_supported(now),
                other => self.violation(
                    now,
                    format!("it sent {} before CONNACK", other.packet_type()),
                    ReasonCode::ProtocolError,
                ),
            }
            return;
        }
        match packet {
            Packet::Publish(publish) => self.handle_publish(now, publish),
            Packet::PubAck(ack) => self.handle_final_ack(ack, Awaiting::PubAck),
            Packet::PubRec(rec) => self.handle_pubrec(now, rec),
            Packet::PubRel(rel) => self.handle_pubrel(now, rel),
            Packet::PubComp(comp) => self.handle_final_ack(comp, Awaiting::PubComp),
            Packet::SubAck(ack) => self.handle_suback(now, ack),
            Packet::UnsubAck(ack) => self.handle_unsuback(now, ack),
            Packet::PingResp => self.ping_deadline = None,
            Packet::Disconnect(disconnect) => {
                self.close(CloseReason::BrokerDisconnect(BrokerReason::new(
                    disconnect.reason_code,
                    &disconnect.properties,
                )));
            }
            Packet::Auth(_) => self.auth_not_supported(now),
            other => self.violation(
                now,
                format!(
                    "it sent {}, which only a client may send or which may come only once",
                    other.packet_type()
                ),
                ReasonCode::ProtocolError,
            ),
        }
        if self.state == State::Connected {
            self.flush_queue(now);
        }
    }

    fn auth_not_supported(&mut self, now: Instant) {
        if self.connect.properties.authentication_method().is_some() {
            self.violation(
                now,
                "it asked for a step of enhanced authentication, which mqscope does not support"
                    .to_owned(),
                ReasonCode::BadAuthenticationMethod,
            );
        } else {
            // [MQTT-4.12.0-6] AUTH without an Authentication Method in CONNECT.
            self.violation(
                now,
                "it sent AUTH although no authentication method was requested".to_owned(),
                ReasonCode::ProtocolError,
            );
        }
    }

    fn handle_connack(&mut self, now: Instant, connack: ConnAck) {
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
                "it said a session was resumed although mqscope asked for a clean start".to_owned(),
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

    /// [MQTT-4.4.0-1] After a resumed session: resend unacknowledged PUBLISH
    /// with DUP set and PUBREL, in their original order.
    fn resend_in_flight(&mut self, now: Instant) {
        let mut order: Vec<(u64, u16)> = self
            .in_flight
            .values()
            .map(|f| (f.seq, f.publish.packet_id))
            .collect();
        order.sort_unstable();
        for (_, packet_id) in order {
            let Some(flight) = self.in_flight.get_mut(&packet_id) else {
                continue;
            };
            let packet = match flight.stage {
                Awaiting::PubComp => Packet::PubRel(PubResponse::new(packet_id)),
                Awaiting::PubAck | Awaiting::PubRec => {
                    // [MQTT-3.3.1-1] DUP is set on a re-delivery.
                    flight.publish.dup = true;
                    // A topic alias from the last connection means nothing now.
                    flight
                        .publish
                        .properties
                        .0
                        .retain(|p| !matches!(p, Property::TopicAlias(_)));
                    Packet::Publish(flight.publish.clone())
                }
            };
            self.send(now, &packet);
        }
    }

    /// [MQTT-3.2.2-5] The broker has no session: discard the client's
    /// session state. Messages in flight are reported as dropped.
    fn drop_session_state(&mut self) {
        let mut dropped: Vec<(u64, u64)> = self.in_flight.values().map(|f| (f.seq, f.id)).collect();
        dropped.sort_unstable();
        for (_, id) in dropped {
            self.events.push_back(SessionEvent::PublishFailed {
                id,
                error: "the broker did not resume the session, so this message was discarded before it was acknowledged".to_owned(),
            });
        }
        self.in_flight.clear();
        self.incoming_qos2.clear();
        self.subscribe_requests.clear();
        self.unsubscribe_requests.clear();
        self.ids.clear();
    }

    fn resubscribe(&mut self, now: Instant) {
        let subscriptions = std::mem::take(&mut self.subscriptions);
        for (filter, properties) in subscriptions {
            // Granted before; if the broker refuses now, the SUBACK says so.
            let _ = self.subscribe(now, vec![filter], properties);
        }
    }

    fn handle_publish(&mut self, now: Instant, mut publish: Publish) {
        if let Err((detail, reason)) = self.resolve_topic_alias(&mut publish) {
            self.violation(now, detail, reason);
            return;
        }
        match publish.qos {
            QoS::AtMostOnce => self.events.push_back(SessionEvent::Message(publish)),
            QoS::AtLeastOnce => {
                let packet_id = publish.packet_id;
                self.events.push_back(SessionEvent::Message(publish));
                // [MQTT-4.3.2-4] acknowledge with PUBACK.
                self.send(now, &Packet::PubAck(PubResponse::new(packet_id)));
            }
            QoS::ExactlyOnce => {
                let packet_id = publish.packet_id;
                if !self.incoming_qos2.contains(&packet_id) {
                    let receive_maximum = self
                        .connect
                        .properties
                        .receive_maximum()
                        .unwrap_or(u16::MAX);
                    if self.incoming_qos2.len() >= usize::from(receive_maximum) {
                        // [MQTT-3.3.4-9] more unacknowledged QoS 2 than we allowed.
                        self.violation(
                            now,
                            format!(
                                "it sent more than Receive Maximum ({receive_maximum}) unacknowledged QoS 2 messages"
                            ),
                            ReasonCode::ReceiveMaximumExceeded,
                        );
                        return;
                    }
                    // Deliver once; a re-sent copy before PUBREL is not delivered again.
                    self.incoming_qos2.insert(packet_id);
                    self.events.push_back(SessionEvent::Message(publish));
                }
                // [MQTT-4.3.3-8] acknowledge with PUBREC.
                self.send(now, &Packet::PubRec(PubResponse::new(packet_id)));
            }
        }
    }

    /// Resolve an incoming Topic Alias (3.3.2.3.4).
    fn resolve_topic_alias(&mut self, publish: &mut Publish) -> Result<(), (String, ReasonCode)> {
        let Some(alias) = publish.properties.topic_alias() else {
            return Ok(());
        };
        let maximum = self.connect.properties.topic_alias_maximum().unwrap_or(0);
        if alias == 0 || alias > maximum {
            // [MQTT-3.3.2-11] no alias above the Topic Alias Maximum we sent.
            return Err((
                format!(
                    "it used topic alias {alias}, above the maximum of {maximum} mqscope allowed"
                ),
                ReasonCode::TopicAliasInvalid,
            ));
        }
        if publish.topic.is_empty() {
            match self.incoming_aliases.get(&alias) {
                Some(topic) => publish.topic = topic.clone(),
                None => {
                    return Err((
                        format!(
                            "it used topic alias {alias} before saying which topic it stands for"
                        ),
                        ReasonCode::ProtocolError,
                    ));
                }
            }
        } else {
            self.incoming_aliases.insert(alias, publish.topic.clone());
        }
        Ok(())
    }

    fn complete(&mut self, packet_id: u16, reason_code: ReasonCode, properties: &Properties) {
        if let Some(flight) = self.in_flight.remove(&packet_id) {
            self.ids.release(packet_id);
            self.events.push_back(SessionEvent::PublishCompleted {
                id: flight.id,
                reason: BrokerReason::new(reason_code, properties),
            });
        }
    }

    /// PUBACK or PUBCOMP: the last step of a flow that waits for `stage`. An
    /// acknowledgment for anything else is ignored.
    fn handle_final_ack(&mut self, ack: PubResponse, stage: Awaiting) {
        if self
            .in_flight
            .get(&ack.packet_id)
            .is_some_and(|f| f.stage == stage)
        {
            self.complete(ack.packet_id, ack.reason_code, &ack.properties);
        }
    }

    fn handle_pubrec(&mut self, now: Instant, rec: PubResponse) {
        let stage = self.in_flight.get(&rec.packet_id).map(|f| f.stage);
        match stage {
            Some(Awaiting::PubRec) if rec.reason_code.is_error() => {
                // 4.3.3: a PUBREC with an error code ends the flow; no PUBREL follows.
                self.complete(rec.packet_id, rec.reason_code, &rec.properties);
            }
            Some(Awaiting::PubRec) | Some(Awaiting::PubComp) => {
                if let Some(flight) = self.in_flight.get_mut(&rec.packet_id) {
                    flight.stage = Awaiting::PubComp;
                }
                // [MQTT-4.3.3-4] answer PUBREC with PUBREL.
                self.send(now, &Packet::PubRel(PubResponse::new(rec.packet_id)));
            }
            _ => {
                let mut rel = PubResponse::new(rec.packet_id);
                if self.version() == ProtocolVersion::V5 {
                    rel.reason_code = ReasonCode::PacketIdentifierNotFound;
                }
                self.send(now, &Packet::PubRel(rel));
            }
        }
    }

    fn handle_pubrel(&mut self, now: Instant, rel: PubResponse) {
        let known = self.incoming_qos2.remove(&rel.packet_id);
        let mut comp = PubResponse::new(rel.packet_id);
        if !known && self.version() == ProtocolVersion::V5 {
            comp.reason_code = ReasonCode::PacketIdentifierNotFound;
        }
        // [MQTT-4.3.3-11] answer PUBREL with PUBCOMP.
        self.send(now, &Packet::PubComp(comp));
    }

    fn handle_suback(&mut self, now: Instant, ack: SubAck) {
        let Some(request) = self.subscribe_requests.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        if ack.reason_codes.len() != request.filters.len() {
            // [MQTT-3.8.4-6] one reason code per topic filter.
            self.violation(
                now,
                format!(
                    "its SUBACK has {} results for {} topic filters",
                    ack.reason_codes.len(),
                    request.filters.len()
                ),
                ReasonCode::ProtocolError,
            );
            return;
        }
        let mut results = Vec::with_capacity(request.filters.len());
        for (filter, reason_code) in request.filters.into_iter().zip(ack.reason_codes) {
            if !reason_code.is_error() {
                self.subscriptions
                    .retain(|(f, _)| f.filter != filter.filter);
                self.subscriptions
                    .push((filter.clone(), request.properties.clone()));
            }
            results.push(SubscriptionResult {
                filter: filter.filter.to_string(),
                reason_code,
            });
        }
        self.events.push_back(SessionEvent::Subscribed {
            id: request.id,
            results,
            reason_string: ack.properties.reason_string().map(str::to_owned),
        });
    }

    fn handle_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        let Some((id, filters)) = self.unsubscribe_requests.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        let codes = if self.version() == ProtocolVersion::V311 {
            vec![ReasonCode::Success; filters.len()]
        } else {
            ack.reason_codes
        };
        if codes.len() != filters.len() {
            // [MQTT-3.11.3-2] one reason code per topic filter.
            self.violation(
                now,
                format!(
                    "its UNSUBACK has {} results for {} topic filters",
                    codes.len(),
                    filters.len()
                ),
                ReasonCode::ProtocolError,
            );
            return;
        }
        let mut results = Vec::with_capacity(filters.len());
        for (filter, reason_code) in filters.into_iter().zip(codes) {
            self.subscriptions.retain(|(f, _)| f.filter != filter);
            results.push(SubscriptionResult {
                filter: filter.to_string(),
                reason_code,
            });
        }
        self.events
            .push_back(SessionEvent::Unsubscribed { id, results });
    }
}

fn check_subscribe_features(
    broker: &ConnectionInfo,
    filters: &[SubscribeFilter],
    properties: &Properties,
) -> Result<(), SessionError> {
    if !broker.subscription_identifier_available
        && properties.subscription_identifiers().next().is_some()
    {
        return Err(SessionError::FeatureNotAvailable {
            feature: "subscription identifiers",
        });
    }
    for entry in filters {
        if !broker.shared_subscription_available && topic::is_shared_subscription(&entry.filter) {
            return Err(SessionError::FeatureNotAvailable {
                feature: "shared subscriptions",
            });
        }
        if !broker.wildcard_subscription_available && topic::has_wildcards(&entry.filter) {
            return Err(SessionError::FeatureNotAvailable {
                feature: "wildcard subscriptions",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
