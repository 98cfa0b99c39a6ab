//! The network thread against a scripted broker on loopback that misbehaves
//! on purpose: a malformed packet, no CONNACK, no PINGRESP, tight limits.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use mqscope::net::{Command, Event, TransportKind};
use mqscope::proto::session::CloseReason;
use mqscope::proto::{
    ConnAck, Decoder, Packet, Properties, Property, ProtocolVersion, PubResponse, Publish, QoS,
    ReasonCode,
};
use mqscope::ui::words;
use support::client::{Client, config};

/// One connection accepted by the scripted broker.
struct Peer {
    stream: TcpStream,
    decoder: Decoder,
    /// Every packet received, with its size in bytes.
    sizes: Vec<usize>,
}

impl Peer {
    fn accept(listener: &TcpListener) -> Peer {
        let (stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        Peer {
            stream,
            decoder: Decoder::new(ProtocolVersion::V5, None),
            sizes: Vec::new(),
        }
    }

    /// The next packet, or `None` if nothing arrives within `timeout`.
    fn read(&mut self, timeout: Duration) -> Option<Packet> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some((packet, raw)) = self
                .decoder
                .next_packet_with_bytes()
                .expect("client sent garbage")
            {
                self.sizes.push(raw.len());
                return Some(packet);
            }
            if Instant::now() >= deadline {
                return None;
            }
            let mut buf = [0u8; 4096];
            match self.stream.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.decoder.feed(&buf[..n]),
                Err(_) => {}
            }
        }
    }

    fn send(&mut self, packet: Packet) {
        let bytes = packet.to_bytes(ProtocolVersion::V5).expect("encode");
        self.stream.write_all(&bytes).expect("write");
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    /// Read CONNECT and answer with `connack`.
    fn handshake(&mut self, connack: ConnAck) {
        match self.read(Duration::from_secs(5)) {
            Some(Packet::Connect(_)) => self.send(Packet::ConnAck(connack)),
            other => panic!("expected CONNECT, got {other:?}"),
        }
    }
}

fn listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

fn disconnected(client: &Client, timeout: Duration) -> CloseReason {
    match client.wait_for(timeout, |e| match e {
        Event::Disconnected(reason) => Some(reason.clone()),
        _ => None,
    }) {
        Ok((reason, _)) => reason,
        Err(seen) => panic!("no Disconnected event; saw {seen:#?}"),
    }
}

#[test]
fn a_malformed_packet_is_answered_with_disconnect_0x81_and_reported() {
    let (listener, port) = listener();
    let client = Client::start(config(TransportKind::Tcp, port, "malformed"));
    let mut peer = Peer::accept(&listener);
    peer.handshake(ConnAck::new(false, ReasonCode::Success));
    client.connected();
    // PUBLISH with QoS 3 [MQTT-3.3.1-4].
    peer.send_raw(&[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01]);
    assert_eq!(
        peer.read(Duration::from_secs(5)),
        Some(Packet::Disconnect(mqscope::proto::Disconnect::new(
            ReasonCode::MalformedPacket
        )))
    );
    let reason = disconnected(&client, Duration::from_secs(5));
    let CloseReason::ProtocolViolation { reason_code, .. } = &reason else {
        panic!("{reason:?}")
    };
    assert_eq!(*reason_code, ReasonCode::MalformedPacket);
    assert!(
        words::close_reason(&reason).contains("QoS"),
        "{}",
        words::close_reason(&reason)
    );
}

#[test]
fn a_broker_that_never_answers_connect_is_given_up_on() {
    let (listener, port) = listener();
    let mut cfg = config(TransportKind::Tcp, port, "silent");
    cfg.session.connect_timeout = Duration::from_millis(800);
    let started = Instant::now();
    let client = Client::start(cfg);
    let mut peer = Peer::accept(&listener);
    assert!(matches!(
        peer.read(Duration::from_secs(5)),
        Some(Packet::Connect(_))
    ));
    let reason = disconnected(&client, Duration::from_secs(5));
    assert_eq!(reason, CloseReason::ConnAckTimeout { waited_ms: 800 });
    assert!(started.elapsed() >= Duration::from_millis(800));
    assert!(words::close_reason(&reason).contains("did not answer the CONNECT"));
}

#[test]
fn a_broker_that_never_answers_pingreq_is_noticed_within_one_and_a_half_keep_alives() {
    let (listener, port) = listener();
    let client = Client::start(config(TransportKind::Tcp, port, "pinger"));
    let mut peer = Peer::accept(&listener);
    // The broker sets keep alive to 2 s (Server Keep Alive).
    peer.handshake(ConnAck {
        session_present: false,
        reason_code: ReasonCode::Success,
        properties: Properties::new().with(Property::ServerKeepAlive(2)),
    });
    let connected_at = Instant::now();
    assert_eq!(client.connected().keep_alive_secs, 2);
    assert_eq!(peer.read(Duration::from_secs(5)), Some(Packet::PingReq));
    let pinged_after = connected_at.elapsed();
    let reason = disconnected(&client, Duration::from_secs(5));
    let noticed_after = connected_at.elapsed();
    assert!(
        matches!(reason, CloseReason::KeepAliveTimeout { .. }),
        "{reason:?}"
    );
    // PINGREQ after one interval of silence, the verdict half an interval later:
    // 1.5 keep-alive intervals after the last packet sent (CONNECT), plus
    // scheduling slack.
    assert!(
        pinged_after >= Duration::from_millis(1900),
        "{pinged_after:?}"
    );
    assert!(
        noticed_after >= Duration::from_millis(2900),
        "{noticed_after:?}"
    );
    assert!(
        noticed_after < Duration::from_millis(3600),
        "{noticed_after:?}"
    );
}

#[test]
fn tight_limits_are_respected_and_a_refusal_keeps_the_connection() {
    let (listener, port) = listener();
    let client = Client::start(config(TransportKind::Tcp, port, "limited"));
    let mut peer = Peer::accept(&listener);
    peer.handshake(ConnAck {
        session_present: false,
        reason_code: ReasonCode::Success,
        properties: Properties::new()
            .with(Property::ReceiveMaximum(2))
            .with(Property::TopicAliasMaximum(2))
            .with(Property::MaximumPacketSize(256)),
    });
    let info = client.connected();
    assert_eq!(
        (
            info.receive_maximum,
            info.topic_alias_maximum,
            info.maximum_packet_size
        ),
        (2, 2, Some(256))
    );
    for tag in 1..=6 {
        let mut publish = Publish::new("limits/q1", Bytes::from(vec![b'x'; 40]));
        publish.qos = QoS::AtLeastOnce;
        if tag == 1 {
            publish.properties.push(Property::TopicAlias(2));
        }
        client.send(Command::Publish { tag, publish });
    }
    // Too large for the broker, and an alias above its maximum: refused here.
    client.send(Command::Publish {
        tag: 100,
        publish: Publish::new("limits/big", Bytes::from(vec![b'x'; 300])),
    });
    let mut aliased = Publish::new("limits/alias", Bytes::new());
    aliased.properties.push(Property::TopicAlias(3));
    client.send(Command::Publish {
        tag: 101,
        publish: aliased,
    });
    let mut failures = Vec::new();
    for _ in 0..2 {
        let (failure, _) = client
            .wait_for(Duration::from_secs(5), |e| match e {
                Event::PublishFailed { tag, error } => Some((*tag, words::session_error(error))),
                _ => None,
            })
            .expect("local refusals");
        failures.push(failure);
    }
    failures.sort();
    assert_eq!(failures[0].0, 100);
    assert!(
        failures[0].1.contains("maximum packet size of 256"),
        "{}",
        failures[0].1
    );
    assert_eq!(failures[1].0, 101);
    assert!(
        failures[1].1.contains("Topic Alias Maximum of 2"),
        "{}",
        failures[1].1
    );

    // Only two unacknowledged PUBLISH at a time; acknowledging one lets one more through.
    let mut in_flight = Vec::new();
    while let Some(packet) = peer.read(Duration::from_millis(500)) {
        let Packet::Publish(p) = packet else {
            panic!("unexpected {packet:?}")
        };
        assert!(p.properties.topic_alias().is_none_or(|a| a <= 2));
        in_flight.push(p.packet_id);
    }
    assert_eq!(in_flight.len(), 2, "Receive Maximum 2");
    let mut acknowledged = 0;
    while let Some(id) = in_flight.pop() {
        peer.send(Packet::PubAck(PubResponse::new(id)));
        acknowledged += 1;
        while let Some(packet) = peer.read(Duration::from_millis(300)) {
            let Packet::Publish(p) = packet else {
                panic!("unexpected {packet:?}")
            };
            in_flight.push(p.packet_id);
        }
        assert!(in_flight.len() <= 2, "never more than 2 unacknowledged");
    }
    assert_eq!(acknowledged, 6, "every message went out in the end");
    assert!(
        peer.sizes.iter().all(|&size| size <= 256),
        "{:?}",
        peer.sizes
    );
    // The connection is still up: a PINGREQ-free publish still works.
    client.send(Command::Publish {
        tag: 7,
        publish: Publish::new("limits/after", Bytes::from_static(b"ok")),
    });
    assert!(
        matches!(peer.read(Duration::from_secs(2)), Some(Packet::Publish(p)) if &*p.topic == "limits/after")
    );
}

#[test]
fn a_refused_connection_reports_the_reason_by_name() {
    let (listener, port) = listener();
    let client = Client::start(config(TransportKind::Tcp, port, "refused"));
    let mut peer = Peer::accept(&listener);
    peer.handshake(ConnAck::new(false, ReasonCode::NotAuthorized));
    let reason = disconnected(&client, Duration::from_secs(5));
    let text = words::close_reason(&reason);
    assert!(matches!(reason, CloseReason::Refused(_)), "{reason:?}");
    assert!(text.contains("0x87 Not authorized"), "{text}");
}

#[test]
fn a_reader_that_stops_reading_slows_the_broker_and_loses_nothing() {
    use mqscope::net::{BACKLOG_HIGH, BACKLOG_LOW};
    const COUNT: usize = 400_000;
    let (listener, port) = listener();
    let mut cfg = config(TransportKind::Tcp, port, "slow-reader");
    // A short keep alive: a paused read must not end in a false timeout.
    cfg.connect.keep_alive_secs = 2;
    let client = Client::start(cfg);
    let mut peer = Peer::accept(&listener);
    peer.handshake(ConnAck::new(false, ReasonCode::Success));
    let chunks: Vec<Vec<u8>> = (0..COUNT)
        .collect::<Vec<_>>()
        .chunks(1000)
        .map(|chunk| {
            let mut bytes = Vec::new();
            for i in chunk {
                let publish = Publish::new(format!("flood/{}", i % 1000), Bytes::from_static(b"x"));
                bytes.extend_from_slice(
                    &Packet::Publish(publish)
                        .to_bytes(ProtocolVersion::V5)
                        .unwrap(),
                );
            }
            bytes
        })
        .collect();
    // The peer writes the flood in whole packets (its writes block while the
    // client does not read) and answers PINGREQ between them, as a broker does.
    peer.stream
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    let writer = std::thread::spawn(move || {
        let mut pings = 0;
        for chunk in chunks {
            peer.send_raw(&chunk);
            while let Some(packet) = peer.read(Duration::from_millis(2)) {
                if packet == Packet::PingReq {
                    peer.send(Packet::PingResp);
                    pings += 1;
                }
            }
        }
        (peer, pings)
    });
    // The reader sleeps for 3 s (longer than the keep alive).
    std::thread::sleep(Duration::from_secs(3));
    let backlog = client.handle.waiting_events();
    assert!(
        backlog <= BACKLOG_HIGH + 20_000,
        "{backlog} events queued; the network thread should stop reading near {BACKLOG_HIGH}"
    );
    assert!(
        backlog >= BACKLOG_LOW,
        "{backlog}: the client read something"
    );
    // Now read everything: every message arrives, and no false timeout.
    let mut messages = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while messages < COUNT && Instant::now() < deadline {
        match client.next(Duration::from_secs(5)) {
            Some(Event::Message(_)) => messages += 1,
            Some(Event::Disconnected(reason)) => {
                panic!("disconnected after {messages}: {reason:?}")
            }
            Some(_) => {}
            None => break,
        }
    }
    assert_eq!(
        messages, COUNT,
        "nothing is dropped between the socket and the reader"
    );
    let (_peer, pings) = writer.join().unwrap();
    assert!(
        pings >= 1,
        "the client kept its keep alive going while paused"
    );
}

#[test]
fn a_clean_close_finishes_the_qos_2_flow_begun_and_takes_no_new_message() {
    let (listener, port) = listener();
    let client = Client::start(config(TransportKind::Tcp, port, "clean-close"));
    let mut peer = Peer::accept(&listener);
    peer.handshake(ConnAck::new(false, ReasonCode::Success));
    client.connected();
    // The broker starts a QoS 2 delivery; the client answers PUBREC.
    let mut first = Publish::new("lab/a", Bytes::from_static(b"1"));
    first.qos = QoS::ExactlyOnce;
    first.packet_id = 1;
    peer.send(Packet::Publish(first));
    assert!(
        matches!(peer.read(Duration::from_secs(5)), Some(Packet::PubRec(r)) if r.packet_id == 1)
    );
    // The owner asks to disconnect while that flow is open.
    client.send(Command::Disconnect {
        reason_code: ReasonCode::Success,
        properties: Properties::new(),
    });
    std::thread::sleep(Duration::from_millis(200));
    // A new QoS 1 message now is neither delivered nor acknowledged...
    let mut second = Publish::new("lab/b", Bytes::from_static(b"2"));
    second.qos = QoS::AtLeastOnce;
    second.packet_id = 2;
    peer.send(Packet::Publish(second));
    // ...and the open flow finishes: PUBREL → PUBCOMP, then DISCONNECT.
    peer.send(Packet::PubRel(PubResponse::new(1)));
    let mut after = Vec::new();
    while let Some(packet) = peer.read(Duration::from_secs(3)) {
        let done = matches!(packet, Packet::Disconnect(_));
        after.push(packet);
        if done {
            break;
        }
    }
    assert!(
        matches!(&after[..], [Packet::PubComp(c), Packet::Disconnect(_)] if c.packet_id == 1),
        "{after:?}"
    );
    let (_, seen) = client
        .wait_for(Duration::from_secs(5), |e| {
            matches!(e, Event::Stopped).then_some(())
        })
        .expect("the network thread stops");
    let topics: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Message(p) => Some(&*p.topic),
            _ => None,
        })
        .collect();
    assert_eq!(
        topics,
        ["lab/a"],
        "the message that came while closing was not taken"
    );
}
