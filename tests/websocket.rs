//! MQTT over WebSocket (`ws://`) and secure WebSocket (`wss://`) against a
//! real broker: the `mqtt5` crate's broker, run in this process on a tokio
//! runtime with WebSocket listeners on 127.0.0.1, driven through mqscope's own
//! network thread.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use mqscope::net::{Command, ConnectError, ConnectionConfig, Event, TransportKind};
use mqscope::proto::session::{CloseReason, Direction};
use mqscope::proto::{Properties, Publish, QoS, ReasonCode, SubscribeFilter, Will};
use mqtt5::broker::config::{StorageConfig, TlsConfig, WebSocketConfig};
use mqtt5::broker::{BrokerConfig, BrokerShutdownHandle, MqttBroker};

use support::certs::TestPki;
use support::client::{Client, config};
use support::temp_dir;

/// How long any one wait may take; everything normally happens in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Messages per QoS in the exchange tests.
const PER_QOS: u64 = 100;

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// An mqtt5 broker on its own tokio runtime; shut down when dropped.
struct Broker {
    runtime: Option<tokio::runtime::Runtime>,
    shutdown: BrokerShutdownHandle,
    /// The port of the `ws://` listener, if there is one.
    ws_port: Option<u16>,
    /// The port of the `wss://` listener, if there is one.
    wss_port: Option<u16>,
}

impl Broker {
    /// No plain TCP listener, nothing written to disk, no `$SYS` chatter.
    fn base_config() -> BrokerConfig {
        BrokerConfig::default()
            .with_bind_addresses(Vec::new())
            .with_storage(StorageConfig::new().with_persistence(false))
            .with_sys_topics_enabled(false)
    }

    /// A `ws://` listener at `/mqtt` that speaks the subprotocol `subprotocol`.
    fn ws(subprotocol: &str) -> Broker {
        Broker::ws_on(loopback(0), subprotocol)
    }

    fn ws_on(address: SocketAddr, subprotocol: &str) -> Broker {
        let mut ws = WebSocketConfig::new()
            .with_bind_address(address)
            .with_path("/mqtt")
            .with_tls(false);
        ws.subprotocol = subprotocol.to_owned();
        Broker::start(Broker::base_config().with_websocket(ws), None)
    }

    /// A `wss://` listener at `/mqtt` with the PKI's server certificate (and
    /// the `mqtts://` listener the broker insists on for it, on any port).
    fn wss(pki: &TestPki) -> Broker {
        let port = support::free_port();
        let tls = TlsConfig::new(pki.server_cert.clone(), pki.server_key.clone())
            .with_bind_address(loopback(0));
        let wss = WebSocketConfig::new()
            .with_bind_address(loopback(port))
            .with_path("/mqtt")
            .with_tls(true);
        let config = Broker::base_config().with_tls(tls).with_websocket_tls(wss);
        Broker::start(config, Some(port))
    }

    fn start(config: BrokerConfig, wss_port: Option<u16>) -> Broker {
        // The broker's TLS acceptor uses rustls' process-wide provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("mqtt5-broker")
            .build()
            .expect("tokio runtime for the broker");
        // The listeners are bound here, before run().
        let mut broker = runtime
            .block_on(MqttBroker::with_config(config))
            .expect("start the mqtt5 broker");
        let ws_port = broker.ws_local_addr().map(|a| a.port());
        let shutdown = broker.shutdown_handle();
        let mut ready = broker.ready_receiver();
        runtime.spawn(async move {
            if let Err(error) = broker.run().await {
                eprintln!("the mqtt5 broker stopped: {error}");
            }
        });
        // Fails (instead of hanging) when run() ends before it is ready.
        runtime
            .block_on(ready.wait_for(|ready| *ready))
            .expect("the mqtt5 broker did not become ready");
        Broker {
            runtime: Some(runtime),
            shutdown,
            ws_port,
            wss_port,
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.shutdown.shutdown();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

/// A client configuration for `ws://` or `wss://127.0.0.1:port/mqtt`.
fn client_config(
    transport: TransportKind,
    port: u16,
    client_id: &str,
    ca: Option<&Path>,
) -> ConnectionConfig {
    let mut config = config(transport, port, client_id);
    config.address.path = "/mqtt".to_owned();
    config.tls.ca_file = ca.map(Path::to_path_buf);
    config
}

fn subscribe(client: &Client, filter: &str, qos: QoS, granted: ReasonCode) {
    client.send(Command::Subscribe {
        tag: 7,
        filters: vec![SubscribeFilter::new(filter, qos)],
        properties: Properties::new(),
    });
    let results = client
        .wait_for(TIMEOUT, |e| match e {
            Event::Subscribed {
                tag: 7, results, ..
            } => Some(results.clone()),
            _ => None,
        })
        .unwrap_or_else(|seen| panic!("no SUBACK for {filter}; events: {seen:#?}"))
        .0;
    let codes: Vec<ReasonCode> = results.iter().map(|r| r.reason_code).collect();
    assert_eq!(codes, [granted], "SUBACK for {filter}");
}

fn publish(client: &Client, tag: u64, topic: &str, qos: QoS, payload: Bytes) {
    let mut message = Publish::new(topic, payload);
    message.qos = qos;
    client.send(Command::Publish {
        tag,
        publish: message,
    });
}

/// Wait until every tag in `tags` completed with Success; a failure or a lost
/// connection fails the test.
fn await_completions(client: &Client, tags: &BTreeSet<u64>) {
    let deadline = Instant::now() + TIMEOUT;
    let mut completed = BTreeSet::new();
    while completed.len() < tags.len() {
        let event = client
            .next(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|| {
                panic!(
                    "only {} of {} publishes completed in time",
                    completed.len(),
                    tags.len()
                )
            });
        match event {
            Event::PublishCompleted { tag, reason } => {
                assert_eq!(
                    reason.reason_code,
                    ReasonCode::Success,
                    "publish {tag}: {reason:?}"
                );
                assert!(tags.contains(&tag), "completion for an unknown tag {tag}");
                assert!(completed.insert(tag), "publish {tag} completed twice");
            }
            Event::PublishFailed { tag, error } => panic!("publish {tag} failed: {error}"),
            Event::Disconnected(reason) => panic!("the publisher was disconnected: {reason:?}"),
            _ => {}
        }
    }
}

/// Collect `count` messages, then make sure no more arrive.
fn receive(client: &Client, count: usize) -> Vec<Publish> {
    let deadline = Instant::now() + TIMEOUT;
    let mut messages = Vec::new();
    while messages.len() < count {
        let event = client
            .next(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|| {
                panic!(
                    "only {} of {count} messages arrived in time",
                    messages.len()
                )
            });
        match event {
            Event::Message(message) => messages.push(message),
            Event::Disconnected(reason) => panic!("the subscriber was disconnected: {reason:?}"),
            _ => {}
        }
    }
    let quiet_until = Instant::now() + Duration::from_millis(300);
    while let Some(event) = client.next(quiet_until.saturating_duration_since(Instant::now())) {
        if let Event::Message(extra) = event {
            panic!("a message beyond the expected {count}: {extra:?}");
        }
    }
    messages
}

/// Send DISCONNECT, expect the client-requested close, and join the thread.
fn disconnect(client: Client) {
    disconnect_with(client, ReasonCode::Success);
}

fn disconnect_with(client: Client, reason_code: ReasonCode) {
    client.send(Command::Disconnect {
        reason_code,
        properties: Properties::new(),
    });
    if let Err(seen) = client.wait_for(TIMEOUT, |e| {
        matches!(e, Event::Disconnected(CloseReason::ClientRequest { .. })).then_some(())
    }) {
        panic!("no clean disconnect; events: {seen:#?}");
    }
    client.handle.join();
}

/// The first ConnectFailed of a client that must not connect.
fn connect_failure(config: ConnectionConfig) -> ConnectError {
    let client = Client::start(config);
    let (outcome, _) = client
        .wait_for(TIMEOUT, |e| match e {
            Event::ConnectFailed(error) => Some(Ok(error.clone())),
            Event::Connected(info) => Some(Err(info.clone())),
            _ => None,
        })
        .unwrap_or_else(|seen| panic!("neither connected nor failed; events: {seen:#?}"));
    match outcome {
        Ok(error) => error,
        Err(info) => panic!("connected although it should have failed: {info:?}"),
    }
}

/// A subscriber on `ws/#` (QoS 1) and a publisher that sends `PER_QOS`
/// messages at each of QoS 0, 1 and 2: every message arrives exactly once,
/// intact, at min(QoS, 1), and every QoS 1/2 publish completes.
fn exchange(transport: TransportKind, port: u16, ca: Option<&Path>) {
    let scheme = transport.scheme();
    let subscriber = Client::start(client_config(transport, port, "ws-subscriber", ca));
    subscriber.connected();
    subscribe(
        &subscriber,
        "ws/#",
        QoS::AtLeastOnce,
        ReasonCode::GrantedQos1,
    );
    let publisher = Client::start(client_config(transport, port, "ws-publisher", ca));
    publisher.connected();

    let mut expected = BTreeMap::new();
    let mut acknowledged = BTreeSet::new();
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let level = u64::from(qos.to_u8());
        for i in 0..PER_QOS {
            let tag = level * 1000 + i;
            let topic = format!("ws/qos{level}/{i}");
            let payload = Bytes::from(format!("{scheme} message {i} at QoS {level}"));
            publish(&publisher, tag, &topic, qos, payload.clone());
            expected.insert(topic, (payload, qos.min(QoS::AtLeastOnce)));
            if qos != QoS::AtMostOnce {
                acknowledged.insert(tag);
            }
        }
    }
    await_completions(&publisher, &acknowledged);
    assert_eq!(acknowledged.len(), 2 * PER_QOS as usize);

    let messages = receive(&subscriber, expected.len());
    let mut received = BTreeMap::new();
    for message in messages {
        let topic = message.topic.to_string();
        let previous = received.insert(topic.clone(), (message.payload, message.qos));
        assert!(previous.is_none(), "{topic} arrived twice");
    }
    assert_eq!(received, expected);

    disconnect(publisher);
    disconnect(subscriber);
}

#[test]
fn ws_carries_every_qos() {
    let broker = Broker::ws("mqtt");
    let port = broker.ws_port.expect("ws listener");
    exchange(TransportKind::WebSocket, port, None);
}

#[test]
fn wss_carries_every_qos_with_the_generated_ca() {
    let dir = temp_dir("wss-exchange");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    let port = broker.wss_port.expect("wss listener");
    exchange(TransportKind::SecureWebSocket, port, Some(&pki.ca_cert));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn wss_without_the_ca_is_not_trusted() {
    let dir = temp_dir("wss-untrusted");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    let port = broker.wss_port.expect("wss listener");
    // No CA file: the built-in web roots, which do not know the test CA.
    let config = client_config(TransportKind::SecureWebSocket, port, "untrusting", None);
    match connect_failure(config) {
        ConnectError::Tls(failure) => {
            assert!(
                matches!(
                    &failure,
                    mqscope::net::TlsFailure::Untrusted {
                        problem: mqscope::net::CertificateProblem::UnknownIssuer,
                        presented: Some(_),
                    }
                ),
                "the refused certificate's fingerprint is kept: {failure:?}"
            );
            let text = failure.to_string();
            assert!(
                text.contains("certificate is not trusted"),
                "unexpected TLS error: {text}"
            );
            assert!(
                text.contains("not signed by a certificate authority mqscope trusts"),
                "unexpected TLS error: {text}"
            );
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// 1 MiB that is not the same byte over and over.
fn large_payload() -> Bytes {
    (0..1_048_576u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect::<Vec<u8>>()
        .into()
}

/// A 1 MiB message goes out in one masked frame and comes back in a frame
/// that arrives over many socket reads (and, for wss, many TLS records).
fn large_message(transport: TransportKind, port: u16, ca: Option<&Path>) {
    let subscriber = Client::start(client_config(transport, port, "big-subscriber", ca));
    subscriber.connected();
    subscribe(
        &subscriber,
        "ws/big",
        QoS::AtLeastOnce,
        ReasonCode::GrantedQos1,
    );
    let publisher = Client::start(client_config(transport, port, "big-publisher", ca));
    publisher.connected();

    let payload = large_payload();
    publish(&publisher, 1, "ws/big", QoS::AtLeastOnce, payload.clone());
    await_completions(&publisher, &BTreeSet::from([1]));
    let messages = receive(&subscriber, 1);
    let message = &messages[0];
    assert_eq!(message.topic, "ws/big");
    assert_eq!(message.payload.len(), payload.len());
    assert!(message.payload == payload, "the 1 MiB payload was altered");

    disconnect(publisher);
    disconnect(subscriber);
}

#[test]
fn ws_large_message_arrives_intact() {
    let broker = Broker::ws("mqtt");
    large_message(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        None,
    );
}

#[test]
fn wss_large_message_arrives_intact() {
    let dir = temp_dir("wss-large");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    large_message(
        TransportKind::SecureWebSocket,
        broker.wss_port.expect("wss listener"),
        Some(&pki.ca_cert),
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A TCP relay on loopback that records the first bytes in each direction.
struct Recorder {
    port: u16,
    to_broker: Arc<Mutex<Vec<u8>>>,
    to_client: Arc<Mutex<Vec<u8>>>,
}

const RECORD_LIMIT: usize = 64 * 1024;

fn relay(mut from: TcpStream, mut to: TcpStream, log: Arc<Mutex<Vec<u8>>>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    {
                        let mut log = log.lock().expect("log");
                        let room = RECORD_LIMIT.saturating_sub(log.len()).min(n);
                        log.extend_from_slice(&buf[..room]);
                    }
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

impl Recorder {
    /// Relay one connection to the broker at `broker_port`.
    fn start(broker_port: u16) -> Recorder {
        let listener = TcpListener::bind(loopback(0)).expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let to_broker = Arc::new(Mutex::new(Vec::new()));
        let to_client = Arc::new(Mutex::new(Vec::new()));
        let (up, down) = (to_broker.clone(), to_client.clone());
        std::thread::spawn(move || {
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let Ok(broker) = TcpStream::connect(loopback(broker_port)) else {
                return;
            };
            let (Ok(client2), Ok(broker2)) = (client.try_clone(), broker.try_clone()) else {
                return;
            };
            relay(client, broker, up);
            relay(broker2, client2, down);
        });
        Recorder {
            port,
            to_broker,
            to_client,
        }
    }
}

/// The start line and the headers (names lower-cased) of an HTTP message.
fn http_head(bytes: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(bytes);
    let head = text
        .split("\r\n\r\n")
        .next()
        .expect("an HTTP head")
        .to_owned();
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (start, headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// What the broker is sent and answers, seen on the wire: mqscope asks for
/// the subprotocol `mqtt` and the broker agrees to it.
#[test]
fn ws_handshake_offers_mqtt_and_the_broker_accepts_it() {
    let broker = Broker::ws("mqtt");
    let recorder = Recorder::start(broker.ws_port.expect("ws listener"));
    let client = Client::start(client_config(
        TransportKind::WebSocket,
        recorder.port,
        "recorded",
        None,
    ));
    client.connected();
    disconnect(client);

    let (request_line, request) = http_head(&recorder.to_broker.lock().expect("log"));
    assert!(
        request_line.starts_with("GET /mqtt HTTP/1.1"),
        "request line: {request_line}"
    );
    assert_eq!(header(&request, "sec-websocket-protocol"), ["mqtt"]);
    assert_eq!(header(&request, "upgrade"), ["websocket"]);
    let (status_line, response) = http_head(&recorder.to_client.lock().expect("log"));
    assert!(
        status_line.starts_with("HTTP/1.1 101"),
        "status line: {status_line}"
    );
    assert_eq!(header(&response, "sec-websocket-protocol"), ["mqtt"]);
}

/// The mqtt5 broker echoes a subprotocol only when the client offered the one
/// it is configured for; mqscope insists on the echo. So a broker that wants
/// another subprotocol is refused, which is why the successful connections
/// above prove the broker accepted `mqtt`.
#[test]
fn ws_broker_without_the_mqtt_subprotocol_is_refused() {
    let broker = Broker::ws("mqttv5.0");
    let config = client_config(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        "wrong-subprotocol",
        None,
    );
    match connect_failure(config) {
        ConnectError::WebSocket(text) => assert!(
            text.to_ascii_lowercase().contains("subprotocol"),
            "unexpected WebSocket error: {text}"
        ),
        other => panic!("expected a WebSocket error, got {other:?}"),
    }
}

#[test]
fn ws_wrong_path_fails_with_the_http_status() {
    let broker = Broker::ws("mqtt");
    let mut config = client_config(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        "wrong-path",
        None,
    );
    config.address.path = "/not-mqtt".to_owned();
    match connect_failure(config) {
        ConnectError::WebSocket(text) => {
            assert!(text.contains("404"), "unexpected WebSocket error: {text}")
        }
        other => panic!("expected a WebSocket error, got {other:?}"),
    }
}

/// With a 1 s keep alive on an idle link, PINGREQ and PINGRESP go through the
/// WebSocket (and TLS) layers on the timer alone, and the link stays up.
fn keep_alive(transport: TransportKind, port: u16, ca: Option<&Path>) {
    let mut config = client_config(transport, port, "keep-alive", ca);
    config.connect.keep_alive_secs = 1;
    config.packet_log = true;
    let client = Client::start(config);
    let info = client.connected();
    assert_eq!(info.keep_alive_secs, 1);
    let until = Instant::now() + Duration::from_millis(2600);
    let (mut pingreq, mut pingresp) = (0, 0);
    while let Some(event) = client.next(until.saturating_duration_since(Instant::now())) {
        match event {
            Event::Packet {
                direction, bytes, ..
            } => match (direction, bytes.first()) {
                (Direction::Sent, Some(0xC0)) => pingreq += 1,
                (Direction::Received, Some(0xD0)) => pingresp += 1,
                _ => {}
            },
            Event::Disconnected(reason) => panic!("the idle link was closed: {reason:?}"),
            _ => {}
        }
    }
    assert!(
        pingreq >= 2,
        "{pingreq} PINGREQ in 2.6 s with keep alive 1 s"
    );
    assert!(
        pingresp >= pingreq - 1,
        "{pingresp} PINGRESP for {pingreq} PINGREQ"
    );
    disconnect(client);
}

#[test]
fn ws_keep_alive_pings_flow() {
    let broker = Broker::ws("mqtt");
    keep_alive(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        None,
    );
}

#[test]
fn wss_keep_alive_pings_flow() {
    let dir = temp_dir("wss-keep-alive");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    keep_alive(
        TransportKind::SecureWebSocket,
        broker.wss_port.expect("wss listener"),
        Some(&pki.ca_cert),
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The broker going away ends the connection with an event, not silence.
fn broker_goes_away(broker: Broker, transport: TransportKind, port: u16, ca: Option<&Path>) {
    let client = Client::start(client_config(transport, port, "abandoned", ca));
    client.connected();
    drop(broker);
    let (reason, _) = client
        .wait_for(TIMEOUT, |e| match e {
            Event::Disconnected(reason) => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_else(|seen| panic!("no Disconnected after the broker stopped: {seen:#?}"));
    assert!(
        matches!(
            reason,
            CloseReason::ConnectionLost { .. } | CloseReason::BrokerDisconnect(_)
        ),
        "{reason:?}"
    );
    let stopped = client.wait_for(TIMEOUT, |e| matches!(e, Event::Stopped).then_some(()));
    assert!(stopped.is_ok(), "the network thread did not stop");
    client.handle.join();
}

#[test]
fn ws_broker_shutdown_is_reported() {
    let broker = Broker::ws("mqtt");
    let port = broker.ws_port.expect("ws listener");
    broker_goes_away(broker, TransportKind::WebSocket, port, None);
}

#[test]
fn wss_broker_shutdown_is_reported() {
    let dir = temp_dir("wss-shutdown");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    let port = broker.wss_port.expect("wss listener");
    broker_goes_away(
        broker,
        TransportKind::SecureWebSocket,
        port,
        Some(&pki.ca_cert),
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// An IPv6 literal goes into the handshake URL in brackets.
#[test]
fn ws_over_ipv6_loopback() {
    let ipv6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0));
    if TcpListener::bind(ipv6).is_err() {
        eprintln!("SKIPPED ws_over_ipv6_loopback: no IPv6 loopback here");
        return;
    }
    let broker = Broker::ws_on(ipv6, "mqtt");
    let mut config = client_config(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        "ipv6",
        None,
    );
    config.address.host = "::1".to_owned();
    let client = Client::start(config);
    client.connected();
    subscribe(&client, "ws/v6", QoS::ExactlyOnce, ReasonCode::GrantedQos2);
    publish(
        &client,
        9,
        "ws/v6",
        QoS::ExactlyOnce,
        Bytes::from_static(b"v6"),
    );
    await_completions(&client, &BTreeSet::from([9]));
    let messages = receive(&client, 1);
    assert_eq!(messages[0].payload, Bytes::from_static(b"v6"));
    assert_eq!(messages[0].qos, QoS::ExactlyOnce);
    disconnect(client);
}

/// `wss://localhost`: the certificate is checked against a DNS name (SNI
/// `localhost`), not an IP address.
#[test]
fn wss_by_host_name() {
    let dir = temp_dir("wss-host-name");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    let mut config = client_config(
        TransportKind::SecureWebSocket,
        broker.wss_port.expect("wss listener"),
        "by-name",
        Some(&pki.ca_cert),
    );
    config.address.host = "localhost".to_owned();
    let client = Client::start(config);
    client.connected();
    disconnect(client);
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that accepts TCP but never answers the upgrade: the connect
/// timeout covers the WebSocket handshake.
#[test]
fn ws_silent_server_times_out() {
    let listener = TcpListener::bind(loopback(0)).expect("bind");
    let port = listener.local_addr().expect("address").port();
    let mut config = client_config(TransportKind::WebSocket, port, "silent", None);
    config.session.connect_timeout = Duration::from_millis(500);
    let started = Instant::now();
    let error = connect_failure(config);
    assert!(
        matches!(error, ConnectError::Timeout { .. }),
        "expected a timeout, got {error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(listener);
}

/// The DISCONNECT reaches the broker before the socket closes: with reason
/// 0x00 the will is discarded, with 0x04 it is published.
fn will_on_disconnect(transport: TransportKind, port: u16, ca: Option<&Path>) {
    let watcher = Client::start(client_config(transport, port, "will-watcher", ca));
    watcher.connected();
    subscribe(
        &watcher,
        "ws/will/#",
        QoS::AtLeastOnce,
        ReasonCode::GrantedQos1,
    );
    for (name, reason_code, published) in [
        ("normal", ReasonCode::Success, false),
        ("with-will", ReasonCode::DisconnectWithWillMessage, true),
    ] {
        let topic = format!("ws/will/{name}");
        let mut config = client_config(transport, port, &format!("will-{name}"), ca);
        config.connect.will = Some(Will {
            topic: topic.clone().into(),
            payload: Bytes::from(format!("{name} went away")),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Properties::new(),
        });
        let client = Client::start(config);
        client.connected();
        disconnect_with(client, reason_code);
        let will = watcher
            .wait_for(
                Duration::from_millis(if published { 5000 } else { 500 }),
                |e| match e {
                    Event::Message(message) => Some(message.clone()),
                    _ => None,
                },
            )
            .ok()
            .map(|(message, _)| message);
        if published {
            let will = will.unwrap_or_else(|| panic!("no will after DISCONNECT 0x04 ({name})"));
            assert_eq!(will.topic, topic.as_str());
            assert_eq!(will.payload, Bytes::from(format!("{name} went away")));
        } else {
            assert!(will.is_none(), "a will after a normal DISCONNECT: {will:?}");
        }
    }
    disconnect(watcher);
}

#[test]
fn ws_disconnect_reaches_the_broker() {
    let broker = Broker::ws("mqtt");
    will_on_disconnect(
        TransportKind::WebSocket,
        broker.ws_port.expect("ws listener"),
        None,
    );
}

#[test]
fn wss_disconnect_reaches_the_broker() {
    let dir = temp_dir("wss-will");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    will_on_disconnect(
        TransportKind::SecureWebSocket,
        broker.wss_port.expect("wss listener"),
        Some(&pki.ca_cert),
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A person connects the window to a broker whose certificate no authority
/// vouches for, reads why, chooses "Trust this certificate", and is connected;
/// the profile keeps the fingerprint.
#[test]
fn the_window_trusts_a_refused_certificate_by_its_fingerprint() {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use mqscope::app::{MqscopeApp, Settings};
    use mqscope::net::Fingerprint;
    use mqscope::profiles::{MemorySecretStore, Profile, ProfileStore};
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    use support::window::{has_label_containing, wait_until};

    let dir = temp_dir("wss-window-trust");
    let pki = TestPki::generate(&dir);
    let broker = Broker::wss(&pki);
    let port = broker.wss_port.expect("wss listener");
    let mut profile = Profile::new("class broker over wss");
    profile.host = "127.0.0.1".into();
    profile.port = port;
    profile.transport = TransportKind::SecureWebSocket;
    profile.websocket_path = "/mqtt".into();
    profile.reconnect.enabled = false;
    let settings = Settings {
        last_profile: Some(profile.id.clone()),
        ..Settings::default()
    };
    let store_dir = dir.join("profiles");
    let store = ProfileStore::new(&store_dir, vec![profile]);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            MqscopeApp::with_store(
                Ok((store, None)),
                Box::new(MemorySecretStore::new()),
                settings,
            )
        });
    harness.run_steps(3);
    harness
        .get_all_by_label("Connect")
        .next()
        .expect("Connect")
        .click_accesskit();
    wait_until(&mut harness, "the refusal", |h| {
        has_label_containing(h, "Trust this certificate")
    });
    let expected = Fingerprint::of(
        &CertificateDer::from_pem_file(&pki.server_cert).expect("the server certificate"),
    );
    assert!(
        has_label_containing(&harness, "not signed by a certificate authority"),
        "the refusal says why"
    );
    assert!(
        has_label_containing(&harness, &expected.to_string()),
        "the refusal names the certificate's fingerprint {expected}"
    );
    harness
        .get_by_label("Trust this certificate")
        .click_accesskit();
    wait_until(&mut harness, "Connected", |h| {
        has_label_containing(h, "Connected ·")
    });
    assert!(
        has_label_containing(&harness, "now trusts the one certificate"),
        "a notice says what changed"
    );
    let kept = harness.state().tabs[0]
        .editor
        .profile
        .tls
        .trusted_fingerprint
        .clone();
    assert_eq!(kept, Some(expected.to_string()));
    // The saved profile was written with it (by the worker, in a moment).
    let file = store_dir.join("profiles.toml");
    wait_until(&mut harness, "the profile file", |_| {
        std::fs::read_to_string(&file).is_ok_and(|text| text.contains(&expected.to_string()))
    });
    drop(harness);
    drop(broker);
    let _ = std::fs::remove_dir_all(dir);
}
