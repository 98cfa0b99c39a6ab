use super::*;
use crate::proto::session::SubscriptionResult;
use crate::proto::{Properties, Property, QoS};

#[test]
fn the_longest_reconnect_delay_does_not_overflow_the_clock() {
    let mut model = ConnectionModel::default();
    let now = Instant::now();
    for delay in [Duration::MAX, Duration::from_millis(u64::MAX)] {
        model.apply(
            Event::Reconnecting {
                delay,
                attempt: u32::MAX,
            },
            now,
        );
        assert_eq!(model.reconnect_in(now), Some(LONGEST_WAIT));
    }
    model.apply(
        Event::Reconnecting {
            delay: Duration::ZERO,
            attempt: 0,
        },
        now,
    );
    assert_eq!(model.reconnect_in(now), Some(Duration::ZERO));
}

#[test]
fn events_drive_the_state_and_the_data() {
    let mut model = ConnectionModel::default();
    let now = Instant::now();
    model.subscriptions.push(Subscription {
        filter: "#".into(),
        options: SubscriptionOptions::with_qos(QoS::AtMostOnce),
        identifier: None,
        color: [200, 100, 0],
        status: SubscriptionStatus::Pending,
        tag: 7,
    });
    model.apply(
        Event::Subscribed {
            tag: 7,
            results: vec![SubscriptionResult {
                filter: "#".into(),
                reason_code: ReasonCode::NotAuthorized,
            }],
            reason_string: Some("no wildcard for you".into()),
        },
        now,
    );
    assert_eq!(
        model.subscriptions[0].status,
        SubscriptionStatus::Refused(ReasonCode::NotAuthorized)
    );
    assert_eq!(
        model.notices.back().unwrap().kind,
        NoticeKind::SubscriptionRefused {
            filter: "#".into(),
            reason_code: ReasonCode::NotAuthorized,
            reason_string: Some("no wildcard for you".into()),
        }
    );

    let mut publish = Publish::new("a/b", Bytes::from_static(b"1"));
    publish.properties = Properties::new().with(Property::UserProperty("k".into(), "v".into()));
    model.apply(Event::Message(publish), now);
    let node = model.tree.find("a/b").unwrap();
    let last = model.last_message(node).unwrap();
    assert_eq!(
        last.properties.as_ref().unwrap().user_properties().next(),
        Some(("k", "v"))
    );
    assert_eq!(model.history.len(), 1);

    model.apply(
        Event::Disconnected(CloseReason::ConnectionLost {
            detail: "reset".into(),
        }),
        now,
    );
    assert!(
        matches!(&model.state, ConnectionState::Disconnected { by_user: false, reason: EndReason::Closed(CloseReason::ConnectionLost { detail }) } if detail == "reset")
    );
    assert_eq!(
        model.subscriptions[0].status,
        SubscriptionStatus::Refused(ReasonCode::NotAuthorized)
    );
    model.apply(
        Event::Reconnecting {
            delay: Duration::from_secs(4),
            attempt: 2,
        },
        now,
    );
    assert_eq!(model.reconnect_in(now), Some(Duration::from_secs(4)));
}

#[test]
fn the_packet_log_is_bounded_in_bytes_as_well_as_in_packets() {
    let mut model = ConnectionModel::default();
    let big = Bytes::from(vec![0u8; 20 * 1024 * 1024]);
    for _ in 0..5 {
        model.apply(
            Event::Packet {
                direction: Direction::Received,
                at: SystemTime::now(),
                bytes: big.clone(),
            },
            Instant::now(),
        );
    }
    // 64 MiB hold three 20 MiB packets; the two oldest went, counted.
    assert_eq!(model.packets.len(), 3);
    assert_eq!(model.packets_evicted, 2);
    let huge = Bytes::from(vec![0u8; 100 * 1024 * 1024]);
    model.apply(
        Event::Packet {
            direction: Direction::Sent,
            at: SystemTime::now(),
            bytes: huge,
        },
        Instant::now(),
    );
    assert_eq!(model.packets.len(), 1, "the newest is kept to inspect");
    assert_eq!(model.packets_evicted, 5);
}

#[test]
fn a_failure_notice_clears_itself_once_connected_again() {
    let mut model = ConnectionModel::default();
    let now = Instant::now();
    model.apply(
        Event::ConnectFailed(ConnectError::Refused {
            address: "127.0.0.1:1".into(),
        }),
        now,
    );
    assert_eq!(model.notices.len(), 1);
    assert!(!model.ever_connected());
    model.apply(
        Event::Connected(ConnectionInfo::from_connack(
            &crate::proto::ConnAck::new(false, ReasonCode::Success),
            60,
        )),
        now,
    );
    assert!(model.notices.is_empty(), "{:?}", model.notices);
    assert!(model.ever_connected());
    // Connect pressed again later: its failure is news again.
    model.begin_connection();
    model.apply(
        Event::ConnectFailed(ConnectError::Refused {
            address: "127.0.0.1:1".into(),
        }),
        now,
    );
    assert_eq!(
        model.notices.len(),
        1,
        "a new connection's failure is shown"
    );
}

#[test]
fn a_message_this_window_published_is_known_for_its_qos() {
    let mut model = ConnectionModel::new(HistoryLimits::default());
    let mut sent = Publish::new("lab/led", b"on".to_vec());
    sent.qos = crate::proto::QoS::AtLeastOnce;
    model.record_publish(1, sent);
    let now = Instant::now();
    model.ingest(
        &Publish::new("lab/led", b"on".to_vec()),
        now,
        SystemTime::now(),
    );
    model.ingest(
        &Publish::new("lab/led", b"off".to_vec()),
        now,
        SystemTime::now(),
    );
    let mut newest_first = model.history.newest_first();
    let other = newest_first.next().expect("off");
    let echoed = newest_first.next().expect("on");
    let own = model
        .own_publish("lab/led", echoed)
        .expect("its own publish");
    assert_eq!(own.publish.qos, crate::proto::QoS::AtLeastOnce);
    assert_eq!(echoed.qos, crate::proto::QoS::AtMostOnce);
    assert!(
        model.own_publish("lab/led", other).is_none(),
        "another payload"
    );
    assert!(
        model.own_publish("lab/other", echoed).is_none(),
        "another topic"
    );
}
