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
//!
//! The work is split by job: `connect` (CONNECT, CONNACK, timers, closing),
//! `outgoing` (requests, the send queue, the write path), `incoming` (received
//! packets and acknowledgments), `limits` (the broker's limits), `events`
//! (what the owner is told) and `packet_ids`.

mod connect;
mod events;
mod incoming;
mod limits;
mod outgoing;
mod packet_ids;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;

pub use events::{
    BrokerReason, CloseReason, ConnectionInfo, Direction, SessionError, SessionEvent,
    SubscriptionResult, Violation,
};
pub use packet_ids::PacketIds;

use crate::proto::{
    Connect, Decoder, Packet, Properties, ProtocolVersion, Publish, SubscribeFilter,
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
    /// The first packets of each connection (both ways) reported as
    /// [`SessionEvent::Packet`] even while the packet log is off, so that a
    /// packet inspector opened later still shows how the connection began.
    pub opening_packets: u32,
}

/// The opening packets the window keeps of each connection: CONNECT,
/// CONNACK, the first SUBSCRIBEs and SUBACKs and the first PUBLISHes.
pub const OPENING_PACKETS: u32 = 24;

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            connect_timeout: Duration::from_secs(10),
            ping_timeout: None,
            resubscribe: true,
            opening_packets: 0,
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
    /// Every packet is reported for a recording.
    recording: bool,
    /// Opening packets still to report with the packet log off.
    opening_left: u32,
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
    /// Closing: new messages are neither delivered nor acknowledged.
    draining: bool,
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
            recording: false,
            opening_left: 0,
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
            draining: false,
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

    /// Whether the packet being sent or received is reported, and whether
    /// for the packet log: with the packet log on or while the connection's
    /// opening packets last (shown), or for a recording only.
    fn logs_packet(&mut self) -> Option<bool> {
        let shown = self.packet_log || self.opening_left > 0;
        if !self.packet_log {
            self.opening_left = self.opening_left.saturating_sub(1);
        }
        (shown || self.recording).then_some(shown)
    }

    /// Report every packet while a recording runs (see
    /// [`SessionEvent::Packet`]'s `shown`).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    /// Switch the packet log on or off: while on, every packet sent or
    /// received is also reported as [`SessionEvent::Packet`].
    pub fn set_packet_log(&mut self, on: bool) {
        self.packet_log = on;
    }

    /// Begin a clean close: from now on new messages from the broker are
    /// neither delivered nor acknowledged, while the QoS 1/2 flows already
    /// begun may finish (see [`Session::flows_open`]); then call
    /// [`Session::disconnect`].
    pub fn drain(&mut self) {
        self.draining = true;
    }

    /// Whether a QoS 1/2 flow is begun and not finished, in either direction.
    pub fn flows_open(&self) -> bool {
        !self.in_flight.is_empty() || !self.incoming_qos2.is_empty()
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
                    if let Some(shown) = self.logs_packet() {
                        let alias_topic = self.recording.then(|| self.alias_topic(&packet));
                        self.events.push_back(SessionEvent::Packet {
                            direction: Direction::Received,
                            bytes: raw,
                            shown,
                            alias_topic: alias_topic.flatten(),
                        });
                    }
                    self.handle_packet(now, packet);
                }
                Ok(None) => break,
                Err(error) => {
                    let reason_code = error.reason_code();
                    self.violation(now, Violation::Malformed(error), reason_code);
                }
            }
        }
    }

    /// The topic a received PUBLISH stands for by its Topic Alias alone.
    fn alias_topic(&self, packet: &Packet) -> Option<ByteString> {
        match packet {
            Packet::Publish(publish) if publish.topic.is_empty() => {
                let alias = publish.properties.topic_alias()?;
                self.incoming_aliases.get(&alias).cloned()
            }
            _ => None,
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
            State::AwaitingConnAck => self.connack_timeout(now),
            State::Connected => self.keep_alive_timeout(now),
            State::Idle | State::Closed => {}
        }
    }
}

#[cfg(test)]
mod tests;
