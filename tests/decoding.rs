//! Payload decoders against independent encoders: the payloads in
//! `tests/fixtures/decoders/cases.json` were made by Python's cbor2,
//! msgpack and protobuf packages and by Eclipse Tahu's Sparkplug B helpers
//! (`make_fixtures.py` beside it), each with the value it must decode to.
//! Decoded here by the library, then published through the built-in broker
//! and read back by `mqscope sub --decode`.

#![cfg(feature = "builtin-broker")]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use mqscope::decode::sparkplug::{Finding, Topic, parse_topic};
use mqscope::decode::{Context, Format, Hints, Reader};
use mqscope::net::{Command, Event, TransportKind};
use mqscope::proto::{Properties, Property, Publish, QoS};
use serde_json::Value;
use support::broker::start_plain;
use support::client::{Client, config};
use support::decoders::{Case, cases, fixtures, reading_rule, telemetry_rule};
use support::mqscope_bin;

const LONG: Duration = Duration::from_secs(20);

/// `expected` holds in `actual`: objects field by field (`actual` may hold
/// more, such as a metric's timestamp), arrays item by item and as long,
/// anything else exactly (numbers compared as JSON writes them).
fn holds(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let got = got
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} is missing in {actual}"));
                holds(value, got, &format!("{path}.{key}"));
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            assert_eq!(want.len(), got.len(), "{path}: {actual}");
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                holds(w, g, &format!("{path}.{i}"));
            }
        }
        _ => assert_eq!(expected.to_string(), actual.to_string(), "{path}"),
    }
}

/// What each Sparkplug case must be flagged with (and nothing else).
fn findings_for(name: &str) -> Vec<Finding> {
    match name {
        "sp-orphan-ndata" => vec![Finding::NoBirth, Finding::UnresolvedAliases(1)],
        "sp-gap" => vec![Finding::SeqGap {
            expected: 4,
            got: 5,
        }],
        "sp-ndeath" => vec![Finding::BdSeqMismatch {
            birth: Some(3),
            death: Some(4),
        }],
        _ => Vec::new(),
    }
}

#[test]
fn every_independently_encoded_payload_decodes_to_what_its_encoder_was_given() {
    let rules = mqscope::profiles::decoders::DecoderSettings {
        rules: vec![telemetry_rule(), reading_rule()],
        proto_paths: Vec::new(),
    };
    let context: Context = mqscope::profiles::decoders::compile(&rules, &[], &[]).expect("compile");
    let mut reader = Reader::new(context);
    for case in cases() {
        let hints = Hints {
            topic: &case.topic,
            content_type: case.content_type.as_deref(),
            payload_format_indicator: None,
        };
        let findings = reader.observe(&hints, &case.payload);
        let reading = reader.read(&hints, &case.payload);
        let decoded = reading
            .result
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        match case.name.as_str() {
            "protobuf-no-schema" => {
                assert_eq!(reading.format, Format::Raw, "binary with nothing naming it");
                let raw = mqscope::decode::decode(
                    Format::ProtobufRaw,
                    &case.payload,
                    None,
                    None,
                    &Context::default(),
                )
                .unwrap();
                assert_eq!(raw.value["1"], "line-1", "field 1 is the site");
                assert_eq!(raw.value["12"]["1"]["double"], 45.75, "nested Location.lat");
            }
            name => {
                holds(&case.expect, &decoded.value, name);
                if name.starts_with("sp-") {
                    assert_eq!(findings, findings_for(name), "{name}");
                }
            }
        }
    }
    let node = reader
        .sparkplug
        .node("plant", "edge-1")
        .expect("edge-1 seen");
    assert_eq!(node.state, mqscope::decode::sparkplug::NodeState::Offline);
    assert_eq!(
        node.devices["pump"].state,
        mqscope::decode::sparkplug::NodeState::Offline
    );
}

fn publish_all(port: u16, messages: &[Publish]) {
    let publisher = Client::start(config(TransportKind::Tcp, port, "decoding-pub"));
    publisher.connected();
    for (tag, publish) in messages.iter().enumerate() {
        let tag = tag as u64 + 1;
        publisher.send(Command::Publish {
            tag,
            publish: publish.clone(),
        });
        publisher
            .wait_for(LONG, |e| {
                matches!(e, Event::PublishCompleted { tag: t, .. } if *t == tag).then_some(())
            })
            .expect("the flow completes");
    }
}

/// `mqscope sub` with `extra`, fed `cases` after a retained "ready"
/// message; the JSON lines of the cases.
fn read_back(
    port: u16,
    filter: &str,
    extra: &[&str],
    env: &[(&str, &std::path::Path)],
    cases: &[&Case],
) -> Vec<Value> {
    let mut ready = Publish::new(format!("ready/{}", fastrand::u32(..)), b"yes".to_vec());
    ready.retain = true;
    ready.qos = QoS::AtLeastOnce;
    publish_all(port, &[ready.clone()]);
    let mut sub = Process::new(mqscope_bin());
    sub.args([
        "sub",
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-q",
        "1",
        "-W",
        "60",
    ])
    .args(["-t", filter, "-C", &(cases.len() + 1).to_string()]);
    // Overlapping filters would bring the ready message twice.
    if !mqscope::proto::topic::topic_matches(filter, &ready.topic) {
        sub.args(["-t", &ready.topic]);
    }
    sub.args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        sub.env(name, value);
    }
    let mut child = sub.spawn().expect("run mqscope sub");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    assert!(
        out.read_line(&mut line).unwrap() > 0,
        "sub printed the ready message"
    );
    let messages: Vec<Publish> = cases
        .iter()
        .map(|case| {
            let mut publish = Publish::new(case.topic.as_str(), case.payload.clone());
            publish.qos = QoS::AtLeastOnce;
            if let Some(content_type) = &case.content_type {
                publish.properties =
                    Properties::new().with(Property::ContentType(content_type.as_str().into()));
            }
            publish
        })
        .collect();
    publish_all(port, &messages);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).expect("a JSON line"))
        .collect();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "sub failed: {stderr}");
    assert_eq!(lines.len(), cases.len(), "{stderr}");
    lines
}

#[test]
fn sub_decode_reads_them_back_through_a_broker_with_a_profiles_rules_and_sparkplug_state() {
    let (_broker, port) = start_plain();
    let config_dir = tempfile::tempdir().unwrap();
    let mut profile = mqscope::profiles::Profile {
        id: "lab-decoders".into(),
        name: "Lab".into(),
        host: "127.0.0.1".into(),
        ..Default::default()
    };
    profile.decoders.rules.push(telemetry_rule());
    profile.decoders.rules.push(reading_rule());
    mqscope::profiles::ProfileStore::new(config_dir.path(), vec![profile])
        .save()
        .expect("save the profile");
    let all = cases();
    let wanted: Vec<&Case> = all
        .iter()
        .filter(|c| c.name != "protobuf-no-schema")
        .collect();
    let lines = read_back(
        port,
        "#",
        &["--decode", "auto", "--decoders-from", "Lab"],
        &[("MQSCOPE_CONFIG_DIR", config_dir.path())],
        &wanted,
    );
    for (case, line) in wanted.iter().zip(&lines) {
        assert_eq!(line["topic"], case.topic.as_str());
        assert!(line.get("decode_error").is_none(), "{}: {line}", case.name);
        holds(&case.expect, &line["decoded"], &case.name);
        let expected_as = match case.name.as_str() {
            "cbor" => "cbor",
            "msgpack" => "msgpack",
            "protobuf" => "protobuf",
            name if name.starts_with("avro") => "avro",
            "sp-state" | "gzip-json" | "zlib-json" => "json",
            _ => "sparkplug",
        };
        assert_eq!(line["decoded_as"], expected_as, "{}", case.name);
        if let Some(Topic::Node(_)) = parse_topic(&case.topic) {
            let findings = line["sparkplug"]["findings"].as_array().map_or(0, Vec::len);
            assert_eq!(
                findings,
                findings_for(&case.name).len(),
                "{}: {line}",
                case.name
            );
        }
    }
    let because = |name: &str| {
        let i = wanted.iter().position(|c| c.name == name).unwrap();
        lines[i]["decoded_because"].as_str().unwrap().to_owned()
    };
    assert_eq!(because("protobuf"), "the rule for factory/+/telemetry");
    assert_eq!(because("cbor"), "its Content Type is application/cbor");
    assert_eq!(because("gzip-json"), "the whole payload parses as JSON");
    assert_eq!(because("avro"), "the rule for plant/+/reading");
    assert_eq!(
        because("avro-container-snappy"),
        "the payload is an Avro object container file"
    );
    let gap = &lines[wanted.iter().position(|c| c.name == "sp-gap").unwrap()];
    assert_eq!(gap["sparkplug"]["state"], "stale");
    assert!(
        gap["sparkplug"]["findings"][0]
            .as_str()
            .unwrap()
            .contains("seq 5 came where 4"),
        "{gap}"
    );
}

#[test]
fn sub_decode_protobuf_takes_a_proto_file_and_type_on_the_command_line() {
    let (_broker, port) = start_plain();
    let all = cases();
    let protobuf: Vec<&Case> = all.iter().filter(|c| c.name == "protobuf").collect();
    let proto = fixtures().join("telemetry.proto");
    let lines = read_back(
        port,
        "factory/#",
        &[
            "--decode",
            "protobuf",
            "--proto",
            proto.to_str().unwrap(),
            "--proto-type",
            "acme.Telemetry",
        ],
        &[],
        &protobuf,
    );
    assert_eq!(lines[0]["decoded_as"], "protobuf");
    assert_eq!(
        lines[0]["decoded"], protobuf[0].expect,
        "exactly what json_format wrote"
    );

    // A wrong type name is refused before connecting, in plain words.
    let refused = Process::new(mqscope_bin())
        .args([
            "sub",
            "-t",
            "x",
            "--decode",
            "protobuf",
            "--proto",
            proto.to_str().unwrap(),
        ])
        .args(["--proto-type", "acme.Nope"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no message type acme.Nope"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn sub_decode_avro_takes_a_schema_file_and_reads_container_files_without_one() {
    let (_broker, port) = start_plain();
    let all = cases();
    let avro: Vec<&Case> = all
        .iter()
        .filter(|c| c.name == "avro" || c.name == "avro-container-deflate")
        .collect();
    let schema = fixtures().join("reading.avsc");
    let lines = read_back(
        port,
        "plant/#",
        &[
            "--decode",
            "avro",
            "--avro-schema",
            schema.to_str().unwrap(),
        ],
        &[],
        &avro,
    );
    for (case, line) in avro.iter().zip(&lines) {
        assert_eq!(line["decoded_as"], "avro", "{line}");
        assert_eq!(
            line["decoded"], case.expect,
            "{}: exactly what fastavro was given",
            case.name
        );
    }

    // A schema that is not one is refused before connecting, in plain words.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.avsc");
    std::fs::write(&broken, r#"{"type": "record", "name": "R"}"#).unwrap();
    let refused = Process::new(mqscope_bin())
        .args(["sub", "-t", "x", "--decode", "avro", "--avro-schema"])
        .arg(&broken)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("broken.avsc is not a usable Avro schema"),
        "{stderr}"
    );
}
