//! What decoding one payload costs, per decoder, on payloads of about 200
//! bytes as devices send them: the same reading as JSON, CBOR, MessagePack
//! and gzip'd JSON, the fixtures' Protobuf telemetry (with its schema and
//! without), the fixtures' Avro reading (with its `.avsc`, and two in a
//! deflate container file) and a Sparkplug B NBIRTH and NDATA through the
//! reader (births' aliases resolved). Each group's name carries the payload's size.
//!
//! Run with `cargo bench --bench decoders`.

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

#[path = "../tests/support/decoders.rs"]
#[allow(dead_code)]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use mqscope::decode::{Context, Format, Hints, Reader};
use serde_json::{Value, json};

/// A case: its name, the format, the bytes, the context and the type name.
type Case<'a> = (&'a str, Format, &'a [u8], &'a Context, Option<&'a str>);

fn msgpack(value: &Value) -> rmpv::Value {
    match value {
        Value::Null => rmpv::Value::Nil,
        Value::Bool(b) => rmpv::Value::Boolean(*b),
        Value::Number(n) => n
            .as_i64()
            .map(rmpv::Value::from)
            .unwrap_or_else(|| rmpv::Value::F64(n.as_f64().unwrap_or_default())),
        Value::String(s) => rmpv::Value::from(s.as_str()),
        Value::Array(items) => rmpv::Value::Array(items.iter().map(msgpack).collect()),
        Value::Object(map) => rmpv::Value::Map(
            map.iter()
                .map(|(k, v)| (rmpv::Value::from(k.as_str()), msgpack(v)))
                .collect(),
        ),
    }
}

fn bench(c: &mut Criterion) {
    let reading = json!({
        "device": "esp32-bench-01", "site": "lab-2", "firmware": "1.4.2",
        "temperature": 21.75, "humidity": 48.5, "pressure": 1013.2, "co2": 612,
        "battery": 3.71, "rssi": -61, "uptime_s": 86_412, "ok": true,
        "samples": [21.7, 21.8, 21.75, 21.7], "alarms": []
    });
    let json_bytes = serde_json::to_vec(&reading).unwrap();
    let mut cbor = Vec::new();
    ciborium::ser::into_writer(&reading, &mut cbor).unwrap();
    let mut packed = Vec::new();
    rmpv::encode::write_value(&mut packed, &msgpack(&reading)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json_bytes).unwrap();
    let gzip = gz.finish().unwrap();

    let settings = mqscope::profiles::decoders::DecoderSettings {
        rules: vec![fixtures::telemetry_rule(), fixtures::reading_rule()],
        proto_paths: Vec::new(),
    };
    let context: Context = mqscope::profiles::decoders::compile(&settings, &[], &[]).unwrap();
    let protobuf = fixtures::case("protobuf").payload;
    let avro = fixtures::case("avro").payload;
    let avro_schema = fixtures::reading_rule().avro_schema.unwrap();
    let container = fixtures::case("avro-container-deflate").payload;

    let mut group = c.benchmark_group("decode");
    group.measurement_time(Duration::from_secs(3));
    group.warm_up_time(Duration::from_millis(500));
    let plain = Context::default();
    let cases: [Case<'_>; 8] = [
        ("json", Format::Json, &json_bytes, &plain, None),
        ("cbor", Format::Cbor, &cbor, &plain, None),
        ("msgpack", Format::MessagePack, &packed, &plain, None),
        ("gzip-json", Format::Json, &gzip, &plain, None),
        (
            "protobuf",
            Format::Protobuf,
            &protobuf,
            &context,
            Some("acme.Telemetry"),
        ),
        ("protobuf-raw", Format::ProtobufRaw, &protobuf, &plain, None),
        ("avro", Format::Avro, &avro, &context, Some(&avro_schema)),
        (
            "avro-container-deflate",
            Format::Avro,
            &container,
            &plain,
            None,
        ),
    ];
    for (name, format, bytes, context, type_name) in cases {
        group.bench_function(format!("{name}/{}B", bytes.len()), |b| {
            b.iter(|| {
                mqscope::decode::decode(format, black_box(bytes), None, type_name, context).unwrap()
            })
        });
    }
    // Sparkplug through the reader: the NBIRTH taken in first, then each
    // NDATA read with its aliases named.
    let fixtures::Case {
        topic: birth_topic,
        payload: birth,
        ..
    } = fixtures::case("sp-nbirth");
    let fixtures::Case {
        topic: data_topic,
        payload: data,
        ..
    } = fixtures::case("sp-ndata");
    let mut reader = Reader::default();
    let birth_hints = Hints {
        topic: &birth_topic,
        ..Hints::default()
    };
    reader.observe(&birth_hints, &birth);
    group.bench_function(format!("sparkplug-nbirth/{}B", birth.len()), |b| {
        b.iter(|| reader.read(&birth_hints, black_box(&birth)))
    });
    let data_hints = Hints {
        topic: &data_topic,
        ..Hints::default()
    };
    group.bench_function(format!("sparkplug-ndata/{}B", data.len()), |b| {
        b.iter(|| reader.read(&data_hints, black_box(&data)))
    });
    group.bench_function("auto-choose-json", |b| {
        let hints = Hints {
            topic: "lab/esp32",
            ..Hints::default()
        };
        b.iter(|| mqscope::decode::choose(&hints, black_box(&json_bytes), &plain))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
