//! MessagePack through rmpv, extension types and binary kept.

use serde_json::{Map, Value};

use super::mapping::{bytes, float, key};
use super::{DecodeError, MAX_DEPTH};

/// One MessagePack value filling `bytes`, as JSON.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut reader = bytes;
    let value =
        rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH).map_err(|e| match e {
            rmpv::decode::Error::DepthLimitExceeded => DecodeError::TooDeep,
            other => DecodeError::Invalid(other.to_string()),
        })?;
    if !reader.is_empty() {
        return Err(DecodeError::TrailingBytes(reader.len()));
    }
    Ok(to_json(value))
}

fn to_json(value: rmpv::Value) -> Value {
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
        // A "string" that is not UTF-8 is kept as its bytes.
        M::String(s) => match s.into_str() {
            Some(text) => Value::String(text),
            None => Value::Null,
        },
        M::Binary(b) => bytes(&b),
        M::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        M::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (key(to_json(k)), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        M::Ext(kind, data) => {
            let Value::Object(mut object) = bytes(&data) else {
                unreachable!("bytes() makes an object")
            };
            object.insert("$ext".to_owned(), Value::from(kind));
            Value::Object(object)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messagepack_from_a_device_reads_as_json_with_extensions_named() {
        use rmpv::Value as M;
        let reading = M::Map(vec![
            (M::from("temp"), M::F64(19.25)),
            (M::from("id"), M::from(u64::MAX)),
            (M::from("neg"), M::from(i64::MIN)),
            (M::from("raw"), M::Binary(vec![0xff, 0])),
            (M::from("ext"), M::Ext(-1, vec![9])),
        ]);
        let mut encoded = Vec::new();
        rmpv::encode::write_value(&mut encoded, &reading).unwrap();
        assert_eq!(
            decode(&encoded).unwrap(),
            json!({"temp": 19.25, "id": u64::MAX, "neg": i64::MIN, "raw": {"$base64": "/wA="},
                "ext": {"$ext": -1, "$base64": "CQ=="}})
        );
    }

    #[test]
    fn bad_messagepack_is_refused_in_words_never_a_crash() {
        assert!(matches!(
            decode(&[0xcb, 0x40]),
            Err(DecodeError::Invalid(_))
        ));
        assert_eq!(decode(&vec![0x91; 100_000]), Err(DecodeError::TooDeep));
        // bin32 and array32 announcing 4 GiB with nothing behind them.
        assert!(decode(&[0xc6, 0xff, 0xff, 0xff, 0xff, 1]).is_err());
        assert!(decode(&[0xdd, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
