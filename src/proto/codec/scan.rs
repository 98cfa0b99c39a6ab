//! Fast scans over the bytes of strings: eight bytes at a time (SWAR, "SIMD
//! within a register"), without a call to `memchr`, which costs more than it
//! saves on the short strings of MQTT (topics, property strings).
//!
//! Every scan answers a yes/no question about a whole slice. The word tests
//! may report a byte that is not there (a borrow from a real hit can spill
//! into a higher byte), but never miss one that is, and the callers only use a
//! "yes" to switch to an exact byte-by-byte path, so the answers are exact
//! where it matters: `is_plain_ascii` and `is_plain_topic_name` return `true`
//! only when every byte passes.

/// 0x01 in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
/// 0x80 in every byte.
const HI: u64 = 0x8080_8080_8080_8080;

/// Non-zero in the high bit of a byte when some byte of `word` is 0 (the
/// lowest such byte is always flagged; bytes above it may be too).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(LO) & !word & HI
}

/// Bytes flagged by [`zero_bytes`] when `word` holds the byte `value`.
#[inline(always)]
fn bytes_equal(word: u64, value: u8) -> u64 {
    zero_bytes(word ^ (LO * u64::from(value)))
}

#[inline(always)]
fn load(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Whether `word_test` flags anything in `bytes`, read as words (the last one
/// overlapping the one before it), or `byte_test` any byte of a slice shorter
/// than a word.
#[inline(always)]
fn any(bytes: &[u8], word_test: impl Fn(u64) -> u64, byte_test: impl Fn(u8) -> bool) -> bool {
    let len = bytes.len();
    if len < 8 {
        return bytes.iter().any(|&b| byte_test(b));
    }
    let mut flagged = 0;
    let mut at = 0;
    while at + 8 <= len {
        flagged |= word_test(load(bytes, at));
        at += 8;
    }
    if at < len {
        flagged |= word_test(load(bytes, len - 8));
    }
    flagged & HI != 0
}

/// Whether every byte is in 0x01..=0x7F: ASCII (hence well-formed UTF-8)
/// without U+0000.
#[inline]
pub(crate) fn is_plain_ascii(bytes: &[u8]) -> bool {
    !any(bytes, |w| w | zero_bytes(w), |b| b.wrapping_sub(1) >= 0x7F)
}

/// Whether `bytes` holds a 0 byte (U+0000 in UTF-8).
#[inline]
pub(crate) fn has_nul(bytes: &[u8]) -> bool {
    any(bytes, zero_bytes, |b| b == 0)
}

/// Whether `bytes` holds U+0000, `+` or `#`.
#[inline]
pub(crate) fn has_nul_or_wildcard(bytes: &[u8]) -> bool {
    any(
        bytes,
        |w| zero_bytes(w) | bytes_equal(w, b'+') | bytes_equal(w, b'#'),
        |b| matches!(b, 0 | b'+' | b'#'),
    )
}

/// Whether every byte is in 0x01..=0x7F and none is `+` or `#`: the ASCII
/// topic names, checked for UTF-8, U+0000 and wildcards in one pass.
#[inline]
pub(crate) fn is_plain_topic_name(bytes: &[u8]) -> bool {
    !any(
        bytes,
        |w| w | zero_bytes(w) | bytes_equal(w, b'+') | bytes_equal(w, b'#'),
        |b| b.wrapping_sub(1) >= 0x7F || b == b'+' || b == b'#',
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of slices of 0 to 40 bytes, against
    /// the byte-by-byte definition.
    #[test]
    fn scans_agree_with_the_byte_by_byte_definition() {
        for len in 0..=40 {
            let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(is_plain_ascii(&base) && is_plain_topic_name(&base));
            assert!(!has_nul(&base) && !has_nul_or_wildcard(&base));
            for at in 0..len {
                for value in 0..=u8::MAX {
                    let mut bytes = base.clone();
                    bytes[at] = value;
                    // A second odd byte below it, to provoke borrows.
                    let mut pair = bytes.clone();
                    if at > 0 {
                        pair[at - 1] = 0;
                    }
                    for bytes in [&bytes, &pair] {
                        let ascii = bytes.iter().all(|&b| (1..=0x7F).contains(&b));
                        let nul = bytes.contains(&0);
                        let wild = bytes.iter().any(|&b| b == b'+' || b == b'#');
                        assert_eq!(is_plain_ascii(bytes), ascii, "{bytes:?}");
                        assert_eq!(has_nul(bytes), nul, "{bytes:?}");
                        assert_eq!(has_nul_or_wildcard(bytes), nul || wild, "{bytes:?}");
                        assert_eq!(is_plain_topic_name(bytes), ascii && !wild, "{bytes:?}");
                    }
                }
            }
        }
    }
}
