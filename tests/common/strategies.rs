//! Proptest strategies that generate arbitrary *valid* MQTT control packets,
//! for MQTT 5.0 and MQTT 3.1.1.
//!
//! "Valid" means every rule the specification puts on a packet on its own
//! (without knowing the rest of the session) holds, so that a conforming codec
//! must encode every generated packet and decode it back unchanged:
//!
//! * properties only where Table 2-4 allows them (written out below, on purpose
//!   not taken from the codec's own table), no duplicates except User Property
//!   and, in PUBLISH, Subscription Identifier; non-zero Receive Maximum, Maximum
//!   Packet Size, Topic Alias and Subscription Identifier (at most 268 435 455);
//!   Payload Format Indicator and Maximum QoS 0 or 1; Authentication Data only
//!   with an Authentication Method; properties in any order;
//! * topic names without `+`, `#` or U+0000 and never empty, except for an MQTT 5
//!   PUBLISH that carries a Topic Alias; topic filters with whole-level wildcards
//!   and `#` last, sometimes `$share/{name}/{filter}`, never with No Local on a
//!   shared subscription [MQTT-3.8.3-4];
//! * packet identifiers non-zero, and 0 (absent) for QoS 0 PUBLISH; DUP only with
//!   QoS 1 or 2 [MQTT-3.3.1-2];
//! * reason codes valid for the packet (`ReasonCode::is_valid_for`); Session
//!   Present false when CONNACK refuses [MQTT-3.2.2-6];
//! * AUTH always names its Authentication Method (3.15.2.2.2: "It is a Protocol
//!   Error to omit the Authentication Method"), except the bare Success AUTH with
//!   a Remaining Length of 0 that 3.15.2.1 allows;
//! * SUBACK and MQTT 5 UNSUBACK carry at least one reason code (one per topic
//!   filter of the SUBSCRIBE / UNSUBSCRIBE, which has at least one);
//! * MQTT 3.1.1: no properties, acknowledgments with Success only, UNSUBACK
//!   without reason codes, subscription options with the QoS only, CONNACK codes
//!   that have a 3.1.1 return code, SUBACK codes 0, 1, 2 and 0x80, and a password
//!   only together with a user name [MQTT-3.1.2-22].
//!
//! Strings mix ASCII with other scripts, emoji, a byte order mark and
//! noncharacters (allowed, only discouraged, by 1.5.4), never U+0000. Binary
//! fields and payloads are arbitrary bytes, often empty, sometimes large enough
//! to need a 2- or 3-byte Remaining Length.

use bytes::Bytes;
use bytestring::ByteString;
use mqscope::proto::codec::PropertyContext;
use mqscope::proto::{
    Auth, ConnAck, Connect, Disconnect, Packet, PacketType, Properties, Property, PropertyId,
    ProtocolVersion, PubResponse, Publish, QoS, ReasonCode, RetainHandling, SubAck, Subscribe,
    SubscribeFilter, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;

/// The largest value of a Variable Byte Integer (1.5.5).
pub const VBI_MAX: u32 = 268_435_455;

/// The prefix of a shared subscription's topic filter (4.8.2).
pub const SHARE_PREFIX: &str = "$share/";

// ---------------------------------------------------------------------------
// Strings, binary data, topics
// ---------------------------------------------------------------------------

/// One character of a UTF-8 Encoded String: any Unicode scalar value except
/// U+0000 [MQTT-1.5.4-2], mostly printable ASCII.
pub fn text_char() -> impl Strategy<Value = char> + Clone {
    prop_oneof![
        6 => proptest::char::range(' ', '~'),
        2 => select(vec![
            'é', 'ß', 'Ж', 'ع', 'ह', '日', '本', '€', '😀', '🦀',
            '\u{FEFF}', // a byte order mark, kept as it is [MQTT-1.5.4-3]
            '\u{1}', '\u{7F}', '\u{9F}', // control characters: discouraged, not forbidden
            '\u{FFFF}', '\u{10FFFF}', // noncharacters: discouraged, not forbidden
        ]),
        1 => any::<char>().prop_map(|c| if c == '\0' { '\u{2400}' } else { c }),
    ]
}

/// A UTF-8 Encoded String of up to `max_chars` characters (possibly empty).
pub fn text(max_chars: usize) -> impl Strategy<Value = ByteString> + Clone {
    vec(text_char(), 0..=max_chars).prop_map(|chars| chars.into_iter().collect::<String>().into())
}

/// A non-empty UTF-8 Encoded String of up to `max_chars` characters.
pub fn non_empty_text(max_chars: usize) -> impl Strategy<Value = ByteString> + Clone {
    vec(text_char(), 1..=max_chars.max(1))
        .prop_map(|chars| chars.into_iter().collect::<String>().into())
}

/// Binary Data of up to `max_len` bytes (possibly empty).
pub fn binary(max_len: usize) -> impl Strategy<Value = Bytes> + Clone {
    vec(any::<u8>(), 0..=max_len).prop_map(Bytes::from)
}

/// An application message: often empty or short, sometimes long enough for a
/// 2-byte Remaining Length, rarely long enough for a 3-byte one (16 384 and up).
pub fn payload() -> impl Strategy<Value = Bytes> + Clone {
    prop_oneof![
        2 => Just(Bytes::new()),
        8 => binary(48),
        2 => vec(any::<u8>(), 100..400).prop_map(Bytes::from),
        1 => (any::<u8>(), 16_300usize..16_500)
            .prop_map(|(byte, len)| Bytes::from(vec![byte; len])),
    ]
}

/// A character inside one topic level: no separator, no wildcard and no `$`
/// (so that no generated level ever starts a `$share/` prefix by chance).
fn level_char() -> impl Strategy<Value = char> + Clone {
    text_char().prop_map(|c| match c {
        '+' | '#' | '/' | '$' => '_',
        c => c,
    })
}

/// One topic level without wildcards; may be empty (empty levels are valid).
fn level(max_chars: usize) -> impl Strategy<Value = String> + Clone {
    vec(level_char(), 0..=max_chars).prop_map(|chars| chars.into_iter().collect())
}

/// A valid, non-empty topic name: levels joined by `/` (empty levels included),
/// sometimes under `$SYS/`.
pub fn topic_name() -> impl Strategy<Value = ByteString> + Clone {
    (prop::bool::weighted(0.1), vec(level(6), 1..5)).prop_map(|(sys, levels)| {
        let mut name = levels.join("/");
        if sys {
            name = format!("$SYS/{name}");
        }
        if name.is_empty() {
            name.push('t');
        }
        ByteString::from(name)
    })
}

/// A valid topic filter that is not a shared subscription: `+` as whole
/// levels anywhere, `#` only as the last level [MQTT-4.7.1-1] [MQTT-4.7.1-2].
pub fn plain_topic_filter() -> impl Strategy<Value = String> + Clone {
    let level = prop_oneof![1 => Just("+".to_string()), 3 => level(6)];
    (vec(level, 0..5), prop::bool::weighted(0.3)).prop_map(|(mut levels, hash)| {
        if hash {
            levels.push("#".to_string());
        }
        let filter = levels.join("/");
        if filter.is_empty() {
            "#".to_string()
        } else {
            filter
        }
    })
}

/// A valid topic filter: plain, or now and then a shared subscription
/// `$share/{ShareName}/{filter}` with a non-empty ShareName [MQTT-4.8.2-1].
pub fn topic_filter() -> impl Strategy<Value = ByteString> + Clone {
    let shared = (vec(level_char(), 1..6), plain_topic_filter()).prop_map(|(name, filter)| {
        format!(
            "{SHARE_PREFIX}{}/{filter}",
            name.into_iter().collect::<String>()
        )
    });
    prop_oneof![4 => plain_topic_filter(), 1 => shared].prop_map(ByteString::from)
}

/// Whether a (generated) topic filter is a shared subscription.
pub fn is_shared(filter: &str) -> bool {
    filter.starts_with(SHARE_PREFIX)
}

// ---------------------------------------------------------------------------
// Small fields
// ---------------------------------------------------------------------------

/// Any QoS.
pub fn qos() -> impl Strategy<Value = QoS> + Clone {
    select(vec![QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])
}

/// A non-zero packet identifier [MQTT-2.2.1-3], with the extremes often.
pub fn packet_id() -> impl Strategy<Value = u16> + Clone {
    prop_oneof![1 => Just(1u16), 1 => Just(u16::MAX), 6 => 1..=u16::MAX]
}

/// A Subscription Identifier: 1 to 268 435 455, every varint length.
pub fn subscription_identifier() -> impl Strategy<Value = u32> + Clone {
    prop_oneof![
        1 => Just(1u32),
        1 => Just(VBI_MAX),
        2 => 1u32..=127,
        2 => 128u32..=16_383,
        2 => 16_384u32..=VBI_MAX,
    ]
}

/// A reason code that `packet` may carry in MQTT 5 (Table 2-6), Success often.
pub fn reason_code(packet: PacketType) -> BoxedStrategy<ReasonCode> {
    let valid: Vec<ReasonCode> = ReasonCode::ALL
        .iter()
        .copied()
        .filter(|code| code.is_valid_for(packet))
        .collect();
    assert!(!valid.is_empty(), "{packet:?} carries no reason code");
    if valid.contains(&ReasonCode::Success) {
        prop_oneof![1 => Just(ReasonCode::Success), 3 => select(valid)].boxed()
    } else {
        select(valid).boxed()
    }
}

/// The CONNACK reason codes that have an MQTT 3.1.1 Connect Return Code (0–5).
pub const V311_CONNACK_CODES: [ReasonCode; 6] = [
    ReasonCode::Success,
    ReasonCode::UnsupportedProtocolVersion,
    ReasonCode::ClientIdentifierNotValid,
    ReasonCode::ServerUnavailable,
    ReasonCode::BadUserNameOrPassword,
    ReasonCode::NotAuthorized,
];

/// The SUBACK reason codes that are MQTT 3.1.1 return codes (0, 1, 2, 0x80).
pub const V311_SUBACK_CODES: [ReasonCode; 4] = [
    ReasonCode::Success,
    ReasonCode::GrantedQos1,
    ReasonCode::GrantedQos2,
    ReasonCode::UnspecifiedError,
];

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// The properties that may appear (at most once) in `context`, from Table 2-4
/// of MQTT 5.0. User Property (anywhere) and the repeatable Subscription
/// Identifier of PUBLISH are generated separately.
pub fn single_properties(context: PropertyContext) -> &'static [PropertyId] {
    use PropertyId as I;
    match context {
        PropertyContext::Will => &[
            I::PayloadFormatIndicator,
            I::MessageExpiryInterval,
            I::ContentType,
            I::ResponseTopic,
            I::CorrelationData,
            I::WillDelayInterval,
        ],
        PropertyContext::Packet(packet) => match packet {
            PacketType::Connect => &[
                I::SessionExpiryInterval,
                I::AuthenticationMethod,
                I::AuthenticationData,
                I::RequestProblemInformation,
                I::RequestResponseInformation,
                I::ReceiveMaximum,
                I::TopicAliasMaximum,
                I::MaximumPacketSize,
            ],
            PacketType::ConnAck => &[
                I::SessionExpiryInterval,
                I::AssignedClientIdentifier,
                I::ServerKeepAlive,
                I::AuthenticationMethod,
                I::AuthenticationData,
                I::ResponseInformation,
                I::ServerReference,
                I::ReasonString,
                I::ReceiveMaximum,
                I::TopicAliasMaximum,
                I::MaximumQos,
                I::RetainAvailable,
                I::MaximumPacketSize,
                I::WildcardSubscriptionAvailable,
                I::SubscriptionIdentifierAvailable,
                I::SharedSubscriptionAvailable,
            ],
            PacketType::Publish => &[
                I::PayloadFormatIndicator,
                I::MessageExpiryInterval,
                I::ContentType,
                I::ResponseTopic,
                I::CorrelationData,
                I::TopicAlias,
            ],
            PacketType::PubAck
            | PacketType::PubRec
            | PacketType::PubRel
            | PacketType::PubComp
            | PacketType::SubAck
            | PacketType::UnsubAck => &[I::ReasonString],
            PacketType::Subscribe => &[I::SubscriptionIdentifier],
            PacketType::Disconnect => &[
                I::SessionExpiryInterval,
                I::ServerReference,
                I::ReasonString,
            ],
            PacketType::Auth => &[
                I::AuthenticationMethod,
                I::AuthenticationData,
                I::ReasonString,
            ],
            PacketType::Unsubscribe | PacketType::PingReq | PacketType::PingResp => &[],
        },
    }
}

/// A property with the identifier `id` and a value its rules allow.
pub fn property(id: PropertyId) -> BoxedStrategy<Property> {
    use Property as P;
    use PropertyId as I;
    match id {
        I::PayloadFormatIndicator => (0u8..=1).prop_map(P::PayloadFormatIndicator).boxed(),
        I::MessageExpiryInterval => any::<u32>().prop_map(P::MessageExpiryInterval).boxed(),
        I::ContentType => text(12).prop_map(P::ContentType).boxed(),
        I::ResponseTopic => topic_name().prop_map(P::ResponseTopic).boxed(),
        I::CorrelationData => binary(16).prop_map(P::CorrelationData).boxed(),
        I::SubscriptionIdentifier => subscription_identifier()
            .prop_map(P::SubscriptionIdentifier)
            .boxed(),
        I::SessionExpiryInterval => any::<u32>().prop_map(P::SessionExpiryInterval).boxed(),
        I::AssignedClientIdentifier => text(23).prop_map(P::AssignedClientIdentifier).boxed(),
        I::ServerKeepAlive => any::<u16>().prop_map(P::ServerKeepAlive).boxed(),
        I::AuthenticationMethod => text(12).prop_map(P::AuthenticationMethod).boxed(),
        I::AuthenticationData => binary(16).prop_map(P::AuthenticationData).boxed(),
        I::RequestProblemInformation => {
            any::<bool>().prop_map(P::RequestProblemInformation).boxed()
        }
        I::WillDelayInterval => any::<u32>().prop_map(P::WillDelayInterval).boxed(),
        I::RequestResponseInformation => any::<bool>()
            .prop_map(P::RequestResponseInformation)
            .boxed(),
        I::ResponseInformation => text(12).prop_map(P::ResponseInformation).boxed(),
        I::ServerReference => text(12).prop_map(P::ServerReference).boxed(),
        I::ReasonString => text(16).prop_map(P::ReasonString).boxed(),
        I::ReceiveMaximum => (1..=u16::MAX).prop_map(P::ReceiveMaximum).boxed(),
        I::TopicAliasMaximum => any::<u16>().prop_map(P::TopicAliasMaximum).boxed(),
        I::TopicAlias => (1..=u16::MAX).prop_map(P::TopicAlias).boxed(),
        I::MaximumQos => (0u8..=1).prop_map(P::MaximumQos).boxed(),
        I::RetainAvailable => any::<bool>().prop_map(P::RetainAvailable).boxed(),
        I::UserProperty => (text(8), text(8))
            .prop_map(|(name, value)| P::UserProperty(name, value))
            .boxed(),
        I::MaximumPacketSize => (1..=u32::MAX).prop_map(P::MaximumPacketSize).boxed(),
        I::WildcardSubscriptionAvailable => any::<bool>()
            .prop_map(P::WildcardSubscriptionAvailable)
            .boxed(),
        I::SubscriptionIdentifierAvailable => any::<bool>()
            .prop_map(P::SubscriptionIdentifierAvailable)
            .boxed(),
        I::SharedSubscriptionAvailable => any::<bool>()
            .prop_map(P::SharedSubscriptionAvailable)
            .boxed(),
        other => panic!("no strategy for the property {other:?}"),
    }
}

/// Valid properties for `context`, in a random order: each allowed property at
/// most once, up to three User Properties (duplicates possible), and in PUBLISH
/// up to three Subscription Identifiers. Empty a third of the time.
pub fn properties(context: PropertyContext) -> BoxedStrategy<Properties> {
    let singles: Vec<BoxedStrategy<Option<Property>>> = single_properties(context)
        .iter()
        .map(|&id| prop::option::weighted(0.35, property(id)).boxed())
        .collect();
    let subscription_ids = if context == PropertyContext::Packet(PacketType::Publish) {
        vec(subscription_identifier(), 0..3).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let user = vec(property(PropertyId::UserProperty), 0..3);
    let some = (singles, user, subscription_ids)
        .prop_flat_map(|(singles, user, subscription_ids)| {
            let mut list: Vec<Property> = singles.into_iter().flatten().collect();
            let has_method = list
                .iter()
                .any(|p| matches!(p, Property::AuthenticationMethod(_)));
            if !has_method {
                // Authentication Data needs an Authentication Method (3.1.2.11.10, 3.2.2.3.18).
                list.retain(|p| !matches!(p, Property::AuthenticationData(_)));
            }
            list.extend(user);
            list.extend(
                subscription_ids
                    .into_iter()
                    .map(Property::SubscriptionIdentifier),
            );
            Just(list).prop_shuffle()
        })
        .prop_map(Properties);
    prop_oneof![1 => Just(Properties::new()), 2 => some].boxed()
}

/// Properties in MQTT 5, none in MQTT 3.1.1.
fn properties_for(version: ProtocolVersion, context: PropertyContext) -> BoxedStrategy<Properties> {
    match version {
        ProtocolVersion::V5 => properties(context),
        ProtocolVersion::V311 => Just(Properties::new()).boxed(),
    }
}

fn packet_properties(version: ProtocolVersion, packet: PacketType) -> BoxedStrategy<Properties> {
    properties_for(version, PropertyContext::Packet(packet))
}

// ---------------------------------------------------------------------------
// Packets
// ---------------------------------------------------------------------------

/// A will message.
pub fn will(version: ProtocolVersion) -> BoxedStrategy<Will> {
    (
        topic_name(),
        binary(24),
        qos(),
        any::<bool>(),
        properties_for(version, PropertyContext::Will),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        })
        .boxed()
}

/// A client identifier: empty (the server assigns one), short alphanumeric as
/// [MQTT-3.1.3-5] guarantees, or any string.
pub fn client_id() -> impl Strategy<Value = ByteString> + Clone {
    prop_oneof![
        1 => Just(ByteString::new()),
        2 => "[0-9a-zA-Z]{1,23}".prop_map(ByteString::from),
        2 => text(30),
    ]
}

/// A CONNECT that names `version` as its protocol version.
pub fn connect(version: ProtocolVersion) -> BoxedStrategy<Connect> {
    (
        any::<bool>(),
        any::<u16>(),
        packet_properties(version, PacketType::Connect),
        client_id(),
        prop::option::weighted(0.4, will(version)),
        prop::option::of(text(12)),
        prop::option::of(binary(16)),
    )
        .prop_map(
            move |(
                clean_start,
                keep_alive_secs,
                properties,
                client_id,
                will,
                user_name,
                password,
            )| {
                // MQTT 3.1.1 allows a password only with a user name [MQTT-3.1.2-22].
                let password = match version {
                    ProtocolVersion::V311 if user_name.is_none() => None,
                    _ => password,
                };
                Connect {
                    protocol_version: version,
                    clean_start,
                    keep_alive_secs,
                    properties,
                    client_id,
                    will,
                    user_name,
                    password,
                }
            },
        )
        .boxed()
}

/// A CONNACK; Session Present only when the connection is accepted.
pub fn connack(version: ProtocolVersion) -> BoxedStrategy<ConnAck> {
    let code = match version {
        ProtocolVersion::V5 => reason_code(PacketType::ConnAck),
        ProtocolVersion::V311 => select(V311_CONNACK_CODES.to_vec()).boxed(),
    };
    (
        any::<bool>(),
        code,
        packet_properties(version, PacketType::ConnAck),
    )
        .prop_map(|(session_present, reason_code, properties)| ConnAck {
            // [MQTT-3.2.2-6] (3.1.1: [MQTT-3.2.2-4])
            session_present: session_present && !reason_code.is_error(),
            reason_code,
            properties,
        })
        .boxed()
}

/// A PUBLISH. In MQTT 5 the topic is empty now and then when a Topic Alias stands for it.
pub fn publish(version: ProtocolVersion) -> BoxedStrategy<Publish> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        packet_id(),
        packet_properties(version, PacketType::Publish),
        topic_name(),
        any::<bool>(),
        payload(),
    )
        .prop_map(
            |(qos, dup, retain, packet_id, properties, topic, drop_topic, payload)| {
                let has_alias = properties
                    .iter()
                    .any(|p| matches!(p, Property::TopicAlias(_)));
                let at_most_once = qos == QoS::AtMostOnce;
                Publish {
                    dup: dup && !at_most_once,
                    qos,
                    retain,
                    topic: if has_alias && drop_topic {
                        ByteString::new()
                    } else {
                        topic
                    },
                    packet_id: if at_most_once { 0 } else { packet_id },
                    properties,
                    payload,
                }
            },
        )
        .boxed()
}

/// The body of a PUBACK, PUBREC, PUBREL or PUBCOMP (`packet`).
pub fn pub_response(version: ProtocolVersion, packet: PacketType) -> BoxedStrategy<PubResponse> {
    let code = match version {
        ProtocolVersion::V5 => reason_code(packet),
        ProtocolVersion::V311 => Just(ReasonCode::Success).boxed(),
    };
    (packet_id(), code, packet_properties(version, packet))
        .prop_map(|(packet_id, reason_code, properties)| PubResponse {
            packet_id,
            reason_code,
            properties,
        })
        .boxed()
}

/// One topic filter with its options; only the QoS in MQTT 3.1.1.
pub fn subscribe_filter(version: ProtocolVersion) -> BoxedStrategy<SubscribeFilter> {
    let retain_handling = select(vec![
        RetainHandling::SendAtSubscribe,
        RetainHandling::SendAtSubscribeIfNew,
        RetainHandling::DoNotSend,
    ]);
    (
        topic_filter(),
        qos(),
        any::<bool>(),
        any::<bool>(),
        retain_handling,
    )
        .prop_map(
            move |(filter, maximum_qos, no_local, retain_as_published, retain_handling)| {
                let options = match version {
                    ProtocolVersion::V311 => SubscriptionOptions::with_qos(maximum_qos),
                    ProtocolVersion::V5 => SubscriptionOptions {
                        maximum_qos,
                        // Never No Local on a shared subscription [MQTT-3.8.3-4].
                        no_local: no_local && !is_shared(&filter),
                        retain_as_published,
                        retain_handling,
                    },
                };
                SubscribeFilter { filter, options }
            },
        )
        .boxed()
}

/// A SUBSCRIBE with one to four topic filters.
pub fn subscribe(version: ProtocolVersion) -> BoxedStrategy<Subscribe> {
    (
        packet_id(),
        packet_properties(version, PacketType::Subscribe),
        vec(subscribe_filter(version), 1..5),
    )
        .prop_map(|(packet_id, properties, filters)| Subscribe {
            packet_id,
            properties,
            filters,
        })
        .boxed()
}

/// A SUBACK with one to four reason codes.
pub fn suback(version: ProtocolVersion) -> BoxedStrategy<SubAck> {
    let code = match version {
        ProtocolVersion::V5 => reason_code(PacketType::SubAck),
        ProtocolVersion::V311 => select(V311_SUBACK_CODES.to_vec()).boxed(),
    };
    (
        packet_id(),
        packet_properties(version, PacketType::SubAck),
        vec(code, 1..5),
    )
        .prop_map(|(packet_id, properties, reason_codes)| SubAck {
            packet_id,
            properties,
            reason_codes,
        })
        .boxed()
}

/// An UNSUBSCRIBE with one to four topic filters.
pub fn unsubscribe(version: ProtocolVersion) -> BoxedStrategy<Unsubscribe> {
    (
        packet_id(),
        packet_properties(version, PacketType::Unsubscribe),
        vec(topic_filter(), 1..5),
    )
        .prop_map(|(packet_id, properties, filters)| Unsubscribe {
            packet_id,
            properties,
            filters,
        })
        .boxed()
}

/// An UNSUBACK: one to four reason codes in MQTT 5, none in MQTT 3.1.1.
pub fn unsuback(version: ProtocolVersion) -> BoxedStrategy<UnsubAck> {
    let codes = match version {
        ProtocolVersion::V5 => vec(reason_code(PacketType::UnsubAck), 1..5).boxed(),
        ProtocolVersion::V311 => Just(Vec::new()).boxed(),
    };
    (
        packet_id(),
        packet_properties(version, PacketType::UnsubAck),
        codes,
    )
        .prop_map(|(packet_id, properties, reason_codes)| UnsubAck {
            packet_id,
            properties,
            reason_codes,
        })
        .boxed()
}

/// A DISCONNECT; Normal disconnection without properties in MQTT 3.1.1.
pub fn disconnect(version: ProtocolVersion) -> BoxedStrategy<Disconnect> {
    match version {
        ProtocolVersion::V5 => (
            reason_code(PacketType::Disconnect),
            properties(PropertyContext::Packet(PacketType::Disconnect)),
        )
            .prop_map(|(reason_code, properties)| Disconnect {
                reason_code,
                properties,
            })
            .boxed(),
        ProtocolVersion::V311 => Just(Disconnect::new(ReasonCode::Success)).boxed(),
    }
}

/// An AUTH (MQTT 5 only): the bare Success form, or a step that names its
/// Authentication Method (inserted at a random place among the properties).
pub fn auth() -> BoxedStrategy<Auth> {
    let bare = Just(Auth {
        reason_code: ReasonCode::Success,
        properties: Properties::new(),
    });
    let step = (
        reason_code(PacketType::Auth),
        properties(PropertyContext::Packet(PacketType::Auth)),
        text(12),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(reason_code, mut properties, method, at)| {
            let has_method = properties
                .iter()
                .any(|p| matches!(p, Property::AuthenticationMethod(_)));
            if !has_method {
                let at = at.index(properties.len() + 1);
                properties
                    .0
                    .insert(at, Property::AuthenticationMethod(method));
            }
            Auth {
                reason_code,
                properties,
            }
        });
    prop_oneof![1 => bare, 4 => step].boxed()
}

/// A valid packet of the given type for a connection speaking `version`.
///
/// Panics for AUTH with MQTT 3.1.1, which has no AUTH packet.
pub fn packet_of_type(version: ProtocolVersion, packet: PacketType) -> BoxedStrategy<Packet> {
    match packet {
        PacketType::Connect => connect(version).prop_map(Packet::Connect).boxed(),
        PacketType::ConnAck => connack(version).prop_map(Packet::ConnAck).boxed(),
        PacketType::Publish => publish(version).prop_map(Packet::Publish).boxed(),
        PacketType::PubAck => pub_response(version, packet)
            .prop_map(Packet::PubAck)
            .boxed(),
        PacketType::PubRec => pub_response(version, packet)
            .prop_map(Packet::PubRec)
            .boxed(),
        PacketType::PubRel => pub_response(version, packet)
            .prop_map(Packet::PubRel)
            .boxed(),
        PacketType::PubComp => pub_response(version, packet)
            .prop_map(Packet::PubComp)
            .boxed(),
        PacketType::Subscribe => subscribe(version).prop_map(Packet::Subscribe).boxed(),
        PacketType::SubAck => suback(version).prop_map(Packet::SubAck).boxed(),
        PacketType::Unsubscribe => unsubscribe(version).prop_map(Packet::Unsubscribe).boxed(),
        PacketType::UnsubAck => unsuback(version).prop_map(Packet::UnsubAck).boxed(),
        PacketType::PingReq => Just(Packet::PingReq).boxed(),
        PacketType::PingResp => Just(Packet::PingResp).boxed(),
        PacketType::Disconnect => disconnect(version).prop_map(Packet::Disconnect).boxed(),
        PacketType::Auth => {
            assert_eq!(
                version,
                ProtocolVersion::V5,
                "MQTT 3.1.1 has no AUTH packet"
            );
            auth().prop_map(Packet::Auth).boxed()
        }
    }
}

/// The packet types a connection speaking `version` has.
pub fn packet_types(version: ProtocolVersion) -> Vec<PacketType> {
    PacketType::ALL
        .iter()
        .copied()
        .filter(|&t| t != PacketType::Auth || version == ProtocolVersion::V5)
        .collect()
}

/// An arbitrary valid packet of any type `version` has (all 15 for MQTT 5,
/// all but AUTH for MQTT 3.1.1), with equal weight per type.
pub fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    Union::new(
        packet_types(version)
            .into_iter()
            .map(|t| packet_of_type(version, t)),
    )
    .boxed()
}

/// Either version, and a valid packet for it.
pub fn versioned_packet() -> BoxedStrategy<(ProtocolVersion, Packet)> {
    prop_oneof![
        packet(ProtocolVersion::V311).prop_map(|p| (ProtocolVersion::V311, p)),
        packet(ProtocolVersion::V5).prop_map(|p| (ProtocolVersion::V5, p)),
    ]
    .boxed()
}

/// Either version, and one to five valid packets for it.
pub fn versioned_packets(max: usize) -> BoxedStrategy<(ProtocolVersion, Vec<Packet>)> {
    prop_oneof![
        vec(packet(ProtocolVersion::V311), 1..=max).prop_map(|p| (ProtocolVersion::V311, p)),
        vec(packet(ProtocolVersion::V5), 1..=max).prop_map(|p| (ProtocolVersion::V5, p)),
    ]
    .boxed()
}
