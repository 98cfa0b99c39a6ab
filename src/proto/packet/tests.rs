//! Packets from byte literals: every packet type decoded, re-encoded to the
//! same bytes, and every malformed case rejected with the rule it breaks, the
//! exact error and the reason code the connection is closed with.

use bytes::{Bytes, BytesMut};

use super::*;
use crate::proto::codec::{Properties, Property, PropertyId};
use crate::proto::topic::TopicError;
use crate::proto::{Decoder, ReasonCode};

use ProtocolVersion::{V5, V311};

fn decode(bytes: &[u8], version: ProtocolVersion) -> Result<Packet> {
    Packet::decode(&Bytes::copy_from_slice(bytes), version)
}

/// Decode `bytes`, check that encoding gives the same bytes back and that the
/// computed size is the encoded size.
fn round_trip(bytes: &[u8], version: ProtocolVersion) -> Packet {
    let packet = decode(bytes, version).unwrap_or_else(|e| panic!("decoding {bytes:02X?}: {e}"));
    let encoded = packet.to_bytes(version).expect("encode");
    assert_eq!(&encoded[..], bytes, "re-encoding {packet:?}");
    assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
    packet
}

/// `bytes` must be rejected with `expected`, closing with `reason`.
fn rejects(bytes: &[u8], version: ProtocolVersion, expected: CodecError, reason: ReasonCode) {
    let error = decode(bytes, version).expect_err("must be rejected");
    assert_eq!(error, expected, "decoding {bytes:02X?}");
    assert_eq!(error.reason_code(), reason, "reason code for {error}");
}

fn string(s: &str) -> bytestring::ByteString {
    s.into()
}

// ---- CONNECT -------------------------------------------------------------

#[test]
fn connect_v5_with_credentials_and_properties() {
    let bytes = [
        0x10, 0x1C, // CONNECT, remaining length 28
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
        0x05, // protocol version 5
        0xC2, // user name, password, clean start
        0x00, 0x3C, // keep alive 60
        0x05, 0x11, 0x00, 0x00, 0x00, 0x0A, // Session Expiry Interval 10
        0x00, 0x03, b'a', b'b', b'c', // client id
        0x00, 0x01, b'u', // user name
        0x00, 0x02, 0x01, 0x02, // password
    ];
    let Packet::Connect(connect) = round_trip(&bytes, V311) else {
        panic!("not a CONNECT")
    };
    assert_eq!(connect.protocol_version, V5);
    assert!(connect.clean_start);
    assert_eq!(connect.keep_alive_secs, 60);
    assert_eq!(connect.properties.session_expiry_interval_secs(), Some(10));
    assert_eq!(&*connect.client_id, "abc");
    assert_eq!(connect.user_name.as_deref(), Some("u"));
    assert_eq!(connect.password.as_deref(), Some(&[1u8, 2][..]));
    assert!(connect.will.is_none());
}

#[test]
fn connect_v311_with_will() {
    let bytes = [
        0x10, 0x14, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, // MQTT 3.1.1
        0x2E, // will retain, will QoS 1, will, clean session
        0x00, 0x0A, 0x00, 0x01, b'c', // client id "c"
        0x00, 0x01, b't', // will topic
        0x00, 0x02, b'h', b'i', // will payload
    ];
    let Packet::Connect(connect) = round_trip(&bytes, V5) else {
        panic!("not a CONNECT")
    };
    assert_eq!(connect.protocol_version, V311);
    let will = connect.will.expect("will");
    assert_eq!(&*will.topic, "t");
    assert_eq!(&will.payload[..], b"hi");
    assert_eq!(will.qos, QoS::AtLeastOnce);
    assert!(will.retain);
}

#[test]
fn connect_v5_with_will_properties() {
    let mut connect = Connect::new(V5, "dev-1");
    connect.will = Some(Will {
        topic: string("status/dev-1"),
        payload: Bytes::from_static(b"offline"),
        qos: QoS::ExactlyOnce,
        retain: false,
        properties: Properties::new()
            .with(Property::WillDelayInterval(5))
            .with(Property::ContentType(string("text/plain")))
            .with(Property::UserProperty(string("k"), string("v"))),
    });
    let bytes = Packet::Connect(connect.clone()).to_bytes(V5).unwrap();
    assert_eq!(decode(&bytes, V5), Ok(Packet::Connect(connect)));
}

fn connect_with_flags(level: u8, flags: u8) -> Vec<u8> {
    let mut bytes = vec![
        0x10, 0x00, 0x00, 0x04, b'M', b'Q', b'T', b'T', level, flags, 0, 0,
    ];
    if level == 5 {
        bytes.push(0); // property length
    }
    bytes.extend([0x00, 0x01, b'c']);
    bytes[1] = bytes.len() as u8 - 2;
    bytes
}

#[test]
fn connect_rules() {
    // [MQTT-3.1.2-1] The protocol name must be "MQTT".
    let mut bytes = connect_with_flags(5, 0x02);
    bytes[4..8].copy_from_slice(b"MQTX");
    rejects(
        &bytes,
        V5,
        CodecError::InvalidProtocolName {
            name: "MQTX".into(),
        },
        ReasonCode::UnsupportedProtocolVersion,
    );
    // [MQTT-3.1.2-2] Only protocol levels 4 and 5.
    rejects(
        &connect_with_flags(3, 0x02),
        V5,
        CodecError::UnsupportedProtocolLevel { level: 3 },
        ReasonCode::UnsupportedProtocolVersion,
    );
    // [MQTT-3.1.2-3] The reserved flag must be 0.
    rejects(
        &connect_with_flags(5, 0x03),
        V5,
        CodecError::ConnectReservedFlag,
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.1.2-11] Will QoS must be 0 without a will.
    rejects(
        &connect_with_flags(5, 0x08),
        V5,
        CodecError::WillFlagsWithoutWill,
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.1.2-13] Will Retain must be 0 without a will.
    rejects(
        &connect_with_flags(4, 0x20),
        V311,
        CodecError::WillFlagsWithoutWill,
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.1.2-12] Will QoS 3 is malformed.
    rejects(
        &connect_with_flags(5, 0x1C),
        V5,
        CodecError::InvalidQos { field: "Will QoS" },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.1.2-22] (3.1.1) A password needs a user name.
    rejects(
        &connect_with_flags(4, 0x40),
        V311,
        CodecError::PasswordWithoutUserName,
        ReasonCode::MalformedPacket,
    );
    // MQTT 5 allows a password without a user name (3.1.2.9); here the
    // password field itself is missing, so the packet is cut short.
    rejects(
        &connect_with_flags(5, 0x40),
        V5,
        CodecError::Truncated { field: "Password" },
        ReasonCode::MalformedPacket,
    );
}

#[test]
fn connect_encoder_refuses_what_the_decoder_rejects() {
    let mut connect = Connect::new(V311, "c");
    connect.password = Some(Bytes::from_static(b"p"));
    assert_eq!(
        Packet::Connect(connect).to_bytes(V311),
        Err(CodecError::PasswordWithoutUserName)
    );
    let mut connect = Connect::new(V5, "c");
    connect.will = Some(Will {
        topic: string("a/#"),
        payload: Bytes::new(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Properties::new(),
    });
    assert_eq!(
        Packet::Connect(connect).to_bytes(V5),
        Err(CodecError::Topic {
            field: "Will Topic",
            error: TopicError::WildcardInTopicName
        })
    );
    // Properties that only a will may carry are refused in CONNECT itself.
    let mut connect = Connect::new(V5, "c");
    connect.properties.push(Property::WillDelayInterval(1));
    assert_eq!(
        Packet::Connect(connect).to_bytes(V5),
        Err(CodecError::PropertyNotAllowed {
            context: PropertyContext::Packet(PacketType::Connect),
            property: PropertyId::WillDelayInterval
        })
    );
}

// ---- CONNACK -------------------------------------------------------------

#[test]
fn connack_both_versions() {
    let Packet::ConnAck(ack) = round_trip(&[0x20, 0x03, 0x01, 0x00, 0x00], V5) else {
        panic!()
    };
    assert!(ack.session_present);
    assert_eq!(ack.reason_code, ReasonCode::Success);

    // 3.1.1 return code 5 is "not authorized", 0x87 in MQTT 5 terms.
    let Packet::ConnAck(ack) = round_trip(&[0x20, 0x02, 0x00, 0x05], V311) else {
        panic!()
    };
    assert_eq!(ack.reason_code, ReasonCode::NotAuthorized);

    let bytes = [
        0x20, 0x0D, 0x00, 0x00, 0x0A, // flags, success, properties 10
        0x21, 0x00, 0x14, // Receive Maximum 20
        0x24, 0x01, // Maximum QoS 1
        0x12, 0x00, 0x02, b'i', b'd', // Assigned Client Identifier
    ];
    let Packet::ConnAck(ack) = round_trip(&bytes, V5) else {
        panic!()
    };
    assert_eq!(ack.properties.receive_maximum(), Some(20));
    assert_eq!(ack.properties.maximum_qos(), Some(1));
    assert_eq!(ack.properties.assigned_client_identifier(), Some("id"));
}

#[test]
fn connack_rules() {
    // [MQTT-3.2.2-1] Bits 7-1 of the acknowledge flags are reserved.
    rejects(
        &[0x20, 0x03, 0x02, 0x00, 0x00],
        V5,
        CodecError::ConnAckReservedFlags,
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.2.2-6] No session present with a refusal.
    rejects(
        &[0x20, 0x03, 0x01, 0x87, 0x00],
        V5,
        CodecError::SessionPresentOnRefusal,
        ReasonCode::MalformedPacket,
    );
    // A reason code CONNACK may not carry (0x10 is for PUBACK/PUBREC).
    rejects(
        &[0x20, 0x03, 0x00, 0x10, 0x00],
        V5,
        CodecError::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code: 0x10,
        },
        ReasonCode::MalformedPacket,
    );
    // 3.1.1 return codes stop at 5.
    rejects(
        &[0x20, 0x02, 0x00, 0x06],
        V311,
        CodecError::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code: 6,
        },
        ReasonCode::MalformedPacket,
    );
    // Receive Maximum 0 is a Protocol Error (3.2.2.3.3).
    rejects(
        &[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::ReceiveMaximum,
            value: 0,
            allowed: "1 to 65 535",
        },
        ReasonCode::ProtocolError,
    );
    // Maximum Packet Size 0 is a Protocol Error (3.2.2.3.6).
    rejects(
        &[0x20, 0x08, 0x00, 0x00, 0x05, 0x27, 0, 0, 0, 0],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::MaximumPacketSize,
            value: 0,
            allowed: "1 to 4 294 967 295",
        },
        ReasonCode::ProtocolError,
    );
    // Retain Available other than 0 or 1 is a Protocol Error (3.2.2.3.5).
    rejects(
        &[0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::RetainAvailable,
            value: 2,
            allowed: "0 or 1",
        },
        ReasonCode::ProtocolError,
    );
}

// ---- PUBLISH -------------------------------------------------------------

#[test]
fn publish_v5_qos1_with_topic_alias() {
    let bytes = [
        0x32, 0x0D, 0x00, 0x03, b'a', b'/', b'b', // topic
        0x00, 0x0A, // packet identifier 10
        0x03, 0x23, 0x00, 0x05, // Topic Alias 5
        b'h', b'i',
    ];
    let Packet::Publish(publish) = round_trip(&bytes, V5) else {
        panic!()
    };
    assert_eq!(publish.qos, QoS::AtLeastOnce);
    assert_eq!(publish.packet_id, 10);
    assert_eq!(&*publish.topic, "a/b");
    assert_eq!(publish.properties.topic_alias(), Some(5));
    assert_eq!(&publish.payload[..], b"hi");
}

#[test]
fn publish_v311_qos0_retained() {
    let Packet::Publish(publish) = round_trip(&[0x31, 0x05, 0x00, 0x01, b't', b'x', b'y'], V311)
    else {
        panic!()
    };
    assert!(publish.retain);
    assert_eq!(publish.qos, QoS::AtMostOnce);
    assert_eq!(publish.packet_id, 0);
    assert_eq!(&publish.payload[..], b"xy");
}

#[test]
fn publish_payload_is_a_slice_of_the_received_bytes() {
    let frame = Bytes::from_static(&[0x30, 0x06, 0x00, 0x01, b't', 1, 2, 3]);
    let Ok(Packet::Publish(publish)) = Packet::decode(&frame, V311) else {
        panic!()
    };
    // Zero-copy: the payload points into the frame.
    assert_eq!(publish.payload.as_ptr(), frame[5..].as_ptr());
}

#[test]
fn publish_empty_topic_needs_an_alias() {
    // MQTT 5: an empty topic with a Topic Alias is fine (3.3.2.3.4).
    round_trip(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'x'], V5);
    // Without one it is a Protocol Error.
    rejects(
        &[0x30, 0x03, 0x00, 0x00, 0x00],
        V5,
        CodecError::EmptyTopicWithoutAlias,
        ReasonCode::ProtocolError,
    );
    // [MQTT-4.7.3-1] In 3.1.1 a topic name is never empty.
    rejects(
        &[0x30, 0x02, 0x00, 0x00],
        V311,
        CodecError::Topic {
            field: "Topic Name",
            error: TopicError::Empty,
        },
        ReasonCode::TopicNameInvalid,
    );
}

#[test]
fn publish_rules() {
    // [MQTT-3.3.1-4] QoS 3 is malformed.
    rejects(
        &[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01],
        V5,
        CodecError::InvalidQos {
            field: "PUBLISH QoS",
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.3.1-2] DUP must be 0 for QoS 0.
    rejects(
        &[0x38, 0x04, 0x00, 0x01, b't', 0x00],
        V5,
        CodecError::DupWithQos0,
        ReasonCode::MalformedPacket,
    );
    // [MQTT-2.2.1-3] A QoS 1 PUBLISH needs a non-zero packet identifier.
    rejects(
        &[0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x00, 0x00],
        V5,
        CodecError::PacketIdentifierZero {
            packet: PacketType::Publish,
        },
        ReasonCode::ProtocolError,
    );
    // [MQTT-3.3.2-2] No wildcards in a topic name.
    rejects(
        &[0x30, 0x06, 0x00, 0x03, b'a', b'/', b'+', 0x00],
        V5,
        CodecError::Topic {
            field: "Topic Name",
            error: TopicError::WildcardInTopicName,
        },
        ReasonCode::TopicNameInvalid,
    );
    // [MQTT-3.3.2-8] Topic Alias 0 is not permitted.
    rejects(
        &[0x30, 0x07, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::TopicAlias,
            value: 0,
            allowed: "1 to 65 535",
        },
        ReasonCode::TopicAliasInvalid,
    );
    // 3.3.2.3.2: Payload Format Indicator is 0 or 1.
    rejects(
        &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x01, 0x02],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::PayloadFormatIndicator,
            value: 2,
            allowed: "0 or 1",
        },
        ReasonCode::ProtocolError,
    );
}

#[test]
fn publish_encoder_rules() {
    let mut publish = Publish::new("a/b", Bytes::from_static(b"x"));
    publish.packet_id = 3;
    assert_eq!(
        Packet::Publish(publish.clone()).to_bytes(V5),
        Err(CodecError::PacketIdentifierWithQos0 { packet_id: 3 })
    );
    publish.qos = QoS::AtLeastOnce;
    publish.packet_id = 0;
    assert_eq!(
        Packet::Publish(publish.clone()).to_bytes(V5),
        Err(CodecError::PacketIdentifierZero {
            packet: PacketType::Publish
        })
    );
    publish.packet_id = 1;
    publish.properties.push(Property::ContentType(string("a")));
    assert_eq!(
        Packet::Publish(publish.clone()).to_bytes(V311),
        Err(CodecError::NotInMqtt311 {
            feature: "properties"
        })
    );
    // A topic longer than a 2-byte length can say.
    let long = "a".repeat(70_000);
    assert_eq!(
        Packet::Publish(Publish::new(long.as_str(), Bytes::new())).to_bytes(V5),
        Err(CodecError::FieldTooLong {
            field: "Topic Name",
            len: 70_000
        })
    );
}

// ---- UTF-8 and data representation (1.5) ---------------------------------

#[test]
fn utf8_rules() {
    // [MQTT-1.5.4-1] Ill-formed UTF-8.
    rejects(
        &[0x30, 0x04, 0x00, 0x02, 0xC3, 0x28],
        V5,
        CodecError::InvalidUtf8 {
            field: "Topic Name",
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-1.5.4-1] An encoded surrogate (U+D800) is not UTF-8.
    rejects(
        &[0x30, 0x06, 0x00, 0x03, 0xED, 0xA0, 0x80, 0x00],
        V5,
        CodecError::InvalidUtf8 {
            field: "Topic Name",
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-1.5.4-2] No U+0000.
    rejects(
        &[0x30, 0x05, 0x00, 0x02, b'a', 0x00, 0x00],
        V5,
        CodecError::NullCharacter {
            field: "Topic Name",
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-1.5.4-3] A byte order mark is kept, not skipped.
    let Packet::Publish(publish) =
        round_trip(&[0x30, 0x06, 0x00, 0x04, 0xEF, 0xBB, 0xBF, b'a'], V311)
    else {
        panic!()
    };
    assert_eq!(&*publish.topic, "\u{FEFF}a");
    // [MQTT-1.5.7-1] Both strings of a pair are checked.
    rejects(
        &[
            0x30, 0x0B, 0x00, 0x01, b't', 0x07, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0xFF,
        ],
        V5,
        CodecError::InvalidUtf8 {
            field: "User Property",
        },
        ReasonCode::MalformedPacket,
    );
}

#[test]
fn lengths_that_reach_past_the_packet_are_malformed() {
    // A string longer than the packet.
    rejects(
        &[0x30, 0x03, 0x00, 0x05, b'a'],
        V5,
        CodecError::Truncated {
            field: "Topic Name",
        },
        ReasonCode::MalformedPacket,
    );
    // A Property Length longer than the packet.
    rejects(
        &[0x30, 0x05, 0x00, 0x01, b't', 0x0A, 0x01],
        V5,
        CodecError::Truncated {
            field: "Properties",
        },
        ReasonCode::MalformedPacket,
    );
    // A property value that reaches past the Property Length.
    rejects(
        &[0x30, 0x08, 0x00, 0x01, b't', 0x02, 0x23, 0x00, 0x01, b'x'],
        V5,
        CodecError::Truncated {
            field: "Topic Alias",
        },
        ReasonCode::MalformedPacket,
    );
    // Bytes left over after the last field.
    rejects(
        &[0xC0, 0x01, 0x00],
        V5,
        CodecError::TrailingBytes {
            packet: PacketType::PingReq,
            count: 1,
        },
        ReasonCode::MalformedPacket,
    );
    // 3.1.1 DISCONNECT has no body.
    rejects(
        &[0xE0, 0x01, 0x00],
        V311,
        CodecError::TrailingBytes {
            packet: PacketType::Disconnect,
            count: 1,
        },
        ReasonCode::MalformedPacket,
    );
}

// ---- Properties (2.2.2) --------------------------------------------------

#[test]
fn property_rules() {
    // 2.2.2.2: an identifier not valid for the packet is a Malformed Packet.
    rejects(
        &[0x30, 0x0A, 0x00, 0x01, b't', 0x05, 0x11, 0, 0, 0, 1, b'x'],
        V5,
        CodecError::PropertyNotAllowed {
            context: PropertyContext::Packet(PacketType::Publish),
            property: PropertyId::SessionExpiryInterval,
        },
        ReasonCode::MalformedPacket,
    );
    // An identifier MQTT 5 does not define.
    rejects(
        &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x7F, 0x00],
        V5,
        CodecError::UnknownProperty { id: 0x7F },
        ReasonCode::MalformedPacket,
    );
    // It is a Protocol Error to include a property more than once (3.3.2.3.5).
    rejects(
        &[
            0x30, 0x0C, 0x00, 0x01, b't', 0x08, 0x03, 0x00, 0x01, b'a', 0x03, 0x00, 0x01, b'b',
        ],
        V5,
        CodecError::DuplicateProperty {
            context: PropertyContext::Packet(PacketType::Publish),
            property: PropertyId::ContentType,
        },
        ReasonCode::ProtocolError,
    );
    // Several Subscription Identifiers in PUBLISH are allowed (3.3.2.3.8) ...
    let Packet::Publish(publish) = round_trip(
        &[0x30, 0x08, 0x00, 0x01, b't', 0x04, 0x0B, 0x01, 0x0B, 0x02],
        V5,
    ) else {
        panic!()
    };
    assert_eq!(
        publish
            .properties
            .subscription_identifiers()
            .collect::<Vec<_>>(),
        [1, 2]
    );
    // ... and several User Properties, in order, duplicates kept (3.3.2.3.7).
    let mut publish = Publish::new("t", Bytes::new());
    for (k, v) in [("a", "1"), ("b", "2"), ("a", "1")] {
        publish
            .properties
            .push(Property::UserProperty(string(k), string(v)));
    }
    let bytes = Packet::Publish(publish.clone()).to_bytes(V5).unwrap();
    let Ok(Packet::Publish(decoded)) = decode(&bytes, V5) else {
        panic!()
    };
    assert_eq!(
        decoded.properties.user_properties().collect::<Vec<_>>(),
        [("a", "1"), ("b", "2"), ("a", "1")]
    );
    // Authentication Data without Authentication Method is a Protocol Error (3.1.2.11.10).
    let mut connect = Connect::new(V5, "c");
    connect
        .properties
        .push(Property::AuthenticationData(Bytes::from_static(b"x")));
    let error = Packet::Connect(connect).to_bytes(V5).unwrap_err();
    assert_eq!(
        error,
        CodecError::AuthenticationDataWithoutMethod {
            context: PropertyContext::Packet(PacketType::Connect)
        }
    );
    assert_eq!(error.reason_code(), ReasonCode::ProtocolError);
    // Request Problem Information other than 0 or 1 is a Protocol Error (3.1.2.11.7).
    let mut bytes = connect_with_flags(5, 0x02);
    bytes[1] += 2;
    bytes[12] = 2;
    bytes.splice(13..13, [0x17, 0x02]);
    rejects(
        &bytes,
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::RequestProblemInformation,
            value: 2,
            allowed: "0 or 1",
        },
        ReasonCode::ProtocolError,
    );
}

// ---- Acknowledgments -----------------------------------------------------

#[test]
fn pub_responses() {
    // 3.4.2.1: Reason Code and Property Length may be left out for Success.
    let Packet::PubAck(ack) = round_trip(&[0x40, 0x02, 0x00, 0x01], V5) else {
        panic!()
    };
    assert_eq!((ack.packet_id, ack.reason_code), (1, ReasonCode::Success));
    let Packet::PubAck(ack) = round_trip(&[0x40, 0x03, 0x00, 0x01, 0x10], V5) else {
        panic!()
    };
    assert_eq!(ack.reason_code, ReasonCode::NoMatchingSubscribers);
    let Packet::PubRec(rec) = round_trip(
        &[
            0x50, 0x09, 0x00, 0x02, 0x80, 0x05, 0x1F, 0x00, 0x02, b'n', b'o',
        ],
        V5,
    ) else {
        panic!()
    };
    assert_eq!(rec.properties.reason_string(), Some("no"));
    // [MQTT-2.1.3-1] PUBREL has flags 0010.
    round_trip(&[0x62, 0x02, 0x00, 0x07], V311);
    round_trip(&[0x70, 0x03, 0x00, 0x07, 0x92], V5);
    // A Reason Code followed by no Property Length means no properties.
    assert_eq!(
        decode(&[0x40, 0x04, 0x00, 0x01, 0x00, 0x00], V5),
        decode(&[0x40, 0x02, 0x00, 0x01], V5)
    );
}

#[test]
fn pub_response_rules() {
    // [MQTT-2.1.3-1] Reserved flags.
    rejects(
        &[0x60, 0x02, 0x00, 0x07],
        V5,
        CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::PubRel,
            flags: 0,
            required: 2,
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-2.2.1-5] acknowledgments carry the non-zero identifier of their PUBLISH.
    rejects(
        &[0x40, 0x02, 0x00, 0x00],
        V311,
        CodecError::PacketIdentifierZero {
            packet: PacketType::PubAck,
        },
        ReasonCode::ProtocolError,
    );
    // PUBCOMP may only carry 0x00 or 0x92 (3.7.2.1).
    rejects(
        &[0x70, 0x03, 0x00, 0x07, 0x10],
        V5,
        CodecError::InvalidReasonCode {
            packet: PacketType::PubComp,
            code: 0x10,
        },
        ReasonCode::MalformedPacket,
    );
    // 3.1.1 acknowledgments have no reason code.
    let ack = PubResponse {
        packet_id: 1,
        reason_code: ReasonCode::NoMatchingSubscribers,
        properties: Properties::new(),
    };
    assert!(matches!(
        Packet::PubAck(ack).to_bytes(V311),
        Err(CodecError::NotInMqtt311 { .. })
    ));
}

// ---- SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK -------------------------

#[test]
fn subscribe_v5_with_every_option() {
    let bytes = [
        0x82, 0x0B, 0x00, 0x0A, // packet identifier 10
        0x02, 0x0B, 0x07, // Subscription Identifier 7
        0x00, 0x03, b'a', b'/', b'#', // filter
        0x2D, // retain handling 2, retain as published, no local, QoS 1
    ];
    let Packet::Subscribe(subscribe) = round_trip(&bytes, V5) else {
        panic!()
    };
    assert_eq!(
        subscribe.properties.subscription_identifiers().next(),
        Some(7)
    );
    let options = subscribe.filters[0].options;
    assert_eq!(options.maximum_qos, QoS::AtLeastOnce);
    assert!(options.no_local && options.retain_as_published);
    assert_eq!(options.retain_handling, RetainHandling::DoNotSend);
    round_trip(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'x', 0x02], V311);
}

#[test]
fn subscribe_rules() {
    // [MQTT-2.1.3-1] / [MQTT-3.8.1-1] SUBSCRIBE has flags 0010.
    rejects(
        &[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'x', 0x00],
        V311,
        CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::Subscribe,
            flags: 0,
            required: 2,
        },
        ReasonCode::MalformedPacket,
    );
    // [MQTT-3.8.3-2] At least one filter.
    rejects(
        &[0x82, 0x03, 0x00, 0x01, 0x00],
        V5,
        CodecError::NoTopicFilters {
            packet: PacketType::Subscribe,
        },
        ReasonCode::ProtocolError,
    );
    rejects(
        &[0x82, 0x02, 0x00, 0x01],
        V311,
        CodecError::NoTopicFilters {
            packet: PacketType::Subscribe,
        },
        ReasonCode::ProtocolError,
    );
    // [MQTT-3.8.3-5] Reserved option bits.
    rejects(
        &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'x', 0x40],
        V5,
        CodecError::SubscriptionOptionsReserved,
        ReasonCode::MalformedPacket,
    );
    // 3.1.1 reserves bits 7-2 ([MQTT-3.8.3-4] of 3.1.1).
    rejects(
        &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'x', 0x04],
        V311,
        CodecError::SubscriptionOptionsReserved,
        ReasonCode::MalformedPacket,
    );
    // 3.8.3.1: Retain Handling 3 is a Protocol Error.
    rejects(
        &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'x', 0x30],
        V5,
        CodecError::InvalidRetainHandling,
        ReasonCode::ProtocolError,
    );
    // 3.8.3.1: Maximum QoS 3 in the options is a Protocol Error.
    rejects(
        &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'x', 0x03],
        V5,
        CodecError::InvalidSubscriptionQos,
        ReasonCode::ProtocolError,
    );
    // [MQTT-3.8.3-4] No Local on a shared subscription.
    let mut bytes = vec![0x82, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0A];
    bytes.extend(b"$share/g/x");
    bytes.push(0x04);
    rejects(
        &bytes,
        V5,
        CodecError::NoLocalOnSharedSubscription,
        ReasonCode::ProtocolError,
    );
    // [MQTT-4.7.1-1] '#' only last: "a/#/b" is refused with Topic Filter invalid.
    rejects(
        &[
            0x82, 0x0B, 0x00, 0x01, 0x00, 0x00, 0x05, b'a', b'/', b'#', b'/', b'b', 0x00,
        ],
        V5,
        CodecError::Topic {
            field: "Topic Filter",
            error: TopicError::MultiLevelWildcardNotLast,
        },
        ReasonCode::TopicFilterInvalid,
    );
    // Only one Subscription Identifier in SUBSCRIBE (3.8.2.1.2).
    rejects(
        &[
            0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, b'x', 0x00,
        ],
        V5,
        CodecError::DuplicateProperty {
            context: PropertyContext::Packet(PacketType::Subscribe),
            property: PropertyId::SubscriptionIdentifier,
        },
        ReasonCode::ProtocolError,
    );
    // Subscription Identifier 0 is a Protocol Error (3.8.2.1.2).
    rejects(
        &[
            0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, b'x', 0x00,
        ],
        V5,
        CodecError::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            value: 0,
            allowed: "1 to 268 435 455",
        },
        ReasonCode::ProtocolError,
    );
    // The encoder refuses options 3.1.1 cannot carry.
    let mut filter = SubscribeFilter::new("x", QoS::AtMostOnce);
    filter.options.no_local = true;
    assert!(matches!(
        Packet::Subscribe(Subscribe::new(1, vec![filter])).to_bytes(V311),
        Err(CodecError::NotInMqtt311 { .. })
    ));
    assert_eq!(
        Packet::Subscribe(Subscribe::new(1, vec![])).to_bytes(V5),
        Err(CodecError::NoTopicFilters {
            packet: PacketType::Subscribe
        })
    );
}

#[test]
fn suback_and_unsubscribe() {
    let Packet::SubAck(ack) =
        round_trip(&[0x90, 0x07, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x02, 0x8F], V5)
    else {
        panic!()
    };
    assert_eq!(
        ack.reason_codes,
        [
            ReasonCode::Success,
            ReasonCode::GrantedQos1,
            ReasonCode::GrantedQos2,
            ReasonCode::TopicFilterInvalid
        ]
    );
    let Packet::SubAck(ack) = round_trip(&[0x90, 0x04, 0x00, 0x0A, 0x01, 0x80], V311) else {
        panic!()
    };
    assert_eq!(
        ack.reason_codes,
        [ReasonCode::GrantedQos1, ReasonCode::UnspecifiedError]
    );
    // 3.1.1 SUBACK return codes are 0, 1, 2 and 0x80 only ([MQTT-3.9.3-2] of 3.1.1).
    rejects(
        &[0x90, 0x03, 0x00, 0x0A, 0x87],
        V311,
        CodecError::InvalidReasonCode {
            packet: PacketType::SubAck,
            code: 0x87,
        },
        ReasonCode::MalformedPacket,
    );
    let Packet::Unsubscribe(unsubscribe) =
        round_trip(&[0xA2, 0x05, 0x00, 0x05, 0x00, 0x01, b'x'], V311)
    else {
        panic!()
    };
    assert_eq!(unsubscribe.filters, [string("x")]);
    // [MQTT-3.10.3-2] At least one filter.
    rejects(
        &[0xA2, 0x03, 0x00, 0x05, 0x00],
        V5,
        CodecError::NoTopicFilters {
            packet: PacketType::Unsubscribe,
        },
        ReasonCode::ProtocolError,
    );
    // [MQTT-3.10.1-1] UNSUBSCRIBE has flags 0010.
    rejects(
        &[0xA0, 0x05, 0x00, 0x05, 0x00, 0x01, b'x'],
        V311,
        CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::Unsubscribe,
            flags: 0,
            required: 2,
        },
        ReasonCode::MalformedPacket,
    );
    let Packet::UnsubAck(ack) = round_trip(&[0xB0, 0x04, 0x00, 0x05, 0x00, 0x11], V5) else {
        panic!()
    };
    assert_eq!(ack.reason_codes, [ReasonCode::NoSubscriptionExisted]);
    round_trip(&[0xB0, 0x02, 0x00, 0x05], V311);
}

// ---- PINGREQ, PINGRESP, DISCONNECT, AUTH ---------------------------------

#[test]
fn ping_disconnect_auth() {
    assert_eq!(round_trip(&[0xC0, 0x00], V311), Packet::PingReq);
    assert_eq!(round_trip(&[0xD0, 0x00], V5), Packet::PingResp);
    // [MQTT-2.1.3-1] Reserved flags of PINGREQ.
    rejects(
        &[0xC1, 0x00],
        V5,
        CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::PingReq,
            flags: 1,
            required: 0,
        },
        ReasonCode::MalformedPacket,
    );
    // 3.14.2.1: a DISCONNECT with no body is a Normal disconnection.
    assert_eq!(
        round_trip(&[0xE0, 0x00], V5),
        Packet::Disconnect(Disconnect::new(ReasonCode::Success))
    );
    assert_eq!(
        round_trip(&[0xE0, 0x01, 0x8E], V5),
        Packet::Disconnect(Disconnect::new(ReasonCode::SessionTakenOver))
    );
    let Packet::Disconnect(disconnect) = round_trip(
        &[0xE0, 0x08, 0x9C, 0x06, 0x1C, 0x00, 0x03, b'h', b'/', b'2'],
        V5,
    ) else {
        panic!()
    };
    assert_eq!(disconnect.properties.server_reference(), Some("h/2"));
    assert_eq!(
        round_trip(&[0xE0, 0x00], V311),
        Packet::Disconnect(Disconnect::new(ReasonCode::Success))
    );
    // [MQTT-3.14.1-1] Reserved flags of DISCONNECT.
    rejects(
        &[0xE2, 0x00],
        V5,
        CodecError::InvalidFixedHeaderFlags {
            packet: PacketType::Disconnect,
            flags: 2,
            required: 0,
        },
        ReasonCode::MalformedPacket,
    );
    // 0x10 is not a DISCONNECT reason code.
    rejects(
        &[0xE0, 0x01, 0x10],
        V5,
        CodecError::InvalidReasonCode {
            packet: PacketType::Disconnect,
            code: 0x10,
        },
        ReasonCode::MalformedPacket,
    );

    let Packet::Auth(auth) = round_trip(&[0xF0, 0x06, 0x18, 0x04, 0x15, 0x00, 0x01, b'X'], V5)
    else {
        panic!()
    };
    assert_eq!(auth.reason_code, ReasonCode::ContinueAuthentication);
    assert_eq!(auth.properties.authentication_method(), Some("X"));
    assert_eq!(
        round_trip(&[0xF0, 0x00], V5),
        Packet::Auth(Auth {
            reason_code: ReasonCode::Success,
            properties: Properties::new()
        })
    );
    // [MQTT-3.15.2-1] AUTH carries only 0x00, 0x18 or 0x19.
    rejects(
        &[0xF0, 0x01, 0x87],
        V5,
        CodecError::InvalidReasonCode {
            packet: PacketType::Auth,
            code: 0x87,
        },
        ReasonCode::MalformedPacket,
    );
    // AUTH does not exist in 3.1.1: packet type 15 is reserved there.
    rejects(
        &[0xF0, 0x00],
        V311,
        CodecError::ReservedPacketType { value: 15 },
        ReasonCode::MalformedPacket,
    );
    assert!(matches!(
        Packet::Auth(Auth {
            reason_code: ReasonCode::Success,
            properties: Properties::new()
        })
        .to_bytes(V311),
        Err(CodecError::NotInMqtt311 { .. })
    ));
    // Packet type 0 is reserved in both versions (2.1.2).
    rejects(
        &[0x00, 0x00],
        V5,
        CodecError::ReservedPacketType { value: 0 },
        ReasonCode::MalformedPacket,
    );
}

// ---- Remaining Length, Maximum Packet Size, incremental decoding ----------

#[test]
fn remaining_length_rules() {
    let mut decoder = Decoder::new(V5, None);
    // [MQTT-1.5.5-1] Minimum number of bytes.
    decoder.feed(&[0x30, 0x80, 0x00]);
    assert_eq!(
        decoder.next_packet(),
        Err(CodecError::VariableByteIntegerNotMinimal)
    );
    // At most four bytes (1.5.5).
    let mut decoder = Decoder::new(V5, None);
    decoder.feed(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
    let error = decoder.next_packet().unwrap_err();
    assert_eq!(error, CodecError::VariableByteIntegerTooLong);
    assert_eq!(error.reason_code(), ReasonCode::MalformedPacket);
}

#[test]
fn a_huge_remaining_length_allocates_nothing() {
    // Remaining Length 268 435 455 with 10 bytes present: wait for more bytes,
    // without reserving 256 MiB.
    let mut decoder = Decoder::new(V5, None);
    decoder.feed(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, b't', 1, 2]);
    assert_eq!(decoder.next_packet(), Ok(None));
    assert!(decoder.buffer_mut().capacity() < 4096);
    // With a Maximum Packet Size it is refused as soon as the header is seen.
    let mut decoder = Decoder::new(V5, Some(1024));
    decoder.feed(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]);
    let error = decoder.next_packet().unwrap_err();
    assert_eq!(
        error,
        CodecError::PacketTooLarge {
            size: 268_435_460,
            limit: 1024
        }
    );
    assert_eq!(error.reason_code(), ReasonCode::PacketTooLarge);
}

#[test]
fn the_encoder_checks_the_maximum_packet_size_before_writing() {
    let packet = Packet::Publish(Publish::new("t", Bytes::from(vec![7u8; 100])));
    let size = packet.encoded_len(V5).unwrap();
    assert_eq!(size, 2 + 3 + 1 + 100);
    let mut out = BytesMut::from(&b"before"[..]);
    let error = packet
        .encode(V5, Some(size as u32 - 1), &mut out)
        .unwrap_err();
    assert_eq!(
        error,
        CodecError::PacketTooLarge {
            size: size as u64,
            limit: size as u32 - 1
        }
    );
    assert_eq!(
        error.to_string(),
        "the packet is 106 bytes, more than the maximum packet size of 105 bytes"
    );
    assert_eq!(&out[..], b"before", "nothing written");
    assert_eq!(packet.encode(V5, Some(size as u32), &mut out), Ok(size));
}

#[test]
fn incomplete_input_is_not_an_error() {
    let bytes = [
        0x32, 0x0D, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, 0x03, 0x23, 0x00, 0x05, b'h', b'i',
    ];
    let mut decoder = Decoder::new(V5, None);
    for &byte in &bytes[..bytes.len() - 1] {
        decoder.feed(&[byte]);
        assert_eq!(decoder.next_packet(), Ok(None));
    }
    decoder.feed(&bytes[bytes.len() - 1..]);
    assert!(matches!(
        decoder.next_packet(),
        Ok(Some(Packet::Publish(_)))
    ));
    assert_eq!(decoder.buffered_len(), 0);
}

#[test]
fn a_server_side_decoder_learns_the_version_from_connect() {
    let mut decoder = Decoder::new(V5, None);
    decoder.feed(&connect_with_flags(4, 0x02));
    assert!(matches!(
        decoder.next_packet(),
        Ok(Some(Packet::Connect(_)))
    ));
    assert_eq!(decoder.version(), V311);
}

#[test]
fn every_error_message_names_what_is_wrong() {
    let error = CodecError::InvalidFixedHeaderFlags {
        packet: PacketType::Subscribe,
        flags: 0,
        required: 2,
    };
    assert_eq!(
        error.to_string(),
        "the SUBSCRIBE packet has flag bits 0b0000; the protocol requires 0b0010 [MQTT-2.1.3-1]"
    );
    let error = CodecError::DuplicateProperty {
        context: PropertyContext::Packet(PacketType::Publish),
        property: PropertyId::ContentType,
    };
    assert_eq!(
        error.to_string(),
        "the PUBLISH packet carries the property Content Type (0x03) more than once"
    );
}

// ---- The direct paths of the untraced decoder ------------------------------

/// A trace that records nothing but is `ENABLED`, so that the decoder takes
/// its general path: what the inspector runs.
struct General;

impl Trace for General {
    const ENABLED: bool = true;
    fn field(&mut self, _: std::ops::Range<usize>, _: u8, _: String, _: String) {}
    fn error(&mut self, _: usize, _: &CodecError) {}
}

/// A whole packet: `first` byte, Remaining Length, `body`.
fn frame(first: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![first];
    crate::proto::codec::varint::put(&mut bytes, body.len() as u32);
    bytes.extend_from_slice(body);
    bytes
}

#[test]
fn the_direct_paths_agree_with_the_general_decoder() {
    // PUBLISH (every flag combination), SUBACK and UNSUBACK in many shapes,
    // then every one of them with each byte replaced by a value that matters
    // somewhere and cut at every length: the untraced decoder (with its
    // direct paths for these packets) must give exactly the packet or the
    // error of the general one.
    let mut frames = Vec::new();
    let topics: [&[u8]; 9] = [
        b"sensors/building-7/floor-3/room-12/temperature",
        b"a",
        b"abcdefgh",
        b"",
        b"a/+/b",
        b"a#",
        b"a\0b",
        "t\u{e9}t\u{e9}/\u{1F600}".as_bytes(),
        b"\xC3\x28",
    ];
    let properties: [&[u8]; 6] = [
        &[0],
        &[3, 0x23, 0, 7],
        &[5, 0x08, 0, 2, b'r', b'/'],
        &[4, 0x08, 0, 1, b'#'],
        &[2, 0x23, 0],
        &[0x80, 0],
    ];
    for flags in 0..16u8 {
        for topic in topics {
            for props in properties {
                let mut body = (topic.len() as u16).to_be_bytes().to_vec();
                body.extend_from_slice(topic);
                if (flags >> 1) & 3 != 0 {
                    body.extend_from_slice(&[0x10, 0x92]);
                }
                body.extend_from_slice(props);
                body.extend_from_slice(b"payload");
                frames.push(frame(0x30 | flags, &body));
            }
        }
    }
    for codes in [
        &[0u8, 1, 2, 2, 1, 0][..],
        &[0, 1, 0x80, 2, 0x97],
        &[0x11, 0, 0x87, 0x8F, 0x91],
        &[],
    ] {
        for props in [&[0u8][..], &[3, 0x1F, 0, 0]] {
            let mut body = vec![0x12, 0x34];
            body.extend_from_slice(props);
            body.extend_from_slice(codes);
            frames.push(frame(0x90, &body));
            frames.push(frame(0xB0, &body));
        }
    }
    let base = frames.clone();
    for bytes in &base {
        for at in 0..bytes.len() {
            for value in [0, 1, 2, 3, 0x23, 0x2B, 0x7F, 0x80, 0xC3, 0xFF] {
                let mut changed = bytes.clone();
                changed[at] = value;
                frames.push(changed);
            }
            frames.push(bytes[..at].to_vec());
        }
    }
    for bytes in &frames {
        for version in [V5, V311] {
            let bytes = Bytes::copy_from_slice(bytes);
            assert_eq!(
                Packet::decode(&bytes, version),
                decode_traced(&bytes, version, &mut General),
                "{bytes:02X?} in {version:?}"
            );
        }
    }
}
