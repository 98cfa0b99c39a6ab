//! Fuzz the payload decoders: every format, every compression, and the
//! Sparkplug B state, on any bytes. Byte 0 picks the topic (Sparkplug node
//! or device messages, a STATE, or another); the rest is the payload, fed to
//! one reader in turn so that births, data and deaths meet.
//!
//! Avro datums are read with a recursive schema of every kind of type.
//!
//! Checked: nothing panics, and what decodes serializes as JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqscope::decode::{Compression, Context, Format, Hints, Reader, decode};

const TOPICS: [&str; 6] = [
    "spBv1.0/g/NBIRTH/e",
    "spBv1.0/g/NDATA/e",
    "spBv1.0/g/DBIRTH/e/d",
    "spBv1.0/g/DDATA/e/d",
    "spBv1.0/STATE/h",
    "factory/a",
];

/// A record of every Avro type, logical ones too, nesting through a union.
const AVRO_SCHEMA: &str = r#"{"type": "record", "name": "R", "fields": [
    {"name": "b", "type": "boolean"}, {"name": "i", "type": "int"},
    {"name": "f", "type": "float"}, {"name": "d", "type": "double"},
    {"name": "s", "type": "string"}, {"name": "x", "type": {"type": "fixed", "name": "F", "size": 3}},
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
    {"name": "a", "type": {"type": "array", "items": "long"}},
    {"name": "m", "type": {"type": "map", "values": "bytes"}},
    {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 3}},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "t", "type": {"type": "int", "logicalType": "time-millis"}},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "next", "type": ["null", "R"]}
]}"#;

fn context() -> &'static Context {
    static CONTEXT: std::sync::OnceLock<Context> = std::sync::OnceLock::new();
    CONTEXT.get_or_init(|| {
        let schema = mqscope::decode::avro::ParsedSchema::parse(AVRO_SCHEMA).expect("the schema");
        let mut context = Context::default();
        context.avro.insert("r.avsc".to_owned(), std::sync::Arc::new(schema));
        context
    })
}

fuzz_target!(|data: &[u8]| {
    let [pick, payload @ ..] = data else {
        return;
    };
    let context = context();
    if let Ok(decoded) = decode(Format::Avro, payload, None, Some("r.avsc"), context) {
        serde_json::to_string(&decoded.value).expect("decoded values serialize");
    }
    for format in Format::ALL {
        if let Ok(decoded) = decode(format, payload, None, None, context) {
            serde_json::to_string(&decoded.value).expect("decoded values serialize");
        }
    }
    for compression in [Compression::Gzip, Compression::Zlib, Compression::Deflate] {
        let _ = decode(Format::Cbor, payload, Some(compression), None, context);
    }
    let mut reader = Reader::default();
    // The payload split in two messages of the picked topic and the next.
    let cut = usize::from(*pick) % (payload.len() + 1);
    for (i, part) in [&payload[..cut], &payload[cut..]].into_iter().enumerate() {
        let topic = TOPICS[(usize::from(*pick) + i) % TOPICS.len()];
        let hints = Hints {
            topic,
            ..Hints::default()
        };
        let _ = reader.observe(&hints, part);
        let _ = reader.read(&hints, part);
    }
});
