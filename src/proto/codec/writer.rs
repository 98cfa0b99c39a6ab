//! Writing the data types of MQTT (section 1.5) and checking that they fit.

use bytes::BufMut;

use super::CodecError;

/// Check that a string fits a UTF-8 Encoded String: at most 65 535 bytes and
/// no U+0000 [MQTT-1.5.4-2].
#[inline]
pub fn check_string(field: &'static str, value: &str) -> Result<(), CodecError> {
    check_len(field, value.len())?;
    if value.as_bytes().contains(&0) {
        return Err(CodecError::NullCharacter { field });
    }
    Ok(())
}

/// Check that `len` bytes fit behind a 2-byte length prefix.
#[inline]
pub fn check_len(field: &'static str, len: usize) -> Result<(), CodecError> {
    if len > usize::from(u16::MAX) {
        return Err(CodecError::FieldTooLong { field, len });
    }
    Ok(())
}

/// Write a 2-byte length and the bytes (Binary Data or a UTF-8 Encoded String).
/// The length must have been checked with [`check_len`].
#[inline]
pub fn put_binary(out: &mut impl BufMut, value: &[u8]) {
    out.put_u16(value.len() as u16);
    out.put_slice(value);
}
