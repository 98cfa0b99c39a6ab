//! The Protobuf wire format, read field by field without a schema. Every
//! length is checked against the bytes that are left before it is used, so a
//! field announcing 2^31 bytes in a short payload is an error, not an
//! allocation.

use super::DecodeError;

/// A field's value as the wire carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireValue<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1: eight little-endian bytes.
    Fixed64(u64),
    /// Wire type 2: a length and that many bytes.
    Bytes(&'a [u8]),
    /// Wire type 5: four little-endian bytes.
    Fixed32(u32),
}

/// Reads the fields of one message from a byte slice.
pub struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The fields of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields { rest: bytes }
    }

    /// The next field's number and value; `None` at the end.
    pub fn next_field(&mut self) -> Result<Option<(u32, WireValue<'a>)>, DecodeError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| (1..=0x1fff_ffff).contains(n))
            .ok_or_else(|| invalid(format!("field number {} is out of range", key >> 3)))?;
        let value = match key & 7 {
            0 => WireValue::Varint(self.varint()?),
            1 => WireValue::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().unwrap_or_default(),
            )),
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|&len| len <= self.rest.len())
                    .ok_or_else(|| {
                        invalid(format!(
                            "field {number} announces {len} bytes, {} are left",
                            self.rest.len()
                        ))
                    })?;
                WireValue::Bytes(self.take(len)?)
            }
            5 => WireValue::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().unwrap_or_default(),
            )),
            3 | 4 => {
                return Err(invalid(format!(
                    "field {number} uses groups (wire types 3 and 4), which are not read"
                )));
            }
            other => {
                return Err(invalid(format!(
                    "field {number} has wire type {other}, which does not exist"
                )));
            }
        };
        Ok(Some((number, value)))
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for (i, &byte) in self.rest.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                self.rest = &self.rest[i + 1..];
                return Ok(value);
            }
        }
        Err(invalid(if self.rest.len() < 10 {
            "a number is cut off".to_owned()
        } else {
            "a number runs longer than 10 bytes".to_owned()
        }))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.rest.len() {
            return Err(invalid(format!(
                "a field needs {len} bytes, {} are left",
                self.rest.len()
            )));
        }
        let (head, tail) = self.rest.split_at(len);
        self.rest = tail;
        Ok(head)
    }
}

/// The varints of a packed repeated field.
pub fn packed_varints(bytes: &[u8]) -> Result<Vec<u64>, DecodeError> {
    let mut reader = Fields::new(bytes);
    let mut values = Vec::new();
    while !reader.rest.is_empty() {
        values.push(reader.varint()?);
    }
    Ok(values)
}

fn invalid(detail: String) -> DecodeError {
    DecodeError::Invalid(detail)
}

/// Appends a varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends a field's key.
pub fn put_key(out: &mut Vec<u8>, number: u32, wire_type: u8) {
    put_varint(out, u64::from(number) << 3 | u64::from(wire_type));
}

/// Appends a length-delimited field.
pub fn put_bytes(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    put_key(out, number, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_as_written_and_lengths_are_checked_first() {
        let mut bytes = Vec::new();
        put_key(&mut bytes, 1, 0);
        put_varint(&mut bytes, 150);
        put_bytes(&mut bytes, 2, b"testing");
        put_key(&mut bytes, 3, 5);
        bytes.extend_from_slice(&1.5f32.to_le_bytes());
        let mut fields = Fields::new(&bytes);
        assert_eq!(
            fields.next_field().unwrap(),
            Some((1, WireValue::Varint(150)))
        );
        assert_eq!(
            fields.next_field().unwrap(),
            Some((2, WireValue::Bytes(b"testing")))
        );
        assert_eq!(
            fields.next_field().unwrap(),
            Some((3, WireValue::Fixed32(1.5f32.to_bits())))
        );
        assert_eq!(fields.next_field().unwrap(), None);
        // Field 1, length 2^31, and three bytes.
        let mut huge = vec![0x0a];
        put_varint(&mut huge, 1 << 31);
        huge.extend_from_slice(b"abc");
        assert!(Fields::new(&huge).next_field().is_err());
        assert!(
            Fields::new(&[0x08, 0xff]).next_field().is_err(),
            "cut-off varint"
        );
        assert!(Fields::new(&[0x00, 0x01]).next_field().is_err(), "field 0");
    }
}
