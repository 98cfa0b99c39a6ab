//! The payloads of `tests/fixtures/decoders/cases.json` (made by independent
//! encoders, see `make_fixtures.py` there) and the Protobuf rule they are
//! read with, and the Avro one. Shared by the decoding tests and `benches/decoders.rs`.

use std::path::PathBuf;

use mqscope::decode::{Format, Rule};
use serde_json::Value;

/// One payload and what it must decode to.
pub struct Case {
    /// The case's name.
    pub name: String,
    /// The topic it is published on.
    pub topic: String,
    /// Its Content Type, if it has one.
    pub content_type: Option<String>,
    /// The payload.
    pub payload: Vec<u8>,
    /// What it decodes to (the encoder's input, mapped).
    pub expect: Value,
}

/// The folder of the fixtures.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoders")
}

/// Every case, in file order.
pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).expect("cases.json");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    cases
        .into_iter()
        .map(|case| {
            let hex = case["payload_hex"].as_str().expect("payload_hex");
            Case {
                name: case["name"].as_str().unwrap().to_owned(),
                topic: case["topic"].as_str().unwrap().to_owned(),
                content_type: case["content_type"].as_str().map(str::to_owned),
                payload: (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                    .collect(),
                expect: case["expect"].clone(),
            }
        })
        .collect()
}

/// The case named `name`.
pub fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// `factory/+/telemetry` is `acme.Telemetry` from the fixtures' `telemetry.proto`.
pub fn telemetry_rule() -> Rule {
    let mut rule = Rule::new("factory/+/telemetry", Format::Protobuf);
    rule.message_type = Some("acme.Telemetry".into());
    rule.proto_file = Some(fixtures().join("telemetry.proto").display().to_string());
    rule
}

/// `plant/+/reading` is Avro of the fixtures' `reading.avsc`.
pub fn reading_rule() -> Rule {
    let mut rule = Rule::new("plant/+/reading", Format::Avro);
    rule.avro_schema = Some(fixtures().join("reading.avsc").display().to_string());
    rule
}
