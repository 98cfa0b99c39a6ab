//! Any Protobuf payload read without its schema, as `protoc --decode_raw`
//! would: an object keyed by field number. A varint is an integer; fixed32
//! and fixed64 are `{"$fixed32": n, "float": f}` and `{"$fixed64": n,
//! "double": f}`; a length-delimited field is printable text when it is
//! that, a nested message when its bytes parse as one, else `{"$base64"}`.
//! A field seen twice becomes an array.

use serde_json::{Map, Value};

use super::DecodeError;
use super::mapping::{bytes, float, tagged};
use super::wire::{Fields, WireValue};

/// How deep nested messages are guessed; deeper bytes stay bytes.
const GUESS_DEPTH: usize = 32;

/// `bytes` as one Protobuf message, its fields by number.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    message(bytes, 0)
}

fn message(bytes: &[u8], depth: usize) -> Result<Value, DecodeError> {
    let mut fields = Fields::new(bytes);
    let mut object = Map::new();
    while let Some((number, wire)) = fields.next_field()? {
        let value = match wire {
            WireValue::Varint(n) => Value::from(n),
            WireValue::Fixed64(n) => tagged([
                ("$fixed64", Value::from(n)),
                ("double", float(f64::from_bits(n))),
            ]),
            WireValue::Fixed32(n) => tagged([
                ("$fixed32", Value::from(n)),
                ("float", float(f64::from(f32::from_bits(n)))),
            ]),
            WireValue::Bytes(inner) => length_delimited(inner, depth),
        };
        match object.entry(number.to_string()) {
            serde_json::map::Entry::Vacant(slot) => {
                slot.insert(value);
            }
            serde_json::map::Entry::Occupied(mut slot) => match slot.get_mut() {
                Value::Array(items) => items.push(value),
                first => {
                    let first = first.take();
                    *slot.get_mut() = Value::Array(vec![first, value]);
                }
            },
        }
    }
    Ok(Value::Object(object))
}

fn length_delimited(inner: &[u8], depth: usize) -> Value {
    if let Ok(text) = std::str::from_utf8(inner)
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
    {
        return Value::String(text.to_owned());
    }
    if depth < GUESS_DEPTH
        && !inner.is_empty()
        && let Ok(nested) = message(inner, depth + 1)
    {
        return nested;
    }
    bytes(inner)
}

#[cfg(test)]
mod tests {
    use super::super::wire::{put_bytes, put_key, put_varint};
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_read_by_number_nested_messages_guessed_and_repeats_gathered() {
        let mut inner = Vec::new();
        put_key(&mut inner, 1, 0);
        put_varint(&mut inner, 7);
        let mut outer = Vec::new();
        put_key(&mut outer, 1, 0);
        put_varint(&mut outer, 150);
        put_bytes(&mut outer, 2, b"lab/1");
        put_bytes(&mut outer, 3, &inner);
        put_bytes(&mut outer, 3, &inner);
        put_bytes(&mut outer, 4, &[0xff, 0x00]);
        put_key(&mut outer, 5, 1);
        outer.extend_from_slice(&2.5f64.to_le_bytes());
        assert_eq!(
            decode(&outer).unwrap(),
            json!({"1": 150, "2": "lab/1", "3": [{"1": 7}, {"1": 7}], "4": {"$base64": "/wA="},
                "5": {"$fixed64": 2.5f64.to_bits(), "double": 2.5}})
        );
        assert!(
            decode(&[0x0a, 0x80, 0x80, 0x80, 0x80, 0x08, 1]).is_err(),
            "length 2^31"
        );
    }
}
