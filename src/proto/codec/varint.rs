//! Variable Byte Integers (section 1.5.5): 1 to 4 bytes, 7 bits each, least
//! significant group first.

use bytes::BufMut;

use super::{CodecError, writer};

/// The largest value a Variable Byte Integer can hold (268 435 455).
pub const MAX: u32 = 268_435_455;

/// Parse a Variable Byte Integer from the start of `bytes`.
///
/// `Ok(None)` means the bytes end before the integer does. An integer that would
/// need a fifth byte is an error, and so is one that uses more bytes than its
/// value needs [MQTT-1.5.5-1].
#[inline]
pub fn parse(bytes: &[u8]) -> Result<Option<(u32, usize)>, CodecError> {
    let mut value: u32 = 0;
    for (index, &byte) in bytes.iter().enumerate().take(4) {
        value |= u32::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            if index > 0 && byte == 0 {
                return Err(CodecError::VariableByteIntegerNotMinimal);
            }
            return Ok(Some((value, index + 1)));
        }
    }
    if bytes.len() >= 4 {
        Err(CodecError::VariableByteIntegerTooLong)
    } else {
        Ok(None)
    }
}

/// How many bytes `value` takes as a Variable Byte Integer (1 to 4; values above
/// [`MAX`] are not representable and are reported by [`check`]).
#[inline]
pub fn len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Check that `value` fits in a Variable Byte Integer.
#[inline]
pub fn check(value: usize) -> Result<u32, CodecError> {
    match u32::try_from(value) {
        Ok(v) if v <= MAX => Ok(v),
        _ => Err(CodecError::VariableByteIntegerTooLarge {
            value: value as u64,
        }),
    }
}

/// Write `value` (at most [`MAX`]) as a Variable Byte Integer.
#[inline]
pub fn put(out: &mut impl BufMut, mut value: u32) {
    debug_assert!(value <= MAX);
    loop {
        let mut byte = (value & 0x7F) as u8;
        value >>= 7;
        if value > 0 {
            byte |= 0x80;
        }
        writer::put_u8(out, byte);
        if value == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_from_the_specification_table() {
        // Section 1.5.5, Table 1-1: the smallest and largest value of each length.
        let cases: [(u32, &[u8]); 8] = [
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for (value, bytes) in cases {
            let mut out = Vec::new();
            put(&mut out, value);
            assert_eq!(out, bytes, "encoding {value}");
            assert_eq!(len(value), bytes.len());
            assert_eq!(parse(bytes), Ok(Some((value, bytes.len()))));
        }
    }

    #[test]
    fn incomplete_is_not_an_error() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&[0x80]), Ok(None));
        assert_eq!(parse(&[0xFF, 0xFF, 0xFF]), Ok(None));
    }

    #[test]
    fn a_fifth_byte_is_malformed() {
        assert_eq!(
            parse(&[0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            Err(CodecError::VariableByteIntegerTooLong)
        );
        assert_eq!(
            parse(&[0x80, 0x80, 0x80, 0x80]),
            Err(CodecError::VariableByteIntegerTooLong)
        );
    }

    #[test]
    fn non_minimal_encoding_is_malformed() {
        // [MQTT-1.5.5-1] The encoded value MUST use the minimum number of bytes.
        assert_eq!(
            parse(&[0x80, 0x00]),
            Err(CodecError::VariableByteIntegerNotMinimal)
        );
        assert_eq!(
            parse(&[0xFF, 0x80, 0x00]),
            Err(CodecError::VariableByteIntegerNotMinimal)
        );
    }

    #[test]
    fn too_large_values_are_refused() {
        assert_eq!(check(268_435_455), Ok(268_435_455));
        assert!(matches!(
            check(268_435_456),
            Err(CodecError::VariableByteIntegerTooLarge { value: 268_435_456 })
        ));
    }
}
