//! Decoded payloads in the window (egui_kittest), on the built-in broker:
//! a saved profile's Protobuf rule, CBOR by its Content Type, Sparkplug B
//! with aliases named from the birth and its node's state, and "Request
//! rebirth…", whose NCMD another client receives.

#![cfg(feature = "builtin-broker")]

mod support;

use std::time::Duration;

use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mqscope::app::MqscopeApp;
use mqscope::net::{Command, Event, TransportKind};
use mqscope::profiles::{Profile, SavedSubscription};
use mqscope::proto::{Properties, Property, Publish, QoS, SubscribeFilter};
use support::broker::start_plain;
use support::client::{Client, config};
use support::decoders::{case, reading_rule, telemetry_rule};
use support::window::{connected_window, has_label_containing, wait_until};

fn select(harness: &mut Harness<'_, MqscopeApp>, topic: &str) {
    wait_until(harness, topic, |h| {
        let tab = &h.state().tabs[h.state().active];
        tab.model.tree.find(topic).is_some()
    });
    let app = harness.state_mut();
    let tab = &mut app.tabs[app.active];
    tab.tree.selected = tab.model.tree.find(topic);
    harness.run_steps(3);
}

#[test]
fn decoded_payloads_say_why_sparkplug_names_its_aliases_and_a_rebirth_is_asked_for() {
    let (_broker, port) = start_plain();
    let mut profile = Profile {
        id: "plant".into(),
        name: "Plant".into(),
        host: "127.0.0.1".into(),
        port,
        subscriptions: vec![SavedSubscription::new("#")],
        ..Profile::default()
    };
    profile.decoders.rules.push(telemetry_rule());
    profile.decoders.rules.push(reading_rule());
    let (_dir, mut harness) = connected_window(profile);

    // A SCADA-like client hears NCMDs.
    let host = Client::start(config(TransportKind::Tcp, port, "decoding-window-host"));
    host.connected();
    host.send(Command::Subscribe {
        tag: 1,
        filters: vec![SubscribeFilter::new("spBv1.0/+/NCMD/+", QoS::AtLeastOnce)],
        properties: Properties::new(),
    });
    host.wait_for(Duration::from_secs(10), |e| {
        matches!(e, Event::Subscribed { .. }).then_some(())
    })
    .expect("the host subscribed");
    for (tag, name) in [
        "protobuf",
        "cbor",
        "avro",
        "avro-container-snappy",
        "sp-nbirth",
        "sp-ndata",
    ]
    .iter()
    .enumerate()
    {
        let case = case(name);
        let mut publish = Publish::new(case.topic.as_str(), case.payload);
        publish.qos = QoS::AtLeastOnce;
        if let Some(content_type) = case.content_type {
            publish.properties = Properties::new().with(Property::ContentType(content_type.into()));
        }
        host.send(Command::Publish {
            tag: tag as u64 + 10,
            publish,
        });
    }

    select(&mut harness, "factory/line-1/telemetry");
    wait_until(&mut harness, "the Protobuf by its rule", |h| {
        has_label_containing(
            h,
            "Shown as Protobuf because the decoder rule for factory/+/telemetry says so.",
        )
    });
    assert!(
        has_label_containing(&harness, "line-1"),
        "the site field's value"
    );
    assert!(
        has_label_containing(&harness, "45.75"),
        "the nested location"
    );

    select(&mut harness, "devices/cbor/1");
    assert!(has_label_containing(
        &harness,
        "Shown as CBOR because its Content Type is application/cbor."
    ));
    assert!(
        has_label_containing(&harness, "1700000000"),
        "the tagged value"
    );

    select(&mut harness, "plant/line-1/reading");
    assert!(has_label_containing(
        &harness,
        "Shown as Avro because the decoder rule for plant/+/reading says so."
    ));
    assert!(
        has_label_containing(&harness, "2026-12-04T21:05:07.250Z"),
        "the timestamp in words"
    );
    select(&mut harness, "plant/line-1/batch-snappy");
    assert!(has_label_containing(
        &harness,
        "Shown as Avro because the payload is an Avro container file."
    ));
    assert!(
        has_label_containing(&harness, "lab.Reading"),
        "the container's own schema"
    );

    select(&mut harness, "spBv1.0/plant/NDATA/edge-1");
    assert!(has_label_containing(
        &harness,
        "Shown as Sparkplug B because the topic is in the Sparkplug B namespace."
    ));
    assert!(has_label_containing(
        &harness,
        "Sparkplug B edge node plant/edge-1:"
    ));
    assert!(
        harness.query_by_label("online").is_some(),
        "the node's state"
    );
    assert!(
        has_label_containing(&harness, "Temperature"),
        "the alias named from the birth"
    );

    // Request rebirth, confirmed: the host receives the NCMD.
    harness.get_by_label("Request rebirth…").click_accesskit();
    harness.run_steps(4);
    assert!(has_label_containing(&harness, "Ask edge-1 for a rebirth?"));
    harness.get_by_label("Publish the NCMD").click_accesskit();
    harness.run_steps(4);
    let (ncmd, _) = host
        .wait_for(Duration::from_secs(10), |e| match e {
            Event::Message(p) if p.topic.ends_with("NCMD/edge-1") => Some(p.clone()),
            _ => None,
        })
        .expect("the NCMD arrives");
    assert_eq!(&*ncmd.topic, "spBv1.0/plant/NCMD/edge-1");
    let payload = mqscope::decode::sparkplug::payload::decode(&ncmd.payload).unwrap();
    assert_eq!(
        payload.metrics[0].name.as_deref(),
        Some("Node Control/Rebirth")
    );
    assert_eq!(
        payload.metrics[0].value,
        mqscope::decode::sparkplug::RawValue::Boolean(true)
    );
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Publish the NCMD")
            .is_none(),
        "the confirmation closed"
    );
}
