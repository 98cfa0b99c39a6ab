//! The Sparkplug B payload, read by the field numbers of the
//! specification's `sparkplug_b.proto` (Eclipse Sparkplug 3.0, section 6.4),
//! and written as JSON: `timestamp`, `seq`, `uuid`, `body` and `metrics`,
//! each metric with `name`, `alias`, `datatype` (the specification's name),
//! `value` and `timestamp` where present.

use serde_json::{Map, Value};

use super::super::mapping::{bytes, float};
use super::super::wire::{Fields, WireValue, packed_varints};
use super::super::{DecodeError, MAX_DEPTH};
use super::datatype;

/// A Sparkplug B payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Payload {
    /// Milliseconds since the Unix epoch, when the message was made.
    pub timestamp: Option<u64>,
    /// The message's sequence number (0-255).
    pub seq: Option<u64>,
    /// The payload's UUID, if one is given.
    pub uuid: Option<String>,
    /// Opaque bytes beside the metrics.
    pub body: Option<Vec<u8>>,
    /// The metrics.
    pub metrics: Vec<Metric>,
}

/// One metric of a payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metric {
    /// The metric's name (births always carry it; data may carry only the alias).
    pub name: Option<String>,
    /// The metric's alias, set in the birth certificate.
    pub alias: Option<u64>,
    /// Milliseconds since the Unix epoch.
    pub timestamp: Option<u64>,
    /// The data type's number (see [`datatype::name`]).
    pub datatype: Option<u32>,
    /// Whether the value is historical, not current.
    pub is_historical: Option<bool>,
    /// Whether the value is not to be stored.
    pub is_transient: Option<bool>,
    /// Whether the value is null.
    pub is_null: Option<bool>,
    /// The metadata, as JSON.
    pub metadata: Option<Value>,
    /// The property set, as JSON.
    pub properties: Option<Value>,
    /// The value as the wire carried it.
    pub value: RawValue,
}

/// A metric's value before its data type is applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RawValue {
    /// No value field.
    #[default]
    None,
    /// `int_value` (uint32 on the wire; signed types in two's complement).
    Int(u32),
    /// `long_value` (uint64 on the wire).
    Long(u64),
    /// `float_value`.
    Float(f32),
    /// `double_value`.
    Double(f64),
    /// `boolean_value`.
    Boolean(bool),
    /// `string_value`.
    String(String),
    /// `bytes_value` (also the packed arrays).
    Bytes(Vec<u8>),
    /// `dataset_value`, as JSON.
    DataSet(Value),
    /// `template_value`, as JSON.
    Template(Value),
    /// `extension_value`, as its bytes.
    Extension(Vec<u8>),
}

/// `bytes` as a Sparkplug B payload.
pub fn decode(bytes: &[u8]) -> Result<Payload, DecodeError> {
    let mut payload = Payload::default();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        match (number, wire) {
            (1, WireValue::Varint(n)) => payload.timestamp = Some(n),
            (2, WireValue::Bytes(b)) => payload.metrics.push(metric(b, 0)?),
            (3, WireValue::Varint(n)) => payload.seq = Some(n),
            (4, WireValue::Bytes(b)) => payload.uuid = Some(string(b)?),
            (5, WireValue::Bytes(b)) => payload.body = Some(b.to_vec()),
            // Extensions (6 and up) are allowed and passed over.
            (6.., _) => {}
            (n, _) => return Err(wrong_type("Payload", n)),
        }
    }
    Ok(payload)
}

fn wrong_type(message: &str, field: u32) -> DecodeError {
    DecodeError::Invalid(format!(
        "{message} field {field} has the wrong wire type for Sparkplug B"
    ))
}

fn string(bytes: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| DecodeError::Invalid("a Sparkplug B string is not UTF-8".to_owned()))
}

fn deeper(depth: usize) -> Result<usize, DecodeError> {
    if depth >= MAX_DEPTH {
        Err(DecodeError::TooDeep)
    } else {
        Ok(depth + 1)
    }
}

fn metric(bytes: &[u8], depth: usize) -> Result<Metric, DecodeError> {
    let depth = deeper(depth)?;
    let mut m = Metric::default();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        use WireValue::{Bytes, Fixed32, Fixed64, Varint};
        match (number, wire) {
            (1, Bytes(b)) => m.name = Some(string(b)?),
            (2, Varint(n)) => m.alias = Some(n),
            (3, Varint(n)) => m.timestamp = Some(n),
            (4, Varint(n)) => m.datatype = Some(n as u32),
            (5, Varint(n)) => m.is_historical = Some(n != 0),
            (6, Varint(n)) => m.is_transient = Some(n != 0),
            (7, Varint(n)) => m.is_null = Some(n != 0),
            (8, Bytes(b)) => m.metadata = Some(metadata(b)?),
            (9, Bytes(b)) => m.properties = Some(property_set(b, depth)?),
            (10, Varint(n)) => m.value = RawValue::Int(n as u32),
            (11, Varint(n)) => m.value = RawValue::Long(n),
            (12, Fixed32(n)) => m.value = RawValue::Float(f32::from_bits(n)),
            (13, Fixed64(n)) => m.value = RawValue::Double(f64::from_bits(n)),
            (14, Varint(n)) => m.value = RawValue::Boolean(n != 0),
            (15, Bytes(b)) => m.value = RawValue::String(string(b)?),
            (16, Bytes(b)) => m.value = RawValue::Bytes(b.to_vec()),
            (17, Bytes(b)) => m.value = RawValue::DataSet(dataset(b)?),
            (18, Bytes(b)) => m.value = RawValue::Template(template(b, depth)?),
            (19, Bytes(b)) => m.value = RawValue::Extension(b.to_vec()),
            (n, _) if n > 19 => {}
            (n, _) => return Err(wrong_type("Metric", n)),
        }
    }
    Ok(m)
}

fn metadata(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut object = Map::new();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        let name = match number {
            1 => "is_multi_part",
            2 => "content_type",
            3 => "size",
            4 => "seq",
            5 => "file_name",
            6 => "file_type",
            7 => "md5",
            8 => "description",
            _ => continue,
        };
        let value = match (number, wire) {
            (1, WireValue::Varint(n)) => Value::Bool(n != 0),
            (3 | 4, WireValue::Varint(n)) => Value::from(n),
            (2 | 5..=8, WireValue::Bytes(b)) => Value::String(string(b)?),
            (n, _) => return Err(wrong_type("MetaData", n)),
        };
        object.insert(name.to_owned(), value);
    }
    Ok(Value::Object(object))
}

fn property_set(bytes: &[u8], depth: usize) -> Result<Value, DecodeError> {
    let depth = deeper(depth)?;
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        match (number, wire) {
            (1, WireValue::Bytes(b)) => keys.push(string(b)?),
            (2, WireValue::Bytes(b)) => values.push(property_value(b, depth)?),
            (n, _) if n > 2 => {}
            (n, _) => return Err(wrong_type("PropertySet", n)),
        }
    }
    Ok(Value::Object(keys.into_iter().zip(values).collect()))
}

fn property_value(bytes: &[u8], depth: usize) -> Result<Value, DecodeError> {
    let depth = deeper(depth)?;
    let mut kind = None;
    let mut raw = RawValue::None;
    let mut is_null = false;
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        use WireValue::{Bytes, Fixed32, Fixed64, Varint};
        match (number, wire) {
            (1, Varint(n)) => kind = Some(n as u32),
            (2, Varint(n)) => is_null = n != 0,
            (3, Varint(n)) => raw = RawValue::Int(n as u32),
            (4, Varint(n)) => raw = RawValue::Long(n),
            (5, Fixed32(n)) => raw = RawValue::Float(f32::from_bits(n)),
            (6, Fixed64(n)) => raw = RawValue::Double(f64::from_bits(n)),
            (7, Varint(n)) => raw = RawValue::Boolean(n != 0),
            (8, Bytes(b)) => raw = RawValue::String(string(b)?),
            (9, Bytes(b)) => raw = RawValue::DataSet(property_set(b, depth)?),
            (10, Bytes(b)) => {
                let mut sets = Vec::new();
                let mut list = Fields::new(b);
                while let Some((1, WireValue::Bytes(set))) = list.next_field()? {
                    sets.push(property_set(set, depth)?);
                }
                raw = RawValue::DataSet(Value::Array(sets));
            }
            (11, Bytes(b)) => raw = RawValue::Extension(b.to_vec()),
            (n, _) if n > 11 => {}
            (n, _) => return Err(wrong_type("PropertyValue", n)),
        }
    }
    if is_null {
        return Ok(Value::Null);
    }
    Ok(typed(kind, &raw))
}

fn dataset(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut columns = Vec::new();
    let mut types = Vec::new();
    let mut rows = Vec::new();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        match (number, wire) {
            (1, WireValue::Varint(_)) => {}
            (2, WireValue::Bytes(b)) => columns.push(Value::String(string(b)?)),
            (3, WireValue::Varint(n)) => types.push(n as u32),
            // Packed repeated uint32.
            (3, WireValue::Bytes(b)) => {
                types.extend(packed_varints(b)?.into_iter().map(|n| n as u32));
            }
            (4, WireValue::Bytes(b)) => rows.push(b),
            (n, _) if n > 4 => {}
            (n, _) => return Err(wrong_type("DataSet", n)),
        }
    }
    let mut json_rows = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::new();
        let mut elements = Fields::new(row);
        while let Some((number, wire)) = elements.next_field()? {
            let (1, WireValue::Bytes(cell)) = (number, wire) else {
                return Err(wrong_type("Row", number));
            };
            let mut raw = RawValue::None;
            let mut parts = Fields::new(cell);
            while let Some((n, w)) = parts.next_field()? {
                raw = match (n, w) {
                    (1, WireValue::Varint(v)) => RawValue::Int(v as u32),
                    (2, WireValue::Varint(v)) => RawValue::Long(v),
                    (3, WireValue::Fixed32(v)) => RawValue::Float(f32::from_bits(v)),
                    (4, WireValue::Fixed64(v)) => RawValue::Double(f64::from_bits(v)),
                    (5, WireValue::Varint(v)) => RawValue::Boolean(v != 0),
                    (6, WireValue::Bytes(v)) => RawValue::String(string(v)?),
                    (7, WireValue::Bytes(v)) => RawValue::Extension(v.to_vec()),
                    _ => return Err(wrong_type("DataSetValue", n)),
                };
            }
            cells.push(typed(types.get(cells.len()).copied(), &raw));
        }
        json_rows.push(Value::Array(cells));
    }
    let mut object = Map::new();
    object.insert("columns".to_owned(), Value::Array(columns));
    object.insert(
        "types".to_owned(),
        Value::Array(
            types
                .iter()
                .map(|&t| Value::from(datatype::name(t)))
                .collect(),
        ),
    );
    object.insert("rows".to_owned(), Value::Array(json_rows));
    Ok(Value::Object(object))
}

fn template(bytes: &[u8], depth: usize) -> Result<Value, DecodeError> {
    let mut object = Map::new();
    let mut metrics = Vec::new();
    let mut parameters = Vec::new();
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        match (number, wire) {
            (1, WireValue::Bytes(b)) => {
                object.insert("version".to_owned(), Value::String(string(b)?));
            }
            (2, WireValue::Bytes(b)) => metrics.push(metric(b, depth)?.to_json(None)),
            (3, WireValue::Bytes(b)) => parameters.push(parameter(b)?),
            (4, WireValue::Bytes(b)) => {
                object.insert("template_ref".to_owned(), Value::String(string(b)?));
            }
            (5, WireValue::Varint(n)) => {
                object.insert("is_definition".to_owned(), Value::Bool(n != 0));
            }
            (n, _) if n > 5 => {}
            (n, _) => return Err(wrong_type("Template", n)),
        }
    }
    object.insert("metrics".to_owned(), Value::Array(metrics));
    if !parameters.is_empty() {
        object.insert("parameters".to_owned(), Value::Array(parameters));
    }
    Ok(Value::Object(object))
}

fn parameter(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut name = None;
    let mut kind = None;
    let mut raw = RawValue::None;
    let mut fields = Fields::new(bytes);
    while let Some((number, wire)) = fields.next_field()? {
        use WireValue::{Bytes, Fixed32, Fixed64, Varint};
        match (number, wire) {
            (1, Bytes(b)) => name = Some(string(b)?),
            (2, Varint(n)) => kind = Some(n as u32),
            (3, Varint(n)) => raw = RawValue::Int(n as u32),
            (4, Varint(n)) => raw = RawValue::Long(n),
            (5, Fixed32(n)) => raw = RawValue::Float(f32::from_bits(n)),
            (6, Fixed64(n)) => raw = RawValue::Double(f64::from_bits(n)),
            (7, Varint(n)) => raw = RawValue::Boolean(n != 0),
            (8, Bytes(b)) => raw = RawValue::String(string(b)?),
            (9, Bytes(b)) => raw = RawValue::Extension(b.to_vec()),
            (n, _) if n > 9 => {}
            (n, _) => return Err(wrong_type("Parameter", n)),
        }
    }
    let mut object = Map::new();
    if let Some(name) = name {
        object.insert("name".to_owned(), Value::String(name));
    }
    if let Some(kind) = kind {
        object.insert("type".to_owned(), Value::from(datatype::name(kind)));
    }
    object.insert("value".to_owned(), typed(kind, &raw));
    Ok(Value::Object(object))
}

/// A value as its data type means it (signed integers from two's
/// complement, packed arrays unpacked); with no data type, as the wire
/// carried it.
pub fn typed(kind: Option<u32>, raw: &RawValue) -> Value {
    use datatype::*;
    match (kind, raw) {
        (_, RawValue::None) => Value::Null,
        (Some(INT8), RawValue::Int(n)) => Value::from(*n as u8 as i8),
        (Some(INT16), RawValue::Int(n)) => Value::from(*n as u16 as i16),
        (Some(INT32), RawValue::Int(n)) => Value::from(*n as i32),
        (Some(INT64), RawValue::Long(n)) => Value::from(*n as i64),
        (Some(INT8), RawValue::Long(n)) => Value::from(*n as u8 as i8),
        (Some(INT16), RawValue::Long(n)) => Value::from(*n as u16 as i16),
        (Some(INT32), RawValue::Long(n)) => Value::from(*n as u32 as i32),
        (Some(kind), RawValue::Bytes(b)) if is_array(kind) => array(kind, b),
        (_, RawValue::Int(n)) => Value::from(*n),
        (_, RawValue::Long(n)) => Value::from(*n),
        (_, RawValue::Float(f)) => float(f64::from(*f)),
        (_, RawValue::Double(f)) => float(*f),
        (_, RawValue::Boolean(b)) => Value::Bool(*b),
        (_, RawValue::String(s)) => Value::String(s.clone()),
        (_, RawValue::Bytes(b) | RawValue::Extension(b)) => bytes(b),
        (_, RawValue::DataSet(v) | RawValue::Template(v)) => v.clone(),
    }
}

/// A packed array (Sparkplug 3.0, 6.4.17): little-endian elements; booleans
/// as a 4-byte count and bits, the first in the high bit; strings ended by
/// a zero byte. Bytes that do not fill the last element are left as bytes.
fn array(kind: u32, b: &[u8]) -> Value {
    use datatype::*;
    fn each<const N: usize>(b: &[u8], f: impl Fn([u8; N]) -> Value) -> Option<Value> {
        b.len().is_multiple_of(N).then(|| {
            Value::Array(
                b.chunks_exact(N)
                    .map(|c| f(c.try_into().unwrap_or([0; N])))
                    .collect(),
            )
        })
    }
    let unpacked = match kind {
        INT8_ARRAY => each::<1>(b, |c| Value::from(c[0] as i8)),
        UINT8_ARRAY => each::<1>(b, |c| Value::from(c[0])),
        INT16_ARRAY => each::<2>(b, |c| Value::from(i16::from_le_bytes(c))),
        UINT16_ARRAY => each::<2>(b, |c| Value::from(u16::from_le_bytes(c))),
        INT32_ARRAY => each::<4>(b, |c| Value::from(i32::from_le_bytes(c))),
        UINT32_ARRAY => each::<4>(b, |c| Value::from(u32::from_le_bytes(c))),
        INT64_ARRAY | DATETIME_ARRAY => each::<8>(b, |c| Value::from(i64::from_le_bytes(c))),
        UINT64_ARRAY => each::<8>(b, |c| Value::from(u64::from_le_bytes(c))),
        FLOAT_ARRAY => each::<4>(b, |c| float(f64::from(f32::from_le_bytes(c)))),
        DOUBLE_ARRAY => each::<8>(b, |c| float(f64::from_le_bytes(c))),
        BOOLEAN_ARRAY => b.split_first_chunk::<4>().and_then(|(count, bits)| {
            let count = u32::from_le_bytes(*count) as usize;
            (count.div_ceil(8) == bits.len()).then(|| {
                Value::Array(
                    (0..count)
                        .map(|i| Value::Bool(bits[i / 8] & (0x80 >> (i % 8)) != 0))
                        .collect(),
                )
            })
        }),
        STRING_ARRAY => b.strip_suffix(&[0]).and_then(|b| {
            b.split(|&c| c == 0)
                .map(|s| {
                    std::str::from_utf8(s)
                        .ok()
                        .map(|s| Value::String(s.to_owned()))
                })
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)
        }),
        _ => None,
    };
    unpacked.unwrap_or_else(|| bytes(b))
}

impl Metric {
    /// The metric as JSON. `birth` is the name and data type the birth
    /// certificate gave this metric's alias, when the metric lacks them.
    pub fn to_json(&self, birth: Option<(&str, Option<u32>)>) -> Value {
        let mut object = Map::new();
        let kind = self.datatype.or(birth.and_then(|(_, kind)| kind));
        match (&self.name, birth) {
            (Some(name), _) => {
                object.insert("name".to_owned(), Value::String(name.clone()));
            }
            (None, Some((name, _))) => {
                object.insert("name".to_owned(), Value::String(name.to_owned()));
                object.insert("name_from_birth".to_owned(), Value::Bool(true));
            }
            (None, None) => {}
        }
        if let Some(alias) = self.alias {
            object.insert("alias".to_owned(), Value::from(alias));
        }
        if let Some(kind) = kind {
            object.insert("datatype".to_owned(), Value::from(datatype::name(kind)));
        }
        let value = if self.is_null == Some(true) {
            Value::Null
        } else {
            typed(kind, &self.value)
        };
        object.insert("value".to_owned(), value);
        if let Some(timestamp) = self.timestamp {
            object.insert("timestamp".to_owned(), Value::from(timestamp));
        }
        for (name, flag) in [
            ("is_historical", self.is_historical),
            ("is_transient", self.is_transient),
            ("is_null", self.is_null),
        ] {
            if let Some(flag) = flag {
                object.insert(name.to_owned(), Value::Bool(flag));
            }
        }
        if let Some(metadata) = &self.metadata {
            object.insert("metadata".to_owned(), metadata.clone());
        }
        if let Some(properties) = &self.properties {
            object.insert("properties".to_owned(), properties.clone());
        }
        Value::Object(object)
    }
}

impl Payload {
    /// The payload as JSON, its metrics read alone (no birth certificate).
    pub fn to_json(&self) -> Value {
        self.to_json_with(|_| None)
    }

    /// The payload as JSON; `birth` gives the name and data type of an
    /// alias, for metrics that carry only the alias.
    pub fn to_json_with<'a>(&self, birth: impl Fn(u64) -> Option<(&'a str, Option<u32>)>) -> Value {
        let mut object = Map::new();
        if let Some(timestamp) = self.timestamp {
            object.insert("timestamp".to_owned(), Value::from(timestamp));
        }
        if let Some(seq) = self.seq {
            object.insert("seq".to_owned(), Value::from(seq));
        }
        if let Some(uuid) = &self.uuid {
            object.insert("uuid".to_owned(), Value::String(uuid.clone()));
        }
        if let Some(body) = &self.body {
            object.insert("body".to_owned(), bytes(body));
        }
        let metrics = self
            .metrics
            .iter()
            .map(|m| {
                let found = match (&m.name, m.alias) {
                    (None, Some(alias)) => birth(alias),
                    (Some(_), Some(alias)) if m.datatype.is_none() => birth(alias),
                    _ => None,
                };
                let mut json = m.to_json(found);
                if m.name.is_none()
                    && found.is_none()
                    && let Value::Object(fields) = &mut json
                {
                    fields.insert("alias_unresolved".to_owned(), Value::Bool(true));
                }
                json
            })
            .collect();
        object.insert("metrics".to_owned(), Value::Array(metrics));
        Value::Object(object)
    }
}
