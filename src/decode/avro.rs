//! Avro: a datum read with the user's schema (`.avsc`, parsed by
//! apache-avro), and object container files, which carry their own schema.
//!
//! The bytes are read here rather than by apache-avro's decoder so that a
//! payload from outside is bounded like every other decoder's: nesting
//! deeper than [`MAX_DEPTH`] is refused (a recursive schema lets the data
//! choose its depth), and at most [`MAX_VALUES`] values are made (an array
//! of nulls or of empty records costs no bytes per item).

use std::collections::HashMap;

use apache_avro::schema::{
    DecimalSchema, InnerDecimalSchema, Name, NamespaceRef, RecordSchema, Schema, UuidSchema,
};
use serde_json::{Map, Value};

use super::{Compression, DecodeError, MAX_DEPTH, MAX_INFLATED, inflate, mapping};

/// How many values one payload may decode to.
pub const MAX_VALUES: usize = 1 << 20;

/// The four bytes an object container file begins with.
pub const CONTAINER_MAGIC: &[u8; 4] = b"Obj\x01";

/// A schema parsed, with the named types it defines.
#[derive(Clone, Debug)]
pub struct ParsedSchema {
    root: Schema,
    names: HashMap<Name, Schema>,
}

impl ParsedSchema {
    /// `text` (a `.avsc` file's JSON) parsed; apache-avro's words when it
    /// is not a schema.
    pub fn parse(text: &str) -> Result<ParsedSchema, String> {
        let root = Schema::parse_str(text).map_err(|e| e.to_string())?;
        ParsedSchema::of(root)
    }

    fn of(root: Schema) -> Result<ParsedSchema, String> {
        let names = apache_avro::schema::ResolvedSchema::try_from(&root)
            .map_err(|e| e.to_string())?
            .get_names()
            .iter()
            .map(|(name, schema)| (name.clone(), (*schema).clone()))
            .collect();
        Ok(ParsedSchema { root, names })
    }

    /// The schema's name as a person reads it: a named type's full name,
    /// else its type ("array", "map", …).
    pub fn title(&self) -> String {
        match self.root.name() {
            Some(name) => name.fullname(None),
            None => {
                format!("{:?}", apache_avro::schema::SchemaKind::from(&self.root)).to_lowercase()
            }
        }
    }
}

/// Whether `bytes` begin like an object container file.
pub fn is_container(bytes: &[u8]) -> bool {
    bytes.starts_with(CONTAINER_MAGIC)
}

/// `bytes`, all of them, as one datum of `schema`.
pub fn decode_datum(schema: &ParsedSchema, bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut cursor = Cursor::new(bytes, schema);
    let value = cursor.value(&schema.root, None, 0)?;
    match cursor.rest() {
        0 => Ok(value),
        rest => Err(DecodeError::TrailingBytes(rest)),
    }
}

/// An object container file: its schema's title, its codec and its
/// records, as `{"schema": …, "codec": …, "records": […]}`.
pub fn decode_container(bytes: &[u8]) -> Result<Value, DecodeError> {
    let body = bytes
        .strip_prefix(CONTAINER_MAGIC)
        .ok_or_else(|| invalid("it does not begin with Avro's \"Obj\" marker"))?;
    let header_schema = ParsedSchema::of(Schema::Map(apache_avro::schema::MapSchema {
        types: Box::new(Schema::Bytes),
        attributes: Default::default(),
    }))
    .map_err(|e| invalid(&e))?;
    let mut header = Cursor::new(body, &header_schema);
    let meta = header.value(&header_schema.root, None, 0)?;
    let meta_text = |key: &str| -> Option<String> {
        let encoded = meta.get(key)?.get("$base64")?.as_str()?;
        let raw =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded).ok()?;
        String::from_utf8(raw).ok()
    };
    let schema_text =
        meta_text("avro.schema").ok_or_else(|| invalid("its header has no avro.schema"))?;
    let schema = ParsedSchema::parse(&schema_text)
        .map_err(|e| invalid(&format!("the schema in its header is not valid: {e}")))?;
    let codec = meta_text("avro.codec").unwrap_or_else(|| "null".to_owned());
    let sync = header.take(16)?.to_vec();
    let mut offset = body.len() - header.rest();
    let mut records = Vec::new();
    let mut values = 0;
    while offset < body.len() {
        let mut block = Cursor::new(&body[offset..], &schema);
        let count = block.length()?;
        let size = block.length()?;
        let data = block.take(size)?;
        if block.take(16)? != sync.as_slice() {
            return Err(invalid("a block does not end with the file's sync marker"));
        }
        offset = body.len() - block.rest();
        let plain = uncompressed_block(&codec, data)?;
        let mut reader = Cursor::new(&plain, &schema);
        reader.values = values;
        for _ in 0..count {
            records.push(reader.value(&schema.root, None, 0)?);
        }
        if reader.rest() != 0 {
            return Err(DecodeError::TrailingBytes(reader.rest()));
        }
        values = reader.values;
    }
    Ok(mapping::tagged([
        ("schema", Value::String(schema.title())),
        ("codec", Value::String(codec)),
        ("records", Value::Array(records)),
    ]))
}

fn uncompressed_block<'a>(
    codec: &str,
    data: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, DecodeError> {
    use std::borrow::Cow;
    match codec {
        "null" => Ok(Cow::Borrowed(data)),
        "deflate" => inflate(Compression::Deflate, data).map(Cow::Owned),
        "snappy" => {
            // Snappy's raw block, then the CRC-32 of what it holds.
            let (compressed, crc) = data
                .split_last_chunk::<4>()
                .ok_or_else(|| invalid("a snappy block is shorter than its checksum"))?;
            let size = snap::raw::decompress_len(compressed)
                .map_err(|e| DecodeError::BadCompression("snappy", e.to_string()))?;
            if size > MAX_INFLATED {
                return Err(DecodeError::InflatesTooFar);
            }
            let plain = snap::raw::Decoder::new()
                .decompress_vec(compressed)
                .map_err(|e| DecodeError::BadCompression("snappy", e.to_string()))?;
            if crc32fast::hash(&plain) != u32::from_be_bytes(*crc) {
                return Err(DecodeError::BadCompression(
                    "snappy",
                    "the checksum does not match".to_owned(),
                ));
            }
            Ok(Cow::Owned(plain))
        }
        other => Err(invalid(&format!(
            "its blocks are compressed with {other}, which mqscope does not read (null, deflate and snappy it does)"
        ))),
    }
}

fn invalid(words: &str) -> DecodeError {
    DecodeError::Invalid(words.to_owned())
}

/// Avro's binary encoding read against a schema, bounded.
struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
    names: &'a HashMap<Name, Schema>,
    values: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], schema: &'a ParsedSchema) -> Cursor<'a> {
        Cursor {
            bytes,
            position: 0,
            names: &schema.names,
            values: 0,
        }
    }

    fn rest(&self) -> usize {
        self.bytes.len() - self.position
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.rest() {
            return Err(invalid(&format!(
                "it is cut off: {n} bytes are announced at byte {}, {} are there",
                self.position,
                self.rest()
            )));
        }
        let taken = &self.bytes[self.position..self.position + n];
        self.position += n;
        Ok(taken)
    }

    /// A zigzag varint of at most 64 bits.
    fn long(&mut self) -> Result<i64, DecodeError> {
        let mut raw: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            raw |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64));
            }
        }
        Err(invalid("a number runs past 10 bytes"))
    }

    fn int(&mut self) -> Result<i32, DecodeError> {
        let long = self.long()?;
        i32::try_from(long).map_err(|_| invalid(&format!("{long} does not fit an Avro int")))
    }

    /// A length or count, which is never negative.
    fn length(&mut self) -> Result<usize, DecodeError> {
        let long = self.long()?;
        usize::try_from(long).map_err(|_| invalid(&format!("a length of {long}")))
    }

    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.length()?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let start = self.position;
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|e| DecodeError::NotText(start + e.valid_up_to()))
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        Ok(self.take(N)?.try_into().expect("N bytes taken"))
    }

    /// The number of items in the next block of an array or map; 0 ends it.
    fn block_count(&mut self) -> Result<usize, DecodeError> {
        let count = self.long()?;
        if count < 0 {
            // A negative count is followed by the block's size in bytes.
            self.long()?;
        }
        Ok(count.unsigned_abs().try_into().unwrap_or(usize::MAX))
    }

    fn charge(&mut self, n: usize) -> Result<(), DecodeError> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err(invalid(&format!("it holds more than {MAX_VALUES} values")));
        }
        Ok(())
    }

    fn value(
        &mut self,
        schema: &Schema,
        namespace: NamespaceRef,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        self.charge(1)?;
        Ok(match schema {
            Schema::Null => Value::Null,
            Schema::Boolean => match self.take(1)?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                other => return Err(invalid(&format!("{other} is not a boolean"))),
            },
            Schema::Int => Value::from(self.int()?),
            Schema::Long => Value::from(self.long()?),
            Schema::Float => mapping::float(f64::from(f32::from_le_bytes(self.fixed()?))),
            Schema::Double => mapping::float(f64::from_le_bytes(self.fixed()?)),
            Schema::Bytes | Schema::BigDecimal => mapping::bytes(self.bytes()?),
            Schema::String | Schema::Uuid(UuidSchema::String) => Value::String(self.string()?),
            Schema::Uuid(UuidSchema::Bytes) => {
                let bytes = self.bytes()?;
                uuid(bytes).unwrap_or_else(|| mapping::bytes(bytes))
            }
            Schema::Uuid(UuidSchema::Fixed(fixed)) => {
                let bytes = self.take(fixed.size)?;
                uuid(bytes).unwrap_or_else(|| mapping::bytes(bytes))
            }
            Schema::Fixed(fixed) => mapping::bytes(self.take(fixed.size)?),
            Schema::Decimal(DecimalSchema { scale, inner, .. }) => {
                let unscaled = match inner {
                    InnerDecimalSchema::Bytes => self.bytes()?,
                    InnerDecimalSchema::Fixed(fixed) => self.take(fixed.size)?,
                };
                decimal(unscaled, *scale)
                    .map(Value::String)
                    .unwrap_or_else(|| mapping::bytes(unscaled))
            }
            Schema::Date => date(self.int()?),
            Schema::TimeMillis => time_of_day(i64::from(self.int()?), 1_000_000, 3),
            Schema::TimeMicros => time_of_day(self.long()?, 1000, 6),
            Schema::TimestampMillis => timestamp(self.long()?, 1_000_000, 3, true),
            Schema::TimestampMicros => timestamp(self.long()?, 1000, 6, true),
            Schema::TimestampNanos => timestamp(self.long()?, 1, 9, true),
            Schema::LocalTimestampMillis => timestamp(self.long()?, 1_000_000, 3, false),
            Schema::LocalTimestampMicros => timestamp(self.long()?, 1000, 6, false),
            Schema::LocalTimestampNanos => timestamp(self.long()?, 1, 9, false),
            Schema::Duration(_) => {
                let raw: [u8; 12] = self.fixed()?;
                let part = |i: usize| {
                    Value::from(u32::from_le_bytes(
                        raw[i * 4..i * 4 + 4].try_into().expect("4 bytes"),
                    ))
                };
                mapping::tagged([
                    ("months", part(0)),
                    ("days", part(1)),
                    ("milliseconds", part(2)),
                ])
            }
            Schema::Enum(e) => {
                let index = self.int()?;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| e.symbols.get(i))
                    .map(|symbol| Value::String(symbol.clone()))
                    .ok_or_else(|| {
                        invalid(&format!(
                            "{index} is not a symbol of {} ({} symbols)",
                            e.name.fullname(None),
                            e.symbols.len()
                        ))
                    })?
            }
            Schema::Union(union) => {
                let index = self.long()?;
                let variants = union.variants();
                let variant = usize::try_from(index)
                    .ok()
                    .and_then(|i| variants.get(i))
                    .ok_or_else(|| {
                        invalid(&format!(
                            "{index} is not a branch of a union of {}",
                            variants.len()
                        ))
                    })?;
                self.value(variant, namespace, depth + 1)?
            }
            Schema::Array(array) => {
                let mut items = Vec::new();
                loop {
                    let count = self.block_count()?;
                    if count == 0 {
                        break Value::Array(items);
                    }
                    // Each item is charged before it is made; nothing is
                    // reserved from the count, which the bytes may not hold.
                    for _ in 0..count {
                        items.push(self.value(&array.items, namespace, depth + 1)?);
                    }
                }
            }
            Schema::Map(map) => {
                let mut object = Map::new();
                loop {
                    let count = self.block_count()?;
                    if count == 0 {
                        break Value::Object(object);
                    }
                    for _ in 0..count {
                        let key = self.string()?;
                        let value = self.value(&map.types, namespace, depth + 1)?;
                        object.insert(key, value);
                    }
                }
            }
            Schema::Record(RecordSchema { name, fields, .. }) => {
                let full = name.fully_qualified_name(namespace);
                let inner = full.namespace();
                let mut object = Map::new();
                for field in fields {
                    let value = self.value(&field.schema, inner, depth + 1)?;
                    object.insert(field.name.clone(), value);
                }
                Value::Object(object)
            }
            Schema::Ref { name } => {
                let full = name.fully_qualified_name(namespace);
                let names = self.names;
                let named = names.get(full.as_ref()).ok_or_else(|| {
                    invalid(&format!("the schema has no type {}", full.fullname(None)))
                })?;
                self.values -= 1;
                self.value(named, full.namespace(), depth + 1)?
            }
        })
    }
}

/// Sixteen bytes as a UUID's hyphenated text.
fn uuid(bytes: &[u8]) -> Option<Value> {
    let bytes: [u8; 16] = bytes.try_into().ok()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(Value::String(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )))
}

/// A decimal's unscaled two's-complement big-endian bytes and its scale as
/// exact decimal text (`"-12.50"`); `None` past 64 bytes.
fn decimal(unscaled: &[u8], scale: usize) -> Option<String> {
    if unscaled.len() > 64 {
        return None;
    }
    let negative = unscaled.first().is_some_and(|b| b & 0x80 != 0);
    // The magnitude, as big-endian bytes.
    let mut magnitude: Vec<u8> = if negative {
        let mut flipped: Vec<u8> = unscaled.iter().map(|b| !b).collect();
        for byte in flipped.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        flipped
    } else {
        unscaled.to_vec()
    };
    let mut digits = Vec::new();
    while magnitude.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for byte in magnitude.iter_mut() {
            let current = (remainder << 8) | u32::from(*byte);
            *byte = (current / 10) as u8;
            remainder = current % 10;
        }
        digits.push(b'0' + remainder as u8);
    }
    while digits.len() <= scale {
        digits.push(b'0');
    }
    digits.reverse();
    let text = String::from_utf8(digits).expect("ASCII digits");
    let (whole, fraction) = text.split_at(text.len() - scale);
    let sign = if negative { "-" } else { "" };
    Some(if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

/// Days since 1970 as `YYYY-MM-DD`; the number when out of range.
fn date(days: i32) -> Value {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::try_days(days.into())?))
        .map_or_else(
            || Value::from(days),
            |day| Value::String(day.format("%Y-%m-%d").to_string()),
        )
}

/// A count of units since 1970 as ISO-8601 text with `digits` of
/// fraction (`Z` when `utc`); the number when out of range.
fn timestamp(count: i64, nanos_per_unit: i64, digits: usize, utc: bool) -> Value {
    let Some(nanos) = count.checked_mul(nanos_per_unit) else {
        return Value::from(count);
    };
    let moment = chrono::DateTime::from_timestamp_nanos(nanos).naive_utc();
    let zone = if utc { "Z" } else { "" };
    Value::String(format!(
        "{}{}{zone}",
        moment.format("%Y-%m-%dT%H:%M:%S"),
        fraction(nanos.rem_euclid(1_000_000_000), digits)
    ))
}

/// A count of units since midnight as `HH:MM:SS.fff`; the number when it
/// is not within a day.
fn time_of_day(count: i64, nanos_per_unit: i64, digits: usize) -> Value {
    match count.checked_mul(nanos_per_unit) {
        Some(nanos) if (0..86_400_000_000_000).contains(&nanos) => {
            let seconds = nanos / 1_000_000_000;
            Value::String(format!(
                "{:02}:{:02}:{:02}{}",
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60,
                fraction(nanos % 1_000_000_000, digits)
            ))
        }
        _ => Value::from(count),
    }
}

/// `.fff…` of `nanos` (below a second) to `digits` places.
fn fraction(nanos: i64, digits: usize) -> String {
    let divisor = 10_i64.pow(9 - digits as u32);
    format!(".{:0digits$}", nanos / divisor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const READING: &str = r#"{"type": "record", "name": "Reading", "namespace": "lab",
        "fields": [
            {"name": "site", "type": "string"},
            {"name": "temperature", "type": "double"},
            {"name": "count", "type": ["null", "long"]},
            {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["OFF", "ON"]}},
            {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "tags", "type": {"type": "map", "values": "int"}},
            {"name": "next", "type": ["null", "Reading"]}
        ]}"#;

    fn zigzag(n: i64, out: &mut Vec<u8>) {
        let mut raw = ((n << 1) ^ (n >> 63)) as u64;
        loop {
            let byte = (raw & 0x7f) as u8;
            raw >>= 7;
            if raw == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn reading(next: bool) -> Vec<u8> {
        let mut out = Vec::new();
        zigzag(3, &mut out);
        out.extend_from_slice(b"lab");
        out.extend_from_slice(&21.5f64.to_le_bytes());
        zigzag(1, &mut out);
        zigzag(-7, &mut out);
        zigzag(1, &mut out);
        // -12.50 is -1250 unscaled: 0xfb1e.
        zigzag(2, &mut out);
        out.extend_from_slice(&[0xfb, 0x1e]);
        zigzag(1_764_806_400_123, &mut out);
        zigzag(1, &mut out);
        zigzag(1, &mut out);
        out.push(b'a');
        zigzag(5, &mut out);
        zigzag(0, &mut out);
        zigzag(i64::from(next), &mut out);
        out
    }

    #[test]
    fn a_datum_reads_with_its_schema_logical_types_in_plain_words() {
        let schema = ParsedSchema::parse(READING).unwrap();
        assert_eq!(schema.title(), "lab.Reading");
        let mut bytes = reading(true);
        bytes.extend(reading(false));
        let value = decode_datum(&schema, &bytes).unwrap();
        assert_eq!(value["temperature"], Value::from(21.5), "{value}");
        assert_eq!(value["count"], Value::from(-7));
        assert_eq!(value["state"], Value::from("ON"));
        assert_eq!(value["price"], Value::from("-12.50"));
        assert_eq!(value["at"], Value::from("2025-12-04T00:00:00.123Z"));
        assert_eq!(value["tags"]["a"], Value::from(5));
        assert_eq!(value["next"]["site"], Value::from("lab"));
        assert_eq!(value["next"]["next"], Value::Null);
    }

    #[test]
    fn cut_trailing_deep_and_empty_but_huge_payloads_are_refused() {
        let schema = ParsedSchema::parse(READING).unwrap();
        let bytes = reading(false);
        for cut in 0..bytes.len() {
            assert!(
                decode_datum(&schema, &bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode_datum(&schema, &longer),
            Err(DecodeError::TrailingBytes(1))
        );
        // A list nesting by one byte a level, far past the depth allowed.
        let list = ParsedSchema::parse(
            r#"{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"]}]}"#,
        )
        .unwrap();
        assert_eq!(
            decode_datum(&list, &vec![2u8; 100_000]),
            Err(DecodeError::TooDeep)
        );
        // Arrays of nulls announced by the billion cost a few bytes each.
        let nulls =
            ParsedSchema::parse(r#"{"type":"array","items":{"type":"array","items":"null"}}"#)
                .unwrap();
        let mut bomb = Vec::new();
        zigzag(1000, &mut bomb);
        for _ in 0..1000 {
            zigzag(1 << 40, &mut bomb);
            zigzag(0, &mut bomb);
        }
        zigzag(0, &mut bomb);
        assert!(matches!(
            decode_datum(&nulls, &bomb),
            Err(DecodeError::Invalid(words)) if words.contains("more than")
        ));
    }

    #[test]
    fn decimals_uuids_and_times_are_exact() {
        assert_eq!(decimal(&[0x04, 0xe2], 2).unwrap(), "12.50");
        assert_eq!(decimal(&[0xff], 3).unwrap(), "-0.001");
        assert_eq!(decimal(&[], 0).unwrap(), "0");
        assert_eq!(
            decimal(&[0x7f; 20], 0).unwrap(),
            "727885129180488904360266563744972327436484050815"
        );
        assert_eq!(
            uuid(&[0x12; 16]).unwrap(),
            Value::from("12121212-1212-1212-1212-121212121212")
        );
        assert_eq!(
            time_of_day(45_296_789, 1_000_000, 3),
            Value::from("12:34:56.789")
        );
        assert_eq!(date(20426), Value::from("2025-12-04"));
        assert_eq!(date(i32::MAX), Value::from(i32::MAX));
        assert_eq!(
            timestamp(-1, 1_000_000, 3, false),
            Value::from("1969-12-31T23:59:59.999")
        );
        assert_eq!(
            timestamp(i64::MAX, 1000, 6, true),
            Value::from(i64::MAX),
            "out of range stays a number"
        );
    }

    #[test]
    fn a_container_file_carries_its_schema() {
        let mut file = CONTAINER_MAGIC.to_vec();
        let schema = r#"{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}"#;
        zigzag(2, &mut file);
        for (key, value) in [("avro.schema", schema), ("avro.codec", "null")] {
            zigzag(key.len() as i64, &mut file);
            file.extend_from_slice(key.as_bytes());
            zigzag(value.len() as i64, &mut file);
            file.extend_from_slice(value.as_bytes());
        }
        zigzag(0, &mut file);
        let sync = [7u8; 16];
        file.extend_from_slice(&sync);
        zigzag(2, &mut file);
        zigzag(2, &mut file);
        zigzag(5, &mut file);
        zigzag(-6, &mut file);
        file.extend_from_slice(&sync);
        let value = decode_container(&file).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"schema": "P", "codec": "null", "records": [{"x": 5}, {"x": -6}]})
        );
        let mut damaged = file.clone();
        *damaged.last_mut().unwrap() = 0;
        assert!(decode_container(&damaged).is_err());
        // Cut anywhere, it is refused, or (cut between blocks) it has fewer records.
        for cut in 0..file.len() - 1 {
            if let Ok(value) = decode_container(&file[..cut]) {
                assert!(
                    value["records"].as_array().unwrap().len() < 2,
                    "cut at {cut}"
                );
            }
        }
    }
}
