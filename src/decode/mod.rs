//! Payload decoders: JSON, CBOR, MessagePack, Protobuf (with the user's
//! schema or without one), Sparkplug B, Avro (with the user's schema, or an
//! object container file's own), and gzip / zlib / deflate in front of any
//! of them. Bytes in, a JSON value (the mapping of `docs/DECODING.md`) or
//! a typed error out; no egui, no IO, no words beyond the errors' English
//! `Display` that the CLI prints.
//!
//! Every decoder is bounded: nesting deeper than [`MAX_DEPTH`] is refused,
//! a length is checked against the bytes that are there before anything is
//! reserved, and decompression stops at [`MAX_INFLATED`].

pub mod avro;
mod cbor;
mod detect;
mod inflate;
mod mapping;
mod msgpack;
pub mod protobuf;
pub mod reader;
pub mod rules;
mod schemaless;
pub mod sparkplug;
mod wire;

pub use detect::{Hints, Reason, choose, declared};
pub use inflate::{Compression, MAX_INFLATED, inflate};
pub use reader::{Forced, Reader, Reading};
pub use rules::{Rule, RuleSet};

use serde_json::Value;

/// How deeply a payload may nest arrays, maps and messages.
pub const MAX_DEPTH: usize = 128;

/// A way of reading a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// UTF-8 text, shown as it is.
    Text,
    /// JSON.
    Json,
    /// CBOR (RFC 8949).
    Cbor,
    /// MessagePack.
    #[serde(rename = "msgpack")]
    MessagePack,
    /// Protobuf with a message type from the user's `.proto` files.
    Protobuf,
    /// Protobuf without a schema: field numbers and wire types.
    #[serde(rename = "protobuf-raw")]
    ProtobufRaw,
    /// Sparkplug B (its schema built in), or a Sparkplug host's STATE.
    Sparkplug,
    /// Avro: a datum of the user's `.avsc` schema, or an object container
    /// file with its own.
    Avro,
    /// Not decoded: the bytes as they are.
    Raw,
}

impl Format {
    /// Every format, in the order a person is offered them.
    pub const ALL: [Format; 9] = [
        Format::Text,
        Format::Json,
        Format::Cbor,
        Format::MessagePack,
        Format::Protobuf,
        Format::ProtobufRaw,
        Format::Sparkplug,
        Format::Avro,
        Format::Raw,
    ];

    /// The format's name as the CLI and the profile file spell it.
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Cbor => "cbor",
            Format::MessagePack => "msgpack",
            Format::Protobuf => "protobuf",
            Format::ProtobufRaw => "protobuf-raw",
            Format::Sparkplug => "sparkplug",
            Format::Avro => "avro",
            Format::Raw => "raw",
        }
    }

    /// The format's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "Text",
            Format::Json => "JSON",
            Format::Cbor => "CBOR",
            Format::MessagePack => "MessagePack",
            Format::Protobuf => "Protobuf",
            Format::ProtobufRaw => "Protobuf (no schema)",
            Format::Sparkplug => "Sparkplug B",
            Format::Avro => "Avro",
            Format::Raw => "Raw",
        }
    }

    /// The format a CLI or profile key names.
    pub fn from_key(key: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.key() == key)
    }

    /// The format a Content Type names, if it names one that cannot be
    /// mistaken.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Some(Format::Json),
            "application/cbor" => Some(Format::Cbor),
            "application/msgpack" | "application/x-msgpack" | "application/vnd.msgpack" => {
                Some(Format::MessagePack)
            }
            "application/protobuf"
            | "application/x-protobuf"
            | "application/vnd.google.protobuf"
            | "application/octet-stream+protobuf" => Some(Format::ProtobufRaw),
            "avro/binary"
            | "application/avro"
            | "application/x-avro-binary"
            | "application/vnd.apache.avro+binary" => Some(Format::Avro),
            essence if essence.ends_with("+json") => Some(Format::Json),
            essence if essence.ends_with("+cbor") => Some(Format::Cbor),
            essence if essence.starts_with("text/") => Some(Format::Text),
            _ => None,
        }
    }
}

/// Why a payload could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not a value of the format; what the reader said.
    #[error("{0}")]
    Invalid(String),
    /// A value was read, but bytes follow it.
    #[error("{0} bytes follow the value")]
    TrailingBytes(usize),
    /// Arrays, maps or messages nest deeper than [`MAX_DEPTH`].
    #[error("it nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The payload is not UTF-8 text.
    #[error("it is not UTF-8 text (byte {0} is not)")]
    NotText(usize),
    /// Decompressed, the payload grows past [`MAX_INFLATED`] bytes.
    #[error("decompressed, it grows past {MAX_INFLATED} bytes")]
    InflatesTooFar,
    /// The compressed stream is damaged or cut off.
    #[error("the {0} stream is damaged: {1}")]
    BadCompression(&'static str, String),
    /// Protobuf was asked for with no message type for this topic.
    #[error("no Protobuf message type is set for this topic")]
    NoSchema,
    /// The message type named is not in the compiled `.proto` files.
    #[error("the .proto files have no message type {0}")]
    UnknownType(String),
    /// Avro was asked for with no schema for this topic, and the payload
    /// is not a container file (which carries its own).
    #[error(
        "no Avro schema (.avsc) is set for this topic, and the payload is not an Avro container file"
    )]
    NoAvroSchema,
}

/// A payload decoded, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The payload as JSON (see `docs/DECODING.md`).
    pub value: Value,
    /// The format it was read as.
    pub format: Format,
    /// The compression taken off first, and the size before.
    pub inflated_from: Option<(Compression, usize)>,
}

/// The compiled schemas and rules a payload is decoded with.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The per-filter rules, first match wins.
    pub rules: RuleSet,
    /// The message types of the user's `.proto` files, if any were given.
    pub pool: Option<prost_reflect::DescriptorPool>,
    /// The Avro schemas, by the `.avsc` file a rule or option names.
    pub avro: std::collections::HashMap<String, std::sync::Arc<avro::ParsedSchema>>,
}

/// `bytes` read as `format`. `schema` names what `context` compiled: for
/// Protobuf the message type in its pool, for Avro the `.avsc` file (an
/// Avro container file needs none). Sparkplug B reads the payload alone
/// (aliases are resolved by [`sparkplug::Tracker`]). A gzip or zlib stream
/// is taken off first when its header says so; `compression` forces one.
pub fn decode(
    format: Format,
    bytes: &[u8],
    compression: Option<Compression>,
    schema: Option<&str>,
    context: &Context,
) -> Result<Decoded, DecodeError> {
    let (body, inflated_from) = if format == Format::Raw {
        (std::borrow::Cow::Borrowed(bytes), None)
    } else {
        uncompressed(bytes, compression)?
    };
    let body = body.as_ref();
    let value = match format {
        Format::Text => Value::String(text(body)?.to_owned()),
        Format::Json => json(body)?,
        Format::Cbor => cbor::decode(body)?,
        Format::MessagePack => msgpack::decode(body)?,
        Format::ProtobufRaw => schemaless::decode(body)?,
        Format::Protobuf => {
            let type_name = schema.ok_or(DecodeError::NoSchema)?;
            let pool = context.pool.as_ref().ok_or(DecodeError::NoSchema)?;
            protobuf::decode(pool, type_name, body)?
        }
        Format::Sparkplug => sparkplug::payload::decode(body)?.to_json(),
        Format::Avro if avro::is_container(body) => avro::decode_container(body)?,
        Format::Avro => {
            let schema = schema
                .and_then(|file| context.avro.get(file))
                .ok_or(DecodeError::NoAvroSchema)?;
            avro::decode_datum(schema, body)?
        }
        Format::Raw => mapping::bytes(body),
    };
    Ok(Decoded {
        value,
        format,
        inflated_from,
    })
}

/// A payload's bytes with any compression off, and the compression and the
/// size before when there was one.
pub type Uncompressed<'a> = (std::borrow::Cow<'a, [u8]>, Option<(Compression, usize)>);

/// `bytes` with their compression taken off: `forced`, or the one their
/// header shows (a stream that does not inflate was not compressed after
/// all: "x^" begins both a zlib header and some text). The compression and
/// the size before, when there was one.
pub fn uncompressed(
    bytes: &[u8],
    forced: Option<Compression>,
) -> Result<Uncompressed<'_>, DecodeError> {
    use std::borrow::Cow;
    let inflated = match (forced, Compression::from_header(bytes)) {
        (Some(method), _) => Some((method, inflate(method, bytes)?)),
        (None, Some(method)) => match inflate(method, bytes) {
            Ok(body) => Some((method, body)),
            Err(DecodeError::BadCompression(..)) => None,
            Err(other) => return Err(other),
        },
        (None, None) => None,
    };
    Ok(match inflated {
        Some((method, body)) => (Cow::Owned(body), Some((method, bytes.len()))),
        None => (Cow::Borrowed(bytes), None),
    })
}

/// `bytes` as UTF-8 text.
pub fn text(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError::NotText(e.valid_up_to()))
}

/// `bytes` as JSON, nesting at most [`MAX_DEPTH`] deep (serde_json's own
/// limit), with nothing after the value but white space.
pub fn json(bytes: &[u8]) -> Result<Value, DecodeError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.to_string().starts_with("recursion limit") {
            DecodeError::TooDeep
        } else {
            DecodeError::Invalid(e.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn every_format(bytes: &[u8]) {
        let mut context = Context::default();
        let list = avro::ParsedSchema::parse(
            r#"{"type":"record","name":"L","fields":[{"name":"v","type":{"type":"array","items":"double"}},
                {"name":"m","type":{"type":"map","values":"string"}},{"name":"n","type":["null","L"]}]}"#,
        )
        .unwrap();
        context
            .avro
            .insert("x.Y".to_owned(), std::sync::Arc::new(list));
        for format in Format::ALL {
            let _ = decode(format, bytes, None, Some("x.Y"), &context);
        }
        for compression in [Compression::Gzip, Compression::Zlib, Compression::Deflate] {
            let _ = decode(Format::Json, bytes, Some(compression), None, &context);
        }
        let mut reader = Reader::default();
        for topic in [
            "spBv1.0/g/NDATA/e",
            "spBv1.0/g/DBIRTH/e/d",
            "spBv1.0/STATE/h",
            "a",
        ] {
            let hints = Hints {
                topic,
                ..Hints::default()
            };
            let _ = reader.observe(&hints, bytes);
            let _ = reader.read(&hints, bytes);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn no_decoder_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            every_format(&bytes);
        }

        #[test]
        fn huge_announced_lengths_are_refused_without_allocating(
            header in prop::sample::select(vec![
                // CBOR byte string, text and array of 4 GiB; MessagePack bin32, str32, array32, map32.
                vec![0x5a, 0xff, 0xff, 0xff, 0xff], vec![0x7a, 0xff, 0xff, 0xff, 0xff],
                vec![0x9a, 0xff, 0xff, 0xff, 0xff], vec![0xc6, 0xff, 0xff, 0xff, 0xff],
                vec![0xdb, 0xff, 0xff, 0xff, 0xff], vec![0xdd, 0xff, 0xff, 0xff, 0xff],
                vec![0xdf, 0xff, 0xff, 0xff, 0xff],
                // Protobuf field 1 and field 2 (Sparkplug's metrics), length 2^31.
                vec![0x0a, 0x80, 0x80, 0x80, 0x80, 0x08], vec![0x12, 0x80, 0x80, 0x80, 0x80, 0x08],
            ]),
            tail in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut bytes = header;
            bytes.extend(tail);
            for format in [Format::Cbor, Format::MessagePack, Format::ProtobufRaw, Format::Sparkplug] {
                let result = decode(format, &bytes, None, None, &Context::default());
                // What decodes is at most what was there: nothing was made up.
                if let Ok(decoded) = result {
                    prop_assert!(decoded.value.to_string().len() < 64 * bytes.len() + 64);
                }
            }
        }
    }

    #[test]
    fn maps_keyed_by_maps_stay_the_size_of_their_bytes() {
        // A map of one entry (MessagePack 0x81, CBOR 0xa1) keyed by the
        // next, 60 deep, every value 0: each key's JSON text would double
        // the escaping of the one inside it, 2^60 characters at the top.
        for (map, format) in [(0x81, Format::MessagePack), (0xa1, Format::Cbor)] {
            let mut bytes = vec![map; 60];
            bytes.extend([0; 61]);
            let decoded = decode(format, &bytes, None, None, &Context::default()).unwrap();
            let text = decoded.value.to_string();
            assert!(
                text.len() < 4 * mapping::MAX_KEY_CHARS,
                "{format:?}: {text}"
            );
        }
    }

    #[test]
    fn a_gzip_bomb_costs_at_most_the_cap() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..256 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        // 256 MiB of spaces (valid JSON white space only once inflated).
        assert_eq!(
            decode(Format::Json, &bomb, None, None, &Context::default()),
            Err(DecodeError::InflatesTooFar)
        );
        let hints = Hints {
            topic: "a",
            ..Hints::default()
        };
        // Auto does not look past the cap either: the bytes stay raw.
        let reading = Reader::default().read(&hints, &bomb);
        assert_eq!(reading.format, Format::Raw);
        assert!(reading.result.is_ok());
    }
}
