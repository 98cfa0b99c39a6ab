//! CBOR (RFC 8949) through ciborium, tags and byte strings kept.

use serde_json::{Map, Value};

use super::mapping::{bytes, float, integer, key, tagged};
use super::{DecodeError, MAX_DEPTH};

/// One CBOR value filling `bytes`, as JSON.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
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
    Ok(to_json(value))
}

fn to_json(value: ciborium::Value) -> Value {
    use ciborium::Value as C;
    match value {
        C::Null => Value::Null,
        C::Bool(b) => Value::Bool(b),
        C::Integer(i) => integer(i128::from(i)),
        C::Float(f) => float(f),
        C::Text(t) => Value::String(t),
        C::Bytes(b) => bytes(&b),
        C::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        C::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (key(to_json(k)), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        C::Tag(tag, inner) => tagged([("$tag", Value::from(tag)), ("value", to_json(*inner))]),
        // ciborium's Value is non-exhaustive; nothing else is read today.
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cbor_from_a_device_reads_as_json_with_tags_and_bytes_named() {
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
            (C::Text("big".into()), C::Integer(u64::MAX.into())),
            (C::Text("nan".into()), C::Float(f64::NAN)),
        ]);
        let mut encoded = Vec::new();
        ciborium::ser::into_writer(&reading, &mut encoded).unwrap();
        assert_eq!(
            decode(&encoded).unwrap(),
            json!({"t": 21.5, "ok": true, "7": {"$base64": "AQID"}, "n": [-3, null],
                "at": {"$tag": 1, "value": 1_700_000_000u64}, "big": u64::MAX, "nan": "NaN"})
        );
    }

    #[test]
    fn bad_cbor_is_refused_in_words_never_a_crash() {
        assert!(matches!(decode(&[0xff]), Err(DecodeError::Invalid(_))));
        assert!(matches!(decode(b""), Err(DecodeError::Invalid(_))));
        assert_eq!(decode(&[0x01, 0x02]), Err(DecodeError::TrailingBytes(1)));
        assert_eq!(decode(&vec![0x81; 100_000]), Err(DecodeError::TooDeep));
        // A byte string announcing 4 GiB, with 3 bytes behind it.
        assert!(decode(&[0x5a, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]).is_err());
        // An array announcing 2^64-1 items.
        assert!(decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
