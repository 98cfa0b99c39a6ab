//! MQTT 5 properties (section 2.2.2): identifiers, data types, where each may
//! appear, how often, and which values are allowed.

use std::fmt;

use bytes::{BufMut, Bytes};
use bytestring::ByteString;

use super::error::PropertyContext;
use super::reader::{Reader, Result, Trace, describe_bytes};
use super::{CodecError, varint, writer};
use crate::proto::PacketType;

/// The data type of a property's value (section 1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    /// One byte.
    Byte,
    /// A big-endian 16-bit integer.
    TwoByteInteger,
    /// A big-endian 32-bit integer.
    FourByteInteger,
    /// A Variable Byte Integer.
    VariableByteInteger,
    /// A UTF-8 Encoded String.
    Utf8String,
    /// Binary Data.
    BinaryData,
    /// A UTF-8 String Pair.
    Utf8StringPair,
}

macro_rules! property_ids {
    ($( $variant:ident = $id:literal, $name:literal, $ty:ident, [$($ctx:ident),*]; )*) => {
        /// The identifier of an MQTT 5 property (Table 2-4).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum PropertyId {
            $(
                #[doc = $name]
                $variant = $id,
            )*
        }

        impl PropertyId {
            /// Every property identifier, in numeric order.
            pub const ALL: &'static [PropertyId] = &[$(PropertyId::$variant),*];

            /// The property with this identifier, if MQTT 5 defines one.
            pub fn from_u32(id: u32) -> Option<PropertyId> {
                match id {
                    $($id => Some(PropertyId::$variant),)*
                    _ => None,
                }
            }

            /// The property's name as the specification spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $(PropertyId::$variant => $name,)*
                }
            }

            /// The data type of its value.
            pub fn data_type(self) -> DataType {
                match self {
                    $(PropertyId::$variant => DataType::$ty,)*
                }
            }

            fn allowed_mask(self) -> u16 {
                match self {
                    $(PropertyId::$variant => 0 $(| context_bit(Ctx::$ctx))*,)*
                }
            }
        }
    };
}

/// Shorthands for the contexts of the table below.
enum Ctx {
    Will,
    Connect,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

const fn context_bit(ctx: Ctx) -> u16 {
    let bit = match ctx {
        Ctx::Will => 0,
        Ctx::Connect => PacketType::Connect as u8,
        Ctx::ConnAck => PacketType::ConnAck as u8,
        Ctx::Publish => PacketType::Publish as u8,
        Ctx::PubAck => PacketType::PubAck as u8,
        Ctx::PubRec => PacketType::PubRec as u8,
        Ctx::PubRel => PacketType::PubRel as u8,
        Ctx::PubComp => PacketType::PubComp as u8,
        Ctx::Subscribe => PacketType::Subscribe as u8,
        Ctx::SubAck => PacketType::SubAck as u8,
        Ctx::Unsubscribe => PacketType::Unsubscribe as u8,
        Ctx::UnsubAck => PacketType::UnsubAck as u8,
        Ctx::Disconnect => PacketType::Disconnect as u8,
        Ctx::Auth => PacketType::Auth as u8,
    };
    1 << bit
}

fn bit_of(context: PropertyContext) -> u16 {
    match context {
        PropertyContext::Will => 1,
        PropertyContext::Packet(packet) => 1 << packet.to_u8(),
    }
}

// Section 2.2.2.2, Table 2-4: identifier, name, type, and where it may appear.
property_ids! {
    PayloadFormatIndicator = 0x01, "Payload Format Indicator", Byte, [Publish, Will];
    MessageExpiryInterval = 0x02, "Message Expiry Interval", FourByteInteger, [Publish, Will];
    ContentType = 0x03, "Content Type", Utf8String, [Publish, Will];
    ResponseTopic = 0x08, "Response Topic", Utf8String, [Publish, Will];
    CorrelationData = 0x09, "Correlation Data", BinaryData, [Publish, Will];
    SubscriptionIdentifier = 0x0B, "Subscription Identifier", VariableByteInteger, [Publish, Subscribe];
    SessionExpiryInterval = 0x11, "Session Expiry Interval", FourByteInteger, [Connect, ConnAck, Disconnect];
    AssignedClientIdentifier = 0x12, "Assigned Client Identifier", Utf8String, [ConnAck];
    ServerKeepAlive = 0x13, "Server Keep Alive", TwoByteInteger, [ConnAck];
    AuthenticationMethod = 0x15, "Authentication Method", Utf8String, [Connect, ConnAck, Auth];
    AuthenticationData = 0x16, "Authentication Data", BinaryData, [Connect, ConnAck, Auth];
    RequestProblemInformation = 0x17, "Request Problem Information", Byte, [Connect];
    WillDelayInterval = 0x18, "Will Delay Interval", FourByteInteger, [Will];
    RequestResponseInformation = 0x19, "Request Response Information", Byte, [Connect];
    ResponseInformation = 0x1A, "Response Information", Utf8String, [ConnAck];
    ServerReference = 0x1C, "Server Reference", Utf8String, [ConnAck, Disconnect];
    ReasonString = 0x1F, "Reason String", Utf8String,
        [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    ReceiveMaximum = 0x21, "Receive Maximum", TwoByteInteger, [Connect, ConnAck];
    TopicAliasMaximum = 0x22, "Topic Alias Maximum", TwoByteInteger, [Connect, ConnAck];
    TopicAlias = 0x23, "Topic Alias", TwoByteInteger, [Publish];
    MaximumQos = 0x24, "Maximum QoS", Byte, [ConnAck];
    RetainAvailable = 0x25, "Retain Available", Byte, [ConnAck];
    UserProperty = 0x26, "User Property", Utf8StringPair,
        [Connect, ConnAck, Publish, Will, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck,
         Unsubscribe, UnsubAck, Disconnect, Auth];
    MaximumPacketSize = 0x27, "Maximum Packet Size", FourByteInteger, [Connect, ConnAck];
    WildcardSubscriptionAvailable = 0x28, "Wildcard Subscription Available", Byte, [ConnAck];
    SubscriptionIdentifierAvailable = 0x29, "Subscription Identifier Available", Byte, [ConnAck];
    SharedSubscriptionAvailable = 0x2A, "Shared Subscription Available", Byte, [ConnAck];
}

impl PropertyId {
    /// The numeric identifier.
    pub fn to_u8(self) -> u8 {
        self as u8
    }

    /// Whether the property may appear in `context` at all.
    pub fn is_allowed_in(self, context: PropertyContext) -> bool {
        self.allowed_mask() & bit_of(context) != 0
    }

    /// Whether the property may appear more than once in `context`: User
    /// Property anywhere, Subscription Identifier in PUBLISH (one per matching
    /// subscription).
    pub fn may_repeat_in(self, context: PropertyContext) -> bool {
        match self {
            PropertyId::UserProperty => true,
            PropertyId::SubscriptionIdentifier => {
                context == PropertyContext::Packet(PacketType::Publish)
            }
            _ => false,
        }
    }
}

impl fmt::Display for PropertyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:02X})", self.name(), self.to_u8())
    }
}

/// One MQTT 5 property with its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Property {
    /// 0: the payload is unspecified bytes; 1: it is UTF-8 text.
    PayloadFormatIndicator(u8),
    /// How long the message lives, in seconds.
    MessageExpiryInterval(u32),
    /// The MIME type (or any description) of the payload.
    ContentType(ByteString),
    /// The topic a response should be published to.
    ResponseTopic(ByteString),
    /// Data that ties a response to its request.
    CorrelationData(Bytes),
    /// The identifier of a subscription (1 to 268 435 455).
    SubscriptionIdentifier(u32),
    /// How long the session outlives the connection, in seconds.
    SessionExpiryInterval(u32),
    /// The client identifier the server chose for the client.
    AssignedClientIdentifier(ByteString),
    /// The keep alive the server wants instead of the client's, in seconds.
    ServerKeepAlive(u16),
    /// The name of the enhanced authentication method.
    AuthenticationMethod(ByteString),
    /// Data for the enhanced authentication method.
    AuthenticationData(Bytes),
    /// Whether the server may send reason strings and user properties on failures.
    RequestProblemInformation(bool),
    /// How long the server waits before publishing the will, in seconds.
    WillDelayInterval(u32),
    /// Whether the client asks for Response Information in CONNACK.
    RequestResponseInformation(bool),
    /// The basis for response topics, from the server.
    ResponseInformation(ByteString),
    /// Another server the client should use.
    ServerReference(ByteString),
    /// A human-readable reason, for diagnostics.
    ReasonString(ByteString),
    /// How many QoS 1 and 2 publications may be unacknowledged at once (non-zero).
    ReceiveMaximum(u16),
    /// The highest topic alias the sender accepts.
    TopicAliasMaximum(u16),
    /// A number that stands for the topic name (non-zero).
    TopicAlias(u16),
    /// The highest QoS the server supports (0 or 1; absent means 2).
    MaximumQos(u8),
    /// Whether the server supports retained messages.
    RetainAvailable(bool),
    /// A name and value pair defined by the application.
    UserProperty(ByteString, ByteString),
    /// The largest packet the sender accepts, in bytes (non-zero).
    MaximumPacketSize(u32),
    /// Whether the server supports wildcard subscriptions.
    WildcardSubscriptionAvailable(bool),
    /// Whether the server supports subscription identifiers.
    SubscriptionIdentifierAvailable(bool),
    /// Whether the server supports shared subscriptions.
    SharedSubscriptionAvailable(bool),
}

impl Property {
    /// The identifier of this property.
    pub fn id(&self) -> PropertyId {
        use Property as P;
        use PropertyId as I;
        match self {
            P::PayloadFormatIndicator(_) => I::PayloadFormatIndicator,
            P::MessageExpiryInterval(_) => I::MessageExpiryInterval,
            P::ContentType(_) => I::ContentType,
            P::ResponseTopic(_) => I::ResponseTopic,
            P::CorrelationData(_) => I::CorrelationData,
            P::SubscriptionIdentifier(_) => I::SubscriptionIdentifier,
            P::SessionExpiryInterval(_) => I::SessionExpiryInterval,
            P::AssignedClientIdentifier(_) => I::AssignedClientIdentifier,
            P::ServerKeepAlive(_) => I::ServerKeepAlive,
            P::AuthenticationMethod(_) => I::AuthenticationMethod,
            P::AuthenticationData(_) => I::AuthenticationData,
            P::RequestProblemInformation(_) => I::RequestProblemInformation,
            P::WillDelayInterval(_) => I::WillDelayInterval,
            P::RequestResponseInformation(_) => I::RequestResponseInformation,
            P::ResponseInformation(_) => I::ResponseInformation,
            P::ServerReference(_) => I::ServerReference,
            P::ReasonString(_) => I::ReasonString,
            P::ReceiveMaximum(_) => I::ReceiveMaximum,
            P::TopicAliasMaximum(_) => I::TopicAliasMaximum,
            P::TopicAlias(_) => I::TopicAlias,
            P::MaximumQos(_) => I::MaximumQos,
            P::RetainAvailable(_) => I::RetainAvailable,
            P::UserProperty(..) => I::UserProperty,
            P::MaximumPacketSize(_) => I::MaximumPacketSize,
            P::WildcardSubscriptionAvailable(_) => I::WildcardSubscriptionAvailable,
            P::SubscriptionIdentifierAvailable(_) => I::SubscriptionIdentifierAvailable,
            P::SharedSubscriptionAvailable(_) => I::SharedSubscriptionAvailable,
        }
    }

    /// The value in words, for the packet inspector.
    pub fn value_text(&self) -> String {
        use Property as P;
        match self {
            P::PayloadFormatIndicator(v) | P::MaximumQos(v) => v.to_string(),
            P::MessageExpiryInterval(v)
            | P::SubscriptionIdentifier(v)
            | P::SessionExpiryInterval(v)
            | P::WillDelayInterval(v)
            | P::MaximumPacketSize(v) => v.to_string(),
            P::ServerKeepAlive(v)
            | P::ReceiveMaximum(v)
            | P::TopicAliasMaximum(v)
            | P::TopicAlias(v) => v.to_string(),
            P::RequestProblemInformation(v)
            | P::RequestResponseInformation(v)
            | P::RetainAvailable(v)
            | P::WildcardSubscriptionAvailable(v)
            | P::SubscriptionIdentifierAvailable(v)
            | P::SharedSubscriptionAvailable(v) => u8::from(*v).to_string(),
            P::ContentType(s)
            | P::ResponseTopic(s)
            | P::AssignedClientIdentifier(s)
            | P::AuthenticationMethod(s)
            | P::ResponseInformation(s)
            | P::ServerReference(s)
            | P::ReasonString(s) => format!("{:?}", &**s),
            P::CorrelationData(b) | P::AuthenticationData(b) => describe_bytes(b),
            P::UserProperty(k, v) => format!("{:?} = {:?}", &**k, &**v),
        }
    }

    /// Check the value against the rules of section 3 (non-zero maxima, 0 or 1
    /// for the byte flags, Subscription Identifier range).
    pub fn check_value(&self) -> std::result::Result<(), CodecError> {
        let invalid = |value: u32, allowed| {
            Err(CodecError::InvalidPropertyValue {
                property: self.id(),
                value,
                allowed,
            })
        };
        match *self {
            Property::PayloadFormatIndicator(v) | Property::MaximumQos(v) if v > 1 => {
                invalid(v.into(), "0 or 1")
            }
            Property::ReceiveMaximum(0) | Property::TopicAlias(0) => invalid(0, "1 to 65 535"),
            Property::MaximumPacketSize(0) => invalid(0, "1 to 4 294 967 295"),
            Property::SubscriptionIdentifier(v) if v == 0 || v > varint::MAX => {
                invalid(v, "1 to 268 435 455")
            }
            // [MQTT-3.3.2-14] the Response Topic is a topic name: no wildcards.
            Property::ResponseTopic(ref topic) => crate::proto::topic::validate_topic_name(topic)
                .map_err(|error| CodecError::Topic {
                    field: "Response Topic",
                    error,
                }),
            _ => Ok(()),
        }
    }

    fn value_len(&self) -> usize {
        use Property as P;
        match self {
            P::PayloadFormatIndicator(_)
            | P::MaximumQos(_)
            | P::RequestProblemInformation(_)
            | P::RequestResponseInformation(_)
            | P::RetainAvailable(_)
            | P::WildcardSubscriptionAvailable(_)
            | P::SubscriptionIdentifierAvailable(_)
            | P::SharedSubscriptionAvailable(_) => 1,
            P::ServerKeepAlive(_)
            | P::ReceiveMaximum(_)
            | P::TopicAliasMaximum(_)
            | P::TopicAlias(_) => 2,
            P::MessageExpiryInterval(_)
            | P::SessionExpiryInterval(_)
            | P::WillDelayInterval(_)
            | P::MaximumPacketSize(_) => 4,
            P::SubscriptionIdentifier(v) => varint::len(*v),
            P::ContentType(s)
            | P::ResponseTopic(s)
            | P::AssignedClientIdentifier(s)
            | P::AuthenticationMethod(s)
            | P::ResponseInformation(s)
            | P::ServerReference(s)
            | P::ReasonString(s) => 2 + s.len(),
            P::CorrelationData(b) | P::AuthenticationData(b) => 2 + b.len(),
            P::UserProperty(k, v) => 4 + k.len() + v.len(),
        }
    }

    fn write(&self, out: &mut impl BufMut) {
        use Property as P;
        writer::put_u8(out, self.id().to_u8());
        match self {
            P::PayloadFormatIndicator(v) | P::MaximumQos(v) => writer::put_u8(out, *v),
            P::RequestProblemInformation(v)
            | P::RequestResponseInformation(v)
            | P::RetainAvailable(v)
            | P::WildcardSubscriptionAvailable(v)
            | P::SubscriptionIdentifierAvailable(v)
            | P::SharedSubscriptionAvailable(v) => writer::put_u8(out, u8::from(*v)),
            P::ServerKeepAlive(v)
            | P::ReceiveMaximum(v)
            | P::TopicAliasMaximum(v)
            | P::TopicAlias(v) => writer::put_u16(out, *v),
            P::MessageExpiryInterval(v)
            | P::SessionExpiryInterval(v)
            | P::WillDelayInterval(v)
            | P::MaximumPacketSize(v) => writer::put_u32(out, *v),
            P::SubscriptionIdentifier(v) => varint::put(out, *v),
            P::ContentType(s)
            | P::ResponseTopic(s)
            | P::AssignedClientIdentifier(s)
            | P::AuthenticationMethod(s)
            | P::ResponseInformation(s)
            | P::ServerReference(s)
            | P::ReasonString(s) => writer::put_binary(out, s.as_bytes()),
            P::CorrelationData(b) | P::AuthenticationData(b) => writer::put_binary(out, b),
            P::UserProperty(k, v) => {
                writer::put_binary(out, k.as_bytes());
                writer::put_binary(out, v.as_bytes());
            }
        }
    }

    fn check_lengths(&self) -> std::result::Result<(), CodecError> {
        use Property as P;
        let field = self.id().name();
        match self {
            P::ContentType(s)
            | P::ResponseTopic(s)
            | P::AssignedClientIdentifier(s)
            | P::AuthenticationMethod(s)
            | P::ResponseInformation(s)
            | P::ServerReference(s)
            | P::ReasonString(s) => writer::check_string(field, s),
            P::CorrelationData(b) | P::AuthenticationData(b) => writer::check_len(field, b.len()),
            P::UserProperty(k, v) => {
                writer::check_string(field, k)?;
                writer::check_string(field, v)
            }
            _ => Ok(()),
        }
    }
}

/// The properties of a packet or of a will message, in the order they appear
/// on the wire. Empty for MQTT 3.1.1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Properties(pub Vec<Property>);

macro_rules! first_of {
    ($( $(#[$doc:meta])* $fn:ident -> $ty:ty => $variant:ident ($v:ident) $conv:expr; )*) => {
        $(
            $(#[$doc])*
            pub fn $fn(&self) -> Option<$ty> {
                self.0.iter().find_map(|p| match p {
                    Property::$variant($v) => Some($conv),
                    _ => None,
                })
            }
        )*
    };
}

impl Properties {
    /// No properties.
    pub fn new() -> Properties {
        Properties(Vec::new())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Add one at the end.
    pub fn push(&mut self, property: Property) {
        self.0.push(property);
    }

    /// Add one at the end, builder style.
    pub fn with(mut self, property: Property) -> Properties {
        self.0.push(property);
        self
    }

    /// The properties in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, Property> {
        self.0.iter()
    }

    /// The User Properties as name and value pairs, in order, duplicates kept.
    pub fn user_properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|p| match p {
            Property::UserProperty(k, v) => Some((&**k, &**v)),
            _ => None,
        })
    }

    /// Every Subscription Identifier, in order.
    pub fn subscription_identifiers(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().filter_map(|p| match p {
            Property::SubscriptionIdentifier(v) => Some(*v),
            _ => None,
        })
    }

    first_of! {
        /// Payload Format Indicator.
        payload_format_indicator -> u8 => PayloadFormatIndicator(v) *v;
        /// Message Expiry Interval in seconds.
        message_expiry_interval_secs -> u32 => MessageExpiryInterval(v) *v;
        /// Content Type.
        content_type -> &str => ContentType(v) &**v;
        /// Response Topic.
        response_topic -> &str => ResponseTopic(v) &**v;
        /// Correlation Data.
        correlation_data -> &Bytes => CorrelationData(v) v;
        /// Session Expiry Interval in seconds.
        session_expiry_interval_secs -> u32 => SessionExpiryInterval(v) *v;
        /// Assigned Client Identifier.
        assigned_client_identifier -> &str => AssignedClientIdentifier(v) &**v;
        /// Server Keep Alive in seconds.
        server_keep_alive_secs -> u16 => ServerKeepAlive(v) *v;
        /// Authentication Method.
        authentication_method -> &str => AuthenticationMethod(v) &**v;
        /// Authentication Data.
        authentication_data -> &Bytes => AuthenticationData(v) v;
        /// Request Problem Information.
        request_problem_information -> bool => RequestProblemInformation(v) *v;
        /// Will Delay Interval in seconds.
        will_delay_interval_secs -> u32 => WillDelayInterval(v) *v;
        /// Request Response Information.
        request_response_information -> bool => RequestResponseInformation(v) *v;
        /// Response Information.
        response_information -> &str => ResponseInformation(v) &**v;
        /// Server Reference.
        server_reference -> &str => ServerReference(v) &**v;
        /// Reason String.
        reason_string -> &str => ReasonString(v) &**v;
        /// Receive Maximum.
        receive_maximum -> u16 => ReceiveMaximum(v) *v;
        /// Topic Alias Maximum.
        topic_alias_maximum -> u16 => TopicAliasMaximum(v) *v;
        /// Topic Alias.
        topic_alias -> u16 => TopicAlias(v) *v;
        /// Maximum QoS.
        maximum_qos -> u8 => MaximumQos(v) *v;
        /// Retain Available.
        retain_available -> bool => RetainAvailable(v) *v;
        /// Maximum Packet Size in bytes.
        maximum_packet_size -> u32 => MaximumPacketSize(v) *v;
        /// Wildcard Subscription Available.
        wildcard_subscription_available -> bool => WildcardSubscriptionAvailable(v) *v;
        /// Subscription Identifier Available.
        subscription_identifier_available -> bool => SubscriptionIdentifierAvailable(v) *v;
        /// Shared Subscription Available.
        shared_subscription_available -> bool => SharedSubscriptionAvailable(v) *v;
    }

    /// The length of the properties on the wire, without the Property Length field.
    pub fn encoded_len(&self) -> usize {
        self.0.iter().map(|p| 1 + p.value_len()).sum()
    }

    /// The length with the Property Length field in front.
    pub fn encoded_len_with_length(&self) -> usize {
        let len = self.encoded_len();
        varint::len(len.min(varint::MAX as usize) as u32) + len
    }

    /// Check every rule of section 2.2.2 for properties in `context`: allowed
    /// there, not repeated unless allowed, valid values, lengths that fit.
    pub fn validate(&self, context: PropertyContext) -> std::result::Result<(), CodecError> {
        let mut seen = 0u64;
        for property in &self.0 {
            check_property(context, property, &mut seen)?;
            property.check_lengths()?;
        }
        check_authentication(context, seen)
    }

    /// Write the Property Length and the properties.
    pub fn write(&self, out: &mut impl BufMut, len: usize) {
        varint::put(out, len as u32);
        for property in &self.0 {
            property.write(out);
        }
    }

    /// The same properties with their strings and binary data in one buffer
    /// of their own, so that keeping them does not keep the packet's read
    /// buffer alive. (`context` is where they were read; a list that does
    /// not read back there is cloned as it is.)
    pub fn detached(&self, context: PropertyContext) -> Properties {
        let len = self.encoded_len();
        let mut buffer = bytes::BytesMut::with_capacity(varint::len(len as u32) + len);
        self.write(&mut buffer, len);
        let buffer = buffer.freeze();
        let mut trace = super::NoTrace;
        let mut reader = Reader::new(&buffer, 0, buffer.len(), &mut trace);
        match read_properties(&mut reader, context) {
            Ok(mut properties) => {
                properties.0.shrink_to_fit();
                properties
            }
            Err(_) => self.clone(),
        }
    }
}

impl From<Vec<Property>> for Properties {
    fn from(list: Vec<Property>) -> Properties {
        Properties(list)
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = &'a Property;
    type IntoIter = std::slice::Iter<'a, Property>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

fn check_property(
    context: PropertyContext,
    property: &Property,
    seen: &mut u64,
) -> std::result::Result<(), CodecError> {
    let id = property.id();
    if !id.is_allowed_in(context) {
        return Err(CodecError::PropertyNotAllowed {
            context,
            property: id,
        });
    }
    let bit = 1u64 << id.to_u8();
    if *seen & bit != 0 && !id.may_repeat_in(context) {
        return Err(CodecError::DuplicateProperty {
            context,
            property: id,
        });
    }
    *seen |= bit;
    property.check_value()
}

fn check_authentication(
    context: PropertyContext,
    seen: u64,
) -> std::result::Result<(), CodecError> {
    let has = |id: PropertyId| seen & (1u64 << id.to_u8()) != 0;
    if has(PropertyId::AuthenticationData) && !has(PropertyId::AuthenticationMethod) {
        return Err(CodecError::AuthenticationDataWithoutMethod { context });
    }
    Ok(())
}

/// Read a Property Length and the properties it covers, checking each one as it
/// is read.
#[inline]
pub fn read_properties<T: Trace>(
    r: &mut Reader<'_, T>,
    context: PropertyContext,
) -> Result<Properties> {
    // Most packets carry no properties: a Property Length of 0, handled here
    // without a call (and recorded exactly as `varint` would record it).
    if r.peek_u8() == Some(0) {
        let start = r.position();
        r.skip(1);
        r.record(start, "Property Length", || 0.to_string());
        return Ok(Properties::new());
    }
    read_property_list(r, context)
}

#[inline(never)]
fn read_property_list<T: Trace>(
    r: &mut Reader<'_, T>,
    context: PropertyContext,
) -> Result<Properties> {
    let len = r.varint("Property Length")? as usize;
    if len == 0 {
        return Ok(Properties::new());
    }
    let outer_end = r.limit(len, "Properties")?;
    r.enter();
    // A property takes at least 2 bytes, typically more: room for one per 8
    // bytes saves the regrowth of long lists (4 is what the first push takes).
    let mut list = Vec::with_capacity((len / 8).clamp(4, 16));
    let mut seen = 0u64;
    while !r.is_empty() {
        let start = r.position();
        let property = read_property(r)?;
        if let Err(error) = check_property(context, &property, &mut seen) {
            return Err(r.fail_at(start, error));
        }
        r.record_named(
            start,
            || property.id().to_string(),
            || property.value_text(),
        );
        list.push(property);
    }
    if let Err(error) = check_authentication(context, seen) {
        return Err(r.fail(error));
    }
    r.leave();
    r.restore_end(outer_end);
    Ok(Properties(list))
}

fn read_property<T: Trace>(r: &mut Reader<'_, T>) -> Result<Property> {
    use Property as P;
    let start = r.position();
    let raw_id = r.raw_varint("Property Identifier")?;
    let Some(id) = PropertyId::from_u32(raw_id) else {
        return Err(r.fail_at(start, CodecError::UnknownProperty { id: raw_id }));
    };
    let name = id.name();
    let flag = |r: &mut Reader<'_, T>| -> Result<bool> {
        let at = r.position();
        match r.raw_u8(name)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(r.fail_at(
                at,
                CodecError::InvalidPropertyValue {
                    property: id,
                    value: other.into(),
                    allowed: "0 or 1",
                },
            )),
        }
    };
    Ok(match id {
        PropertyId::PayloadFormatIndicator => P::PayloadFormatIndicator(r.raw_u8(name)?),
        PropertyId::MessageExpiryInterval => P::MessageExpiryInterval(r.raw_u32(name)?),
        PropertyId::ContentType => P::ContentType(r.raw_string(name)?),
        PropertyId::ResponseTopic => P::ResponseTopic(r.raw_string(name)?),
        PropertyId::CorrelationData => P::CorrelationData(r.raw_binary(name)?),
        PropertyId::SubscriptionIdentifier => P::SubscriptionIdentifier(r.raw_varint(name)?),
        PropertyId::SessionExpiryInterval => P::SessionExpiryInterval(r.raw_u32(name)?),
        PropertyId::AssignedClientIdentifier => P::AssignedClientIdentifier(r.raw_string(name)?),
        PropertyId::ServerKeepAlive => P::ServerKeepAlive(r.raw_u16(name)?),
        PropertyId::AuthenticationMethod => P::AuthenticationMethod(r.raw_string(name)?),
        PropertyId::AuthenticationData => P::AuthenticationData(r.raw_binary(name)?),
        PropertyId::RequestProblemInformation => P::RequestProblemInformation(flag(r)?),
        PropertyId::WillDelayInterval => P::WillDelayInterval(r.raw_u32(name)?),
        PropertyId::RequestResponseInformation => P::RequestResponseInformation(flag(r)?),
        PropertyId::ResponseInformation => P::ResponseInformation(r.raw_string(name)?),
        PropertyId::ServerReference => P::ServerReference(r.raw_string(name)?),
        PropertyId::ReasonString => P::ReasonString(r.raw_string(name)?),
        PropertyId::ReceiveMaximum => P::ReceiveMaximum(r.raw_u16(name)?),
        PropertyId::TopicAliasMaximum => P::TopicAliasMaximum(r.raw_u16(name)?),
        PropertyId::TopicAlias => P::TopicAlias(r.raw_u16(name)?),
        PropertyId::MaximumQos => P::MaximumQos(r.raw_u8(name)?),
        PropertyId::RetainAvailable => P::RetainAvailable(flag(r)?),
        PropertyId::UserProperty => {
            let key = r.raw_string(name)?;
            P::UserProperty(key, r.raw_string(name)?)
        }
        PropertyId::MaximumPacketSize => P::MaximumPacketSize(r.raw_u32(name)?),
        PropertyId::WildcardSubscriptionAvailable => P::WildcardSubscriptionAvailable(flag(r)?),
        PropertyId::SubscriptionIdentifierAvailable => P::SubscriptionIdentifierAvailable(flag(r)?),
        PropertyId::SharedSubscriptionAvailable => P::SharedSubscriptionAvailable(flag(r)?),
    })
}
