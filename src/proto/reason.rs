//! MQTT 5.0 reason codes (spec section 2.4, Table 2-6) and the MQTT 3.1.1
//! CONNACK and SUBACK return codes they correspond to.
//!
//! A reason code is one byte. Values below 0x80 mean the operation worked (or
//! is still in progress); values of 0x80 and above mean it failed. The same
//! byte can carry a different name depending on the packet it appears in: 0x00
//! is "Success" in most packets, "Normal disconnection" in DISCONNECT and
//! "Granted QoS 0" in SUBACK.

use std::fmt;

use crate::proto::PacketType;

/// An MQTT 5.0 reason code, as listed in Table 2-6 of the specification.
///
/// The variant for 0x00 is called [`ReasonCode::Success`]; use
/// [`ReasonCode::name_in`] to get the packet-specific spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum ReasonCode {
    /// 0x00: Success / Normal disconnection / Granted QoS 0.
    Success = 0x00,
    /// 0x01: Granted QoS 1 (SUBACK).
    GrantedQos1 = 0x01,
    /// 0x02: Granted QoS 2 (SUBACK).
    GrantedQos2 = 0x02,
    /// 0x04: Disconnect with Will Message (DISCONNECT).
    DisconnectWithWillMessage = 0x04,
    /// 0x10: No matching subscribers (PUBACK, PUBREC).
    NoMatchingSubscribers = 0x10,
    /// 0x11: No subscription existed (UNSUBACK).
    NoSubscriptionExisted = 0x11,
    /// 0x18: Continue authentication (AUTH).
    ContinueAuthentication = 0x18,
    /// 0x19: Re-authenticate (AUTH).
    ReAuthenticate = 0x19,
    /// 0x80: Unspecified error.
    UnspecifiedError = 0x80,
    /// 0x81: Malformed Packet.
    MalformedPacket = 0x81,
    /// 0x82: Protocol Error.
    ProtocolError = 0x82,
    /// 0x83: Implementation specific error.
    ImplementationSpecificError = 0x83,
    /// 0x84: Unsupported Protocol Version.
    UnsupportedProtocolVersion = 0x84,
    /// 0x85: Client Identifier not valid.
    ClientIdentifierNotValid = 0x85,
    /// 0x86: Bad User Name or Password.
    BadUserNameOrPassword = 0x86,
    /// 0x87: Not authorized.
    NotAuthorized = 0x87,
    /// 0x88: Server unavailable.
    ServerUnavailable = 0x88,
    /// 0x89: Server busy.
    ServerBusy = 0x89,
    /// 0x8A: Banned.
    Banned = 0x8A,
    /// 0x8B: Server shutting down.
    ServerShuttingDown = 0x8B,
    /// 0x8C: Bad authentication method.
    BadAuthenticationMethod = 0x8C,
    /// 0x8D: Keep Alive timeout.
    KeepAliveTimeout = 0x8D,
    /// 0x8E: Session taken over.
    SessionTakenOver = 0x8E,
    /// 0x8F: Topic Filter invalid.
    TopicFilterInvalid = 0x8F,
    /// 0x90: Topic Name invalid.
    TopicNameInvalid = 0x90,
    /// 0x91: Packet Identifier in use.
    PacketIdentifierInUse = 0x91,
    /// 0x92: Packet Identifier not found.
    PacketIdentifierNotFound = 0x92,
    /// 0x93: Receive Maximum exceeded.
    ReceiveMaximumExceeded = 0x93,
    /// 0x94: Topic Alias invalid.
    TopicAliasInvalid = 0x94,
    /// 0x95: Packet too large.
    PacketTooLarge = 0x95,
    /// 0x96: Message rate too high.
    MessageRateTooHigh = 0x96,
    /// 0x97: Quota exceeded.
    QuotaExceeded = 0x97,
    /// 0x98: Administrative action.
    AdministrativeAction = 0x98,
    /// 0x99: Payload format invalid.
    PayloadFormatInvalid = 0x99,
    /// 0x9A: Retain not supported.
    RetainNotSupported = 0x9A,
    /// 0x9B: QoS not supported.
    QosNotSupported = 0x9B,
    /// 0x9C: Use another server.
    UseAnotherServer = 0x9C,
    /// 0x9D: Server moved.
    ServerMoved = 0x9D,
    /// 0x9E: Shared Subscriptions not supported.
    SharedSubscriptionsNotSupported = 0x9E,
    /// 0x9F: Connection rate exceeded.
    ConnectionRateExceeded = 0x9F,
    /// 0xA0: Maximum connect time.
    MaximumConnectTime = 0xA0,
    /// 0xA1: Subscription Identifiers not supported.
    SubscriptionIdentifiersNotSupported = 0xA1,
    /// 0xA2: Wildcard Subscriptions not supported.
    WildcardSubscriptionsNotSupported = 0xA2,
}

// The packets that carry a reason code, as used in Table 2-6.
const CONNACK: PacketType = PacketType::ConnAck;
const PUBACK: PacketType = PacketType::PubAck;
const PUBREC: PacketType = PacketType::PubRec;
const PUBREL: PacketType = PacketType::PubRel;
const PUBCOMP: PacketType = PacketType::PubComp;
const SUBACK: PacketType = PacketType::SubAck;
const UNSUBACK: PacketType = PacketType::UnsubAck;
const DISCONNECT: PacketType = PacketType::Disconnect;
const AUTH: PacketType = PacketType::Auth;

impl ReasonCode {
    /// Every reason code, in numeric order.
    pub const ALL: [ReasonCode; 43] = [
        ReasonCode::Success,
        ReasonCode::GrantedQos1,
        ReasonCode::GrantedQos2,
        ReasonCode::DisconnectWithWillMessage,
        ReasonCode::NoMatchingSubscribers,
        ReasonCode::NoSubscriptionExisted,
        ReasonCode::ContinueAuthentication,
        ReasonCode::ReAuthenticate,
        ReasonCode::UnspecifiedError,
        ReasonCode::MalformedPacket,
        ReasonCode::ProtocolError,
        ReasonCode::ImplementationSpecificError,
        ReasonCode::UnsupportedProtocolVersion,
        ReasonCode::ClientIdentifierNotValid,
        ReasonCode::BadUserNameOrPassword,
        ReasonCode::NotAuthorized,
        ReasonCode::ServerUnavailable,
        ReasonCode::ServerBusy,
        ReasonCode::Banned,
        ReasonCode::ServerShuttingDown,
        ReasonCode::BadAuthenticationMethod,
        ReasonCode::KeepAliveTimeout,
        ReasonCode::SessionTakenOver,
        ReasonCode::TopicFilterInvalid,
        ReasonCode::TopicNameInvalid,
        ReasonCode::PacketIdentifierInUse,
        ReasonCode::PacketIdentifierNotFound,
        ReasonCode::ReceiveMaximumExceeded,
        ReasonCode::TopicAliasInvalid,
        ReasonCode::PacketTooLarge,
        ReasonCode::MessageRateTooHigh,
        ReasonCode::QuotaExceeded,
        ReasonCode::AdministrativeAction,
        ReasonCode::PayloadFormatInvalid,
        ReasonCode::RetainNotSupported,
        ReasonCode::QosNotSupported,
        ReasonCode::UseAnotherServer,
        ReasonCode::ServerMoved,
        ReasonCode::SharedSubscriptionsNotSupported,
        ReasonCode::ConnectionRateExceeded,
        ReasonCode::MaximumConnectTime,
        ReasonCode::SubscriptionIdentifiersNotSupported,
        ReasonCode::WildcardSubscriptionsNotSupported,
    ];

    /// The reason code with this byte value, or `None` if MQTT 5.0 does not
    /// define one.
    #[inline]
    pub fn from_u8(value: u8) -> Option<ReasonCode> {
        let code = match value {
            0x00 => ReasonCode::Success,
            0x01 => ReasonCode::GrantedQos1,
            0x02 => ReasonCode::GrantedQos2,
            0x04 => ReasonCode::DisconnectWithWillMessage,
            0x10 => ReasonCode::NoMatchingSubscribers,
            0x11 => ReasonCode::NoSubscriptionExisted,
            0x18 => ReasonCode::ContinueAuthentication,
            0x19 => ReasonCode::ReAuthenticate,
            0x80 => ReasonCode::UnspecifiedError,
            0x81 => ReasonCode::MalformedPacket,
            0x82 => ReasonCode::ProtocolError,
            0x83 => ReasonCode::ImplementationSpecificError,
            0x84 => ReasonCode::UnsupportedProtocolVersion,
            0x85 => ReasonCode::ClientIdentifierNotValid,
            0x86 => ReasonCode::BadUserNameOrPassword,
            0x87 => ReasonCode::NotAuthorized,
            0x88 => ReasonCode::ServerUnavailable,
            0x89 => ReasonCode::ServerBusy,
            0x8A => ReasonCode::Banned,
            0x8B => ReasonCode::ServerShuttingDown,
            0x8C => ReasonCode::BadAuthenticationMethod,
            0x8D => ReasonCode::KeepAliveTimeout,
            0x8E => ReasonCode::SessionTakenOver,
            0x8F => ReasonCode::TopicFilterInvalid,
            0x90 => ReasonCode::TopicNameInvalid,
            0x91 => ReasonCode::PacketIdentifierInUse,
            0x92 => ReasonCode::PacketIdentifierNotFound,
            0x93 => ReasonCode::ReceiveMaximumExceeded,
            0x94 => ReasonCode::TopicAliasInvalid,
            0x95 => ReasonCode::PacketTooLarge,
            0x96 => ReasonCode::MessageRateTooHigh,
            0x97 => ReasonCode::QuotaExceeded,
            0x98 => ReasonCode::AdministrativeAction,
            0x99 => ReasonCode::PayloadFormatInvalid,
            0x9A => ReasonCode::RetainNotSupported,
            0x9B => ReasonCode::QosNotSupported,
            0x9C => ReasonCode::UseAnotherServer,
            0x9D => ReasonCode::ServerMoved,
            0x9E => ReasonCode::SharedSubscriptionsNotSupported,
            0x9F => ReasonCode::ConnectionRateExceeded,
            0xA0 => ReasonCode::MaximumConnectTime,
            0xA1 => ReasonCode::SubscriptionIdentifiersNotSupported,
            0xA2 => ReasonCode::WildcardSubscriptionsNotSupported,
            _ => return None,
        };
        Some(code)
    }

    /// The byte value sent on the wire.
    #[inline]
    pub fn to_u8(self) -> u8 {
        self as u8
    }

    /// Whether this code reports a failure (value 0x80 or above).
    pub fn is_error(self) -> bool {
        self.to_u8() >= 0x80
    }

    /// The name as Table 2-6 of the MQTT 5.0 specification spells it, using
    /// "Success" for 0x00. See [`ReasonCode::name_in`] for the packet-specific
    /// names of 0x00.
    pub fn name(self) -> &'static str {
        match self {
            ReasonCode::Success => "Success",
            ReasonCode::GrantedQos1 => "Granted QoS 1",
            ReasonCode::GrantedQos2 => "Granted QoS 2",
            ReasonCode::DisconnectWithWillMessage => "Disconnect with Will Message",
            ReasonCode::NoMatchingSubscribers => "No matching subscribers",
            ReasonCode::NoSubscriptionExisted => "No subscription existed",
            ReasonCode::ContinueAuthentication => "Continue authentication",
            ReasonCode::ReAuthenticate => "Re-authenticate",
            ReasonCode::UnspecifiedError => "Unspecified error",
            ReasonCode::MalformedPacket => "Malformed Packet",
            ReasonCode::ProtocolError => "Protocol Error",
            ReasonCode::ImplementationSpecificError => "Implementation specific error",
            ReasonCode::UnsupportedProtocolVersion => "Unsupported Protocol Version",
            ReasonCode::ClientIdentifierNotValid => "Client Identifier not valid",
            ReasonCode::BadUserNameOrPassword => "Bad User Name or Password",
            ReasonCode::NotAuthorized => "Not authorized",
            ReasonCode::ServerUnavailable => "Server unavailable",
            ReasonCode::ServerBusy => "Server busy",
            ReasonCode::Banned => "Banned",
            ReasonCode::ServerShuttingDown => "Server shutting down",
            ReasonCode::BadAuthenticationMethod => "Bad authentication method",
            ReasonCode::KeepAliveTimeout => "Keep Alive timeout",
            ReasonCode::SessionTakenOver => "Session taken over",
            ReasonCode::TopicFilterInvalid => "Topic Filter invalid",
            ReasonCode::TopicNameInvalid => "Topic Name invalid",
            ReasonCode::PacketIdentifierInUse => "Packet Identifier in use",
            ReasonCode::PacketIdentifierNotFound => "Packet Identifier not found",
            ReasonCode::ReceiveMaximumExceeded => "Receive Maximum exceeded",
            ReasonCode::TopicAliasInvalid => "Topic Alias invalid",
            ReasonCode::PacketTooLarge => "Packet too large",
            ReasonCode::MessageRateTooHigh => "Message rate too high",
            ReasonCode::QuotaExceeded => "Quota exceeded",
            ReasonCode::AdministrativeAction => "Administrative action",
            ReasonCode::PayloadFormatInvalid => "Payload format invalid",
            ReasonCode::RetainNotSupported => "Retain not supported",
            ReasonCode::QosNotSupported => "QoS not supported",
            ReasonCode::UseAnotherServer => "Use another server",
            ReasonCode::ServerMoved => "Server moved",
            ReasonCode::SharedSubscriptionsNotSupported => "Shared Subscriptions not supported",
            ReasonCode::ConnectionRateExceeded => "Connection rate exceeded",
            ReasonCode::MaximumConnectTime => "Maximum connect time",
            ReasonCode::SubscriptionIdentifiersNotSupported => {
                "Subscription Identifiers not supported"
            }
            ReasonCode::WildcardSubscriptionsNotSupported => "Wildcard Subscriptions not supported",
        }
    }

    /// The spec's name for this code when it appears in `packet`: 0x00 is
    /// "Normal disconnection" in DISCONNECT and "Granted QoS 0" in SUBACK;
    /// every other case is [`ReasonCode::name`].
    pub fn name_in(self, packet: PacketType) -> &'static str {
        match (self, packet) {
            (ReasonCode::Success, PacketType::Disconnect) => "Normal disconnection",
            (ReasonCode::Success, PacketType::SubAck) => "Granted QoS 0",
            _ => self.name(),
        }
    }

    /// A short plain-English explanation of what happened and, for errors,
    /// what to try next.
    pub fn meaning(self) -> &'static str {
        match self {
            ReasonCode::Success => "The request was carried out successfully.",
            ReasonCode::GrantedQos1 => {
                "The subscription was accepted, and its messages will be delivered \
                 at most at QoS 1 (at least once), which may be lower than requested."
            }
            ReasonCode::GrantedQos2 => {
                "The subscription was accepted, and its messages will be delivered \
                 at QoS 2 (exactly once)."
            }
            ReasonCode::DisconnectWithWillMessage => {
                "The client is closing the connection on purpose but wants the broker \
                 to publish its will message anyway."
            }
            ReasonCode::NoMatchingSubscribers => {
                "The broker accepted the message, but nobody is subscribed to its topic \
                 right now."
            }
            ReasonCode::NoSubscriptionExisted => {
                "There was nothing to remove, because this client had no subscription \
                 with that topic filter."
            }
            ReasonCode::ContinueAuthentication => {
                "Authentication is not finished yet. The other side expects another \
                 AUTH packet with the next piece of authentication data."
            }
            ReasonCode::ReAuthenticate => {
                "The client wants to prove its identity again without dropping the \
                 current connection."
            }
            ReasonCode::UnspecifiedError => {
                "Something went wrong, but the sender did not say what, or no more \
                 specific code fits. Look at the broker's logs for details."
            }
            ReasonCode::MalformedPacket => {
                "A packet's bytes could not be decoded because they do not follow the \
                 MQTT format. This is a bug in the client or the broker, not a user mistake."
            }
            ReasonCode::ProtocolError => {
                "A packet could be decoded but broke the protocol's rules, for example by \
                 arriving at the wrong moment. This is a bug in the client or the broker."
            }
            ReasonCode::ImplementationSpecificError => {
                "The packet was valid, but this broker or client will not handle it for \
                 its own reasons. Check its documentation or logs."
            }
            ReasonCode::UnsupportedProtocolVersion => {
                "The broker does not speak the MQTT version the client asked for. Try \
                 connecting with another version, such as MQTT 3.1.1."
            }
            ReasonCode::ClientIdentifierNotValid => {
                "The broker refused the client identifier even though it is well formed. \
                 Try a different, shorter client ID made of plain letters and digits."
            }
            ReasonCode::BadUserNameOrPassword => {
                "The broker did not accept the user name or password. Check the \
                 credentials and try again."
            }
            ReasonCode::NotAuthorized => {
                "The broker does not allow this client to do that. Check the user name, \
                 password or the broker's access rules."
            }
            ReasonCode::ServerUnavailable => {
                "The broker cannot take this connection at the moment. Try again later."
            }
            ReasonCode::ServerBusy => {
                "The broker is too busy to deal with this client right now. Wait a little \
                 and try again."
            }
            ReasonCode::Banned => {
                "The broker has banned this client and will not let it connect. Contact \
                 whoever runs the broker."
            }
            ReasonCode::ServerShuttingDown => {
                "The broker is shutting down, so it closed the connection. Reconnect once \
                 it is running again."
            }
            ReasonCode::BadAuthenticationMethod => {
                "The broker does not support the authentication method the client asked \
                 for, or it changed during the connection. Pick a method the broker knows."
            }
            ReasonCode::KeepAliveTimeout => {
                "The broker heard nothing from the client for longer than the keep-alive \
                 time allows, so it gave up on the connection. Check the network or use a \
                 longer keep-alive."
            }
            ReasonCode::SessionTakenOver => {
                "Another connection with the same client ID took over this session, so \
                 this one was closed. Give every client its own unique ID."
            }
            ReasonCode::TopicFilterInvalid => {
                "The topic filter is written correctly, but the receiver does not accept \
                 it. Try a different filter."
            }
            ReasonCode::TopicNameInvalid => {
                "The topic name is written correctly, but the receiver does not accept it. \
                 Try publishing to a different topic."
            }
            ReasonCode::PacketIdentifierInUse => {
                "The packet identifier is already taken by another exchange that has not \
                 finished, which means client and broker disagree about the session state."
            }
            ReasonCode::PacketIdentifierNotFound => {
                "The receiver does not know this packet identifier, usually because client \
                 and broker disagree about the session state, for example after a session \
                 was lost."
            }
            ReasonCode::ReceiveMaximumExceeded => {
                "More QoS 1 and QoS 2 messages were waiting for acknowledgement than the \
                 receiver allows (its Receive Maximum). Send fewer messages at a time."
            }
            ReasonCode::TopicAliasInvalid => {
                "A PUBLISH used a topic alias the receiver does not allow, such as zero or \
                 a number above its limit. This is a bug in the sender."
            }
            ReasonCode::PacketTooLarge => {
                "A packet was bigger than the receiver's maximum packet size. Send smaller \
                 messages or raise the limit."
            }
            ReasonCode::MessageRateTooHigh => {
                "Messages were sent faster than the receiver allows. Slow down before \
                 reconnecting."
            }
            ReasonCode::QuotaExceeded => {
                "A limit set by the broker or its administrator has been reached, such as \
                 a cap on messages or subscriptions. Try later or ask for a larger quota."
            }
            ReasonCode::AdministrativeAction => {
                "The connection was closed because an administrator told the broker to \
                 close it."
            }
            ReasonCode::PayloadFormatInvalid => {
                "The message was marked as UTF-8 text, but its payload is not valid text. \
                 Fix the payload or clear the payload format indicator."
            }
            ReasonCode::RetainNotSupported => {
                "The broker does not support retained messages. Publish with the retain \
                 flag turned off."
            }
            ReasonCode::QosNotSupported => {
                "The QoS that was asked for is higher than the broker supports. Use a lower \
                 QoS, at most the Maximum QoS the broker announced."
            }
            ReasonCode::UseAnotherServer => {
                "The broker wants the client to use a different broker for now. It may \
                 name that broker in the Server Reference property."
            }
            ReasonCode::ServerMoved => {
                "The broker has moved for good, and the client should connect to the new \
                 one from now on. It may be named in the Server Reference property."
            }
            ReasonCode::SharedSubscriptionsNotSupported => {
                "The broker does not support shared subscriptions (filters starting with \
                 $share/). Subscribe without the $share prefix."
            }
            ReasonCode::ConnectionRateExceeded => {
                "The client tried to connect too many times in a short period. Wait a \
                 while before reconnecting."
            }
            ReasonCode::MaximumConnectTime => {
                "The connection was open for the longest time the broker allows, so it \
                 was closed. Reconnect if you need to continue."
            }
            ReasonCode::SubscriptionIdentifiersNotSupported => {
                "The broker does not support subscription identifiers. Subscribe again \
                 without one."
            }
            ReasonCode::WildcardSubscriptionsNotSupported => {
                "The broker does not support wildcard subscriptions (+ or #). Subscribe to \
                 exact topic names instead."
            }
        }
    }

    /// Like [`ReasonCode::meaning`], but with the packet-specific explanation of
    /// 0x00 in DISCONNECT and SUBACK.
    pub fn meaning_in(self, packet: PacketType) -> &'static str {
        match (self, packet) {
            (ReasonCode::Success, PacketType::Disconnect) => {
                "The connection was closed normally on purpose; the will message is not sent."
            }
            (ReasonCode::Success, PacketType::SubAck) => {
                "The subscription was accepted, and its messages will be delivered at \
                 QoS 0 (at most once, with no acknowledgement)."
            }
            _ => self.meaning(),
        }
    }

    /// The packets in which Table 2-6 of the MQTT 5.0 specification allows this
    /// code, in packet-type order.
    ///
    /// Note: Table 2-6 lists 0x8C (Bad authentication method) for DISCONNECT,
    /// although the DISCONNECT packet's own table (3.14.2.1) leaves it out; this
    /// follows Table 2-6.
    pub const fn valid_packets(self) -> &'static [PacketType] {
        match self {
            ReasonCode::Success => &[
                CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH,
            ],
            ReasonCode::GrantedQos1 | ReasonCode::GrantedQos2 => &[SUBACK],
            ReasonCode::NoMatchingSubscribers => &[PUBACK, PUBREC],
            ReasonCode::NoSubscriptionExisted => &[UNSUBACK],
            ReasonCode::ContinueAuthentication | ReasonCode::ReAuthenticate => &[AUTH],
            ReasonCode::UnspecifiedError
            | ReasonCode::ImplementationSpecificError
            | ReasonCode::NotAuthorized => &[CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT],
            ReasonCode::UnsupportedProtocolVersion
            | ReasonCode::ClientIdentifierNotValid
            | ReasonCode::BadUserNameOrPassword
            | ReasonCode::ServerUnavailable
            | ReasonCode::Banned => &[CONNACK],
            ReasonCode::MalformedPacket
            | ReasonCode::ProtocolError
            | ReasonCode::ServerBusy
            | ReasonCode::BadAuthenticationMethod
            | ReasonCode::PacketTooLarge
            | ReasonCode::RetainNotSupported
            | ReasonCode::QosNotSupported
            | ReasonCode::UseAnotherServer
            | ReasonCode::ServerMoved
            | ReasonCode::ConnectionRateExceeded => &[CONNACK, DISCONNECT],
            ReasonCode::DisconnectWithWillMessage
            | ReasonCode::ServerShuttingDown
            | ReasonCode::KeepAliveTimeout
            | ReasonCode::SessionTakenOver
            | ReasonCode::ReceiveMaximumExceeded
            | ReasonCode::TopicAliasInvalid
            | ReasonCode::MessageRateTooHigh
            | ReasonCode::AdministrativeAction
            | ReasonCode::MaximumConnectTime => &[DISCONNECT],
            ReasonCode::TopicFilterInvalid => &[SUBACK, UNSUBACK, DISCONNECT],
            ReasonCode::TopicNameInvalid | ReasonCode::PayloadFormatInvalid => {
                &[CONNACK, PUBACK, PUBREC, DISCONNECT]
            }
            ReasonCode::PacketIdentifierInUse => &[PUBACK, PUBREC, SUBACK, UNSUBACK],
            ReasonCode::PacketIdentifierNotFound => &[PUBREL, PUBCOMP],
            ReasonCode::QuotaExceeded => &[CONNACK, PUBACK, PUBREC, SUBACK, DISCONNECT],
            ReasonCode::SharedSubscriptionsNotSupported
            | ReasonCode::SubscriptionIdentifiersNotSupported
            | ReasonCode::WildcardSubscriptionsNotSupported => &[SUBACK, DISCONNECT],
        }
    }

    /// Whether Table 2-6 allows this code in `packet`. Always `false` for the
    /// packets that carry no reason code (CONNECT, PUBLISH, SUBSCRIBE,
    /// UNSUBSCRIBE, PINGREQ, PINGRESP).
    #[inline]
    pub fn is_valid_for(self, packet: PacketType) -> bool {
        VALID_PACKETS[self as usize] & (1 << packet as u8) != 0
    }

    /// The MQTT 5.0 code for an MQTT 3.1.1 CONNACK return code (0–5), or
    /// `None` for the values 3.1.1 reserves.
    pub fn from_v311_connack(code: u8) -> Option<ReasonCode> {
        match code {
            0 => Some(ReasonCode::Success),
            1 => Some(ReasonCode::UnsupportedProtocolVersion),
            2 => Some(ReasonCode::ClientIdentifierNotValid),
            3 => Some(ReasonCode::ServerUnavailable),
            4 => Some(ReasonCode::BadUserNameOrPassword),
            5 => Some(ReasonCode::NotAuthorized),
            _ => None,
        }
    }

    /// The MQTT 3.1.1 CONNACK return code for this code, or `None` if 3.1.1
    /// has no equivalent. Inverse of [`ReasonCode::from_v311_connack`].
    pub fn to_v311_connack(self) -> Option<u8> {
        match self {
            ReasonCode::Success => Some(0),
            ReasonCode::UnsupportedProtocolVersion => Some(1),
            ReasonCode::ClientIdentifierNotValid => Some(2),
            ReasonCode::ServerUnavailable => Some(3),
            ReasonCode::BadUserNameOrPassword => Some(4),
            ReasonCode::NotAuthorized => Some(5),
            _ => None,
        }
    }

    /// The MQTT 3.1.1 specification's name for a CONNACK return code, or
    /// `None` for the reserved values 6–255.
    pub fn v311_connack_name(code: u8) -> Option<&'static str> {
        match code {
            0 => Some("Connection Accepted"),
            1 => Some("Connection Refused, unacceptable protocol version"),
            2 => Some("Connection Refused, identifier rejected"),
            3 => Some("Connection Refused, Server unavailable"),
            4 => Some("Connection Refused, bad user name or password"),
            5 => Some("Connection Refused, not authorized"),
            _ => None,
        }
    }

    /// The MQTT 5.0 code for an MQTT 3.1.1 SUBACK return code: 0x00, 0x01 and
    /// 0x02 grant that QoS, 0x80 (Failure) becomes
    /// [`ReasonCode::UnspecifiedError`]; anything else is `None`.
    pub fn from_v311_suback(code: u8) -> Option<ReasonCode> {
        match code {
            0x00 => Some(ReasonCode::Success),
            0x01 => Some(ReasonCode::GrantedQos1),
            0x02 => Some(ReasonCode::GrantedQos2),
            0x80 => Some(ReasonCode::UnspecifiedError),
            _ => None,
        }
    }

    /// The MQTT 3.1.1 SUBACK return code for this code, or `None` if 3.1.1
    /// has no equivalent. Inverse of [`ReasonCode::from_v311_suback`].
    pub fn to_v311_suback(self) -> Option<u8> {
        match self {
            ReasonCode::Success => Some(0x00),
            ReasonCode::GrantedQos1 => Some(0x01),
            ReasonCode::GrantedQos2 => Some(0x02),
            ReasonCode::UnspecifiedError => Some(0x80),
            _ => None,
        }
    }
}

/// For each byte value, the packets that may carry it as a reason code: bit
/// `n` stands for the packet type with value `n`. Built at compile time from
/// [`ReasonCode::valid_packets`], so that [`ReasonCode::is_valid_for`] is one
/// load instead of a search.
static VALID_PACKETS: [u16; 256] = {
    let mut masks = [0u16; 256];
    let mut i = 0;
    while i < ReasonCode::ALL.len() {
        let code = ReasonCode::ALL[i];
        let packets = code.valid_packets();
        let mut j = 0;
        while j < packets.len() {
            masks[code as usize] |= 1 << packets[j] as u8;
            j += 1;
        }
        i += 1;
    }
    masks
};

impl fmt::Display for ReasonCode {
    /// Prints the hexadecimal value and the spec name, e.g. `0x87 Not authorized`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} {}", self.to_u8(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes Table 2-6 allows in `packet`, as bytes.
    fn codes_for(packet: PacketType) -> Vec<u8> {
        ReasonCode::ALL
            .iter()
            .filter(|code| code.is_valid_for(packet))
            .map(|code| code.to_u8())
            .collect()
    }

    #[test]
    fn from_u8_round_trips_exactly_the_known_values() {
        let mut known = 0;
        for value in 0..=u8::MAX {
            if let Some(code) = ReasonCode::from_u8(value) {
                assert_eq!(code.to_u8(), value);
                assert!(ReasonCode::ALL.contains(&code));
                known += 1;
            } else {
                assert!(ReasonCode::ALL.iter().all(|c| c.to_u8() != value));
            }
        }
        assert_eq!(known, 43);
        for code in ReasonCode::ALL {
            assert_eq!(ReasonCode::from_u8(code.to_u8()), Some(code));
        }
    }

    #[test]
    fn all_is_in_strict_numeric_order() {
        for pair in ReasonCode::ALL.windows(2) {
            assert!(pair[0].to_u8() < pair[1].to_u8(), "{:?}", pair);
            assert!(pair[0] < pair[1]);
        }
    }

    #[test]
    fn is_error_splits_at_0x80() {
        for code in ReasonCode::ALL {
            assert_eq!(code.is_error(), code.to_u8() >= 0x80, "{code}");
        }
        assert!(!ReasonCode::NoMatchingSubscribers.is_error());
        assert!(ReasonCode::UnspecifiedError.is_error());
    }

    #[test]
    fn every_code_has_a_name_and_a_meaning() {
        for code in ReasonCode::ALL {
            assert!(!code.name().is_empty(), "{code:?}");
            let meaning = code.meaning();
            assert!(meaning.ends_with('.'), "{code:?}: {meaning}");
            assert!(!meaning.contains("  "), "{code:?}: {meaning}");
            for packet in PacketType::ALL {
                assert!(code.name_in(packet).ends_with(|c: char| !c.is_whitespace()));
                assert!(code.meaning_in(packet).ends_with('.'));
            }
        }
    }

    #[test]
    fn names_follow_the_spec_spelling() {
        assert_eq!(ReasonCode::Success.name(), "Success");
        assert_eq!(ReasonCode::GrantedQos1.name(), "Granted QoS 1");
        assert_eq!(ReasonCode::NotAuthorized.name(), "Not authorized");
        assert_eq!(
            ReasonCode::BadUserNameOrPassword.name(),
            "Bad User Name or Password"
        );
        assert_eq!(ReasonCode::TopicNameInvalid.name(), "Topic Name invalid");
        assert_eq!(
            ReasonCode::PacketIdentifierInUse.name(),
            "Packet Identifier in use"
        );
        assert_eq!(ReasonCode::KeepAliveTimeout.name(), "Keep Alive timeout");
    }

    #[test]
    fn zero_is_named_by_context() {
        let zero = ReasonCode::Success;
        assert_eq!(zero.name_in(PacketType::Disconnect), "Normal disconnection");
        assert_eq!(zero.name_in(PacketType::SubAck), "Granted QoS 0");
        assert_eq!(zero.name_in(PacketType::ConnAck), "Success");
        assert_eq!(zero.name_in(PacketType::Auth), "Success");
        assert_ne!(zero.meaning_in(PacketType::Disconnect), zero.meaning());
        assert_ne!(zero.meaning_in(PacketType::SubAck), zero.meaning());
        assert_eq!(zero.meaning_in(PacketType::PubAck), zero.meaning());
        assert_eq!(
            ReasonCode::NotAuthorized.name_in(PacketType::Disconnect),
            "Not authorized"
        );
    }

    #[test]
    fn display_shows_hex_and_name() {
        assert_eq!(ReasonCode::NotAuthorized.to_string(), "0x87 Not authorized");
        assert_eq!(ReasonCode::Success.to_string(), "0x00 Success");
        assert_eq!(ReasonCode::Banned.to_string(), "0x8A Banned");
    }

    #[test]
    fn the_table_of_valid_packets_is_the_list() {
        for code in ReasonCode::ALL {
            for packet in PacketType::ALL {
                assert_eq!(
                    code.is_valid_for(packet),
                    code.valid_packets().contains(&packet),
                    "{code} in {packet}"
                );
            }
        }
    }

    #[test]
    fn is_valid_for_spot_checks_from_table_2_6() {
        use PacketType::*;
        // 0x10 No matching subscribers: PUBACK, PUBREC.
        assert_eq!(
            ReasonCode::NoMatchingSubscribers.valid_packets(),
            &[PubAck, PubRec]
        );
        // 0x91 Packet Identifier in use: PUBACK, PUBREC, SUBACK, UNSUBACK.
        assert_eq!(
            ReasonCode::PacketIdentifierInUse.valid_packets(),
            &[PubAck, PubRec, SubAck, UnsubAck]
        );
        // 0x04 Disconnect with Will Message: DISCONNECT only.
        assert_eq!(
            ReasonCode::DisconnectWithWillMessage.valid_packets(),
            &[Disconnect]
        );
        // 0x18 Continue authentication, 0x19 Re-authenticate: AUTH only.
        assert_eq!(ReasonCode::ContinueAuthentication.valid_packets(), &[Auth]);
        assert_eq!(ReasonCode::ReAuthenticate.valid_packets(), &[Auth]);
        // 0x8F Topic Filter invalid: SUBACK, UNSUBACK, DISCONNECT.
        assert_eq!(
            ReasonCode::TopicFilterInvalid.valid_packets(),
            &[SubAck, UnsubAck, Disconnect]
        );
        // 0x92 Packet Identifier not found: PUBREL, PUBCOMP.
        assert_eq!(
            ReasonCode::PacketIdentifierNotFound.valid_packets(),
            &[PubRel, PubComp]
        );
        // 0x97 Quota exceeded: CONNACK, PUBACK, PUBREC, SUBACK, DISCONNECT.
        assert_eq!(
            ReasonCode::QuotaExceeded.valid_packets(),
            &[ConnAck, PubAck, PubRec, SubAck, Disconnect]
        );
        // 0x8C Bad authentication method: CONNACK, DISCONNECT (Table 2-6).
        assert!(ReasonCode::BadAuthenticationMethod.is_valid_for(ConnAck));
        assert!(ReasonCode::BadAuthenticationMethod.is_valid_for(Disconnect));
        assert!(!ReasonCode::BadAuthenticationMethod.is_valid_for(Auth));
        // 0x00 appears in every packet that has a reason code.
        assert_eq!(ReasonCode::Success.valid_packets().len(), 9);
    }

    #[test]
    fn per_packet_sets_match_the_chapter_3_tables() {
        use PacketType::*;
        // Table 3-1 (CONNACK).
        assert_eq!(
            codes_for(ConnAck),
            [
                0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90,
                0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F
            ]
        );
        // Tables 3-4 and 3-5 (PUBACK, PUBREC).
        let puback = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
        assert_eq!(codes_for(PubAck), puback);
        assert_eq!(codes_for(PubRec), puback);
        // Tables 3-6 and 3-7 (PUBREL, PUBCOMP).
        assert_eq!(codes_for(PubRel), [0x00, 0x92]);
        assert_eq!(codes_for(PubComp), [0x00, 0x92]);
        // Table 3-8 (SUBACK).
        assert_eq!(
            codes_for(SubAck),
            [
                0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2
            ]
        );
        // Table 3-9 (UNSUBACK).
        assert_eq!(
            codes_for(UnsubAck),
            [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91]
        );
        // Table 3-10 (DISCONNECT), plus 0x8C which only Table 2-6 lists.
        assert_eq!(
            codes_for(Disconnect),
            [
                0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90,
                0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0,
                0xA1, 0xA2
            ]
        );
        // Table 3-11 (AUTH).
        assert_eq!(codes_for(Auth), [0x00, 0x18, 0x19]);
    }

    #[test]
    fn packets_without_reason_codes_accept_none() {
        use PacketType::*;
        for packet in [Connect, Publish, Subscribe, Unsubscribe, PingReq, PingResp] {
            assert!(codes_for(packet).is_empty(), "{packet}");
        }
    }

    #[test]
    fn every_code_is_valid_somewhere() {
        for code in ReasonCode::ALL {
            assert!(!code.valid_packets().is_empty(), "{code}");
            assert!(
                PacketType::ALL.iter().any(|&p| code.is_valid_for(p)),
                "{code}"
            );
            // valid_packets is listed in packet-type order without repeats.
            assert!(code.valid_packets().windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn v311_connack_round_trips() {
        for value in 0..=u8::MAX {
            match ReasonCode::from_v311_connack(value) {
                Some(code) => {
                    assert!(value <= 5);
                    assert_eq!(code.to_v311_connack(), Some(value));
                    assert!(code.is_valid_for(PacketType::ConnAck));
                    assert!(ReasonCode::v311_connack_name(value).is_some());
                }
                None => {
                    assert!(value > 5);
                    assert_eq!(ReasonCode::v311_connack_name(value), None);
                }
            }
        }
        for code in ReasonCode::ALL {
            if let Some(value) = code.to_v311_connack() {
                assert_eq!(ReasonCode::from_v311_connack(value), Some(code));
            }
        }
        assert_eq!(
            ReasonCode::v311_connack_name(1),
            Some("Connection Refused, unacceptable protocol version")
        );
        assert_eq!(ReasonCode::Banned.to_v311_connack(), None);
    }

    #[test]
    fn v311_suback_round_trips() {
        for value in 0..=u8::MAX {
            match ReasonCode::from_v311_suback(value) {
                Some(code) => {
                    assert!(matches!(value, 0x00..=0x02 | 0x80));
                    assert_eq!(code.to_v311_suback(), Some(value));
                    assert!(code.is_valid_for(PacketType::SubAck));
                }
                None => assert!(!matches!(value, 0x00..=0x02 | 0x80)),
            }
        }
        for code in ReasonCode::ALL {
            if let Some(value) = code.to_v311_suback() {
                assert_eq!(ReasonCode::from_v311_suback(value), Some(code));
            }
        }
        assert_eq!(ReasonCode::QuotaExceeded.to_v311_suback(), None);
    }
}
