//! Writing the data types of MQTT (section 1.5) and checking that they fit.

use bytes::BufMut;

use super::{CodecError, scan};

/// Check that a string fits a UTF-8 Encoded String: at most 65 535 bytes and
/// no U+0000 [MQTT-1.5.4-2].
#[inline]
pub fn check_string(field: &'static str, value: &str) -> Result<(), CodecError> {
    check_len(field, value.len())?;
    if scan::has_nul(value.as_bytes()) {
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
    put_u16(out, value.len() as u16);
    put(out, value);
}

/// Append `bytes`. When they fit in the spare capacity (always, in
/// `Packet::encode`, which reserves the whole packet first) this is one copy,
/// inlined; `BufMut::put_u8` and its kind end in a call to
/// `BytesMut::put_slice` and a `memcpy` call for each field.
#[inline(always)]
pub fn put(out: &mut impl BufMut, bytes: &[u8]) {
    let chunk = out.chunk_mut();
    if chunk.len() >= bytes.len() {
        chunk[..bytes.len()].copy_from_slice(bytes);
        // SAFETY: the first `bytes.len()` bytes of the chunk were just written.
        unsafe { out.advance_mut(bytes.len()) };
    } else {
        out.put_slice(bytes);
    }
}

/// Append one byte.
#[inline(always)]
pub fn put_u8(out: &mut impl BufMut, value: u8) {
    put(out, &[value]);
}

/// Append a Two Byte Integer (big-endian).
#[inline(always)]
pub fn put_u16(out: &mut impl BufMut, value: u16) {
    put(out, &value.to_be_bytes());
}

/// Append a Four Byte Integer (big-endian).
#[inline(always)]
pub fn put_u32(out: &mut impl BufMut, value: u32) {
    put(out, &value.to_be_bytes());
}
