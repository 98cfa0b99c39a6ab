//! Differential tests against an independent MQTT codec: rumqttc 0.25
//! (`rumqttc::v5::mqttbytes::v5` for MQTT 5.0, `rumqttc::mqttbytes::v4` for
//! MQTT 3.1.1).
//!
//! Over the packets of the shared strategies, in both directions:
//!
//! * what we encode, rumqttc decodes to the same content;
//! * what rumqttc encodes (from the same content), we decode to the same content.
//!
//! Content is compared in our own types: rumqttc's packets are converted into
//! ours, and both sides are normalized first (see [`normalize`]).
//!
//! # Where rumqttc cannot take part (restrictions, each with its reason)
//!
//! Representation limits of rumqttc's types, handled by [`fit_for_rumqttc`]
//! (the packet is changed to the nearest one rumqttc can represent, and that
//! packet is compared):
//!
//! * Property order: rumqttc keeps properties in struct fields and writes them
//!   in a fixed order. The specification gives properties no order (2.2.2), so
//!   the comparison sorts both sides by identifier, keeping the relative order
//!   of repeated User Properties and Subscription Identifiers (which rumqttc
//!   keeps in `Vec`s).
//! * User Name and Password: rumqttc's `Login` is two `String`s where "empty"
//!   means "absent", so a present-but-empty User Name or Password cannot be
//!   represented; and the Password is a `String` although the specification
//!   makes it Binary Data — non-UTF-8 passwords are the disagreement pinned in
//!   [`password_is_binary_data`]. Empty user names become `"-"`, empty
//!   passwords absent, other passwords their lossy UTF-8 form.
//!
//! Packets rumqttc cannot read or write at all (skipped with `prop_assume!`,
//! see [`rumqttc_cannot_read`] and [`rumqttc_cannot_write`]); every case is a
//! disagreement pinned by a focused test below, where the specification is on
//! our side:
//!
//! * MQTT 5 DISCONNECT without properties (Remaining Length 0 or 1);
//! * MQTT 5 DISCONNECT with 0x8C Bad authentication method (the specification
//!   contradicts itself there);
//! * MQTT 5 DISCONNECT with a reason code and no properties, in the write
//!   direction (rumqttc writes a Remaining Length one byte short);
//! * MQTT 5 AUTH: rumqttc's `Packet::read` has no AUTH at all, so its
//!   `Auth::read` is called directly (and its AUTH reason code and properties
//!   types are not even exported, see [`rumqttc_auth`]); it still cannot read
//!   an AUTH without properties, nor one with an Authentication Method or
//!   Reason String (it miscounts string properties), and it writes wrong
//!   lengths for any AUTH with properties. Since every generated AUTH step
//!   names its method, AUTH is only checked in the write direction, bare.
//!
//! # Disagreements found, and who the specification supports
//!
//! The focused `#[test]`s after the property tests pin each one with exact
//! bytes. In short:
//!
//! * Both valid: for a PUBACK, PUBREC, PUBREL or PUBCOMP with a reason code
//!   and no properties, rumqttc writes a Property Length of 0 and we omit it
//!   (3.4.2.1 and 3.4.2.2.1 allow both); each reads the other's form.
//! * rumqttc wrong (valid packets it rejects or misencodes): DISCONNECT with
//!   Remaining Length 0 (3.14.2.1) or 1 (3.14.2.2.1), and the DISCONNECT it
//!   writes for a reason code without properties has a Remaining Length one
//!   short (2.1.4); AUTH at all (packet type 15, Table 2-1), AUTH with
//!   Remaining Length 0 (3.15.2.1), AUTH string properties read and AUTH
//!   property lengths written wrong (2.2.2.1, 1.5.4); binary passwords
//!   (3.1.3.5).
//! * rumqttc too lenient (malformed or protocol-error packets it accepts, which
//!   we reject with the exact `CodecError` shown): non-minimal Variable Byte
//!   Integer [MQTT-1.5.5-1]; wrong fixed-header flags [MQTT-2.1.3-1]; DUP on QoS
//!   0 [MQTT-3.3.1-2]; U+0000 in a string [MQTT-1.5.4-2]; wildcard in a topic
//!   name [MQTT-3.3.2-2]; empty topic without Topic Alias (3.3.2.1); packet
//!   identifier 0 [MQTT-2.2.1-3]; reserved subscription option bits
//!   [MQTT-3.8.3-5] (3.1.1: [MQTT-3.8.3-4]); No Local on a shared subscription
//!   [MQTT-3.8.3-4]; UNSUBSCRIBE without filters [MQTT-3.10.3-2]; Session Present
//!   on a refused CONNACK [MQTT-3.2.2-6]; bytes after a 3.1.1 PUBACK (3.4.1);
//!   duplicated and zero Receive Maximum (3.1.2.11.3); Topic Alias 0
//!   [MQTT-3.3.2-8]; Subscription Identifier 0 (3.8.2.1.2); Authentication Data
//!   without Authentication Method (3.1.2.11.10); CONNECT reserved flag
//!   [MQTT-3.1.2-3]; and rumqttc *writes* a 3.1.1 CONNECT with a password but no
//!   user name, which [MQTT-3.1.2-22] forbids.
//! * Unclear: DISCONNECT 0x8C Bad authentication method — Table 2-6 allows it
//!   (we follow that), the DISCONNECT table of 3.14.2.1 leaves it out (rumqttc
//!   follows that).
//! * Our codec wrong (the specification is on rumqttc's side; these tests fail
//!   until the codec is fixed): SUBACK and MQTT 5 UNSUBACK without any reason
//!   code (one per topic filter [MQTT-3.8.4-6] / 3.11.3, and there is at least
//!   one filter); MQTT 3.1.1 topic filters that start with `$share/` but are not
//!   valid MQTT 5 shared subscriptions (3.1.1 has no shared subscriptions, so
//!   they are ordinary valid filters, 4.7).

mod common;

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;
use common::strategies::versioned_packet;
use mqscope::proto::codec::PropertyContext;
use mqscope::proto::topic::TopicError;
use mqscope::proto::{
    Auth, CodecError, ConnAck, Connect, Decoder, Disconnect, Packet, PacketType, Properties,
    Property, PropertyId, ProtocolVersion, PubResponse, Publish, QoS, ReasonCode, RetainHandling,
    SubAck, Subscribe, SubscribeFilter, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};
use proptest::prelude::*;
use rumqttc::mqttbytes::v4 as r4;
use rumqttc::v5::mqttbytes::v5 as r5;

type R4Error = rumqttc::mqttbytes::Error;
type R5Error = rumqttc::v5::mqttbytes::Error;
type R4QoS = rumqttc::mqttbytes::QoS;
type R5QoS = rumqttc::v5::mqttbytes::QoS;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V311: ProtocolVersion = ProtocolVersion::V311;

// ---------------------------------------------------------------------------
// Normalization and restrictions
// ---------------------------------------------------------------------------

/// Sort properties by identifier, keeping the order of equal identifiers
/// (rumqttc keeps no order between different properties).
fn sort_properties(properties: &mut Properties) {
    properties.0.sort_by_key(Property::id);
}

/// The packet with every property list (packet and will) sorted.
fn normalize(mut packet: Packet) -> Packet {
    match &mut packet {
        Packet::Connect(c) => {
            sort_properties(&mut c.properties);
            if let Some(will) = &mut c.will {
                sort_properties(&mut will.properties);
            }
        }
        Packet::ConnAck(p) => sort_properties(&mut p.properties),
        Packet::Publish(p) => sort_properties(&mut p.properties),
        Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
            sort_properties(&mut p.properties)
        }
        Packet::Subscribe(p) => sort_properties(&mut p.properties),
        Packet::SubAck(p) => sort_properties(&mut p.properties),
        Packet::Unsubscribe(p) => sort_properties(&mut p.properties),
        Packet::UnsubAck(p) => sort_properties(&mut p.properties),
        Packet::Disconnect(p) => sort_properties(&mut p.properties),
        Packet::Auth(p) => sort_properties(&mut p.properties),
        Packet::PingReq | Packet::PingResp => {}
    }
    packet
}

/// The nearest packet that rumqttc's types can represent: a present User Name
/// is non-empty, a present Password is non-empty UTF-8 (rumqttc's `Login`).
fn fit_for_rumqttc(mut packet: Packet) -> Packet {
    if let Packet::Connect(c) = &mut packet {
        if c.user_name.as_deref() == Some("") {
            c.user_name = Some(ByteString::from_static("-"));
        }
        c.password = c
            .password
            .take()
            .filter(|p| !p.is_empty())
            .map(|p| Bytes::from(String::from_utf8_lossy(&p).into_owned()));
    }
    packet
}

/// Why rumqttc cannot read this valid packet, if it cannot (each case is
/// pinned by a focused test below).
fn rumqttc_cannot_read(version: ProtocolVersion, packet: &Packet) -> Option<&'static str> {
    if version == V311 {
        return None;
    }
    match packet {
        Packet::Disconnect(d) if d.properties.is_empty() => {
            Some("DISCONNECT without Property Length: disconnect_* tests")
        }
        Packet::Disconnect(d) if d.reason_code == ReasonCode::BadAuthenticationMethod => {
            Some("DISCONNECT 0x8C: disconnect_with_bad_authentication_method")
        }
        Packet::Publish(p) if subscription_identifier_before_another_property(&p.properties) => {
            Some("PUBLISH: subscription_identifier_is_miscounted_by_rumqttc")
        }
        Packet::Auth(a)
            if a.properties.is_empty()
                || a.properties.iter().any(|p| {
                    matches!(
                        p,
                        Property::AuthenticationMethod(_) | Property::ReasonString(_)
                    )
                }) =>
        {
            Some("AUTH: auth_* tests")
        }
        _ => None,
    }
}

/// Whether a Subscription Identifier is followed by another property on the wire.
fn subscription_identifier_before_another_property(properties: &Properties) -> bool {
    properties
        .iter()
        .position(|p| matches!(p, Property::SubscriptionIdentifier(_)))
        .is_some_and(|first| first + 1 < properties.len())
}

/// Why rumqttc cannot write this valid packet, if it cannot.
fn rumqttc_cannot_write(version: ProtocolVersion, packet: &Packet) -> Option<&'static str> {
    if version == V311 {
        return None;
    }
    match packet {
        Packet::Disconnect(d) if d.reason_code == ReasonCode::BadAuthenticationMethod => {
            Some("DISCONNECT 0x8C has no rumqttc reason code")
        }
        Packet::Disconnect(d)
            if d.reason_code != ReasonCode::Success && d.properties.is_empty() =>
        {
            Some("DISCONNECT, reason code only: disconnect_with_reason_code_and_no_properties")
        }
        Packet::Auth(a) if !a.properties.is_empty() => {
            Some("AUTH with properties: auth_written_by_rumqttc_has_wrong_lengths")
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Reason codes: rumqttc's enums and the byte values
// ---------------------------------------------------------------------------

fn code_of<T: PartialEq + std::fmt::Debug>(table: &[(u8, T)], value: &T) -> u8 {
    table
        .iter()
        .find(|(_, v)| v == value)
        .map(|(code, _)| *code)
        .unwrap_or_else(|| panic!("{value:?} is not in the table"))
}

fn value_of<T: Clone>(table: &[(u8, T)], code: u8) -> T {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("0x{code:02X} has no rumqttc value"))
}

fn reason(code: u8) -> ReasonCode {
    ReasonCode::from_u8(code).unwrap_or_else(|| panic!("0x{code:02X} is no reason code"))
}

macro_rules! puback_like_codes {
    ($name:ident, $ty:ident) => {
        const $name: &[(u8, r5::$ty)] = &[
            (0x00, r5::$ty::Success),
            (0x10, r5::$ty::NoMatchingSubscribers),
            (0x80, r5::$ty::UnspecifiedError),
            (0x83, r5::$ty::ImplementationSpecificError),
            (0x87, r5::$ty::NotAuthorized),
            (0x90, r5::$ty::TopicNameInvalid),
            (0x91, r5::$ty::PacketIdentifierInUse),
            (0x97, r5::$ty::QuotaExceeded),
            (0x99, r5::$ty::PayloadFormatInvalid),
        ];
    };
}
puback_like_codes!(PUBACK_CODES, PubAckReason);
puback_like_codes!(PUBREC_CODES, PubRecReason);

const PUBREL_CODES: &[(u8, r5::PubRelReason)] = &[
    (0x00, r5::PubRelReason::Success),
    (0x92, r5::PubRelReason::PacketIdentifierNotFound),
];
const PUBCOMP_CODES: &[(u8, r5::PubCompReason)] = &[
    (0x00, r5::PubCompReason::Success),
    (0x92, r5::PubCompReason::PacketIdentifierNotFound),
];

const SUBACK_CODES: &[(u8, r5::SubscribeReasonCode)] = {
    use r5::SubscribeReasonCode as C;
    &[
        (0x00, C::Success(R5QoS::AtMostOnce)),
        (0x01, C::Success(R5QoS::AtLeastOnce)),
        (0x02, C::Success(R5QoS::ExactlyOnce)),
        (0x80, C::Unspecified),
        (0x83, C::ImplementationSpecific),
        (0x87, C::NotAuthorized),
        (0x8F, C::TopicFilterInvalid),
        (0x91, C::PkidInUse),
        (0x97, C::QuotaExceeded),
        (0x9E, C::SharedSubscriptionsNotSupported),
        (0xA1, C::SubscriptionIdNotSupported),
        (0xA2, C::WildcardSubscriptionsNotSupported),
        // rumqttc also has `Failure`, which it writes as 0x80 too.
        (0x80, C::Failure),
    ]
};

const UNSUBACK_CODES: &[(u8, r5::UnsubAckReason)] = {
    use r5::UnsubAckReason as C;
    &[
        (0x00, C::Success),
        (0x11, C::NoSubscriptionExisted),
        (0x80, C::UnspecifiedError),
        (0x83, C::ImplementationSpecificError),
        (0x87, C::NotAuthorized),
        (0x8F, C::TopicFilterInvalid),
        (0x91, C::PacketIdentifierInUse),
    ]
};

const CONNACK_CODES: &[(u8, r5::ConnectReturnCode)] = {
    use r5::ConnectReturnCode as C;
    &[
        (0x00, C::Success),
        (0x80, C::UnspecifiedError),
        (0x81, C::MalformedPacket),
        (0x82, C::ProtocolError),
        (0x83, C::ImplementationSpecificError),
        (0x84, C::UnsupportedProtocolVersion),
        (0x85, C::ClientIdentifierNotValid),
        (0x86, C::BadUserNamePassword),
        (0x87, C::NotAuthorized),
        (0x88, C::ServerUnavailable),
        (0x89, C::ServerBusy),
        (0x8A, C::Banned),
        (0x8C, C::BadAuthenticationMethod),
        (0x90, C::TopicNameInvalid),
        (0x95, C::PacketTooLarge),
        (0x97, C::QuotaExceeded),
        (0x99, C::PayloadFormatInvalid),
        (0x9A, C::RetainNotSupported),
        (0x9B, C::QoSNotSupported),
        (0x9C, C::UseAnotherServer),
        (0x9D, C::ServerMoved),
        (0x9F, C::ConnectionRateExceeded),
    ]
};

/// rumqttc's AUTH reason code and AUTH properties types are not exported
/// (`AuthReasonCode`, `AuthProperties` live in a private module), so they can
/// be neither named nor built directly: an `Auth` with the wanted reason code
/// is made by rumqttc's own reader from `F0 02 <code> 00`, and its fields are
/// then filled in by type inference.
fn rumqttc_auth(code: u8) -> r5::Auth {
    let bytes = Bytes::from(vec![0xF0, 0x02, code, 0x00]);
    let header = r5::check(bytes.iter(), None).unwrap();
    r5::Auth::read(header, bytes).unwrap()
}

/// The byte value of the reason code of a rumqttc `Auth`.
fn rumqttc_auth_code(auth: &r5::Auth) -> u8 {
    [0x00, 0x18, 0x19]
        .into_iter()
        .find(|&code| rumqttc_auth(code).code == auth.code)
        .unwrap()
}

/// MQTT 3.1.1 Connect Return Codes and the reason codes we map them to.
const V4_CONNACK_CODES: &[(ReasonCode, r4::ConnectReturnCode)] = {
    use r4::ConnectReturnCode as C;
    &[
        (ReasonCode::Success, C::Success),
        (
            ReasonCode::UnsupportedProtocolVersion,
            C::RefusedProtocolVersion,
        ),
        (ReasonCode::ClientIdentifierNotValid, C::BadClientId),
        (ReasonCode::ServerUnavailable, C::ServiceUnavailable),
        (ReasonCode::BadUserNameOrPassword, C::BadUserNamePassword),
        (ReasonCode::NotAuthorized, C::NotAuthorized),
    ]
};

fn v4_connack_code(code: ReasonCode) -> r4::ConnectReturnCode {
    V4_CONNACK_CODES
        .iter()
        .find(|(ours, _)| *ours == code)
        .map(|(_, theirs)| *theirs)
        .unwrap_or_else(|| panic!("{code:?} has no 3.1.1 return code"))
}

fn from_v4_connack_code(code: r4::ConnectReturnCode) -> ReasonCode {
    V4_CONNACK_CODES
        .iter()
        .find(|(_, theirs)| *theirs == code)
        .map(|(ours, _)| *ours)
        .unwrap()
}

fn v4_suback_code(code: ReasonCode) -> r4::SubscribeReasonCode {
    match code {
        ReasonCode::Success => r4::SubscribeReasonCode::Success(R4QoS::AtMostOnce),
        ReasonCode::GrantedQos1 => r4::SubscribeReasonCode::Success(R4QoS::AtLeastOnce),
        ReasonCode::GrantedQos2 => r4::SubscribeReasonCode::Success(R4QoS::ExactlyOnce),
        ReasonCode::UnspecifiedError => r4::SubscribeReasonCode::Failure,
        other => panic!("{other:?} is no 3.1.1 SUBACK return code"),
    }
}

fn from_v4_suback_code(code: r4::SubscribeReasonCode) -> ReasonCode {
    match code {
        r4::SubscribeReasonCode::Success(qos) => reason(qos as u8),
        r4::SubscribeReasonCode::Failure => ReasonCode::UnspecifiedError,
    }
}

fn r5_qos(qos: QoS) -> R5QoS {
    match qos {
        QoS::AtMostOnce => R5QoS::AtMostOnce,
        QoS::AtLeastOnce => R5QoS::AtLeastOnce,
        QoS::ExactlyOnce => R5QoS::ExactlyOnce,
    }
}

fn from_r5_qos(qos: R5QoS) -> QoS {
    QoS::from_u8(qos as u8).unwrap()
}

fn r4_qos(qos: QoS) -> R4QoS {
    match qos {
        QoS::AtMostOnce => R4QoS::AtMostOnce,
        QoS::AtLeastOnce => R4QoS::AtLeastOnce,
        QoS::ExactlyOnce => R4QoS::ExactlyOnce,
    }
}

fn from_r4_qos(qos: R4QoS) -> QoS {
    QoS::from_u8(qos as u8).unwrap()
}

// ---------------------------------------------------------------------------
// Properties: one flat record with a field per property, the shape of
// rumqttc's property structs
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Flat {
    payload_format_indicator: Option<u8>,
    message_expiry_interval: Option<u32>,
    content_type: Option<String>,
    response_topic: Option<String>,
    correlation_data: Option<Bytes>,
    subscription_identifiers: Vec<usize>,
    session_expiry_interval: Option<u32>,
    assigned_client_identifier: Option<String>,
    server_keep_alive: Option<u16>,
    authentication_method: Option<String>,
    authentication_data: Option<Bytes>,
    request_problem_information: Option<u8>,
    will_delay_interval: Option<u32>,
    request_response_information: Option<u8>,
    response_information: Option<String>,
    server_reference: Option<String>,
    reason_string: Option<String>,
    receive_maximum: Option<u16>,
    topic_alias_maximum: Option<u16>,
    topic_alias: Option<u16>,
    maximum_qos: Option<u8>,
    retain_available: Option<u8>,
    user_properties: Vec<(String, String)>,
    maximum_packet_size: Option<u32>,
    wildcard_subscription_available: Option<u8>,
    subscription_identifier_available: Option<u8>,
    shared_subscription_available: Option<u8>,
}

fn set<T>(slot: &mut Option<T>, value: T) {
    assert!(slot.is_none(), "a generated packet repeats a property");
    *slot = Some(value);
}

fn flag(value: u8) -> bool {
    match value {
        0 => false,
        1 => true,
        other => panic!("a flag property holds {other}"),
    }
}

impl From<&Properties> for Flat {
    fn from(properties: &Properties) -> Flat {
        use Property as P;
        let mut f = Flat::default();
        for property in properties {
            match property {
                P::PayloadFormatIndicator(v) => set(&mut f.payload_format_indicator, *v),
                P::MessageExpiryInterval(v) => set(&mut f.message_expiry_interval, *v),
                P::ContentType(v) => set(&mut f.content_type, v.to_string()),
                P::ResponseTopic(v) => set(&mut f.response_topic, v.to_string()),
                P::CorrelationData(v) => set(&mut f.correlation_data, v.clone()),
                P::SubscriptionIdentifier(v) => f.subscription_identifiers.push(*v as usize),
                P::SessionExpiryInterval(v) => set(&mut f.session_expiry_interval, *v),
                P::AssignedClientIdentifier(v) => {
                    set(&mut f.assigned_client_identifier, v.to_string())
                }
                P::ServerKeepAlive(v) => set(&mut f.server_keep_alive, *v),
                P::AuthenticationMethod(v) => set(&mut f.authentication_method, v.to_string()),
                P::AuthenticationData(v) => set(&mut f.authentication_data, v.clone()),
                P::RequestProblemInformation(v) => {
                    set(&mut f.request_problem_information, u8::from(*v))
                }
                P::WillDelayInterval(v) => set(&mut f.will_delay_interval, *v),
                P::RequestResponseInformation(v) => {
                    set(&mut f.request_response_information, u8::from(*v))
                }
                P::ResponseInformation(v) => set(&mut f.response_information, v.to_string()),
                P::ServerReference(v) => set(&mut f.server_reference, v.to_string()),
                P::ReasonString(v) => set(&mut f.reason_string, v.to_string()),
                P::ReceiveMaximum(v) => set(&mut f.receive_maximum, *v),
                P::TopicAliasMaximum(v) => set(&mut f.topic_alias_maximum, *v),
                P::TopicAlias(v) => set(&mut f.topic_alias, *v),
                P::MaximumQos(v) => set(&mut f.maximum_qos, *v),
                P::RetainAvailable(v) => set(&mut f.retain_available, u8::from(*v)),
                P::UserProperty(k, v) => f.user_properties.push((k.to_string(), v.to_string())),
                P::MaximumPacketSize(v) => set(&mut f.maximum_packet_size, *v),
                P::WildcardSubscriptionAvailable(v) => {
                    set(&mut f.wildcard_subscription_available, u8::from(*v))
                }
                P::SubscriptionIdentifierAvailable(v) => {
                    set(&mut f.subscription_identifier_available, u8::from(*v))
                }
                P::SharedSubscriptionAvailable(v) => {
                    set(&mut f.shared_subscription_available, u8::from(*v))
                }
                other => panic!("unexpected property {other:?}"),
            }
        }
        f
    }
}

impl Flat {
    /// Our properties, in identifier order.
    fn into_properties(self) -> Properties {
        use Property as P;
        let s = ByteString::from;
        let mut list = Vec::new();
        list.extend(self.payload_format_indicator.map(P::PayloadFormatIndicator));
        list.extend(self.message_expiry_interval.map(P::MessageExpiryInterval));
        list.extend(self.content_type.map(s).map(P::ContentType));
        list.extend(self.response_topic.map(s).map(P::ResponseTopic));
        list.extend(self.correlation_data.map(P::CorrelationData));
        list.extend(
            self.subscription_identifiers
                .into_iter()
                .map(|id| P::SubscriptionIdentifier(u32::try_from(id).unwrap())),
        );
        list.extend(self.session_expiry_interval.map(P::SessionExpiryInterval));
        list.extend(
            self.assigned_client_identifier
                .map(s)
                .map(P::AssignedClientIdentifier),
        );
        list.extend(self.server_keep_alive.map(P::ServerKeepAlive));
        list.extend(
            self.authentication_method
                .map(s)
                .map(P::AuthenticationMethod),
        );
        list.extend(self.authentication_data.map(P::AuthenticationData));
        list.extend(
            self.request_problem_information
                .map(|v| P::RequestProblemInformation(flag(v))),
        );
        list.extend(self.will_delay_interval.map(P::WillDelayInterval));
        list.extend(
            self.request_response_information
                .map(|v| P::RequestResponseInformation(flag(v))),
        );
        list.extend(self.response_information.map(s).map(P::ResponseInformation));
        list.extend(self.server_reference.map(s).map(P::ServerReference));
        list.extend(self.reason_string.map(s).map(P::ReasonString));
        list.extend(self.receive_maximum.map(P::ReceiveMaximum));
        list.extend(self.topic_alias_maximum.map(P::TopicAliasMaximum));
        list.extend(self.topic_alias.map(P::TopicAlias));
        list.extend(self.maximum_qos.map(P::MaximumQos));
        list.extend(self.retain_available.map(|v| P::RetainAvailable(flag(v))));
        list.extend(
            self.user_properties
                .into_iter()
                .map(|(k, v)| P::UserProperty(k.into(), v.into())),
        );
        list.extend(self.maximum_packet_size.map(P::MaximumPacketSize));
        list.extend(
            self.wildcard_subscription_available
                .map(|v| P::WildcardSubscriptionAvailable(flag(v))),
        );
        list.extend(
            self.subscription_identifier_available
                .map(|v| P::SubscriptionIdentifierAvailable(flag(v))),
        );
        list.extend(
            self.shared_subscription_available
                .map(|v| P::SharedSubscriptionAvailable(flag(v))),
        );
        Properties(list)
    }
}

/// `None` for no properties (rumqttc writes a Property Length of 0 for both).
fn flat(properties: &Properties) -> Option<Flat> {
    (!properties.is_empty()).then(|| Flat::from(properties))
}

fn connect_properties(p: &Properties) -> Option<r5::ConnectProperties> {
    flat(p).map(|f| r5::ConnectProperties {
        session_expiry_interval: f.session_expiry_interval,
        receive_maximum: f.receive_maximum,
        max_packet_size: f.maximum_packet_size,
        topic_alias_max: f.topic_alias_maximum,
        request_response_info: f.request_response_information,
        request_problem_info: f.request_problem_information,
        user_properties: f.user_properties,
        authentication_method: f.authentication_method,
        authentication_data: f.authentication_data,
    })
}

fn from_connect_properties(p: Option<r5::ConnectProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            session_expiry_interval: p.session_expiry_interval,
            receive_maximum: p.receive_maximum,
            maximum_packet_size: p.max_packet_size,
            topic_alias_maximum: p.topic_alias_max,
            request_response_information: p.request_response_info,
            request_problem_information: p.request_problem_info,
            user_properties: p.user_properties,
            authentication_method: p.authentication_method,
            authentication_data: p.authentication_data,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn will_properties(p: &Properties) -> Option<r5::LastWillProperties> {
    flat(p).map(|f| r5::LastWillProperties {
        delay_interval: f.will_delay_interval,
        payload_format_indicator: f.payload_format_indicator,
        message_expiry_interval: f.message_expiry_interval,
        content_type: f.content_type,
        response_topic: f.response_topic,
        correlation_data: f.correlation_data,
        user_properties: f.user_properties,
    })
}

fn from_will_properties(p: Option<r5::LastWillProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            will_delay_interval: p.delay_interval,
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            content_type: p.content_type,
            response_topic: p.response_topic,
            correlation_data: p.correlation_data,
            user_properties: p.user_properties,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn connack_properties(p: &Properties) -> Option<r5::ConnAckProperties> {
    flat(p).map(|f| r5::ConnAckProperties {
        session_expiry_interval: f.session_expiry_interval,
        receive_max: f.receive_maximum,
        max_qos: f.maximum_qos,
        retain_available: f.retain_available,
        max_packet_size: f.maximum_packet_size,
        assigned_client_identifier: f.assigned_client_identifier,
        topic_alias_max: f.topic_alias_maximum,
        reason_string: f.reason_string,
        user_properties: f.user_properties,
        wildcard_subscription_available: f.wildcard_subscription_available,
        subscription_identifiers_available: f.subscription_identifier_available,
        shared_subscription_available: f.shared_subscription_available,
        server_keep_alive: f.server_keep_alive,
        response_information: f.response_information,
        server_reference: f.server_reference,
        authentication_method: f.authentication_method,
        authentication_data: f.authentication_data,
    })
}

fn from_connack_properties(p: Option<r5::ConnAckProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            session_expiry_interval: p.session_expiry_interval,
            receive_maximum: p.receive_max,
            maximum_qos: p.max_qos,
            retain_available: p.retain_available,
            maximum_packet_size: p.max_packet_size,
            assigned_client_identifier: p.assigned_client_identifier,
            topic_alias_maximum: p.topic_alias_max,
            reason_string: p.reason_string,
            user_properties: p.user_properties,
            wildcard_subscription_available: p.wildcard_subscription_available,
            subscription_identifier_available: p.subscription_identifiers_available,
            shared_subscription_available: p.shared_subscription_available,
            server_keep_alive: p.server_keep_alive,
            response_information: p.response_information,
            server_reference: p.server_reference,
            authentication_method: p.authentication_method,
            authentication_data: p.authentication_data,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn publish_properties(p: &Properties) -> Option<r5::PublishProperties> {
    flat(p).map(|f| r5::PublishProperties {
        payload_format_indicator: f.payload_format_indicator,
        message_expiry_interval: f.message_expiry_interval,
        topic_alias: f.topic_alias,
        response_topic: f.response_topic,
        correlation_data: f.correlation_data,
        user_properties: f.user_properties,
        subscription_identifiers: f.subscription_identifiers,
        content_type: f.content_type,
    })
}

fn from_publish_properties(p: Option<r5::PublishProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            topic_alias: p.topic_alias,
            response_topic: p.response_topic,
            correlation_data: p.correlation_data,
            user_properties: p.user_properties,
            subscription_identifiers: p.subscription_identifiers,
            content_type: p.content_type,
            ..Flat::default()
        }
        .into_properties()
    })
}

/// The acknowledgments whose properties are a Reason String and User Properties.
macro_rules! reason_and_user_properties {
    ($to:ident, $from:ident, $ty:ident) => {
        fn $to(p: &Properties) -> Option<r5::$ty> {
            flat(p).map(|f| r5::$ty {
                reason_string: f.reason_string,
                user_properties: f.user_properties,
            })
        }

        fn $from(p: Option<r5::$ty>) -> Properties {
            p.map_or_else(Properties::new, |p| {
                Flat {
                    reason_string: p.reason_string,
                    user_properties: p.user_properties,
                    ..Flat::default()
                }
                .into_properties()
            })
        }
    };
}
reason_and_user_properties!(puback_properties, from_puback_properties, PubAckProperties);
reason_and_user_properties!(pubrec_properties, from_pubrec_properties, PubRecProperties);
reason_and_user_properties!(pubrel_properties, from_pubrel_properties, PubRelProperties);
reason_and_user_properties!(
    pubcomp_properties,
    from_pubcomp_properties,
    PubCompProperties
);
reason_and_user_properties!(suback_properties, from_suback_properties, SubAckProperties);
reason_and_user_properties!(
    unsuback_properties,
    from_unsuback_properties,
    UnsubAckProperties
);

fn subscribe_properties(p: &Properties) -> Option<r5::SubscribeProperties> {
    flat(p).map(|f| {
        assert!(f.subscription_identifiers.len() <= 1);
        r5::SubscribeProperties {
            id: f.subscription_identifiers.first().copied(),
            user_properties: f.user_properties,
        }
    })
}

fn from_subscribe_properties(p: Option<r5::SubscribeProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            subscription_identifiers: p.id.into_iter().collect(),
            user_properties: p.user_properties,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn unsubscribe_properties(p: &Properties) -> Option<r5::UnsubscribeProperties> {
    flat(p).map(|f| r5::UnsubscribeProperties {
        user_properties: f.user_properties,
    })
}

fn from_unsubscribe_properties(p: Option<r5::UnsubscribeProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            user_properties: p.user_properties,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn disconnect_properties(p: &Properties) -> Option<r5::DisconnectProperties> {
    flat(p).map(|f| r5::DisconnectProperties {
        session_expiry_interval: f.session_expiry_interval,
        reason_string: f.reason_string,
        user_properties: f.user_properties,
        server_reference: f.server_reference,
    })
}

fn from_disconnect_properties(p: Option<r5::DisconnectProperties>) -> Properties {
    p.map_or_else(Properties::new, |p| {
        Flat {
            session_expiry_interval: p.session_expiry_interval,
            reason_string: p.reason_string,
            user_properties: p.user_properties,
            server_reference: p.server_reference,
            ..Flat::default()
        }
        .into_properties()
    })
}

fn to_r5_auth(a: &Auth) -> r5::Auth {
    let mut auth = rumqttc_auth(a.reason_code.to_u8());
    if let Some(f) = flat(&a.properties) {
        auth.properties = Some(Default::default());
        let p = auth.properties.as_mut().unwrap();
        p.method = f.authentication_method;
        p.data = f.authentication_data;
        p.reason = f.reason_string;
        p.user_properties = f.user_properties;
    }
    auth
}

// ---------------------------------------------------------------------------
// Packets: ours → rumqttc
// ---------------------------------------------------------------------------

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("restricted to UTF-8 by fit_for_rumqttc")
}

/// rumqttc's login: empty strings stand for absent fields.
fn login(c: &Connect) -> Option<(String, String)> {
    if c.user_name.is_none() && c.password.is_none() {
        return None;
    }
    let user_name = c.user_name.as_deref().unwrap_or_default().to_string();
    let password = c.password.as_deref().map(utf8).unwrap_or_default();
    Some((user_name, password))
}

fn from_login(user_name: String, password: String) -> (Option<ByteString>, Option<Bytes>) {
    (
        (!user_name.is_empty()).then(|| user_name.into()),
        (!password.is_empty()).then(|| password.into()),
    )
}

fn to_r5(packet: &Packet) -> r5::Packet {
    match packet {
        Packet::Connect(c) => r5::Packet::Connect(
            r5::Connect {
                keep_alive: c.keep_alive_secs,
                client_id: c.client_id.to_string(),
                clean_start: c.clean_start,
                properties: connect_properties(&c.properties),
            },
            c.will.as_ref().map(|w| r5::LastWill {
                topic: w.topic.as_bytes().clone(),
                message: w.payload.clone(),
                qos: r5_qos(w.qos),
                retain: w.retain,
                properties: will_properties(&w.properties),
            }),
            login(c).map(|(username, password)| r5::Login { username, password }),
        ),
        Packet::ConnAck(c) => r5::Packet::ConnAck(r5::ConnAck {
            session_present: c.session_present,
            code: value_of(CONNACK_CODES, c.reason_code.to_u8()),
            properties: connack_properties(&c.properties),
        }),
        Packet::Publish(p) => r5::Packet::Publish(r5::Publish {
            dup: p.dup,
            qos: r5_qos(p.qos),
            retain: p.retain,
            topic: p.topic.as_bytes().clone(),
            pkid: p.packet_id,
            payload: p.payload.clone(),
            properties: publish_properties(&p.properties),
        }),
        Packet::PubAck(p) => r5::Packet::PubAck(r5::PubAck {
            pkid: p.packet_id,
            reason: value_of(PUBACK_CODES, p.reason_code.to_u8()),
            properties: puback_properties(&p.properties),
        }),
        Packet::PubRec(p) => r5::Packet::PubRec(r5::PubRec {
            pkid: p.packet_id,
            reason: value_of(PUBREC_CODES, p.reason_code.to_u8()),
            properties: pubrec_properties(&p.properties),
        }),
        Packet::PubRel(p) => r5::Packet::PubRel(r5::PubRel {
            pkid: p.packet_id,
            reason: value_of(PUBREL_CODES, p.reason_code.to_u8()),
            properties: pubrel_properties(&p.properties),
        }),
        Packet::PubComp(p) => r5::Packet::PubComp(r5::PubComp {
            pkid: p.packet_id,
            reason: value_of(PUBCOMP_CODES, p.reason_code.to_u8()),
            properties: pubcomp_properties(&p.properties),
        }),
        Packet::Subscribe(s) => r5::Packet::Subscribe(r5::Subscribe {
            pkid: s.packet_id,
            filters: s
                .filters
                .iter()
                .map(|f| r5::Filter {
                    path: f.filter.to_string(),
                    qos: r5_qos(f.options.maximum_qos),
                    nolocal: f.options.no_local,
                    preserve_retain: f.options.retain_as_published,
                    retain_forward_rule: match f.options.retain_handling {
                        RetainHandling::SendAtSubscribe => r5::RetainForwardRule::OnEverySubscribe,
                        RetainHandling::SendAtSubscribeIfNew => {
                            r5::RetainForwardRule::OnNewSubscribe
                        }
                        RetainHandling::DoNotSend => r5::RetainForwardRule::Never,
                    },
                })
                .collect(),
            properties: subscribe_properties(&s.properties),
        }),
        Packet::SubAck(s) => r5::Packet::SubAck(r5::SubAck {
            pkid: s.packet_id,
            return_codes: s
                .reason_codes
                .iter()
                .map(|c| value_of(SUBACK_CODES, c.to_u8()))
                .collect(),
            properties: suback_properties(&s.properties),
        }),
        Packet::Unsubscribe(u) => r5::Packet::Unsubscribe(r5::Unsubscribe {
            pkid: u.packet_id,
            filters: u.filters.iter().map(|f| f.to_string()).collect(),
            properties: unsubscribe_properties(&u.properties),
        }),
        Packet::UnsubAck(u) => r5::Packet::UnsubAck(r5::UnsubAck {
            pkid: u.packet_id,
            reasons: u
                .reason_codes
                .iter()
                .map(|c| value_of(UNSUBACK_CODES, c.to_u8()))
                .collect(),
            properties: unsuback_properties(&u.properties),
        }),
        Packet::PingReq => r5::Packet::PingReq(r5::PingReq),
        Packet::PingResp => r5::Packet::PingResp(r5::PingResp),
        Packet::Disconnect(d) => r5::Packet::Disconnect(r5::Disconnect {
            reason_code: r5::DisconnectReasonCode::try_from(d.reason_code.to_u8()).unwrap(),
            properties: disconnect_properties(&d.properties),
        }),
        Packet::Auth(a) => r5::Packet::Auth(to_r5_auth(a)),
    }
}

fn to_r4(packet: &Packet) -> r4::Packet {
    match packet {
        Packet::Connect(c) => r4::Packet::Connect(r4::Connect {
            protocol: rumqttc::mqttbytes::Protocol::V4,
            keep_alive: c.keep_alive_secs,
            client_id: c.client_id.to_string(),
            clean_session: c.clean_start,
            last_will: c.will.as_ref().map(|w| r4::LastWill {
                topic: w.topic.to_string(),
                message: w.payload.clone(),
                qos: r4_qos(w.qos),
                retain: w.retain,
            }),
            login: login(c).map(|(username, password)| r4::Login { username, password }),
        }),
        Packet::ConnAck(c) => r4::Packet::ConnAck(r4::ConnAck {
            session_present: c.session_present,
            code: v4_connack_code(c.reason_code),
        }),
        Packet::Publish(p) => r4::Packet::Publish(r4::Publish {
            dup: p.dup,
            qos: r4_qos(p.qos),
            retain: p.retain,
            topic: p.topic.to_string(),
            pkid: p.packet_id,
            payload: p.payload.clone(),
        }),
        Packet::PubAck(p) => r4::Packet::PubAck(r4::PubAck { pkid: p.packet_id }),
        Packet::PubRec(p) => r4::Packet::PubRec(r4::PubRec { pkid: p.packet_id }),
        Packet::PubRel(p) => r4::Packet::PubRel(r4::PubRel { pkid: p.packet_id }),
        Packet::PubComp(p) => r4::Packet::PubComp(r4::PubComp { pkid: p.packet_id }),
        Packet::Subscribe(s) => r4::Packet::Subscribe(r4::Subscribe {
            pkid: s.packet_id,
            filters: s
                .filters
                .iter()
                .map(|f| r4::SubscribeFilter {
                    path: f.filter.to_string(),
                    qos: r4_qos(f.options.maximum_qos),
                })
                .collect(),
        }),
        Packet::SubAck(s) => r4::Packet::SubAck(r4::SubAck {
            pkid: s.packet_id,
            return_codes: s.reason_codes.iter().map(|&c| v4_suback_code(c)).collect(),
        }),
        Packet::Unsubscribe(u) => r4::Packet::Unsubscribe(r4::Unsubscribe {
            pkid: u.packet_id,
            topics: u.filters.iter().map(|f| f.to_string()).collect(),
        }),
        Packet::UnsubAck(u) => r4::Packet::UnsubAck(r4::UnsubAck { pkid: u.packet_id }),
        Packet::PingReq => r4::Packet::PingReq,
        Packet::PingResp => r4::Packet::PingResp,
        Packet::Disconnect(_) => r4::Packet::Disconnect,
        Packet::Auth(_) => panic!("MQTT 3.1.1 has no AUTH"),
    }
}

// ---------------------------------------------------------------------------
// Packets: rumqttc → ours
// ---------------------------------------------------------------------------

fn string(bytes: Bytes) -> ByteString {
    ByteString::try_from(bytes).expect("rumqttc decoded a non-UTF-8 topic")
}

fn pub_response(packet_id: u16, code: u8, properties: Properties) -> PubResponse {
    PubResponse {
        packet_id,
        reason_code: reason(code),
        properties,
    }
}

fn from_r5(packet: r5::Packet) -> Packet {
    match packet {
        r5::Packet::Connect(c, will, login) => {
            let (user_name, password) =
                login.map_or((None, None), |l| from_login(l.username, l.password));
            Packet::Connect(Connect {
                protocol_version: V5,
                clean_start: c.clean_start,
                keep_alive_secs: c.keep_alive,
                properties: from_connect_properties(c.properties),
                client_id: c.client_id.into(),
                will: will.map(|w| Will {
                    topic: string(w.topic),
                    payload: w.message,
                    qos: from_r5_qos(w.qos),
                    retain: w.retain,
                    properties: from_will_properties(w.properties),
                }),
                user_name,
                password,
            })
        }
        r5::Packet::ConnAck(c) => Packet::ConnAck(ConnAck {
            session_present: c.session_present,
            reason_code: reason(code_of(CONNACK_CODES, &c.code)),
            properties: from_connack_properties(c.properties),
        }),
        r5::Packet::Publish(p) => Packet::Publish(Publish {
            dup: p.dup,
            qos: from_r5_qos(p.qos),
            retain: p.retain,
            topic: string(p.topic),
            packet_id: p.pkid,
            properties: from_publish_properties(p.properties),
            payload: p.payload,
        }),
        r5::Packet::PubAck(p) => Packet::PubAck(pub_response(
            p.pkid,
            code_of(PUBACK_CODES, &p.reason),
            from_puback_properties(p.properties),
        )),
        r5::Packet::PubRec(p) => Packet::PubRec(pub_response(
            p.pkid,
            code_of(PUBREC_CODES, &p.reason),
            from_pubrec_properties(p.properties),
        )),
        r5::Packet::PubRel(p) => Packet::PubRel(pub_response(
            p.pkid,
            code_of(PUBREL_CODES, &p.reason),
            from_pubrel_properties(p.properties),
        )),
        r5::Packet::PubComp(p) => Packet::PubComp(pub_response(
            p.pkid,
            code_of(PUBCOMP_CODES, &p.reason),
            from_pubcomp_properties(p.properties),
        )),
        r5::Packet::Subscribe(s) => Packet::Subscribe(Subscribe {
            packet_id: s.pkid,
            properties: from_subscribe_properties(s.properties),
            filters: s
                .filters
                .into_iter()
                .map(|f| SubscribeFilter {
                    filter: f.path.into(),
                    options: SubscriptionOptions {
                        maximum_qos: from_r5_qos(f.qos),
                        no_local: f.nolocal,
                        retain_as_published: f.preserve_retain,
                        retain_handling: match f.retain_forward_rule {
                            r5::RetainForwardRule::OnEverySubscribe => {
                                RetainHandling::SendAtSubscribe
                            }
                            r5::RetainForwardRule::OnNewSubscribe => {
                                RetainHandling::SendAtSubscribeIfNew
                            }
                            r5::RetainForwardRule::Never => RetainHandling::DoNotSend,
                        },
                    },
                })
                .collect(),
        }),
        r5::Packet::SubAck(s) => Packet::SubAck(SubAck {
            packet_id: s.pkid,
            properties: from_suback_properties(s.properties),
            reason_codes: s
                .return_codes
                .iter()
                .map(|c| reason(code_of(SUBACK_CODES, c)))
                .collect(),
        }),
        r5::Packet::Unsubscribe(u) => Packet::Unsubscribe(Unsubscribe {
            packet_id: u.pkid,
            properties: from_unsubscribe_properties(u.properties),
            filters: u.filters.into_iter().map(ByteString::from).collect(),
        }),
        r5::Packet::UnsubAck(u) => Packet::UnsubAck(UnsubAck {
            packet_id: u.pkid,
            properties: from_unsuback_properties(u.properties),
            reason_codes: u
                .reasons
                .iter()
                .map(|c| reason(code_of(UNSUBACK_CODES, c)))
                .collect(),
        }),
        r5::Packet::PingReq(_) => Packet::PingReq,
        r5::Packet::PingResp(_) => Packet::PingResp,
        r5::Packet::Disconnect(d) => Packet::Disconnect(Disconnect {
            reason_code: reason(d.reason_code as u8),
            properties: from_disconnect_properties(d.properties),
        }),
        r5::Packet::Auth(a) => Packet::Auth(from_r5_auth(a)),
    }
}

fn from_r5_auth(a: r5::Auth) -> Auth {
    Auth {
        reason_code: reason(rumqttc_auth_code(&a)),
        properties: a.properties.map_or_else(Properties::new, |p| {
            Flat {
                authentication_method: p.method,
                authentication_data: p.data,
                reason_string: p.reason,
                user_properties: p.user_properties,
                ..Flat::default()
            }
            .into_properties()
        }),
    }
}

fn from_r4(packet: r4::Packet) -> Packet {
    match packet {
        r4::Packet::Connect(c) => {
            assert_eq!(c.protocol, rumqttc::mqttbytes::Protocol::V4);
            let (user_name, password) = c
                .login
                .map_or((None, None), |l| from_login(l.username, l.password));
            Packet::Connect(Connect {
                protocol_version: V311,
                clean_start: c.clean_session,
                keep_alive_secs: c.keep_alive,
                properties: Properties::new(),
                client_id: c.client_id.into(),
                will: c.last_will.map(|w| Will {
                    topic: w.topic.into(),
                    payload: w.message,
                    qos: from_r4_qos(w.qos),
                    retain: w.retain,
                    properties: Properties::new(),
                }),
                user_name,
                password,
            })
        }
        r4::Packet::ConnAck(c) => Packet::ConnAck(ConnAck::new(
            c.session_present,
            from_v4_connack_code(c.code),
        )),
        r4::Packet::Publish(p) => Packet::Publish(Publish {
            dup: p.dup,
            qos: from_r4_qos(p.qos),
            retain: p.retain,
            topic: p.topic.into(),
            packet_id: p.pkid,
            properties: Properties::new(),
            payload: p.payload,
        }),
        r4::Packet::PubAck(p) => Packet::PubAck(PubResponse::new(p.pkid)),
        r4::Packet::PubRec(p) => Packet::PubRec(PubResponse::new(p.pkid)),
        r4::Packet::PubRel(p) => Packet::PubRel(PubResponse::new(p.pkid)),
        r4::Packet::PubComp(p) => Packet::PubComp(PubResponse::new(p.pkid)),
        r4::Packet::Subscribe(s) => Packet::Subscribe(Subscribe::new(
            s.pkid,
            s.filters
                .into_iter()
                .map(|f| SubscribeFilter::new(f.path, from_r4_qos(f.qos)))
                .collect(),
        )),
        r4::Packet::SubAck(s) => Packet::SubAck(SubAck {
            packet_id: s.pkid,
            properties: Properties::new(),
            reason_codes: s
                .return_codes
                .into_iter()
                .map(from_v4_suback_code)
                .collect(),
        }),
        r4::Packet::Unsubscribe(u) => Packet::Unsubscribe(Unsubscribe {
            packet_id: u.pkid,
            properties: Properties::new(),
            filters: u.topics.into_iter().map(ByteString::from).collect(),
        }),
        r4::Packet::UnsubAck(u) => Packet::UnsubAck(UnsubAck {
            packet_id: u.pkid,
            properties: Properties::new(),
            reason_codes: Vec::new(),
        }),
        r4::Packet::PingReq => Packet::PingReq,
        r4::Packet::PingResp => Packet::PingResp,
        r4::Packet::Disconnect => Packet::Disconnect(Disconnect::new(ReasonCode::Success)),
    }
}

// ---------------------------------------------------------------------------
// Reading and writing with each codec
// ---------------------------------------------------------------------------

/// rumqttc's MQTT 5 reader on one whole packet, as rumqttc's own `Packet::read`
/// does it — except for AUTH, which `Packet::read` does not know (see
/// [`rumqttc_packet_read_has_no_auth`]), so its `Auth::read` is called on the
/// frame directly. The bytes must be exactly one packet.
fn rumqttc_read_v5(bytes: &[u8]) -> Result<Packet, R5Error> {
    let mut buf = BytesMut::from(bytes);
    let packet = if bytes.first().is_some_and(|b| b >> 4 == 15) {
        let header = r5::check(buf.iter(), None)?;
        let frame = buf.split_to(header.frame_length()).freeze();
        Packet::Auth(from_r5_auth(r5::Auth::read(header, frame)?))
    } else {
        from_r5(r5::Packet::read(&mut buf, None)?)
    };
    assert!(buf.is_empty(), "rumqttc left {} bytes unread", buf.len());
    Ok(packet)
}

/// rumqttc's MQTT 3.1.1 reader on one whole packet.
fn rumqttc_read_v4(bytes: &[u8]) -> Result<Packet, R4Error> {
    let mut buf = BytesMut::from(bytes);
    let packet = from_r4(r4::Packet::read(&mut buf, usize::MAX)?);
    assert!(buf.is_empty(), "rumqttc left {} bytes unread", buf.len());
    Ok(packet)
}

/// What rumqttc writes for `packet`, and the size its `write` returns.
fn rumqttc_write_counted(version: ProtocolVersion, packet: &Packet) -> (Bytes, usize) {
    let mut out = BytesMut::new();
    let written = match version {
        V5 => to_r5(packet).write(&mut out, None).unwrap(),
        V311 => to_r4(packet).write(&mut out, usize::MAX).unwrap(),
    };
    (out.freeze(), written)
}

fn rumqttc_write(version: ProtocolVersion, packet: &Packet) -> Bytes {
    rumqttc_write_counted(version, packet).0
}

/// Our decoder on a stream holding `bytes`: the first packet, and how many
/// bytes were left after it.
fn ours_read(version: ProtocolVersion, bytes: &[u8]) -> Result<(Packet, usize), CodecError> {
    let mut decoder = Decoder::new(version, None);
    decoder.feed(bytes);
    let packet = decoder.next_packet()?.expect("a whole packet");
    Ok((packet, decoder.buffered_len()))
}

fn ours_encode(version: ProtocolVersion, packet: &Packet) -> Bytes {
    packet.to_bytes(version).unwrap()
}

fn decode(version: ProtocolVersion, bytes: &[u8]) -> Result<Packet, CodecError> {
    Packet::decode(&Bytes::copy_from_slice(bytes), version)
}

// ---------------------------------------------------------------------------
// The differential property tests
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// What we encode, rumqttc decodes to the same content.
    #[test]
    fn rumqttc_reads_what_we_write((version, packet) in versioned_packet()) {
        let packet = fit_for_rumqttc(packet);
        prop_assume!(rumqttc_cannot_read(version, &packet).is_none());
        let bytes = ours_encode(version, &packet);
        let theirs = match version {
            V5 => rumqttc_read_v5(&bytes).map_err(|e| format!("{e:?}")),
            V311 => rumqttc_read_v4(&bytes).map_err(|e| format!("{e:?}")),
        };
        let theirs = theirs
            .map_err(|e| TestCaseError::fail(format!("rumqttc: {e} on {bytes:02X?}")))?;
        prop_assert_eq!(normalize(theirs), normalize(packet));
    }

    /// What rumqttc encodes, we decode to the same content (and nothing is left over).
    #[test]
    fn we_read_what_rumqttc_writes((version, packet) in versioned_packet()) {
        let packet = fit_for_rumqttc(packet);
        prop_assume!(rumqttc_cannot_write(version, &packet).is_none());
        let (bytes, written) = rumqttc_write_counted(version, &packet);
        prop_assert_eq!(written, bytes.len());
        let (ours, left_over) = ours_read(version, &bytes)
            .map_err(|e| TestCaseError::fail(format!("ours: {e:?} on {bytes:02X?}")))?;
        prop_assert_eq!(left_over, 0);
        prop_assert_eq!(normalize(ours), normalize(packet));
    }
}

// ---------------------------------------------------------------------------
// Both valid: two encodings of the same packet
// ---------------------------------------------------------------------------

/// 3.4.2.1: "The Reason Code and Property Length can be omitted if the Reason
/// Code is 0x00 (Success) and there are no Properties", and 3.4.2.2.1: "If the
/// Remaining Length is less than 4 there is no Property Length and the value
/// of 0 is used". For a reason code without properties we write Remaining
/// Length 3 (no Property Length), rumqttc writes 4 (a Property Length of 0).
/// Both are valid and each side reads the other's.
#[test]
fn ack_with_reason_code_and_no_properties_has_two_valid_forms() {
    let ack = Packet::PubAck(PubResponse {
        packet_id: 7,
        reason_code: ReasonCode::NoMatchingSubscribers,
        properties: Properties::new(),
    });
    let ours = ours_encode(V5, &ack);
    let theirs = rumqttc_write(V5, &ack);
    assert_eq!(&ours[..], &[0x40, 0x03, 0x00, 0x07, 0x10]);
    assert_eq!(&theirs[..], &[0x40, 0x04, 0x00, 0x07, 0x10, 0x00]);
    assert_eq!(decode(V5, &theirs), Ok(ack.clone()));
    assert_eq!(rumqttc_read_v5(&ours).unwrap(), ack);
}

// ---------------------------------------------------------------------------
// rumqttc rejects or misencodes valid packets (the specification is on our side)
// ---------------------------------------------------------------------------

/// 3.14.2.1: "The Reason Code and Property Length can be omitted if the Reason
/// Code is 0x00 (Normal disconnecton) and there are no Properties. In this case
/// the DISCONNECT has a Remaining Length of 0." rumqttc's `Packet::read`
/// refuses every Remaining Length of 0 except PINGREQ/PINGRESP — even the
/// bytes its own writer produces for a normal DISCONNECT.
#[test]
fn disconnect_with_remaining_length_0() {
    let bytes = [0xE0, 0x00];
    let normal = Disconnect::new(ReasonCode::Success);
    assert_eq!(decode(V5, &bytes), Ok(Packet::Disconnect(normal.clone())));
    assert_eq!(&ours_encode(V5, &Packet::Disconnect(normal))[..], &bytes);

    let mut theirs = BytesMut::new();
    r5::Packet::Disconnect(r5::Disconnect::new(
        r5::DisconnectReasonCode::NormalDisconnection,
    ))
    .write(&mut theirs, None)
    .unwrap();
    assert_eq!(&theirs[..], &bytes, "rumqttc writes the same bytes");
    assert!(matches!(
        rumqttc_read_v5(&bytes),
        Err(R5Error::PayloadRequired)
    ));
}

/// 3.14.2.2.1: "If the Remaining Length is less than 2, a value of 0 is used"
/// for the Property Length. A DISCONNECT of a reason code alone (as we write
/// it) is valid; rumqttc insists on a Property Length and asks for more bytes
/// that never come.
///
/// 2.1.4: the Remaining Length is the number of bytes after it. For the same
/// DISCONNECT rumqttc writes a Remaining Length of 1 followed by *two* bytes
/// (the reason code and a Property Length of 0), and its `write` returns 3
/// for the 4 bytes it wrote: the stray 0x00 is then read as the first byte of
/// the next packet and the stream is corrupt — followed by a PINGREQ, its
/// `C0 00` become a non-minimal Remaining Length. (rumqttc cannot read its own
/// bytes back either.)
#[test]
fn disconnect_with_reason_code_and_no_properties() {
    let disconnect = Packet::Disconnect(Disconnect::new(ReasonCode::DisconnectWithWillMessage));
    let ours = ours_encode(V5, &disconnect);
    assert_eq!(&ours[..], &[0xE0, 0x01, 0x04]);
    assert!(matches!(
        rumqttc_read_v5(&ours),
        Err(R5Error::InsufficientBytes(1))
    ));

    let (theirs, written) = rumqttc_write_counted(V5, &disconnect);
    assert_eq!(&theirs[..], &[0xE0, 0x01, 0x04, 0x00]);
    assert_eq!(written, 3);
    assert_eq!(ours_read(V5, &theirs), Ok((disconnect, 1)));
    let mut stream = theirs.to_vec();
    stream.extend_from_slice(&[0xC0, 0x00]); // a PINGREQ after it
    let mut decoder = Decoder::new(V5, None);
    decoder.feed(&stream);
    assert!(matches!(
        decoder.next_packet(),
        Ok(Some(Packet::Disconnect(_)))
    ));
    assert_eq!(
        decoder.next_packet(),
        Err(CodecError::VariableByteIntegerNotMinimal)
    );
    assert!(matches!(
        rumqttc_read_v5(&theirs[..3]),
        Err(R5Error::InsufficientBytes(1))
    ));
}

/// Table 2-1: packet type 15 is AUTH. rumqttc's `Packet::read` does not know
/// it (its `PacketType` stops at 14), although `Packet::write` writes AUTH.
#[test]
fn rumqttc_packet_read_has_no_auth() {
    let auth = Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties(vec![Property::AuthenticationMethod("SCRAM".into())]),
    });
    let bytes = ours_encode(V5, &auth);
    assert!(matches!(
        r5::Packet::read(&mut BytesMut::from(&bytes[..]), None),
        Err(R5Error::InvalidPacketType(15))
    ));
    assert_eq!(decode(V5, &bytes), Ok(auth));
}

/// 3.15.2.1: "The Reason Code and Property Length can be omitted if the Reason
/// Code is 0x00 (Success) and there are no Properties. In this case the AUTH
/// has a Remaining Length of 0." rumqttc's `Auth::read` requires a reason code.
#[test]
fn auth_with_remaining_length_0() {
    let bytes = [0xF0, 0x00];
    assert_eq!(
        decode(V5, &bytes),
        Ok(Packet::Auth(Auth {
            reason_code: ReasonCode::Success,
            properties: Properties::new(),
        }))
    );
    assert!(matches!(
        rumqttc_read_v5(&bytes),
        Err(R5Error::MalformedPacket)
    ));
}

/// 2.2.2.1 and 1.5.4: a UTF-8 Encoded String property takes its 2-byte length
/// prefix plus the string. rumqttc's AUTH reader counts only the string for
/// Authentication Method and Reason String, so it reads past the properties
/// and fails on a valid AUTH.
#[test]
fn auth_with_authentication_method_is_misread_by_rumqttc() {
    let auth = Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties(vec![Property::AuthenticationMethod("SCRAM".into())]),
    });
    let bytes = ours_encode(V5, &auth);
    // F0, Remaining Length 10, 0x18, Property Length 8, 0x15 "SCRAM".
    assert_eq!(
        &bytes[..],
        &[
            0xF0, 0x0A, 0x18, 0x08, 0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M'
        ]
    );
    assert!(matches!(
        rumqttc_read_v5(&bytes),
        Err(R5Error::MalformedPacket)
    ));
    assert_eq!(decode(V5, &bytes), Ok(auth));
}

/// 2.2.2.1 Property Length and 2.1.4 Remaining Length: rumqttc computes the
/// length of AUTH properties without the 2-byte length prefixes (and the
/// 4 bytes of a User Property's two prefixes), so the AUTH it writes has a
/// Property Length and a Remaining Length that are too small: its last bytes
/// fall outside the packet. We reject that frame; the exact error is the
/// Authentication Method cut off by the (wrong) Property Length.
#[test]
fn auth_written_by_rumqttc_has_wrong_lengths() {
    let auth = Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties(vec![Property::AuthenticationMethod("SCRAM".into())]),
    });
    let theirs = rumqttc_write(V5, &auth);
    // Remaining Length 8 and Property Length 6, but 10 and 8 bytes follow.
    assert_eq!(
        &theirs[..],
        &[
            0xF0, 0x08, 0x18, 0x06, 0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M'
        ]
    );
    assert_eq!(
        ours_read(V5, &theirs),
        Err(CodecError::Truncated {
            field: "Authentication Method"
        })
    );
    // Only the AUTH without properties has the right lengths, but with a
    // reason code other than Success it lacks the Authentication Method that
    // 3.15.2.2.2 requires ("It is a Protocol Error to omit the Authentication
    // Method"), so we reject it.
    let bare = Packet::Auth(Auth {
        reason_code: ReasonCode::ReAuthenticate,
        properties: Properties::new(),
    });
    let theirs = rumqttc_write(V5, &bare);
    assert_eq!(&theirs[..], &[0xF0, 0x02, 0x19, 0x00]);
    assert_eq!(
        ours_read(V5, &theirs),
        Err(CodecError::AuthenticationMethodMissing)
    );
}

/// MQTT 5.0 3.3.2.3.8: a PUBLISH may carry several Subscription Identifiers,
/// each a property like any other. rumqttc counts one byte too many for each
/// (the identifier byte twice), so once those extra counts reach the Property
/// Length it stops reading early and takes the remaining property bytes for
/// the payload. Spec on our side.
#[test]
fn subscription_identifier_is_miscounted_by_rumqttc() {
    let mut publish = Publish::new("t", Bytes::new());
    publish.properties = Properties(vec![
        Property::SubscriptionIdentifier(1),
        Property::SubscriptionIdentifier(1),
        Property::PayloadFormatIndicator(0),
    ]);
    let ours = ours_encode(V5, &Packet::Publish(publish.clone()));
    // Property Length 6: 0B 01 0B 01 01 00, no payload.
    assert_eq!(
        &ours[..],
        &[
            0x30, 0x0A, 0x00, 0x01, b't', 0x06, 0x0B, 0x01, 0x0B, 0x01, 0x01, 0x00
        ]
    );
    let Ok(Packet::Publish(theirs)) = rumqttc_read_v5(&ours) else {
        panic!("rumqttc could not read it at all")
    };
    assert_eq!(
        &theirs.payload[..],
        &[0x01, 0x00],
        "rumqttc took the Payload Format Indicator for payload"
    );
    assert_eq!(ours_read(V5, &ours), Ok((Packet::Publish(publish), 0)));
}

/// MQTT 5.0 3.1.3.6 and MQTT 3.1.1 3.1.3.5: the Password is Binary Data, any
/// bytes. rumqttc reads it as a UTF-8 string and rejects a CONNECT whose
/// password is not UTF-8 (and its `Login` cannot hold one).
#[test]
fn password_is_binary_data() {
    for version in [V5, V311] {
        let mut connect = Connect::new(version, "c");
        connect.user_name = Some("u".into());
        connect.password = Some(Bytes::from_static(&[0xFF, 0x00, 0xC3]));
        let packet = Packet::Connect(connect);
        let bytes = ours_encode(version, &packet);
        assert_eq!(decode(version, &bytes), Ok(packet));
        match version {
            V5 => assert!(matches!(
                rumqttc_read_v5(&bytes),
                Err(R5Error::TopicNotUtf8)
            )),
            V311 => assert!(matches!(
                rumqttc_read_v4(&bytes),
                Err(R4Error::TopicNotUtf8)
            )),
        }
    }
}

/// Unclear in the specification: Table 2-6 lists 0x8C Bad authentication
/// method for CONNACK and DISCONNECT, the DISCONNECT Reason Code table of
/// 3.14.2.1 leaves it out. We follow Table 2-6 (see `ReasonCode::valid_packets`),
/// rumqttc the DISCONNECT table.
#[test]
fn disconnect_with_bad_authentication_method() {
    let bytes = [0xE0, 0x02, 0x8C, 0x00];
    assert_eq!(
        decode(V5, &bytes),
        Ok(Packet::Disconnect(Disconnect::new(
            ReasonCode::BadAuthenticationMethod
        )))
    );
    assert!(matches!(
        rumqttc_read_v5(&bytes),
        Err(R5Error::InvalidConnectReturnCode(0x8C))
    ));
}

// ---------------------------------------------------------------------------
// rumqttc accepts what the specification forbids; we reject it (exact error)
// ---------------------------------------------------------------------------

/// [MQTT-1.5.5-1] "The encoded value MUST use the minimum number of bytes
/// necessary to represent the value." A Remaining Length of 0 written as
/// `80 00` is malformed; rumqttc reads it as 0.
#[test]
fn non_minimal_variable_byte_integer() {
    let bytes = [0xC0, 0x80, 0x00];
    assert!(matches!(rumqttc_read_v5(&bytes), Ok(Packet::PingReq)));
    assert!(matches!(rumqttc_read_v4(&bytes), Ok(Packet::PingReq)));
    for version in [V5, V311] {
        assert_eq!(
            decode(version, &bytes),
            Err(CodecError::VariableByteIntegerNotMinimal)
        );
    }
}

/// [MQTT-2.1.3-1] (and [MQTT-3.8.1-1], [MQTT-3.6.1-1]): the reserved flag bits
/// of the fixed header must have the listed values; anything else is
/// malformed. rumqttc does not look at them for SUBSCRIBE or PUBREL.
#[test]
fn wrong_fixed_header_flags() {
    // SUBSCRIBE with flags 0000 instead of 0010: id 1, filter "a", QoS 0.
    let subscribe = [0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00];
    assert!(rumqttc_read_v4(&subscribe).is_ok());
    assert_eq!(
        decode(V311, &subscribe),
        Err(CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::Subscribe,
            flags: 0b0000,
            required: 0b0010,
        })
    );
    // PUBREL with flags 0000 instead of 0010.
    let pubrel = [0x60, 0x02, 0x00, 0x01];
    assert!(rumqttc_read_v5(&pubrel).is_ok());
    assert_eq!(
        decode(V5, &pubrel),
        Err(CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::PubRel,
            flags: 0b0000,
            required: 0b0010,
        })
    );
}

/// [MQTT-3.3.1-2] "The DUP flag MUST be set to 0 for all QoS 0 messages."
#[test]
fn dup_on_qos_0_publish() {
    let bytes = [0x38, 0x03, 0x00, 0x01, b'a'];
    assert!(matches!(rumqttc_read_v4(&bytes), Ok(Packet::Publish(p)) if p.dup));
    assert_eq!(decode(V311, &bytes), Err(CodecError::DupWithQos0));
}

/// [MQTT-1.5.4-2] "A UTF-8 Encoded String MUST NOT include an encoding of the
/// null character U+0000."
#[test]
fn null_character_in_a_string() {
    let bytes = [0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'];
    assert!(matches!(rumqttc_read_v4(&bytes), Ok(Packet::Publish(p)) if &*p.topic == "a\0b"));
    assert_eq!(
        decode(V311, &bytes),
        Err(CodecError::NullCharacter {
            field: "Topic Name"
        })
    );
}

/// [MQTT-3.3.2-2] "The Topic Name in the PUBLISH packet MUST NOT contain
/// wildcard characters."
#[test]
fn wildcard_in_a_topic_name() {
    let bytes = [0x30, 0x06, 0x00, 0x03, b'a', b'/', b'+', 0x00];
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::Topic {
            field: "Topic Name",
            error: TopicError::WildcardInTopicName,
        })
    );
}

/// 3.3.2.1: "It is a Protocol Error if the Topic Name is zero length and there
/// is no Topic Alias."
#[test]
fn empty_topic_without_topic_alias() {
    let bytes = [0x30, 0x03, 0x00, 0x00, 0x00];
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(decode(V5, &bytes), Err(CodecError::EmptyTopicWithoutAlias));
}

/// [MQTT-2.2.1-3]: SUBSCRIBE (like every packet that has one) needs a non-zero
/// Packet Identifier.
#[test]
fn packet_identifier_0() {
    let bytes = [0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, b'a', b'b', 0x00];
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::PacketIdentifierZero {
            packet: PacketType::Subscribe
        })
    );
}

/// [MQTT-3.8.3-5] (MQTT 5: bits 6 and 7 of the Subscription Options) and
/// 3.1.1 [MQTT-3.8.3-4] (bits 2 to 7): reserved bits set make the packet
/// malformed. rumqttc ignores them.
#[test]
fn reserved_subscription_option_bits() {
    let v5 = [0x82, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, b'a', b'b', 0x40];
    assert!(rumqttc_read_v5(&v5).is_ok());
    assert_eq!(
        decode(V5, &v5),
        Err(CodecError::SubscriptionOptionsReserved)
    );
    // In 3.1.1 bit 2 (No Local in MQTT 5) is reserved too.
    let v311 = [0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', b'b', 0x04];
    assert!(rumqttc_read_v4(&v311).is_ok());
    assert_eq!(
        decode(V311, &v311),
        Err(CodecError::SubscriptionOptionsReserved)
    );
}

/// [MQTT-3.8.3-4] "It is a Protocol Error to set the No Local bit to 1 on a
/// Shared Subscription."
#[test]
fn no_local_on_a_shared_subscription() {
    let mut bytes = vec![0x82, 0x00, 0x00, 0x01, 0x00, 0x00, 0x0A];
    bytes.extend_from_slice(b"$share/g/a");
    bytes.push(0x04);
    bytes[1] = u8::try_from(bytes.len() - 2).unwrap();
    assert!(
        matches!(rumqttc_read_v5(&bytes), Ok(Packet::Subscribe(s)) if s.filters[0].options.no_local)
    );
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::NoLocalOnSharedSubscription)
    );
}

/// [MQTT-3.10.3-2] "The Payload of an UNSUBSCRIBE packet MUST contain at least
/// one Topic Filter" (3.1.1 says the same in 3.10.3).
#[test]
fn unsubscribe_without_topic_filters() {
    let v5 = [0xA2, 0x03, 0x00, 0x01, 0x00];
    assert!(matches!(rumqttc_read_v5(&v5), Ok(Packet::Unsubscribe(u)) if u.filters.is_empty()));
    let v311 = [0xA2, 0x02, 0x00, 0x01];
    assert!(matches!(rumqttc_read_v4(&v311), Ok(Packet::Unsubscribe(u)) if u.filters.is_empty()));
    let expected = Err(CodecError::NoTopicFilters {
        packet: PacketType::Unsubscribe,
    });
    assert_eq!(decode(V5, &v5), expected);
    assert_eq!(decode(V311, &v311), expected);
}

/// [MQTT-3.2.2-6] (3.1.1: [MQTT-3.2.2-4]): a CONNACK that refuses the
/// connection must have Session Present 0.
#[test]
fn session_present_on_a_refused_connack() {
    let v5 = [0x20, 0x03, 0x01, 0x87, 0x00];
    assert!(rumqttc_read_v5(&v5).is_ok());
    assert_eq!(decode(V5, &v5), Err(CodecError::SessionPresentOnRefusal));
    let v311 = [0x20, 0x02, 0x01, 0x05];
    assert!(rumqttc_read_v4(&v311).is_ok());
    assert_eq!(
        decode(V311, &v311),
        Err(CodecError::SessionPresentOnRefusal)
    );
}

/// MQTT 3.1.1 3.4.1: the Remaining Length of PUBACK is 2. rumqttc ignores
/// whatever follows the packet identifier.
#[test]
fn bytes_after_a_311_puback() {
    let bytes = [0x40, 0x04, 0x00, 0x01, 0x00, 0x00];
    assert!(rumqttc_read_v4(&bytes).is_ok());
    assert_eq!(
        decode(V311, &bytes),
        Err(CodecError::TrailingBytes {
            packet: PacketType::PubAck,
            count: 2,
        })
    );
}

/// A CONNECT (MQTT 5, client id "c") with the given CONNECT properties.
fn v5_connect_with_properties(properties: &[u8]) -> Vec<u8> {
    let mut body = vec![0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x3C];
    body.push(u8::try_from(properties.len()).unwrap());
    body.extend_from_slice(properties);
    body.extend_from_slice(&[0x00, 0x01, b'c']);
    let mut bytes = vec![0x10, u8::try_from(body.len()).unwrap()];
    bytes.extend(body);
    bytes
}

/// 3.1.2.11.3: "It is a Protocol Error to include the Receive Maximum value
/// more than once or for it to have the value 0." rumqttc keeps the last one,
/// or the 0.
#[test]
fn receive_maximum_twice_or_0() {
    let twice = v5_connect_with_properties(&[0x21, 0x00, 0x0A, 0x21, 0x00, 0x14]);
    assert!(rumqttc_read_v5(&twice).is_ok());
    assert_eq!(
        decode(V5, &twice),
        Err(CodecError::DuplicateProperty {
            context: PropertyContext::Packet(PacketType::Connect),
            property: PropertyId::ReceiveMaximum,
        })
    );
    let zero = v5_connect_with_properties(&[0x21, 0x00, 0x00]);
    assert!(rumqttc_read_v5(&zero).is_ok());
    assert_eq!(
        decode(V5, &zero),
        Err(CodecError::InvalidPropertyValue {
            property: PropertyId::ReceiveMaximum,
            value: 0,
            allowed: "1 to 65 535",
        })
    );
}

/// 3.1.2.11.10: "It is a Protocol Error to include Authentication Data if there
/// is no Authentication Method."
#[test]
fn authentication_data_without_method() {
    let bytes = v5_connect_with_properties(&[0x16, 0x00, 0x02, 0xAB, 0xCD]);
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::AuthenticationDataWithoutMethod {
            context: PropertyContext::Packet(PacketType::Connect),
        })
    );
}

/// [MQTT-3.1.2-3] "The Server MUST validate that the reserved flag in the
/// CONNECT packet is set to 0."
#[test]
fn connect_reserved_flag() {
    let mut bytes = v5_connect_with_properties(&[]);
    bytes[9] |= 0x01; // the Connect Flags byte
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(decode(V5, &bytes), Err(CodecError::ConnectReservedFlag));
}

/// [MQTT-3.3.2-8] "A sender MUST NOT send a PUBLISH packet containing a Topic
/// Alias which has the value 0."
#[test]
fn topic_alias_0() {
    let bytes = [0x30, 0x07, 0x00, 0x01, b'a', 0x03, 0x23, 0x00, 0x00];
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::InvalidPropertyValue {
            property: PropertyId::TopicAlias,
            value: 0,
            allowed: "1 to 65 535",
        })
    );
}

/// 3.8.2.1.2: "It is a Protocol Error if the Subscription Identifier has a
/// value of 0."
#[test]
fn subscription_identifier_0() {
    let bytes = [
        0x82, 0x07, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, b'a', 0x00,
    ];
    let bytes = {
        let mut b = bytes.to_vec();
        b[1] = u8::try_from(b.len() - 2).unwrap();
        b
    };
    assert!(rumqttc_read_v5(&bytes).is_ok());
    assert_eq!(
        decode(V5, &bytes),
        Err(CodecError::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            value: 0,
            allowed: "1 to 268 435 455",
        })
    );
}

/// 3.1.1 [MQTT-3.1.2-22] "If the User Name Flag is set to 0, the Password Flag
/// MUST be set to 0." rumqttc writes a password without a user name when its
/// `Login` has an empty user name; we reject that CONNECT.
#[test]
fn rumqttc_writes_a_311_password_without_user_name() {
    let connect = r4::Connect {
        protocol: rumqttc::mqttbytes::Protocol::V4,
        keep_alive: 60,
        client_id: "c".into(),
        clean_session: true,
        last_will: None,
        login: Some(r4::Login {
            username: String::new(),
            password: "secret".into(),
        }),
    };
    let mut bytes = BytesMut::new();
    r4::Packet::Connect(connect)
        .write(&mut bytes, usize::MAX)
        .unwrap();
    assert_eq!(
        bytes[9], 0b0100_0010,
        "Password and Clean Session, no User Name"
    );
    assert!(rumqttc_read_v4(&bytes).is_ok());
    assert_eq!(
        decode(V311, &bytes),
        Err(CodecError::PasswordWithoutUserName)
    );
}

// ---------------------------------------------------------------------------
// Our codec wrong: the specification is on rumqttc's side. These tests fail
// until the codec is fixed.
// ---------------------------------------------------------------------------

/// MQTT 5.0 3.9.3 / [MQTT-3.8.4-6] and 3.1.1 3.9.3 / [MQTT-3.8.4-5]: a SUBACK
/// carries one reason code per topic filter of the SUBSCRIBE, which has at
/// least one [MQTT-3.8.3-2] (3.1.1 [MQTT-3.8.3-3]); a SUBACK without any
/// cannot answer any SUBSCRIBE. rumqttc rejects it as malformed; we decode it
/// and encode it.
#[test]
fn suback_without_reason_codes_is_rejected() {
    let v5 = [0x90, 0x03, 0x00, 0x01, 0x00];
    let v311 = [0x90, 0x02, 0x00, 0x01];
    assert!(matches!(
        rumqttc_read_v5(&v5),
        Err(R5Error::MalformedPacket)
    ));
    assert!(matches!(
        rumqttc_read_v4(&v311),
        Err(R4Error::MalformedPacket)
    ));
    let empty = Packet::SubAck(SubAck {
        packet_id: 1,
        properties: Properties::new(),
        reason_codes: Vec::new(),
    });
    for (version, bytes) in [(V5, &v5[..]), (V311, &v311[..])] {
        let decoded = decode(version, bytes);
        assert!(decoded.is_err(), "{version:?}: decoded {decoded:?}");
        let encoded = empty.to_bytes(version);
        assert!(encoded.is_err(), "{version:?}: encoded {encoded:?}");
    }
}

/// MQTT 5.0 3.11.3: the UNSUBACK payload holds one reason code per topic filter
/// of the UNSUBSCRIBE ([MQTT-3.11.3-1] orders them), which has at least one
/// [MQTT-3.10.3-2]. rumqttc rejects an MQTT 5 UNSUBACK without reason codes;
/// we decode it and encode it. (MQTT 3.1.1 UNSUBACK has no payload at all.)
#[test]
fn v5_unsuback_without_reason_codes_is_rejected() {
    let bytes = [0xB0, 0x03, 0x00, 0x01, 0x00];
    assert!(matches!(
        rumqttc_read_v5(&bytes),
        Err(R5Error::MalformedPacket)
    ));
    let decoded = decode(V5, &bytes);
    assert!(decoded.is_err(), "decoded {decoded:?}");
    let empty = Packet::UnsubAck(UnsubAck {
        packet_id: 1,
        properties: Properties::new(),
        reason_codes: Vec::new(),
    });
    let encoded = empty.to_bytes(V5);
    assert!(encoded.is_err(), "encoded {encoded:?}");
}

/// MQTT 3.1.1 has no shared subscriptions: `$share/...` is an ordinary topic
/// filter there, valid whenever 4.7 says so. "$share/g" (no filter after the
/// share name) and "$share/+/x" (a `+` level) are valid 3.1.1 filters; rumqttc
/// accepts them, we reject them with the MQTT 5 shared-subscription rules
/// (4.8.2), which do not apply to 3.1.1.
#[test]
fn v311_filters_starting_with_share_are_ordinary_filters() {
    for filter in ["$share/g", "$share/+/x", "$share//x"] {
        let subscribe = Packet::Subscribe(Subscribe::new(
            1,
            vec![SubscribeFilter::new(filter, QoS::AtLeastOnce)],
        ));
        let theirs = rumqttc_write(V311, &subscribe);
        assert_eq!(rumqttc_read_v4(&theirs).unwrap(), subscribe);
        assert_eq!(decode(V311, &theirs), Ok(subscribe.clone()), "{filter}");
        assert_eq!(
            subscribe.to_bytes(V311).as_deref().ok(),
            Some(&theirs[..]),
            "{filter}"
        );
    }
}
