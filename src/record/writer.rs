//! Writing a recording on a thread of its own. The network thread hands
//! each packet over through a bounded queue and never waits: when the queue
//! is full the packet is counted, and a gap frame in the file says how many
//! are missing there. A write that fails (a full disk, a removed drive)
//! stops the recording; what was written stays readable.

use std::fs::File;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytestring::ByteString;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};

use super::format::{
    FRAME_MARKER, FrameFlags, FrameKind, Header, Scope, encode_frame, encode_header, frame_head,
};
use super::redact;
use crate::proto::ProtocolVersion;
use crate::proto::session::Direction;

/// Packets go to the writer in batches of at most this many (one wake-up
/// of the writer per batch, not per packet).
const BATCH_PACKETS: usize = 1024;
/// A batch is handed over once it holds this many bytes of packets.
const BATCH_BYTES: usize = 256 * 1024;
/// A batch is handed over at the latest this long after it began, so that
/// the file and its status follow a slow connection closely.
const BATCH_AGE: Duration = Duration::from_millis(20);
/// At most this many batches wait for the writer (at most 64 Ki packets).
const QUEUE_BATCHES: usize = 64;
/// At most this many bytes of packets wait for the writer.
const QUEUE_BYTES: usize = 64 * 1024 * 1024;
/// Written out at least this often while packets arrive.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// Why a recording stopped before it was asked to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// The file could not be created.
    Create(ErrorKind),
    /// Writing failed (e.g. [`ErrorKind::StorageFull`]).
    Write(ErrorKind),
}

/// Whether the writer is still at work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriterState {
    /// Writing what arrives.
    Running,
    /// Stopped as asked; everything was written.
    Finished,
    /// Stopped by an error; what was written before stays readable.
    Failed(RecordError),
}

/// What a running recording has done so far; shared with its writer.
#[derive(Debug)]
pub struct RecordingStatus {
    bytes_written: AtomicU64,
    frames: AtomicU64,
    lost: AtomicU64,
    first_micros: AtomicU64,
    last_micros: AtomicU64,
    queued_bytes: AtomicUsize,
    state: Mutex<WriterState>,
}

impl RecordingStatus {
    fn new(header_len: u64) -> RecordingStatus {
        RecordingStatus {
            bytes_written: AtomicU64::new(header_len),
            frames: AtomicU64::new(0),
            lost: AtomicU64::new(0),
            first_micros: AtomicU64::new(0),
            last_micros: AtomicU64::new(0),
            queued_bytes: AtomicUsize::new(0),
            state: Mutex::new(WriterState::Running),
        }
    }

    /// The size of the file so far, in bytes.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written.load(Ordering::Relaxed)
    }

    /// How many frames were written.
    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }

    /// How many packets were not written because the writer fell behind.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    /// The time from the first frame written to the last.
    pub fn duration(&self) -> Duration {
        let first = self.first_micros.load(Ordering::Relaxed);
        let last = self.last_micros.load(Ordering::Relaxed);
        Duration::from_micros(last.saturating_sub(first))
    }

    /// Running, finished or failed.
    pub fn state(&self) -> WriterState {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_state(&self, state: WriterState) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
    }
}

/// A packet on its way to the file; its bytes are in its [`Batch`]'s data.
struct Entry {
    at_micros: u64,
    direction: Direction,
    /// Where its bytes end in the batch's data (they start where the
    /// previous entry's end).
    end: usize,
    alias_topic: Option<ByteString>,
    /// Packets dropped just before this one.
    lost_before: u64,
}

/// Packets handed to the writer together. Their bytes are copied into one
/// buffer, so that the network thread's read buffer is neither kept alive
/// nor shared with the writer's thread (its reference count would bounce
/// between the two cores for every packet).
#[derive(Default)]
struct Batch {
    entries: Vec<Entry>,
    data: Vec<u8>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The network thread's end of a recording: [`Recorder::offer`] each
/// packet. Dropping every clone ends the recording.
/// [`Recorder::flush_if_due`] hands over what was offered once it is due;
/// the network thread calls it once per turn of its loop (and wakes for
/// [`Recorder::due_at`]).
pub struct Recorder {
    queue: Sender<Batch>,
    status: Arc<RecordingStatus>,
    scope: Scope,
    lost: u64,
    /// Offered and not yet handed over.
    batch: Batch,
    /// When the network thread first saw `batch` non-empty.
    batch_since: Option<Instant>,
    /// The writer's queue in bytes when `batch` began.
    queued_before: usize,
}

impl Clone for Recorder {
    /// Another end of the same recording (with nothing offered yet).
    fn clone(&self) -> Recorder {
        Recorder {
            queue: self.queue.clone(),
            status: self.status.clone(),
            scope: self.scope,
            lost: 0,
            batch: Batch::default(),
            batch_since: None,
            queued_before: 0,
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.flush();
    }
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("scope", &self.scope)
            .field("status", &self.status)
            .finish()
    }
}

impl Recorder {
    /// Create the file at `path`, write `header`, and start the writer.
    pub fn create(path: &Path, header: Header) -> Result<Recorder, RecordError> {
        let file = File::create(path).map_err(|e| RecordError::Create(e.kind()))?;
        Recorder::start(file, header)
    }

    /// Write `header` to `file` and start the writer.
    pub fn start(file: File, header: Header) -> Result<Recorder, RecordError> {
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let head = encode_header(&header);
        out.write_all(&head)
            .and_then(|()| out.flush())
            .map_err(|e| RecordError::Write(e.kind()))?;
        let version = header.version();
        let status = Arc::new(RecordingStatus::new(head.len() as u64));
        let (queue, entries) = crossbeam_channel::bounded(QUEUE_BATCHES);
        let writer = Writer {
            out,
            version,
            status: status.clone(),
            scratch: Vec::new(),
        };
        std::thread::Builder::new()
            .name("mqscope-recorder".into())
            .spawn(move || writer.run(entries))
            .map_err(|e| RecordError::Create(e.kind()))?;
        Ok(Recorder {
            queue,
            status,
            scope: header.scope,
            lost: 0,
            batch: Batch::default(),
            batch_since: None,
            queued_before: 0,
        })
    }

    /// Whether only the messages received are recorded.
    pub fn records_messages_only(&self) -> bool {
        self.scope == Scope::Messages
    }

    /// What the recording has done so far.
    pub fn status(&self) -> Arc<RecordingStatus> {
        self.status.clone()
    }

    /// Whether the writer still takes packets.
    pub fn is_running(&self) -> bool {
        self.status.state() == WriterState::Running
    }

    /// Hand a packet to the writer without waiting. `alias_topic` is the
    /// topic of a PUBLISH received with only a Topic Alias. False once the
    /// writer has stopped (its status says why).
    pub fn offer(
        &mut self,
        at: SystemTime,
        direction: Direction,
        bytes: &[u8],
        alias_topic: Option<&ByteString>,
    ) -> bool {
        let is_message =
            direction == Direction::Received && bytes.first().is_some_and(|b| b >> 4 == 3);
        if self.scope == Scope::Messages && !is_message {
            return true;
        }
        if self.batch.is_empty() {
            self.queued_before = self.status.queued_bytes.load(Ordering::Relaxed);
        }
        let queued = self.queued_before + self.batch.data.len();
        if queued + bytes.len() > QUEUE_BYTES && queued > 0 {
            self.lost += 1;
            self.status.lost.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        self.batch.data.extend_from_slice(bytes);
        self.batch.entries.push(Entry {
            at_micros: micros_since_epoch(at),
            direction,
            end: self.batch.data.len(),
            alias_topic: alias_topic.cloned(),
            lost_before: std::mem::take(&mut self.lost),
        });
        if self.batch.entries.len() >= BATCH_PACKETS || self.batch.data.len() >= BATCH_BYTES {
            return self.flush();
        }
        true
    }

    /// When what was offered should be handed over at the latest (the
    /// network thread wakes for it), or `None` with nothing waiting.
    pub fn due_at(&self) -> Option<Instant> {
        self.batch_since.map(|since| since + BATCH_AGE)
    }

    /// Hand what was offered over if it has waited long enough; the
    /// network thread calls this once per turn of its loop. False once the
    /// writer has stopped.
    pub fn flush_if_due(&mut self, now: Instant) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        match self.batch_since {
            None => {
                self.batch_since = Some(now);
                true
            }
            Some(since) if now.saturating_duration_since(since) < BATCH_AGE => true,
            Some(_) => self.flush(),
        }
    }

    /// Hand what was offered to the writer now, without waiting. False once
    /// the writer has stopped.
    pub fn flush(&mut self) -> bool {
        self.batch_since = None;
        if self.batch.is_empty() {
            return true;
        }
        let batch = std::mem::take(&mut self.batch);
        let (count, bytes) = (batch.entries.len() as u64, batch.data.len());
        self.status.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
        match self.queue.try_send(batch) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                // The whole batch is left out; the next packet's gap says so.
                self.status.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                self.lost += count;
                self.status.lost.fetch_add(count, Ordering::Relaxed);
                true
            }
            // The writer stopped (its error is in the status).
            Err(TrySendError::Disconnected(_)) => {
                self.status.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                false
            }
        }
    }
}

/// µs since the Unix epoch (0 before it).
pub fn micros_since_epoch(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// The writer thread's state.
struct Writer {
    out: BufWriter<File>,
    version: ProtocolVersion,
    status: Arc<RecordingStatus>,
    scratch: Vec<u8>,
}

impl Writer {
    fn run(mut self, batches: Receiver<Batch>) {
        let mut flushed = Instant::now();
        let outcome = loop {
            match batches.recv_timeout(FLUSH_EVERY) {
                Ok(batch) => {
                    if let Err(kind) = self.write_batch(batch) {
                        break WriterState::Failed(RecordError::Write(kind));
                    }
                    if flushed.elapsed() >= FLUSH_EVERY {
                        if let Err(e) = self.out.flush() {
                            break WriterState::Failed(RecordError::Write(e.kind()));
                        }
                        flushed = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(e) = self.out.flush() {
                        break WriterState::Failed(RecordError::Write(e.kind()));
                    }
                    flushed = Instant::now();
                }
                Err(RecvTimeoutError::Disconnected) => {
                    break match self
                        .out
                        .flush()
                        .and_then(|()| self.out.get_ref().sync_all())
                    {
                        Ok(()) => WriterState::Finished,
                        Err(e) => WriterState::Failed(RecordError::Write(e.kind())),
                    };
                }
            }
        };
        self.status.set_state(outcome);
    }

    /// Write a batch, then tell the status once (the network thread reads
    /// it too: one update per batch keeps the two threads off each other's
    /// cache line).
    fn write_batch(&mut self, batch: Batch) -> Result<(), ErrorKind> {
        let (Some(first), Some(last)) = (batch.entries.first(), batch.entries.last()) else {
            return Ok(());
        };
        let (first_micros, last_micros) = (first.at_micros, last.at_micros);
        let count = batch.entries.len() as u64;
        let mut written = 0u64;
        let mut start = 0;
        let mut outcome = Ok(());
        for entry in batch.entries {
            let bytes = &batch.data[start..entry.end];
            start = entry.end;
            match self.write(&entry, bytes) {
                Ok(bytes) => written += bytes,
                Err(kind) => {
                    outcome = Err(kind);
                    break;
                }
            }
        }
        let status = &self.status;
        status
            .queued_bytes
            .fetch_sub(batch.data.len(), Ordering::Relaxed);
        status.bytes_written.fetch_add(written, Ordering::Relaxed);
        if status.frames.fetch_add(count, Ordering::Relaxed) == 0 {
            status.first_micros.store(first_micros, Ordering::Relaxed);
        }
        status.last_micros.store(last_micros, Ordering::Relaxed);
        outcome
    }

    /// Write one entry (and a gap frame before it); the bytes written.
    fn write(&mut self, entry: &Entry, bytes: &[u8]) -> Result<u64, ErrorKind> {
        self.scratch.clear();
        if entry.lost_before > 0 {
            encode_frame(
                &mut self.scratch,
                entry.at_micros,
                FrameKind::Gap,
                FrameFlags::default(),
                &entry.lost_before.to_le_bytes(),
            );
        }
        let (flags, bytes) = redact::prepare(
            entry.direction,
            bytes,
            entry.alias_topic.clone(),
            self.version,
        );
        let kind = match entry.direction {
            Direction::Received => FrameKind::Received,
            Direction::Sent => FrameKind::Sent,
        };
        let head = frame_head(entry.at_micros, kind, flags, bytes.len());
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head[FRAME_MARKER.len()..]);
        crc.update(&bytes);
        self.out.write_all(&self.scratch).map_err(|e| e.kind())?;
        self.out.write_all(&head).map_err(|e| e.kind())?;
        self.out.write_all(&bytes).map_err(|e| e.kind())?;
        self.out
            .write_all(&crc.finalize().to_le_bytes())
            .map_err(|e| e.kind())?;
        Ok((self.scratch.len() + head.len() + bytes.len() + 4) as u64)
    }
}
