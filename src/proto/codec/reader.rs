//! Reading the data types of MQTT (section 1.5) from a received packet.
//!
//! One reader serves both the fast decoder and the packet inspector: every read
//! reports the field it read to a [`Trace`]. The decoder's trace is
//! [`NoTrace`], which compiles away; the inspector's records names, byte ranges
//! and values.
//!
//! Without a trace, the decoder also takes a few direct paths for the common
//! cases (a plain PUBLISH read straight from the frame, a run of valid reason
//! codes, an empty property list). Each one hands over to this reader as soon
//! as anything is unusual, so every error is still found and reported here,
//! exactly as the inspector sees it.

use std::ops::Range;

use bytes::Bytes;
use bytestring::ByteString;

use super::{CodecError, scan};

/// Receives each field as the decoder reads it.
pub trait Trace {
    /// Whether fields are recorded at all. When `false`, no name or value is built.
    const ENABLED: bool;
    /// A field was read from `range` (absolute offsets in the packet).
    fn field(&mut self, range: Range<usize>, depth: u8, name: String, value: String);
    /// Decoding stopped at `offset` because of `error`.
    fn error(&mut self, offset: usize, error: &CodecError);
}

/// The trace of the ordinary decoder: records nothing and costs nothing.
#[derive(Debug, Default)]
pub struct NoTrace;

impl Trace for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn field(&mut self, _: Range<usize>, _: u8, _: String, _: String) {}
    #[inline(always)]
    fn error(&mut self, _: usize, _: &CodecError) {}
}

/// A cursor over one whole packet (fixed header included, so that offsets are
/// absolute) that reads MQTT data types and reports them to a [`Trace`].
pub struct Reader<'a, T: Trace> {
    packet: &'a Bytes,
    pos: usize,
    end: usize,
    depth: u8,
    trace: &'a mut T,
}

pub(crate) type Result<V> = std::result::Result<V, CodecError>;

impl<'a, T: Trace> Reader<'a, T> {
    /// A reader over `packet[start..end]`.
    pub fn new(packet: &'a Bytes, start: usize, end: usize, trace: &'a mut T) -> Self {
        Reader {
            packet,
            pos: start,
            end,
            depth: 0,
            trace,
        }
    }

    /// The offset of the next byte to read.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// How many bytes are left before the end of the current window.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// Whether everything in the current window has been read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// Narrow the window to the next `len` bytes (e.g. a property list) and
    /// return the old end, to be given back to [`Reader::restore_end`].
    pub fn limit(&mut self, len: usize, field: &'static str) -> Result<usize> {
        if len > self.remaining() {
            return Err(self.fail(CodecError::Truncated { field }));
        }
        let old = self.end;
        self.end = self.pos + len;
        Ok(old)
    }

    /// Widen the window again after [`Reader::limit`].
    pub fn restore_end(&mut self, end: usize) {
        self.end = end;
    }

    /// Nest the fields that follow one level deeper (for the inspector).
    pub fn enter(&mut self) {
        self.depth = self.depth.saturating_add(1);
    }

    /// Undo one [`Reader::enter`].
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Report `error` at the current position and return it.
    #[cold]
    pub fn fail(&mut self, error: CodecError) -> CodecError {
        self.trace.error(self.pos, &error);
        error
    }

    /// Report `error` at `offset` and return it.
    #[cold]
    pub fn fail_at(&mut self, offset: usize, error: CodecError) -> CodecError {
        self.trace.error(offset, &error);
        error
    }

    /// Record a field that spans `start..position()`.
    #[inline(always)]
    pub fn record(&mut self, start: usize, name: &str, value: impl FnOnce() -> String) {
        if T::ENABLED {
            self.trace
                .field(start..self.pos, self.depth, name.to_owned(), value());
        }
    }

    /// Record a field with a name that is built only when tracing.
    #[inline(always)]
    pub fn record_named(
        &mut self,
        start: usize,
        name: impl FnOnce() -> String,
        value: impl FnOnce() -> String,
    ) {
        if T::ENABLED {
            self.trace
                .field(start..self.pos, self.depth, name(), value());
        }
    }

    #[inline]
    fn take(&mut self, len: usize, field: &'static str) -> Result<Range<usize>> {
        if len > self.remaining() {
            return Err(self.fail(CodecError::Truncated { field }));
        }
        let start = self.pos;
        self.pos += len;
        Ok(start..self.pos)
    }

    /// Read one byte without recording it.
    #[inline]
    pub fn raw_u8(&mut self, field: &'static str) -> Result<u8> {
        let range = self.take(1, field)?;
        Ok(self.packet[range.start])
    }

    /// Read a one-byte integer.
    #[inline]
    pub fn u8(&mut self, field: &'static str) -> Result<u8> {
        let start = self.pos;
        let value = self.raw_u8(field)?;
        self.record(start, field, || value.to_string());
        Ok(value)
    }

    /// Read a Two Byte Integer without recording it.
    #[inline]
    pub fn raw_u16(&mut self, field: &'static str) -> Result<u16> {
        let range = self.take(2, field)?;
        Ok(u16::from_be_bytes([
            self.packet[range.start],
            self.packet[range.start + 1],
        ]))
    }

    /// Read a Two Byte Integer (big-endian).
    #[inline]
    pub fn u16(&mut self, field: &'static str) -> Result<u16> {
        let start = self.pos;
        let value = self.raw_u16(field)?;
        self.record(start, field, || value.to_string());
        Ok(value)
    }

    /// Read a Four Byte Integer without recording it.
    #[inline]
    pub fn raw_u32(&mut self, field: &'static str) -> Result<u32> {
        let range = self.take(4, field)?;
        let b = &self.packet[range];
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Read a Variable Byte Integer without recording it.
    #[inline]
    pub fn raw_varint(&mut self, field: &'static str) -> Result<u32> {
        let start = self.pos;
        match super::varint::parse(&self.packet[self.pos..self.end]) {
            Ok(Some((value, len))) => {
                self.pos += len;
                Ok(value)
            }
            Ok(None) => Err(self.fail(CodecError::Truncated { field })),
            Err(error) => Err(self.fail_at(start, error)),
        }
    }

    /// Read a Variable Byte Integer.
    #[inline]
    pub fn varint(&mut self, field: &'static str) -> Result<u32> {
        let start = self.pos;
        let value = self.raw_varint(field)?;
        self.record(start, field, || value.to_string());
        Ok(value)
    }

    /// Read Binary Data (2-byte length, then bytes) without recording it.
    #[inline]
    pub fn raw_binary(&mut self, field: &'static str) -> Result<Bytes> {
        let len = usize::from(self.raw_u16(field)?);
        let range = self.take(len, field)?;
        Ok(self.packet.slice(range))
    }

    /// Read a UTF-8 Encoded String without recording it: well-formed UTF-8
    /// [MQTT-1.5.4-1] with no U+0000 [MQTT-1.5.4-2]. A byte order mark is kept
    /// as it is [MQTT-1.5.4-3].
    #[inline]
    pub fn raw_string(&mut self, field: &'static str) -> Result<ByteString> {
        let start = self.pos;
        let bytes = self.raw_binary(field)?;
        if scan::is_plain_ascii(&bytes) {
            // SAFETY: every byte is in 0x01..=0x7F, so the bytes are ASCII, and
            // ASCII is well-formed UTF-8: exactly what `try_from` would accept.
            return Ok(unsafe { ByteString::from_bytes_unchecked(bytes) });
        }
        if scan::has_nul(&bytes) {
            return Err(self.fail_at(start, CodecError::NullCharacter { field }));
        }
        ByteString::try_from(bytes)
            .map_err(|_| self.fail_at(start, CodecError::InvalidUtf8 { field }))
    }

    /// Read a UTF-8 Encoded String.
    #[inline]
    pub fn string(&mut self, field: &'static str) -> Result<ByteString> {
        let start = self.pos;
        let value = self.raw_string(field)?;
        self.record(start, field, || format!("{:?}", &*value));
        Ok(value)
    }

    /// Read Binary Data.
    #[inline]
    pub fn binary(&mut self, field: &'static str) -> Result<Bytes> {
        let start = self.pos;
        let value = self.raw_binary(field)?;
        self.record(start, field, || describe_bytes(&value));
        Ok(value)
    }

    /// Read Binary Data that is a secret (a password): the trace records its
    /// length, never its contents.
    #[inline]
    pub fn secret(&mut self, field: &'static str) -> Result<Bytes> {
        let start = self.pos;
        let value = self.raw_binary(field)?;
        self.record(start, field, || format!("hidden ({} bytes)", value.len()));
        Ok(value)
    }

    /// The next byte, without reading it; `None` at the end of the window.
    #[inline]
    pub fn peek_u8(&self) -> Option<u8> {
        if self.pos < self.end {
            Some(self.packet[self.pos])
        } else {
            None
        }
    }

    /// The bytes left in the window, without reading them.
    #[inline]
    pub fn peek_rest(&self) -> &'a [u8] {
        let packet: &'a Bytes = self.packet;
        &packet[self.pos..self.end]
    }

    /// Step over `len` bytes already looked at with [`Reader::peek_rest`] or
    /// [`Reader::peek_u8`]; `len` must be at most [`Reader::remaining`].
    #[inline]
    pub fn skip(&mut self, len: usize) {
        assert!(len <= self.remaining(), "skipping past the window");
        self.pos += len;
    }

    /// Take every byte left in the window (a payload).
    #[inline]
    pub fn rest(&mut self, field: &'static str) -> Bytes {
        let start = self.pos;
        let value = self.packet.slice(self.pos..self.end);
        self.pos = self.end;
        if T::ENABLED && !value.is_empty() {
            self.record(start, field, || describe_bytes(&value));
        }
        value
    }
}

/// A short human-readable rendering of bytes: as text when they are UTF-8,
/// otherwise as hex; long values are cut.
pub fn describe_bytes(bytes: &[u8]) -> String {
    const SHOWN: usize = 64;
    let shown = &bytes[..bytes.len().min(SHOWN)];
    let more = if bytes.len() > SHOWN {
        format!(" … ({} bytes)", bytes.len())
    } else {
        String::new()
    };
    match std::str::from_utf8(shown) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}{more}"),
        _ => {
            let hex: Vec<String> = shown.iter().map(|b| format!("{b:02X}")).collect();
            format!("{}{more}", hex.join(" "))
        }
    }
}
