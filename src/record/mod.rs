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

#[cfg(test)]
mod tests;
