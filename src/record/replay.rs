//! Publishing a recording's received messages again: the message a
//! replay sends for each one recorded, and a replay into a window tab's
//! connection on a thread of its own (keeping the recorded timing at a
//! chosen speed, stopped at any time).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::messages::received_messages;
use super::reader::RecordingReader;
use crate::net::{Command, CommandSender};
use crate::proto::{Properties, Property, ProtocolVersion, Publish};

/// Tags of replayed publishes start here, far from the window's own.
const FIRST_TAG: u64 = 1 << 48;
/// At most this many messages go out before the replay takes a pause of
/// [`PAUSE`] (about 32 000 a second at most).
const BURST: u64 = 64;
const PAUSE: Duration = Duration::from_millis(2);
/// The longest the replay sleeps before it looks at its stop flag again.
const LOOK_EVERY: Duration = Duration::from_millis(50);

/// The message to publish for one recorded: the properties a publisher may
/// set are kept; Subscription Identifiers and Topic Aliases belonged to the
/// recorded connection and are left out.
pub fn replayed(recorded: &Publish, prefix: &str, version: ProtocolVersion) -> Publish {
    let mut publish = Publish::new(
        format!("{prefix}{}", recorded.topic),
        recorded.payload.clone(),
    );
    publish.qos = recorded.qos;
    publish.retain = recorded.retain;
    if version == ProtocolVersion::V5 {
        publish.properties = Properties(
            recorded
                .properties
                .iter()
                .filter(|p| {
                    matches!(
                        p,
                        Property::PayloadFormatIndicator(_)
                            | Property::MessageExpiryInterval(_)
                            | Property::ContentType(_)
                            | Property::ResponseTopic(_)
                            | Property::CorrelationData(_)
                            | Property::UserProperty(..)
                    )
                })
                .cloned()
                .collect(),
        );
    }
    publish
}

/// How a replay into a connection goes; shared with the window.
#[derive(Debug, Default)]
pub struct ReplayStatus {
    sent: AtomicU64,
    finished: AtomicBool,
    stop: AtomicBool,
    failed: std::sync::Mutex<Option<std::io::ErrorKind>>,
}

impl ReplayStatus {
    /// Messages handed to the connection so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Whether the replay is over (every message sent, stopped, or failed).
    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    /// Why reading the recording failed, if it did.
    pub fn failed(&self) -> Option<std::io::ErrorKind> {
        *self.failed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ask the replay to stop.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Publish the received messages of the recording at `path` through
/// `commands`, `speed` times as fast as they were recorded, on a thread of
/// its own; `version` is the receiving connection's.
pub fn replay_to(
    path: PathBuf,
    commands: CommandSender,
    speed: f64,
    version: ProtocolVersion,
) -> std::io::Result<Arc<ReplayStatus>> {
    let status = Arc::new(ReplayStatus::default());
    let shared = status.clone();
    std::thread::Builder::new()
        .name("mqscope-replay".into())
        .spawn(move || {
            if let Err(kind) = run(&path, &commands, speed, version, &shared) {
                *shared.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(kind);
            }
            shared.finished.store(true, Ordering::Relaxed);
        })?;
    Ok(status)
}

fn run(
    path: &std::path::Path,
    commands: &CommandSender,
    speed: f64,
    version: ProtocolVersion,
    status: &ReplayStatus,
) -> Result<(), std::io::ErrorKind> {
    let file = std::fs::File::open(path).map_err(|e| e.kind())?;
    let reader = RecordingReader::open(std::io::BufReader::with_capacity(1 << 20, file))
        .map_err(|_| std::io::ErrorKind::InvalidData)?;
    let mut clock: Option<(Instant, u64)> = None;
    for message in received_messages(reader).flatten() {
        let (started, first) = *clock.get_or_insert((Instant::now(), message.at_micros));
        let due = super::due_at(started, first, message.at_micros, speed);
        loop {
            if status.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= due {
                break;
            }
            std::thread::sleep((due - now).min(LOOK_EVERY));
        }
        let tag = FIRST_TAG + status.sent.load(Ordering::Relaxed);
        let publish = replayed(&message.publish, "", version);
        // The tab it went into was closed or disconnected: nothing to do.
        if !commands.send(Command::Publish { tag, publish }) {
            return Ok(());
        }
        let sent = status.sent.fetch_add(1, Ordering::Relaxed) + 1;
        // A dense stretch goes out at most BURST messages per PAUSE, so the
        // receiving connection still reads its socket in between.
        if sent.is_multiple_of(BURST) {
            std::thread::sleep(PAUSE);
        }
    }
    Ok(())
}
