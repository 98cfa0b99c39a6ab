//! Playing a recording into a window tab as if its connection were live:
//! its packets and received messages, with their recorded times, through
//! an [`EventFeed`], as fast as the window takes them (the feed's
//! back-pressure keeps the window inside its memory budget).

use std::io::Read;
use std::time::{Duration, SystemTime};

use crossbeam_channel::{Receiver, TryRecvError};

use super::format::FrameKind;
use super::reader::{Item, RecordingReader};
use crate::net::{Command, Event, EventFeed};
use crate::proto::Packet;
use crate::proto::session::Direction;

/// Events sent together, at most.
const BATCH: usize = 512;

/// Play `reader` into `feed` until its end, a Disconnect command, or the
/// window going away.
pub fn play<R: Read>(reader: RecordingReader<R>, commands: Receiver<Command>, mut feed: EventFeed) {
    let version = reader.header().version();
    let mut in_batch = 0;
    for item in reader {
        if stop_asked(&commands) {
            break;
        }
        let Item::Frame(frame) = item else { continue };
        let at = SystemTime::UNIX_EPOCH + Duration::from_micros(frame.at_micros);
        let direction = match frame.kind {
            FrameKind::Received => Direction::Received,
            FrameKind::Sent => Direction::Sent,
            FrameKind::Gap => continue,
        };
        if direction == Direction::Received
            && frame.data.first().is_some_and(|b| b >> 4 == 3)
            && let Ok(Packet::Publish(publish)) = Packet::decode(&frame.data, version)
        {
            feed.push(Event::MessageAt {
                publish,
                received_at: at,
            });
        }
        feed.push(Event::Packet {
            direction,
            at,
            bytes: frame.data,
        });
        in_batch += 1;
        if in_batch >= BATCH {
            in_batch = 0;
            if !feed.send() || !wait_for_room(&feed, &commands) {
                return;
            }
        }
    }
    feed.push(Event::Stopped);
    feed.send();
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

/// Wait while the window has too much to take in; false when asked to stop.
fn wait_for_room(feed: &EventFeed, commands: &Receiver<Command>) -> bool {
    if !feed.is_full() {
        return true;
    }
    while !feed.has_room() {
        if stop_asked(commands) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}
