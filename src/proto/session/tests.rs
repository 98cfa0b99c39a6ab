//! The session against a scripted broker and a simulated clock. Each test
//! names the rule of the specification it checks.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::*;
use crate::proto::{
    Auth, CodecError, ConnAck, Disconnect, Packet, PacketType, Property, PubResponse, QoS,
    ReasonCode, RetainHandling, SubAck, SubscriptionOptions, UnsubAck,
};

use ProtocolVersion::{V5, V311};

/// A session, a clock, and the broker's side of the wire.
struct Harness {
    session: Session,
    now: Instant,
    broker_decoder: Decoder,
    version: ProtocolVersion,
}

impl Harness {
    fn new(connect: Connect) -> Harness {
        let version = connect.protocol_version;
        Harness {
            session: Session::new(connect, SessionOptions::default()),
            now: Instant::now(),
            broker_decoder: Decoder::new(version, None),
            version,
        }
    }

    fn v5() -> Harness {
        let mut connect = Connect::new(V5, "tester");
        connect.keep_alive_secs = 60;
        connect.properties.push(Property::TopicAliasMaximum(5));
        Harness::new(connect)
    }

    /// Connect and accept with `connack`; returns the CONNECT sent.
    fn connect_with(&mut self, connack: ConnAck) -> Connect {
        self.session.connect(self.now).unwrap();
        let sent = self.sent();
        let [Packet::Connect(connect)] = &sent[..] else {
            panic!("expected CONNECT, got {sent:?}")
        };
        let connect = connect.clone();
        self.receive(Packet::ConnAck(connack));
        connect
    }

    fn connected(&mut self) {
        self.connect_with(ConnAck::new(false, ReasonCode::Success));
        assert!(matches!(self.events()[..], [SessionEvent::Connected(_)]));
    }

    /// Everything the session wrote, decoded as the broker would.
    fn sent(&mut self) -> Vec<Packet> {
        while let Some(bytes) = self.session.poll_transmit() {
            self.broker_decoder.feed(&bytes);
        }
        let mut packets = Vec::new();
        while let Some(packet) = self
            .broker_decoder
            .next_packet()
            .expect("client sent garbage")
        {
            packets.push(packet);
        }
        packets
    }

    fn events(&mut self) -> Vec<SessionEvent> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    fn receive(&mut self, packet: Packet) {
        let bytes = packet.to_bytes(self.version).unwrap();
        self.session.handle_bytes(self.now, &bytes);
    }

    fn advance(&mut self, duration: Duration) {
        self.now += duration;
        self.session.handle_timeout(self.now);
    }
}

fn connack_with(properties: Vec<Property>) -> ConnAck {
    ConnAck {
        session_present: false,
        reason_code: ReasonCode::Success,
        properties: properties.into(),
    }
}

fn publish(topic: &str, qos: QoS, payload: &'static [u8]) -> Publish {
    let mut publish = Publish::new(topic, Bytes::from_static(payload));
    publish.qos = qos;
    publish
}

// ---- CONNECT / CONNACK ---------------------------------------------------

#[test]
fn connack_details_are_reported_with_defaults_filled_in() {
    // [MQTT-3.1.0-1] the first packet is CONNECT.
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![
        Property::AssignedClientIdentifier("auto-1".into()),
        Property::ServerKeepAlive(20),
        Property::ReceiveMaximum(10),
        Property::MaximumQos(1),
        Property::RetainAvailable(false),
        Property::MaximumPacketSize(1000),
        Property::TopicAliasMaximum(3),
        Property::WildcardSubscriptionAvailable(false),
        Property::ResponseInformation("resp/".into()),
        Property::ReasonString("welcome".into()),
        Property::UserProperty("k".into(), "v".into()),
    ]));
    let events = h.events();
    let [SessionEvent::Connected(info)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(info.assigned_client_id.as_deref(), Some("auto-1"));
    assert_eq!(info.keep_alive_secs, 20);
    assert_eq!(info.receive_maximum, 10);
    assert_eq!(info.maximum_qos, QoS::AtLeastOnce);
    assert!(!info.retain_available);
    assert_eq!(info.maximum_packet_size, Some(1000));
    assert_eq!(info.topic_alias_maximum, 3);
    assert!(!info.wildcard_subscription_available);
    assert!(info.shared_subscription_available, "absent means available");
    assert_eq!(info.response_information.as_deref(), Some("resp/"));
    assert_eq!(info.reason_string.as_deref(), Some("welcome"));
    assert_eq!(info.user_properties, [("k".to_owned(), "v".to_owned())]);
    assert!(h.session.is_connected());
}

#[test]
fn a_refused_connect_says_why_in_plain_words() {
    let mut h = Harness::v5();
    h.connect_with(ConnAck {
        session_present: false,
        reason_code: ReasonCode::BadUserNameOrPassword,
        properties: Properties::new().with(Property::ReasonString("try again".into())),
    });
    let events = h.events();
    let [SessionEvent::Closed(CloseReason::Refused(reason))] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(reason.reason_code, ReasonCode::BadUserNameOrPassword);
    assert_eq!(reason.reason_string.as_deref(), Some("try again"));
    assert!(h.session.is_closed());
}

#[test]
fn session_present_after_a_clean_start_is_a_protocol_error() {
    // [MQTT-3.2.2-4] after Clean Start 1, Session Present must be 0.
    let mut h = Harness::v5();
    h.connect_with(ConnAck::new(true, ReasonCode::Success));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::ProtocolError
        ))]
    );
    assert!(matches!(
        h.events()[..],
        [SessionEvent::Closed(CloseReason::ProtocolViolation { .. })]
    ));
}

#[test]
fn a_broker_that_never_answers_connect_is_given_up_on() {
    let mut h = Harness::v5();
    h.session.connect(h.now).unwrap();
    assert_eq!(
        h.session.poll_timeout(),
        Some(h.now + Duration::from_secs(10))
    );
    h.advance(Duration::from_secs(9));
    assert!(h.events().is_empty());
    h.advance(Duration::from_secs(1));
    assert_eq!(
        h.events(),
        [SessionEvent::Closed(CloseReason::ConnAckTimeout {
            waited_ms: 10_000
        })]
    );
}

#[test]
fn a_packet_before_connack_is_a_protocol_error() {
    // [MQTT-3.2.0-1] the first packet from the server is CONNACK.
    let mut h = Harness::v5();
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::PingResp);
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::ProtocolError
        ))]
    );
    assert!(matches!(
        h.events()[..],
        [SessionEvent::Closed(CloseReason::ProtocolViolation {
            reason_code: ReasonCode::ProtocolError,
            ..
        })]
    ));
}

// ---- Keep alive ----------------------------------------------------------

#[test]
fn keep_alive_pings_when_idle_and_notices_a_silent_broker() {
    // [MQTT-3.1.2-21] the Server Keep Alive replaces the client's value.
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![Property::ServerKeepAlive(2)]));
    h.events();
    assert_eq!(
        h.session.poll_timeout(),
        Some(h.now + Duration::from_secs(2))
    );
    h.advance(Duration::from_millis(1999));
    assert!(h.sent().is_empty());
    // [MQTT-3.1.2-20] idle for the keep alive: PINGREQ.
    h.advance(Duration::from_millis(1));
    assert_eq!(h.sent(), [Packet::PingReq]);
    h.receive(Packet::PingResp);
    h.advance(Duration::from_secs(2));
    assert_eq!(h.sent(), [Packet::PingReq]);
    // No PINGRESP: noticed within 1.5 keep-alive intervals of the last packet sent.
    h.advance(Duration::from_millis(999));
    assert!(h.events().is_empty());
    h.advance(Duration::from_millis(1));
    let events = h.events();
    assert_eq!(
        events,
        [SessionEvent::Closed(CloseReason::KeepAliveTimeout {
            waited_ms: 1000
        })]
    );
}

#[test]
fn sending_anything_postpones_the_ping() {
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![Property::ServerKeepAlive(10)]));
    h.events();
    h.advance(Duration::from_secs(8));
    h.session
        .publish(h.now, publish("t", QoS::AtMostOnce, b"x"))
        .unwrap();
    h.sent();
    h.advance(Duration::from_secs(8));
    assert!(h.sent().is_empty());
    h.advance(Duration::from_secs(2));
    assert_eq!(h.sent(), [Packet::PingReq]);
}

// ---- Outgoing QoS 1 and 2 ------------------------------------------------

#[test]
fn qos1_publish_completes_with_the_pubacks_reason() {
    let mut h = Harness::v5();
    h.connected();
    let id = h
        .session
        .publish(h.now, publish("a/b", QoS::AtLeastOnce, b"1"))
        .unwrap();
    let sent = h.sent();
    let [Packet::Publish(p)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_ne!(p.packet_id, 0, "[MQTT-2.2.1-3]");
    h.receive(Packet::PubAck(PubResponse {
        packet_id: p.packet_id,
        reason_code: ReasonCode::NoMatchingSubscribers,
        properties: Properties::new(),
    }));
    let events = h.events();
    let [SessionEvent::PublishCompleted { id: done, reason }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(*done, id);
    assert_eq!(reason.reason_code, ReasonCode::NoMatchingSubscribers);
    assert_eq!(h.session.in_flight_count(), 0);
}

#[test]
fn qos2_publish_goes_through_pubrec_pubrel_pubcomp() {
    // [MQTT-4.3.3-4] PUBREC is answered with PUBREL; [MQTT-4.3.3-5] PUBCOMP ends the flow.
    let mut h = Harness::v5();
    h.connected();
    let id = h
        .session
        .publish(h.now, publish("a", QoS::ExactlyOnce, b"2"))
        .unwrap();
    let Packet::Publish(p) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::PubRec(PubResponse::new(p.packet_id)));
    assert_eq!(h.sent(), [Packet::PubRel(PubResponse::new(p.packet_id))]);
    assert!(h.events().is_empty());
    h.receive(Packet::PubComp(PubResponse::new(p.packet_id)));
    assert!(matches!(
        &h.events()[..],
        [SessionEvent::PublishCompleted { id: done, reason }] if *done == id && reason.reason_code == ReasonCode::Success
    ));
}

#[test]
fn a_pubrec_with_an_error_ends_the_flow_without_pubrel() {
    let mut h = Harness::v5();
    h.connected();
    h.session
        .publish(h.now, publish("a", QoS::ExactlyOnce, b"2"))
        .unwrap();
    let Packet::Publish(p) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::PubRec(PubResponse {
        packet_id: p.packet_id,
        reason_code: ReasonCode::QuotaExceeded,
        properties: Properties::new(),
    }));
    assert!(h.sent().is_empty());
    assert!(matches!(
        &h.events()[..],
        [SessionEvent::PublishCompleted { reason, .. }] if reason.reason_code == ReasonCode::QuotaExceeded
    ));
}

#[test]
fn receive_maximum_limits_unacknowledged_publishes_and_keeps_order() {
    // [MQTT-4.9.0-2] at most Receive Maximum QoS 1/2 PUBLISH unacknowledged.
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![Property::ReceiveMaximum(2)]));
    h.events();
    for i in 0..5u8 {
        let payload: &'static [u8] = [&b"0"[..], b"1", b"2", b"3", b"4"][usize::from(i)];
        h.session
            .publish(h.now, publish("q", QoS::AtLeastOnce, payload))
            .unwrap();
    }
    let first = h.sent();
    assert_eq!(first.len(), 2);
    assert_eq!(h.session.queued_count(), 3);
    let mut order = Vec::new();
    let mut pending: Vec<Packet> = first;
    while !pending.is_empty() {
        let Packet::Publish(p) = pending.remove(0) else {
            panic!()
        };
        order.push(p.payload.clone());
        h.receive(Packet::PubAck(PubResponse::new(p.packet_id)));
        pending.extend(h.sent());
        assert!(h.session.in_flight_count() <= 2);
    }
    assert_eq!(order, [&b"0"[..], b"1", b"2", b"3", b"4"]);
}

#[test]
fn packet_identifiers_are_not_reused_while_in_flight() {
    // [MQTT-2.2.1-3]
    let mut h = Harness::v5();
    h.connected();
    let mut ids = std::collections::HashSet::new();
    for _ in 0..100 {
        h.session
            .publish(h.now, publish("t", QoS::AtLeastOnce, b""))
            .unwrap();
    }
    for packet in h.sent() {
        let Packet::Publish(p) = packet else { panic!() };
        assert!(ids.insert(p.packet_id), "reused {}", p.packet_id);
    }
}

// ---- Limits the broker announces ----------------------------------------

#[test]
fn the_brokers_limits_are_respected_and_refusals_keep_the_connection() {
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![
        Property::MaximumPacketSize(256),
        Property::TopicAliasMaximum(2),
        Property::MaximumQos(1),
        Property::RetainAvailable(false),
    ]));
    h.events();
    // [MQTT-3.2.2-15] nothing larger than the broker's Maximum Packet Size.
    let big = Publish::new("t", Bytes::from(vec![0u8; 300]));
    assert!(matches!(
        h.session.publish(h.now, big),
        Err(SessionError::Codec(CodecError::PacketTooLarge {
            limit: 256,
            ..
        }))
    ));
    // [MQTT-3.2.2-17] no topic alias above the broker's maximum.
    let mut aliased = publish("t", QoS::AtMostOnce, b"");
    aliased.properties.push(Property::TopicAlias(3));
    assert_eq!(
        h.session.publish(h.now, aliased.clone()),
        Err(SessionError::TopicAliasTooLarge {
            alias: 3,
            maximum: 2
        })
    );
    // [MQTT-3.2.2-11] no QoS above the broker's Maximum QoS.
    assert_eq!(
        h.session
            .publish(h.now, publish("t", QoS::ExactlyOnce, b"")),
        Err(SessionError::QosNotSupported {
            requested: 2,
            maximum: 1
        })
    );
    // [MQTT-3.2.2-14] no retained message when Retain Available is 0.
    let mut retained = publish("t", QoS::AtMostOnce, b"");
    retained.retain = true;
    assert_eq!(
        h.session.publish(h.now, retained),
        Err(SessionError::RetainNotSupported)
    );
    // [MQTT-3.3.4-6] no Subscription Identifier from a client.
    let mut with_sub_id = publish("t", QoS::AtMostOnce, b"");
    with_sub_id
        .properties
        .push(Property::SubscriptionIdentifier(1));
    assert_eq!(
        h.session.publish(h.now, with_sub_id),
        Err(SessionError::SubscriptionIdentifierInPublish)
    );
    assert!(h.sent().is_empty(), "nothing was sent");
    assert!(h.session.is_connected(), "the connection stays up");
    // What fits is sent.
    aliased.properties = Properties::new().with(Property::TopicAlias(2));
    h.session.publish(h.now, aliased).unwrap();
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn wildcard_subscriptions_are_refused_when_the_broker_has_none() {
    let mut h = Harness::v5();
    h.connect_with(connack_with(vec![Property::WildcardSubscriptionAvailable(
        false,
    )]));
    h.events();
    assert_eq!(
        h.session.subscribe(
            h.now,
            vec![SubscribeFilter::new("a/#", QoS::AtMostOnce)],
            Properties::new()
        ),
        Err(SessionError::FeatureNotAvailable {
            feature: "wildcard subscriptions"
        })
    );
}

// ---- Incoming messages ---------------------------------------------------

#[test]
fn incoming_qos1_is_delivered_and_acknowledged() {
    // [MQTT-4.3.2-4]
    let mut h = Harness::v5();
    h.connected();
    let mut p = publish("in", QoS::AtLeastOnce, b"m");
    p.packet_id = 7;
    h.receive(Packet::Publish(p.clone()));
    assert_eq!(h.events(), [SessionEvent::Message(p)]);
    assert_eq!(h.sent(), [Packet::PubAck(PubResponse::new(7))]);
}

#[test]
fn incoming_qos2_is_delivered_exactly_once() {
    // [MQTT-4.3.3-8] PUBREC; [MQTT-4.3.3-10] a copy re-sent before PUBREL is not delivered again.
    let mut h = Harness::v5();
    h.connected();
    let mut p = publish("in", QoS::ExactlyOnce, b"m");
    p.packet_id = 9;
    h.receive(Packet::Publish(p.clone()));
    assert_eq!(h.events(), [SessionEvent::Message(p.clone())]);
    assert_eq!(h.sent(), [Packet::PubRec(PubResponse::new(9))]);
    p.dup = true;
    h.receive(Packet::Publish(p));
    assert!(h.events().is_empty());
    assert_eq!(h.sent(), [Packet::PubRec(PubResponse::new(9))]);
    // [MQTT-4.3.3-11] PUBREL is answered with PUBCOMP.
    h.receive(Packet::PubRel(PubResponse::new(9)));
    assert_eq!(h.sent(), [Packet::PubComp(PubResponse::new(9))]);
    // A PUBREL for an unknown identifier: PUBCOMP 0x92.
    h.receive(Packet::PubRel(PubResponse::new(9)));
    assert!(matches!(
        &h.sent()[..],
        [Packet::PubComp(c)] if c.reason_code == ReasonCode::PacketIdentifierNotFound
    ));
}

#[test]
fn incoming_topic_aliases_are_resolved() {
    let mut h = Harness::v5();
    h.connected();
    let mut first = publish("sensors/t", QoS::AtMostOnce, b"1");
    first.properties.push(Property::TopicAlias(1));
    h.receive(Packet::Publish(first));
    let mut second = publish("", QoS::AtMostOnce, b"2");
    second.properties.push(Property::TopicAlias(1));
    h.receive(Packet::Publish(second));
    let topics: Vec<String> = h
        .events()
        .into_iter()
        .map(|e| match e {
            SessionEvent::Message(p) => p.topic.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(topics, ["sensors/t", "sensors/t"]);
}

#[test]
fn a_topic_alias_above_our_maximum_closes_with_0x94() {
    // [MQTT-3.3.2-11] the broker may not use an alias above our Topic Alias Maximum (5).
    let mut h = Harness::v5();
    h.connected();
    let mut p = publish("t", QoS::AtMostOnce, b"");
    p.properties.push(Property::TopicAlias(6));
    h.receive(Packet::Publish(p));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::TopicAliasInvalid
        ))]
    );
    assert!(matches!(
        h.events()[..],
        [SessionEvent::Closed(CloseReason::ProtocolViolation {
            reason_code: ReasonCode::TopicAliasInvalid,
            ..
        })]
    ));
}

#[test]
fn an_unknown_topic_alias_is_a_protocol_error() {
    let mut h = Harness::v5();
    h.connected();
    let mut p = publish("", QoS::AtMostOnce, b"");
    p.properties.push(Property::TopicAlias(4));
    h.receive(Packet::Publish(p));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::ProtocolError
        ))]
    );
}

#[test]
fn a_malformed_packet_closes_with_0x81_and_says_what_was_wrong() {
    let mut h = Harness::v5();
    h.connected();
    // PUBLISH with QoS 3 [MQTT-3.3.1-4].
    h.session
        .handle_bytes(h.now, &[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01]);
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::MalformedPacket
        ))]
    );
    let events = h.events();
    let [
        SessionEvent::Closed(CloseReason::ProtocolViolation {
            violation: Violation::Malformed(_),
            reason_code: ReasonCode::MalformedPacket,
        }),
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    // Nothing more is processed once closed.
    h.receive(Packet::PingResp);
    assert!(h.events().is_empty());
}

#[test]
fn more_unacknowledged_qos2_than_our_receive_maximum_closes_with_0x93() {
    // [MQTT-3.3.4-9]
    let mut connect = Connect::new(V5, "c");
    connect.properties.push(Property::ReceiveMaximum(1));
    let mut h = Harness::new(connect);
    h.connected();
    for id in [1, 2] {
        let mut p = publish("t", QoS::ExactlyOnce, b"");
        p.packet_id = id;
        h.receive(Packet::Publish(p));
    }
    let sent = h.sent();
    assert_eq!(
        sent.last(),
        Some(&Packet::Disconnect(Disconnect::new(
            ReasonCode::ReceiveMaximumExceeded
        )))
    );
}

// ---- Subscriptions -------------------------------------------------------

#[test]
fn subscribe_with_every_option_and_a_result_per_filter() {
    let mut h = Harness::v5();
    h.connected();
    let filters = vec![
        SubscribeFilter {
            filter: "a/+".into(),
            options: SubscriptionOptions {
                maximum_qos: QoS::ExactlyOnce,
                no_local: true,
                retain_as_published: true,
                retain_handling: RetainHandling::SendAtSubscribeIfNew,
            },
        },
        SubscribeFilter::new("#", QoS::AtMostOnce),
    ];
    let properties = Properties::new()
        .with(Property::SubscriptionIdentifier(42))
        .with(Property::UserProperty("who".into(), "me".into()));
    let id = h
        .session
        .subscribe(h.now, filters.clone(), properties.clone())
        .unwrap();
    let sent = h.sent();
    let [Packet::Subscribe(s)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!((&s.filters, &s.properties), (&filters, &properties));
    h.receive(Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        properties: Properties::new().with(Property::ReasonString("no # here".into())),
        reason_codes: vec![ReasonCode::GrantedQos2, ReasonCode::NotAuthorized],
    }));
    let events = h.events();
    let [
        SessionEvent::Subscribed {
            id: done,
            results,
            reason_string,
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*done, id);
    assert_eq!(results[0].reason_code, ReasonCode::GrantedQos2);
    assert_eq!(results[1].filter, "#");
    assert_eq!(results[1].reason_code, ReasonCode::NotAuthorized);
    assert_eq!(reason_string.as_deref(), Some("no # here"));
    // Only the granted filter is remembered.
    assert_eq!(h.session.subscriptions().count(), 1);
}

#[test]
fn a_suback_with_the_wrong_number_of_results_is_a_protocol_error() {
    // [MQTT-3.8.4-6] one reason code per topic filter.
    let mut h = Harness::v5();
    h.connected();
    h.session
        .subscribe(
            h.now,
            vec![SubscribeFilter::new("a", QoS::AtMostOnce)],
            Properties::new(),
        )
        .unwrap();
    let Packet::Subscribe(s) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::Success, ReasonCode::Success],
    }));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::ProtocolError
        ))]
    );
}

#[test]
fn unsubscribe_reports_each_filter() {
    let mut h = Harness::v5();
    h.connected();
    let id = h
        .session
        .unsubscribe(h.now, vec!["a".into(), "b".into()], Properties::new())
        .unwrap();
    let Packet::Unsubscribe(u) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::UnsubAck(UnsubAck {
        packet_id: u.packet_id,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted],
    }));
    let events = h.events();
    let [SessionEvent::Unsubscribed { id: done, results }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(*done, id);
    assert_eq!(results[1].reason_code, ReasonCode::NoSubscriptionExisted);
}

// ---- Sessions across connections ----------------------------------------

#[test]
fn a_resumed_session_resends_publish_with_dup_and_pubrel_in_order() {
    // [MQTT-4.4.0-1] with Session Present, resend unacknowledged PUBLISH
    // (DUP set, [MQTT-3.3.1-1]) and PUBREL in their original order.
    let mut connect = Connect::new(V5, "durable");
    connect.clean_start = false;
    connect
        .properties
        .push(Property::SessionExpiryInterval(300));
    let mut h = Harness::new(connect);
    h.connected();
    h.session
        .publish(h.now, publish("a", QoS::AtLeastOnce, b"q1"))
        .unwrap();
    h.session
        .publish(h.now, publish("b", QoS::ExactlyOnce, b"q2"))
        .unwrap();
    let sent = h.sent();
    let (Packet::Publish(q1), Packet::Publish(q2)) = (&sent[0], &sent[1]) else {
        panic!()
    };
    h.receive(Packet::PubRec(PubResponse::new(q2.packet_id)));
    h.sent();
    h.session.connection_lost("cable pulled");
    assert!(matches!(
        &h.events()[..],
        [SessionEvent::Closed(CloseReason::ConnectionLost { detail })] if detail == "cable pulled"
    ));

    let connect = h.connect_with(ConnAck::new(true, ReasonCode::Success));
    assert!(!connect.clean_start);
    let resent = h.sent();
    let mut expected = q1.clone();
    expected.dup = true;
    assert_eq!(
        resent,
        [
            Packet::Publish(expected),
            Packet::PubRel(PubResponse::new(q2.packet_id))
        ]
    );
    h.receive(Packet::PubAck(PubResponse::new(q1.packet_id)));
    h.receive(Packet::PubComp(PubResponse::new(q2.packet_id)));
    let completed = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, SessionEvent::PublishCompleted { .. }))
        .count();
    assert_eq!(completed, 2, "QoS 1 loses nothing, QoS 2 completes once");
}

#[test]
fn without_session_present_the_state_is_dropped_and_subscriptions_renewed() {
    // [MQTT-3.2.2-5] no session on the broker: discard the client's session state.
    let mut h = Harness::v5();
    h.connected();
    h.session
        .subscribe(
            h.now,
            vec![SubscribeFilter::new("x/#", QoS::AtLeastOnce)],
            Properties::new(),
        )
        .unwrap();
    let Packet::Subscribe(s) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        properties: Properties::new(),
        reason_codes: vec![ReasonCode::GrantedQos1],
    }));
    let id = h
        .session
        .publish(h.now, publish("a", QoS::AtLeastOnce, b""))
        .unwrap();
    h.sent();
    h.events();
    h.session.connection_lost("reset");
    h.events();
    h.connect_with(ConnAck::new(false, ReasonCode::Success));
    let events = h.events();
    assert!(matches!(events[0], SessionEvent::Connected(_)));
    assert!(matches!(&events[1], SessionEvent::PublishFailed { id: failed, .. } if *failed == id));
    assert_eq!(h.session.in_flight_count(), 0);
    let sent = h.sent();
    let [Packet::Subscribe(again)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(&*again.filters[0].filter, "x/#");
}

#[test]
fn messages_published_while_disconnected_wait_for_the_connection() {
    let mut h = Harness::v5();
    h.session
        .publish(h.now, publish("early", QoS::AtLeastOnce, b""))
        .unwrap();
    h.connected();
    assert!(matches!(&h.sent()[..], [Packet::Publish(p)] if &*p.topic == "early"));
}

// ---- DISCONNECT and AUTH -------------------------------------------------

#[test]
fn disconnect_in_both_directions() {
    let mut h = Harness::v5();
    h.connected();
    h.receive(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::ServerShuttingDown,
        properties: Properties::new().with(Property::ReasonString("maintenance".into())),
    }));
    let events = h.events();
    let [SessionEvent::Closed(CloseReason::BrokerDisconnect(reason))] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(reason.reason_string.as_deref(), Some("maintenance"));

    let mut h = Harness::v5();
    h.connected();
    h.session
        .disconnect(
            h.now,
            ReasonCode::DisconnectWithWillMessage,
            Properties::new().with(Property::SessionExpiryInterval(0)),
        )
        .unwrap();
    let sent = h.sent();
    assert!(matches!(
        &sent[..],
        [Packet::Disconnect(d)] if d.reason_code == ReasonCode::DisconnectWithWillMessage
            && d.properties.session_expiry_interval_secs() == Some(0)
    ));
    assert_eq!(
        h.events(),
        [SessionEvent::Closed(CloseReason::ClientRequest {
            reason_code: ReasonCode::DisconnectWithWillMessage
        })]
    );
}

#[test]
fn auth_without_enhanced_authentication_fails_clearly() {
    // [MQTT-4.12.0-6] no AUTH unless CONNECT named an Authentication Method.
    let mut h = Harness::v5();
    h.connected();
    h.receive(Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties::new().with(Property::AuthenticationMethod("X".into())),
    }));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::ProtocolError
        ))]
    );
    // With a method the broker may continue, which mqscope does not support: 0x8C.
    let mut connect = Connect::new(V5, "c");
    connect
        .properties
        .push(Property::AuthenticationMethod("SCRAM-SHA-1".into()));
    let mut h = Harness::new(connect);
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties::new().with(Property::AuthenticationMethod("SCRAM-SHA-1".into())),
    }));
    assert_eq!(
        h.sent(),
        [Packet::Disconnect(Disconnect::new(
            ReasonCode::BadAuthenticationMethod
        ))]
    );
    let events = h.events();
    assert!(
        matches!(
            &events[..],
            [SessionEvent::Closed(CloseReason::ProtocolViolation {
                violation: Violation::AuthenticationStep,
                ..
            })]
        ),
        "{events:?}"
    );
}

// ---- Packet log and MQTT 3.1.1 ------------------------------------------

#[test]
fn the_packet_log_reports_every_packet_both_ways_only_when_on() {
    let mut h = Harness::v5();
    h.session.set_packet_log(true);
    h.connected_with_log();
    h.session.set_packet_log(false);
    h.session
        .publish(h.now, publish("t", QoS::AtMostOnce, b""))
        .unwrap();
    assert!(h.events().is_empty());
}

#[test]
fn the_opening_packets_are_reported_with_the_packet_log_off() {
    let mut h = Harness::v5();
    h.session = Session::new(
        h.session.connect_packet().clone(),
        SessionOptions {
            opening_packets: 3,
            ..SessionOptions::default()
        },
    );
    // CONNECT and CONNACK are two of the three.
    h.connected_with_log();
    for _ in 0..4 {
        h.session
            .publish(h.now, publish("t", QoS::AtMostOnce, b""))
            .unwrap();
    }
    let packets = h
        .events()
        .iter()
        .filter(|e| matches!(e, SessionEvent::Packet { .. }))
        .count();
    assert_eq!(packets, 1, "only the third opening packet");
    // Every new connection keeps its own opening packets.
    h.session.connection_lost("gone");
    h.events();
    h.connected_with_log();
}

impl Harness {
    fn connected_with_log(&mut self) {
        self.session.connect(self.now).unwrap();
        let raw_connect = {
            let events = self.events();
            let [
                SessionEvent::Packet {
                    direction: Direction::Sent,
                    bytes,
                    ..
                },
            ] = &events[..]
            else {
                panic!("{events:?}")
            };
            bytes.clone()
        };
        assert_eq!(raw_connect[0] >> 4, PacketType::Connect.to_u8());
        self.sent();
        self.receive(Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)));
        let events = self.events();
        assert!(matches!(
            &events[..],
            [SessionEvent::Packet { direction: Direction::Received, bytes, .. }, SessionEvent::Connected(_)]
                if bytes[..] == [0x20, 0x03, 0x00, 0x00, 0x00]
        ));
    }
}

#[test]
fn mqtt_311_session() {
    let mut connect = Connect::new(V311, "old");
    connect.keep_alive_secs = 5;
    let mut h = Harness::new(connect);
    h.connect_with(ConnAck::new(false, ReasonCode::Success));
    assert!(matches!(h.events()[..], [SessionEvent::Connected(_)]));
    h.session
        .publish(h.now, publish("t", QoS::AtLeastOnce, b"x"))
        .unwrap();
    let Packet::Publish(p) = h.sent().remove(0) else {
        panic!()
    };
    h.receive(Packet::PubAck(PubResponse::new(p.packet_id)));
    assert!(matches!(
        h.events()[..],
        [SessionEvent::PublishCompleted { .. }]
    ));
    h.advance(Duration::from_secs(5));
    assert_eq!(h.sent(), [Packet::PingReq]);
    // A 3.1.1 broker that breaks the protocol is simply disconnected (no reason code).
    h.session.handle_bytes(h.now, &[0x00, 0x00]);
    assert!(h.sent().is_empty());
    assert!(h.session.is_closed());
}
