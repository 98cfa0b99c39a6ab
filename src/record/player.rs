//! Playing a recording into a window tab as if its connection were live:
//! its packets and received messages, with their recorded times, through
//! an [`EventFeed`]. It plays as fast as the window takes them (the feed's
//! back-pressure keeps the window inside its memory budget), at a speed
//! (1×, 10×, …) keeping the recorded timing, or not at all while paused;
//! and it jumps to a moment, from the start again when the moment is
//! behind it ([`Event::Rewound`] tells the window to forget what it
//! showed).

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, TryRecvError};

use super::format::FrameKind;
use super::reader::{Frame, Item, OpenError, RecordingReader};
use crate::net::{Command, Event, EventFeed};
use crate::proto::Packet;
use crate::proto::session::Direction;

/// Events sent together, at most.
const BATCH: usize = 512;
/// The longest the player sleeps before it looks at its commands again.
const LOOK_EVERY: Duration = Duration::from_millis(50);

/// How a recording is played.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// Not at all, for now.
    Paused,
    /// Keeping the recorded timing, this many times faster (1.0 = as it was).
    Speed(f64),
    /// As fast as the window takes it.
    AsFastAsPossible,
}

/// What the window asks of a player.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlayerCommand {
    /// Play on at this pace.
    Pace(Pace),
    /// Show the recording as it was at this moment (µs since the Unix
    /// epoch), then pause there.
    Seek(u64),
}

/// What a player has done; shared with the window, which reads it every
/// frame.
#[derive(Debug, Default)]
pub struct PlayerStatus {
    position_micros: AtomicU64,
    end_micros: AtomicU64,
    finished: AtomicBool,
    seeking: AtomicBool,
    damaged: AtomicU64,
    cut_off: AtomicBool,
    packets_missing: AtomicU64,
    read_failed: Mutex<Option<std::io::ErrorKind>>,
    pace: Mutex<Option<Pace>>,
    /// The furthest file offset whose problems were counted (a rewound
    /// player reads them again and must not count them twice).
    counted_to: AtomicU64,
}

/// What the file's problems were, as far as it has been read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaybackProblems {
    /// Damaged places passed over.
    pub damaged: u64,
    /// Whether the file ends inside a frame.
    pub cut_off: bool,
    /// Packets the recorder could not keep up with (its gap frames).
    pub packets_missing: u64,
    /// Reading the file failed there.
    pub read_failed: Option<std::io::ErrorKind>,
}

impl PlaybackProblems {
    /// Whether there is anything to tell.
    pub fn any(&self) -> bool {
        self.damaged > 0 || self.cut_off || self.packets_missing > 0 || self.read_failed.is_some()
    }
}

impl PlayerStatus {
    /// A status for a recording whose last frame is at `end_micros`, if known.
    pub fn new(end_micros: Option<u64>) -> PlayerStatus {
        let status = PlayerStatus::default();
        status
            .end_micros
            .store(end_micros.unwrap_or(0), Ordering::Relaxed);
        *status.pace.lock().unwrap_or_else(|e| e.into_inner()) = Some(Pace::AsFastAsPossible);
        status
    }

    /// The time of the last frame played (µs since the Unix epoch; 0 before
    /// the first).
    pub fn position_micros(&self) -> u64 {
        self.position_micros.load(Ordering::Relaxed)
    }

    /// The time of the recording's last frame, once known.
    pub fn end_micros(&self) -> Option<u64> {
        Some(self.end_micros.load(Ordering::Relaxed)).filter(|&end| end > 0)
    }

    /// Whether every frame has been played.
    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    /// Whether a jump to a moment is on its way there.
    pub fn seeking(&self) -> bool {
        self.seeking.load(Ordering::Relaxed)
    }

    /// How it plays now.
    pub fn pace(&self) -> Pace {
        self.pace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or(Pace::Paused)
    }

    /// The file's problems found so far.
    pub fn problems(&self) -> PlaybackProblems {
        PlaybackProblems {
            damaged: self.damaged.load(Ordering::Relaxed),
            cut_off: self.cut_off.load(Ordering::Relaxed),
            packets_missing: self.packets_missing.load(Ordering::Relaxed),
            read_failed: *self.read_failed.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    fn set_pace(&self, pace: Pace) {
        *self.pace.lock().unwrap_or_else(|e| e.into_inner()) = Some(pace);
    }

    /// Count a problem at `offset` once, however often it is read.
    fn first_time_at(&self, offset: u64) -> bool {
        self.counted_to.fetch_max(offset + 1, Ordering::Relaxed) <= offset
    }

    fn reached(&self, at_micros: u64) {
        self.position_micros.store(at_micros, Ordering::Relaxed);
        self.end_micros.fetch_max(at_micros, Ordering::Relaxed);
    }
}

/// Opens the recording again from its start (for a jump backwards).
pub type Reopen<R> = Box<dyn FnMut() -> Result<RecordingReader<R>, OpenError> + Send>;

/// Play `reader` into `feed` as `controls` say, until a Disconnect
/// command or the window going away. At the end of the recording the
/// player waits for a jump back (or to be stopped).
pub fn play<R: Read>(
    reader: RecordingReader<R>,
    reopen: Reopen<R>,
    controls: Receiver<PlayerCommand>,
    status: Arc<PlayerStatus>,
    commands: Receiver<Command>,
    feed: EventFeed,
) {
    let mut player = Player {
        reader,
        reopen,
        controls,
        commands,
        feed,
        status,
        pace: Pace::AsFastAsPossible,
        anchor: None,
        seek_to: None,
        waiting: None,
        in_batch: 0,
    };
    player.run();
    player.feed.push(Event::Stopped);
    player.feed.send();
}

/// A player at work.
struct Player<R> {
    reader: RecordingReader<R>,
    reopen: Reopen<R>,
    controls: Receiver<PlayerCommand>,
    commands: Receiver<Command>,
    feed: EventFeed,
    status: Arc<PlayerStatus>,
    pace: Pace,
    /// When the frame at the given time was (or is to be) shown, for a
    /// paced playback.
    anchor: Option<(Instant, u64)>,
    /// A jump in progress: everything up to this moment is shown at once.
    seek_to: Option<u64>,
    /// A frame read and not yet due.
    waiting: Option<Frame>,
    in_batch: usize,
}

/// What to do after looking at the window's wishes.
enum Next {
    Go,
    Stop,
}

impl<R: Read> Player<R> {
    fn run(&mut self) {
        loop {
            if let Next::Stop = self.take_controls() {
                return;
            }
            let idle = self.pace == Pace::Paused && self.seek_to.is_none();
            if idle {
                if !self.idle() {
                    return;
                }
                continue;
            }
            let Some(frame) = self.next_frame() else {
                // The end: everything is shown; wait for a jump back.
                self.status.finished.store(true, Ordering::Relaxed);
                if let Some(target) = self.seek_to.take() {
                    self.status
                        .reached(target.min(self.status.position_micros()));
                }
                self.status.seeking.store(false, Ordering::Relaxed);
                self.set_pace(Pace::Paused);
                if !self.feed.send() {
                    return;
                }
                continue;
            };
            if let Some(target) = self.seek_to {
                if frame.at_micros <= target {
                    if !self.show(frame) {
                        return;
                    }
                    continue;
                }
                // Arrived: pause at the moment asked for.
                self.seek_to = None;
                self.status.seeking.store(false, Ordering::Relaxed);
                self.status.position_micros.store(target, Ordering::Relaxed);
                self.waiting = Some(frame);
                self.set_pace(Pace::Paused);
                if !self.feed.send() {
                    return;
                }
                continue;
            }
            match self.pace {
                Pace::Speed(speed) => {
                    let (since, from) =
                        *self.anchor.get_or_insert((Instant::now(), frame.at_micros));
                    let due = super::due_at(since, from, frame.at_micros, speed);
                    let now = Instant::now();
                    if due > now {
                        self.waiting = Some(frame);
                        if !self.feed.send() {
                            return;
                        }
                        self.sleep((due - now).min(LOOK_EVERY));
                        continue;
                    }
                    if !self.show(frame) {
                        return;
                    }
                }
                _ => {
                    if !self.show(frame) {
                        return;
                    }
                }
            }
        }
    }

    /// Paused (or at the end): send what is shown and wait for a wish.
    fn idle(&mut self) -> bool {
        if !self.feed.send() {
            return false;
        }
        crossbeam_channel::select! {
            recv(self.controls) -> command => match command {
                Ok(command) => self.obey(command),
                Err(_) => return false,
            },
            default(LOOK_EVERY) => {}
        }
        !stop_asked(&self.commands)
    }

    fn sleep(&mut self, time: Duration) {
        if let Ok(command) = self.controls.recv_timeout(time) {
            self.obey(command);
        }
    }

    fn take_controls(&mut self) -> Next {
        if stop_asked(&self.commands) {
            return Next::Stop;
        }
        loop {
            match self.controls.try_recv() {
                Ok(command) => self.obey(command),
                Err(TryRecvError::Empty) => return Next::Go,
                Err(TryRecvError::Disconnected) => return Next::Stop,
            }
        }
    }

    fn obey(&mut self, command: PlayerCommand) {
        match command {
            PlayerCommand::Pace(pace) => {
                // Play at the end: from the start again, as a player does.
                if pace != Pace::Paused && self.status.finished() && !self.rewind() {
                    return;
                }
                if pace != self.pace {
                    let position = self.status.position_micros();
                    self.anchor = (position > 0).then(|| (Instant::now(), position));
                }
                self.set_pace(pace);
                self.seek_to = None;
                self.status.seeking.store(false, Ordering::Relaxed);
            }
            PlayerCommand::Seek(target) => {
                if target < self.status.position_micros() && !self.rewind() {
                    return;
                }
                self.seek_to = Some(target);
                self.status.seeking.store(true, Ordering::Relaxed);
                self.anchor = None;
            }
        }
    }

    /// Start from the beginning again; the window forgets what it showed.
    /// False when the file cannot be opened again (it stays where it is).
    fn rewind(&mut self) -> bool {
        match (self.reopen)() {
            Ok(reader) => {
                self.reader = reader;
                self.waiting = None;
                self.status.finished.store(false, Ordering::Relaxed);
                self.status.position_micros.store(0, Ordering::Relaxed);
                self.feed.push(Event::Rewound);
                true
            }
            Err(error) => {
                let kind = match error {
                    OpenError::Read(kind) => kind,
                    _ => std::io::ErrorKind::InvalidData,
                };
                self.read_failed(kind);
                false
            }
        }
    }

    fn read_failed(&mut self, kind: std::io::ErrorKind) {
        *self
            .status
            .read_failed
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(kind);
    }

    fn set_pace(&mut self, pace: Pace) {
        self.pace = pace;
        self.status.set_pace(pace);
        // The toolbar shows it even when no event comes with it.
        self.feed.repaint();
    }

    /// The next frame to show (a gap or a problem is counted on the way).
    fn next_frame(&mut self) -> Option<Frame> {
        if let Some(frame) = self.waiting.take() {
            return Some(frame);
        }
        loop {
            match self.reader.next_item()? {
                Item::Frame(frame) if frame.kind == FrameKind::Gap => {
                    if self.status.first_time_at(frame.offset) {
                        let missing = frame.gap_count().unwrap_or(0);
                        self.status
                            .packets_missing
                            .fetch_add(missing, Ordering::Relaxed);
                    }
                }
                Item::Frame(frame) => return Some(frame),
                Item::Damaged { offset, .. } => {
                    if self.status.first_time_at(offset) {
                        self.status.damaged.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Item::CutOff { .. } => self.status.cut_off.store(true, Ordering::Relaxed),
                Item::ReadFailed(kind) => self.read_failed(kind),
            }
        }
    }

    /// Put a frame in the feed; false when the window went away or asked
    /// to stop.
    fn show(&mut self, frame: Frame) -> bool {
        let version = self.reader.header().version();
        let at = SystemTime::UNIX_EPOCH + Duration::from_micros(frame.at_micros);
        let direction = if frame.kind == FrameKind::Sent {
            Direction::Sent
        } else {
            Direction::Received
        };
        if direction == Direction::Received
            && frame.data.first().is_some_and(|b| b >> 4 == 3)
            && let Ok(Packet::Publish(publish)) = Packet::decode(&frame.data, version)
        {
            self.feed.push(Event::MessageAt {
                publish,
                received_at: at,
            });
        }
        self.status.reached(frame.at_micros);
        self.feed.push(Event::Packet {
            direction,
            at,
            bytes: frame.data,
        });
        self.in_batch += 1;
        if self.in_batch >= BATCH {
            self.in_batch = 0;
            return self.feed.send() && self.wait_for_room();
        }
        true
    }

    /// Wait while the window has too much to take in; false when asked to stop.
    fn wait_for_room(&mut self) -> bool {
        if !self.feed.is_full() {
            return true;
        }
        while !self.feed.has_room() {
            if stop_asked(&self.commands) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}

/// Whether the window asked to stop (or went away).
fn stop_asked(commands: &Receiver<Command>) -> bool {
    loop {
        match commands.try_recv() {
            Ok(Command::Disconnect { .. }) | Err(TryRecvError::Disconnected) => return true,
            Ok(_) => continue,
            Err(TryRecvError::Empty) => return false,
        }
    }
}

#[cfg(test)]
mod tests;
