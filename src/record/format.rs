//! The layout of a recording file (`docs/RECORDING.md`): a header, then
//! frames, each found by a sync marker and checked by a CRC-32.

use serde::{Deserialize, Serialize};

/// The first eight bytes of every recording.
pub const MAGIC: [u8; 8] = *b"\x89MQSREC\n";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// The longest header this reader accepts, in bytes.
pub const MAX_HEADER_LEN: u32 = 64 * 1024;
/// The marker every frame starts with.
pub const FRAME_MARKER: [u8; 4] = [0xA5, b'M', b'Q', b'F'];
/// Marker, length and CRC: what a frame adds around its body.
pub const FRAME_OVERHEAD: usize = FRAME_MARKER.len() + 4 + 4;
/// Timestamp, kind and flags: what a body holds before the data.
pub const BODY_PREFIX: usize = 8 + 1 + 1;
/// The largest body: the largest MQTT packet (a 268 435 455-byte
/// remaining length and a 5-byte fixed header) after the body's prefix.
pub const MAX_BODY_LEN: u32 = 268_435_460 + BODY_PREFIX as u32;
/// The file name extension of recordings.
pub const RECORDING_EXTENSION: &str = "mqrec";
/// The MIME type of recordings.
pub const RECORDING_MIME: &str = "application/x-mqscope-recording";

/// What a recording is about, written once at its start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The mqscope version that wrote the file.
    pub mqscope_version: String,
    /// The broker's address as the user gave it (`mqtt://host:port`).
    pub broker: String,
    /// The MQTT protocol level: 4 (3.1.1) or 5.
    pub protocol_version: u8,
    /// When the recording started, in µs since the Unix epoch.
    pub started_at_micros: u64,
    /// Every packet, or only the messages received.
    pub scope: Scope,
}

impl Header {
    /// The protocol version to decode the packets with (MQTT 5 when the
    /// level is unknown; the reader refuses such a header).
    pub fn version(&self) -> crate::proto::ProtocolVersion {
        crate::proto::ProtocolVersion::from_level(self.protocol_version)
            .unwrap_or(crate::proto::ProtocolVersion::V5)
    }
}

/// Which packets a recording keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every packet sent and received.
    Packets,
    /// Only the PUBLISH packets received.
    Messages,
}

/// What a frame holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A packet from the broker.
    Received,
    /// A packet to the broker.
    Sent,
    /// Packets that could not be written (the writer fell behind): the data
    /// is their count, a u64.
    Gap,
}

impl FrameKind {
    /// The byte that stands for this kind.
    pub fn to_byte(self) -> u8 {
        match self {
            FrameKind::Received => 0,
            FrameKind::Sent => 1,
            FrameKind::Gap => 2,
        }
    }

    /// The kind a byte stands for.
    pub fn from_byte(byte: u8) -> Option<FrameKind> {
        match byte {
            0 => Some(FrameKind::Received),
            1 => Some(FrameKind::Sent),
            2 => Some(FrameKind::Gap),
            _ => None,
        }
    }
}

/// What the recorder changed in a packet before writing it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameFlags(pub u8);

impl FrameFlags {
    /// A password or authentication data was blanked.
    pub const BLANKED: u8 = 1;
    /// A PUBLISH's topic name was filled in from its Topic Alias.
    pub const TOPIC_FROM_ALIAS: u8 = 2;

    /// Whether a secret was blanked.
    pub fn blanked(self) -> bool {
        self.0 & Self::BLANKED != 0
    }

    /// Whether the topic name was filled in from a Topic Alias.
    pub fn topic_from_alias(self) -> bool {
        self.0 & Self::TOPIC_FROM_ALIAS != 0
    }
}

/// The header's bytes: magic, format version, length, JSON, CRC-32.
pub fn encode_header(header: &Header) -> Vec<u8> {
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut out = Vec::with_capacity(json.len() + 18);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&crc32fast::hash(&json).to_le_bytes());
    out
}

/// A frame's marker, length and body prefix, for `data_len` bytes of data
/// (the data and the CRC-32 follow).
pub fn frame_head(
    at_micros: u64,
    kind: FrameKind,
    flags: FrameFlags,
    data_len: usize,
) -> [u8; FRAME_MARKER.len() + 4 + BODY_PREFIX] {
    let mut head = [0u8; FRAME_MARKER.len() + 4 + BODY_PREFIX];
    head[..4].copy_from_slice(&FRAME_MARKER);
    head[4..8].copy_from_slice(&((BODY_PREFIX + data_len) as u32).to_le_bytes());
    head[8..16].copy_from_slice(&at_micros.to_le_bytes());
    head[16] = kind.to_byte();
    head[17] = flags.0;
    head
}

/// Append one frame to `out`.
pub fn encode_frame(
    out: &mut Vec<u8>,
    at_micros: u64,
    kind: FrameKind,
    flags: FrameFlags,
    data: &[u8],
) {
    let head = frame_head(at_micros, kind, flags, data.len());
    let checked_from = out.len() + FRAME_MARKER.len();
    out.extend_from_slice(&head);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[checked_from..]);
    out.extend_from_slice(&crc.to_le_bytes());
}
