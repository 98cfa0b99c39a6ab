//! The JSON mapping shared by the decoders (written down in
//! `docs/DECODING.md`): integers exactly, NaN and infinities as strings,
//! byte strings as `{"$base64": "…"}`.

use base64::Engine;
use serde_json::{Map, Value};

/// Bytes as `{"$base64": "…"}`.
pub fn bytes(bytes: &[u8]) -> Value {
    let mut object = Map::new();
    object.insert(
        "$base64".to_owned(),
        Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
    );
    Value::Object(object)
}

/// A float as a JSON number; NaN and the infinities, which JSON cannot
/// hold, as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
pub fn float(f: f64) -> Value {
    if f.is_nan() {
        Value::String("NaN".to_owned())
    } else if f.is_infinite() {
        Value::String(if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// An integer exactly: a JSON number when it fits 64 bits (signed or not),
/// else its decimal digits as a string (only CBOR's integers below −2^63).
pub fn integer(wide: i128) -> Value {
    i64::try_from(wide)
        .map(Value::from)
        .or_else(|_| u64::try_from(wide).map(Value::from))
        .unwrap_or_else(|_| Value::String(wide.to_string()))
}

/// How long a map key that is not text may grow as text. Without a cap, a
/// map keyed by a map keyed by a map … doubles its escaping at each level.
pub const MAX_KEY_CHARS: usize = 256;

/// A map key as text: text as it is, anything else as its JSON, cut at
/// [`MAX_KEY_CHARS`] characters (with "…" after).
pub fn key(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => {
            let mut text = other.to_string();
            if let Some((cut, _)) = text.char_indices().nth(MAX_KEY_CHARS) {
                text.truncate(cut);
                text.push('…');
            }
            text
        }
    }
}

/// An object of one `name` and its value, and more fields after it.
pub fn tagged(fields: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_keep_every_digit_and_floats_that_json_lacks_become_words() {
        assert_eq!(
            integer(i128::from(u64::MAX)).to_string(),
            "18446744073709551615"
        );
        assert_eq!(
            integer(i128::from(i64::MIN)).to_string(),
            "-9223372036854775808"
        );
        assert_eq!(
            integer(-(1i128 << 64)),
            Value::String("-18446744073709551616".into())
        );
        assert_eq!(float(f64::NAN), Value::String("NaN".into()));
        assert_eq!(float(f64::NEG_INFINITY), Value::String("-Infinity".into()));
        assert_eq!(float(0.1).to_string(), "0.1");
        assert_eq!(bytes(&[0xff, 0]).to_string(), r#"{"$base64":"/wA="}"#);
    }

    #[test]
    fn keys_that_are_not_text_are_json_and_stay_short() {
        assert_eq!(key(Value::from(7)), "7");
        assert_eq!(key(Value::from("t")), "t");
        let long = key(Value::Array(vec![Value::from(1); 1000]));
        assert_eq!(long.chars().count(), MAX_KEY_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
