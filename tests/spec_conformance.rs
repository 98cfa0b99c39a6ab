//! MQTT 5.0 conformance of the codec, one test per normative statement.
//!
//! The statements of chapters 1, 2, 3 and section 4.7 that a codec can check
//! on the wire (what a sender must write, what a receiver must refuse) are
//! tested through the public API: [`Packet::decode`], [`Packet::to_bytes`],
//! [`Packet::encode`] and [`CodecError::reason_code`]. This file holds the
//! statements no other test cited; the others are tested in
//! `src/proto/packet/tests.rs` (1.5.4-1/2/3, 1.5.5-1, 1.5.7-1, 2.1.3-1,
//! 2.2.1-3, 2.2.1-5, 3.1.2-1/2/3/11/12/13, 3.2.2-1/6, 3.3.1-2/4, 3.3.2-2/8,
//! 3.8.1-1, 3.8.3-2/4/5, 3.10.1-1, 3.10.3-2, 3.14.1-1, 3.15.2-1),
//! `tests/differential.rs` (3.6.1-1), `tests/codec_roundtrip.rs` (3.3.2-14)
//! and `src/proto/topic.rs` (4.7.0-1, 4.7.1-1/2, 4.7.2-1, 4.7.3-1/2/3/4).
//!
//! # Statements a codec cannot check
//!
//! Server behaviour (a client never has to do it) or session semantics:
//!
//! * [MQTT-3.1.0-1] first packet is CONNECT: session (`session/tests.rs`).
//! * [MQTT-3.1.0-2] second CONNECT is a Protocol Error: server only.
//! * [MQTT-3.1.2-4] Clean Start discards the session: session, through
//!   Session Present 0 ([MQTT-3.2.2-5], `drop_session_state`).
//! * [MQTT-3.1.2-5], [MQTT-3.1.2-6] resume or create a session: server only.
//! * [MQTT-3.1.2-7], [MQTT-3.1.2-8], [MQTT-3.1.2-10] storing and publishing
//!   the Will: server only.
//! * [MQTT-3.1.2-14], [MQTT-3.1.2-15] Will published (non-)retained: server only.
//! * [MQTT-3.1.2-20] PINGREQ when idle: session (`session/tests.rs`).
//! * [MQTT-3.1.2-21] use the Server Keep Alive: session (`session/tests.rs`).
//! * [MQTT-3.1.2-22] server closes after 1.5 × Keep Alive: server only.
//! * [MQTT-3.1.2-23] keep session state while Session Expiry > 0: session
//!   (in-flight state survives `connection_lost`, in memory only).
//! * [MQTT-3.1.2-24], [MQTT-3.1.2-25] server respects the client's Maximum
//!   Packet Size: server only (the client's `Decoder` refuses larger packets).
//! * [MQTT-3.1.2-26], [MQTT-3.1.2-27] server respects the client's Topic Alias
//!   Maximum: server only (checked by the session, `resolve_topic_alias`).
//! * [MQTT-3.1.2-28], [MQTT-3.1.2-29] Response / Problem Information: server only.
//! * [MQTT-3.1.2-30] nothing but AUTH/DISCONNECT before CONNACK with an
//!   Authentication Method: session (PUBLISH queued, SUBSCRIBE/UNSUBSCRIBE
//!   refused until CONNACK; AUTH is not supported).
//! * [MQTT-3.1.3-2] ClientID identifies the session state: session.
//! * [MQTT-3.1.3-5] .. [MQTT-3.1.3-10] ClientID acceptance, assignment, Will
//!   delay and Will User Property order: server only.
//! * [MQTT-3.1.4-1] .. [MQTT-3.1.4-6] CONNECT actions: server only.
//! * [MQTT-3.2.0-1] CONNACK before anything but AUTH: server; the session
//!   refuses anything else first (`session/tests.rs`).
//! * [MQTT-3.2.0-2] at most one CONNACK: server; the session treats a second
//!   one as a Protocol Error (`handle_packet`).
//! * [MQTT-3.2.2-2], [MQTT-3.2.2-3] Session Present values: server only.
//! * [MQTT-3.2.2-4] close on Session Present 1 without session state:
//!   session — not checked: after Clean Start 1 a CONNACK with Session
//!   Present 1 is accepted (`handle_connack`).
//! * [MQTT-3.2.2-5] discard state on Session Present 0: session (`session/tests.rs`).
//! * [MQTT-3.2.2-7], [MQTT-3.2.2-9] .. [MQTT-3.2.2-10], [MQTT-3.2.2-12],
//!   [MQTT-3.2.2-13], [MQTT-3.2.2-16], [MQTT-3.2.2-22]: server only.
//! * [MQTT-3.2.2-11], [MQTT-3.2.2-14], [MQTT-3.2.2-15], [MQTT-3.2.2-17]: session
//!   (`session/tests.rs`); [MQTT-3.2.2-18] (no alias when the maximum is 0):
//!   session, `check_publish`.
//! * [MQTT-3.2.2-19], [MQTT-3.2.2-20] CONNACK Reason String / User Property
//!   within the client's limit: server only.
//! * [MQTT-3.2.2-21] use the Server Keep Alive: session (as [MQTT-3.1.2-21]).
//! * [MQTT-3.3.1-1] DUP on re-delivery: session (`resend_in_flight`).
//! * [MQTT-3.3.1-3], [MQTT-3.3.1-5] .. [MQTT-3.3.1-13] DUP propagation,
//!   retained messages, Retain As Published: server only.
//! * [MQTT-3.3.2-3] .. [MQTT-3.3.2-6] topic matches the subscription,
//!   forwarding Payload Format Indicator, message expiry: server only.
//! * [MQTT-3.3.2-7] no topic alias carried to a new connection: session
//!   (incoming aliases cleared on `connect`, outgoing ones stripped on resend).
//! * [MQTT-3.3.2-9] no alias above the server's maximum: session (as
//!   [MQTT-3.2.2-17]); [MQTT-3.3.2-10] accept aliases 1..=maximum: session.
//! * [MQTT-3.3.2-11], [MQTT-3.3.2-12] server's alias limits: server only
//!   (the session refuses a violation, `session/tests.rs`).
//! * [MQTT-3.3.2-15] .. [MQTT-3.3.2-18], [MQTT-3.3.2-20] forwarding properties
//!   unaltered and in order: server only.
//! * [MQTT-3.3.4-1] answer PUBLISH by its QoS: session ([MQTT-4.3.2-4],
//!   [MQTT-4.3.3-8] tests).
//! * [MQTT-3.3.4-2] .. [MQTT-3.3.4-5], [MQTT-3.3.4-10]: server only.
//! * [MQTT-3.3.4-6] no Subscription Identifier from a client: session
//!   (`session/tests.rs`; the codec cannot know the direction).
//! * [MQTT-3.3.4-7], [MQTT-3.3.4-8] client Receive Maximum and not delaying
//!   other packets: session (`flush_queue` gates only PUBLISH).
//! * [MQTT-3.3.4-9] server Receive Maximum: server; the session refuses a
//!   violation (`session/tests.rs`).
//! * [MQTT-3.8.3-3] No Local forwarding: server only.
//! * [MQTT-3.8.4-1] .. [MQTT-3.8.4-8] SUBSCRIBE actions: server only (the
//!   session checks one reason code per filter).
//! * [MQTT-3.9.2-1], [MQTT-3.9.2-2], [MQTT-3.11.2-1], [MQTT-3.11.2-2] SUBACK /
//!   UNSUBACK properties within the client's limit: server only.
//! * [MQTT-3.9.3-1], [MQTT-3.11.3-1] reason codes in filter order: session
//!   (results are matched to the filters by position).
//! * [MQTT-3.10.4-1] .. [MQTT-3.10.4-6] UNSUBSCRIBE actions: server only.
//! * [MQTT-3.12.4-1] PINGRESP for PINGREQ: server only.
//! * [MQTT-3.14.0-1] no DISCONNECT before CONNACK: server; the session treats
//!   one as a Protocol Error.
//! * [MQTT-3.14.2-2] no Session Expiry Interval in a server's DISCONNECT:
//!   server only (not checked by the session; the connection ends anyway).
//! * [MQTT-3.14.4-1], [MQTT-3.14.4-2] nothing after DISCONNECT, then close:
//!   session (`disconnect` closes the session) and the network thread.
//! * [MQTT-3.14.4-3] discard the Will on DISCONNECT 0x00: server only.

use bytes::{Bytes, BytesMut};
use mqscope::proto::topic::TopicError;
use mqscope::proto::{
    Auth, CodecError, ConnAck, Connect, Disconnect, Packet, PacketType, Properties, Property,
    ProtocolVersion, PubResponse, Publish, QoS, ReasonCode, SubAck, Subscribe, SubscribeFilter,
    UnsubAck, Unsubscribe, Will,
};

const V5: ProtocolVersion = ProtocolVersion::V5;
const V311: ProtocolVersion = ProtocolVersion::V311;

// ---- Building packets byte by byte -----------------------------------------

/// `value` as a Variable Byte Integer (1.5.5).
fn vbi(mut value: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut byte = (value % 128) as u8;
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if value == 0 {
            return out;
        }
    }
}

/// A whole packet: the first byte, the Remaining Length and the body.
fn frame(first: u8, body: &[u8]) -> Vec<u8> {
    [&[first][..], &vbi(body.len()), body].concat()
}

/// A UTF-8 Encoded String or Binary Data: a 2-byte length, then the bytes.
fn lp(bytes: &[u8]) -> Vec<u8> {
    [&(bytes.len() as u16).to_be_bytes()[..], bytes].concat()
}

/// A property list: the Property Length, then the properties.
fn props(list: &[u8]) -> Vec<u8> {
    [vbi(list.len()), list.to_vec()].concat()
}

/// The variable header of an MQTT 5 CONNECT: "MQTT", level 5, `flags`, Keep
/// Alive 0, no properties.
fn connect_v5(flags: u8) -> Vec<u8> {
    [lp(b"MQTT"), vec![5, flags, 0, 0, 0]].concat()
}

/// The variable header of an MQTT 3.1.1 CONNECT: "MQTT", level 4, `flags`,
/// Keep Alive 0.
fn connect_v311(flags: u8) -> Vec<u8> {
    [lp(b"MQTT"), vec![4, flags, 0, 0]].concat()
}

fn decode(bytes: &[u8], version: ProtocolVersion) -> Result<Packet, CodecError> {
    Packet::decode(&Bytes::copy_from_slice(bytes), version)
}

/// `bytes` decode, and the packet encodes back to exactly `bytes`.
fn round_trip(bytes: &[u8], version: ProtocolVersion) -> Packet {
    let packet = decode(bytes, version).unwrap_or_else(|e| panic!("decoding {bytes:02X?}: {e}"));
    let encoded = packet
        .to_bytes(version)
        .unwrap_or_else(|e| panic!("encoding {packet:?}: {e}"));
    assert_eq!(&encoded[..], bytes, "re-encoding {packet:?}");
    packet
}

/// `bytes` are refused with `expected`, and the connection closes with `reason`.
fn rejects(bytes: &[u8], version: ProtocolVersion, expected: CodecError, reason: ReasonCode) {
    let error = decode(bytes, version).expect_err(&format!("{bytes:02X?} must be refused"));
    assert_eq!(error, expected, "decoding {bytes:02X?}");
    assert_eq!(error.reason_code(), reason, "reason code for {error}");
}

fn encoded(packet: &Packet, version: ProtocolVersion) -> Vec<u8> {
    packet
        .to_bytes(version)
        .unwrap_or_else(|e| panic!("encoding {packet:?}: {e}"))
        .to_vec()
}

// ---- UTF-8 Encoded String fields --------------------------------------------

/// Byte sequences that are not well-formed UTF-8 (and hold no 0 byte).
const ILL_FORMED: &[&[u8]] = &[
    &[0xC3, 0x28],             // a lead byte without its continuation
    &[0xC0, 0x80],             // an overlong encoding of U+0000
    &[0xED, 0xA0, 0x80],       // the surrogate U+D800
    &[0xED, 0xBF, 0xBF],       // the surrogate U+DFFF
    &[0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
    &[0x80],                   // a lone continuation byte
    &[0xE2, 0x82],             // cut short
    &[0xFF],                   // never valid
];

/// A string field the specification requires to be a UTF-8 Encoded String.
#[derive(Clone, Copy, Debug)]
enum Field {
    TopicName,
    ClientIdentifier,
    WillTopic,
    UserName,
    SubscribeTopicFilter,
    UnsubscribeTopicFilter,
    ResponseTopic,
    ContentType,
}

impl Field {
    /// The field as [`CodecError`] names it.
    fn name(self) -> &'static str {
        match self {
            Field::TopicName => "Topic Name",
            Field::ClientIdentifier => "Client Identifier",
            Field::WillTopic => "Will Topic",
            Field::UserName => "User Name",
            Field::SubscribeTopicFilter | Field::UnsubscribeTopicFilter => "Topic Filter",
            Field::ResponseTopic => "Response Topic",
            Field::ContentType => "Content Type",
        }
    }

    /// A packet that carries `raw` as the bytes of this field.
    fn wire(self, raw: &[u8]) -> Vec<u8> {
        match self {
            Field::TopicName => frame(0x30, &[lp(raw), vec![0x00]].concat()),
            Field::ClientIdentifier => frame(0x10, &[connect_v5(0x02), lp(raw)].concat()),
            Field::WillTopic => frame(
                0x10,
                &[connect_v5(0x06), lp(b"c"), vec![0x00], lp(raw), lp(b"p")].concat(),
            ),
            Field::UserName => frame(0x10, &[connect_v5(0x82), lp(b"c"), lp(raw)].concat()),
            Field::SubscribeTopicFilter => frame(
                0x82,
                &[vec![0x00, 0x01, 0x00], lp(raw), vec![0x00]].concat(),
            ),
            Field::UnsubscribeTopicFilter => {
                frame(0xA2, &[vec![0x00, 0x01, 0x00], lp(raw)].concat())
            }
            Field::ResponseTopic => frame(
                0x30,
                &[lp(b"t"), props(&[vec![0x08], lp(raw)].concat())].concat(),
            ),
            Field::ContentType => frame(
                0x30,
                &[lp(b"t"), props(&[vec![0x03], lp(raw)].concat())].concat(),
            ),
        }
    }
}

/// What 1.5.4 requires of every UTF-8 Encoded String, checked on `field`:
/// ill-formed UTF-8 and U+0000 are Malformed Packets, a byte order mark and
/// other characters are kept as they are.
fn assert_utf8_encoded_string(field: Field) {
    for raw in ILL_FORMED {
        rejects(
            &field.wire(raw),
            V5,
            CodecError::InvalidUtf8 {
                field: field.name(),
            },
            ReasonCode::MalformedPacket,
        );
    }
    rejects(
        &field.wire(b"a\0b"),
        V5,
        CodecError::NullCharacter {
            field: field.name(),
        },
        ReasonCode::MalformedPacket,
    );
    // Non-ASCII text, a byte order mark included, is valid and kept.
    round_trip(&field.wire("\u{FEFF}caf\u{E9}/\u{1F600}".as_bytes()), V5);
    round_trip(&field.wire(b"plain/ascii"), V5);
}

/// The encoder refuses to write U+0000 in `packet` (1.5.4), whichever rule
/// reports it first (the string rule or the topic rule of 4.7.3).
fn assert_encoder_refuses_nul(packet: Packet, version: ProtocolVersion) {
    let error = packet
        .to_bytes(version)
        .expect_err("a string with U+0000 was encoded");
    assert!(
        matches!(
            error,
            CodecError::NullCharacter { .. }
                | CodecError::Topic {
                    error: TopicError::NullCharacter,
                    ..
                }
        ),
        "{error:?}"
    );
}

// ---- 2.2.1 Packet Identifier -----------------------------------------------

#[test]
fn mqtt_2_2_1_2_a_qos0_publish_has_no_packet_identifier() {
    // [MQTT-2.2.1-2] A PUBLISH packet MUST NOT contain a Packet Identifier if
    // its QoS value is set to 0.
    let publish = Publish::new("t", Bytes::from_static(&[0x00, 0x07]));
    assert_eq!(
        encoded(&Packet::Publish(publish.clone()), V311),
        [0x30, 0x05, 0x00, 0x01, b't', 0x00, 0x07]
    );
    assert_eq!(
        encoded(&Packet::Publish(publish.clone()), V5),
        [0x30, 0x06, 0x00, 0x01, b't', 0x00, 0x00, 0x07]
    );
    // A receiver does not take the two bytes after the topic for an identifier.
    for (bytes, version) in [
        (&[0x30, 0x05, 0x00, 0x01, b't', 0x00, 0x07][..], V311),
        (&[0x30, 0x06, 0x00, 0x01, b't', 0x00, 0x00, 0x07][..], V5),
    ] {
        let Ok(Packet::Publish(decoded)) = decode(bytes, version) else {
            panic!("{bytes:02X?}")
        };
        assert_eq!(decoded.packet_id, 0);
        assert_eq!(&decoded.payload[..], [0x00, 0x07]);
    }
    // An identifier given for QoS 0 is refused, not written.
    for version in [V5, V311] {
        let mut with_id = publish.clone();
        with_id.packet_id = 9;
        assert_eq!(
            Packet::Publish(with_id).to_bytes(version),
            Err(CodecError::PacketIdentifierWithQos0 { packet_id: 9 })
        );
    }
}

#[test]
fn mqtt_2_2_1_4_a_server_publish_with_qos_above_0_needs_a_non_zero_identifier() {
    // [MQTT-2.2.1-4] Each time a Server sends a new PUBLISH (with QoS > 0) it
    // MUST assign it a non zero Packet Identifier: a received one with 0 is
    // refused.
    for (first, version) in [(0x32, V5), (0x34, V5), (0x32, V311), (0x34, V311)] {
        let tail: &[u8] = if version == V5 { &[0x00] } else { &[] };
        let body = [&[0x00, 0x01, b't', 0x00, 0x00][..], tail].concat();
        rejects(
            &frame(first, &body),
            version,
            CodecError::PacketIdentifierZero {
                packet: PacketType::Publish,
            },
            ReasonCode::ProtocolError,
        );
        // The extremes of the non-zero range are fine.
        for id in [0x0001u16, 0xFFFF] {
            let body = [&[0x00, 0x01, b't'][..], &id.to_be_bytes(), tail].concat();
            let Packet::Publish(p) = round_trip(&frame(first, &body), version) else {
                panic!()
            };
            assert_eq!(p.packet_id, id);
        }
    }
}

#[test]
fn mqtt_2_2_1_6_suback_and_unsuback_carry_the_identifier_of_their_request() {
    // [MQTT-2.2.1-6] A SUBACK and UNSUBACK MUST contain the Packet Identifier
    // that was used in the corresponding SUBSCRIBE and UNSUBSCRIBE packet.
    // The codec carries it unchanged and refuses 0, which no request has.
    let Packet::SubAck(ack) = round_trip(&[0x90, 0x04, 0x12, 0x34, 0x00, 0x01], V5) else {
        panic!()
    };
    assert_eq!(ack.packet_id, 0x1234);
    let Packet::SubAck(ack) = round_trip(&[0x90, 0x03, 0xAB, 0xCD, 0x02], V311) else {
        panic!()
    };
    assert_eq!(ack.packet_id, 0xABCD);
    let Packet::UnsubAck(ack) = round_trip(&[0xB0, 0x04, 0x12, 0x34, 0x00, 0x00], V5) else {
        panic!()
    };
    assert_eq!(ack.packet_id, 0x1234);
    let Packet::UnsubAck(ack) = round_trip(&[0xB0, 0x02, 0xAB, 0xCD], V311) else {
        panic!()
    };
    assert_eq!(ack.packet_id, 0xABCD);

    for (bytes, version, packet) in [
        (
            &[0x90, 0x04, 0x00, 0x00, 0x00, 0x01][..],
            V5,
            PacketType::SubAck,
        ),
        (
            &[0x90, 0x03, 0x00, 0x00, 0x01][..],
            V311,
            PacketType::SubAck,
        ),
        (
            &[0xB0, 0x04, 0x00, 0x00, 0x00, 0x00][..],
            V5,
            PacketType::UnsubAck,
        ),
        (&[0xB0, 0x02, 0x00, 0x00][..], V311, PacketType::UnsubAck),
    ] {
        rejects(
            bytes,
            version,
            CodecError::PacketIdentifierZero { packet },
            ReasonCode::ProtocolError,
        );
    }
    let suback = SubAck {
        packet_id: 0,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::GrantedQos1],
    };
    assert_eq!(
        Packet::SubAck(suback).to_bytes(V5),
        Err(CodecError::PacketIdentifierZero {
            packet: PacketType::SubAck
        })
    );
    let unsuback = UnsubAck {
        packet_id: 0,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::Success],
    };
    assert_eq!(
        Packet::UnsubAck(unsuback).to_bytes(V5),
        Err(CodecError::PacketIdentifierZero {
            packet: PacketType::UnsubAck
        })
    );
}

// ---- 2.2.2 Properties -------------------------------------------------------

#[test]
fn mqtt_2_2_2_1_no_properties_is_a_property_length_of_zero() {
    // [MQTT-2.2.2-1] If there are no properties, this MUST be indicated by
    // including a Property Length of zero. (PUBACK, PUBREC, PUBREL, PUBCOMP,
    // DISCONNECT and AUTH may leave it out; 3.4.2.2.1, 3.14.2.2.1, 3.15.2.1.)
    let unsubscribe = Unsubscribe {
        packet_id: 1,
        properties: Properties::new(),
        filters: vec!["x".into()],
    };
    let suback = SubAck {
        packet_id: 1,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::Success],
    };
    let unsuback = UnsubAck {
        packet_id: 1,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::Success],
    };
    let cases: [(Packet, Vec<u8>); 7] = [
        (
            Packet::Connect(Connect::new(V5, "c")),
            frame(0x10, &[connect_v5(0x02), lp(b"c")].concat()),
        ),
        (
            Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)),
            vec![0x20, 0x03, 0x00, 0x00, 0x00],
        ),
        (
            Packet::Publish(Publish::new("t", Bytes::new())),
            vec![0x30, 0x04, 0x00, 0x01, b't', 0x00],
        ),
        (
            Packet::Subscribe(Subscribe::new(
                1,
                vec![SubscribeFilter::new("x", QoS::AtMostOnce)],
            )),
            vec![0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'x', 0x00],
        ),
        (
            Packet::SubAck(suback),
            vec![0x90, 0x04, 0x00, 0x01, 0x00, 0x00],
        ),
        (
            Packet::Unsubscribe(unsubscribe),
            vec![0xA2, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, b'x'],
        ),
        (
            Packet::UnsubAck(unsuback),
            vec![0xB0, 0x04, 0x00, 0x01, 0x00, 0x00],
        ),
    ];
    for (packet, bytes) in cases {
        assert_eq!(encoded(&packet, V5), bytes, "{packet:?}");
    }
    // The Will Properties of a CONNECT too.
    let mut connect = Connect::new(V5, "c");
    connect.will = Some(Will {
        topic: "w".into(),
        payload: Bytes::from_static(b"p"),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Properties::new(),
    });
    assert_eq!(
        encoded(&Packet::Connect(connect), V5),
        frame(
            0x10,
            &[connect_v5(0x06), lp(b"c"), vec![0x00], lp(b"w"), lp(b"p")].concat()
        )
    );

    // Where the Property Length is required, leaving it out is malformed.
    let missing: [Vec<u8>; 7] = [
        frame(0x10, &[lp(b"MQTT"), vec![5, 0x02, 0, 0]].concat()),
        vec![0x20, 0x02, 0x00, 0x00],
        vec![0x30, 0x03, 0x00, 0x01, b't'],
        vec![0x82, 0x02, 0x00, 0x01],
        vec![0x90, 0x02, 0x00, 0x01],
        vec![0xA2, 0x02, 0x00, 0x01],
        vec![0xB0, 0x02, 0x00, 0x01],
    ];
    for bytes in missing {
        rejects(
            &bytes,
            V5,
            CodecError::Truncated {
                field: "Property Length",
            },
            ReasonCode::MalformedPacket,
        );
    }
}

// ---- 3.1 CONNECT --------------------------------------------------------------

#[test]
fn mqtt_3_1_2_9_with_the_will_flag_the_will_fields_are_present() {
    // [MQTT-3.1.2-9] If the Will Flag is set to 1, the Will Properties, Will
    // Topic, and Will Payload fields MUST be present in the Payload.
    let head = [connect_v5(0x06), lp(b"c")].concat();
    rejects(
        &frame(0x10, &head),
        V5,
        CodecError::Truncated {
            field: "Property Length",
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[head.clone(), vec![0x00]].concat()),
        V5,
        CodecError::Truncated {
            field: "Will Topic",
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[head, vec![0x00], lp(b"w")].concat()),
        V5,
        CodecError::Truncated {
            field: "Will Payload",
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[connect_v311(0x06), lp(b"c")].concat()),
        V311,
        CodecError::Truncated {
            field: "Will Topic",
        },
        ReasonCode::MalformedPacket,
    );
    // The encoder sets the flag exactly when it writes the fields.
    for version in [V5, V311] {
        let mut connect = Connect::new(version, "c");
        connect.will = Some(Will {
            topic: "w".into(),
            payload: Bytes::new(),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: Properties::new(),
        });
        let bytes = encoded(&Packet::Connect(connect.clone()), version);
        let will_props: &[u8] = if version == V5 { &[0x00] } else { &[] };
        let header = if version == V5 {
            connect_v5(0x06)
        } else {
            connect_v311(0x06)
        };
        assert_eq!(
            bytes,
            frame(
                0x10,
                &[header, lp(b"c"), will_props.to_vec(), lp(b"w"), lp(b"")].concat()
            )
        );
        assert_eq!(decode(&bytes, version), Ok(Packet::Connect(connect)));
    }
}

#[test]
fn mqtt_3_1_2_16_without_the_user_name_flag_there_is_no_user_name() {
    // [MQTT-3.1.2-16] If the User Name Flag is set to 0, a User Name MUST NOT
    // be present in the Payload.
    rejects(
        &frame(0x10, &[connect_v5(0x02), lp(b"c"), lp(b"u")].concat()),
        V5,
        CodecError::TrailingBytes {
            packet: PacketType::Connect,
            count: 3,
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[connect_v311(0x02), lp(b"c"), lp(b"u")].concat()),
        V311,
        CodecError::TrailingBytes {
            packet: PacketType::Connect,
            count: 3,
        },
        ReasonCode::MalformedPacket,
    );
    let bytes = encoded(&Packet::Connect(Connect::new(V5, "c")), V5);
    assert_eq!(bytes[9] & 0x80, 0, "User Name Flag");
    assert_eq!(bytes, frame(0x10, &[connect_v5(0x02), lp(b"c")].concat()));
}

#[test]
fn mqtt_3_1_2_17_with_the_user_name_flag_the_user_name_is_present() {
    // [MQTT-3.1.2-17] If the User Name Flag is set to 1, a User Name MUST be
    // present in the Payload.
    rejects(
        &frame(0x10, &[connect_v5(0x82), lp(b"c")].concat()),
        V5,
        CodecError::Truncated { field: "User Name" },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[connect_v311(0x82), lp(b"c")].concat()),
        V311,
        CodecError::Truncated { field: "User Name" },
        ReasonCode::MalformedPacket,
    );
    let mut connect = Connect::new(V5, "c");
    connect.user_name = Some("u".into());
    assert_eq!(
        encoded(&Packet::Connect(connect), V5),
        frame(0x10, &[connect_v5(0x82), lp(b"c"), lp(b"u")].concat())
    );
}

#[test]
fn mqtt_3_1_2_18_without_the_password_flag_there_is_no_password() {
    // [MQTT-3.1.2-18] If the Password Flag is set to 0, a Password MUST NOT be
    // present in the Payload.
    let mut connect = Connect::new(V5, "c");
    connect.user_name = Some("u".into());
    let bytes = encoded(&Packet::Connect(connect), V5);
    assert_eq!(bytes[9] & 0x40, 0, "Password Flag");
    assert_eq!(
        bytes,
        frame(0x10, &[connect_v5(0x82), lp(b"c"), lp(b"u")].concat())
    );
    rejects(
        &frame(
            0x10,
            &[connect_v5(0x82), lp(b"c"), lp(b"u"), lp(b"pw")].concat(),
        ),
        V5,
        CodecError::TrailingBytes {
            packet: PacketType::Connect,
            count: 4,
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(
            0x10,
            &[connect_v311(0x82), lp(b"c"), lp(b"u"), lp(b"pw")].concat(),
        ),
        V311,
        CodecError::TrailingBytes {
            packet: PacketType::Connect,
            count: 4,
        },
        ReasonCode::MalformedPacket,
    );
}

#[test]
fn mqtt_3_1_2_19_with_the_password_flag_the_password_is_present() {
    // [MQTT-3.1.2-19] If the Password Flag is set to 1, a Password MUST be
    // present in the Payload.
    rejects(
        &frame(0x10, &[connect_v5(0xC2), lp(b"c"), lp(b"u")].concat()),
        V5,
        CodecError::Truncated { field: "Password" },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &[connect_v311(0xC2), lp(b"c"), lp(b"u")].concat()),
        V311,
        CodecError::Truncated { field: "Password" },
        ReasonCode::MalformedPacket,
    );
    // MQTT 5 allows a password without a user name (3.1.2.9).
    let mut connect = Connect::new(V5, "c");
    connect.password = Some(Bytes::from_static(b"pw"));
    let bytes = encoded(&Packet::Connect(connect.clone()), V5);
    assert_eq!(
        bytes,
        frame(0x10, &[connect_v5(0x42), lp(b"c"), lp(b"pw")].concat())
    );
    assert_eq!(decode(&bytes, V5), Ok(Packet::Connect(connect)));
}

#[test]
fn mqtt_3_1_3_1_the_payload_fields_come_in_order() {
    // [MQTT-3.1.3-1] These fields, if present, MUST appear in the order Client
    // Identifier, Will Properties, Will Topic, Will Payload, User Name, Password.
    for version in [V5, V311] {
        let mut will_properties = Properties::new();
        if version == V5 {
            will_properties.push(Property::WillDelayInterval(5));
        }
        let connect = Connect {
            protocol_version: version,
            clean_start: true,
            keep_alive_secs: 10,
            properties: Properties::new(),
            client_id: "c".into(),
            will: Some(Will {
                topic: "w".into(),
                payload: Bytes::from_static(b"p"),
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: will_properties,
            }),
            user_name: Some("u".into()),
            password: Some(Bytes::from_static(b"pw")),
        };
        // User Name, Password, Will Retain, Will QoS 1, Will, Clean Start.
        let flags = 0x80 | 0x40 | 0x20 | 0x08 | 0x04 | 0x02;
        let (header, will_props) = match version {
            ProtocolVersion::V5 => (
                [lp(b"MQTT"), vec![5, flags, 0, 10, 0]].concat(),
                props(&[0x18, 0, 0, 0, 5]),
            ),
            ProtocolVersion::V311 => ([lp(b"MQTT"), vec![4, flags, 0, 10]].concat(), vec![]),
        };
        let expected = frame(
            0x10,
            &[
                header,
                lp(b"c"),
                will_props,
                lp(b"w"),
                lp(b"p"),
                lp(b"u"),
                lp(b"pw"),
            ]
            .concat(),
        );
        assert_eq!(
            encoded(&Packet::Connect(connect.clone()), version),
            expected
        );
        assert_eq!(decode(&expected, version), Ok(Packet::Connect(connect)));
    }
}

#[test]
fn mqtt_3_1_3_3_the_client_identifier_is_present_and_first() {
    // [MQTT-3.1.3-3] The ClientID MUST be present and is the first field in
    // the CONNECT packet Payload.
    rejects(
        &frame(0x10, &connect_v5(0x02)),
        V5,
        CodecError::Truncated {
            field: "Client Identifier",
        },
        ReasonCode::MalformedPacket,
    );
    rejects(
        &frame(0x10, &connect_v311(0x02)),
        V311,
        CodecError::Truncated {
            field: "Client Identifier",
        },
        ReasonCode::MalformedPacket,
    );
    // Even an empty Client Identifier is written (as a zero length string).
    let bytes = encoded(&Packet::Connect(Connect::new(V5, "")), V5);
    assert_eq!(bytes, frame(0x10, &[connect_v5(0x02), lp(b"")].concat()));
    let Ok(Packet::Connect(connect)) = decode(&bytes, V5) else {
        panic!()
    };
    assert_eq!(&*connect.client_id, "");
}

#[test]
fn mqtt_3_1_3_4_the_client_identifier_is_a_utf8_encoded_string() {
    // [MQTT-3.1.3-4] The ClientID MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::ClientIdentifier);
    assert_encoder_refuses_nul(Packet::Connect(Connect::new(V5, "c\0")), V5);
    assert_encoder_refuses_nul(Packet::Connect(Connect::new(V311, "c\0")), V311);
}

#[test]
fn mqtt_3_1_3_11_the_will_topic_is_a_utf8_encoded_string() {
    // [MQTT-3.1.3-11] The Will Topic MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::WillTopic);
    let mut connect = Connect::new(V5, "c");
    connect.will = Some(Will {
        topic: "w\0".into(),
        payload: Bytes::new(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Properties::new(),
    });
    assert_encoder_refuses_nul(Packet::Connect(connect), V5);
}

#[test]
fn mqtt_3_1_3_12_the_user_name_is_a_utf8_encoded_string() {
    // [MQTT-3.1.3-12] The User Name MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::UserName);
    let mut connect = Connect::new(V5, "c");
    connect.user_name = Some("u\0".into());
    assert_encoder_refuses_nul(Packet::Connect(connect), V5);
}

// ---- Reason codes: the tables of chapter 3 ----------------------------------

/// Table 3-1, Connect Reason Code values.
const CONNACK_CODES: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
    0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
];
/// Tables 3-4 and 3-5, PUBACK and PUBREC Reason Codes.
const PUBACK_CODES: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
/// Tables 3-6 and 3-7, PUBREL and PUBCOMP Reason Codes.
const PUBREL_CODES: &[u8] = &[0x00, 0x92];
/// Table 3-8, Subscribe Reason Codes.
const SUBACK_CODES: &[u8] = &[
    0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
];
/// Table 3-9, Unsubscribe Reason Codes.
const UNSUBACK_CODES: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
/// Table 3-10, Disconnect Reason Code values, plus 0x8C (Bad authentication
/// method), which Table 2-6 lists for DISCONNECT although Table 3-10 does not:
/// the specification contradicts itself and the codec follows Table 2-6.
const DISCONNECT_CODES: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];

/// Every byte value in the reason code position of `wire(code)` decodes
/// exactly when `allowed` lists it; `packet(code)` encodes exactly when
/// `allowed` lists it.
fn assert_reason_codes(
    packet_type: PacketType,
    allowed: &[u8],
    wire: impl Fn(u8) -> Vec<u8>,
    packet: impl Fn(ReasonCode) -> Packet,
) {
    for code in 0..=u8::MAX {
        let result = decode(&wire(code), V5);
        if allowed.contains(&code) {
            let decoded = result.unwrap_or_else(|e| panic!("{packet_type} 0x{code:02X}: {e}"));
            assert_eq!(decoded.packet_type(), packet_type);
        } else {
            assert_eq!(
                result,
                Err(CodecError::InvalidReasonCode {
                    packet: packet_type,
                    code
                }),
                "{packet_type} 0x{code:02X}"
            );
        }
    }
    for reason in ReasonCode::ALL {
        let result = packet(reason).to_bytes(V5);
        if allowed.contains(&reason.to_u8()) {
            assert!(result.is_ok(), "{packet_type} {reason}: {result:?}");
        } else {
            assert_eq!(
                result,
                Err(CodecError::InvalidReasonCode {
                    packet: packet_type,
                    code: reason.to_u8()
                }),
                "{packet_type} {reason}"
            );
        }
    }
}

fn pub_response(reason_code: ReasonCode) -> PubResponse {
    PubResponse {
        packet_id: 1,
        reason_code,
        properties: Properties::new(),
    }
}

#[test]
fn mqtt_3_2_2_8_connack_uses_a_connect_reason_code() {
    // [MQTT-3.2.2-8] The Server sending the CONNACK packet MUST use one of the
    // Connect Reason Code values.
    assert_reason_codes(
        PacketType::ConnAck,
        CONNACK_CODES,
        |code| vec![0x20, 0x03, 0x00, code, 0x00],
        |reason| Packet::ConnAck(ConnAck::new(false, reason)),
    );
}

#[test]
fn mqtt_3_4_2_1_puback_uses_a_puback_reason_code() {
    // [MQTT-3.4.2-1] The Client or Server sending the PUBACK packet MUST use
    // one of the PUBACK Reason Codes.
    assert_reason_codes(
        PacketType::PubAck,
        PUBACK_CODES,
        |code| vec![0x40, 0x03, 0x00, 0x01, code],
        |reason| Packet::PubAck(pub_response(reason)),
    );
}

#[test]
fn mqtt_3_5_2_1_pubrec_uses_a_pubrec_reason_code() {
    // [MQTT-3.5.2-1] The Client or Server sending the PUBREC packet MUST use
    // one of the PUBREC Reason Code values.
    assert_reason_codes(
        PacketType::PubRec,
        PUBACK_CODES,
        |code| vec![0x50, 0x03, 0x00, 0x01, code],
        |reason| Packet::PubRec(pub_response(reason)),
    );
}

#[test]
fn mqtt_3_6_2_1_pubrel_uses_a_pubrel_reason_code() {
    // [MQTT-3.6.2-1] The Client or Server sending the PUBREL packet MUST use
    // one of the PUBREL Reason Code values.
    assert_reason_codes(
        PacketType::PubRel,
        PUBREL_CODES,
        |code| vec![0x62, 0x03, 0x00, 0x01, code],
        |reason| Packet::PubRel(pub_response(reason)),
    );
}

#[test]
fn mqtt_3_7_2_1_pubcomp_uses_a_pubcomp_reason_code() {
    // [MQTT-3.7.2-1] The Client or Server sending the PUBCOMP packet MUST use
    // one of the PUBCOMP Reason Code values.
    assert_reason_codes(
        PacketType::PubComp,
        PUBREL_CODES,
        |code| vec![0x70, 0x03, 0x00, 0x01, code],
        |reason| Packet::PubComp(pub_response(reason)),
    );
}

#[test]
fn mqtt_3_9_3_2_suback_uses_subscribe_reason_codes() {
    // [MQTT-3.9.3-2] The Server sending a SUBACK packet MUST use one of the
    // Subscribe Reason Codes for each Topic Filter received.
    assert_reason_codes(
        PacketType::SubAck,
        SUBACK_CODES,
        |code| vec![0x90, 0x04, 0x00, 0x01, 0x00, code],
        |reason| {
            Packet::SubAck(SubAck {
                packet_id: 1,
                properties: Properties::new(),
                reason_codes: vec![reason],
            })
        },
    );
    // Each code of the list is checked, not only the first.
    assert_eq!(
        decode(&[0x90, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 0x11], V5),
        Err(CodecError::InvalidReasonCode {
            packet: PacketType::SubAck,
            code: 0x11
        })
    );
}

#[test]
fn mqtt_3_11_3_2_unsuback_uses_unsubscribe_reason_codes() {
    // [MQTT-3.11.3-2] The Server sending an UNSUBACK packet MUST use one of
    // the Unsubscribe Reason Code values for each Topic Filter received.
    assert_reason_codes(
        PacketType::UnsubAck,
        UNSUBACK_CODES,
        |code| vec![0xB0, 0x04, 0x00, 0x01, 0x00, code],
        |reason| {
            Packet::UnsubAck(UnsubAck {
                packet_id: 1,
                properties: Properties::new(),
                reason_codes: vec![reason],
            })
        },
    );
    assert_eq!(
        decode(&[0xB0, 0x06, 0x00, 0x01, 0x00, 0x00, 0x11, 0x01], V5),
        Err(CodecError::InvalidReasonCode {
            packet: PacketType::UnsubAck,
            code: 0x01
        })
    );
}

#[test]
fn mqtt_3_14_2_1_disconnect_uses_a_disconnect_reason_code() {
    // [MQTT-3.14.2-1] The Client or Server sending the DISCONNECT packet MUST
    // use one of the DISCONNECT Reason Code values.
    assert_reason_codes(
        PacketType::Disconnect,
        DISCONNECT_CODES,
        |code| vec![0xE0, 0x01, code],
        |reason| Packet::Disconnect(Disconnect::new(reason)),
    );
}

// ---- 3.3 PUBLISH ------------------------------------------------------------

#[test]
fn mqtt_3_3_2_1_the_topic_name_is_the_first_field_and_a_utf8_encoded_string() {
    // [MQTT-3.3.2-1] The Topic Name MUST be present as the first field in the
    // PUBLISH packet Variable Header. It MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::TopicName);
    for version in [V5, V311] {
        let mut publish = Publish::new("a/b", Bytes::from_static(b"x"));
        publish.qos = QoS::ExactlyOnce;
        publish.packet_id = 0x0102;
        let bytes = encoded(&Packet::Publish(publish), version);
        assert_eq!(bytes[2..9], [0x00, 0x03, b'a', b'/', b'b', 0x01, 0x02]);
    }
    // A PUBLISH too short to hold a Topic Name is malformed.
    rejects(
        &[0x30, 0x01, 0x00],
        V5,
        CodecError::Truncated {
            field: "Topic Name",
        },
        ReasonCode::MalformedPacket,
    );
    assert_encoder_refuses_nul(Packet::Publish(Publish::new("a\0", Bytes::new())), V5);
}

#[test]
fn mqtt_3_3_2_13_the_response_topic_is_a_utf8_encoded_string() {
    // [MQTT-3.3.2-13] The Response Topic MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::ResponseTopic);
    let mut publish = Publish::new("t", Bytes::new());
    publish
        .properties
        .push(Property::ResponseTopic("r\0".into()));
    assert_encoder_refuses_nul(Packet::Publish(publish), V5);
}

#[test]
fn mqtt_3_3_2_19_the_content_type_is_a_utf8_encoded_string() {
    // [MQTT-3.3.2-19] The Content Type MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::ContentType);
    let mut publish = Publish::new("t", Bytes::new());
    publish
        .properties
        .push(Property::ContentType("text/plain\0".into()));
    assert_encoder_refuses_nul(Packet::Publish(publish), V5);
}

// ---- 3.8 SUBSCRIBE, 3.10 UNSUBSCRIBE ----------------------------------------

#[test]
fn mqtt_3_8_3_1_subscribe_topic_filters_are_utf8_encoded_strings() {
    // [MQTT-3.8.3-1] The Topic Filters MUST be a UTF-8 Encoded String.
    assert_utf8_encoded_string(Field::SubscribeTopicFilter);
    let subscribe = Subscribe::new(1, vec![SubscribeFilter::new("a\0", QoS::AtMostOnce)]);
    assert_encoder_refuses_nul(Packet::Subscribe(subscribe.clone()), V5);
    assert_encoder_refuses_nul(Packet::Subscribe(subscribe), V311);
}

#[test]
fn mqtt_3_10_3_1_unsubscribe_topic_filters_are_utf8_encoded_strings() {
    // [MQTT-3.10.3-1] The Topic Filters in an UNSUBSCRIBE packet MUST be UTF-8
    // Encoded Strings.
    assert_utf8_encoded_string(Field::UnsubscribeTopicFilter);
    let unsubscribe = Unsubscribe {
        packet_id: 1,
        properties: Properties::new(),
        filters: vec!["a".into(), "b\0".into()],
    };
    assert_encoder_refuses_nul(Packet::Unsubscribe(unsubscribe.clone()), V5);
    assert_encoder_refuses_nul(Packet::Unsubscribe(unsubscribe), V311);
}

#[test]
fn section_3_8_3_1_maximum_qos_3_in_the_subscription_options_is_a_protocol_error() {
    // 3.8.3.1 (no statement number): "It is a Protocol Error if the Maximum
    // QoS field has the value 3." (Retain Handling 3 is one too, and is.)
    let error = decode(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'x', 0x03], V5)
        .expect_err("Maximum QoS 3 was accepted");
    assert_eq!(error.reason_code(), ReasonCode::ProtocolError, "{error}");
}

// ---- 3.15 AUTH ----------------------------------------------------------------

#[test]
fn mqtt_3_15_1_1_the_auth_fixed_header_flags_are_0() {
    // [MQTT-3.15.1-1] Bits 3,2,1 and 0 of the Fixed Header of the AUTH packet
    // are reserved and MUST all be set to 0. The Client or Server MUST treat
    // any other value as malformed.
    for flags in 1..=0x0F {
        rejects(
            &[0xF0 | flags, 0x00],
            V5,
            CodecError::InvalidFixedHeaderFlags {
                packet: PacketType::Auth,
                flags,
                required: 0,
            },
            ReasonCode::MalformedPacket,
        );
    }
    let auth = Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties(vec![Property::AuthenticationMethod("m".into())]),
    };
    assert_eq!(encoded(&Packet::Auth(auth), V5)[0], 0xF0);
}

// ---- Properties that must not push a packet over the Maximum Packet Size ----

/// `packet` is `base` plus one property: written when the receiver's Maximum
/// Packet Size allows it, refused (nothing written) when it does not, while
/// `base` still fits under that smaller limit.
fn assert_never_over_maximum_packet_size(base: &Packet, packet: &Packet) {
    let size = packet.encoded_len(V5).expect("valid packet");
    let base_size = base.encoded_len(V5).expect("valid packet");
    assert!(base_size < size);
    let limit = (size - 1) as u32;
    let mut out = BytesMut::new();
    assert_eq!(
        packet.encode(V5, Some(limit), &mut out),
        Err(CodecError::PacketTooLarge {
            size: size as u64,
            limit
        }),
        "{packet:?}"
    );
    assert!(out.is_empty(), "bytes written for a refused packet");
    assert_eq!(base.encode(V5, Some(limit), &mut out), Ok(base_size));
    out.clear();
    assert_eq!(packet.encode(V5, Some(size as u32), &mut out), Ok(size));
    assert_eq!(out.len(), size);
}

/// `base` with a Reason String, and with a User Property.
fn with_each_diagnostic_property(base: &Packet, add: impl Fn(&Packet, Property) -> Packet) {
    for property in [
        Property::ReasonString("why it failed".into()),
        Property::UserProperty("key".into(), "value".into()),
    ] {
        assert_never_over_maximum_packet_size(base, &add(base, property));
    }
}

#[test]
fn mqtt_3_4_2_2_3_and_siblings_acks_never_exceed_the_receivers_maximum_packet_size() {
    // [MQTT-3.4.2-2] [MQTT-3.4.2-3] (PUBACK), [MQTT-3.5.2-2] [MQTT-3.5.2-3]
    // (PUBREC), [MQTT-3.6.2-2] [MQTT-3.6.2-3] (PUBREL), [MQTT-3.7.2-2]
    // [MQTT-3.7.2-3] (PUBCOMP): the sender MUST NOT send a Reason String or a
    // User Property if it would increase the size of the packet beyond the
    // Maximum Packet Size specified by the receiver. The codec's part: such a
    // packet is never written (the sender can then leave the property out).
    let add = |packet: &Packet, property: Property| {
        let mut packet = packet.clone();
        match &mut packet {
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.properties.push(property)
            }
            other => panic!("{other:?}"),
        }
        packet
    };
    for base in [
        Packet::PubAck(pub_response(ReasonCode::QuotaExceeded)),
        Packet::PubRec(pub_response(ReasonCode::Success)),
        Packet::PubRel(pub_response(ReasonCode::PacketIdentifierNotFound)),
        Packet::PubComp(pub_response(ReasonCode::Success)),
    ] {
        with_each_diagnostic_property(&base, add);
    }
}

#[test]
fn mqtt_3_14_2_3_and_3_14_2_4_disconnect_never_exceeds_the_receivers_maximum_packet_size() {
    // [MQTT-3.14.2-3] [MQTT-3.14.2-4] The sender MUST NOT send a Reason String
    // or a User Property if it would increase the size of the DISCONNECT
    // packet beyond the Maximum Packet Size specified by the receiver.
    let base = Packet::Disconnect(Disconnect::new(ReasonCode::ImplementationSpecificError));
    with_each_diagnostic_property(&base, |packet, property| {
        let Packet::Disconnect(mut disconnect) = packet.clone() else {
            panic!()
        };
        disconnect.properties.push(property);
        Packet::Disconnect(disconnect)
    });
}

#[test]
fn mqtt_3_15_2_2_and_3_15_2_3_auth_never_exceeds_the_receivers_maximum_packet_size() {
    // [MQTT-3.15.2-2] [MQTT-3.15.2-3] The sender MUST NOT send a Reason String
    // or a User Property if it would increase the size of the AUTH packet
    // beyond the Maximum Packet Size specified by the receiver.
    let base = Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties(vec![Property::AuthenticationMethod("SCRAM".into())]),
    });
    with_each_diagnostic_property(&base, |packet, property| {
        let Packet::Auth(mut auth) = packet.clone() else {
            panic!()
        };
        auth.properties.push(property);
        Packet::Auth(auth)
    });
}
