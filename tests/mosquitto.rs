//! The engine and the CLI against a real mosquitto on loopback: properties
//! both ways with independent clients, every QoS counted, credentials, TLS
//! with client certificates, a broker restart and a cut connection.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command as Process, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use mqscope::net::{
    CertificateProblem, Command, ConnectError, Event, Fingerprint, Passphrase, ReconnectPolicy,
    TlsFailure, TlsSetupError, TransportKind,
};
use mqscope::proto::session::CloseReason;
use mqscope::proto::{Properties, Property, Publish, QoS, SubscribeFilter};
use support::certs::TestPki;
use support::client::{Client, config};
use support::mosquitto::{Mosquitto, start_with_clients};
use support::{mqscope_bin, skip};

const LONG: Duration = Duration::from_secs(20);

fn run(command: &mut Process) -> Output {
    command.output().expect("run command")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn subscribe(client: &Client, filter: &str, qos: QoS) {
    client.send(Command::Subscribe {
        tag: 99,
        filters: vec![SubscribeFilter::new(filter, qos)],
        properties: Properties::new(),
    });
    let (results, _) = client
        .wait_for(LONG, |e| match e {
            Event::Subscribed { results, .. } => Some(results.clone()),
            _ => None,
        })
        .expect("SUBACK");
    assert!(!results[0].reason_code.is_error(), "{results:?}");
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn mqscope_sub_receives_every_property_from_mosquitto_pub() {
    let test = "sub_properties";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let port = broker.port.to_string();
    // Retained, so that the subscriber gets it whenever it subscribes.
    let published = run(Process::new("mosquitto_pub").args([
        "-p",
        &port,
        "-V",
        "5",
        "-q",
        "1",
        "-r",
        "-t",
        "lab/props",
        "-m",
        "21.5 °C",
        "-D",
        "publish",
        "payload-format-indicator",
        "1",
        "-D",
        "publish",
        "message-expiry-interval",
        "3600",
        "-D",
        "publish",
        "content-type",
        "text/plain",
        "-D",
        "publish",
        "response-topic",
        "lab/reply",
        "-D",
        "publish",
        "correlation-data",
        "req-42",
        "-D",
        "publish",
        "user-property",
        "site",
        "A",
        "-D",
        "publish",
        "user-property",
        "room",
        "7",
        "-D",
        "publish",
        "user-property",
        "site",
        "B",
    ]));
    assert!(published.status.success(), "{}", text(&published.stderr));
    let out = run(Process::new(mqscope_bin()).args([
        "sub", "-p", &port, "-t", "lab/#", "-q", "1", "-C", "1", "-W", "10",
    ]));
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        text(&out.stderr)
    );
    let line = text(&out.stdout);
    let message: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
    assert_eq!(message["topic"], "lab/props");
    assert_eq!(message["payload"], "21.5 °C");
    assert_eq!(message["retain"], true);
    assert_eq!(message["qos"], 1);
    let p = &message["properties"];
    assert_eq!(p["payload-format-indicator"], 1);
    let expiry = p["message-expiry-interval"].as_u64().expect("expiry");
    assert!(expiry > 3500 && expiry <= 3600, "{expiry}");
    assert_eq!(p["content-type"], "text/plain");
    assert_eq!(p["response-topic"], "lab/reply");
    // base64 of "req-42"
    assert_eq!(p["correlation-data"], "cmVxLTQy");
    assert_eq!(
        p["user-property"],
        serde_json::json!([["site", "A"], ["room", "7"], ["site", "B"]])
    );
    assert!(
        message["received_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn mqscope_pub_properties_arrive_intact_at_mosquitto_sub() {
    let test = "pub_properties";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let port = broker.port.to_string();
    for (qos, topic) in [("1", "out/q1"), ("2", "out/q2")] {
        let out = run(Process::new(mqscope_bin()).args([
            "pub",
            "-p",
            &port,
            "-q",
            qos,
            "-r",
            "-t",
            topic,
            "-m",
            "hello",
            "-D",
            "publish",
            "content-type",
            "application/x-test",
            "-D",
            "publish",
            "response-topic",
            "back/here",
            "-D",
            "publish",
            "correlation-data",
            "c0ffee",
            "-D",
            "publish",
            "message-expiry-interval",
            "600",
            "-D",
            "publish",
            "user-property",
            "k",
            "v",
        ]));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let received = run(Process::new("mosquitto_sub").args([
        "-p",
        &port,
        "-V",
        "5",
        "-q",
        "2",
        "-t",
        "out/#",
        "-C",
        "2",
        "-W",
        "10",
        "-F",
        "%t|%q|%r|%C|%R|%D|%P|%p",
    ]));
    assert!(received.status.success(), "{}", text(&received.stderr));
    let lines: BTreeMap<String, Vec<String>> = text(&received.stdout)
        .lines()
        .map(|l| {
            let fields: Vec<String> = l.split('|').map(str::to_owned).collect();
            (fields[0].clone(), fields)
        })
        .collect();
    for (topic, qos) in [("out/q1", "1"), ("out/q2", "2")] {
        let f = &lines[topic];
        assert_eq!(f[1], qos, "{f:?}");
        assert_eq!(f[2], "1", "retained {f:?}");
        assert_eq!(f[3], "application/x-test");
        assert_eq!(f[4], "back/here");
        assert_eq!(f[5], "c0ffee");
        assert_eq!(f[6], "k:v");
        assert_eq!(f[7], "hello");
    }
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn every_qos_both_ways_with_every_message_counted() {
    let test = "qos_counts";
    let Some(broker) = Mosquitto::start(test, "allow_anonymous true", "") else {
        return;
    };
    let subscriber = Client::start(config(TransportKind::Tcp, broker.port, "counter-sub"));
    subscriber.connected();
    subscribe(&subscriber, "count/#", QoS::ExactlyOnce);
    let publisher = Client::start(config(TransportKind::Tcp, broker.port, "counter-pub"));
    publisher.connected();
    const PER_QOS: u32 = 300;
    let mut tag = 0;
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        for i in 0..PER_QOS {
            let mut publish = Publish::new(
                format!("count/{}", qos.to_u8()).as_str(),
                Bytes::from(i.to_string().into_bytes()),
            );
            publish.qos = qos;
            tag += 1;
            publisher.send(Command::Publish { tag, publish });
        }
    }
    let mut completed = 0;
    while completed < 2 * PER_QOS {
        match publisher.next(LONG) {
            Some(Event::PublishCompleted { reason, .. }) => {
                assert!(!reason.reason_code.is_error(), "{reason:?}");
                completed += 1;
            }
            Some(Event::PublishFailed { error, .. }) => panic!("{error}"),
            Some(_) => {}
            None => panic!("only {completed} publishes completed"),
        }
    }
    let mut received: BTreeMap<u8, Vec<u32>> = BTreeMap::new();
    while received.values().map(Vec::len).sum::<usize>() < 3 * PER_QOS as usize {
        match subscriber.next(LONG) {
            Some(Event::Message(p)) => {
                let number: u32 = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
                received.entry(p.qos.to_u8()).or_default().push(number);
            }
            Some(_) => {}
            None => panic!(
                "missing messages: {:?}",
                received
                    .iter()
                    .map(|(q, v)| (q, v.len()))
                    .collect::<Vec<_>>()
            ),
        }
    }
    for qos in 0..=2u8 {
        // Every message, once, in order.
        assert_eq!(
            received[&qos],
            (0..PER_QOS).collect::<Vec<_>>(),
            "QoS {qos}"
        );
    }
    assert!(
        subscriber
            .next(Duration::from_millis(300))
            .is_none_or(|e| !matches!(e, Event::Message(_)))
    );
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn wrong_credentials_are_reported_by_name() {
    let test = "credentials";
    let dir = Mosquitto::new_dir(test);
    if support::mosquitto::mosquitto_path().is_none() {
        return skip(test, "mosquitto is not installed");
    }
    let passwords = Mosquitto::password_file(&dir, "student", "right");
    let listener = format!(
        "allow_anonymous false\npassword_file {}",
        passwords.display()
    );
    let Some(broker) = Mosquitto::start(test, &listener, "per_listener_settings true") else {
        return;
    };
    let port = broker.port.to_string();
    let out = run(Process::new(mqscope_bin()).args([
        "sub", "-p", &port, "-t", "x", "-u", "student", "-P", "wrong", "-W", "5",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("0x86 Bad User Name or Password") || stderr.contains("0x87 Not authorized"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one plain line: {stderr}");
    // The right password works (and times out waiting for messages: exit 27).
    let out = run(Process::new(mqscope_bin()).args([
        "sub", "-p", &port, "-t", "x", "-u", "student", "-P", "right", "-W", "1",
    ]));
    assert_eq!(out.status.code(), Some(27), "{}", text(&out.stderr));
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn tls_with_a_required_client_certificate() {
    let test = "tls";
    if support::mosquitto::mosquitto_path().is_none() {
        return skip(test, "mosquitto is not installed");
    }
    let dir = Mosquitto::new_dir(test);
    let pki = TestPki::generate(&dir);
    let listener = format!(
        "allow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true",
        pki.ca_cert.display(),
        pki.server_cert.display(),
        pki.server_key.display()
    );
    let Some(broker) = Mosquitto::start(test, &listener, "") else {
        return;
    };
    // Trusted CA and a client certificate: connected, and messages flow.
    let mut cfg = config(TransportKind::Tls, broker.port, "tls-client");
    cfg.address.host = "localhost".into();
    cfg.tls.ca_file = Some(pki.ca_cert.clone());
    cfg.tls.client_cert = Some(pki.client_cert.clone());
    cfg.tls.client_key = Some(pki.client_key.clone());
    let client = Client::start(cfg.clone());
    client.connected();
    subscribe(&client, "secure/#", QoS::AtLeastOnce);
    let mut publish = Publish::new("secure/a", Bytes::from_static(b"over TLS"));
    publish.qos = QoS::AtLeastOnce;
    client.send(Command::Publish { tag: 1, publish });
    let (payload, _) = client
        .wait_for(LONG, |e| match e {
            Event::Message(p) => Some(p.payload.clone()),
            _ => None,
        })
        .expect("message over TLS");
    assert_eq!(&payload[..], b"over TLS");

    // Without a client certificate the broker ends the handshake.
    let mut no_cert = cfg.clone();
    no_cert.tls.client_cert = None;
    no_cert.tls.client_key = None;
    let client = Client::start(no_cert);
    let failure = client.wait_for(LONG, |e| match e {
        Event::ConnectFailed(error) => Some(error.clone()),
        Event::Disconnected(reason) => Some(ConnectError::Tls(mqscope::net::TlsFailure::Other(
            mqscope::ui::words::close_reason(reason),
        ))),
        Event::Connected(_) => panic!("connected without a client certificate"),
        _ => None,
    });
    assert!(failure.is_ok(), "{failure:?}");

    // Default roots do not trust the test CA: refused, with the reason.
    let mut untrusted = cfg.clone();
    untrusted.tls.ca_file = None;
    let error = connect_failure(untrusted, "connected to a broker the roots do not trust");
    let message = error.to_string();
    assert!(message.contains("certificate is not trusted"), "{message}");
    assert!(message.contains("--cafile"), "{message}");

    // The CLI says the same in one line; --insecure skips the check on purpose.
    let url = format!("mqtts://localhost:{}", broker.port);
    let out = run(Process::new(mqscope_bin())
        .args(["sub", "-L", &url, "-t", "x", "-W", "5"])
        .args(["--cert"])
        .arg(&pki.client_cert)
        .arg("--key")
        .arg(&pki.client_key));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not trusted"),
        "{}",
        text(&out.stderr)
    );
    let out = run(Process::new(mqscope_bin())
        .args(["sub", "-L", &url, "-t", "x", "-W", "1", "--insecure"])
        .arg("--cert")
        .arg(&pki.client_cert)
        .arg("--key")
        .arg(&pki.client_key));
    assert_eq!(out.status.code(), Some(27), "{}", text(&out.stderr));
    let out = run(Process::new(mqscope_bin())
        .args(["sub", "-L", &url, "-t", "x", "-W", "1", "--cafile"])
        .arg(&pki.ca_cert)
        .arg("--cert")
        .arg(&pki.client_cert)
        .arg("--key")
        .arg(&pki.client_key));
    assert_eq!(out.status.code(), Some(27), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

fn durable_config(port: u16, id: &str) -> mqscope::net::ConnectionConfig {
    let mut cfg = config(TransportKind::Tcp, port, id);
    cfg.connect.clean_start = false;
    cfg.connect
        .properties
        .push(Property::SessionExpiryInterval(600));
    cfg.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
        ..ReconnectPolicy::default()
    };
    cfg
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_broker_restart_mid_stream_loses_nothing_at_qos_1_and_duplicates_nothing_at_qos_2() {
    let test = "restart";
    let Some(mut broker) = Mosquitto::start(test, "allow_anonymous true", "") else {
        return;
    };
    let subscriber = Client::start(durable_config(broker.port, "durable-sub"));
    subscriber.connected();
    subscribe(&subscriber, "durable/#", QoS::ExactlyOnce);
    let publisher = Client::start(durable_config(broker.port, "durable-pub"));
    publisher.connected();
    const N: u32 = 400;
    let send = |range: std::ops::Range<u32>| {
        for i in range {
            for qos in [QoS::AtLeastOnce, QoS::ExactlyOnce] {
                let mut publish = Publish::new(
                    format!("durable/{}", qos.to_u8()).as_str(),
                    Bytes::from(i.to_string().into_bytes()),
                );
                publish.qos = qos;
                publisher.send(Command::Publish {
                    tag: u64::from(i),
                    publish,
                });
            }
        }
    };
    send(0..N / 2);
    broker.restart();
    send(N / 2..N);
    let mut q1 = Vec::new();
    let mut q2 = Vec::new();
    let mut reconnected = false;
    while q1.iter().collect::<HashSet<_>>().len() < N as usize || q2.len() < N as usize {
        match subscriber.next(Duration::from_secs(30)) {
            Some(Event::Message(p)) => {
                let i: u32 = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
                match p.qos {
                    QoS::AtLeastOnce => q1.push(i),
                    QoS::ExactlyOnce => q2.push(i),
                    QoS::AtMostOnce => panic!("QoS 0 delivery"),
                }
            }
            Some(Event::Connected(info)) => {
                assert!(info.session_present, "the broker kept the session");
                reconnected = true;
            }
            Some(_) => {}
            None => panic!(
                "stalled: QoS 1 {} distinct, QoS 2 {}\n{}",
                q1.iter().collect::<HashSet<_>>().len(),
                q2.len(),
                broker.log()
            ),
        }
    }
    assert!(reconnected, "the subscriber reconnected");
    // The publisher lost its connection too and resumed its session.
    let (resumed, seen) = publisher
        .wait_for(LONG, |e| match e {
            Event::Connected(info) => Some(info.session_present),
            _ => None,
        })
        .expect("the publisher reconnected");
    assert!(resumed, "the publisher's session was resumed");
    assert!(
        seen.iter().any(|e| matches!(e, Event::Disconnected(_))),
        "{seen:#?}"
    );
    let q1: HashSet<u32> = q1.into_iter().collect();
    assert_eq!(q1, (0..N).collect(), "QoS 1 lost nothing");
    let mut sorted = q2.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (0..N).collect::<Vec<_>>(),
        "QoS 2 lost nothing and duplicated nothing"
    );
    // Nothing more comes afterwards (no late duplicates at QoS 2).
    while let Some(event) = subscriber.next(Duration::from_millis(500)) {
        if let Event::Message(p) = event {
            assert_eq!(p.qos, QoS::AtLeastOnce, "a late QoS 2 duplicate: {p:?}");
        }
    }
}

/// A TCP proxy that can cut every connection through it.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(AtomicBool::new(false));
        let flag = cut.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                flag.store(false, Ordering::SeqCst);
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let flag = flag.clone();
                    std::thread::spawn(move || {
                        from.set_read_timeout(Some(Duration::from_millis(20))).ok();
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            if flag.load(Ordering::SeqCst) {
                                let _ = from.shutdown(std::net::Shutdown::Both);
                                let _ = to.shutdown(std::net::Shutdown::Both);
                                return;
                            }
                            match from.read(&mut buf) {
                                Ok(0) => {
                                    let _ = to.shutdown(std::net::Shutdown::Both);
                                    return;
                                }
                                Ok(n) => {
                                    if to.write_all(&buf[..n]).is_err() {
                                        return;
                                    }
                                }
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock
                                            | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => return,
                            }
                        }
                    });
                }
            }
        });
        Proxy { port, cut }
    }
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_connection_cut_in_the_middle_is_reported_and_resumed() {
    let test = "proxy_cut";
    let Some(broker) = Mosquitto::start(test, "allow_anonymous true", "") else {
        return;
    };
    let proxy = Proxy::start(broker.port);
    let client = Client::start(durable_config(proxy.port, "cut-client"));
    client.connected();
    subscribe(&client, "cut/#", QoS::AtLeastOnce);
    proxy.cut.store(true, Ordering::SeqCst);
    let (reason, _) = client
        .wait_for(LONG, |e| match e {
            Event::Disconnected(reason) => Some(reason.clone()),
            _ => None,
        })
        .expect("the cut is noticed");
    assert!(
        matches!(reason, CloseReason::ConnectionLost { .. }),
        "{reason:?}"
    );
    let (delay, _) = client
        .wait_for(LONG, |e| match e {
            Event::Reconnecting { delay, .. } => Some(*delay),
            _ => None,
        })
        .expect("a reconnect is announced");
    assert!(delay <= Duration::from_millis(150), "{delay:?}");
    let info = client.connected();
    assert!(info.session_present, "the session was resumed");
    // The subscription survived: a message published directly to the broker arrives.
    let publisher = Client::start(config(TransportKind::Tcp, broker.port, "cut-pub"));
    publisher.connected();
    let mut publish = Publish::new("cut/after", Bytes::from_static(b"still here"));
    publish.qos = QoS::AtLeastOnce;
    publisher.send(Command::Publish { tag: 1, publish });
    let (payload, _) = client
        .wait_for(LONG, |e| match e {
            Event::Message(p) => Some(p.payload.clone()),
            _ => None,
        })
        .expect("message after the reconnect");
    assert_eq!(&payload[..], b"still here");
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn cli_lines_files_text_output_filter_out_and_ctrl_c() {
    let test = "cli_modes";
    let Some(broker) = Mosquitto::start(test, "allow_anonymous true", "") else {
        return;
    };
    let port = broker.port.to_string();
    // A subscriber in text mode that leaves out lab/noise.
    let mut sub = Process::new(mqscope_bin())
        .args([
            "sub",
            "-p",
            &port,
            "-t",
            "lab/#",
            "-T",
            "lab/noise",
            "--format",
            "text",
            "-d",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start mqscope sub");
    // Wait for its SUBACK (shown by -d on stderr).
    let mut stderr = sub.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("SUBACK") {
        let n = stderr.read(&mut buf).expect("read stderr");
        assert!(n > 0, "sub ended early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    // -l: one message per line of standard input.
    let mut publisher = Process::new(mqscope_bin())
        .args(["pub", "-p", &port, "-t", "lab/lines", "-l", "-q", "1"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("start mqscope pub");
    publisher
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"one\ntwo\r\nthree\n")
        .expect("write lines");
    assert!(publisher.wait().expect("wait").success());
    // -f: a file; -n: empty; the filtered-out topic.
    let file = broker.dir.join("payload.bin");
    std::fs::write(&file, b"from a file").expect("write file");
    let out = run(Process::new(mqscope_bin())
        .args(["pub", "-p", &port, "-t", "lab/file", "-f"])
        .arg(&file));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(Process::new(mqscope_bin()).args([
        "pub",
        "-p",
        &port,
        "-t",
        "lab/noise",
        "-m",
        "hidden",
    ]));
    assert!(out.status.success());
    let out = run(Process::new(mqscope_bin()).args(["pub", "-p", &port, "-t", "lab/empty", "-n"]));
    assert!(out.status.success());
    std::thread::sleep(Duration::from_millis(500));
    // Ctrl-C: DISCONNECT 0x00 and exit 0.
    let status = Process::new("kill")
        .args(["-INT", &sub.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let output = sub.wait_with_output().expect("sub output");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        "lab/lines one\nlab/lines two\nlab/lines three\nlab/file from a file\nlab/empty \n"
    );
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest);
    assert!(rest.contains("sent 14 (DISCONNECT)"), "{rest}");
    assert!(broker.log().contains("disconnected"), "{}", broker.log());
}

#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
#[test]
fn a_version_1_client_certificate_made_as_mosquittos_guide_makes_it_is_accepted() {
    let test = "tls-v1-client";
    if !has_tls_guide_tools(test) {
        return;
    }
    let dir = Mosquitto::new_dir(test);
    let pki = TestPki::generate(&dir);
    // The guide's way: a CA, then `openssl x509 -req` with no extensions,
    // which makes an X.509 version 1 client certificate.
    let openssl = |args: &[&str]| openssl_in(&dir, args);
    openssl(&[
        "req",
        "-new",
        "-x509",
        "-days",
        "30",
        "-nodes",
        "-keyout",
        "guide-ca.key",
        "-out",
        "guide-ca.crt",
        "-subj",
        "/CN=guide CA",
    ]);
    openssl(&["genrsa", "-out", "guide-client.key", "2048"]);
    openssl(&[
        "req",
        "-new",
        "-key",
        "guide-client.key",
        "-out",
        "guide-client.csr",
        "-subj",
        "/CN=guide client",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "guide-client.csr",
        "-CA",
        "guide-ca.crt",
        "-CAkey",
        "guide-ca.key",
        "-CAcreateserial",
        "-out",
        "guide-client.crt",
        "-days",
        "30",
    ]);
    let text = openssl(&["x509", "-in", "guide-client.crt", "-noout", "-text"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Version: 1 (0x0)"),
        "the guide's way makes a version 1 certificate"
    );
    // mosquitto trusts both CAs: the test CA for its own certificate's
    // chain, the guide's CA for the client's.
    let cafile = dir.join("both-cas.pem");
    let both = format!(
        "{}{}",
        std::fs::read_to_string(&pki.ca_cert).unwrap(),
        std::fs::read_to_string(dir.join("guide-ca.crt")).unwrap()
    );
    std::fs::write(&cafile, both).unwrap();
    let listener = format!(
        "allow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true",
        cafile.display(),
        pki.server_cert.display(),
        pki.server_key.display()
    );
    let Some(broker) = Mosquitto::start(test, &listener, "") else {
        return;
    };
    let mut cfg = config(TransportKind::Tls, broker.port, "tls-v1-client");
    cfg.address.host = "localhost".into();
    cfg.tls.ca_file = Some(pki.ca_cert.clone());
    cfg.tls.client_cert = Some(dir.join("guide-client.crt"));
    cfg.tls.client_key = Some(dir.join("guide-client.key"));
    Client::start(cfg.clone()).connected();

    // The same key encrypted (PKCS#8, AES-256): refused without its
    // passphrase and with a wrong one, each in plain words; used with it.
    openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        "guide-client.key",
        "-out",
        "guide-client-encrypted.key",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:lab-secret",
    ]);
    let mut encrypted = cfg.clone();
    encrypted.tls.client_key = Some(dir.join("guide-client-encrypted.key"));
    assert!(matches!(
        setup_failure(encrypted.clone()),
        TlsSetupError::NeedsPassphrase { .. }
    ));
    encrypted.tls.key_passphrase = Some(Passphrase("wrong".into()));
    assert!(matches!(
        setup_failure(encrypted.clone()),
        TlsSetupError::WrongPassphrase { .. }
    ));
    encrypted.tls.key_passphrase = Some(Passphrase("lab-secret".into()));
    Client::start(encrypted).connected();

    // A PKCS#12 bundle of certificate and key, as Windows and macOS export it.
    openssl(&[
        "pkcs12",
        "-export",
        "-in",
        "guide-client.crt",
        "-inkey",
        "guide-client.key",
        "-out",
        "guide-client.p12",
        "-passout",
        "pass:lab-secret",
    ]);
    let mut bundle = cfg;
    bundle.tls.client_cert = Some(dir.join("guide-client.p12"));
    bundle.tls.client_key = None;
    assert!(matches!(
        setup_failure(bundle.clone()),
        TlsSetupError::NeedsPassphrase { .. }
    ));
    bundle.tls.key_passphrase = Some(Passphrase("lab-secret".into()));
    Client::start(bundle).connected();
}

/// The error a connection with `cfg` fails with; connecting is a failure of
/// the test, described by `wrongly`.
fn connect_failure(cfg: mqscope::net::ConnectionConfig, wrongly: &str) -> ConnectError {
    let client = Client::start(cfg);
    let (error, _) = client
        .wait_for(LONG, |e| match e {
            Event::ConnectFailed(error) => Some(error.clone()),
            Event::Connected(_) => panic!("{wrongly}"),
            _ => None,
        })
        .expect("a failure");
    error
}

/// The setup error a connection with `cfg` ends with.
fn setup_failure(cfg: mqscope::net::ConnectionConfig) -> TlsSetupError {
    match connect_failure(cfg, "connected without the right passphrase") {
        ConnectError::Tls(TlsFailure::Setup(setup)) => setup,
        other => panic!("expected a TLS setup error, got {other:?}"),
    }
}

#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
#[test]
fn a_version_1_server_certificate_is_refused_with_the_way_to_remake_it() {
    let test = "tls-v1-server";
    if !has_tls_guide_tools(test) {
        return;
    }
    let dir = Mosquitto::new_dir(test);
    let openssl = |args: &[&str]| {
        openssl_in(&dir, args);
    };
    // The guide's server certificate: version 1, a common name, no subjectAltName.
    openssl(&[
        "req",
        "-new",
        "-x509",
        "-days",
        "30",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=guide CA",
    ]);
    openssl(&["genrsa", "-out", "server.key", "2048"]);
    openssl(&[
        "req",
        "-new",
        "-key",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "30",
    ]);
    let listener = format!(
        "allow_anonymous true\ncertfile {}\nkeyfile {}",
        dir.join("server.crt").display(),
        dir.join("server.key").display()
    );
    let Some(broker) = Mosquitto::start(test, &listener, "") else {
        return;
    };
    let mut cfg = config(TransportKind::Tls, broker.port, "tls-v1-server");
    cfg.address.host = "localhost".into();
    cfg.tls.ca_file = Some(dir.join("ca.crt"));
    let error = connect_failure(cfg.clone(), "a version 1 server certificate was accepted");
    let text = mqscope::ui::words::connect_error(&error);
    assert!(
        text.contains("version 1") && text.contains("subjectAltName"),
        "{text}"
    );
    // The refusal names the certificate's fingerprint, as openssl computes it.
    let openssl_line = openssl_in(
        &dir,
        &[
            "x509",
            "-in",
            "server.crt",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let expected: Fingerprint = String::from_utf8_lossy(&openssl_line.stdout)
        .parse()
        .expect("openssl prints a fingerprint");
    match &error {
        ConnectError::Tls(TlsFailure::Untrusted {
            problem: CertificateProblem::Version1,
            presented: Some(presented),
        }) => assert_eq!(*presented, expected),
        other => panic!("expected a version 1 refusal with a fingerprint, got {other:?}"),
    }
    assert!(text.contains(&expected.to_string()), "{text}");

    // Trusted by that fingerprint, the same certificate is accepted.
    let mut pinned = cfg.clone();
    pinned.tls.trusted_fingerprint = Some(expected);
    Client::start(pinned).connected();

    // Another fingerprint is refused, saying so.
    let mut other_pin = cfg.clone();
    other_pin.tls.trusted_fingerprint = Some(Fingerprint([7; 32]));
    let error = connect_failure(
        other_pin,
        "a certificate with another fingerprint was accepted",
    );
    assert!(
        matches!(
            &error,
            ConnectError::Tls(TlsFailure::Untrusted {
                problem: CertificateProblem::NotThePinnedOne,
                presented: Some(p),
            }) if *p == expected
        ),
        "{error:?}"
    );

    // Verification turned off on purpose also works with a version 1
    // certificate (the handshake signature is still checked).
    let mut insecure = cfg;
    insecure.tls.ca_file = None;
    insecure.tls.skip_verification = true;
    Client::start(insecure).connected();
}

/// Whether mosquitto and openssl are there for the TLS guide's tests (a
/// visible skip otherwise).
fn has_tls_guide_tools(test: &str) -> bool {
    if support::mosquitto::mosquitto_path().is_none() {
        skip(test, "mosquitto is not installed");
        return false;
    }
    if Process::new("openssl").arg("version").output().is_err() {
        skip(test, "openssl is not installed (apt-get install openssl)");
        return false;
    }
    true
}

/// Run `openssl args` in `dir`; its output, after checking it succeeded.
fn openssl_in(dir: &std::path::Path, args: &[&str]) -> Output {
    let out = Process::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// "Copy as command": the `mosquitto_pub` and `mqscope pub` lines the window
/// copies for a message, run in a shell, publish the same topic, payload,
/// QoS, retain flag and properties (read back with `mosquitto_sub -F`).
#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_copied_command_line_publishes_the_same_message() {
    use mqscope::command_line::{Tool, publish_command};
    let test = "copy_as_command";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let mut profile = mqscope::profiles::Profile::new("lab");
    profile.host = "127.0.0.1".into();
    profile.port = broker.port;
    let format = "%t|%p|%q|%r|%C|%E|%F|%R|%D|%P";
    let read_back = |topic: &str, format: &str| {
        let out = run(Process::new("mosquitto_sub").args([
            "-p",
            &broker.port.to_string(),
            "-V",
            "5",
            "-q",
            "2",
            "-t",
            topic,
            "-C",
            "1",
            "-W",
            "10",
            "-F",
            format,
        ]));
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim_end().to_owned()
    };
    for (tool, topic) in [
        (Tool::Mosquitto, "lab/o'clock 1"),
        (Tool::Mqscope, "lab/$x 2"),
    ] {
        let mut publish = Publish::new(topic, "it's 21.5 °C; \"ok\" $HOME".as_bytes().to_vec());
        publish.qos = QoS::AtLeastOnce;
        publish.retain = true;
        publish.properties = Properties::new()
            .with(Property::PayloadFormatIndicator(1))
            .with(Property::MessageExpiryInterval(3600))
            .with(Property::ContentType("text/plain".into()))
            .with(Property::ResponseTopic("lab/reply".into()))
            .with(Property::CorrelationData(Bytes::from_static(b"req 42")))
            .with(Property::UserProperty("site".into(), "A b".into()))
            .with(Property::UserProperty("site".into(), "c'd".into()));
        let line = publish_command(tool, &profile, &publish).unwrap();
        let line = line.replacen("mqscope pub", &format!("'{}' pub", mqscope_bin()), 1);
        let ran = run(Process::new("sh").args(["-c", &line]));
        assert!(ran.status.success(), "{line}: {}", text(&ran.stderr));
        let got = read_back(topic, format);
        let fields: Vec<&str> = got.split('|').collect();
        assert_eq!(fields[0], topic, "{line}");
        assert_eq!(fields[1], "it's 21.5 °C; \"ok\" $HOME", "{line}");
        assert_eq!(&fields[2..5], ["1", "1", "text/plain"], "{line}");
        let expiry: u32 = fields[5].parse().unwrap();
        assert!(expiry > 3500 && expiry <= 3600, "{line}");
        assert_eq!(&fields[6..9], ["1", "lab/reply", "req 42"], "{line}");
        assert!(
            fields[9].contains("site:A b") && fields[9].contains("site:c'd"),
            "{line}: {}",
            fields[9]
        );
    }
    // A binary payload goes through printf and standard input.
    let publish = Publish::new("lab/raw", vec![0x00, 0xFF, 0x27, 0x0A]);
    let mut retained = publish.clone();
    retained.retain = true;
    let line = publish_command(Tool::Mosquitto, &profile, &retained).unwrap();
    let ran = run(Process::new("sh").args(["-c", &line]));
    assert!(ran.status.success(), "{line}: {}", text(&ran.stderr));
    assert_eq!(read_back("lab/raw", "%x"), "00ff270a", "{line}");
}
