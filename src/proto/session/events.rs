//! What the session tells its owner: connection state changes, messages, and
//! the outcome of each request.

use bytes::Bytes;
use bytestring::ByteString;

use crate::proto::codec::CodecError;
use crate::proto::{ConnAck, PacketType, Properties, Publish, QoS, ReasonCode};

/// What the broker granted in its CONNACK, with MQTT's defaults filled in for
/// what it left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Whether the broker resumed an earlier session.
    pub session_present: bool,
    /// The client identifier the broker assigned, if the client sent none.
    pub assigned_client_id: Option<String>,
    /// The keep alive in effect, in seconds (the broker's Server Keep Alive
    /// when it sent one).
    pub keep_alive_secs: u16,
    /// The session expiry the broker applies, in seconds.
    pub session_expiry_interval_secs: Option<u32>,
    /// How many QoS 1/2 PUBLISH may be unacknowledged towards the broker.
    pub receive_maximum: u16,
    /// The highest QoS the broker accepts.
    pub maximum_qos: QoS,
    /// Whether the broker keeps retained messages.
    pub retain_available: bool,
    /// The largest packet the broker accepts, in bytes (`None`: no limit).
    pub maximum_packet_size: Option<u32>,
    /// The highest topic alias the broker accepts (0: none).
    pub topic_alias_maximum: u16,
    /// Whether wildcard subscriptions are available.
    pub wildcard_subscription_available: bool,
    /// Whether subscription identifiers are available.
    pub subscription_identifier_available: bool,
    /// Whether shared subscriptions are available.
    pub shared_subscription_available: bool,
    /// Response Information, if requested and sent.
    pub response_information: Option<String>,
    /// Another server the broker suggests.
    pub server_reference: Option<String>,
    /// The broker's Reason String.
    pub reason_string: Option<String>,
    /// The broker's User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl ConnectionInfo {
    /// The details of a successful CONNACK.
    pub fn from_connack(connack: &ConnAck, requested_keep_alive_secs: u16) -> ConnectionInfo {
        let p = &connack.properties;
        let owned = |s: Option<&str>| s.map(str::to_owned);
        ConnectionInfo {
            session_present: connack.session_present,
            assigned_client_id: owned(p.assigned_client_identifier()),
            keep_alive_secs: p
                .server_keep_alive_secs()
                .unwrap_or(requested_keep_alive_secs),
            session_expiry_interval_secs: p.session_expiry_interval_secs(),
            receive_maximum: p.receive_maximum().unwrap_or(u16::MAX),
            maximum_qos: match p.maximum_qos() {
                Some(0) => QoS::AtMostOnce,
                Some(1) => QoS::AtLeastOnce,
                _ => QoS::ExactlyOnce,
            },
            retain_available: p.retain_available().unwrap_or(true),
            maximum_packet_size: p.maximum_packet_size(),
            topic_alias_maximum: p.topic_alias_maximum().unwrap_or(0),
            wildcard_subscription_available: p.wildcard_subscription_available().unwrap_or(true),
            subscription_identifier_available: p
                .subscription_identifier_available()
                .unwrap_or(true),
            shared_subscription_available: p.shared_subscription_available().unwrap_or(true),
            response_information: owned(p.response_information()),
            server_reference: owned(p.server_reference()),
            reason_string: owned(p.reason_string()),
            user_properties: owned_pairs(p),
        }
    }
}

/// The User Properties of `properties` as owned pairs.
pub fn owned_pairs(properties: &Properties) -> Vec<(String, String)> {
    properties
        .user_properties()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A reason code from the broker with what came with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerReason {
    /// The reason code.
    pub reason_code: ReasonCode,
    /// The broker's Reason String, if any.
    pub reason_string: Option<String>,
    /// Another server to use, if the broker named one.
    pub server_reference: Option<String>,
    /// The broker's User Properties.
    pub user_properties: Vec<(String, String)>,
}

impl BrokerReason {
    /// The reason code and the diagnostic properties that came with it.
    pub fn new(reason_code: ReasonCode, properties: &Properties) -> BrokerReason {
        BrokerReason {
            reason_code,
            reason_string: properties.reason_string().map(str::to_owned),
            server_reference: properties.server_reference().map(str::to_owned),
            user_properties: owned_pairs(properties),
        }
    }
}

/// Who ended a connection, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The client asked to disconnect.
    ClientRequest {
        /// The reason code sent in DISCONNECT.
        reason_code: ReasonCode,
    },
    /// The broker refused the CONNECT.
    Refused(BrokerReason),
    /// The broker sent DISCONNECT.
    BrokerDisconnect(BrokerReason),
    /// The broker broke the protocol; the client sent DISCONNECT with `reason_code`.
    ProtocolViolation {
        /// What was wrong.
        violation: Violation,
        /// The reason code the client closed with.
        reason_code: ReasonCode,
    },
    /// The broker did not answer CONNECT in time.
    ConnAckTimeout {
        /// How long the client waited, in milliseconds.
        waited_ms: u64,
    },
    /// The broker did not answer PINGREQ in time.
    KeepAliveTimeout {
        /// How long the client waited for PINGRESP, in milliseconds.
        waited_ms: u64,
    },
    /// The network connection ended or failed.
    ConnectionLost {
        /// What the transport reported.
        detail: String,
    },
}

/// How a broker broke the protocol, with what the client saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// It sent this packet before CONNACK.
    BeforeConnAck(PacketType),
    /// It sent a packet only a client may send, or one that may come only once.
    UnexpectedPacket(PacketType),
    /// It asked for a step of enhanced authentication, which mqscope does not support.
    AuthenticationStep,
    /// It sent AUTH although the client asked for no authentication method.
    AuthWithoutMethod,
    /// It used a topic alias above the client's Topic Alias Maximum.
    TopicAliasTooLarge {
        /// The alias it used.
        alias: u16,
        /// The client's Topic Alias Maximum.
        maximum: u16,
    },
    /// It used a topic alias before saying which topic it stands for.
    TopicAliasUnknown {
        /// The alias it used.
        alias: u16,
    },
    /// It sent more unacknowledged QoS 2 messages than Receive Maximum allows.
    ReceiveMaximumExceeded {
        /// The client's Receive Maximum.
        maximum: u16,
    },
    /// Its SUBACK or UNSUBACK does not have one result per topic filter.
    WrongResultCount {
        /// SUBACK or UNSUBACK.
        packet: PacketType,
        /// How many results it had.
        results: usize,
        /// How many topic filters the request had.
        filters: usize,
    },
    /// It said a session was resumed although the client asked for a clean start.
    ResumedAfterCleanStart,
    /// What it sent could not be decoded.
    Malformed(CodecError),
    /// mqscope could not encode an acknowledgment it owed.
    CannotEncode {
        /// The packet that could not be written.
        packet: PacketType,
        /// Why.
        error: CodecError,
    },
}

/// The outcome of one topic filter of a SUBSCRIBE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionResult {
    /// The topic filter.
    pub filter: String,
    /// Granted QoS 0–2, or why the broker refused the filter.
    pub reason_code: ReasonCode,
}

/// Which way a packet went, for the packet log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From this client to the broker.
    Sent,
    /// From the broker to this client.
    Received,
}

/// Something the owner of a [`super::Session`] should know about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    /// CONNACK accepted the connection.
    Connected(ConnectionInfo),
    /// The connection ended (a refused CONNECT included). The owner closes the
    /// socket after sending what [`super::Session::poll_transmit`] still holds.
    Closed(CloseReason),
    /// An application message arrived (topic aliases already resolved).
    Message(Publish),
    /// A QoS 1 or 2 PUBLISH finished: PUBACK, PUBCOMP, or a PUBREC with an error.
    PublishCompleted {
        /// The id returned by [`super::Session::publish`].
        id: u64,
        /// The broker's reason code.
        reason: BrokerReason,
    },
    /// A PUBLISH that will not complete: the broker did not resume the session
    /// it belonged to, or limits learned after it was queued refuse it.
    PublishFailed {
        /// The id returned by [`super::Session::publish`].
        id: u64,
        /// Why.
        error: SessionError,
    },
    /// SUBACK arrived.
    Subscribed {
        /// The id returned by [`super::Session::subscribe`].
        id: u64,
        /// One result per filter, in order.
        results: Vec<SubscriptionResult>,
        /// The broker's Reason String, if any.
        reason_string: Option<String>,
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// The id returned by [`super::Session::unsubscribe`].
        id: u64,
        /// One result per filter (MQTT 5; Success for 3.1.1).
        results: Vec<SubscriptionResult>,
    },
    /// A whole packet went out or came in (while the packet log is on, the
    /// connection's opening packets last, or a recording runs).
    Packet {
        /// Which way it went.
        direction: Direction,
        /// The raw bytes of the packet.
        bytes: Bytes,
        /// For the packet log (false: only for the recording).
        shown: bool,
        /// The topic of a PUBLISH received with only a Topic Alias, while
        /// recording.
        alias_topic: Option<ByteString>,
    },
}

/// Why the session refused a request before sending anything.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The packet breaks a rule of the protocol, or is larger than the broker accepts.
    #[error("{0}")]
    Codec(#[from] CodecError),
    /// The broker accepts at most `maximum`.
    #[error("the broker accepts messages up to QoS {maximum}; this one asks for QoS {requested}")]
    QosNotSupported {
        /// The QoS asked for.
        requested: u8,
        /// The broker's Maximum QoS.
        maximum: u8,
    },
    /// The broker does not keep retained messages.
    #[error("the broker does not support retained messages (Retain Available is 0)")]
    RetainNotSupported,
    /// The topic alias is above the broker's Topic Alias Maximum.
    #[error("topic alias {alias} is above the broker's Topic Alias Maximum of {maximum}")]
    TopicAliasTooLarge {
        /// The alias asked for.
        alias: u16,
        /// The broker's limit.
        maximum: u16,
    },
    /// A client may not send a Subscription Identifier in PUBLISH.
    #[error("a PUBLISH from a client may not carry a Subscription Identifier [MQTT-3.3.4-6]")]
    SubscriptionIdentifierInPublish,
    /// The broker said it does not support this kind of subscription.
    #[error("the broker does not support {feature}")]
    FeatureNotAvailable {
        /// What is not supported.
        feature: &'static str,
    },
    /// All 65 535 packet identifiers are in use.
    #[error("all 65 535 packet identifiers are in use; wait for acknowledgments")]
    NoPacketIdentifier,
    /// The session is closed.
    #[error("not connected")]
    NotConnected,
    /// The broker did not resume the session this message belonged to.
    #[error(
        "the broker did not resume the session, so this message was discarded before it was acknowledged"
    )]
    SessionNotResumed,
}
