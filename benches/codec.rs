//! Decode and encode speed of the MQTT 5 codec, side by side with rumqttc's
//! (`rumqttc::v5::mqttbytes::v5`) on the same bytes, in the same run.
//!
//! Each case is one criterion group per direction (`decode/<case>`,
//! `encode/<case>`) holding two functions, `mqscope` and `rumqttc`, so the
//! report shows them next to each other. Before anything is timed the bench
//! checks that both encoders write identical bytes and that both decoders read
//! those bytes back to the same content.
//!
//! Decode is measured the way a network thread does it: a `BytesMut` holding
//! the received packet (a fresh copy per iteration, made outside the timed
//! section and identical for both) is split into a frame and decoded. For
//! mqscope that is `decoder::next_frame` + `Packet::decode`; for rumqttc it is
//! `Packet::read`, which does the same two steps. The decoded packet and the
//! leftover buffer are returned so both are dropped outside the timed section.
//!
//! Encode writes into one reused `BytesMut`, cleared before every iteration.
//!
//! Run with `cargo bench --bench codec`.

use std::hint::black_box;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mqscope::proto::decoder::next_frame;
use mqscope::proto::{
    Packet, Properties, Property, ProtocolVersion, Publish, QoS, ReasonCode, SubAck,
};
use rumqttc::v5::mqttbytes::QoS as RQoS;
use rumqttc::v5::mqttbytes::v5::{
    Packet as RPacket, Publish as RPublish, PublishProperties as RPublishProperties,
    SubAck as RSubAck, SubscribeReasonCode as RCode,
};

const V5: ProtocolVersion = ProtocolVersion::V5;
const TOPIC: &str = "sensors/building-7/floor-3/room-12/temperature";
const PACKET_ID: u16 = 4242;

/// One benchmark case: the same packet built for each implementation.
struct Case {
    name: &'static str,
    ours: Packet,
    theirs: RPacket,
}

fn payload(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

fn our_publish(payload: Bytes, properties: Properties) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: TOPIC.into(),
        packet_id: PACKET_ID,
        properties,
        payload,
    })
}

fn their_publish(payload: Bytes, properties: Option<RPublishProperties>) -> RPacket {
    let mut publish = RPublish::new(TOPIC, RQoS::AtLeastOnce, payload, properties);
    publish.pkid = PACKET_ID;
    RPacket::Publish(publish)
}

/// The full set of PUBLISH properties, in the order rumqttc writes them so that
/// both encoders produce the same bytes.
fn full_properties() -> (Properties, RPublishProperties) {
    let correlation = Bytes::from_static(b"req-0001-7f3a9c2e");
    let ours = Properties::from(vec![
        Property::PayloadFormatIndicator(1),
        Property::MessageExpiryInterval(3600),
        Property::TopicAlias(7),
        Property::ResponseTopic("replies/client-42".into()),
        Property::CorrelationData(correlation.clone()),
        Property::UserProperty("trace-id".into(), "4bf92f3577b34da6".into()),
        Property::UserProperty("origin".into(), "gateway-eu-1".into()),
        Property::SubscriptionIdentifier(1234),
        Property::ContentType("application/json".into()),
    ]);
    let theirs = RPublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(3600),
        topic_alias: Some(7),
        response_topic: Some("replies/client-42".into()),
        correlation_data: Some(correlation),
        user_properties: vec![
            ("trace-id".into(), "4bf92f3577b34da6".into()),
            ("origin".into(), "gateway-eu-1".into()),
        ],
        subscription_identifiers: vec![1234],
        content_type: Some("application/json".into()),
    };
    (ours, theirs)
}

fn suback_case() -> Case {
    let qos_of = |i: usize| (i * 7 + i / 3) % 3;
    let ours = (0..100)
        .map(|i| match qos_of(i) {
            0 => ReasonCode::Success,
            1 => ReasonCode::GrantedQos1,
            _ => ReasonCode::GrantedQos2,
        })
        .collect();
    let theirs = (0..100)
        .map(|i| match qos_of(i) {
            0 => RCode::Success(RQoS::AtMostOnce),
            1 => RCode::Success(RQoS::AtLeastOnce),
            _ => RCode::Success(RQoS::ExactlyOnce),
        })
        .collect();
    Case {
        name: "suback_100_codes",
        ours: Packet::SubAck(SubAck {
            packet_id: PACKET_ID,
            properties: Properties::new(),
            reason_codes: ours,
        }),
        theirs: RPacket::SubAck(RSubAck {
            pkid: PACKET_ID,
            return_codes: theirs,
            properties: None,
        }),
    }
}

fn cases() -> Vec<Case> {
    let small = payload(16);
    let large = payload(1024);
    let (props, their_props) = full_properties();
    let with_props = Bytes::from_static(br#"{"t":21.5}"#);
    vec![
        Case {
            name: "publish_qos1_16B",
            ours: our_publish(small.clone(), Properties::new()),
            theirs: their_publish(small, None),
        },
        Case {
            name: "publish_qos1_1KiB",
            ours: our_publish(large.clone(), Properties::new()),
            theirs: their_publish(large, None),
        },
        Case {
            name: "publish_qos1_all_props",
            ours: our_publish(with_props.clone(), props),
            theirs: their_publish(with_props, Some(their_props)),
        },
        suback_case(),
    ]
}

fn decode_ours(mut buf: BytesMut) -> (Packet, BytesMut) {
    let frame = next_frame(&mut buf, None)
        .expect("valid frame")
        .expect("whole frame");
    let packet = Packet::decode(&frame, V5).expect("mqscope decodes");
    (packet, buf)
}

fn decode_theirs(mut buf: BytesMut) -> (RPacket, BytesMut) {
    let packet = RPacket::read(&mut buf, None).expect("rumqttc decodes");
    (packet, buf)
}

fn their_qos(qos: RQoS) -> QoS {
    match qos {
        RQoS::AtMostOnce => QoS::AtMostOnce,
        RQoS::AtLeastOnce => QoS::AtLeastOnce,
        RQoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

/// Translate rumqttc's PUBLISH properties into ours (in rumqttc's write order,
/// which is also the order of the bytes decoded here).
fn their_properties(p: Option<RPublishProperties>) -> Properties {
    let mut out = Properties::new();
    let Some(p) = p else { return out };
    if let Some(v) = p.payload_format_indicator {
        out.push(Property::PayloadFormatIndicator(v));
    }
    if let Some(v) = p.message_expiry_interval {
        out.push(Property::MessageExpiryInterval(v));
    }
    if let Some(v) = p.topic_alias {
        out.push(Property::TopicAlias(v));
    }
    if let Some(v) = p.response_topic {
        out.push(Property::ResponseTopic(v.into()));
    }
    if let Some(v) = p.correlation_data {
        out.push(Property::CorrelationData(v));
    }
    for (k, v) in p.user_properties {
        out.push(Property::UserProperty(k.into(), v.into()));
    }
    for id in p.subscription_identifiers {
        out.push(Property::SubscriptionIdentifier(
            u32::try_from(id).expect("identifier fits"),
        ));
    }
    if let Some(v) = p.content_type {
        out.push(Property::ContentType(v.into()));
    }
    out
}

/// Check, outside any timing, that both encoders write the same bytes and that
/// both decoders read them back to the same content (and to the original).
fn check_agreement(case: &Case) -> Bytes {
    let mut ours = BytesMut::new();
    let n = case
        .ours
        .encode(V5, None, &mut ours)
        .expect("mqscope encodes");
    assert_eq!(n, ours.len(), "{}", case.name);
    let mut theirs = BytesMut::new();
    let m = case
        .theirs
        .write(&mut theirs, None)
        .expect("rumqttc encodes");
    assert_eq!(m, theirs.len(), "{}", case.name);
    assert_eq!(ours, theirs, "{}: encoders disagree", case.name);
    let wire = ours.freeze();

    let (decoded, rest) = decode_ours(BytesMut::from(&wire[..]));
    assert!(rest.is_empty(), "{}", case.name);
    assert_eq!(decoded, case.ours, "{}: mqscope round trip", case.name);
    let (their_decoded, rest) = decode_theirs(BytesMut::from(&wire[..]));
    assert!(rest.is_empty(), "{}", case.name);
    assert_eq!(
        their_decoded, case.theirs,
        "{}: rumqttc round trip",
        case.name
    );

    match (decoded, their_decoded) {
        (Packet::Publish(a), RPacket::Publish(b)) => {
            assert_eq!(a.topic.as_bytes(), &b.topic[..], "{}: topic", case.name);
            assert_eq!(a.payload, b.payload, "{}: payload", case.name);
            assert_eq!(a.packet_id, b.pkid, "{}: packet id", case.name);
            assert_eq!(a.qos, their_qos(b.qos), "{}: qos", case.name);
            assert_eq!((a.dup, a.retain), (b.dup, b.retain), "{}", case.name);
            assert_eq!(
                a.properties,
                their_properties(b.properties),
                "{}: properties",
                case.name
            );
        }
        (Packet::SubAck(a), RPacket::SubAck(b)) => {
            assert_eq!(a.packet_id, b.pkid, "{}: packet id", case.name);
            assert!(a.properties.is_empty() && b.properties.is_none());
            let theirs: Vec<ReasonCode> = b
                .return_codes
                .iter()
                .map(|code| match code {
                    RCode::Success(RQoS::AtMostOnce) => ReasonCode::Success,
                    RCode::Success(RQoS::AtLeastOnce) => ReasonCode::GrantedQos1,
                    RCode::Success(RQoS::ExactlyOnce) => ReasonCode::GrantedQos2,
                    other => panic!("{}: unexpected code {other:?}", case.name),
                })
                .collect();
            assert_eq!(a.reason_codes, theirs, "{}: reason codes", case.name);
        }
        (a, b) => panic!("{}: different packets {a:?} / {b:?}", case.name),
    }
    wire
}

fn bench_codec(c: &mut Criterion) {
    for case in cases() {
        let wire = check_agreement(&case);

        let mut group = c.benchmark_group(format!("decode/{}", case.name));
        group.throughput(Throughput::Elements(1));
        group.bench_function("mqscope", |b| {
            b.iter_batched(
                || BytesMut::from(&wire[..]),
                |buf| decode_ours(black_box(buf)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("rumqttc", |b| {
            b.iter_batched(
                || BytesMut::from(&wire[..]),
                |buf| decode_theirs(black_box(buf)),
                BatchSize::SmallInput,
            )
        });
        group.finish();

        let mut group = c.benchmark_group(format!("encode/{}", case.name));
        group.throughput(Throughput::Elements(1));
        let mut out = BytesMut::with_capacity(wire.len() * 2);
        group.bench_function("mqscope", |b| {
            b.iter(|| {
                out.clear();
                let n = black_box(&case.ours)
                    .encode(V5, None, &mut out)
                    .expect("mqscope encodes");
                black_box(&out);
                n
            })
        });
        group.bench_function("rumqttc", |b| {
            b.iter(|| {
                out.clear();
                let n = black_box(&case.theirs)
                    .write(&mut out, None)
                    .expect("rumqttc encodes");
                black_box(&out);
                n
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_codec
}
criterion_main!(benches);
