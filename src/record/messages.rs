//! The messages a recording received, decoded from its frames in order.

use std::io::{ErrorKind, Read};

use super::format::FrameKind;
use super::reader::{Item, RecordingReader};
use crate::proto::{CodecError, Packet, Publish};

/// A PUBLISH the recorded connection received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedMessage {
    /// When it arrived, in µs since the Unix epoch.
    pub at_micros: u64,
    /// The message, its topic filled in where it came by Topic Alias.
    pub publish: Publish,
}

/// Something in a recording that is not a message whole and readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Bytes that are not a whole frame were passed over.
    Damaged {
        /// Where the damage starts in the file.
        offset: u64,
        /// How many bytes were passed over.
        skipped: u64,
    },
    /// The file ends inside a frame.
    CutOff {
        /// Where the unfinished frame starts.
        offset: u64,
    },
    /// The recorder fell behind and left packets out here.
    Gap {
        /// When.
        at_micros: u64,
        /// How many packets.
        count: u64,
    },
    /// A frame whose packet does not decode.
    Undecodable {
        /// Where the frame starts.
        offset: u64,
        /// What is wrong with the packet.
        error: CodecError,
    },
    /// Reading the file failed.
    ReadFailed(ErrorKind),
}

/// The received messages of `reader` in the order they came, with what
/// stood in the way of reading others.
pub fn received_messages<R: Read>(
    reader: RecordingReader<R>,
) -> impl Iterator<Item = Result<RecordedMessage, Problem>> {
    let version = reader.header().version();
    reader.filter_map(move |item| match item {
        Item::Frame(frame) => match frame.kind {
            FrameKind::Received if frame.data.first().is_some_and(|b| b >> 4 == 3) => {
                match Packet::decode(&frame.data, version) {
                    Ok(Packet::Publish(publish)) => Some(Ok(RecordedMessage {
                        at_micros: frame.at_micros,
                        publish,
                    })),
                    Ok(_) => None,
                    Err(error) => Some(Err(Problem::Undecodable {
                        offset: frame.offset,
                        error,
                    })),
                }
            }
            FrameKind::Gap => Some(Err(Problem::Gap {
                at_micros: frame.at_micros,
                count: frame.gap_count().unwrap_or(0),
            })),
            _ => None,
        },
        Item::Damaged { offset, skipped } => Some(Err(Problem::Damaged { offset, skipped })),
        Item::CutOff { offset, .. } => Some(Err(Problem::CutOff { offset })),
        Item::ReadFailed(kind) => Some(Err(Problem::ReadFailed(kind))),
    })
}
