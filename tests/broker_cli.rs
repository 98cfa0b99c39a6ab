//! `mqscope broker`, the built-in broker with no window, as a lab server runs
//! it: real sockets on 127.0.0.1, driven by mqscope's own client and, where
//! they are installed, mosquitto's.

#![cfg(feature = "builtin-broker")]

mod support;

use std::net::TcpListener;
use std::process::Command as Process;
use std::time::Duration;

use bytes::Bytes;
use mqscope::net::{Command, Event, TransportKind};
use mqscope::proto::{Properties, Property, Publish, QoS, ReasonCode, SubscribeFilter, Will};
use support::broker::BrokerProcess;
use support::client::{Client, config};
use support::{free_port, mqscope_bin, skip};

const LONG: Duration = Duration::from_secs(10);

#[test]
fn it_prints_its_listeners_serves_mqtt_5_and_stops_cleanly_on_ctrl_c() {
    let (port, ws_port) = (free_port(), free_port());
    let broker = BrokerProcess::start(
        &["-p", &port.to_string(), "--ws-port", &ws_port.to_string()],
        2,
    );
    assert_eq!(
        broker.lines,
        [
            format!("listening on mqtt://127.0.0.1:{port}"),
            format!("listening on ws://127.0.0.1:{ws_port}/mqtt"),
        ]
    );

    // A retained message with MQTT 5 properties, read back by a new client.
    let publisher = Client::start(config(TransportKind::Tcp, port, "broker-cli-pub"));
    publisher.connected();
    let mut retained = Publish::new("lab/bench/name", Bytes::from_static(b"bench 1"));
    retained.retain = true;
    retained.qos = QoS::ExactlyOnce;
    retained.properties = Properties::new()
        .with(Property::ContentType("text/plain".into()))
        .with(Property::UserProperty("site".into(), "lab-A".into()));
    publisher.send(Command::Publish {
        tag: 1,
        publish: retained,
    });
    publisher
        .wait_for(LONG, |e| {
            matches!(e, Event::PublishCompleted { tag: 1, .. }).then_some(())
        })
        .expect("QoS 2 completes");

    // The subscriber also has a will, which the broker sends when it drops.
    let mut cfg = config(TransportKind::WebSocket, ws_port, "broker-cli-sub");
    cfg.address.path = "/mqtt".to_owned();
    cfg.connect.will = Some(Will {
        topic: "lab/bench/gone".into(),
        payload: Bytes::from_static(b"bye"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: Properties::new(),
    });
    let subscriber = Client::start(cfg);
    subscriber.connected();
    subscriber.send(Command::Subscribe {
        tag: 2,
        filters: vec![SubscribeFilter::new("lab/#", QoS::ExactlyOnce)],
        properties: Properties::new(),
    });
    let (message, _) = subscriber
        .wait_for(LONG, |e| match e {
            Event::Message(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the retained message over WebSocket");
    assert_eq!(
        (&*message.topic, &message.payload[..]),
        ("lab/bench/name", &b"bench 1"[..])
    );
    assert!(message.retain, "delivered as retained");
    assert_eq!(message.properties.content_type(), Some("text/plain"));
    assert_eq!(
        message.properties.user_properties().next(),
        Some(("site", "lab-A"))
    );

    // $SYS topics come from the broker itself.
    publisher.send(Command::Subscribe {
        tag: 3,
        filters: vec![SubscribeFilter::new("$SYS/broker/version", QoS::AtMostOnce)],
        properties: Properties::new(),
    });
    publisher
        .wait_for(LONG, |e| match e {
            Event::Message(p) if p.topic.starts_with("$SYS/") => Some(()),
            _ => None,
        })
        .expect("a $SYS topic");
    publisher.send(Command::Subscribe {
        tag: 4,
        filters: vec![SubscribeFilter::new("lab/bench/gone", QoS::AtLeastOnce)],
        properties: Properties::new(),
    });
    publisher
        .wait_for(LONG, |e| {
            matches!(e, Event::Subscribed { tag: 4, .. }).then_some(())
        })
        .expect("SUBACK");
    // DISCONNECT with reason 0x04 asks the broker to send the will.
    subscriber.send(Command::Disconnect {
        reason_code: ReasonCode::DisconnectWithWillMessage,
        properties: Properties::new(),
    });
    publisher
        .wait_for(LONG, |e| match e {
            Event::Message(p) if &*p.topic == "lab/bench/gone" => Some(()),
            _ => None,
        })
        .expect("the will message");
    drop(publisher);

    let status = broker.interrupt();
    assert_eq!(status.code(), Some(0), "Ctrl-C stops it with exit 0");
}

#[test]
fn a_port_that_is_taken_is_refused_in_plain_words() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Process::new(mqscope_bin())
        .args(["broker", "-p", &port, "--no-ws"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} (for MQTT) is already in use")),
        "{stderr}"
    );
}

#[test]
fn listening_beyond_this_computer_needs_a_password() {
    // Refused before anything is bound.
    let out = Process::new(mqscope_bin())
        .args(["broker", "--listen", "0.0.0.0", "--no-ws"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("give a user name and password with -u and -P"),
        "{stderr}"
    );
}

#[test]
fn with_a_password_only_that_user_gets_in() {
    let port = free_port();
    let args = [
        "-p",
        &port.to_string(),
        "--no-ws",
        "-u",
        "lab",
        "-P",
        "s3cret",
    ];
    let _broker = BrokerProcess::start(&args, 1);
    let mut cfg = config(TransportKind::Tcp, port, "broker-cli-auth");
    cfg.connect.user_name = Some("lab".into());
    cfg.connect.password = Some(Bytes::from_static(b"wrong"));
    let refused = Client::start(cfg.clone());
    refused
        .wait_for(LONG, |e| match e {
            Event::Disconnected(mqscope::proto::session::CloseReason::Refused(reason)) => {
                Some(reason.reason_code)
            }
            Event::Connected(_) => panic!("connected with the wrong password"),
            _ => None,
        })
        .expect("refused");
    cfg.connect.password = Some(Bytes::from_static(b"s3cret"));
    Client::start(cfg).connected();
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn the_demo_sensors_are_seen_by_mosquitto_sub() {
    let test = "the_demo_sensors_are_seen_by_mosquitto_sub";
    if Process::new("mosquitto_sub")
        .arg("--help")
        .output()
        .is_err()
    {
        skip(
            test,
            "mosquitto_sub is not installed (apt-get install mosquitto-clients)",
        );
        return;
    }
    let port = free_port().to_string();
    let _broker = BrokerProcess::start(&["-p", &port, "--no-ws", "--demo"], 2);
    let out = Process::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-V",
            "5",
            "-t",
            "lab/#",
            "-C",
            "20",
        ])
        .args(["-W", "10", "-F", "%t %p"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lab/esp32-01/name Bench ESP32 #1"), "{text}");
    // Which of a room's sensors comes first among the first 20 varies (the
    // power meter reports often): any of room-101's will do.
    assert!(text.contains("lab/room-101/"), "{text}");
}

#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
#[test]
fn mosquitto_pub_and_sub_exchange_mqtt_5_messages_through_it() {
    let test = "mosquitto_pub_and_sub_exchange_mqtt_5_messages_through_it";
    if Process::new("mosquitto_pub")
        .arg("--help")
        .output()
        .is_err()
    {
        skip(
            test,
            "mosquitto_pub is not installed (apt-get install mosquitto-clients)",
        );
        return;
    }
    let port = free_port().to_string();
    let _broker = BrokerProcess::start(&["-p", &port, "--no-ws"], 1);
    let base = ["-h", "127.0.0.1", "-p", port.as_str(), "-V", "5"];
    // A retained QoS 2 message with a content type and a user property.
    let out = Process::new("mosquitto_pub")
        .args(base)
        .args(["-t", "lab/bench/setpoint", "-m", "21.5", "-q", "2", "-r"])
        .args(["-D", "publish", "content-type", "text/plain"])
        .args(["-D", "publish", "user-property", "site", "lab-A"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read back by a later subscriber: retained, QoS 2, properties intact.
    let out = Process::new("mosquitto_sub")
        .args(base)
        .args(["-t", "lab/#", "-q", "2", "-C", "1", "-W", "5"])
        .args(["-F", "%t|%p|%r|%q|%C|%P"])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{line} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(
        &fields[..5],
        ["lab/bench/setpoint", "21.5", "1", "2", "text/plain"],
        "{line}"
    );
    assert!(fields[5].contains("site:lab-A"), "{line}");
    // $SYS comes from the broker itself.
    let out = Process::new("mosquitto_sub")
        .args(base)
        .args(["-t", "$SYS/broker/version", "-C", "1", "-W", "15"])
        .output()
        .unwrap();
    assert!(out.status.success(), "no $SYS/broker/version");
    assert!(!out.stdout.is_empty());
}

#[test]
fn a_shared_lab_broker_lets_this_computer_in_and_asks_others_for_the_password() {
    use mqscope::broker::{BrokerOptions, BuiltinBroker, Credentials, PortChoice};
    // What the window's "Let other computers connect" starts, but on
    // loopback (tests bind nothing else): credentials, and loopback trusted.
    // (Preferred, not Exact: another test may take a free port first.)
    let broker = BuiltinBroker::start(&BrokerOptions {
        mqtt_port: PortChoice::Preferred(free_port()),
        ws_port: None,
        credentials: Some(Credentials::generate()),
        trust_loopback: true,
        ..BrokerOptions::default()
    })
    .expect("the built-in broker");
    let port = broker.listening().mqtt.port();
    // A client on this computer needs no password.
    let window = Client::start(config(TransportKind::Tcp, port, "lab-window"));
    window.connected();
    // The broker lists the client once its connect handler has run.
    let deadline = std::time::Instant::now() + LONG;
    while broker.clients().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(broker.clients()[0].client_id, "lab-window");
    // Without trusting loopback, the same anonymous client is refused.
    let strict = BuiltinBroker::start(&BrokerOptions {
        mqtt_port: PortChoice::Preferred(free_port()),
        ws_port: None,
        credentials: Some(Credentials::generate()),
        ..BrokerOptions::default()
    })
    .expect("the strict broker");
    let strict_port = strict.listening().mqtt.port();
    let refused = Client::start(config(TransportKind::Tcp, strict_port, "anonymous"));
    refused
        .wait_for(LONG, |e| match e {
            Event::Disconnected(mqscope::proto::session::CloseReason::Refused(_)) => Some(()),
            Event::Connected(_) => panic!("connected without a password"),
            _ => None,
        })
        .expect("refused without a password");
}
