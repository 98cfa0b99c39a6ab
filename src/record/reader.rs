//! Reading a recording as a stream: frame by frame, never the whole file in
//! memory, past damaged frames (found again by their sync marker) and up to
//! the last whole frame of a file that was cut off.

use std::io::{ErrorKind, Read, Seek, SeekFrom};

use bytes::Bytes;

use super::format::{
    BODY_PREFIX, FORMAT_VERSION, FRAME_MARKER, FRAME_OVERHEAD, FrameFlags, FrameKind, Header,
    MAGIC, MAX_BODY_LEN, MAX_HEADER_LEN,
};

/// How much is read from the file at a time.
const CHUNK: usize = 64 * 1024;
/// How much of a file's end is searched for its last frame.
const TAIL: u64 = 1024 * 1024;

/// Why a file cannot be opened as a recording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// The file does not start like a recording.
    NotRecording,
    /// A newer mqscope wrote it, in a format version this one does not know.
    NewerFormat(u16),
    /// The header is cut off or damaged.
    DamagedHeader,
    /// The file could not be read.
    Read(ErrorKind),
}

/// One frame as it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Where the frame starts in the file.
    pub offset: u64,
    /// When the packet went or came, in µs since the Unix epoch.
    pub at_micros: u64,
    /// Received, sent, or a gap.
    pub kind: FrameKind,
    /// What the recorder changed.
    pub flags: FrameFlags,
    /// The raw MQTT packet (for a gap: the number of packets missing).
    pub data: Bytes,
}

impl Frame {
    /// For a gap frame, how many packets are missing there.
    pub fn gap_count(&self) -> Option<u64> {
        let bytes: [u8; 8] = self.data.get(..8)?.try_into().ok()?;
        (self.kind == FrameKind::Gap).then(|| u64::from_le_bytes(bytes))
    }
}

/// What the reader found next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A whole frame whose checksum is right.
    Frame(Frame),
    /// Bytes from `offset` that are not a whole frame; reading goes on at
    /// the next frame after them.
    Damaged {
        /// Where the damage starts.
        offset: u64,
        /// How many bytes were passed over.
        skipped: u64,
    },
    /// The file ends inside a frame (it was cut off, e.g. by a crash).
    CutOff {
        /// Where the unfinished frame starts.
        offset: u64,
        /// How many of its bytes are there.
        bytes: u64,
    },
    /// Reading the file failed; nothing more follows.
    ReadFailed(ErrorKind),
}

/// A recording opened for reading.
pub struct RecordingReader<R> {
    source: R,
    /// Bytes read and not yet taken, from `start`.
    buffer: Vec<u8>,
    start: usize,
    /// The file offset of `buffer[start]`.
    offset: u64,
    at_end: bool,
    finished: bool,
    header: Header,
}

impl<R: Read> RecordingReader<R> {
    /// Read the header of the recording in `source`.
    pub fn open(source: R) -> Result<RecordingReader<R>, OpenError> {
        let mut reader = RecordingReader {
            source,
            buffer: Vec::new(),
            start: 0,
            offset: 0,
            at_end: false,
            finished: false,
            header: Header {
                mqscope_version: String::new(),
                broker: String::new(),
                protocol_version: 5,
                started_at_micros: 0,
                scope: super::Scope::Packets,
            },
        };
        let prefix = MAGIC.len() + 2 + 4;
        reader.fill(prefix).map_err(OpenError::Read)?;
        let available = reader.available();
        if available.len() < MAGIC.len() || available[..MAGIC.len()] != MAGIC {
            return Err(OpenError::NotRecording);
        }
        if available.len() < prefix {
            return Err(OpenError::DamagedHeader);
        }
        let version = u16::from_le_bytes([available[8], available[9]]);
        if version == 0 || version > FORMAT_VERSION {
            return Err(OpenError::NewerFormat(version));
        }
        let length = u32::from_le_bytes(available[10..14].try_into().unwrap_or_default());
        if length > MAX_HEADER_LEN {
            return Err(OpenError::DamagedHeader);
        }
        let whole = prefix + length as usize + 4;
        reader.fill(whole).map_err(OpenError::Read)?;
        let available = reader.available();
        if available.len() < whole {
            return Err(OpenError::DamagedHeader);
        }
        let json = &available[prefix..whole - 4];
        let crc = u32::from_le_bytes(available[whole - 4..whole].try_into().unwrap_or_default());
        if crc32fast::hash(json) != crc {
            return Err(OpenError::DamagedHeader);
        }
        reader.header = serde_json::from_slice(json).map_err(|_| OpenError::DamagedHeader)?;
        if !matches!(reader.header.protocol_version, 4 | 5) {
            return Err(OpenError::DamagedHeader);
        }
        reader.consume(whole);
        Ok(reader)
    }

    /// What the recording is about.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// How far into the file the reader has got, in bytes.
    pub fn position(&self) -> u64 {
        self.offset
    }

    fn available(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, count: usize) {
        self.start += count;
        self.offset += count as u64;
    }

    /// Read until `count` bytes are available or the file ends.
    fn fill(&mut self, count: usize) -> Result<(), ErrorKind> {
        while self.available().len() < count && !self.at_end {
            if self.start > 0 {
                self.buffer.drain(..self.start);
                self.start = 0;
            }
            let have = self.buffer.len();
            let want = (count - have).max(CHUNK);
            self.buffer.resize(have + want, 0);
            let read = loop {
                match self.source.read(&mut self.buffer[have..]) {
                    Ok(read) => break Ok(read),
                    Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                    Err(error) => break Err(error.kind()),
                };
            };
            match read {
                Ok(read) => {
                    self.buffer.truncate(have + read);
                    self.at_end = read == 0;
                }
                Err(kind) => {
                    self.buffer.truncate(have);
                    return Err(kind);
                }
            }
        }
        Ok(())
    }

    /// The next thing in the file, or `None` at its end.
    pub fn next_item(&mut self) -> Option<Item> {
        if self.finished {
            return None;
        }
        let item = self.read_item();
        if matches!(item, Ok(None)) {
            self.finished = true;
        }
        match item {
            Ok(item) => item,
            Err(kind) => {
                self.finished = true;
                Some(Item::ReadFailed(kind))
            }
        }
    }

    fn read_item(&mut self) -> Result<Option<Item>, ErrorKind> {
        let head = FRAME_MARKER.len() + 4;
        self.fill(head)?;
        let available = self.available();
        if available.is_empty() {
            return Ok(None);
        }
        let offset = self.offset;
        if available.len() < head {
            return self.unfinished(offset);
        }
        if available[..4] != FRAME_MARKER {
            return self.skip_damage(offset).map(Some);
        }
        let length = u32::from_le_bytes(available[4..8].try_into().unwrap_or_default());
        if !(BODY_PREFIX as u32..=MAX_BODY_LEN).contains(&length) {
            return self.skip_damage(offset).map(Some);
        }
        let whole = FRAME_OVERHEAD + length as usize;
        self.fill(whole)?;
        let available = self.available();
        if available.len() < whole {
            return self.unfinished(offset);
        }
        let Some((at_micros, kind, flags)) = check_whole(&available[..whole]) else {
            return self.skip_damage(offset).map(Some);
        };
        let body = &available[8..whole - 4];
        let frame = Frame {
            offset,
            at_micros,
            kind,
            flags,
            data: Bytes::copy_from_slice(&body[BODY_PREFIX..]),
        };
        self.consume(whole);
        Ok(Some(Item::Frame(frame)))
    }

    /// The file ends inside what looks like a frame: if another frame
    /// starts after it, this one was damaged; if none does, it was cut off.
    fn unfinished(&mut self, offset: u64) -> Result<Option<Item>, ErrorKind> {
        let rest = &self.available()[1..];
        match find_marker(rest) {
            Some(at) => {
                self.consume(1 + at);
                Ok(Some(Item::Damaged {
                    offset,
                    skipped: 1 + at as u64,
                }))
            }
            None => {
                let bytes = self.available().len();
                self.consume(bytes);
                self.finished = true;
                Ok(Some(Item::CutOff {
                    offset,
                    bytes: bytes as u64,
                }))
            }
        }
    }

    /// Pass over the damaged bytes at `offset` to the next frame marker (or
    /// the end of the file), holding at most a chunk in memory meanwhile.
    fn skip_damage(&mut self, offset: u64) -> Result<Item, ErrorKind> {
        self.consume(1);
        loop {
            if let Some(at) = find_marker(self.available()) {
                self.consume(at);
                break;
            }
            if self.at_end {
                let rest = self.available().len();
                self.consume(rest);
                break;
            }
            // Keep the last bytes: a marker may begin among them.
            let keep = (FRAME_MARKER.len() - 1).min(self.available().len());
            let passed = self.available().len() - keep;
            self.consume(passed);
            let want = self.available().len() + CHUNK;
            self.fill(want)?;
        }
        Ok(Item::Damaged {
            offset,
            skipped: self.offset - offset,
        })
    }
}

impl<R> std::fmt::Debug for RecordingReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingReader")
            .field("header", &self.header)
            .field("offset", &self.offset)
            .finish()
    }
}

impl<R: Read> Iterator for RecordingReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.next_item()
    }
}

/// A whole frame's time, kind and flags, if its checksum and kind are right.
fn check_whole(frame: &[u8]) -> Option<(u64, FrameKind, FrameFlags)> {
    let whole = frame.len();
    if whole < FRAME_OVERHEAD + BODY_PREFIX {
        return None;
    }
    let crc = u32::from_le_bytes(frame[whole - 4..].try_into().ok()?);
    if crc32fast::hash(&frame[4..whole - 4]) != crc {
        return None;
    }
    let body = &frame[8..whole - 4];
    let kind = FrameKind::from_byte(body[8])?;
    let at = u64::from_le_bytes(body[..8].try_into().ok()?);
    Some((at, kind, FrameFlags(body[9])))
}

/// The time of the last whole frame in a recording, found in the last MiB
/// of it without reading the rest (`None` if there is none there, e.g. a
/// recording that ends with one huge message: then its end is known once
/// it has been read).
pub fn last_frame_micros<S: Read + Seek>(source: &mut S) -> Option<u64> {
    let length = source.seek(SeekFrom::End(0)).ok()?;
    let from = length.saturating_sub(TAIL);
    source.seek(SeekFrom::Start(from)).ok()?;
    let mut tail = Vec::with_capacity((length - from) as usize);
    source.take(TAIL).read_to_end(&mut tail).ok()?;
    let mut end = tail.len();
    while let Some(at) = rfind_marker(&tail[..end]) {
        let rest = &tail[at..];
        if let Some(length) = rest
            .get(4..8)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            && (BODY_PREFIX as u32..=MAX_BODY_LEN).contains(&length)
            && let Some(frame) = rest.get(..FRAME_OVERHEAD + length as usize)
            && let Some((at_micros, _, _)) = check_whole(frame)
        {
            return Some(at_micros);
        }
        end = at + FRAME_MARKER.len() - 1;
    }
    None
}

/// Where the frame marker last appears in `bytes`.
fn rfind_marker(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(FRAME_MARKER.len())
        .rposition(|window| window == FRAME_MARKER)
}

/// Where the frame marker first appears in `bytes`.
fn find_marker(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(FRAME_MARKER.len())
        .position(|window| window == FRAME_MARKER)
}
