//! Binary payload formats devices send (CBOR, MessagePack), decoded into a
//! JSON value for the payload viewer. No egui here. Decoding is bounded:
//! nesting deeper than [`MAX_DEPTH`] is refused, not recursed into.

use base64::Engine;
use serde_json::{Map, Number, Value};

/// How deeply a payload may nest arrays and maps.
pub const MAX_DEPTH: usize = 128;

/// A binary payload format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CBOR (RFC 8949).
    Cbor,
    /// MessagePack.
    MessagePack,
}

impl Format {
    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cbor => "CBOR",
            Format::MessagePack => "MessagePack",
        }
    }

    /// The format a Content Type names, if it names one of these.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/cbor" => Some(Format::Cbor),
            "application/msgpack" | "application/x-msgpack" | "application/vnd.msgpack" => {
                Some(Format::MessagePack)
            }
            _ => None,
        }
    }
}

/// Why a payload could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not a value of the format.
    #[error("{0}")]
    Invalid(String),
    /// A value was read, but bytes follow it.
    #[error("{0} bytes follow the value")]
    TrailingBytes(usize),
    /// Arrays and maps nest deeper than [`MAX_DEPTH`].
    #[error("it nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// `bytes` as `format`, shown as JSON. Byte strings become base64 text, map
/// keys that are not text are written as text, and CBOR tags and MessagePack
/// extensions become small objects that name them.
pub fn decode(format: Format, bytes: &[u8]) -> Result<Value, DecodeError> {
    match format {
        Format::Cbor => {
            let mut reader = bytes;
            let value: ciborium::Value =
                ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH).map_err(
                    |e| match e {
                        ciborium::de::Error::RecursionLimitExceeded => DecodeError::TooDeep,
                        other => DecodeError::Invalid(other.to_string()),
                    },
                )?;
            if !reader.is_empty() {
                return Err(DecodeError::TrailingBytes(reader.len()));
            }
            Ok(from_cbor(value))
        }
        Format::MessagePack => {
            let mut reader = bytes;
            let value = rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH).map_err(
                |e| match e {
                    rmpv::decode::Error::DepthLimitExceeded => DecodeError::TooDeep,
                    other => DecodeError::Invalid(other.to_string()),
                },
            )?;
            if !reader.is_empty() {
                return Err(DecodeError::TrailingBytes(reader.len()));
            }
            Ok(from_msgpack(value))
        }
    }
}

fn base64(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
}

/// A map key as text: text as it is, anything else as its JSON.
fn key(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

fn from_cbor(value: ciborium::Value) -> Value {
    use ciborium::Value as C;
    match value {
        C::Null => Value::Null,
        C::Bool(b) => Value::Bool(b),
        C::Integer(i) => {
            let wide = i128::from(i);
            i64::try_from(wide)
                .map(Value::from)
                .or_else(|_| u64::try_from(wide).map(Value::from))
                .unwrap_or_else(|_| Value::String(wide.to_string()))
        }
        C::Float(f) => float(f),
        C::Text(t) => Value::String(t),
        C::Bytes(b) => base64(&b),
        C::Array(items) => Value::Array(items.into_iter().map(from_cbor).collect()),
        C::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (key(from_cbor(k)), from_cbor(v)))
                .collect::<Map<_, _>>(),
        ),
        C::Tag(tag, inner) => {
            let mut object = Map::new();
            object.insert("tag".to_owned(), Value::from(tag));
            object.insert("value".to_owned(), from_cbor(*inner));
            Value::Object(object)
        }
        _ => Value::Null,
    }
}

fn from_msgpack(value: rmpv::Value) -> Value {
    use rmpv::Value as M;
    match value {
        M::Nil => Value::Null,
        M::Boolean(b) => Value::Bool(b),
        M::Integer(i) => i
            .as_i64()
            .map(Value::from)
            .or_else(|| i.as_u64().map(Value::from))
            .unwrap_or(Value::Null),
        M::F32(f) => float(f64::from(f)),
        M::F64(f) => float(f),
        M::String(s) => match s.into_str() {
            Some(text) => Value::String(text),
            None => Value::Null,
        },
        M::Binary(b) => base64(&b),
        M::Array(items) => Value::Array(items.into_iter().map(from_msgpack).collect()),
        M::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (key(from_msgpack(k)), from_msgpack(v)))
                .collect::<Map<_, _>>(),
        ),
        M::Ext(kind, data) => {
            let mut object = Map::new();
            object.insert("ext".to_owned(), Value::from(kind));
            object.insert("data".to_owned(), base64(&data));
            Value::Object(object)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_from_a_device_reads_as_json() {
        use ciborium::Value as C;
        let reading = C::Map(vec![
            (C::Text("t".into()), C::Float(21.5)),
            (C::Text("ok".into()), C::Bool(true)),
            (C::Integer(7.into()), C::Bytes(vec![1, 2, 3])),
            (
                C::Text("n".into()),
                C::Array(vec![C::Integer((-3).into()), C::Null]),
            ),
            (
                C::Text("at".into()),
                C::Tag(1, Box::new(C::Integer(1_700_000_000.into()))),
            ),
        ]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&reading, &mut bytes).unwrap();
        let value = decode(Format::Cbor, &bytes).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"t": 21.5, "ok": true, "7": "AQID", "n": [-3, null],
                "at": {"tag": 1, "value": 1_700_000_000}})
        );
    }

    #[test]
    fn messagepack_from_a_device_reads_as_json() {
        use rmpv::Value as M;
        let reading = M::Map(vec![
            (M::from("temp"), M::F64(19.25)),
            (M::from("id"), M::from(42u64)),
            (M::from("raw"), M::Binary(vec![0xff, 0])),
            (M::from("ext"), M::Ext(5, vec![9])),
        ]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &reading).unwrap();
        let value = decode(Format::MessagePack, &bytes).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"temp": 19.25, "id": 42, "raw": "/wA=", "ext": {"ext": 5, "data": "CQ=="}})
        );
    }

    #[test]
    fn bad_payloads_are_refused_in_words_never_a_crash() {
        assert!(matches!(
            decode(Format::Cbor, &[0xff]),
            Err(DecodeError::Invalid(_))
        ));
        assert!(matches!(
            decode(Format::Cbor, b""),
            Err(DecodeError::Invalid(_))
        ));
        assert_eq!(
            decode(Format::Cbor, &[0x01, 0x02]),
            Err(DecodeError::TrailingBytes(1))
        );
        assert!(
            matches!(
                decode(Format::MessagePack, &[0xcb, 0x40]),
                Err(DecodeError::Invalid(_))
            ),
            "a cut-off float"
        );
        // 100 000 nested one-element arrays: refused, not recursed into.
        let deep_cbor = vec![0x81; 100_000];
        assert_eq!(decode(Format::Cbor, &deep_cbor), Err(DecodeError::TooDeep));
        let deep_msgpack = vec![0x91; 100_000];
        assert_eq!(
            decode(Format::MessagePack, &deep_msgpack),
            Err(DecodeError::TooDeep)
        );
    }

    #[test]
    fn content_types_name_their_format() {
        assert_eq!(
            Format::from_content_type("application/cbor"),
            Some(Format::Cbor)
        );
        assert_eq!(
            Format::from_content_type("application/msgpack; v=1"),
            Some(Format::MessagePack)
        );
        assert_eq!(Format::from_content_type("text/plain"), None);
    }
}
