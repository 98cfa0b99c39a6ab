//! Recordings end to end on the built-in broker: `sub --record`, then
//! `export` (JSON lines and CSV) and `replay` into a second broker, and a
//! recording that runs out of room while the connection goes on.

#![cfg(feature = "builtin-broker")]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command as Process, Stdio};
use std::time::Duration;

use bytes::Bytes;
use mqscope::net::{Command, Event, TransportKind};
use mqscope::proto::{Properties, Property, Publish, QoS};
use serde_json::Value;
use support::broker::start_plain;
use support::client::{Client, config};
use support::mqscope_bin;

const LONG: Duration = Duration::from_secs(20);

/// `mqscope sub` on `port` with `extra` options, its output read line by line.
fn subscriber(
    port: u16,
    filter: &str,
    count: usize,
    extra: &[&str],
) -> (Child, BufReader<ChildStdout>) {
    let mut child = Process::new(mqscope_bin())
        .args([
            "sub",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-t",
            filter,
        ])
        .args(["-q", "2", "-C", &count.to_string(), "-W", "60"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mqscope sub");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    (child, out)
}

fn read_line(out: &mut BufReader<ChildStdout>) -> Value {
    let mut line = String::new();
    assert!(
        out.read_line(&mut line).expect("read") > 0,
        "sub ended early"
    );
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// Publish each message and wait for its QoS 1/2 flow to finish.
fn publish_all(port: u16, messages: &[Publish]) {
    let publisher = Client::start(config(TransportKind::Tcp, port, "recording-pub"));
    publisher.connected();
    for (tag, publish) in messages.iter().enumerate() {
        publisher.send(Command::Publish {
            tag: tag as u64 + 1,
            publish: publish.clone(),
        });
        if publish.qos != QoS::AtMostOnce {
            publisher
                .wait_for(LONG, |e| {
                    matches!(e, Event::PublishCompleted { tag: t, .. } if *t == tag as u64 + 1)
                        .then_some(())
                })
                .expect("the flow completes");
        }
    }
    // A clean DISCONNECT goes after every message written before it.
    publisher.send(Command::Disconnect {
        reason_code: mqscope::proto::ReasonCode::Success,
        properties: Properties::new(),
    });
    publisher
        .wait_for(LONG, |e| matches!(e, Event::Stopped).then_some(()))
        .expect("the publisher stops");
}

/// A message on `topic` of every kind a device sends: every QoS, every
/// property a publisher sets, text, JSON and binary payloads.
fn lab_messages() -> Vec<Publish> {
    let mut text = Publish::new("lab/room-101/temperature", b"21.5".to_vec());
    text.properties = Properties::new().with(Property::PayloadFormatIndicator(1));
    let mut json = Publish::new("lab/room-101/status", br#"{"ok":true,"rssi":-55}"#.to_vec());
    json.qos = QoS::AtLeastOnce;
    json.properties = Properties::new()
        .with(Property::ContentType("application/json".into()))
        .with(Property::MessageExpiryInterval(3600))
        .with(Property::ResponseTopic("lab/room-101/reply".into()))
        .with(Property::CorrelationData(Bytes::from_static(&[0, 1, 0xFF])))
        .with(Property::UserProperty("site".into(), "lab-A".into()))
        .with(Property::UserProperty("site".into(), "lab-B".into()));
    let mut binary = Publish::new("lab/esp32/raw", vec![0x00, 0xFF, 0x10, 0x80]);
    binary.qos = QoS::ExactlyOnce;
    binary.properties =
        Properties::new().with(Property::ContentType("application/octet-stream".into()));
    let mut retained = Publish::new("lab/esp32/name", b"bench \xE2\x80\x94 1".to_vec());
    retained.qos = QoS::AtLeastOnce;
    retained.retain = true;
    vec![text, json, binary, retained]
}

fn without_time(mut line: Value) -> Value {
    line.as_object_mut()
        .expect("an object")
        .remove("received_at");
    line
}

fn time_of(line: &Value) -> std::time::SystemTime {
    humantime::parse_rfc3339(line["received_at"].as_str().expect("received_at")).expect("RFC 3339")
}

/// The user properties a publisher set, without the broker's own.
fn publishers_own(users: &Value) -> Vec<Value> {
    users
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|pair| pair[0] != "x-mqtt-client-id")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_recorded_session_exports_what_sub_printed_and_replays_into_another_broker() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("lab.mqrec");
    let (_broker, port) = start_plain();
    // A retained message first: when sub prints it, it is subscribed.
    let mut ready = Publish::new("lab/ready", b"yes".to_vec());
    ready.retain = true;
    ready.qos = QoS::AtLeastOnce;
    publish_all(port, &[ready]);
    let messages = lab_messages();
    let record = recording.to_str().unwrap();
    let (mut sub, mut out) = subscriber(port, "lab/#", 1 + messages.len(), &["--record", record]);
    let mut printed = vec![read_line(&mut out)];
    publish_all(port, &messages);
    for _ in &messages {
        printed.push(read_line(&mut out));
    }
    let status = sub.wait().expect("sub ends");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut sub.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("recorded") && stderr.contains(record),
        "{stderr}"
    );

    // JSON lines: what sub printed, received_at being the recorded time.
    let export = Process::new(mqscope_bin())
        .args(["export", record, "--format", "jsonl"])
        .output()
        .expect("run mqscope export");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let exported: Vec<Value> = export
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("JSON line"))
        .collect();
    assert_eq!(exported.len(), printed.len());
    for (recorded, seen) in exported.iter().zip(&printed) {
        assert_eq!(without_time(recorded.clone()), without_time(seen.clone()));
        let apart = time_of(seen)
            .duration_since(time_of(recorded))
            .unwrap_or_else(|e| e.duration());
        assert!(
            apart < Duration::from_secs(2),
            "recorded {apart:?} from printed"
        );
    }
    // The broker may deliver messages on different topics in any order.
    let on = |topic: &str| {
        exported
            .iter()
            .find(|l| l["topic"] == topic)
            .unwrap_or_else(|| panic!("nothing on {topic}: {exported:#?}"))
    };
    assert_eq!(
        on("lab/esp32/raw")["payload_base64"],
        "AP8QgA==",
        "binary kept"
    );
    assert_eq!(on("lab/esp32/raw")["qos"], 2);
    let users = on("lab/room-101/status")["properties"]["user-property"].clone();
    assert_eq!(
        users.as_array().map(|u| u[..2].to_vec()),
        Some(vec![
            serde_json::json!(["site", "lab-A"]),
            serde_json::json!(["site", "lab-B"])
        ]),
        "{users}"
    );

    // CSV: one row per message that reads back exactly; -t and --from filter.
    let csv_path = dir.path().join("lab.csv");
    let export = Process::new(mqscope_bin())
        .args(["export", record, "--format", "csv", "-t", "lab/room-101/#"])
        .args(["--from", "0s", "-o", csv_path.to_str().unwrap()])
        .output()
        .expect("run mqscope export");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let mut rows = csv::Reader::from_path(&csv_path).expect("CSV");
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let status = rows
        .iter()
        .find(|r| &r[1] == "lab/room-101/status")
        .expect("the status row");
    assert_eq!(&status[2], "1");
    assert_eq!(&status[5], r#"{"ok":true,"rssi":-55}"#);
    assert_eq!(&status[6], "application/json");
    assert_eq!(&status[7], "lab/room-101/reply");
    assert_eq!(&status[8], "AAH/");
    assert_eq!(&status[9], "3600");
    assert!(
        status[10].starts_with(r#"[["site","lab-A"],["site","lab-B"]"#),
        "{}",
        &status[10]
    );

    // Replay into a second broker under a prefix, as fast as it goes.
    let (_second, second_port) = start_plain();
    let mut sync = Publish::new("replay/sync", b"go".to_vec());
    sync.retain = true;
    sync.qos = QoS::AtLeastOnce;
    publish_all(second_port, &[sync]);
    let (mut watcher, mut seen) = subscriber(
        second_port,
        "replay/#",
        1 + printed.len(),
        &["--retain-as-published"],
    );
    assert_eq!(read_line(&mut seen)["topic"], "replay/sync");
    let replay = Process::new(mqscope_bin())
        .args([
            "replay",
            record,
            "-h",
            "127.0.0.1",
            "-p",
            &second_port.to_string(),
        ])
        .args(["--speed", "max", "--topic-prefix", "replay/"])
        .output()
        .expect("run mqscope replay");
    let said = String::from_utf8_lossy(&replay.stderr);
    assert!(replay.status.success(), "{said}");
    assert!(
        said.contains(&format!("replayed {} messages; 0 failed", printed.len())),
        "{said}"
    );
    let mut replayed: Vec<Value> = (0..printed.len()).map(|_| read_line(&mut seen)).collect();
    assert!(watcher.wait().expect("the watcher ends").success());
    replayed.sort_by_key(|l| l["topic"].as_str().unwrap_or_default().to_owned());
    let mut originals = printed.clone();
    originals.sort_by_key(|l| l["topic"].as_str().unwrap_or_default().to_owned());
    for (again, original) in replayed.iter().zip(&originals) {
        let topic = original["topic"].as_str().unwrap();
        assert_eq!(again["topic"], format!("replay/{topic}"));
        for field in ["qos", "retain", "payload", "payload_base64"] {
            assert_eq!(again.get(field), original.get(field), "{topic}: {field}");
        }
        let (was, now) = (&original["properties"], &again["properties"]);
        for property in [
            "payload-format-indicator",
            "content-type",
            "response-topic",
            "correlation-data",
        ] {
            assert_eq!(now.get(property), was.get(property), "{topic}: {property}");
        }
        // The built-in broker names each publisher in x-mqtt-client-id.
        assert_eq!(
            publishers_own(&now["user-property"]),
            publishers_own(&was["user-property"]),
            "{topic}: user properties"
        );
        if let Some(expiry) = was.get("message-expiry-interval") {
            let left = now["message-expiry-interval"]
                .as_u64()
                .expect("expiry kept");
            assert!(
                left <= expiry.as_u64().unwrap() && left > 3000,
                "{topic}: {left}"
            );
        }
    }
}

#[test]
fn a_recording_that_runs_out_of_room_stops_and_the_connection_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("full.mqrec");
    let (_broker, port) = start_plain();
    let mut ready = Publish::new("lab/ready", b"yes".to_vec());
    ready.retain = true;
    ready.qos = QoS::AtLeastOnce;
    publish_all(port, &[ready]);
    const MESSAGES: usize = 600;
    // A file size limit of 64 KiB stands for a full disk; with SIGXFSZ
    // ignored, a write past it fails with "file too large".
    let command = format!(
        "ulimit -f 64; trap '' XFSZ; exec '{}' sub -h 127.0.0.1 -p {port} -t 'lab/#' -C {} -W 60 --record '{}'",
        mqscope_bin(),
        MESSAGES + 1,
        recording.display()
    );
    let mut sub = Process::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sh");
    let mut out = BufReader::new(sub.stdout.take().unwrap());
    read_line(&mut out);
    let payload = vec![b'x'; 400];
    let messages: Vec<Publish> = (0..MESSAGES)
        .map(|i| Publish::new(format!("lab/flood/{i}"), payload.clone()))
        .collect();
    publish_all(port, &messages);
    let lines = (0..MESSAGES).map(|_| read_line(&mut out)).count();
    assert_eq!(lines, MESSAGES, "every message still printed");
    let status = sub.wait().expect("sub ends");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut sub.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "a failed recording is a failure: {stderr}"
    );
    assert!(stderr.contains("The recording stopped"), "{stderr}");
    assert!(stderr.contains("larger than this disk allows"), "{stderr}");
    // What was written opens, up to its last whole frame.
    let export = Process::new(mqscope_bin())
        .args(["export", recording.to_str().unwrap()])
        .output()
        .expect("run mqscope export");
    assert!(export.status.success());
    let kept = export
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(kept > 10 && kept < MESSAGES, "{kept} messages kept");
    let size = std::fs::metadata(&recording).unwrap().len();
    assert!(size <= 64 * 1024, "{size}");
}

/// "Replay to…" from a recording tab: the recording's messages go out
/// through another connection, with what a publisher sets, and a
/// subscriber on that broker gets each of them.
#[test]
fn a_recording_replays_through_an_open_connection() {
    use mqscope::proto::session::Direction;
    use mqscope::proto::{Packet, ProtocolVersion, SubscribeFilter};
    use mqscope::record::{Header, Recorder, Scope, WriterState};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.mqrec");
    let mut recorder = Recorder::create(
        &path,
        Header {
            mqscope_version: "test".into(),
            broker: "lab-pi:1883".into(),
            protocol_version: 5,
            started_at_micros: 1_764_756_000_000_000,
            scope: Scope::Messages,
        },
    )
    .unwrap();
    let status = recorder.status();
    let started = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_756_000);
    let messages = lab_messages();
    for (i, publish) in messages.iter().enumerate() {
        let mut publish = publish.clone();
        publish.packet_id = if publish.qos == QoS::AtMostOnce { 0 } else { 7 };
        let bytes = Packet::Publish(publish)
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let at = started + Duration::from_millis(100 * i as u64);
        recorder.offer(at, Direction::Received, &bytes, None);
    }
    drop(recorder);
    while status.state() == WriterState::Running {
        std::thread::sleep(Duration::from_millis(5));
    }

    let (_broker, port) = start_plain();
    let subscriber = Client::start(config(TransportKind::Tcp, port, "replay-watch"));
    subscriber.connected();
    subscriber.send(Command::Subscribe {
        tag: 1,
        filters: vec![SubscribeFilter::new("lab/#", QoS::ExactlyOnce)],
        properties: Properties::new(),
    });
    subscriber
        .wait_for(LONG, |e| {
            matches!(e, Event::Subscribed { .. }).then_some(())
        })
        .expect("subscribed");
    let through = Client::start(config(TransportKind::Tcp, port, "replay-through"));
    through.connected();

    let replay = mqscope::record::replay::replay_to(
        path,
        through.handle.command_sender(),
        10.0,
        ProtocolVersion::V5,
    )
    .unwrap();
    let mut got = Vec::new();
    while got.len() < messages.len() {
        let (message, _) = subscriber
            .wait_for(LONG, |e| match e {
                Event::Message(p) => Some(p.clone()),
                _ => None,
            })
            .expect("a replayed message");
        got.push(message);
    }
    // The built-in broker may pass messages on different topics on in
    // another order: compare them topic by topic.
    got.sort_by(|a, b| a.topic.cmp(&b.topic));
    let mut messages = messages;
    messages.sort_by(|a, b| a.topic.cmp(&b.topic));
    for (sent, came) in messages.iter().zip(&got) {
        assert_eq!(came.topic, sent.topic);
        assert_eq!(came.payload, sent.payload);
        assert_eq!(came.qos, sent.qos);
        assert_eq!(
            came.properties.content_type(),
            sent.properties.content_type()
        );
        assert_eq!(
            came.properties.correlation_data(),
            sent.properties.correlation_data()
        );
        let sites = |p: &Publish| -> Vec<(String, String)> {
            p.properties
                .user_properties()
                .filter(|(k, _)| *k == "site")
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        assert_eq!(sites(came), sites(sent));
    }
    let until = std::time::Instant::now() + LONG;
    while !replay.finished() {
        assert!(std::time::Instant::now() < until, "the replay ends");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(replay.sent(), messages.len() as u64);
    assert_eq!(replay.failed(), None);
}
