//! Recordings: every packet of a connection (or only the messages it
//! received), kept in a file of mqscope's own format (`docs/RECORDING.md`).
//!
//! [`format`] is the file's layout, [`writer`] the background thread that
//! writes it without ever making the network thread wait, [`reader`] the
//! streaming reader that finds its way past damage and stops cleanly at a
//! cut, and [`messages`] the received messages a recording holds. Nothing
//! here makes text: errors and findings are typed values.

pub mod format;
pub mod messages;
pub mod player;
pub mod reader;
mod redact;
pub mod replay;
pub mod writer;

pub use format::{FrameFlags, FrameKind, Header, RECORDING_EXTENSION, RECORDING_MIME, Scope};
pub use messages::{Problem, RecordedMessage, received_messages};
pub use reader::{Frame, Item, OpenError, RecordingReader};
pub use writer::{RecordError, Recorder, RecordingStatus, WriterState};

/// When a frame recorded at `at_micros` is due in a playback `speed` times
/// as fast as recorded, whose frame recorded at `from_micros` was shown at
/// `since` (a speed below a thousandth counts as a thousandth).
pub fn due_at(
    since: std::time::Instant,
    from_micros: u64,
    at_micros: u64,
    speed: f64,
) -> std::time::Instant {
    let seconds = at_micros.saturating_sub(from_micros) as f64 / 1e6 / speed.max(1e-3);
    since
        .checked_add(std::time::Duration::from_secs_f64(seconds.min(1e9)))
        .unwrap_or(since + std::time::Duration::from_secs(1_000_000_000))
}

#[cfg(test)]
mod tests;
