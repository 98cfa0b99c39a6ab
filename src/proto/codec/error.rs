//! What can be wrong with an MQTT packet, in either direction.

use crate::proto::codec::PropertyId;
use crate::proto::topic::TopicError;
use crate::proto::{PacketType, ReasonCode};

/// A packet that breaks a rule of the MQTT specification, found while decoding
/// received bytes or refused before encoding.
///
/// The same rule gives the same error in both directions: what the decoder
/// rejects, the encoder refuses to write. Each message names the rule it breaks
/// (`[MQTT-x.y.z-n]`) where the specification numbers it, and
/// [`CodecError::reason_code`] gives the reason code to close the connection with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// A Variable Byte Integer has a continuation bit set on its fourth byte.
    #[error("a variable byte integer is longer than the 4 bytes the protocol allows")]
    VariableByteIntegerTooLong,
    /// A Variable Byte Integer uses more bytes than its value needs.
    #[error("a variable byte integer uses more bytes than its value needs [MQTT-1.5.5-1]")]
    VariableByteIntegerNotMinimal,
    /// A value is too large for a Variable Byte Integer (more than 268 435 455).
    #[error("the value {value} is too large for a variable byte integer (at most 268 435 455)")]
    VariableByteIntegerTooLarge {
        /// The value that does not fit.
        value: u64,
    },
    /// A UTF-8 Encoded String is not well-formed UTF-8.
    #[error("the {field} is not well-formed UTF-8 [MQTT-1.5.4-1]")]
    InvalidUtf8 {
        /// The field the string belongs to.
        field: &'static str,
    },
    /// A UTF-8 Encoded String contains the null character U+0000.
    #[error("the {field} contains the null character U+0000 [MQTT-1.5.4-2]")]
    NullCharacter {
        /// The field the string belongs to.
        field: &'static str,
    },
    /// A string or binary field is longer than its 2-byte length prefix can say.
    #[error("the {field} is {len} bytes long; the protocol allows at most 65 535")]
    FieldTooLong {
        /// The field that is too long.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// A field reaches past the end of the packet as given by its remaining length.
    #[error("the {field} reaches past the end of the packet")]
    Truncated {
        /// The field that was cut off.
        field: &'static str,
    },
    /// Bytes are left over after the last field of a packet.
    #[error("{count} unexpected bytes follow the last field of the {packet} packet")]
    TrailingBytes {
        /// The packet they follow.
        packet: PacketType,
        /// How many bytes are left over.
        count: usize,
    },
    /// The packet type in the first byte is reserved (0, or 15 in MQTT 3.1.1).
    #[error("the packet type {value} is reserved and not a valid MQTT control packet")]
    ReservedPacketType {
        /// The value of bits 7–4 of the first byte.
        value: u8,
    },
    /// The flag bits of the fixed header are not the value the packet type requires.
    #[error(
        "the {packet} packet has flag bits {flags:#06b}; the protocol requires {required:#06b} [MQTT-2.1.3-1]"
    )]
    InvalidFixedHeaderFlags {
        /// The packet type.
        packet: PacketType,
        /// The flags found.
        flags: u8,
        /// The flags the specification requires.
        required: u8,
    },
    /// A QoS field holds 3, which is not a quality of service.
    #[error("the {field} is 3, which is not a quality of service (0, 1 or 2)")]
    InvalidQos {
        /// Where the QoS appears.
        field: &'static str,
    },
    /// A QoS 0 PUBLISH has the DUP flag set.
    #[error("a QoS 0 PUBLISH must not have the DUP flag set [MQTT-3.3.1-2]")]
    DupWithQos0,
    /// A QoS 0 PUBLISH was given a packet identifier (it has none on the wire).
    #[error("a QoS 0 PUBLISH has no packet identifier, but {packet_id} was given [MQTT-2.2.1-2]")]
    PacketIdentifierWithQos0 {
        /// The identifier that was given.
        packet_id: u16,
    },
    /// A packet that needs a packet identifier has 0.
    #[error("the {packet} packet has packet identifier 0; it must be non-zero [MQTT-2.2.1-3]")]
    PacketIdentifierZero {
        /// The packet.
        packet: PacketType,
    },
    /// The whole packet is larger than the receiver's Maximum Packet Size.
    #[error("the packet is {size} bytes, more than the maximum packet size of {limit} bytes")]
    PacketTooLarge {
        /// The size of the whole packet in bytes.
        size: u64,
        /// The limit it exceeds.
        limit: u32,
    },
    /// A property identifier that MQTT 5 does not define.
    #[error("0x{id:02X} is not an MQTT 5 property identifier")]
    UnknownProperty {
        /// The identifier found.
        id: u32,
    },
    /// A property that the packet (or will message) may not carry.
    #[error("the {context} may not carry the property {property}")]
    PropertyNotAllowed {
        /// Where the property was found.
        context: PropertyContext,
        /// The property.
        property: PropertyId,
    },
    /// A property that may appear only once appears again.
    #[error("the {context} carries the property {property} more than once")]
    DuplicateProperty {
        /// Where the property was found.
        context: PropertyContext,
        /// The property.
        property: PropertyId,
    },
    /// A property holds a value the specification does not allow.
    #[error("the property {property} has the value {value}, which is not allowed: {allowed}")]
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value found.
        value: u32,
        /// The values that are allowed, in words.
        allowed: &'static str,
    },
    /// Authentication Data without an Authentication Method.
    #[error("the {context} carries Authentication Data without an Authentication Method")]
    AuthenticationDataWithoutMethod {
        /// Where the property was found.
        context: PropertyContext,
    },
    /// A reason code that the packet may not carry.
    #[error("0x{code:02X} is not a reason code a {packet} packet may carry")]
    InvalidReasonCode {
        /// The packet.
        packet: PacketType,
        /// The code found.
        code: u8,
    },
    /// The CONNECT packet's protocol name is not `MQTT`.
    #[error("the protocol name is {name:?}, not \"MQTT\" [MQTT-3.1.2-1]")]
    InvalidProtocolName {
        /// The name found.
        name: String,
    },
    /// The CONNECT packet asks for a protocol version other than 3.1.1 (4) or 5.
    #[error(
        "the protocol level is {level}; only 4 (MQTT 3.1.1) and 5 (MQTT 5.0) are supported [MQTT-3.1.2-2]"
    )]
    UnsupportedProtocolLevel {
        /// The level found.
        level: u8,
    },
    /// The reserved bit 0 of the CONNECT flags is set.
    #[error("the reserved bit of the CONNECT flags is set [MQTT-3.1.2-3]")]
    ConnectReservedFlag,
    /// Will QoS or Will Retain is set while the Will Flag is not.
    #[error(
        "Will QoS and Will Retain must be 0 when there is no will message [MQTT-3.1.2-11] [MQTT-3.1.2-13]"
    )]
    WillFlagsWithoutWill,
    /// In MQTT 3.1.1, a password is present without a user name.
    #[error("MQTT 3.1.1 does not allow a password without a user name [MQTT-3.1.2-22]")]
    PasswordWithoutUserName,
    /// A CONNACK has reserved bits set in its acknowledge flags.
    #[error("the reserved bits of the CONNACK acknowledge flags are set [MQTT-3.2.2-1]")]
    ConnAckReservedFlags,
    /// A CONNACK that refuses the connection says a session is present.
    #[error(
        "a CONNACK that refuses the connection must not say a session is present [MQTT-3.2.2-6]"
    )]
    SessionPresentOnRefusal,
    /// A topic name or topic filter breaks a rule of section 4.7.
    #[error("the {field} is not valid: {error}")]
    Topic {
        /// The field holding the topic.
        field: &'static str,
        /// What is wrong with it.
        error: TopicError,
    },
    /// A PUBLISH has an empty topic name and no Topic Alias.
    #[error("the PUBLISH has an empty topic name and no Topic Alias")]
    EmptyTopicWithoutAlias,
    /// A SUBSCRIBE or UNSUBSCRIBE carries no topic filter.
    #[error("the {packet} packet carries no topic filter [MQTT-3.8.3-2] [MQTT-3.10.3-2]")]
    NoTopicFilters {
        /// The packet.
        packet: PacketType,
    },
    /// A SUBACK or MQTT 5 UNSUBACK carries no reason code, though it answers
    /// at least one topic filter.
    #[error(
        "the {packet} packet carries no reason code; it needs one per topic filter [MQTT-3.8.4-6] [MQTT-3.11.3-2]"
    )]
    NoReasonCodes {
        /// The packet.
        packet: PacketType,
    },
    /// An AUTH packet with a body but no Authentication Method.
    #[error("the AUTH packet has no Authentication Method (3.15.2.2.2)")]
    AuthenticationMethodMissing,
    /// Reserved bits of the subscription options are set.
    #[error("the reserved bits of the subscription options are set [MQTT-3.8.3-5]")]
    SubscriptionOptionsReserved,
    /// The Maximum QoS of a subscription is 3 (a Protocol Error, 3.8.3.1).
    #[error(
        "the Maximum QoS of a subscription is 3, which is not a quality of service (0, 1 or 2)"
    )]
    InvalidSubscriptionQos,
    /// Retain Handling is 3.
    #[error("Retain Handling is 3, which is not defined")]
    InvalidRetainHandling,
    /// No Local is set on a shared subscription.
    #[error("No Local must not be set on a shared subscription [MQTT-3.8.3-4]")]
    NoLocalOnSharedSubscription,
    /// Something only MQTT 5 has was used with MQTT 3.1.1.
    #[error("MQTT 3.1.1 has no {feature}; it exists only in MQTT 5")]
    NotInMqtt311 {
        /// What was used.
        feature: &'static str,
    },
}

impl CodecError {
    /// The reason code the receiver of such a packet closes the connection with
    /// (in CONNACK or DISCONNECT), as the specification gives it.
    pub fn reason_code(&self) -> ReasonCode {
        use CodecError::*;
        match self {
            InvalidPropertyValue {
                property: PropertyId::TopicAlias,
                ..
            } => ReasonCode::TopicAliasInvalid,
            PacketTooLarge { .. } | VariableByteIntegerTooLarge { .. } => {
                ReasonCode::PacketTooLarge
            }
            DuplicateProperty { .. }
            | InvalidPropertyValue { .. }
            | AuthenticationDataWithoutMethod { .. }
            | EmptyTopicWithoutAlias
            | NoTopicFilters { .. }
            | NoReasonCodes { .. }
            | AuthenticationMethodMissing
            | InvalidRetainHandling
            | InvalidSubscriptionQos
            | NoLocalOnSharedSubscription
            | PacketIdentifierZero { .. } => ReasonCode::ProtocolError,
            InvalidProtocolName { .. } | UnsupportedProtocolLevel { .. } => {
                ReasonCode::UnsupportedProtocolVersion
            }
            Topic { error, .. } => {
                if matches!(error, TopicError::WildcardInTopicName) || is_topic_name_field(self) {
                    ReasonCode::TopicNameInvalid
                } else {
                    ReasonCode::TopicFilterInvalid
                }
            }
            _ => ReasonCode::MalformedPacket,
        }
    }
}

fn is_topic_name_field(error: &CodecError) -> bool {
    matches!(error, CodecError::Topic { field, .. } if field.contains("Topic Name") || field.contains("Will Topic"))
}

/// Where a property list appears: in a packet, or in the will properties of CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PropertyContext {
    /// The properties of a packet's variable header.
    Packet(PacketType),
    /// The Will Properties in the payload of CONNECT.
    Will,
}

impl std::fmt::Display for PropertyContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PropertyContext::Packet(packet) => write!(f, "{packet} packet"),
            PropertyContext::Will => f.write_str("will message"),
        }
    }
}
